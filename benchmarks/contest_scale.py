"""Contest scoring at scale: 600,000 scores (issue target: under 5 s).

Run: ``.venv/bin/python benchmarks/contest_scale.py``. Prints the median of
three runs and, as a baseline measured in the same run, a plain pandas
groupby-sum of the same scores (the least work any scorer must do).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from contest import load_contest, score

DATA = Path(__file__).resolve().parents[1] / "data" / "contests"


def scores_frame(n_entries: int = 24_000, n_jurors: int = 5, seed: int = 0) -> pd.DataFrame:
    """24,000 entries × 5 jurors × 5 criteria = 600,000 long-form scores."""
    rng = np.random.default_rng(seed)
    e = np.repeat([f"E{i}" for i in range(n_entries)], n_jurors * 5)
    j = np.tile(np.repeat([f"J{i}" for i in range(n_jurors)], 5), n_entries)
    k = np.tile([f"R{i}" for i in range(1, 6)], n_entries * n_jurors)
    return pd.DataFrame({"entry_id": e, "juror_id": j, "criterion_id": k,
                         "score": rng.integers(1, 11, size=len(e)).astype(float)})


def median_time(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    contest = load_contest(DATA / "best_practices.yaml")
    df = scores_frame()
    ours = median_time(lambda: score(contest, df))
    base = median_time(lambda: df.groupby("entry_id")["score"].sum().sort_values())
    print(f"{'case':<40}{'ours, s':>10}{'groupby, s':>12}{'ratio':>8}{'target':>10}")
    print(f"{'600k scores, 24k entries × 5 jurors':<40}{ours:>10.2f}{base:>12.2f}{ours / base:>8.1f}{'< 5 s':>10}")


if __name__ == "__main__":
    main()
