"""Per-juror score sheets («оценочный лист члена жюри»): writing and reading.

One workbook per juror and stage. Its visible sheet «Оценочный лист» has one
row per entry assigned to the juror and one column per criterion of the
stage, grouped under the task names, with the criterion's range, a row total
and a note column — the form of the regional regulations (research note on
contest regulations, §1.3: "One row per participant, one column per
criterion, a row sum and a note field. The juror and the responsible
secretary sign and date it"). Below the table are the signature lines.

Protection (research note on the Excel ecosystem, §A2.1): only the score and
note cells are unlocked; score cells carry a data validation «decimal between
min and max» with a Russian error text; the sheet is protected with
filtering and sorting allowed; the workbook structure is locked. A
``veryHidden`` sheet «_tandem» records what the sheet is — format, contest
name and version (:attr:`Contest.version`), juror, stage — and the address of
every entry-id and criterion-id cell, so that :func:`read_sheet` can detect
sheets of another contest or juror and edited structure.

The hidden sheet's format is ``tandem.contest.sheet/2``: one row per
criterion (its id cell, id, range) and one per entry (its id cell, id); the
score cell of an entry and a criterion is the entry's row and the
criterion's column (:func:`score_cells`). Sheets issued in the earlier
format ``tandem.contest.sheet/1``, which also listed every score cell (one
row per cell: a 1,000-entry sheet carried 20,000 of them, and reading them
was most of the time spent on such a file), are still read, with the same
checks and messages.
"""

from __future__ import annotations

import datetime as _dt
import re
from copy import copy
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from contest.people import People, text
from tandem.errors import Issue
from tandem.xlsx import MAX_CELLS, atomic_save, new_workbook, set_cell

FORMAT = "tandem.contest.sheet/2"
#: Formats :func:`read_sheet` accepts: the current one and the earlier one that listed every score cell.
FORMATS = ("tandem.contest.sheet/1", FORMAT)
#: Most score cells a format /2 manifest may span (entries × criteria): no more than a sheet may hold.
MAX_SCORE_CELLS = MAX_CELLS
MAIN = "Оценочный лист"
META = "_tandem"
FIRST_ROW = 11  # first entry row
FIRST_COL = 4  # first criterion column (D)
SCORE_FILL = PatternFill("solid", fgColor="FFF2CC")
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def fmt_num(x: float) -> str:
    """``3.0`` → ``"3"``, ``2.5`` → ``"2,5"`` (Russian decimal comma)."""
    x = float(x)
    return str(int(x)) if x.is_integer() else f"{x:g}".replace(".", ",")


def sheet_file_name(juror_id: str, stage_id: str) -> str:
    """File name of a juror's sheet, e.g. ``Ж03_S1.xlsx`` (unsafe characters → ``_``)."""
    safe = re.sub(r"[^\w\-]+", "_", f"{juror_id}_{stage_id}")
    return f"{safe}.xlsx"


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Increasing integers as runs of consecutive ones: ``[4, 5, 7]`` → ``[(4, 5), (7, 7)]``."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return [(a, b) for a, b in runs]


