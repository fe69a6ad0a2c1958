"""What-if benchmark: exact alternates, why_not and fixes against the plain match.

Run (not part of the tests)::

    .venv/bin/python benchmarks/whatif_bench.py [--quick]

Instances: the sample district, the generated 3,000-teacher district and
(without ``--quick``) the 60,000-teacher region of ``benchmarks/bench_data.py``
(cached CSV folders; generation not timed). Per instance it prints the time
of ``matching.match``, of ``result.alternates`` (first access: residual
graph, potentials and the Dijkstra runs), the ratio of the two, of one
``why_not`` on a fresh result (network built on the way) and of
``result.fixes``. Targets: alternates of the district under 5 s; of the
region within 3× of ``matching.match``; ``why_not`` on the sample under
0.5 s. The machine is shared: repeat before reading much into a difference.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_data import REGION, registry_folder  # noqa: E402

import matching  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DISTRICT = dict(
    districts=1, teachers=3000, mentee_share=0.3334, mentor_share=0.1667, teachers_per_school=150, seed=5
)


def _clock(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def run(name: str, registry, fixes: bool = True) -> None:
    result, t_match = _clock(lambda: matching.match(registry))
    alt, t_alt = _clock(lambda: result.alternates)
    fresh = matching.match(registry)
    row = alt.iloc[len(alt) // 2] if len(alt) else None
    t_why = float("nan")
    if row is not None:
        _, t_why = _clock(lambda: matching.why_not(fresh, row.mentee_id, row.mentor_id))
    line = (
        f"{name}: {len(result.pairs)} pairs, {len(result.unmatched)} unmatched; match {t_match:.2f} s; "
        f"alternates {t_alt:.2f} s ({len(alt)} rows, {t_alt / t_match:.2f}× match); "
        f"why_not (fresh result) {t_why:.3f} s"
    )
    if fixes:
        fx, t_fix = _clock(lambda: result.fixes)
        line += f"; fixes {t_fix:.2f} s ({len(fx)} rows)"
    print(line, flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 60,000-teacher region")
    args = parser.parse_args(argv)
    run("sample district", matching.load_registry(ROOT / "data" / "sample_district.xlsx"))
    run("district 3,000 teachers", matching.load_registry(registry_folder(DISTRICT)))
    if not args.quick:
        run("region 60,000 teachers", matching.load_registry(registry_folder(REGION)), fixes=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
