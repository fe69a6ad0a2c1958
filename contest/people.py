"""Participants and jury of a contest: reading the people workbook.

The workbook has two sheets (docs/formats.md §7):

* ``Участники`` / ``entries`` — one row per entry (a mentor–mentee pair or a
  practice): ``entry_id``, ``title``, ``nomination``, ``mentor_name``,
  ``mentee_name``, ``school_ids`` (codes of the schools, separated by ``;``)
  and ``publish_consent`` (``да`` / ``нет``: may the names be published —
  Federal Law 152-ФЗ «О персональных данных» requires consent);
* ``Жюри`` / ``jury`` — one row per juror: ``juror_id``, ``full_name``,
  ``organization``, ``school_id`` (empty for jurors who do not work at a
  school of the district, e.g. the methodological centre) and ``role``
  (``председатель`` / ``член жюри``).

Each column may be headed by its English name or its Russian header; case and
surrounding spaces are ignored. Tolerant readings: empty rows are skipped
(row numbers in messages stay Excel's), spaces (also non-breaking) around
values are dropped, numeric codes (``101``) equal the same text (``"101"``).
Refused: an unreadable, encrypted, old-format or oversized workbook
(:func:`tandem.xlsx.check_xlsx`), a sheet given twice (Russian and English
name), a repeated column, a missing column (with a hint when header cells
are merged). Every problem is collected and reported at
once as :class:`tandem.errors.Issue` objects naming the file, sheet, Excel row
and column.

The result type :class:`~contest.roster.People`, the column contract and
:func:`~contest.roster.make_people` live in :mod:`contest.roster` (no file
access); they are importable from here too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from contest.model import ContestError
from contest.roster import (
    CHAIR,
    ENTRY_COLUMNS,
    ENTRY_SHEET,
    JURY_COLUMNS,
    JURY_SHEET,
    MEMBER,
    People,
    make_people,
    split_list,
    text,
)
from tandem.errors import Issue
from tandem.tables import norm_header

# The type and the column contract are defined in contest.roster and importable from here too.
__all__ = ["ENTRY_COLUMNS", "JURY_COLUMNS", "People", "load_people", "make_people", "match_columns"]

_YES = {"да", "yes", "true", "1", "д", "+"}
_NO = {"нет", "no", "false", "0", "н", "-", ""}

#: Extra header spellings accepted (lower case), mapped to English names.
_ALIASES = {
    "код оо": "school_ids",  # on the entries sheet only (the jury sheet has it as school_id)
    "школы": "school_ids",
    "согласие": "publish_consent",
    "код участника": "entry_id",
    "код жюри": "juror_id",
    "код члена жюри": "juror_id",
}


def match_columns(
    df: pd.DataFrame, spec: dict[str, tuple[str, bool]], where: dict, issues: list[Issue]
) -> dict[str, str]:
    """Map the English names of ``spec`` to the headers found in ``df``.

    Headers are compared after lower-casing and collapsing spaces; English
    names and Russian headers are both accepted. Missing required columns are
    added to ``issues``.

    Returns
    -------
    dict
        English name → the column label in ``df``.
    """
    lookup = {}
    for name, (header, _req) in spec.items():
        lookup[norm_header(name)] = name
        lookup[norm_header(header)] = name
    for alias, name in _ALIASES.items():
        if name in spec and alias not in lookup:
            lookup[alias] = name
    found: dict[str, str] = {}
    for col in df.columns:
        name = lookup.get(norm_header(col))
        if name is None and re.fullmatch(r".+\.\d+", str(col)):
            # pandas renames a repeated header «X» to «X.1»: the column is there twice
            base = lookup.get(norm_header(re.sub(r"\.\d+$", "", str(col))))
            if base in found:
                issues.append(Issue(f"столбец «{found[base]}» повторяется; оставьте один", **where))
                continue
        if name and name not in found:
            found[name] = col
    missing = [name for name, (_h, req) in spec.items() if req and name not in found]
    hint = ""
    if missing:
        unnamed = [
            j
            for j, col in enumerate(df.columns)
            if str(col).startswith("Unnamed:") and df[col].map(text).ne("").any()
        ]
        if unnamed:
            from openpyxl.utils import get_column_letter

            hint = (
                f"; в строке заголовков пустая ячейка над заполненным столбцом "
                f"{', '.join(get_column_letter(j + 1) for j in unnamed)} — возможно, ячейки заголовка "
                f"объединены: разъедините их и подпишите каждый столбец"
            )
    for name in missing:
        issues.append(Issue(f"нет обязательного столбца «{spec[name][0]}» ({name}){hint}", **where))
    return found


def _find_sheet(sheets: dict[str, pd.DataFrame], names: tuple[str, str]) -> str | None:
    wanted = {norm_header(n) for n in names}
    for title in sheets:
        if norm_header(title) in wanted:
            return title
    return None


def _read_workbook(path: Path) -> dict[str, pd.DataFrame]:
    """All sheets as object frames, after :func:`tandem.xlsx.check_xlsx` (size, format, DTD, limits)."""
    from tandem.errors import InputError
    from tandem.xlsx import check_xlsx

    if not path.exists():
        raise ContestError(Issue("файл не найден", file=path.name))
    try:
        check_xlsx(path)
    except InputError as exc:
        raise ContestError(exc.issues) from None
    try:
        return pd.read_excel(path, sheet_name=None, engine="calamine", dtype=object)
    except Exception:  # calamine raises its own error types for broken files
        raise ContestError(
            Issue(
                "не удалось прочитать книгу Excel (.xlsx); проверьте, что файл сохранён "
                "как «Книга Excel (.xlsx)» и открывается в Excel",
                file=path.name,
            )
        ) from None


def _parse_entries(df: pd.DataFrame, file: str, sheet: str, issues: list[Issue]) -> pd.DataFrame:
    where = {"file": file, "sheet": sheet}
    cols = match_columns(df, ENTRY_COLUMNS, where, issues)
    if any(req and name not in cols for name, (_h, req) in ENTRY_COLUMNS.items()):
        return pd.DataFrame(columns=list(ENTRY_COLUMNS))
    rows = []
    seen: dict[str, int] = {}
    for i, rec in enumerate(df.to_dict("records")):
        row = i + 2
        values = {name: rec.get(label) for name, label in cols.items()}
        if all(text(v) == "" for v in values.values()):
            continue  # blank line
        eid = text(values["entry_id"])
        hdr = lambda n: str(cols[n])  # noqa: E731 — header as written in the file
        if not eid:
            issues.append(Issue("пустой код работы", file, sheet, row, hdr("entry_id")))
        elif eid in seen:
            issues.append(
                Issue(
                    f"код работы «{eid}» повторяется (уже был в строке {seen[eid]})",
                    file,
                    sheet,
                    row,
                    hdr("entry_id"),
                )
            )
        else:
            seen[eid] = row
        for name in ("title", "mentor_name", "mentee_name"):
            if not text(values[name]):
                issues.append(
                    Issue(
                        f"пустое значение; ожидалось: {ENTRY_COLUMNS[name][0].lower()}",
                        file,
                        sheet,
                        row,
                        hdr(name),
                    )
                )
        consent = False
        if "publish_consent" in cols:
            raw = text(values["publish_consent"]).lower()
            if raw in _YES:
                consent = True
            elif raw not in _NO:
                issues.append(
                    Issue(
                        f"ожидалось «да» или «нет», получено «{raw}»",
                        file,
                        sheet,
                        row,
                        hdr("publish_consent"),
                    )
                )
        rows.append(
            {
                "entry_id": eid,
                "title": text(values["title"]),
                "nomination": text(values.get("nomination")),
                "mentor_name": text(values["mentor_name"]),
                "mentee_name": text(values["mentee_name"]),
                "school_ids": split_list(values["school_ids"]),
                "publish_consent": consent,
                "_row": row,
            }
        )
    if not rows:
        issues.append(Issue("нет ни одной работы (участника)", file, sheet))
    return pd.DataFrame(rows, columns=list(ENTRY_COLUMNS) + ["_row"])


def _parse_jury(df: pd.DataFrame, file: str, sheet: str, issues: list[Issue]) -> pd.DataFrame:
    where = {"file": file, "sheet": sheet}
    cols = match_columns(df, JURY_COLUMNS, where, issues)
    if any(req and name not in cols for name, (_h, req) in JURY_COLUMNS.items()):
        return pd.DataFrame(columns=list(JURY_COLUMNS))
    rows = []
    seen: dict[str, int] = {}
    chairs: list[int] = []
    for i, rec in enumerate(df.to_dict("records")):
        row = i + 2
        values = {name: rec.get(label) for name, label in cols.items()}
        if all(text(v) == "" for v in values.values()):
            continue
        hdr = lambda n: str(cols[n])  # noqa: E731
        jid = text(values["juror_id"])
        if not jid:
            issues.append(Issue("пустой код эксперта", file, sheet, row, hdr("juror_id")))
        elif jid in seen:
            issues.append(
                Issue(
                    f"код эксперта «{jid}» повторяется (уже был в строке {seen[jid]})",
                    file,
                    sheet,
                    row,
                    hdr("juror_id"),
                )
            )
        else:
            seen[jid] = row
        if not text(values["full_name"]):
            issues.append(Issue("пустое ФИО эксперта", file, sheet, row, hdr("full_name")))
        role = norm_header(text(values["role"]))
        if role in ("член", "член жюри", "эксперт", "member"):
            role = MEMBER
        elif role in ("председатель", "председатель жюри", "chair"):
            role = CHAIR
            chairs.append(row)
        else:
            issues.append(
                Issue(
                    f"неизвестная роль «{text(values['role'])}»; ожидалось «{CHAIR}» или «{MEMBER}»",
                    file,
                    sheet,
                    row,
                    hdr("role"),
                )
            )
        school_ids = split_list(values.get("school_id"))
        if len(school_ids) > 1:
            issues.append(
                Issue(
                    f"у эксперта может быть только один код ОО, получено «{text(values['school_id'])}»",
                    file,
                    sheet,
                    row,
                    str(cols["school_id"]),
                )
            )
        rows.append(
            {
                "juror_id": jid,
                "full_name": text(values["full_name"]),
                "organization": text(values.get("organization")),
                "school_id": school_ids[0] if school_ids else "",
                "role": role,
                "_row": row,
            }
        )
    if not rows:
        issues.append(Issue("в жюри нет ни одного эксперта", file, sheet))
    elif not chairs:
        issues.append(
            Issue(
                f"не указан председатель жюри: в столбце «{cols['role']}» "
                f"ровно у одного эксперта должно стоять «{CHAIR}»",
                file,
                sheet,
            )
        )
    elif len(chairs) > 1:
        issues.append(
            Issue(
                f"председатель жюри должен быть один, а указан в строках {', '.join(map(str, chairs))}",
                file,
                sheet,
                chairs[1],
                str(cols["role"]),
            )
        )
    return pd.DataFrame(rows, columns=list(JURY_COLUMNS) + ["_row"])


def load_people(path) -> People:
    """Read and validate a people workbook (``.xlsx``).

    Parameters
    ----------
    path : str or Path
        The workbook with sheets ``Участники`` / ``entries`` and
        ``Жюри`` / ``jury`` (column contract in the module docstring and in
        :data:`ENTRY_COLUMNS`, :data:`JURY_COLUMNS`).

    Returns
    -------
    People

    Raises
    ------
    ContestError
        With one :class:`~tandem.errors.Issue` per problem: unreadable file,
        missing sheet or required column, empty or duplicate ids, unknown
        role, no chair or several chairs, bad consent value, empty title or
        names. All problems are reported together.
    """
    path = Path(path)
    sheets = _read_workbook(path)
    file = path.name
    issues: list[Issue] = []
    frames = {}
    for key, names, parser in (("entries", ENTRY_SHEET, _parse_entries), ("jury", JURY_SHEET, _parse_jury)):
        title = _find_sheet(sheets, names)
        twins = [t for t in sheets if norm_header(t) in {norm_header(n) for n in names}]
        if len(twins) > 1:
            issues.append(
                Issue(
                    f"лист «{names[1]}» указан дважды: {', '.join(f'«{t}»' for t in twins)} "
                    f"(русское и английское название одного листа); оставьте один",
                    file=file,
                )
            )
        if title is None:
            issues.append(
                Issue(
                    f"нет листа «{names[1]}» (или «{names[0]}»); листы в файле: "
                    f"{', '.join(map(str, sheets)) or 'нет'}",
                    file=file,
                )
            )
            continue
        frames[key] = parser(sheets[title], file, title, issues)
    if issues:
        raise ContestError(issues)
    return make_people(frames["entries"], frames["jury"], source=file)
