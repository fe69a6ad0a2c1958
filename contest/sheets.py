"""Per-juror score sheets («оценочный лист члена жюри»): building and writing.

One workbook per juror and stage. Its visible sheet «Оценочный лист» has one
row per entry assigned to the juror and one column per criterion of the
stage, grouped under the task names, with the criterion's range, a row total
and a note column — the form of the regional regulations (one row per
participant, one column per criterion, a row sum and a note field, signed and
dated by the juror and the responsible secretary: docs/sources.md
[Оценочный-лист]). Below the table are the signature lines.

Protection (openpyxl: docs/sources.md [openpyxl-docs]): only the score and
note cells are unlocked; score cells carry a data validation «decimal between
min and max» with a Russian error text; the sheet is protected with
filtering and sorting allowed; the workbook structure is locked. A
``veryHidden`` sheet «_tandem» records what the sheet is — format, contest
name and version (:attr:`Contest.version`), juror, stage — and the address of
every entry-id and criterion-id cell, so that :func:`contest.sheets_read.read_sheet` can detect
sheets of another contest or juror and edited structure.

The sheet's format (layout constants, hidden manifest) is described in
:mod:`contest.sheet_format`; the filled sheets are read by
:mod:`contest.sheets_read`.
"""

from __future__ import annotations

from copy import copy
from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from contest.roster import People, text
from contest.sheet_format import (
    FIRST_COL,
    FIRST_ROW,
    FORMAT,
    FORMATS,
    MAIN,
    META,
    _expand_manifest,
    _float,
    _score_axes,
    fmt_num,
    sheet_file_name,
    stage_criteria,
)
from tandem.xlsx import HEADER_FILL, atomic_save, new_workbook, set_cell
from tandem.xlsx_write import column_width, print_setup, wrap_rows

# The layout constants are defined in contest.sheet_format and importable from here too.
__all__ = [
    "FIRST_COL",
    "FIRST_ROW",
    "FORMAT",
    "MAIN",
    "META",
    "build_sheet",
    "build_sheets",
    "score_cells",
    "sheet_file_name",
    "write_sheets",
]

SCORE_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Increasing integers as runs of consecutive ones: ``[4, 5, 7]`` → ``[(4, 5), (7, 7)]``."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return [(a, b) for a, b in runs]


