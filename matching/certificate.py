"""Optimality over all feasible pairs when the solver saw only the best candidates.

With top-K pruning (:func:`matching.scoring.build_candidates`) the exact
solver (:mod:`matching.solver`) is given each mentee's best ``K`` mentors
only. Its node potentials ``π`` prove the result optimal over *every*
feasible pair (LP duality, see the solver's module docstring): a left-out
pair ``(i, j)`` with score ``x`` cannot improve the optimum when its reduced
cost, the *slack* ``π_i − π_j − (B + ⌈x · scale⌉)``, is non-negative.
:func:`solve_certified` checks this for all left-out pairs, adds those that
could improve (and, for such a mentee, its few most attractive left-out
pairs), solves again, and repeats until no left-out pair can improve.

Which pairs are scanned
-----------------------
Every left-out pair of mentee ``i`` has a score of at most ``b_i``, the best
pruned score recorded by the candidate pass. Its slack is therefore
non-negative whenever ``π_j ≤ t_i = π_i − B − ⌈b_i · scale⌉``, so only the
mentors above that threshold need a look: mentors are sorted by potential
and each mentee is scored against that prefix alone (on a generated region of
21,000 mentees × 9,200 mentors, about one mentor in ten). A mentee whose
prefix holds only mentors already offered needs no scan at all. After a scan
the smallest slack left out is remembered; a later solve moves a pair's slack
by ``Δπ_i − Δπ_j − ΔB``, so ``min_slack + Δπ_i − max_j Δπ_j − ΔB ≥ 0``
certifies the mentee again without a scan.

Scans score pairs in float32 (:meth:`_Model.block`); every bound above uses
the score plus :data:`matching.scoring.SCORE_TOLERANCE`, so rounding can only
add a pair that was not needed, never leave out one that was, and the pairs
added reach the solver with their exact float64 scores.

Pairs in force with a change cost
---------------------------------
With ``current`` and ``change_cost=λ`` the solver works on the scores
``score + λ`` of the current pairs (:func:`matching.solver.solve_arrays`),
and its potentials certify that objective. The current pairs are always
among the offered pairs (the caller adds back any that pruning left out), so
every left-out pair is an ordinary one: its slack is the plain
``π_i − π_j − (B + ⌈x · scale⌉)`` above, ``best_pruned`` still bounds its
score, and the same scans prove ``Σ score − λ · broken`` optimal over all
feasible pairs. Pairs added by a scan are never current.

Priority tiers and bonuses alone
--------------------------------
With ``tier`` the solver maximises one flow in which mentee ``i`` earns the
bonus ``B_i = (L − level_i) · B`` (:mod:`matching.solver`, "Priority tiers";
docs/sources.md [Ahuja-Magnanti-Orlin-1993]); every ``B`` above becomes
``B_i`` (slack, thresholds and the drift bound). ``min_score`` makes pairs
below it nonexistent, for the bottleneck threshold of
:mod:`matching.bottleneck`.

Every test above is a proof, not a heuristic: the loop stops only when each
left-out pair's slack is known to be non-negative, so the result is the same
exact optimum as that of the solver given every feasible pair (also checked by
the tests on instances where both fit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.flow import FlowSolution
from matching.scoring import SCORE_TOLERANCE, parallel_map
from matching.solver import solve_arrays
from tandem.progress import Progress, report

#: A mentee with an improving left-out pair also gets up to this many of its most attractive
#: left-out pairs (smallest slack), so that fewer rounds are needed.
ANTICIPATE_PAIRS = 20
#: Pairs scored per block of a scan.
BLOCK_PAIRS = 2_000_000

_NONE = np.iinfo(np.int64).max  # slack of a pair that is not left out (infeasible or offered)


@dataclass
class CertifiedSolution:
    """Result of :func:`solve_certified`.

    Attributes
    ----------
    solution : FlowSolution
        The optimal flow on the final edge set, with potentials.
    e_idx, r_idx : int arrays
        Mentee and mentor positions of the final edge set (offered pairs
        plus those added by the scans); ``solution.chosen`` indexes them.
    scores : float array
        Scores of those edges.
    rounds : int
        Scans that added pairs.
    scanned_mentees : int
        Mentee scans over all rounds (a mentee may be scanned in several).
    scanned_pairs : int
        (mentee, mentor) combinations scored by the scans.
    added : int
        Pairs added to the edge set.
    """

    solution: FlowSolution
    e_idx: np.ndarray
    r_idx: np.ndarray
    scores: np.ndarray
    rounds: int = 0
    scanned_mentees: int = 0
    scanned_pairs: int = 0
    added: int = 0


def solve_certified(
    model,
    e_idx: np.ndarray,
    r_idx: np.ndarray,
    scores: np.ndarray,
    capacity: np.ndarray,
    pruned: np.ndarray,
    best_pruned: np.ndarray,
    block_pairs: int = BLOCK_PAIRS,
    progress: Progress | None = None,
    current: np.ndarray | None = None,
    change_cost: float | None = None,
    tier: np.ndarray | None = None,
    min_score: float | None = None,
    start: np.ndarray | None = None,
) -> CertifiedSolution:
    """Solve on the offered pairs and extend them until the optimum is proven over all feasible pairs.

    Parameters
    ----------
    model : matching.scoring._Model
        The arrays of both sides (:attr:`Candidates.model`); scans call its
        ``block(rows, mentors, counts=False)``.
    e_idx, r_idx : int arrays, shape (E,)
        Mentee / mentor positions of the offered pairs (no repeats).
    scores : float array, shape (E,)
    capacity : int array, shape (N,)
        Remaining capacity per mentor position.
    pruned : int array
        Mentee positions that have feasible pairs left out (to be certified).
    best_pruned : float array, shape (M,)
        Per mentee position, the highest score among its left-out pairs
        (read only at ``pruned``).
    block_pairs : int
        Pairs scored per scan block (memory bound).
    progress : callable, optional
        ``progress("Подбор пар", fraction)`` after each solve; the number of
        rounds is not known ahead, so round k reports ``1 − 2^−k``.
    current : bool array, shape (E,), optional
        The offered pairs that are pairs in force (every feasible one must be
        offered); requires ``change_cost``.
    change_cost : float ≥ 0, optional
        Score units lost per current pair not chosen (see above).
    tier : int array, shape (M,), optional
        Priority tier per mentee position: the lexicographic optimum (tier
        counts, then the total) as one flow with per-mentee bonuses ``B_i``
        (see "Priority tiers" above).
    min_score : float, optional
        Only pairs of score ``≥ min_score`` exist: offered pairs below it are
        dropped and left-out ones below it need no certificate.
    start : int array, optional
        Node potentials to start the first solve's potentials from (the
        ``node_potential`` of a solve on the same nodes, e.g. before a
        ``min_score``): any start is exact, a near one leaves fewer left-out
        pairs with a negative slack.

    Returns
    -------
    CertifiedSolution

    Raises
    ------
    RuntimeError
        From :func:`matching.solver.solve_arrays` (not expected for valid input).
    """
    M, N = model.M, model.N
    is_active = model.r_consent & model.r_capacity
    active = np.flatnonzero(is_active)
    e, r, s = np.asarray(e_idx, np.int64), np.asarray(r_idx, np.int64), np.asarray(scores, float)
    cur = None if current is None else np.asarray(current, bool)
    if cur is not None and change_cost is None:
        raise ValueError(
            "current pairs need a change_cost for the certificate (kept pairs are fixed instead)"
        )
    if min_score is not None:
        keep = s >= min_score
        e, r, s = e[keep], r[keep], s[keep]
        cur = None if cur is None else cur[keep]
        # a mentee whose left-out pairs all score below min_score has nothing to certify
        pruned = pruned[best_pruned[pruned] + SCORE_TOLERANCE >= min_score]

    def solve(e, r, s, cur, start=None):
        return solve_arrays(
            e,
            r,
            s,
            M,
            capacity,
            potentials=True,
            start=start,
            current=cur,
            change_cost=None if cur is None else change_cost,
            tier=tier,
        )

    sol = solve(e, r, s, cur, start=start)
    report(progress, "Подбор пар", 0.5)
    out = CertifiedSolution(sol, e, r, s)
    # Per mentee: smallest slack among its left-out pairs as of its last scan, and the round of it.
    min_slack = np.full(M, -np.inf)
    scanned_at = np.full(M, -1)
    history: list[tuple[np.ndarray, np.ndarray, int, float]] = []
    while True:
        pi_e, pi_r = sol.mentee_potential, sol.mentor_potential
        scale = sol.scaling.scale
        bonus = sol.bonus(np.arange(M))
        rows = pruned[~_still_certified(sol, pruned, min_slack, scanned_at, history, active)]
        if not len(rows):
            break
        # Threshold t_i: only mentors with π_j > t_i can give mentee i a negative slack.
        threshold = pi_e[rows] - bonus[rows] - np.ceil(best_pruned[rows] * scale).astype(np.int64)
        order = active[np.argsort(-pi_r[active], kind="stable")]  # mentors by potential, highest first
        ascending = pi_r[order][::-1]
        n_prefix = len(order) - np.searchsorted(ascending, threshold, side="right")
        known = np.sort(e * N + r)
        offered_in_prefix = _offered_above(
            known, N, rows, threshold, np.where(is_active, pi_r, threshold.min())
        )
        rows, n_prefix = rows[n_prefix > offered_in_prefix], n_prefix[n_prefix > offered_in_prefix]
        if not len(rows):
            break
        by_size = np.argsort(n_prefix, kind="stable")
        rows, n_prefix = rows[by_size], n_prefix[by_size]
        history.append((pi_e.copy(), pi_r.copy(), bonus, sol.scaling.scale))
        new_e, new_r, new_s = [], [], []

        def scan(block, sol=sol, known=known, order=order, rows=rows):
            part, width = block
            return (part, width) + _scan(model, sol, known, rows[part], order[:width], min_score)

        for part, width, pe, pr, ps, rest in parallel_map(scan, _blocks(n_prefix, block_pairs)):
            b_rows = rows[part]
            # Mentors past the prefix: π_j ≤ π of the first of them, scores ≤ best_pruned.
            if width < len(order):
                outside = (
                    pi_e[b_rows] - bonus[b_rows] - np.ceil(best_pruned[b_rows] * scale) - pi_r[order[width]]
                )
                rest = np.minimum(rest, outside)
            min_slack[b_rows] = rest
            scanned_at[b_rows] = len(history) - 1
            new_e.append(pe)
            new_r.append(pr)
            new_s.append(ps)
            out.scanned_pairs += len(b_rows) * width
        out.scanned_mentees += len(rows)
        n_new = int(sum(len(x) for x in new_e))
        if n_new == 0:
            break  # every scanned mentee's left-out pairs have non-negative slack
        out.rounds += 1
        out.added += n_new
        e = np.concatenate([e, *new_e])
        r = np.concatenate([r, *new_r])
        s = np.concatenate([s, *new_s])
        if cur is not None:
            cur = np.concatenate([cur, np.zeros(n_new, bool)])
        # Start the potentials from the last ones: fewer rounds, and they drift less, so more
        # mentees stay certified by their last scan.
        sol = solve(e, r, s, cur, start=sol.node_potential)
        report(progress, "Подбор пар", 1 - 0.5 ** (out.rounds + 1))
    out.solution, out.e_idx, out.r_idx, out.scores = sol, e, r, s
    return out


def _still_certified(sol, pruned, min_slack, scanned_at, history, active) -> np.ndarray:
    """Per pruned mentee: is it certified by its last scan under the current potentials?

    A scan at round k left slacks ≥ ``min_slack``; now each is at least
    ``min_slack + (π_i − π_i^k) − max_j (π_j − π_j^k) − (B_i − B_i^k)`` (same scale).
    """
    ok = np.zeros(len(pruned), bool)
    for k, (pe, pr, bonus, scale) in enumerate(history):
        sel = scanned_at[pruned] == k
        if not sel.any() or scale != sol.scaling.scale:
            continue
        rows = pruned[sel]
        drift = float((sol.mentor_potential[active] - pr[active]).max(initial=0))
        bound = (
            min_slack[rows]
            + (sol.mentee_potential[rows] - pe[rows]).astype(float)
            - drift
            - (sol.bonus(rows) - bonus[rows]).astype(float)
        )
        ok[sel] = bound >= 0
    return ok


def _offered_above(
    known: np.ndarray, N: int, rows: np.ndarray, threshold: np.ndarray, pi_r: np.ndarray
) -> np.ndarray:
    """Per row: offered mentors with potential above the row's threshold (``known`` holds the
    sorted keys ``mentee · N + mentor`` of the offered pairs; the caller gives mentors that
    are not in the prefix order a potential at or below every threshold)."""
    owner, mentor = _offered_pairs(known, N, rows)
    above = pi_r[mentor] > threshold[owner]
    return np.bincount(owner[above], minlength=len(rows))


def _offered_pairs(known: np.ndarray, N: int, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The offered pairs of mentee positions ``rows``: (index into ``rows``, mentor position),
    read from the sorted keys ``mentee · N + mentor`` in ``known``."""
    lo = np.searchsorted(known, rows * N)
    sizes = np.searchsorted(known, rows * N + N) - lo
    owner = np.repeat(np.arange(len(rows)), sizes)
    pos = np.repeat(lo - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())
    return owner, known[pos] % N


