"""Shared small inputs of the IO tests (contest dict, people frames, workbooks)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from contest import parse_contest
from contest.people import make_people
from tandem.xlsx import set_cell

CONTEST = {
    "name": "Тестовый дуэт",
    "stages": [
        {
            "id": "S1",
            "name": "Заочный этап",
            "advance": {"top": 3},
            "tasks": [
                {
                    "id": "T1",
                    "name": "Видеоролик",
                    "criteria": [
                        {"id": "K1", "name": "Раскрытие темы", "max": 3},
                        {"id": "K2", "name": "Взаимодействие пары", "max": 3},
                    ],
                },
                {
                    "id": "T2",
                    "name": "Проект",
                    "weight": 2,
                    "criteria": [{"id": "K3", "name": "Актуальность", "max": 5}],
                },
            ],
        },
        {
            "id": "S2",
            "name": "Очный этап",
            "tasks": [
                {
                    "id": "T3",
                    "name": "Урок",
                    "criteria": [{"id": "K4", "name": "Методика", "max": 10, "min": 1}],
                }
            ],
        },
    ],
    "ranking": {"stages": ["S1", "S2"], "tie_break": ["S2"]},
    "awards": [{"title": "Победитель", "places": 1}, {"title": "Призёр", "places": 2}],
    "jury": {"per_entry": 3, "recuse": "same_school"},
}

ENTRIES = pd.DataFrame(
    {
        "entry_id": ["E01", "E02", "E03", "E04", "E05"],
        "title": ["Дуэт один", "Дуэт два", "=Дуэт три", "Дуэт четыре", "Дуэт пять"],
        "nomination": ["школа"] * 5,
        "mentor_name": ["Иванова А.А.", "Петров Б.Б.", "Сидорова В.В.", "Кузнецов Г.Г.", "Попова Д.Д."],
        "mentee_name": ["Смирнов Е.Е.", "Волкова Ж.Ж.", "Зайцев З.З.", "Соколова И.И.", "Лебедев К.К."],
        "school_ids": ["101", "102", "101;103", "104", "105"],
        "publish_consent": [True, False, True, True, False],
    }
)

JURY = pd.DataFrame(
    {
        "juror_id": ["Ж01", "Ж02", "Ж03", "Ж04", "Ж05"],
        "full_name": ["Орлова Л.Л.", "Белов М.М.", "Морозова Н.Н.", "Новиков О.О.", "Фёдорова П.П."],
        "organization": ["ИМЦ", "Школа 101", "Школа 102", "Институт", "Школа 104"],
        "school_id": ["", "101", "102", "", "104"],
        "role": ["председатель", "член жюри", "член жюри", "член жюри", "член жюри"],
    }
)


def contest():
    return parse_contest(CONTEST, source="test.yaml")


def people():
    return make_people(ENTRIES, JURY, source="people.xlsx")


def write_people_xlsx(
    path: Path,
    entries: pd.DataFrame | None = None,
    jury: pd.DataFrame | None = None,
    entries_sheet: str = "Участники",
    jury_sheet: str = "Жюри",
    russian: bool = True,
) -> Path:
    """Write a people workbook with Russian (or English) headers."""
    from contest.people import ENTRY_COLUMNS, JURY_COLUMNS

    e = (ENTRIES if entries is None else entries).copy()
    j = (JURY if jury is None else jury).copy()
    if "publish_consent" in e:
        e["publish_consent"] = [
            "да" if v is True else "нет" if v is False else v for v in e["publish_consent"]
        ]
    if russian:
        e = e.rename(columns={k: h for k, (h, _r) in ENTRY_COLUMNS.items()})
        j = j.rename(columns={k: h for k, (h, _r) in JURY_COLUMNS.items()})
    wb = Workbook()
    wb.remove(wb.active)
    for name, df in ((entries_sheet, e), (jury_sheet, j)):
        if name is None:
            continue
        ws = wb.create_sheet(name)
        for c, h in enumerate(df.columns, 1):
            set_cell(ws.cell(1, c), h)
        for r, row in enumerate(df.itertuples(index=False), 2):
            for c, v in enumerate(row, 1):
                set_cell(ws.cell(r, c), v)
    wb.save(path)
    return path
