"""Reading the chair's reconciliation decisions (CSV or xlsx) for :mod:`contest.reconcile`.

Columns (Russian headers or the English names; docs/formats.md):
``entry_id`` «Код работы», ``criterion_id`` «Критерий», ``task_id``
«Задание» (one of the two per row), ``juror_id`` «Код эксперта»,
``new_score`` «Новый балл» (a number or «оставить»), ``reason``
«Основание». A workbook is read from its sheet «Согласование» (or the first).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from contest.model import ContestError
from contest.people import match_columns
from contest.roster import text
from contest.scores_io import read_table
from tandem.errors import Issue

__all__ = ["DECISION_COLUMNS", "load_decisions"]

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
