"""Hospital–resident baseline: PyPI ``matching`` (Wilde, Knight & Gillard) on our preferences.

The PyPI package ``matching`` has the same import name as this project's own
``matching`` package, so this helper runs in a separate virtualenv
(``benchmarks/.hr-venv``, created by ``make bench``) with that venv's python,
isolated (``python -I``, working directory outside the repository) so that
this project's ``matching/`` is never importable. It is started by
``benchmarks/matching_bench.py``; it imports nothing from this project.

Input (``IN.npz``): ``e``, ``r`` (int positions of mentee and mentor of each
feasible pair, positions in id order), ``score`` (float), ``capacity`` (per
mentor position). Preferences are built before the clock starts:

* each mentee (resident) ranks its feasible mentors by score, best first,
  ties by mentor position (= id order);
* each mentor (hospital) ranks the mentees that ranked it by score, best
  first, ties by mentee position; its capacity is the mentor's capacity
  (mentors of capacity 0 and mentees without a pair are left out).

Timed: building the library's players from those preference lists and the
resident-optimal deferred-acceptance solve. Two modes:

``game``
    the public game API, ``HospitalResident.create_from_dictionaries(...)``
    then ``.solve(optimal="resident")``. Its constructor deep-copies the
    players and checks the inputs with loops over every (hospital,
    resident) combination, so it is only practical for a district.
``core``
    the library's players (``matching.Player``, ``matching.players.Hospital``,
    ``set_prefs``) and its algorithm ``matching.algorithms.hospital_resident``
    directly: the same deferred acceptance without the input checks.

Output (``OUT.npz``): ``e``, ``r`` of the matched pairs; ``OUT.npz.json``:
seconds, peak RSS of this process (VmHWM, MB) and its rise during the timed
part, library version, mode.

Usage: ``python -I hr_baseline.py IN.npz OUT.npz --mode core|game``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings

import numpy as np


def _status_kb(field: str):
    """A field of /proc/self/status in KB (VmRSS, VmHWM), or None."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def preference_lists(e, r, score, capacity):
    """Resident and hospital preference lists (dicts of int lists) and capacities."""
    keep = capacity[r] > 0
    e, r, score = e[keep], r[keep], score[keep]
    resident_prefs: dict[int, list[int]] = {}
    order = np.lexsort((r, -score, e))  # by mentee, then best score, then mentor position
    e_o, r_o = e[order].tolist(), r[order].tolist()
    for i, j in zip(e_o, r_o):
        resident_prefs.setdefault(i, []).append(j)
    hospital_prefs: dict[int, list[int]] = {}
    order = np.lexsort((e, -score, r))  # by mentor, then best score, then mentee position
    e_o, r_o = e[order].tolist(), r[order].tolist()
    for i, j in zip(e_o, r_o):
        hospital_prefs.setdefault(j, []).append(i)
    capacities = {j: int(capacity[j]) for j in hospital_prefs}
    return resident_prefs, hospital_prefs, capacities


def solve_game(resident_prefs, hospital_prefs, capacities):
    from matching.games import HospitalResident

    game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
    result = game.solve(optimal="resident")
    return [(res.name, hosp.name) for hosp, residents in result.items() for res in residents]


def solve_core(resident_prefs, hospital_prefs, capacities):
    from matching import Player
    from matching.algorithms import hospital_resident
    from matching.players import Hospital

    residents = {i: Player(name=i) for i in resident_prefs}
    hospitals = {j: Hospital(name=j, capacity=capacities[j]) for j in hospital_prefs}
    for i, prefs in resident_prefs.items():
        residents[i].set_prefs([hospitals[j] for j in prefs])
    for j, prefs in hospital_prefs.items():
        hospitals[j].set_prefs([residents[i] for i in prefs])
    result = hospital_resident(list(residents.values()), list(hospitals.values()), optimal="resident")
    return [(res.name, hosp.name) for hosp, matched in result.items() for res in matched]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("inp")
    p.add_argument("out")
    p.add_argument("--mode", choices=("core", "game"), default="core")
    args = p.parse_args(argv)

    import matching

    if not hasattr(matching, "games"):
        import matching.games  # noqa: F401  (the PyPI package has it; this project's package does not)
    warnings.simplefilter("ignore")  # the library turns every warning on at import
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1_000_000))  # deepcopy in the game constructor

    data = np.load(args.inp)
    prefs = preference_lists(data["e"], data["r"], data["score"], data["capacity"])
    before, hwm_before = _status_kb("VmRSS"), _status_kb("VmHWM") or 0
    try:  # reset the high-water mark so that the rise during the timed part can be read
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        reset = True
    except OSError:
        reset = False
    t0 = time.perf_counter()
    pairs = (solve_game if args.mode == "game" else solve_core)(*prefs)
    seconds = time.perf_counter() - t0
    hwm = _status_kb("VmHWM")
    arr = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    np.savez(args.out, e=arr[:, 0], r=arr[:, 1])
    info = {
        "seconds": seconds,
        "peak_rss_mb": max(hwm or 0, hwm_before) / 1024,
        "delta_mb": (hwm - before) / 1024 if reset and hwm and before else None,
        "version": getattr(matching, "__version__", "?"),
        "mode": args.mode,
        "residents": len(prefs[0]),
        "hospitals": len(prefs[1]),
    }
    with open(args.out + ".json", "w", encoding="utf-8") as f:
        json.dump(info, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
