"""Exact capacitated assignment: most mentees matched, then the highest total score.

The problem is a min-cost flow (Ahuja, Magnanti & Orlin, *Network Flows:
Theory, Algorithms, and Applications*, Prentice Hall, 1993: min-cost flows
ch. 9–10, assignments ch. 12)::

    source ──1──▶ mentee ──1, cost −s──▶ mentor ──capacity──▶ sink

solved with OR-Tools ``SimpleMinCostFlow.solve_max_flow_with_min_cost``: the
flow is maximal (the most mentees matched) and, among maximum flows, of
minimum cost (the highest total score). The same optimum is that of the
circulation with a return arc sink → source in which every matched pair
earns a bonus ``B`` larger than any assignment's total score (cost
``−(B + s)``); the certificate below is stated on that form. Network flows
have integral optima, so the result is exact, not a heuristic. Arcs are added
with the vectorised numpy calls. A complete bipartite graph with every
capacity 1 goes to scipy's ``linear_sum_assignment`` instead, which is faster
there and exact on floats.

Continuity, priority tiers, bottleneck
--------------------------------------
:func:`solve_assignment` also takes the pairs in force (``current``), a
price for breaking one (``change_cost``), priority tiers of mentees and a
bottleneck objective. None of them uses a big-M weight:

* a current pair that must be kept is fixed in advance (its mentee leaves the
  problem, its mentor's capacity drops by one); a price ``λ`` for breaking a
  current pair is a bonus ``λ`` on that pair's score (``Σ s − λ·broken`` and
  ``Σ s + λ·kept`` differ by the constant ``λ·|current|``);
* tiers: the mentees that can be matched form a transversal matroid, so the
  lexicographic optimum (most tier-1 mentees, then most tier-2, …) is the
  greedy one, and the greedy basis meets every prefix of tiers in a set of
  the largest possible size (J. Edmonds & D. R. Fulkerson, "Transversals and
  matroid partition", J. Res. NBS 69B, 1965; J. Edmonds, "Matroids and the
  greedy algorithm", Math. Programming 1, 1971). Hence
  the optimum matches exactly ``R_t − R_{t−1}`` mentees of tier ``t``, where
  ``R_t`` is the maximum number of mentees of tiers ``≤ t`` that can be
  matched together — one max-flow per tier. The final solve is a min-cost
  flow with a hub node per tier that must pass exactly that many units
  (exact supplies, no weights), so every tier vector is met and the total
  score is optimal among such assignments. Every tier-optimal assignment is
  also a maximum one (a matroid basis);
* bottleneck: the largest ``θ`` among the distinct pair scores such that the
  pairs with score ≥ ``θ`` still reach the same tier counts (the same
  prefix maxima ``R_t``) is found by binary search (max-flow checks only;
  monotone in ``θ``); the final solve then uses those pairs only. Pairs kept
  by force count in the minimum too, so ``θ`` never needs to exceed their
  lowest score. Scores are compared as given (floats, no rounding).

Ties between equally good assignments are broken by the solver's processing
of the arcs, which are added in the order (mentee position, mentor position)
with positions those of the sorted ids; the input's row order does not
matter, so equal inputs give equal outputs. The order of the keys compared
is: tier counts (tier 1 first), then the smallest pair score (bottleneck
only), then the total ``Σ score − λ · (current pairs not kept)``.

Integer scaling
---------------
Min-cost flow needs integer costs. If every score is an integer (within
1e-9) the scores are used as they are and the optimum is exact. Otherwise
scores are multiplied by ``scale = 10**k`` and rounded, with ``k`` as large
as the 64-bit cost range allows (``k = 9`` for scores in [0, 1] up to tens of
thousands of nodes). Each rounded score differs from the true one by at most
``0.5 / scale``, so the returned assignment's true total score is within
``P / scale`` of the true optimum, where ``P`` is the number of pairs in it.
The number of matched mentees is always exactly maximal. With a change cost
the rounded values are those of ``score + λ`` on current pairs.

Optimality certificate
----------------------
With ``potentials=True`` the solver also returns node potentials ``π`` of
the optimal flow, computed as shortest-path distances in its residual graph
(vectorised Bellman–Ford) and verified: every residual arc has a
non-negative reduced cost. An edge that was *not* offered
to the solver, ``(i, j)`` with score ``x``, could not improve the result if
``B + ⌈x · scale⌉ ≤ π_i − π_j`` (its reduced cost is non-negative; rounding
up keeps the test on the safe side); when this
holds for every left-out edge, the assignment is optimal for the full edge
set (LP duality). :func:`matching.engine.match` uses this to solve on the
best candidates only and still prove optimality over all feasible pairs.
The certificate covers the plain objective only (with a change cost: on the
scores ``score + λ`` of current pairs).

Determinism: edges are taken in the order given (the DataFrame API sorts them
by mentee_id, mentor_id first), so equal inputs give equal outputs.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from ortools.graph.python import max_flow, min_cost_flow

#: Largest |unit cost| × (nodes + 1) allowed, with a margin below 2**63 for the solver's own scaling.
_COST_LIMIT = 2**61


@dataclass(frozen=True)
class Scaling:
    """How scores were turned into integer costs: ``cost = −(big + round(score · scale))``."""

    scale: float
    exact: bool
    big: int


def integer_scores(scores: np.ndarray, n_mentees: int = 1, n_nodes: int = 2) -> tuple[np.ndarray, Scaling]:
    """Scale float scores to int64 as described in the module docstring.

    Parameters
    ----------
    scores : array of float
    n_mentees : int
        Number of mentees (bounds how many pairs one assignment has).
    n_nodes : int
        Nodes of the flow graph (bounds the cost range the solver accepts).

    Raises
    ------
    ValueError
        Non-finite scores, or integer scores too large for 64-bit costs.
    """
    scores = np.asarray(scores, dtype=float)
    if scores.size and not np.all(np.isfinite(scores)):
        raise ValueError("scores must be finite numbers")
    top = float(np.abs(scores).max()) if scores.size else 0.0
    pairs = max(int(n_mentees), 1) + 1
    # Need (pairs * top * scale * 2 + 1) * (n_nodes + 1) < _COST_LIMIT.
    budget = _COST_LIMIT / (2 * pairs * (n_nodes + 1))
    if scores.size == 0 or np.allclose(scores, np.round(scores), rtol=0, atol=1e-9):
        if top > budget:
            raise ValueError(f"integer scores up to {top:g} are too large for exact 64-bit costs")
        ints = np.round(scores).astype(np.int64)
        return ints, Scaling(1.0, True, int(2 * pairs * max(top, 1) + 1))
    k = min(9, math.floor(math.log10(budget / top)))
    scale = 10.0**k
    ints = np.round(scores * scale).astype(np.int64)
    big = int(2 * pairs * max(int(np.abs(ints).max()), 1) + 1)
    return ints, Scaling(scale, False, big)


@dataclass
class FlowSolution:
    """Result of :func:`solve_arrays`.

    Attributes
    ----------
    chosen : ndarray of bool
        Per edge: is it in the optimal assignment.
    scaling : Scaling
    mentee_potential, mentor_potential : ndarray of int64 or None
        Node potentials ``π`` (with ``potentials=True``), per mentee and
        mentor position.
    node_potential : ndarray of int64 or None
        All node potentials (source, mentees, mentors, sink), for
        ``solve_arrays(..., start=...)`` on a graph with the same nodes.
    """

    chosen: np.ndarray
    scaling: Scaling
    mentee_potential: np.ndarray | None = None
    mentor_potential: np.ndarray | None = None
    node_potential: np.ndarray | None = None

    def slack(self, e_idx: np.ndarray, r_idx: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Reduced cost ``π_i − π_j − (B + ⌈x · scale⌉)`` of edges not offered to the solver
        (int64; negative: adding the edge could improve the optimum)."""
        s = np.ceil(np.asarray(scores, float) * self.scaling.scale).astype(np.int64)  # conservative
        e_idx, r_idx = np.asarray(e_idx, np.int64), np.asarray(r_idx, np.int64)
        return self.mentee_potential[e_idx] - self.mentor_potential[r_idx] - (self.scaling.big + s)

    def cannot_improve(self, e_idx: np.ndarray, r_idx: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """For edges not offered to the solver: True where adding the edge could not
        improve the optimum (non-negative reduced cost), see the module docstring."""
        return self.slack(e_idx, r_idx, scores) >= 0

    def improvement_bound(self, e_idx: np.ndarray, best_score: np.ndarray) -> np.ndarray:
        """True where *no* edge of mentee ``e_idx`` with score ≤ ``best_score`` can improve
        the optimum, whatever its mentor (uses the largest mentor potential)."""
        s = np.ceil(np.asarray(best_score, float) * self.scaling.scale).astype(np.int64)
        e_idx = np.asarray(e_idx, np.int64)
        return self.scaling.big + s + self.mentor_potential.max(initial=0) <= self.mentee_potential[e_idx]


#: The objectives :func:`solve_assignment` knows.
OBJECTIVES = ("total", "bottleneck")


def solve_arrays(
    e_idx: np.ndarray,
    r_idx: np.ndarray,
    scores: np.ndarray,
    n_mentees: int,
    capacity: np.ndarray,
    *,
    potentials: bool = False,
    start: np.ndarray | None = None,
    current: np.ndarray | None = None,
    change_cost: float | None = None,
    tier: np.ndarray | None = None,
    objective: str = "total",
) -> FlowSolution:
    """The optimal assignment on integer positions (the core of :func:`solve_assignment`).

    Parameters
    ----------
    e_idx, r_idx : int arrays, shape (E,)
        Mentee position (0 … n_mentees − 1) and mentor position
        (0 … len(capacity) − 1) of each edge; no edge may repeat.
    scores : float array, shape (E,)
        Score units; higher is better.
    n_mentees : int
    capacity : int array, shape (N,)
        Capacity of each mentor (≥ 0).
    potentials : bool
        Also compute and verify node potentials (the optimality certificate).
        Only for the plain objective (no ``tier``, ``objective="total"``,
        and ``current`` only together with a ``change_cost``).
    start : int array, optional
        Potentials to start the shortest-path rounds from (``node_potential``
        of an earlier solve on the same nodes with the same scaling, e.g.
        after adding edges): fewer rounds, and potentials that move less.
        Any start gives verified potentials.
    current : bool array, shape (E,), optional
        The edges that are pairs in force (at most one per mentee).
    change_cost : float ≥ 0, optional
        Score units lost per current edge not chosen. ``None`` (with
        ``current``): every current edge is kept.
    tier : int array, shape (n_mentees,), optional
        Priority tier of each mentee (1 is served first).
    objective : {"total", "bottleneck"}
        See :func:`solve_assignment`.

    Returns
    -------
    FlowSolution
        ``chosen`` marks the chosen edges (kept current edges included).

    Raises
    ------
    ValueError
        Bad ``current``, ``change_cost``, ``tier`` or ``objective`` (the
        message quotes the value); current edges to keep that exceed a
        mentor's capacity; ``potentials`` with a non-plain objective.
    RuntimeError
        The solver did not report an optimum, or the certificate check failed
        (neither is expected for valid input).
    """
    objective = _check_objective(objective)
    lam = _check_change_cost(change_cost)
    e_idx = np.asarray(e_idx, np.int64)
    r_idx = np.asarray(r_idx, np.int64)
    capacity = np.asarray(capacity, np.int64)
    M, N, E = int(n_mentees), len(capacity), len(e_idx)
    scores = np.asarray(scores, float)
    if tier is not None or objective != "total" or (current is not None and lam is None):
        if potentials:
            raise ValueError(
                "potentials (the optimality certificate) cover the plain objective only; "
                f"got tier={'given' if tier is not None else None}, objective={objective!r}, "
                f"current={'given' if current is not None else None} with change_cost={change_cost!r}"
            )
        return _solve_objectives(
            e_idx,
            r_idx,
            scores,
            M,
            capacity,
            _check_current(current, e_idx),
            lam,
            _check_tier(tier, M),
            objective,
        )
    if current is not None and lam:
        scores = scores + lam * _check_current(current, e_idx)
    if not potentials and E and E == M * N and (capacity == 1).all() and current is None:
        return _solve_dense(e_idx, r_idx, scores, M, N)
    n_nodes = M + N + 2
    ints, scaling = integer_scores(scores, M, n_nodes)
    tails, heads, caps, flows = _max_flow_min_cost(e_idx, r_idx, ints, M, capacity)
    sol = FlowSolution(chosen=flows[M : M + E] > 0, scaling=scaling)
    if potentials:
        # Certificate on the circulation form: pair arcs cost −(B + s), return arc sink → source.
        source, sink = 0, M + N + 1
        zeros_m, zeros_n = np.zeros(M, np.int64), np.zeros(N, np.int64)
        matched = int(flows[M : M + E].sum())
        pi = _potentials(
            np.concatenate([tails, [sink]]),
            np.concatenate([heads, [source]]),
            np.concatenate([caps, [M]]),
            np.concatenate([zeros_m, -(scaling.big + ints), zeros_n, [0]]),
            np.concatenate([flows, [matched]]),
            n_nodes,
            start,
        )
        sol.node_potential = pi
        sol.mentee_potential = pi[1 : 1 + M]
        sol.mentor_potential = pi[1 + M : 1 + M + N]
    return sol


def _flow_graph(e_idx, r_idx, M: int, capacity):
    """Arcs source → mentee (cap 1), mentee → mentor (cap 1), mentor → sink (capacity);
    nodes 0 (source), 1 … M (mentees), M + 1 … M + N (mentors), M + N + 1 (sink)."""
    N, E = len(capacity), len(e_idx)
    sink = M + N + 1
    tails = np.concatenate([np.zeros(M, np.int64), 1 + e_idx, 1 + M + np.arange(N, dtype=np.int64)])
    heads = np.concatenate([1 + np.arange(M, dtype=np.int64), 1 + M + r_idx, np.full(N, sink, np.int64)])
    caps = np.concatenate([np.ones(M, np.int64), np.ones(E, np.int64), capacity])
    return tails, heads, caps


def _max_flow_min_cost(e_idx, r_idx, ints, M: int, capacity):
    """Max flow, then min cost among maximum flows (pair arc cost ``−ints``):
    ``(tails, heads, caps, flows)`` of the graph of :func:`_flow_graph`."""
    N, E = len(capacity), len(e_idx)
    tails, heads, caps = _flow_graph(e_idx, r_idx, M, capacity)
    zeros_m, zeros_n = np.zeros(M, np.int64), np.zeros(N, np.int64)
    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(
        tails, heads, caps, np.concatenate([zeros_m, -ints, zeros_n])
    )
    smcf.set_nodes_supplies(np.array([0, M + N + 1], np.int64), np.array([M, -M], np.int64))
    if E:
        # Max flow first (most mentees), then min cost among maximum flows (highest score):
        # the lexicographic optimum, equal to the circulation optimum with the bonus B.
        status = smcf.solve_max_flow_with_min_cost()
        if status != smcf.OPTIMAL:
            raise RuntimeError(f"min-cost flow ended with status {status!r}")
        flows = np.asarray(smcf.flows(arcs), np.int64)
    else:
        flows = np.zeros(len(arcs), np.int64)
    return tails, heads, caps, flows


def _max_matched(e_idx, r_idx, M: int, capacity) -> int:
    """The largest number of mentees matched at once over these edges (one max-flow)."""
    if not len(e_idx):
        return 0
    smf = max_flow.SimpleMaxFlow()
    smf.add_arcs_with_capacity(*_flow_graph(e_idx, r_idx, M, capacity))
    status = smf.solve(0, M + len(capacity) + 1)
    if status != smf.OPTIMAL:
        raise RuntimeError(f"max-flow ended with status {status!r}")
    return int(smf.optimal_flow())


def _check_objective(objective) -> str:
    if not isinstance(objective, str) or objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES!r}, got {objective!r}")
    return objective


