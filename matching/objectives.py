"""The objectives beyond the plain one: pairs in force, a change cost, priority tiers, the bottleneck.

Called by :func:`matching.solver.solve_arrays`; the rules and their proofs
of exactness are in the docstring of :mod:`matching.solver`. The argument
checks raise ValueError quoting the bad value.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from ortools.graph.python import min_cost_flow

from matching.flow import (
    FlowSolution,
    flow_graph,
    integer_scores,
    max_flow_min_cost,
    max_matched,
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
    # Priority tiers present among the mentees still to place; prefix maxima R_t.
    levels = np.unique(tier[e_idx[free]]) if tier is not None else np.zeros(0, np.int64)
    edge_level = np.searchsorted(levels, tier[e_idx]) if len(levels) > 1 else np.zeros(E, np.int64)
    n_levels = max(len(levels), 1)

    def prefix_maxima(mask, stop=None):
        out = []
        for k in range(n_levels):
            sub = mask & (edge_level <= k) if n_levels > 1 else mask
            out.append(max_matched(e_idx[sub], r_idx[sub], M, cap))
            if stop is not None and out[-1] != stop[k]:
                break
        return out

    targets = prefix_maxima(free) if n_levels > 1 or objective == "bottleneck" else None
    if objective == "bottleneck" and targets[-1] > 0:
        values = scores[free]
        if forced.any():
            # the minimum counts the kept pairs too: a threshold above their lowest score cannot raise
            # it further, but that score itself is a threshold to try (free scores clipped to it)
            values = np.minimum(values, scores[forced].min())
        values = np.unique(values)
        lo, hi = 0, len(values) - 1  # values[0] is the lowest free score: no restriction
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if prefix_maxima(free & (scores >= values[mid]), targets) == targets:
                lo = mid
            else:
                hi = mid - 1
        if len(values):
            free = free & (scores >= values[lo])
    n_nodes = M + N + 2 + (n_levels if n_levels > 1 else 0)
    ints, scaling = integer_scores(adjusted[free], M, n_nodes)
    fe, fr = e_idx[free], r_idx[free]
    if n_levels == 1:
        flows = max_flow_min_cost(fe, fr, ints, M, cap)[3]
    else:
        flows = _tiered_min_cost(fe, fr, ints, M, cap, edge_level[free], np.diff(targets, prepend=0))
    chosen = forced.copy()
    chosen[np.flatnonzero(free)[flows[M : M + len(fe)] > 0]] = True
    return FlowSolution(chosen=chosen, scaling=scaling)


def _tiered_min_cost(e_idx, r_idx, ints, M: int, capacity, edge_level, per_level):
    """Min cost with exactly ``per_level[k]`` mentees of level ``k`` matched: a hub node per
    level (node M + N + 2 + k, fed from the source with capacity ``per_level[k]``) feeds its
    mentees; the supplies are exact, so :meth:`SimpleMinCostFlow.solve` must route them all.
    Returns the flows on the arcs of :func:`flow_graph` (the source arcs replaced by hub arcs)."""
    N = len(capacity)
    L = len(per_level)
    hub = M + N + 2 + np.arange(L, dtype=np.int64)
    mentee_level = np.full(M, -1, np.int64)
    mentee_level[e_idx] = edge_level
    placed = np.flatnonzero(mentee_level >= 0)
    tails, heads, caps = flow_graph(e_idx, r_idx, M, capacity)
    tails = tails.copy()
    tails[:M][placed] = hub[mentee_level[placed]]  # mentee arcs leave their hub, not the source
    tails = np.concatenate([tails, np.zeros(L, np.int64)])
    heads = np.concatenate([heads, hub])
    caps = np.concatenate([caps, np.asarray(per_level, np.int64)])
    costs = np.concatenate([np.zeros(M, np.int64), -ints, np.zeros(N + L, np.int64)])
    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    total = int(np.sum(per_level))
    smcf.set_nodes_supplies(np.array([0, M + N + 1], np.int64), np.array([total, -total], np.int64))
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow with tier quotas ended with status {status!r}")
    return np.asarray(smcf.flows(arcs), np.int64)
