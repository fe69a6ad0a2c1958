"""Agreement of the jury: Kendall's W, ICC, Krippendorff's α, harsh and lenient jurors.

All statistics use the jurors' *raw* task scores (``Results.juror_tasks.raw``,
the sum of a juror's criterion scores, points) — agreement is a property of
what the jurors wrote, before any normalisation.

Complete block. Kendall's W and the ICC need a matrix without holes: the
same jurors scoring the same entries. For each task the block is chosen
among the juror sets that occur (the set of jurors of each entry): for a set
*S*, the entries scored by every juror of *S* form the block. The block with
the most cells (entries × jurors, at least 2 × 2) wins; ties go to more
jurors, then to the alphabetically first juror list. ``block_entries`` and
``block_jurors`` report its size; with a full panel it is the whole task.
Krippendorff's α uses every score (it handles missing data).

Sources: Kendall & Babington Smith (1939) and the tie correction as given in
https://en.wikipedia.org/wiki/Kendall%27s_W ; Shrout & Fleiss (1979),
"Intraclass correlations: uses in assessing rater reliability",
Psychological Bulletin 86(2), 420–428; Krippendorff (2011), "Computing
Krippendorff's Alpha-Reliability" (the ``krippendorff`` package);
thresholds of the plain-language reading: Schmidt (1997), "Managing Delphi
surveys using nonparametric statistical techniques", Decision Sciences
28(3), 763–774 (W ≥ 0.7 strong, 0.5 moderate, lower weak).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "Agreement",
    "agreement",
    "kendall_w",
    "icc",
    "krippendorff_alpha",
    "juror_deviation",
    "complete_block",
    "reading",
    "HIGH_W",
    "MODERATE_W",
    "FLAG_Z",
]

#: W at or above this reads as «высокая» (Schmidt 1997: strong agreement).
HIGH_W = 0.7
#: W at or above this (and below HIGH_W) reads as «умеренная» (Schmidt 1997: moderate).
MODERATE_W = 0.5
#: |z| of a juror's mean deviation at which the juror is flagged (our choice: 1.5 SD).
FLAG_Z = 1.5
#: Significance level quoted in the reading.
ALPHA_LEVEL = 0.05


@dataclass
class Agreement:
    """Agreement statistics of a scored contest.

    Attributes
    ----------
    tasks : DataFrame
        One row per task: ``stage_id, task_id`` (str); ``n_entries,
        n_jurors`` (int, all entries and jurors of the task); ``block_entries,
        block_jurors`` (int, the complete block used for W and ICC);
        ``kendall_w`` (float, 0..1, tie-corrected), ``chi2`` (= m(n−1)W),
        ``dof`` (n−1), ``p_value``; ``icc1, icc2, icc3, icc1k, icc2k, icc3k``
        (Shrout–Fleiss forms); ``krippendorff_alpha`` (interval, all data);
        ``reading`` (str, plain Russian). NaN when not computable.
    jurors : DataFrame
        One row per juror: ``juror_id`` (str), ``n_entries`` (int, entries
        scored), ``n_cells`` (int, (entry, task) cells shared with another
        juror), ``mean_deviation`` (float, points: juror's raw task score minus
        the mean of the other jurors' raw scores of the same entry and task,
        averaged over the cells), ``mean_deviation_share`` (the same with each
        deviation divided by the task maximum), ``z`` (z of mean_deviation
        across jurors, population SD), ``flag`` (str: «строгий» when
        z ≤ −1.5, «мягкий» when z ≥ 1.5, else ``""``).
    """

    tasks: pd.DataFrame
    jurors: pd.DataFrame


# --------------------------------------------------------------------------
# statistics on a complete matrix
# --------------------------------------------------------------------------


def kendall_w(matrix: np.ndarray) -> dict[str, float]:
    """Kendall's coefficient of concordance with tie correction.

    Parameters
    ----------
    matrix : ndarray, shape (n objects, m raters)
        Scores (higher = better) or ranks; each rater's column is ranked with
        average ranks for ties.

    Returns
    -------
    dict
        ``w`` = 12 S / (m²(n³ − n) − m ΣT), S = Σ (R_i − R̄)², T = Σ (t³ − t)
        over each rater's tie groups; ``chi2`` = m(n − 1) W; ``dof`` = n − 1;
        ``p_value`` = P(χ²_dof ≥ chi2). NaN when n < 2, m < 2 or every rater
        tied all objects.
    """
    x = np.asarray(matrix, dtype=float)
    n, m = x.shape if x.ndim == 2 else (0, 0)
    nan = {"w": np.nan, "chi2": np.nan, "dof": np.nan, "p_value": np.nan}
    if n < 2 or m < 2 or np.isnan(x).any():
        return nan
    ranks = np.apply_along_axis(stats.rankdata, 0, x)
    r = ranks.sum(axis=1)
    s = float(((r - r.mean()) ** 2).sum())
    t = 0.0
    for j in range(m):
        _, counts = np.unique(x[:, j], return_counts=True)
        t += float((counts**3 - counts).sum())
    denom = m * m * (n**3 - n) - m * t
    if denom <= 0:
        return nan
    w = 12.0 * s / denom
    chi2 = m * (n - 1) * w
    return {"w": w, "chi2": chi2, "dof": float(n - 1), "p_value": float(stats.chi2.sf(chi2, n - 1))}


def icc(matrix: np.ndarray) -> dict[str, float]:
    """The six Shrout–Fleiss (1979) intraclass correlations.

    Parameters
    ----------
    matrix : ndarray, shape (n targets, k judges), no missing values

    Returns
    -------
    dict
        ``icc1, icc2, icc3`` (single rater: ICC(1,1), ICC(2,1) = ICC(A,1),
        ICC(3,1) = ICC(C,1)) and ``icc1k, icc2k, icc3k`` (mean of k raters),
        from the two-way ANOVA mean squares: between targets ``msr``, between
        judges ``msc``, residual ``mse``, within targets ``msw``:

        * ICC(1,1) = (MSR − MSW) / (MSR + (k − 1) MSW)
        * ICC(2,1) = (MSR − MSE) / (MSR + (k − 1) MSE + k (MSC − MSE) / n)
        * ICC(3,1) = (MSR − MSE) / (MSR + (k − 1) MSE)
        * ICC(1,k) = (MSR − MSW) / MSR
        * ICC(2,k) = (MSR − MSE) / (MSR + (MSC − MSE) / n)
        * ICC(3,k) = (MSR − MSE) / MSR

        Also ``f1`` = MSR / MSW (df n − 1, n(k − 1)) and ``f3`` = MSR / MSE
        (df n − 1, (n − 1)(k − 1)) with p-values ``p1``, ``p3``. NaN when
        n < 2, k < 2 or a denominator is 0.
    """
    y = np.asarray(matrix, dtype=float)
    keys = [
        "icc1",
        "icc2",
        "icc3",
        "icc1k",
        "icc2k",
        "icc3k",
        "msr",
        "msc",
        "mse",
        "msw",
        "f1",
        "f3",
        "p1",
        "p3",
    ]
    if y.ndim != 2 or y.shape[0] < 2 or y.shape[1] < 2 or np.isnan(y).any():
        return dict.fromkeys(keys, np.nan)
    n, k = y.shape
    gm = y.mean()
    ssr = k * ((y.mean(axis=1) - gm) ** 2).sum()
    ssc = n * ((y.mean(axis=0) - gm) ** 2).sum()
    sst = ((y - gm) ** 2).sum()
    sse = sst - ssr - ssc
    msr = ssr / (n - 1)
    msc = ssc / (k - 1)
    mse = sse / ((n - 1) * (k - 1))
    msw = (ssc + sse) / (n * (k - 1))

    def div(a, b):
        return a / b if b != 0 else np.nan

    out = {
        "icc1": div(msr - msw, msr + (k - 1) * msw),
        "icc2": div(msr - mse, msr + (k - 1) * mse + k * (msc - mse) / n),
        "icc3": div(msr - mse, msr + (k - 1) * mse),
        "icc1k": div(msr - msw, msr),
        "icc2k": div(msr - mse, msr + (msc - mse) / n),
        "icc3k": div(msr - mse, msr),
        "msr": msr,
        "msc": msc,
        "mse": mse,
        "msw": msw,
        "f1": div(msr, msw),
        "f3": div(msr, mse),
    }
    out["p1"] = float(stats.f.sf(out["f1"], n - 1, n * (k - 1))) if np.isfinite(out["f1"]) else np.nan
    out["p3"] = float(stats.f.sf(out["f3"], n - 1, (n - 1) * (k - 1))) if np.isfinite(out["f3"]) else np.nan
    return {key: float(v) for key, v in out.items()}


def krippendorff_alpha(reliability: np.ndarray, level: str = "interval") -> float:
    """Krippendorff's α via the ``krippendorff`` package.

    Parameters
    ----------
    reliability : ndarray, shape (raters, units), NaN = missing
    level : str
        ``nominal`` | ``ordinal`` | ``interval`` | ``ratio``.

    Returns
    -------
    float
        NaN when fewer than two pairable values or no variation at all.
    """
    import warnings

    import krippendorff

    x = np.asarray(reliability, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2:
        return np.nan
    pairable = np.sum(~np.isnan(x), axis=0) >= 2
    if pairable.sum() < 1:
        return np.nan
    vals = x[:, pairable]
    vals = vals[~np.isnan(vals)]
    if np.unique(vals).size < 2:
        return np.nan
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = float(krippendorff.alpha(reliability_data=x, level_of_measurement=level))
    except (ValueError, ZeroDivisionError):
        return np.nan
    return a if np.isfinite(a) else np.nan


# --------------------------------------------------------------------------
# per task
# --------------------------------------------------------------------------


def complete_block(wide: pd.DataFrame) -> pd.DataFrame:
    """The largest complete entries × jurors sub-matrix (see the module docstring).

    Parameters
    ----------
    wide : DataFrame
        Index entries, columns jurors, NaN where a juror did not score.

    Returns
    -------
    DataFrame
        Rows and columns sorted; empty when no block of at least 2 × 2 exists.
    """
    present = wide.notna()
    if present.shape[0] < 2 or present.shape[1] < 2:
        return wide.iloc[0:0, 0:0]
    p = present.to_numpy()
    sets = {tuple(np.flatnonzero(row)) for row in p}
    best = None
    for s in sets:
        if len(s) < 2:
            continue
        rows = p[:, list(s)].all(axis=1)
        n = int(rows.sum())
        if n < 2:
            continue
        names = tuple(sorted(str(wide.columns[i]) for i in s))
        key = (-n * len(s), -len(s), names)
        if best is None or key < best[0]:
            best = (key, rows, list(s))
    if best is None:
        return wide.iloc[0:0, 0:0]
    _, rows, cols = best
    block = wide.iloc[np.flatnonzero(rows), cols]
    return block.sort_index().sort_index(axis=1)


def reading(w: float, p: float, alpha: float) -> str:
    """A plain-Russian reading of a task's agreement.

    Uses Kendall's W when available (Schmidt 1997 thresholds: ≥ 0.7 высокая,
    0.5–0.7 умеренная, < 0.5 низкая), notes when χ² is not significant at 5 %,
    and falls back to Krippendorff's α (same thresholds, our choice) when no
    complete block exists.
    """

    def level(x: float) -> str:
        return "высокая" if x >= HIGH_W else "умеренная" if x >= MODERATE_W else "низкая"

    if np.isfinite(w):
        text = f"согласованность экспертов {level(w)} (W = {w:.2f}"
        if np.isfinite(p):
            text += f", p = {p:.3f}"
        text += ")"
        if np.isfinite(p) and p >= ALPHA_LEVEL:
            text += "; статистически не значима — мало заявок или экспертов"
        return text
    if np.isfinite(alpha):
        return (
            f"согласованность экспертов {level(alpha)} (α Криппендорфа = {alpha:.2f}; W не вычислен — "
            "нет заявок, оценённых одними и теми же экспертами)"
        )
    return "недостаточно данных: нужны хотя бы 2 заявки, оценённые хотя бы 2 экспертами"


def _task_rows(results) -> pd.DataFrame:
    jt = results.juror_tasks
    rows = []
    for s in results.contest.stages:
        for t in s.tasks:
            sub = jt[(jt["stage_id"] == s.id) & (jt["task_id"] == t.id)]
            wide = (
                sub.pivot_table(index="entry_id", columns="juror_id", values="raw", aggfunc="first")
                if len(sub)
                else pd.DataFrame()
            )
            block = complete_block(wide) if len(sub) else pd.DataFrame()
            kw = kendall_w(block.to_numpy()) if block.size else kendall_w(np.empty((0, 0)))
            ic = icc(block.to_numpy()) if block.size else icc(np.empty((0, 0)))
            alpha = krippendorff_alpha(wide.to_numpy().T) if len(sub) else np.nan
            rows.append(
                {
                    "stage_id": s.id,
                    "task_id": t.id,
                    "n_entries": int(wide.shape[0]) if len(sub) else 0,
                    "n_jurors": int(wide.shape[1]) if len(sub) else 0,
                    "block_entries": int(block.shape[0]) if block.size else 0,
                    "block_jurors": int(block.shape[1]) if block.size else 0,
                    "kendall_w": kw["w"],
                    "chi2": kw["chi2"],
                    "dof": kw["dof"],
                    "p_value": kw["p_value"],
                    **{k: ic[k] for k in ("icc1", "icc2", "icc3", "icc1k", "icc2k", "icc3k")},
                    "krippendorff_alpha": alpha,
                    "reading": reading(kw["w"], kw["p_value"], alpha)
                    if len(sub)
                    else "оценок по заданию пока нет",
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------
# per juror
# --------------------------------------------------------------------------


def juror_deviation(juror_tasks: pd.DataFrame, task_max: pd.DataFrame | None = None) -> pd.DataFrame:
    """Mean deviation of each juror from the other jurors on the same entries.

    For every (entry, task) cell scored by n ≥ 2 jurors, a juror's deviation
    is ``raw − (Σ raw − raw) / (n − 1)`` — their score minus the mean of the
    others', points. A juror's ``mean_deviation`` averages it over their
    cells; ``z`` standardises it across jurors (population SD; SD 0 → 0);
    ``flag`` is «строгий» when z ≤ −1.5 and «мягкий» when z ≥ 1.5 (our choice
    of 1.5 SD; with fewer than 3 jurors nobody is flagged). The statistic is our
    choice; judge severity as a facet of its own: docs/sources.md [Facets-1990].

    Parameters
    ----------
    juror_tasks : DataFrame
        ``entry_id, juror_id, stage_id, task_id, raw``.
    task_max : DataFrame, optional
        ``stage_id, task_id, max_points`` for ``mean_deviation_share``.

    Returns
    -------
    DataFrame
        See :class:`Agreement` ``jurors``, sorted by ``juror_id``.
    """
    jt = juror_tasks
    cols = ["juror_id", "n_entries", "n_cells", "mean_deviation", "mean_deviation_share", "z", "flag"]
    if jt.empty:
        return pd.DataFrame(columns=cols)
    keys = ["entry_id", "stage_id", "task_id"]
    g = jt.groupby(keys, sort=False)["raw"]
    n = g.transform("size").to_numpy()
    total = g.transform("sum").to_numpy()
    raw = jt["raw"].to_numpy(dtype=float)
    shared = n >= 2
    dev = np.where(shared, raw - (total - raw) / np.where(shared, n - 1, 1), np.nan)
    d = jt[["juror_id", "stage_id", "task_id", "entry_id"]].copy()
    d["dev"] = dev
    if task_max is not None:
        mx = task_max.set_index(["stage_id", "task_id"])["max_points"]
        d["share"] = dev / mx.reindex(pd.MultiIndex.from_frame(d[["stage_id", "task_id"]])).to_numpy(
            dtype=float
        )
    else:
        d["share"] = np.nan
    out = (
        d.groupby("juror_id", sort=True)
        .agg(
            n_entries=("entry_id", "nunique"),
            n_cells=("dev", "count"),
            mean_deviation=("dev", "mean"),
            mean_deviation_share=("share", "mean"),
        )
        .reset_index()
    )
    md = out["mean_deviation"].to_numpy(dtype=float)
    valid = np.isfinite(md)
    z = np.full(len(out), np.nan)
    if valid.sum() >= 2:
        mu, sd = md[valid].mean(), md[valid].std(ddof=0)
        z[valid] = (md[valid] - mu) / sd if sd > 1e-12 else 0.0
    out["z"] = z
    flag_ok = valid.sum() >= 3
    out["flag"] = np.where(
        flag_ok & (z <= -FLAG_Z), "строгий", np.where(flag_ok & (z >= FLAG_Z), "мягкий", "")
    )
    out["juror_id"] = out["juror_id"].astype(str)
    out["flag"] = out["flag"].astype(str)
    return out[cols]


def agreement(results) -> Agreement:
    """Agreement statistics per task and harsh / lenient jurors.

    Parameters
    ----------
    results : Results
        From :func:`contest.score`.

    Returns
    -------
    Agreement
    """
    tasks = _task_rows(results)
    tf = results.contest.tasks_frame()[["stage_id", "task_id", "max_points"]]
    jurors = juror_deviation(results.juror_tasks, tf)
    return Agreement(tasks=tasks, jurors=jurors)
