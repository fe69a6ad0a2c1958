"""The register of tandems: pairs with their form, period, status and basis, and the log.

The register («Реестр наставнических пар») is what a district methodologist
keeps for the whole year after the pairs are formed. This module holds the
type and its rules; it opens no files (reading and writing the workbook is
:mod:`mentoring.register_io`).

Rules and their public sources (``docs/sources.md``):

* a personalised mentoring programme lasts from 3 months to 1 year
  ([Тетюши-2022] §1.3, «от 3 месяцев до 1 года») and may be extended,
  shortened or ended early (§4.10, §4.12, §4.13);
* forms of mentoring ([Тетюши-2022] §4.2): «педагог – педагог»,
  «руководитель ОО – педагог», and, for a beginning teacher, «педагог –
  молодой специалист» (the roadmap's «Лаборатория молодого специалиста»);
* a pair is **in force on a date D** when its status is «действует» or
  «продлена» and ``start ≤ D ≤ end``; a mentee is in at most one pair in
  force on any date; group mentoring ([Тетюши-2022] §4.4, «наставничество в
  группе») is one pair per mentee with the same mentor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

#: Pair statuses, in the order a pair usually passes through them.
STATUSES = ("действует", "продлена", "завершена", "прекращена досрочно")
#: Statuses of a pair that is running.
IN_FORCE_STATUSES = frozenset({"действует", "продлена"})
#: Statuses of a pair that has ended; both need an end date not after the day of the change.
ENDED_STATUSES = frozenset({"завершена", "прекращена досрочно"})

#: Forms of mentoring offered by default (Тетюши-2022 §4.2); any other text is accepted as written.
FORMS = ("педагог – педагог", "педагог – молодой специалист", "руководитель ОО – педагог")
#: Experience under this many years makes a mentee a young specialist (the default form).
YOUNG_SPECIALIST_YEARS = 3.0

#: Shortest and longest programme, in months (Тетюши-2022 §1.3).
MIN_MONTHS, MAX_MONTHS = 3, 12

#: Columns of the pairs table, English name → Russian header of the workbook.
PAIR_COLUMNS = {
    "mentee_id": "Код наставляемого",
    "mentor_id": "Код наставника",
    "form": "Форма наставничества",
    "format": "Формат",
    "start": "Дата начала",
    "end": "Дата окончания",
    "status": "Статус",
    "order": "Основание",
    "reason": "Причина",
}
#: Columns that every register must have (``format`` and ``reason`` may be absent or empty).
REQUIRED_PAIR_COLUMNS = ("mentee_id", "mentor_id", "form", "start", "end", "status", "order")

#: Columns of the log, English name → Russian header.
LOG_COLUMNS = {
    "date": "Дата",
    "event": "Событие",
    "mentee_id": "Код наставляемого",
    "mentor_id": "Код наставника",
    "before": "Было",
    "after": "Стало",
    "basis": "Основание",
}

#: Log events written by the program.
EVENTS = (
    "пара утверждена",
    "статус изменён",
    "пара снята при повторном подборе",
    "наставник сменён",
    "ручная правка",
    "добавлена вручную",
    "удалена вручную",
    "педагог выбыл из реестра",
)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clipped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def programme_months_ok(start: dt.date, end: dt.date) -> bool:
    """True when the period lasts at least 3 and at most 12 months (both ends inclusive).

    A programme from 1 Sep to 30 Nov lasts 3 months; from 1 Sep 2026 to
    31 Aug 2027 lasts 12. The day after ``end`` is compared with ``start``
    plus 3 and plus 12 months.
    """
    after = end + dt.timedelta(days=1)
    return add_months(start, MIN_MONTHS) <= after <= add_months(start, MAX_MONTHS)


def default_form(experience_years: float | None) -> str:
    """The default form of a pair: a beginning teacher (under 3 years) is a young specialist.

    Parameters
    ----------
    experience_years : float or None
        The mentee's teaching experience in years; None or NaN when unknown.
    """
    if experience_years is not None and experience_years == experience_years:
        if experience_years < YOUNG_SPECIALIST_YEARS:
            return "педагог – молодой специалист"
    return "педагог – педагог"


def empty_pairs() -> pd.DataFrame:
    """An empty pairs table with the register's columns and dtypes."""
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in PAIR_COLUMNS})
    return df


