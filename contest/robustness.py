"""How much the result depends on one juror and on the choice of rules.

* :func:`leave_one_out` — for each juror who scored anything, the whole
  contest recomputed by its own rules (advancement included) without every
  score of that juror — under ``normalization: additive`` with the severity
  model fitted again on the remaining scores; :func:`leave_one_out_notes`
  names the jurors whose absence would disconnect a task's plan;
* :func:`robustness_summary` — per entry: the range of its places over those
  panels, the share of panels in which its award holds, and the juror whose
  absence changes its place or award most;
* :func:`robustness_alerts` — plain-Russian sentences for every juror whose
  absence would change an award («Без оценок эксперта Ж03 работа Д05
  потеряла бы звание «Призёр»»);
* :func:`what_if` — the places and awards under the other aggregation rules
  (mean, trimmed mean, median) with and without normalisation;
* :func:`assess_robustness` — all of the above for a :class:`~contest.scoring.Results`.

The question is the one judged panels ask of a single judge's influence
(docs/sources.md [Emerson-ISU]); the rules are in docs/contest_rules.md §1.6 and §2.6.
Pure: frames in, frames out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from contest.model import Contest
from contest.panels import Prepared, prepare, run_panels
from contest.scoring import Results, entry_nominations, score
from contest.severity import CORRECTION_DECIMALS, additive_prepared, corrected_units, juror_groups
from contest.validate import id_set, validate_adjustments, validate_scores

__all__ = [
    "LOO_COLUMNS",
    "Robustness",
    "WHAT_IF_VARIANTS",
    "leave_one_out",
    "leave_one_out_notes",
    "assess_robustness",
    "robustness_alerts",
    "robustness_summary",
    "what_if",
]

LOO_COLUMNS = ["juror_id", "entry_id", "total", "rank", "award", "tie_flag"]

#: The variants of :func:`what_if`: (key, aggregation or None = as defined, normalisation or None).
WHAT_IF_VARIANTS = (
    ("как в положении", None, None),
    ("среднее", "mean", "none"),
    ("усечённое среднее", "trimmed_mean", "none"),
    ("медиана", "median", "none"),
    ("как в положении + z", None, "zscore"),
    ("среднее + z", "mean", "zscore"),
    ("усечённое среднее + z", "trimmed_mean", "zscore"),
    ("медиана + z", "median", "zscore"),
)


def leave_one_out(
    contest: Contest,
    scores: pd.DataFrame,
    entries: Any = None,
    jury: Any = None,
    adjustments: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The contest recomputed without each juror in turn.

    For each juror who scored anything, every score of that juror is removed
    and the contest is scored again by its rules (:func:`contest.score`):
    aggregation, rounding, normalisation, advancement, ranking and awards
    (within each nomination under ``ranking.by_nomination``). A score of an
    entry in a stage it no longer reaches is set aside, and so is an
    adjustment of an entry that no longer takes part in the stage; an entry
    that now reaches a stage it has no scores in does not take part in it.
    With ``normalization: additive`` the severity model is fitted again on
    the remaining scores of each task (those of the entries that reach the
    stage in that panel); a juror whose absence leaves a task's plan
    disconnected has no panel (:func:`leave_one_out_notes` says so). All
    panels are computed at once (one vectorised pass).

    Parameters
    ----------
    contest, scores, entries, jury, adjustments
        As for :func:`contest.score`. ``entries`` defaults to the entries of
        ``scores``; every entry appears in every panel.

    Returns
    -------
    DataFrame
        ``juror_id`` (str, the juror left out), ``entry_id`` (str), ``total``
        (float, points; NaN without a ranking stage), ``rank`` (int, shared;
        within the nomination), ``award`` (str, ``""`` when none), ``tie_flag``
        (bool); per juror in text order, best first (as :attr:`Results.ranking`).

    Raises
    ------
    ContestError
        As :func:`contest.score` for the full scores.
    """
    return _leave_one_out(contest, scores, entries, jury, adjustments)[0]


def leave_one_out_notes(
    contest: Contest,
    scores: pd.DataFrame,
    entries: Any = None,
    jury: Any = None,
    adjustments: pd.DataFrame | None = None,
) -> list[str]:
    """Russian notes on the jurors :func:`leave_one_out` could not leave out (same arguments).

    Returns
    -------
    list of str
        One sentence per juror whose absence leaves the plan of a task without
        a connection between its jurors under ``normalization: additive``
        (e.g. «Без оценок эксперта Ж03 эксперты задания S1.T1 распадаются на
        2 группы, не связанные общими работами: {Ж01, Ж02}; {Ж04, Ж05} …»);
        empty otherwise.
    """
    return _leave_one_out(contest, scores, entries, jury, adjustments)[1]


