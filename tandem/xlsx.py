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

Reading is guarded here too (section «reading safely» below):
:func:`check_xlsx` refuses empty, text, old .xls, password-protected,
damaged and oversized workbooks, zip bombs, sheets spanning too many rows or
cells and any workbook with a DTD, before a spreadsheet library opens it;
:func:`read_text_file` reads CSV text (UTF-8, BOM, cp1251) and refuses
UTF-16 and binary files.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
import tempfile
from glob import escape as glob_escape
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
        for j, col in enumerate(cols, 1):
            sample = [len(str(v)) if not isinstance(v, float) else 8 for v in values[:1000, j - 1] if v is not None]
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
        pid = f.name[len(prefix):].split(".", 1)[0]
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


# --------------------------------------------------------------------------- reading safely
#
# Every loader of the workbench checks an input workbook with check_xlsx()
# before a spreadsheet library opens it, and reads CSV text with
# read_text_file(). The limits keep a hostile or accidental file (a zip bomb,
# a sheet "of a million rows" made by one stray cell, a multi-gigabyte
# export) from exhausting memory: the checks themselves read at most
# MAX_UNPACKED_BYTES, one zip member at a time.
#
# XML: openpyxl parses through defusedxml (a DTD with entities raises
# EntitiesForbidden); python-calamine, which reads the registry, does not
# expand DTD entities at all (its XML reader fails with "unrecognized
# entity"). check_xlsx refuses any workbook whose XML parts carry a
# <!DOCTYPE> — Excel, LibreOffice and Google Sheets never write one — so an
# entity-expansion bomb never reaches either library.

#: Largest input file accepted (bytes).
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Largest total size of a workbook's parts after unpacking (bytes).
MAX_UNPACKED_BYTES = 150 * 1024 * 1024
#: Most rows a sheet may span (from A1 to its last used row).
MAX_ROWS = 100_000
#: Most cells a sheet's used range may span (rows × columns).
MAX_CELLS = 3_000_000

_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} МБ"


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


_ROW_RE = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
_CELL_RE = re.compile(rb'<c\s+r="([A-Z]{1,3})(\d+)"')
_BARE_FORMULA_RE = re.compile(
    rb'<c\s+r="([A-Z]{1,3}\d+)"[^>]*?(?<!/)>\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>')


def _sheet_extent(data: bytes) -> tuple[int, int]:
    """Last row and last column (1-based, 0 when none) spanned by a worksheet's XML.

    The last row is the largest of the ``<row r="…">`` numbers and the row numbers of the cell
    addresses, the last column the largest column of the cell addresses. Each distinct number
    and column is converted once (a sheet of 100,000 cells has a few dozen columns), not every
    address one by one.
    """
    last_row = max(map(int, set(_ROW_RE.findall(data))), default=0)
    cells = _CELL_RE.findall(data)
    if not cells:
        return last_row, 0
    numbers = {number for _letters, number in cells}
    letters = {letters for letters, _number in cells}
    return max(last_row, max(map(int, numbers))), max(map(_column_number, letters))


def _too_large(last_row: int, last_col: int) -> bool:
    """A sheet spanning more than :data:`MAX_ROWS` rows or :data:`MAX_CELLS` cells."""
    return last_row > MAX_ROWS or last_row * last_col > MAX_CELLS


def _bound_pattern(letters: int, digits: int) -> re.Pattern:
    """A ``<row r>`` number of more than ``digits`` digits or a cell address of more than ``letters``
    letters or ``digits`` digits (compiled once per pair: ``re`` caches it)."""
    more = digits + 1
    row = rf'<row\b[^>]*?\sr="\d{{{more}}}'
    cell = rf'<c\s+r="(?:[A-Z]{{{letters + 1}}}|[A-Z]{{1,3}}\d{{{more}}})'
    return re.compile(f"{row}|{cell}".encode())


