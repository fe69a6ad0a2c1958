"""Diagnosis of professional deficits: questionnaire answers in, deficits and their severity out.

A school fills one questionnaire row per teacher and deficit of the
catalogue: the teacher's self-assessment and the curator's assessment on the
scale :data:`LEVELS` (0 — не владею … 3 — владею свободно). The level of a
(teacher, deficit) is the **curator's when given, else the
self-assessment** (the curator observes lessons; the self-assessment is the
teacher's own view, kept in the questionnaire for the conversation). A
deficit is recorded when the level is below the threshold (default 2,
«владею»), with severity ``threshold − level``. Identifying deficits by
diagnosis before forming the pairs: docs/sources.md [Жигалово-2021] п. 1.6
(tandems «по решению выявленных профессиональных дефицитов»); a repeat
diagnosis at the end shows which deficits the programme closed
([Тетюши-2022] §4.12, results of the programme).

This module is pure: tables come in as objects with ``file``, ``sheet``,
``headers``, ``rows``, ``row_numbers`` (:class:`tandem.tables.RawTable`);
reading files is :mod:`mentoring.diagnosis_io`.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd

from matching.model import Registry
from tandem.errors import InputError, Issue, lookalike_hint

#: The level scale of the questionnaire.
LEVELS = {0: "не владею", 1: "владею частично", 2: "владею", 3: "владею свободно"}
#: The drop-down items of a level cell, e.g. «1 — владею частично».
LEVEL_CHOICES = tuple(f"{k} — {v}" for k, v in LEVELS.items())
#: A level below this is a deficit (2 = «владею»).
DEFAULT_THRESHOLD = 2

#: Columns of a questionnaire, English name → Russian header.
ANSWER_COLUMNS = {
    "school_id": "Код ОО",
    "teacher_id": "Код педагога",
    "full_name": "ФИО",
    "code": "Код дефицита",
    "name": "Дефицит",
    "self_level": "Самооценка",
    "curator_level": "Оценка куратора",
}
#: Who gave the level that counts.
SOURCE_CURATOR, SOURCE_SELF = "куратор", "самооценка"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).replace("\u00a0", " ")).strip().casefold().replace("ё", "е")


_BY_HEADER = {_norm(k): k for k in ANSWER_COLUMNS} | {_norm(v): k for k, v in ANSWER_COLUMNS.items()}
_BY_LABEL = {_norm(v): k for k, v in LEVELS.items()} | {_norm(c): k for k, c in enumerate(LEVEL_CHOICES)}
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def check_threshold(threshold) -> int:
    """The threshold as an int from 1 to 3; :class:`InputError` otherwise."""
    if isinstance(threshold, bool) or not isinstance(threshold, int) or not 1 <= threshold <= max(LEVELS):
        raise InputError(f"порог дефицита — целое число от 1 до {max(LEVELS)}, получено «{threshold}»")
    return threshold


def parse_level(text: str) -> tuple[int | None, str | None]:
    """A level cell → (level, None), (None, None) when empty, or (None, Russian error).

    Accepted: a whole number 0–3 (also «2,0»), a drop-down item («2 — владею»)
    or its words («владею частично»), case and ``ё`` ignored.
    """
    t = str(text).strip()
    if t.startswith("\x00"):  # a date or a formula without a value, as marked by the table reader
        shown = t.split(":", 1)[-1] if ":" in t else "формула без значения"
        return None, f"ожидался уровень от 0 до 3, а в ячейке «{shown}»"
    if not t:
        return None, None
    if _norm(t) in _BY_LABEL:
        return _BY_LABEL[_norm(t)], None
    head = re.match(r"\s*([+-]?\d+(?:[.,]\d+)?)\s*(?:[—–-]\s*(.*))?$", t)
    if head and (head.group(2) is None or _norm(head.group(2)) in _BY_LABEL):
        value = float(head.group(1).replace(",", "."))
        if not value.is_integer() or not 0 <= value <= max(LEVELS):
            return None, f"уровень вне шкалы 0–3: «{t}»; {'; '.join(LEVEL_CHOICES)}"
        level = int(value)
        if head.group(2) is not None and _BY_LABEL[_norm(head.group(2))] != level:
            return None, f"число и слова уровня расходятся: «{t}»; выберите значение из списка"
        return level, None
    if _NUMBER.fullmatch(t.replace(" ", "")):
        return None, f"уровень вне шкалы 0–3: «{t}»"
    return None, f"ожидался уровень от 0 до 3 ({'; '.join(LEVEL_CHOICES)}), получен текст «{t}»"


def _columns(table) -> dict[str, int]:
    out = {}
    for j, h in enumerate(table.headers):
        name = _BY_HEADER.get(_norm(h))
        if name and name not in out:
            out[name] = j
    return out


def is_questionnaire(table) -> bool:
    """Whether a table looks like a questionnaire (has the teacher-code and deficit-code columns)."""
    cols = _columns(table)
    return "teacher_id" in cols or "code" in cols


def read_answers(tables, registry: Registry) -> pd.DataFrame:
    """Validate questionnaire tables against the registry and return one row per answer.

    Parameters
    ----------
    tables : iterable of table
        Objects with ``file``, ``sheet``, ``headers``, ``rows``,
        ``row_numbers`` (:class:`tandem.tables.RawTable`) that
        :func:`is_questionnaire` accepts. Columns (headers of
        :data:`ANSWER_COLUMNS`, English names accepted too): «Код педагога»,
        «Код дефицита» and at least one of «Самооценка», «Оценка куратора»
        are required; «Код ОО», «ФИО», «Дефицит» are optional (a «Код ОО» is
        checked against the teacher's school).
    registry : Registry
        Teachers and the deficit catalogue.

    Returns
    -------
    DataFrame
        ``teacher_id``, ``code`` (str), ``self_level``, ``curator_level``
        (float, NaN when empty), ``level`` (int 0–3), ``source``
        (:data:`SOURCE_CURATOR` / :data:`SOURCE_SELF`), ``file``, ``sheet``
        (str), ``excel_row`` (int). Rows with both levels empty (not
        assessed) are left out.

    Raises
    ------
    InputError
        No level filled at all; every problem, each naming file, sheet, row and column: a missing
        column, an unknown teacher or deficit code, a school code that is not
        the teacher's, a level out of the scale or text where a level
        belongs, two answers for one teacher and deficit (in one file or
        across files).
    """
    teachers = registry.teachers.drop_duplicates("teacher_id").set_index("teacher_id")
    codes = list(registry.deficits["code"])
    code_set = set(codes)
    tables = list(tables)
    issues: list[Issue] = []
    seen: dict[tuple[str, str], str] = {}
    out: list[tuple] = []
    for table in tables:
        cols = _columns(table)
        loc = dict(file=table.file, sheet=table.sheet)
        missing = [ANSWER_COLUMNS[c] for c in ("teacher_id", "code") if c not in cols]
        if "self_level" not in cols and "curator_level" not in cols:
            missing.append(f"{ANSWER_COLUMNS['self_level']}» или «{ANSWER_COLUMNS['curator_level']}")
        if missing:
            issues.append(Issue("нет столбца " + ", ".join(f"«{m}»" for m in missing), **loc))
            continue

        def header(name, table=table, cols=cols):
            return table.headers[cols[name]]

        for row, rownum in zip(table.rows, table.row_numbers):
            cell = {name: row[j] for name, j in cols.items()}
            tid, code = re.sub(r"\s+", " ", cell["teacher_id"]).strip(), cell["code"].strip()
            at = dict(loc, row=int(rownum))
            levels = {}
            for name in ("self_level", "curator_level"):
                if name in cell:
                    levels[name], err = parse_level(cell[name])
                    if err:
                        issues.append(Issue(err, column=header(name), **at))
            if not tid:
                if code or any(v is not None for v in levels.values()):
                    issues.append(Issue("не указан код педагога", column=header("teacher_id"), **at))
                continue
            if tid not in teachers.index:
                hint = lookalike_hint(tid, teachers.index)
                issues.append(
                    Issue(f"педагог «{tid}» не найден в реестре{hint}", column=header("teacher_id"), **at)
                )
            elif "school_id" in cell and cell["school_id"].strip():
                sid, own = cell["school_id"].strip(), teachers.at[tid, "school_id"]
                if sid != own:
                    issues.append(
                        Issue(
                            f"педагог «{tid}» по реестру работает в ОО «{own}», а не «{sid}»",
                            column=header("school_id"),
                            **at,
                        )
                    )
            if code not in code_set:
                what = f"неизвестный код дефицита «{code}»" if code else "не указан код дефицита"
                issues.append(Issue(what + lookalike_hint(code, code_set), column=header("code"), **at))
            where = f"файл «{table.file}», лист «{table.sheet}», строка {rownum}"
            key = (tid, code)
            if key in seen:
                issues.append(
                    Issue(
                        f"второй ответ по педагогу «{tid}» и дефициту «{code}» (первый: {seen[key]}); "
                        "оставьте один",
                        column=header("code"),
                        **at,
                    )
                )
                continue
            seen[key] = where
            self_l, cur_l = levels.get("self_level"), levels.get("curator_level")
            if self_l is None and cur_l is None:
                continue
            level, source = (cur_l, SOURCE_CURATOR) if cur_l is not None else (self_l, SOURCE_SELF)
            out.append((tid, code, self_l, cur_l, level, source, table.file, table.sheet or "", int(rownum)))
    if not issues and not out:
        files = sorted({t.file for t in tables})
        issues.append(
            Issue(
                "в анкетах нет ни одной оценки: заполните «Самооценку» или «Оценку куратора»",
                file=", ".join(files) or None,
            )
        )
    if issues:
        raise InputError(issues)
    df = pd.DataFrame(
        out,
        columns=[
            "teacher_id",
            "code",
            "self_level",
            "curator_level",
            "level",
            "source",
            "file",
            "sheet",
            "excel_row",
        ],
    )
    for c in ("self_level", "curator_level"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    return df.astype({"level": int, "excel_row": int})


def levels_from_answers(answers: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """The «Уровни дефицитов» table: ``teacher_id``, ``code``, ``level`` (int), ``severity`` (int).

    ``severity`` = ``threshold − level`` when the level is below the
    threshold (a deficit), else 0. Sorted by teacher, then code.
    """
    check_threshold(threshold)
    df = answers[["teacher_id", "code", "level"]].copy()
    df["severity"] = (threshold - df["level"]).clip(lower=0).astype(int)
    return df.sort_values(["teacher_id", "code"], kind="stable").reset_index(drop=True)


def apply_diagnosis(registry: Registry, levels: pd.DataFrame) -> Registry:
    """The registry with the diagnosed deficits.

    Teachers with at least one level row get ``deficits`` = the codes of
    severity ≥ 1, in catalogue order; the others keep their deficits. The
    result carries ``deficit_levels`` (the rows of ``levels``, plus the
    earlier levels of teachers not in ``levels``) and the teachers'
    ``deficit_weights`` (docs/formats.md §3).

    Parameters
    ----------
    registry : Registry
    levels : DataFrame
        As :func:`levels_from_answers`.
    """
    order = {c: i for i, c in enumerate(registry.deficits["code"])}
    lv = levels[["teacher_id", "code", "level", "severity"]]
    old = registry.deficit_levels
    if old is not None and len(old):
        lv = pd.concat([old[~old["teacher_id"].isin(set(lv["teacher_id"]))][lv.columns], lv])
    lv = lv.sort_values(["teacher_id", "code"], key=lambda s: s.map(order) if s.name == "code" else s)
    lv = lv.reset_index(drop=True)
    lv["excel_row"] = range(2, len(lv) + 2)
    found = lv[lv["severity"] > 0].groupby("teacher_id", sort=False)["code"].apply(tuple).to_dict()
    sev = dict(zip(zip(lv["teacher_id"], lv["code"]), lv["severity"]))
    diagnosed = set(lv["teacher_id"])
    teachers = registry.teachers.copy()
    teachers["deficits"] = [
        found.get(t, ()) if t in diagnosed else d
        for t, d in zip(teachers["teacher_id"], teachers["deficits"])
    ]
    teachers["deficit_weights"] = [
        tuple(int(sev.get((t, c), 1)) for c in d)
        for t, d in zip(teachers["teacher_id"], teachers["deficits"])
    ]
    return replace(registry, teachers=teachers, deficit_levels=lv.astype({"level": int, "severity": int}))


def _teachers_with_units(registry: Registry) -> pd.DataFrame:
    s = registry.schools.drop_duplicates("school_id").set_index("school_id")
    t = registry.teachers[["teacher_id", "school_id", "deficits"]].copy()
    t["cluster"] = t["school_id"].map(s["cluster"]).fillna("")
    t["district"] = t["school_id"].map(s["district"]).fillna("")
    return t


def deficit_map(registry: Registry, by: str = "school") -> pd.DataFrame:
    """How many teachers have each deficit, per school, cluster or municipality.

    What the methodologist plans district events from (a seminar where a
    deficit is frequent across schools, a mentor visit where one school has it).

    Parameters
    ----------
    registry : Registry
    by : {"school", "cluster", "district"}
        The unit: ``school_id``, the cluster ШНОР / ШСОР / ШВОР (schools
        without one are left out) or the municipality.

    Returns
    -------
    DataFrame
        One row per unit (sorted; schools by code, clusters ШНОР, ШСОР,
        ШВОР), then a row «Всего»: ``unit`` (str), ``name`` (str: school
        name, cluster or municipality), ``teachers`` (int: teachers of the
        unit), then one int column per deficit code in catalogue order:
        teachers of the unit with that deficit.
    """
    t = _teachers_with_units(registry)
    codes = list(registry.deficits["code"])
    if by == "school":
        key = t["school_id"]
        names = registry.schools.drop_duplicates("school_id").set_index("school_id")["name"]
        units = list(registry.schools["school_id"].drop_duplicates().sort_values())
    elif by == "cluster":
        key = t["cluster"]
        units = [c for c in ("ШНОР", "ШСОР", "ШВОР") if (t["cluster"] == c).any()]
        names = pd.Series({c: c for c in units}, dtype=object)
    elif by == "district":
        key = t["district"]
        units = sorted(set(t["district"]))
        names = pd.Series({d: d for d in units}, dtype=object)
    else:
        raise ValueError(by)
    long = t.assign(unit=key).explode("deficits").dropna(subset=["deficits"])
    counts = pd.crosstab(long["unit"], long["deficits"]).reindex(index=units, columns=codes, fill_value=0)
    size = key.value_counts().reindex(units, fill_value=0)
    out = pd.DataFrame(
        {"unit": units, "name": [names.get(u, "") for u in units], "teachers": size.to_numpy()}
    )
    out = pd.concat([out, counts.reset_index(drop=True).astype(int)], axis=1)
    total = {"unit": "Всего", "name": "", "teachers": int(size.sum() if by != "cluster" else len(t))}
    totals = t.explode("deficits")["deficits"].value_counts()
    total.update({c: int(totals.get(c, 0)) for c in codes})
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


def repeat_diagnosis(
    pairs: pd.DataFrame, registry: Registry, after: pd.DataFrame, threshold: int
) -> pd.DataFrame:
    """Per pair, which of the mentee's deficits the repeat diagnosis finds closed.

    Parameters
    ----------
    pairs : DataFrame
        ``mentee_id``, ``mentor_id`` at least (e.g. the pairs ending in May).
    registry : Registry
        The mentees' deficits before the programme (``teachers["deficits"]``).
    after : DataFrame
        The repeat diagnosis: ``teacher_id``, ``code``, ``level`` (as
        :func:`read_answers`).
    threshold : int
        A deficit is closed when its new level is ≥ ``threshold``.

    Returns
    -------
    DataFrame
        One row per pair whose mentee answered the repeat questionnaire:
        ``mentee_id``, ``mentor_id``, ``before``, ``closed``, ``open``,
        ``not_assessed`` (tuples of codes, catalogue order), ``n_before``,
        ``n_closed`` (int).
    """
    check_threshold(threshold)
    deficits = dict(zip(registry.teachers["teacher_id"], registry.teachers["deficits"]))
    new = dict(zip(zip(after["teacher_id"], after["code"]), after["level"]))
    answered = set(after["teacher_id"])
    rows = []
    for p in pairs.itertuples(index=False):
        if p.mentee_id not in answered:
            continue
        before = tuple(deficits.get(p.mentee_id, ()))
        level = [new.get((p.mentee_id, c)) for c in before]
        closed = tuple(c for c, x in zip(before, level) if x is not None and x >= threshold)
        still = tuple(c for c, x in zip(before, level) if x is not None and x < threshold)
        unknown = tuple(c for c, x in zip(before, level) if x is None)
        rows.append((p.mentee_id, p.mentor_id, before, closed, still, unknown, len(before), len(closed)))
    cols = ["mentee_id", "mentor_id", "before", "closed", "open", "not_assessed", "n_before", "n_closed"]
    return pd.DataFrame(rows, columns=cols).astype({"n_before": int, "n_closed": int})


def questionnaire_rows(registry: Registry, school_id: str) -> pd.DataFrame:
    """The rows of one school's blank questionnaire: each teacher × each deficit of the catalogue.

    Returns
    -------
    DataFrame
        Columns :data:`ANSWER_COLUMNS` (English names); teachers in registry
        order, deficits in catalogue order; the two level columns empty.
    """
    t = registry.teachers[registry.teachers["school_id"] == school_id]
    d = registry.deficits
    n, k = len(t), len(d)
    return pd.DataFrame(
        {
            "school_id": [school_id] * (n * k),
            "teacher_id": t["teacher_id"].repeat(k).to_list(),
            "full_name": t["full_name"].repeat(k).to_list(),
            "code": list(d["code"]) * n,
            "name": list(d["name"]) * n,
            "self_level": [None] * (n * k),
            "curator_level": [None] * (n * k),
        }
    )
