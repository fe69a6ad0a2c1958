"""Solver speed against baselines measured in the same run (issue targets: ratio ≤ 1.5).

Run: ``.venv/bin/python benchmarks/solver_scale.py`` — the two speed targets
alone, in a minute. The full table (districts, region, CLI, quality, memory,
scaling) is ``benchmarks/matching_bench.py`` (``make bench``), which runs the
same two instances. Instance families (:mod:`baselines`):

* sparse capacitated — 20,000 mentees × 10,000 mentors, 50 random
  candidates per mentee, capacities 1–3, scores in [0, 1]; baseline: one
  direct vectorised OR-Tools ``SimpleMinCostFlow.solve_max_flow_with_min_cost``
  call on the same graph (integer costs prepared outside the timing);
* dense unit-capacity — 2,000 × 2,000, every pair allowed; baseline:
  ``scipy.optimize.linear_sum_assignment`` on the score matrix.

Each figure is the median of three runs in this process; the ratio is ours /
baseline. Both sides must reach the same objective, which is checked.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baselines import dense_weights, direct_mcf, mcf_costs, sparse_instance  # noqa: E402

from matching import solve_assignment  # noqa: E402


def median_time(fn, runs: int = 3):
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    rows = []
    m, n = 20_000, 10_000
    e, r, score, cap = sparse_instance(m, n)
    edges = pd.DataFrame({"mentee_id": e, "mentor_id": r, "score": score})
    capacity = dict(enumerate(cap.tolist()))
    ours_t, chosen = median_time(lambda: solve_assignment(edges, capacity))
    costs = mcf_costs(score)
    base_t, mask = median_time(lambda: direct_mcf(e, r, costs, cap, m))
    assert (
        len(chosen) == int(mask.sum())
        and abs(chosen["score"].sum() - score[mask].sum()) <= len(chosen) * 1e-6
    )
    rows.append(("sparse capacitated 20k × 10k × 50", len(e), ours_t, "OR-Tools MCF, one call", base_t))

    w = dense_weights(2000)
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
