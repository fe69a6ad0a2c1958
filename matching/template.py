"""An empty registry workbook to fill in by hand (``python -m matching template``).

Sheets with the Russian headers of the contract, drop-down lists for the fixed
values (role, category, format, consent, cluster, deficit area), number
validation for experience, capacity, coordinates and priority, and an
instructions sheet «Инструкция» that explains every column.
"""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from matching import schema
from tandem.xlsx_write import HEADER_FILL, HEADER_FONT, atomic_save, new_workbook, set_cell

_ROWS = 2000  # validation applies to this many data rows


def _validation(col: schema.Column) -> DataValidation | None:
    if col.kind == "choice":
        dv = DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"', allow_blank=True)
        dv.error = "Выберите значение из списка: " + " / ".join(col.choices)
    elif col.name == "experience_years":
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="80", allow_blank=True)
        dv.error = "Стаж — число лет от 0 до 80"
    elif col.kind == "int":
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1="0" if col.name == "capacity" else "1",
            formula2="100",
            allow_blank=True,
        )
        dv.error = "Введите целое число" + (" от 0" if col.name == "capacity" else " от 1")
    elif col.name in ("lat", "lon"):
        lim = "90" if col.name == "lat" else "180"
        dv = DataValidation(
            type="decimal", operator="between", formula1="-" + lim, formula2=lim, allow_blank=True
        )
        dv.error = "Введите координату в градусах, например 55.7512"
    else:
        return None
    dv.errorTitle = "Недопустимое значение"
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    if col.hint:
        dv.prompt = col.hint[:250]
        dv.showInputMessage = True
    return dv


def write_template(path: str | os.PathLike) -> Path:
    """Write an empty registry workbook with validation and instructions.

    Parameters
    ----------
    path : str or path-like
        Target ``.xlsx`` (written atomically).

    Returns
    -------
    Path
    """
    wb = new_workbook()
    info = wb.create_sheet("Инструкция")
    lines = [
        "Реестр педагогов для формирования наставнических пар (Тандем)",
        "",
        "Заполните листы «Школы», «Педагоги», «Дефициты»; листы «Закрепления», «Запреты», «Пожелания», "
        "«Пожелания наставников» — по желанию.",
        "Списки в одной ячейке разделяйте точкой с запятой «;», например: математика; информатика.",
        "Коды (ОО, педагогов, дефицитов) должны быть уникальны и совпадать между листами.",
        "Значения из списков выбирайте в выпадающем меню ячейки.",
        "",
    ]
    for line in lines:
        info.append([line])
    info["A1"].font = Font(bold=True, size=13)
    info.append(["Лист", "Столбец", "Обязательный", "Что указать"])
    for c in info[info.max_row]:
        c.font = HEADER_FONT
    for sheet in (*schema.SHEETS, schema.MENTOR_PREFERENCES):
        for col in sheet.columns:
            what = col.hint or ("одно из: " + " / ".join(col.choices) if col.choices else "")
            if col.kind == "choice" and col.hint:
                what += " (одно из: " + " / ".join(col.choices) + ")"
            info.append([sheet.title, col.header, "да" if col.required and sheet.required else "нет", what])
    for letter, width in zip("ABCD", (16, 22, 14, 100)):
        info.column_dimensions[letter].width = width
    for sheet in (*schema.SHEETS, schema.MENTOR_PREFERENCES):
        ws = wb.create_sheet(sheet.title)
        for j, col in enumerate(sheet.columns, 1):
            c = set_cell(ws.cell(row=1, column=j), col.header)
            c.font = HEADER_FONT
            c.fill = HEADER_FILL
            c.alignment = Alignment(wrap_text=True)
            ws.column_dimensions[get_column_letter(j)].width = max(14, len(col.header) + 4)
            dv = _validation(col)
            if dv is not None:
                ws.add_data_validation(dv)
                letter = get_column_letter(j)
                dv.add(f"{letter}2:{letter}{_ROWS + 1}")
        ws.freeze_panes = "A2"
    return atomic_save(wb, path)
