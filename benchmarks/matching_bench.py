"""Matching benchmark: our exact solver against baselines measured in the same run.

Run: ``make bench`` (sets up the hospital–resident virtualenv, then runs this
script and the contest benchmark), or directly::

    .venv/bin/python benchmarks/matching_bench.py [--quick] [--hr-python PY] [--hr-limit S]

``--quick`` (``make bench QUICK=1``) skips the region, the CLI run and the
scaling series. The table is printed and written, headed by a description of
the machine, to ``benchmarks/results/<date>_bench.md`` (and the raw numbers
to ``<date>_bench.json``; ``_bench-quick`` for a quick run).

What is measured
----------------
Instance families (rows: instance × method):

district
    the sample registry ``data/sample_district.xlsx`` and a generated district
    (``generate_registry(districts=1, teachers=3000, …)``). Ours:
    ``matching.match`` (scoring, exact solve, explanations). Every baseline
    gets the *same* candidate pairs and scores, taken from
    ``matching.scoring.build_candidates(top_k=None)`` as ``match`` does (locked
    mentees left out, mentor capacities less their locked mentees; the locked
    pairs are then added to every method's total): our
    ``matching.solve_assignment`` on those pairs (the reference time), one
    direct OR-Tools ``solve_max_flow_with_min_cost`` call, greedy, scipy
    ``linear_sum_assignment`` on the capacity-expanded dense matrix, and the
    hospital–resident (stable matching) solver of PyPI ``matching`` — its
    public game API and its algorithm core (``hr_baseline.py``; time limit
    ``--hr-limit``, 600 s by default, else the row says it did not finish).
region
    ``generate_registry(districts=20, teachers=60000, mentee_share=0.3334,
    mentor_share=0.1667, teachers_per_school=150, seed=5)`` as a CSV folder
    (cached in ``benchmarks/.cache/``, generation not timed). Ours:
    ``matching.match`` in-process, and the CLI ``python -m matching run``
    end to end (read CSV, match, write Excel) as a subprocess: wall time and
    peak RSS (targets: under 60 s and 3 GB). Two pair sets for the baselines:
    *all feasible pairs* (~3.4·10⁷, scored block by block outside the timing
    with the scoring model of ``build_candidates``) for the direct OR-Tools
    call and greedy, compared with ``matching.match`` (which scores the
    1.9·10⁸ combinations itself and proves its optimum with a certificate;
    the OR-Tools optimum must equal it); and the *top-50 candidates* per
    mentee (``build_candidates(top_k=50)``) for our ``solve_assignment`` (the
    reference time there), OR-Tools, greedy and the hospital–resident solver.
    The expanded dense matrix for scipy is over the size limit (printed).
large
    sparse capacitated: 20,000 mentees × 10,000 mentors, 50 random candidates
    each, capacities 1–3 (target: ``solve_assignment`` within 1.5× of the
    direct OR-Tools call); dense unit-capacity 2000 × 2000 (target: within
    1.5× of scipy ``linear_sum_assignment``).
scaling
    ``matching.match`` on the region family at 7,500 … 60,000 teachers;
    log-log slope (``numpy.polyfit``) of time against the (mentee, mentor)
    combinations scored and against the feasible pairs.

Columns (the report repeats this): every method runs in its own
subprocesses, in turn with the other methods of the same instance, so a
change of machine load hits them alike; time is the median over up to three
processes (one when a run takes 5 s or more; inside a process a run under
1 s is repeated three times; ``matching.match`` rows: up to three runs in
one process). "ours ÷ this" = the time of our reference row
(marked *) of the same instance and pair set ÷ this method's time (a target
"≤ 1.5" means ours is at most 1.5× slower). Quality = total score as % of the
optimum (ours; checked against OR-Tools and scipy on the same pairs — the run
exits with 1 if any check fails). Matched and unmatched mentees are of all
mentees of the registry (locked pairs counted for every method). Peak RSS is
that of the process that ran the method (MB, its own ``VmHWM``, so it
includes Python, the libraries and the instance; the CLI is measured by
``/usr/bin/time``), and "+MB" the rise of resident memory during the timed
part alone (the high-water mark is reset through ``/proc/self/clear_refs``).
``ru_maxrss`` of a child is not used: Linux starts it from the parent's own
peak. Data preparation (candidate scoring for the baselines, integer costs,
the expanded matrix, preference lists) is outside the timing, except for
``matching.match`` and the CLI, which do everything.

The machine is shared and has 2 cores: repeat a run before reading much into
a difference of less than ~20 %.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from bench_data import REGION, registry_folder  # noqa: E402

#: A generated district of typical size (the region's parameters, one district).
DISTRICT = dict(
    districts=1, teachers=3000, mentee_share=0.3334, mentor_share=0.1667, teachers_per_school=150, seed=5
)
#: Teachers in the scaling series (the region's parameters otherwise).
SCALING_TEACHERS = (7_500, 15_000, 30_000, 60_000)
#: Candidates per mentee given to the baselines on the region.
REGION_TOP_K = 50
#: The capacity-expanded dense matrix is built only up to this size (scipy copies it twice more).
EXPANDED_LIMIT_GB = 1.0
#: One run is enough above this many seconds; below it, the median of three.
REPEAT_UNDER_S = 5.0
#: Within one process, a run shorter than this is repeated (median of 3 taken).
INNER_REPEAT_UNDER_S = 1.0
#: Default time limit of one baseline process.
DEFAULT_LIMIT_S = 600


# ---------------------------------------------------------------------------
# Worker side: one method in its own process (``--worker TASK.json``)


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


class _Memory:
    """Resident memory before the timed part and its peak during it (Linux /proc)."""

    def __enter__(self):
        self.before = _status_kb("VmRSS")
        self.hwm_before = _status_kb("VmHWM") or 0
        _PEAK_BEFORE_RESET[0] = max(_PEAK_BEFORE_RESET[0], self.hwm_before)
        try:  # reset the high-water mark VmHWM to the current RSS
            Path("/proc/self/clear_refs").write_text("5")
            self.reset = True
        except OSError:
            self.reset = False
        return self

    def __exit__(self, *exc):
        peak = _status_kb("VmHWM")
        self.delta_mb = (peak - self.before) / 1024 if self.reset and peak and self.before else None
        return False


def _own_peak_mb() -> float | None:
    """Peak resident memory of this process (VmHWM; see :class:`_Memory` for its reset)."""
    hwm = _status_kb("VmHWM")
    return None if hwm is None else max(hwm, _PEAK_BEFORE_RESET[0]) / 1024


#: VmHWM just before :class:`_Memory` reset it (the process's peak is the larger of the two).
_PEAK_BEFORE_RESET = [0]


def _timed(fn, repeat_under: float = REPEAT_UNDER_S, runs: int = 3):
    times = []
    with _Memory() as mem:
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        if times[0] < repeat_under:
            for _ in range(runs - 1):
                t0 = time.perf_counter()
                out = fn()
                times.append(time.perf_counter() - t0)
    return times, out, mem.delta_mb


def _check_assignment(e, r, cap, chosen) -> None:
    m = int(e.max()) + 1 if len(e) else 0
    if len(e) and np.bincount(e[chosen], minlength=m).max(initial=0) > 1:
        raise AssertionError("a mentee is matched twice")
    if len(r) and (np.bincount(r[chosen], minlength=len(cap)) > cap).any():
        raise AssertionError("a mentor is over capacity")


def _load_instance(path):
    data = np.load(path)
    if "w" in data:
        w = data["w"]
        n_e, n_r = w.shape
        e = np.repeat(np.arange(n_e), n_r)
        r = np.tile(np.arange(n_r), n_e)
        return e, r, w.ravel(), np.ones(n_r, np.int64), n_e, w
    return data["e"], data["r"], data["score"], data["capacity"], int(data["n_mentees"]), None


def _work_solve(task) -> dict:
    import baselines
    import pandas  # noqa: F401  (imports are not part of any method's time)
    import scipy.optimize  # noqa: F401
    from ortools.graph.python import min_cost_flow  # noqa: F401

    import matching.solver  # noqa: F401

    e, r, score, cap, m, w = _load_instance(task["instance"])
    method = task["method"]
    extra = {}
    if method == "ours_assignment":
        import pandas as pd

        from matching import solve_assignment

        edges = pd.DataFrame({"mentee_id": e, "mentor_id": r, "score": score, "pos": np.arange(len(e))})
        capacity = dict(enumerate(cap.tolist()))

        def run():
            out = solve_assignment(edges, capacity)
            chosen = np.zeros(len(e), bool)
            chosen[out["pos"].to_numpy()] = True
            return chosen
    elif method == "ours_arrays":
        from matching.solver import solve_arrays

        def run():
            return solve_arrays(e, r, score, m, cap).chosen
    elif method == "ortools":
        costs = baselines.mcf_costs(score)

        def run():
            return baselines.direct_mcf(e, r, costs, cap, m)
    elif method == "greedy":

        def run():
            return baselines.greedy(e, r, score, cap)
    elif method == "scipy_expanded":
        t0 = time.perf_counter()
        W, rows, slots, big = baselines.expanded_matrix(e, r, score, cap)
        extra["build_seconds"] = time.perf_counter() - t0
        extra["matrix"] = list(W.shape)

        def run():
            return baselines.lsa_expanded(W, rows, slots, big, e, r)
    elif method == "scipy_dense":
        from scipy.optimize import linear_sum_assignment

        def run():
            a, c = linear_sum_assignment(w, maximize=True)
            chosen = np.zeros(w.size, bool)
            chosen[a * w.shape[1] + c] = True
            return chosen
    else:
        raise ValueError(method)
    times, chosen, delta = _timed(run, repeat_under=INNER_REPEAT_UNDER_S)
    _check_assignment(e, r, cap, chosen)
    return {
        "time": float(np.median(times)),
        "inner_runs": len(times),
        "matched": int(chosen.sum()),
        "total": float(score[chosen].sum()),
        "delta_mb": delta,
        **extra,
    }


def _prepare(registry, top_k, full_path=None):
    """Candidates as ``match`` builds them, for the baselines (see the module docstring).

    With ``full_path`` (used when ``top_k`` prunes), the whole feasible pair set is written there
    as well, found block by block by the same scoring model (``Candidates.model.block``) and scored
    exactly (``score_pairs``).
    """
    from matching import load_config
    from matching.scoring import build_candidates

    config = load_config(None)
    mentees, mentors = registry.mentees, registry.mentors
    active = mentees[mentees["consent"]]
    forbidden = registry.forbidden[["mentee_id", "mentor_id"]]
    locked = registry.locked[["mentee_id", "mentor_id"]].drop_duplicates("mentee_id", keep="last")
    locked_ids = set(locked["mentee_id"])
    cand = build_candidates(
        active, mentors, registry.schools, forbidden, registry.preferences, config, top_k=top_k
    )
    pairs = cand.pairs[~cand.pairs["mentee_id"].isin(locked_ids)]
    active_mentors = mentors[mentors["consent"] & (mentors["capacity"] > 0)]
    mentee_ids = np.sort(active["teacher_id"].to_numpy(str))
    mentor_ids = np.sort(active_mentors["teacher_id"].to_numpy(str))
    cap = active_mentors.set_index("teacher_id")["capacity"].reindex(mentor_ids).to_numpy(np.int64)
    cap = cap - locked["mentor_id"].value_counts().reindex(mentor_ids).fillna(0).to_numpy(np.int64)
    e = np.searchsorted(mentee_ids, pairs["mentee_id"].to_numpy(str)).astype(np.int64)
    r = np.searchsorted(mentor_ids, pairs["mentor_id"].to_numpy(str)).astype(np.int64)
    score = pairs["score"].to_numpy(float)
    locked_score = 0.0
    if len(locked):  # the same hard constraints and score, pair by pair
        for row in locked.itertuples(index=False):
            one = build_candidates(
                mentees[mentees["teacher_id"] == row.mentee_id],
                mentors[mentors["teacher_id"] == row.mentor_id],
                registry.schools,
                forbidden,
                registry.preferences,
                config,
            )
            locked_score += float(one.pairs["score"].sum())
    excl = cand.exclusions
    meta = {
        "mentees_total": len(mentees),
        "mentees_consenting": len(active),
        "mentors_active": len(mentor_ids),
        "combinations": len(active) * len(mentor_ids),
        "feasible": int(excl["feasible"].sum()),
        "feasible_free": int(excl.loc[~excl.index.isin(locked_ids), "feasible"].sum()),
        "pairs": len(pairs),
        "locked": len(locked),
        "locked_score": locked_score,
        "top_k": top_k,
    }
    if full_path is not None:
        try:
            meta.update(
                _full_pairs(cand.model, mentee_ids, mentor_ids, locked_ids, cap, (e, r, score), full_path)
            )
        except Exception as exc:  # the scoring model is internal: report, and the bench says so
            meta["full_error"] = f"{type(exc).__name__}: {exc}"
    return (e, r, score, cap, len(mentee_ids)), meta


def _full_pairs(model, mentee_ids, mentor_ids, locked_ids, cap, top, path) -> dict:
    """Every feasible pair of the non-locked mentees, in (mentee, mentor) id order, to ``path``."""
    t0 = time.perf_counter()
    active = np.flatnonzero(model.r_consent & model.r_capacity)
    e_map = np.searchsorted(mentee_ids, np.asarray(model.e_id, str))
    e_keep = ~np.isin(np.asarray(model.e_id, str), list(locked_ids))
    r_map = np.searchsorted(mentor_ids, np.asarray(model.r_id, str)[active])
    es, rs, ss = [], [], []
    block = max(1, 2_000_000 // max(len(active), 1))
    for start in range(0, model.M, block):
        rows = np.arange(start, min(model.M, start + block))
        feasible, _, _ = model.block(rows, active, counts=False)
        feasible &= e_keep[rows][:, None]
        bi, bj = np.nonzero(feasible)
        es.append(e_map[rows[bi]].astype(np.int32))
        rs.append(r_map[bj].astype(np.int32))
        # Block scores are float32 (for ranking only): the baselines get the exact scores.
        ss.append(model.score_pairs(rows[bi], active[bj]))
    e, r, s = np.concatenate(es), np.concatenate(rs), np.concatenate(ss)
    del es, rs, ss
    key = e.astype(np.int64) * len(mentor_ids) + r
    order = np.argsort(key, kind="stable")
    e, r, s, key = e[order], r[order], s[order], key[order]
    np.savez(path, e=e, r=r, score=s, capacity=cap, n_mentees=len(mentee_ids))
    # The top-K pairs must be a subset of the full set with the same scores.
    te, tr, ts = top
    pos = np.searchsorted(key, te * len(mentor_ids) + tr)
    subset = bool(
        (pos < len(key)).all() and (key[np.minimum(pos, len(key) - 1)] == te * len(mentor_ids) + tr).all()
    )
    same = subset and bool(np.allclose(s[pos], ts, rtol=0, atol=1e-12))
    return {"full_pairs": len(e), "full_seconds": time.perf_counter() - t0, "full_subset_ok": same}


def _work_prep(task) -> dict:
    from matching import load_registry

    registry = load_registry(ROOT / task["registry"])
    (e, r, score, cap, m), meta = _prepare(registry, task.get("top_k"), task.get("full_instance"))
    np.savez(task["instance"], e=e, r=r, score=score, capacity=cap, n_mentees=m)
    return meta


def _work_match(task) -> dict:
    from matching import load_config, load_registry, match

    registry = load_registry(ROOT / task["registry"])
    config = load_config(None)
    times, res, delta = _timed(
        lambda: match(registry, config), repeat_under=task.get("repeat_under", REPEAT_UNDER_S)
    )
    locked = res.pairs[res.pairs["locked"]]
    out = {
        "times": times,
        "matched": len(res.pairs),
        "unmatched": len(res.unmatched),
        "total": res.objective,
        "mentees_total": res.n_mentees,
        "method": res.method,
        "status": res.status,
        "locked": len(locked),
        "locked_score": float(locked["score"].sum()),
        "delta_mb": delta,
    }
    mentees, mentors = registry.mentees, registry.mentors
    out["combinations"] = int(mentees["consent"].sum()) * int(
        (mentors["consent"] & (mentors["capacity"] > 0)).sum()
    )
    if task.get("count_feasible"):  # after the timing: how many pairs are feasible at all
        from matching.scoring import build_candidates

        active = mentees[mentees["consent"]]
        cand = build_candidates(
            active,
            mentors,
            registry.schools,
            registry.forbidden[["mentee_id", "mentor_id"]],
            registry.preferences,
            config,
            top_k=REGION_TOP_K,
        )
        out["feasible"] = int(cand.exclusions["feasible"].sum())
    return out


def worker_main(task_path: str) -> int:
    task = json.loads(Path(task_path).read_text(encoding="utf-8"))
    kind = task["kind"]
    out = {"solve": _work_solve, "prep": _work_prep, "match": _work_match}[kind](task)
    out["peak_rss_mb"] = _own_peak_mb()
    Path(task["result"]).write_text(json.dumps(out), encoding="utf-8")
    return 0


# ---------------------------------------------------------------------------
# Parent side


def run_process(cmd, *, timeout: float, cwd, log_path) -> dict:
    """Run ``cmd``; wall time, exit code and the child's own peak RSS (``os.wait4``)."""
    with open(log_path, "wb") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - t0 > timeout:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                timed_out = True
                break
            time.sleep(0.01)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss of a child starts from the parent's own peak (Linux copies it at exec): an upper
    # bound only. Peak memory comes from the child's own VmHWM, or from /usr/bin/time for the CLI.
    return {
        "wall": wall,
        "returncode": proc.returncode,
        "timed_out": timed_out,
        "wait4_maxrss_mb": usage.ru_maxrss / 1024,
    }


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="tandem-bench-"))
        self.rows: list[dict] = []
        self.checks: list[dict] = []
        self.scaling: list[dict] = []
        self.exponents: dict = {}
        self.notes: list[str] = []
        self.hr_version = None
        self._n = 0

    # -- helpers -------------------------------------------------------------
    def log(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def worker(self, task: dict, timeout: float | None = None) -> dict:
        self._n += 1
        task = dict(task, result=str(self.tmp / f"result{self._n}.json"))
        path = self.tmp / f"task{self._n}.json"
        path.write_text(json.dumps(task), encoding="utf-8")
        log_path = self.tmp / f"worker{self._n}.log"
        proc = run_process(
            [sys.executable, str(Path(__file__).resolve()), "--worker", str(path)],
            timeout=timeout or self.args.limit,
            cwd=ROOT,
            log_path=log_path,
        )
        if proc["timed_out"]:
            return {"timed_out": True, **proc}
        if proc["returncode"] != 0:
            raise RuntimeError(
                f"worker {task['kind']} failed:\n{log_path.read_text(errors='replace')[-3000:]}"
            )
        return {**proc, **json.loads(Path(task["result"]).read_text(encoding="utf-8"))}

    def solve_group(self, name: str, inst: Path, methods) -> dict:
        """Each method in its own processes, in turn: up to 3 rounds (1 for a method over 5 s)."""
        runs: dict[str, list] = {m: [] for m in methods}
        for rnd in range(3):
            for m in methods:
                done = runs[m]
                if done and (done[0].get("timed_out") or done[0]["time"] >= REPEAT_UNDER_S):
                    continue
                self.log(f"[{name}] {m}, process {rnd + 1}")
                done.append(self.worker({"kind": "solve", "instance": str(inst), "method": m}))
        out = {}
        for m, done in runs.items():
            if done[0].get("timed_out"):
                out[m] = {"timed_out": True}
                continue
            same = all(
                d["matched"] == done[0]["matched"] and abs(d["total"] - done[0]["total"]) < 1e-9 for d in done
            )
            if not same:
                self.check(
                    f"{name}: {m} gives the same result in every process",
                    False,
                    str([(d["matched"], d["total"]) for d in done]),
                )
            out[m] = {
                **done[0],
                "times": [d["time"] for d in done],
                "peak_rss_mb": max(d["peak_rss_mb"] or 0 for d in done),
                "delta_mb": max((d["delta_mb"] for d in done if d["delta_mb"] is not None), default=None),
            }
        return out

    def check(self, what: str, ok: bool, detail: str) -> None:
        self.checks.append({"check": what, "ok": bool(ok), "detail": detail})
        self.log(f"  check {'ok' if ok else 'FAILED'}: {what} ({detail})")

    def row(
        self,
        instance,
        size,
        pairs,
        method,
        *,
        group="",
        res=None,
        runs=None,
        time_s=None,
        quality=None,
        matched=None,
        unmatched=None,
        peak=None,
        delta=None,
        ref=False,
        note="",
    ) -> dict:
        if res is not None and not res.get("timed_out"):
            time_s = time_s if time_s is not None else float(np.median(res["times"]))
            runs = runs if runs is not None else len(res["times"])
            peak = peak if peak is not None else res.get("peak_rss_mb")
            delta = delta if delta is not None else res.get("delta_mb")
        row = {
            "instance": instance,
            "group": group,
            "size": size,
            "pairs": pairs,
            "method": method,
            "time_s": time_s,
            "runs": runs,
            "ratio": None,
            "ref": ref,
            "quality_pct": quality,
            "matched": matched,
            "unmatched": unmatched,
            "peak_rss_mb": peak,
            "delta_mb": delta,
            "note": note,
        }
        self.rows.append(row)
        self.log(f"  {instance} | {method}: {_fmt_time(time_s)} s {note}")
        return row

    def outcome_row(
        self,
        name,
        group,
        size,
        pairs_text,
        label,
        res,
        *,
        optimum,
        mentees_total,
        locked=0,
        locked_score=0.0,
        note="",
    ):
        """A row for a method's result on the free pairs (+ the locked pairs every method shares)."""
        if res.get("timed_out"):
            return self.row(
                name, size, pairs_text, label, group=group, note=f"did not finish in {self.args.limit:.0f} s"
            )
        matched = res["matched"] + locked
        return self.row(
            name,
            size,
            pairs_text,
            label,
            group=group,
            res=res,
            quality=100 * (res["total"] + locked_score) / optimum,
            matched=matched,
            unmatched=mentees_total - matched,
            note=note,
        )

    def finish_ratios(self) -> None:
        """ours ÷ this, within each (instance, group): the reference row is the one marked ``ref``."""
        for r in self.rows:
            ref = next(
                (
                    x
                    for x in self.rows
                    if x["ref"] and x["instance"] == r["instance"] and x["group"] == r["group"]
                ),
                None,
            )
            if ref is not None and r is not ref and not r["method"].startswith("ours") and r["time_s"]:
                r["ratio"] = ref["time_s"] / r["time_s"]

    def hr(self, instance_path: Path, mode: str, timeout: float) -> dict:
        """Run the hospital–resident helper in its own virtualenv (isolated, outside the repo)."""
        py = self.args.hr_python
        if not py or not Path(py).exists():
            return {"missing": True}
        self._n += 1
        out = self.tmp / f"hr{self._n}.npz"
        work = self.tmp / f"hr{self._n}"
        work.mkdir()
        proc = run_process(
            [
                str(Path(py).absolute()),
                "-I",
                str(BENCH / "hr_baseline.py"),
                str(instance_path),
                str(out),
                "--mode",
                mode,
            ],
            timeout=timeout,
            cwd=work,
            log_path=work / "log.txt",
        )
        if proc["timed_out"]:
            return {"timed_out": True, **proc}
        if proc["returncode"] != 0:
            raise RuntimeError(f"HR helper failed:\n{(work / 'log.txt').read_text(errors='replace')[-3000:]}")
        info = json.loads(Path(str(out) + ".json").read_text(encoding="utf-8"))
        self.hr_version = info["version"]
        pairs = np.load(out)
        return {**proc, **info, "e": pairs["e"], "r": pairs["r"]}

    def hr_rows(
        self,
        name,
        group,
        size,
        pairs_text,
        inst_path,
        e,
        r,
        score,
        cap,
        *,
        optimum,
        mentees_total,
        locked=0,
        locked_score=0.0,
        modes=("game", "core"),
        note_prefix="",
        skip_game="",
    ):
        """Rows for the hospital–resident baseline in the given modes."""
        n_r = len(cap)
        key = e.astype(np.int64) * n_r + r
        order = np.argsort(key)
        for mode in modes:
            label = (
                f"HR stable matching (PyPI matching, {'game API' if mode == 'game' else 'algorithm core'})"
            )
            if mode == "game" and skip_game:
                self.row(name, size, pairs_text, label, group=group, note=f"not run: {skip_game}")
                continue
            self.log(f"[{name}] hospital–resident, {mode}")
            res = self.hr(inst_path, mode, self.args.hr_limit)
            if res.get("missing"):
                self.row(
                    name,
                    size,
                    pairs_text,
                    label,
                    group=group,
                    note="not run: no HR virtualenv (make bench creates it)",
                )
                continue
            if res.get("timed_out"):
                self.row(
                    name,
                    size,
                    pairs_text,
                    label,
                    group=group,
                    note=f"{note_prefix}did not finish in {self.args.hr_limit:.0f} s",
                )
                continue
            want = res["e"].astype(np.int64) * n_r + res["r"]
            pos = order[np.searchsorted(key, want, sorter=order)] if len(want) else np.zeros(0, np.int64)
            ok = bool((key[pos] == want).all())
            chosen = np.zeros(len(e), bool)
            chosen[pos] = True
            try:
                _check_assignment(e, r, cap, chosen)
            except AssertionError as exc:
                ok = False
                self.log(str(exc))
            self.check(
                f"{name}: HR {mode} returns a valid assignment of allowed pairs",
                ok,
                f"{int(chosen.sum())} pairs",
            )
            matched = int(chosen.sum()) + locked
            self.row(
                name,
                size,
                pairs_text,
                label,
                group=group,
                time_s=res["seconds"],
                runs=1,
                quality=100 * (float(score[chosen].sum()) + locked_score) / optimum,
                matched=matched,
                unmatched=mentees_total - matched,
                peak=res["peak_rss_mb"],
                delta=res.get("delta_mb"),
                note=note_prefix
                + (
                    "public API incl. its input checks"
                    if mode == "game"
                    else "players + matching.algorithms.hospital_resident"
                ),
            )

    def scipy_row(self, name, group, size, pairs_text, e, cap, res=None, **kw):
        rows, cols = len(np.unique(e)), int(cap.sum())
        gb = rows * cols * 8 / 2**30
        label = "scipy linear_sum_assignment, capacity-expanded dense"
        if res is None:
            return self.row(
                name,
                size,
                pairs_text,
                label,
                group=group,
                note=f"not run: expanded matrix {rows:,} × {cols:,} float64 = {gb:.1f} GB "
                f"(limit {self.args.expanded_limit_gb:g} GB; scipy copies it up to twice)",
            )
        return self.outcome_row(
            name,
            group,
            size,
            pairs_text,
            label,
            res,
            note=f"{rows:,} × {cols:,} = {gb * 1024:.0f} MB, built in "
            f"{res.get('build_seconds', 0):.2f} s (not timed)",
            **kw,
        )

    def expanded_fits(self, e, cap) -> bool:
        return len(np.unique(e)) * int(cap.sum()) * 8 / 2**30 <= self.args.expanded_limit_gb

    def compare(self, name, what, res, ref, tol) -> None:
        if res.get("timed_out"):
            return
        self.check(
            f"{name}: {what} = ours on the same pairs",
            res["matched"] == ref["matched"] and abs(res["total"] - ref["total"]) <= tol,
            f"{res['matched']} pairs {res['total']:.6f} vs {ref['matched']} pairs {ref['total']:.6f}",
        )

    # -- instance families ---------------------------------------------------
    def registry_family(self, name: str, registry_rel: str, *, top_k=None, cli=False, skip_game=""):
        """Ours = ``matching.match``; baselines on the same candidate pairs (module docstring)."""
        self.log(f"[{name}] preparing candidates (not timed)")
        inst = self.tmp / f"{name}.npz"
        full = self.tmp / f"{name}-full.npz" if top_k is not None else None
        meta = self.worker(
            {
                "kind": "prep",
                "registry": registry_rel,
                "top_k": top_k,
                "instance": str(inst),
                "full_instance": str(full) if full else None,
            }
        )
        e, r, score, cap, m, _ = _load_instance(inst)
        size = f"{meta['mentees_consenting']:,} × {meta['mentors_active']:,}"
        self.log(f"[{name}] ours: matching.match")
        ours = self.worker({"kind": "match", "registry": registry_rel})
        optimum, mt = ours["total"], ours["mentees_total"]
        lk, ls = meta["locked"], meta["locked_score"]
        kw = dict(optimum=optimum, mentees_total=mt, locked=lk, locked_score=ls)
        self.check(
            f"{name}: locked pairs scored alike by match and the preparation",
            ours["locked"] == lk and abs(ours["locked_score"] - ls) < 1e-9,
            f"{lk} locked, score {ls:.6f}",
        )
        all_text = f"{meta['feasible_free']:,} (all feasible)"
        self.row(
            name,
            size,
            f"{meta['feasible']:,} (all feasible)",
            "ours: matching.match (score + solve + explain)",
            group="all",
            res=ours,
            ref=top_k is not None,
            quality=100.0,
            matched=ours["matched"],
            unmatched=ours["unmatched"],
            note=(
                f"scores {meta['combinations']:,} combinations; {method_en(ours['method'])}"
                + ("; reference time for ours ÷ this of the all-feasible rows" if top_k else "")
            ),
        )
        if cli:
            self.cli_row(name, size, registry_rel)

        if top_k is None:
            res = self.solve_group(
                name,
                inst,
                ["ours_assignment", "ortools", "greedy"]
                + (["scipy_expanded"] if self.expanded_fits(e, cap) else []),
            )
            ref = res["ours_assignment"]
            self.check(
                f"{name}: solve_assignment on the candidates = match optimum",
                ref["matched"] + lk == ours["matched"]
                and abs(ref["total"] + ls - optimum) <= 1e-6 * max(1, m),
                f"{ref['total'] + ls:.6f} vs {optimum:.6f}",
            )
            self.outcome_row(
                name,
                "all",
                size,
                all_text,
                "ours: solve_assignment on these pairs",
                ref,
                **kw,
                note="reference time for ours ÷ this",
            )
            self.rows[-1]["ref"] = True
            self.baseline_rows(
                name, "all", size, all_text, inst, (e, r, score, cap), res, kw, skip_game=skip_game
            )
            return meta, ours

        # Pruned family (the region): all feasible pairs for OR-Tools and greedy, top-K for the rest.
        if "full_error" in meta:
            self.notes.append(
                f"{name}: the full feasible pair set could not be built ({meta['full_error']}); "
                "OR-Tools and greedy ran on the top-K candidates only."
            )
        else:
            self.check(
                f"{name}: the full pair set holds every feasible pair, and the top-{top_k} pairs with "
                "the same scores",
                meta["full_pairs"] == meta["feasible_free"] and meta["full_subset_ok"],
                f"{meta['full_pairs']:,} pairs, built in {meta['full_seconds']:.1f} s (not timed)",
            )
            fe, fr, fscore, fcap, _, _ = _load_instance(full)
            res = self.solve_group(name + ", all feasible", full, ["ortools", "greedy"])
            ort = res["ortools"]
            if not ort.get("timed_out"):
                self.check(
                    f"{name}: direct OR-Tools on all feasible pairs = certified optimum of match",
                    ort["matched"] + lk == ours["matched"]
                    and abs(ort["total"] + ls - optimum) <= len(fe) * 1e-6 + 1e-6,
                    f"{ort['matched'] + lk} pairs {ort['total'] + ls:.6f} vs {ours['matched']} pairs "
                    f"{optimum:.6f}",
                )
            self.outcome_row(
                name,
                "all",
                size,
                all_text,
                "OR-Tools SimpleMinCostFlow, one direct call",
                ort,
                **kw,
                note="solve_max_flow_with_min_cost on the pre-scored pairs, costs round(score·1e6)",
            )
            self.outcome_row(
                name,
                "all",
                size,
                all_text,
                "greedy (best score first)",
                res["greedy"],
                **kw,
                note="on the pre-scored pairs",
            )
            del fe, fr, fscore
        self.scipy_row(name, "all", size, all_text, e, cap)
        top_text = f"{meta['pairs']:,} (top-{top_k})"
        res = self.solve_group(name + f", top-{top_k}", inst, ["ours_assignment", "ortools", "greedy"])
        ref = res["ours_assignment"]
        self.check(
            f"{name}: top-{top_k} optimum ≤ certified optimum of match",
            (ref["matched"] + lk, ref["total"] + ls) <= (ours["matched"], optimum + 1e-6 * m),
            f"{ref['matched'] + lk} pairs, {ref['total'] + ls:.6f} vs {ours['matched']} pairs, {optimum:.6f}",
        )
        self.outcome_row(
            name,
            "top",
            size,
            top_text,
            "ours: solve_assignment on these pairs",
            ref,
            **kw,
            note="reference time for ours ÷ this of the top-K rows",
        )
        self.rows[-1]["ref"] = True
        self.compare(
            name, f"direct OR-Tools optimum on top-{top_k}", res["ortools"], ref, len(e) * 1e-6 + 1e-6
        )
        self.outcome_row(
            name,
            "top",
            size,
            top_text,
            "OR-Tools SimpleMinCostFlow, one direct call",
            res["ortools"],
            **kw,
            note=f"on top-{top_k}",
        )
        self.outcome_row(
            name,
            "top",
            size,
            top_text,
            "greedy (best score first)",
            res["greedy"],
            **kw,
            note=f"on top-{top_k}",
        )
        self.hr_rows(
            name,
            "top",
            size,
            top_text,
            inst,
            e,
            r,
            score,
            cap,
            modes=("game", "core"),
            note_prefix=f"on top-{top_k} preference lists; ",
            skip_game=skip_game,
            **kw,
        )
        return meta, ours

    def baseline_rows(
        self, name, group, size, pairs_text, inst, arrays, res, kw, *, skip_game="", target=None
    ):
        e, r, score, cap = arrays
        ref = res["ours_assignment"]
        self.compare(name, "direct OR-Tools optimum", res["ortools"], ref, len(e) * 1e-6 + 1e-6)
        tgt = ""
        if target == "ortools" and not res["ortools"].get("timed_out"):
            ratio = float(np.median(ref["times"])) / float(np.median(res["ortools"]["times"]))
            tgt = f"; target ours ÷ this ≤ 1.5: {'met' if ratio <= 1.5 else 'NOT met'}"
        self.outcome_row(
            name,
            group,
            size,
            pairs_text,
            "OR-Tools SimpleMinCostFlow, one direct call",
            res["ortools"],
            **kw,
            note="solve_max_flow_with_min_cost, costs round(score·1e6)" + tgt,
        )
        self.outcome_row(name, group, size, pairs_text, "greedy (best score first)", res["greedy"], **kw)
        if "scipy_expanded" in res:
            self.compare(
                name, "scipy expanded-matrix optimum", res["scipy_expanded"], ref, 1e-6 * max(1, len(e))
            )
            self.scipy_row(name, group, size, pairs_text, e, cap, res["scipy_expanded"], **kw)
        else:
            self.scipy_row(name, group, size, pairs_text, e, cap)
        self.hr_rows(
            name,
            group,
            size,
            pairs_text,
            inst,
            e,
            r,
            score,
            cap,
            modes=("game", "core"),
            skip_game=skip_game,
            **kw,
        )

    def cli_row(self, name, size, registry_rel):
        self.log(f"[{name}] CLI end to end")
        out = self.tmp / f"{name}-cli.xlsx"
        cmd = [sys.executable, "-m", "matching", "run", registry_rel, "--out", str(out)]
        gnu_time = Path("/usr/bin/time")
        timefile = self.tmp / f"{name}-cli.time"
        if gnu_time.exists():  # GNU time: the peak RSS (%M, KB) of the CLI process alone
            cmd = [str(gnu_time), "-f", "%M", "-o", str(timefile)] + cmd
        proc = run_process(cmd, timeout=self.args.limit, cwd=ROOT, log_path=self.tmp / f"{name}-cli.log")
        text = (self.tmp / f"{name}-cli.log").read_text(errors="replace")
        if proc["returncode"] != 0 or proc["timed_out"]:
            raise RuntimeError(f"CLI failed:\n{text[-3000:]}")
        if timefile.exists():
            peak, how = int(timefile.read_text().split()[-1]) / 1024, "peak RSS by /usr/bin/time"
        else:
            peak, how = proc["wait4_maxrss_mb"], "peak RSS by wait4 (upper bound)"
        met = proc["wall"] < 60 and peak < 3 * 1024
        self.row(
            name,
            size,
            "—",
            "ours: CLI python -m matching run (read CSV, match, write xlsx)",
            group="cli",
            time_s=proc["wall"],
            runs=1,
            peak=peak,
            note=f"wall time of the subprocess, {how}; target < 60 s and < 3 GB: {'met' if met else 'NOT met'}",
        )
        out.unlink(missing_ok=True)

    def large(self):
        from baselines import dense_weights, sparse_instance

        name = "large sparse 20k × 10k × 50"
        e, r, score, cap = sparse_instance()
        m = 20_000
        inst = self.tmp / "large.npz"
        np.savez(inst, e=e, r=r, score=score, capacity=cap, n_mentees=m)
        size, pairs_text = f"{m:,} × {len(cap):,}", f"{len(e):,}"
        methods = ["ours_assignment", "ours_arrays", "ortools", "greedy"]
        res = self.solve_group(
            name, inst, methods + (["scipy_expanded"] if self.expanded_fits(e, cap) else [])
        )
        ref, arr = res["ours_assignment"], res["ours_arrays"]
        kw = dict(optimum=ref["total"], mentees_total=m)
        self.check(
            f"{name}: solve_arrays = solve_assignment",
            arr["matched"] == ref["matched"] and abs(arr["total"] - ref["total"]) < 1e-6,
            f"{arr['total']:.6f} vs {ref['total']:.6f}",
        )
        self.outcome_row(
            name,
            "",
            size,
            pairs_text,
            "ours: solve_assignment (DataFrame API)",
            ref,
            **kw,
            note="reference time for ours ÷ this",
        )
        self.rows[-1]["ref"] = True
        self.outcome_row(name, "", size, pairs_text, "ours: solve_arrays (array core)", arr, **kw)
        self.baseline_rows(
            name,
            "",
            size,
            pairs_text,
            inst,
            (e, r, score, cap),
            res,
            kw,
            target="ortools",
            skip_game="the game constructor deep-copies the players and checks every "
            "(hospital, resident) combination: 2·10⁸ list scans",
        )

        name = "dense unit 2000 × 2000"
        w = dense_weights()
        inst = self.tmp / "dense.npz"
        np.savez(inst, w=w)
        size, pairs_text = "2,000 × 2,000", f"{w.size:,} (complete)"
        res = self.solve_group(name, inst, ["ours_assignment", "scipy_dense", "ortools", "greedy"])
        ref, sp = res["ours_assignment"], res["scipy_dense"]
        kw = dict(optimum=ref["total"], mentees_total=2000)
        self.compare(name, "scipy linear_sum_assignment optimum", sp, ref, 1e-6)
        self.compare(name, "direct OR-Tools optimum", res["ortools"], ref, w.size * 1e-6)
        self.outcome_row(
            name,
            "",
            size,
            pairs_text,
            "ours: solve_assignment (DataFrame API)",
            ref,
            **kw,
            note="reference time for ours ÷ this",
        )
        self.rows[-1]["ref"] = True
        ratio = float(np.median(ref["times"])) / float(np.median(sp["times"]))
        self.outcome_row(
            name,
            "",
            size,
            pairs_text,
            "scipy linear_sum_assignment (dense matrix)",
            sp,
            **kw,
            note=f"target ours ÷ this ≤ 1.5: {'met' if ratio <= 1.5 else 'NOT met'}",
        )
        self.outcome_row(
            name,
            "",
            size,
            pairs_text,
            "OR-Tools SimpleMinCostFlow, one direct call",
            res["ortools"],
            **kw,
            note="solve_max_flow_with_min_cost, costs round(score·1e6)",
        )
        self.outcome_row(name, "", size, pairs_text, "greedy (best score first)", res["greedy"], **kw)
        self.row(
            name,
            size,
            pairs_text,
            "HR stable matching (PyPI matching)",
            note="not run: complete preference lists of 2,000; the library deletes pairs by list scans",
        )

    def scaling_series(self, region_meta=None, region_match=None):
        self.log("[scaling]")
        points = []
        for teachers in SCALING_TEACHERS:
            params = dict(REGION, teachers=teachers)
            if params == REGION and region_match is not None and region_meta is not None:
                res = {**region_match, "feasible": region_meta["feasible"]}
            else:
                folder = registry_folder(params, log=self.log)
                res = self.worker(
                    {"kind": "match", "registry": str(folder.relative_to(ROOT)), "count_feasible": True}
                )
            t = float(np.median(res["times"]))
            points.append(
                {
                    "teachers": teachers,
                    "combinations": res["combinations"],
                    "feasible": res["feasible"],
                    "time_s": t,
                    "runs": len(res["times"]),
                    "peak_rss_mb": res["peak_rss_mb"],
                    "method": res["method"],
                }
            )
            self.log(f"  {teachers:,} teachers: {t:.2f} s, {res['combinations']:,} combinations")
        self.scaling = points
        x = np.log([p["combinations"] for p in points])
        f = np.log([p["feasible"] for p in points])
        y = np.log([p["time_s"] for p in points])
        self.exponents = {
            "vs_combinations": float(np.polyfit(x, y, 1)[0]),
            "vs_feasible_pairs": float(np.polyfit(f, y, 1)[0]),
        }
        pruned = [i for i, p in enumerate(points) if "сертификат" in p["method"]]
        if len(pruned) >= 2:
            self.exponents["vs_combinations_pruned_only"] = float(np.polyfit(x[pruned], y[pruned], 1)[0])

    def run(self):
        t_start = time.perf_counter()
        self.load_start = os.getloadavg()
        self.registry_family("district (sample)", "data/sample_district.xlsx")
        folder = registry_folder(DISTRICT, log=self.log)
        self.registry_family("district (generated, 3,000 teachers)", str(folder.relative_to(ROOT)))
        region_meta = region_match = None
        if not self.args.quick:
            folder = registry_folder(REGION, log=self.log)
            region_meta, region_match = self.registry_family(
                "region (60,000 teachers)",
                str(folder.relative_to(ROOT)),
                top_k=REGION_TOP_K,
                cli=True,
                skip_game="the game constructor checks every (hospital, resident) combination: 2·10⁸ list scans",
            )
        self.large()
        if not self.args.quick:
            self.scaling_series(region_meta, region_match)
        self.finish_ratios()
        self.total_s = time.perf_counter() - t_start
        self.load_end = os.getloadavg()


# ---------------------------------------------------------------------------
# Report


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = int(line.split()[1]) / 2**20
    except OSError:
        pass
    os_name = platform.system()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    commit = "unknown"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        commit += " (with uncommitted changes)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(ram, 1) if ram else None,
        "os": f"{os_name}, Linux {platform.release().split('-')[0]}, {platform.machine()}",
        "python": platform.python_version(),
        "numpy": _version("numpy"),
        "scipy": _version("scipy"),
        "ortools": _version("ortools"),
        "pandas": _version("pandas"),
        "tandem": _version("tandem"),
        "commit": commit,
    }


