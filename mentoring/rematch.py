"""Re-match during the year: form tandems again, keeping the pairs in force where the rules allow.

A registry changes during the year: teachers leave, consents are withdrawn,
capacities change, new mentees arrive. :func:`rematch` takes the pairs in
force on a date from the register of tandems (:mod:`mentoring.register`) and
runs :func:`matching.match` with them as ``current``: a pair in force that is
still feasible is kept (or, with a ``change_cost``, changed only when the
change is worth that price); one that is no longer feasible is released with
the reason. The result's ``changes`` (the «Изменения» sheet of the output
workbook) is what :func:`mentoring.lifecycle.approve` applies to the register:
changed and released pairs end the day before the new start, new pairs are
approved by the order. Continuity of a mentor–mentee pair over the
programme's term and its early end on a change of circumstances follow
[Тетюши-2022] §4.10, §4.12 (``docs/sources.md``).

Pure: opens no file (the command line, ``python -m mentoring rematch``, reads
and writes the workbooks).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from matching.config import MatchConfig
from matching.engine import MatchResult, match
from matching.model import Registry
from mentoring.register import Register, in_force
from tandem.progress import Progress


def current_pairs(register: Register, on: dt.date) -> pd.DataFrame:
    """The pairs of ``register`` in force on ``on`` as ``mentee_id``, ``mentor_id`` (str), by mentee.

    Raises
    ------
    mentoring.lifecycle.RegisterError
        Not raised here; a register with a mentee in two pairs in force is
        refused when loaded (:func:`mentoring.register_io.load_register`), and
        :func:`matching.match` refuses it too (``RegistryError``).
    """
    live = in_force(register.pairs, on) if len(register.pairs) else register.pairs
    if not len(live):
        return pd.DataFrame({"mentee_id": pd.Series(dtype=str), "mentor_id": pd.Series(dtype=str)})
    out = live[["mentee_id", "mentor_id"]].astype(str)
    return out.sort_values("mentee_id", kind="stable").reset_index(drop=True)


def rematch(
    registry: Registry,
    register: Register,
    on: dt.date,
    config: MatchConfig | None = None,
    change_cost: float | None = None,
    progress: Progress | None = None,
) -> MatchResult:
    """Form tandems for ``registry`` again, starting from the pairs of ``register`` in force on ``on``.

    Parameters
    ----------
    registry : matching.Registry
        The registry as it is now (from :func:`matching.load_registry`).
    register : Register
        The register of tandems.
    on : datetime.date
        The day of the re-match: the pairs in force on it are the current ones.
    config : MatchConfig, optional
    change_cost : float ≥ 0, optional
        Score units a change of a feasible pair in force must gain to be
        made; ``None`` (default) keeps every feasible pair in force.
    progress : callable, optional
        As for :func:`matching.match`.

    Returns
    -------
    MatchResult
        With ``changes`` (``mentee_id``, ``mentor_before``, ``mentor_after``,
        ``change``, ``reason``): every mentee of a pair in force appears there
        exactly once; every mentee of the registry is in ``pairs`` or
        ``unmatched``; a mentee who left the registry is only in ``changes``,
        as «снята». On the register approved with this result (same ``on``
        as the start), a second re-match keeps every pair.

    Raises
    ------
    matching.RegistryError
        From :func:`matching.match` (a locked pair breaking a rule, a bad
        ``change_cost``).
    """
    return match(
        registry, config, current=current_pairs(register, on), change_cost=change_cost, progress=progress
    )
