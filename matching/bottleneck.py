"""Priority tiers and the bottleneck objective proven over all feasible pairs from the best candidates.

:func:`matching.certificate.solve_certified` proves an optimum over every
feasible pair while the solver sees only each mentee's best candidates. With
priority tiers the optimum is one min-cost flow in which a pair of a mentee
of level ``k`` (0 first, ``L`` levels) earns the bonus ``(L − k) · B``
(:func:`matching.objectives.solve_levels`; the proof is in
:mod:`matching.solver`, "Priority tiers"), so the same certificate applies
with the per-mentee bonus in the slack. :func:`solve_certified_objective`
adds the bottleneck objective on top (docs/sources.md
[Ahuja-Magnanti-Orlin-1993], max-flow and min-cost flow; the threshold
search is the classical bottleneck assignment by thresholds):

1. the certified tiered solve gives the best tier vector ``q`` (counts of
   matched mentees per level) over all feasible pairs ``G``, and the lowest
   score ``m₀`` of its pairs: the threshold ``t*`` (the largest ``θ`` with
   ``G_{≥θ}`` still reaching ``q``) is at least ``m₀``;
2. a binary search over the distinct scores ``≥ m₀`` of the candidate pairs
   ``C`` gives ``t_c``, the largest threshold that ``C`` reaches
   (:func:`matching.objectives.bottleneck_threshold`, one max-flow each);
   ``C_{≥θ} ⊆ G_{≥θ}`` gives ``t_c ≤ t*``;
3. ``C_{>t_c}`` misses ``q``; the source side of a minimum cut of its
   level-quota max-flow (:func:`matching.objectives.quota_cut`) proves that
   ``G_{>t_c}`` misses it too unless a feasible pair of score ``> t_c`` goes
   from a source-side mentee to a sink-side mentor with room (any other pair
   leaves the cut's capacity, below ``Σ q``, unchanged). Only those
   combinations are scored, and only for mentees whose best left-out score
   is above ``t_c``. If none exists, ``t* = t_c``; otherwise the pairs join
   ``C`` and the search goes on above ``t_c`` (or the cut is taken again);
4. the final certified tiered solve (scores counted, pairs in force with
   their change cost) on the pairs of score ``≥ t*``, its potentials started
   from those of step 1; when ``t* = m₀`` the solve of step 1 is already
   that optimum.

Every step is exact; the result equals that of
:func:`matching.solver.solve_arrays` given every feasible pair (checked by
the tests on instances where both fit). Pure: arrays in and out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.certificate import CertifiedSolution, solve_certified
from matching.objectives import bottleneck_threshold, quota_cut, tier_levels
from matching.scoring import SCORE_TOLERANCE, parallel_map

#: Pairs scored per block of a cut scan.
BLOCK_PAIRS = 2_000_000


@dataclass
class ObjectiveCertificate:
    """Result of :func:`solve_certified_objective`.

    Attributes
    ----------
    cert : CertifiedSolution
        The final certified solve (its ``e_idx``/``r_idx``/``scores`` are the
        pairs of score ``≥ threshold``).
    threshold : float or None
        The bottleneck threshold ``t*`` (None for ``objective="total"`` or
        when nothing can be matched).
    probes : int
        Minimum cuts taken in step 3.
    rounds, scanned_pairs, added : int
        Totals over every certified solve.
    """

    cert: CertifiedSolution
    threshold: float | None = None
    probes: int = 0
    rounds: int = 0
    scanned_pairs: int = 0
    added: int = 0

    def count(self, c: CertifiedSolution) -> None:
        self.rounds += c.rounds
        self.scanned_pairs += c.scanned_pairs
        self.added += c.added


def solve_certified_objective(
    model,
    e_idx: np.ndarray,
    r_idx: np.ndarray,
    scores: np.ndarray,
    capacity: np.ndarray,
    pruned: np.ndarray,
    best_pruned: np.ndarray,
    *,
    tier: np.ndarray | None = None,
    objective: str = "total",
    current: np.ndarray | None = None,
    change_cost: float | None = None,
    progress=None,
) -> ObjectiveCertificate:
    """Tiers and/or the bottleneck on the offered pairs, proven over all feasible pairs.

    Parameters
    ----------
    model, e_idx, r_idx, scores, capacity, pruned, best_pruned, current, change_cost, progress
        As for :func:`matching.certificate.solve_certified` (``current``
        needs ``change_cost``).
    tier : int array, shape (M,), optional
        Priority tier per mentee position (1 first).
    objective : {"total", "bottleneck"}

    Returns
    -------
    ObjectiveCertificate

    Raises
    ------
    ValueError, RuntimeError
        As :func:`matching.certificate.solve_certified`.
    """
    kw = dict(tier=tier)
    first = solve_certified(
        model,
        e_idx,
        r_idx,
        scores,
        capacity,
        pruned,
        best_pruned,
        current=current,
        change_cost=change_cost,
        progress=progress,
        **kw,
    )
    out = ObjectiveCertificate(first)
    out.count(first)
    if objective == "total":
        return out
    M = model.M
    n_levels, level = tier_levels(None if tier is None else np.asarray(tier), M)
    chosen = first.solution.chosen
    quota = np.bincount(level[first.e_idx[chosen]], minlength=n_levels)
    if not quota.sum():
        return out
    ce, cr, cs = first.e_idx, first.r_idx, first.scores
    cur = None
    if current is not None:  # the current pairs are among the offered ones; added pairs never are
        cur = np.concatenate([np.asarray(current, bool), np.zeros(len(ce) - len(current), bool)])
    low = float(cs[chosen].min())  # m₀: reached by the optimum itself
    floor = low
    # Mentors a new pair can cross the cut to: active, with room (a full one sits on either side).
    open_mentor = model.r_consent & model.r_capacity & (np.asarray(capacity) > 0)
    while True:
        t = bottleneck_threshold(ce, cr, cs, M, capacity, level, quota, floor=floor)
        while True:  # step 3: does G_{>t} reach q? A cut of C_{>t} proves it does not.
            above = cs > t
            reached, mentee_side, mentor_side = quota_cut(
                ce[above], cr[above], M, capacity, level, quota, cut=True
            )
            if reached:
                break
            out.probes += 1
            rows = pruned[mentee_side[pruned] & (best_pruned[pruned] + SCORE_TOLERANCE > t)]
            cols = np.flatnonzero(open_mentor & ~mentor_side)
            pe, pr, ps = _crossing_pairs(model, ce, cr, rows, cols, t)
            out.scanned_pairs += len(rows) * len(cols)
            if not len(pe):
                break  # no feasible pair above t crosses the cut: G_{>t} cannot reach q either
            out.added += len(pe)
            ce, cr, cs = np.concatenate([ce, pe]), np.concatenate([cr, pr]), np.concatenate([cs, ps])
            if cur is not None:
                cur = np.concatenate([cur, np.zeros(len(pe), bool)])
        if not reached:
            break  # t* = t
        floor = float(cs[cs > t].min())  # C_{>t} reaches q now: search above t
    out.threshold = t
    if t == low:
        return out  # the first optimum has every pair ≥ t*: it is the optimum on G_{≥t*}
    final = solve_certified(
        model,
        ce,
        cr,
        cs,
        capacity,
        pruned,
        best_pruned,
        current=cur,
        change_cost=change_cost,
        min_score=t,
        start=first.solution.node_potential,
        **kw,
    )
    out.cert = final
    out.count(final)
    return out


def _crossing_pairs(model, ce, cr, rows, cols, t, block_pairs: int = BLOCK_PAIRS):
    """The feasible pairs of mentee positions ``rows`` × mentor positions ``cols`` with exact score
    ``> t`` that are not among the offered pairs ``(ce, cr)``: ``(mentee, mentor, score)``.
    Blocks are scored in float32 within :data:`matching.scoring.SCORE_TOLERANCE`, so a pair is
    never missed; the exact score decides."""
    empty = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    if not len(rows) or not len(cols) or not len(ce):
        return empty
    N = model.N
    known = np.sort(np.asarray(ce, np.int64) * N + cr)
    step = max(1, block_pairs // len(cols))

    def scan(part):
        feasible, _, score = model.block(part, cols, counts=False)
        hr, hc = np.nonzero(feasible & (score.astype(float) + SCORE_TOLERANCE > t))
        return part[hr], cols[hc]

    found = list(parallel_map(scan, [rows[k : k + step] for k in range(0, len(rows), step)]))
    pe = np.concatenate([f[0] for f in found]).astype(np.int64)
    pr = np.concatenate([f[1] for f in found]).astype(np.int64)
    key = pe * N + pr
    pos = np.minimum(np.searchsorted(known, key), len(known) - 1)
    fresh = known[pos] != key
    pe, pr = pe[fresh], pr[fresh]
    ps = model.score_pairs(pe, pr)
    ok = ps > t
    return pe[ok], pr[ok], ps[ok]
