"""Reading a matching result workbook for approval: the pairs and, after a re-match, the changes.

The workbook is the one ``python -m matching run`` or ``python -m mentoring
rematch`` writes (``docs/formats.md``, «Книга с результатом подбора»): sheet
«Тандемы» with «Код наставляемого», «Код наставника», «Формат», and after a
re-match the sheet «Изменения» with «Код наставляемого», «Наставник до»,
«Наставник после», «Изменение», «Причина».
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mentoring.lifecycle import RegisterError
from mentoring.register_io import find_columns
from tandem.errors import InputError, Issue
from tandem.tables import RawTable, norm_header, read_xlsx

PAIRS = {"mentee_id": "Код наставляемого", "mentor_id": "Код наставника", "format": "Формат"}
CHANGES = {
    "mentee_id": "Код наставляемого",
    "mentor_before": "Наставник до",
    "mentor_after": "Наставник после",
    "change": "Изменение",
    "reason": "Причина",
}
CHANGE_KINDS = ("сохранена", "новая", "другой наставник", "снята")


def _frame(table: RawTable, columns: dict, required, issues: list[Issue]) -> pd.DataFrame | None:
    cols = find_columns(table, columns, required, issues)
    if cols is None:
        return None
    data = {name: [row[j] for row in table.rows] for name, j in cols.items()}
    for name in columns:
        data.setdefault(name, [""] * len(table.rows))
    df = pd.DataFrame(data, columns=list(columns))
    df["excel_row"] = table.row_numbers
    return df


def read_result(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The pairs (and the changes of a re-match) of a matching result workbook.

    Returns
    -------
    (DataFrame, DataFrame or None)
        Pairs: ``mentee_id``, ``mentor_id``, ``format`` (str), ``excel_row``.
        Changes (None when the workbook has no «Изменения»): ``mentee_id``,
        ``mentor_before``, ``mentor_after``, ``change``, ``reason``,
        ``excel_row``.

    Raises
    ------
    RegisterError
        Not an .xlsx workbook, no sheet «Тандемы», a missing column, an empty
        id, an unknown kind of change.
    """
    path = Path(path)
    try:
        tables = read_xlsx(path)
    except InputError as e:
        raise RegisterError(e.issues) from None
    by_name = {norm_header(t): t for t in tables}
    if norm_header("Тандемы") not in by_name:
        raise RegisterError(
            Issue(
                "нет листа «Тандемы»: ожидалась книга с результатом подбора пар "
                "(python -m matching run или python -m mentoring rematch)",
                file=path.name,
            )
        )
    issues: list[Issue] = []
    table = tables[by_name[norm_header("Тандемы")]]
    pairs = _frame(table, PAIRS, ("mentee_id", "mentor_id"), issues)
    if pairs is not None:
        for r in pairs.itertuples():
            for name in ("mentee_id", "mentor_id"):
                if not getattr(r, name):
                    issues.append(
                        Issue(
                            "пустая ячейка; ожидался код педагога",
                            file=table.file,
                            sheet=table.sheet,
                            row=r.excel_row,
                            column=PAIRS[name],
                        )
                    )
    changes = None
    if norm_header("Изменения") in by_name:
        t = tables[by_name[norm_header("Изменения")]]
        changes = _frame(t, CHANGES, ("mentee_id", "mentor_before", "mentor_after", "change"), issues)
        if changes is not None:
            for r in changes.itertuples():
                if r.change not in CHANGE_KINDS:
                    issues.append(
                        Issue(
                            f"неизвестное изменение «{r.change}»; ожидалось одно из: "
                            f"{', '.join(CHANGE_KINDS)}",
                            file=t.file,
                            sheet=t.sheet,
                            row=r.excel_row,
                            column=CHANGES["change"],
                        )
                    )
    if issues:
        raise RegisterError(issues)
    return pairs, changes
