"""The types of the matching input: the validated registry and its error.

Pure data: this module opens no file. :mod:`matching.registry` builds a
:class:`Registry` from a workbook or CSV folder; the algorithms
(:mod:`matching.engine`, :mod:`matching.scoring`) take it from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tandem.errors import InputError


def empty_mentor_preferences() -> pd.DataFrame:
    """The «Пожелания наставников» frame without rows (``mentor_id``, ``mentee_id``, ``rank``, ``excel_row``)."""
    return pd.DataFrame(
        {
            "mentor_id": pd.Series(dtype=object),
            "mentee_id": pd.Series(dtype=object),
            "rank": pd.Series(dtype=np.int64),
            "excel_row": pd.Series(dtype=np.int64),
        }
    )


class RegistryError(InputError):
    """Problems in a registry; ``.issues`` lists each with file, sheet, row, column."""


@dataclass
class Registry:
    """A validated district registry.

    Every frame has the English column names of :mod:`matching.schema` plus
    ``excel_row`` (int: the row in the source file, for messages).

    Attributes
    ----------
    schools : DataFrame
        ``school_id`` (str), ``name``, ``district``, ``cluster`` (str, "" when
        unknown), ``lat``, ``lon`` (float degrees, NaN when unknown).
    teachers : DataFrame
        ``teacher_id``, ``full_name``, ``school_id``, ``role`` (str),
        ``subjects``, ``deficits``, ``strengths`` (tuple of str),
        ``experience_years`` (float, years), ``category``, ``format`` (str),
        ``capacity`` (int ≥ 0), ``consent`` (bool).
    deficits : DataFrame
        ``code``, ``name``, ``area``.
    locked, forbidden : DataFrame
        ``mentee_id``, ``mentor_id``.
    preferences : DataFrame
        ``mentee_id``, ``mentor_id``, ``rank`` (int ≥ 1; 1 = first wish).
    source : str or None
        File or folder name the registry was read from.
    sha256 : str or None
        SHA-256 of the input file (folder: of its CSV files).
    sheet_titles : dict
        English sheet name → sheet title as written in the file.
    deficit_levels : DataFrame or None
        The diagnosis, when the registry has the sheet «Уровни дефицитов»
        (docs/formats.md §3): one row per (teacher, deficit) assessed,
        ``teacher_id``, ``code`` (str), ``level`` (int 0–3: 0 не владею, 1
        владею частично, 2 владею, 3 владею свободно), ``severity`` (int ≥ 0:
        threshold − level for a deficit, 0 when not a deficit), ``excel_row``.
        The deficits themselves stay in ``teachers["deficits"]``; a level row
        with ``severity`` ≥ 1 is one of them. With the sheet, ``teachers``
        also carries ``deficit_weights`` (tuple of int ≥ 1, one per item of
        ``deficits``: its severity, 1 when not assessed). ``None`` without
        the sheet.
    mentor_preferences : DataFrame
        The optional sheet «Пожелания наставников»: ``mentor_id``,
        ``mentee_id``, ``rank`` (int ≥ 1; 1 = the mentor's first wish),
        ``excel_row``; empty (same columns) without the sheet.
    """

    schools: pd.DataFrame
    teachers: pd.DataFrame
    deficits: pd.DataFrame
    locked: pd.DataFrame
    forbidden: pd.DataFrame
    preferences: pd.DataFrame
    source: str | None = None
    sha256: str | None = None
    sheet_titles: dict = field(default_factory=dict)
    deficit_levels: pd.DataFrame | None = None
    mentor_preferences: pd.DataFrame = field(default_factory=lambda: empty_mentor_preferences())

    @property
    def mentors(self) -> pd.DataFrame:
        """Teachers who may mentor: role «наставник» or «оба»."""
        return self.teachers[self.teachers["role"].isin(("наставник", "оба"))]

    @property
    def mentees(self) -> pd.DataFrame:
        """Teachers who need a mentor: role «наставляемый», or «оба» with at least one deficit."""
        t = self.teachers
        both_with_deficits = (t["role"] == "оба") & (t["deficits"].map(len) > 0)
        return t[(t["role"] == "наставляемый") | both_with_deficits]
