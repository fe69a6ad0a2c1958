"""How to help an unmatched mentee: single changes that give them a mentor, each verified by a re-solve.

For every mentee left without a mentor (who gave consent) the candidates
are, in this order, one of each kind:

* ``capacity`` — one more place for a mentor the mentee could have (every
  such mentor is full: otherwise the optimum would have matched the mentee);
  the mentors are tried best score first;
* ``format`` — the mentee's format changed to «смешанно», else to
  «дистанционно» (an очно mentee may then meet дистанционно mentors, and
  the distance limit binds only очно pairs; docs/sources.md [Тетюши-2022]
  §4.8, the mode of work is part of the programme);
* ``distance`` — the distance limit for очно pairs raised, for one pair, to
  the distance of that pair (the best-scoring pairs barred by distance alone);
* ``subject`` / ``relevance`` — the rule «общий предмет» or «закрывает
  дефицит или ведёт тот же предмет» waived for this mentee (when the
  configuration requires it).

Each candidate is applied to the solver's arrays and the whole assignment
re-solved exactly (:func:`matching.solver.solve_arrays`, the same edges in
the same order as :func:`matching.match` would give it, so the same
tie-breaking); it is kept only when the mentee then has a mentor. At most
:data:`FIXES_PER_MENTEE` are kept, with the number of other mentees whose
mentor changes. Each try is one min-cost flow, so the unmatched mentees are
examined in order of id while the re-solves stay within a budget
(:data:`FIX_BUDGET` pairs × re-solves, at most :data:`MAX_FIX_MENTEES`
mentees): all of them on a district-sized registry with few unmatched, the
first few on a large one. The result says which were examined:
``attrs["status"]`` gives every unmatched mentee :data:`FOUND`, :data:`NO_FIX`
(examined, no single change helps) or :data:`NOT_EXAMINED` (the budget ran out
before them), and :func:`not_examined_text` says so in Russian, so that «not
examined» is never shown as «no fix». After a pruned match the re-solves use
the pairs the solver was offered.

Pure: arrays and DataFrames in and out.
"""

from __future__ import annotations

import copy
import math
from dataclasses import replace

import numpy as np
import pandas as pd

from matching.scoring import _CODE, FORMAT_CODE
from matching.solver import solve_arrays

#: Fixes kept per unmatched mentee.
FIXES_PER_MENTEE = 3
#: Mentors (or pairs) tried per kind of fix.
TRIES_PER_KIND = 2
#: Unmatched mentees examined at most (first by id); each try is one exact re-solve.
MAX_FIX_MENTEES = 100
#: Work budget: re-solves × pairs offered to the solver. Mentees are examined (by id) while the
#: re-solves so far stay under it, so a large run stops early (deterministically, by size).
FIX_BUDGET = 4_000_000
FIX_COLUMNS = ["mentee_id", "fix", "detail", "pairs_changed", "code", "mentor_id", "value"]
#: ``attrs["status"]`` of :func:`fixes`: examined, and at least one fix is listed.
FOUND = "found"
#: Examined: none of the single changes gives the mentee a mentor.
NO_FIX = "none"
#: Not examined: the work budget ran out before this mentee (mentees go in order of id).
NOT_EXAMINED = "not_examined"


