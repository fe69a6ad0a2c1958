"""Pair scoring: hard constraints and score components, vectorised.

For every (mentee, mentor) combination the hard constraints decide whether
the pair is *feasible*; feasible pairs get eight components in [0, 1] and a
weighted score ``Σ w_i · c_i / Σ w_i`` (also in [0, 1]). Work is done on
numpy arrays in blocks of mentees (at most about two million combinations per
block), so memory stays proportional to the block plus the feasible pairs;
there is no Python loop over pairs.

Components (``c_i``) and where they come from
---------------------------------------------
coverage
    ``|D ∩ S| / |D|``: share of the mentee's deficits ``D`` covered by the
    mentor's strengths ``S`` (0 when the mentee lists no deficit). With
    ``scales.coverage_by_severity`` (off by default) each deficit counts with
    its severity from the diagnosis (threshold − level, the registry's
    ``deficit_weights``; 1 when not assessed): ``Σ_{d∈D∩S} s_d / Σ_{d∈D} s_d``,
    so a mentor who covers the mentee's gravest gap scores higher
    (docs/sources.md [Тетюши-2022] §4.3, the mentor answers «запросам
    наставляемого»).
    docs/sources.md [Жигалово-2021] п. 1.6: tandems are formed «по решению
    выявленных профессиональных дефицитов»; [Тетюши-2022] §4.3: the mentor's
    profile «должен соответствовать запросам наставляемого».
subject
    1 when the two share a subject, else 0 (docs/sources.md [Тетюши-2022]
    §4.3, professional profile; §4.9 «предметно-профессиональные» directions).
experience
    ``clip((E_mentor − E_mentee) / G, 0, 1)`` with ``G`` =
    ``scales.experience_full_gap_years`` (years): the traditional form pairs a
    more experienced with a beginning teacher (docs/sources.md [Тетюши-2022] §4.4).
category
    Mentor's qualification category: без категории 0, первая 0.5, высшая 0.75,
    педагог-методист and педагог-наставник 1 (the two top categories of the
    2023 certification rules, which name mentoring as their duty,
    docs/sources.md [Аттестация-2023]; the values are our choice).
cluster
    School result groups from the district monitoring (docs/sources.md
    [Жигалово-2021] п. 1.5): ШНОР <
    ШСОР < ШВОР. 1 when the mentor's school has higher results than the
    mentee's, 0.5 when equal or unknown, 0 when lower (network tandems carry
    practice from stronger to weaker schools, [Жигалово-2021] п. 1.6).
distance
    Haversine distance ``d`` (km) between the two schools. The pair's format
    is очно if either side wants очно, дистанционно if either wants
    дистанционно, смешанно if both accept смешанно; очно with дистанционно is
    incompatible (docs/sources.md [Тетюши-2022] §4.8: the «режим работы
    (онлайн, очный, смешанный)» is part of the programme). Component: очно
    ``max(0, 1 − d / L)``, смешанно ``1 − 0.5 · min(d / L, 1)``, дистанционно
    1, with ``L`` = ``scales.distance_scale_km``; 0.5 when coordinates are
    missing.
preference
    Mutual interest (docs/sources.md [Тетюши-2022] §4.3: «взаимный интерес
    и симпатия»). With ``a = 1 / rank`` when the mentee named this mentor
    with priority ``rank`` (1 = first wish), else 0, and ``b = 1 / rank``
    likewise for the mentor's wish (the optional sheet «Пожелания
    наставников»): when the registry holds no mentor wish at all the
    component is ``a`` (as before mentor wishes existed); otherwise it is
    ``1/2 + (a + b) / 4`` for a mutual wish (both > 0, in (1/2, 1]),
    ``max(a, b) / 2`` for a one-sided one (in (0, 1/2]) and 0 without a
    wish — so a mutual wish always weighs more than any one-sided wish.
network
    1 when the mentor works at another school (network mentoring,
    docs/sources.md [Жигалово-2021] п. 1.6), else 0; reversed when ``scales.school_preference`` is ``same``.

Hard constraints, in the order used to explain exclusions
---------------------------------------------------------
``consent`` (the mentor's written consent, docs/sources.md [Тетюши-2022] §3.8), ``capacity`` (a
mentor of capacity 0), ``self`` (a teacher of role «оба» is never their own
mentor), ``forbidden (the «Запреты» sheet), ``same_school``
(when not allowed), ``format`` (очно with дистанционно), ``distance``
(очно pairs farther than ``max_distance_km``), ``subject`` (when a common
subject is required), ``relevance`` (when required: the mentor covers none of
the mentee's deficits and shares no subject).

Top-K candidates
----------------
With ``top_k`` set, only the ``top_k`` best-scoring feasible mentors of each
mentee are kept (ties broken by mentor order), and the score of the best
pruned mentor is recorded per mentee. Memory is then proportional to
``mentees × top_k``. :mod:`matching.engine` uses this only together with an
optimality certificate (see there).
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from matching.config import COMPONENTS, MatchConfig
from tandem.progress import Progress, report

EXCLUSIONS = (
    "consent",
    "capacity",
    "self",
    "forbidden",
    "same_school",
    "format",
    "distance",
    "subject",
    "relevance",
)

CATEGORY_SCORE = {
    "без категории": 0.0,
    "первая": 0.5,
    "высшая": 0.75,
    "педагог-методист": 1.0,
    "педагог-наставник": 1.0,
}
CLUSTER_RANK = {"ШНОР": 0, "ШСОР": 1, "ШВОР": 2}
FORMAT_CODE = {"очно": 0, "дистанционно": 1, "смешанно": 2}
FORMAT_NAMES = ("очно", "дистанционно", "смешанно")
EARTH_RADIUS_KM = 6371.0088

_BLOCK_PAIRS = 2_000_000
#: Largest difference between a block's float32 score and the exact float64 one (scores are
#: in [0, 1]; the actual error is about 1e-6 at most). Bounds built from block scores add it.
SCORE_TOLERANCE = 1e-5
#: Threads that score blocks at the same time (numpy releases the GIL); 1 = no threads.
WORKERS = min(4, os.cpu_count() or 1)
#: Pair-format layer of the lookup tables by (mentee format, mentor format): the pair format
#: (очно 0, дистанционно 1, смешанно 2), or 3 when очно meets дистанционно (incompatible).
FORMAT_LAYER = np.array([[0, 3, 0], [3, 1, 1], [0, 1, 2]], dtype=np.int8)
#: Reasons a block evaluation can exclude a pair (consent and capacity are per mentor), in order
#: of precedence; in a block's code matrix, 0 is a feasible pair and k is BLOCK_REASONS[k − 1].
BLOCK_REASONS = ("self", "forbidden", "same_school", "format", "distance", "subject", "relevance")
_CODE = {name: k + 1 for k, name in enumerate(BLOCK_REASONS)}


@dataclass
class Candidates:
    """Feasible pairs and why the other combinations were excluded.

    Attributes
    ----------
    pairs : DataFrame
        One row per kept feasible pair: ``mentee_id``, ``mentor_id`` (str),
        ``score`` (float in [0, 1]), one float column per component in
        :data:`matching.config.COMPONENTS`, ``distance_km`` (float, NaN when
        unknown), ``pair_format`` (str), ``n_covered`` and ``n_deficits``
        (int). Sorted by mentee_id, then mentor_id.
    exclusions : DataFrame
        Indexed by ``mentee_id``: one int column per reason in
        :data:`EXCLUSIONS` (mentors excluded first by that reason),
        ``feasible`` (int: all feasible mentors, kept or pruned), ``mentors``
        (int, all mentors considered) and ``best_pruned`` (float: an upper
        bound, within 1e-5, of the highest score among feasible mentors not
        kept; NaN when none was pruned).
    """

    pairs: pd.DataFrame
    exclusions: pd.DataFrame
    model: _Model | None = field(default=None, repr=False)


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km between points given in degrees.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : array_like
        Latitudes and longitudes in degrees; broadcast against each other.

    Returns
    -------
    ndarray
        Distances in km (mean Earth radius 6371.0088 km), shape of the
        broadcast inputs; NaN where a coordinate is NaN.
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _one_hot(lists: pd.Series, vocab: dict[str, int]) -> np.ndarray:
    """0/1 float32 matrix (rows × vocab) from a Series of tuples of codes."""
    out = np.zeros((len(lists), len(vocab)), dtype=np.float32)
    sizes = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    rows = np.repeat(np.arange(len(lists)), sizes)
    cols = np.fromiter((vocab[c] for items in lists for c in items), dtype=np.int64, count=len(rows))
    out[rows, cols] = 1.0
    return out


def _weighted_hot(lists: pd.Series, weights: pd.Series, vocab: dict[str, int]) -> np.ndarray:
    """Like :func:`_one_hot`, each code's cell holding its weight (a missing or short weights tuple: 1)."""
    out = np.zeros((len(lists), len(vocab)), dtype=np.float32)
    for i, (items, w) in enumerate(zip(lists, weights)):
        w = tuple(w) if isinstance(w, tuple) else ()
        for k, c in enumerate(items):
            out[i, vocab[c]] = float(w[k]) if k < len(w) else 1.0
    return out


