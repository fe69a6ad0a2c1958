"""The flow primitives of the exact assignment: integer scaling, the network, optimality potentials.

The capacitated assignment is a min-cost flow on source → mentee → mentor →
sink (docs/sources.md [Ahuja-Magnanti-Orlin-1993]); this module builds that
network for OR-Tools, turns float scores into exact integer costs
(:func:`integer_scores`), solves for the most mentees at the least cost,
finds the largest number of mentees that can be matched (max-flow), and
computes and verifies node potentials (the reduced-cost certificate). Dense
complete instances with unit capacities go to scipy's
``linear_sum_assignment`` (docs/sources.md [Crouse-2016]). The public
entry points are in :mod:`matching.solver`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

#: Largest |unit cost| × (nodes + 1) allowed, with a margin below 2**63 for the solver's own scaling.
COST_LIMIT = 2**61


@dataclass(frozen=True)
class Scaling:
    """How scores were turned into integer costs: ``cost = −(big + round(score · scale))``."""

    scale: float
    exact: bool
    big: int


def integer_scores(
    scores: np.ndarray, n_mentees: int = 1, n_nodes: int = 2, levels: int = 1
) -> tuple[np.ndarray, Scaling]:
    """Scale float scores to int64 as described in the module docstring.

    Parameters
    ----------
    scores : array of float
    n_mentees : int
        Number of mentees (bounds how many pairs one assignment has).
    n_nodes : int
        Nodes of the flow graph (bounds the cost range the solver accepts).
    levels : int
        Priority levels ``L``: the largest pair bonus is ``L · big``
        (:func:`level_bonus`), so the scores get ``L`` times less room.

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
    levels = max(int(levels), 1)
    # Need about (levels · big) · (n_nodes + 1) < COST_LIMIT, big = 2 · pairs · top · scale + 1 (the
    # lower-order terms fit in the margin of COST_LIMIT below 2**63).
    budget = COST_LIMIT / (2 * pairs * levels * (n_nodes + 1))
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


