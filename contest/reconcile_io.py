"""Reading the chair's reconciliation decisions (CSV or xlsx) for :mod:`contest.reconcile`.

Columns (Russian headers or the English names; docs/formats.md):
``entry_id`` «Код работы», ``criterion_id`` «Критерий», ``task_id``
«Задание» (one of the two per row), ``juror_id`` «Код эксперта»,
``new_score`` «Новый балл» (a number or «оставить»), ``reason``
«Основание». A workbook is read from its sheet «Согласование» (or the first).

:func:`decisions_blank` writes the blank of such a workbook, one row per open
flag, for the chair to fill (docs/formats.md §10.1): the page «Итоги
конкурса» offers it for download, ``python -m contest results
--decisions-blank`` writes it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from contest.model import Contest, ContestError
from contest.people import match_columns
from contest.reconcile import FLAG_HEADERS, KEEP, NEEDS_REVIEW
from contest.roster import text
from contest.scores_io import read_table
from tandem.errors import Issue
from tandem.xlsx import new_workbook, set_cell, write_table

__all__ = ["BLANK_SHEET", "DECISION_COLUMNS", "decisions_blank", "load_decisions"]

#: The sheet of decisions, read first by :func:`load_decisions`.
BLANK_SHEET = "Согласование"

DECISION_COLUMNS = {
    "entry_id": ("Код работы", True),
    "criterion_id": ("Критерий", False),
    "task_id": ("Задание", False),
    "juror_id": ("Код эксперта", False),
    "new_score": ("Новый балл", True),
    "reason": ("Основание", False),
}


def load_decisions(path) -> tuple[pd.DataFrame, dict]:
    """Read a reconciliation file.

    Returns
    -------
    (DataFrame, dict)
        The decisions — ``entry_id, criterion_id, task_id, juror_id,
        new_score, reason`` (str) and ``row`` (int, the row in the file) —
        and the context for messages: ``file``, ``sheet``, ``columns``
        (English name → header in the file), the keywords of
        :func:`contest.reconcile.apply_decisions`.

    Raises
    ------
    ContestError
        Missing file, missing columns (neither «Критерий» nor «Задание»).
    """
    path = Path(path)
    if not path.exists():
        raise ContestError(Issue("файл не найден", file=path.name))
    df, sheet = read_table(path, ("Согласование", "reconciliation"))
    issues: list[Issue] = []
    where = {"file": path.name, "sheet": sheet}
    cols = match_columns(df, DECISION_COLUMNS, where, issues)
    if not issues and "criterion_id" not in cols and "task_id" not in cols:
        issues.append(Issue("нет столбца «Критерий» или «Задание»", **where))
    if issues:
        raise ContestError(issues)
    rows = []
    for i, rec in enumerate(df.to_dict("records")):
        v = {k: text(rec.get(c)) for k, c in cols.items()}
        if all(x == "" for x in v.values()):
            continue
        rows.append({**{k: v.get(k, "") for k in DECISION_COLUMNS}, "row": i + 2})
    out = pd.DataFrame(rows, columns=[*DECISION_COLUMNS, "row"])
    return out, {"file": path.name, "sheet": sheet, "columns": {k: str(c) for k, c in cols.items()}}


#: Columns of the blank after the decision's own: what the chair decides about (not read back).
_INFO = ["scores", "spread", "max_spread"]

_HOW = [
    "Как заполнить бланк решений председателя жюри",
    "",
    f"Каждая строка листа «{BLANK_SHEET}» — работа, отмеченная «{NEEDS_REVIEW}»: оценки экспертов "
    "расходятся больше допустимого (столбцы «Оценки экспертов», «Расхождение», «Допустимо» — справка, "
    "их не меняйте).",
    f"Оставить оценки как есть: в «Новый балл» впишите «{KEEP}» (эксперта можно не указывать); основание "
    "желательно.",
    "Изменить оценку эксперта по критерию: в «Код эксперта» выберите эксперта, в «Новый балл» впишите "
    "число в пределах шкалы критерия, в «Основание» — почему (например, решение жюри, протокол заседания).",
    "Изменить оценки нескольких экспертов — скопируйте строку для каждого из них.",
    "Для отметки по сумме задания (столбец «Задание» заполнен) новый балл ставится по критерию: "
    "впишите код критерия в «Критерий», сотрите «Задание» и укажите эксперта; или «оставить».",
    "Каждая строка должна быть заполнена: пустой «Новый балл» — ошибка.",
    "Заполненный бланк загрузите в приложении («Решения председателя (согласование)») или передайте "
    "команде: python -m contest results … --reconciliation БЛАНК.xlsx",
]


def decisions_blank(contest: Contest, flags: pd.DataFrame) -> Workbook:
    """The blank of the chair's decisions (docs/formats.md §10.1), one row per open flag.

    Sheet «Согласование»: the columns of :data:`DECISION_COLUMNS` under their
    Russian headers — «Код работы» and «Критерий» (a criterion flag) or
    «Задание» (``S1.T1``, a flag on the task sums) filled in; «Код эксперта»
    (a drop-down of the jurors who scored it), «Новый балл» (checked: a number
    within the criterion's range or «оставить»; for a task flag a drop-down
    with «оставить») and «Основание» left empty — then «Оценки экспертов»,
    «Расхождение», «Допустимо» for reference (not read back). Sheet «Как
    заполнить»: the rules in short. Filled in, it is read by
    :func:`load_decisions`.

    Parameters
    ----------
    contest : Contest
    flags : DataFrame
        The open flags, :data:`contest.reconcile.FLAG_COLUMNS`
        (``Reconciliation.open``, :class:`contest.reconcile.UnreconciledError`).

    Returns
    -------
    Workbook
        In memory; the caller saves it (:func:`tandem.xlsx.atomic_save`) or offers it for download.
    """
    crit = {c.id: c for s in contest.stages for t in s.tasks for c in t.criteria}
    rows = []
    for r in flags.itertuples(index=False):
        cid = str(r.criterion_id or "")
        rows.append(
            {
                "entry_id": r.entry_id,
                "criterion_id": cid or None,
                "task_id": None if cid else f"{r.stage_id}.{r.task_id}",
                "juror_id": None,
                "new_score": None,
                "reason": None,
                "scores": r.scores,
                "spread": float(r.spread),
                "max_spread": float(r.max_spread),
            }
        )
    df = pd.DataFrame(rows, columns=[*DECISION_COLUMNS, *_INFO])
    headers = {k: h for k, (h, _req) in DECISION_COLUMNS.items()} | {k: FLAG_HEADERS[k] for k in _INFO}
    wb = new_workbook()
    ws = wb.create_sheet(BLANK_SHEET)
    write_table(ws, df, headers=headers, number_formats={"spread": "0.##", "max_spread": "0.##"})
    cols = {k: chr(ord("A") + i) for i, k in enumerate(df.columns)}
    ws.column_dimensions[cols["reason"]].width = 40
    ws.column_dimensions[cols["new_score"]].width = 14
    ws.column_dimensions[cols["juror_id"]].width = 14
    for i, rec in enumerate(rows, start=2):
        jurors = [j.strip() for j in str(flags.iloc[i - 2]["jurors"]).split(",") if j.strip()]
        if jurors:
            _validate(
                ws,
                f"{cols['juror_id']}{i}",
                DataValidation(type="list", formula1='"' + ",".join(jurors) + '"', allow_blank=True),
                "Эксперт",
                "тот, чей балл меняется",
            )
        cell = f"{cols['new_score']}{i}"
        c = crit.get(rec["criterion_id"] or "")
        if c is None:
            dv = DataValidation(type="list", formula1=f'"{KEEP}"', allow_blank=True)
            _validate(ws, cell, dv, "Решение", f"«{KEEP}» (новый балл — по критерию)")
        else:
            lo, hi = f"{c.min:g}", f"{c.max:g}"
            dv = DataValidation(
                type="custom", formula1=f'OR({cell}="{KEEP}",AND(ISNUMBER({cell}),{cell}>={lo},{cell}<={hi}))'
            )
            _validate(ws, cell, dv, "Решение", f"новый балл от {lo} до {hi} или «{KEEP}»")
    how = wb.create_sheet("Как заполнить")
    for k, line in enumerate(_HOW, start=1):
        set_cell(how.cell(row=k, column=1), line)
    how.column_dimensions["A"].width = 120
    return wb


def _validate(ws, cell: str, dv: DataValidation, title: str, prompt: str) -> None:
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    dv.errorTitle = f"Недопустимо: {title.lower()}"
    dv.error = f"Ожидается: {prompt}."
    dv.showInputMessage = True
    dv.promptTitle = title
    dv.prompt = prompt
    dv.add(cell)
    ws.add_data_validation(dv)
