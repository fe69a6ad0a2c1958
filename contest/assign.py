"""Assigning jurors to entries without conflicts of interest (CP-SAT).

Rules (the contest definition's ``jury.per_entry`` and ``jury.recuse``,
docs/contest_rules.md; recusal precedent: docs/sources.md [Отвод-ОО]):

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
  through shared entries (linkage, as in many-facet Rasch judging plans,
  docs/sources.md [Linacre-plans]);
* with ``jury.anchors: N`` the N anchor entries of the stage
  (:func:`contest.jury_plans.anchor_entries`: most admissible jurors first,
  then by code) are scored by every juror not recused from them, and the
  rules above plan the other entries. Anchors connect the jurors of small
  panels, so that the additive severity model (:mod:`contest.severity`) can
  compare all of them.

The solve is deterministic: one search worker, a fixed random seed and a
*deterministic* time limit (``max_deterministic_time``), so the same input
gives the same plan on any machine.

How a plan is built when the full model is not needed or too large (a forced
plan; a large contest's greedy plan certified by bounds, or a min-cost flow)
is described in :mod:`contest.jury_plans`. :func:`plan_jury` returns the plan
with its :class:`~contest.jury_plans.AssignmentStats`; :func:`assign_jury`
returns the plan alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from itertools import combinations

import pandas as pd
from ortools.sat.python import cp_model

from contest.jury_plans import (  # noqa: F401  (AssignmentStats is part of the API of this module)
    AssignmentStats,
    _admissible,
    _forced_plan,
    _large_plan,
    _pair_variables,
    _with_anchors,
    anchor_entries,
)
from contest.model import ContestError
from contest.roster import People
from tandem.errors import Issue

#: Deterministic time budget of one solve (CP-SAT "deterministic seconds").
DETERMINISTIC_LIMIT = 10.0
SEED = 20260101
#: Above this many co-scoring variables (entries × pairs of their admissible jurors) the plan is
#: built greedily and certified by bounds instead of solving the full model (module docstring).
PAIR_VARIABLE_LIMIT = 20_000


@dataclass
class JuryPlan:
    """A jury plan and how it was found (the result of :func:`plan_jury`).

    Attributes
    ----------
    assignment : DataFrame
        Columns ``entry_id`` (str), ``juror_id`` (str); ``per_entry`` rows per
        entry, sorted by ``entry_id`` then ``juror_id``.
    stats : AssignmentStats or None
        Status, load spread, co-scoring pairs and wall time of the plan;
        ``None`` when there were no entries to assign.
    """

    assignment: pd.DataFrame
    stats: AssignmentStats | None = None


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
    jury = [
        (jid, name.strip().lower(), school)
        for jid, name, school in zip(
            people.jury["juror_id"], people.jury["full_name"], people.jury["school_id"]
        )
    ]
    for eid, mentor, mentee, schools in zip(
        people.entries["entry_id"],
        people.entries["mentor_name"],
        people.entries["mentee_name"],
        people.entries["school_ids"],
    ):
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
            issues.append(
                Issue(f"работа {e}: допустимых экспертов {len(ok)} из {n}{reason}, нужно {per_entry}")
            )
    if issues:
        issues.append(
            Issue(
                "добавьте в жюри экспертов из других организаций или уменьшите "
                "jury.per_entry в описании конкурса"
            )
        )
        raise ContestError(issues)


def plan_jury(
    contest, people: People, stage_id: str | None = None, entry_ids=None, planner: str = "auto"
) -> JuryPlan:
    """Assign jurors to every entry (the stage's ``jury.per_entry``, else the contest's), with statistics.

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
    JuryPlan
        ``assignment``: columns ``entry_id`` (str), ``juror_id`` (str);
        ``per_entry`` rows per entry (an anchor entry: every admissible
        juror), sorted by ``entry_id`` then ``juror_id``. ``stats``: how the plan was found. When the plan is
        forced (no entry has more admissible jurors than ``per_entry``) it is
        returned without the solver; a large contest's plan is built greedily
        and certified by bounds (:data:`PAIR_VARIABLE_LIMIT`); see
        :mod:`contest.jury_plans`.

    Raises
    ------
    ContestError
        When an entry has fewer admissible jurors than ``per_entry``; the
        message names every such entry, how many jurors remain and who was
        recused and why (e.g. «работа E07: допустимых экспертов 2 из 7
        (отведены по ОО: Ж03, Ж05), нужно 3»). Also when an ``entry_ids``
        item is not in the people workbook.
    """
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
        return JuryPlan(
            pd.DataFrame({"entry_id": pd.Series([], dtype=object), "juror_id": pd.Series([], dtype=object)})
        )
    if per_entry < 1:
        raise ContestError("jury.per_entry должно быть не меньше 1")
    bad = conflicts(contest, people)
    _check(entries, jurors, per_entry, bad)
    t0 = time.perf_counter()
    anchors = anchor_entries(entries, jurors, bad, int(getattr(contest, "anchors", 0) or 0))
    rest = [e for e in entries if e not in set(anchors)]
    forced = _forced_plan(rest, jurors, per_entry, bad) if rest else ([], None)
    if forced is not None:
        rows, stats = forced
    else:
        ok_of = _admissible(rest, jurors, bad)
        if planner == "auto" and _pair_variables(rest, jurors, bad, ok_of) > PAIR_VARIABLE_LIMIT:
            rows, stats = _large_plan(rest, jurors, per_entry, bad, ok_of)
        else:
            rows, stats = _solve(rest, jurors, per_entry, bad, stage_id)
    if anchors:
        rows, stats = _with_anchors(rows, stats, anchors, jurors, bad, per_entry)
    stats.seconds = time.perf_counter() - t0
    out = pd.DataFrame(rows, columns=["entry_id", "juror_id"]).sort_values(["entry_id", "juror_id"])
    return JuryPlan(out.reset_index(drop=True), stats)


def assign_jury(
    contest, people: People, stage_id: str | None = None, entry_ids=None, planner: str = "auto"
) -> pd.DataFrame:
    """The jury plan alone: ``plan_jury(...).assignment`` (parameters and errors of :func:`plan_jury`).

    Returns
    -------
    DataFrame
        Columns ``entry_id`` (str), ``juror_id`` (str); ``per_entry`` rows per
        entry, sorted by ``entry_id`` then ``juror_id``.
    """
    return plan_jury(contest, people, stage_id=stage_id, entry_ids=entry_ids, planner=planner).assignment


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
        raise ContestError(
            f"не удалось распределить экспертов{f' (этап {stage_id})' if stage_id else ''}: "
            f"решатель вернул {solver.status_name(status)}"
        )
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
