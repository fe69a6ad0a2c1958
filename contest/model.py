"""The contest definition as data: stages → tasks → criteria, ranking, awards, jury.

Frozen dataclasses (:class:`Contest`, :class:`Stage`, :class:`Task`,
:class:`Criterion`, :class:`Award`), the error type :class:`ContestError` and
the exact decimal rounding the scores use. This module opens no files: the
YAML text is parsed and validated by :mod:`contest.definition`, and read from
disk by :mod:`contest.definition_io` (schema in ``docs/contest_rules.md``).

Identifiers of stages, tasks and criteria are always strings, exactly as
written (``077`` stays ``"077"``, ``no`` stays ``"no"``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from tandem.errors import InputError

__all__ = [
    "AGGREGATIONS",
    "NORMALIZATIONS",
    "RECUSE_RULES",
    "Award",
    "Contest",
    "ContestError",
    "Criterion",
    "Stage",
    "Task",
    "mul_round",
    "round_half_up",
    "task_max",
]

#: Aggregations of the jurors' task sums (docs/contest_rules.md §1.3).
AGGREGATIONS = ("mean", "trimmed_mean", "median", "sum")
#: Score normalisations: none, z-score per juror and task, or the additive juror-severity model
#: (:mod:`contest.severity`; docs/contest_rules.md §1.3 and §1.6).
NORMALIZATIONS = ("none", "zscore", "additive")
#: Conflict-of-interest rules for jury assignment.
RECUSE_RULES = ("same_school", "none")
#: Largest number of decimals accepted for ``round``.
MAX_ROUND = 6


class ContestError(InputError):
    """A problem in a contest definition, in scores or in adjustments.

    A subclass of :class:`tandem.errors.InputError`: it carries a list of
    :class:`~tandem.errors.Issue` (Russian message, file, sheet, row, column)
    and the command line turns it into exit code 2.
    """


# --------------------------------------------------------------------------
# dataclasses
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    """One criterion of a task, scored by each juror on ``[min, max]`` points.

    Attributes
    ----------
    id : str
        Unique across the whole contest (long-form scores carry only
        ``criterion_id``).
    name : str
        Russian name shown on the evaluation sheet.
    max : float
        Highest score, points, > ``min`` and > 0.
    min : float
        Lowest score, points (default 0).
    description : str
        Optional indicators / level descriptors for the sheet.
    max_spread : float or None
        Largest admissible difference between the highest and the lowest
        juror score of one entry on this criterion, points; a larger one must
        be reconciled before the results (:mod:`contest.reconcile`). None — no
        check (the task's ``max_spread`` may still apply to the task sums).
    """

    id: str
    name: str
    max: float
    min: float = 0.0
    description: str = ""
    max_spread: float | None = None


@dataclass(frozen=True)
class Task:
    """A contest task (конкурсное испытание) with its criteria.

    Attributes
    ----------
    id, name : str
        Identifier (unique within the stage) and Russian name.
    criteria : tuple of Criterion
    weight : float
        Factor applied to the task score (> 0, default 1).
    aggregation : str
        ``mean`` | ``trimmed_mean`` | ``median`` | ``sum`` over the jurors who
        scored the entry.
    trim : int
        For ``trimmed_mean``: how many highest and as many lowest juror sums
        are dropped (default 1).
    round : int or None
        Decimals for half-up rounding of the task score and of
        weight × task score; ``None`` = no rounding.
    description : str
    max_spread : float or None
        Largest admissible difference between the highest and the lowest
        juror task sum of one entry, points; a larger one must be reconciled
        before the results (:mod:`contest.reconcile`). None — no check.
    """

    id: str
    name: str
    criteria: tuple[Criterion, ...]
    weight: float = 1.0
    aggregation: str = "mean"
    trim: int = 1
    round: int | None = None
    description: str = ""
    max_spread: float | None = None

    @property
    def max_points(self) -> float:
        """Highest sum one juror can give for this task (sum of criteria ``max``), points."""
        return float(sum(c.max for c in self.criteria))

    @property
    def min_points(self) -> float:
        """Lowest sum one juror can give for this task (sum of criteria ``min``), points."""
        return float(sum(c.min for c in self.criteria))


@dataclass(frozen=True)
class Stage:
    """A contest stage (этап) — its tasks and the rule of advancement to the next stage.

    Attributes
    ----------
    id, name : str
    tasks : tuple of Task
    advance_top : int or None
        ``advance: {top: N}``: the N best stage totals advance (all entries
        tied with the N-th advance too).
    advance_min_share : float or None
        ``advance: {min_share: x}``: entries whose stage total is at least
        x × the stage maximum advance.
    description : str
    per_entry : int or None
        Stage key ``jury: {per_entry: N}``: jurors per entry in this stage,
        overriding the contest's ``jury.per_entry`` (e.g. the whole jury in an
        in-person final); None — the contest's value.
    """

    id: str
    name: str
    tasks: tuple[Task, ...]
    advance_top: int | None = None
    advance_min_share: float | None = None
    description: str = ""
    per_entry: int | None = None

    def max_points(self, per_entry: int = 1) -> float:
        """Highest stage total without adjustments, points (weights and rounding applied).

        ``per_entry`` is the number of jurors assumed for ``sum`` tasks.
        """
        return float(sum(task_max(t, per_entry) for t in self.tasks))


@dataclass(frozen=True)
class Award:
    """An award rule, applied in order to the final ranking.

    Exactly one of ``places`` (the title goes to the next N places) and
    ``min_share`` (to every entry not yet titled with total ≥ x × maximum
    total) is set.
    """

    title: str
    places: int | None = None
    min_share: float | None = None


@dataclass(frozen=True)
class Contest:
    """A validated contest definition.

    Attributes
    ----------
    name : str
    stages : tuple of Stage
        In order; a later stage sees only the entries advanced from the previous one.
    ranking_stages : tuple of str
        Stages whose totals add up to the final total.
    tie_break : tuple of str
        Keys ``"S2"`` (stage total) or ``"S2.T1"`` (weighted task score),
        compared in order, higher first.
    awards : tuple of Award
    per_entry : int
        Jurors assigned to each entry.
    recuse : str
        ``same_school`` (a juror never scores an entry of their school) or ``none``.
    normalization : str
        ``none``, ``zscore`` or ``additive`` (the juror-severity model of
        :mod:`contest.severity`).
    by_nomination : bool
        ``ranking.by_nomination``: places, tie-breaks, awards (and advancement)
        are decided within each nomination of the entries.
    anchors : int
        ``jury.anchors``: entries scored by every admissible juror of a stage,
        to connect the jurors' severities (:func:`contest.assign.anchor_entries`).
    source : str or None
        Path of the YAML file.
    version : str
        First 12 hex digits of the SHA-256 of the YAML text (of the canonical
        JSON of the mapping for :func:`parse_contest` without text).
    description : str
    """

    name: str
    stages: tuple[Stage, ...]
    ranking_stages: tuple[str, ...]
    tie_break: tuple[str, ...] = ()
    awards: tuple[Award, ...] = ()
    per_entry: int = 3
    recuse: str = "same_school"
    normalization: str = "none"
    by_nomination: bool = False
    anchors: int = 0
    source: str | None = None
    version: str = ""
    description: str = ""

    def stage(self, stage_id: str) -> Stage:
        """The stage with this id; ``KeyError`` if none."""
        for s in self.stages:
            if s.id == stage_id:
                return s
        raise KeyError(stage_id)

    def task(self, stage_id: str, task_id: str) -> Task:
        """The task ``task_id`` of stage ``stage_id``; ``KeyError`` if none."""
        for t in self.stage(stage_id).tasks:
            if t.id == task_id:
                return t
        raise KeyError(f"{stage_id}.{task_id}")

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id (ids are unique across the contest)."""
        for s in self.stages:
            for t in s.tasks:
                for c in t.criteria:
                    if c.id == criterion_id:
                        return c
        raise KeyError(criterion_id)

    def criteria_frame(self) -> pd.DataFrame:
        """One row per criterion, in definition order.

        Returns
        -------
        DataFrame
            ``stage_id, task_id, task_name, criterion_id, criterion_name``
            (str), ``min, max`` (float, points, per juror), ``weight`` (float),
            and also ``stage_name, aggregation, trim, round, description``.
        """
        rows = []
        for s in self.stages:
            for t in s.tasks:
                for c in t.criteria:
                    rows.append(
                        (
                            s.id,
                            t.id,
                            t.name,
                            c.id,
                            c.name,
                            float(c.min),
                            float(c.max),
                            float(t.weight),
                            s.name,
                            t.aggregation,
                            int(t.trim),
                            t.round,
                            c.description,
                        )
                    )
        cols = [
            "stage_id",
            "task_id",
            "task_name",
            "criterion_id",
            "criterion_name",
            "min",
            "max",
            "weight",
            "stage_name",
            "aggregation",
            "trim",
            "round",
            "description",
        ]
        df = pd.DataFrame(rows, columns=cols)
        df["round"] = df["round"].astype("Int64")
        return df

    def tasks_frame(self) -> pd.DataFrame:
        """One row per task: ``stage_id, task_id, task_name, weight, aggregation, trim, round,
        n_criteria, max_points`` (per juror, points) and ``max_weighted`` (weight × max,
        ``sum`` tasks assume ``per_entry`` jurors)."""
        rows = []
        for s in self.stages:
            for t in s.tasks:
                rows.append(
                    (
                        s.id,
                        t.id,
                        t.name,
                        float(t.weight),
                        t.aggregation,
                        int(t.trim),
                        t.round,
                        len(t.criteria),
                        t.max_points,
                        task_max(t, self.per_entry_of(s.id)),
                    )
                )
        df = pd.DataFrame(
            rows,
            columns=[
                "stage_id",
                "task_id",
                "task_name",
                "weight",
                "aggregation",
                "trim",
                "round",
                "n_criteria",
                "max_points",
                "max_weighted",
            ],
        )
        df["round"] = df["round"].astype("Int64")
        return df

    def per_entry_of(self, stage_id: str) -> int:
        """Jurors per entry in a stage: the stage's ``jury.per_entry``, else the contest's."""
        stage = self.stage(stage_id)
        return int(stage.per_entry) if stage.per_entry is not None else int(self.per_entry)

    def stage_max(self, stage_id: str) -> float:
        """Highest stage total without adjustments, points (``sum`` tasks assume the stage's
        jurors per entry, :meth:`per_entry_of`)."""
        return self.stage(stage_id).max_points(self.per_entry_of(stage_id))

    def max_total(self) -> float:
        """Highest possible final total over ``ranking_stages``, points.

        Sum of weight × task maximum (rounded like the scores when the task
        has ``round``); for ``sum`` tasks the maximum assumes ``per_entry``
        jurors.
        """
        return float(sum(self.stage_max(s) for s in self.ranking_stages))


def round_half_up(value: float, decimals: int) -> float:
    """Round half-up (away from zero at .5) on the decimal repr: 2.675 → 2.68.

    ``float`` ``round()`` would give 2.67 because 2.675 is stored as
    2.67499999…; the shortest repr ``"2.675"`` is what the juror sees.
    """
    if value is None or not math.isfinite(value):
        return value
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(q, rounding="ROUND_HALF_UP"))


def mul_round(weight: float, value: float, decimals: int | None) -> float:
    """``weight × value`` computed exactly in decimal, then rounded half-up when ``decimals`` is set."""
    if value is None or not math.isfinite(value):
        return value
    prod = Decimal(repr(float(weight))) * Decimal(repr(float(value)))
    if decimals is not None:
        prod = prod.quantize(Decimal(1).scaleb(-decimals), rounding="ROUND_HALF_UP")
    return float(prod)


def task_max(task: Task, per_entry: int = 1) -> float:
    """Highest weighted task score, points: weight × (max_points, × ``per_entry`` for ``sum``)."""
    m = task.max_points * (per_entry if task.aggregation == "sum" else 1)
    if task.round is not None:
        m = round_half_up(m, task.round)
    return mul_round(task.weight, m, task.round)