def _checked(contest: Contest, scores, entries, jury, adjustments):
    """Validated scores and adjustments, the nominations and the prepared integers of ``contest``."""
    known_entries = id_set(entries, "entry_id")
    df = validate_scores(contest, scores, known_entries, id_set(jury, "juror_id"))
    adj = validate_adjustments(contest, adjustments, known_entries)
    nominations = entry_nominations(contest, entries, df)
    return df, adj, nominations, prepare(contest, df, adj, known_entries)


def _sub_panels(prep: Prepared, rows: pd.DataFrame, nominations: dict | None) -> tuple[pd.DataFrame, int]:
    """Each panel split into one sub-panel per nomination (``p · N + nomination``, text order): the
    advancement, ranks and awards of a sub-panel are those among the nomination's entries (rule 9 of
    :mod:`contest.scoring`). Returns the rows and ``N`` (1 without nominations)."""
    if nominations is None:
        return rows, 1
    names = sorted(set(nominations[e] for e in prep.universe))
    of = np.array([names.index(nominations[e]) for e in prep.universe], dtype=np.int64)
    return rows.assign(p=rows["p"].to_numpy() * len(names) + of[rows["e"].to_numpy()]), len(names)


def _additive_values(prep: Prepared, n_sub: int, failed: dict):
    """The hook of :func:`contest.panels.run_panels` for ``normalization: additive``: per panel and
    task, the severities fitted again on the rows that reach the stage (every nomination of the
    panel together, as :func:`contest.score` fits them on every score of the task); a panel whose
    task plan is not connected is recorded in ``failed`` (panel → [(task, groups)])."""
    names_e = np.asarray(prep.universe, dtype=object)
    names_j = np.asarray(prep.jurors, dtype=object)
    scale = 10**CORRECTION_DECIMALS

    def values(rows: pd.DataFrame) -> np.ndarray:
        out = np.empty(len(rows), dtype=object)
        u = rows["units"].to_numpy()
        e = names_e[rows["e"].to_numpy()]
        j = names_j[rows["j"].to_numpy()]
        key = pd.DataFrame({"p": rows["p"].to_numpy() // n_sub, "t": rows["t"].to_numpy()})
        for (p, t), idx in key.groupby(["p", "t"], sort=True).indices.items():
            groups = juror_groups(e[idx], j[idx])
            if len(groups) > 1:
                failed.setdefault(int(p), []).append((int(t), groups))
                out[idx] = [int(x) * scale for x in u[idx]]
                continue
            out[idx] = corrected_units(e[idx], j[idx], u[idx])
        big = max((abs(int(x)) for x in out), default=0) >= 2**62
        return out if big else out.astype(np.int64)

    return values


def _panel_frame(prep: Prepared, run, n_sub: int, nominations: dict | None, drop: set) -> pd.DataFrame:
    """The ranking rows of every panel but those in ``drop``, each entry in its own nomination's
    sub-panel; ``p`` is the panel."""
    r = run.ranking
    p = r["p"].to_numpy()
    keep = ~np.isin(p // n_sub, sorted(drop))
    if nominations is not None:
        names = sorted(set(nominations[e] for e in prep.universe))
        of = np.array([names.index(nominations[e]) for e in prep.universe], dtype=np.int64)
        keep &= of[r["e"].to_numpy()] == p % n_sub
    r = r[keep]
    return r.assign(p=r["p"].to_numpy() // n_sub)


def _run(contest: Contest, prep: Prepared, rows: pd.DataFrame, n_panels: int, nominations):
    """:func:`contest.panels.run_panels` of ``rows`` (panels ``0 … n_panels − 1``) with the
    nominations as sub-panels and the additive model fitted in each panel; returns the ranking rows
    (:func:`_panel_frame`) and the panels whose plan fell apart (panel → [(task, groups)])."""
    rows, n_sub = _sub_panels(prep, rows, nominations)
    failed: dict = {}
    values = None
    if contest.normalization == "additive":
        values = _additive_values(prep, n_sub, failed)
        prep = additive_prepared(prep)  # d + 9 decimals; raises when the full plan is not connected
    run = run_panels(prep, rows, n_panels * n_sub, values=values)
    return _panel_frame(prep, run, n_sub, nominations, set(failed)), failed


def _leave_one_out(contest, scores, entries, jury, adjustments) -> tuple[pd.DataFrame, list[str]]:
    score(contest, scores, entries=entries, jury=jury, adjustments=adjustments)  # the checks of score()
    df, adj, nominations, prep = _checked(contest, scores, entries, jury, adjustments)
    jt = prep.jt
    present = np.unique(jt["j"].to_numpy())
    J = len(present)
    # panel 0: everybody; panel q + 1: without juror present[q]
    rep = np.repeat(np.arange(len(jt)), J)
    panel = np.tile(np.arange(J), len(jt))
    keep = jt["j"].to_numpy()[rep] != present[panel]
    parts = [jt.assign(p=0), jt.iloc[rep[keep]].assign(p=panel[keep] + 1)]
    r, failed = _run(contest, prep, pd.concat(parts, ignore_index=True), J + 1, nominations)
    r = r[r["p"].to_numpy() > 0]
    jurors = np.asarray(prep.jurors, dtype=object)[present]
    out = pd.DataFrame(
        {
            "juror_id": jurors[r["p"].to_numpy() - 1],
            "entry_id": r["entry_id"].to_numpy(),
            "total": r["total"].to_numpy(dtype=float),
            "rank": r["rank"].to_numpy(dtype=np.int64),
            "award": r["award"].to_numpy(),
            "tie_flag": r["tie_flag"].to_numpy(dtype=bool),
        }
    )
    for col in ("juror_id", "entry_id", "award"):
        out[col] = out[col].astype(str)
    tf = prep.tasks
    notes = []
    for p in sorted(failed):
        for t, groups in failed[p]:
            parts_txt = "; ".join(f"{{{', '.join(g)}}}" for g in groups)
            notes.append(
                f"Без оценок эксперта {jurors[p - 1]} эксперты задания {tf.at[t, 'stage_id']}.{tf.at[t, 'task_id']} "
                f"распадаются на {len(groups)} группы, не связанные общими работами: {parts_txt}. Строгость "
                "экспертов разных групп сравнить нельзя, справедливые средние без этого эксперта не "
                "определены, поэтому итоги без него не пересчитывались: этот состав не входит ни в диапазон "
                "мест, ни в долю составов, сохраняющих награду."
            )
    return out.reset_index(drop=True), notes


def robustness_summary(results: Results, loo: pd.DataFrame) -> pd.DataFrame:
    """Per entry: how its place and award change when one juror is left out.

    Parameters
    ----------
    results : Results
        The contest with every juror.
    loo : DataFrame
        :func:`leave_one_out` of the same contest.

    Returns
    -------
    DataFrame
        In the order of ``results.ranking``: ``entry_id`` (str), ``rank``
        (int), ``award`` (str), ``rank_min``, ``rank_max`` (int, best and worst
        place over the panels without one juror; the entry's rank when there
        is no panel), ``award_share`` (float 0–1, share of those panels in
        which its award — or having none — holds), ``key_juror`` (str: the
        juror whose absence changes the award, else the place, most; ties by
        juror id; ``""`` when no absence changes either), ``rank_without``
        (int or NA, its place without ``key_juror``), ``award_without`` (str),
        ``award_jurors`` (str, every juror whose absence changes the award,
        comma-separated).
    """
    base = results.ranking[["entry_id", "rank", "award"]].reset_index(drop=True)
    m = loo.merge(base, on="entry_id", how="inner", suffixes=("", "_base"))
    m["award_changed"] = m["award"] != m["award_base"]
    m["shift"] = (m["rank"] - m["rank_base"]).abs()
    m["changed"] = m["award_changed"] | (m["shift"] > 0)
    g = m.groupby("entry_id", sort=False)
    stats = pd.DataFrame(
        {
            "rank_min": g["rank"].min(),
            "rank_max": g["rank"].max(),
            "award_share": 1.0 - g["award_changed"].mean(),
        }
    )
    key = (
        m[m["changed"]]
        .sort_values(["entry_id", "award_changed", "shift", "juror_id"], ascending=[True, False, False, True])
        .drop_duplicates("entry_id")
        .set_index("entry_id")
    )
    award_jurors = m[m["award_changed"]].groupby("entry_id", sort=True)["juror_id"].agg(", ".join)
    out = base.join(stats, on="entry_id")
    out["rank_min"] = out["rank_min"].fillna(out["rank"]).astype(np.int64)
    out["rank_max"] = out["rank_max"].fillna(out["rank"]).astype(np.int64)
    out["award_share"] = out["award_share"].fillna(1.0).astype(float)
    ids = out["entry_id"].tolist()
    out["key_juror"] = pd.Series([key["juror_id"].get(e, "") for e in ids], dtype=str)
    out["rank_without"] = out["entry_id"].map(key["rank"]).astype("Int64")
    out["award_without"] = pd.Series([key["award"].get(e, "") for e in ids], dtype=str)
    out["award_jurors"] = pd.Series([award_jurors.get(e, "") for e in ids], dtype=str)
    return out


def robustness_alerts(results: Results, loo: pd.DataFrame) -> list[str]:
    """One Russian sentence for every (juror, entry) whose award depends on that juror alone.

    Returns
    -------
    list of str
        In the order of the ranking, then by juror id, e.g. «Без оценок
        эксперта Ж03 работа Д05 потеряла бы звание «Призёр»»; empty when no
        single juror decides an award.
    """
    base = results.ranking[["entry_id", "award"]].reset_index()
    m = loo.merge(base, on="entry_id", suffixes=("", "_base"))
    m = m[m["award"] != m["award_base"]].sort_values(["index", "juror_id"], kind="stable")
    out = []
    for r in m.itertuples(index=False):
        who = f"Без оценок эксперта {r.juror_id} работа {r.entry_id}"
        if not r.award:
            out.append(f"{who} потеряла бы звание «{r.award_base}»")
        elif not r.award_base:
            out.append(f"{who} получила бы звание «{r.award}»")
        else:
            out.append(f"{who} получила бы звание «{r.award}» вместо «{r.award_base}»")
    return out


def _variant(contest: Contest, aggregation: str | None, normalization: str | None) -> Contest:
    stages = []
    for s in contest.stages:
        tasks = []
        for t in s.tasks:
            if aggregation is None or t.aggregation == aggregation:
                tasks.append(t)
            else:
                tasks.append(replace(t, aggregation=aggregation, trim=1))
        stages.append(replace(s, tasks=tuple(tasks)))
    return replace(contest, stages=tuple(stages), normalization=normalization or contest.normalization)


def what_if(
    contest: Contest,
    scores: pd.DataFrame,
    entries: Any = None,
    jury: Any = None,
    adjustments: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Places and awards under the other aggregation rules, with and without normalisation.

    Each variant of :data:`WHAT_IF_VARIANTS` scores the contest again with
    every task's aggregation replaced (``trimmed_mean`` drops one highest and
    one lowest juror score, or keeps the task's own ``trim``) and the
    normalisation set; everything else — weights, rounding, advancement,
    tie-breaks, awards — stays as defined.

    Returns
    -------
    DataFrame
        ``variant`` (str, Russian label of :data:`WHAT_IF_VARIANTS`),
        ``aggregation`` (str, ``""`` = as defined), ``normalization`` (str),
        ``entry_id`` (str), ``total`` (float, points), ``rank`` (int),
        ``award`` (str); per variant in the ranking's order.

    Raises
    ------
    ContestError
        As :func:`contest.score`. A variant whose advancement would leave
        scores of an entry in a stage it no longer reaches is scored with
        those scores set aside (as :func:`leave_one_out` does).
    """
    score(contest, scores, entries=entries, jury=jury, adjustments=adjustments)  # the checks of score()
    frames = []
    for label, agg, norm in WHAT_IF_VARIANTS:
        c = _variant(contest, agg, norm)
        df, adj, nominations, prep = _checked(c, scores, entries, jury, adjustments)
        r, _ = _run(c, prep, prep.jt.assign(p=0), 1, nominations)
        frames.append(
            pd.DataFrame(
                {
                    "variant": label,
                    "aggregation": agg or "",
                    "normalization": c.normalization,
                    "entry_id": r["entry_id"].astype(str).to_numpy(),
                    "total": r["total"].to_numpy(dtype=float),
                    "rank": r["rank"].to_numpy(dtype=np.int64),
                    "award": r["award"].astype(str).to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@dataclass
class Robustness:
    """The robustness checks of one scored contest (:func:`assess_robustness`).

    Attributes
    ----------
    leave_one_out : DataFrame
        :func:`leave_one_out`.
    summary : DataFrame
        :func:`robustness_summary`.
    alerts : list of str
        :func:`robustness_alerts`.
    what_if : DataFrame
        :func:`what_if`.
    notes : list of str
        :func:`leave_one_out_notes`: the jurors who could not be left out
        (``normalization: additive`` with a plan that falls apart without them).
    """

    leave_one_out: pd.DataFrame
    summary: pd.DataFrame
    alerts: list[str]
    what_if: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def assess_robustness(results: Results) -> Robustness:
    """Every robustness check of ``results``, from the scores and adjustments it holds (within each
    nomination under ``ranking.by_nomination``)."""
    c = results.contest
    scores = results.scores[["entry_id", "juror_id", "criterion_id", "score"]]
    cols = ["entry_id", "nomination"] if "nomination" in results.ranking.columns else ["entry_id"]
    entries = results.ranking[cols]
    adj = results.adjustments
    loo, notes = _leave_one_out(c, scores, entries, None, adj)
    return Robustness(
        leave_one_out=loo,
        summary=robustness_summary(results, loo),
        alerts=robustness_alerts(results, loo),
        what_if=what_if(c, scores, entries=entries, adjustments=adj),
        notes=notes,
    )