def _within_limits(data: bytes) -> bool:
    """Whether a worksheet's XML surely spans at most :data:`MAX_ROWS` rows and :data:`MAX_CELLS` cells.

    Row numbers of at most ``d`` digits are below ``10**d`` and columns of one or two letters
    at most 26 or 702: when no longer number or column occurs (one scan that finds nothing, no
    address converted) and these bounds are within the limits, so is the sheet. ``False`` means
    "measure it" (:func:`_sheet_extent`), not that it is too large.
    """
    if MAX_ROWS < 0 or MAX_CELLS < 0:
        return False
    for letters, columns in ((1, 26), (2, 702)):
        digits = 0  # Excel's rows have at most 7 digits: more would only lengthen the pattern
        while digits < 9 and (bound := 10 ** (digits + 1) - 1) <= MAX_ROWS and bound * columns <= MAX_CELLS:
            digits += 1
        if _bound_pattern(letters, digits).search(data) is None:
            return True
    return False


def _scan_sheet(data: bytes) -> tuple[tuple[int, int] | None, set[str] | None]:
    """What :func:`check_xlsx` needs of a worksheet's XML: ``((last row, last column), None)`` when
    it is too large, else ``(None, addresses of the formula cells without saved values)``."""
    if not _within_limits(data):
        last_row, last_col = _sheet_extent(data)
        if _too_large(last_row, last_col):
            return (last_row, last_col), None
    return None, _bare_formulas(data)


def _bare_formulas(data: bytes) -> set[str]:
    """Addresses of the formula cells of a worksheet's XML that carry no saved value."""
    if b"<f" not in data:  # no formula at all: the pattern cannot match
        return set()
    return {m.decode() for m in _BARE_FORMULA_RE.findall(data)}


def check_size(path: str | os.PathLike, what: str = "файл") -> Path:
    """Refuse a missing, empty or too large input file.

    Raises
    ------
    tandem.errors.InputError
        Naming the file and the limit (:data:`MAX_FILE_BYTES`).
    """
    from tandem.errors import InputError, Issue

    path = Path(path)
    if not path.is_file():
        raise InputError(Issue(f"{what} не найден", file=path.name))
    size = path.stat().st_size
    if size == 0:
        raise InputError(Issue("файл пустой (0 байт)", file=path.name))
    if size > MAX_FILE_BYTES:
        raise InputError(Issue(f"файл слишком большой: {_mb(size)}, допускается не более {_mb(MAX_FILE_BYTES)}; "
                               "уберите из него лишние листы, картинки и строки", file=path.name))
    return path


