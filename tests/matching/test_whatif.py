"""What-if answers (alternates, why_not, fixes) against full re-solves."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

import matching
from matching.engine import _why_infeasible
from matching.forcing import Network
from matching.scoring import build_candidates
from matching.solver import solve_arrays, solve_assignment
from tests.strategies import assignment_instances

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample_district.xlsx"


def _forced(edges, capacity, mentee, mentor):
    """(matched, total score) of a full re-solve with the pair (mentee, mentor) fixed."""
    rest = edges[edges["mentee_id"] != mentee]
    cap = dict(capacity)
    cap[mentor] -= 1
    out = solve_assignment(rest, cap) if len(rest) else rest
    score = edges.loc[(edges["mentee_id"] == mentee) & (edges["mentor_id"] == mentor), "score"].iloc[0]
    return len(out) + 1, float(out["score"].sum()) + float(score)


@settings(max_examples=150, deadline=None)
@given(assignment_instances(integer=False) | assignment_instances(integer=True))
def test_forcing_any_pair_equals_a_full_resolve(instance):
    edges, capacity = instance
    if edges.empty:
        return
    e, mentees = pd.factorize(edges["mentee_id"], sort=True)
    r, mentors = pd.factorize(edges["mentor_id"], sort=True)
    cap = np.array([capacity[m] for m in mentors], np.int64)
    s = edges["score"].to_numpy(float)
    sol = solve_arrays(e, r, s, len(mentees), cap)
    net = Network(e, r, s, len(mentees), cap, sol.chosen)
    base_m, base_s = int(sol.chosen.sum()), float(s[sol.chosen].sum())
    ce, rank, cr, dm, ds = net.alternates(k=len(mentors))
    alt = {(int(a), int(b)): (int(c), d / net.scaling.scale) for a, b, c, d in zip(ce, cr, dm, ds)}
    for k in range(len(e)):
        i, j = int(e[k]), int(r[k])
        if sol.chosen[k]:
            continue
        if cap[j] == 0:
            assert net.force(i, j, net.ints[k]) is None
            continue
        m2, s2 = _forced(edges, capacity, mentees[i], mentors[j])
        dm_f, ds_f, cycle = net.force(i, j, net.ints[k])
        assert dm_f == m2 - base_m
        assert ds_f / net.scaling.scale == pytest.approx(s2 - base_s, abs=1e-6)
        assert cycle[0] == (1 + i, 1 + len(mentees) + j)
        if net.mentor_of[i] >= 0:  # alternates cover every other mentor of a matched mentee
            assert alt[(i, j)][0] == m2 - base_m
            assert alt[(i, j)][1] == pytest.approx(s2 - base_s, abs=1e-6)
    # ranks: by matched change, then score change, then mentor; 1, 2, … per mentee
    for i in set(ce.tolist()):
        mine = [(rank[x], -dm[x], -ds[x], cr[x]) for x in np.flatnonzero(ce == i)]
        assert [m[0] for m in sorted(mine)] == list(range(1, len(mine) + 1))
        assert sorted(mine) == sorted(mine, key=lambda t: (t[1], t[2], t[3]))


@settings(max_examples=150, deadline=None)
@given(assignment_instances(integer=False) | assignment_instances(integer=True))
def test_alternates_capped_runs_equal_the_uncapped_ranking(instance):
    """The k best with capped Dijkstra runs are the first k rows of the ranking of every mentor."""
    edges, capacity = instance
    if edges.empty:
        return
    e, mentees = pd.factorize(edges["mentee_id"], sort=True)
    r, mentors = pd.factorize(edges["mentor_id"], sort=True)
    cap = np.array([capacity[m] for m in mentors], np.int64)
    s = edges["score"].to_numpy(float)
    sol = solve_arrays(e, r, s, len(mentees), cap)
    every = np.stack(Network(e, r, s, len(mentees), cap, sol.chosen).alternates(k=len(mentors)))
    for k in (1, 2, 3):
        capped = np.stack(Network(e, r, s, len(mentees), cap, sol.chosen).alternates(k=k))
        assert np.array_equal(capped, every[:, every[1] <= k])


@pytest.fixture(scope="module")
def sample():
    reg = matching.load_registry(SAMPLE)
    return reg, matching.match(reg)


def _candidate_edges(reg, result):
    """The pairs and remaining capacities the engine's solver was offered (no pruning here)."""
    cfg = result.config
    locked = result.pairs[result.pairs["locked"]]
    mentees = reg.mentees[reg.mentees["consent"] & ~reg.mentees["teacher_id"].isin(locked["mentee_id"])]
    cand = build_candidates(mentees, reg.mentors, reg.schools, reg.forbidden, reg.preferences, cfg)
    cap = dict(zip(reg.mentors["teacher_id"], reg.mentors["capacity"].astype(int)))
    for m in locked["mentor_id"]:
        cap[m] -= 1
    return cand.pairs[["mentee_id", "mentor_id", "score"]], cap, float(locked["score"].sum())