def stage_criteria(contest, stage_id: str) -> list[tuple]:
    """``(task, criterion)`` pairs of a stage, in definition order."""
    return [(t, c) for t in contest.stage(stage_id).tasks for c in t.criteria]


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
    set_cell(ws["A5"], "Впишите балл в каждую жёлтую ячейку: число в пределах, указанных под критерием "
                       "(дробные допускаются, например 2,5). Остальные ячейки защищены; "
                       "не переименовывайте лист и не меняйте коды работ и критериев.")
    ws["A5"].font = Font(italic=True, color="555555")
    # header block: row 7 tasks, row 8 criterion ids, row 9 names, row 10 ranges
    for col, label in ((1, "№"), (2, "Код работы"), (3, "Название работы")):
        c = set_cell(ws.cell(10, col), label)
        c.font = Font(bold=True)
    col = FIRST_COL
    manifest: list[tuple] = []
    validations: dict[tuple[float, float], DataValidation] = {}
    columns: dict[tuple[float, float], list[int]] = {}
    for task in stage.tasks:
        start = col
        for cr in task.criteria:
            set_cell(ws.cell(8, col), cr.id).font = Font(bold=True)
            set_cell(ws.cell(9, col), cr.name)
            set_cell(ws.cell(10, col), f"от {fmt_num(cr.min)} до {fmt_num(cr.max)}")
            manifest.append(("criterion", ws.cell(8, col).coordinate, "", cr.id, cr.min, cr.max))
            col += 1
        set_cell(ws.cell(7, start), f"{task.id}. {task.name} (макс. {fmt_num(task.max_points)})").font = Font(bold=True)
        if col - 1 > start:
            ws.merge_cells(start_row=7, start_column=start, end_row=7, end_column=col - 1)
    set_cell(ws.cell(10, col), "Итого").font = Font(bold=True)
    set_cell(ws.cell(10, col + 1), "Примечание").font = Font(bold=True)
    for r in range(7, 11):
        for c in range(1, last_col + 1):
            cell = ws.cell(r, c)
            cell.fill = HEAD_FILL
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
            ws.cell(r, FIRST_COL + len(crit)).value = f"=SUM({letters[FIRST_COL]}{r}:{letters[FIRST_COL + len(crit) - 1]}{r})"
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
                    type="decimal", operator="between", formula1=repr(key[0]), formula2=repr(key[1]),
                    allow_blank=True, showErrorMessage=True, errorStyle="stop",
                    errorTitle="Недопустимый балл", error=f"Введите число от {lo} до {hi}.",
                    showInputMessage=True, promptTitle="Балл", prompt=f"от {lo} до {hi}")
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
    ws.column_dimensions["C"].width = 40
    for k in range(len(crit)):
        ws.column_dimensions[get_column_letter(FIRST_COL + k)].width = 16
    ws.column_dimensions[get_column_letter(FIRST_COL + len(crit))].width = 9
    ws.column_dimensions[get_column_letter(FIRST_COL + len(crit) + 1)].width = 30
    ws.row_dimensions[9].height = 60
    ws.freeze_panes = ws.cell(FIRST_ROW, FIRST_COL)
    ws.protection.sheet = True
    ws.protection.autoFilter = False  # False = allowed
    ws.protection.sort = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.print_options.gridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1

    meta = wb.create_sheet(META)
    rows = [("format", FORMAT), ("contest_name", contest.name), ("contest_version", contest.version),
            ("juror_id", juror["juror_id"]), ("stage_id", stage.id), ("main_sheet", MAIN), ()]
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
            contest, stage_id, pd.Series(juror._asdict()), entries)
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


# --------------------------------------------------------------------- reading
SCORE_COLUMNS = ["entry_id", "juror_id", "criterion_id", "score", "stage_id", "file", "sheet", "cell", "valid"]

@dataclass
class SheetRead:
    """What one filled sheet contained.

    Attributes
    ----------
    file : str
        File name.
    juror_id, stage_id, contest_version : str
        From the hidden sheet («_tandem»).
    manifest_format : str
        The hidden sheet's format (one of :data:`FORMATS`), ``""`` when not read.
    scores : DataFrame
        Columns ``entry_id``, ``juror_id``, ``criterion_id`` (str),
        ``score`` (float, points; NaN when invalid), ``stage_id`` (str),
        ``file``, ``sheet``, ``cell`` (str: where the score was read),
        ``valid`` (bool: the cell passed the checks).
    issues : list of Issue
        Problems found; the scores are only valid when this is empty.
    """

    file: str
    juror_id: str = ""
    stage_id: str = ""
    contest_version: str = ""
    manifest_format: str = ""
    scores: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SCORE_COLUMNS))
    issues: list = field(default_factory=list)