class _Model:
    """Arrays of both sides, built once; ids become integer positions."""

    def __init__(
        self, mentees, mentors, schools, forbidden, preferences, config: MatchConfig, mentor_preferences=None
    ):
        self.config = config
        self.weights = np.array([getattr(config.weights, c) for c in COMPONENTS], dtype=float)
        self.wsum = float(self.weights.sum())
        s = schools.drop_duplicates("school_id").reset_index(drop=True)
        school_code = {sid: i for i, sid in enumerate(s["school_id"])}
        lat, lon = s["lat"].to_numpy(float), s["lon"].to_numpy(float)
        self.school_dist = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
        cluster = s["cluster"].map(CLUSTER_RANK).to_numpy(dtype=float)
        self._school_cluster = cluster

        all_ids = pd.Index(pd.concat([mentees["teacher_id"], mentors["teacher_id"]]).unique())
        self.M, self.N = len(mentees), len(mentors)
        self.e_id = mentees["teacher_id"].to_numpy(dtype=object)
        self.r_id = mentors["teacher_id"].to_numpy(dtype=object)
        self.e_tid = all_ids.get_indexer(mentees["teacher_id"])
        self.r_tid = all_ids.get_indexer(mentors["teacher_id"])
        self.e_sch = mentees["school_id"].map(school_code).to_numpy(dtype=np.int64)
        self.r_sch = mentors["school_id"].map(school_code).to_numpy(dtype=np.int64)
        self.e_exp = mentees["experience_years"].to_numpy(float)
        self.r_exp = mentors["experience_years"].to_numpy(float)
        self.e_fmt = mentees["format"].map(FORMAT_CODE).to_numpy(dtype=np.int8)
        self.r_fmt = mentors["format"].map(FORMAT_CODE).to_numpy(dtype=np.int8)
        self.r_cat = mentors["category"].map(CATEGORY_SCORE).fillna(0.0).to_numpy(float)
        self.r_consent = mentors["consent"].to_numpy(dtype=bool)
        self.r_capacity = mentors["capacity"].to_numpy(dtype=np.int64) > 0

        subj = {
            x: i
            for i, x in enumerate(
                sorted({x for t in pd.concat([mentees["subjects"], mentors["subjects"]]) for x in t})
            )
        }
        codes = {
            x: i
            for i, x in enumerate(
                sorted({x for t in pd.concat([mentees["deficits"], mentors["strengths"]]) for x in t})
            )
        }
        self.subj_e, self.subj_r = _one_hot(mentees["subjects"], subj), _one_hot(mentors["subjects"], subj)
        self.def_e, self.str_r = _one_hot(mentees["deficits"], codes), _one_hot(mentors["strengths"], codes)
        self.n_def = self.def_e.sum(axis=1)
        # Coverage counts each deficit with its weight: 1, or its severity when configured.
        self.def_w = self.def_e
        if config.scales.coverage_by_severity and "deficit_weights" in mentees.columns:
            self.def_w = _weighted_hot(mentees["deficits"], mentees["deficit_weights"], codes)
        n_weighted = self.def_w.sum(axis=1)

        e_pos = {t: i for i, t in enumerate(self.e_id)}
        r_pos = {t: i for i, t in enumerate(self.r_id)}

        def pair_positions(df):
            ok = df["mentee_id"].isin(e_pos) & df["mentor_id"].isin(r_pos)
            d = df[ok]
            return (
                d["mentee_id"].map(e_pos).to_numpy(np.int64),
                d["mentor_id"].map(r_pos).to_numpy(np.int64),
                d,
            )

        self.fb_e, self.fb_r, _ = pair_positions(forbidden)
        self._set_preferences(pair_positions, preferences, mentor_preferences)

        # Lookup tables: everything that depends only on the two schools and the pair's format layer
        # (FORMAT_LAYER: очно, дистанционно, смешанно, or 3 for an incompatible очно–дистанционно pair).
        S = len(s)
        self.S = S
        sch_e = np.arange(S)[:, None]
        sch_r = np.arange(S)[None, :]
        geo = np.zeros((4, S, S))
        for f in range(3):
            comps = self._school_components(np.full((S, S), f, np.int8), sch_e, sch_r)
            geo[f] = sum(self._w(c) * comps[c] for c in ("cluster", "distance", "network"))
        self.geo = geo.ravel()
        # The first hard constraint each (layer, school, school) breaks, as a code of BLOCK_REASONS
        # (later assignments take precedence, so they go in reverse order of precedence).
        cons = config.constraints
        hard = np.zeros((4, S, S), dtype=np.int8)
        if cons.max_distance_km is not None:
            hard[0][self.school_dist > cons.max_distance_km] = _CODE["distance"]
        hard[3] = _CODE["format"]
        if not cons.allow_same_school:
            hard[:, np.arange(S), np.arange(S)] = _CODE["same_school"]
        self.hard = hard.ravel()
        self.inv_nd = np.where(self.n_def > 0, 1.0 / np.maximum(n_weighted, 1), 0.0)
        # geo_index parts: per mentee format f and mentor j, layer(f, j)·S² + school_j; per mentee school_i·S.
        self._geo_base = FORMAT_LAYER[:, self.r_fmt].astype(np.int64) * S * S + self.r_sch[None, :]
        self._e_geo = self.e_sch * S
        self._mentor_of_teacher = {t: j for j, t in enumerate(self.r_tid)}
        self._table_cache: dict[str, dict[str, np.ndarray]] = {}

    def _set_preferences(self, pair_positions, preferences, mentor_preferences) -> None:
        """Sorted keys ``mentee · N + mentor`` of the wished pairs, the preference component of each
        (module docstring) and the two ranks (0: no wish of that side)."""
        n = max(self.N, 1)
        pe, pr, pf = pair_positions(preferences)
        rank_e = pf["rank"].to_numpy(float) if len(pf) else np.zeros(0)
        mutual_mode = mentor_preferences is not None and len(mentor_preferences) > 0
        if mutual_mode:
            me, mr, mf = pair_positions(mentor_preferences)
            rank_m = mf["rank"].to_numpy(float) if len(mf) else np.zeros(0)
        else:
            me = mr = np.zeros(0, np.int64)
            rank_m = np.zeros(0)
        key = np.unique(np.concatenate([pe * n + pr, me * n + mr]))
        a, b = np.zeros(len(key)), np.zeros(len(key))
        # reversed: of a pair given twice, its first row counts
        a[np.searchsorted(key, pe * n + pr)[::-1]] = rank_e[::-1]
        b[np.searchsorted(key, me * n + mr)[::-1]] = rank_m[::-1]
        inv_a = np.divide(1.0, a, out=np.zeros(len(a)), where=a > 0)
        inv_b = np.divide(1.0, b, out=np.zeros(len(b)), where=b > 0)
        if not mutual_mode:
            val = inv_a
        else:
            val = np.where((a > 0) & (b > 0), 0.5 + (inv_a + inv_b) / 4, np.maximum(inv_a, inv_b) / 2)
        self.pref_key, self.pref_val = key, val
        self.pref_rank_e, self.pref_rank_m = a, b
        self.pref_e, self.pref_r = key // n, key % n

    def wish_ranks(self, ei, ri) -> tuple[np.ndarray, np.ndarray]:
        """The mentee's and the mentor's wish rank of each pair (int64, 0: no wish)."""
        ei, ri = np.asarray(ei, np.int64), np.asarray(ri, np.int64)
        if not len(self.pref_key) or not len(ei):
            return np.zeros(len(ei), np.int64), np.zeros(len(ei), np.int64)
        key = ei * max(self.N, 1) + ri
        pos = np.minimum(np.searchsorted(self.pref_key, key), len(self.pref_key) - 1)
        hit = self.pref_key[pos] == key
        return (
            np.where(hit, self.pref_rank_e[pos], 0).astype(np.int64),
            np.where(hit, self.pref_rank_m[pos], 0).astype(np.int64),
        )

    # -- per-pair quantities (ei, ri broadcast: (B,1)&(1,N) blocks or (P,)&(P,) lists) ---------

    def pair_format(self, ei, ri):
        fe, fr = self.e_fmt[ei], self.r_fmt[ri]
        return np.where((fe == 0) | (fr == 0), 0, np.where((fe == 1) | (fr == 1), 1, 2)).astype(np.int8)

    def preference(self, ei, ri):
        if not len(self.pref_key):
            return np.zeros(np.broadcast(ei, ri).shape)
        key = np.asarray(ei, np.int64) * max(self.N, 1) + np.asarray(ri, np.int64)
        pos = np.minimum(np.searchsorted(self.pref_key, key), len(self.pref_key) - 1)
        return np.where(self.pref_key[pos] == key, self.pref_val[pos], 0.0)

    def _w(self, component: str) -> float:
        return float(self.weights[COMPONENTS.index(component)])

    def _school_components(self, fmt, sch_e, sch_r) -> dict[str, np.ndarray]:
        """cluster, distance and network components from school positions and pair format."""
        sc = self.config.scales
        d = self.school_dist[sch_e, sch_r]
        ratio = np.minimum(d / sc.distance_scale_km, 1.0)
        dist_c = np.where(fmt == 0, 1.0 - ratio, np.where(fmt == 2, 1.0 - 0.5 * ratio, 1.0))
        dist_c = np.where(np.isnan(d) & (fmt != 1), 0.5, dist_c)
        ce, cr = self._school_cluster[sch_e], self._school_cluster[sch_r]
        clus = np.where(
            np.isnan(ce) | np.isnan(cr), 0.5, np.where(cr > ce, 1.0, np.where(cr == ce, 0.5, 0.0))
        )
        other = np.broadcast_to(sch_e != sch_r, np.broadcast(sch_e, sch_r).shape)
        if sc.school_preference == "same":
            other = ~other
        return {"cluster": clus, "distance": dist_c, "network": other.astype(float)}

    def components(self, ei, ri, shared, covered) -> dict[str, np.ndarray]:
        """The eight components; ``shared`` (bool) and ``covered`` (count) come precomputed."""
        sc = self.config.scales
        school = self._school_components(self.pair_format(ei, ri), self.e_sch[ei], self.r_sch[ri])
        return {
            "coverage": covered * self.inv_nd[ei],
            "subject": np.asarray(shared, float),
            "experience": np.clip((self.r_exp[ri] - self.e_exp[ei]) / sc.experience_full_gap_years, 0.0, 1.0),
            "category": np.broadcast_to(self.r_cat[ri], np.broadcast(ei, ri).shape),
            "cluster": school["cluster"],
            "distance": school["distance"],
            "preference": self.preference(ei, ri),
            "network": school["network"],
        }

    def geo_index(self, ei, ri) -> np.ndarray:
        """Index into the (format layer, mentee school, mentor school) tables:
        ``(layer · S + school_e) · S + school_r``, from per-mentor precomputed parts."""
        return self._geo_base[self.e_fmt[ei], ri] + self._e_geo[ei]

    def _geo_block(self, rows: np.ndarray, active: np.ndarray) -> np.ndarray:
        """:meth:`geo_index` for a rows × active block: whole rows copied from the three
        per-format mentor rows, then the mentee's school part added (int32, in place)."""
        dtype = np.int32 if 4 * self.S * self.S < 2**31 else np.int64
        base = self._geo_base[:, active].astype(dtype)
        out = np.take(base, self.e_fmt[rows].astype(np.intp), axis=0)
        out += self._e_geo[rows].astype(dtype)[:, None]
        return out

    def fast_score(self, ei, ri, shared, covered, geo_idx=None, dtype=np.float64) -> np.ndarray:
        """The pair score Σ w·c / Σ w computed from the lookup tables (same value for a
        block (ei (B,1), ri (1,N)) and for pair lists (ei, ri of shape (P,)): the same
        operations in the same order, in place where possible).

        ``dtype=np.float32`` halves the memory traffic of a block; such a
        score is within :data:`SCORE_TOLERANCE` of the float64 one (each
        component is in [0, 1] and the weights are normalised, so the error is
        a few float32 roundings of numbers ≤ 1, about 1e-6 at most).
        """
        f = dtype
        t = self._tables(f)
        sc = self.config.scales
        if geo_idx is None:
            geo_idx = self.geo_index(ei, ri)
        total = t["geo"][geo_idx]
        tmp = np.asarray(covered).astype(f, copy=False) * t["inv_nd"][ei]
        tmp *= f(self._w("coverage"))
        total += tmp
        total += f(self._w("subject")) * np.asarray(shared, f)
        tmp = t["r_exp"][ri] - t["e_exp"][ei]
        tmp /= f(sc.experience_full_gap_years)
        np.clip(tmp, 0.0, 1.0, out=tmp)
        tmp *= f(self._w("experience"))
        total += tmp
        total += f(self._w("category")) * t["r_cat"][ri]
        if self.wsum > 0:
            total /= f(self.wsum)
        return total

    def _tables(self, dtype) -> dict[str, np.ndarray]:
        """The per-school-pair and per-person tables of :meth:`fast_score` in ``dtype``."""
        key = np.dtype(dtype).name
        if key not in self._table_cache:
            self._table_cache[key] = {
                name: np.asarray(getattr(self, name), dtype)
                for name in ("geo", "inv_nd", "r_exp", "e_exp", "r_cat")
            }
        return self._table_cache[key]

    def score_pairs(self, ei: np.ndarray, ri: np.ndarray) -> np.ndarray:
        """Exact (float64) scores of explicit (mentee position, mentor position) lists, the
        ``score`` column of :meth:`pairs`."""
        ei, ri = np.asarray(ei, np.int64), np.asarray(ri, np.int64)
        if not len(ei):
            return np.zeros(0)
        shared = np.einsum("ij,ij->i", self.subj_e[ei], self.subj_r[ri]) > 0
        covered = np.einsum("ij,ij->i", self.def_w[ei], self.str_r[ri])
        score = self.fast_score(ei, ri, shared, covered)
        if self.wsum > 0:
            score = score + self._w("preference") / self.wsum * self.preference(ei, ri)
        return score

    def _block_positions(self, rows: np.ndarray, active: np.ndarray, e_pos: np.ndarray, r_pos: np.ndarray):
        """Positions inside a rows × active block of pairs given by mentee / mentor positions."""
        row_of = np.full(self.M, -1, np.int64)
        row_of[rows] = np.arange(len(rows))
        col_of = np.full(self.N, -1, np.int64)
        col_of[active] = np.arange(len(active))
        r, c = row_of[e_pos], col_of[r_pos]
        ok = (r >= 0) & (c >= 0)
        return r[ok], c[ok], ok

    def pref_bonus(self, rows: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(block rows, block cols, bonus) of the preferences inside a block: the weighted 1 / rank."""
        r, c, ok = self._block_positions(rows, active, self.pref_e, self.pref_r)
        w = self._w("preference") / self.wsum if self.wsum > 0 else 0.0
        return r, c, w * self.pref_val[ok]

    # -- blocks ------------------------------------------------------------------------------------

    def block(self, rows: np.ndarray, active: np.ndarray, counts: bool = True):
        """Feasibility, exclusion counts and scores for mentee positions ``rows`` × ``active`` mentors.

        Returns ``feasible`` (bool, rows × active), ``counts`` (reason of
        :data:`BLOCK_REASONS` → int per row: mentors excluded first by it;
        ``None`` when ``counts`` is false) and ``score`` (float32, rows ×
        active; within :data:`SCORE_TOLERANCE` of the exact score, which
        :meth:`score_pairs` gives).
        """
        cons = self.config.constraints
        rows = np.asarray(rows, np.int64)
        ei = rows[:, None]
        ri = active[None, :]
        B = len(rows)
        shared = (self.subj_e[rows] @ self.subj_r[active].T) > 0
        covered = self.def_w[rows] @ self.str_r[active].T
        geo_idx = self._geo_block(rows, active)
        code = self.hard[geo_idx]  # same_school, format, distance: the first one broken
        if cons.require_subject_match:
            code[(code == 0) & ~shared] = _CODE["subject"]
        if cons.require_relevance:
            code[(code == 0) & (covered == 0) & ~shared] = _CODE["relevance"]
        # Sparse reasons, highest precedence last: forbidden pairs, then self-pairs (a teacher of
        # role «оба» is on both sides; only those rows can be self-pairs).
        r, c, _ = self._block_positions(rows, active, self.fb_e, self.fb_r)
        code[r, c] = _CODE["forbidden"]
        tid_pos = self._mentor_of_teacher
        both = [(i, tid_pos[t]) for i, t in zip(rows.tolist(), self.e_tid[rows]) if t in tid_pos]
        if both:
            r, c, _ = self._block_positions(
                rows,
                active,
                np.array([b[0] for b in both], np.int64),
                np.array([b[1] for b in both], np.int64),
            )
            code[r, c] = _CODE["self"]
        feasible = code == 0
        per_reason = None
        if counts:
            flat = code.astype(np.int32)
            flat += (np.arange(B, dtype=np.int32) * (len(BLOCK_REASONS) + 1))[:, None]
            tally = np.bincount(flat.ravel(), minlength=B * (len(BLOCK_REASONS) + 1))
            tally = tally.reshape(B, len(BLOCK_REASONS) + 1)
            per_reason = {name: tally[:, k + 1].astype(np.int64) for k, name in enumerate(BLOCK_REASONS)}
        score = self.fast_score(ei, ri, shared, covered, geo_idx, dtype=np.float32)
        pr, pc, bonus = self.pref_bonus(rows, active)
        score[pr, pc] += bonus
        return feasible, per_reason, score

    def pairs(self, ei: np.ndarray, ri: np.ndarray) -> pd.DataFrame:
        """The pairs frame for explicit (mentee position, mentor position) lists."""
        shared = np.einsum("ij,ij->i", self.subj_e[ei], self.subj_r[ri]) > 0 if len(ei) else np.zeros(0, bool)
        covered = np.einsum("ij,ij->i", self.def_w[ei], self.str_r[ri]) if len(ei) else np.zeros(0)
        n_covered = covered
        if self.def_w is not self.def_e and len(ei):
            n_covered = np.einsum("ij,ij->i", self.def_e[ei], self.str_r[ri])
        comps = self.components(ei, ri, shared, covered)
        score = self.fast_score(ei, ri, shared, covered)
        if self.wsum > 0:
            score = score + self._w("preference") / self.wsum * comps["preference"]
        wish_e, wish_r = self.wish_ranks(ei, ri)
        return pd.DataFrame(
            {
                "mentee_id": self.e_id[ei] if len(ei) else np.array([], dtype=object),
                "mentor_id": self.r_id[ri] if len(ri) else np.array([], dtype=object),
                "score": score,
                **{c: np.asarray(comps[c], float) for c in COMPONENTS},
                "distance_km": self.school_dist[self.e_sch[ei], self.r_sch[ri]].astype(float),
                "pair_format": np.asarray(FORMAT_NAMES, dtype=object)[
                    self.pair_format(ei, ri).astype(np.int64)
                ]
                if len(ei)
                else np.array([], dtype=object),
                "n_covered": np.asarray(n_covered).astype(np.int64),
                "n_deficits": self.n_def[ei].astype(np.int64),
                "wish_mentee": wish_e,
                "wish_mentor": wish_r,
            }
        )


def parallel_map(fn, items):
    """``map(fn, items)`` on a few threads, results in the order of ``items``.

    The blocks of pair scoring spend their time in numpy, which releases the
    GIL, so threads use the machine's cores without copying the arrays into
    other processes. At most :data:`WORKERS` blocks are in flight at a time,
    which bounds memory; the results are the same as a plain ``map``.
    """
    items = list(items)
    # The blocks' small matrix products must not start BLAS threads of their own: with
    # OpenBLAS's default pool they spun on the other core and made scoring about a third slower.
    with threadpool_limits(limits=1, user_api="blas"):
        yield from _map_blocks(fn, items)


def _map_blocks(fn, items: list):
    if WORKERS < 2 or len(items) < 2:
        yield from map(fn, items)
        return
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        pending = deque()
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= WORKERS + 1:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _top_k(masked: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``k`` largest finite entries of each row of ``masked`` (−inf marks an infeasible pair).

    Ties at the cut are kept in column (mentor) order, so the choice is deterministic. Returns
    the (row, column) positions kept, in row-major order, and per row the largest entry not
    kept (NaN when every finite entry was kept). ``masked`` is overwritten.
    """
    kth = -np.partition(-masked, k - 1, axis=1)[:, k - 1]  # k-th largest per row
    above = masked > kth[:, None]
    tied = masked == kth[:, None]
    room = k - above.sum(axis=1)
    keep = above
    crowded = np.isfinite(kth) & (tied.sum(axis=1) > room)  # more ties at the cut than places left
    tied[crowded] &= np.cumsum(tied[crowded], axis=1) <= room[crowded, None]
    keep |= tied
    keep &= np.isfinite(masked)
    ei, ci = np.nonzero(keep)
    np.copyto(masked, -np.inf, where=keep)
    rest = masked.max(axis=1)
    return ei, ci, np.where(np.isfinite(rest), rest, np.nan)


def build_candidates(
    mentees: pd.DataFrame,
    mentors: pd.DataFrame,
    schools: pd.DataFrame,
    forbidden: pd.DataFrame,
    preferences: pd.DataFrame,
    config: MatchConfig,
    top_k: int | None = None,
    progress: Progress | None = None,
    mentor_preferences: pd.DataFrame | None = None,
) -> Candidates:
    """Score every feasible (mentee, mentor) pair, or the ``top_k`` best per mentee.

    Parameters
    ----------
    mentees, mentors : DataFrame
        Rows of :attr:`Registry.teachers` (columns as documented there).
    schools : DataFrame
        :attr:`Registry.schools`.
    forbidden : DataFrame
        ``mentee_id``, ``mentor_id``: pairs that must not be formed.
    preferences : DataFrame
        ``mentee_id``, ``mentor_id``, ``rank`` (1 = first wish).
    config : MatchConfig
    top_k : int, optional
        Keep only the ``top_k`` best feasible mentors per mentee (by score,
        then mentor order); ``None`` keeps all.
    progress : callable, optional
        ``progress(step, fraction)`` after each block (:mod:`tandem.progress`).
    mentor_preferences : DataFrame, optional
        ``mentor_id``, ``mentee_id``, ``rank``: the mentors' wishes
        (:attr:`Registry.mentor_preferences`); with any row the preference
        component becomes the mutual one of the module docstring.

    Returns
    -------
    Candidates
        ``pairs`` also has ``wish_mentee`` and ``wish_mentor`` (int, the
        rank of each side's wish; 0 = none).
    """
    model = _Model(mentees, mentors, schools, forbidden, preferences, config, mentor_preferences)
    M, N = model.M, model.N
    no_consent = ~model.r_consent
    zero_cap = model.r_consent & ~model.r_capacity
    active = np.flatnonzero(model.r_consent & model.r_capacity)
    excl = {k: np.zeros(M, np.int64) for k in EXCLUSIONS}
    excl["consent"][:] = int(no_consent.sum())
    excl["capacity"][:] = int(zero_cap.sum())
    feasible_count = np.zeros(M, np.int64)
    best_pruned = np.full(M, np.nan)
    kept_e, kept_r = [], []
    block = max(1, _BLOCK_PAIRS // max(len(active), 1))

    def one_block(start: int):
        stop = min(M, start + block)
        feasible, counts, score = model.block(np.arange(start, stop), active)
        if top_k is None or top_k >= len(active):
            ei, ci = np.nonzero(feasible)
            rest = None
        else:
            ei, ci, rest = _top_k(np.where(feasible, score, -np.inf), top_k)
        return start, stop, counts, ei, ci, rest

    starts = range(0, M if len(active) else 0, block)
    for start, stop, counts, ei, ci, rest in parallel_map(one_block, starts):
        for k, v in counts.items():
            excl[k][start:stop] = v
        feasible_count[start:stop] = len(active) - sum(counts.values())
        if rest is not None:
            best_pruned[start:stop] = rest.astype(float) + SCORE_TOLERANCE  # an upper bound
        kept_e.append(ei + start)
        kept_r.append(active[ci])
        report(progress, "Оценка пар", stop / M)
    e_arr = np.concatenate(kept_e) if kept_e else np.zeros(0, np.int64)
    r_arr = np.concatenate(kept_r) if kept_r else np.zeros(0, np.int64)
    pairs = model.pairs(e_arr, r_arr)
    pairs = pairs.sort_values(["mentee_id", "mentor_id"], kind="stable").reset_index(drop=True)
    exclusions = pd.DataFrame({k: excl[k] for k in EXCLUSIONS}, index=pd.Index(model.e_id, name="mentee_id"))
    exclusions["feasible"] = feasible_count
    exclusions["mentors"] = N
    exclusions["best_pruned"] = best_pruned
    return Candidates(pairs=pairs, exclusions=exclusions, model=model)