def test_sample_alternates_equal_full_resolves(sample):
    reg, base = sample
    alt = base.alternates
    assert list(alt.columns) == ["mentee_id", "rank", "mentor_id", "matched_change", "score_change"]
    free = base.pairs.loc[~base.pairs["locked"], "mentee_id"]
    assert set(alt["mentee_id"]) == set(free)  # every matched mentee (not locked) has alternates
    assert alt.groupby("mentee_id")["rank"].max().max() == 3
    assert (alt["matched_change"] <= 0).all() and (
        alt.loc[alt["matched_change"] == 0, "score_change"] <= 1e-9
    ).all()
    edges, cap, locked_total = _candidate_edges(reg, base)
    for row in alt.itertuples(index=False):  # every row, with solve_assignment on the same pairs
        m2, s2 = _forced(edges, cap, row.mentee_id, row.mentor_id)
        assert m2 + base.pairs["locked"].sum() - len(base.pairs) == row.matched_change
        assert s2 + locked_total - base.objective == pytest.approx(row.score_change, abs=1e-6)
    for row in alt[alt["rank"] == 1].head(4).itertuples(index=False):  # and a few through match itself
        lock = pd.DataFrame({"mentee_id": [row.mentee_id], "mentor_id": [row.mentor_id]})
        again = matching.match(reg, extra_locked=lock)
        assert len(again.pairs) - len(base.pairs) == row.matched_change
        assert again.objective - base.objective == pytest.approx(row.score_change, abs=1e-6)


def test_why_not_equals_a_locked_resolve_and_lists_the_moves(sample):
    reg, base = sample
    active = reg.mentees[reg.mentees["consent"]]
    every = build_candidates(active, reg.mentors, reg.schools, reg.forbidden, reg.preferences, base.config)
    score = {
        (a, b): s for a, b, s in every.pairs[["mentee_id", "mentor_id", "score"]].itertuples(index=False)
    }
    locked = base.pairs.loc[base.pairs["locked"], ["mentee_id", "mentor_id"]].iloc[0]
    alt = base.alternates
    asks = [tuple(r) for r in alt.loc[alt["rank"] == 3, ["mentee_id", "mentor_id"]].head(3).to_numpy()]
    ep = every.pairs
    other = ep[(ep["mentee_id"] == locked["mentee_id"]) & (ep["mentor_id"] != locked["mentor_id"])]
    asks.append((locked["mentee_id"], other.sort_values("score").iloc[-1]["mentor_id"]))
    now = dict(zip(base.pairs["mentee_id"], base.pairs["mentor_id"]))
    for mentee, mentor in asks:
        t0 = time.perf_counter()
        w = matching.why_not(base, mentee, mentor)
        print(f"why_not {mentee} → {mentor}: {time.perf_counter() - t0:.3f} s")
        assert w.allowed and w.reason == ""
        again = matching.match(reg, extra_locked=pd.DataFrame({"mentee_id": [mentee], "mentor_id": [mentor]}))
        assert w.matched_change == len(again.pairs) - len(base.pairs)
        assert w.score_change == pytest.approx(again.objective - base.objective, abs=1e-6)
        assert w.moves.iloc[0].tolist() == [mentee, now[mentee], mentor]
        # The moves are a re-optimised assignment: applied to the result they give the optimum.
        after = dict(now)
        for m, _, new in w.moves.itertuples(index=False):
            if new:
                after[m] = new
            else:
                after.pop(m)
        total = sum(score[(m, r)] for m, r in after.items())
        assert len(after) == len(again.pairs)
        assert total == pytest.approx(again.objective, abs=1e-6)
        assert w.text.startswith("Правила пару допускают.")
    same = matching.why_not(base, *base.pairs[["mentee_id", "mentor_id"]].iloc[0])
    assert same.allowed and same.matched_change == 0 and same.text == "Эта пара уже в подборе."


def test_why_not_names_the_hard_constraint_in_the_explanations_words(sample):
    reg, base = sample
    cfg = base.config
    forbidden = reg.forbidden[["mentee_id", "mentor_id"]]
    seen = set()
    mentors = reg.mentors
    for mentee in base.unmatched["mentee_id"]:
        for mentor in mentors["teacher_id"]:
            w = matching.why_not(base, mentee, mentor)
            if not w.allowed and w.reason not in seen:  # the engine's own words, once per reason
                assert w.reason == _why_infeasible(mentee, mentor, reg, cfg, forbidden)
                assert w.text == f"Пару составить нельзя: {w.reason}."
                seen.add(w.reason)
    assert "у наставника нет согласия" in seen
    assert "для очного формата школы дальше допустимого расстояния" in seen
    assert "форматы «очно» и «дистанционно» несовместимы" in seen
    with pytest.raises(matching.RegistryError, match="не наставник реестра"):
        matching.why_not(base, base.unmatched["mentee_id"].iloc[0], "нет-такого")


def _with_teacher(reg, tid, **changes):
    t = reg.teachers.copy()
    for col, value in changes.items():
        t.loc[t["teacher_id"] == tid, col] = value
    return dataclasses.replace(reg, teachers=t)


