"""What if: the next-best mentors of each mentee, and why a given pair was not formed.

Both questions ask how the optimum changes when one pair (mentee ``i``,
mentor ``j``) is forced (locked) and everything else is re-optimised. A full
re-solve per pair would cost one min-cost flow each; instead the answer is
read off the residual graph of the optimal flow (Ahuja, Magnanti & Orlin,
*Network Flows*, 1993, ch. 9: negative-cycle optimality and reduced costs;
docs/sources.md [Ahuja-Magnanti-Orlin-1993]).

The argument
------------
The solver's optimum is that of a min-cost circulation (:mod:`matching.solver`):
source → mentee (capacity 1) → mentor (capacity 1, cost ``−(B + s)``) →
sink (the mentor's capacity) → source, where the bonus ``B`` exceeds any
difference of total scores, so the cost ``−(B · matched + Σ score)`` orders
assignments exactly lexicographically: most mentees matched first, then the
highest total score. Forcing ``(i, j)`` puts a lower bound 1 on that arc.

Let ``f`` be optimal and ``f'`` optimal with the arc forced. ``f' − f`` is a
circulation in the residual graph of ``f``, a sum of simple cycles; exactly
one of them, ``Γ``, carries the unit on ``i → j`` (its flow goes from 0 to
1 and the arc has capacity 1), and every other cycle has a non-negative cost
(``f`` is optimal: no negative residual cycle). So ``f + Γ`` is feasible,
satisfies the bound and costs no more than ``f'``: it is optimal too, and the
change of the optimum is the cost of the cheapest residual cycle through
``i → j``, i.e. ``c(i, j) + dist(j → i)``. Capacities above 1 change
nothing in this argument (a cycle passes a mentor with room or swaps one of
its mentees); the cardinality-first objective is inside the costs through
``B``, so the change splits exactly into ``matched_change`` and
``score_change``: the new optimum ``B · m′ + S′`` has ``|S′| < B / 2``,
hence ``m′`` is its nearest multiple of ``B``.

A path into mentee ``i`` can only enter it by the reverse of its pair arc
(from its mentor ``j₀``) when ``i`` is matched, or from the source when it
is not, so ``dist(j → i) = dist(j → j₀) + (B + s(i, j₀))`` and no shortest
path ``j → j₀`` passes through ``i``. With node potentials ``π`` (reduced
costs ``c(u, v) + π_u − π_v ≥ 0``) every such distance comes from Dijkstra
runs (:meth:`matching.forcing.Network.alternates`). A shortest path
``j → j₀`` either passes the source or the sink — its length is then
``dist(j → hub) + dist(hub → j₀)``, for every pair from four runs on the
whole graph — or stays among mentors and mentees, where each mentee is
entered only from its own mentor: a chain of exchanges «a mentee of one
mentor moves to another», a path in the graph of mentors alone. One run per
target ``j₀`` on that graph answers every mentee of ``j₀`` and every
alternative mentor at once; the hub paths bound each mentee's third-best
change from above, and that bound caps the run, so it settles only the
mentors that can still matter (on the 60,000-teacher region about two
thirds of them: the exchange graph is dense).

The cycle itself is the re-optimised assignment: every mentee on it changes
mentor (or gains or loses one); :func:`why_not` lists them.

Scope: the pairs offered to the solver (all feasible pairs, unless
:func:`matching.match` pruned candidates — then those offered and added by
its certificate; a left-out pair can only make a change smaller, so the
figures are then bounds «не хуже указанного»). Pairs locked by hand and pairs
in force kept by rule are outside the flow and have no alternates. With a
change cost the score is the solver's ``Σ score + λ · kept``
(:mod:`matching.continuity`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from matching.continuity import pair_codes
from matching.explain import EXCLUSION_TEXT
from matching.flow import FlowSolution
from matching.forcing import DEFAULT_ALTERNATES, Network
from matching.model import RegistryError
from tandem.errors import Issue

#: Why a forced pair is impossible although every rule allows it.
LOCKED_FULL_TEXT = "все места наставника заняты закреплёнными парами"
NO_MENTEE_CONSENT_TEXT = "нет согласия наставляемого"
KEPT_TEXT = "действующая пара сохраняется по правилу; чтобы менять пары, задайте цену смены наставника"
ALTERNATE_COLUMNS = ["mentee_id", "rank", "mentor_id", "matched_change", "score_change"]

# -- the state a match keeps, and the MatchResult-level questions ------------------------------------


@dataclass
class FlowState:
    """What :func:`matching.match` keeps for the what-if questions.

    Attributes
    ----------
    model : matching.scoring._Model
        The arrays of both sides (consenting mentees × all mentors).
    e, r : int arrays
        Model positions of the pairs offered to the solver; ``s`` their scores.
    capacity : int array
        Remaining capacity per mentor position (after locks and kept pairs).
    solution : FlowSolution
    current : bool array or None; lam : float or None
        Pairs in force offered with a change cost ``lam``.
    pruned : bool
        Candidates were pruned (see the module docstring, «Scope»).
    fixed : dict
        mentee_id → mentor_id of the pairs outside the flow (locked, kept).
    forbidden : DataFrame
    mentees, teachers : DataFrame
        The registry's mentees and all its teachers (``teacher_id``,
        ``full_name``, ``consent``, ``capacity``, ``format``, …).
    """

    model: object
    e: np.ndarray
    r: np.ndarray
    s: np.ndarray
    capacity: np.ndarray
    solution: FlowSolution
    current: np.ndarray | None
    lam: float | None
    pruned: bool
    fixed: dict
    forbidden: pd.DataFrame
    mentees: pd.DataFrame
    teachers: pd.DataFrame
    _network: Network | None = field(default=None, repr=False)

    def solver_scores(self) -> np.ndarray:
        if self.lam and self.current is not None:
            return self.s + self.lam * self.current
        return self.s

    def network(self) -> Network:
        """The residual network of the result's flow (built on first use)."""
        if self._network is None:
            args = (self.e, self.r, self.solver_scores(), self.model.M, self.capacity)
            try:
                self._network = Network(*args, self.solution.chosen, self.solution.node_potential)
            except RuntimeError:  # scipy's float optimum (dense case) need not be the integer one
                from matching.solver import solve_arrays

                sol = solve_arrays(*args, potentials=True)
                self._network = Network(*args, sol.chosen, sol.node_potential)
        return self._network


