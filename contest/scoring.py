"""Contest scoring: task scores, stage totals, advancement, ranking, awards.

The rules, stated here exactly as implemented (for users:
docs/contest_rules.md §1.3):

1. A juror's task score for an entry (``raw``) is the sum of that juror's
   criterion scores for the task, points.
2. With ``normalization: zscore`` each raw score is replaced by
   ``value = mean_all + z × sd_within`` where, per juror and task,
   ``z = (raw − mean_j) / std_j`` over the entries that juror scored in that
   task (population standard deviation; ``std_j = 0`` or one entry → ``z = 0``),
   ``mean_all`` is the mean of all raw scores of that task and ``sd_within``
   the pooled within-juror standard deviation of the task
   (``sqrt(mean((raw − mean_j)²))`` over all its scores). A juror's constant
   shift changes neither z nor ``sd_within`` and moves ``mean_all`` equally for
   every entry, so it cannot change the ranking. Otherwise ``value = raw``.
3. The task score is the aggregation of the values over the jurors who scored
   the entry: ``mean``, ``median``, ``sum``, or ``trimmed_mean`` — the ``trim``
   highest and ``trim`` lowest values are dropped when more than 2 × ``trim``
   jurors scored, otherwise the plain mean.
4. With ``round: N`` the task score is rounded half-up to N decimals (decimal
   arithmetic on the shortest repr: 2.675 → 2.68), and weight × task score is
   computed in decimal and rounded again to N. Without ``round`` values are
   only cleaned of floating-point noise (rounded to 9 decimals).
5. Stage total = Σ weighted task scores + the entry's adjustments for the
   stage. A task nobody scored for an entry counts 0 (with a warning).
6. Advancement after each stage but the last: ``top: N`` — entries whose stage
   total is at least the N-th best total (all entries tied at the cut-off
   advance, so more than N may pass); ``min_share: x`` — stage total ≥ x × the
   stage maximum (``sum`` tasks assume ``jury.per_entry`` jurors); no rule — all
   advance. A later stage sees only advanced entries: scores of a
   non-advanced entry in a later stage are an error.
7. Final total = Σ stage totals over ``ranking.stages`` the entry took part
   in. Ranking: entries that reached a later ranking stage rank above those
   that did not; within the same last stage by final total, descending; then
   the ``tie_break`` keys in order (stage total ``S2`` or weighted task score
   ``S2.T1``, higher first; missing counts lowest); entries still equal share
   the best rank (1, 2, 2, 4) and get ``tie_flag``; the display order inside
   a tie is by ``entry_id``. Entries that took part in no ranking stage come
   next, ordered by the total of the last stage they took part in; entries
   without any score come last.
8. Awards in order: ``places: N`` gives the title to every not yet titled
   entry whose rank lies in the next N places (places already given by
   earlier ``places`` awards are skipped; entries sharing a rank inside the
   range all get the title, so ties can use up the following places: ranks
   1, 2, 2, 4 with «Победитель 1, Призёр 2» → 1 winner, 2 prize-winners, rank 4
   nothing); ``min_share: x`` gives it to every entry not yet titled whose
   final total ≥ x × :meth:`Contest.max_total`. Only entries that took part in
   a ranking stage can be titled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from contest.model import Contest, ContestError, mul_round, round_half_up
from contest.validate import id_set, to_text, validate_adjustments, validate_scores
from tandem.errors import Issue

__all__ = ["Results", "score"]

#: Floating-point noise is removed by rounding computed points to this many decimals.
NOISE_DECIMALS = 9
_EPS = 1e-9
_TASK_KEYS = ["entry_id", "stage_id", "task_id"]


def _snap(x):
    return np.round(x, NOISE_DECIMALS)


@dataclass
class Results:
    """Everything computed by :func:`score`.

    Attributes
    ----------
    contest : Contest
    ranking : DataFrame
        Best first: ``entry_id`` (str), ``total`` (float, points; NaN when the
        entry took part in no ranking stage), ``rank`` (int, shared ranks
        1, 2, 2, 4), ``award`` (str, ``""`` when none), ``tie_flag`` (bool,
        equal after every tie-break key — for the jury chair), ``last_stage``
        (str, the last ranking stage the entry took part in, ``""`` if none),
        ``reached_stage`` (str, the last stage of the contest it took part in).
    stages : DataFrame
        One row per entry and stage it took part in: ``entry_id, stage_id``
        (str), ``score`` (Σ weighted task scores), ``adjustment``, ``total``
        (float, points), ``max`` (stage maximum), ``rank`` (int, within the
        stage, shared), ``advanced`` (bool, passed to the next stage; False
        for the last stage).
    tasks : DataFrame
        ``entry_id, stage_id, task_id`` (str), ``score`` (aggregated task
        score), ``weighted`` (weight × score), ``max`` (weighted maximum for
        this entry; ``sum`` tasks use its number of jurors) (float, points),
        ``n_jurors`` (int), ``n_used`` (int, after trimming).
    juror_tasks : DataFrame
        ``entry_id, juror_id, stage_id, task_id`` (str), ``raw`` (juror's
        criterion sum), ``value`` (what was aggregated: raw or normalised)
        (float, points), ``used`` (bool, False when dropped by trimming).
    scores : DataFrame
        The validated long-form scores: ``entry_id, juror_id, criterion_id,
        score, stage_id, task_id, row``.
    adjustments : DataFrame
        ``entry_id, stage_id, points, reason``.
    warnings : list of str
        Russian notes that do not stop scoring (missing tasks, fewer jurors
        than ``per_entry``).
    """

    contest: Contest
    ranking: pd.DataFrame
    stages: pd.DataFrame
    tasks: pd.DataFrame
    juror_tasks: pd.DataFrame
    scores: pd.DataFrame
    adjustments: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


def score(
    contest: Contest,
    scores: pd.DataFrame,
    entries: Any = None,
    jury: Any = None,
    adjustments: pd.DataFrame | None = None,
    *,
    source: str | None = None,
) -> Results:
    """Score a contest: validate, aggregate, advance, rank and award.

    Parameters
    ----------
    contest : Contest
    scores : DataFrame
        Long form ``entry_id, juror_id, criterion_id, score`` (points). Optional
        ``source_file, source_sheet, source_row`` locate rows in messages.
    entries : DataFrame with ``entry_id``, Series or iterable, optional
        Known entries: scores of others are errors; entries without scores
        appear last in the ranking.
    jury : DataFrame with ``juror_id``, Series or iterable, optional
        Known jurors: scores of others are errors.
    adjustments : DataFrame, optional
        ``entry_id, stage_id, points, reason`` — bonuses and penalties
        (negative) added to the stage total.
    source : str, optional
        File name of the scores for messages.

    Returns
    -------
    Results

    Raises
    ------
    ContestError
        Every problem of the scores (see :func:`contest.validate.validate_scores`),
        of the adjustments, scores of entries that did not advance to that
        stage, adjustments for an entry that did not take part in the stage.

    Notes
    -----
    The rules are in the module docstring (for users: docs/contest_rules.md §1.3).
    """
    known_entries = id_set(entries, "entry_id")
    known_jury = id_set(jury, "juror_id")
    df = validate_scores(contest, scores, known_entries, known_jury, source)
    adj = validate_adjustments(contest, adjustments, known_entries)
    warnings: list[str] = []

    jt = _juror_tasks(contest, df)
    jt, tasks = _aggregate(contest, jt)
    stages, issues = _stages(contest, df, tasks, adj, warnings)
    if issues:
        raise ContestError(issues)
    if len(tasks):
        ok = tasks.set_index(["entry_id", "stage_id"]).index.isin(
            stages.set_index(["entry_id", "stage_id"]).index
        )
        tasks = tasks[ok].reset_index(drop=True)
    universe = set(df["entry_id"].cat.categories) | (known_entries or set())
    ranking = _rank(contest, stages, tasks, sorted(universe))
    ranking = _award(contest, ranking)
    jt_out = to_text(
        jt[["entry_id", "juror_id", "stage_id", "task_id", "raw", "value", "used"]].reset_index(drop=True)
    )
    return Results(
        contest=contest,
        ranking=ranking,
        stages=stages,
        tasks=tasks,
        juror_tasks=jt_out,
        scores=to_text(df.drop(columns=["crit_pos"])),
        adjustments=adj.drop(columns=["row"]),
        warnings=warnings,
    )


# --------------------------------------------------------------------------
# juror sums and normalisation
# --------------------------------------------------------------------------


def _juror_tasks(contest: Contest, df: pd.DataFrame) -> pd.DataFrame:
    """Juror task sums ``raw`` and the ``value`` to aggregate (rules 1–2)."""
    keys = ["entry_id", "juror_id", "stage_id", "task_id"]
    jt = df.groupby(keys, sort=True, observed=True)["score"].sum().rename("raw").reset_index()
    jt["raw"] = _snap(jt["raw"].to_numpy())
    if contest.normalization == "zscore" and len(jt):
        jt["value"] = zscore_values(jt)
    else:
        jt["value"] = jt["raw"]
    return jt


def zscore_values(jt: pd.DataFrame) -> np.ndarray:
    """Per-juror, per-task z-scores rescaled back to points.

    ``z = (raw − mean_j) / std_j`` over the entries juror *j* scored in the
    task (population std; std 0 or a single entry → z = 0); then
    ``value = mean_all + z × sd_within`` with the mean of all raw scores of the
    task and the pooled within-juror standard deviation
    ``sqrt(mean((raw − mean_j)²))`` over the task's scores (invariant to a
    juror's constant shift). Source: per-judge z-scores as used by NASA
    TechLeap and WildHacks (docs/sources.md [z-score-judging]), rescaled so totals stay in points.

    Parameters
    ----------
    jt : DataFrame
        ``juror_id, stage_id, task_id, raw``.

    Returns
    -------
    ndarray of float, points, rounded to 9 decimals.
    """
    g = jt.groupby(["juror_id", "stage_id", "task_id"], sort=False, observed=True)["raw"]
    mean_j = g.transform("mean").to_numpy()
    std_j = g.transform("std", ddof=0).to_numpy()
    std_j = np.where(np.isnan(std_j), 0.0, std_j)
    raw = jt["raw"].to_numpy()
    z = np.divide(raw - mean_j, std_j, out=np.zeros_like(raw), where=std_j > _EPS)
    t = jt.groupby(["stage_id", "task_id"], sort=False, observed=True)["raw"]
    mean_all = t.transform("mean").to_numpy()
    resid2 = pd.Series((raw - mean_j) ** 2, index=jt.index)
    sd_within = np.sqrt(
        resid2.groupby([jt["stage_id"], jt["task_id"]], sort=False, observed=True)
        .transform("mean")
        .to_numpy()
    )
    return _snap(mean_all + _snap(z) * sd_within)


# --------------------------------------------------------------------------
# aggregation over jurors
# --------------------------------------------------------------------------


def _aggregate(contest: Contest, jt: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Task scores per entry (rules 3–4); returns ``jt`` sorted with ``used`` and the task frame."""
    tf = contest.tasks_frame().set_index(["stage_id", "task_id"])
    jt = jt.sort_values(_TASK_KEYS + ["value", "juror_id"], kind="stable").reset_index(drop=True)
    params = tf.reindex(pd.MultiIndex.from_frame(jt[["stage_id", "task_id"]]))
    agg = params["aggregation"].to_numpy()
    trim = params["trim"].to_numpy(dtype=np.int64)
    g = jt.groupby(_TASK_KEYS, sort=False, observed=True)
    pos = g.cumcount().to_numpy()
    n = g["value"].transform("size").to_numpy()
    drop = (agg == "trimmed_mean") & (n > 2 * trim) & ((pos < trim) | (pos >= n - trim))
    jt["used"] = ~drop
    used = jt[jt["used"]]
    out = used.groupby(_TASK_KEYS, sort=True, observed=True)["value"].agg(["sum", "mean", "median", "size"])
    out["n_jurors"] = jt.groupby(_TASK_KEYS, sort=True, observed=True).size()
    out = out.reset_index()
    p = tf.reindex(pd.MultiIndex.from_frame(out[["stage_id", "task_id"]]))
    a = p["aggregation"].to_numpy()
    value = np.select(
        [a == "sum", a == "median"], [out["sum"].to_numpy(), out["median"].to_numpy()], out["mean"].to_numpy()
    )
    value = _snap(value)
    weight = p["weight"].to_numpy(dtype=float)
    rnd = p["round"].to_numpy(dtype=object)
    weighted = _snap(weight * value)
    has_round = np.array([r is not None and not pd.isna(r) for r in rnd], dtype=bool)
    if has_round.any():
        idx = np.flatnonzero(has_round)
        value[idx] = [round_half_up(value[i], int(rnd[i])) for i in idx]
        weighted[idx] = [mul_round(weight[i], value[i], int(rnd[i])) for i in idx]
    n_j = out["n_jurors"].to_numpy(dtype=np.int64)
    base_max = p["max_points"].to_numpy(dtype=float) * np.where(a == "sum", n_j, 1)
    task_max = _snap(weight * base_max)
    if has_round.any():  # the same rounding as the scores, so that max ≥ any weighted score
        task_max[idx] = [
            mul_round(weight[i], round_half_up(base_max[i], int(rnd[i])), int(rnd[i])) for i in idx
        ]
    return jt, pd.DataFrame(
        {
            "entry_id": out["entry_id"].astype(str),
            "stage_id": out["stage_id"].astype(str),
            "task_id": out["task_id"].astype(str),
            "score": value,
            "weighted": weighted,
            "max": task_max,
            "n_jurors": n_j,
            "n_used": out["size"].to_numpy(dtype=np.int64),
        }
    )