def build_sheet(contest, stage_id: str, juror: pd.Series, entries: pd.DataFrame) -> Workbook:
    """The score-sheet workbook of one juror for one stage.

    Parameters
    ----------
    contest : Contest
    stage_id : str
    juror : Series
        A row of ``People.jury`` (``juror_id``, ``full_name``, ``organization``).
    entries : DataFrame
        Rows of ``People.entries`` assigned to this juror, in the order to show.

    Returns
    -------
    Workbook
        Not yet saved (see :func:`write_sheets`).
    """
    stage = contest.stage(stage_id)
    crit = stage_criteria(contest, stage_id)
    wb = new_workbook()
    ws = wb.create_sheet(MAIN)
    ws.sheet_properties.tabColor = "FFC000"
    last_col = FIRST_COL + len(crit) + 1  # total + note
    set_cell(ws["A1"], "Оценочный лист члена жюри").font = Font(bold=True, size=14)
    set_cell(ws["A2"], f"Конкурс: {contest.name}").font = Font(bold=True)
    set_cell(ws["A3"], f"Этап: {stage.id} — {stage.name}")
    org = f", {juror['organization']}" if text(juror.get("organization")) else ""
    set_cell(ws["A4"], f"Член жюри: {juror['full_name']} (код {juror['juror_id']}){org}")
    set_cell(
        ws["A5"],
        "Впишите балл в каждую жёлтую ячейку: число в пределах, указанных под критерием "
        "(дробные допускаются, например 2,5). Остальные ячейки защищены; "
        "не переименовывайте лист и не меняйте коды работ и критериев.",
    )
    ws["A5"].font = Font(italic=True, color="555555")
    # header block: row 7 tasks, row 8 criterion ids, row 9 names, row 10 ranges
    for col, label in ((1, "№"), (2, "Код работы"), (3, "Название работы")):
        c = set_cell(ws.cell(10, col), label)
        c.font = Font(bold=True)
    col = FIRST_COL
    manifest: list[tuple] = []
    validations: dict[tuple[float, float], DataValidation] = {}
    columns: dict[tuple[float, float], list[int]] = {}
    spans: list[tuple[int, int]] = []  # first and last column of each task
    for task in stage.tasks:
        start = col
        for cr in task.criteria:
            set_cell(ws.cell(8, col), cr.id).font = Font(bold=True)
            set_cell(ws.cell(9, col), cr.name)
            set_cell(ws.cell(10, col), f"от {fmt_num(cr.min)} до {fmt_num(cr.max)}")
            manifest.append(("criterion", ws.cell(8, col).coordinate, "", cr.id, cr.min, cr.max))
            col += 1
        set_cell(ws.cell(7, start), f"{task.id}. {task.name} (макс. {fmt_num(task.max_points)})").font = Font(
            bold=True
        )
        if col - 1 > start:
            ws.merge_cells(start_row=7, start_column=start, end_row=7, end_column=col - 1)
        spans.append((start, col - 1))
    set_cell(ws.cell(10, col), "Итого").font = Font(bold=True)
    set_cell(ws.cell(10, col + 1), "Примечание").font = Font(bold=True)
    for r in range(7, 11):
        for c in range(1, last_col + 1):
            cell = ws.cell(r, c)
            cell.fill = HEADER_FILL
            cell.border = BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    letters = [""] + [get_column_letter(c) for c in range(1, last_col + 1)]
    styles: dict[int, object] = {}  # column → style of the first entry row, from D on
    for i, e in enumerate(entries.itertuples(index=False)):
        r = FIRST_ROW + i
        set_cell(ws.cell(r, 1), i + 1)
        set_cell(ws.cell(r, 2), e.entry_id)
        manifest.append(("entry", f"B{r}", e.entry_id, "", None, None))
        set_cell(ws.cell(r, 3), e.title)
        for c in range(1, FIRST_COL):  # may carry a text prefix from set_cell: keep it
            ws.cell(r, c).border = BOX
        if crit:
            ws.cell(
                r, FIRST_COL + len(crit)
            ).value = f"=SUM({letters[FIRST_COL]}{r}:{letters[FIRST_COL + len(crit) - 1]}{r})"
        if not styles:
            for k in range(len(crit)):
                cell = ws.cell(r, FIRST_COL + k)
                cell.protection = Protection(locked=False)
                cell.fill = SCORE_FILL
            ws.cell(r, FIRST_COL + len(crit) + 1).protection = Protection(locked=False)  # note
            for c in range(FIRST_COL, last_col + 1):
                ws.cell(r, c).border = BOX
                styles[c] = ws.cell(r, c)._style
        else:
            # the same styles as the first row, copied as openpyxl's own worksheet copy does: setting
            # fill, border and protection cell by cell looks each one up again (slow for 1,000 rows)
            for c in range(FIRST_COL, last_col + 1):
                ws.cell(r, c)._style = copy(styles[c])
    if len(entries):
        # one validation per score range, each over whole column blocks («D11:F40»): adding the cells
        # one by one costs time quadratic in their number (every add scans the ranges already there)
        last_row = FIRST_ROW + len(entries) - 1
        for k, (_task, cr) in enumerate(crit):
            key = (float(cr.min), float(cr.max))
            if key not in validations:
                lo, hi = fmt_num(key[0]), fmt_num(key[1])
                validations[key] = DataValidation(
                    type="decimal",
                    operator="between",
                    formula1=repr(key[0]),
                    formula2=repr(key[1]),
                    allow_blank=True,
                    showErrorMessage=True,
                    errorStyle="stop",
                    errorTitle="Недопустимый балл",
                    error=f"Введите число от {lo} до {hi}.",
                    showInputMessage=True,
                    promptTitle="Балл",
                    prompt=f"от {lo} до {hi}",
                )
                columns[key] = []
            columns[key].append(FIRST_COL + k)
        for key, dv in validations.items():
            for first, last in _runs(columns[key]):
                dv.add(f"{get_column_letter(first)}{FIRST_ROW}:{get_column_letter(last)}{last_row}")
            ws.add_data_validation(dv)
    end = FIRST_ROW + max(len(entries), 1) - 1
    ws.auto_filter.ref = f"A10:{get_column_letter(last_col)}{end}"
    sig = end + 3
    set_cell(ws.cell(sig, 1), f"Член жюри ______________________ / {juror['full_name']} /")
    set_cell(ws.cell(sig + 2, 1), "Дата «____» ________________ 20___ г.")
    set_cell(ws.cell(sig + 4, 1), "Ответственный секретарь ______________________ / ______________________ /")
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 36
    for k, (_task, cr) in enumerate(crit):  # narrow, but no word of a criterion's name broken in two
        longest = max((len(w) for w in str(cr.name).split()), default=0)
        ws.column_dimensions[get_column_letter(FIRST_COL + k)].width = max(
            12, min(20, round(longest * 1.1 + 2))
        )
    ws.column_dimensions[get_column_letter(FIRST_COL + len(crit))].width = 9
    ws.column_dimensions[get_column_letter(FIRST_COL + len(crit) + 1)].width = 24
    # the instruction wrapped within the table's width (text running past the table would make the
    # printed page scale down to it); the criterion names in full
    ws.merge_cells(start_row=5, start_column=1, end_row=5, end_column=last_col)
    ws["A5"].alignment = Alignment(wrap_text=True, vertical="top")
    width = sum(column_width(ws, c) for c in range(1, last_col + 1))
    ws.row_dimensions[5].height = 14 * -(-len(ws["A5"].value) // int(0.9 * width)) + 1
    wrap_rows(ws, 9, 9, last_col)
    lines = max(  # the task names (bold, merged over their criteria) wrapped too
        (
            -(
                -len(str(ws.cell(7, a).value))
                * 12
                // (10 * int(sum(column_width(ws, c) for c in range(a, b + 1))))
            )
            for a, b in spans
        ),
        default=1,
    )
    ws.row_dimensions[7].height = 14 * lines + 1
    ws.row_dimensions[9].height = max(60, ws.row_dimensions[9].height)
    ws.freeze_panes = ws.cell(FIRST_ROW, FIRST_COL)
    ws.protection.sheet = True
    ws.protection.autoFilter = False  # False = allowed
    ws.protection.sort = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.print_options.gridLines = False
    # A4 landscape, one page wide, the header block (tasks, criteria, ranges) on every page
    print_setup(ws, landscape=True, title_rows=f"7:{FIRST_ROW - 1}")

    meta = wb.create_sheet(META)
    rows = [
        ("format", FORMAT),
        ("contest_name", contest.name),
        ("contest_version", contest.version),
        ("juror_id", juror["juror_id"]),
        ("stage_id", stage.id),
        ("main_sheet", MAIN),
        (),
    ]
    rows.append(("kind", "cell", "entry_id", "criterion_id", "min", "max"))
    rows += manifest
    for r, vals in enumerate(rows, 1):
        for c, v in enumerate(vals, 1):
            set_cell(meta.cell(r, c), v)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    wb.active = 0
    wb.security.lockStructure = True
    return wb


def build_sheets(contest, people: People, assignment: pd.DataFrame, stage_id: str) -> dict[str, Workbook]:
    """Workbooks of all jurors who have entries in ``assignment``.

    Returns
    -------
    dict
        File name (:func:`sheet_file_name`) → workbook, in jury order.
    """
    out = {}
    by_juror = assignment.groupby("juror_id")["entry_id"].apply(list).to_dict()
    for juror in people.jury.itertuples(index=False):
        ids = by_juror.get(juror.juror_id)
        if not ids:
            continue
        entries = people.entries[people.entries["entry_id"].isin(ids)].sort_values("entry_id")
        out[sheet_file_name(juror.juror_id, stage_id)] = build_sheet(
            contest, stage_id, pd.Series(juror._asdict()), entries
        )
    return out


def write_sheets(contest, people: People, assignment: pd.DataFrame, stage_id: str, out_dir) -> list[Path]:
    """Build every juror's sheet in memory, then save each one atomically.

    Returns
    -------
    list of Path
        The files written, in jury order.
    """
    books = build_sheets(contest, people, assignment, stage_id)
    out_dir = Path(out_dir)
    return [atomic_save(wb, out_dir / name) for name, wb in books.items()]


def score_cells(wb: Workbook) -> pd.DataFrame:
    """The score cells of a score-sheet workbook (openpyxl), whatever its manifest format.

    For programs that fill sheets as a juror would (sample data, tests, benchmarks).

    Returns
    -------
    DataFrame
        Columns ``cell`` (str, e.g. ``"D11"``), ``entry_id``, ``juror_id``, ``criterion_id``
        (str), ``min``, ``max`` (float, points; NaN when the manifest has none): one row per
        score cell, entries in sheet order and criteria in stage order.

    Raises
    ------
    KeyError
        When the workbook has no hidden sheet «_tandem», or it has no «kind» header row.
    """
    rows = [list(r) + [None] * 6 for r in wb[META].iter_rows(values_only=True)]
    info = {}
    for r in rows:
        if r[0] == "kind":
            break
        if r[0] is not None:
            info[r[0]] = r[1]
    start = next((k for k, r in enumerate(rows) if r[0] == "kind"), None)
    if start is None:
        raise KeyError(f"лист «{META}» без строки «kind»")
    start += 1
    body = []
    for r in rows[start:]:
        if r[0] is None:
            break
        body.append(r[:6])
    columns = [[r[k] for r in body] for k in range(6)]
    if info.get("format") != FORMATS[0]:
        columns = _expand_manifest(columns, _score_axes(columns))
    keep = [i for i, k in enumerate(columns[0]) if k == "score"]
    return pd.DataFrame(
        {
            "cell": [columns[1][i] for i in keep],
            "entry_id": [columns[2][i] for i in keep],
            "juror_id": str(info.get("juror_id", "")),
            "criterion_id": [columns[3][i] for i in keep],
            "min": [_float(columns[4][i]) for i in keep],
            "max": [_float(columns[5][i]) for i in keep],
        },
        columns=["cell", "entry_id", "juror_id", "criterion_id", "min", "max"],
    )