def flow_state(flow: dict, model, pairs: pd.DataFrame, forbidden, registry) -> FlowState | None:
    """The :class:`FlowState` of a match (``flow``: the arrays kept by the engine's solve)."""
    if not flow:
        return None
    sol = flow["solution"]
    in_flow = set(model.e_id[flow["e"][sol.chosen]].tolist())
    fixed = {m: r for m, r in zip(pairs["mentee_id"], pairs["mentor_id"]) if m not in in_flow}
    return FlowState(
        model=model,
        e=np.asarray(flow["e"], np.int64),
        r=np.asarray(flow["r"], np.int64),
        s=np.asarray(flow["s"], float),
        capacity=np.asarray(flow["capacity"], np.int64),
        solution=sol,
        current=flow["current"],
        lam=flow["lam"],
        pruned=flow["pruned"],
        fixed=fixed,
        forbidden=forbidden,
        mentees=registry.mentees,
        teachers=registry.teachers,
    )


def _state(result) -> FlowState:
    state = getattr(result, "flow_state", None)
    if state is None:
        raise ValueError(
            "what-if questions need a result of matching.match with the plain objective "
            "(no priority tiers, objective total): only then is the solver's flow kept"
        )
    return state


def alternates(result, k: int = DEFAULT_ALTERNATES) -> pd.DataFrame:
    """Next-best mentors of every matched mentee, ranked by the exact change of the optimum.

    Parameters
    ----------
    result : MatchResult
        From :func:`matching.match`.
    k : int
        Alternates per mentee.

    Returns
    -------
    DataFrame
        ``mentee_id`` (str), ``rank`` (int, 1 = best), ``mentor_id`` (str),
        ``matched_change`` (int ≤ 0: mentees matched, if this pair were
        locked and the rest re-optimised), ``score_change`` (float ≤ 0 when
        ``matched_change`` is 0: the total score, score units). Ordered by
        ``matched_change`` descending, then ``score_change`` descending, then
        ``mentor_id``; rows sorted by ``mentee_id``, ``rank``. Each row equals a
        full re-solve with that pair locked (see the module docstring).
        Mentees of pairs locked by hand or kept by rule have no rows.
    """
    state = _state(result)
    net = state.network()
    model = state.model
    order = pd.Index(model.r_id).argsort()
    rank_of = np.empty(len(order), np.int64)
    rank_of[order] = np.arange(len(order))
    ce, rank, cr, dm, ds = net.alternates(k, rank_of)
    out = pd.DataFrame(
        {
            "mentee_id": model.e_id[ce] if len(ce) else np.array([], object),
            "rank": rank.astype(np.int64),
            "mentor_id": model.r_id[cr] if len(cr) else np.array([], object),
            "matched_change": dm.astype(np.int64),
            "score_change": ds / net.scaling.scale,
        },
        columns=ALTERNATE_COLUMNS,
    )
    return out.sort_values(["mentee_id", "rank"], kind="stable").reset_index(drop=True)