def fixes(result) -> pd.DataFrame:
    """Up to three single changes per unmatched mentee that would give them a mentor.

    Parameters
    ----------
    result : MatchResult
        From :func:`matching.match`.

    Returns
    -------
    DataFrame
        ``mentee_id`` (str), ``fix`` (str, Russian: what to change),
        ``detail`` (str, Russian: the change in full and the mentor the mentee
        would get), ``pairs_changed`` (int: other mentees whose mentor would
        change), ``code`` (``capacity`` / ``format`` / ``distance`` /
        ``subject`` / ``relevance``), ``mentor_id`` (the mentor whose capacity
        or pair is concerned, "" for a format or a rule), ``value`` (the new
        capacity, format or distance limit in km; "" for a rule). Sorted by
        ``mentee_id``, in the order of the module docstring. ``attrs``:
        ``status`` (dict, every unmatched mentee's id → :data:`FOUND`,
        :data:`NO_FIX` or :data:`NOT_EXAMINED`, in order of id),
        ``examined`` (int, mentees examined), ``unmatched`` (int, unmatched
        mentees, the length of ``status``).

    Raises
    ------
    ValueError
        ``result`` was not made by :func:`matching.match`.
    """
    from matching.whatif import _state

    state = _state(result)
    model = state.model
    e_pos = {m: k for k, m in enumerate(model.e_id)}
    unmatched = sorted(m for m in result.unmatched["mentee_id"] if m in e_pos)
    status = dict.fromkeys(unmatched, NOT_EXAMINED)
    helper = _Fixer(state) if unmatched else None
    rows = []
    budget = max(1, FIX_BUDGET // max(len(state.e), 1))
    for mid in unmatched[:MAX_FIX_MENTEES]:
        if helper.solves >= budget:
            break
        found = helper.for_mentee(e_pos[mid])[:FIXES_PER_MENTEE]
        status[mid] = FOUND if found else NO_FIX
        rows += found
    out = pd.DataFrame(rows, columns=FIX_COLUMNS)
    out.attrs["status"] = status
    out.attrs["examined"] = helper.examined if helper else 0
    out.attrs["unmatched"] = len(unmatched)
    return out


def not_examined_text(table: pd.DataFrame) -> str:
    """Why a mentee has no fixes listed when the budget ran out before them, in Russian.

    Parameters
    ----------
    table : DataFrame
        The result of :func:`fixes` (its ``attrs``).

    Returns
    -------
    str
        «не проверено: ограничение объёма перебора (N из M нераспределённых
        проверены)», N = ``attrs["examined"]``, M = ``attrs["unmatched"]``.
    """
    n, m = int(table.attrs.get("examined", 0)), int(table.attrs.get("unmatched", 0))
    verb = "проверен" if n % 10 == 1 and n % 100 != 11 else "проверены"
    return f"не проверено: ограничение объёма перебора ({n} из {m} нераспределённых {verb})"


class _Fixer:
    def __init__(self, state):
        self.state = state
        self.model = state.model
        self.net = state.network()
        self.base_of = self.net.mentor_of
        t = state.teachers.set_index("teacher_id")
        self.name = t["full_name"].to_dict()
        self.cap = t["capacity"].to_dict()
        self.fmt = t["format"].to_dict()
        m = self.model
        self.active = np.flatnonzero(m.r_consent & m.r_capacity)
        self.e_rank = pd.Index(m.e_id).argsort().argsort()
        self.r_rank = pd.Index(m.r_id).argsort().argsort()
        self.solves = self.examined = 0

    def person(self, j) -> str:
        rid = self.model.r_id[j]
        return f"{self.name.get(rid, rid)} ({rid})"

    # -- re-solves ---------------------------------------------------------------------------------

    def resolve(self, i, cap=None, new=None):
        """Re-solve with another capacity or with mentee ``i``'s edges replaced by ``new``
        (mentor positions, scores); ``(mentor of i or −1, other mentees whose mentor changed)``."""
        st = self.state
        e, r, s, cur = st.e, st.r, st.s, st.current
        if new is not None:
            cols, sc = new
            keep = e != i
            e = np.concatenate([e[keep], np.full(len(cols), i, np.int64)])
            r = np.concatenate([r[keep], cols])
            s = np.concatenate([s[keep], sc])
            if cur is not None:
                was = set(zip(st.e[st.current].tolist(), st.r[st.current].tolist()))
                cur = np.concatenate([cur[keep], np.array([(i, int(c)) in was for c in cols], bool)])
            order = np.lexsort((self.r_rank[r], self.e_rank[e]))  # the order match() offers them in
            e, r, s = e[order], r[order], s[order]
            cur = cur[order] if cur is not None else None
        cap = st.capacity if cap is None else cap
        self.solves += 1
        sol = solve_arrays(e, r, s, self.model.M, cap, current=cur, change_cost=st.lam)
        new_of = np.full(self.model.M, -1, np.int64)
        new_of[e[sol.chosen]] = r[sol.chosen]
        changed = new_of != self.base_of
        changed[i] = False
        return int(new_of[i]), int(changed.sum())

    def feasible(self, model, i):
        """Mentor positions allowed for mentee ``i`` by ``model``'s rules, with their exact scores."""
        ok, _, _ = model.block(np.array([i]), self.active, counts=False)
        cols = self.active[ok[0]]
        return cols, model.score_pairs(np.full(len(cols), i), cols)

    # -- the kinds ---------------------------------------------------------------------------------

    def for_mentee(self, i):
        self.examined += 1
        found = []
        for kind in (self.capacity, self.format, self.distance, self.rule):
            found += kind(i)
            if len(found) >= FIXES_PER_MENTEE:
                break
        return found

    def row(self, i, fix, detail, changed, code, mentor="", value=""):
        return {
            "mentee_id": self.model.e_id[i],
            "fix": fix,
            "detail": detail,
            "pairs_changed": changed,
            "code": code,
            "mentor_id": mentor,
            "value": value,
        }

    def capacity(self, i):
        st = self.state
        mine = np.flatnonzero(st.e == i)
        order = mine[np.lexsort((self.r_rank[st.r[mine]], -st.s[mine]))]
        for k in order[:TRIES_PER_KIND]:
            j = int(st.r[k])
            cap = st.capacity.copy()
            cap[j] += 1
            got, changed = self.resolve(i, cap=cap)
            if got >= 0:
                rid = self.model.r_id[j]
                c = int(self.cap.get(rid, 0))
                detail = f"Увеличить вместимость наставника {self.person(j)} с {c} до {c + 1}"
                detail += f"; наставником станет {self.person(got)}."
                return [self.row(i, "вместимость наставника +1", detail, changed, "capacity", rid, c + 1)]
        return []

    def format(self, i):
        mid = self.model.e_id[i]
        old = self.fmt.get(mid, "")
        for fmt in ("смешанно", "дистанционно"):
            if fmt == old:
                continue
            variant = copy.copy(self.model)
            variant.e_fmt = self.model.e_fmt.copy()
            variant.e_fmt[i] = FORMAT_CODE[fmt]
            got, changed = self.resolve(i, new=self.feasible(variant, i))
            if got >= 0:
                detail = f"Изменить формат наставляемого «{old}» на «{fmt}»; наставником станет {self.person(got)}."
                return [self.row(i, f"формат «{fmt}»", detail, changed, "format", "", fmt)]
        return []

    def distance(self, i):
        limit = self.model.config.constraints.max_distance_km
        if limit is None:
            return []
        variant = copy.copy(self.model)
        variant.hard = np.where(self.model.hard == _CODE["distance"], 0, self.model.hard).astype(np.int8)
        cols, sc = self.feasible(variant, i)
        now = set(self.feasible(self.model, i)[0].tolist())
        extra = np.array([c not in now for c in cols.tolist()], bool)
        cols, sc = cols[extra], sc[extra]
        st = self.state
        mine = st.e == i
        base = (st.r[mine], st.s[mine])
        for k in np.lexsort((self.r_rank[cols], -sc))[:TRIES_PER_KIND]:
            j = int(cols[k])
            got, changed = self.resolve(i, new=(np.r_[base[0], j], np.r_[base[1], sc[k]]))
            if got >= 0:
                m = self.model
                d = float(m.school_dist[m.e_sch[i], m.r_sch[j]])
                km = math.ceil(d)
                detail = (
                    f"Разрешить очную пару с наставником {self.person(j)}: между школами {d:.1f} км "
                    f"при пределе {limit:g} км — поднять предел для этой пары до {km} км; "
                    f"наставником станет {self.person(got)}."
                )
                return [
                    self.row(
                        i, "предел расстояния для одной пары", detail, changed, "distance", m.r_id[j], km
                    )
                ]
        return []

    def rule(self, i):
        cons = self.model.config.constraints
        out = []
        for code, on, what in (
            ("subject", cons.require_subject_match, "без требования общего предмета"),
            ("relevance", cons.require_relevance, "без требования закрыть дефицит или вести тот же предмет"),
        ):
            if not on:
                continue
            variant = copy.copy(self.model)
            variant.config = replace(self.model.config, constraints=replace(cons, **{_RULE[code]: False}))
            got, changed = self.resolve(i, new=self.feasible(variant, i))
            if got >= 0:
                detail = f"Для этого наставляемого не применять правило «{_RULE_TEXT[code]}»; "
                detail += f"наставником станет {self.person(got)}."
                out.append(self.row(i, what, detail, changed, code))
        return out


_RULE = {"subject": "require_subject_match", "relevance": "require_relevance"}
_RULE_TEXT = {
    "subject": "общий предмет обязателен",
    "relevance": "наставник закрывает хотя бы один дефицит или ведёт тот же предмет",
}
