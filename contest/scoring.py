"""Contest scoring: task scores, stage totals, advancement, ranking, awards.

The rules, stated here exactly as implemented (for users:
docs/contest_rules.md §1.3):

0. Points are exact. Scores are decimals as entered; sums, means, trimmed
   means, medians, weights, rounding and adjustments are computed in integer
   arithmetic on a common denominator (:mod:`contest.panels`), so equal
   totals are equal and ranks, ties, advancement and awards are decided on
   the exact values. The floats in the result frames are these values
   rounded to 9 decimals, for display only. With ``normalization: zscore``
   (square roots) each normalised value is rounded to 9 decimals first and
   the rest is exact: two totals are tied when they are equal after that.
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
   every entry, so it cannot change the ranking. With ``normalization:
   additive`` each raw score is replaced by ``value = raw + severity_j``, the
   juror's severity in that task from the additive model fitted on every
   score of the task (:mod:`contest.severity`, solved exactly, the value
   rounded half-up to 9 more decimals than the scores have); with ``mean``
   the task score is then the entry's fair average. A task whose plan does
   not connect its jurors is an error. Otherwise ``value = raw``.
3. The task score is the aggregation of the values over the jurors who scored
   the entry: ``mean``, ``median``, ``sum``, or ``trimmed_mean`` — the ``trim``
   highest and ``trim`` lowest values are dropped when more than 2 × ``trim``
   jurors scored, otherwise the plain mean.
4. With ``round: N`` the task score is rounded half-up to N decimals (decimal
   arithmetic on the shortest repr: 2.675 → 2.68), and weight × task score is
   computed exactly and rounded again to N. Without ``round`` nothing is
   rounded (rule 0).
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
9. With ``ranking.by_nomination: true`` every nomination of the entries is
   scored as a contest of its own by rules 3–8: advancement, ranks, tie-breaks
   and awards (``places: N`` per nomination, ``min_share`` against the same
   :meth:`Contest.max_total`) are decided among the entries of the
   nomination; the ranking lists the nominations in text order, each best
   first, with a ``nomination`` column. Normalisation (rule 2) still uses
   every score of the task, so that a juror's severity is estimated from all
   the entries they scored. Every entry must have a nomination.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from contest.exact import codes, to_float
from contest.model import Contest, ContestError, mul_round, round_half_up
from contest.panels import NOISE_DECIMALS, Prepared, Run, prepare, run_panels, snap
from contest.severity import additive_prepared
from contest.validate import id_set, to_text, validate_adjustments, validate_scores
from tandem.errors import Issue

__all__ = ["Results", "score"]


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
        ``reached_stage`` (str, the last stage of the contest it took part in);
        with ``ranking.by_nomination`` also ``nomination`` (str), and ranks,
        ties and awards are within the nomination (rule 9).
        Places and ties are decided on the exact totals (rule 0); ``total`` is
        the exact total shown as a float rounded to 9 decimals.
    stages : DataFrame
        One row per entry and stage it took part in: ``entry_id, stage_id``
        (str), ``score`` (Σ weighted task scores), ``adjustment``, ``total``
        (float, points), ``max`` (stage maximum), ``rank`` (int, within the
        stage — and the nomination under rule 9 — shared), ``advanced`` (bool, passed to the next stage; False
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
        appear last in the ranking. With ``ranking.by_nomination`` a
        DataFrame with ``entry_id`` and ``nomination`` (str) is required.
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
        stage, adjustments for an entry that did not take part in the stage;
        ``normalization: additive`` with a task whose plan does not connect its
        jurors; ``by_nomination`` with an entry without a nomination.

    Notes
    -----
    The rules are in the module docstring (for users: docs/contest_rules.md §1.3).
    """
    known_entries = id_set(entries, "entry_id")
    df = validate_scores(contest, scores, known_entries, id_set(jury, "juror_id"), source)
    adj = validate_adjustments(contest, adjustments, known_entries)
    nominations = entry_nominations(contest, entries, df)
    prep = prepare(contest, df, adj, known_entries)
    if contest.normalization == "additive":
        prep = additive_prepared(prep)
    parts = _split(prep, nominations) if nominations is not None else [("", prep)]
    warnings: list[str] = []
    frames: dict[str, list] = {"stages": [], "tasks": [], "ranking": [], "jt": []}
    issues: list[Issue] = []
    for name, part in parts:
        run = run_panels(part, part.jt.assign(p=np.zeros(len(part.jt), dtype=np.int64)), 1)
        issues += stage_issues(contest, df, adj, part, run)
        if issues:
            continue
        st, tk = _stage_frames(part, run, warnings)
        ranking = _ranking_frame(part, run).drop(columns=["p"])
        if nominations is not None:
            ranking.insert(1, "nomination", name)
        frames["stages"].append(st)
        frames["tasks"].append(tk)
        frames["ranking"].append(ranking)
        frames["jt"].append(_juror_frame(part, run, contest.normalization))
    if issues:
        raise ContestError(issues)
    if nominations is None:
        stages, tasks, ranking, jt_frame = (frames[k][0] for k in ("stages", "tasks", "ranking", "jt"))
    else:
        stages, tasks, jt_frame = (_concat(frames[k], key) for k, key in _SORTS)
        ranking = pd.concat(frames["ranking"], ignore_index=True)
    return Results(
        contest=contest,
        ranking=ranking.reset_index(drop=True),
        stages=stages,
        tasks=tasks,
        juror_tasks=jt_frame,
        scores=to_text(df.drop(columns=["crit_pos"])),
        adjustments=adj.drop(columns=["row"]),
        warnings=warnings,
    )


