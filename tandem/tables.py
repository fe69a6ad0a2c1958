"""Reading tables from .xlsx workbooks and CSV files: the one reader of the workbench.

This is the I/O edge for tabular input. It turns files into :class:`RawTable`
objects — cells as text, with the Excel row number of every row — and knows
nothing about what the columns mean; the domain loaders (the registry of
:mod:`matching`, the people and score tables of :mod:`contest`) validate them.

Contract
--------
Workbooks (``.xlsx``, ``.xlsm``)
    Checked first by :func:`tandem.xlsx.check_xlsx`: a missing, empty, text,
    old .xls, password-protected, damaged or too large workbook (file size,
    size after unpacking, rows and cells) and one with a DTD is refused with
    a Russian message before python-calamine opens it. Only worksheets are
    read (chart sheets are skipped). :func:`open_xlsx` gives the raw cell
    values of a sheet for parsers of fixed layouts (score sheets);
    :func:`read_xlsx` gives every worksheet as a :class:`RawTable`.
CSV text (:func:`read_text`)
    UTF-8 with or without BOM, else cp1251. UTF-16 («Юникод» in Excel's save
    dialog), binary files and workbooks renamed to ``.csv`` are refused with
    a hint how to save the file as CSV UTF-8.
CSV separator (:func:`sniff_delimiter`)
    ``,``, ``;`` or tab, whichever occurs most often in the first non-empty
    line outside double quotes; a tie goes to ``,``, then ``;``. One rule for
    every CSV input of the workbench.
Table layout (:func:`table_from_cells`)
    The header row is the first row with any non-empty cell; trailing empty
    header cells are dropped; data rows are padded or cut to the header's
    width; rows that are empty (also beyond the header's width) are skipped,
    so row numbers in messages stay those of the file.
Cell text (:func:`cell_text`)
    Stripped text, non-breaking spaces as spaces; empty and NaN → ``""``;
    whole numbers lose their ``.0`` (``101.0`` → ``"101"``); other floats
    are written exactly (``repr``); booleans → «да» / «нет»; a date or time
    → :data:`DATE_MARK` + ISO text, so that a validator can say "a date where
    a number was expected"; a formula cell without a saved value (written by
    a program that does not compute formulas) → :data:`FORMULA_WITHOUT_VALUE`.
    A formula with a saved value is read as that value.
Headers (:func:`norm_header`)
    Compared after case folding, ``ё`` = ``е``, whitespace (also
    non-breaking) collapsed and stripped; the same rule serves sheet titles
    and fixed values.
Hashing (:func:`sha256_of`)
    SHA-256 of a file's bytes, or of a folder's CSV files.

Every refusal is an :class:`tandem.errors.InputError` naming the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from tandem.errors import InputError, Issue

#: Cell text standing for a formula without a saved value.
FORMULA_WITHOUT_VALUE = "\x00formula"
#: Prefix of the cell text of a date or time cell; the ISO text follows.
DATE_MARK = "\x00date:"
#: Separators :func:`sniff_delimiter` chooses from, in the order that breaks ties.
DELIMITERS = (",", ";", "\t")


@dataclass
class RawTable:
    """One sheet as read from a file, before validation.

    Attributes
    ----------
    file : str
        File name shown to the user.
    sheet : str or None
        Sheet title as written in the file; for CSV the file stem
        (:func:`read_csv_file`) or ``None`` (:func:`read_table`).
    headers : list of str
        Header cells as written (:func:`cell_text`).
    rows : list of list of str
        Data cells as text (:func:`cell_text`; ``""`` for empty), one list per
        row, each of ``len(headers)`` cells.
    row_numbers : list of int
        Excel row number (CSV: line number, 1-based) of each data row.
    """

    file: str
    sheet: str | None
    headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int]

    def frame(self, marks: bool = True) -> pd.DataFrame:
        """The data rows as a DataFrame of text cells, indexed by Excel row number.

        Parameters
        ----------
        marks : bool
            Keep :data:`DATE_MARK` and :data:`FORMULA_WITHOUT_VALUE` in the
            cells; ``False`` gives a date as its ISO text and a formula
            without a saved value as ``""``.

        Returns
        -------
        DataFrame
            One column per header cell, all of dtype object holding ``str``.
            Column labels follow pandas' reading conventions: an empty header
            cell at 0-based position ``j`` is ``"Unnamed: j"``, a repeated
            header ``X`` becomes ``X.1``, ``X.2`` … The index (named
            ``"row"``) holds the Excel row numbers.
        """
        labels, seen = [], set()
        for j, h in enumerate(self.headers):
            label = h or f"Unnamed: {j}"
            base, k = label, 0
            while label in seen:
                k += 1
                label = f"{base}.{k}"
            seen.add(label)
            labels.append(label)
        rows = self.rows if marks else [[_unmarked(c) for c in row] for row in self.rows]
        return pd.DataFrame(
            rows, columns=labels, index=pd.Index(self.row_numbers, name="row", dtype="int64"), dtype=object
        )


def _unmarked(text: str) -> str:
    if text == FORMULA_WITHOUT_VALUE:
        return ""
    return text[len(DATE_MARK) :] if text.startswith(DATE_MARK) else text


def norm_header(text) -> str:
    """A header, sheet title or fixed value as compared: case-folded, ``ё`` → ``е``, whitespace collapsed.

    ``"  Код\u00a0 ОО "`` and ``"код оо"`` give the same key; so do ``"Ёлка"`` and ``"елка"``.
    """
    return " ".join(str(text).casefold().replace("ё", "е").split())


def cell_text(value) -> str:
    """A cell value as stripped text (see «Cell text» in the module docstring)."""
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
        return DATE_MARK + value.isoformat()
    return str(value).replace("\u00a0", " ").strip()


def _address(ref: str) -> tuple[int, int]:
    """``"F2"`` → (row 2, 0-based column 5)."""
    from tandem.xlsx import column_number

    letters = "".join(ch for ch in ref if ch.isalpha())
    return int(ref[len(letters) :]), column_number(letters) - 1


def table_from_cells(
    file: str, sheet: str | None, cells: list[list], first_row: int = 1, formulas: set[str] | None = None
) -> RawTable:
    """Build a :class:`RawTable` from a list of rows of cell values starting at Excel row ``first_row``.

    ``formulas`` holds the addresses (``"F2"``, cells start at A1) of formula
    cells without a saved value; their text becomes
    :data:`FORMULA_WITHOUT_VALUE`. Layout rules: «Table layout» in the module
    docstring.
    """
    texts = [[cell_text(v) for v in row] for row in cells]
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
    """Hex SHA-256 of a file's bytes, or of a folder's ``*.csv`` files (sorted by name; name + bytes)."""
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


# --------------------------------------------------------------------------- workbooks


@dataclass
class XlsxBook:
    """A checked workbook open for reading raw cell values (:func:`open_xlsx`).

    Attributes
    ----------
    file : str
        File name shown to the user.
    sheet_names : list of str
        Every sheet title in workbook order, hidden ones included.
    worksheets : list of str
        The titles of the worksheets (not chart sheets), in workbook order.
    formulas : dict of str → set of str
        Sheet title → addresses of formula cells without a saved value
        (:func:`tandem.xlsx.check_xlsx`).
    """

    file: str
    sheet_names: list[str]
    worksheets: list[str]
    formulas: dict[str, set[str]]
    _book: object = field(default=None, repr=False, compare=False)

    def rows(self, sheet: str) -> list[list]:
        """The cells of ``sheet`` from A1, as python-calamine reads them.

        Returns
        -------
        list of list
            A rectangle of rows (A1 to the last used cell). Values are
            ``str`` (``""`` for an empty cell, also for an Excel error value),
            ``float``, ``int``, ``bool``, ``datetime.date``,
            ``datetime.datetime``, ``datetime.time`` or ``datetime.timedelta``.

        Raises
        ------
        InputError
            The sheet's XML cannot be read (a damaged part the archive check
            does not see), naming the file.
        """
        try:
            return self._book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except Exception:  # calamine raises several own types for broken XML
            raise InputError(_unreadable(self.file)) from None


def _unreadable(file: str) -> Issue:
    return Issue(
        "не удалось прочитать книгу Excel; проверьте, что файл сохранён как .xlsx и открывается в Excel",
        file=file,
    )


def open_xlsx(path: str | os.PathLike) -> XlsxBook:
    """Check a workbook (:func:`tandem.xlsx.check_xlsx`) and open it with python-calamine.

    Raises
    ------
    InputError
        The file is missing (the message names the path as given), empty,
        not an .xlsx workbook, encrypted, damaged, too large, or declares a
        DTD.
    """
    import python_calamine as pc

    from tandem.xlsx import check_xlsx

    path = Path(path)
    if not path.exists():
        raise InputError(Issue("файл не найден", file=str(path)))
    formulas = check_xlsx(path)
    try:
        book = pc.CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        worksheets = [
            m.name for m in book.sheets_metadata if str(m.typ) in ("SheetTypeEnum.WorkSheet", "WorkSheet")
        ]
    except Exception:  # calamine raises several own types for broken zips and XML
        raise InputError(_unreadable(path.name)) from None
    return XlsxBook(path.name, names, worksheets, formulas, book)


def read_xlsx(path: str | os.PathLike) -> dict[str, RawTable]:
    """Read every worksheet of an .xlsx workbook into RawTables keyed by sheet title.

    Raises
    ------
    InputError
        As :func:`open_xlsx`, or a sheet cannot be read.
    """
    book = open_xlsx(path)
    return {
        name: table_from_cells(book.file, name, book.rows(name), formulas=book.formulas.get(name))
        for name in book.worksheets
    }


# --------------------------------------------------------------------------- CSV


def read_text(path: str | os.PathLike) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), else cp1251.

    Raises
    ------
    InputError
        Missing, empty, too large (:func:`tandem.xlsx.check_size`), UTF-16
        («Юникод» in Excel's save dialog), binary, or a workbook.
    """
    from tandem.xlsx import OLE_MAGIC, check_size

    path = check_size(path)
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:200].count(b"\x00") > 2:
        kind = (
            "в кодировке UTF-16 («Юникод»)"
            if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]
            else "двоичный, а не текстовый"
        )
        if data.startswith((b"PK", OLE_MAGIC)):
            kind = "книга Excel, а не текст CSV"
        raise InputError(
            Issue(
                f"файл {kind}; ожидался текст CSV в UTF-8 или cp1251 — в Excel выберите "
                "«Сохранить как» → «CSV UTF-8 (разделитель — запятая)»",
                file=path.name,
            )
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


_QUOTED = re.compile(r'"[^"]*"')


def sniff_delimiter(text: str) -> str:
    """The separator of CSV ``text``: the most frequent of :data:`DELIMITERS` in its first non-empty line.

    Separators inside double quotes are not counted; a tie (also none at
    all) goes to the earlier of :data:`DELIMITERS` (``,`` before ``;``
    before tab).
    """
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    bare = _QUOTED.sub("", first)
    return max(DELIMITERS, key=bare.count)


def read_csv_rows(path: str | os.PathLike) -> list[list[str]]:
    """The rows of a CSV file as lists of raw (unstripped) strings; an empty file gives ``[]``.

    Raises
    ------
    InputError
        As :func:`read_text` (except an empty file), or a quoting error the
        csv module reports.
    """
    path = Path(path)
    if path.is_file() and path.stat().st_size == 0:
        return []
    text = read_text(path)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))
    except csv.Error as exc:
        raise InputError(
            Issue(
                f"не удалось разобрать CSV: {str(exc).strip()[:200]}; проверьте кавычки и разделители",
                file=path.name,
            )
        ) from None


