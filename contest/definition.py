"""Parsing and validating a contest definition (YAML text or a mapping) into :class:`~contest.model.Contest`.

:func:`parse_contest_text` reads YAML text with a loader restricted to the
YAML 1.2 core schema (:mod:`tandem.yamlio`); :func:`parse_contest` validates
a mapping (the parsed YAML, or a dict in code) into the frozen dataclasses of
:mod:`contest.model`. Every problem of a definition is collected and reported
at once as a :class:`~contest.model.ContestError` whose messages are in
Russian and name the file, the line and the key path, e.g.
``stages[1].tasks[0].criteria[2].max``. The schema is described in
``docs/contest_rules.md``.

Pure: text and mappings in, dataclasses out; the file is read by
:func:`contest.definition_io.load_contest`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contest.model import (
    AGGREGATIONS,
    MAX_ROUND,
    NORMALIZATIONS,
    RECUSE_RULES,
    Award,
    Contest,
    ContestError,
    Criterion,
    Stage,
    Task,
)
from tandem.errors import Issue

__all__ = ["parse_contest", "parse_contest_text"]


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


def parse_contest_text(text: str, file: str | None = None, source: str | None = None) -> Contest:
    """Parse and validate a contest definition given as YAML text.

    Parameters
    ----------
    text : str
        The YAML text (a BOM already removed).
    file : str, optional
        File name shown in messages.
    source : str, optional
        Path recorded as :attr:`Contest.source`.

    Returns
    -------
    Contest
        ``version`` is the first 12 hex digits of the SHA-256 of the UTF-8 text.

    Raises
    ------
    ContestError
        Empty text, YAML syntax error (with its line), or any problem of the
        definition (all of them, each with the key path and line).
    """
    from tandem.yamlio import YamlSyntaxError, load_yaml

    if not text.strip():
        raise ContestError(
            Issue("файл пустой; ожидалось описание конкурса в YAML (name, stages, …)", file=file)
        )
    try:
        data, lines = load_yaml(text)
    except YamlSyntaxError as exc:
        raise ContestError(Issue(f"ошибка синтаксиса YAML: {exc.message}", file=file, row=exc.line)) from None
    version = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return _Parser(file=file, lines=lines).parse(data, source=source, version=version)


_CONTEST_KEYS = {"name", "description", "stages", "ranking", "awards", "jury", "normalization"}
_STAGE_KEYS = {"id", "name", "description", "advance", "tasks", "jury"}
_STAGE_JURY_KEYS = {"per_entry"}
_TASK_KEYS = {"id", "name", "description", "weight", "aggregation", "trim", "round", "criteria", "max_spread"}
_CRITERION_KEYS = {"id", "name", "description", "min", "max", "max_spread"}
_RANKING_KEYS = {"stages", "tie_break", "by_nomination"}
_AWARD_KEYS = {"title", "places", "min_share"}
_JURY_KEYS = {"per_entry", "recuse", "anchors"}
_ADVANCE_KEYS = {"top", "min_share"}


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
        if (
            "stages" in top
            and top.get("stages") is not None
            and not stages_raw
            and isinstance(top["stages"], list)
        ):
            self.err("stages", "список этапов пуст")
        stages: list[Stage] = []
        stage_ids: dict[str, int] = {}
        crit_ids: dict[str, str] = {}
        for i, s_raw in enumerate(stages_raw):
            st = self.stage(s_raw, f"stages[{i}]", crit_ids, last=(i == len(stages_raw) - 1))
            if st is None:
                continue
            if st.id in stage_ids:
                self.err(
                    f"stages[{i}].id", f"повторяющийся id этапа «{st.id}» (уже у stages[{stage_ids[st.id]}])"
                )
                continue
            stage_ids[st.id] = i
            stages.append(st)

        ranking_stages, tie_break, by_nomination = self.ranking(top.get("ranking"), stages)
        awards = self.awards(top.get("awards"))
        per_entry, recuse, anchors = self.jury(top.get("jury"))
        if anchors:
            sums = [f"{s.id}.{t.id}" for s in stages for t in s.tasks if t.aggregation == "sum"]
            if sums:
                self.err(
                    "jury.anchors",
                    "опорные работы оценивают все эксперты, а при aggregation: sum их балл зависит от "
                    f"числа экспертов; задания с sum: {', '.join(sums)}",
                )
        norm = top.get("normalization", "none")
        if norm is None:
            norm = "none"
        if not isinstance(norm, str) or norm not in NORMALIZATIONS:
            self.err(
                "normalization",
                f"неизвестная нормализация «{_show(norm)}»; допустимо: {', '.join(NORMALIZATIONS)}",
            )
            norm = "none"
        if self.issues:
            raise ContestError(self.issues)
        return Contest(
            name=name,
            stages=tuple(stages),
            ranking_stages=ranking_stages,
            tie_break=tie_break,
            awards=awards,
            per_entry=per_entry,
            recuse=recuse,
            normalization=norm,
            by_nomination=by_nomination,
            anchors=anchors,
            source=source,
            version=version,
            description=self.text(top, "description", "description"),
        )

    def stage(self, raw: Any, path: str, crit_ids: dict[str, str], last: bool) -> Stage | None:
        m = self.mapping(raw, path, _STAGE_KEYS, required=("id", "name", "tasks"))
        if m is None:
            return None
        sid = self.ident(m.get("id"), f"{path}.id") if "id" in m else None
        if sid is not None and "." in sid:
            self.err(
                f"{path}.id",
                f"id этапа не должен содержать точку (точка разделяет этап и задание в tie_break): «{sid}»",
            )
        top = share = None
        adv = m.get("advance")
        if adv is not None:
            a = self.mapping(adv, f"{path}.advance", _ADVANCE_KEYS)
            if a is not None:
                if len(a) != 1:
                    self.err(
                        f"{path}.advance", "укажите ровно одно правило прохода: {top: N} или {min_share: x}"
                    )
                if "top" in a:
                    top = self.integer(a["top"], f"{path}.advance.top", 1)
                if "min_share" in a:
                    share = self.share(a["min_share"], f"{path}.advance.min_share")
            if last:
                self.err(
                    f"{path}.advance",
                    "у последнего этапа нет следующего — правило прохода (advance) здесь не нужно",
                )
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
                self.err(
                    f"{path}.tasks[{j}].id",
                    f"повторяющийся id задания «{t.id}» в этапе (уже у tasks[{task_ids[t.id]}])",
                )
                continue
            task_ids[t.id] = j
            tasks.append(t)
        if sid is None:
            return None
        return Stage(
            id=sid,
            name=self.text(m, "name", f"{path}.name"),
            tasks=tuple(tasks),
            advance_top=top,
            advance_min_share=share,
            description=self.text(m, "description", f"{path}.description"),
            per_entry=stage_per_entry,
        )

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
            self.err(
                f"{path}.aggregation",
                f"неизвестный способ агрегации «{_show(agg)}»; допустимо: {', '.join(AGGREGATIONS)}",
            )
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
        spread = self.spread(m, path)
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
                self.err(
                    f"{cpath}.id",
                    f"повторяющийся id критерия «{c.id}» (уже у {crit_ids[c.id]}); id критериев должны быть "
                    "уникальны во всём конкурсе",
                )
                continue
            crit_ids[c.id] = cpath
            criteria.append(c)
        if tid is None:
            return None
        return Task(
            id=tid,
            name=self.text(m, "name", f"{path}.name"),
            criteria=tuple(criteria),
            weight=weight,
            aggregation=agg,
            trim=trim,
            round=rnd,
            description=self.text(m, "description", f"{path}.description"),
            max_spread=spread,
        )

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
            self.err(
                f"{path}.min",
                f"минимум ({_show(m.get('min'))}) должен быть меньше максимума ({_show(m['max'])})",
            )
            hi = None
        spread = self.spread(m, path)
        if cid is None or hi is None:
            return None
        return Criterion(
            id=cid,
            name=self.text(m, "name", f"{path}.name"),
            max=hi,
            min=lo,
            description=self.text(m, "description", f"{path}.description"),
            max_spread=spread,
        )

    def spread(self, m: dict, path: str) -> float | None:
        """``max_spread``: a number of points ≥ 0, or absent (no check)."""
        if m.get("max_spread") is None:
            return None
        v = self.number(m["max_spread"], f"{path}.max_spread")
        if v is not None and v < 0:
            self.err(f"{path}.max_spread", f"допустимый разброс не может быть отрицательным: «{_show(v)}»")
            return None
        return v

    def ranking(self, raw: Any, stages: list[Stage]) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
        all_ids = tuple(s.id for s in stages)
        if raw is None:
            return all_ids, (), False
        m = self.mapping(raw, "ranking", _RANKING_KEYS)
        if m is None:
            return all_ids, (), False
        by_nom = m.get("by_nomination", False)
        if by_nom is None:
            by_nom = False
        if not isinstance(by_nom, bool):
            self.err("ranking.by_nomination", f"ожидалось true или false, получено «{_show(by_nom)}»")
            by_nom = False
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
                    self.err(
                        f"ranking.stages[{i}]", f"этап «{sid}» не описан в stages; есть: {', '.join(all_ids)}"
                    )
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
                self.err(
                    f"ranking.tie_break[{i}]",
                    f"ключ «{key}» не называет ни этап, ни задание: этапа «{sid}» нет",
                )
            elif tid and not any(t.id == tid for t in stage.tasks):
                self.err(
                    f"ranking.tie_break[{i}]",
                    f"ключ «{key}» не называет ни этап, ни задание: в этапе «{sid}» нет задания «{tid}»",
                )
            elif key in tb:
                self.err(f"ranking.tie_break[{i}]", f"ключ «{key}» указан дважды")
            else:
                tb.append(key)
        return tuple(rs), tuple(tb), by_nom

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

    def jury(self, raw: Any) -> tuple[int, str, int]:
        if raw is None:
            return 3, "same_school", 0
        m = self.mapping(raw, "jury", _JURY_KEYS)
        if m is None:
            return 3, "same_school", 0
        anchors = 0
        if m.get("anchors") is not None:
            a = self.integer(m["anchors"], "jury.anchors", 0)
            anchors = a if a is not None else 0
        per_entry = 3
        if "per_entry" in m:
            v = self.integer(m["per_entry"], "jury.per_entry", 1)
            per_entry = v if v is not None else 3
        recuse = m.get("recuse", "same_school")
        if recuse is None:
            recuse = "none"
        if not isinstance(recuse, str) or recuse not in RECUSE_RULES:
            self.err(
                "jury.recuse",
                f"неизвестное правило отвода «{_show(recuse)}»; допустимо: {', '.join(RECUSE_RULES)}",
            )
            recuse = "same_school"
        return per_entry, recuse, anchors
