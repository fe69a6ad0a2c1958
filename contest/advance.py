"""Which entries reach each stage, and the jury plan of every stage that has scores.

A later stage sees only the entries advanced from the previous one, by
:func:`contest.score` on the scores of the earlier stages (the stage's
``advance`` rule; ``docs/contest_rules.md``). Pure: frames in, lists and
frames out.
"""

from __future__ import annotations

import pandas as pd

from contest.assign import assign_jury
from contest.roster import People
from contest.scoring import score


def entries_for_stage(contest, people: People, scores: pd.DataFrame, stage_id: str) -> list[str] | None:
    """Entries that take part in stage ``stage_id``: all (``None``) for the first stage, else those
    advanced from the previous stage by the scores of the earlier stages in ``scores``.

    Parameters
    ----------
    scores : DataFrame
        Long-form scores with ``entry_id``, ``juror_id``, ``criterion_id``, ``score``,
        ``stage_id``; rows of later stages are ignored.

    Returns
    -------
    list of str or None
        Sorted entry ids; ``None`` for the first stage (every entry).
    """
    ids = [s.id for s in contest.stages]
    k = ids.index(stage_id)
    if k == 0:
        return None
    prev = scores[scores["stage_id"].isin(ids[:k])]
    return advanced_entries(contest, people, prev, ids[k - 1])


def advanced_entries(
    contest, people: People, scores: pd.DataFrame, stage_id: str, score_fn=None
) -> list[str]:
    """Entries that advanced from ``stage_id`` to the next stage, by ``contest.score``."""
    score_fn = score if score_fn is None else score_fn
    res = score_fn(
        contest,
        scores[["entry_id", "juror_id", "criterion_id", "score"]],
        entries=people.entries,
        jury=people.jury,
    )
    st = res.stages
    return sorted(st[(st["stage_id"] == stage_id) & st["advanced"].astype(bool)]["entry_id"])


def expected_assignment(
    contest, people: People, scores: pd.DataFrame, stages=None, model_stages=()
) -> pd.DataFrame:
    """The jury plan of every stage that has scores (or of ``stages``, when given).

    The plan of a stage in ``model_stages`` is made by the full model whatever the contest's
    size (:func:`contest.assign_jury` with ``planner="model"``): the plan that sheets of the
    earlier format were issued with.

    The first stage covers all entries; a later stage covers the entries that
    advanced from the previous one according to ``contest.score`` on the
    scores of the earlier stages (``docs/contest_rules.md``: a later stage
    sees only the advanced entries).

    Returns
    -------
    DataFrame
        Columns ``stage_id``, ``entry_id``, ``juror_id`` (str).
    """
    frames = []
    stage_ids = [s.id for s in contest.stages]
    scored = set(stages) if stages is not None else (set(scores["stage_id"]) if len(scores) else set())
    for sid in stage_ids:
        if sid not in scored:
            continue
        ids = entries_for_stage(contest, people, scores, sid)
        a = assign_jury(
            contest, people, stage_id=sid, entry_ids=ids, planner="model" if sid in model_stages else "auto"
        )
        a.insert(0, "stage_id", sid)
        frames.append(a)
    if not frames:
        return pd.DataFrame(columns=["stage_id", "entry_id", "juror_id"])
    return pd.concat(frames, ignore_index=True)
