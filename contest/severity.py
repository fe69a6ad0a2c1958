"""Juror severity from an additive model fitted on the overlap of the jury plan.

The model of one task (stage, task), in points of a juror's task sum::

    score(entry, juror) = μ + quality(entry) − severity(juror) + error,   Σ severity = 0

is the additive (raw-score) form of Linacre's many-facet model (docs/sources.md
[Facets-1990]): an entry's quality and a juror's severity are separate facets,
estimated together by least squares from every score of the task. The
criterion facet of that model is a constant of the task here — every juror
scores every criterion of the entries they score — so it is absorbed in μ and
the fit is made on the juror task sums.

* ``severity`` > 0: the juror gives fewer points than colleagues would to the
  same entries; < 0: more. Its standard error is the usual least-squares one,
  ``σ̂ · sqrt(C⁺_jj)`` with ``C`` the jurors' reduced normal matrix
  (``C = diag(r) − Nᵀ diag(1/k) N``: ``r`` entries per juror, ``k`` jurors per
  entry, ``N`` the entry × juror incidence) and ``σ̂² = RSS / (n − E − J + 1)``;
  NaN when there are no residual degrees of freedom.
* The *fair average* of an entry is the score it would get from a juror of
  average severity: ``μ̂ + qualitŷ(entry)``; from the normal equations it is
  exactly the mean of the entry's scores each corrected by its juror's
  severity, ``mean_j (score + severity_j)``. With a fully crossed plan it is
  the raw mean.
* The severities are comparable only when the plan *connects* the jurors: in
  the bipartite graph entries — jurors, every juror is reachable from every
  other through shared entries (Linacre's condition on judging plans,
  docs/sources.md [Linacre-plans]). Otherwise :func:`fit_severity` names the
  separate groups of jurors in a Russian warning and gives no severities and
  no fair averages for the task.

:func:`exact_severities` solves the same normal equations in exact rational
arithmetic, for ``normalization: additive`` where the corrected scores decide
places (docs/contest_rules.md §1.6). Pure: frames in, frames out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np
import pandas as pd

from contest.exact import round_fraction
from contest.model import ContestError
from contest.panels import Prepared
from tandem.errors import Issue

__all__ = [
    "CORRECTION_DECIMALS",
    "Severity",
    "additive_prepared",
    "corrected_units",
    "disconnected_message",
    "exact_severities",
    "fit_severity",
    "juror_groups",
]

#: Decimals added to the scores' own when the severity-corrected task sums are rounded
#: (``normalization: additive``): the corrected value is exact up to 10⁻⁹ of the score unit.
CORRECTION_DECIMALS = 9

_KEYS = ["stage_id", "task_id"]


@dataclass
class Severity:
    """The additive model fitted per task (:func:`fit_severity`).

    Attributes
    ----------
    jurors : DataFrame
        One row per task and juror who scored in it: ``stage_id, task_id,
        juror_id`` (str), ``n_entries`` (int), ``severity`` and ``se`` (float,
        points of the task sum; NaN when the task's plan is not connected or
        ``se`` has no degrees of freedom), ``group`` (int, 1-based group of
        connected jurors within the task; 1 when connected).
    entries : DataFrame
        One row per task and entry: ``entry_id, stage_id, task_id`` (str),
        ``n_jurors`` (int), ``raw_mean`` (float, mean juror task sum) and
        ``fair_average`` (float, points; NaN when not connected).
    warnings : list of str
        Russian warnings: one per task whose plan does not connect the jurors.
    """

    jurors: pd.DataFrame
    entries: pd.DataFrame
    warnings: list[str] = field(default_factory=list)

    @property
    def connected(self) -> bool:
        """True when every task's plan connects its jurors."""
        return not self.warnings


def juror_groups(entry_ids, juror_ids) -> list[list[str]]:
    """The groups of jurors connected through shared entries.

    Parameters
    ----------
    entry_ids, juror_ids : sequences of str, equal length
        One pair per score (an edge of the bipartite graph entries — jurors).

    Returns
    -------
    list of list of str
        Each group's jurors sorted; the groups ordered by their first juror.
        One group means the plan is connected.
    """
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e, j in zip(entry_ids, juror_ids):
        a, b = find(("e", str(e))), find(("j", str(j)))
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict = {}
    for node in list(parent):
        if node[0] == "j":
            groups.setdefault(find(node), []).append(node[1])
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def disconnected_message(where: str, groups: list[list[str]]) -> str:
    """The Russian warning for a plan that does not connect the jurors of ``where`` (e.g. «задание S1.T1»)."""
    parts = [f"{{{', '.join(g)}}}" for g in groups]
    return (
        f"{where}: эксперты не связаны общими работами — {len(groups)} отдельные группы: "
        f"{'; '.join(parts)}. Строгость экспертов разных групп сравнить нельзя, справедливые средние "
        "не рассчитаны; добавьте общие (опорные) работы, например jury.anchors"
    )