def _blocks(n_prefix: np.ndarray, block_pairs: int):
    """Consecutive row ranges (rows sorted by prefix width) of at most ``block_pairs`` pairs each,
    with the width to scan (the largest prefix in the range)."""
    start, n = 0, len(n_prefix)
    while start < n:
        stop = start + 1
        while stop < n and (stop + 1 - start) * n_prefix[stop] <= block_pairs:
            stop += 1
        yield np.arange(start, stop), int(n_prefix[stop - 1])
        start = stop


def _scan(model, sol: FlowSolution, known: np.ndarray, rows: np.ndarray, cols: np.ndarray, min_score=None):
    """Score ``rows`` × ``cols``; return the pairs to add (mentee, mentor, exact score) and, per
    row, a lower bound of the smallest slack among the left-out pairs not added (float, inf
    when none). Pairs below ``min_score`` do not exist."""
    N = model.N
    feasible, _, score = model.block(rows, cols, counts=False)
    # Block scores are float32 within SCORE_TOLERANCE: the slack is bounded from below with the
    # largest score the pair can have, so a pair is never wrongly left out.
    upper = score.astype(float)
    upper += SCORE_TOLERANCE
    if min_score is not None:
        feasible &= upper >= min_score
    upper *= sol.scaling.scale
    slack = sol.mentee_potential[rows][:, None] - sol.mentor_potential[cols][None, :]
    slack -= sol.bonus(rows)[:, None] + np.ceil(upper).astype(np.int64)
    slack[~feasible] = _NONE
    # Offered pairs are not left out.
    owner, mentor = _offered_pairs(known, N, rows)
    col_of = np.full(N, -1, np.int64)
    col_of[cols] = np.arange(len(cols))
    c = col_of[mentor]
    slack[owner[c >= 0], c[c >= 0]] = _NONE
    hit = np.flatnonzero(slack.min(axis=1) < 0)
    take = np.zeros((len(hit), len(cols)), bool)
    if len(hit):
        sub = slack[hit]
        take = sub < 0
        if len(cols) > ANTICIPATE_PAIRS:  # and the few most attractive others
            near = np.argpartition(sub, ANTICIPATE_PAIRS - 1, axis=1)[:, :ANTICIPATE_PAIRS]
            h = np.arange(len(hit))[:, None]
            take[h, near] |= sub[h, near] != _NONE
        else:
            take |= sub != _NONE
        sub[take] = _NONE
        slack[hit] = sub
    rest = slack.min(axis=1).astype(float) if len(cols) else np.full(len(rows), np.inf)
    rest[rest >= float(_NONE)] = np.inf
    hr, hc = np.nonzero(take)
    pe, pr = rows[hit[hr]], cols[hc]
    ps = model.score_pairs(pe, pr)  # the solver gets the exact scores
    if min_score is not None:  # a float32 score near the bound: the exact one decides
        ok = ps >= min_score
        pe, pr, ps = pe[ok], pr[ok], ps[ok]
    return pe, pr, ps, rest
