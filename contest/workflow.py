"""The contest workflow, one for the command line and the app: a stage's jury plan, the results.

Both :mod:`contest.cli` and :mod:`contest.ui` call these functions, so that
``python -m contest`` and the pages «Подготовка конкурса» / «Итоги конкурса»
check the same things and give the same protocol:

* :func:`stage_plan` — the jury plan of a stage; for a later stage the
  entries that advanced, from the scores of the earlier stages (which must be
  given and hold the previous stage's scores) after the chair's
  reconciliation decisions and with the bonuses and penalties of those
  stages — the same stage totals the protocol is made of;
* :func:`run_results` — scores and adjustments read and checked, the spreads
  over ``max_spread`` found and the chair's reconciliation decisions applied
  (:mod:`contest.reconcile`: open flags stop the run unless explicitly
  accepted), the contest scored, agreement and the additive severity model
  computed (:mod:`contest.severity`), and the audit rows of the protocol:
  SHA-256 of the definition, the people workbook, every score file, the
  adjustments and the reconciliation file;
* :func:`protocol_workbook`, :func:`public_workbook` — the workbooks of a run,
  in memory (the caller saves them or offers them for download);
* :func:`protocol_document` — the protocol of a run as Word bytes, from the
  editable template (:mod:`contest.protocol_docx`).

This module is the edge between the readers (:mod:`contest.definition_io`,
:mod:`contest.people`, :mod:`contest.scores_io`), the pure core and the
workbook and document builders (:mod:`contest.protocol`, :mod:`contest.protocol_docx`); it
writes no file (it reads the Word template).
"""

from __future__ import annotations

import datetime as _dt
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
from openpyxl.workbook.workbook import Workbook

from contest.advance import advanced_entries
from contest.agreement import Agreement, agreement
from contest.assign import JuryPlan, plan_jury
from contest.model import Contest, ContestError
from contest.protocol import build_protocol, build_public
from contest.protocol_docx import protocol_docx
from contest.reconcile import Reconciliation, UnreconciledError, apply_decisions, decisions_for_stages
from contest.reconcile_io import load_decisions
from contest.roster import People
from contest.scores import ScoreSet
from contest.scores_io import load_adjustments, load_scores
from contest.scoring import Results, score
from contest.severity import Severity, fit_severity
from tandem.errors import Issue
from tandem.tables import sha256_of

__all__ = [
    "ResultsRun",
    "audit_rows",
    "protocol_document",
    "protocol_workbook",
    "public_workbook",
    "run_results",
    "stage_plan",
]