_SORTS = (
    ("stages", ["stage_id", "entry_id"]),
    ("tasks", ["entry_id", "stage_id", "task_id"]),
    ("jt", ["entry_id", "stage_id", "task_id", "value", "juror_id"]),
)


def _concat(frames: list[pd.DataFrame], key: list[str]) -> pd.DataFrame:
    """The frames of the nominations as one, in the order of the single-contest frame."""
    out = pd.concat(frames, ignore_index=True)
    if key[0] == "stage_id":  # stages: stage by stage, entries in code order within a stage
        order = {s: i for i, s in enumerate(dict.fromkeys(out["stage_id"]))}
        out = out.assign(_k=out["stage_id"].map(order)).sort_values(["_k", "entry_id"], kind="stable")
        out = out.drop(columns=["_k"])
    else:
        out = out.sort_values(key, kind="stable")
    out = out.reset_index(drop=True)
    for col in out.columns:
        if col.endswith("_id"):
            out[col] = _text(out[col].to_numpy())
    return out


def entry_nominations(contest: Contest, entries: Any, df: pd.DataFrame) -> dict[str, str] | None:
    """``entry_id → nomination`` under ``ranking.by_nomination`` (rule 9), else None."""
    if not contest.by_nomination:
        return None
    if not isinstance(entries, pd.DataFrame) or "nomination" not in entries.columns:
        raise ContestError(
            Issue(
                "ranking.by_nomination: true — места присуждаются в каждой номинации, но номинации "
                "заявок не переданы (столбец «Номинация» листа «Участники»)"
            )
        )
    nom = {str(e): str(n).strip() for e, n in zip(entries["entry_id"], entries["nomination"].fillna(""))}
    scored = set(df["entry_id"].astype(str))
    missing = sorted(e for e in set(nom) | scored if not nom.get(e))
    if missing:
        raise ContestError(
            Issue(
                "ranking.by_nomination: true, но у заявок не указана номинация: " + ", ".join(missing),
                column="nomination",
            )
        )
    return nom


