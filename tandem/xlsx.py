"""Writing readable, safe Excel workbooks with openpyxl.

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
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import tempfile
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

#: First characters that make a spreadsheet treat text as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")

HEADER_FONT = Font(bold=True)
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_save(wb: Workbook, path: str | os.PathLike) -> Path:
    """Save ``wb`` to ``path`` through a temporary file renamed into place.

    The previous file at ``path`` (if any) stays intact until the new one is
    complete; on any error the temporary file is removed and nothing is left
    behind. Parent directories are created.

    Returns
    -------
    Path
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path
