"""Priority tiers of mentees, why a mentee lost to a higher tier, and the two objectives side by side.

A district may serve some mentees first: young and beginning teachers (the
traditional form pairs «более опытного и начинающего работника»,
docs/sources.md [Тетюши-2022] §4.4), mentees of schools with low results
(ШНОР, docs/sources.md [Жигалово-2021] п. 1.5–1.6). The tiers come from the
configuration (:class:`matching.config.Priority`); the solve is exact and
lexicographic (:func:`matching.solver.solve_assignment`, ``priority=``).

Pure: DataFrames and arrays in and out, no file is opened.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.config import Priority
from matching.explain import plural

#: Reason code of an unmatched mentee whose fitting mentors are all taken by higher tiers.
PRIORITY_BUSY = "priority_busy"
_FITTING_BUSY = (
    "подходящий наставник занят",
    "подходящих наставника заняты",
    "подходящих наставников заняты",
)


def mentee_tiers(mentees: pd.DataFrame, schools: pd.DataFrame, priority: Priority) -> np.ndarray:
    """The priority tier of each mentee: 1 + the position of the first tier whose conditions hold.

    Parameters
    ----------
    mentees : DataFrame
        Rows of :attr:`Registry.teachers`: ``experience_years`` (float,
        years; NaN never meets ``experience_below``), ``school_id``.
    schools : DataFrame
        :attr:`Registry.schools` (``school_id``, ``cluster``: "" when unknown).
    priority : Priority

    Returns
    -------
    ndarray of int64, shape (len(mentees),)
        1 … T for the T tiers, T + 1 for mentees of no tier (all 1 without tiers).
    """
    n = len(mentees)
    tiers = priority.tiers
    out = np.full(n, len(tiers) + 1, np.int64)
    if not tiers:
        return np.ones(n, np.int64)
    exp = mentees["experience_years"].to_numpy(float)
    cluster_of = (
        dict(zip(schools["school_id"], schools["cluster"].fillna(""))) if "cluster" in schools else {}
    )
    cluster = np.array([cluster_of.get(s, "") for s in mentees["school_id"]], dtype=object)
    for k in range(len(tiers) - 1, -1, -1):  # the first tier that holds wins: assign in reverse
        t = tiers[k]
        ok = np.ones(n, bool)
        if t.experience_below is not None:
            ok &= ~np.isnan(exp) & (exp < t.experience_below)
        if t.clusters:
            ok &= np.isin(cluster, list(t.clusters))
        out[ok] = k + 1
    return out


def tier_label(priority: Priority, tier: int) -> str:
    """Russian name of a tier (1-based); the last one is «остальные»."""
    if 1 <= tier <= len(priority.tiers):
        return priority.tiers[tier - 1].describe()
    return "остальные"


def priority_blocked(
    unmatched_tier: int,
    fitting_mentors: list,
    taken_by: dict,
    tier_of: dict,
    capacity: dict,
    priority: Priority,
) -> tuple[int, str]:
    """How many fitting mentors of an unmatched mentee are full of mentees of higher tiers.

    Parameters
    ----------
    unmatched_tier : int
        The unmatched mentee's tier.
    fitting_mentors : list
        Mentor ids of the mentee's feasible pairs.
    taken_by : dict
        Mentor id → list of the mentee ids it received.
    tier_of : dict
        Mentee id → tier.
    capacity : dict
        Mentor id → capacity.
    priority : Priority

    Returns
    -------
    (count, labels) : int, str
        ``count`` fitting mentors whose every place went to a mentee of a
        higher tier (tier number smaller), and the names of those tiers
        («молодые специалисты, школа ШНОР»), "" when ``count`` is 0.
    """
    count, higher = 0, set()
    for m in fitting_mentors:
        took = taken_by.get(m, [])
        tiers = [tier_of.get(x, unmatched_tier) for x in took]
        if took and len(took) >= capacity.get(m, 0) and all(t < unmatched_tier for t in tiers):
            count += 1
            higher.update(tiers)
    return count, ", ".join(tier_label(priority, t) for t in sorted(higher))


def explain_priority(
    unmatched: pd.DataFrame,
    cand,
    pairs: pd.DataFrame,
    tier_of: dict,
    capacity,
    priority: Priority,
) -> pd.DataFrame:
    """Rewrite the reasons of unmatched mentees whose fitting mentors went to higher tiers.

    Parameters
    ----------
    unmatched : DataFrame
        :attr:`MatchResult.unmatched` (``mentee_id``, ``reason_code``, ``reason``).
    cand : Candidates
        The candidate pairs of the run (``pairs``: ``mentee_id``,
        ``mentor_id``; ``exclusions["feasible"]``: feasible mentors per mentee).
    pairs : DataFrame
        :attr:`MatchResult.pairs` (``mentee_id``, ``mentor_id``).
    tier_of : dict
        Mentee id → tier (1 first).
    capacity : mapping
        Mentor id → capacity.
    priority : Priority

    Returns
    -------
    DataFrame
        ``unmatched`` with, for a mentee of reason ``mentors_busy``: reason
        ``priority_busy`` and the text «все N подходящих наставников заняты
        наставляемыми более высокого приоритета (…)» when every feasible
        mentor is full of mentees of higher tiers; the old text followed by
        «; из них K заняты наставляемыми более высокого приоритета (…)» when
        only some are; unchanged otherwise.
    """
    busy = unmatched["reason_code"] == "mentors_busy"
    if not busy.any():
        return unmatched
    out = unmatched.copy()
    taken: dict = {}
    for mentee, mentor in zip(pairs["mentee_id"].tolist(), pairs["mentor_id"].tolist()):
        taken.setdefault(mentor, []).append(mentee)
    left = set(out.loc[busy, "mentee_id"])
    fitting: dict = {}
    sub = cand.pairs[cand.pairs["mentee_id"].isin(left)]
    for mentee, mentor in zip(sub["mentee_id"].tolist(), sub["mentor_id"].tolist()):
        fitting.setdefault(mentee, []).append(mentor)
    cap = dict(capacity.items()) if hasattr(capacity, "items") else dict(capacity)
    feasible = cand.exclusions["feasible"]
    for i in np.flatnonzero(busy.to_numpy()):
        mid = out.iat[i, out.columns.get_loc("mentee_id")]
        mentors = fitting.get(mid, [])
        count, labels = priority_blocked(tier_of.get(mid, 1), mentors, taken, tier_of, cap, priority)
        if not count:
            continue
        n = int(feasible.get(mid, len(mentors)))
        if count == len(mentors) == n:
            out.iat[i, out.columns.get_loc("reason_code")] = PRIORITY_BUSY
            out.iat[i, out.columns.get_loc("reason")] = (
                f"все {n} {plural(n, *_FITTING_BUSY)} наставляемыми более высокого приоритета ({labels})"
            )
        else:
            out.iat[i, out.columns.get_loc("reason")] += (
                f"; из них {count} {plural(count, 'занят', 'заняты', 'заняты')} наставляемыми "
                f"более высокого приоритета ({labels})"
            )
    return out


def compare_objectives(result_total, result_bottleneck) -> pd.DataFrame:
    """The results of the two objectives side by side, for the methodologist.

    Parameters
    ----------
    result_total, result_bottleneck : MatchResult
        :func:`matching.match` with ``objective`` ``total`` and ``bottleneck``
        on the same registry.

    Returns
    -------
    DataFrame
        Rows «Пар сформировано», «Балл самой слабой пары», «Средний балл
        пары», «Сумма баллов», «Наставляемых с другим наставником» (mentees
        whose mentor differs: matched in only one, or to another mentor) and
        «Кого касается» (their ids, «; »-separated; at most 20, then «…»);
        columns «Показатель», «Сумма баллов (total)», «Самая слабая пара
        (bottleneck)». Numbers are floats rounded to 3 digits, counts ints.
    """

    def stats(r):
        s = r.pairs["score"]
        return (
            len(r.pairs),
            round(float(s.min()), 3) if len(s) else float("nan"),
            round(float(s.mean()), 3) if len(s) else float("nan"),
            round(float(s.sum()), 3),
        )

    a, b = stats(result_total), stats(result_bottleneck)
    ma = dict(zip(result_total.pairs["mentee_id"], result_total.pairs["mentor_id"]))
    mb = dict(zip(result_bottleneck.pairs["mentee_id"], result_bottleneck.pairs["mentor_id"]))
    changed = sorted(m for m in set(ma) | set(mb) if ma.get(m) != mb.get(m))
    who = "; ".join(changed[:20]) + ("; …" if len(changed) > 20 else "")
    rows = [
        ("Пар сформировано", a[0], b[0]),
        ("Балл самой слабой пары", a[1], b[1]),
        ("Средний балл пары", a[2], b[2]),
        ("Сумма баллов", a[3], b[3]),
        ("Наставляемых с другим наставником", len(changed), len(changed)),
        ("Кого касается", who, who),
    ]
    return pd.DataFrame(
        rows, columns=["Показатель", "Сумма баллов (total)", "Самая слабая пара (bottleneck)"]
    )
