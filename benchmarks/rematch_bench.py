"""Re-match benchmark: ``rematch`` against a plain ``matching.match`` on the same registry, same run.

Run::

    .venv/bin/python benchmarks/rematch_bench.py [--pairs 15000] [--change-cost 0.1] [--runs 2]

What is measured
----------------
The region of ``benchmarks/matching_bench.py`` (``bench_data.REGION``:
20 districts, 60,000 teachers, ~21,000 mentees, ~9,000 mentors with
capacities 1–3; generated once and cached, not timed) is the registry of
September. Its optimum (``matching.match``) gives the pairs; ``--pairs`` of
them (a fixed random sample) are approved into a register of tandems
(``mentoring.lifecycle.approve``, 01.09.2026). The registry of January is
the September one changed mid-year: 1 % of the mentors with a pair leave
the registry, 1 % withdraw their consent, 1 % with two or more pairs get
capacity 1, and 300 new mentees arrive. On the January registry, in turn
and ``--runs`` times each (median reported): ``matching.match`` (plain, no
pairs in force), ``rematch`` (pairs in force kept where feasible), and
``rematch`` with ``change_cost`` (each broken feasible pair costs that many
score units). Time is wall time of the whole call (scoring, solving,
explanations, the changes table). The ratio is rematch ÷ plain match
(target ≤ 1.5). Every rematch result is checked: each mentee of a pair in
force appears exactly once in ``changes``, and each mentee of the registry
is in ``pairs`` or ``unmatched``; the run exits with 1 if a check fails.

The machine is shared and has 2 cores: repeat a run before reading much into
a difference of less than ~20 %.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from bench_data import REGION, registry_folder  # noqa: E402

from matching import load_registry, match  # noqa: E402
from matching.model import Registry  # noqa: E402
from mentoring.lifecycle import approve  # noqa: E402
from mentoring.register import Register  # noqa: E402
from mentoring.rematch import current_pairs, rematch  # noqa: E402

START, ON = dt.date(2026, 9, 1), dt.date(2027, 1, 15)


def register_of(pairs: pd.DataFrame, n: int, seed: int = 1) -> Register:
    """A register with ``n`` of ``pairs`` (a fixed random sample) approved on :data:`START`."""
    rng = np.random.default_rng(seed)
    take = np.sort(rng.choice(len(pairs), size=min(n, len(pairs)), replace=False))
    chosen = pairs.iloc[take][["mentee_id", "mentor_id", "pair_format"]].rename(
        columns={"pair_format": "format"}
    )
    register, _ = approve(Register(), chosen, order="Приказ № 45 от 01.09.2026", start=START)
    return register


def january(registry: Registry, live: pd.DataFrame, seed: int = 2) -> tuple[Registry, dict]:
    """The registry changed mid-year (see the module docstring); returns it and the counts."""
    rng = np.random.default_rng(seed)
    t = registry.teachers.copy()
    held = set(registry.locked["mentor_id"]) | set(registry.locked["mentee_id"])
    load = live["mentor_id"].value_counts()
    mentors = np.array(sorted(m for m in load.index if m not in held), dtype=object)
    k = max(1, len(mentors) // 100)
    picked = rng.permutation(mentors)
    removed, withdrawn = set(picked[:k]), set(picked[k : 2 * k])
    busy = [m for m in picked[2 * k :] if load[m] >= 2][:k]
    t.loc[t["teacher_id"].isin(withdrawn), "consent"] = False
    t.loc[t["teacher_id"].isin(busy), "capacity"] = 1
    t = t[~t["teacher_id"].isin(removed)]
    new = t[t["role"] == "наставляемый"].sample(300, random_state=seed).copy()
    new["teacher_id"] = [f"НОВ-{i:04d}" for i in range(len(new))]
    t = pd.concat([t, new], ignore_index=True)

    def keep(df):
        return df[~df["mentee_id"].isin(removed) & ~df["mentor_id"].isin(removed)]

    changed = Registry(
        schools=registry.schools,
        teachers=t,
        deficits=registry.deficits,
        locked=keep(registry.locked),
        forbidden=keep(registry.forbidden),
        preferences=keep(registry.preferences),
        source="январь",
        sheet_titles=registry.sheet_titles,
    )
    return changed, {
        "removed": len(removed),
        "withdrawn": len(withdrawn),
        "lowered": len(busy),
        "new": len(new),
    }


def check(result, registry: Registry, live: pd.DataFrame) -> list[str]:
    """Invariants of a rematch result; the failures, as text."""
    bad = []
    ch = result.changes
    if not ch["mentee_id"].is_unique or not set(live["mentee_id"]) <= set(ch["mentee_id"]):
        bad.append("a mentee of a pair in force is missing from changes or appears twice")
    seen = sorted(list(result.pairs["mentee_id"]) + list(result.unmatched["mentee_id"]))
    if seen != sorted(registry.mentees["teacher_id"]):
        bad.append("pairs + unmatched is not every mentee exactly once")
    return bad


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=15_000, help="pairs in force")
    ap.add_argument("--change-cost", type=float, default=0.1, help="change cost of the priced rematch")
    ap.add_argument("--runs", type=int, default=2, help="runs of each method (median)")
    args = ap.parse_args(argv)

    folder = registry_folder(REGION)
    registry = load_registry(folder)
    t0 = time.perf_counter()
    september = match(registry)
    print(f"September optimum: {len(september.pairs)} pairs in {time.perf_counter() - t0:.1f} s (setup)")
    register = register_of(september.pairs, args.pairs)
    live = current_pairs(register, ON)
    changed, counts = january(registry, live)
    print(
        f"Register: {len(live)} pairs in force on {ON}; January registry: {len(changed.mentees)} mentees, "
        f"{len(changed.mentors)} mentors; mid-year changes {counts}"
    )

    methods = {
        "match (plain)": lambda: match(changed),
        "rematch": lambda: rematch(changed, register, ON),
        f"rematch, change_cost={args.change_cost:g}": lambda: rematch(
            changed, register, ON, change_cost=args.change_cost
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in methods}
    results = {}
    failures = []
    for _ in range(args.runs):
        for name, fn in methods.items():
            t0 = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - t0)
            print(f"  {name}: {times[name][-1]:.1f} s", flush=True)
    base = statistics.median(times["match (plain)"])
    print()
    print(f"{'method':<32} {'median s':>9} {'÷ match':>8}  pairs  kept  other  released  new  method")
    for name, ts in times.items():
        r = results[name]
        t = statistics.median(ts)
        kinds = r.changes["change"].value_counts() if r.changes is not None else pd.Series(dtype=int)
        print(
            f"{name:<32} {t:>9.1f} {t / base:>8.2f}  {len(r.pairs):>5}  {kinds.get('сохранена', 0):>4}  "
            f"{kinds.get('другой наставник', 0):>5}  {kinds.get('снята', 0):>8}  {kinds.get('новая', 0):>3}  "
            f"{r.method}"
        )
        if r.changes is not None:
            failures += [f"{name}: {b}" for b in check(r, changed, live)]
    for f in failures:
        print("CHECK FAILED:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
