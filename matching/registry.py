"""Loading the district registry: reading, validating, building a :class:`~matching.model.Registry`.

:func:`load_registry` reads a workbook or a CSV folder (:mod:`tandem.tables`)
and validates it against the contract in :mod:`matching.schema`
(docs/formats.md §3). Every problem is
collected and reported at once in one :class:`RegistryError`, each naming the
file, sheet, Excel row and column and quoting the bad value.

Tolerant readings (documented, never silent about a changed meaning):

* headers are matched by English name or Russian header, case, surrounding
  spaces and ``ё``/``е`` ignored; sheets likewise;
* fixed values (role, category, format, consent, cluster) are matched case-
  insensitively with ``ё`` = ``е``;
* numbers may use a decimal comma (``2,5``);
* list cells are split on ``;``; empty items and repeats are dropped;
* an empty capacity of a mentor means 1; an empty format means «смешанно»;
  an empty consent means «нет» (consent must be given in writing,
  docs/sources.md [Тетюши-2022] §3.8: pairs are fixed «с письменного согласия
  их участников»);
* numbers stored as text (``"25"``) are numbers; Excel booleans in
  «Согласие» read as «да» / «нет»; numeric codes (``101``) equal the same
  code written as text (``"101"``);
* non-breaking spaces count as spaces; spaces around codes and values are
  dropped; empty rows are skipped (row numbers in messages stay Excel's);
* a formula cell is read by its saved value; one without a saved value is an
  error naming the cell.

Refused, never guessed (each with its position):

* the same sheet twice (e.g. «Педагоги» and «teachers» in one workbook);
* a required column missing — with a hint when an empty header cell stands
  over filled cells (merged header cells);
* codes that differ only by look-alike Latin and Cyrillic letters
  (А/A, В/B, Е/E, К/K, М/M, Н/H, О/O, Р/P, С/C, Т/T, Х/X, у/y): a code that is
  not found but matches a known one up to such letters is reported with the
  letters and their positions; two ids of one sheet that match that way are
  reported as duplicates. Codes are never rewritten silently.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from matching import schema
from matching.model import Registry, RegistryError, empty_mentor_preferences
from tandem.errors import InputError, Issue, describe_lookalikes, lookalike_hint, lookalike_key  # noqa: F401 (InputError: the base of RegistryError)
from tandem.tables import DATE_MARK, FORMULA_WITHOUT_VALUE, RawTable, norm_header, read_tables, sha256_of

# ---------------------------------------------------------------------------
# Cell parsers: return (value, error message or None)


def _parse_float(text: str):
    if text.startswith(DATE_MARK):
        return None, f"ожидалось число, а в ячейке дата «{text[len(DATE_MARK) :]}»"
    t = text.replace(" ", "").replace("\u202f", "")
    if re.fullmatch(r"[+-]?\d+,\d+", t):
        t = t.replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return None, f"ожидалось число, получено «{text}»"
    if not np.isfinite(value):
        return None, f"ожидалось конечное число, получено «{text}»"
    return value, None


def _parse_int(text: str):
    value, err = _parse_float(text)
    if err:
        return None, err.replace("ожидалось число", "ожидалось целое число")
    if not float(value).is_integer():
        return None, f"ожидалось целое число, получено «{text}»"
    return int(value), None


def _parse_choice(text: str, choices: tuple[str, ...]):
    by_norm = {norm_header(c): c for c in choices}
    hit = by_norm.get(norm_header(text))
    if hit is None:
        allowed = " / ".join(choices)
        return None, f"недопустимое значение «{text}»; ожидалось одно из: {allowed}"
    return hit, None


def _parse_list(text: str) -> tuple[str, ...]:
    items = []
    for part in text.split(schema.LIST_SEPARATOR):
        p = re.sub(r"\s+", " ", part).strip()
        if p and p not in items:
            items.append(p)
    return tuple(items)


# ---------------------------------------------------------------------------


def _find_sheets(tables: dict[str, RawTable], sheet: schema.Sheet) -> list[RawTable]:
    """Every table whose title is the sheet's English or Russian name."""
    wanted = {norm_header(sheet.name), norm_header(sheet.title)}
    return [table for title, table in tables.items() if norm_header(title) in wanted]