def _check_change_cost(change_cost) -> float | None:
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


def _check_current(current, e_idx) -> np.ndarray | None:
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


def _check_tier(tier, M: int) -> np.ndarray | None:
    if tier is None:
        return None
    t = np.asarray(tier)
    if t.shape != (M,) or t.dtype.kind not in "iu" or (M and t.min() < 1):
        raise ValueError(
            f"tier must hold one positive integer per mentee ({M}), got dtype {t.dtype}, "
            f"shape {t.shape}, values {np.unique(t)[:5].tolist()}"
        )
    return t.astype(np.int64)


def _solve_objectives(e_idx, r_idx, scores, M: int, capacity, current, lam, tier, objective) -> FlowSolution:
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
            out.append(_max_matched(e_idx[sub], r_idx[sub], M, cap))
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
        flows = _max_flow_min_cost(fe, fr, ints, M, cap)[3]
    else:
        flows = _tiered_min_cost(fe, fr, ints, M, cap, edge_level[free], np.diff(targets, prepend=0))
    chosen = forced.copy()
    chosen[np.flatnonzero(free)[flows[M : M + len(fe)] > 0]] = True
    return FlowSolution(chosen=chosen, scaling=scaling)


def _tiered_min_cost(e_idx, r_idx, ints, M: int, capacity, edge_level, per_level):
    """Min cost with exactly ``per_level[k]`` mentees of level ``k`` matched: a hub node per
    level (node M + N + 2 + k, fed from the source with capacity ``per_level[k]``) feeds its
    mentees; the supplies are exact, so :meth:`SimpleMinCostFlow.solve` must route them all.
    Returns the flows on the arcs of :func:`_flow_graph` (the source arcs replaced by hub arcs)."""
    N = len(capacity)
    L = len(per_level)
    hub = M + N + 2 + np.arange(L, dtype=np.int64)
    mentee_level = np.full(M, -1, np.int64)
    mentee_level[e_idx] = edge_level
    placed = np.flatnonzero(mentee_level >= 0)
    tails, heads, caps = _flow_graph(e_idx, r_idx, M, capacity)
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


