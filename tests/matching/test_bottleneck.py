"""Priority tiers and the bottleneck proven from pruned candidates (matching.bottleneck), and the
per-mentee bonus scaling of the single tiered flow."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import config_from_dict, load_registry, match
from matching.flow import COST_LIMIT, integer_scores, level_bonus
from matching.objectives import best_counts
from matching.priority import mentee_tiers
from matching.registry_writer import write_registry_csv
from matching.solver import solve_arrays
from matching.synthetic import generate_registry

TIERS = {"tiers": [{"experience_below": 3}, {"cluster": "ШНОР"}]}
CONFIGS = [
    {"priority": TIERS},
    {"objective": "bottleneck"},
    {"priority": TIERS, "objective": "bottleneck"},
]


@pytest.fixture(scope="module")
def districts(tmp_path_factory):
    out = []
    for seed in (3, 8, 21):
        frames = generate_registry(districts=1, teachers=500, seed=seed, mentee_share=0.3)
        out.append(load_registry(write_registry_csv(frames, tmp_path_factory.mktemp(f"d{seed}"))))
    return out


def _same(pruned, full, reg, cfg):
    assert len(pruned.pairs) == len(full.pairs)
    active = reg.mentees[reg.mentees["consent"]]
    tier_of = dict(zip(active["teacher_id"], mentee_tiers(active, reg.schools, cfg.priority).tolist()))
    counts = [
        np.bincount([tier_of[m] for m in r.pairs["mentee_id"]], minlength=4).tolist() for r in (pruned, full)
    ]
    assert counts[0] == counts[1]
    if cfg.objective == "bottleneck":  # the same weakest pair score, exactly
        assert pruned.pairs["score"].min() == full.pairs["score"].min()
    assert pruned.objective == pytest.approx(full.objective, abs=1e-6)


@pytest.mark.parametrize("data", CONFIGS)
@pytest.mark.parametrize("k", [1, 3])
@pytest.mark.parametrize("which", [0, 1, 2])
def test_certified_tiers_and_bottleneck_equal_the_all_pairs_solve(districts, data, k, which):
    reg = districts[which]
    cfg = config_from_dict(data)
    full = match(reg, cfg, candidates=None)
    pruned = match(reg, cfg, candidates=k)
    assert "сертификат оптимальности" in pruned.method and "все допустимые" in full.method
    _same(pruned, full, reg, cfg)


@pytest.mark.parametrize("data", CONFIGS)
@pytest.mark.parametrize("lam", [0.0, 0.03, 5.0])
def test_certified_with_pairs_in_force_and_a_change_cost(districts, data, lam):
    reg = districts[1]
    cfg = config_from_dict(data)
    plain = match(reg, candidates=None)
    rng = np.random.default_rng(5)
    # pairs in force: some of another optimum, some deliberately weak (reshuffled mentors)
    rows = plain.pairs[~plain.pairs["locked"]][["mentee_id", "mentor_id"]].sample(frac=0.5, random_state=1)
    weak = rows.copy()
    weak["mentor_id"] = rng.permutation(weak["mentor_id"].to_numpy())
    current = pd.concat([rows.iloc[: len(rows) // 2], weak.iloc[len(rows) // 2 :]], ignore_index=True)
    full = match(reg, cfg, candidates=None, current=current, change_cost=lam)
    pruned = match(reg, cfg, candidates=2, current=current, change_cost=lam)
    _same(pruned, full, reg, cfg)
    assert pruned.changes.equals(full.changes) or pruned.objective == pytest.approx(full.objective, abs=1e-6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.sampled_from(CONFIGS), st.integers(1, 4))
def test_random_generated_districts(seed, data, k):
    import tempfile
    from pathlib import Path

    frames = generate_registry(districts=1, teachers=160, seed=seed, mentee_share=0.35, mentor_share=0.12)
    with tempfile.TemporaryDirectory() as tmp:
        reg = load_registry(write_registry_csv(frames, Path(tmp) / "d"))
    cfg = config_from_dict(data)
    full = match(reg, cfg, candidates=None)
    pruned = match(reg, cfg, candidates=k)
    _same(pruned, full, reg, cfg)


def test_many_levels_and_large_scores_do_not_overflow():
    """Forty levels of large non-integer scores: the bonus (L − k)·B plus the score stays within the
    64-bit cost budget, and the single flow still gives the lexicographic optimum."""
    rng = np.random.default_rng(2)
    M, N, L = 60, 25, 40
    e = np.repeat(np.arange(M), 6)
    r = rng.integers(0, N, len(e))
    key = np.unique(e * N + r)
    e, r = key // N, key % N
    s = np.round(rng.uniform(-1e6, 1e6, len(e)), 3)  # exact in thousandths, for the oracle below
    cap = rng.integers(1, 3, N)
    tier = rng.integers(1, L + 1, M)
    ints, scaling = integer_scores(s, M, M + N + 2, L)
    bonus = level_bonus(np.unique(tier, return_inverse=True)[1], L, scaling.big)
    assert (int(bonus.max()) + int(np.abs(ints).max())) * (M + N + 3) < COST_LIMIT
    assert scaling.big > 2 * M * np.abs(ints).max()
    sol = solve_arrays(e, r, s, M, cap, tier=tier, potentials=True)
    chosen = sol.chosen
    assert np.bincount(r[chosen], minlength=N).max() <= cap.max()
    # verified potentials, no wrap-around: every unused pair has a non-negative reduced cost
    reduced = sol.mentee_potential[e] - sol.mentor_potential[r] - (sol.mentee_bonus[e] + ints)
    assert (reduced[~chosen] >= 0).all() and sol.scaling == scaling
    level = np.unique(tier, return_inverse=True)[1]
    counts = best_counts(e, r, M, cap, level, L)  # independent: one max-flow per prefix of levels
    assert np.bincount(level[e[chosen]], minlength=L).tolist() == counts.tolist()
    # and the best total with exactly those counts: min-cost flow through a hub per level
    assert s[chosen].sum() == pytest.approx(_quota_total(e, r, s, M, cap, level, counts), rel=1e-9)
    with pytest.raises(ValueError, match="too large"):
        integer_scores(np.array([2.0**40, 1.0]), 10**6, 2 * 10**6, 1000)


def _quota_total(e, r, s, M, cap, level, counts) -> float:
    from ortools.graph.python import min_cost_flow

    N, L = len(cap), len(counts)
    smcf = min_cost_flow.SimpleMinCostFlow()
    hub = M + N + 2 + np.arange(L)
    for k in range(L):
        smcf.add_arc_with_capacity_and_unit_cost(0, int(hub[k]), int(counts[k]), 0)
    for i in range(M):
        smcf.add_arc_with_capacity_and_unit_cost(int(hub[level[i]]), 1 + i, 1, 0)
    arcs = [
        smcf.add_arc_with_capacity_and_unit_cost(1 + int(a), 1 + M + int(b), 1, -round(x * 1000))
        for a, b, x in zip(e, r, s)
    ]
    for j in range(N):
        smcf.add_arc_with_capacity_and_unit_cost(1 + M + j, M + N + 1, int(cap[j]), 0)
    smcf.set_node_supply(0, int(counts.sum()))
    smcf.set_node_supply(M + N + 1, -int(counts.sum()))
    assert smcf.solve() == smcf.OPTIMAL
    return float(sum(x for a, x in zip(arcs, s) if smcf.flow(a)))


def _random_instance(seed, M=40, N=15, L=3, degree=5):
    rng = np.random.default_rng(seed)
    e = np.repeat(np.arange(M), degree)
    r = rng.integers(0, N, len(e))
    key = np.unique(e * N + r)
    e, r = key // N, key % N
    s = np.round(rng.uniform(0, 1, len(e)), 4)
    cap = rng.integers(0, 3, N)  # some mentors without room
    level = rng.integers(0, L, M)
    return e, r, s, cap, level


@pytest.mark.parametrize("seed", range(12))
def test_hub_solve_has_the_weight_of_the_bonus_circulation(seed):
    """solve_levels finds the best counts and then a small-cost flow through level hubs; its
    weight Σ (B_i + score) equals that of the bonus circulation solved directly."""
    from ortools.graph.python import min_cost_flow

    from matching.flow import flow_graph
    from matching.objectives import solve_levels

    e, r, s, cap, level = _random_instance(seed)
    M, N, L = 40, len(cap), 3
    sol = solve_levels(e, r, s, M, cap, level, L, potentials=True)
    ints, scaling = integer_scores(s, M, M + N + 2, L)
    bonus = level_bonus(level, L, scaling.big)
    tails, heads, caps = flow_graph(e, r, M, cap)
    smcf = min_cost_flow.SimpleMinCostFlow()
    costs = np.concatenate([np.zeros(M, np.int64), -(bonus[e] + ints), np.zeros(N + 1, np.int64)])
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([tails, [M + N + 1]]), np.concatenate([heads, [0]]), np.concatenate([caps, [M]]), costs
    )
    assert smcf.solve() == smcf.OPTIMAL
    direct = np.asarray(smcf.flows(arcs[M : M + len(e)])) > 0
    weight = (bonus[e] + ints)[sol.chosen].sum()
    assert weight == (bonus[e] + ints)[direct].sum()
    reduced = sol.mentee_potential[e] - sol.mentor_potential[r] - (sol.mentee_bonus[e] + ints)
    assert (reduced[~sol.chosen] >= 0).all()


@pytest.mark.parametrize("seed", range(12))
def test_threshold_search_and_its_bound_equal_a_scan_of_every_value(seed):
    from matching.objectives import bottleneck_threshold, count_bound, reaches

    e, r, s, cap, level = _random_instance(seed, degree=4)
    M = 40
    quota = best_counts(e, r, M, cap, level, 3)
    naive = max(v for v in np.unique(s) if reaches(e[s >= v], r[s >= v], M, cap, level, quota))
    assert count_bound(e, r, s, M, cap, level, quota) >= naive
    assert bottleneck_threshold(e, r, s, M, cap, level, quota) == naive
    low = float(np.unique(s)[np.unique(s) <= naive][len(np.unique(s)[np.unique(s) <= naive]) // 2])
    assert bottleneck_threshold(e, r, s, M, cap, level, quota, floor=low) == naive


@pytest.mark.parametrize("seed", range(20))
def test_a_minimum_cut_proves_that_more_pairs_cannot_reach(seed):
    """If no pair of the larger edge set goes from a source-side mentee to a sink-side mentor with
    room, the larger set misses the counts too; if it reaches them, such a pair exists."""
    from matching.objectives import quota_cut, reaches

    e, r, s, cap, level = _random_instance(seed, degree=6)
    M = 40
    quota = best_counts(e, r, M, cap, level, 3)
    sub = np.random.default_rng(seed + 100).random(len(e)) < 0.5
    reached, mentee_side, mentor_side = quota_cut(e[sub], r[sub], M, cap, level, quota, cut=True)
    assert reached == reaches(e[sub], r[sub], M, cap, level, quota)
    if reached:
        return
    crossing = mentee_side[e] & ~mentor_side[r] & (cap[r] > 0) & ~sub
    assert crossing.any() or not reaches(e, r, M, cap, level, quota)
    assert not reaches(e[sub | ~crossing], r[sub | ~crossing], M, cap, level, quota)


def test_the_cut_scan_adds_pairs_and_the_result_stays_exact(tmp_path, monkeypatch):
    """With one candidate per mentee the cut of step 3 is crossed by a left-out pair on this
    district: it is found, the search goes on above the threshold, and the result equals the
    all-pairs one."""
    import matching.bottleneck as bottleneck

    found = []
    original = bottleneck._crossing_pairs

    def spy(*args, **kwargs):
        out = original(*args, **kwargs)
        found.append(len(out[0]))
        return out

    monkeypatch.setattr(bottleneck, "_crossing_pairs", spy)
    frames = generate_registry(districts=1, teachers=160, seed=28, mentee_share=0.35, mentor_share=0.12)
    reg = load_registry(write_registry_csv(frames, tmp_path / "d"))
    cfg = config_from_dict(CONFIGS[2])
    pruned = match(reg, cfg, candidates=1)
    assert found[0] > 0 and found[-1] == 0  # pairs found first, then the cut holds
    _same(pruned, match(reg, cfg, candidates=None), reg, cfg)