def _parse_sheet(table: RawTable, sheet: schema.Sheet, issues: list[Issue]) -> pd.DataFrame:
    """Validate one sheet's cells; append issues; return a typed frame (bad cells → NaN/None)."""
    loc = dict(file=table.file, sheet=table.sheet)
    lookup = {}
    for c in sheet.columns:
        lookup[norm_header(c.name)] = c.name
        lookup[norm_header(c.header)] = c.name
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for j, h in enumerate(table.headers):
        if not h:
            continue
        name = lookup.get(norm_header(h))
        if name is None:
            continue  # extra columns are allowed and ignored
        if name in positions:
            issues.append(
                Issue(f"столбец «{h}» повторяется (уже есть «{headers[name]}»); оставьте один", **loc)
            )
            continue
        positions[name] = j
        headers[name] = h
    unnamed = [j for j, h in enumerate(table.headers) if not h and any(r[j] for r in table.rows)]
    hint = ""
    if unnamed:
        from openpyxl.utils import get_column_letter

        cols = ", ".join(get_column_letter(j + 1) for j in unnamed)
        hint = (
            f"; в строке заголовков пустая ячейка над заполненным столбцом {cols} — возможно, ячейки "
            f"заголовка объединены: разъедините их и подпишите каждый столбец"
        )
    for c in sheet.columns:
        if c.required and c.name not in positions:
            issues.append(Issue(f"нет столбца «{c.header}» (или «{c.name}»){hint}", **loc))
    data: dict[str, list] = {"excel_row": list(table.row_numbers)}
    for c in sheet.columns:
        j = positions.get(c.name)
        col_loc = dict(loc, column=headers.get(c.name, c.header))
        values = []
        known: dict[str, object] = {}  # text → value, for texts that parsed without a problem
        for row, rownum in zip(table.rows, table.row_numbers):
            text = row[j] if j is not None else ""
            value = known.get(text, _UNSEEN)
            if value is _UNSEEN:
                before = len(issues)
                value = _parse_value(text, c, sheet, rownum, col_loc, issues, present=j is not None)
                if len(issues) == before:
                    known[text] = value  # a bad text is parsed again in each row, for its message
            values.append(value)
        data[c.name] = values
    return pd.DataFrame(data)


_UNSEEN = object()
_ID_COLUMNS = {"school_id", "teacher_id", "code", "mentee_id", "mentor_id"}
_NONEMPTY = _ID_COLUMNS | {"full_name", "role", "category", "experience_years", "name", "rank"}


#: Largest whole number accepted in a registry cell (capacity, priority).
_MAX_INT = 10_000


def _parse_value(text, c: schema.Column, sheet, rownum, col_loc, issues, present):
    if text == FORMULA_WITHOUT_VALUE:
        issues.append(
            Issue(
                "в ячейке формула без сохранённого значения (файл записан программой, которая не "
                "вычисляет формулы); откройте файл в Excel или LibreOffice и сохраните его заново "
                "либо впишите значение вместо формулы",
                row=rownum,
                **col_loc,
            )
        )
        return _empty(c)
    if text.startswith(DATE_MARK) and c.kind not in ("float", "int"):
        text = text[len(DATE_MARK) :]
    if not text:
        if present and c.name in _NONEMPTY and (c.required or sheet.name != "schools"):
            issues.append(Issue(f"пустая ячейка; {_expected(c)}", row=rownum, **col_loc))
        return _empty(c)
    if c.kind == "text":
        return re.sub(r"\s+", " ", text).strip()
    if c.kind == "list":
        return _parse_list(text)
    if c.kind == "choice":
        value, err = _parse_choice(text, c.choices)
    elif c.kind == "float":
        value, err = _parse_float(text)
        if err is None and c.name == "experience_years" and value < 0:
            err = f"стаж не может быть отрицательным, получено «{text}»"
        if err is None and c.name == "experience_years" and value > 100:
            err = f"стаж больше 100 лет, получено «{text}»; ожидалось число полных лет"
        if err is None and c.name == "lat" and not -90 <= value <= 90:
            err = f"широта должна быть от −90 до 90 градусов, получено «{text}»"
        if err is None and c.name == "lon" and not -180 <= value <= 180:
            err = f"долгота должна быть от −180 до 180 градусов, получено «{text}»"
    else:
        value, err = _parse_int(text)
        if err is None and abs(value) > _MAX_INT:
            err = f"слишком большое число «{text}»; ожидалось не больше {_MAX_INT}"
        if err is None and c.name == "capacity" and value < 0:
            err = f"вместимость не может быть отрицательной, получено «{text}»"
        if err is None and c.name == "rank" and value < 1:
            err = f"приоритет — целое число от 1, получено «{text}»"
    if err:
        issues.append(Issue(err, row=rownum, **col_loc))
        return _empty(c)
    return value


