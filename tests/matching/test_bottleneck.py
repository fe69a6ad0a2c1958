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
