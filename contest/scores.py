"""Validated scores (:class:`ScoreSet`) and the checks across score rows.

:func:`check_scores` takes every score read — from a long-form table or from
filled sheets, with where each came from — and finds repeated scores, scores
of recused jurors, scores outside the jury plan (:func:`contest.advance.expected_assignment`,
recomputed from the contest and the people) and missing scores. Pure: frames
in, issues and the plan out; the files are read by :mod:`contest.scores_io`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from contest.advance import expected_assignment
from contest.assign import conflicts
from contest.roster import People
from tandem.errors import Issue


@dataclass
class ScoreSet:
    """Validated scores and what they were checked against.

    Attributes
    ----------
    scores : DataFrame
        Columns ``entry_id``, ``juror_id``, ``criterion_id`` (str), ``score``
        (float, points), ``stage_id`` (str) — one row per juror, entry and
        criterion; sorted. Pass ``scores[["entry_id", "juror_id",
        "criterion_id", "score"]]`` to :func:`contest.score`.
    assignment : DataFrame
        The jury plan of the stages that have scores: ``stage_id``,
        ``entry_id``, ``juror_id``.
    files : list of Path
        Input files read (for the hashes in the protocol).
    """

    scores: pd.DataFrame
    assignment: pd.DataFrame
    files: list = field(default_factory=list)


def _issue(loc: dict, message: str) -> Issue:
    """An Issue at a score's location (a cell of a sheet or a row of a table)."""
    if loc.get("cell"):
        return Issue(f"ячейка {loc['cell']}: {message}", file=loc.get("file"), sheet=loc.get("sheet"))
    row = loc.get("row")
    return Issue(
        message,
        file=loc.get("file"),
        sheet=loc.get("sheet") or None,
        row=None if row is None or pd.isna(row) else int(row),
        column=loc.get("column") or None,
    )


def _codes(df: pd.DataFrame, columns) -> np.ndarray:
    """One integer per row, equal exactly for the rows equal in ``columns`` (0, 1, … by first appearance)."""
    code = np.zeros(len(df), dtype=np.int64)
    for col in columns:
        k, uniques = pd.factorize(df[col], use_na_sentinel=True)
        code, _ = pd.factorize(code * (len(uniques) + 1) + (k + 1))
    return code


def _first_rows(df: pd.DataFrame, columns) -> pd.DataFrame:
    """``df.drop_duplicates(columns)`` (first of each, in order), on integer codes."""
    return df[~pd.Series(_codes(df, columns)).duplicated().to_numpy()]


