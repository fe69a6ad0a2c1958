"""The optional registry sheets that refer to other sheets: mentors' wishes and deficit levels.

Both are checked against the teachers (and the deficit catalogue) already
read by :func:`matching.registry.validate_tables`; every problem names the
file, sheet, row and column. Pure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching import schema
from matching.model import empty_mentor_preferences
from matching.registry_cells import find_sheets, header_of, pair_people_issues, parse_sheet
from tandem.errors import Issue, lookalike_hint
from tandem.tables import RawTable, norm_header


def parse_mentor_preferences(tables, source, by_id, teachers_table, issues) -> pd.DataFrame:
    """The optional sheet «Пожелания наставников», checked like «Пожелания»: known teachers, a mentor
    of role «наставник» / «оба» and a mentee of role «наставляемый» / «оба», not the same person, a
    (mentor, mentee) once, a rank that is a whole number ≥ 1 (docs/sources.md [Тетюши-2022] §4.3)."""
    sheet = schema.MENTOR_PREFERENCES
    matches = find_sheets(tables, sheet)
    if not matches:
        return empty_mentor_preferences()
    if len(matches) > 1:
        names = ", ".join(f"«{t.sheet}»" for t in matches)
        issues.append(Issue(f"лист «{sheet.title}» указан дважды: {names}; оставьте один", file=source))
    table = matches[0]
    if not table.headers:
        table = RawTable(table.file, table.sheet, [c.header for c in sheet.columns], [], [])
    df = parse_sheet(table, sheet, issues)

    def where(row, col):
        return dict(file=table.file, sheet=table.sheet, row=int(row), column=header_of(table, sheet, col))

    seen: dict[tuple[str, str], int] = {}
    for r in df.itertuples(index=False):
        issues.extend(pair_people_issues(r, by_id, teachers_table.sheet, ("mentor_id", "mentee_id"), where))
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


def parse_deficit_levels(tables, source, teachers, teachers_table, codes, issues) -> pd.DataFrame | None:
    """The optional sheet «Уровни дефицитов», validated against the teachers and the catalogue.

    Each row: a known teacher, a known code, a level 0–3, a severity ≥ 0 (empty: 2 − level, at
    least 0); a (teacher, code) once; a row of severity ≥ 1 is one of the teacher's «Дефициты» and a
    row of severity 0 is not.
    """
    sheet = schema.DEFICIT_LEVELS
    matches = find_sheets(tables, sheet)
    if not matches:
        return None
    if len(matches) > 1:
        names = ", ".join(f"«{t.sheet}»" for t in matches)
        issues.append(Issue(f"лист «{sheet.title}» указан дважды: {names}; оставьте один", file=source))
    table = matches[0]
    if not table.headers:
        table = RawTable(table.file, table.sheet, [c.header for c in sheet.columns], [], [])
    df = parse_sheet(table, sheet, issues)

    def where(row, col):
        return dict(file=table.file, sheet=table.sheet, row=int(row), column=header_of(table, sheet, col))

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


def deficit_weights(teachers: pd.DataFrame, levels: pd.DataFrame) -> pd.Series:
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
