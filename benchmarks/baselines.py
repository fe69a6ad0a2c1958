"""Benchmark instances and the baselines our solver is compared with.

Every solver here takes the same sparse instance: arrays ``e``, ``r`` (mentee
and mentor position of each allowed pair, no repeats), ``score`` (float,
higher is better) and ``capacity`` (per mentor position), and returns a
boolean mask over the pairs: the chosen ones.

* :func:`direct_mcf` — one direct, vectorised OR-Tools
  ``SimpleMinCostFlow.solve_max_flow_with_min_cost`` call on the capacitated
  graph source → mentee → mentor → sink (integer costs ``−round(score · 1e6)``
  prepared by :func:`mcf_costs`, outside any timing);
* :func:`greedy` — pairs by score, best first (ties: mentee position, then
  mentor position, i.e. id order), a pair is taken when the mentee is free and
  the mentor has room;
* :func:`expanded_matrix` + :func:`lsa_expanded` — scipy
  ``linear_sum_assignment`` on the capacity-expanded dense matrix: each mentor
  is a column repeated ``capacity`` times, a forbidden cell costs ``−BIG`` with
  ``BIG`` larger than any total score, so the optimum first avoids forbidden
  cells (most mentees matched) and then has the highest total score — the
  same lexicographic optimum as ours. Only chosen *feasible* cells count.

The hospital–resident (stable matching) baseline runs in its own virtualenv:
see ``hr_baseline.py``.
"""

from __future__ import annotations

import numpy as np


def sparse_instance(m: int = 20_000, n: int = 10_000, k: int = 50, seed: int = 1):
    """Random sparse capacitated instance: ``m`` mentees with ``k`` random candidate mentors
    each (repeats dropped), ``n`` mentors of capacity 1–3, scores in [0, 1] (6 decimals).

    Returns ``e, r, score, capacity`` sorted by (mentee, mentor).
    """
    rng = np.random.default_rng(seed)
    e = np.repeat(np.arange(m), k)
    r = rng.integers(0, n, m * k)
    key = np.unique(e * n + r)
    e, r = key // n, key % n
    score = np.round(rng.random(len(e)), 6)
    cap = rng.integers(1, 4, n)
    return e, r, score, cap


def dense_weights(size: int = 2000, seed: int = 2) -> np.ndarray:
    """Complete unit-capacity instance: a ``size × size`` matrix of scores in [0, 1)."""
    return np.random.default_rng(seed).random((size, size))


def mcf_costs(score: np.ndarray) -> np.ndarray:
    """Integer arc costs for :func:`direct_mcf` (score scaled by 1e6, negated)."""
    return -np.round(np.asarray(score, float) * 1e6).astype(np.int64)


def direct_mcf(e, r, costs, cap, m: int) -> np.ndarray:
    """One vectorised OR-Tools call: max flow, then min cost among maximum flows."""
    from ortools.graph.python import min_cost_flow

    n = len(cap)
    smcf = min_cost_flow.SimpleMinCostFlow()
    src, snk = m + n, m + n + 1
    tails = np.concatenate([np.full(m, src), e, m + np.arange(n)])
    heads = np.concatenate([np.arange(m), m + r, np.full(n, snk)])
    caps = np.concatenate([np.ones(m + len(e), np.int64), cap])
    unit = np.concatenate([np.zeros(m, np.int64), costs, np.zeros(n, np.int64)])
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, unit)
    smcf.set_nodes_supplies(np.array([src, snk]), np.array([m, -m]))
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"OR-Tools min-cost flow status {status!r}")
    return np.asarray(smcf.flows(arcs[m : m + len(e)])) > 0


def greedy(e, r, score, cap) -> np.ndarray:
    """Best score first (ties by mentee, then mentor position); take a pair if both have room."""
    order = np.lexsort((r, e, -np.asarray(score, float)))
    room = np.asarray(cap, np.int64).tolist()
    free = bytearray(b"\x01") * (int(e.max()) + 1 if len(e) else 0)
    chosen = np.zeros(len(e), bool)
    taken = []
    for start in range(0, len(order), 1 << 20):  # in chunks: Python lists of a million at a time
        part = order[start : start + (1 << 20)]
        for k, i, j in zip(part.tolist(), e[part].tolist(), r[part].tolist()):
            if free[i] and room[j]:
                free[i] = 0
                room[j] -= 1
                taken.append(k)
    chosen[taken] = True
    return chosen


def expanded_shape(e, cap) -> tuple[int, int]:
    """Rows (mentees with at least one pair) and columns (mentor slots) of the expanded matrix."""
    return len(np.unique(e)), int(np.asarray(cap).sum())


def expanded_matrix(e, r, score, cap):
    """The capacity-expanded dense matrix and what its rows and columns are.

    Returns ``(W, rows, slot_mentor, big)``: ``W[a, c]`` is the score of mentee
    ``rows[a]`` with mentor ``slot_mentor[c]``, ``−big`` where the pair is not
    allowed.
    """
    score = np.asarray(score, float)
    cap = np.asarray(cap, np.int64)
    rows, row_of = np.unique(e, return_inverse=True)
    slot_mentor = np.repeat(np.arange(len(cap)), cap)
    first_slot = np.concatenate([[0], np.cumsum(cap)[:-1]])
    big = float(np.abs(score).sum()) + 1.0
    W = np.full((len(rows), len(slot_mentor)), -big)
    for t in range(int(cap.max(initial=0))):  # slot t of every mentor with capacity > t
        ok = cap[r] > t
        W[row_of[ok], first_slot[r[ok]] + t] = score[ok]
    return W, rows, slot_mentor, big


def lsa_expanded(W, rows, slot_mentor, big, e, r) -> np.ndarray:
    """scipy ``linear_sum_assignment`` on :func:`expanded_matrix`; mask of the chosen pairs."""
    from scipy.optimize import linear_sum_assignment

    a, c = linear_sum_assignment(W, maximize=True)
    feasible = W[a, c] > -big + 0.5  # forbidden cells hold −big; every score is above −big + 1
    n_r = max(int(np.max(r, initial=-1)), int(slot_mentor.max(initial=-1))) + 1
    key = np.asarray(e, np.int64) * n_r + np.asarray(r, np.int64)
    want = rows[a[feasible]].astype(np.int64) * n_r + slot_mentor[c[feasible]]
    order = np.argsort(key)
    pos = order[np.searchsorted(key, want, sorter=order)]
    chosen = np.zeros(len(e), bool)
    chosen[pos] = True
    return chosen
