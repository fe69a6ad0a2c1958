"""Exact changes of the optimum when one pair is forced: the array core of :mod:`matching.whatif`.

:class:`Network` holds an optimal assignment flow and its residual graph
with reduced costs; the argument (one cheapest residual cycle per forced
pair, one Dijkstra run per target mentor, the split of a cost change into
matched mentees and score) is in the docstring of :mod:`matching.whatif`
(Ahuja, Magnanti & Orlin 1993, docs/sources.md [Ahuja-Magnanti-Orlin-1993]).
Positions in, positions out; no ids, no files.
"""

from __future__ import annotations

import numpy as np

from matching.flow import Residual, integer_scores, residual_graph, shortest_to

#: Alternates per matched mentee.
DEFAULT_ALTERNATES = 3
#: Targets per Dijkstra call (rows of the distance matrix held at once).
_CHUNK = 32


class Network:
    """An optimal assignment flow with its residual graph: exact changes of forced pairs.

    Parameters
    ----------
    e_idx, r_idx : int arrays, shape (E,)
        Mentee / mentor positions of the edges (no repeats).
    scores : float array, shape (E,)
        The solver's scores (with a change cost: ``score + λ`` on current pairs).
    n_mentees : int
    capacity : int array, shape (N,)
    chosen : bool array, shape (E,)
        An optimal assignment (from :func:`matching.solver.solve_arrays`).
    potential : int array, optional
        The solver's node potentials for this flow, if it computed them.

    Raises
    ------
    RuntimeError
        ``chosen`` is not optimal for the integer costs (see :func:`residual_graph`).
    """

    def __init__(self, e_idx, r_idx, scores, n_mentees: int, capacity, chosen, potential=None):
        self.e = np.asarray(e_idx, np.int64)
        self.r = np.asarray(r_idx, np.int64)
        self.scores = np.asarray(scores, float)
        self.capacity = np.asarray(capacity, np.int64)
        self.chosen = np.asarray(chosen, bool)
        M, N = int(n_mentees), len(self.capacity)
        self.M, self.N = M, N
        self.source, self.sink = 0, M + N + 1
        self.ints, self.scaling = integer_scores(self.scores, M, M + N + 2)
        self.big = self.scaling.big
        self.res: Residual = residual_graph(
            self.e, self.r, self.ints, M, self.capacity, self.chosen, self.big, potential
        )
        self.pi = self.res.potential
        self.mentor_of = np.full(M, -1, np.int64)  # mentor position of each mentee, −1 unmatched
        self.mentor_of[self.e[self.chosen]] = self.r[self.chosen]
        self.load = np.bincount(self.r[self.chosen], minlength=N)
        self.matched = int(self.chosen.sum())
        self.total = int(self.ints[self.chosen].sum())  # Σ integer scores of the optimum
        where = np.full(M, -1, np.int64)
        where[self.e[self.chosen]] = np.flatnonzero(self.chosen)
        self.chosen_edge = where  # edge position of each matched mentee's pair, −1 unmatched
        self._to_sink = None

    # -- nodes and reduced costs (c(u, v) + π_u − π_v of residual arcs) ------------------------

    def mentee_node(self, i):
        return 1 + np.asarray(i, np.int64)

    def mentor_node(self, j):
        return 1 + self.M + np.asarray(j, np.int64)

    def pair_reduced(self, i, j, ints):
        """Reduced cost of the forward pair arc i → j (cost ``−(B + ints)``)."""
        pi = self.pi
        return -(self.big + np.asarray(ints, np.int64)) + pi[self.mentee_node(i)] - pi[self.mentor_node(j)]

    def entry(self, i):
        """Where a path into mentees ``i`` (array) ends: ``(target node, reduced cost target → i)``.

        A matched mentee is entered only by the reverse of its pair arc (from
        its mentor ``j₀``, cost ``B + s(i, j₀)``), an unmatched one only from
        the source (cost 0).
        """
        i = np.asarray(i, np.int64)
        j0 = self.mentor_of[i]
        matched = j0 >= 0
        node = self.mentee_node(i)
        target = np.where(matched, self.mentor_node(np.maximum(j0, 0)), self.source)
        ints0 = np.where(matched, self.ints[np.maximum(self.chosen_edge[i], 0)], 0)
        pi = self.pi
        back = (self.big + ints0) + pi[target] - pi[node]
        into = pi[self.source] - pi[node]
        return target, np.where(matched, back, into)

    def upper_to_target(self, j, target):
        """An upper bound of the reduced distance mentor ``j`` → mentor node ``target`` (which has a
        mentee, so the arc sink → target exists): a shortest path ``j`` → sink (one Dijkstra run
        for all mentors, cached), then sink → target; inf when ``j`` cannot reach the sink."""
        if self._to_sink is None:
            self._to_sink = shortest_to(self.res, [self.sink])[0][self.mentor_node(np.arange(self.N))]
        pi = self.pi
        return self._to_sink[j] + (pi[self.sink] - pi[target])

    def split(self, delta):
        """Cost changes → (matched_change, integer score change), exactly (see the module docstring)."""
        delta = np.asarray(delta, np.int64)
        new = self.big * self.matched + self.total - delta  # B·m′ + S′
        m_new = (new + self.big // 2) // self.big
        return m_new - self.matched, (new - self.big * m_new) - self.total

    # -- alternates ----------------------------------------------------------------------------

    def alternates(self, k: int = DEFAULT_ALTERNATES, order=None):
        """The ``k`` best forced alternatives of every matched mentee.

        ``order`` (int array, shape (N,)): tie-break rank of each mentor (e.g.
        the rank of its id); default the position. Returns int arrays
        ``(mentee, rank, mentor, matched_change, score_change_int)``.
        """
        order = np.arange(self.N) if order is None else np.asarray(order)
        e, r = self.e, self.r
        cand = ~self.chosen & (self.mentor_of[e] >= 0) & (self.capacity[r] > 0)
        ce, cr, cints = e[cand], r[cand], self.ints[cand]
        if not len(ce):
            return (np.zeros(0, np.int64),) * 5
        rc_pair = self.pair_reduced(ce, cr, cints)
        target, rc_back = self.entry(ce)
        upper = rc_pair + self.upper_to_target(cr, target) + rc_back
        # Per mentee, the k-th smallest upper bound caps the distances worth computing.
        cap_i = _kth_per_group(ce, upper, k, self.M)
        limit_per = cap_i[ce] - rc_back  # D(j → j0) ≤ Δ − rc_pair − rc_back ≤ cap − rc_back
        targets, t_inv = np.unique(target, return_inverse=True)
        t_limit = np.full(len(targets), -np.inf)
        np.maximum.at(t_limit, t_inv, limit_per)
        dist = np.full(len(ce), np.inf)
        by_limit = np.argsort(t_limit, kind="stable")
        row_of = np.full(len(targets), -1)
        for start in range(0, len(targets), _CHUNK):
            rows = by_limit[start : start + _CHUNK]
            d = shortest_to(self.res, targets[rows], limit=max(float(t_limit[rows].max()), 0.0))
            row_of[:] = -1
            row_of[rows] = np.arange(len(rows))
            mine = row_of[t_inv] >= 0
            dist[mine] = d[row_of[t_inv[mine]], self.mentor_node(cr[mine])]
        ok = np.isfinite(dist)
        delta = rc_pair[ok] + dist[ok].astype(np.int64) + rc_back[ok]
        ce, cr = ce[ok], cr[ok]
        pick = np.lexsort((order[cr], delta, ce))
        ce, cr, delta = ce[pick], cr[pick], delta[pick]
        first = np.r_[True, ce[1:] != ce[:-1]]
        start_of = np.maximum.accumulate(np.where(first, np.arange(len(ce)), 0))
        rank = np.arange(len(ce)) - start_of + 1
        keep = rank <= k
        dm, ds = self.split(delta[keep])
        return ce[keep], rank[keep], cr[keep], dm, ds

    # -- one forced pair -------------------------------------------------------------------------

    def force(self, i: int, j: int, ints_ij: int):
        """Force mentee ``i`` onto mentor ``j`` (a pair of integer score ``ints_ij``, offered or not).

        Returns ``None`` when it is impossible (the mentor has no place in the
        flow), else ``(matched_change, score_change_int, arcs)`` with
        ``arcs`` the cycle as a list of (tail, head) nodes, starting with i → j.
        """
        if self.capacity[j] <= 0:
            return None
        target, rc_back = self.entry(np.array([i]))
        dist, pred = shortest_to(self.res, target, predecessors=True)
        d = dist[0, int(self.mentor_node(j))]
        if not np.isfinite(d):
            return None
        path = [(int(self.mentee_node(i)), int(self.mentor_node(j)))]
        x = int(self.mentor_node(j))
        while x != int(target[0]):
            y = int(pred[0, x])
            path.append((x, y))
            x = y
        path.append((int(target[0]), int(self.mentee_node(i))))
        delta = int(self.pair_reduced(i, j, ints_ij)) + int(d) + int(rc_back[0])
        dm, ds = self.split(np.array([delta]))
        return int(dm[0]), int(ds[0]), path


def _kth_per_group(group, values, k, n_groups):
    """Per group id: the k-th smallest value (the largest when the group has fewer)."""
    order = np.lexsort((values, group))
    g, v = group[order], values[order]
    first = np.r_[True, g[1:] != g[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(len(g)), 0))
    pos = np.arange(len(g)) - start
    out = np.full(n_groups, -np.inf)
    take = pos < k
    np.maximum.at(out, g[take], v[take])
    return out