def empty_log() -> pd.DataFrame:
    """An empty log with the register's columns."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in LOG_COLUMNS})


@dataclass
class Register:
    """The register of tandems.

    Attributes
    ----------
    pairs : DataFrame
        One row per pair (a group tandem is one row per mentee with the same
        mentor). Columns: ``mentee_id``, ``mentor_id`` (str, teacher ids of
        the registry), ``form`` (str), ``format`` (str: очно / дистанционно /
        смешанно, "" when unknown), ``start``, ``end`` (``datetime.date``),
        ``status`` (one of :data:`STATUSES`), ``order`` (str, the basis, e.g.
        «Приказ № 45 от 01.09.2026»), ``reason`` (str, "" when none). Loaded
        registers also carry ``excel_row`` (int) for messages.
    log : DataFrame
        Append-only history, columns :data:`LOG_COLUMNS`: ``date``
        (``datetime.date``), ``event`` (str, see :data:`EVENTS`),
        ``mentee_id``, ``mentor_id``, ``before``, ``after``, ``basis`` (str).
    source : str or None
        File name the register was read from.
    sha256 : str or None
        SHA-256 of that file.
    """

    pairs: pd.DataFrame = field(default_factory=empty_pairs)
    log: pd.DataFrame = field(default_factory=empty_log)
    source: str | None = None
    sha256: str | None = None

    def in_force(self, on: dt.date) -> pd.DataFrame:
        """The pairs in force on ``on`` (status действует / продлена and start ≤ on ≤ end)."""
        return in_force(self.pairs, on)

    def copy(self) -> Register:
        """A deep copy (frames copied)."""
        return Register(self.pairs.copy(), self.log.copy(), self.source, self.sha256)


def in_force(pairs: pd.DataFrame, on: dt.date) -> pd.DataFrame:
    """Rows of ``pairs`` in force on the date ``on``.

    Parameters
    ----------
    pairs : DataFrame
        Columns ``status``, ``start``, ``end`` (``datetime.date``) at least.
    on : datetime.date
        The day; both ends of a period are inclusive.

    Returns
    -------
    DataFrame
        The matching rows, original index kept.
    """
    if not len(pairs):
        return pairs
    mask = pairs["status"].isin(IN_FORCE_STATUSES) & (pairs["start"] <= on) & (pairs["end"] >= on)
    return pairs[mask]


def overlapping_in_force(pairs: pd.DataFrame) -> list[tuple[int, int]]:
    """Pairs of row positions whose mentee is the same and whose in-force periods overlap.

    Returns
    -------
    list of (int, int)
        Positions ``(i, j)``, ``i < j``, in ``pairs`` order; ``j`` is the later row.
    """
    live = pairs.reset_index(drop=True)
    live = live[live["status"].isin(IN_FORCE_STATUSES)]
    live = live[live["mentee_id"].duplicated(keep=False)]  # only mentees with two or more such rows
    out = []
    for _, group in live.groupby("mentee_id", sort=False):
        rows = list(group.itertuples())
        for a in range(len(rows)):
            for b in range(a + 1, len(rows)):
                x, y = rows[a], rows[b]
                if x.start <= y.end and y.start <= x.end:
                    out.append((x.Index, y.Index))
    return out


def log_event(
    date: dt.date,
    event: str,
    mentee_id: str = "",
    mentor_id: str = "",
    before: str = "",
    after: str = "",
    basis: str = "",
) -> dict:
    """One log row as a dict with the :data:`LOG_COLUMNS` keys."""
    return {
        "date": date,
        "event": event,
        "mentee_id": mentee_id,
        "mentor_id": mentor_id,
        "before": before,
        "after": after,
        "basis": basis,
    }


def append_log(log: pd.DataFrame, events: list[dict]) -> pd.DataFrame:
    """The log with ``events`` appended (never reordered, never rewritten)."""
    if not events:
        return log
    new = pd.DataFrame(events, columns=list(LOG_COLUMNS))
    if not len(log):
        return new
    return pd.concat([log[list(LOG_COLUMNS)], new], ignore_index=True)


def pair_text(row) -> str:
    """A pair's state as one line for the log, e.g. «действует, 01.09.2026–31.05.2027»."""
    start = row["start"].strftime("%d.%m.%Y") if isinstance(row["start"], dt.date) else str(row["start"])
    end = row["end"].strftime("%d.%m.%Y") if isinstance(row["end"], dt.date) else str(row["end"])
    text = f"{row['status']}, {start}–{end}"
    if row.get("reason"):
        text += f", причина: {row['reason']}"
    return text
