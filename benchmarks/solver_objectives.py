"""Speed of the solver's objectives against the plain solve measured in the same run (target: ≤ 2×).

Run: ``.venv/bin/python benchmarks/solver_objectives.py``. Instance: the
sparse capacitated family of ``solver_scale.py`` (:func:`baselines.sparse_instance`:
20,000 mentees × 10,000 mentors, 50 random candidates per mentee, capacities
1–3, scores in [0, 1]). Timed, each through ``matching.solve_assignment``:

* plain — most mentees, then the highest total score;
* priority — three tiers (a random tenth of the mentees in tier 1, a fifth in
  tier 2, the rest unlisted);
* bottleneck — the largest smallest pair score, then the total;
* current + change_cost — every tenth mentee has a pair in force (a random one
  of its 20 first candidates by mentor position), broken at 0.05 score units
  each; and the same pairs kept (``change_cost=None``) after dropping those
  beyond a mentor's capacity;
* priority × bottleneck × current — all at once.

Each figure is the median of three runs; the ratio is against the plain solve.
Each result is checked for validity (capacity, one pair per mentee) and the
matched count against the plain one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baselines import sparse_instance  # noqa: E402
from solver_scale import median_time  # noqa: E402

from matching import solve_assignment  # noqa: E402


def main() -> None:
    m, n = 20_000, 10_000
    e, r, score, cap = sparse_instance(m, n)
    edges = pd.DataFrame({"mentee_id": e, "mentor_id": r, "score": score})
    capacity = dict(enumerate(cap.tolist()))
    rng = np.random.default_rng(11)
    draw = rng.random(m)
    priority = {i: 1 for i in np.flatnonzero(draw < 0.1).tolist()}
    priority.update({i: 2 for i in np.flatnonzero((draw >= 0.1) & (draw < 0.3)).tolist()})
    first = np.flatnonzero(np.r_[True, e[1:] != e[:-1]])  # each mentee's first candidate row
    held = first[::10] + rng.integers(0, 20, len(first[::10]))
    held = held[e[held] == e[first[::10]]]
    current = edges.iloc[held][["mentee_id", "mentor_id"]].reset_index(drop=True)
    rank = current.groupby("mentor_id").cumcount().to_numpy()
    kept = current[rank < cap[current["mentor_id"].to_numpy()]]

    cases = [
        ("plain", {}),
        ("priority (3 tiers)", dict(priority=priority)),
        ("bottleneck", dict(objective="bottleneck")),
        (f"current ({len(current)}) + change_cost 0.05", dict(current=current, change_cost=0.05)),
        (f"current ({len(kept)}) kept (change_cost None)", dict(current=kept)),
        (
            "priority × bottleneck × current",
            dict(priority=priority, objective="bottleneck", current=current, change_cost=0.05),
        ),
    ]
    rows, plain_t, plain_n = [], None, None
    for name, kw in cases:
        t, out = median_time(lambda kw=kw: solve_assignment(edges, capacity, **kw))
        assert out["mentee_id"].is_unique
        load = out["mentor_id"].value_counts()
        assert (load <= cap[load.index.to_numpy()]).all()
        if plain_t is None:
            plain_t, plain_n = t, len(out)
        assert len(out) == plain_n, (name, len(out), plain_n)  # every objective matches the most mentees
        rows.append((name, t, len(out), float(out["score"].min()), float(out["score"].sum())))

    print(f"sparse capacitated {m} × {n} × 50, {len(e)} arcs")
    print(f"{'objective':<42}{'s':>7}{'ratio':>7}{'matched':>9}{'min':>10}{'total':>12}")
    for name, t, k, low, total in rows:
        print(f"{name:<42}{t:>7.2f}{t / plain_t:>7.2f}{k:>9}{low:>10.6f}{total:>12.3f}")


if __name__ == "__main__":
    main()
