"""The objectives beyond the plain one: pairs in force, a change cost, priority tiers, the bottleneck.

Called by :func:`matching.solver.solve_arrays`; the rules and their proofs
of exactness are in the docstring of :mod:`matching.solver`. The argument
checks raise ValueError quoting the bad value.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from matching.flow import (
    FlowSolution,
    flow_graph,
    integer_scores,
    level_bonus,
    max_flow_min_cost,
    max_matched,
    node_potentials,
)

#: The objectives :func:`solve_assignment` knows.
OBJECTIVES = ("total", "bottleneck")


def check_objective(objective) -> str:
    if not isinstance(objective, str) or objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES!r}, got {objective!r}")
    return objective


def check_change_cost(change_cost) -> float | None:
    if change_cost is None:
        return None
    if (
        isinstance(change_cost, (bool, np.bool_))
        or not isinstance(change_cost, (numbers.Real, np.number))
        or not math.isfinite(float(change_cost))
        or float(change_cost) < 0
    ):
        raise ValueError(
            f"change_cost must be a finite number ≥ 0 (score units) or None, got {change_cost!r}"
        )
    return float(change_cost)


def check_current(current, e_idx) -> np.ndarray | None:
    """``current`` as a bool mask over the edges; at most one current edge per mentee."""
    if current is None:
        return None
    mask = np.asarray(current)
    if mask.dtype != bool or mask.shape != e_idx.shape:
        raise ValueError(
            f"current must be a bool array with one entry per edge ({len(e_idx)}), "
            f"got dtype {mask.dtype} and shape {mask.shape}"
        )
    held = e_idx[mask]
    counts = np.bincount(held) if len(held) else np.zeros(0, np.int64)
    if (counts > 1).any():
        raise ValueError(
            f"current pairs name mentee positions {np.flatnonzero(counts > 1)[:5].tolist()} "
            "more than once; a mentee has at most one pair in force"
        )
    return mask


def check_tier(tier, M: int) -> np.ndarray | None:
    if tier is None:
        return None
    t = np.asarray(tier)
    if t.shape != (M,) or t.dtype.kind not in "iu" or (M and t.min() < 1):
        raise ValueError(
            f"tier must hold one positive integer per mentee ({M}), got dtype {t.dtype}, "
            f"shape {t.shape}, values {np.unique(t)[:5].tolist()}"
        )
    return t.astype(np.int64)


def solve_objectives(e_idx, r_idx, scores, M: int, capacity, current, lam, tier, objective) -> FlowSolution:
    """Kept current pairs, tiers and bottleneck as in the module docstring (all arguments checked)."""
    N, E = len(capacity), len(e_idx)
    if E and not np.isfinite(scores).all():
        raise ValueError("scores must be finite numbers")
    forced = np.zeros(E, bool)
    free = np.ones(E, bool)
    cap = capacity
    adjusted = scores
    if current is not None and lam is None:  # keep every current pair
        forced = current
        load = np.bincount(r_idx[forced], minlength=N)
        over = np.flatnonzero(load > capacity)
        if len(over):
            raise ValueError(
                f"current pairs to keep exceed the capacity of mentor positions {over[:5].tolist()} "
                f"({load[over[:5]].tolist()} > {capacity[over[:5]].tolist()}); "
                "give a change_cost to allow breaking pairs"
            )
        cap = capacity - load
        held = np.zeros(M, bool)
        held[e_idx[forced]] = True
        free = ~held[e_idx]
    elif current is not None and lam:
        adjusted = scores + lam * current
    n_levels, level = tier_levels(tier, M)
    if objective == "bottleneck":
        fe, fr = e_idx[free], r_idx[free]
        quota = best_counts(fe, fr, M, cap, level, n_levels)
        if quota.sum() > 0:
            # the minimum counts the kept pairs too: a threshold above their lowest score cannot raise
            # it further, but that score itself is a threshold to try (free scores clipped to it)
            ceiling = float(scores[forced].min()) if forced.any() else None
            theta = bottleneck_threshold(fe, fr, scores[free], M, cap, level, quota, ceiling=ceiling)
            free = free & (scores >= theta)
    fe, fr = e_idx[free], r_idx[free]
    if n_levels > 1:
        sol = solve_levels(fe, fr, adjusted[free], M, cap, level, n_levels)
    else:
        ints, sol = integer_scores(adjusted[free], M, M + N + 2)
        flows = max_flow_min_cost(fe, fr, ints, M, cap)[3]
        sol = FlowSolution(chosen=flows[M : M + len(fe)] > 0, scaling=sol)
    chosen = forced.copy()
    chosen[np.flatnonzero(free)[sol.chosen]] = True
    sol.chosen = chosen
    return sol


def tier_levels(tier: np.ndarray | None, M: int) -> tuple[int, np.ndarray]:
    """``(L, level)``: the number of distinct tiers and each mentee's level (0: the smallest
    tier number, served first). Without tiers: ``(1, zeros)``."""
    if tier is None or not M:
        return 1, np.zeros(M, np.int64)
    values, level = np.unique(tier, return_inverse=True)
    return len(values), level.astype(np.int64).reshape(M)


def solve_levels(
    e_idx, r_idx, scores, M: int, capacity, level, n_levels: int, potentials=False, start=None
) -> FlowSolution:
    """The lexicographic optimum over priority levels, certified as ONE weighted circulation.

    A pair of mentee ``i`` earns the bonus ``B_i = (L − level_i) · big``
    (:func:`matching.flow.level_bonus`) on top of its scaled score; the
    circulation of largest weight is the lexicographic optimum (tier counts,
    then the total) by the exchange argument of :mod:`matching.solver`
    ("Priority tiers"). It is found in two cheaper steps with the same
    result: the best counts ``q`` (:func:`best_counts`, one max-flow per
    level), then the flow of ``Σ q`` units through per-level hubs of capacity
    ``q_k`` at the least cost ``−score`` (small costs, unlike the bonuses, so
    fewer cost-scaling phases). The result's ``mentee_bonus`` holds ``B_i``.
    With ``potentials`` the node potentials of the bonus circulation are
    computed from ``start`` (or 0) and verified on it, as for the plain
    objective: they prove this flow optimal for the bonuses too.
    """
    N, E = len(capacity), len(e_idx)
    n_nodes = M + N + 2
    ints, scaling = integer_scores(scores, M, n_nodes, n_levels)
    bonus = level_bonus(level, n_levels, scaling.big)
    e_idx, r_idx = np.asarray(e_idx, np.int64), np.asarray(r_idx, np.int64)
    chosen = np.zeros(E, bool)
    quota = best_counts(e_idx, r_idx, M, capacity, level, n_levels) if E else np.zeros(n_levels, np.int64)
    if quota.sum():
        tails, heads, caps = _hub_graph(e_idx, r_idx, M, capacity, level, quota)
        costs = np.concatenate([np.zeros(M, np.int64), -ints, np.zeros(N + n_levels, np.int64)])
        smcf = min_cost_flow.SimpleMinCostFlow()
        arcs = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        smcf.set_nodes_supplies(np.array([0, M + N + 1]), np.array([quota.sum(), -quota.sum()]))
        status = smcf.solve()
        if status != smcf.OPTIMAL:
            raise RuntimeError(f"min-cost flow with level quotas ended with status {status!r}")
        chosen = np.asarray(smcf.flows(arcs[M : M + E]), np.int64) > 0
    sol = FlowSolution(chosen=chosen, scaling=scaling, mentee_bonus=bonus)
    if potentials:
        # the circulation of matching.flow.residual_graph: pair arcs cost −(B_i + ints)
        tails, heads, caps = flow_graph(e_idx, r_idx, M, capacity)
        sink = M + N + 1
        flows = np.concatenate(
            [
                np.bincount(e_idx[chosen], minlength=M),
                chosen.astype(np.int64),
                np.bincount(r_idx[chosen], minlength=N),
                [int(chosen.sum())],
            ]
        )
        costs = np.concatenate([np.zeros(M, np.int64), -(bonus[e_idx] + ints), np.zeros(N + 1, np.int64)])
        tails, heads = np.concatenate([tails, [sink]]), np.concatenate([heads, [0]])
        caps = np.concatenate([caps, [M]])
        sol.set_potentials(node_potentials(tails, heads, caps, costs, flows, n_nodes, start), M, N)
    return sol


def best_counts(e_idx, r_idx, M: int, capacity, level, n_levels: int) -> np.ndarray:
    """Matched mentees per level of the lexicographic optimum (int64, shape (L,)): ``R_k − R_{k−1}``
    with ``R_k`` the most mentees of levels ``≤ k`` matched together (one max-flow each)."""
    edge_level = level[e_idx]
    prefix = [
        max_matched(e_idx[edge_level <= k], r_idx[edge_level <= k], M, capacity) for k in range(n_levels)
    ]
    return np.diff(np.asarray(prefix, np.int64), prepend=0)


def reaches(e_idx, r_idx, M: int, capacity, level, quota) -> bool:
    """Can these edges match ``quota[k]`` mentees of each level ``k`` at once (``quota`` the counts
    of the lexicographic optimum of a larger edge set)? One max-flow: a hub per level passes at
    most ``quota[k]``, so the flow reaches ``Σ quota`` exactly when the counts are met."""
    quota = np.asarray(quota, np.int64)
    if len(quota) == 1:
        return max_matched(e_idx, r_idx, M, capacity) == quota[0]
    return quota_cut(e_idx, r_idx, M, capacity, level, quota)[0]


def quota_cut(e_idx, r_idx, M: int, capacity, level, quota, cut: bool = False):
    """:func:`reaches` and, with ``cut``, the source side of a minimum cut of its max-flow.

    Returns ``(reached, mentee_side, mentor_side)``: the bool masks (shapes (M,), (N,)) of
    the mentees and mentors on the source side of the smallest minimum cut (``None`` without
    ``cut``). A pair ``(i, j)`` added to the edges can raise the flow only if it crosses the
    cut, ``i`` on the source side and ``j`` not (max-flow min-cut, docs/sources.md
    [Ahuja-Magnanti-Orlin-1993]): otherwise the same cut bounds the larger graph too.
    """
    quota = np.asarray(quota, np.int64)
    N, L = len(capacity), len(quota)
    if not len(e_idx):
        # no edges: the cut is {source, hubs, mentees}, of capacity Σ over mentors = 0 flow
        return (not quota.sum()), (np.ones(M, bool) if cut else None), (np.zeros(N, bool) if cut else None)
    smf = max_flow.SimpleMaxFlow()
    smf.add_arcs_with_capacity(*_hub_graph(e_idx, r_idx, M, capacity, level, quota))
    status = smf.solve(0, M + N + 1)
    if status != smf.OPTIMAL:
        raise RuntimeError(f"max-flow with level quotas ended with status {status!r}")
    reached = int(smf.optimal_flow()) == int(quota.sum())
    if not cut:
        return reached, None, None
    side = np.zeros(M + N + 2 + L, bool)
    side[np.asarray(smf.get_source_side_min_cut(), np.int64)] = True
    return reached, side[1 : 1 + M], side[1 + M : 1 + M + N]


def _hub_graph(e_idx, r_idx, M: int, capacity, level, quota):
    """``(tails, heads, caps)``: the arcs of :func:`matching.flow.flow_graph` with each mentee fed
    by the hub of its level (node ``M + N + 2 + k``), and the arcs source → hub ``k`` of
    capacity ``quota[k]`` last."""
    N, L = len(capacity), len(quota)
    hub = M + N + 2 + np.arange(L, dtype=np.int64)
    tails, heads, caps = flow_graph(e_idx, r_idx, M, capacity)
    tails = tails.copy()
    tails[:M] = hub[level]  # mentee arcs leave their level's hub
    return (
        np.concatenate([tails, np.zeros(L, np.int64)]),
        np.concatenate([heads, hub]),
        np.concatenate([caps, np.asarray(quota, np.int64)]),
    )


def bottleneck_threshold(
    e_idx, r_idx, scores, M: int, capacity, level, quota, ceiling=None, floor=None
) -> float:
    """The largest ``θ`` among the distinct ``scores`` (clipped to ``ceiling``) such that the edges of
    score ``≥ θ`` still :func:`reaches` ``quota``: binary search, monotone in ``θ``. ``floor``: a
    value known to reach (e.g. the lowest score of an optimal assignment) — the search starts
    there. Each probe keeps only the edges at or above its ``θ``.

    The search is cut from above by :func:`count_bound` (no ``θ`` above it can reach), and that
    bound is tried first: when the weakest pair is forced by a mentee or level with few good
    candidates it is the answer, found with one max-flow."""
    values = np.asarray(scores, float)
    if ceiling is not None:
        values = np.minimum(values, ceiling)
    values = np.unique(values)
    if floor is not None and len(values):
        low = floor if ceiling is None else min(floor, ceiling)
        values = values[values >= min(low, values[-1])]
    if not len(values):
        return -np.inf
    scores = np.asarray(scores, float)
    e_idx, r_idx = np.asarray(e_idx, np.int64), np.asarray(r_idx, np.int64)
    bound = count_bound(e_idx, r_idx, scores, M, capacity, level, quota)
    values = values[: max(1, int(np.searchsorted(values, bound, side="right")))]
    lo, hi = 0, len(values) - 1  # values[lo] reaches (the lowest: no restriction, or the floor)
    first = True
    while lo < hi:
        mid = hi if first else (lo + hi + 1) // 2  # the bound first
        first = False
        keep = scores >= values[mid]
        if reaches(e_idx[keep], r_idx[keep], M, capacity, level, quota):
            lo = mid
            # the surviving edges only from here on
            e_idx, r_idx, scores = e_idx[keep], r_idx[keep], scores[keep]
        else:
            hi = mid - 1
    return float(values[lo])


def count_bound(e_idx, r_idx, scores, M: int, capacity, level, quota) -> float:
    """An upper bound of the threshold :func:`bottleneck_threshold` finds: edges of score ``≥ θ``
    reach ``quota`` only if at least ``quota[k]`` mentees of each level ``k`` have such an edge,
    and the mentors with such an edge have ``Σ quota`` places. So ``θ`` is at most the
    ``quota[k]``-th largest best score of a level-``k`` mentee, and at most the score at which
    the mentors ordered by their best score first offer ``Σ quota`` places (inf: no bound)."""
    quota = np.asarray(quota, np.int64)
    if not quota.sum() or not len(e_idx):
        return np.inf
    best_e = np.full(M, -np.inf)
    np.maximum.at(best_e, e_idx, scores)
    bound = np.inf
    for k in np.flatnonzero(quota):
        top = np.sort(best_e[level == k])[::-1]
        bound = min(bound, top[quota[k] - 1] if quota[k] <= len(top) else -np.inf)
    best_r = np.full(len(capacity), -np.inf)
    np.maximum.at(best_r, r_idx, scores)
    order = np.argsort(-best_r, kind="stable")
    places = np.cumsum(np.asarray(capacity, np.int64)[order])
    j = int(np.searchsorted(places, quota.sum()))
    return float(min(bound, best_r[order[j]] if j < len(order) else -np.inf))