# --------------------------------------------------------------------------
# stages and advancement
# --------------------------------------------------------------------------


def _threshold(share: float, maximum: float) -> float:
    return float(Decimal(repr(float(share))) * Decimal(repr(float(maximum))))


def _stages(
    contest: Contest, df: pd.DataFrame, tasks: pd.DataFrame, adj: pd.DataFrame, warnings: list[str]
) -> tuple[pd.DataFrame, list[Issue]]:
    """Stage totals and advancement, stage by stage (rules 5–6)."""
    issues: list[Issue] = []
    frames = []
    advanced_prev: set[str] | None = None
    for k, stage in enumerate(contest.stages):
        st = tasks[tasks["stage_id"] == stage.id]
        if advanced_prev is not None:
            bad = ~st["entry_id"].isin(advanced_prev)
            if bad.any():
                bad_entries = set(st.loc[bad, "entry_id"])
                rows = df[(df["stage_id"] == stage.id) & df["entry_id"].isin(bad_entries)]
                first = rows.drop_duplicates(["entry_id", "juror_id"])
                for _, r in first.iterrows():
                    issues.append(
                        Issue(
                            f"заявка «{r['entry_id']}» не прошла в этап «{stage.name}» ({stage.id}), но эксперт "
                            f"«{r['juror_id']}» её оценил",
                            file=r.get("source_file") if "source_file" in rows else None,
                            sheet=r.get("source_sheet") if "source_sheet" in rows else None,
                            row=None if pd.isna(r["row"]) else int(r["row"]),
                            column="entry_id",
                        )
                    )
                st = st[~bad]
        base = st.groupby("entry_id", sort=True)["weighted"].sum()
        n_tasks = st.groupby("entry_id", sort=True).size()
        sa = adj[adj["stage_id"] == stage.id]
        stray = sa[~sa["entry_id"].isin(base.index)]
        for _, r in stray.iterrows():
            issues.append(
                Issue(
                    f"корректировка для заявки «{r['entry_id']}», у которой нет оценок в этапе "
                    f"«{stage.name}» ({stage.id})",
                    row=None if pd.isna(r["row"]) else int(r["row"]),
                    column="entry_id",
                )
            )
        adj_sum = sa.groupby("entry_id")["points"].sum().reindex(base.index, fill_value=0.0)
        maximum = contest.stage_max(stage.id)
        frame = pd.DataFrame(
            {
                "entry_id": base.index.astype(str),
                "stage_id": stage.id,
                "score": _snap(base.to_numpy(dtype=float)),
                "adjustment": _snap(adj_sum.to_numpy(dtype=float)),
            }
        )
        frame["total"] = _snap(frame["score"] + frame["adjustment"])
        frame["max"] = maximum
        frame["rank"] = frame["total"].rank(method="min", ascending=False).astype(np.int64)
        last = k == len(contest.stages) - 1
        if last:
            adv = np.zeros(len(frame), dtype=bool)
        elif stage.advance_top is not None and len(frame):
            cut = np.sort(frame["total"].to_numpy())[::-1][min(stage.advance_top, len(frame)) - 1]
            adv = frame["total"].to_numpy() >= cut
        elif stage.advance_min_share is not None:
            adv = frame["total"].to_numpy() >= _threshold(stage.advance_min_share, maximum) - _EPS
        else:
            adv = np.ones(len(frame), dtype=bool)
        frame["advanced"] = adv
        frames.append(frame)
        missing = n_tasks[n_tasks < len(stage.tasks)]
        for e in missing.index:
            have = set(st.loc[st["entry_id"] == e, "task_id"])
            lack = [t.id for t in stage.tasks if t.id not in have]
            warnings.append(
                f"заявка «{e}»: в этапе «{stage.id}» нет оценок по заданиям {', '.join(lack)} "
                "— засчитано 0 баллов"
            )
        need = contest.per_entry_of(stage.id)
        few = st[st["n_jurors"] < need]
        for _, r in few.iterrows():
            warnings.append(
                f"заявка «{r['entry_id']}»: задание «{r['stage_id']}.{r['task_id']}» оценили "
                f"{r['n_jurors']} эксперт(а) из {need}"
            )
        advanced_prev = set(frame.loc[frame["advanced"], "entry_id"])
    cols = ["entry_id", "stage_id", "score", "adjustment", "total", "max", "rank", "advanced"]
    stages = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
    stages["advanced"] = stages["advanced"].astype(bool)
    return stages[cols], issues


