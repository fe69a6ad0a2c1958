"""Assigning jurors to entries without conflicts of interest (CP-SAT).

Rules (PRODUCT.md, "Contest definition": ``jury.per_entry``,
``jury.recuse``; research note on contest regulations, §1.3 "Recusal"):

* every entry gets exactly ``contest.per_entry`` jurors;
* recusal is a hard constraint: with ``recuse: same_school`` a juror never
  scores an entry one of whose ``school_ids`` equals the juror's
  ``school_id`` (jurors without a school are never recused on this ground);
  in every mode a juror whose full name is the mentor's or the mentee's
  name of an entry never scores it;
* the loads (entries per juror) are as even as possible: the solver first
  minimises ``max load − min load``;
* then it maximises the number of distinct juror pairs that score at least
  one entry together, so that the severities of the jurors can be compared
  through shared entries (linkage, as in many-facet Rasch judging plans).

The solve is deterministic: one search worker, a fixed random seed and a
*deterministic* time limit (``max_deterministic_time``), so the same input
gives the same plan on any machine.

A forced plan is not solved: when no entry has more admissible (not
recused) jurors than ``per_entry`` — e.g. every juror scores every entry —
the only plan gives each entry all its admissible jurors, and it is
returned directly (the same table and :data:`LAST_STATS` as the solver's,
status ``OPTIMAL``). It meets the rules above: recused jurors are never in
it, every admissible pair of jurors shares an entry, and the loads are the
only ones possible. A large contest's model (hundreds of thousands of
variables) would take the solver tens of seconds to confirm it.

A large contest is not given the full model either: when the co-scoring
part would need more than :data:`PAIR_VARIABLE_LIMIT` variables (one per
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

import time
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from contest.model import ContestError
from contest.people import People
from tandem.errors import Issue

#: Deterministic time budget of one solve (CP-SAT "deterministic seconds").
DETERMINISTIC_LIMIT = 10.0
SEED = 20260101
#: Above this many co-scoring variables (entries × pairs of their admissible jurors) the plan is
#: built greedily and certified by bounds instead of solving the full model (module docstring).
PAIR_VARIABLE_LIMIT = 20_000


@dataclass
class AssignmentStats:
    """What the last :func:`assign_jury` solve did (for reports and notebooks).

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


LAST_STATS: AssignmentStats | None = None


def conflicts(contest, people: People) -> dict[tuple[str, str], str]:
    """Juror–entry pairs that must never meet, with the reason in Russian.

    Returns
    -------
    dict
        ``(entry_id, juror_id) → reason`` where reason is ``"ОО"`` (same
        school, when ``contest.recuse == "same_school"``) or ``"участник"``
        (the juror is the mentor or the mentee of the entry).
    """
    recuse = getattr(contest, "recuse", "same_school") or "none"
    same_school = recuse == "same_school"
    out: dict[tuple[str, str], str] = {}
    if not len(people.entries):
        return out
    # the jury is read once: (juror_id, name as compared, school_id) in the jury order
    jury = [(jid, name.strip().lower(), school)
            for jid, name, school in zip(people.jury["juror_id"], people.jury["full_name"], people.jury["school_id"])]
    for eid, mentor, mentee, schools in zip(people.entries["entry_id"], people.entries["mentor_name"],
                                            people.entries["mentee_name"], people.entries["school_ids"]):
        names = {mentor.strip().lower(), mentee.strip().lower()}
        for jid, name, school in jury:
            if name in names:
                out[(eid, jid)] = "участник"
            elif same_school and school and school in schools:
                out[(eid, jid)] = "ОО"
    return out


def _check(entry_ids, juror_ids, per_entry, bad) -> None:
    """The fast feasibility check: enough admissible jurors for every entry.

    Jurors have no capacity limit, so this count is also sufficient.
    """
    issues = []
    n = len(juror_ids)
    for e in entry_ids:
        ok = [j for j in juror_ids if (e, j) not in bad]
        if len(ok) < per_entry:
            by_school = [j for j in juror_ids if bad.get((e, j)) == "ОО"]
            own = [j for j in juror_ids if bad.get((e, j)) == "участник"]
            why = []
            if by_school:
                why.append(f"отведены по ОО: {', '.join(by_school)}")
            if own:
                why.append(f"участники этой работы: {', '.join(own)}")
            reason = f" ({'; '.join(why)})" if why else ""
            issues.append(Issue(f"работа {e}: допустимых экспертов {len(ok)} из {n}{reason}, нужно {per_entry}"))
    if issues:
        issues.append(Issue("добавьте в жюри экспертов из других организаций или уменьшите "
                            "jury.per_entry в описании конкурса"))
        raise ContestError(issues)


