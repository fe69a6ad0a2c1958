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
    mentor's strengths ``S`` (0 when the mentee lists no deficit). Seed 003
    §1.6: tandems are formed «по решению выявленных профессиональных
    дефицитов»; seed 002 §4.3: the mentor's profile «должен соответствовать
    запросам наставляемого».
subject
    1 when the two share a subject, else 0 (seed 002 §4.3, professional
    profile; §4.9 «предметно-профессиональные» directions).
experience
    ``clip((E_mentor − E_mentee) / G, 0, 1)`` with ``G`` =
    ``scales.experience_full_gap_years`` (years): the traditional form pairs a
    more experienced with a beginning teacher (seed 002 §4.4).
category
    Mentor's qualification category: без категории 0, первая 0.5, высшая 0.75,
    педагог-методист and педагог-наставник 1 (the two top categories of the
    2023 certification rules, which name mentoring as their duty).
cluster
    School result groups from the district monitoring (seed 003 §1.5): ШНОР <
    ШСОР < ШВОР. 1 when the mentor's school has higher results than the
    mentee's, 0.5 when equal or unknown, 0 when lower (network tandems carry
    practice from stronger to weaker schools, seed 003 §1.6).
distance
    Haversine distance ``d`` (km) between the two schools. The pair's format
    is очно if either side wants очно, дистанционно if either wants
    дистанционно, смешанно if both accept смешанно; очно with дистанционно is
    incompatible (seed 002 §4.8: the «режим работы (онлайн, очный,
    смешанный)» is part of the programme). Component: очно
    ``max(0, 1 − d / L)``, смешанно ``1 − 0.5 · min(d / L, 1)``, дистанционно
    1, with ``L`` = ``scales.distance_scale_km``; 0.5 when coordinates are
    missing.
preference
    ``1 / rank`` when the mentee named this mentor with priority ``rank``
    (1 = first wish), else 0 (seed 002 §4.3: «взаимный интерес»).
network
    1 when the mentor works at another school (network mentoring, seed 003
    §1.6), else 0; reversed when ``scales.school_preference`` is ``same``.

