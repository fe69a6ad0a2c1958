"""Priority tiers and the bottleneck objective against the plain ``matching.match``.

Run::

    .venv/bin/python benchmarks/priority_bench.py [--quick]

Instances: the sample district ``data/sample_district.xlsx`` and the
60,000-teacher synthetic region of ``benchmarks/bench_data.py`` (``REGION``;
generated once into ``benchmarks/.cache/``, generation and reading not timed;
``--quick`` skips it). Per instance, one ``matching.match`` run (in this
process, after one warm-up run on the sample) for each configuration:

* plain — the defaults;
* tiers — ``priority.tiers: [{experience_below: 3}, {cluster: ШНОР}]``;
* bottleneck — ``objective: bottleneck``;
* tiers + bottleneck.

Columns: wall time (s, scoring + solve + explanations), ratio to plain
(target ≤ 2), matched mentees, tier-1 mentees matched (of those in tier 1),
the weakest pair's score, the total score, and how optimality was
established (``MatchResult.method``). On the region ``match`` prunes to the
best candidates and proves the optimum with the certificate, tiers and the
bottleneck too (``matching/bottleneck.py``). The table is printed and written to
``benchmarks/results/<date>_priority.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from bench_data import REGION, registry_folder  # noqa: E402

from matching import config_from_dict, load_registry, match  # noqa: E402
from matching.priority import mentee_tiers  # noqa: E402

TIERS = {"tiers": [{"experience_below": 3, "label": "молодые специалисты"}, {"cluster": "ШНОР"}]}
CONFIGS = {
    "plain": {},
    "tiers": {"priority": TIERS},
    "bottleneck": {"objective": "bottleneck"},
    "tiers + bottleneck": {"priority": TIERS, "objective": "bottleneck"},
}


def run_instance(name: str, registry) -> list[dict]:
    rows = []
    base = None
    for label, data in CONFIGS.items():
        cfg = config_from_dict(data)
        t0 = time.perf_counter()
        res = match(registry, cfg)
        seconds = time.perf_counter() - t0
        base = seconds if base is None else base
        active = registry.mentees[registry.mentees["consent"]]
        young = mentee_tiers(active, registry.schools, config_from_dict({"priority": TIERS}).priority) == 1
        tier1 = set(active["teacher_id"][young])
        rows.append(
            {
                "instance": name,
                "config": label,
                "seconds": seconds,
                "ratio": seconds / base,
                "matched": len(res.pairs),
                "mentees": res.n_mentees,
                "tier1": f"{int(res.pairs['mentee_id'].isin(tier1).sum())} / {len(tier1)}",
                "worst": float(res.pairs["score"].min()) if len(res.pairs) else float("nan"),
                "total": res.objective,
                "method": res.method,
            }
        )
        print(_row(rows[-1]), flush=True)
    return rows


def _row(r: dict) -> str:
    return (
        f"| {r['instance']} | {r['config']} | {r['seconds']:.2f} | {r['ratio']:.2f} | "
        f"{r['matched']:,} / {r['mentees']:,} | {r['tier1']} | {r['worst']:.4f} | {r['total']:.4f} | {r['method']} |"
    )


HEADER = (
    "| instance | configuration | time, s | ÷ plain | matched / mentees | tier 1 matched | "
    "weakest pair | total score | optimality |\n|---|---|---|---|---|---|---|---|---|"
)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the sample district only")
    args = ap.parse_args(argv)
    print(HEADER)
    sample = load_registry(ROOT / "data" / "sample_district.xlsx")
    match(sample)  # warm-up: imports, first OR-Tools call
    rows = run_instance("sample district", sample)
    if not args.quick:
        region = load_registry(registry_folder(REGION, log=lambda text: print(text, file=sys.stderr)))
        rows += run_instance("region (60,000 teachers)", region)
    out = BENCH / "results" / f"{dt.date.today().isoformat()}_priority{'-quick' if args.quick else ''}.md"
    out.parent.mkdir(exist_ok=True)
    text = "# Priority tiers and the bottleneck objective vs plain `matching.match`\n\n"
    text += "One run each, on a shared 2-core machine. Target: within 2× of plain.\n\n"
    text += HEADER + "\n" + "\n".join(_row(r) for r in rows) + "\n"
    out.write_text(text, encoding="utf-8")
    print(f"written {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
