"""Small hand-made registries for unit tests (values chosen so results can be
checked by hand)."""

from __future__ import annotations

import copy

import pytest
from openpyxl import Workbook

from matching import schema
from tandem.xlsx_write import set_cell
from tests.small_registry import DEFICITS, FORBIDDEN, LOCKED, PREFERENCES, SCHOOLS, TEACHERS


def base_tables() -> dict[str, list]:
    """English sheet name → list of row tuples (a fresh copy)."""
    return copy.deepcopy(
        {
            "schools": SCHOOLS,
            "teachers": TEACHERS,
            "deficits": DEFICITS,
            "locked": LOCKED,
            "forbidden": FORBIDDEN,
            "preferences": PREFERENCES,
        }
    )


def write_xlsx(path, tables: dict[str, list], *, russian=True, headers: dict | None = None):
    """Write tables as a registry workbook (Russian sheet names and headers by default)."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in (*schema.SHEETS, schema.MENTOR_PREFERENCES):
        if sheet.name not in tables:
            continue
        ws = wb.create_sheet(sheet.title if russian else sheet.name)
        hdr = (headers or {}).get(sheet.name) or [c.header if russian else c.name for c in sheet.columns]
        ws.append(hdr)
        for i, row in enumerate(tables[sheet.name], 2):
            for j, v in enumerate(row, 1):
                set_cell(ws.cell(row=i, column=j), v)  # text starting with "=" stays text
    wb.save(path)
    return path


@pytest.fixture
def tables():
    return base_tables()


@pytest.fixture
def registry_path(tmp_path, tables):
    return write_xlsx(tmp_path / "реестр.xlsx", tables)