Hard constraints, in the order used to explain exclusions
---------------------------------------------------------
``self`` (a teacher of role «оба» is never their own mentor),
``consent`` (the mentor's written consent, seed 002 §3), ``capacity`` (a
mentor of capacity 0), ``forbidden`` (the «Запреты» sheet), ``same_school``
(when not allowed), ``format`` (очно with дистанционно), ``distance``
(очно pairs farther than ``max_distance_km``), ``subject`` (when a common
subject is required), ``relevance`` (when required: the mentor covers none of
the mentee's deficits and shares no subject).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from matching.config import COMPONENTS, MatchConfig

EXCLUSIONS = ("self", "consent", "capacity", "forbidden", "same_school", "format", "distance", "subject", "relevance")

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


@dataclass
class Candidates:
    """Feasible pairs and why the other combinations were excluded.

    Attributes
    ----------
    pairs : DataFrame
        One row per feasible pair: ``mentee_id``, ``mentor_id`` (str),
        ``score`` (float in [0, 1]), one float column per component in
        :data:`matching.config.COMPONENTS`, ``distance_km`` (float, NaN when
        unknown), ``pair_format`` (str), ``n_covered`` and ``n_deficits``
        (int). Sorted by mentee_id, then mentor_id.
    exclusions : DataFrame
        Indexed by ``mentee_id``: one int column per reason in
        :data:`EXCLUSIONS` (mentors excluded first by that reason),
        ``feasible`` (int) and ``mentors`` (int, all mentors considered).
    """

    pairs: pd.DataFrame
    exclusions: pd.DataFrame


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km between points given in degrees (broadcasts)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _one_hot(lists: pd.Series, vocab: dict[str, int]) -> np.ndarray:
    """Boolean matrix (rows × vocab) from a Series of tuples of codes."""
    out = np.zeros((len(lists), len(vocab)), dtype=np.float32)
    sizes = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    rows = np.repeat(np.arange(len(lists)), sizes)
    cols = np.fromiter((vocab[c] for items in lists for c in items), dtype=np.int64, count=len(rows))
    out[rows, cols] = 1.0
    return out


def _side(teachers: pd.DataFrame, schools: pd.DataFrame) -> dict[str, np.ndarray]:
    s = schools.drop_duplicates("school_id").set_index("school_id")
    sid = teachers["school_id"]
    return {
        "id": teachers["teacher_id"].to_numpy(dtype=object),
        "school": sid.to_numpy(dtype=object),
        "lat": sid.map(s["lat"]).to_numpy(dtype=float),
        "lon": sid.map(s["lon"]).to_numpy(dtype=float),
        "cluster": sid.map(s["cluster"]).map(CLUSTER_RANK).to_numpy(dtype=float),
        "exp": teachers["experience_years"].to_numpy(dtype=float),
        "format": teachers["format"].map(FORMAT_CODE).to_numpy(dtype=np.int8),
    }


def build_candidates(mentees: pd.DataFrame, mentors: pd.DataFrame, schools: pd.DataFrame,
                     forbidden: pd.DataFrame, preferences: pd.DataFrame,
                     config: MatchConfig) -> Candidates:
    """Score every feasible (mentee, mentor) pair.

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

    Returns
    -------
    Candidates
    """
    w = config.weights
    cons = config.constraints
    sc = config.scales
    weights = np.array([getattr(w, c) for c in COMPONENTS], dtype=float)
    wsum = weights.sum()

    M, N = len(mentees), len(mentors)
    E, R = _side(mentees, schools), _side(mentors, schools)
    subj_vocab = {s: i for i, s in enumerate(sorted({x for t in pd.concat([mentees["subjects"], mentors["subjects"]]) for x in t}))}
    def_vocab = {s: i for i, s in enumerate(sorted({x for t in pd.concat([mentees["deficits"], mentors["strengths"]]) for x in t}))}
    subj_e, subj_r = _one_hot(mentees["subjects"], subj_vocab), _one_hot(mentors["subjects"], subj_vocab)
    def_e, str_r = _one_hot(mentees["deficits"], def_vocab), _one_hot(mentors["strengths"], def_vocab)
    n_def = def_e.sum(axis=1)

    r_consent = mentors["consent"].to_numpy(dtype=bool)
    r_capacity = mentors["capacity"].to_numpy(dtype=int) > 0
    r_category = mentors["category"].map(CATEGORY_SCORE).fillna(0.0).to_numpy(dtype=float)

    e_index = {t: i for i, t in enumerate(E["id"])}
    r_index = {t: i for i, t in enumerate(R["id"])}

    def pair_index(df: pd.DataFrame):
        ok = df["mentee_id"].isin(e_index) & df["mentor_id"].isin(r_index)
        d = df[ok]
        return (d["mentee_id"].map(e_index).to_numpy(dtype=np.int64),
                d["mentor_id"].map(r_index).to_numpy(dtype=np.int64), d)

    fb_e, fb_r, _ = pair_index(forbidden)
    pf_e, pf_r, pf = pair_index(preferences)
    pf_val = 1.0 / pf["rank"].to_numpy(dtype=float) if len(pf) else np.zeros(0)

    block = max(1, _BLOCK_PAIRS // max(N, 1))
    out_parts: list[dict[str, np.ndarray]] = []
    excl = np.zeros((M, len(EXCLUSIONS)), dtype=np.int64)
    feasible_count = np.zeros(M, dtype=np.int64)

    for start in range(0, M, block):
        stop = min(M, start + block)
        rows = slice(start, stop)
        B = stop - start

        same_person = E["id"][rows, None] == R["id"][None, :]
        same_school = E["school"][rows, None] == R["school"][None, :]
        fe, fr = E["format"][rows, None], R["format"][None, :]
        incompatible = ((fe == 0) & (fr == 1)) | ((fe == 1) & (fr == 0))
        pair_fmt = np.where((fe == 0) | (fr == 0), 0, np.where((fe == 1) | (fr == 1), 1, 2)).astype(np.int8)
        dist = haversine_km(E["lat"][rows, None], E["lon"][rows, None], R["lat"][None, :], R["lon"][None, :])
        shared = (subj_e[rows] @ subj_r.T) > 0
        covered = def_e[rows] @ str_r.T

        forbid = np.zeros((B, N), dtype=bool)
        sel = (fb_e >= start) & (fb_e < stop)
        forbid[fb_e[sel] - start, fb_r[sel]] = True

        masks = {
            "self": same_person,
            "consent": np.broadcast_to(~r_consent[None, :], (B, N)),
            "capacity": np.broadcast_to(~r_capacity[None, :], (B, N)),
            "forbidden": forbid,
            "same_school": same_school if not cons.allow_same_school else np.zeros((B, N), bool),
            "format": incompatible,
            "distance": ((pair_fmt == 0) & (dist > cons.max_distance_km))
            if cons.max_distance_km is not None else np.zeros((B, N), bool),
            "subject": ~shared if cons.require_subject_match else np.zeros((B, N), bool),
            "relevance": ((covered == 0) & ~shared) if cons.require_relevance else np.zeros((B, N), bool),
        }
        excluded = np.zeros((B, N), dtype=bool)
        for k, name in enumerate(EXCLUSIONS):
            first = masks[name] & ~excluded
            excl[rows, k] = first.sum(axis=1)
            excluded |= masks[name]
        feasible = ~excluded
        feasible_count[rows] = feasible.sum(axis=1)
        ei, ri = np.nonzero(feasible)
        if len(ei) == 0:
            continue
        gi = ei + start

        d = dist[ei, ri]
        fmt = pair_fmt[ei, ri]
        ratio = np.minimum(d / sc.distance_scale_km, 1.0)
        dist_c = np.where(fmt == 0, 1.0 - ratio, np.where(fmt == 2, 1.0 - 0.5 * ratio, 1.0))
        dist_c = np.where(np.isnan(d) & (fmt != 1), 0.5, dist_c)
        ce, cr = E["cluster"][gi], R["cluster"][ri]
        clus = np.where(np.isnan(ce) | np.isnan(cr), 0.5, np.where(cr > ce, 1.0, np.where(cr == ce, 0.5, 0.0)))
        other = ~same_school[ei, ri]
        if sc.school_preference == "same":
            other = ~other
        ncov = covered[ei, ri]
        nd = n_def[gi]
        comps = {
            "coverage": np.where(nd > 0, ncov / np.maximum(nd, 1), 0.0),
            "subject": shared[ei, ri].astype(float),
            "experience": np.clip((R["exp"][ri] - E["exp"][gi]) / sc.experience_full_gap_years, 0.0, 1.0),
            "category": r_category[ri],
            "cluster": clus,
            "distance": dist_c,
            "preference": np.zeros(len(gi)),
            "network": other.astype(float),
        }
        out_parts.append({"e": gi, "r": ri, "distance_km": d, "fmt": fmt,
                          "n_covered": ncov.astype(np.int64), "n_deficits": nd.astype(np.int64), **comps})

    cat = {k: np.concatenate([p[k] for p in out_parts]) if out_parts else np.zeros(0)
           for k in ("e", "r", "distance_km", "fmt", "n_covered", "n_deficits", *COMPONENTS)}
    e_arr, r_arr = cat["e"].astype(np.int64), cat["r"].astype(np.int64)
    if len(pf_e) and len(e_arr):
        key = e_arr * max(N, 1) + r_arr
        order = np.argsort(key)
        pkey = pf_e * max(N, 1) + pf_r
        pos = np.searchsorted(key[order], pkey)
        hit = (pos < len(key)) & (key[order][np.minimum(pos, len(key) - 1)] == pkey)
        cat["preference"][order[pos[hit]]] = pf_val[hit]
    comp_matrix = np.column_stack([cat[c] for c in COMPONENTS]) if len(e_arr) else np.zeros((0, len(COMPONENTS)))
    score = comp_matrix @ weights / wsum if wsum > 0 else np.zeros(len(e_arr))

    pairs = pd.DataFrame({
        "mentee_id": E["id"][e_arr] if len(e_arr) else np.array([], dtype=object),
        "mentor_id": R["id"][r_arr] if len(r_arr) else np.array([], dtype=object),
        "score": score,
        **{c: cat[c].astype(float) for c in COMPONENTS},
        "distance_km": cat["distance_km"].astype(float),
        "pair_format": np.asarray(FORMAT_NAMES, dtype=object)[cat["fmt"].astype(np.int64)] if len(e_arr)
        else np.array([], dtype=object),
        "n_covered": cat["n_covered"].astype(np.int64),
        "n_deficits": cat["n_deficits"].astype(np.int64),
    })
    pairs = pairs.sort_values(["mentee_id", "mentor_id"], kind="stable").reset_index(drop=True)
    exclusions = pd.DataFrame(excl, columns=list(EXCLUSIONS), index=pd.Index(E["id"], name="mentee_id"))
    exclusions["feasible"] = feasible_count
    exclusions["mentors"] = N
    return Candidates(pairs=pairs, exclusions=exclusions)
