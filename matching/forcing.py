"""Exact changes of the optimum when one pair is forced: the array core of :mod:`matching.whatif`.

:class:`Network` holds an optimal assignment flow and its residual graph
with reduced costs; the argument (one cheapest residual cycle per forced
pair, hub distances plus one capped Dijkstra run per target mentor on the
graph of exchanges between mentors, the split of a cost change into
matched mentees and score) is in the docstring of :mod:`matching.whatif`
(Ahuja, Magnanti & Orlin 1993, docs/sources.md [Ahuja-Magnanti-Orlin-1993]).
Positions in, positions out; no ids, no files.
"""

from __future__ import annotations

import numpy as np

from matching.flow import _EXACT, Residual, integer_scores, residual_graph, shortest_to

#: Alternates per matched mentee.
DEFAULT_ALTERNATES = 3
#: Targets per Dijkstra call (rows of the distance matrix held at once).
_CHUNK = 32
#: Per-run arc filter of the exchange graph is rebuilt when a limit exceeds it, this much above it.
_HEADROOM = 1.5


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
        self._hubs = None  # (dist v → hub, dist hub → v) for hubs (source, sink)
        self._exchange: Residual | None = None

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

    def split(self, delta):
        """Cost changes → (matched_change, integer score change), exactly (see the module docstring)."""
        delta = np.asarray(delta, np.int64)
        new = self.big * self.matched + self.total - delta  # B·m′ + S′
        m_new = (new + self.big // 2) // self.big
        return m_new - self.matched, (new - self.big * m_new) - self.total

    # -- alternates ----------------------------------------------------------------------------

    def hub_distances(self, tails_nodes, head_nodes):
        """Exact reduced distances ``tails_nodes[k] → head_nodes[k]`` over paths through the source or
        the sink (inf when none): ``min over hubs h of dist(u → h) + dist(h → v)``, from four Dijkstra
        runs on the whole residual graph (to and from each hub), cached."""
        if self._hubs is None:
            res = self.res
            hubs = [self.source, self.sink]
            to_hub = shortest_to(res, hubs)  # v → hub
            forward = Residual(res.heads, res.tails, res.reduced, res.cost, res.potential, res.n_nodes)
            self._hubs = (to_hub, shortest_to(forward, hubs))  # hub → v (reversed reversed)
        to_hub, from_hub = self._hubs
        u, v = np.asarray(tails_nodes, np.int64), np.asarray(head_nodes, np.int64)
        return np.minimum(to_hub[0, u] + from_hub[0, v], to_hub[1, u] + from_hub[1, v])

    def exchange_graph(self) -> Residual:
        """The residual graph without the source and the sink, contracted onto the mentors (cached).

        Nodes are mentor positions; an arc ``j → j′`` stands for «a mentee of
        ``j`` moves to ``j′``»: the reverse of its pair arc, then the forward
        arc to ``j′``, at the least reduced cost over the mentees of ``j``.
        Without the two hubs a mentee is entered only from its mentor, so a
        path between mentors there alternates mentor, mentee, mentor, and its
        shortest length equals the shortest path in this graph. Costs are
        already reduced (potential 0).
        """
        if self._exchange is None:
            e, r = self.e, self.r
            arc = ~self.chosen & (self.mentor_of[e] >= 0)
            ae, ar = e[arc], r[arc]
            _, back = self.entry(ae)
            w = self.pair_reduced(ae, ar, self.ints[arc]) + back
            a = self.mentor_of[ae]
            o = np.lexsort((w, ar, a))
            a, b, w = a[o], ar[o], w[o]
            first = np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1])] if len(a) else np.zeros(0, bool)
            a, b, w = a[first], b[first], w[first]
            self._exchange = Residual(a, b, w, w, np.zeros(self.N, np.int64), self.N)
        return self._exchange

    def alternates(self, k: int = DEFAULT_ALTERNATES, order=None):
        """The ``k`` best forced alternatives of every matched mentee.

        ``order`` (int array, shape (N,)): tie-break rank of each mentor (e.g.
        the rank of its id); default the position. Returns int arrays
        ``(mentee, rank, mentor, matched_change, score_change_int)``.

        Forcing ``(i, j)`` costs ``Δ = c̄(i, j) + dist(j → j₀) + c̄(j₀ → i)``
        (reduced costs, ``j₀`` the mentor of ``i``). A shortest path ``j → j₀``
        either passes the source or the sink — then its length is
        :meth:`hub_distances`, exact for every pair from four runs — or
        stays among mentors and mentees: a path in :meth:`exchange_graph`,
        one Dijkstra run per ``j₀``. The hub distances give an upper bound of
        every ``Δ``; the ``k``-th smallest per mentee, ``U_i``, caps the run of
        ``j₀`` at ``max (U_i − c̄(i, j) − c̄(j₀ → i))`` over its mentees' offered
        mentors: a mentor it leaves unreached has ``Δ`` above ``U_i`` unless
        its hub distance is no longer than the run reached, and then that
        distance is exact. So every ``Δ`` that can be among the ``k`` best is
        exact, each run settles only the mentors within its cap and relaxes
        only the arcs no longer than it (runs go by ascending cap, 32 targets
        per scipy call).
        """
        order = np.arange(self.N) if order is None else np.asarray(order)
        e, r = self.e, self.r
        cand = ~self.chosen & (self.mentor_of[e] >= 0) & (self.capacity[r] > 0)
        ce, cr, cints = e[cand], r[cand], self.ints[cand]
        if not len(ce):
            return (np.zeros(0, np.int64),) * 5
        target, rc_back = self.entry(ce)
        base = self.pair_reduced(ce, cr, cints) + rc_back  # Δ − dist(j → j₀), a lower bound of Δ
        d_hub = self.hub_distances(self.mentor_node(cr), target)
        cap_i = _kth_per_group(ce, base + d_hub, k, self.M)  # ≥ the k-th best Δ of each mentee
        j0 = self.mentor_of[ce]
        limit = np.full(self.N, -np.inf)  # per j₀: the longest dist(j → j₀) that can matter
        np.maximum.at(limit, j0, cap_i[ce] - base)
        reached = np.full(self.N, -np.inf)  # per j₀: distances up to this were computed
        d_ex = np.full(len(ce), np.inf)
        graph = self.exchange_graph()
        targets = np.unique(j0)
        targets = targets[np.argsort(limit[targets], kind="stable")]
        by_j0 = np.argsort(j0, kind="stable")
        bounds = np.searchsorted(j0[by_j0], targets)
        ends = np.searchsorted(j0[by_j0], targets, side="right")
        light, ceiling = graph, -1.0  # the arcs no longer than `ceiling` (a run never uses longer ones)
        for start in range(0, len(targets), _CHUNK):
            rows = slice(start, start + _CHUNK)
            top = max(float(limit[targets[rows]].max()), 0.0)
            if top > ceiling:  # limits ascend: rebuild with some headroom, a few times in all
                ceiling = top * _HEADROOM
                light = _arcs_up_to(graph, ceiling)
            dist = shortest_to(light, targets[rows], limit=top)
            reached[targets[rows]] = min(top, _EXACT)  # shortest_to computes no further
            for q, (lo, hi) in enumerate(zip(bounds[rows], ends[rows])):
                mine = by_j0[lo:hi]
                d_ex[mine] = dist[q, cr[mine]]
        # Exact where the run reached j, or where the hub path is no longer than the run reached.
        exact = np.isfinite(d_ex) | (d_hub <= reached[j0] + 1)
        dist = np.where(exact, np.minimum(d_ex, d_hub), np.inf)
        ok = np.isfinite(dist)
        delta = base[ok] + dist[ok].astype(np.int64)
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


def _arcs_up_to(graph: Residual, ceiling: float) -> Residual:
    """The arcs of ``graph`` with reduced cost at most ``ceiling`` (all of them when it is inf)."""
    if not np.isfinite(ceiling):
        return graph
    keep = graph.reduced <= ceiling
    return Residual(
        graph.tails[keep],
        graph.heads[keep],
        graph.reduced[keep],
        graph.cost[keep],
        graph.potential,
        graph.n_nodes,
    )
