"""Small hand-made registries for unit tests (values chosen so results can be
checked by hand)."""

from __future__ import annotations

import copy

import pytest
from openpyxl import Workbook

from matching import schema
from tandem.xlsx_write import set_cell

SCHOOLS = [
    # school_id, name, district, cluster, lat, lon
    ("ОО-1", "Школа 1", "Район", "ШВОР", 55.00, 48.00),
    ("ОО-2", "Школа 2", "Район", "ШСОР", 55.10, 48.00),  # ~11 km north of ОО-1
    ("ОО-3", "Школа 3", "Район", "ШНОР", 55.00, 48.80),  # ~51 km east of ОО-1
    ("ОО-4", "Школа 4", "Район", "ШНОР", 55.05, 48.10),
]
DEFICITS = [
    ("Д1", "Формирующее оценивание", "методические"),
    ("Д2", "Функциональная грамотность", "методические"),
    ("Д3", "Работа с детьми с ОВЗ", "психолого-педагогические"),
    ("Д4", "Цифровые ресурсы", "цифровые"),
]
TEACHERS = [
    # id, name, school, role, subjects, exp, category, deficits, strengths, capacity, format, consent
    (
        "Т1",
        "Иванова Анна Петровна",
        "ОО-1",
        "наставник",
        "математика",
        25,
        "высшая",
        "",
        "Д1; Д2",
        2,
        "смешанно",
        "да",
    ),
    (
        "Т2",
        "Петров Борис Ильич",
        "ОО-2",
        "наставник",
        "русский язык",
        15,
        "первая",
        "",
        "Д3",
        1,
        "очно",
        "да",
    ),
    (
        "Т3",
        "Сидорова Вера Олеговна",
        "ОО-1",
        "наставник",
        "физика",
        30,
        "педагог-наставник",
        "",
        "Д4; Д1",
        1,
        "дистанционно",
        "да",
    ),
    (
        "Т4",
        "Кузнецов Глеб Юрьевич",
        "ОО-2",
        "наставник",
        "химия",
        20,
        "высшая",
        "",
        "Д1; Д2; Д3",
        3,
        "смешанно",
        "нет",
    ),
    (
        "Н1",
        "Орлова Дарья Сергеевна",
        "ОО-3",
        "наставляемый",
        "математика",
        1,
        "без категории",
        "Д1; Д2",
        "",
        "",
        "смешанно",
        "да",
    ),
    (
        "Н2",
        "Лебедев Егор Ильич",
        "ОО-4",
        "наставляемый",
        "русский язык",
        2,
        "без категории",
        "Д3",
        "",
        "",
        "очно",
        "да",
    ),
    (
        "Н3",
        "Морозова Жанна Ивановна",
        "ОО-4",
        "наставляемый",
        "физика",
        0.5,
        "без категории",
        "Д4",
        "",
        "",
        "дистанционно",
        "да",
    ),
    (
        "Н4",
        "Волков Захар Петрович",
        "ОО-3",
        "наставляемый",
        "химия",
        12,
        "первая",
        "Д3",
        "",
        "",
        "очно",
        "да",
    ),
    (
        "Н5",
        "Зайцева Ирина Львовна",
        "ОО-2",
        "наставляемый",
        "математика",
        1,
        "без категории",
        "Д2",
        "",
        "",
        "смешанно",
        "нет",
    ),
]
LOCKED: list[tuple] = []
FORBIDDEN: list[tuple] = []
PREFERENCES = [("Н1", "Т1", 1)]


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
    for sheet in schema.SHEETS:
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