def _design(e: np.ndarray, j: np.ndarray):
    """Codes of entries and jurors, ``k`` per entry and ``r`` per juror."""
    ue, ei = np.unique(e, return_inverse=True)
    uj, ji = np.unique(j, return_inverse=True)
    k = np.bincount(ei, minlength=len(ue))
    r = np.bincount(ji, minlength=len(uj))
    return ue, ei, uj, ji, k, r


def exact_severities(entry_ids, juror_ids, values) -> dict[str, Fraction]:
    """Severities of one task, exactly: the least-squares solution with Σ severity = 0.

    Parameters
    ----------
    entry_ids, juror_ids : sequences of str, equal length
        One score per (entry, juror) pair; the plan must be connected
        (:func:`juror_groups` gives one group).
    values : sequence of int or Fraction
        The scores (e.g. task sums in units of 10⁻ᵈ points).

    Returns
    -------
    dict
        ``juror_id → severity`` (Fraction, in the units of ``values``): a
        juror's score + severity is the score corrected to a juror of average
        severity.

    Raises
    ------
    ValueError
        When the plan is not connected (the system is singular).
    """
    e = np.asarray([str(x) for x in entry_ids], dtype=object)
    j = np.asarray([str(x) for x in juror_ids], dtype=object)
    x = [Fraction(v) for v in values]
    _, ei, uj, ji, k, r = _design(e, j)
    J = len(uj)
    if J == 0:
        return {}
    S = [Fraction(0)] * len(k)
    members: list[list[int]] = [[] for _ in k]
    for n, a in enumerate(ei):
        S[a] += x[n]
        members[a].append(n)
    # (C + 11ᵀ) b = q for the leniency b = −severity (module docstring)
    C = [[Fraction(1)] * J for _ in range(J)]
    q = [Fraction(0)] * J
    for a in range(J):
        C[a][a] += int(r[a])
    for ent, rows in enumerate(members):
        kk = int(k[ent])
        mean = S[ent] / kk
        js = [int(ji[n]) for n in rows]
        for n, a in zip(rows, js):
            q[a] += x[n] - mean
            for b in js:
                C[a][b] -= Fraction(1, kk)
    b = _solve(C, q)
    return {str(uj[a]): -b[a] for a in range(J)}


def _solve(A: list[list[Fraction]], y: list[Fraction]) -> list[Fraction]:
    """Gauss–Jordan elimination in exact arithmetic; ``ValueError`` when singular."""
    n = len(A)
    M = [row[:] + [y[i]] for i, row in enumerate(A)]
    for col in range(n):
        piv = next((i for i in range(col, n) if M[i][col] != 0), None)
        if piv is None:
            raise ValueError("singular system: the plan does not connect the jurors")
        M[col], M[piv] = M[piv], M[col]
        p = M[col][col]
        M[col] = [v / p for v in M[col]]
        for i in range(n):
            if i != col and M[i][col] != 0:
                f = M[i][col]
                M[i] = [a - f * b for a, b in zip(M[i], M[col])]
    return [M[i][n] for i in range(n)]


def _fit_one(e: np.ndarray, j: np.ndarray, x: np.ndarray):
    """Float fit of one connected task: severities, their SE, fair averages by entry code."""
    ue, ei, uj, ji, k, r = _design(e, j)
    E, J = len(ue), len(uj)
    N = np.zeros((E, J))
    N[ei, ji] = 1.0
    S = np.bincount(ei, weights=x, minlength=E)
    C = np.diag(r.astype(float)) - N.T @ (N / k[:, None])
    q = np.bincount(ji, weights=x - (S / k)[ei], minlength=J)
    b = np.linalg.solve(C + 1.0, q)
    b -= b.mean()
    fair = np.bincount(ei, weights=x - b[ji], minlength=E) / k
    resid = x - fair[ei] - b[ji]
    dof = len(x) - E - J + 1
    if dof > 0:
        sigma2 = float(resid @ resid) / dof
        se = np.sqrt(np.clip(np.diag(np.linalg.pinv(C)), 0, None) * sigma2)
    else:
        se = np.full(J, np.nan)
    return ue, uj, k, r, -b, se, fair, S / k