def read_text_file(path: str | os.PathLike) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), else cp1251.

    Raises
    ------
    tandem.errors.InputError
        Empty, too large, UTF-16 («Юникод» in Excel's save dialog) or binary.
    """
    from tandem.errors import InputError, Issue

    path = check_size(path)
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:200].count(b"\x00") > 2:
        kind = "в кодировке UTF-16 («Юникод»)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4] \
            else "двоичный, а не текстовый"
        if data.startswith((b"PK", _OLE_MAGIC)):
            kind = "книга Excel, а не текст CSV"
        raise InputError(Issue(f"файл {kind}; ожидался текст CSV в UTF-8 или cp1251 — в Excel выберите "
                               "«Сохранить как» → «CSV UTF-8 (разделитель — запятая)»", file=path.name))
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def check_xlsx(path: str | os.PathLike) -> dict[str, set[str]]:
    """Check that ``path`` is a readable, sane .xlsx workbook before opening it.

    Checks, in order: the file exists, is not empty and not larger than
    :data:`MAX_FILE_BYTES`; it is not an old binary .xls or a
    password-protected workbook (both are OLE2 compound files); it is a zip
    archive whose parts unpack to at most :data:`MAX_UNPACKED_BYTES`; no XML
    part declares a DTD (entity-expansion attacks); no sheet spans more than
    :data:`MAX_ROWS` rows or :data:`MAX_CELLS` cells.

    Returns
    -------
    dict
        Sheet title → addresses (``"F2"``) of formula cells that carry no
        saved value (the file was written by a program that does not compute
        formulas), so that the loaders can name them instead of reporting an
        empty cell.

    Raises
    ------
    tandem.errors.InputError
        With a Russian message naming the file and what to do.
    """
    import zipfile

    import defusedxml.ElementTree as SafeET

    from tandem.errors import InputError, Issue

    path = check_size(path)
    name = path.name

    def refuse(message: str):
        raise InputError(Issue(message, file=name))

    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(_OLE_MAGIC):
        data = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            refuse("книга защищена паролем (зашифрована), её нельзя прочитать; откройте её в Excel, снимите пароль "
                   "(Файл → Сведения → Защита книги) и сохраните как «Книга Excel (.xlsx)»")
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            refuse("файл в старом формате Excel (.xls); откройте его в Excel и сохраните как «Книга Excel (.xlsx)»")
        refuse("файл в старом формате Excel (.xls) или защищён паролем; сохраните его как "
               "«Книга Excel (.xlsx)» без пароля")
    if not head.startswith(b"PK"):
        refuse("не удалось прочитать книгу Excel: это не книга Excel .xlsx (файл другого формата, например текст "
               "или CSV с расширением .xlsx); откройте его в Excel и сохраните как «Книга Excel (.xlsx)»")
    broken = ("не удалось прочитать книгу Excel: файл повреждён или записан не полностью; "
              "откройте его в Excel и сохраните заново как «Книга Excel (.xlsx)»")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):  # e.g. «zip file version 6.4»
        refuse(broken)
    formulas: dict[str, set[str]] = {}
    with zf:
        infos = zf.infolist()
        unpacked = sum(i.file_size for i in infos)
        if unpacked > MAX_UNPACKED_BYTES:
            refuse(f"книга слишком велика после распаковки: {_mb(unpacked)} "
                   f"(допускается не более {_mb(MAX_UNPACKED_BYTES)}); файл повреждён или это «zip-бомба»")
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names:
            refuse("это не книга Excel .xlsx (в архиве нет книги xl/workbook.xml)")
        sheets: dict[str, str] = {}
        wbxml, rels = b"", {}
        # what the sheet checks below need of the usual worksheet parts (_scan_sheet), taken while the
        # parts are read for the DTD check, so that they are not read twice; other parts are read below
        scanned: dict[str, tuple[tuple[int, int] | None, set[str] | None]] = {}
        try:
            for info in infos:
                if not info.filename.endswith((".xml", ".rels", ".vml")):
                    continue
                data = zf.read(info)
                if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                    refuse("книга содержит объявление DTD (<!DOCTYPE …>) — так устроены атаки на разбор XML "
                           "(«billion laughs»); Excel такие файлы не создаёт, файл не прочитан")
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    scanned[info.filename] = _scan_sheet(data)
                if info.filename == "xl/workbook.xml":
                    wbxml = data
                elif info.filename == "xl/_rels/workbook.xml.rels":
                    rels = {r.get("Id"): r.get("Target", "")
                            for r in SafeET.fromstring(data).iter(f"{_NS_PKG}Relationship")}
            for s in SafeET.fromstring(wbxml).iter(f"{_NS_MAIN}sheet"):
                target = rels.get(s.get(f"{_NS_REL}id"), "")
                target = target.lstrip("/") if target.startswith("/") else "xl/" + target
                sheets[s.get("name", "")] = target
        except InputError:
            raise
        except Exception:  # a damaged archive or malformed XML in the package parts
            refuse(broken)
        for title, member in sheets.items():
            if member not in names:
                continue
            if member in scanned:
                too_large, bare = scanned[member]
            else:
                try:
                    data = zf.read(member)
                except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
                    refuse(broken)
                too_large, bare = _scan_sheet(data)
            if too_large:
                last_row, last_col = too_large
                raise InputError(Issue(
                    f"слишком много строк или ячеек: лист занимает {last_row:,} строк × {last_col} столбцов "
                    f"(допускается не более {MAX_ROWS:,} строк и {MAX_CELLS:,} ячеек); удалите пустые строки и "
                    f"столбцы за таблицей — вероятно, в далёкой ячейке остался пробел или формат".replace(",", " "),
                    file=name, sheet=title))
            if bare:
                formulas[title] = bare
    return formulas
