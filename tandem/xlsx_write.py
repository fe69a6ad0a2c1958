"""Writing readable, safe Excel workbooks (openpyxl) and files, atomically.

Conventions every export of the workbench follows:

* values, never formulas: text from the input that starts with ``=``, ``+``,
  ``-``, ``@``, tab, CR or NUL is stored as a text cell with Excel's quote
  prefix (OWASP ASVS 5.0 §1.2.10, "CSV/formula injection"), so it is shown,
  never evaluated;
* a bold frozen header row, an autofilter over the table and column widths
  that fit the content (capped);
* the workbook is written to a temporary file next to the target and renamed
  into place, so an interrupted run never leaves a partial file;
* fixed document metadata (creator, creation time) so that two runs on the
  same input give byte-comparable cell contents.

Reading input workbooks safely is :mod:`tandem.xlsx` (the checks) and
:mod:`tandem.tables` (the reader).
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import tempfile
from collections.abc import Mapping
from glob import escape as glob_escape
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

#: First characters that make a spreadsheet treat text as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")

#: Font of a table's header row: bold.
HEADER_FONT = Font(bold=True)
#: Fill of a table's header row (:func:`write_table`, :func:`streaming_workbook`, the registry template)
#: and of the header block of a contest score sheet: solid light blue, RGB ``DDEBF7``.
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_FIXED_TIME = _dt.datetime(2000, 1, 1)


def new_workbook() -> Workbook:
    """An empty workbook with fixed metadata and no default sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "Тандем"
    wb.properties.lastModifiedBy = "Тандем"
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    return wb