def _expected(c: schema.Column) -> str:
    if c.kind == "choice":
        return "ожидалось одно из: " + " / ".join(c.choices)
    if c.kind in ("float", "int"):
        return "ожидалось число"
    return "ожидалось значение"


def _empty(c: schema.Column):
    if c.kind == "list":
        return ()
    if c.kind in ("float", "int"):
        return np.nan
    return ""


def _check_unique(df: pd.DataFrame, key: str, table: RawTable, header: str, issues: list[Issue]):
    """Duplicate ids, also those that differ only by look-alike Latin / Cyrillic letters."""
    first: dict[str, tuple[str, int]] = {}
    for value, row in zip(df[key], df["excel_row"]):
        if value == "":
            continue
        k = lookalike_key(value)
        if k not in first:
            first[k] = (value, int(row))
            continue
        seen, seen_row = first[k]
        loc = dict(file=table.file, sheet=table.sheet, row=int(row), column=header)
        if seen == value:
            issues.append(
                Issue(
                    f"код «{value}» повторяется (впервые в строке {seen_row}); коды должны быть уникальны",
                    **loc,
                )
            )
        else:
            issues.append(
                Issue(
                    f"код «{value}» совпадает с кодом «{seen}» из строки {seen_row}, если не различать похожие "
                    f"латинские и русские буквы ({describe_lookalikes(value, seen)}); коды должны явно различаться",
                    **loc,
                )
            )


def _header_of(table: RawTable, sheet: schema.Sheet, name: str) -> str:
    col = sheet.column(name)
    for h in table.headers:
        if norm_header(h) in (norm_header(col.name), norm_header(col.header)):
            return h
    return col.header