def _solve_dense(e_idx, r_idx, scores, M: int, N: int) -> FlowSolution:
    """Complete bipartite graph, every capacity 1: scipy's linear_sum_assignment.

    On a complete graph every maximum-weight assignment of the rectangular
    problem matches min(M, N) mentees, so it is also the lexicographic
    optimum; scipy works on the float scores directly (no scaling).
    """
    flat = e_idx * N + r_idx
    if (flat == np.arange(M * N)).all():  # row-major already: no scatter needed
        return _solve_dense_matrix(scores.reshape(M, N))
    weight = np.empty((M, N))
    weight[e_idx, r_idx] = scores
    dense = _solve_dense_matrix(weight)
    return FlowSolution(chosen=dense.chosen[flat], scaling=dense.scaling)


def _solve_dense_matrix(weight: np.ndarray) -> FlowSolution:
    """:func:`_solve_dense` on an (M, N) score matrix; ``chosen`` is row-major over its cells."""
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(weight, maximize=True)
    chosen = np.zeros(weight.size, bool)
    chosen[rows * weight.shape[1] + cols] = True
    return FlowSolution(chosen=chosen, scaling=Scaling(1.0, True, 0))


def _potentials(tails, heads, caps, costs, flows, n_nodes, start=None) -> np.ndarray:
    """Shortest-path distances from a virtual root in the residual graph of an optimal flow.

    The root reaches every node at cost 0 (or at cost ``start[v]`` when a
    start is given), so all distances start there; then Bellman–Ford rounds
    relax every residual arc at once (numpy, grouped by head) until nothing
    changes. An optimal flow has no negative cycle, so this ends within
    ``n_nodes`` rounds (a few hundred on a 20,000 × 10,000 instance from 0;
    far fewer from the potentials of a similar flow). Verified at the end:
    every residual arc has a non-negative reduced cost.
    """
    fwd = flows < caps
    bwd = flows > 0
    rt = np.concatenate([tails[fwd], heads[bwd]])
    rh = np.concatenate([heads[fwd], tails[bwd]])
    rc = np.concatenate([costs[fwd], -costs[bwd]])
    order = np.argsort(rh, kind="stable")
    rt, rh, rc = rt[order], rh[order], rc[order]
    d = np.zeros(n_nodes, np.int64) if start is None else np.array(start, np.int64)
    if len(d) != n_nodes:
        raise ValueError(f"start has {len(d)} potentials; expected one per node ({n_nodes})")
    if len(rt):
        starts = np.flatnonzero(np.r_[True, rh[1:] != rh[:-1]])
        head_of_group = rh[starts]
        for _ in range(n_nodes + 1):
            best = np.minimum.reduceat(d[rt] + rc, starts)
            improved = best < d[head_of_group]
            if not improved.any():
                break
            d[head_of_group[improved]] = best[improved]
        else:
            raise RuntimeError("potentials: negative cycle in the residual graph (flow not optimal)")
        if (rc + d[rt] - d[rh]).min() < 0:
            raise RuntimeError("potentials: a residual arc has a negative reduced cost")
    return d