def assign_jury(contest, people: People, stage_id: str | None = None, entry_ids=None,
                planner: str = "auto") -> pd.DataFrame:
    """Assign jurors to every entry: the stage's ``jury.per_entry`` (else the contest's).

    Parameters
    ----------
    contest : Contest
        Uses ``per_entry`` (:meth:`Contest.per_entry_of` when ``stage_id`` is
        given) and ``recuse`` (``"same_school"`` or ``"none"``).
    people : People
        Entries (with ``school_ids``) and jury (with ``school_id``).
    stage_id : str, optional
        The stage the plan is for: its own ``jury.per_entry`` applies, and it
        is named in messages.
    entry_ids : iterable of str, optional
        Assign only these entries (e.g. those that advanced to a later
        stage). Default: all entries.
    planner : {"auto", "model"}
        ``"auto"`` (default): the full CP-SAT model, or for a large contest
        the greedy plan certified by bounds (:data:`PAIR_VARIABLE_LIMIT`).
        ``"model"``: the full model at any size — the plans of score sheets
        issued in format ``tandem.contest.sheet/1``, before the large-contest
        path existed, so that such sheets are checked against the plan they
        were issued with (:func:`contest.scores_io.load_scores` asks for it).

    Returns
    -------
    DataFrame
        Columns ``entry_id`` (str), ``juror_id`` (str); ``per_entry`` rows per
        entry, sorted by ``entry_id`` then ``juror_id``. When the plan is
        forced (no entry has more admissible jurors than ``per_entry``) it is
        returned without the solver; a large contest's plan is built greedily
        and certified by bounds (:data:`PAIR_VARIABLE_LIMIT`); see the module
        docstring.

    Raises
    ------
    ContestError
        When an entry has fewer admissible jurors than ``per_entry``; the
        message names every such entry, how many jurors remain and who was
        recused and why (e.g. «работа E07: допустимых экспертов 2 из 7
        (отведены по ОО: Ж03, Ж05), нужно 3»). Also when an ``entry_ids``
        item is not in the people workbook.
    """
    global LAST_STATS
    if planner not in ("auto", "model"):
        raise ValueError(f"planner={planner!r}: ожидалось 'auto' или 'model'")
    per_entry = int(contest.per_entry_of(stage_id) if stage_id else contest.per_entry)
    all_entries = list(people.entries["entry_id"])
    if entry_ids is None:
        entries = sorted(all_entries)
    else:
        entries = sorted(dict.fromkeys(str(e) for e in entry_ids))
        unknown = [e for e in entries if e not in set(all_entries)]
        if unknown:
            raise ContestError([Issue(f"работы {', '.join(unknown)} нет в списке участников")])
    jurors = sorted(people.jury["juror_id"])
    if not entries:
        return pd.DataFrame({"entry_id": pd.Series([], dtype=object), "juror_id": pd.Series([], dtype=object)})
    if per_entry < 1:
        raise ContestError("jury.per_entry должно быть не меньше 1")
    bad = conflicts(contest, people)
    _check(entries, jurors, per_entry, bad)
    t0 = time.perf_counter()
    forced = _forced_plan(entries, jurors, per_entry, bad)
    if forced is not None:
        rows, LAST_STATS = forced
    else:
        ok_of = _admissible(entries, jurors, bad)
        if planner == "auto" and _pair_variables(entries, jurors, bad, ok_of) > PAIR_VARIABLE_LIMIT:
            rows, LAST_STATS = _large_plan(entries, jurors, per_entry, bad, ok_of)
        else:
            rows, LAST_STATS = _solve(entries, jurors, per_entry, bad, stage_id)
    LAST_STATS.seconds = time.perf_counter() - t0
    out = pd.DataFrame(rows, columns=["entry_id", "juror_id"]).sort_values(["entry_id", "juror_id"])
    return out.reset_index(drop=True)


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
    stats = AssignmentStats(status="OPTIMAL", load_spread=spread, pairs_together=pairs,
                            pairs_total=pairs, seconds=0.0)
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
    ok_of = [np.array(ok, dtype=np.int64)
             for ok in (_admissible(entries, jurors, bad) if admissible is None else admissible)]
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
    return rows, AssignmentStats(status=status, load_spread=spread, pairs_together=pairs,
                                 pairs_total=pairs_total, seconds=0.0)


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
    used = flow.flows(arcs[n_e:n_e + len(e_tail)]) > 0
    return [(entries[t - 1], jurors[h - 1 - n_e]) for t, h in zip(e_tail[used], e_head[used])]


