"""Input problems reported to people who are not programmers.

Every problem found in an input file is an :class:`Issue` that names the
file, the sheet, the Excel row number (the header is row 1), the column and
what was expected, in Russian. Loaders collect all issues first and raise one
:class:`InputError` carrying the whole list, so a user fixes everything in one
pass instead of meeting the errors one by one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Issue:
    """One problem in the input.

    Attributes
    ----------
    message : str
        What is wrong and what was expected, in Russian, quoting the bad value,
        e.g. ``"ожидалось целое число ≥ 0, получено «-3»"``.
    file : str or None
        File name as the user knows it (no directory).
    sheet : str or None
        Sheet name as it appears in the file (or the CSV file name).
    row : int or None
        Row number as Excel shows it (header row = 1, first data row = 2).
    column : str or None
        Column header as it appears in the file.
    """

    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def where(self) -> str:
        """The location part of the message, e.g. ``файл «a.xlsx», лист «Педагоги», строка 5``."""
        parts = []
        if self.file:
            parts.append(f"файл «{self.file}»")
        if self.sheet:
            parts.append(f"лист «{self.sheet}»")
        if self.row is not None:
            parts.append(f"строка {self.row}")
        if self.column:
            parts.append(f"столбец «{self.column}»")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class InputError(Exception):
    """Bad input: one or more :class:`Issue` objects, reported all at once.

    This is the only exception type the loaders and the command line let
    through for problems in the user's files. The CLI prints :meth:`report`
    and exits with code 2.

    Parameters
    ----------
    issues : Issue, str or iterable of Issue
        The problems found. A plain string becomes one issue without location.
    """

    def __init__(self, issues: Issue | str | Iterable[Issue]):
        if isinstance(issues, str):
            issues = [Issue(issues)]
        elif isinstance(issues, Issue):
            issues = [issues]
        self.issues: list[Issue] = list(issues)
        if not self.issues:
            raise ValueError("InputError needs at least one issue")
        super().__init__(self.report())

    def report(self, limit: int = 50) -> str:
        """A Russian text listing the issues (at most ``limit`` of them)."""
        n = len(self.issues)
        if n == 1:
            return f"Ошибка во входных данных: {self.issues[0]}"
        lines = [f"Найдено ошибок во входных данных: {n}."]
        lines += [f"{i}. {issue}" for i, issue in enumerate(self.issues[:limit], 1)]
        if n > limit:
            lines.append(f"… и ещё {n - limit} (полный список — в отчёте о проверке).")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Issues as a table with columns ``file, sheet, row, column, message``.

        Column headers are in Russian for display: Файл, Лист, Строка,
        Столбец, Что не так.
        """
        return pd.DataFrame(
            [(i.file, i.sheet, i.row, i.column, i.message) for i in self.issues],
            columns=["Файл", "Лист", "Строка", "Столбец", "Что не так"],
        )


# --------------------------------------------------------------------------- look-alike letters
#: Latin letters that look like Cyrillic ones, and their Cyrillic twins.
LATIN_LOOKALIKES = "AaBCcEeHKkMOoPpTXxy"
CYRILLIC_LOOKALIKES = "АаВСсЕеНКкМОоРрТХху"
_TO_LATIN = str.maketrans(CYRILLIC_LOOKALIKES, LATIN_LOOKALIKES)
_CYRILLIC = set(CYRILLIC_LOOKALIKES)


def lookalike_key(code: str) -> str:
    """``code`` with every Cyrillic letter that has a Latin twin replaced by that twin.

    Two codes with the same key look the same on screen (``«Т1»`` and
    ``«T1»``) but are different text.
    """
    return str(code).translate(_TO_LATIN)


def describe_lookalikes(code: str, meant: str) -> str:
    """Which letters of ``code`` differ from the look-alike ``meant``, in Russian.

    E.g. ``describe_lookalikes("OO-1", "ОО-1")`` →
    ``"латинские буквы «O» на позициях 1, 2 вместо русских"``.
    """
    groups: dict[str, list[tuple[str, int]]] = {"lat": [], "cyr": []}
    for i, (a, b) in enumerate(zip(code, meant), 1):
        if a != b:
            groups["cyr" if a in _CYRILLIC else "lat"].append((a, i))
    parts = []
    for kind, items in groups.items():
        if not items:
            continue
        letters = ", ".join(dict.fromkeys(f"«{a}»" for a, _ in items))
        where = ", ".join(str(i) for _, i in items)
        adj, other = ("латинск", "русск") if kind == "lat" else ("русск", "латинск")
        if len(items) == 1:
            parts.append(f"{adj}ая буква {letters} на позиции {where} вместо {other}ой")
        else:
            parts.append(f"{adj}ие буквы {letters} на позициях {where} вместо {other}их")
    return "; ".join(parts)


def lookalike_hint(code: str, known) -> str:
    """A Russian hint when an unknown ``code`` differs from a known one only by look-alike letters.

    Parameters
    ----------
    code : str
        The code that was not found.
    known : iterable of str
        The codes that exist.

    Returns
    -------
    str
        ``""`` when there is no such known code, else e.g.
        ``" (похоже на «ОО-1»: латинские буквы «O» на позициях 1, 2 вместо русских)"``.
    """
    key = lookalike_key(code)
    for k in known:
        if k != code and lookalike_key(k) == key:
            return f" (похоже на «{k}»: {describe_lookalikes(code, k)})"
    return ""