# --------------------------------------------------------------------------
# ranking and awards
# --------------------------------------------------------------------------


def _rank(contest: Contest, stages: pd.DataFrame, tasks: pd.DataFrame, universe: list[str]) -> pd.DataFrame:
    """Final ranking (rule 7)."""
    order = {s.id: i for i, s in enumerate(contest.stages)}
    rs = list(contest.ranking_stages)
    r = pd.DataFrame({"entry_id": pd.Series(universe, dtype=object)})
    tot = (
        stages.pivot_table(index="entry_id", columns="stage_id", values="total", aggfunc="sum")
        if len(stages)
        else pd.DataFrame(index=pd.Index([], name="entry_id"))
    )
    tot = tot.reindex(index=universe, columns=[s.id for s in contest.stages])
    took = tot.notna().to_numpy()
    rs_idx = [order[s] for s in rs]
    took_rs = took[:, rs_idx] if rs_idx else np.zeros((len(universe), 0), dtype=bool)
    level = np.where(took_rs.any(axis=1), took_rs.shape[1] - 1 - np.argmax(took_rs[:, ::-1], axis=1), -1)
    reached = np.where(took.any(axis=1), took.shape[1] - 1 - np.argmax(took[:, ::-1], axis=1), -1)
    total = tot[rs].sum(axis=1, min_count=1).to_numpy(dtype=float) if rs else np.full(len(universe), np.nan)
    total = _snap(total)
    tot_np = tot.to_numpy(dtype=float)
    reached_total = np.where(reached >= 0, tot_np[np.arange(len(universe)), np.maximum(reached, 0)], -np.inf)
    sort_total = np.where(level >= 0, np.nan_to_num(total, nan=-np.inf), reached_total)
    stage_ids = [s.id for s in contest.stages]
    r["total"] = total
    r["last_stage"] = [rs[lv] if lv >= 0 else "" for lv in level]
    r["reached_stage"] = [stage_ids[x] if x >= 0 else "" for x in reached]
    keys = {"_level": level, "_any": (reached >= 0).astype(int), "_total": sort_total}
    if len(tasks):
        tw = tasks.pivot_table(
            index="entry_id", columns=["stage_id", "task_id"], values="weighted", aggfunc="sum"
        )
    else:
        tw = None
    for i, key in enumerate(contest.tie_break):
        sid, _, tid = key.partition(".")
        if tid:
            col = (sid, tid)
            vals = (
                tw[col].reindex(universe)
                if tw is not None and col in tw.columns
                else pd.Series(np.nan, index=universe)
            )
        else:
            vals = tot[sid]
        keys[f"_tb{i}"] = np.nan_to_num(vals.to_numpy(dtype=float), nan=-np.inf)
    for name, v in keys.items():
        r[name] = v
    key_cols = list(keys)
    r = r.sort_values(key_cols + ["entry_id"], ascending=[False] * len(key_cols) + [True], kind="stable")
    r = r.reset_index(drop=True)
    kv = r[key_cols].to_numpy(dtype=float)
    new = np.ones(len(r), dtype=bool)
    if len(r) > 1:
        new[1:] = np.any(kv[1:] != kv[:-1], axis=1)
    start = np.where(new, np.arange(len(r)), 0)
    start = np.maximum.accumulate(start) if len(r) else start
    r["rank"] = (start + 1).astype(np.int64)
    group_size = pd.Series(start).map(pd.Series(start).value_counts()).to_numpy()
    r["tie_flag"] = (group_size > 1) & (r["_any"].to_numpy() == 1)
    r["award"] = ""
    r["_level"] = r["_level"].astype(np.int64)
    r["entry_id"] = r["entry_id"].astype(str)
    return r[["entry_id", "total", "rank", "award", "tie_flag", "last_stage", "reached_stage", "_level"]]


def _award(contest: Contest, r: pd.DataFrame) -> pd.DataFrame:
    """Titles by places and by share of the maximum total (rule 8)."""
    award = np.array([""] * len(r), dtype=object)
    rank = r["rank"].to_numpy()
    eligible = r["_level"].to_numpy() >= 0
    total = np.nan_to_num(r["total"].to_numpy(dtype=float), nan=-np.inf)
    cursor = 0
    max_total = contest.max_total()
    for a in contest.awards:
        free = (award == "") & eligible
        if a.places is not None:
            mask = free & (rank > cursor) & (rank <= cursor + a.places)
            cursor += a.places
        else:
            mask = free & (total >= _threshold(a.min_share, max_total) - _EPS)
        award[mask] = a.title
    r = r.drop(columns=["_level"]).copy()
    r["award"] = award.astype(str)
    r["award"] = r["award"].astype(str)
    return r
