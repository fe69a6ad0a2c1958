"""Solver speed against baselines measured in the same run (issue targets: ratio ≤ 1.5).

Run: ``.venv/bin/python benchmarks/solver_scale.py``. Two instance families:

* sparse capacitated — 20,000 mentees × 10,000 mentors, 50 random
  candidates per mentee, capacities 1–3, scores in [0, 1]; baseline: one
  direct vectorised OR-Tools ``SimpleMinCostFlow.solve_max_flow_with_min_cost``
  call on the same graph (integer costs prepared outside the timing);
* dense unit-capacity — 2,000 × 2,000, every pair allowed; baseline:
  ``scipy.optimize.linear_sum_assignment`` on the score matrix.

Each figure is the median of three runs; the ratio is ours / baseline. Both
sides must reach the same objective, which is checked.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd
from ortools.graph.python import min_cost_flow
from scipy.optimize import linear_sum_assignment

from matching import solve_assignment


def median_time(fn, runs: int = 3):
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def sparse_instance(m=20_000, n=10_000, k=50, seed=1):
    rng = np.random.default_rng(seed)
    e = np.repeat(np.arange(m), k)
    r = rng.integers(0, n, m * k)
    key = np.unique(e * n + r)
    e, r = key // n, key % n
    score = np.round(rng.random(len(e)), 6)
    cap = rng.integers(1, 4, n)
    return e, r, score, cap


def direct_mcf(e, r, costs, cap, m, n):
    smcf = min_cost_flow.SimpleMinCostFlow()
    src, snk = m + n, m + n + 1
    tails = np.concatenate([np.full(m, src), e, m + np.arange(n)])
    heads = np.concatenate([np.arange(m), m + r, np.full(n, snk)])
    caps = np.concatenate([np.ones(m + len(e), np.int64), cap])
    unit = np.concatenate([np.zeros(m, np.int64), costs, np.zeros(n, np.int64)])
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, unit)
    smcf.set_nodes_supplies(np.array([src, snk]), np.array([m, -m]))
    smcf.solve_max_flow_with_min_cost()
    flows = smcf.flows(arcs[m:m + len(e)])
    return int((flows > 0).sum()), int(-smcf.optimal_cost())


def main() -> None:
    rows = []
    m, n = 20_000, 10_000
    e, r, score, cap = sparse_instance(m, n)
    edges = pd.DataFrame({"mentee_id": e, "mentor_id": r, "score": score})
    capacity = dict(enumerate(cap.tolist()))
    ours_t, chosen = median_time(lambda: solve_assignment(edges, capacity))
    costs = -np.round(score * 1e6).astype(np.int64)
    base_t, (count, total) = median_time(lambda: direct_mcf(e, r, costs, cap, m, n))
    assert len(chosen) == count and abs(round(chosen["score"].sum() * 1e6) - total) <= len(chosen)
    rows.append(("sparse capacitated 20k × 10k × 50", len(e), ours_t, "OR-Tools MCF, one call", base_t))

    rng = np.random.default_rng(2)
    w = rng.random((2000, 2000))
    i, j = np.meshgrid(np.arange(2000), np.arange(2000), indexing="ij")
    dense = pd.DataFrame({"mentee_id": i.ravel(), "mentor_id": j.ravel(), "score": w.ravel()})
    ones = {k: 1 for k in range(2000)}
    ours_t, chosen = median_time(lambda: solve_assignment(dense, ones))
    base_t, (ri, ci) = median_time(lambda: linear_sum_assignment(w, maximize=True))
    assert abs(chosen["score"].sum() - w[ri, ci].sum()) < 1e-6
    rows.append(("dense unit 2000 × 2000", w.size, ours_t, "scipy linear_sum_assignment", base_t))

    print(f"{'instance':<36}{'arcs':>10}{'ours, s':>10}  {'baseline':<30}{'base, s':>9}{'ratio':>7}")
    for name, arcs, ours, base_name, base in rows:
        print(f"{name:<36}{arcs:>10}{ours:>10.2f}  {base_name:<30}{base:>9.2f}{ours / base:>7.2f}")


if __name__ == "__main__":
    main()