def test_every_fix_applied_gives_the_mentee_a_mentor(sample):
    reg, base = sample
    fixes = base.fixes
    assert list(fixes.columns[:4]) == ["mentee_id", "fix", "detail", "pairs_changed"]
    assert set(fixes["mentee_id"]) <= set(base.unmatched["mentee_id"])
    assert len(fixes) and fixes.groupby("mentee_id").size().max() <= 3
    edges, cap, _ = _candidate_edges(reg, base)
    for f in fixes.itertuples(index=False):
        if f.code == "capacity":
            c = int(reg.teachers.set_index("teacher_id").at[f.mentor_id, "capacity"])
            again = matching.match(_with_teacher(reg, f.mentor_id, capacity=c + 1))
        elif f.code == "format":
            again = matching.match(_with_teacher(reg, f.mentee_id, format=f.value))
        else:  # a per-pair or per-mentee exception: the mentee's pairs under the waived rule
            cons = base.config.constraints
            waived = {
                "distance": {"max_distance_km": None},
                "subject": {"require_subject_match": False},
                "relevance": {"require_relevance": False},
            }[f.code]
            cfg = dataclasses.replace(base.config, constraints=dataclasses.replace(cons, **waived))
            one = reg.mentees[reg.mentees["teacher_id"] == f.mentee_id]
            mine = build_candidates(one, reg.mentors, reg.schools, reg.forbidden, reg.preferences, cfg).pairs
            if f.code == "distance":
                mine = mine[mine["mentor_id"] == f.mentor_id]
            new = pd.concat([edges, mine[["mentee_id", "mentor_id", "score"]]], ignore_index=True)
            new = new.sort_values(["mentee_id", "mentor_id"], kind="stable")
            out = solve_assignment(new.drop_duplicates(["mentee_id", "mentor_id"]), cap)
            assert f.mentee_id in set(out["mentee_id"]), f
            continue
        assert f.mentee_id in set(again.pairs["mentee_id"]), f
    assert {"format", "distance", "relevance"} <= set(fixes["code"])


def test_workbook_sheets_of_alternates_and_fixes(sample, tmp_path):
    reg, base = sample
    out = matching.write_result(base, reg, tmp_path / "t.xlsx")
    alt = pd.read_excel(out, sheet_name="Запасные наставники", engine="calamine")
    assert len(alt) == len(base.alternates)
    assert list(alt.columns)[:4] == ["Код наставляемого", "Наставляемый", "Наставник сейчас", "Запасной №"]
    fx = pd.read_excel(out, sheet_name="Как помочь нераспределённым", engine="calamine")
    assert fx["Код наставляемого"].tolist() == base.fixes["mentee_id"].tolist()
    assert fx["Что изменить"].str.len().min() > 0


def test_what_if_needs_a_result_of_match(sample):
    _, base = sample
    bare = dataclasses.replace(base, flow_state=None, _whatif_cache={})
    with pytest.raises(ValueError, match="matching.match"):
        matching.why_not(bare, "a", "b")
    with pytest.raises(ValueError, match="matching.match"):
        _ = bare.alternates


def test_alternates_with_a_change_cost_count_the_broken_pairs(sample):
    """With pairs in force and a change cost the solver's total is Σ score + λ · kept: each row
    equals the locked re-run's change of that total (kept: current pairs still in force)."""
    reg, base = sample
    free = base.pairs[~base.pairs["locked"]]
    current = free[["mentee_id", "mentor_id"]].iloc[::2].reset_index(drop=True)
    lam = 0.05
    res = matching.match(reg, current=current, change_cost=lam)
    cur = set(zip(current["mentee_id"], current["mentor_id"]))

    def total(r):
        kept = sum((m, t) in cur for m, t in zip(r.pairs["mentee_id"], r.pairs["mentor_id"]))
        return len(r.pairs), r.objective + lam * kept

    m0, s0 = total(res)
    alt = res.alternates
    assert len(alt)
    for row in alt.iloc[:: max(1, len(alt) // 6)].itertuples(index=False):
        lock = pd.DataFrame({"mentee_id": [row.mentee_id], "mentor_id": [row.mentor_id]})
        m1, s1 = total(matching.match(reg, current=current, change_cost=lam, extra_locked=lock))
        assert (m1 - m0, s1 - s0) == (row.matched_change, pytest.approx(row.score_change, abs=1e-6))


def test_what_if_refuses_a_bottleneck_run_instead_of_answering_wrongly(sample):
    """The shortest-path argument holds for the plain objective only: other runs say so."""
    reg, _ = sample
    config = matching.config_from_dict({"objective": "bottleneck"})
    result = matching.match(reg, config)
    with pytest.raises(ValueError, match="plain objective"):
        result.alternates  # noqa: B018 - the property computes on access
    with pytest.raises(ValueError, match="plain objective"):
        matching.why_not(result, result.pairs["mentee_id"].iloc[0], result.pairs["mentor_id"].iloc[0])