def stage_plan(
    contest: Contest,
    people: People,
    stage_id: str | None = None,
    scores_path=None,
    reconciliation_path=None,
    allow_unreconciled: bool = False,
    adjustments_path=None,
) -> tuple[str, JuryPlan]:
    """The jury plan of a stage, with the checks of a later stage.

    Parameters
    ----------
    contest : Contest
    people : People
    stage_id : str, optional
        Default: the first stage.
    scores_path : str or Path, optional
        Scores of the earlier stages (any form :func:`contest.scores_io.load_scores`
        reads); required for a later stage: the entries that advanced are
        found from them (:func:`contest.advance.advanced_entries`).
    reconciliation_path : str or Path, optional
        The chair's decisions on the flagged spreads of the earlier stages
        (:func:`contest.reconcile_io.load_decisions`): applied before the
        entries that advanced are found, as :func:`run_results` applies them
        before scoring — so the plan covers the entries of the protocol.
    allow_unreconciled : bool
        Make the plan even with spreads over ``max_spread`` in the earlier
        stages left open; otherwise they are an error, as in :func:`run_results`.
    adjustments_path : str or Path, optional
        Bonuses and penalties (:func:`contest.scores_io.load_adjustments`): those of the earlier
        stages are added to the stage totals that decide who advances, as :func:`run_results`
        adds them in the protocol (docs/contest_rules.md §1.3 items 5–6).

    Returns
    -------
    (str, JuryPlan)
        The stage id and its plan (``assignment``: ``entry_id``, ``juror_id``).

    Raises
    ------
    ContestError
        Unknown stage; a later stage without ``scores_path``, or with scores
        that hold none of the previous stage; no entry advanced; bad scores;
        a bad reconciliation decision; bad adjustments (an adjustment of an
        entry without scores in its stage names the adjustments file); spreads
        of the earlier stages left open without ``allow_unreconciled``
        (:class:`contest.reconcile.UnreconciledError`, with the open flags); an
        entry with too few admissible jurors.
    """
    ids = [s.id for s in contest.stages]
    stage_id = stage_id or ids[0]
    if stage_id not in ids:
        raise ContestError(Issue(f"этапа «{stage_id}» нет в описании конкурса; этапы: {', '.join(ids)}"))
    k = ids.index(stage_id)
    entry_ids = None
    if k > 0:
        if not scores_path:
            raise ContestError(
                Issue(
                    f"для этапа {stage_id} укажите --scores с баллами этапа {ids[k - 1]}: "
                    f"по ним определяются работы, прошедшие на этап"
                )
            )
        decisions, where = load_decisions(reconciliation_path) if reconciliation_path else (None, {})
        adj = load_adjustments(adjustments_path, contest, people) if adjustments_path else None
        with _adjustment_rows(adjustments_path):
            ss = load_scores(scores_path, contest, people, decisions, where, adj)
        prev = ss.scores[ss.scores["stage_id"].isin(ids[:k])]
        if not (prev["stage_id"] == ids[k - 1]).any():
            raise ContestError(Issue(f"в баллах нет оценок этапа {ids[k - 1]}", file=Path(scores_path).name))
        rec = apply_decisions(
            contest,
            prev[["entry_id", "juror_id", "criterion_id", "score", "stage_id"]],
            decisions_for_stages(contest, decisions, ids[:k]),
            **where,
        )
        if len(rec.open) and not allow_unreconciled:
            raise UnreconciledError(rec.open)
        with _adjustment_rows(adjustments_path):
            entry_ids = advanced_entries(contest, people, rec.scores, ids[k - 1], adjustments=adj)
        if not entry_ids:
            raise ContestError(Issue(f"ни одна работа не прошла на этап {stage_id}"))
    return stage_id, plan_jury(contest, people, stage_id=stage_id, entry_ids=entry_ids)


@contextmanager
def _adjustment_rows(adjustments_path):
    """Problems of adjustment rows found while scoring (an adjustment of an entry without scores in its
    stage) are located in the adjustments file: the scores were checked before, so a problem with a row
    and no file is an adjustment's."""
    try:
        yield
    except UnreconciledError:
        raise
    except ContestError as exc:
        if not adjustments_path:
            raise
        name = Path(adjustments_path).name
        raise ContestError(
            [
                replace(i, file=name)
                if not i.file and i.row is not None and "корректировк" in i.message
                else i
                for i in exc.issues
            ]
        ) from None


@dataclass
class ResultsRun:
    """One scoring of a contest, with what it was computed from.

    Attributes
    ----------
    results : Results
    agreement : Agreement
    scores : ScoreSet
        The checked scores and the files they were read from.
    adjustments : DataFrame or None
        ``entry_id``, ``stage_id``, ``points``, ``reason``
        (:func:`contest.scores_io.load_adjustments`).
    audit : list of (str, str)
        Rows for the protocol's «Параметры»: SHA-256 of the people workbook,
        of every score file and of the adjustments file (:func:`audit_rows`).
    source_sha256 : str or None
        SHA-256 of the definition file (``contest.source``), when it exists.
    reconciliation : Reconciliation or None
        The flags over ``max_spread``, the chair's decisions and the flags
        left open (:func:`contest.reconcile.apply_decisions`); the results
        were scored on its ``scores``.
    severity : Severity or None
        The additive severity model of the scored juror task sums
        (:func:`contest.severity.fit_severity`).
    """

    results: Results
    agreement: Agreement
    scores: ScoreSet
    adjustments: pd.DataFrame | None = None
    audit: list = field(default_factory=list)
    source_sha256: str | None = None
    reconciliation: Reconciliation | None = None
    severity: Severity | None = None


