"""How a jury plan is built without the full CP-SAT model of :mod:`contest.assign`.

A forced plan is not solved: when no entry has more admissible (not
recused) jurors than ``per_entry`` — e.g. every juror scores every entry —
the only plan gives each entry all its admissible jurors, and it is
returned directly (the same table and statistics as the solver's,
status ``OPTIMAL``). It meets the rules of :mod:`contest.assign`: recused jurors are never in
it, every admissible pair of jurors shares an entry, and the loads are the
only ones possible. A large contest's model (hundreds of thousands of
variables) would take the solver tens of seconds to confirm it.

A large contest is not given the full model either: when the co-scoring
part would need more than :data:`contest.assign.PAIR_VARIABLE_LIMIT` variables (one per
entry and pair of its admissible jurors; 1,000 entries with 30 jurors give
435,000, which CP-SAT takes about 8 s to build and fails to solve within a
minute), a deterministic greedy plan is built instead (:func:`_greedy_plan`:
most constrained entries first, each takes its least loaded admissible
jurors, ties going to the juror who meets more new colleagues) and checked
against two bounds: the spread can be no less than 0 when the total number
of scorings divides evenly among the jurors and 1 otherwise, and the number
of co-scoring pairs no more than the number of juror pairs that may share
an entry (and ``entries × per_entry·(per_entry − 1)/2``). A plan that meets
both is optimal (status ``OPTIMAL``). Otherwise (heavy recusal) one
min-cost flow finds the least spread there is (:func:`_least_spread_plan`);
the greedy plan is kept when its spread is that, else the flow's plan is
taken. The spread is then optimal; the status is ``OPTIMAL`` when the pairs
also reach their bound, else ``FEASIBLE`` (the pairs are not proved).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from contest.model import ContestError


@dataclass
class AssignmentStats:
    """What a jury plan's solve did (for reports and notebooks): :attr:`contest.assign.JuryPlan.stats`.

    Attributes
    ----------
    status : str
        ``OPTIMAL`` (both objectives proved: by CP-SAT, by a forced plan, or by the
        bounds of a large contest's greedy plan) or ``FEASIBLE`` (a valid plan whose
        objectives are not both proved optimal; see the module docstring).
    load_spread : int
        ``max load − min load`` over all jurors, entries per juror.
    pairs_together : int
        Number of distinct juror pairs that share at least one entry.
    pairs_total : int
        Number of juror pairs that may share an entry at all.
    seconds : float
        Wall time of the solve.
    """

    status: str
    load_spread: int
    pairs_together: int
    pairs_total: int
    seconds: float


def _forced_plan(entries, jurors, per_entry, bad) -> tuple[list, AssignmentStats] | None:
    """The plan when only one is possible: every entry has exactly ``per_entry`` admissible jurors.

    Then every entry gets all its admissible jurors, which is the only plan the solver could
    return; building and solving the model (hundreds of thousands of variables for a large
    contest whose every juror scores every entry) is skipped. ``None`` when some entry has more
    admissible jurors than it needs (or ids repeat): the solver decides.

    Returns
    -------
    (list, AssignmentStats) or None
        The ``(entry_id, juror_id)`` rows in the order of the solver's variables, and the
        statistics the solver would report for this plan (status ``OPTIMAL``: the only
        feasible plan is optimal).
    """
    if len(set(entries)) != len(entries) or len(set(jurors)) != len(jurors):
        return None
    chosen = []
    for e in entries:
        ok = [j for j in jurors if (e, j) not in bad]
        if len(ok) > per_entry:
            return None
        chosen.append(ok)
    rows = [(e, j) for e, ok in zip(entries, chosen) for j in ok]
    spread, pairs = _plan_stats(entries, jurors, rows)
    stats = AssignmentStats(
        status="OPTIMAL", load_spread=spread, pairs_together=pairs, pairs_total=pairs, seconds=0.0
    )
    return rows, stats


def _incidence(entries, jurors, rows) -> np.ndarray:
    """The entries × jurors 0/1 matrix (int64) of ``(entry_id, juror_id)`` rows."""
    row_of = {e: i for i, e in enumerate(entries)}
    col_of = {j: k for k, j in enumerate(jurors)}
    inc = np.zeros((len(entries), len(jurors)), dtype=np.int64)
    if rows:
        inc[[row_of[e] for e, _ in rows], [col_of[j] for _, j in rows]] = 1
    return inc


def _pairs(inc: np.ndarray) -> int:
    """Distinct juror pairs that share at least one entry of the incidence matrix ``inc``.

    The product runs in float64 (BLAS; integer products have no fast path): the counts are
    at most the number of entries, exact far beyond any contest.
    """
    f = inc.astype(np.float64)
    return int(np.count_nonzero(np.triu(f.T @ f, k=1)))


def _plan_stats(entries, jurors, rows) -> tuple[int, int]:
    """``(max load − min load, co-scoring pairs)`` of a plan given as ``(entry_id, juror_id)`` rows."""
    inc = _incidence(entries, jurors, rows)
    load = inc.sum(axis=0)
    return int(load.max() - load.min()), _pairs(inc)


def _admissible(entries, jurors, bad) -> list[list[int]]:
    """For every entry, the indices (into ``jurors``) of its admissible jurors, in jury order."""
    return [[k for k, j in enumerate(jurors) if (e, j) not in bad] for e in entries]


def _pair_variables(entries, jurors, bad, admissible=None) -> int:
    """Variables of the co-scoring part of the full model: Σ over entries of C(admissible jurors, 2).

    ``admissible``: :func:`_admissible` of the same arguments, when already computed.
    """
    ok_of = _admissible(entries, jurors, bad) if admissible is None else admissible
    counts = np.array([len(ok) for ok in ok_of], dtype=np.int64)
    return int((counts * (counts - 1) // 2).sum())


def _greedy_plan(entries, jurors, per_entry, bad, admissible=None) -> list[tuple[str, str]]:
    """A deterministic plan with even loads and many co-scoring pairs, without a solver.

    Entries are taken in the order (number of admissible jurors, entry id), the most constrained
    first. Each picks ``per_entry`` of its admissible jurors one at a time, by the key (load so
    far, − colleagues already chosen for this entry whom the juror has not met yet, jury
    order). Recusal holds by construction: only admissible jurors are picked; the caller has
    checked (:func:`_check`) that every entry has at least ``per_entry`` of them.
    ``admissible``: :func:`_admissible` of the same arguments, when already computed.

    Returns
    -------
    list of (entry_id, juror_id)
    """
    n_j = len(jurors)
    ok_of = [
        np.array(ok, dtype=np.int64)
        for ok in (_admissible(entries, jurors, bad) if admissible is None else admissible)
    ]
    order = sorted(range(len(entries)), key=lambda i: (len(ok_of[i]), entries[i]))
    load = np.zeros(n_j, dtype=np.int64)
    unmet = np.ones((n_j, n_j), dtype=np.int64)  # 1 while two jurors share no entry yet
    rows = []
    taken = np.iinfo(np.int64).max // 2
    for i in order:
        free = ok_of[i]
        # the key (load, − colleagues chosen so far whom the juror has not met, jury order) as one
        # number; free is in jury order and argmin takes the first of equal keys
        key = load[free] * (per_entry + 1)
        chosen: list[int] = []
        for _ in range(per_entry):
            pick = int(np.argmin(key))
            best = int(free[pick])
            chosen.append(best)
            key[pick] = taken
            key -= unmet[free, best]
        load[chosen] += 1
        unmet[np.ix_(chosen, chosen)] = 0
        rows += [(entries[i], jurors[k]) for k in chosen]
    return rows


def _large_plan(entries, jurors, per_entry, bad, admissible=None) -> tuple[list, AssignmentStats]:
    """The plan of a contest too large for the full model (module docstring), with its statistics.

    ``admissible``: :func:`_admissible` of the same arguments, when already computed.
    """
    ok_of = _admissible(entries, jurors, bad) if admissible is None else admissible
    rows = _greedy_plan(entries, jurors, per_entry, bad, ok_of)
    spread, pairs = _plan_stats(entries, jurors, rows)
    inc = np.zeros((len(entries), len(jurors)), dtype=np.int64)
    for i, ok in enumerate(ok_of):
        inc[i, ok] = 1
    pairs_total = _pairs(inc) if per_entry >= 2 else 0
    pair_bound = min(pairs_total, len(entries) * per_entry * (per_entry - 1) // 2)
    spread_bound = 0 if (len(entries) * per_entry) % len(jurors) == 0 else 1
    spread_proved = spread <= spread_bound
    if not spread_proved:  # the least spread there is, from the flow; the greedy keeps it if it has it
        flow_rows = _least_spread_plan(entries, jurors, per_entry, bad, ok_of)
        flow_spread, flow_pairs = _plan_stats(entries, jurors, flow_rows)
        if flow_spread < spread:
            rows, spread, pairs = flow_rows, flow_spread, flow_pairs
        spread_proved = True
    status = "OPTIMAL" if spread_proved and pairs >= pair_bound else "FEASIBLE"
    return rows, AssignmentStats(
        status=status, load_spread=spread, pairs_together=pairs, pairs_total=pairs_total, seconds=0.0
    )


def _least_spread_plan(entries, jurors, per_entry, bad, admissible=None) -> list[tuple[str, str]]:
    """A plan whose loads have the least possible spread (max − min), by one min-cost flow.

    Network: source → entry (capacity ``per_entry``), entry → admissible juror (capacity 1),
    juror → sink as unit arcs of costs 1, 3, 5, … (the ``t``-th unit of load costs
    ``(t+1)² − t²``), so the flow minimises the sum of squared loads. The load vectors a plan can
    have are the integer bases of the polymatroid ``f(S) = Σ_entries min(per_entry, |admissible
    ∩ S|)`` (an M-convex set), and on such a set the integer vector of least sum of squares is
    decreasingly minimal and increasingly maximal at once — it has the least maximum and the
    greatest minimum load (Frank & Murota, "Discrete decreasing minimization, Part I",
    Math. Oper. Res. 47, 2022; Fujishige 1980 for the continuous case): its spread is the least
    possible. The co-scoring pairs are not part of this objective. ``admissible``:
    :func:`_admissible` of the same arguments, when already computed.

    Returns
    -------
    list of (entry_id, juror_id)
    """
    from ortools.graph.python import min_cost_flow

    n_e, n_j = len(entries), len(jurors)
    ok_of = _admissible(entries, jurors, bad) if admissible is None else admissible
    src, sink = 0, 1 + n_e + n_j
    e_tail = np.repeat(np.arange(1, n_e + 1), [len(ok) for ok in ok_of])
    e_head = 1 + n_e + np.fromiter((k for ok in ok_of for k in ok), dtype=np.int64, count=len(e_tail))
    reach = np.bincount(e_head - 1 - n_e, minlength=n_j)  # entries each juror may score
    j_tail = np.repeat(np.arange(1 + n_e, 1 + n_e + n_j), reach)
    j_cost = np.concatenate([2 * np.arange(r) + 1 for r in reach]) if n_j else np.zeros(0, np.int64)
    tails = np.concatenate([np.zeros(n_e, np.int64), e_tail, j_tail])
    heads = np.concatenate([np.arange(1, n_e + 1), e_head, np.full(len(j_tail), sink)])
    caps = np.concatenate([np.full(n_e, per_entry), np.ones(len(e_tail) + len(j_tail), np.int64)])
    costs = np.concatenate([np.zeros(n_e + len(e_tail), np.int64), j_cost])
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    flow.set_node_supply(src, n_e * per_entry)
    flow.set_node_supply(sink, -n_e * per_entry)
    status = flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover — every entry has per_entry admissible jurors (_check)
        raise ContestError(f"не удалось распределить экспертов: поток вернул статус {status}")
    used = flow.flows(arcs[n_e : n_e + len(e_tail)]) > 0
    return [(entries[t - 1], jurors[h - 1 - n_e]) for t, h in zip(e_tail[used], e_head[used])]


def anchor_entries(entries, jurors, bad, n: int) -> list[str]:
    """The ``jury.anchors`` entries of a stage: scored by every admissible juror.

    Chosen deterministically: the ``n`` entries with the most admissible (not
    recused) jurors, ties by entry code — so that an anchor links as many
    jurors as it can (docs/sources.md [Linacre-plans]). Fewer when the stage
    has fewer entries.

    Returns
    -------
    list of str
        Entry codes, in the order chosen.
    """
    if n <= 0:
        return []
    ok = {e: sum((e, j) not in bad for j in jurors) for e in entries}
    return sorted(entries, key=lambda e: (-ok[e], e))[:n]


def _with_anchors(rows, stats, anchors, jurors, bad, per_entry) -> tuple[list, AssignmentStats]:
    """The plan of the other entries plus every admissible juror on each anchor; statistics of the whole."""
    rows = list(rows) + [(e, j) for e in anchors for j in jurors if (e, j) not in bad]
    load = {j: 0 for j in jurors}
    by_entry: dict[str, list[str]] = {}
    for e, j in rows:
        load[j] += 1
        by_entry.setdefault(e, []).append(j)
    pairs = {(a, b) for js in by_entry.values() for a in js for b in js if a < b}
    possible = {
        (a, b)
        for e in by_entry
        for a in jurors
        for b in jurors
        if a < b and (e, a) not in bad and (e, b) not in bad
    }
    return rows, AssignmentStats(
        status=stats.status if stats is not None else "OPTIMAL",
        load_spread=max(load.values()) - min(load.values()),
        pairs_together=len(pairs) if per_entry >= 2 or anchors else 0,
        pairs_total=len(possible),
        seconds=0.0,
    )