def level_bonus(level: np.ndarray, n_levels: int, big: int) -> np.ndarray:
    """Per mentee, the bonus ``(L − level) · big`` a matched pair of it earns (``level`` 0 is the
    highest priority; without tiers every mentee has level 0 of ``L = 1``: the bonus ``big``).

    With ``big`` above any score change of one alternating path or cycle, the
    maximum-weight assignment is the lexicographic optimum (see
    :mod:`matching.solver`, "Priority tiers")."""
    return (int(n_levels) - np.asarray(level, np.int64)) * np.int64(big)


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
    mentee_bonus : ndarray of int64 or None
        Per mentee position, the bonus ``B_i`` of its pairs in the
        certificate (:func:`level_bonus`); ``None``: ``scaling.big`` for all.
    """

    chosen: np.ndarray
    scaling: Scaling
    mentee_potential: np.ndarray | None = None
    mentor_potential: np.ndarray | None = None
    node_potential: np.ndarray | None = None
    mentee_bonus: np.ndarray | None = None

    def set_potentials(self, pi: np.ndarray, M: int, N: int) -> None:
        """Store the node potentials ``pi`` (nodes of :func:`flow_graph`) and their mentee/mentor parts."""
        self.node_potential = pi
        self.mentee_potential = pi[1 : 1 + M]
        self.mentor_potential = pi[1 + M : 1 + M + N]

    def bonus(self, e_idx: np.ndarray) -> np.ndarray:
        """The bonus ``B_i`` of mentee positions ``e_idx`` (int64)."""
        e_idx = np.asarray(e_idx, np.int64)
        if self.mentee_bonus is None:
            return np.full(len(e_idx), self.scaling.big, np.int64)
        return self.mentee_bonus[e_idx]

    def slack(self, e_idx: np.ndarray, r_idx: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Reduced cost ``π_i − π_j − (B_i + ⌈x · scale⌉)`` of edges not offered to the solver
        (int64; negative: adding the edge could improve the optimum)."""
        s = np.ceil(np.asarray(scores, float) * self.scaling.scale).astype(np.int64)  # conservative
        e_idx, r_idx = np.asarray(e_idx, np.int64), np.asarray(r_idx, np.int64)
        return self.mentee_potential[e_idx] - self.mentor_potential[r_idx] - (self.bonus(e_idx) + s)

    def cannot_improve(self, e_idx: np.ndarray, r_idx: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """For edges not offered to the solver: True where adding the edge could not
        improve the optimum (non-negative reduced cost), see the module docstring."""
        return self.slack(e_idx, r_idx, scores) >= 0

    def improvement_bound(self, e_idx: np.ndarray, best_score: np.ndarray) -> np.ndarray:
        """True where *no* edge of mentee ``e_idx`` with score ≤ ``best_score`` can improve
        the optimum, whatever its mentor (uses the largest mentor potential)."""
        s = np.ceil(np.asarray(best_score, float) * self.scaling.scale).astype(np.int64)
        e_idx = np.asarray(e_idx, np.int64)
        return self.bonus(e_idx) + s + self.mentor_potential.max(initial=0) <= self.mentee_potential[e_idx]


def flow_graph(e_idx, r_idx, M: int, capacity):
    """Arcs source → mentee (cap 1), mentee → mentor (cap 1), mentor → sink (capacity);
    nodes 0 (source), 1 … M (mentees), M + 1 … M + N (mentors), M + N + 1 (sink)."""
    N, E = len(capacity), len(e_idx)
    sink = M + N + 1
    tails = np.concatenate([np.zeros(M, np.int64), 1 + e_idx, 1 + M + np.arange(N, dtype=np.int64)])
    heads = np.concatenate([1 + np.arange(M, dtype=np.int64), 1 + M + r_idx, np.full(N, sink, np.int64)])
    caps = np.concatenate([np.ones(M, np.int64), np.ones(E, np.int64), capacity])
    return tails, heads, caps


def max_flow_min_cost(e_idx, r_idx, ints, M: int, capacity):
    """Max flow, then min cost among maximum flows (pair arc cost ``−ints``):
    ``(tails, heads, caps, flows)`` of the graph of :func:`flow_graph`."""
    N, E = len(capacity), len(e_idx)
    tails, heads, caps = flow_graph(e_idx, r_idx, M, capacity)
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


def max_matched(e_idx, r_idx, M: int, capacity) -> int:
    """The largest number of mentees matched at once over these edges (one max-flow)."""
    if not len(e_idx):
        return 0
    smf = max_flow.SimpleMaxFlow()
    smf.add_arcs_with_capacity(*flow_graph(e_idx, r_idx, M, capacity))
    status = smf.solve(0, M + len(capacity) + 1)
    if status != smf.OPTIMAL:
        raise RuntimeError(f"max-flow ended with status {status!r}")
    return int(smf.optimal_flow())


def solve_dense(e_idx, r_idx, scores, M: int, N: int) -> FlowSolution:
    """Complete bipartite graph, every capacity 1: scipy's linear_sum_assignment.

    On a complete graph every maximum-weight assignment of the rectangular
    problem matches min(M, N) mentees, so it is also the lexicographic
    optimum; scipy works on the float scores directly (no scaling).
    """
    flat = e_idx * N + r_idx
    if (flat == np.arange(M * N)).all():  # row-major already: no scatter needed
        return solve_dense_matrix(scores.reshape(M, N))
    weight = np.empty((M, N))
    weight[e_idx, r_idx] = scores
    dense = solve_dense_matrix(weight)
    return FlowSolution(chosen=dense.chosen[flat], scaling=dense.scaling)


def solve_dense_matrix(weight: np.ndarray) -> FlowSolution:
    """:func:`solve_dense` on an (M, N) score matrix; ``chosen`` is row-major over its cells."""
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(weight, maximize=True)
    chosen = np.zeros(weight.size, bool)
    chosen[rows * weight.shape[1] + cols] = True
    return FlowSolution(chosen=chosen, scaling=Scaling(1.0, True, 0))


def node_potentials(tails, heads, caps, costs, flows, n_nodes, start=None) -> np.ndarray:
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


@dataclass
class Residual:
    """The residual graph of an optimal assignment flow, with reduced costs (see :func:`residual_graph`).

    Attributes
    ----------
    tails, heads : int64 arrays, shape (A,)
        Residual arcs (node numbers of :func:`flow_graph`; node ``M + N + 1``
        is the sink, 0 the source).
    reduced : int64 array, shape (A,)
        Reduced cost ``c(u, v) + π_u − π_v ≥ 0`` of each residual arc.
    cost : int64 array, shape (A,)
        Its cost ``c(u, v)`` (a backward arc costs minus its forward arc).
    potential : int64 array, shape (n_nodes,)
    n_nodes : int
    """

    tails: np.ndarray
    heads: np.ndarray
    reduced: np.ndarray
    cost: np.ndarray
    potential: np.ndarray
    n_nodes: int


def residual_graph(e_idx, r_idx, ints, M: int, capacity, chosen, big: int, potential=None) -> Residual:
    """Residual graph of an optimal assignment in circulation form, with verified potentials.

    The circulation is that of :mod:`matching.solver`: source → mentee
    (capacity 1, cost 0), mentee → mentor (capacity 1, cost ``−(big + ints)``),
    mentor → sink (the mentor's capacity, cost 0) and the return arc sink →
    source (capacity ``M``, cost 0), carrying the flow of the assignment
    ``chosen``. A residual arc is a forward arc with room left or the reverse
    of an arc with flow (cost negated). ``potential`` (e.g. the solver's
    ``node_potential``) is used when given, else computed by
    :func:`node_potentials`; either way every residual arc is checked to have
    a non-negative reduced cost (RuntimeError otherwise: the flow is not
    optimal for these integer costs).
    """
    e_idx, r_idx = np.asarray(e_idx, np.int64), np.asarray(r_idx, np.int64)
    capacity = np.asarray(capacity, np.int64)
    chosen = np.asarray(chosen, bool)
    N = len(capacity)
    n_nodes = M + N + 2
    source, sink = 0, M + N + 1
    tails, heads, caps = flow_graph(e_idx, r_idx, M, capacity)
    matched = np.bincount(e_idx[chosen], minlength=M)
    load = np.bincount(r_idx[chosen], minlength=N)
    m = int(chosen.sum())
    tails = np.concatenate([tails, [sink]])
    heads = np.concatenate([heads, [source]])
    caps = np.concatenate([caps, [M]])
    costs = np.concatenate(
        [np.zeros(M, np.int64), -(big + np.asarray(ints, np.int64)), np.zeros(N + 1, np.int64)]
    )
    flows = np.concatenate([matched, chosen.astype(np.int64), load, [m]])
    if potential is None:
        potential = node_potentials(tails, heads, caps, costs, flows, n_nodes)
    potential = np.asarray(potential, np.int64)
    fwd, bwd = flows < caps, flows > 0
    rt = np.concatenate([tails[fwd], heads[bwd]])
    rh = np.concatenate([heads[fwd], tails[bwd]])
    rc = np.concatenate([costs[fwd], -costs[bwd]])
    reduced = rc + potential[rt] - potential[rh]
    if len(reduced) and reduced.min() < 0:
        raise RuntimeError("residual graph: a negative reduced cost (the flow is not optimal)")
    return Residual(rt, rh, reduced, rc, potential, n_nodes)


#: Integers up to this size are exact in float64 sums of two of them (Dijkstra runs in float64).
_EXACT = 2**52


def shortest_to(res: Residual, targets, limit: float = np.inf, predecessors: bool = False):
    """Shortest reduced-cost distances from every node *to* each target (Dijkstra on the reversed graph).

    Reduced costs are non-negative, so Dijkstra's algorithm applies (Ahuja,
    Magnanti & Orlin 1993, ch. 4; docs/sources.md [Ahuja-Magnanti-Orlin-1993]);
    scipy's implementation runs in C. Costs are integers below 2**52 and
    distances beyond ``limit`` are not computed (``inf``), so every float64
    distance returned is an exact integer (RuntimeError otherwise).

    Returns
    -------
    dist : float array, shape (len(targets), n_nodes)
        ``dist[k, v]``: the length of a shortest residual path v → targets[k].
    pred : int32 array, same shape (only with ``predecessors``)
        ``pred[k, v]``: the node after ``v`` on that path (−9999 at the target / unreachable).
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    if len(res.reduced) and res.reduced.max() >= _EXACT:
        raise RuntimeError("reduced costs too large for exact float64 shortest paths")
    limit = float(min(limit, _EXACT))
    graph = res.__dict__.get("_reversed")
    if graph is None:  # built once per residual graph
        shape = (res.n_nodes, res.n_nodes)
        graph = res.__dict__["_reversed"] = csr_matrix(
            (res.reduced.astype(float), (res.heads, res.tails)), shape=shape
        )
    out = dijkstra(
        graph,
        directed=True,
        indices=np.asarray(targets, np.int64),
        limit=limit,
        return_predecessors=predecessors,
    )
    return out