def _split(prep: Prepared, nominations: dict[str, str]) -> list[tuple[str, Prepared]]:
    """One :class:`Prepared` per nomination (text order), entries re-coded within it."""
    names = sorted(set(nominations[e] for e in prep.universe))
    out = []
    for n, name in enumerate(names):
        keep = [i for i, e in enumerate(prep.universe) if nominations[e] == name]
        code = np.full(len(prep.universe) + 1, -1, dtype=np.int64)  # the last slot: code −1
        code[keep] = np.arange(len(keep))
        jt = prep.jt[code[prep.jt["e"].to_numpy()] >= 0]
        jt = jt.assign(e=code[jt["e"].to_numpy()]).reset_index(drop=True)
        ae = prep.adj["e"].to_numpy()
        # an adjustment of an entry without any score (code −1) is reported once, with the first nomination
        sel = (code[ae] >= 0) | ((ae < 0) & (n == 0))
        adj = prep.adj[sel]
        adj = adj.assign(e=np.where(adj["e"].to_numpy() >= 0, code[adj["e"].to_numpy()], -1))
        out.append((name, replace(prep, universe=[prep.universe[i] for i in keep], jt=jt, adj=adj)))
    return out


# --------------------------------------------------------------------------
# the frames of Results (panel 0), messages and warnings
# --------------------------------------------------------------------------


def _text(values) -> pd.Series:
    return pd.Series(pd.array(np.asarray(values, dtype=object), dtype="str"))


def stage_issues(
    contest: Contest, df: pd.DataFrame, adj: pd.DataFrame, prep: Prepared, run: Run
) -> list[Issue]:
    """Scores of entries that did not reach a stage, adjustments of entries not in the stage."""
    issues: list[Issue] = []
    for stage, info in zip(contest.stages, run.stage):
        if len(info["dropped"]):
            bad = {prep.universe[i] for i in info["dropped"]}
            rows = df[(df["stage_id"] == stage.id) & df["entry_id"].isin(bad)]
            for _, r in rows.drop_duplicates(["entry_id", "juror_id"]).iterrows():
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
        for _, r in adj.loc[info["stray"].index].iterrows():
            issues.append(
                Issue(
                    f"корректировка для заявки «{r['entry_id']}», у которой нет оценок в этапе "
                    f"«{stage.name}» ({stage.id})",
                    row=None if pd.isna(r["row"]) else int(r["row"]),
                    column="entry_id",
                )
            )
    return issues


def _task_max_column(prep: Prepared, t: np.ndarray, n_jurors: np.ndarray) -> np.ndarray:
    """Weighted task maxima for the ``max`` column (``sum`` tasks by the entry's number of jurors)."""
    tf = prep.tasks
    agg = tf["aggregation"].to_numpy()[t]
    weight = tf["weight"].to_numpy(dtype=float)[t]
    rnd = tf["round"].to_numpy(dtype=object)[t]
    base_max = tf["max_points"].to_numpy(dtype=float)[t] * np.where(agg == "sum", n_jurors, 1)
    out = snap(weight * base_max)
    for i in np.flatnonzero([r is not None and not pd.isna(r) for r in rnd]):
        r = int(rnd[i])
        out[i] = mul_round(weight[i], round_half_up(base_max[i], r), r)
    return out