def validate_tables(tables: dict[str, RawTable], source: str | None = None) -> Registry:
    """Validate raw tables against the registry contract.

    Parameters
    ----------
    tables : dict of str → RawTable
        As returned by :func:`tandem.tables.read_tables`.
    source : str, optional
        Name of the file or folder, for messages.

    Returns
    -------
    Registry

    Raises
    ------
    RegistryError
        With every problem found: missing sheets or columns, bad cells,
        duplicate ids, unknown school / deficit / teacher codes, wrong roles in
        locked / forbidden / preference rows, locked pairs that break a hard
        constraint (consent, capacity, self-pair, also forbidden, a mentee
        locked twice).
    """
    issues: list[Issue] = []
    frames: dict[str, pd.DataFrame] = {}
    found: dict[str, RawTable] = {}
    for sheet in schema.SHEETS:
        matches = _find_sheets(tables, sheet)
        table = matches[0] if matches else None
        if len(matches) > 1:
            issues.append(
                Issue(
                    f"лист «{sheet.title}» указан дважды: "
                    + ", ".join(f"«{t.sheet}»" for t in matches)
                    + " (русское и английское название одного листа); оставьте один",
                    file=source,
                )
            )
        if table is None:
            if sheet.required:
                issues.append(
                    Issue(
                        f"нет листа «{sheet.title}» (или «{sheet.name}»); листы в файле: "
                        + (", ".join(f"«{t}»" for t in tables) or "нет"),
                        file=source,
                    )
                )
            table = RawTable(source or "", sheet.title, [c.header for c in sheet.columns], [], [])
        elif not table.headers:
            if sheet.required:
                issues.append(Issue("лист пустой: нет строки заголовков", file=table.file, sheet=table.sheet))
            table = RawTable(table.file, table.sheet, [c.header for c in sheet.columns], [], [])
        found[sheet.name] = table
        frames[sheet.name] = _parse_sheet(table, sheet, issues)

    def loc(sheet_name, row, col):
        t = found[sheet_name]
        return dict(
            file=t.file,
            sheet=t.sheet,
            row=int(row),
            column=_header_of(t, schema.SHEETS_BY_NAME[sheet_name], col),
        )

    schools, teachers, deficits = frames["schools"], frames["teachers"], frames["deficits"]
    _check_unique(
        schools,
        "school_id",
        found["schools"],
        _header_of(found["schools"], schema.SCHOOLS, "school_id"),
        issues,
    )
    _check_unique(
        teachers,
        "teacher_id",
        found["teachers"],
        _header_of(found["teachers"], schema.TEACHERS, "teacher_id"),
        issues,
    )
    _check_unique(
        deficits, "code", found["deficits"], _header_of(found["deficits"], schema.DEFICITS, "code"), issues
    )

    school_ids = set(schools["school_id"]) - {""}
    for row, sid in zip(teachers["excel_row"], teachers["school_id"]):
        if sid and sid not in school_ids:
            issues.append(
                Issue(
                    f"код ОО «{sid}» не найден на листе «{found['schools'].sheet}»"
                    + lookalike_hint(sid, school_ids),
                    **loc("teachers", row, "school_id"),
                )
            )
    codes = set(deficits["code"]) - {""}
    for col in ("deficits", "strengths"):
        for row, items in zip(teachers["excel_row"], teachers[col]):
            unknown = [c for c in items if c not in codes]
            if unknown:
                issues.append(
                    Issue(
                        "неизвестные коды дефицитов: "
                        + ", ".join(f"«{u}»{lookalike_hint(u, codes)}" for u in unknown)
                        + f"; коды берутся с листа «{found['deficits'].sheet}»",
                        **loc("teachers", row, col),
                    )
                )

    levels = _deficit_levels(tables, source, teachers, found["teachers"], codes, issues)

    # Defaults for empty cells (module docstring: tolerant readings).
    teachers["capacity"] = teachers["capacity"].fillna(1).astype(int)
    teachers.loc[teachers["role"] == "наставляемый", "capacity"] = 0
    teachers["format"] = teachers["format"].replace("", "смешанно")
    teachers["consent"] = teachers["consent"] == "да"
    teachers["experience_years"] = teachers["experience_years"].astype(float)
    for c in ("lat", "lon"):
        schools[c] = pd.to_numeric(schools[c], errors="coerce").astype(float)

    by_id = teachers.drop_duplicates("teacher_id").set_index("teacher_id")
    mentor_roles, mentee_roles = ("наставник", "оба"), ("наставляемый", "оба")

    def check_pair_rows(name: str):
        df = frames[name]
        for r in df.itertuples(index=False):
            for col, roles, what in (
                ("mentee_id", mentee_roles, "наставляемого"),
                ("mentor_id", mentor_roles, "наставника"),
            ):
                tid = getattr(r, col)
                if not tid:
                    continue
                if tid not in by_id.index:
                    issues.append(
                        Issue(
                            f"педагог с кодом «{tid}» не найден на листе «{found['teachers'].sheet}»"
                            + lookalike_hint(tid, by_id.index),
                            **loc(name, r.excel_row, col),
                        )
                    )
                elif by_id.at[tid, "role"] not in roles:
                    issues.append(
                        Issue(
                            f"педагог «{tid}» имеет роль «{by_id.at[tid, 'role']}», а здесь нужна роль {what} "
                            f"({' / '.join(roles)})",
                            **loc(name, r.excel_row, col),
                        )
                    )
            if r.mentee_id and r.mentee_id == r.mentor_id:
                issues.append(
                    Issue(
                        f"педагог «{r.mentee_id}» не может быть наставником самому себе",
                        **loc(name, r.excel_row, "mentor_id"),
                    )
                )
        key = df[["mentee_id", "mentor_id"]].apply(tuple, axis=1) if len(df) else pd.Series([], dtype=object)
        for idx in key[key.duplicated()].index:
            issues.append(
                Issue(
                    "эта пара уже указана выше на этом листе",
                    **loc(name, df.at[idx, "excel_row"], "mentee_id"),
                )
            )

    for name in ("locked", "forbidden", "preferences"):
        check_pair_rows(name)
    mentor_wishes = _mentor_preferences(tables, source, by_id, found["teachers"], issues)

    locked, forbidden = frames["locked"], frames["forbidden"]
    forbidden_pairs = set(zip(forbidden["mentee_id"], forbidden["mentor_id"]))
    seen_mentee: dict[str, int] = {}
    load: dict[str, int] = {}
    for r in locked.itertuples(index=False):
        if r.mentee_id in seen_mentee:
            issues.append(
                Issue(
                    f"наставляемый «{r.mentee_id}» уже закреплён в строке {seen_mentee[r.mentee_id]}; "
                    "у наставляемого один наставник",
                    **loc("locked", r.excel_row, "mentee_id"),
                )
            )
        seen_mentee.setdefault(r.mentee_id, r.excel_row)
        if (r.mentee_id, r.mentor_id) in forbidden_pairs:
            issues.append(
                Issue(
                    "пара одновременно закреплена и запрещена (лист запретов); уберите одно из двух",
                    **loc("locked", r.excel_row, "mentor_id"),
                )
            )
        for col in ("mentee_id", "mentor_id"):
            tid = getattr(r, col)
            if tid in by_id.index and by_id.at[tid, "role"] in (
                mentee_roles if col == "mentee_id" else mentor_roles
            ):
                if not by_id.at[tid, "consent"]:
                    who = "наставляемого" if col == "mentee_id" else "наставника"
                    issues.append(
                        Issue(
                            f"закрепление нарушает условие: нет согласия {who} «{tid}»",
                            **loc("locked", r.excel_row, col),
                        )
                    )
        if r.mentor_id in by_id.index:
            load[r.mentor_id] = load.get(r.mentor_id, 0) + 1
            cap = by_id.at[r.mentor_id, "capacity"]
            if load[r.mentor_id] == int(cap) + 1:
                issues.append(
                    Issue(
                        f"закреплений у наставника «{r.mentor_id}» больше его вместимости ({int(cap)})",
                        **loc("locked", r.excel_row, "mentor_id"),
                    )
                )

    if issues:
        raise RegistryError(issues)
    if levels is not None:
        teachers["deficit_weights"] = _deficit_weights(teachers, levels)
    return Registry(
        schools=schools,
        teachers=teachers,
        deficits=deficits,
        locked=locked,
        forbidden=forbidden,
        preferences=frames["preferences"].astype({"rank": int}),
        source=source,
        sheet_titles={k: v.sheet for k, v in found.items()},
        deficit_levels=levels,
        mentor_preferences=mentor_wishes,
    )


