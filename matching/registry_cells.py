"""Reading the cells of a registry sheet: typed values, or a Russian message naming the cell.

The tolerant readings and the refusals are listed in :mod:`matching.registry`;
this module holds the parsers they come from and the per-sheet parse against
:mod:`matching.schema`. Pure: tables in (:class:`tandem.tables.RawTable`),
frames and :class:`~tandem.errors.Issue` lists out.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from matching import schema
from tandem.errors import Issue, describe_lookalikes, lookalike_hint, lookalike_key
from tandem.tables import DATE_MARK, FORMULA_WITHOUT_VALUE, RawTable, norm_header

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


def find_sheets(tables: dict[str, RawTable], sheet: schema.Sheet) -> list[RawTable]:
    """Every table whose title is the sheet's English or Russian name."""
    wanted = {norm_header(sheet.name), norm_header(sheet.title)}
    return [table for title, table in tables.items() if norm_header(title) in wanted]


def parse_sheet(table: RawTable, sheet: schema.Sheet, issues: list[Issue]) -> pd.DataFrame:
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


def check_unique(df: pd.DataFrame, key: str, table: RawTable, header: str, issues: list[Issue]):
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


def header_of(table: RawTable, sheet: schema.Sheet, name: str) -> str:
    col = sheet.column(name)
    for h in table.headers:
        if norm_header(h) in (norm_header(col.name), norm_header(col.header)):
            return h
    return col.header


#: Roles that may stand in each column of a pair sheet (locks, forbids, wishes).
PAIR_ROLES = {
    "mentee_id": (("наставляемый", "оба"), "наставляемого"),
    "mentor_id": (("наставник", "оба"), "наставника"),
}


def pair_people_issues(row, by_id: pd.DataFrame, teachers_sheet: str, columns, where) -> list[Issue]:
    """Problems with the two people of one row of a pair sheet, in ``columns`` order.

    Each id must be a teacher of the sheet «Педагоги» (with the look-alike
    letter hint when it is not) and have a role allowed in its column
    (:data:`PAIR_ROLES`). ``where(excel_row, column)`` gives the position
    keywords of an :class:`~tandem.errors.Issue`. The self-pair check is the
    caller's (its wording differs by sheet).
    """
    out = []
    for col in columns:
        roles, what = PAIR_ROLES[col]
        tid = getattr(row, col)
        if not tid:
            continue
        if tid not in by_id.index:
            out.append(
                Issue(
                    f"педагог с кодом «{tid}» не найден на листе «{teachers_sheet}»"
                    + lookalike_hint(tid, by_id.index),
                    **where(row.excel_row, col),
                )
            )
        elif by_id.at[tid, "role"] not in roles:
            out.append(
                Issue(
                    f"педагог «{tid}» имеет роль «{by_id.at[tid, 'role']}», а здесь нужна роль {what} "
                    f"({' / '.join(roles)})",
                    **where(row.excel_row, col),
                )
            )
    return out
