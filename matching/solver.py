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
bottleneck objective. Kept pairs and the bottleneck use no weights;
tiers use one bonus per level:

* a current pair that must be kept is fixed in advance (its mentee leaves the
  problem, its mentor's capacity drops by one); a price ``λ`` for breaking a
  current pair is a bonus ``λ`` on that pair's score (``Σ s − λ·broken`` and
  ``Σ s + λ·kept`` differ by the constant ``λ·|current|``);
* tiers (``L`` distinct tiers, level ``k = 0 … L − 1``, 0 served first): one
  min-cost circulation in which a pair of a mentee of level ``k`` earns the
  bonus ``B_k = (L − k) · B`` on top of its scaled score, ``B`` larger than
  the scores of any alternating path or cycle can change (the ``big`` of the
  plain objective). Exact: the difference of two assignments splits into
  alternating paths and cycles of the residual network, each applicable on
  its own (flow decomposition, [Ahuja-Magnanti-Orlin-1993] ch. 3), and each
  adds at most one mentee and removes at most one. Such a component improves
  the key (tier counts, tier 1 first, then the total) exactly when its
  weight change is positive: it adds a mentee of level ``a`` (``+B_a``, more
  than any score change), swaps one of level ``b`` for one of level
  ``a < b`` (``(b − a) · B``), or keeps the mentees and raises the score. The
  key is additive over components, so an assignment is of maximum weight
  exactly when it is lexicographically optimal. This is not "most mentees
  first": one tier-1 mentee may displace two of tier 2. The same form gives
  node potentials, so the certificate below covers tiers too (with the bonus
  ``B_i`` of mentee ``i`` in place of ``B``). The counts alone (bonuses with
  ``B = 1``, scores 0) are those of the greedy basis of the transversal
  matroid (J. Edmonds & D. R. Fulkerson, "Transversals and matroid
  partition", J. Res. NBS 69B, 1965): ``R_t − R_{t−1}`` mentees of tier
  ``t``, ``R_t`` the most mentees of tiers ``≤ t`` matched together (one
  max-flow each, :func:`matching.objectives.best_counts`);
* bottleneck: the largest ``θ`` among the distinct pair scores such that the
  pairs with score ≥ ``θ`` still reach the same tier counts is found by
  binary search (monotone in ``θ``; each probe is one max-flow with a hub
  per level passing at most that level's count, on the edges at or above the
  probe only); the final solve then uses those pairs only. Pairs kept by
  force count in the minimum too, so ``θ`` never needs to exceed their
  lowest score. Scores are compared as given (floats, no rounding).
  :mod:`matching.bottleneck` does the same from pruned candidates with the
  certificate.

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
The certificate covers the total objective, with tiers (per-mentee bonus
``B_i``) and with a change cost (on the scores ``score + λ`` of current
pairs); the bottleneck is certified through it by :mod:`matching.bottleneck`.

Determinism: edges are taken in the order given (the DataFrame API sorts them
by mentee_id, mentor_id first), so equal inputs give equal outputs.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd

from matching.flow import (
    FlowSolution,
    Scaling,
    integer_scores,
    max_flow_min_cost,
    node_potentials,
    solve_dense,
    solve_dense_matrix,
)
from matching.objectives import (
    check_change_cost,
    check_current,
    check_objective,
    check_tier,
    solve_levels,
    solve_objectives,
    tier_levels,
)


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
        Only for ``objective="total"`` (with or without ``tier``), and
        ``current`` only together with a ``change_cost``; with tiers the
        result's ``mentee_bonus`` holds each mentee's bonus ``B_i``.
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
    objective = check_objective(objective)
    lam = check_change_cost(change_cost)
    e_idx = np.asarray(e_idx, np.int64)
    r_idx = np.asarray(r_idx, np.int64)
    capacity = np.asarray(capacity, np.int64)
    M, N, E = int(n_mentees), len(capacity), len(e_idx)
    scores = np.asarray(scores, float)
    tier = check_tier(tier, M)
    if objective != "total" or (current is not None and lam is None):
        if potentials:
            raise ValueError(
                "potentials (the optimality certificate) cover the total objective with pairs in "
                f"force priced by a change_cost; got objective={objective!r}, "
                f"current={'given' if current is not None else None} with change_cost={change_cost!r}"
            )
        return solve_objectives(
            e_idx, r_idx, scores, M, capacity, check_current(current, e_idx), lam, tier, objective
        )
    if current is not None and lam:
        scores = scores + lam * check_current(current, e_idx)
    levels, level = tier_levels(tier, M)
    if levels > 1:
        return solve_levels(
            e_idx, r_idx, scores, M, capacity, level, levels, potentials=potentials, start=start
        )
    if not potentials and E and E == M * N and (capacity == 1).all() and current is None:
        return solve_dense(e_idx, r_idx, scores, M, N)
    n_nodes = M + N + 2
    ints, scaling = integer_scores(scores, M, n_nodes)
    tails, heads, caps, flows = max_flow_min_cost(e_idx, r_idx, ints, M, capacity)
    sol = FlowSolution(chosen=flows[M : M + E] > 0, scaling=scaling)
    if potentials:
        # Certificate on the circulation form: pair arcs cost −(B + s), return arc sink → source.
        source, sink = 0, M + N + 1
        zeros_m, zeros_n = np.zeros(M, np.int64), np.zeros(N, np.int64)
        matched = int(flows[M : M + E].sum())
        sol.set_potentials(
            node_potentials(
                np.concatenate([tails, [sink]]),
                np.concatenate([heads, [source]]),
                np.concatenate([caps, [M]]),
                np.concatenate([zeros_m, -(scaling.big + ints), zeros_n, [0]]),
                np.concatenate([flows, [matched]]),
                n_nodes,
                start,
            ),
            M,
            N,
        )
    return sol


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
    objective = check_objective(objective)
    lam = check_change_cost(change_cost)
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
        sol = solve_dense_matrix(score.reshape(-1, len(grid)))
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
