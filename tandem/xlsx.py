"""Reading Excel workbooks safely: the checks every input passes first.

Every loader of the workbench checks an input workbook with
:func:`check_xlsx` before a spreadsheet library opens it, and every CSV
file with :func:`check_size` (through :func:`tandem.tables.read_text`). The
limits keep a hostile or accidental file (a zip bomb, a sheet "of a million
rows" made by one stray cell, a multi-gigabyte export) from exhausting
memory: the checks themselves read at most :data:`MAX_UNPACKED_BYTES`, one
zip member at a time.

XML: openpyxl parses through defusedxml (a DTD with entities raises
EntitiesForbidden); python-calamine, which reads the tables
(:mod:`tandem.tables`), does not expand DTD entities at all (its XML reader
fails with "unrecognized entity"). :func:`check_xlsx` refuses any workbook
whose XML parts carry a ``<!DOCTYPE>`` — Excel, LibreOffice and Google
Sheets never write one — so an entity-expansion bomb never reaches either
library.

Writing workbooks is :mod:`tandem.xlsx_write`; its names are importable
from here too (``from tandem.xlsx import atomic_save, set_cell``), as is
:func:`read_text_file` (= :func:`tandem.tables.read_text`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tandem.xlsx_write import (  # noqa: F401  (the writing API, importable from here)
    FORMULA_TRIGGERS,
    HEADER_FILL,
    HEADER_FONT,
    atomic_save,
    atomic_write,
    new_workbook,
    set_cell,
    streaming_workbook,
    write_table,
)

#: Largest input file accepted (bytes).
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Largest total size of a workbook's parts after unpacking (bytes).
MAX_UNPACKED_BYTES = 150 * 1024 * 1024
#: Most rows a sheet may span (from A1 to its last used row).
MAX_ROWS = 100_000
#: Most cells a sheet's used range may span (rows × columns).
MAX_CELLS = 3_000_000

#: First bytes of an OLE2 compound file: an old binary .xls or a password-protected workbook.
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} МБ"


def column_number(letters: str | bytes) -> int:
    """The 1-based number of a column given by its upper-case letters: ``"A"`` → 1, ``"AB"`` → 28.

    ``letters`` may be text or ASCII bytes (as found in a worksheet's XML).
    Numbers are cached: a sheet has a few dozen distinct columns.
    """
    n = _COLUMN_NUMBERS.get(letters)
    if n is None:
        n = 0
        for ch in letters.encode("ascii") if isinstance(letters, str) else letters:
            n = n * 26 + ch - 64
        _COLUMN_NUMBERS[letters] = n
    return n


_COLUMN_NUMBERS: dict[str | bytes, int] = {}


_ROW_RE = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
_CELL_RE = re.compile(rb'<c\s+r="([A-Z]{1,3})(\d+)"')
_BARE_FORMULA_RE = re.compile(
    rb'<c\s+r="([A-Z]{1,3}\d+)"[^>]*?(?<!/)>\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)


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
    return max(last_row, max(map(int, numbers))), max(map(column_number, letters))


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
        raise InputError(
            Issue(
                f"файл слишком большой: {_mb(size)}, допускается не более {_mb(MAX_FILE_BYTES)}; "
                "уберите из него лишние листы, картинки и строки",
                file=path.name,
            )
        )
    return path


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
    if head.startswith(OLE_MAGIC):
        data = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            refuse(
                "книга защищена паролем (зашифрована), её нельзя прочитать; откройте её в Excel, снимите пароль "
                "(Файл → Сведения → Защита книги) и сохраните как «Книга Excel (.xlsx)»"
            )
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            refuse(
                "файл в старом формате Excel (.xls); откройте его в Excel и сохраните как «Книга Excel (.xlsx)»"
            )
        refuse(
            "файл в старом формате Excel (.xls) или защищён паролем; сохраните его как "
            "«Книга Excel (.xlsx)» без пароля"
        )
    if not head.startswith(b"PK"):
        refuse(
            "не удалось прочитать книгу Excel: это не книга Excel .xlsx (файл другого формата, например текст "
            "или CSV с расширением .xlsx); откройте его в Excel и сохраните как «Книга Excel (.xlsx)»"
        )
    broken = (
        "не удалось прочитать книгу Excel: файл повреждён или записан не полностью; "
        "откройте его в Excel и сохраните заново как «Книга Excel (.xlsx)»"
    )
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):  # e.g. «zip file version 6.4»
        refuse(broken)
    formulas: dict[str, set[str]] = {}
    with zf:
        infos = zf.infolist()
        unpacked = sum(i.file_size for i in infos)
        if unpacked > MAX_UNPACKED_BYTES:
            refuse(
                f"книга слишком велика после распаковки: {_mb(unpacked)} "
                f"(допускается не более {_mb(MAX_UNPACKED_BYTES)}); файл повреждён или это «zip-бомба»"
            )
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
                    refuse(
                        "книга содержит объявление DTD (<!DOCTYPE …>) — так устроены атаки на разбор XML "
                        "(«billion laughs»); Excel такие файлы не создаёт, файл не прочитан"
                    )
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    scanned[info.filename] = _scan_sheet(data)
                if info.filename == "xl/workbook.xml":
                    wbxml = data
                elif info.filename == "xl/_rels/workbook.xml.rels":
                    rels = {
                        r.get("Id"): r.get("Target", "")
                        for r in SafeET.fromstring(data).iter(f"{_NS_PKG}Relationship")
                    }
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
                raise InputError(
                    Issue(
                        f"слишком много строк или ячеек: лист занимает {last_row:,} строк × {last_col} столбцов "
                        f"(допускается не более {MAX_ROWS:,} строк и {MAX_CELLS:,} ячеек); удалите пустые строки и "
                        f"столбцы за таблицей — вероятно, в далёкой ячейке остался пробел или формат".replace(
                            ",", " "
                        ),
                        file=name,
                        sheet=title,
                    )
                )
            if bare:
                formulas[title] = bare
    return formulas


def read_text_file(path: str | os.PathLike) -> str:
    """:func:`tandem.tables.read_text` (CSV text, UTF-8 / BOM / cp1251; UTF-16 and binary refused)."""
    from tandem.tables import read_text

    return read_text(path)
