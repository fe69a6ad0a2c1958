"""The contest computed for many panels at once, exactly: the engine behind :func:`contest.score`.

A *panel* is one version of the contest's juror task scores (the real one,
or the one without a juror's scores for :func:`contest.leave_one_out`).
Every panel is scored by the rules of :mod:`contest.scoring` (docs/contest_rules.md
§1.3) in the same vectorised pass: the panel number is one more grouping key.

Points are exact (rule 0 of :mod:`contest.scoring`): a juror's task sum is an
integer number of 10⁻ᵈ points (``d`` the most decimals of an entered score),
a task score a fraction of such sums, and every stage total and final total
an integer over one common denominator ``D`` (:mod:`contest.exact`). Equal
totals are therefore equal, and ranks, ties, advancement and awards are
decided on them; only the floats shown in the frames are rounded (9
decimals). With ``normalization: zscore`` the normalised values involve
square roots: they are rounded to 9 decimals, and everything after is exact.

Pure: frames in, frames out.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from contest.exact import (
    codes,
    decimal_units,
    frac,
    half_up,
    lcm,
    round_fraction,
    safe_sum_dtype,
    scale,
    to_float,
)
from contest.model import Contest

__all__ = [
    "NOISE_DECIMALS",
    "Prepared",
    "Run",
    "exact_stage_max",
    "exact_task_max",
    "prepare",
    "run_panels",
    "snap",
]

#: Floating-point noise is removed from the shown points by rounding them to this many decimals;
#: normalised values (``zscore``) are rounded to it before they are aggregated.
NOISE_DECIMALS = 9
_EPS = 1e-9


def snap(x):
    """Points as shown: rounded to :data:`NOISE_DECIMALS` decimals."""
    return np.round(x, NOISE_DECIMALS)


# --------------------------------------------------------------------------
# preparation: integer points, task parameters, the common denominator
# --------------------------------------------------------------------------


@dataclass
class Prepared:
    """The scores of a contest as integers, ready for :func:`run_panels` (internal to the package).

    ``jt`` has one row per juror task score: ``e`` (entry code: position in
    ``universe``), ``j`` (juror code: position in ``jurors``), ``t`` (task
    position in :meth:`Contest.tasks_frame`), ``s`` (stage position),
    ``units`` (int64: the juror's criterion sum × 10**``d``), ``raw`` (float,
    points); ``adj`` has ``e, s, units`` (int64, × 10**``da``) and ``row``.
    """

    contest: Contest
    universe: list[str]
    jurors: list[str]
    jt: pd.DataFrame
    d: int
    adj: pd.DataFrame
    da: int
    tasks: pd.DataFrame


def prepare(contest: Contest, df: pd.DataFrame, adj: pd.DataFrame, known_entries=None) -> Prepared:
    """Validated scores and adjustments (:func:`contest.validate.validate_scores`) as integer points."""
    universe = sorted(set(df["entry_id"].cat.categories) | (known_entries or set()))
    e_pos = {x: i for i, x in enumerate(universe)}
    tf = contest.tasks_frame()
    t_pos = {(s, t): i for i, (s, t) in enumerate(zip(tf["stage_id"], tf["task_id"]))}
    s_pos = {st.id: i for i, st in enumerate(contest.stages)}
    units, d = decimal_units(df["score"].to_numpy(dtype=float))
    keys = ["entry_id", "juror_id", "stage_id", "task_id"]
    g = pd.DataFrame({k: df[k] for k in keys}).assign(units=units)
    g = g.groupby(keys, sort=True, observed=True)["units"].sum().reset_index()
    ecat = np.array([e_pos[x] for x in df["entry_id"].cat.categories] + [-1], dtype=np.int64)
    scat = df["stage_id"].cat.categories
    tcat = df["task_id"].cat.categories
    st_codes, tk_codes = g["stage_id"].cat.codes.to_numpy(), g["task_id"].cat.codes.to_numpy()
    pair = pd.DataFrame({"s": st_codes, "t": tk_codes}).drop_duplicates()
    tmap = {
        (a, b): t_pos[(scat[a], tcat[b])] for a, b in zip(pair["s"], pair["t"]) if (scat[a], tcat[b]) in t_pos
    }
    tcode = np.array([tmap[(a, b)] for a, b in zip(st_codes, tk_codes)], dtype=np.int64)
    stage_of_task = np.array([s_pos[x] for x in tf["stage_id"]], dtype=np.int64)
    u = g["units"].to_numpy(dtype=np.int64)
    jt = pd.DataFrame(
        {
            "e": ecat[g["entry_id"].cat.codes.to_numpy()],
            "j": g["juror_id"].cat.codes.to_numpy().astype(np.int64),
            "t": tcode,
            "s": stage_of_task[tcode] if len(tcode) else np.zeros(0, dtype=np.int64),
            "units": u,
            "raw": snap(u / 10**d),
        }
    )
    a_units, da = decimal_units(adj["points"].to_numpy(dtype=float))
    a = pd.DataFrame(
        {
            "e": np.array([e_pos.get(x, -1) for x in adj["entry_id"]], dtype=np.int64),
            "s": np.array([s_pos[x] for x in adj["stage_id"]], dtype=np.int64),
            "units": a_units,
            "row": adj["row"].to_numpy(),
        }
    )
    return Prepared(contest, universe, list(df["juror_id"].cat.categories), jt, d, a, da, tf)


def exact_task_max(task, per_entry: int = 1) -> Fraction:
    """The task maximum of :func:`contest.model.task_max` as an exact fraction, points."""
    m = sum((frac(c.max) for c in task.criteria), Fraction(0)) * (
        per_entry if task.aggregation == "sum" else 1
    )
    w = frac(task.weight)
    if task.round is None:
        return w * m
    return round_fraction(w * round_fraction(m, task.round), task.round)


def exact_stage_max(contest: Contest, stage_id: str) -> Fraction:
    """:meth:`Contest.stage_max` as an exact fraction, points."""
    n = contest.per_entry_of(stage_id)
    return sum((exact_task_max(t, n) for t in contest.stage(stage_id).tasks), Fraction(0))


def _ceil(x: Fraction) -> int:
    return -((-x.numerator) // x.denominator)


# --------------------------------------------------------------------------
# the computation, for one or many panels at once
# --------------------------------------------------------------------------


@dataclass
class Run:
    """What :func:`run_panels` computed (internal to the package).

    ``D`` is the common denominator of every exact value; ``ranking`` has one
    row per panel and entry (sorted: panel, then best first); ``stage`` has,
    per stage, the flat ``(panel × entry)`` arrays ``took``, ``total`` (exact,
    × D), ``score``, ``adj``, ``adv`` and the panel-0 information for the
    frames and the messages.
    """

    D: int
    U: int
    n_panels: int
    stage: list[dict]
    cells: list[pd.DataFrame]
    rows: list[pd.DataFrame]
    ranking: pd.DataFrame


def _zscore_units(raw: np.ndarray, p, j, t) -> np.ndarray:
    """Normalised values (rule 2) rounded to 9 decimals, as integers × 10⁹."""
    frame = pd.DataFrame({"p": p, "j": j, "t": t, "raw": raw})
    g = frame.groupby(["p", "j", "t"], sort=False)["raw"]
    mean_j = g.transform("mean").to_numpy()
    std_j = g.transform("std", ddof=0).to_numpy()
    std_j = np.where(np.isnan(std_j), 0.0, std_j)
    z = np.divide(raw - mean_j, std_j, out=np.zeros_like(raw), where=std_j > _EPS)
    tg = frame.groupby(["p", "t"], sort=False)
    mean_all = tg["raw"].transform("mean").to_numpy()
    frame["r2"] = (raw - mean_j) ** 2
    sd_within = np.sqrt(tg["r2"].transform("mean").to_numpy())
    value = snap(mean_all + snap(z) * sd_within)
    return np.round(value * 10**NOISE_DECIMALS).astype(np.int64)


def _denominator(prep: Prepared, jt: pd.DataFrame, n_panels: int) -> tuple[int, int]:
    """``U`` (the unit of aggregated values) and ``D`` (the common denominator of every total)."""
    c = prep.contest
    U = 10**NOISE_DECIMALS if c.normalization == "zscore" else 10**prep.d
    tf = prep.tasks
    T = max(len(tf), 1)
    key = (jt["p"].to_numpy() * len(prep.universe) + jt["e"].to_numpy()) * T + jt["t"].to_numpy()
    _, first, n = np.unique(key, return_index=True, return_counts=True)
    pairs = set(zip(jt["t"].to_numpy()[first].tolist(), n.tolist()))
    ms = {1, 2}
    for t, k in pairs:
        agg, trim = tf.at[t, "aggregation"], int(tf.at[t, "trim"])
        if agg == "mean" or (agg == "trimmed_mean" and k <= 2 * trim):
            ms.add(k)
        elif agg == "trimmed_mean":
            ms.add(k - 2 * trim)
    dens = [U * lcm(*ms)]
    for w, r in zip(tf["weight"], tf["round"]):
        wd = frac(w).denominator
        dens.append(wd * U * lcm(*ms))
        if not pd.isna(r):
            dens.append(10 ** int(r))
    dens.append(10**prep.da)
    return U, lcm(*dens)


def _group_starts(*keys: np.ndarray) -> np.ndarray:
    """Positions where any of the (sorted) keys changes, starting with 0."""
    n = len(keys[0])
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.zeros(n, dtype=bool)
    new[0] = True
    for k in keys:
        new[1:] |= k[1:] != k[:-1]
    return np.flatnonzero(new)


def _cells(prep: Prepared, rows: pd.DataFrame, U: int, D: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Task scores of one stage (rules 3–4): ``rows`` sorted and marked ``used``, and one row per cell.

    A cell is (panel, entry, task); its exact ``weighted`` score is an integer × 1/D.
    """
    tf = prep.tasks
    v = rows["value"].to_numpy()
    order = np.lexsort(
        (rows["j"].to_numpy(), v, rows["t"].to_numpy(), rows["e"].to_numpy(), rows["p"].to_numpy())
    )
    rows = rows.iloc[order].reset_index(drop=True)
    p, e, t, v = (rows[k].to_numpy() for k in ("p", "e", "t", "value"))
    starts = _group_starts(p, e, t)
    n = np.diff(np.append(starts, len(rows)))
    n_row = np.repeat(n, n)
    pos = np.arange(len(rows)) - np.repeat(starts, n)
    agg = tf["aggregation"].to_numpy()[t]
    trim = tf["trim"].to_numpy(dtype=np.int64)[t]
    drop = (agg == "trimmed_mean") & (n_row > 2 * trim) & ((pos < trim) | (pos >= n_row - trim))
    rows["used"] = ~drop
    vs = safe_sum_dtype(np.where(drop, 0, v), int(n.max()) if len(n) else 1)
    total = np.add.reduceat(vs, starts) if len(starts) else vs[:0]
    n_used = np.add.reduceat((~drop).astype(np.int64), starts) if len(starts) else n
    ct = t[starts]
    cagg = tf["aggregation"].to_numpy()[ct]
    med = v[starts + (n - 1) // 2] + v[starts + n // 2] if len(starts) else total
    is_med, is_sum = cagg == "median", cagg == "sum"
    N = np.where(is_med, med, total)
    m = np.where(is_med, 2, np.where(is_sum, 1, n_used)).astype(np.int64)
    w = [frac(x) for x in tf["weight"]]
    wn = np.array([x.numerator for x in w], dtype=np.int64)[ct]
    wd = np.array([x.denominator for x in w], dtype=np.int64)[ct]
    rnd = tf["round"].to_numpy(dtype=object)
    rr = np.array([-1 if pd.isna(x) else int(x) for x in rnd], dtype=np.int64)[ct]
    # no rounding: weight × N/(m·U) = wn·N / (wd·m·U), brought to D
    combo = pd.DataFrame({"t": ct, "m": m})
    uniq = combo.drop_duplicates()
    mult = {(a, b): D // (w[a].denominator * b * U) * w[a].numerator for a, b in zip(uniq["t"], uniq["m"])}
    big = max(mult.values(), default=0) >= 2**62
    f = np.array([mult[(a, b)] for a, b in zip(ct, m)], dtype=object if big else np.int64)
    weighted = scale(N, f)
    score_f = _ratio_floats(N, m * U)
    if (rr >= 0).any():
        k = np.flatnonzero(rr >= 0)
        q = np.array([10 ** int(x) for x in rr[k]], dtype=object)
        R = half_up(scale(N[k].astype(object), q), (m[k] * U).astype(object))
        R2 = half_up(R * wn[k].astype(object), wd[k].astype(object))
        wr = R2 * np.array([D // int(x) for x in q], dtype=object)
        if weighted.dtype != object and max((abs(int(x)) for x in wr), default=0) < 2**62:
            weighted[k] = wr.astype(np.int64)
        else:
            weighted = weighted.astype(object)
            weighted[k] = wr
        score_f[k] = [float(Fraction(int(a), int(b))) for a, b in zip(R, q)]
    cells = pd.DataFrame(
        {
            "p": p[starts],
            "e": e[starts],
            "t": ct,
            "n_jurors": n,
            "n_used": n_used,
            "score": snap(score_f),
        }
    )
    cells["weighted"] = pd.Series(
        list(weighted) if weighted.dtype == object else weighted, dtype=weighted.dtype
    )
    return rows, cells


def _ratio_floats(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    if num.dtype != object and (len(num) == 0 or np.abs(num).max() < 2**53):
        return num.astype(float) / den.astype(float)
    return np.array([float(Fraction(int(a), int(b))) for a, b in zip(num, den)], dtype=float)


def _flat_sum(idx: np.ndarray, values: np.ndarray, size: int, terms: int) -> np.ndarray:
    """Exact sums of ``values`` by flat index (int64, or Python ints when they could overflow)."""
    values = safe_sum_dtype(np.asarray(values), terms)
    out = np.zeros(size, dtype=values.dtype if values.dtype == object else np.int64)
    if values.dtype == object:
        out[:] = 0
    np.add.at(out, idx, values)
    return out


def run_panels(prep: Prepared, jt: pd.DataFrame, n_panels: int, strict: bool = True, values=None) -> Run:
    """Score ``n_panels`` variants of a contest at once (rules 1–8).

    Parameters
    ----------
    prep : Prepared
    jt : DataFrame
        Rows of ``prep.jt`` (its columns) with a panel number ``p`` in ``0 … n_panels − 1``: each panel
        is the contest scored on its own rows. A row of a stage the entry did not reach in its panel is
        set aside (in panel 0 it is reported by :func:`score` as an error).
    values : callable, optional
        ``values(rows) -> array``: the values aggregated for a stage's rows that reach the stage (its
        argument: those rows of ``jt``, every panel; the result: integers in units of
        10**-``prep.d`` points, one per row) — the per-panel refit of ``normalization: additive``
        (:mod:`contest.robustness`). Default: the rows' ``units`` (or their z-scores).
    """
    c = prep.contest
    E = len(prep.universe)
    size = n_panels * E
    U, D = _denominator(prep, jt, n_panels)
    a_mult = D // 10**prep.da
    adv_prev = None
    stage_info, all_cells, all_rows = [], [], []
    for k, stage in enumerate(c.stages):
        rows = jt[jt["s"].to_numpy() == k]
        flat = rows["p"].to_numpy() * E + rows["e"].to_numpy()
        dropped = np.zeros(0, dtype=np.int64)
        if adv_prev is not None:
            keep = adv_prev[flat]
            dropped = np.unique(flat[~keep & (flat < E)])
            rows = rows[keep]
        rows = rows.copy()
        if values is not None:
            rows["value"] = values(rows) if len(rows) else rows["units"].to_numpy()
        elif c.normalization == "zscore" and len(rows):
            rows["value"] = _zscore_units(
                rows["raw"].to_numpy(), rows["p"].to_numpy(), rows["j"].to_numpy(), rows["t"].to_numpy()
            )
        else:
            rows["value"] = rows["units"].to_numpy()
        rows, cells = _cells(prep, rows, U, D)
        cflat = cells["p"].to_numpy() * E + cells["e"].to_numpy()
        took = np.zeros(size, dtype=bool)
        took[cflat] = True
        base = _flat_sum(cflat, cells["weighted"].to_numpy(), size, len(c.stages[k].tasks) + 1)
        a = prep.adj[prep.adj["s"].to_numpy() == k]
        ae = a["e"].to_numpy()
        known = ae >= 0  # an adjustment of an entry without any score is reported in panel 0
        stray = a[~known | ~took[np.maximum(ae, 0)]]
        a_tot = _flat_sum(ae[known], scale(a["units"].to_numpy()[known], a_mult), E, len(a) + 1)
        a_all = np.tile(a_tot, n_panels) if n_panels > 1 else a_tot
        a_all = np.where(took, a_all, 0)
        total = base + a_all if base.dtype == a_all.dtype else base.astype(object) + a_all.astype(object)
        last = k == len(c.stages) - 1
        if last:
            adv = np.zeros(size, dtype=bool)
        elif stage.advance_top is not None:
            code = np.where(took, codes(total, ~took), -1).reshape(n_panels, E)
            srt = -np.sort(-code, axis=1)
            cnt = took.reshape(n_panels, E).sum(axis=1)
            cut = srt[np.arange(n_panels), np.clip(np.minimum(stage.advance_top, cnt) - 1, 0, None)]
            adv = (took.reshape(n_panels, E) & (code >= cut[:, None])).ravel()
        elif stage.advance_min_share is not None:
            thr = _ceil(frac(stage.advance_min_share) * exact_stage_max(c, stage.id) * D)
            adv = took & (total >= thr)
        else:
            adv = took.copy()
        stage_info.append(
            {
                "took": took,
                "base": base,
                "adj": a_all,
                "total": total,
                "adv": adv,
                "dropped": dropped,
                "stray": stray,
            }
        )
        all_cells.append(cells)
        all_rows.append(rows)
        adv_prev = adv
    ranking = _rank(prep, stage_info, all_cells, n_panels, D)
    return Run(D, U, n_panels, stage_info, all_cells, all_rows, ranking)


def _rank(prep: Prepared, info: list[dict], cells: list[pd.DataFrame], n_panels: int, D: int) -> pd.DataFrame:
    """Final ranking and awards of every panel (rules 7–8)."""
    c = prep.contest
    E = len(prep.universe)
    size = n_panels * E
    order = {s.id: i for i, s in enumerate(c.stages)}
    rs = [order[s] for s in c.ranking_stages]
    level = np.full(size, -1, dtype=np.int64)
    reached = np.full(size, -1, dtype=np.int64)
    total = np.zeros(size, dtype=np.int64)
    for i, k in enumerate(rs):
        took = info[k]["took"]
        level[took] = i
        part = np.where(took, info[k]["total"], 0)
        total = total + part if total.dtype == part.dtype else total.astype(object) + part.astype(object)
    for k in range(len(c.stages)):
        reached[info[k]["took"]] = k
    has_total = level >= 0
    reached_total = np.zeros(
        size, dtype=object if any(x["total"].dtype == object for x in info) else np.int64
    )
    for k in range(len(c.stages)):
        sel = reached == k
        reached_total[sel] = info[k]["total"][sel]
    sort_total = np.where(has_total, total, reached_total)
    keys = [level, (reached >= 0).astype(np.int64), codes(sort_total, reached < 0)]
    t_pos = {(s, t): i for i, (s, t) in enumerate(zip(prep.tasks["stage_id"], prep.tasks["task_id"]))}
    for key in c.tie_break:
        sid, _, tid = key.partition(".")
        k = order[sid]
        if tid:
            cl = cells[k][cells[k]["t"].to_numpy() == t_pos[(sid, tid)]]
            vals = np.zeros(size, dtype=cl["weighted"].dtype if len(cl) else np.int64)
            present = np.zeros(size, dtype=bool)
            f = cl["p"].to_numpy() * E + cl["e"].to_numpy()
            vals[f] = cl["weighted"].to_numpy()
            present[f] = True
        else:
            vals, present = info[k]["total"], info[k]["took"]
        keys.append(codes(vals, ~present))
    p = np.repeat(np.arange(n_panels, dtype=np.int64), E)
    e = np.tile(np.arange(E, dtype=np.int64), n_panels)
    srt = np.lexsort((e, *[-x for x in reversed(keys)], p))
    kv = [x[srt] for x in keys]
    ps = p[srt]
    starts = _group_starts(ps, *kv)
    gsize = np.diff(np.append(starts, size))
    start = np.repeat(starts, gsize)
    panel_start = np.arange(size) - np.tile(np.arange(E), n_panels)
    rank = (start - panel_start + 1).astype(np.int64)
    tie = np.repeat(gsize > 1, gsize) & (kv[1] == 1)
    # awards (rule 8)
    award = np.full(size, "", dtype=object)
    eligible = level[srt] >= 0
    tot_s = total[srt]
    cursor = 0
    max_total = sum((exact_stage_max(c, s) for s in c.ranking_stages), Fraction(0))
    for a in c.awards:
        free = (award == "") & eligible
        if a.places is not None:
            mask = free & (rank > cursor) & (rank <= cursor + a.places)
            cursor += a.places
        else:
            thr = _ceil(frac(a.min_share) * max_total * D)
            mask = free & (tot_s >= thr)
        award[mask] = a.title
    stage_ids = [s.id for s in c.stages]
    lv, rc = level[srt], reached[srt]
    shown = np.where(eligible, snap(to_float(np.where(eligible, tot_s, 0), D)), np.nan)
    return pd.DataFrame(
        {
            "p": ps,
            "e": e[srt],
            "entry_id": np.asarray(prep.universe, dtype=object)[e[srt]] if E else np.zeros(0, dtype=object),
            "total": shown,
            "rank": rank,
            "award": award.astype(str),
            "tie_flag": tie.astype(bool),
            "last_stage": [c.ranking_stages[x] if x >= 0 else "" for x in lv],
            "reached_stage": [stage_ids[x] if x >= 0 else "" for x in rc],
        }
    )