def audit_rows(
    people_path=None, score_files=(), adjustments_path=None, reconciliation_path=None
) -> list[tuple[str, str]]:
    """«Параметры» rows naming every input file with its SHA-256: people, scores, adjustments, reconciliation."""
    rows = []
    if people_path is not None:
        rows.append((f"SHA-256 файла участников и жюри «{Path(people_path).name}»", sha256_of(people_path)))
    for f in score_files:
        rows.append((f"SHA-256 файла баллов «{Path(f).name}»", sha256_of(f)))
    if adjustments_path is not None:
        rows.append(
            (f"SHA-256 файла корректировок «{Path(adjustments_path).name}»", sha256_of(adjustments_path))
        )
    if reconciliation_path is not None:
        rows.append(
            (
                f"SHA-256 файла согласования «{Path(reconciliation_path).name}»",
                sha256_of(reconciliation_path),
            )
        )
    return rows


def run_results(
    contest: Contest,
    people: People,
    scores_path,
    adjustments_path=None,
    people_path=None,
    reconciliation_path=None,
    allow_unreconciled: bool = False,
) -> ResultsRun:
    """Read and check scores and adjustments, score the contest, compute agreement and the audit rows.

    Parameters
    ----------
    contest : Contest
    people : People
    scores_path : str or Path
        A long-form CSV/xlsx, a filled sheet or a folder of filled sheets.
    adjustments_path : str or Path, optional
        Bonuses and penalties (CSV/xlsx: Код работы, Этап, Баллы, Основание).
    people_path : str or Path, optional
        The people workbook ``people`` was read from (for its SHA-256).
    reconciliation_path : str or Path, optional
        The chair's decisions on the flagged spreads (CSV/xlsx,
        :func:`contest.reconcile_io.load_decisions`), applied before scoring.
    allow_unreconciled : bool
        Score even with flags left open (they are printed in the protocol as
        «не согласовано»); otherwise open flags are an error.

    Returns
    -------
    ResultsRun

    Raises
    ------
    ContestError
        Every problem of the scores or of the adjustments; problems of
        adjustment rows found while scoring name the adjustments file; a bad
        reconciliation decision (file, row, column); flags over ``max_spread``
        left open without ``allow_unreconciled``
        (:class:`contest.reconcile.UnreconciledError`: the list of entries,
        criteria and jurors, and the open flags for the blank of decisions).
    """
    decisions, where = load_decisions(reconciliation_path) if reconciliation_path else (None, {})
    adj = load_adjustments(adjustments_path, contest, people) if adjustments_path else None
    with _adjustment_rows(adjustments_path):  # a later stage is checked with the earlier adjustments
        ss = load_scores(scores_path, contest, people, decisions, where, adj)
    rec = apply_decisions(
        contest, ss.scores[["entry_id", "juror_id", "criterion_id", "score"]], decisions, **where
    )
    if len(rec.open) and not allow_unreconciled:
        raise UnreconciledError(rec.open)
    with _adjustment_rows(adjustments_path):
        res = score(
            contest,
            rec.scores,
            entries=people.entries,
            jury=people.jury,
            adjustments=adj,
        )
    source = contest.source
    source_sha = sha256_of(source) if source and Path(source).exists() else None
    audit = audit_rows(people_path, ss.files, adjustments_path or None, reconciliation_path or None)
    return ResultsRun(res, agreement(res), ss, adj, audit, source_sha, rec, fit_severity(res.juror_tasks))


def protocol_workbook(run: ResultsRun, people: People, made_at: _dt.datetime | None = None) -> Workbook:
    """The protocol of a run (:func:`contest.protocol.build_protocol` with the run's audit rows)."""
    return build_protocol(
        run.results,
        run.agreement,
        people,
        run.audit,
        made_at=made_at,
        source_sha256=run.source_sha256,
        reconciliation=run.reconciliation,
        severity=run.severity,
    )


def public_workbook(run: ResultsRun, people: People) -> Workbook:
    """The public ranking of a run (:func:`contest.protocol.build_public`)."""
    return build_public(run.results, people)


def protocol_document(
    run: ResultsRun, people: People, made_at: _dt.datetime | None = None, template=None
) -> bytes:
    """The protocol of a run as .docx bytes (:func:`contest.protocol_docx.protocol_docx` with the run's
    audit rows and the definition's SHA-256); ``template``: an edited copy of the default template.

    Raises
    ------
    InputError
        A missing or broken template (:func:`contest.protocol_docx.render_protocol`).
    """
    return protocol_docx(run.results, people, run.audit, run.source_sha256, made_at, template)