def _complete_grid(edges: pd.DataFrame) -> list | None:
    """The mentor ids when ``edges`` (numeric ids) is the complete grid in row-major order:
    mentee ids ascending, each mentee with the same strictly ascending mentor ids; else None.
    A few passes over the id columns and no copies of them, so the dense case costs little
    more than scipy itself."""
    e, r = edges["mentee_id"].to_numpy(), edges["mentor_id"].to_numpy()
    if (
        e.dtype.kind not in "iuf"
        or r.dtype.kind not in "iuf"
        or not edges["mentee_id"].is_monotonic_increasing
    ):
        return None
    n = len(e)
    starts = np.flatnonzero(np.concatenate([[True], e[1:] != e[:-1]]))
    width = n // len(starts)
    if width * len(starts) != n or not (np.diff(starts) == width).all():
        return None
    first = r[:width]
    if not (first[1:] > first[:-1]).all() or not (r.reshape(-1, width) == first).all():
        return None
    return first.tolist()


def sorted_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """``pd.factorize(values, sort=True)`` with two exact fast paths for id columns.

    Small non-negative integer ids (matrix positions) are coded through a
    presence table, and an already sorted column through its run boundaries;
    anything else (string ids, say) goes to pandas' hash table. All three give
    the same codes (int64, position of the id in the sorted uniques) and the
    same sorted uniques.
    """
    a = values.to_numpy()
    n = len(a)
    if n and a.dtype.kind in "iu":
        low, high = int(a.min()), int(a.max())
        if low >= 0 and high < 4 * n + 1024:
            present = np.zeros(high + 1, bool)
            present[a] = True
            code_of = np.cumsum(present) - 1
            return code_of[a].astype(np.int64), pd.Index(np.flatnonzero(present).astype(a.dtype))
    if n and a.dtype.kind in "iuf" and values.is_monotonic_increasing and not values.hasnans:
        start = np.empty(n, bool)
        start[0] = True
        np.not_equal(a[1:], a[:-1], out=start[1:])
        return np.cumsum(start) - 1, pd.Index(a[start])
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), uniques