def read_csv_file(path: str | os.PathLike, sheet: str | None = None) -> RawTable:
    """Read one CSV file into a RawTable; ``sheet`` defaults to the file stem.

    Raises
    ------
    InputError
        As :func:`read_csv_rows`.
    """
    path = Path(path)
    return table_from_cells(path.name, sheet or path.stem, read_csv_rows(path))


def read_csv_folder(path: str | os.PathLike, expected: str = "") -> dict[str, RawTable]:
    """Read every ``*.csv`` of a folder, keyed by file stem (sorted by file name).

    Raises
    ------
    InputError
        The folder has no CSV file (``expected`` names the files wanted, for
        the message), or a file cannot be read.
    """
    path = Path(path)
    tables = {}
    for f in sorted(path.iterdir()):
        if f.is_file() and f.suffix.lower() == ".csv":
            tables[f.stem] = read_csv_file(f, f.stem)
    if not tables:
        raise InputError(
            Issue("в папке нет CSV-файлов" + (f"; ожидались {expected}" if expected else ""), file=path.name)
        )
    return tables


# --------------------------------------------------------------------------- one entry point


def read_tables(path: str | os.PathLike, expected_csv: str = "") -> dict[str, RawTable]:
    """Every table of an .xlsx workbook (by sheet title) or of a CSV folder (by file stem).

    Parameters
    ----------
    path : str or path-like
        A ``.xlsx`` / ``.xlsm`` workbook or a folder of ``*.csv`` files.
    expected_csv : str
        The CSV files a folder should hold, for the message when it has none.

    Raises
    ------
    InputError
        The path does not exist, is an old .xls or has another type, or a
        file cannot be read.
    """
    path = Path(path)
    if path.is_dir():
        return read_csv_folder(path, expected_csv)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix == ".xls":
        raise InputError(
            Issue("старый формат Excel (.xls) не поддерживается; сохраните файл как .xlsx", file=path.name)
        )
    if not path.exists():
        raise InputError(Issue("файл или папка не найдены", file=str(path)))
    raise InputError(
        Issue(f"неизвестный тип файла «{path.suffix}»; ожидалась книга .xlsx или папка с CSV", file=path.name)
    )


def read_table(path: str | os.PathLike, sheet_names=()) -> RawTable:
    """One table: a CSV file, or a sheet of a workbook.

    Parameters
    ----------
    path : str or path-like
        A ``.csv`` file; any other name is read as a workbook (so a file of
        another format is refused by :func:`tandem.xlsx.check_xlsx`).
    sheet_names : iterable of str
        Titles wanted (compared by :func:`norm_header`); the first worksheet
        whose title matches one is read, else the first worksheet.

    Returns
    -------
    RawTable
        ``sheet`` is ``None`` for a CSV file; a workbook without worksheets
        gives an empty table with ``sheet`` ``None``.

    Raises
    ------
    InputError
        As :func:`read_csv_rows` or :func:`open_xlsx`.
    """
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return table_from_cells(path.name, None, read_csv_rows(path))
    book = open_xlsx(path)
    wanted = {norm_header(s) for s in sheet_names}
    name = next(
        (n for n in book.worksheets if norm_header(n) in wanted),
        book.worksheets[0] if book.worksheets else None,
    )
    if name is None:
        return RawTable(book.file, None, [], [], [])
    return table_from_cells(book.file, name, book.rows(name), formulas=book.formulas.get(name))
