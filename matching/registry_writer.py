"""Writing a registry (dict of DataFrames) as a workbook or as a CSV folder.

The layout follows :mod:`matching.schema`: sheets in the order of
:data:`matching.schema.SHEETS`, columns in contract order (extra columns kept
after them), Russian sheet names and headers in the workbook by default,
English ones in CSV files. Optional sheets that are missing or empty are
omitted. Empty cells stay empty: ``None``, ``NaN``, ``<NA>`` and ``""`` are all
written as nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from matching.schema import DEFICIT_LEVELS, MENTOR_PREFERENCES, SHEETS, Sheet
from tandem.xlsx_write import atomic_save, atomic_write, new_workbook, streaming_workbook, write_table

__all__ = ["write_registry_xlsx", "write_registry_csv", "WRITE_ONLY_ROWS"]

#: Every sheet a registry may have: the contract's, then the optional «Пожелания наставников» and
#: the diagnosis «Уровни дефицитов».
ALL_SHEETS: tuple[Sheet, ...] = (*SHEETS, MENTOR_PREFERENCES, DEFICIT_LEVELS)

#: Frames longer than this are written with openpyxl's write-only mode.
WRITE_ONLY_ROWS = 20_000


def _sheets_to_write(frames: Mapping[str, pd.DataFrame]) -> list[tuple[Sheet, pd.DataFrame]]:
    """Contract sheets present in ``frames``, columns ordered, blanks as ``None``.

    Required sheets are always written (an empty frame gives a header-only
    sheet); optional ones only when they have rows.
    """
    out = []
    for sheet in ALL_SHEETS:
        df = frames.get(sheet.name)
        if df is None:
            if sheet.required:
                raise KeyError(f"registry has no {sheet.name!r} frame")
            continue
        if not sheet.required and len(df) == 0:
            continue
        known = [c.name for c in sheet.columns if c.name in df.columns]
        extra = [c for c in df.columns if c not in known]
        df = df[known + extra].astype(object)
        df = df.where(pd.notna(df), None).replace({"": None})
        out.append((sheet, df))
    return out


def _headers(sheet: Sheet, df: pd.DataFrame, russian: bool) -> dict[str, str]:
    if not russian:
        return {c: str(c) for c in df.columns}
    by_name = {c.name: c.header for c in sheet.columns}
    return {c: by_name.get(c, str(c)) for c in df.columns}


def write_registry_xlsx(
    frames: Mapping[str, pd.DataFrame], path: str | os.PathLike, *, russian: bool = True
) -> Path:
    """Write a registry workbook.

    Parameters
    ----------
    frames : mapping of str to DataFrame
        English sheet name (``schools``, ``teachers``, ``deficits``, ``locked``,
        ``forbidden``, ``preferences``, and the optional ``deficit_levels``) →
        table with English column names, as
        returned by :func:`matching.synthetic.generate_registry`. The three
        required sheets must be present; optional ones that are missing or
        empty are omitted.
    path : path-like
        Target ``.xlsx``; written through a temporary file renamed into place.
    russian : bool
        Russian sheet names and headers (Школы, Педагоги, Дефициты,
        Закрепления, Запреты, Пожелания; «Код ОО», «ФИО», …) when true,
        English ones otherwise.

    Returns
    -------
    Path
        The path written.

    Notes
    -----
    When any sheet has more than :data:`WRITE_ONLY_ROWS` rows the whole
    workbook is streamed in write-only mode (a region of 60,000 teachers
    takes seconds instead of minutes).
    """
    path = Path(path)
    sheets = _sheets_to_write(frames)
    tables = [
        (sheet.title if russian else sheet.name, df, _headers(sheet, df, russian)) for sheet, df in sheets
    ]
    if any(len(df) > WRITE_ONLY_ROWS for _, df, _ in tables):
        atomic_save(streaming_workbook([(t, df, h, None) for t, df, h in tables]), path)
    else:
        wb = new_workbook()
        for title, df, headers in tables:
            write_table(wb.create_sheet(title), df, headers=headers)
        atomic_save(wb, path)
    return path


def write_registry_csv(frames: Mapping[str, pd.DataFrame], folder: str | os.PathLike) -> Path:
    """Write a registry as a folder of UTF-8 CSV files with English headers.

    One file per sheet, named by the English sheet name (``schools.csv``,
    ``teachers.csv``, ``deficits.csv`` and, when not empty, ``locked.csv``,
    ``forbidden.csv``, ``preferences.csv``); comma-separated, no index, blank
    fields for missing values. Each file is written through a temporary file
    renamed into place; stale optional files from an earlier run are removed.

    Parameters
    ----------
    frames : mapping of str to DataFrame
        As for :func:`write_registry_xlsx`.
    folder : path-like
        Target folder; created if needed.

    Returns
    -------
    Path
        The folder.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sheets = _sheets_to_write(frames)
    written = set()
    for sheet, df in sheets:
        atomic_write(
            folder / f"{sheet.name}.csv",
            lambda tmp, df=df: df.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n"),
        )
        written.add(sheet.name)
    for sheet in ALL_SHEETS:
        stale = folder / f"{sheet.name}.csv"
        if not sheet.required and sheet.name not in written and stale.exists():
            stale.unlink()
    return folder