def _fmt_time(t) -> str:
    if t is None:
        return "—"
    return f"{t:.3g}" if t < 1 else f"{t:.2f}" if t < 10 else f"{t:.1f}"


def method_en(text: str) -> str:
    """English summary of ``MatchResult.method`` (which is in Russian, for the users)."""
    import re

    if "все допустимые" in text:
        return "all feasible pairs to the solver"
    m = re.search(r"лучшие (\d+).*дополнений (\d+), проверено пар (\d+), добавлено пар (\d+)", text)
    if m:
        k, rounds, checked, added = (int(g) for g in m.groups())
        return (
            f"top-{k} candidates + optimality certificate ({rounds} rounds, {checked:,} pairs checked, "
            f"{added:,} added)"
        )
    return "top-K candidates + optimality certificate" if "сертификат" in text else text


def _fmt(v, spec, dash="—"):
    return dash if v is None or (isinstance(v, float) and math.isnan(v)) else format(v, spec)


def render(bench: Bench, mach: dict, args) -> str:
    lines = [f"# Matching benchmark — {dt.date.today().isoformat()}{' (quick)' if args.quick else ''}", ""]
    lines += [
        "Machine: " + f"{mach['cpu']}, {mach['cores']} cores, {mach['ram_gib']} GiB RAM; {mach['os']}; "
        f"Python {mach['python']}, numpy {mach['numpy']}, scipy {mach['scipy']}, ortools {mach['ortools']}, "
        f"pandas {mach['pandas']}; HR baseline: PyPI matching {bench.hr_version or 'not run'}; "
        f"tandem {mach['tandem']} at commit {mach['commit']}. Load average at start "
        f"{bench.load_start[0]:.1f}, at end {bench.load_end[0]:.1f} (shared machine: timings are noisy).",
        "",
    ]
    lines += [
        "Run: `make bench` (or `.venv/bin/python benchmarks/matching_bench.py`); "
        f"whole benchmark {bench.total_s / 60:.1f} min.",
        "",
        "How to read: every method runs in its own processes, in turn with the other methods of the same "
        f"instance; **time** is the median over those processes (**runs**: 3, or 1 when a run takes "
        f"{REPEAT_UNDER_S:g} s or more; inside a process a run under {INNER_REPEAT_UNDER_S:g} s is repeated "
        "3 times and its median kept; `matching.match` rows: up to 3 runs in one process). "
        "**ours ÷ this** = the time of our reference row (marked *) of the same instance and pair set "
        "÷ this row's time: above 1 the baseline is faster, the speed targets ask "
        "≤ 1.5. **quality** = total score as % of the optimum (ours; on the region, the optimum over all "
        "feasible pairs that `matching.match` certifies). **matched / unmatched**: mentees of the registry "
        "with and without a mentor (locked pairs included for every method). **peak RSS**: the whole "
        "process that ran the method (Python, libraries, instance; VmHWM, or /usr/bin/time for the CLI); "
        "**+MB**: rise of resident memory during the timed part. Preparation — candidate scoring for the "
        "baselines, integer costs, the expanded matrix, preference lists — is not timed, except inside "
        "`matching.match` and the CLI, which do everything.",
        "",
    ]
    head = [
        "instance",
        "mentees × mentors",
        "pairs",
        "method",
        "time, s",
        "runs",
        "ours ÷ this",
        "quality, %",
        "matched",
        "unmatched",
        "peak RSS, MB",
        "+MB",
        "note",
    ]
    lines += ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in bench.rows:
        cells = [
            r["instance"],
            r["size"],
            r["pairs"],
            r["method"] + (" *" if r["ref"] else ""),
            _fmt_time(r["time_s"]),
            _fmt(r["runs"], "d"),
            _fmt(r["ratio"], ".2f"),
            _fmt(r["quality_pct"], ".2f"),
            _fmt(r["matched"], ","),
            _fmt(r["unmatched"], ","),
            _fmt(r["peak_rss_mb"], ".0f"),
            _fmt(r["delta_mb"], ".0f"),
            r["note"],
        ]
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
    lines.append("")
    for note in bench.notes:
        lines += [note, ""]
    if bench.scaling:
        lines += [
            "## Scaling: `matching.match` on the region family (seed 5, only the number of teachers varies)",
            "",
            "| teachers | combinations scored | feasible pairs | time, s | runs | peak RSS, MB | how |",
            "|---|---|---|---|---|---|---|",
        ]
        for p in bench.scaling:
            how = method_en(p["method"])
            lines.append(
                f"| {p['teachers']:,} | {p['combinations']:,} | {p['feasible']:,} | "
                f"{_fmt_time(p['time_s'])} | {p['runs']} | {p['peak_rss_mb']:.0f} | {how} |"
            )
        ex = bench.exponents
        lines += [
            "",
            f"Scaling exponent (log-log slope, numpy.polyfit): time ∝ combinations^"
            f"{ex['vs_combinations']:.2f}, time ∝ feasible pairs^{ex['vs_feasible_pairs']:.2f}"
            + (
                f"; top-50 + certificate points only: combinations^{ex['vs_combinations_pruned_only']:.2f}"
                if "vs_combinations_pruned_only" in ex
                else ""
            )
            + ".",
            "",
        ]
    lines += ["## Checks", ""]
    lines += [f"- {'ok' if c['ok'] else '**FAILED**'}: {c['check']} — {c['detail']}" for c in bench.checks]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Matching benchmark (see the module docstring).")
    p.add_argument("--quick", action="store_true", help="skip the region, the CLI run and the scaling series")
    p.add_argument(
        "--hr-python",
        default=str(BENCH / ".hr-venv" / "bin" / "python"),
        help="python of the virtualenv with PyPI matching (default benchmarks/.hr-venv)",
    )
    p.add_argument("--hr-limit", type=float, default=DEFAULT_LIMIT_S, help="time limit of one HR run, s")
    p.add_argument("--limit", type=float, default=1800, help="time limit of any other process, s")
    p.add_argument(
        "--expanded-limit-gb",
        type=float,
        default=EXPANDED_LIMIT_GB,
        help="largest capacity-expanded matrix for scipy, GB",
    )
    p.add_argument("--out", default=str(BENCH / "results"), help="folder for the results")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        return worker_main(args.worker)
    bench = Bench(args)
    try:
        bench.run()
    finally:
        shutil.rmtree(bench.tmp, ignore_errors=True)  # instances, worker logs, the CLI's workbook
    mach = machine()
    text = render(bench, mach, args)
    print(text)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{dt.date.today().isoformat()}_bench{'-quick' if args.quick else ''}"
    (out / f"{stem}.md").write_text(text, encoding="utf-8")
    raw = {
        "machine": mach,
        "hr_version": bench.hr_version,
        "total_seconds": bench.total_s,
        "load_average": {"start": bench.load_start, "end": bench.load_end},
        "rows": bench.rows,
        "scaling": bench.scaling,
        "exponents": bench.exponents,
        "checks": bench.checks,
        "notes": bench.notes,
    }
    (out / f"{stem}.json").write_text(json.dumps(raw, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(
        f"written: {(out / stem).relative_to(ROOT) if out.is_relative_to(ROOT) else stem}.md / .json",
        file=sys.stderr,
    )
    failed = [c for c in bench.checks if not c["ok"]]
    if failed:
        print(f"{len(failed)} check(s) FAILED", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