def parse_number(value) -> float | None:
    """A score cell as a number: accepts numbers and text like ``"2,5"``; ``None`` if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    s = text(value).replace(",", ".").replace("\u00a0", "").replace(" ", "")
    try:
        x = float(s)
    except ValueError:
        return None
    return x if x == x and abs(x) != float("inf") else None


def _value(v):
    """A cell value as read by calamine, made what the checks expect: empty → ``None``; a date
    without time → ``datetime`` at midnight (as Excel shows it and openpyxl returns it)."""
    if v == "" and isinstance(v, str):
        return None
    if type(v) is _dt.date:
        return _dt.datetime(v.year, v.month, v.day)
    return v


def _t(v) -> str:
    """:func:`contest.people.text`, fast for the usual string cell."""
    return v.strip() if type(v) is str else text(v)


def _column(rows: list[list], k: int) -> list[str]:
    """Column ``k`` (0-based) of a calamine grid as clean text (:func:`_t`); short rows give ``""``."""
    col = [row[k] if len(row) > k else "" for row in rows]
    return _texts(col)


def _texts(col) -> list[str]:
    """:func:`_t` of every value of ``col``, at C speed when all are strings (the usual column)."""
    if set(map(type, col)) <= {str}:
        return list(map(str.strip, col))
    return [_t(v) for v in col]


def _manifest_columns(body: list[list], width: int = 4) -> list[list[str]]:
    """The first ``width`` columns of the manifest rows as clean text, up to the first empty kind.

    The manifest ends at the first row whose first cell is empty (or a row with no cells). A
    rectangular grid (calamine's, without ``skip_empty_area``) is read column by column; any
    other row by row, with the same result.
    """
    if body and set(map(len, body)) == {len(body[0])} and len(body[0]) >= width:
        first = _texts([row[0] for row in body])
        n = first.index("") if "" in first else len(first)
        body = body[:n]
        return [first[:n]] + [_texts([row[k] for row in body]) for k in range(1, width)]
    n = next((i for i, row in enumerate(body) if not (_t(row[0]) if row else "")), len(body))
    return [_column(body[:n], k) for k in range(width)]


def _score_axes(columns: list[list], criteria=None) -> tuple[list[int], list[int]]:
    """Manifest rows that span the score cells: ``(entry rows, criterion rows)``, as indices.

    The first row of each entry id, and the first row of each criterion id (only ids in
    ``criteria``, when given): a hidden sheet edited to repeat rows cannot multiply the cells.
    """
    kinds, eids, cids = columns[0], columns[2], columns[3]
    entries, crits, seen_e, seen_c = [], [], set(), set()
    for i, kind in enumerate(kinds):
        if kind == "entry" and eids[i] not in seen_e:
            seen_e.add(eids[i])
            entries.append(i)
        elif kind == "criterion" and cids[i] not in seen_c and (criteria is None or cids[i] in criteria):
            seen_c.add(cids[i])
            crits.append(i)
    return entries, crits


def _expand_manifest(columns: list[list], axes: tuple[list[int], list[int]]) -> list[list]:
    """Manifest columns of format ``/2`` with the score rows of format ``/1`` put back.

    ``columns`` are the manifest's columns (kind, cell, entry_id, criterion_id, then any
    more, e.g. min and max), one list per column. Every ``entry`` row is followed by one
    ``score`` row per ``criterion`` row, in the criteria's order: its cell is the criterion
    cell's column and the entry cell's row, its entry id the entry's, and every other column
    the criterion's. The result is exactly the manifest format ``/1`` wrote for the same sheet,
    so the checks and the order of their messages are the same. A cell that is not an address
    gives score cells ``""`` (read as empty, so reported as missing scores). Only the rows
    ``axes`` (:func:`_score_axes`) span the score cells.
    """
    kinds, cells = columns[0], columns[1]
    spanning, crits = set(axes[0]), axes[1]
    crit_letters = []
    for i in crits:
        m = _LOOSE_ADDRESS.fullmatch(str(cells[i]).strip())
        crit_letters.append(m.group(1).upper() if m else "")
    out: list[list] = [[] for _ in columns]
    for i, kind in enumerate(kinds):
        for col, src in zip(out, columns):
            col.append(src[i])
        if i not in spanning:
            continue
        m = _LOOSE_ADDRESS.fullmatch(str(cells[i]).strip())
        row = m.group(2) if m else ""
        out[0].extend(["score"] * len(crits))
        out[1].extend([f"{letters}{row}" if letters and row else "" for letters in crit_letters])
        out[2].extend([columns[2][i]] * len(crits))
        for k in range(3, len(columns)):
            out[k].extend(columns[k][j] for j in crits)
    return out


def _float(v) -> float:
    """A manifest number as float; empty or not a number → NaN."""
    x = parse_number(v) if v is not None else None
    return float("nan") if x is None else x


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
    return pd.DataFrame({
        "cell": [columns[1][i] for i in keep], "entry_id": [columns[2][i] for i in keep],
        "juror_id": str(info.get("juror_id", "")), "criterion_id": [columns[3][i] for i in keep],
        "min": [_float(columns[4][i]) for i in keep], "max": [_float(columns[5][i]) for i in keep]},
        columns=["cell", "entry_id", "juror_id", "criterion_id", "min", "max"])


_COLUMN_NUMBERS: dict[str, int] = {}


def _column_number(letters: str) -> int:
    n = _COLUMN_NUMBERS.get(letters)
    if n is None:
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch) - 64
        _COLUMN_NUMBERS[letters] = n
    return n


_ADDRESS = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$", re.MULTILINE)
_LOOSE_ADDRESS = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


def _addresses(cells: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Row and column numbers (1-based) of cell addresses like ``"D12"``; 0 where not an address."""
    n = len(cells)
    joined = "\n".join(cells)
    found = _ADDRESS.findall(joined) if joined.count("\n") == n - 1 else []
    if len(found) == n:  # every address well-formed: one pass of the regex engine
        if not n:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        rows = np.array([r for _l, r in found], dtype=np.int64)
        letters = [letters for letters, _r in found]
        number_of = {k: _column_number(k) for k in set(letters)}  # a few dozen distinct columns
        cols = np.fromiter(map(number_of.__getitem__, letters), dtype=np.int64, count=n)
        return rows, cols
    rows, cols = np.zeros(n, np.int64), np.zeros(n, np.int64)
    for i, cell in enumerate(cells):
        m = _LOOSE_ADDRESS.fullmatch(cell.strip())
        if m:
            rows[i], cols[i] = int(m.group(2)), _column_number(m.group(1).upper())
    return rows, cols


