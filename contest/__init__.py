"""Contest scoring: definitions, aggregation, ranking, awards, agreement statistics.

Pure core (DataFrames and dataclasses in, DataFrames out):

* :func:`load_contest` / :func:`parse_contest` — the YAML definition
  (:mod:`contest.model`);
* :func:`score` → :class:`Results` — task scores, stage totals, advancement,
  ranking, awards (:mod:`contest.scoring`);
* :func:`agreement` → :class:`Agreement` — Kendall's W, ICC, Krippendorff's
  α per task, harsh / lenient jurors (:mod:`contest.agreement`).

The rules are described for users in ``docs/contest_rules.md``.
"""

# --- core (model, scoring, agreement) ---
from contest.model import (
    Award,
    Contest,
    ContestError,
    Criterion,
    Stage,
    Task,
    load_contest,
    parse_contest,
)
from contest.scoring import Results, score
from contest.agreement import Agreement, agreement

__all__ = [
    "Agreement",
    "Award",
    "Contest",
    "ContestError",
    "Criterion",
    "Results",
    "Stage",
    "Task",
    "agreement",
    "load_contest",
    "parse_contest",
    "score",
]
# --- io (people, assignment, sheets, protocol): added by the IO side below ---
from contest.people import People, load_people  # noqa: E402
from contest.assign import assign_jury  # noqa: E402
from contest.sheets import read_sheet, write_sheets  # noqa: E402
from contest.scores_io import ScoreSet, load_adjustments, load_scores  # noqa: E402
from contest.protocol import build_protocol, build_public, write_protocol, write_public  # noqa: E402

__all__ += [
    "People",
    "ScoreSet",
    "assign_jury",
    "build_protocol",
    "build_public",
    "load_adjustments",
    "load_people",
    "load_scores",
    "read_sheet",
    "write_protocol",
    "write_public",
    "write_sheets",
]
