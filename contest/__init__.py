"""Contest scoring: definitions, jury plans, aggregation, ranking, awards, agreement, protocols.

The package has three layers; imports go one way (ui → workflow → io → core).
``import contest`` loads nothing but this list; every public name below is
imported when first used (``from contest import load_contest`` works as usual).

Core — pure: dataclasses and DataFrames in and out, no file is opened:

* :mod:`contest.model` (:class:`Contest` & co.), :mod:`contest.definition`
  (:func:`parse_contest`: the YAML text or mapping validated),
  :mod:`contest.roster` (:class:`People`);
* :mod:`contest.assign` and :mod:`contest.jury_plans` (:func:`assign_jury`),
  :mod:`contest.advance` (who reaches each stage), :mod:`contest.scores`
  (:class:`ScoreSet`, checks across scores), :mod:`contest.validate`,
  :mod:`contest.scoring` (:func:`score` → :class:`Results`) on
  :mod:`contest.panels` (many panels at once, exactly) and :mod:`contest.exact`,
  :mod:`contest.robustness` (:func:`leave_one_out`, :func:`what_if`,
  :func:`assess_robustness`),
  :mod:`contest.agreement` (:func:`agreement` → :class:`Agreement`),
  :mod:`contest.report` (the result tables), :mod:`contest.sheet_format`
  (the score sheet's layout and manifest), :mod:`contest.entries`
  (:func:`tandem_entries`: the entries of a tandem contest from the pairs).

IO — reading and writing files (Excel, CSV, YAML):

* readers :mod:`contest.definition_io` (:func:`load_contest`),
  :mod:`contest.people` (:func:`load_people`), :mod:`contest.scores_io`
  (:func:`load_scores`, :func:`load_adjustments`), :mod:`contest.sheets_read`
  (:func:`read_sheet`);
* writers :mod:`contest.sheets` (:func:`write_sheets`) and
  :mod:`contest.protocol` (:func:`build_protocol`, :func:`write_protocol`);
* :mod:`contest.entries_io` (:func:`build_people`, :func:`write_people`): the
  people workbook from the register of tandems or a matching result;
* :mod:`contest.workflow` — the steps of a contest, shared by the command
  line (:mod:`contest.cli`) and the app.

UI — :mod:`contest.ui` (ipywidgets pages of the notebooks) and
:mod:`contest.views` (the tables, texts and HTML the pages show).

The rules are described for users in ``docs/contest_rules.md``.
"""

from __future__ import annotations

from tandem.lazy import lazy_exports

#: Public name → the module that defines it. Every name is imported on first
#: use, so that importing a core module (``contest.scoring``) loads neither the
#: YAML parser nor a reader or writer.
_HOMES = {
    # core
    "Award": "contest.model",
    "Contest": "contest.model",
    "ContestError": "contest.model",
    "Criterion": "contest.model",
    "Stage": "contest.model",
    "Task": "contest.model",
    "parse_contest": "contest.definition",
    "Results": "contest.scoring",
    "score": "contest.scoring",
    "Severity": "contest.severity",
    "fit_severity": "contest.severity",
    "exact_severities": "contest.severity",
    "juror_groups": "contest.severity",
    "Reconciliation": "contest.reconcile",
    "spread_flags": "contest.reconcile",
    "apply_decisions": "contest.reconcile",
    "load_decisions": "contest.reconcile_io",
    "decisions_blank": "contest.reconcile_io",
    "flag_rows": "contest.reconcile",
    "UnreconciledError": "contest.reconcile",
    "anchor_entries": "contest.jury_plans",
    "Agreement": "contest.agreement",
    "People": "contest.roster",
    "JuryPlan": "contest.assign",
    "assign_jury": "contest.assign",
    "plan_jury": "contest.assign",
    "ScoreSet": "contest.scores",
    "tandem_entries": "contest.entries",
    "Robustness": "contest.robustness",
    "leave_one_out": "contest.robustness",
    "assess_robustness": "contest.robustness",
    "robustness_alerts": "contest.robustness",
    "robustness_summary": "contest.robustness",
    "what_if": "contest.robustness",
    # io
    "load_contest": "contest.definition_io",
    "load_people": "contest.people",
    "write_sheets": "contest.sheets",
    "read_sheet": "contest.sheets_read",
    "load_adjustments": "contest.scores_io",
    "load_scores": "contest.scores_io",
    "build_protocol": "contest.protocol",
    "build_public": "contest.protocol",
    "write_protocol": "contest.protocol",
    "write_public": "contest.protocol",
    "protocol_docx": "contest.protocol_docx",
    "build_people": "contest.entries_io",
    "write_people": "contest.entries_io",
}

__all__ = sorted([*_HOMES, "agreement"])

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())

# The function shares its name with its module: imported now, so that a later
# ``import contest.agreement`` does not leave the module where the function is
# expected (the agreement statistics are core: no file library is involved).
from contest.agreement import agreement  # noqa: E402, F401
