"""Which entries reach each stage, and the jury plan of every stage that has scores.

A later stage sees only the entries advanced from the previous one, by
:func:`contest.score` on the scores of the earlier stages (the stage's
``advance`` rule; ``docs/contest_rules.md``) — after the chair's
reconciliation decisions on those scores, when given
(:func:`contest.reconcile.apply_decisions`), and with the bonuses and
penalties of those stages (the stage total that decides who advances
includes them, docs/contest_rules.md §1.3 items 5–6), so that the entries
that advance are those of the protocol. Pure: frames in, lists and frames out.
"""

from __future__ import annotations

import pandas as pd

from contest.assign import assign_jury
from contest.reconcile import apply_decisions, decisions_for_stages
from contest.roster import People
from contest.scoring import score


def reconciled_scores(contest, scores: pd.DataFrame, decisions=None, where=None) -> pd.DataFrame:
    """``scores`` with the chair's decisions about their stages applied (:func:`contest.reconcile.apply_decisions`).

    Parameters
    ----------
    scores : DataFrame
        Long-form scores with ``entry_id``, ``juror_id``, ``criterion_id``, ``score``,
        ``stage_id`` (other columns kept).
    decisions : DataFrame, optional
        The decisions (:func:`contest.reconcile_io.load_decisions`); those about
        stages without scores here are left out (:func:`contest.reconcile.decisions_for_stages`).
    where : dict, optional
        ``file``, ``sheet``, ``columns`` of the decisions, for messages.

    Returns
    -------
    DataFrame
        ``scores`` itself when there are no decisions, else a copy with the new scores.

    Raises
    ------
    ContestError
        A bad decision (:func:`contest.reconcile.apply_decisions`).
    """
    if decisions is None or not len(scores):
        return scores
    mine = decisions_for_stages(contest, decisions, set(scores["stage_id"].astype(str)))
    return apply_decisions(contest, scores, mine, **(where or {})).scores


def entries_for_stage(
    contest,
    people: People,
    scores: pd.DataFrame,
    stage_id: str,
    decisions=None,
    where=None,
    adjustments: pd.DataFrame | None = None,
) -> list[str] | None:
    """Entries that take part in stage ``stage_id``: all (``None``) for the first stage, else those
    advanced from the previous stage by the scores of the earlier stages in ``scores``.

    Parameters
    ----------
    scores : DataFrame
        Long-form scores with ``entry_id``, ``juror_id``, ``criterion_id``, ``score``,
        ``stage_id``; rows of later stages are ignored.
    decisions, where : optional
        The chair's reconciliation decisions, applied to the earlier stages' scores first
        (:func:`reconciled_scores`).
    adjustments : DataFrame, optional
        Bonuses and penalties (:func:`contest.scores_io.load_adjustments`); those of the earlier
        stages count in the stage totals that decide who advances.

    Returns
    -------
    list of str or None
        Sorted entry ids; ``None`` for the first stage (every entry).
    """
    ids = [s.id for s in contest.stages]
    k = ids.index(stage_id)
    if k == 0:
        return None
    prev = reconciled_scores(contest, scores[scores["stage_id"].isin(ids[:k])], decisions, where)
    return advanced_entries(contest, people, prev, ids[k - 1], adjustments=adjustments)


def adjustments_up_to(contest, adjustments: pd.DataFrame | None, stage_id: str) -> pd.DataFrame | None:
    """The bonuses and penalties of ``stage_id`` and the stages before it (rows kept in order, with
    their index, so that messages name their rows); None when ``adjustments`` is None."""
    if adjustments is None:
        return None
    ids = [s.id for s in contest.stages]
    upto = set(ids[: ids.index(stage_id) + 1])
    return adjustments[adjustments["stage_id"].astype(str).isin(upto)]


def advanced_entries(
    contest, people: People, scores: pd.DataFrame, stage_id: str, score_fn=None, adjustments=None
) -> list[str]:
    """Entries that advanced from ``stage_id`` to the next stage, by ``contest.score``.

    Parameters
    ----------
    scores : DataFrame
        Long-form scores (``entry_id``, ``juror_id``, ``criterion_id``, ``score``) of ``stage_id``
        and the stages before it.
    score_fn : callable, optional
        In place of :func:`contest.score` (same signature).
    adjustments : DataFrame, optional
        ``entry_id``, ``stage_id``, ``points``, ``reason``: those of ``stage_id`` and the stages
        before it are added to the stage totals, as in the protocol (:func:`adjustments_up_to`).

    Returns
    -------
    list of str
        Sorted entry ids.

    Raises
    ------
    ContestError
        From :func:`contest.score`, e.g. an adjustment of an entry without scores in its stage.
    """
    score_fn = score if score_fn is None else score_fn
    adj = adjustments_up_to(contest, adjustments, stage_id)
    res = score_fn(
        contest,
        scores[["entry_id", "juror_id", "criterion_id", "score"]],
        entries=people.entries,
        jury=people.jury,
        adjustments=adj,
    )
    st = res.stages
    return sorted(st[(st["stage_id"] == stage_id) & st["advanced"].astype(bool)]["entry_id"])


def expected_assignment(
    contest,
    people: People,
    scores: pd.DataFrame,
    stages=None,
    model_stages=(),
    decisions=None,
    where=None,
    adjustments: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The jury plan of every stage that has scores (or of ``stages``, when given).

    The plan of a stage in ``model_stages`` is made by the full model whatever the contest's
    size (:func:`contest.assign_jury` with ``planner="model"``): the plan that sheets of the
    earlier format were issued with.

    The first stage covers all entries; a later stage covers the entries that
    advanced from the previous one according to ``contest.score`` on the
    scores of the earlier stages (``docs/contest_rules.md``: a later stage
    sees only the advanced entries), after the chair's reconciliation
    ``decisions`` (with their ``where``, :func:`reconciled_scores`) when given, and with the
    ``adjustments`` of the earlier stages (bonuses and penalties count in the stage totals).

    Returns
    -------
    DataFrame
        Columns ``stage_id``, ``entry_id``, ``juror_id`` (str).
    """
    frames = []
    stage_ids = [s.id for s in contest.stages]
    scores = reconciled_scores(contest, scores, decisions, where)
    scored = set(stages) if stages is not None else (set(scores["stage_id"]) if len(scores) else set())
    for sid in stage_ids:
        if sid not in scored:
            continue
        ids = entries_for_stage(contest, people, scores, sid, adjustments=adjustments)
        a = assign_jury(
            contest, people, stage_id=sid, entry_ids=ids, planner="model" if sid in model_stages else "auto"
        )
        a.insert(0, "stage_id", sid)
        frames.append(a)
    if not frames:
        return pd.DataFrame(columns=["stage_id", "entry_id", "juror_id"])
    return pd.concat(frames, ignore_index=True)