def check_scores(
    contest,
    people: People,
    raw: pd.DataFrame,
    issues: list[Issue],
    model_stages=(),
    decisions=None,
    where=None,
    adjustments=None,
) -> pd.DataFrame:
    """Cross-row checks: duplicates, recusal, assignment, completeness.

    Returns the expected assignment (see :func:`expected_assignment`; ``model_stages`` is
    passed to it, and so are the chair's reconciliation ``decisions`` with their ``where``
    when the scores have no other problem: the entries of a later stage are those that
    advanced after the decisions — and after the bonuses and penalties ``adjustments`` of the
    earlier stages).

    The checks run on integer codes of the id columns, and rows are turned
    into messages only where something is wrong, so 600,000 scores take a
    fraction of a second; messages and their order are those of the
    row-by-row rules.
    """
    key = ["entry_id", "juror_id", "criterion_id"]
    repeated = pd.Series(_codes(raw, key)).duplicated(keep=False).to_numpy()
    if repeated.any():
        for _k, g in raw[repeated].groupby(key, sort=True):
            first = g.iloc[0]
            for rec in g.iloc[1:].to_dict("records"):
                where0 = (
                    f"ячейка {first['cell']} файла «{first['file']}»"
                    if first["cell"]
                    else f"строка {first['row']}"
                )
                issues.append(
                    _issue(
                        rec,
                        f"повторный балл эксперта {rec['juror_id']} работе {rec['entry_id']} "
                        f"по критерию {rec['criterion_id']} (первый — {where0})",
                    )
                )
        raw = _first_rows(raw, key)
    bad = conflicts(contest, people)
    schools = dict(zip(people.jury["juror_id"], people.jury["school_id"]))
    pairs = _first_rows(raw, ["entry_id", "juror_id"])
    hit = np.fromiter(
        ((e, j) in bad for e, j in zip(pairs["entry_id"].tolist(), pairs["juror_id"].tolist())),
        dtype=bool,
        count=len(pairs),
    )
    for rec in pairs[hit].to_dict("records"):
        why = bad[(rec["entry_id"], rec["juror_id"])]
        reason = (
            f"работает в той же ОО ({schools.get(rec['juror_id'])})"
            if why == "ОО"
            else "является участником этой работы"
        )
        issues.append(
            _issue(
                rec,
                f"эксперт {rec['juror_id']} отведён от работы {rec['entry_id']}: {reason}; "
                f"его баллы этой работе не принимаются",
            )
        )
    first = contest.stages[0].id
    if issues:  # the plan of later stages depends on clean earlier scores: check the first stage only
        raw = raw[raw["stage_id"] == first]
    # Plan every stage that has rows at all: a stage whose scores are all invalid still has its jurors.
    plan = expected_assignment(
        contest,
        people,
        raw[raw["valid"].astype(bool)],
        stages=set(raw["stage_id"].unique()),
        model_stages=model_stages,
        decisions=None if issues else decisions,
        where=where,
        adjustments=None if issues else adjustments,
    )
    planned = set(zip(*(plan[c].tolist() for c in ["stage_id", "entry_id", "juror_id"])))
    stage_entries = plan.groupby("stage_id")["entry_id"].apply(set).to_dict()
    triple = ["stage_id", "entry_id", "juror_id"]
    codes = _codes(raw, triple)
    firsts = raw[~pd.Series(codes).duplicated().to_numpy()]
    seen = list(zip(*(firsts[c].tolist() for c in triple)))
    unplanned = np.fromiter((t not in planned for t in seen), dtype=bool, count=len(seen))
    for rec in firsts[unplanned].to_dict("records"):
        if rec["entry_id"] not in stage_entries.get(rec["stage_id"], set()):
            issues.append(
                _issue(
                    rec,
                    f"работа {rec['entry_id']} не прошла на этап {rec['stage_id']}, "
                    f"баллы за этот этап ей не ставятся",
                )
            )
        else:
            issues.append(
                _issue(
                    rec,
                    f"работа {rec['entry_id']} не назначена эксперту {rec['juror_id']} "
                    f"на этапе {rec['stage_id']} по распределению жюри (если состав жюри или "
                    f"участников изменился после выдачи листов, выдайте листы заново)",
                )
            )
    crit_by_stage = {s.id: [c.id for t in s.tasks for c in t.criteria] for s in contest.stages}
    # criteria present per (stage, entry, juror): rows are unique per criterion and a criterion belongs
    # to one stage, so the count says whether all are there; the sets are built only where some are not
    count = np.bincount(codes, minlength=len(seen))
    code_of = {t: i for i, t in enumerate(seen)}
    short = [t for t in sorted(planned) if t not in code_of or count[code_of[t]] != len(crit_by_stage[t[0]])]
    have: dict[tuple, set] = {}
    files: dict[tuple, str] = {}
    if short:
        wanted = np.array([code_of[t] for t in short if t in code_of], dtype=np.int64)
        sub = raw[np.isin(codes, wanted)]
        have = sub.groupby(triple)["criterion_id"].apply(set).to_dict() if len(sub) else {}
        by_file = _first_rows(raw, ["stage_id", "juror_id"])
        files = dict(zip(zip(by_file["stage_id"], by_file["juror_id"]), by_file["file"]))
        from_sheets = bool((raw["cell"] != "").any())
    for sid, eid, jid in short:
        got = have.get((sid, eid, jid), set())
        missing = [c for c in crit_by_stage[sid] if c not in got]
        if not missing:
            continue
        f = files.get((sid, jid))
        if not got and f is None:
            msg = f"нет баллов эксперта {jid} работе {eid} на этапе {sid}"
            if from_sheets:
                msg += " (нет оценочного листа этого эксперта за этот этап или в нём нет этой работы)"
            issues.append(Issue(msg))
        else:
            issues.append(
                Issue(
                    f"эксперт {jid} не выставил баллы работе {eid} (этап {sid}) по критериям "
                    f"{', '.join(missing)}",
                    file=f,
                )
            )
    return plan