def _plain(value):
    """Convert numpy / pandas scalars to what openpyxl stores; NaN → empty."""
    if value is None:
        return None
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, (np.bool_, bool)):
        return "да" if bool(value) else "нет"
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (np.floating, float)):
        f = float(value)
        return None if math.isnan(f) else f
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def set_cell(cell: Cell, value) -> Cell:
    """Store ``value`` in ``cell`` as a value, never as a formula.

    Strings starting with one of :data:`FORMULA_TRIGGERS` are stored as text
    with the quote prefix; numpy scalars become Python numbers; NaN and None
    become an empty cell; booleans become «да» / «нет».
    """
    value = _plain(value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def write_table(
    ws: Worksheet,
    df: pd.DataFrame,
    *,
    headers: Mapping[str, str] | None = None,
    number_formats: Mapping[str, str] | None = None,
    start_row: int = 1,
    max_width: int = 60,
    freeze: bool = True,
    autofilter: bool = True,
) -> None:
    """Write ``df`` as a readable table on ``ws``.

    Parameters
    ----------
    ws : Worksheet
        Target sheet (normal, not write-only).
    df : DataFrame
        The table; its column names are used as headers unless renamed.
    headers : mapping, optional
        Column name → header shown in Excel (Russian).
    number_formats : mapping, optional
        Column name → Excel number format, e.g. ``"0.000"`` or ``"0.0%"``.
    start_row : int
        Row of the header (1-based); data follows it.
    max_width : int
        Cap for the fitted column width, in characters.
    freeze, autofilter : bool
        Freeze the rows up to the header; add an autofilter over the table.
    """
    headers = dict(headers or {})
    number_formats = dict(number_formats or {})
    cols = list(df.columns)
    widths = []
    for j, col in enumerate(cols, 1):
        title = headers.get(col, str(col))
        c = set_cell(ws.cell(row=start_row, column=j), title)
        c.font = HEADER_FONT
        c.fill = HEADER_FILL
        c.alignment = Alignment(wrap_text=True, vertical="top")
        widths.append(max(8, min(max_width, len(title) + 2)))
    values = df.to_numpy(dtype=object) if len(df) else np.empty((0, len(cols)), dtype=object)
    for i, row in enumerate(values, start_row + 1):
        for j, v in enumerate(row, 1):
            c = set_cell(ws.cell(row=i, column=j), v)
            fmt = number_formats.get(cols[j - 1])
            if fmt and isinstance(c.value, (int, float)):
                c.number_format = fmt
            if c.value is not None:
                w = len(str(c.value)) if not isinstance(c.value, float) else 8
                if w + 2 > widths[j - 1]:
                    widths[j - 1] = min(max_width, w + 2)
    for j, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = w
    if freeze:
        ws.freeze_panes = ws.cell(row=start_row + 1, column=1)
    if autofilter and cols:
        last = start_row + max(len(df), 1)
        ws.auto_filter.ref = f"A{start_row}:{get_column_letter(len(cols))}{last}"


def _plain_column(s: pd.Series) -> list:
    """:func:`_plain` applied to a whole column, with fast paths for numpy numeric and bool dtypes."""
    kind = s.dtype.kind if isinstance(s.dtype, np.dtype) else "O"
    if kind == "b":
        return np.where(s.to_numpy(), "да", "нет").tolist()
    if kind in "iu":
        return s.to_numpy().tolist()
    if kind == "f":
        return [None if f != f else f for f in s.to_numpy().tolist()]
    return [_plain(v) for v in s.tolist()]


def streaming_workbook(tables, *, max_width: int = 60):
    """A write-only workbook of ``[(title, DataFrame, headers, number_formats)]``.

    For large tables: rows are streamed (constant memory, several times
    faster than the normal mode) and the result follows the same conventions
    as :func:`write_table` — bold frozen header, autofilter, widths fitted to
    the first 1,000 rows, values never formulas (formula-like text stored as
    quoted text), NaN as empty, booleans as «да» / «нет». Save it with
    :func:`atomic_save`.

    Parameters
    ----------
    tables : iterable of (str, DataFrame, mapping or None, mapping or None)
        Sheet title, table, column → header, column → number format.
    """
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    wb.properties.creator = "Тандем"
    wb.properties.lastModifiedBy = "Тандем"
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    for title, df, headers, formats in tables:
        headers, formats = dict(headers or {}), dict(formats or {})
        ws = wb.create_sheet(title)
        cols = list(df.columns)
        names = [str(headers.get(c, c)) for c in cols]
        values = df.iloc[:1000].to_numpy(dtype=object) if len(df) else np.empty((0, len(cols)), dtype=object)
        for j, _col in enumerate(cols, 1):
            sample = [
                len(str(v)) if not isinstance(v, float) else 8 for v in values[:1000, j - 1] if v is not None
            ]
            width = max([len(names[j - 1]) + 2] + [w + 2 for w in sample])
            ws.column_dimensions[get_column_letter(j)].width = max(8, min(max_width, width))
        ws.freeze_panes = "A2"
        if cols:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(len(df), 1) + 1}"
        head = []
        for name in names:
            c = WriteOnlyCell(ws, value=name)
            c.font = HEADER_FONT
            c.fill = HEADER_FILL
            c.alignment = Alignment(wrap_text=True, vertical="top")
            head.append(c)
        ws.append(head)
        # One styled cell per formatted column, refilled for each row: a write-only sheet writes
        # a row as soon as it is appended, so the cell can be reused (creating and styling a
        # cell per value was most of the time of a large sheet).
        styled = []
        for c in cols:
            cell = None
            if formats.get(c):
                cell = WriteOnlyCell(ws)
                cell.number_format = formats[c]
            styled.append(cell)
        columns = [_plain_column(df[c]) for c in cols] if len(df) else []
        for row in zip(*columns):
            out = list(row)
            for j, v in enumerate(out):
                if v.__class__ is str:
                    if v.startswith(FORMULA_TRIGGERS):
                        out[j] = set_cell(WriteOnlyCell(ws), v)
                elif styled[j] is not None and v.__class__ in (int, float):
                    styled[j].value = v
                    out[j] = styled[j]
            ws.append(out)
    return wb


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove_stale_temporaries(path: Path) -> None:
    """Remove ``.NAME.PID.*.tmp`` files next to ``path`` left by processes that no longer exist."""
    prefix = f".{path.name}."
    for f in path.parent.glob(f".{glob_escape(path.name)}.*.tmp"):
        pid = f.name[len(prefix) :].split(".", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
            continue  # the writer is alive: not stale
        except ProcessLookupError:
            pass
        except (PermissionError, OSError):
            continue
        try:
            f.unlink()
        except OSError:
            pass


def atomic_save(wb: Workbook, path: str | os.PathLike) -> Path:
    """Save ``wb`` to ``path`` through a temporary file renamed into place.

    The previous file at ``path`` (if any) stays intact until the new one is
    complete; on any error (also Ctrl+C, and SIGTERM under
    :func:`tandem.cli.run_cli`) the temporary file is removed and nothing is
    left behind. A process killed outright (SIGKILL, power loss) cannot clean
    up: its temporary file ``.NAME.PID.*.tmp`` is removed by the next save
    to the same path once that process no longer exists. Parent directories
    are created.

    Returns
    -------
    Path
        The path written.
    """
    return atomic_write(path, wb.save)


def atomic_write(path: str | os.PathLike, write) -> Path:
    """Call ``write(temporary_path)`` and rename the result into ``path``.

    The same guarantees as :func:`atomic_save` (which uses it) for any file:
    the previous file stays intact until the new one is complete, the
    temporary file is removed on any error, normal permissions, parent
    folders created.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def print_setup(
    ws: Worksheet,
    *,
    landscape: bool = True,
    title_rows: str | int | None = 1,
    sheet_name: bool = False,
    header: str | None = None,
    margins_cm: tuple[float, float] = (1.5, 1.5),
) -> None:
    """Make ``ws`` print readably on A4: one page wide, header rows on every page, page numbers.

    A4 paper; portrait or landscape; scaled to fit the page width
    (``fitToWidth=1``) with as many pages down as the table needs
    (``fitToHeight=0``); the rows ``title_rows`` repeated at the top of every
    printed page (print titles); «Страница N из M» in the middle of the
    footer and, with ``sheet_name``, the sheet's name on its left (so a
    printed workbook shows which sheet a page belongs to). Column widths and
    wrapping are the caller's: the scale is page width / table width, so a
    table meant for paper should keep its columns narrow and its text wrapped.

    Parameters
    ----------
    ws : Worksheet
    landscape : bool
        Landscape (wide tables) or portrait.
    title_rows : str, int or None
        Rows to repeat: ``"7:10"``, a single row number, or ``None`` for none.
    sheet_name : bool
        Print the sheet's name in the footer (``&A``).
    header : str, optional
        A line printed at the top of every page (e.g. the document's title),
        as text (``&`` is not read as a header code).
    margins_cm : (float, float)
        Left/right and top/bottom page margins, in centimetres (header and
        footer sit 0.8 cm from the edge).
    """
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows is not None:
        ws.print_title_rows = f"{title_rows}:{title_rows}" if isinstance(title_rows, int) else title_rows
    inch = 2.54
    side, top = margins_cm
    m = ws.page_margins
    m.left = m.right = side / inch
    m.top = m.bottom = top / inch
    m.header = m.footer = 0.8 / inch
    ws.oddFooter.center.text = "Страница &P из &N"
    ws.oddFooter.center.size = 9
    if sheet_name:
        ws.oddFooter.left.text = "&A"
        ws.oddFooter.left.size = 9
    if header:
        ws.oddHeader.center.text = header.replace("&", "&&")
        ws.oddHeader.center.size = 9


def _wrapped_lines(text: str, capacity: int) -> int:
    """Lines ``text`` takes when wrapped at word boundaries into lines of ``capacity`` characters."""
    lines = 0
    for paragraph in text.split("\n"):
        n, used = 1, 0
        for word in paragraph.split():
            while len(word) > capacity:  # a word longer than the line is broken
                if used:
                    n, used = n + 1, 0
                word = word[capacity:]
                n += 1
            need = len(word) + (1 if used else 0)
            if used + need > capacity:
                n, used = n + 1, len(word)
            else:
                used += need
        lines += n
    return lines


def column_width(ws: Worksheet, column: int) -> float:
    """The width of a column in characters (Excel's default 8.43 when not set)."""
    dim = ws.column_dimensions.get(get_column_letter(column))
    return dim.width if dim is not None and dim.width else 8.43


def wrap_rows(ws: Worksheet, min_row: int, max_row: int, max_col: int, *, line_height: float = 14.0) -> None:
    """Wrap the text of a block of cells (top-aligned) and make every row tall enough for its lines.

    Neither Excel nor LibreOffice grows a row for wrapped text written by a
    program, so each row gets an explicit height: the most lines any of its
    cells takes when its text is wrapped at word boundaries into its column's
    width (about 1.05 characters per unit of width: letters are narrower than
    the digits Excel measures widths in; a bold or larger font counts as
    wider), times ``line_height`` (points, for an 11-point font; scaled with
    the cell's font size), plus a point. Set the column widths first.

    Parameters
    ----------
    ws : Worksheet
    min_row, max_row, max_col : int
        The block ``A{min_row}:{max_col}{max_row}`` (1-based, inclusive).
    line_height : float
        Points per line of 11-point text.
    """
    widths = [column_width(ws, j) for j in range(1, max_col + 1)]
    for row in ws.iter_rows(min_row=min_row, max_row=max_row, max_col=max_col):
        lines = 1.0
        for cell, width in zip(row, widths):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if cell.value is None:
                continue
            size = float(cell.font.sz or 11) if cell.font is not None else 11.0
            scale = size / 11 * (1.1 if cell.font is not None and cell.font.b else 1.0)
            text = str(cell.value) if not isinstance(cell.value, float) else f"{cell.value:.2f}"
            capacity = max(1, int((width - 1) * 1.05 / scale))
            lines = max(lines, _wrapped_lines(text, capacity) * size / 11)
        ws.row_dimensions[row[0].row].height = round(lines * line_height + 1, 1)