def solve_assignment(
    edges: pd.DataFrame,
    capacity: Mapping[str, int],
    *,
    current: pd.DataFrame | None = None,
    change_cost: float | None = None,
    priority: Mapping | None = None,
    objective: str = "total",
) -> pd.DataFrame:
    """Choose pairs: the most mentees matched, then the highest total score.

    The comparison is lexicographic, key by key: (1) the number of matched
    mentees of each priority tier, tier 1 first (without ``priority``: the
    number of matched mentees); (2) with ``objective="bottleneck"`` only,
    the smallest score among the chosen pairs (larger is better); (3) the
    total ``Σ score − change_cost · (current pairs present in edges and not
    kept)``. Each key is optimised exactly (see the module docstring; totals
    of non-integer scores to within the documented scaling precision); ties
    go to the solver's fixed arc order (sorted ids), never to the row order.

    Parameters
    ----------
    edges : DataFrame
        Columns ``mentee_id``, ``mentor_id`` (hashable ids) and ``score``
        (float, any sign, score units; higher is better). Each row is an
        allowed pair; pairs not listed are not allowed. A repeated pair keeps
        its highest score.
    capacity : mapping
        ``{mentor_id: int ≥ 0}``: how many mentees each mentor takes. Every
        mentor that appears in ``edges`` must be present.
    current : DataFrame, optional
        Columns ``mentee_id``, ``mentor_id``: the pairs in force, at most one
        per mentee. A current pair absent from ``edges`` (no longer allowed)
        is released.
    change_cost : float ≥ 0, optional
        Score units lost for each current pair present in ``edges`` that is
        not kept. ``None`` (the default): every such pair is kept and uses
        its mentor's capacity (ValueError if they exceed it).
    priority : mapping, optional
        ``{mentee_id: tier}``, tier a positive int, 1 served first. Mentees
        not listed form a tier after every listed one. Ids that are not
        mentees of ``edges`` are ignored.
    objective : {"total", "bottleneck"}
        ``"total"``: keys (1) and (3) above; ``"bottleneck"``: (1), (2), (3).

    Returns
    -------
    DataFrame
        The chosen rows of ``edges`` (all their columns), one per matched
        mentee, sorted by ``mentee_id``. Each mentee appears at most once and
        each mentor at most ``capacity`` times. The attribute
        ``result.attrs["scaling"]`` holds the :class:`Scaling` used.

    Raises
    ------
    ValueError
        Missing columns, a mentor without capacity, a negative capacity,
        non-finite scores; a negative or non-numeric ``change_cost``, an
        unknown ``objective``, a tier that is not a positive integer, a
        ``current`` without its columns or naming a mentee twice, current
        pairs to keep that exceed a mentor's capacity (each message quotes
        the bad value).
    RuntimeError
        The solver did not report an optimal flow (not expected for valid
        input).
    """
    missing = {"mentee_id", "mentor_id", "score"} - set(edges.columns)
    if missing:
        raise ValueError(f"edges lacks columns {sorted(missing)}; expected mentee_id, mentor_id, score")
    objective = _check_objective(objective)
    lam = _check_change_cost(change_cost)
    if current is not None:
        if not isinstance(current, pd.DataFrame) or {"mentee_id", "mentor_id"} - set(current.columns):
            got = list(current.columns) if isinstance(current, pd.DataFrame) else type(current).__name__
            raise ValueError(f"current must be a DataFrame with columns mentee_id, mentor_id; got {got}")
        twice = current.loc[current["mentee_id"].duplicated(), "mentee_id"]
        if len(twice):
            raise ValueError(
                f"current names mentees {list(dict.fromkeys(twice))[:5]!r} more than once; "
                "a mentee has at most one pair in force"
            )
    if priority is not None:
        if not isinstance(priority, Mapping):
            raise ValueError(f"priority must be a mapping mentee_id → tier, got {type(priority).__name__}")
        bad = {
            k: v
            for k, v in priority.items()
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Integral, np.integer)) or v < 1
        }
        if bad:
            raise ValueError(
                "priority tiers must be positive integers (1 = served first), "
                f"got {dict(list(bad.items())[:5])!r}"
            )
    plain = current is None and priority is None and objective == "total"
    if len(edges) == 0:
        out = edges.iloc[0:0].copy()
        out.attrs["scaling"] = Scaling(1.0, True, 1)
        return out
    if not plain:
        return _solve_frame(edges, capacity, current, lam, priority, objective)
    grid = _complete_grid(edges)
    if grid is not None and all(capacity.get(m) == 1 for m in grid):
        # Complete, row-major, every capacity 1: the score column is the matrix (no coding).
        score = edges["score"].to_numpy(float)
        if not np.isfinite(score).all():
            raise ValueError("scores must be finite numbers")
        sol = _solve_dense_matrix(score.reshape(-1, len(grid)))
        out = edges.iloc[np.flatnonzero(sol.chosen)].reset_index(drop=True)
        out.attrs["scaling"] = sol.scaling
        return out
    mentee_codes, mentees, mentor_codes, mentors, cap, keep = _code_edges(edges, capacity)
    score = edges["score"].to_numpy(float)
    M = len(mentees)
    sol = solve_arrays(mentee_codes[keep], mentor_codes[keep], score[keep], M, cap)
    rows = np.sort(keep[sol.chosen], kind="stable")  # original positions; ids sorted below
    out = edges.iloc[rows]
    out = out.iloc[np.argsort(mentee_codes[rows], kind="stable")].reset_index(drop=True)
    out.attrs["scaling"] = sol.scaling
    return out