def _mentor_preferences(tables, source, by_id, teachers_table, issues) -> pd.DataFrame:
    """The optional sheet «Пожелания наставников», checked like «Пожелания»: known teachers, a mentor
    of role «наставник» / «оба» and a mentee of role «наставляемый» / «оба», not the same person, a
    (mentor, mentee) once, a rank that is a whole number ≥ 1 (docs/sources.md [Тетюши-2022] §4.3)."""
    sheet = schema.MENTOR_PREFERENCES
    matches = _find_sheets(tables, sheet)
    if not matches:
        return empty_mentor_preferences()
    if len(matches) > 1:
        names = ", ".join(f"«{t.sheet}»" for t in matches)
        issues.append(Issue(f"лист «{sheet.title}» указан дважды: {names}; оставьте один", file=source))
    table = matches[0]
    if not table.headers:
        table = RawTable(table.file, table.sheet, [c.header for c in sheet.columns], [], [])
    df = _parse_sheet(table, sheet, issues)

    def where(row, col):
        return dict(file=table.file, sheet=table.sheet, row=int(row), column=_header_of(table, sheet, col))

    seen: dict[tuple[str, str], int] = {}
    for r in df.itertuples(index=False):
        for col, roles, what in (
            ("mentor_id", ("наставник", "оба"), "наставника"),
            ("mentee_id", ("наставляемый", "оба"), "наставляемого"),
        ):
            tid = getattr(r, col)
            if not tid:
                continue
            if tid not in by_id.index:
                issues.append(
                    Issue(
                        f"педагог с кодом «{tid}» не найден на листе «{teachers_table.sheet}»"
                        + lookalike_hint(tid, by_id.index),
                        **where(r.excel_row, col),
                    )
                )
            elif by_id.at[tid, "role"] not in roles:
                issues.append(
                    Issue(
                        f"педагог «{tid}» имеет роль «{by_id.at[tid, 'role']}», а здесь нужна роль {what} "
                        f"({' / '.join(roles)})",
                        **where(r.excel_row, col),
                    )
                )
        if r.mentor_id and r.mentor_id == r.mentee_id:
            issues.append(
                Issue(
                    f"педагог «{r.mentor_id}» не может быть наставником самому себе",
                    **where(r.excel_row, "mentee_id"),
                )
            )
        key = (r.mentor_id, r.mentee_id)
        if r.mentor_id and r.mentee_id and key in seen:
            issues.append(
                Issue(
                    f"пожелание наставника «{r.mentor_id}» о наставляемом «{r.mentee_id}» уже указано "
                    f"в строке {seen[key]}",
                    **where(r.excel_row, "mentee_id"),
                )
            )
        seen.setdefault(key, int(r.excel_row))
    if issues:
        return df
    return df.astype({"rank": np.int64, "excel_row": np.int64})[
        ["mentor_id", "mentee_id", "rank", "excel_row"]
    ]


