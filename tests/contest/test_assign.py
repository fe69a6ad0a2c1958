"""Jury assignment: recusal always holds, per_entry, even loads, infeasibility."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import contest.assign as A
import contest.jury_plans as JP
from contest import ContestError
from contest.assign import JuryPlan, assign_jury, co_scoring, conflicts, loads, plan_jury
from contest.roster import People, make_people
from tests.contest._io_fixtures import ENTRIES, JURY, contest, people


def _plan(c, p, **kw):
    """(assignment, stats) of :func:`plan_jury`, after checking that :func:`assign_jury` gives the same table."""
    jp = plan_jury(c, p, **kw)
    assert isinstance(jp, JuryPlan) and jp.stats is not None
    return jp.assignment, jp.stats


def test_small_plan():
    c, p = contest(), people()
    a, stats = _plan(c, p)
    assert a.equals(assign_jury(c, p))
    assert list(a.columns) == ["entry_id", "juror_id"]
    assert a.equals(a.sort_values(["entry_id", "juror_id"]).reset_index(drop=True))
    assert (a.groupby("entry_id").size() == 3).all()
    bad = conflicts(c, p)
    assert not any((e, j) in bad for e, j in a.itertuples(index=False))
    ld = loads(a, p)["load"]
    assert ld.max() - ld.min() <= 1
    assert stats.status == "OPTIMAL"
    # every pair of jurors meets at least once when that is possible
    co = co_scoring(a)
    assert stats.pairs_together == stats.pairs_total
    assert (co.values >= 0).all()


def test_stage_jury_size_is_used_for_that_stage():
    import copy

    from contest import parse_contest
    from tests.contest._io_fixtures import CONTEST

    d = copy.deepcopy(CONTEST)
    d["stages"][1]["jury"] = {"per_entry": 2}
    c, p = parse_contest(d), people()
    assert (assign_jury(c, p, stage_id="S1").groupby("entry_id").size() == 3).all()
    assert (assign_jury(c, p, stage_id="S2").groupby("entry_id").size() == 2).all()


def test_deterministic():
    c, p = contest(), people()
    assert assign_jury(c, p).equals(assign_jury(c, p))


def test_subset_of_entries_and_unknown_entry():
    c, p = contest(), people()
    a = assign_jury(c, p, stage_id="S2", entry_ids=["E03", "E01"])
    assert sorted(set(a["entry_id"])) == ["E01", "E03"]
    with pytest.raises(ContestError, match="E99"):
        assign_jury(c, p, entry_ids=["E99"])


def test_recusal_same_school_and_own_entry():
    c, p = contest(), people()
    bad = conflicts(c, p)
    assert bad[("E01", "Ж02")] == "ОО"  # school 101
    assert bad[("E03", "Ж02")] == "ОО"  # E03 has 101;103
    assert ("E01", "Ж01") not in bad  # no school → never recused
    jury = JURY.copy()
    jury.loc[3, "full_name"] = "Петров Б.Б."  # the mentor of E02 sits on the jury
    p2 = make_people(ENTRIES, jury)
    assert conflicts(c, p2)[("E02", "Ж04")] == "участник"
    none = replace(c, recuse="none")
    assert set(conflicts(none, p).values()) == set()


def test_infeasible_message_names_entries_and_recused():
    p = people()
    c5 = replace(contest(), per_entry=5)
    with pytest.raises(ContestError) as exc:
        assign_jury(c5, p)
    text = exc.value.report()
    assert "работа E01: допустимых экспертов 4 из 5 (отведены по ОО: Ж02), нужно 5" in text
    assert "работа E05: допустимых экспертов 5 из 5" not in text


@st.composite
def instances(draw):
    n_schools = draw(st.integers(2, 6))
    schools = [f"{100 + i}" for i in range(n_schools)]
    n_e = draw(st.integers(1, 12))
    n_j = draw(st.integers(2, 8))
    entries = pd.DataFrame(
        {
            "entry_id": [f"E{i:02d}" for i in range(n_e)],
            "title": "t",
            "mentor_name": [f"m{i}" for i in range(n_e)],
            "mentee_name": [f"n{i}" for i in range(n_e)],
            "school_ids": [
                ";".join(draw(st.lists(st.sampled_from(schools), min_size=1, max_size=2, unique=True)))
                for _ in range(n_e)
            ],
        }
    )
    jury = pd.DataFrame(
        {
            "juror_id": [f"J{i}" for i in range(n_j)],
            "full_name": [f"j{i}" for i in range(n_j)],
            "school_id": [draw(st.sampled_from(schools + [""])) for _ in range(n_j)],
            "role": ["председатель"] + ["член жюри"] * (n_j - 1),
        }
    )
    per_entry = draw(st.integers(1, min(4, n_j)))
    return make_people(entries, jury), per_entry


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_property_recusal_per_entry_and_balance(inst):
    p, per_entry = inst
    c = replace(contest(), per_entry=per_entry)
    bad = conflicts(c, p)
    feasible = all(
        sum((e, j) not in bad for j in p.jury["juror_id"]) >= per_entry for e in p.entries["entry_id"]
    )
    if not feasible:
        with pytest.raises(ContestError, match="допустимых экспертов"):
            assign_jury(c, p)
        return
    a = assign_jury(c, p)
    assert not any((e, j) in bad for e, j in a.itertuples(index=False))
    assert (a.groupby("entry_id").size() == per_entry).all()
    assert set(a["entry_id"]) == set(p.entries["entry_id"])
    assert not a.duplicated().any()
    # spread ≤ 1 whenever no juror is forced out by recusal (all jurors admissible everywhere)
    if not bad:
        ld = loads(a, p)["load"]
        assert ld.max() - ld.min() <= 1


# ----------------------------------------------------------------- forced plans (no solver)
def _solver_only(monkeypatch, c, p, **kw):
    """assign_jury with the forced-plan shortcut switched off: always through CP-SAT."""
    with monkeypatch.context() as mp:
        mp.setattr(A, "_forced_plan", lambda *a: None)
        return _plan(c, p, **kw)


def _stats(s):
    return (s.status, s.load_spread, s.pairs_together, s.pairs_total)


def _spy_solver(monkeypatch) -> list:
    calls = []
    solve = A._solve

    def spy(*args):
        calls.append(args)
        return solve(*args)

    monkeypatch.setattr(A, "_solve", spy)
    return calls


@pytest.mark.parametrize(
    "case", ["everyone_scores_everything", "recusal_leaves_exactly_per_entry", "own_entry_and_per_entry_1"]
)
def test_forced_plan_equals_the_solver_plan(monkeypatch, case):
    p, kw = people(), {}
    if case == "everyone_scores_everything":  # no recusal, per_entry = all five jurors
        c = replace(contest(), per_entry=5, recuse="none")
    elif case == "recusal_leaves_exactly_per_entry":  # E01–E04 lose one juror each (same school): 4 left
        c = replace(contest(), per_entry=4)
        kw = {"entry_ids": ["E04", "E02", "E01", "E03"]}
    else:  # two jurors, one of them the mentor of E02 (name in other case and spacing): one left for it
        jury = JURY.iloc[:2].copy()
        jury.loc[1, "full_name"] = "  петров б.б. "
        p = make_people(ENTRIES, jury)
        c = replace(contest(), per_entry=1, recuse="none")
        kw = {"entry_ids": ["E02"]}
    calls = _spy_solver(monkeypatch)
    fast, fast_stats = _plan(c, p, **kw)
    assert calls == []  # the shortcut answered
    slow, slow_stats = _solver_only(monkeypatch, c, p, **kw)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(fast, slow)
    assert fast.equals(slow) and list(fast.dtypes) == list(slow.dtypes) and fast.index.equals(slow.index)
    assert _stats(fast_stats) == _stats(slow_stats)
    assert fast_stats.status == "OPTIMAL"
    bad = conflicts(c, p)
    assert not any((e, j) in bad for e, j in fast.itertuples(index=False))


def test_forced_plan_with_uneven_loads():
    c, p = replace(contest(), per_entry=4), people()
    a, stats = _plan(c, p, entry_ids=["E01", "E02", "E03", "E04"])
    assert (a.groupby("entry_id").size() == 4).all()
    ld = dict(zip(*[loads(a, p)[k] for k in ("juror_id", "load")]))
    assert ld == {"Ж01": 4, "Ж02": 2, "Ж03": 3, "Ж04": 4, "Ж05": 3}  # recusal forces them
    assert stats.load_spread == 2


def test_plan_with_a_choice_goes_through_the_solver(monkeypatch):
    calls = _spy_solver(monkeypatch)
    c, p = replace(contest(), per_entry=4), people()  # E05 has five admissible jurors for four places
    a = assign_jury(c, p)
    assert len(calls) == 1
    assert (a.groupby("entry_id").size() == 4).all()
    assert assign_jury(contest(), p).equals(_solver_only(monkeypatch, contest(), p)[0])
    assert len(calls) == 3


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(instances())
def test_property_shortcut_never_changes_the_plan(monkeypatch, inst):
    # per_entry = the fewest admissible jurors of an entry, for the entries that have that few: forced
    p, _ = inst
    c = replace(contest(), per_entry=1)
    bad = conflicts(c, p)
    count = {e: sum((e, j) not in bad for j in p.jury["juror_id"]) for e in p.entries["entry_id"]}
    fewest = min(count.values())
    if fewest < 1:
        return
    c = replace(c, per_entry=fewest)
    ids = [e for e, n in count.items() if n == fewest]
    with monkeypatch.context() as mp:
        calls = _spy_solver(mp)
        fast, fast_stats = _plan(c, p, entry_ids=ids)
    assert calls == []
    fast_stats = _stats(fast_stats)
    slow, slow_stats = _solver_only(monkeypatch, c, p, entry_ids=ids)
    pd.testing.assert_frame_equal(fast, slow)
    assert fast_stats == _stats(slow_stats)


# ----------------------------------------------------------------- large contests (greedy + bounds)
def _large_people(n_entries: int, n_jurors: int, juror_schools=()) -> People:
    """``n_entries`` entries from 50 schools; the first jurors sit in ``juror_schools`` (recused there)."""
    entries = pd.DataFrame(
        {
            "entry_id": [f"E{i:04d}" for i in range(n_entries)],
            "title": "t",
            "mentor_name": [f"m{i}" for i in range(n_entries)],
            "mentee_name": [f"n{i}" for i in range(n_entries)],
            "school_ids": [f"{100 + i % 50}" for i in range(n_entries)],
        }
    )
    schools = list(juror_schools) + [""] * (n_jurors - len(juror_schools))
    jury = pd.DataFrame(
        {
            "juror_id": [f"J{i:02d}" for i in range(n_jurors)],
            "full_name": [f"j{i}" for i in range(n_jurors)],
            "school_id": schools,
            "role": ["председатель"] + ["член жюри"] * (n_jurors - 1),
        }
    )
    return make_people(entries, jury)


def test_large_contest_is_planned_without_the_full_model(monkeypatch):
    """1,000 entries × 30 jurors × 5 per entry: 435,000 co-scoring variables, once an unsolved model."""

    def no_full_model(*args):
        raise AssertionError("the full model was built")

    monkeypatch.setattr(A, "_solve", no_full_model)
    p = _large_people(1000, 30, juror_schools=[f"{100 + i}" for i in range(30)])
    c = replace(contest(), per_entry=5)
    bad = conflicts(c, p)
    assert (
        A._pair_variables(sorted(p.entries["entry_id"]), sorted(p.jury["juror_id"]), bad)
        > A.PAIR_VARIABLE_LIMIT
    )
    a, stats = _plan(c, p)
    assert (a.groupby("entry_id").size() == 5).all() and len(a) == 5000 and not a.duplicated().any()
    assert not any((e, j) in bad for e, j in a.itertuples(index=False))
    ld = loads(a, p)["load"]
    assert ld.max() - ld.min() <= 1 and stats.load_spread == ld.max() - ld.min()
    co = co_scoring(a).values
    assert stats.pairs_together == int((co[np.triu_indices_from(co, k=1)] > 0).sum()) == 435
    assert stats.status == "OPTIMAL" and stats.pairs_total == 435
    assert assign_jury(c, p).equals(a)  # deterministic


def test_large_contest_with_heavy_recusal_balances_loads_by_the_flow():
    """Half the jury sits in the school of 90 % of the entries.

    The greedy misses the bound, the flow gives the least spread.
    """
    n = 1000
    p = _large_people(n, 20, juror_schools=["100"] * 10)
    p.entries["school_ids"] = ["100" if i % 10 else f"{101 + i % 7}" for i in range(n)]
    c = replace(contest(), per_entry=3)
    a, stats = _plan(c, p)
    bad = conflicts(c, p)
    assert not any((e, j) in bad for e, j in a.itertuples(index=False))
    assert (a.groupby("entry_id").size() == 3).all()
    ld = loads(a, p).set_index("juror_id")["load"]
    # the 900 entries of school 100 need 2,700 scorings from the 10 other jurors (270 each at
    # least); the 10 jurors of school 100 share at most the 300 scorings of the 100 other entries
    # (30 each on average at most): the spread is at least 240, and 30 / 270 reaches it
    assert stats.load_spread == ld.max() - ld.min() == 240
    assert set(ld[[f"J{i:02d}" for i in range(10)]]) == {30} and set(
        ld[[f"J{i:02d}" for i in range(10, 20)]]
    ) == {270}
    # the spread is proved by the flow; the co-scoring pairs are not (no cross pairs here)
    assert stats.pairs_together < stats.pairs_total == 190
    assert stats.status == "FEASIBLE"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_property_large_path_matches_the_full_model_when_it_says_optimal(inst):
    """The greedy-and-bounds path (called on small instances) against CP-SAT's full model."""
    p, per_entry = inst
    c = replace(contest(), per_entry=per_entry)
    bad = conflicts(c, p)
    entries, jurors = sorted(p.entries["entry_id"]), sorted(p.jury["juror_id"])
    assume(all(sum((e, j) not in bad for j in jurors) >= per_entry for e in entries))
    rows, stats = JP._large_plan(entries, jurors, per_entry, bad)
    plan = pd.DataFrame(rows, columns=["entry_id", "juror_id"])
    assert not any((e, j) in bad for e, j in rows) and not plan.duplicated().any()
    assert (plan.groupby("entry_id").size() == per_entry).all() and set(plan["entry_id"]) == set(entries)
    assert (stats.load_spread, stats.pairs_together) == JP._plan_stats(entries, jurors, rows)
    flow_rows = JP._least_spread_plan(entries, jurors, per_entry, bad)
    assert not any((e, j) in bad for e, j in flow_rows)
    assert (pd.DataFrame(flow_rows).groupby(0).size() == per_entry).all()
    _, full = A._solve(entries, jurors, per_entry, bad, None)
    # the spread is always the least there is (flow), the pairs are when the status says so
    assert stats.load_spread == JP._plan_stats(entries, jurors, flow_rows)[0] <= full.load_spread
    if full.status == "OPTIMAL":  # CP-SAT proved both objectives within its time limit
        assert stats.load_spread == full.load_spread
        assert stats.pairs_together <= full.pairs_together
        if stats.status == "OPTIMAL":
            assert stats.pairs_together == full.pairs_together
    assert stats.pairs_total == full.pairs_total