def fit_severity(juror_tasks: pd.DataFrame) -> Severity:
    """Fit the additive model of the module docstring for every task.

    Parameters
    ----------
    juror_tasks : DataFrame
        ``entry_id, juror_id, stage_id, task_id`` (str) and ``raw`` (float,
        the juror's task sum, points), one row per entry, juror and task —
        :attr:`contest.scoring.Results.juror_tasks`.

    Returns
    -------
    Severity
        Floats, for the protocol; the rows are sorted by task, then juror or
        entry. For the exact severities that decide places under
        ``normalization: additive`` see :func:`exact_severities`.
    """
    jrows, erows, warnings = [], [], []
    for (sid, tid), g in juror_tasks.groupby(_KEYS, sort=True, observed=True):
        e = g["entry_id"].astype(str).to_numpy()
        j = g["juror_id"].astype(str).to_numpy()
        x = g["raw"].to_numpy(dtype=float)
        groups = juror_groups(e, j)
        if len(groups) > 1:
            warnings.append(disconnected_message(f"задание {sid}.{tid}", groups))
            grp = {jj: n for n, gg in enumerate(groups, 1) for jj in gg}
            cnt = g.groupby("juror_id", observed=True).size()
            for jj in sorted(grp):
                jrows.append((sid, tid, jj, int(cnt[jj]), np.nan, np.nan, grp[jj]))
            for ee, gg in g.groupby("entry_id", sort=True, observed=True):
                erows.append((str(ee), sid, tid, len(gg), float(gg["raw"].mean()), np.nan))
            continue
        ue, uj, k, r, sev, se, fair, raw_mean = _fit_one(e, j, x)
        for a in range(len(uj)):
            jrows.append((sid, tid, str(uj[a]), int(r[a]), float(sev[a]), float(se[a]), 1))
        for a in range(len(ue)):
            erows.append((str(ue[a]), sid, tid, int(k[a]), float(raw_mean[a]), float(fair[a])))
    jurors = pd.DataFrame(
        jrows, columns=["stage_id", "task_id", "juror_id", "n_entries", "severity", "se", "group"]
    )
    entries = pd.DataFrame(
        erows, columns=["entry_id", "stage_id", "task_id", "n_jurors", "raw_mean", "fair_average"]
    )
    for df in (jurors, entries):
        for col in df.columns:
            if col in ("stage_id", "task_id", "juror_id", "entry_id"):
                df[col] = df[col].astype(str)
    jurors[["severity", "se"]] = jurors[["severity", "se"]].round(9)
    entries[["raw_mean", "fair_average"]] = entries[["raw_mean", "fair_average"]].round(9)
    return Severity(jurors.reset_index(drop=True), entries.reset_index(drop=True), warnings)


def corrected_units(entry_ids, juror_ids, units) -> list[int]:
    """The juror task sums of one connected task corrected by the jurors' exact severities.

    Parameters
    ----------
    entry_ids, juror_ids : sequences of str, equal length
        One pair per juror task sum; the plan must be connected (:func:`juror_groups`).
    units : sequence of int
        The task sums in units of 10⁻ᵈ points.

    Returns
    -------
    list of int
        ``raw + severity`` of each sum (:func:`exact_severities`) in units of
        10⁻⁽ᵈ⁺⁹⁾ points, rounded half-up (:data:`CORRECTION_DECIMALS`).

    Raises
    ------
    ValueError
        When the plan is not connected.
    """
    scale = 10**CORRECTION_DECIMALS
    sev = exact_severities(entry_ids, juror_ids, [int(x) for x in units])
    return [int(round_fraction((int(x) + sev[str(jj)]) * scale, 0)) for x, jj in zip(units, juror_ids)]


def additive_prepared(prep: Prepared) -> Prepared:
    """The scores of ``normalization: additive``: each juror task sum corrected by the juror's severity.

    Per task, the severities are solved exactly (:func:`exact_severities`) from
    every juror task sum of the task; each corrected value ``raw + severity``
    is rounded half-up to ``d + 9`` decimals (``d`` the decimals of the
    entered scores, :data:`CORRECTION_DECIMALS`) and everything after that is
    exact, so equal corrected totals are equal. The returned
    :class:`~contest.panels.Prepared` has the corrected values as ``units``
    (``raw`` keeps the entered sums), ``d`` increased by 9 and the contest's
    normalisation set to ``none`` so that :func:`contest.panels.run_panels`
    aggregates them by each task's own rule (``mean``: the fair average).

    Raises
    ------
    ContestError
        A task whose plan does not connect its jurors: the message names the
        separate groups (:func:`disconnected_message`).
    """
    jt = prep.jt
    if not len(jt):
        return replace(
            prep, d=prep.d + CORRECTION_DECIMALS, contest=replace(prep.contest, normalization="none")
        )
    out = np.empty(len(jt), dtype=object)
    names_e = np.asarray(prep.universe, dtype=object)
    names_j = np.asarray(prep.jurors, dtype=object)
    tf = prep.tasks
    issues = []
    for t, idx in jt.groupby("t", sort=True).indices.items():
        e = names_e[jt["e"].to_numpy()[idx]]
        j = names_j[jt["j"].to_numpy()[idx]]
        u = jt["units"].to_numpy()[idx]
        groups = juror_groups(e, j)
        where = f"задание {tf.at[t, 'stage_id']}.{tf.at[t, 'task_id']}"
        if len(groups) > 1:
            issues.append(
                Issue("normalization: additive невозможна — " + disconnected_message(where, groups))
            )
            continue
        out[idx] = corrected_units(e, j, u)
    if issues:
        raise ContestError(issues)
    big = max(abs(int(x)) for x in out) >= 2**62
    units = out if big else out.astype(np.int64)
    return replace(
        prep,
        jt=jt.assign(units=units),
        d=prep.d + CORRECTION_DECIMALS,
        contest=replace(prep.contest, normalization="none"),
    )