#: Highest level of the questionnaire scale (0 не владею … 3 владею свободно).
MAX_LEVEL = len(schema.LEVEL_NAMES) - 1
#: Threshold assumed when a level row gives no severity: a level below 2 («владею») is a deficit.
DEFAULT_LEVEL_THRESHOLD = 2
_LEVEL_HEADERS = {norm_header("level"), norm_header(schema.DEFICIT_LEVELS.column("level").header)}


def _deficit_levels(tables, source, teachers, teachers_table, codes, issues) -> pd.DataFrame | None:
    """The optional sheet «Уровни дефицитов», validated against the teachers and the catalogue.

    Each row: a known teacher, a known code, a level 0–3, a severity ≥ 0 (empty: 2 − level, at
    least 0); a (teacher, code) once; a row of severity ≥ 1 is one of the teacher's «Дефициты» and a
    row of severity 0 is not.
    """
    sheet = schema.DEFICIT_LEVELS
    matches = _find_sheets(tables, sheet)
    if not matches:
        return None
    if len(matches) > 1:
        names = ", ".join(f"«{t.sheet}»" for t in matches)
        issues.append(Issue(f"лист «{sheet.title}» указан дважды: {names}; оставьте один", file=source))
    table = matches[0]
    if not table.headers:
        table = RawTable(table.file, table.sheet, [c.header for c in sheet.columns], [], [])
    df = _parse_sheet(table, sheet, issues)

    def where(row, col):
        return dict(file=table.file, sheet=table.sheet, row=int(row), column=_header_of(table, sheet, col))

    deficits_of = dict(zip(teachers["teacher_id"], teachers["deficits"]))
    seen: dict[tuple[str, str], int] = {}
    severity = []
    level_at = next((j for j, h in enumerate(table.headers) if norm_header(h) in _LEVEL_HEADERS), None)
    for k, r in enumerate(df.itertuples(index=False)):
        sev = r.severity
        if level_at is not None and not table.rows[k][level_at]:
            issues.append(
                Issue(f"пустая ячейка; ожидался уровень от 0 до {MAX_LEVEL}", **where(r.excel_row, "level"))
            )
        if r.level == r.level and not 0 <= r.level <= MAX_LEVEL:
            issues.append(
                Issue(
                    f"уровень от 0 до {MAX_LEVEL}, получено «{int(r.level)}»", **where(r.excel_row, "level")
                )
            )
        elif r.level == r.level and sev != sev:
            sev = max(DEFAULT_LEVEL_THRESHOLD - int(r.level), 0)
        if sev == sev and sev < 0:
            issues.append(
                Issue(
                    f"острота не может быть отрицательной, получено «{int(sev)}»",
                    **where(r.excel_row, "severity"),
                )
            )
        severity.append(sev)
        if r.teacher_id and r.teacher_id not in deficits_of:
            issues.append(
                Issue(
                    f"педагог с кодом «{r.teacher_id}» не найден на листе «{teachers_table.sheet}»"
                    + lookalike_hint(r.teacher_id, deficits_of),
                    **where(r.excel_row, "teacher_id"),
                )
            )
        if r.code and r.code not in codes:
            issues.append(
                Issue(
                    f"неизвестный код дефицита «{r.code}»" + lookalike_hint(r.code, codes),
                    **where(r.excel_row, "code"),
                )
            )
        key = (r.teacher_id, r.code)
        if key in seen:
            issues.append(
                Issue(
                    f"уровень педагога «{r.teacher_id}» по дефициту «{r.code}» уже указан в строке {seen[key]}",
                    **where(r.excel_row, "code"),
                )
            )
        seen.setdefault(key, int(r.excel_row))
        if sev == sev and sev >= 0 and r.code in codes and r.teacher_id in deficits_of:
            listed = r.code in deficits_of[r.teacher_id]
            if listed != (sev > 0):
                told = "указан" if listed else "не указан"
                issues.append(
                    Issue(
                        f"острота {int(sev)}, а дефицит «{r.code}» {told} у педагога «{r.teacher_id}» на листе "
                        f"«{teachers_table.sheet}» (столбец «Дефициты»); острота ≥ 1 — дефицит, 0 — не дефицит",
                        **where(r.excel_row, "severity"),
                    )
                )
    df["severity"] = severity
    if issues:
        return df
    return df.astype({"level": int, "severity": int})[
        ["teacher_id", "code", "level", "severity", "excel_row"]
    ]