def _lookup(grid: list[list], rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Values of the cells ``(rows[i], cols[i])`` (1-based) of a calamine grid; outside it ``None``."""
    h = len(grid)
    w = max((len(r) for r in grid), default=0)
    table = np.full((h, w), None, dtype=object)
    for i, row in enumerate(grid):
        table[i, :len(row)] = row
    out = np.full(len(rows), None, dtype=object)
    inside = (rows >= 1) & (rows <= h) & (cols >= 1) & (cols <= w)
    out[inside] = table[rows[inside] - 1, cols[inside] - 1]
    return out


def _error_cells(path: Path, sheet: str) -> dict[str, str]:
    """Cells of ``sheet`` that hold an Excel error value (``#DIV/0!``, ``#REF!`` …): address → error.

    The fast reader returns such cells as empty; the checks name the error as Excel shows it.
    Only called when a checked cell reads empty, so the usual file pays nothing for it.
    """
    import zipfile

    import defusedxml.ElementTree as SafeET

    main_ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        with zipfile.ZipFile(path) as zf:
            rels = {r.get("Id"): r.get("Target", "")
                    for r in SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels")).iter()
                    if r.get("Id")}
            target = next((rels.get(s.get(f"{rel_ns}id"), "")
                           for s in SafeET.fromstring(zf.read("xl/workbook.xml")).iter(f"{main_ns}sheet")
                           if s.get("name") == sheet), "")
            member = target.lstrip("/") if target.startswith("/") else "xl/" + target
            data = zf.read(member).decode("utf-8", errors="replace")
    except Exception:
        return {}
    out = {}
    for attrs, body in re.findall(r'<(?:\w+:)?c\b([^>]*?)(?<!/)>(.*?)</(?:\w+:)?c>', data, re.DOTALL):
        if not re.search(r'\bt="e"', attrs):
            continue
        addr = re.search(r'\br="([A-Z]{1,3}[0-9]+)"', attrs)
        v = re.search(r"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>", body)
        if addr and v:
            out[addr.group(1)] = v.group(1)
    return out


def read_sheet(path, contest) -> SheetRead:
    """Read one filled score sheet and check it against ``contest``.

    Checks: the file is a sheet of this workbench (hidden sheet present), of
    this contest (name) and this version of its definition
    (:attr:`Contest.version`), of a stage that exists; the visible sheet is
    still called «Оценочный лист»; every entry-id and criterion-id cell still
    holds what was written (rows or columns not moved, ids not changed);
    every score cell holds a number within the criterion's ``min..max``.
    The file is checked first by :func:`tandem.xlsx.check_xlsx` (not a
    workbook, password, size, DTD); a score cell holding a formula is read by
    its saved value, and one without a saved value is reported as such.
    Juror and assignment checks need the people and are done by
    :func:`contest.scores_io.check_scores`.

    The cells are read by python-calamine; the usual score cell (a number
    within its range) is checked for all cells at once, and every other
    cell — ids, and scores that are text, empty or out of range — by the
    cell-by-cell rules that word the messages.

    Returns
    -------
    SheetRead
        With ``issues`` naming file, sheet and cell, e.g. «файл «Ж03_S1.xlsx»,
        лист «Оценочный лист»: ячейка D12: балл 5 вне диапазона 0–3».
    """
    path = Path(path)
    res = SheetRead(file=path.name)

    def bad(msg, sheet=None):
        res.issues.append(Issue(msg, file=path.name, sheet=sheet))

    from python_calamine import CalamineWorkbook

    from tandem.errors import InputError
    from tandem.xlsx import check_xlsx

    try:
        formulas = check_xlsx(path)
    except InputError as exc:
        res.issues.extend(exc.issues)
        return res
    unreadable = "не удалось открыть как книгу Excel (.xlsx); используйте выданный файл, сохранённый в Excel"
    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheetnames = list(wb.sheet_names)
        meta = wb.get_sheet_by_name(META).to_python(skip_empty_area=False) if META in sheetnames else None
    except Exception:  # damaged parts that the zip check does not see
        bad(unreadable)
        return res
    if meta is None:
        bad("это не оценочный лист, созданный командой «python -m contest sheets» "
            "(нет служебного листа); используйте выданный файл")
        return res

    def mcell(r: int, c: int):
        row = meta[r - 1] if 0 < r <= len(meta) else ()
        return _value(row[c - 1]) if 0 < c <= len(row) else None

    info = {}
    r = 1
    while r < 50 and mcell(r, 1) not in (None, "kind"):
        info[text(mcell(r, 1))] = text(mcell(r, 2))
        r += 1
    while r < 60 and mcell(r, 1) != "kind":
        r += 1
    if info.get("format") not in FORMATS:
        bad(f"неизвестный формат служебного листа «{info.get('format', '')}»; ожидался {FORMAT}")
        return res
    res.juror_id, res.stage_id = info.get("juror_id", ""), info.get("stage_id", "")
    res.contest_version = info.get("contest_version", "")
    res.manifest_format = info["format"]
    if info.get("contest_name") != contest.name:
        bad(f"лист другого конкурса: «{info.get('contest_name')}», ожидался «{contest.name}»")
        return res
    if res.contest_version != contest.version:
        bad(f"лист выдан для другой версии описания конкурса ({res.contest_version}), "
            f"текущая версия {contest.version}: правила или критерии изменились после выдачи листов; "
            f"выдайте листы заново")
        return res
    stage_ids = [s.id for s in contest.stages]
    if res.stage_id not in stage_ids:
        bad(f"неизвестный этап «{res.stage_id}»; в конкурсе этапы {', '.join(stage_ids)}")
        return res
    main = info.get("main_sheet", MAIN)
    if main not in sheetnames:
        bad(f"нет листа «{main}» (лист переименован или удалён); листы: {', '.join(n for n in sheetnames if n != META)}")
        return res
    try:
        grid = wb.get_sheet_by_name(main).to_python(skip_empty_area=False)
    except Exception:
        bad(unreadable)
        return res
    crit = {c.id: c for _t_, c in stage_criteria(contest, res.stage_id)}

    # the manifest: rows of the hidden sheet after the «kind» header, up to the first empty kind
    body = meta[r:]  # row r + 1 onwards (1-based)
    columns = _manifest_columns(body)
    if info["format"] != FORMATS[0]:  # the score cells are the entries' rows × the criteria's columns
        axes = _score_axes(columns, crit)
        if len(axes[0]) * len(axes[1]) > MAX_SCORE_CELLS:
            limit = f"{MAX_SCORE_CELLS:,}".replace(",", " ")
            bad(f"служебный лист повреждён: {len(axes[0])} работ × {len(axes[1])} критериев — больше "
                f"{limit} ячеек баллов; используйте выданный файл")
            return res
        columns = _expand_manifest(columns, axes)
    n = len(columns[0])
    values = _lookup(grid, *_addresses(columns[1]))
    kinds, cells, eids, cids = (np.array(col, dtype=object) for col in columns)
    values[values == ""] = None

    # scores: the usual cell — a number (not a boolean) within its criterion's range — checked at once
    is_score = kinds == "score"
    known = np.fromiter(map(crit.__contains__, columns[3]), dtype=bool, count=n) & is_score
    lo_of = {c: float(crit[c].min) for c in crit}
    hi_of = {c: float(crit[c].max) for c in crit}
    lo = np.fromiter(map(lo_of.get, columns[3], repeat(np.nan)), dtype=float, count=n)
    hi = np.fromiter(map(hi_of.get, columns[3], repeat(np.nan)), dtype=float, count=n)
    numeric = np.fromiter(map({float, int}.__contains__, map(type, values)), dtype=bool, count=n)
    x = np.full(n, np.nan)
    x[numeric] = values[numeric].astype(float)
    with np.errstate(invalid="ignore"):
        ok = known & numeric & (lo <= x) & (x <= hi)
    # every other manifest row, in order, by the rules that word the messages
    slow = np.flatnonzero(~is_score | (known & ~ok))
    if len(slow) and any(values[i] is None for i in slow):
        errors = _error_cells(path, main)
        if errors:
            for i in slow:
                if values[i] is None and cells[i] in errors:
                    values[i] = errors[cells[i]]
    for i in slow:
        kind, cell, eid, cid, value = kinds[i], cells[i], eids[i], cids[i], _value(values[i])
        where = f"ячейка {cell}"
        if kind == "entry":
            if text(value) != eid:
                bad(f"{where}: ожидался код работы «{eid}», найдено «{text(value)}» "
                    f"(строки переставлены или код изменён)", main)
        elif kind == "criterion":
            if text(value) != cid:
                bad(f"{where}: ожидался код критерия «{cid}», найдено «{text(value)}» "
                    f"(столбцы переставлены или код изменён)", main)
            if cid not in crit:
                bad(f"{where}: критерия «{cid}» нет в этапе {res.stage_id}", main)
        elif kind == "score":
            c = crit[cid]
            lo_, hi_ = fmt_num(c.min), fmt_num(c.max)
            v = parse_number(value)
            if value is None and cell in formulas.get(main, ()):
                bad(f"{where}: формула без сохранённого значения (работа {eid}, критерий {cid}); впишите балл "
                    f"числом или откройте файл в Excel и сохраните его заново", main)
            elif value is None or text(value) == "":
                bad(f"{where}: нет балла (работа {eid}, критерий {cid}); ожидалось число от {lo_} до {hi_}", main)
            elif v is None:
                bad(f"{where}: ожидалось число от {lo_} до {hi_}, получено «{text(value)}» "
                    f"(работа {eid}, критерий {cid})", main)
            elif not (c.min <= v <= c.max):
                bad(f"{where}: балл {fmt_num(v)} вне диапазона {lo_}–{hi_} (работа {eid}, критерий {cid})", main)
            else:
                x[i], ok[i] = v, True
    keep = np.flatnonzero(known)
    res.scores = pd.DataFrame({
        "entry_id": eids[keep], "juror_id": res.juror_id, "criterion_id": cids[keep],
        "score": np.where(ok[keep], x[keep], np.nan), "stage_id": res.stage_id, "file": path.name,
        "sheet": main, "cell": cells[keep], "valid": ok[keep]}, columns=SCORE_COLUMNS)
    return res
