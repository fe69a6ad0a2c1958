"""Contest scoring: definitions, jury plans, aggregation, ranking, awards, agreement, protocols.

The package has three layers; imports go one way (ui → workflow → io → core).
``import contest`` loads the core only; the io functions listed below are
imported when first used (``from contest import load_contest`` works as usual).

Core — pure: dataclasses and DataFrames in and out, no file is opened:

* :mod:`contest.model` (:class:`Contest` & co.), :mod:`contest.definition`
  (:func:`parse_contest`: the YAML text or mapping validated),
  :mod:`contest.roster` (:class:`People`);
* :mod:`contest.assign` and :mod:`contest.jury_plans` (:func:`assign_jury`),
  :mod:`contest.advance` (who reaches each stage), :mod:`contest.scores`
  (:class:`ScoreSet`, checks across scores), :mod:`contest.validate`,
  :mod:`contest.scoring` (:func:`score` → :class:`Results`),
  :mod:`contest.agreement` (:func:`agreement` → :class:`Agreement`),
  :mod:`contest.report` (the result tables), :mod:`contest.sheet_format`
  (the score sheet's layout and manifest).

IO — reading and writing files (Excel, CSV, YAML):

* readers :mod:`contest.definition_io` (:func:`load_contest`),
  :mod:`contest.people` (:func:`load_people`), :mod:`contest.scores_io`
  (:func:`load_scores`, :func:`load_adjustments`), :mod:`contest.sheets_read`
  (:func:`read_sheet`);
* writers :mod:`contest.sheets` (:func:`write_sheets`) and
  :mod:`contest.protocol` (:func:`build_protocol`, :func:`write_protocol`);
* :mod:`contest.workflow` — the steps of a contest, shared by the command
  line (:mod:`contest.cli`) and the app.

UI — :mod:`contest.ui` (ipywidgets pages of the notebooks) and
:mod:`contest.views` (the tables, texts and HTML the pages show).

The rules are described for users in ``docs/contest_rules.md``.
"""

# --- core ---
from contest.model import (
    Award,
    Contest,
    ContestError,
    Criterion,
    Stage,
    Task,
)
from contest.definition import parse_contest
from contest.scoring import Results, score
from contest.agreement import Agreement, agreement
from contest.roster import People
from contest.assign import JuryPlan, assign_jury, plan_jury
from contest.scores import ScoreSet

# --- io: imported on first use, so that importing the core opens no Excel library ---
_IO_NAMES = {
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
}


def __getattr__(name: str):
    """The io functions of :data:`__all__`, imported from their modules when first asked for."""
    module = _IO_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'contest' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_IO_NAMES))


__all__ = [
    "Agreement",
    "Award",
    "Contest",
    "ContestError",
    "Criterion",
    "JuryPlan",
    "People",
    "Results",
    "ScoreSet",
    "Stage",
    "Task",
    "agreement",
    "assign_jury",
    "build_protocol",
    "build_public",
    "load_adjustments",
    "load_contest",
    "load_people",
    "load_scores",
    "parse_contest",
    "plan_jury",
    "read_sheet",
    "score",
    "write_protocol",
    "write_public",
    "write_sheets",
]
