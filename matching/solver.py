"""Exact capacitated assignment: most mentees matched, then the highest total score.

The problem is a min-cost flow (research note matching.md §4.1)::

    source ──1──▶ mentee ──1, cost −s──▶ mentor ──capacity──▶ sink

solved with OR-Tools ``SimpleMinCostFlow.solve_max_flow_with_min_cost``,
which first maximises the flow (the number of matched mentees) and then, among
all maximum flows, minimises the cost (maximises the total score). The result
is integral and optimal (network-flow integrality), so it is exact, not a
heuristic. Arcs are added with the vectorised numpy calls.

Integer scaling
---------------
Min-cost flow needs integer costs. If every score is an integer (within
1e-9) the scores are used as they are and the optimum is exact. Otherwise
scores are multiplied by ``scale = 10**k``, with ``k`` chosen so that the
largest ``|score| · scale`` is below 10⁹, and rounded to the nearest integer.
Each rounded score differs from the true one by at most ``0.5 / scale``, so
the returned assignment's true total score is within ``P / scale`` of the true
optimum, where ``P`` is the number of pairs in it (for scores in [0, 1]:
``scale = 10⁹``, i.e. within ``P · 10⁻⁹``). The number of matched mentees is
always exactly maximal.

Determinism: edges are sorted by (mentee_id, mentor_id) before the graph is
built, so equal inputs give equal outputs; among several optimal assignments
the one the solver reaches from that order is returned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd
from ortools.graph.python import min_cost_flow

_TARGET = 10**9


@dataclass(frozen=True)
class Scaling:
    """How scores were turned into integer costs: ``cost = −round(score · scale)``."""

    scale: float
    exact: bool


def integer_scores(scores: np.ndarray) -> tuple[np.ndarray, Scaling]:
    """Scale float scores to int64 as described in the module docstring."""
    scores = np.asarray(scores, dtype=float)
    if scores.size == 0:
        return scores.astype(np.int64), Scaling(1.0, True)
    if not np.all(np.isfinite(scores)):
        raise ValueError("scores must be finite numbers")
    if np.allclose(scores, np.round(scores), rtol=0, atol=1e-9) and np.abs(scores).max() < 2**40:
        return np.round(scores).astype(np.int64), Scaling(1.0, True)
    top = max(float(np.abs(scores).max()), 1e-300)
    k = math.floor(math.log10(_TARGET / top))
    scale = 10.0 ** k
    return np.round(scores * scale).astype(np.int64), Scaling(scale, False)


def solve_assignment(edges: pd.DataFrame, capacity: Mapping[str, int]) -> pd.DataFrame:
    """Choose pairs: the most mentees matched, then the highest total score.

    Parameters
    ----------
    edges : DataFrame
        Columns ``mentee_id``, ``mentor_id`` (hashable ids) and ``score``
        (float, any sign; higher is better). Each row is an allowed pair;
        pairs not listed are not allowed. A repeated pair keeps its highest
        score.
    capacity : mapping
        ``{mentor_id: int ≥ 0}``: how many mentees each mentor takes. Every
        mentor that appears in ``edges`` must be present.

    Returns
    -------
    DataFrame
        The chosen rows of ``edges`` (all their columns), one per matched
        mentee, sorted by ``mentee_id``. Each mentee appears at most once and
        each mentor at most ``capacity`` times. The attribute
        ``result.attrs["scaling"]`` holds the :class:`Scaling` used.

    Raises
    ------
    ValueError
        Missing columns, a mentor without capacity, a negative capacity,
        non-finite scores.
    RuntimeError
        The solver did not report an optimal flow (not expected for valid
        input).
    """
    missing = {"mentee_id", "mentor_id", "score"} - set(edges.columns)
    if missing:
        raise ValueError(f"edges lacks columns {sorted(missing)}; expected mentee_id, mentor_id, score")
    if len(edges) == 0:
        out = edges.iloc[0:0].copy()
        out.attrs["scaling"] = Scaling(1.0, True)
        return out
    e = edges.sort_values(["mentee_id", "mentor_id", "score"], ascending=[True, True, False], kind="stable")
    e = e.drop_duplicates(["mentee_id", "mentor_id"], keep="first")

    mentee_codes, mentees = pd.factorize(e["mentee_id"], sort=True)
    mentor_codes, mentors = pd.factorize(e["mentor_id"], sort=True)
    unknown = [m for m in mentors if m not in capacity]
    if unknown:
        raise ValueError(f"capacity has no entry for mentors {unknown[:5]!r}; expected an int for each")
    cap = np.array([int(capacity[m]) for m in mentors], dtype=np.int64)
    if (cap < 0).any():
        raise ValueError(f"capacity must be ≥ 0, got {dict(zip(mentors[cap < 0], cap[cap < 0]))!r}")

    costs, scaling = integer_scores(e["score"].to_numpy())
    M, N = len(mentees), len(mentors)
    source, sink = 0, M + N + 1
    tails = np.concatenate([np.zeros(M, np.int64), 1 + mentee_codes.astype(np.int64),
                            1 + M + np.arange(N, dtype=np.int64)])
    heads = np.concatenate([1 + np.arange(M, dtype=np.int64), 1 + M + mentor_codes.astype(np.int64),
                            np.full(N, sink, np.int64)])
    caps = np.concatenate([np.ones(M, np.int64), np.ones(len(e), np.int64), cap])
    unit = np.concatenate([np.zeros(M, np.int64), -costs, np.zeros(N, np.int64)])

    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, unit)
    smcf.set_nodes_supplies(np.array([source, sink], np.int64), np.array([M, -M], np.int64))
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status!r}")
    flows = smcf.flows(arcs[M:M + len(e)])
    chosen = e.iloc[np.flatnonzero(flows > 0)]
    out = chosen.sort_values("mentee_id", kind="stable").reset_index(drop=True)
    out.attrs["scaling"] = scaling
    return out