@dataclass
class WhyNot:
    """Answer of :func:`why_not`.

    Attributes
    ----------
    mentee_id, mentor_id : str
    allowed : bool
        False when a hard constraint forbids the pair (``reason`` says which).
    reason : str
        The constraint in the words of the explanations
        (:data:`matching.explain.EXCLUSION_TEXT`), "" when allowed.
    matched_change : int or None
        Change of the number of matched mentees if the pair were locked and
        the rest re-optimised (None when not allowed).
    score_change : float or None
        Change of the total score (score units; None when not allowed).
    moves : DataFrame
        ``mentee_id``, ``mentor_before``, ``mentor_after`` (str, "" for none):
        every mentee whose mentor would change, this mentee first.
    text : str
        The answer in Russian, one paragraph.
    """

    mentee_id: str
    mentor_id: str
    allowed: bool
    reason: str = ""
    matched_change: int | None = None
    score_change: float | None = None
    moves: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["mentee_id", "mentor_before", "mentor_after"])
    )
    text: str = ""


def _forbidden(mentee_id, mentor_id, reason) -> WhyNot:
    return WhyNot(str(mentee_id), str(mentor_id), False, reason, text=f"Пару составить нельзя: {reason}.")


def hard_reason(state: FlowState, mentee_id: str, mentor_id: str) -> str:
    """The hard constraint that forbids the pair ("" when every rule allows it).

    Raises
    ------
    RegistryError
        Either id is not a mentee / mentor of the registry.
    """
    model = state.model
    mentees = state.mentees.set_index("teacher_id")
    if mentee_id not in mentees.index:
        raise RegistryError(Issue(f"«{mentee_id}» не наставляемый реестра"))
    if bool(mentees.at[mentee_id, "consent"]) and mentee_id not in set(model.e_id):
        return KEPT_TEXT  # a pair in force kept by rule: its mentee was not offered to the solver
    r_pos = pd.Index(model.r_id).get_indexer([mentor_id])[0]
    if r_pos < 0:
        raise RegistryError(Issue(f"«{mentor_id}» не наставник реестра"))
    if not bool(mentees.at[mentee_id, "consent"]):
        return NO_MENTEE_CONSENT_TEXT
    if not model.r_consent[r_pos]:
        return EXCLUSION_TEXT["consent"]
    if not model.r_capacity[r_pos]:
        return EXCLUSION_TEXT["capacity"]
    e_pos = pd.Index(model.e_id).get_indexer([mentee_id])[0]
    code = pair_codes(model, np.array([e_pos]), np.array([r_pos]))[0]
    return EXCLUSION_TEXT[code] if code else ""


def why_not(result, mentee_id: str, mentor_id: str) -> WhyNot:
    """Why this mentee did not get this mentor, and what locking the pair would cost.

    Parameters
    ----------
    result : MatchResult
        From :func:`matching.match`.
    mentee_id, mentor_id : str

    Returns
    -------
    WhyNot
        Either the hard constraint that forbids the pair, or the exact change
        of the optimum (``matched_change``, ``score_change``) if the pair were
        locked and everything else re-optimised, with the mentees whose mentor
        would change — equal to ``match(..., extra_locked=<this pair>)``
        (see the module docstring; for a mentee whose pair is locked or kept by
        rule the flow is re-solved with that mentor's place given back).

    Raises
    ------
    RegistryError
        An id that is not a mentee / mentor of the registry.
    ValueError
        ``result`` was not made by :func:`matching.match`.
    """
    state = _state(result)
    mentee_id, mentor_id = str(mentee_id), str(mentor_id)
    reason = hard_reason(state, mentee_id, mentor_id)
    if reason:
        return _forbidden(mentee_id, mentor_id, reason)
    model = state.model
    i = int(pd.Index(model.e_id).get_indexer([mentee_id])[0])
    j = int(pd.Index(model.r_id).get_indexer([mentor_id])[0])
    net = state.network()
    before = state.fixed.get(mentee_id)
    if before is None and net.mentor_of[i] >= 0:
        before = model.r_id[net.mentor_of[i]]
    if before == mentor_id:
        return WhyNot(mentee_id, mentor_id, True, "", 0, 0.0, _moves([]), "Эта пара уже в подборе.")
    if state.capacity[j] <= 0:
        return _forbidden(mentee_id, mentor_id, LOCKED_FULL_TEXT)
    s_ij = float(model.score_pairs(np.array([i]), np.array([j]))[0])
    if mentee_id in state.fixed:
        dm, ds, moves = _force_fixed(state, i, j, s_ij)
    else:
        offered = np.flatnonzero((net.e == i) & (net.r == j))
        if len(offered):  # its solver score (with a change cost, a current pair's bonus)
            s_ij, ints_ij = float(net.scores[offered[0]]), int(net.ints[offered[0]])
        else:  # a pair not offered is never a current one
            s_ij, ints_ij = s_ij, int(np.round(s_ij * net.scaling.scale))
        dm, ds, moves = _force_free(state, net, i, j, ints_ij, s_ij)
    answer = WhyNot(mentee_id, mentor_id, True, "", dm, ds, moves)
    answer.text = _why_text(answer, before)
    return answer