def _code_edges(edges: pd.DataFrame, capacity: Mapping):
    """Positions of the edges: ``(mentee_codes, mentees, mentor_codes, mentors, cap, keep)`` with
    ``keep`` the rows in (mentee, mentor) order, one per pair (its highest score)."""
    mentee_codes, mentees = sorted_codes(edges["mentee_id"])
    mentor_codes, mentors = sorted_codes(edges["mentor_id"])
    unknown = [m for m in mentors if m not in capacity]
    if unknown:
        raise ValueError(f"capacity has no entry for mentors {unknown[:5]!r}; expected an int for each")
    cap = np.array([int(capacity[m]) for m in mentors], dtype=np.int64)
    if (cap < 0).any():
        raise ValueError(f"capacity must be ≥ 0, got {dict(zip(mentors[cap < 0], cap[cap < 0]))!r}")
    score = edges["score"].to_numpy(float)
    N = len(mentors)
    # Order edges by (mentee, mentor) and keep the highest score of a repeated pair.
    key = mentee_codes.astype(np.int64) * N + mentor_codes
    if len(key) < 2 or (key[1:] > key[:-1]).all():  # already in (mentee, mentor) order, no repeats
        keep = np.arange(len(key))
    else:
        order = np.lexsort((-score, key))  # highest score first within a repeated key
        first = np.ones(len(order), bool)
        first[1:] = key[order][1:] != key[order][:-1]
        keep = order[first]
    return mentee_codes, mentees, mentor_codes, mentors, cap, keep