def _stage_frames(prep: Prepared, run: Run, warnings: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``Results.stages`` and ``Results.tasks`` of panel 0, and the warnings (rules 5–6)."""
    c, E, D = prep.contest, len(prep.universe), run.D
    names = np.asarray(prep.universe, dtype=object)
    frames, task_frames = [], []
    for k, stage in enumerate(c.stages):
        info = run.stage[k]
        idx = np.flatnonzero(info["took"][:E])
        tot = info["total"][idx]
        frames.append(
            pd.DataFrame(
                {
                    "entry_id": _text(names[idx]),
                    "stage_id": stage.id,
                    "score": snap(to_float(info["base"][idx], D)),
                    "adjustment": snap(to_float(info["adj"][idx], D)),
                    "total": snap(to_float(tot, D)),
                    "max": c.stage_max(stage.id),
                    "rank": pd.Series(codes(tot))
                    .rank(method="min", ascending=False)
                    .to_numpy(dtype=np.int64),
                    "advanced": info["adv"][idx].astype(bool),
                }
            )
        )
        cl = run.cells[k]
        cl = cl[cl["p"].to_numpy() == 0]
        t = cl["t"].to_numpy()
        st = pd.DataFrame(
            {
                "entry_id": names[cl["e"].to_numpy()],
                "stage_id": prep.tasks["stage_id"].to_numpy()[t],
                "task_id": prep.tasks["task_id"].to_numpy()[t],
                "score": cl["score"].to_numpy(dtype=float),
                "weighted": snap(to_float(cl["weighted"].to_numpy(), D)),
                "max": _task_max_column(prep, t, cl["n_jurors"].to_numpy()),
                "n_jurors": cl["n_jurors"].to_numpy(dtype=np.int64),
                "n_used": cl["n_used"].to_numpy(dtype=np.int64),
            }
        ).sort_values(["entry_id", "task_id"], kind="stable")
        task_frames.append(st)
        n_tasks = st.groupby("entry_id", sort=True).size()
        for e in n_tasks[n_tasks < len(stage.tasks)].index:
            have = set(st.loc[st["entry_id"] == e, "task_id"])
            lack = [t.id for t in stage.tasks if t.id not in have]
            warnings.append(
                f"заявка «{e}»: в этапе «{stage.id}» нет оценок по заданиям {', '.join(lack)} "
                "— засчитано 0 баллов"
            )
        need = c.per_entry_of(stage.id)
        for _, r in st[st["n_jurors"] < need].iterrows():
            warnings.append(
                f"заявка «{r['entry_id']}»: задание «{r['stage_id']}.{r['task_id']}» оценили "
                f"{r['n_jurors']} эксперт(а) из {need}"
            )
    stages = pd.concat(frames, ignore_index=True)
    stages["advanced"] = stages["advanced"].astype(bool)
    tasks = pd.concat(task_frames, ignore_index=True)
    tasks = tasks.sort_values(["entry_id", "stage_id", "task_id"], kind="stable").reset_index(drop=True)
    for col in ("entry_id", "stage_id", "task_id"):
        tasks[col] = _text(tasks[col].to_numpy())
    return stages, tasks


def _ranking_frame(prep: Prepared, run: Run) -> pd.DataFrame:
    r = run.ranking
    r = r[r["p"].to_numpy() == 0].drop(columns=["e"]).reset_index(drop=True)
    r["entry_id"] = r["entry_id"].astype(str)
    return r


def _juror_frame(prep: Prepared, run: Run, normalization: str = "none") -> pd.DataFrame:
    """``Results.juror_tasks`` of panel 0: sorted by entry, stage, task, value, juror."""
    rows = pd.concat(run.rows, ignore_index=True)
    rows = rows[rows["p"].to_numpy() == 0]
    t = rows["t"].to_numpy()
    zs = normalization == "zscore"
    if normalization == "additive":
        corrected = snap(to_float(rows["units"].to_numpy(), 10**prep.d))
    out = pd.DataFrame(
        {
            "entry_id": np.asarray(prep.universe, dtype=object)[rows["e"].to_numpy()],
            "juror_id": np.asarray(prep.jurors, dtype=object)[rows["j"].to_numpy()],
            "stage_id": prep.tasks["stage_id"].to_numpy()[t],
            "task_id": prep.tasks["task_id"].to_numpy()[t],
            "raw": rows["raw"].to_numpy(dtype=float),
            "value": snap(rows["value"].to_numpy() / 10**NOISE_DECIMALS)
            if zs
            else corrected
            if normalization == "additive"
            else rows["raw"].to_numpy(dtype=float),
            "used": rows["used"].to_numpy(dtype=bool),
        }
    )
    out = out.sort_values(["entry_id", "stage_id", "task_id", "value", "juror_id"], kind="stable")
    out = out.reset_index(drop=True)
    for col in ("entry_id", "juror_id", "stage_id", "task_id"):
        out[col] = _text(out[col].to_numpy())
    return out
