"""Participants and jury of a contest as data: :class:`People` and its column contract.

The columns of the two tables (English name → Russian header, required?) are
those of the people workbook read by :func:`contest.people.load_people`
(described there); :func:`make_people` builds :class:`People` from frames
already in memory. This module opens no files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

#: English name → Russian header of the ``entries`` sheet; (required?).
ENTRY_COLUMNS: dict[str, tuple[str, bool]] = {
    "entry_id": ("Код работы", True),
    "title": ("Название", True),
    "nomination": ("Номинация", False),
    "mentor_name": ("Наставник", True),
    "mentee_name": ("Наставляемый", True),
    "school_ids": ("Коды ОО", True),
    "publish_consent": ("Согласие на публикацию", False),
}

#: English name → Russian header of the ``jury`` sheet; (required?).
JURY_COLUMNS: dict[str, tuple[str, bool]] = {
    "juror_id": ("Код эксперта", True),
    "full_name": ("ФИО", True),
    "organization": ("Организация", False),
    "school_id": ("Код ОО", False),
    "role": ("Роль", True),
}

ENTRY_SHEET = ("entries", "Участники")
JURY_SHEET = ("jury", "Жюри")

CHAIR = "председатель"
MEMBER = "член жюри"
ROLES = (CHAIR, MEMBER)


@dataclass
class People:
    """Entries and jury of one contest.

    Attributes
    ----------
    entries : DataFrame
        Columns ``entry_id`` (str), ``title`` (str), ``nomination`` (str,
        ``""`` when absent), ``mentor_name`` (str), ``mentee_name`` (str),
        ``school_ids`` (tuple of str, possibly empty), ``publish_consent``
        (bool; ``False`` when the column is absent or the cell is empty —
        names are then withheld from public outputs). Sorted by ``entry_id``.
    jury : DataFrame
        Columns ``juror_id`` (str), ``full_name`` (str), ``organization``
        (str), ``school_id`` (str, ``""`` when the juror has no school),
        ``role`` (``"председатель"`` or ``"член жюри"``). The chair comes
        first, then members by ``juror_id``.
    source : str or None
        File name the people were read from.
    """

    entries: pd.DataFrame
    jury: pd.DataFrame
    source: str | None = None

    @property
    def chair(self) -> pd.Series:
        """The row of the jury chair."""
        return self.jury[self.jury["role"] == CHAIR].iloc[0]


def text(value) -> str:
    """A cell value as clean text: ``None``/NaN → ``""``; ``101.0`` → ``"101"``."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    if value is pd.NA:
        return ""
    return str(value).strip()


def split_list(value) -> tuple[str, ...]:
    """Split a ``;``-separated cell into a tuple of non-empty stripped items."""
    return tuple(p.strip() for p in text(value).replace(",", ";").split(";") if p.strip())


def make_people(entries: pd.DataFrame, jury: pd.DataFrame, source: str | None = None) -> People:
    """Build :class:`People` from already clean frames (tests, notebooks).

    ``school_ids`` may be given as ``;``-separated text or as tuples;
    missing optional columns get their defaults (empty text, no consent).
    """
    e = entries.copy()
    for name in ENTRY_COLUMNS:
        if name not in e.columns:
            e[name] = False if name == "publish_consent" else ""
    e["school_ids"] = [
        v if isinstance(v, tuple) else split_list(v) if not isinstance(v, list) else tuple(v)
        for v in e["school_ids"]
    ]
    for name in ("entry_id", "title", "nomination", "mentor_name", "mentee_name"):
        e[name] = [text(v) for v in e[name]]
    e["publish_consent"] = [bool(v) for v in e["publish_consent"]]
    e = e[list(ENTRY_COLUMNS)].sort_values("entry_id", kind="stable").reset_index(drop=True)
    j = jury.copy()
    for name in JURY_COLUMNS:
        if name not in j.columns:
            j[name] = ""
    for name in JURY_COLUMNS:
        j[name] = [text(v) for v in j[name]]
    j["_chair"] = (j["role"] != CHAIR).astype(int)
    j = j.sort_values(["_chair", "juror_id"], kind="stable")[list(JURY_COLUMNS)].reset_index(drop=True)
    return People(entries=e, jury=j, source=source)


def people_template_frames() -> dict[str, pd.DataFrame]:
    """Empty ``Участники`` and ``Жюри`` tables with the Russian headers."""
    return {
        ENTRY_SHEET[1]: pd.DataFrame(columns=[h for h, _ in ENTRY_COLUMNS.values()]),
        JURY_SHEET[1]: pd.DataFrame(columns=[h for h, _ in JURY_COLUMNS.values()]),
    }
