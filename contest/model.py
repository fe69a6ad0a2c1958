"""The contest definition: stages → tasks → criteria, ranking, awards, jury.

A contest is written by the organising committee as a YAML file (schema in
``docs/contest_rules.md`` and PRODUCT.md, "Contest definition (YAML) and
files"). :func:`load_contest` reads it with a YAML loader restricted to the
YAML 1.2 core schema (see :mod:`contest._yaml`), and :func:`parse_contest`
validates the mapping into frozen dataclasses. Every problem of a definition
is collected and reported at once as a :class:`ContestError` whose messages
are in Russian and name the file, the line and the key path, e.g.
``stages[1].tasks[0].criteria[2].max``.

Identifiers of stages, tasks and criteria are always strings, exactly as
written (``077`` stays ``"077"``, ``no`` stays ``"no"``).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd

from tandem.errors import InputError, Issue

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
    "load_contest",
    "parse_contest",
]

#: Aggregations of the jurors' task sums (PRODUCT.md contract).
AGGREGATIONS = ("mean", "trimmed_mean", "median", "sum")
#: Score normalisations (PRODUCT.md contract): none, or z-score per juror and task.
NORMALIZATIONS = ("none", "zscore")
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
    """

    id: str
    name: str
    max: float
    min: float = 0.0
    description: str = ""


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
    """

    id: str
    name: str
    criteria: tuple[Criterion, ...]
    weight: float = 1.0
    aggregation: str = "mean"
    trim: int = 1
    round: int | None = None
    description: str = ""

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
        ``none`` or ``zscore``.
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
                        (s.id, t.id, t.name, c.id, c.name, float(c.min), float(c.max), float(t.weight),
                         s.name, t.aggregation, int(t.trim), t.round, c.description)
                    )
        cols = ["stage_id", "task_id", "task_name", "criterion_id", "criterion_name", "min", "max", "weight",
                "stage_name", "aggregation", "trim", "round", "description"]
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
                rows.append((s.id, t.id, t.name, float(t.weight), t.aggregation, int(t.trim), t.round,
                             len(t.criteria), t.max_points, task_max(t, self.per_entry_of(s.id))))
        df = pd.DataFrame(rows, columns=["stage_id", "task_id", "task_name", "weight", "aggregation", "trim",
                                         "round", "n_criteria", "max_points", "max_weighted"])
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


# --------------------------------------------------------------------------
# loading and validation
# --------------------------------------------------------------------------

_CONTEST_KEYS = {"name", "description", "stages", "ranking", "awards", "jury", "normalization"}
_STAGE_KEYS = {"id", "name", "description", "advance", "tasks", "jury"}
_STAGE_JURY_KEYS = {"per_entry"}
_TASK_KEYS = {"id", "name", "description", "weight", "aggregation", "trim", "round", "criteria"}
_CRITERION_KEYS = {"id", "name", "description", "min", "max"}
_RANKING_KEYS = {"stages", "tie_break"}
_AWARD_KEYS = {"title", "places", "min_share"}
_JURY_KEYS = {"per_entry", "recuse"}
_ADVANCE_KEYS = {"top", "min_share"}


def load_contest(path: str | Path) -> Contest:
    """Read and validate a contest definition from a YAML file.

    Parameters
    ----------
    path : str or Path
        UTF-8 YAML file (a BOM is accepted).

    Returns
    -------
    Contest

    Raises
    ------
    ContestError
        File missing or unreadable, YAML syntax error (with its line), or any
        problem of the definition (all of them, each with the key path and line).
    """
    from contest._yaml import YamlSyntaxError, load_yaml

    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ContestError(Issue("файл описания конкурса не найден", file=name)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContestError(Issue(f"не удалось прочитать файл как текст UTF-8 ({exc.__class__.__name__})",
                                 file=name)) from None
    if not text.strip():
        raise ContestError(Issue("файл пустой; ожидалось описание конкурса в YAML (name, stages, …)", file=name))
    try:
        data, lines = load_yaml(text)
    except YamlSyntaxError as exc:
        raise ContestError(Issue(f"ошибка синтаксиса YAML: {exc.message}", file=name, row=exc.line)) from None
    version = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return _Parser(file=name, lines=lines).parse(data, source=str(path), version=version)


def parse_contest(mapping: Mapping[str, Any], source: str | None = None) -> Contest:
    """Validate a contest definition given as a mapping (e.g. parsed YAML or a dict in code).

    Parameters
    ----------
    mapping : Mapping
        The same structure as the YAML file.
    source : str, optional
        Path or name shown in error messages.

    Returns
    -------
    Contest
        ``version`` is the first 12 hex digits of the SHA-256 of the canonical
        JSON of ``mapping``.

    Raises
    ------
    ContestError
        Every problem of the definition, with its key path.
    """
    try:
        canon = json.dumps(mapping, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):
        canon = repr(mapping)
    version = hashlib.sha256(canon.encode("utf-8")).hexdigest()[:12]
    file = Path(source).name if source else None
    return _Parser(file=file, lines={}).parse(mapping, source=source, version=version)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _show(v: Any) -> str:
    """The value as the user wrote it, for messages."""
    text = getattr(v, "text", None)
    if text is not None:
        return str(text)
    if v is None:
        return "пусто"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list, tuple)):
        return "список" if isinstance(v, (list, tuple)) else "набор ключей"
    return str(v)


def _plural_keys(keys: Iterable[str]) -> str:
    return ", ".join(sorted(keys))


@dataclass
class _Parser:
    """Walks the mapping, collects issues, builds the dataclasses."""

    file: str | None
    lines: dict[str, int]
    issues: list[Issue] = field(default_factory=list)

    # -- reporting -------------------------------------------------------
    def err(self, path: str, message: str) -> None:
        line = None
        p = path
        while p:
            if p in self.lines:
                line = self.lines[p]
                break
            parent = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", p)
            if parent == p:
                break
            p = parent
        where = f"ключ «{path}»: " if path else ""
        self.issues.append(Issue(where + message, file=self.file, row=line))

    # -- primitive readers -------------------------------------------------
    def mapping(self, value: Any, path: str, allowed: set[str], required: Iterable[str] = ()) -> dict | None:
        if not isinstance(value, Mapping):
            self.err(path, f"ожидался набор ключей (ключ: значение), получено «{_show(value)}»")
            return None
        out = {}
        for k, v in value.items():
            key = _show(k) if not isinstance(k, str) else k
            if key not in allowed and not key.startswith("x_"):
                sub = f"{path}.{key}" if path else key
                self.err(sub, f"неизвестный ключ «{key}»; допустимые ключи: {_plural_keys(allowed)}")
                continue
            out[key] = v
        for r in required:
            if r not in out or out[r] is None or (isinstance(out[r], str) and not out[r].strip()):
                sub = f"{path}.{r}" if path else r
                self.err(sub, "обязательный ключ не указан")
        return out

    def text(self, m: dict, key: str, path: str, required: bool = True) -> str:
        v = m.get(key)
        if v is None:
            return ""  # reported by mapping() when required
        if isinstance(v, (Mapping, list, tuple)):
            self.err(path, f"ожидался текст, получено «{_show(v)}»")
            return ""
        return _show(v).strip() if not isinstance(v, str) else v.strip()

    def ident(self, value: Any, path: str) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.err(path, "не указан идентификатор (id)")
            return None
        if isinstance(value, (Mapping, list, tuple)):
            self.err(path, f"идентификатор должен быть текстом, получено «{_show(value)}»")
            return None
        return _show(value).strip()

    def number(self, value: Any, path: str, what: str = "число") -> float | None:
        if not _is_num(value):
            hint = ""
            if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+,\d+\s*", value):
                hint = " (дробную часть отделяйте точкой: 2.5)"
            elif isinstance(value, str) and "_" in value:
                hint = " (без знаков подчёркивания)"
            self.err(path, f"ожидалось {what}, получено «{_show(value)}»{hint}")
            return None
        f = float(value)
        if not math.isfinite(f):
            self.err(path, f"ожидалось конечное число, получено «{_show(value)}»")
            return None
        return f

    def integer(self, value: Any, path: str, lo: int, hi: int | None = None) -> int | None:
        rng = f"от {lo} до {hi}" if hi is not None else f"≥ {lo}"
        if not _is_int(value) or value < lo or (hi is not None and value > hi):
            self.err(path, f"ожидалось целое число {rng}, получено «{_show(value)}»")
            return None
        return int(value)

    def share(self, value: Any, path: str) -> float | None:
        f = self.number(value, path, "доля от 0 до 1")
        if f is None:
            return None
        if not (0 < f <= 1):
            self.err(path, f"доля должна быть больше 0 и не больше 1, получено «{_show(value)}»")
            return None
        return f

    def seq(self, value: Any, path: str, what: str) -> list:
        if value is None:
            return []
        if not isinstance(value, (list, tuple)):
            self.err(path, f"ожидался список {what}, получено «{_show(value)}»")
            return []
        return list(value)

    # -- structure -----------------------------------------------------------
    def parse(self, data: Any, source: str | None, version: str) -> Contest:
        top = self.mapping(data, "", _CONTEST_KEYS, required=("name", "stages"))
        if top is None:
            raise ContestError(self.issues)
        name = self.text(top, "name", "name")
        stages_raw = self.seq(top.get("stages"), "stages", "этапов")
        if "stages" in top and top.get("stages") is not None and not stages_raw and isinstance(top["stages"], list):
            self.err("stages", "список этапов пуст")
        stages: list[Stage] = []
        stage_ids: dict[str, int] = {}
        crit_ids: dict[str, str] = {}
        for i, s_raw in enumerate(stages_raw):
            st = self.stage(s_raw, f"stages[{i}]", crit_ids, last=(i == len(stages_raw) - 1))
            if st is None:
                continue
            if st.id in stage_ids:
                self.err(f"stages[{i}].id", f"повторяющийся id этапа «{st.id}» (уже у stages[{stage_ids[st.id]}])")
                continue
            stage_ids[st.id] = i
            stages.append(st)

        ranking_stages, tie_break = self.ranking(top.get("ranking"), stages)
        awards = self.awards(top.get("awards"))
        per_entry, recuse = self.jury(top.get("jury"))
        norm = top.get("normalization", "none")
        if norm is None:
            norm = "none"
        if not isinstance(norm, str) or norm not in NORMALIZATIONS:
            self.err("normalization", f"неизвестная нормализация «{_show(norm)}»; допустимо: {', '.join(NORMALIZATIONS)}")
            norm = "none"
        if self.issues:
            raise ContestError(self.issues)
        return Contest(
            name=name, stages=tuple(stages), ranking_stages=ranking_stages, tie_break=tie_break,
            awards=awards, per_entry=per_entry, recuse=recuse, normalization=norm,
            source=source, version=version, description=self.text(top, "description", "description"),
        )

    def stage(self, raw: Any, path: str, crit_ids: dict[str, str], last: bool) -> Stage | None:
        m = self.mapping(raw, path, _STAGE_KEYS, required=("id", "name", "tasks"))
        if m is None:
            return None
        sid = self.ident(m.get("id"), f"{path}.id") if "id" in m else None
        if sid is not None and "." in sid:
            self.err(f"{path}.id", f"id этапа не должен содержать точку (точка разделяет этап и задание в tie_break): «{sid}»")
        top = share = None
        adv = m.get("advance")
        if adv is not None:
            a = self.mapping(adv, f"{path}.advance", _ADVANCE_KEYS)
            if a is not None:
                if len(a) != 1:
                    self.err(f"{path}.advance", "укажите ровно одно правило прохода: {top: N} или {min_share: x}")
                if "top" in a:
                    top = self.integer(a["top"], f"{path}.advance.top", 1)
                if "min_share" in a:
                    share = self.share(a["min_share"], f"{path}.advance.min_share")
            if last:
                self.err(f"{path}.advance", "у последнего этапа нет следующего — правило прохода (advance) здесь не нужно")
        stage_per_entry = None
        if m.get("jury") is not None:
            j = self.mapping(m.get("jury"), f"{path}.jury", _STAGE_JURY_KEYS)
            if j is not None and "per_entry" in j:
                stage_per_entry = self.integer(j["per_entry"], f"{path}.jury.per_entry", 1)
        tasks: list[Task] = []
        task_ids: dict[str, int] = {}
        tasks_raw = self.seq(m.get("tasks"), f"{path}.tasks", "заданий")
        if isinstance(m.get("tasks"), list) and not tasks_raw:
            self.err(f"{path}.tasks", "список заданий пуст")
        for j, t_raw in enumerate(tasks_raw):
            t = self.task(t_raw, f"{path}.tasks[{j}]", crit_ids)
            if t is None:
                continue
            if t.id in task_ids:
                self.err(f"{path}.tasks[{j}].id",
                         f"повторяющийся id задания «{t.id}» в этапе (уже у tasks[{task_ids[t.id]}])")
                continue
            task_ids[t.id] = j
            tasks.append(t)
        if sid is None:
            return None
        return Stage(id=sid, name=self.text(m, "name", f"{path}.name"), tasks=tuple(tasks),
                     advance_top=top, advance_min_share=share,
                     description=self.text(m, "description", f"{path}.description"),
                     per_entry=stage_per_entry)

    def task(self, raw: Any, path: str, crit_ids: dict[str, str]) -> Task | None:
        m = self.mapping(raw, path, _TASK_KEYS, required=("id", "name", "criteria"))
        if m is None:
            return None
        tid = self.ident(m.get("id"), f"{path}.id") if "id" in m else None
        if tid is not None and "." in tid:
            self.err(f"{path}.id", f"id задания не должен содержать точку: «{tid}»")
        weight = 1.0
        if "weight" in m:
            w = self.number(m["weight"], f"{path}.weight")
            if w is not None and w <= 0:
                self.err(f"{path}.weight", f"вес должен быть больше 0, получено «{_show(m['weight'])}»")
            elif w is not None:
                weight = w
        agg = m.get("aggregation", "mean")
        if not isinstance(agg, str) or agg not in AGGREGATIONS:
            self.err(f"{path}.aggregation",
                     f"неизвестный способ агрегации «{_show(agg)}»; допустимо: {', '.join(AGGREGATIONS)}")
            agg = "mean"
        trim = 1
        if "trim" in m:
            if agg != "trimmed_mean":
                self.err(f"{path}.trim", "trim задаётся только для aggregation: trimmed_mean")
            t = self.integer(m["trim"], f"{path}.trim", 0)
            if t is not None:
                trim = t
        rnd = None
        if "round" in m and m["round"] is not None:
            rnd = self.integer(m["round"], f"{path}.round", 0, MAX_ROUND)
        criteria: list[Criterion] = []
        crit_raw = self.seq(m.get("criteria"), f"{path}.criteria", "критериев")
        if isinstance(m.get("criteria"), list) and not crit_raw:
            self.err(f"{path}.criteria", "список критериев пуст")
        for k, c_raw in enumerate(crit_raw):
            c = self.criterion(c_raw, f"{path}.criteria[{k}]")
            if c is None:
                continue
            cpath = f"{path}.criteria[{k}]"
            if c.id in crit_ids:
                self.err(f"{cpath}.id",
                         f"повторяющийся id критерия «{c.id}» (уже у {crit_ids[c.id]}); id критериев должны быть "
                         "уникальны во всём конкурсе")
                continue
            crit_ids[c.id] = cpath
            criteria.append(c)
        if tid is None:
            return None
        return Task(id=tid, name=self.text(m, "name", f"{path}.name"), criteria=tuple(criteria), weight=weight,
                    aggregation=agg, trim=trim, round=rnd, description=self.text(m, "description", f"{path}.description"))

    def criterion(self, raw: Any, path: str) -> Criterion | None:
        m = self.mapping(raw, path, _CRITERION_KEYS, required=("id", "name", "max"))
        if m is None:
            return None
        cid = self.ident(m.get("id"), f"{path}.id") if "id" in m else None
        hi = self.number(m["max"], f"{path}.max") if m.get("max") is not None else None
        lo = 0.0
        if "min" in m:
            lo_v = self.number(m["min"], f"{path}.min")
            lo = lo_v if lo_v is not None else 0.0
        if hi is not None and hi <= 0:
            self.err(f"{path}.max", f"максимум должен быть больше 0, получено «{_show(m['max'])}»")
            hi = None
        if hi is not None and lo >= hi:
            self.err(f"{path}.min", f"минимум ({_show(m.get('min'))}) должен быть меньше максимума ({_show(m['max'])})")
            hi = None
        if cid is None or hi is None:
            return None
        return Criterion(id=cid, name=self.text(m, "name", f"{path}.name"), max=hi, min=lo,
                         description=self.text(m, "description", f"{path}.description"))

    def ranking(self, raw: Any, stages: list[Stage]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        all_ids = tuple(s.id for s in stages)
        if raw is None:
            return all_ids, ()
        m = self.mapping(raw, "ranking", _RANKING_KEYS)
        if m is None:
            return all_ids, ()
        known = set(all_ids)
        rs: list[str] = []
        if "stages" in m:
            items = self.seq(m["stages"], "ranking.stages", "этапов")
            if isinstance(m["stages"], list) and not items:
                self.err("ranking.stages", "список этапов для итога пуст")
            for i, v in enumerate(items):
                sid = self.ident(v, f"ranking.stages[{i}]")
                if sid is None:
                    continue
                if sid not in known:
                    self.err(f"ranking.stages[{i}]", f"этап «{sid}» не описан в stages; есть: {', '.join(all_ids)}")
                elif sid in rs:
                    self.err(f"ranking.stages[{i}]", f"этап «{sid}» указан дважды")
                else:
                    rs.append(sid)
            rs.sort(key=all_ids.index)
        else:
            rs = list(all_ids)
        tb: list[str] = []
        for i, v in enumerate(self.seq(m.get("tie_break"), "ranking.tie_break", "ключей")):
            key = self.ident(v, f"ranking.tie_break[{i}]")
            if key is None:
                continue
            sid, _, tid = key.partition(".")
            stage = next((s for s in stages if s.id == sid), None)
            if stage is None:
                self.err(f"ranking.tie_break[{i}]", f"ключ «{key}» не называет ни этап, ни задание: этапа «{sid}» нет")
            elif tid and not any(t.id == tid for t in stage.tasks):
                self.err(f"ranking.tie_break[{i}]",
                         f"ключ «{key}» не называет ни этап, ни задание: в этапе «{sid}» нет задания «{tid}»")
            elif key in tb:
                self.err(f"ranking.tie_break[{i}]", f"ключ «{key}» указан дважды")
            else:
                tb.append(key)
        return tuple(rs), tuple(tb)

    def awards(self, raw: Any) -> tuple[Award, ...]:
        out = []
        for i, a_raw in enumerate(self.seq(raw, "awards", "наград")):
            path = f"awards[{i}]"
            m = self.mapping(a_raw, path, _AWARD_KEYS, required=("title",))
            if m is None:
                continue
            places = share = None
            n_rules = ("places" in m) + ("min_share" in m)
            if n_rules != 1:
                self.err(path, "укажите ровно одно правило награды: places: N или min_share: x")
            if "places" in m:
                places = self.integer(m["places"], f"{path}.places", 1)
            if "min_share" in m:
                share = self.share(m["min_share"], f"{path}.min_share")
            title = self.text(m, "title", f"{path}.title")
            if title and (places is not None or share is not None) and n_rules == 1:
                out.append(Award(title=title, places=places, min_share=share))
        return tuple(out)

    def jury(self, raw: Any) -> tuple[int, str]:
        if raw is None:
            return 3, "same_school"
        m = self.mapping(raw, "jury", _JURY_KEYS)
        if m is None:
            return 3, "same_school"
        per_entry = 3
        if "per_entry" in m:
            v = self.integer(m["per_entry"], "jury.per_entry", 1)
            per_entry = v if v is not None else 3
        recuse = m.get("recuse", "same_school")
        if recuse is None:
            recuse = "none"
        if not isinstance(recuse, str) or recuse not in RECUSE_RULES:
            self.err("jury.recuse", f"неизвестное правило отвода «{_show(recuse)}»; допустимо: {', '.join(RECUSE_RULES)}")
            recuse = "same_school"
        return per_entry, recuse