def _solve(entries, jurors, per_entry, bad, stage_id) -> tuple[list, AssignmentStats]:
    """The CP-SAT model of the module docstring: the ``(entry_id, juror_id)`` rows chosen and the statistics."""
    m = cp_model.CpModel()
    x = {(e, j): m.new_bool_var(f"x_{e}_{j}") for e in entries for j in jurors if (e, j) not in bad}
    for e in entries:
        m.add(sum(x[e, j] for j in jurors if (e, j) in x) == per_entry)
    n_e = len(entries)
    load = {}
    for j in jurors:
        load[j] = m.new_int_var(0, n_e, f"load_{j}")
        m.add(load[j] == sum(x[e, j] for e in entries if (e, j) in x))
    hi = m.new_int_var(0, n_e, "max_load")
    lo = m.new_int_var(0, n_e, "min_load")
    m.add_max_equality(hi, list(load.values()))
    m.add_min_equality(lo, list(load.values()))
    # co-scoring pairs
    together = []
    partners: dict[str, list] = {j: [] for j in jurors}
    pairs_possible = 0
    if per_entry >= 2:
        for a, b in combinations(jurors, 2):
            shared = [e for e in entries if (e, a) in x and (e, b) in x]
            if not shared:
                continue
            pairs_possible += 1
            y = m.new_bool_var(f"y_{a}_{b}")
            zs = []
            for e in shared:
                z = m.new_bool_var(f"z_{e}_{a}_{b}")
                m.add_implication(z, x[e, a])
                m.add_implication(z, x[e, b])
                zs.append(z)
            m.add(y <= sum(zs))
            together.append(y)
            partners[a].append(y)
            partners[b].append(y)
    if together:
        # a valid upper bound (each entry joins C(per_entry, 2) pairs) lets the solver prove optimality early
        m.add(sum(together) <= min(len(together), n_e * per_entry * (per_entry - 1) // 2))
        for j in jurors:  # a juror meets at most (per_entry − 1) colleagues per entry
            if partners[j]:
                m.add(sum(partners[j]) <= (per_entry - 1) * load[j])
    # lexicographic objective: the spread first, then the number of pairs
    big = len(together) + 1
    m.minimize((hi - lo) * big - sum(together))
    solver = cp_model.CpSolver()
    solver.parameters.num_search_workers = 1
    solver.parameters.random_seed = SEED
    solver.parameters.max_deterministic_time = DETERMINISTIC_LIMIT
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # pragma: no cover — excluded by _check
        raise ContestError(f"не удалось распределить экспертов{f' (этап {stage_id})' if stage_id else ''}: "
                           f"решатель вернул {solver.status_name(status)}")
    rows = [(e, j) for (e, j), var in x.items() if solver.value(var)]
    stats = AssignmentStats(
        status=solver.status_name(status),
        load_spread=int(solver.value(hi) - solver.value(lo)),
        pairs_together=int(sum(solver.value(y) for y in together)),
        pairs_total=pairs_possible,
        seconds=0.0,
    )
    return rows, stats


def loads(assignment: pd.DataFrame, people: People) -> pd.DataFrame:
    """Entries per juror, including jurors with no entries.

    Returns
    -------
    DataFrame
        Columns ``juror_id`` (str), ``full_name`` (str), ``load`` (int,
        entries), in the jury order of ``people``.
    """
    counts = assignment.groupby("juror_id").size()
    j = people.jury[["juror_id", "full_name"]].copy()
    j["load"] = [int(counts.get(k, 0)) for k in j["juror_id"]]
    return j.reset_index(drop=True)


def co_scoring(assignment: pd.DataFrame) -> pd.DataFrame:
    """How many entries each pair of jurors scores together.

    Returns
    -------
    DataFrame
        Square table (jurors × jurors, int): off-diagonal cells count shared
        entries, the diagonal is each juror's load.
    """
    wide = pd.crosstab(assignment["entry_id"], assignment["juror_id"])
    return (wide.T @ wide).astype(int)