def _deficit_weights(teachers: pd.DataFrame, levels: pd.DataFrame) -> pd.Series:
    """Per teacher, the severity of each of its deficits (1 when not assessed), as a tuple."""
    sev = dict(zip(zip(levels["teacher_id"], levels["code"]), levels["severity"]))
    return pd.Series(
        [
            tuple(int(sev.get((t, c), 1)) for c in items)
            for t, items in zip(teachers["teacher_id"], teachers["deficits"])
        ],
        index=teachers.index,
        dtype=object,
    )


def load_registry(path: str | os.PathLike) -> Registry:
    """Read and validate a registry workbook (.xlsx) or CSV folder.

    Parameters
    ----------
    path : str or path-like
        An .xlsx workbook with sheets «Школы», «Педагоги», «Дефициты» and
        optionally «Закрепления», «Запреты», «Пожелания» (or their English
        names), or a folder with ``schools.csv``, ``teachers.csv``…
        (docs/formats.md §3).

    Returns
    -------
    Registry
        With ``source`` (file name) and ``sha256`` of the input set.

    Raises
    ------
    RegistryError
        Every problem found, each with file, sheet, Excel row and column.
    """
    path = Path(path)
    tables = read_tables(path, expected_csv="schools.csv, teachers.csv, deficits.csv")
    registry = validate_tables(tables, source=path.name)
    registry.sha256 = sha256_of(path)
    return registry