def _solve_frame(edges, capacity, current, lam, priority, objective) -> pd.DataFrame:
    """:func:`solve_assignment` with current pairs, tiers or the bottleneck (arguments checked)."""
    mentee_codes, mentees, mentor_codes, mentors, cap, keep = _code_edges(edges, capacity)
    e, r = mentee_codes[keep], mentor_codes[keep]
    N = len(mentors)
    cur = None
    if current is not None:
        ce = mentees.get_indexer(current["mentee_id"])
        cr = mentors.get_indexer(current["mentor_id"])
        ok = (ce >= 0) & (cr >= 0)
        wanted = ce[ok].astype(np.int64) * N + cr[ok]
        keys = e * N + r  # ascending
        pos = np.searchsorted(keys, wanted)
        hit = pos < len(keys)
        hit[hit] = keys[pos[hit]] == wanted[hit]
        cur = np.zeros(len(keys), bool)
        cur[pos[hit]] = True  # current pairs absent from edges are released
        if lam is None:
            load = np.bincount(r[cur], minlength=N)
            over = np.flatnonzero(load > cap)
            if len(over):
                raise ValueError(
                    "current pairs to keep exceed the capacity of mentors "
                    f"{ {mentors[j]: f'{load[j]} > {cap[j]}' for j in over[:5]}!r}; "
                    "give a change_cost to allow breaking pairs"
                )
    tier = None
    if priority is not None:
        last = max(priority.values(), default=0) + 1
        tier = np.array([priority.get(m, last) for m in mentees], dtype=np.int64)
    sol = solve_arrays(
        e,
        r,
        edges["score"].to_numpy(float)[keep],
        len(mentees),
        cap,
        current=cur,
        change_cost=lam,
        tier=tier,
        objective=objective,
    )
    rows = np.sort(keep[sol.chosen], kind="stable")
    out = edges.iloc[rows]
    out = out.iloc[np.argsort(mentee_codes[rows], kind="stable")].reset_index(drop=True)
    out.attrs["scaling"] = sol.scaling
    return out
