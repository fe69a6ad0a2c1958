"""solve_assignment with pairs in force, a change cost, priority tiers and the bottleneck
objective, against an independent exact oracle (scipy on the capacity-expanded matrix)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matching import solve_assignment
from matching.solver import solve_arrays
from tests.strategies import assignment_instances, continuity_instances

#: change_cost values: keep every current pair, none, small (below a score step), medium, large.
LAMBDAS = [None, 0, 0.5, 1, 3, 40]


def _setting(edges, capacity, current, change_cost, priority):
    """What the objective is measured on: best score per pair, the current pairs present in
    edges, the forced ones, the tier of each mentee (unlisted: after every listed tier)."""
    best = {k: int(v) for k, v in edges.groupby(["mentee_id", "mentor_id"])["score"].max().items()}
    cur = {}
    if current is not None:
        cur = {e: r for e, r in zip(current["mentee_id"], current["mentor_id"]) if (e, r) in best}
    forced = cur if change_cost is None else {}
    last = max(priority.values(), default=0) + 1 if priority else 1
    mentees = sorted(set(edges["mentee_id"]))
    tier = {m: (priority or {}).get(m, last) for m in mentees}
    return best, cur, forced, tier


def _value(pairs, best, cur, change_cost, tier, bottleneck):
    """Objective key of a set of pairs: (matched per tier, [min score], exact total)."""
    levels = sorted(set(tier.values()))
    counts = tuple(sum(1 for e, _ in pairs if tier[e] == t) for t in levels)
    total = Fraction(sum(best[p] for p in pairs))
    if change_cost is not None:
        broken = sum(1 for e, r in cur.items() if (e, r) not in pairs)
        total -= Fraction(change_cost) * broken
    if not bottleneck:
        return counts, total
    low = min((best[p] for p in pairs), default=None)
    return counts, low, total


def _oracle(edges, capacity, current, change_cost, priority, bottleneck):
    """The optimum's key, or None when the current pairs to keep exceed a capacity.

    Matrix: one row per mentee; one column per unit of mentor capacity plus one "unmatched"
    column per mentee (allowed for that mentee only, value 0). A pair is worth
    ``W[tier] + 2·(score + change_cost·[current])`` in half score units (integers, so
    scipy's float64 arithmetic is exact at these sizes), where each tier weight exceeds
    every total of the tiers after it plus any score range. A forced mentee may only take
    its current mentor. Bottleneck: the best key over every threshold θ on the free pairs.
    """
    best, cur, forced, tier = _setting(edges, capacity, current, change_cost, priority)
    load = pd.Series(list(forced.values()), dtype=object).value_counts()
    if any(load[m] > capacity[m] for m in load.index):
        return None
    mentees = sorted(tier)
    slots = [m for m in sorted(capacity) for _ in range(capacity[m])]
    M = len(mentees)
    lam2 = int(2 * (change_cost or 0))
    worth = {p: 2 * s + (lam2 if cur.get(p[0]) == p[1] else 0) for p, s in best.items()}
    spread = 2 * M * max((abs(v) for v in worth.values()), default=0) + 1
    levels = sorted(set(tier.values()), reverse=True)
    weight, w = {}, spread
    for t in levels:  # last tier first: W = spread, then (M + 1)·W for each earlier tier
        weight[t] = w
        w *= M + 1
    forbid = -4 * (M + 1) * (w + spread)
    thetas = [None] + (sorted(set(best.values())) if bottleneck else [])
    keys = []
    for theta in thetas:
        mat = np.full((M, len(slots) + M), float(forbid))
        for i, e in enumerate(mentees):
            if e not in forced:
                mat[i, len(slots) + i] = 0
            for j, r in enumerate(slots):
                if (e, r) not in best or (e in forced and forced[e] != r):
                    continue
                if theta is not None and e not in forced and best[(e, r)] < theta:
                    continue
                mat[i, j] = weight[tier[e]] + worth[(e, r)]
        rows, cols = linear_sum_assignment(mat, maximize=True)
        assert (mat[rows, cols] > forbid).all()
        pairs = {(mentees[i], slots[j]) for i, j in zip(rows, cols) if j < len(slots)}
        key = _value(pairs, best, cur, change_cost, tier, bottleneck)
        if bottleneck and key[1] is None:
            key = (key[0], float("inf"), key[2])
        keys.append(key)
    top = max(keys)
    if bottleneck and top[1] == float("inf"):
        top = (top[0], None, top[2])
    return top


def _check_feasible(out, edges, capacity, current, change_cost):
    best, cur, forced, _ = _setting(edges, capacity, current, change_cost, None)
    assert out["mentee_id"].is_unique
    load = out["mentor_id"].value_counts()
    assert all(load[m] <= capacity[m] for m in load.index)
    pairs = set(zip(out["mentee_id"], out["mentor_id"]))
    assert all(best[(e, r)] == s for e, r, s in zip(out["mentee_id"], out["mentor_id"], out["score"]))
    assert set(forced.items()) <= pairs
    assert list(out["mentee_id"]) == sorted(out["mentee_id"])
    return pairs


def _run_against_oracle(instance, change_cost, use_priority, bottleneck):
    edges, capacity, current, priority = instance
    priority = priority if use_priority else None
    objective = "bottleneck" if bottleneck else "total"
    expected = _oracle(edges, capacity, current, change_cost, priority, bottleneck)
    if expected is None:
        with pytest.raises(ValueError, match="exceed the capacity"):
            solve_assignment(
                edges,
                capacity,
                current=current,
                change_cost=change_cost,
                priority=priority,
                objective=objective,
            )
        return
    out = solve_assignment(
        edges, capacity, current=current, change_cost=change_cost, priority=priority, objective=objective
    )
    pairs = _check_feasible(out, edges, capacity, current, change_cost)
    best, cur, _, tier = _setting(edges, capacity, current, change_cost, priority)
    assert _value(pairs, best, cur, change_cost, tier, bottleneck) == expected


@settings(max_examples=200, deadline=None)
@given(continuity_instances(), st.sampled_from(LAMBDAS))
def test_current_and_change_cost_match_oracle(instance, change_cost):
    _run_against_oracle(instance, change_cost, use_priority=False, bottleneck=False)


@settings(max_examples=200, deadline=None)
@given(continuity_instances(), st.sampled_from(LAMBDAS))
def test_priority_tiers_match_oracle(instance, change_cost):
    _run_against_oracle(instance, change_cost, use_priority=True, bottleneck=False)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        continuity_instances(max_mentees=6, max_mentors=4),
        continuity_instances(max_mentees=7, max_mentors=4, max_capacity=2, crowded=True),
    ),
    st.sampled_from(LAMBDAS),
    st.booleans(),
)
def test_bottleneck_matches_oracle(instance, change_cost, use_priority):
    _run_against_oracle(instance, change_cost, use_priority=use_priority, bottleneck=True)


@settings(max_examples=100, deadline=None)
@given(
    continuity_instances(max_mentees=12, max_mentors=6, max_tier=4), st.sampled_from(LAMBDAS), st.booleans()
)
def test_larger_instances_all_options(instance, change_cost, bottleneck):
    _run_against_oracle(instance, change_cost, use_priority=True, bottleneck=bottleneck)


def _not_dense(edges, capacity):
    n_e, n_r = edges["mentee_id"].nunique(), edges["mentor_id"].nunique()
    n_pairs = len(edges.drop_duplicates(["mentee_id", "mentor_id"]))
    return n_pairs != n_e * n_r or any(capacity[m] != 1 for m in set(edges["mentor_id"]))


@settings(max_examples=100, deadline=None)
@given(continuity_instances())
def test_neutral_options_give_the_plain_result(instance):
    """change_cost=0, a single tier or no current pairs change nothing: same rows as the plain
    call (instances the plain call sends to scipy's dense path are left out)."""
    edges, capacity, current, _ = instance
    if not len(edges) or not _not_dense(edges, capacity):
        return
    plain = solve_assignment(edges, capacity)
    for kw in [
        dict(current=current, change_cost=0),
        dict(priority={m: 2 for m in edges["mentee_id"]}),
        dict(priority={}),
        dict(current=current.iloc[0:0]),
    ]:
        pd.testing.assert_frame_equal(solve_assignment(edges, capacity, **kw), plain)


@settings(max_examples=60, deadline=None)
@given(
    continuity_instances(),
    st.sampled_from(LAMBDAS),
    st.sampled_from(["total", "bottleneck"]),
    st.integers(0, 2**32 - 1),
)
def test_deterministic_and_row_order_independent(instance, change_cost, objective, seed):
    edges, capacity, current, priority = instance
    if _oracle(edges, capacity, current, change_cost, priority, False) is None:
        return
    kw = dict(current=current, change_cost=change_cost, priority=priority, objective=objective)
    a = solve_assignment(edges, capacity, **kw)
    b = solve_assignment(edges, capacity, **kw)
    pd.testing.assert_frame_equal(a, b)
    kw["current"] = current.sample(frac=1, random_state=seed % 1000)
    if priority:
        kw["priority"] = dict(reversed(list(priority.items())))
    c = solve_assignment(edges.sample(frac=1, random_state=seed), capacity, **kw)
    pd.testing.assert_frame_equal(a, c)


def test_larger_deterministic_instance_with_every_option():
    rng = np.random.default_rng(7)
    rows = [
        (f"e{i:03d}", f"r{j:02d}", float(rng.integers(0, 4)))
        for i in range(120)
        for j in range(30)
        if rng.random() < 0.3
    ]
    edges = pd.DataFrame(rows, columns=["mentee_id", "mentor_id", "score"])
    cap = {f"r{j:02d}": int(rng.integers(1, 4)) for j in range(30)}
    first = edges.drop_duplicates("mentee_id").iloc[::3]
    current = first[["mentee_id", "mentor_id"]]
    priority = {m: 1 + i % 3 for i, m in enumerate(sorted(set(edges["mentee_id"]))[::2])}
    for objective in ["total", "bottleneck"]:
        kw = dict(current=current, change_cost=1.5, priority=priority, objective=objective)
        a = solve_assignment(edges, cap, **kw)
        b = solve_assignment(edges.sample(frac=1, random_state=5), cap, **kw)
        pd.testing.assert_frame_equal(a, b)


def test_kept_pairs_and_released_pairs():
    edges = pd.DataFrame(
        [("a", "x", 1.0), ("a", "y", 9.0), ("b", "y", 2.0), ("c", "x", 5.0)],
        columns=["mentee_id", "mentor_id", "score"],
    )
    cap = {"x": 1, "y": 1}
    current = pd.DataFrame([("a", "x"), ("c", "y")], columns=["mentee_id", "mentor_id"])
    # (a, x) is kept; (c, y) is no longer allowed and released, so c loses its place to nobody.
    kept = solve_assignment(edges, cap, current=current)
    assert set(zip(kept.mentee_id, kept.mentor_id)) == {("a", "x"), ("b", "y")}
    # Free choice: a → y (9) and c → x (5) beat keeping (a, x) unless breaking costs more than 9 + 5 − 1 − 2.
    assert set(
        zip(
            *solve_assignment(edges, cap, current=current, change_cost=10.9)[
                ["mentee_id", "mentor_id"]
            ].T.values
        )
    ) == {("a", "y"), ("c", "x")}
    assert set(
        zip(
            *solve_assignment(edges, cap, current=current, change_cost=11.1)[
                ["mentee_id", "mentor_id"]
            ].T.values
        )
    ) == {("a", "x"), ("b", "y")}


def test_tiers_and_bottleneck_by_hand():
    edges = pd.DataFrame(
        [("a", "x", 10.0), ("b", "x", 1.0), ("b", "y", 3.0), ("c", "y", 8.0)],
        columns=["mentee_id", "mentor_id", "score"],
    )
    cap = {"x": 1, "y": 1}
    ids = lambda out: set(zip(out.mentee_id, out.mentor_id))  # noqa: E731
    assert ids(solve_assignment(edges, cap)) == {("a", "x"), ("c", "y")}
    assert ids(solve_assignment(edges, cap, priority={"b": 1})) == {("a", "x"), ("b", "y")}
    # Bottleneck: both two-pair assignments with b are worse at the bottom than a–x, c–y.
    assert ids(solve_assignment(edges, cap, objective="bottleneck")) == {("a", "x"), ("c", "y")}
    assert ids(solve_assignment(edges, cap, priority={"b": 1}, objective="bottleneck")) == {
        ("a", "x"),
        ("b", "y"),
    }


def test_bottleneck_with_tiers_and_with_kept_pairs_by_hand():
    ids = lambda out: set(zip(out.mentee_id, out.mentor_id))  # noqa: E731
    # b, c: {b–y 1, c–z 30} has the larger total, {b–z 5, c–y 5} the larger minimum.
    rows = [("a", "x", 7.0), ("b", "y", 1.0), ("b", "z", 5.0), ("c", "y", 5.0), ("c", "z", 30.0)]
    edges = pd.DataFrame(rows, columns=["mentee_id", "mentor_id", "score"])
    cap = {"x": 1, "y": 1, "z": 1}
    assert ids(solve_assignment(edges, cap, priority={"a": 1})) == {("a", "x"), ("b", "y"), ("c", "z")}
    assert ids(solve_assignment(edges, cap, priority={"a": 1}, objective="bottleneck")) == {
        ("a", "x"),
        ("b", "z"),
        ("c", "y"),
    }
    # A kept pair of score 1 already sets the minimum, so the larger total wins.
    rows = [("a", "x", 1.0), ("b", "y", 3.0), ("b", "z", 4.0), ("c", "y", 4.0), ("c", "z", 27.0)]
    edges = pd.DataFrame(rows, columns=["mentee_id", "mentor_id", "score"])
    kept = pd.DataFrame([("a", "x")], columns=["mentee_id", "mentor_id"])
    assert ids(solve_assignment(edges, cap, current=kept, objective="bottleneck")) == {
        ("a", "x"),
        ("b", "y"),
        ("c", "z"),
    }
    assert ids(solve_assignment(edges[edges.mentee_id != "a"], cap, objective="bottleneck")) == {
        ("b", "z"),
        ("c", "y"),
    }


_E = pd.DataFrame([("a", "x", 1.0), ("b", "x", 2.0)], columns=["mentee_id", "mentor_id", "score"])


@pytest.mark.parametrize(
    "kw, message",
    [
        (dict(change_cost=-1), "change_cost.*-1"),
        (dict(change_cost=float("nan")), "change_cost.*nan"),
        (dict(change_cost="1"), "change_cost.*'1'"),
        (dict(change_cost=True), "change_cost.*True"),
        (dict(objective="max"), "objective.*'max'"),
        (dict(objective=None), "objective.*None"),
        (dict(priority={"a": 0}), "tiers.*'a': 0"),
        (dict(priority={"a": 1.5}), "tiers.*1.5"),
        (dict(priority={"b": "1"}), "tiers.*'1'"),
        (dict(priority={"a": True}), "tiers.*True"),
        (dict(priority=[1, 2]), "priority.*list"),
        (dict(current=pd.DataFrame({"mentee_id": ["a"]})), "current.*mentor_id"),
        (
            dict(current=pd.DataFrame({"mentee_id": ["a", "a"], "mentor_id": ["x", "y"]})),
            "current.*'a'.*once",
        ),
        (
            dict(current=pd.DataFrame({"mentee_id": ["a", "b"], "mentor_id": ["x", "x"]})),
            "exceed the capacity.*'x': '2 > 1'",
        ),
    ],
)
def test_bad_arguments_raise(kw, message):
    with pytest.raises(ValueError, match=message):
        solve_assignment(_E, {"x": 1}, **kw)


def test_bad_arguments_raise_even_without_edges():
    with pytest.raises(ValueError, match="change_cost"):
        solve_assignment(_E.iloc[0:0], {}, change_cost=-0.5)
    with pytest.raises(ValueError, match="objective"):
        solve_assignment(_E.iloc[0:0], {}, objective="Total")


def test_array_level_arguments_checked():
    e, r, s, cap = np.array([0, 1]), np.array([0, 0]), np.array([1.0, 2.0]), np.array([1])
    with pytest.raises(ValueError, match="potentials"):
        solve_arrays(e, r, s, 2, cap, potentials=True, objective="bottleneck")
    with pytest.raises(ValueError, match="potentials"):
        solve_arrays(e, r, s, 2, cap, potentials=True, current=np.array([True, False]))
    # tiers are one min-cost circulation with per-mentee bonuses: potentials certify it
    sol = solve_arrays(e, r, s, 2, cap, potentials=True, tier=np.array([1, 2]))
    assert sol.chosen.tolist() == [True, False]
    assert sol.mentee_bonus.tolist() == [2 * sol.scaling.big, sol.scaling.big]
    assert (sol.slack(e, r, s)[~sol.chosen] >= 0).all()
    with pytest.raises(ValueError, match="tier.*0"):
        solve_arrays(e, r, s, 2, cap, tier=np.array([0, 1]))
    with pytest.raises(ValueError, match="tier.*shape"):
        solve_arrays(e, r, s, 2, cap, tier=np.array([1]))
    with pytest.raises(ValueError, match="current.*bool"):
        solve_arrays(e, r, s, 2, cap, current=np.array([0, 1]))
    with pytest.raises(ValueError, match="more than once"):
        solve_arrays(
            np.array([0, 0]),
            np.array([0, 1]),
            s,
            1,
            np.array([1, 1]),
            current=np.array([True, True]),
            change_cost=1.0,
        )
    sol = solve_arrays(e, r, s, 2, cap, tier=np.array([1, 2]))
    assert sol.chosen.tolist() == [True, False]
    sol = solve_arrays(e, r, s, 2, cap, current=np.array([True, False]))
    assert sol.chosen.tolist() == [True, False]


@settings(max_examples=60, deadline=None)
@given(assignment_instances(max_mentees=8, max_mentors=5))
def test_bottleneck_without_options_is_max_min(instance):
    """Plain bottleneck: same count as the plain optimum, and no assignment of that count has
    a larger minimum (checked by the oracle's threshold search)."""
    edges, capacity = instance
    out = solve_assignment(edges, capacity, objective="bottleneck")
    assert len(out) == len(solve_assignment(edges, capacity))
    counts, low, total = _oracle(edges, capacity, None, None, None, True)
    assert (len(out), None if out.empty else int(out["score"].min()), Fraction(int(out["score"].sum()))) == (
        sum(counts),
        low,
        total,
    )


def test_bottleneck_threshold_may_equal_the_lowest_kept_pair():
    """Kept pairs score 0; the free mentees can be placed at −5 / 15 or at 1 / 1: the worst pair is then 0, not −5."""
    edges = pd.DataFrame(
        {
            "mentee_id": ["e0", "e0", "e3", "e3", "e4", "e4", "e5", "e5"],
            "mentor_id": ["r1", "r2", "r0", "r3", "r0", "r1", "r0", "r3"],
            "score": [-5, 0, -5, 1, -5, 0, 1, 15],
        }
    )
    current = pd.DataFrame({"mentee_id": ["e0", "e4"], "mentor_id": ["r2", "r1"]})
    out = solve_assignment(
        edges, dict.fromkeys(["r0", "r1", "r2", "r3"], 1), current=current, objective="bottleneck"
    )
    assert len(out) == 4 and out["score"].min() == 0 and out["score"].sum() == 2