def _mentor_after(net, model, cycle):
    """Mentee position → new mentor position (−1: none) of every mentee on a residual cycle."""
    M = net.M
    after = {}
    for u, v in cycle:
        if 1 <= u <= M and v > M:  # forward pair arc: u takes v
            after[u - 1] = v - 1 - M
        elif u > M and u != net.sink and 1 <= v <= M:  # reverse pair arc: v leaves u
            after.setdefault(v - 1, -1)
    return after


def _force_free(state, net, i, j, ints_ij, s_ij):
    """A mentee in the flow: the cheapest residual cycle through i → j (:meth:`Network.force`)."""
    model = state.model
    found = net.force(i, j, ints_ij)
    if found is None:  # pragma: no cover - only a mentor without a place, checked by the caller
        raise RuntimeError("a forced pair with a place left has a residual cycle")
    dm, _, cycle = found
    after = _mentor_after(net, model, cycle)
    scores = state.solver_scores()
    edge_of = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(net.e, net.r))}
    ds = 0.0
    rows = []
    for pos in [i, *sorted(set(after) - {i}, key=lambda p: model.e_id[p])]:
        old, new = int(net.mentor_of[pos]), after[pos]
        if old == new:
            continue
        if old >= 0:
            ds -= scores[edge_of[(pos, old)]]
        if new >= 0:
            ds += s_ij if (pos, new) == (i, j) else scores[edge_of[(pos, new)]]
        rows.append(
            (model.e_id[pos], model.r_id[old] if old >= 0 else "", model.r_id[new] if new >= 0 else "")
        )
    return dm, float(ds), _moves(rows)


def _force_fixed(state, i, j, s_ij):
    """A mentee whose pair is locked or kept: re-solve with its mentor's place given back."""
    from matching.solver import solve_arrays

    model = state.model
    r_index = pd.Index(model.r_id)
    j0 = int(r_index.get_indexer([state.fixed[model.e_id[i]]])[0])
    cap = state.capacity.copy()
    cap[j] -= 1
    if j0 >= 0:
        cap[j0] += 1
    scores = state.solver_scores()
    net = state.network()
    sol = solve_arrays(state.e, state.r, state.s, model.M, cap, current=state.current, change_cost=state.lam)
    s0 = float(model.score_pairs(np.array([i]), np.array([j0]))[0]) if j0 >= 0 else 0.0
    dm = int(sol.chosen.sum()) - net.matched
    ds = float(scores[sol.chosen].sum() - scores[net.chosen].sum()) + s_ij - s0
    new_of = np.full(model.M, -1, np.int64)
    new_of[state.e[sol.chosen]] = state.r[sol.chosen]
    rows = [(model.e_id[i], model.r_id[j0] if j0 >= 0 else "", model.r_id[j])]
    for pos in np.flatnonzero(new_of != net.mentor_of):
        old, new = int(net.mentor_of[pos]), int(new_of[pos])
        rows.append(
            (model.e_id[pos], model.r_id[old] if old >= 0 else "", model.r_id[new] if new >= 0 else "")
        )
    return dm, ds, _moves(rows)


def _moves(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["mentee_id", "mentor_before", "mentor_after"])


def _why_text(answer: WhyNot, before) -> str:
    """The Russian paragraph of a :class:`WhyNot` for an allowed pair."""
    from matching.explain import plural

    parts = ["Правила пару допускают."]
    if before:
        parts.append(f"Сейчас у наставляемого наставник «{before}».")
    dm, ds = answer.matched_change, answer.score_change
    if dm < 0:
        n = -dm
        parts.append(
            f"Если закрепить пару, без наставника останется на {n} {plural(n, 'человек', 'человека', 'человек')} больше"
        )
    elif dm > 0:
        parts.append(f"Если закрепить пару, наставника получат на {dm} больше")
    else:
        parts.append("Если закрепить пару, число распределённых не изменится")
    parts[-1] += f", сумма баллов изменится на {ds:+.3f}."
    others = len(answer.moves) - 1
    if others > 0:
        parts.append(
            f"Сменится наставник ещё у {others} {plural(others, 'наставляемого', 'наставляемых', 'наставляемых')}: "
            + ", ".join(f"«{m}»" for m in answer.moves["mentee_id"].iloc[1:6])
            + (" и других" if others > 5 else "")
            + "."
        )
    return " ".join(parts)
