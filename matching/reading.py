"""Reading raw registry tables from an .xlsx workbook or a folder of CSV files.

This is the I/O edge: it turns files into :class:`RawTable` objects (cells as
text, with the Excel row number of every row) and knows nothing about what the
columns mean. :mod:`matching.registry` validates them against
:mod:`matching.schema`.

* ``.xlsx`` is read with python-calamine (about 10× faster than openpyxl on
  large sheets; research note ecosystem.md §2.4).
* A CSV folder holds one file per sheet named by the English sheet name
  (``schools.csv``, ``teachers.csv``…). UTF-8 (with or without BOM) is tried
  first, then cp1251; the separator (``,`` or ``;``) is detected from the
  header line.

Safety and tolerant readings:

* every workbook is checked first by :func:`tandem.xlsx.check_xlsx`: empty,
  text, old .xls, password-protected, damaged, too large (file size, size
  after unpacking, rows and cells) workbooks and workbooks with a DTD are
  refused with a Russian message before calamine opens them;
* a formula cell without a saved value (written by a program that does not
  compute formulas) is marked, so that validation names it instead of
  calling it empty; a formula with a saved value is read as that value;
* CSV text that is UTF-16 or binary is refused with a hint how to save it as
  CSV UTF-8 (:func:`tandem.xlsx.read_text_file`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from tandem.errors import InputError, Issue


@dataclass
class RawTable:
    """One sheet as read from a file, before validation.

    Attributes
    ----------
    file : str
        File name shown to the user.
    sheet : str
        Sheet title as written in the file (CSV: the file name).
    headers : list of str
        Header cells, as written.
    rows : list of list of str
        Data cells as stripped text ("" for empty), one list per row, padded
        to ``len(headers)``.
    row_numbers : list of int
        Excel row number (CSV: line number) of each data row; the header row
        is the first non-empty row.
    """

    file: str
    sheet: str
    headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int]


def _cell_text(value) -> str:
    """Cell value as text; whole floats lose their ``.0``; dates become ISO text."""
    if type(value) is str:
        return value.replace("\u00a0", " ").strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return "\x00date:" + value.isoformat()
    return str(value).replace("\u00a0", " ").strip()


#: Cell text standing for a formula without a saved value.
FORMULA_WITHOUT_VALUE = "\x00formula"


def _address(ref: str) -> tuple[int, int]:
    """``"F2"`` → (row 2, 0-based column 5)."""
    letters = "".join(ch for ch in ref if ch.isalpha())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters):]), col - 1


def _table_from_cells(file: str, sheet: str, cells: list[list], first_row: int = 1,
                      formulas: set[str] | None = None) -> RawTable:
    """Build a RawTable from a rectangular list of cell values starting at ``first_row``.

    ``formulas`` holds the addresses of formula cells without a saved value
    (cells start at A1); their text becomes :data:`FORMULA_WITHOUT_VALUE`.
    """
    texts = [[_cell_text(v) for v in row] for row in cells]
    for ref in formulas or ():
        r, c = _address(ref)
        i = r - first_row
        if 0 <= i < len(texts) and c >= 0 and not (c < len(texts[i]) and texts[i][c]):
            texts[i] = texts[i] + [""] * (c + 1 - len(texts[i]))
            texts[i][c] = FORMULA_WITHOUT_VALUE
    header_idx = next((i for i, r in enumerate(texts) if any(r)), None)
    if header_idx is None:
        return RawTable(file, sheet, [], [], [])
    headers = texts[header_idx]
    while headers and not headers[-1]:
        headers = headers[:-1]
    width = len(headers)
    rows, numbers = [], []
    for i in range(header_idx + 1, len(texts)):
        row = (texts[i] + [""] * width)[:width]
        extra = [c for c in texts[i][width:] if c]
        if not any(row) and not extra:
            continue
        rows.append(row)
        numbers.append(first_row + i)
    return RawTable(file, sheet, headers, rows, numbers)


def sha256_of(path: str | os.PathLike) -> str:
    """SHA-256 of a file, or of a folder's files (sorted by name, name + bytes)."""
    path = Path(path)
    h = hashlib.sha256()
    if path.is_dir():
        for f in sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv"):
            h.update(f.name.encode())
            h.update(f.read_bytes())
    else:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def read_xlsx(path: str | os.PathLike) -> dict[str, RawTable]:
    """Read every sheet of an .xlsx workbook into RawTables keyed by sheet title.

    Raises
    ------
    InputError
        The file is missing, empty, not an .xlsx workbook, encrypted, damaged,
        too large, or declares a DTD (:func:`tandem.xlsx.check_xlsx`).
    """
    import python_calamine as pc

    from tandem.xlsx import check_xlsx

    path = Path(path)
    name = path.name
    if not path.exists():
        raise InputError(Issue("файл не найден", file=str(path)))
    formulas = check_xlsx(path)
    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
        tables = {}
        for meta in wb.sheets_metadata:
            if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet"):
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            cells = sheet.to_python(skip_empty_area=False)
            tables[meta.name] = _table_from_cells(name, meta.name, cells, formulas=formulas.get(meta.name))
        return tables
    except InputError:
        raise
    except Exception:  # calamine raises several own types for broken zips and XML
        raise InputError(Issue(
            "не удалось прочитать книгу Excel; проверьте, что файл сохранён как .xlsx "
            "и открывается в Excel", file=name)) from None


def read_csv_file(path: str | os.PathLike, sheet: str | None = None) -> RawTable:
    """Read one CSV file (UTF-8 or cp1251; ``,`` or ``;`` separated) into a RawTable."""
    from tandem.xlsx import read_text_file

    path = Path(path)
    if path.stat().st_size == 0:
        return RawTable(path.name, sheet or path.stem, [], [], [])
    text = read_text_file(path)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    cells = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return _table_from_cells(path.name, sheet or path.stem, cells)


def read_csv_folder(path: str | os.PathLike) -> dict[str, RawTable]:
    """Read every ``*.csv`` of a folder, keyed by file stem (the English sheet name)."""
    path = Path(path)
    tables = {}
    for f in sorted(path.iterdir()):
        if f.is_file() and f.suffix.lower() == ".csv":
            tables[f.stem] = read_csv_file(f, f.stem)
    if not tables:
        raise InputError(Issue(
            "в папке нет CSV-файлов; ожидались schools.csv, teachers.csv, deficits.csv", file=path.name))
    return tables


def read_tables(path: str | os.PathLike) -> dict[str, RawTable]:
    """Read a registry from an .xlsx workbook or a CSV folder.

    Raises
    ------
    InputError
        The path does not exist or has an unsupported type.
    """
    path = Path(path)
    if path.is_dir():
        return read_csv_folder(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix == ".xls":
        raise InputError(Issue(
            "старый формат Excel (.xls) не поддерживается; сохраните файл как .xlsx", file=path.name))
    if not path.exists():
        raise InputError(Issue("файл или папка не найдены", file=str(path)))
    raise InputError(Issue(
        f"неизвестный тип файла «{path.suffix}»; ожидалась книга .xlsx или папка с CSV", file=path.name))
