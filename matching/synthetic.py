"""Seeded synthetic registries of mentors and mentees (demo data and load tests).

The generator imitates the municipal network mentoring described in the
regional documents: schools of a rural district are grouped by their results
into ШНОР / ШСОР / ШВОР (low / medium / high), mentors come mostly from
stronger schools, mentees (young specialists and teachers with diagnosed
professional deficits) mostly from weaker and remote ones, and tandems may
cross school borders.

Everything here is invented: names are combined from lists of common Russian
surnames, first names and patronymics; districts and villages are fictional
(the lists: :mod:`matching.synthetic_catalogue`).

:func:`generate_registry` returns the registry as pandas DataFrames named and
typed by :mod:`matching.schema`; :mod:`matching.registry_writer` writes them
as a workbook or a CSV folder. :func:`design_feasibility` checks the simple
hard constraints the generator plants its "naturally unmatched" mentees
against (it is not the matcher).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from matching.schema import DEFICITS, FORBIDDEN, LOCKED, PREFERENCES, SCHOOLS, TEACHERS
from matching.scoring import haversine_km  # one great-circle formula for generator and scorer
from matching.synthetic_catalogue import DEFICIT_CATALOGUE, SUBJECTS, UNCOVERED_CODES
from matching.synthetic_catalogue import DISTRICTS as _DISTRICTS
from matching.synthetic_catalogue import FIRST_NAMES_F as _FIRST_F
from matching.synthetic_catalogue import FIRST_NAMES_M as _FIRST_M
from matching.synthetic_catalogue import PATRONYMICS as _PATRONYMICS
from matching.synthetic_catalogue import SURNAMES as _SURNAMES
from matching.synthetic_catalogue import VILLAGES as _VILLAGES

__all__ = [
    "DEFICIT_CATALOGUE",
    "UNCOVERED_CODES",
    "SUBJECTS",
    "DEFAULT_SEED",
    "generate_registry",
    "design_feasibility",
    "haversine_km",
]

DEFAULT_SEED = 20261122
KM_PER_DEGREE_LAT = 111.2

# Arrays and codes derived from the catalogue (matching.synthetic_catalogue)

_CODES = np.array([c[0] for c in DEFICIT_CATALOGUE], dtype=object)
_W_YOUNG = np.array([c[3] for c in DEFICIT_CATALOGUE])
_W_EXPERIENCED = np.array([c[4] for c in DEFICIT_CATALOGUE])
_W_MENTOR = np.array([c[5] for c in DEFICIT_CATALOGUE])
_SUBJ_NAMES = np.array([s[0] for s in SUBJECTS], dtype=object)
_SUBJ_INDEX = {s[0]: i for i, s in enumerate(SUBJECTS)}
_SUBJ_SHARE = np.array([s[1] for s in SUBJECTS])
_SUBJ_SECOND_P = np.array([s[2] for s in SUBJECTS])
_SUBJ_SECOND_N = np.array([len(s[3]) for s in SUBJECTS])
_SUBJ_SECOND = np.full((len(SUBJECTS), max(1, int(_SUBJ_SECOND_N.max()))), -1, dtype=np.int64)
for _i, _s in enumerate(SUBJECTS):
    for _j, _name in enumerate(_s[3]):
        _SUBJ_SECOND[_i, _j] = _SUBJ_INDEX[_name]
_GERMAN = _SUBJ_INDEX["немецкий язык"]
_ENGLISH = _SUBJ_INDEX["английский язык"]
#: Probability that a teacher of the main subject is a woman.
_P_FEMALE = np.array(
    [
        {"физическая культура": 0.45, "ОБЖ": 0.3, "технология": 0.5, "физика": 0.7, "информатика": 0.7}.get(
            s[0], 0.88
        )
        for s in SUBJECTS
    ]
)

# Role codes used internally.
_BACKGROUND, _MENTEE, _MENTOR, _BOTH = 0, 1, 2, 3
_ROLE_NAMES = np.array(["наставник", "наставляемый", "наставник", "оба"], dtype=object)
_FORMATS = np.array(["очно", "дистанционно", "смешанно"], dtype=object)
_IN_PERSON, _REMOTE, _MIXED = 0, 1, 2


# ---------------------------------------------------------------------------
# Small vectorised helpers
# ---------------------------------------------------------------------------


def _gumbel_keys(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """Keys whose descending order is a weighted sample without replacement.

    ``weights`` has shape (n, C) or (C,); zero weights get ``-inf`` keys.
    """
    weights = np.asarray(weights, dtype=float)
    with np.errstate(divide="ignore"):
        logw = np.log(weights)
    return logw + rng.gumbel(size=weights.shape)


def _top_k_mask(rng: np.random.Generator, weights: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Boolean (n, C) mask choosing ``k[i]`` distinct columns in row ``i``.

    Columns are drawn without replacement with probabilities proportional to
    ``weights`` (shape (n, C) or (C,), broadcast to (n, C)); a row never gets
    a column of zero weight, so it may get fewer than ``k[i]``.
    """
    n = len(k)
    w = np.broadcast_to(np.asarray(weights, dtype=float), (n, np.shape(weights)[-1]))
    keys = _gumbel_keys(rng, w)
    order = np.argsort(-keys, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(w.shape[1])[None, :].repeat(n, 0), axis=1)
    return (ranks < np.asarray(k)[:, None]) & np.isfinite(keys)


def _pick(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Indices of ``k`` distinct items drawn with probability ∝ ``weights`` (1-D)."""
    keys = _gumbel_keys(rng, weights)
    k = min(k, int(np.isfinite(keys).sum()))
    return np.argsort(-keys, kind="stable")[:k]


def _join_mask(mask: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Row-wise ``"; "``-joined labels of a boolean (n, C) mask, C ≤ 62.

    Rows are packed into integers so that each distinct pattern is joined once.
    """
    n, c = mask.shape
    if n == 0:
        return np.empty(0, dtype=object)
    packed = mask.astype(np.int64) @ (np.int64(1) << np.arange(c, dtype=np.int64))
    uniq, inverse = np.unique(packed, return_inverse=True)
    texts = np.array(["; ".join(labels[(u >> np.arange(c)) & 1 == 1]) for u in uniq], dtype=object)
    return texts[inverse.ravel()]


def _choice(rng: np.random.Generator, values, p, size) -> np.ndarray:
    """``rng.choice`` on a small list of values with probabilities ``p``."""
    p = np.asarray(p, dtype=float)
    return np.asarray(values, dtype=object if isinstance(values[0], str) else None)[
        rng.choice(len(p), size=size, p=p / p.sum())
    ]


def _allocate(total: int, weights: np.ndarray, minimum: int) -> np.ndarray:
    """Split ``total`` into integer parts ∝ ``weights``, each ≥ ``minimum``.

    Largest-remainder rounding; deterministic (no random draws).
    """
    weights = np.asarray(weights, dtype=float)
    free = total - minimum * len(weights)
    exact = free * weights / weights.sum()
    parts = np.floor(exact).astype(np.int64)
    rest = free - int(parts.sum())
    parts[np.argsort(-(exact - parts), kind="stable")[:rest]] += 1
    return parts + minimum


# ---------------------------------------------------------------------------
# One district
# ---------------------------------------------------------------------------


def _district(
    rng: np.random.Generator,
    *,
    name: str,
    town: str,
    lat0: float,
    lon0: float,
    n: int,
    p: Mapping[str, float],
) -> dict:
    """Generate one district with ``n`` teachers; indices are local (0-based)."""
    # ---- schools ---------------------------------------------------------
    n_schools = max(4, int(round(n / p["teachers_per_school"])))
    n_centre = max(1, int(round(0.08 * n_schools)))
    n_remote = max(2, int(round(0.10 * n_schools)))
    n_ordinary = n_schools - n_centre - n_remote
    # 0 = district town, 1 = ordinary village, 2 = remote village
    kind = np.repeat(np.array([0, 1, 2]), [n_centre, n_ordinary, n_remote])

    a0 = rng.uniform(0.0, 2 * math.pi)  # direction of the isolated remote school
    radius = np.empty(n_schools)
    angle = np.empty(n_schools)
    radius[:n_centre] = rng.uniform(0.3, 3.0, n_centre)
    angle[:n_centre] = rng.uniform(0.0, 2 * math.pi, n_centre)
    o = slice(n_centre, n_centre + n_ordinary)
    # Ordinary villages: uniform over an annulus 8–36 km, outside a ±60° wedge
    # towards the isolated school (forest / marsh with no schools).
    radius[o] = np.sqrt(rng.uniform(8.0**2, 36.0**2, n_ordinary))
    angle[o] = a0 + rng.uniform(math.radians(60), math.radians(300), n_ordinary)
    r0 = n_centre + n_ordinary
    radius[r0] = rng.uniform(48.0, 54.0)
    angle[r0] = a0
    n_other_remote = n_remote - 1
    radius[r0 + 1 :] = rng.uniform(45.0, 52.0, n_other_remote)
    angle[r0 + 1 :] = a0 + rng.uniform(math.radians(100), math.radians(260), n_other_remote)
    for _ in range(50):  # villages at least 3 km from any earlier school
        x, y = radius * np.cos(angle), radius * np.sin(angle)
        d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
        d[np.triu_indices(n_schools)] = np.inf
        bad = np.flatnonzero((d.min(axis=1) < 3.0) & (kind == 1))
        if not len(bad):
            break
        radius[bad] = np.sqrt(rng.uniform(8.0**2, 36.0**2, len(bad)))
        angle[bad] = a0 + rng.uniform(math.radians(60), math.radians(300), len(bad))
    north, east = radius * np.cos(angle), radius * np.sin(angle)
    lat = np.round(lat0 + north / KM_PER_DEGREE_LAT, 5)
    lon = np.round(lon0 + east / (KM_PER_DEGREE_LAT * math.cos(math.radians(lat0))), 5)
    isolated = r0

    cluster = np.empty(n_schools, dtype=object)
    cluster[kind == 0] = _choice(rng, ["ШВОР", "ШСОР"], [0.6, 0.4], n_centre)
    cluster[kind == 1] = _choice(rng, ["ШНОР", "ШСОР", "ШВОР"], [0.25, 0.5, 0.25], n_ordinary)
    cluster[kind == 2] = _choice(rng, ["ШНОР", "ШСОР"], [0.65, 0.35], n_remote)
    basic = np.zeros(n_schools, dtype=bool)  # ООШ (basic school, grades 1–9)
    basic[kind == 1] = rng.random(n_ordinary) < 0.35
    basic[kind == 2] = rng.random(n_remote) < 0.6

    names = np.empty(n_schools, dtype=object)
    for k in range(n_centre):
        names[k] = f'МБОУ "{town} СОШ № {k + 1}"'
    if n_centre >= 3:
        names[n_centre - 1] = f'МАОУ "{town} гимназия"'
    pool = _VILLAGES[_VILLAGES != town]
    n_vill = n_schools - n_centre
    vill = pool[rng.permutation(len(pool))[np.arange(n_vill) % len(pool)]]
    suffix = np.where(
        np.arange(n_vill) >= len(pool),
        np.char.add(" № ", (np.arange(n_vill) // len(pool) + 1).astype(str)),
        "",
    )
    stype = np.where(basic[n_centre:], "ООШ", "СОШ")
    names[n_centre:] = 'МБОУ "' + vill + " " + stype.astype(object) + suffix.astype(object) + '"'

    # ---- teachers per school --------------------------------------------
    size_w = np.select([kind == 0, kind == 2], [3.0, 0.6], 1.2) * np.where(basic, 0.6, 1.0)
    sizes = _allocate(n, size_w * rng.uniform(0.8, 1.25, n_schools), min(5, n // n_schools))
    school = np.repeat(np.arange(n_schools), sizes)
    s_cluster = cluster[school]
    s_kind = kind[school]

    # ---- subjects, sex, names -------------------------------------------
    primary = rng.choice(len(SUBJECTS), size=n, p=_SUBJ_SHARE / _SUBJ_SHARE.sum())
    has2 = rng.random(n) < _SUBJ_SECOND_P[primary]
    j2 = np.floor(rng.random(n) * np.maximum(_SUBJ_SECOND_N[primary], 1)).astype(np.int64)
    secondary = np.where(has2, _SUBJ_SECOND[primary, j2], -1)
    female = rng.random(n) < _P_FEMALE[primary]
    sex = female.astype(np.int64)  # 0 male, 1 female
    surname = _SURNAMES[sex, rng.integers(0, _SURNAMES.shape[1], n)]
    first = np.where(
        female, _FIRST_F[rng.integers(0, len(_FIRST_F), n)], _FIRST_M[rng.integers(0, len(_FIRST_M), n)]
    )
    patronymic = _PATRONYMICS[sex, rng.integers(0, _PATRONYMICS.shape[1], n)]
    full_name = surname + " " + first + " " + patronymic

    # ---- roles -----------------------------------------------------------
    n_mentee = int(round(p["mentee_share"] * n))
    n_mentor = int(round(p["mentor_share"] * n))
    n_both = int(round(p["both_share"] * n_mentor))
    n_refuse = int(round(p["mentor_refusal_share"] * n_mentor))
    role = np.full(n, _BACKGROUND)
    w_mentor = (
        np.select([s_cluster == "ШВОР", s_cluster == "ШСОР"], [2.0, 1.0], 0.6)
        * np.select([s_kind == 0, s_kind == 2], [1.3, 0.0], 1.0)
        * np.where(primary == _GERMAN, 0.0, 1.0)
    )
    mentors = _pick(rng, w_mentor, n_mentor)
    role[mentors] = _MENTOR
    w_mentee = (
        np.select([s_cluster == "ШНОР", s_cluster == "ШСОР"], [1.6, 1.0], 0.7)
        * np.where(s_kind == 2, 1.5, 1.0)
        * (role == _BACKGROUND)
    )
    mentees = _pick(rng, w_mentee, n_mentee)
    role[mentees] = _MENTEE
    # the isolated school gets `isolated_in_person` mentees: swap roles with
    # mentees elsewhere when it has too few
    at_iso = np.flatnonzero(school == isolated)
    need = min(int(p["isolated_in_person"]), len(at_iso), n_mentee)
    lacking = need - int((role[at_iso] == _MENTEE).sum())
    if lacking > 0:
        others = np.flatnonzero((role == _MENTEE) & (school != isolated))
        role[rng.choice(others, lacking, replace=False)] = _BACKGROUND
        free_iso = at_iso[role[at_iso] == _BACKGROUND]
        role[rng.choice(free_iso, lacking, replace=False)] = _MENTEE
    mentor_idx = np.flatnonzero(role == _MENTOR)
    perm = rng.permutation(mentor_idx)
    both_idx = perm[:n_both]
    refuse_idx = perm[n_both : n_both + n_refuse]
    role[both_idx] = _BOTH
    is_mentee = role == _MENTEE
    is_mentor = role == _MENTOR
    is_both = role == _BOTH
    # consenting mentors never teach German (the subject with no mentor)
    willing = is_mentor | is_both
    willing[refuse_idx] = False
    primary = np.where(willing & (primary == _GERMAN), _ENGLISH, primary)
    secondary = np.where(willing & (secondary == _GERMAN), -1, secondary)

    # ---- experience and category ------------------------------------------
    experience = rng.integers(3, 41, n)  # background teachers
    category = _choice(
        rng,
        ["без категории", "первая", "высшая", "педагог-наставник", "педагог-методист"],
        [0.2, 0.4, 0.35, 0.03, 0.02],
        n,
    )
    young = is_mentee & (rng.random(n) < p["young_share"])
    experienced_mentee = is_mentee & ~young
    experience[young] = _choice(rng, [0, 1, 2], [0.35, 0.35, 0.3], young.sum())
    category[young] = "без категории"
    experience[experienced_mentee] = rng.integers(4, 31, experienced_mentee.sum())
    category[experienced_mentee] = _choice(
        rng, ["без категории", "первая", "высшая"], [0.25, 0.5, 0.25], experienced_mentee.sum()
    )
    m = int(is_mentor.sum())
    experience[is_mentor] = np.where(rng.random(m) < 0.9, rng.integers(10, 36, m), rng.integers(6, 10, m))
    category[is_mentor] = _choice(
        rng, ["высшая", "первая", "педагог-наставник", "педагог-методист"], [0.45, 0.2, 0.2, 0.15], m
    )
    b = int(is_both.sum())
    experience[is_both] = rng.integers(7, 21, b)
    category[is_both] = _choice(rng, ["первая", "высшая"], [0.6, 0.4], b)

    # ---- deficits and strengths -----------------------------------------
    n_codes = len(_CODES)
    strengths = np.zeros((n, n_codes), dtype=bool)
    deficits = np.zeros((n, n_codes), dtype=bool)
    k_str = np.zeros(n, dtype=np.int64)
    k_str[is_mentor] = _choice(rng, [2, 3, 4, 5, 6], [0.15, 0.25, 0.25, 0.2, 0.15], m)
    k_str[is_both] = _choice(rng, [2, 3, 4, 5], [0.3, 0.3, 0.25, 0.15], b)
    has_str = k_str > 0
    strengths[has_str] = _top_k_mask(rng, _W_MENTOR, k_str[has_str])
    k_def = np.zeros(n, dtype=np.int64)
    k_def[is_mentee] = _choice(rng, [1, 2, 3, 4], [0.25, 0.35, 0.25, 0.15], int(is_mentee.sum()))
    k_def[is_both] = _choice(rng, [1, 2], [0.6, 0.4], b)
    w_def = np.where(young[:, None], _W_YOUNG[None, :], _W_EXPERIENCED[None, :]) * ~strengths
    has_def = k_def > 0
    deficits[has_def] = _top_k_mask(rng, w_def[has_def], k_def[has_def])

    # ---- capacity, format, consent --------------------------------------
    capacity = np.full(n, -1, dtype=np.int64)  # -1 = not stated
    capacity[is_mentor] = _choice(rng, [1, 2, 3], [0.45, 0.4, 0.15], m)
    capacity[is_both] = _choice(rng, [1, 2], [0.7, 0.3], b)
    fmt = np.full(n, -1, dtype=np.int64)  # -1 = not stated
    fmt[is_mentor | is_both] = _choice(rng, [0, 1, 2], [0.35, 0.2, 0.45], m + b)
    fmt[is_mentee] = _choice(rng, [0, 1, 2], [0.4, 0.15, 0.45], int(is_mentee.sum()))
    consent = np.where(role == _BACKGROUND, "нет", "да").astype(object)
    consent[refuse_idx] = "нет"
    willing = (is_mentor | is_both) & (consent == "да")

    # ---- planted hard cases ---------------------------------------------
    planted: list[int] = []
    covered = _W_MENTOR > 0
    # (a) at the isolated school: mentees who want only face-to-face meetings
    # (all mentors are farther than max_distance_km); the others there are
    # happy with distance mentoring
    iso_mentees = np.flatnonzero(is_mentee & (school == isolated))
    fmt[iso_mentees] = _REMOTE
    for t in iso_mentees[: int(p["isolated_in_person"])]:
        fmt[t] = _IN_PERSON
        deficits[t] &= covered
        if not deficits[t].any():
            deficits[t, int(np.argmax(_W_EXPERIENCED * covered))] = True
        planted.append(int(t))
    # (b) a German teacher whose deficits no mentor covers
    cand = np.flatnonzero(experienced_mentee & (school != isolated))
    if len(cand):
        t = int(cand[rng.integers(len(cand))])
        primary[t], secondary[t] = _GERMAN, -1
        deficits[t] = ~covered & (rng.random(n_codes) < 0.5)
        deficits[t, np.flatnonzero(~covered)[0]] = True
        planted.append(t)

    # ---- locked, forbidden, preferences ----------------------------------
    subj = np.zeros((n, len(SUBJECTS)), dtype=bool)
    subj[np.arange(n), primary] = True
    subj[np.flatnonzero(secondary >= 0), secondary[secondary >= 0]] = True
    me = np.flatnonzero(is_mentee)
    mo = np.flatnonzero(willing)
    dist = haversine_km(
        lat[school[me]][:, None], lon[school[me]][:, None], lat[school[mo]][None, :], lon[school[mo]][None, :]
    )
    cover = deficits[me].astype(np.int64) @ strengths[mo].T.astype(np.int64)
    same_subject = (subj[me].astype(np.int64) @ subj[mo].T.astype(np.int64)) > 0
    fa, fb = fmt[me][:, None], fmt[mo][None, :]
    compatible = ~(((fa == _IN_PERSON) & (fb == _REMOTE)) | ((fa == _REMOTE) & (fb == _IN_PERSON)))
    feasible = (
        (cover > 0)
        & compatible
        & (dist <= p["max_distance_km"])
        & (school[me][:, None] != school[mo][None, :])
    )
    feasible[np.isin(me, planted)] = False
    score = cover + same_subject + (1.0 - dist / 100.0) + 0.5 * rng.random(dist.shape)

    locked, forbidden = [], []
    free = feasible.copy()
    for target, count in ((locked, p["locked_per_district"]), (forbidden, p["forbidden_per_district"])):
        for _ in range(int(count)):
            s = np.where(free, score, -np.inf)
            if not np.isfinite(s).any():
                break
            i, j = np.unravel_index(int(np.argmax(s)), s.shape)
            target.append((int(me[i]), int(mo[j])))
            free[i, :] = False
            free[:, j] = False
    taken = {a for a, _ in locked} | {a for a, _ in forbidden} | set(planted)
    pref_rows = []
    n_pref = int(round(p["preferences_share"] * n))
    pool_i = np.flatnonzero(~np.isin(me, list(taken)) & feasible.any(axis=1))
    if n_pref and len(pool_i):
        chosen = pool_i[_pick(rng, np.ones(len(pool_i)), n_pref)]
        ranks = _choice(rng, [1, 2, 3], [0.25, 0.35, 0.4], len(chosen))
        forbidden_set = set(forbidden)
        for i, k in zip(chosen, ranks):
            # wishes name mentors who cover a deficit, mostly feasible ones
            w = np.where(cover[i] > 0, np.exp(score[i]), 0.0) * np.where(feasible[i], 1.0, 0.2)
            for a, b_ in forbidden_set:
                if a == me[i]:
                    w[mo == b_] = 0.0
            for r, j in enumerate(_pick(rng, w, int(k)), 1):
                pref_rows.append((int(me[i]), int(mo[j]), r))

    return {
        "schools": pd.DataFrame(
            {"name": names, "district": name, "cluster": cluster, "lat": lat, "lon": lon}
        ),
        "teachers": {
            "full_name": full_name,
            "school": school,
            "role": role,
            "primary": primary,
            "secondary": secondary,
            "experience": experience,
            "category": category,
            "deficits": deficits,
            "strengths": strengths,
            "capacity": capacity,
            "format": fmt,
            "consent": consent,
        },
        "locked": locked,
        "forbidden": forbidden,
        "preferences": pref_rows,
    }


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def generate_registry(
    *,
    districts: int = 1,
    teachers: int = 250,
    seed: int = DEFAULT_SEED,
    mentee_share: float = 0.2,
    mentor_share: float = 0.16,
    both_share: float = 0.1,
    mentor_refusal_share: float = 0.08,
    young_share: float = 0.55,
    teachers_per_school: float = 18.0,
    preferences_share: float = 0.025,
    locked_per_district: int = 1,
    forbidden_per_district: int = 1,
    isolated_in_person: int = 2,
    max_distance_km: float = 40.0,
) -> dict[str, pd.DataFrame]:
    """Generate a synthetic registry of a district or a region, deterministically.

    Each district has a centre (district town) and villages up to ~55 km
    away, so it is ~100 km across. Per district: about ``teachers_per_school``
    teachers per school (at least 4 schools); roughly 8 % of the schools in
    the town, 10 % remote (45–55 km from the centre, small, no mentors), one
    of which is isolated (> 43 km from every other school of its district).
    The first
    district is centred near 55°N 48°E; further districts lie on a grid
    ~100 km apart.

    Every teacher has a role: ``mentee_share`` of the teachers are
    «наставляемый» (``young_share`` of them young specialists with 0–2 years
    of experience and «без категории», the others experienced teachers with
    diagnosed deficits, 4–30 years); ``mentor_share`` are possible mentors
    (experience mostly 10–35 years, category высшая / первая /
    педагог-наставник / педагог-методист, capacity 1–3, 2–6 strengths), of
    which ``both_share`` have the role «оба» (they mentor and are mentored,
    1–2 deficits, capacity 1–2) and ``mentor_refusal_share`` did not give
    consent. All other teachers have the role «наставник», consent «нет» and
    no strengths, capacity or format: they could mentor but have not agreed.

    Mentees' deficits (1–4 codes) and mentors' strengths are drawn from
    :data:`DEFICIT_CATALOGUE` with area-specific weights, so that mentors
    cover most deficits but never those in :data:`UNCOVERED_CODES`.
    Some mentees per district are planted so that no mentor is feasible for
    them under the hard constraints of :func:`design_feasibility` with
    ``max_distance_km``: ``isolated_in_person`` mentees at the isolated
    school who want only «очно», and a German teacher (no consenting mentor
    teaches German) whose deficits are all uncovered. (In a region a school
    of a neighbouring district may come within reach of an isolated school.)

    Parameters
    ----------
    districts : int
        Number of districts (≥ 1).
    teachers : int
        Total number of teachers (≥ 40 per district), split between districts
        in proportion to random district sizes (0.7–1.3).
    seed : int
        Seed of the ``numpy.random.Generator``; equal seeds and parameters give
        equal frames.
    mentee_share, mentor_share : float
        Shares of mentees and of possible mentors (including «оба» and those
        without consent) among the teachers of a district, in [0, 1]; their
        sum must not exceed 1.
    both_share, mentor_refusal_share : float
        Shares of «оба» and of consent «нет» among possible mentors.
    young_share : float
        Share of young specialists (experience < 3 years) among mentees.
    teachers_per_school : float
        Mean number of teachers per school; sets the number of schools.
    preferences_share : float
        Number of mentees with wishes per teacher (each wishes for 1–3
        mentors, ranks 1..3); 0.025 gives ~6 mentees, ~13 rows per 250.
    locked_per_district, forbidden_per_district : int
        Number of locked and forbidden pairs per district. Both are pairs
        feasible under :func:`design_feasibility` at different schools, with
        distinct mentees and mentors.
    isolated_in_person : int
        Mentees at the isolated school who want only «очно» (fewer when the
        school is smaller); its other mentees want «дистанционно».
    max_distance_km : float
        Distance limit of face-to-face mentoring used to plant hard cases and
        choose feasible locked pairs, km.

    Returns
    -------
    dict of str to DataFrame
        Keys and columns follow :mod:`matching.schema` (English names):

        ``schools`` — (n_schools, 6): ``school_id`` (``"ОО-01"``…), ``name``,
        ``district``, ``cluster`` (ШНОР / ШСОР / ШВОР), ``lat``, ``lon``
        (degrees, 5 decimals).

        ``teachers`` — (teachers, 12), sorted by school: ``teacher_id``
        (``"П-001"``…), ``full_name``, ``school_id``, ``role``, ``subjects``
        (1–2 subjects joined by ``"; "``), ``experience_years`` (whole years,
        int, 0–40), ``category``, ``deficits`` and ``strengths`` (codes joined
        by ``"; "`` in catalogue order, ``""`` when none), ``capacity``
        (``Int64``, 1–3, ``<NA>`` for non-mentors), ``format`` (очно /
        дистанционно / смешанно, ``None`` when not stated), ``consent``
        (да / нет).

        ``deficits`` — (26, 3): ``code`` (``"Д01"``…), ``name``, ``area``.

        ``locked``, ``forbidden`` — (k, 2): ``mentee_id``, ``mentor_id``.

        ``preferences`` — (k, 3): ``mentee_id``, ``mentor_id``, ``rank`` (int,
        1 = first wish).

    Raises
    ------
    ValueError
        On a non-positive number of districts, fewer than 40 teachers per
        district or shares outside [0, 1].
    """
    if districts < 1:
        raise ValueError("districts must be ≥ 1")
    if teachers < 40 * districts:
        raise ValueError("need at least 40 teachers per district")
    shares = dict(
        mentee_share=mentee_share,
        mentor_share=mentor_share,
        both_share=both_share,
        mentor_refusal_share=mentor_refusal_share,
        young_share=young_share,
        preferences_share=preferences_share,
    )
    for k, v in shares.items():
        if not 0.0 <= v <= 1.0:
            raise ValueError(f"{k} must be in [0, 1]")
    if mentee_share + mentor_share > 1.0:
        raise ValueError("mentee_share + mentor_share must not exceed 1")
    params = dict(
        shares,
        teachers_per_school=float(teachers_per_school),
        locked_per_district=locked_per_district,
        forbidden_per_district=forbidden_per_district,
        isolated_in_person=isolated_in_person,
        max_distance_km=float(max_distance_km),
    )

    rng = np.random.default_rng(seed)
    if districts == 1:
        sizes = np.array([teachers])
    else:
        sizes = _allocate(teachers, rng.uniform(0.7, 1.3, districts), 40)
    ncols = int(math.ceil(math.sqrt(districts)))
    nrows = int(math.ceil(districts / ncols))
    base_lat = 55.0 + rng.uniform(-0.1, 0.1)
    base_lon = 48.0 + rng.uniform(-0.15, 0.15)

    parts = []
    for d in range(districts):
        adj, town = _DISTRICTS[d % len(_DISTRICTS)]
        dname = f"{adj} муниципальный район"
        if d >= len(_DISTRICTS):
            dname += f" ({d // len(_DISTRICTS) + 1})"
        row, col = divmod(d, ncols)
        lat0 = base_lat + (row - (nrows - 1) / 2 if districts > 1 else 0) * 0.9
        lon0 = base_lon + (col - (ncols - 1) / 2 if districts > 1 else 0) * 0.9 / math.cos(
            math.radians(base_lat)
        )
        parts.append(_district(rng, name=dname, town=town, lat0=lat0, lon0=lon0, n=int(sizes[d]), p=params))
    return _assemble(parts)


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    width = max(width, len(str(n)))
    return np.array([f"{prefix}-{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _assemble(parts: list[dict]) -> dict[str, pd.DataFrame]:
    """Concatenate district parts, assign global ids, build string columns."""
    n_schools = [len(p["schools"]) for p in parts]
    n_teachers = [len(p["teachers"]["school"]) for p in parts]
    s_off = np.concatenate([[0], np.cumsum(n_schools)[:-1]]).astype(np.int64)
    t_off = np.concatenate([[0], np.cumsum(n_teachers)[:-1]]).astype(np.int64)
    school_ids = _ids("ОО", sum(n_schools), 2)
    teacher_ids = _ids("П", sum(n_teachers), 3)

    schools = pd.concat([p["schools"] for p in parts], ignore_index=True)
    schools.insert(0, "school_id", school_ids)

    def cat(key):
        return np.concatenate([p["teachers"][key] for p in parts])

    school = np.concatenate([p["teachers"]["school"] + off for p, off in zip(parts, s_off)])
    primary, secondary = cat("primary"), cat("secondary")
    subjects = _SUBJ_NAMES[primary] + np.where(
        secondary >= 0, "; " + _SUBJ_NAMES[np.maximum(secondary, 0)], ""
    ).astype(object)
    capacity = cat("capacity")
    fmt = cat("format")
    teachers_df = pd.DataFrame(
        {
            "teacher_id": teacher_ids,
            "full_name": cat("full_name"),
            "school_id": school_ids[school],
            "role": _ROLE_NAMES[cat("role")],
            "subjects": subjects,
            "experience_years": cat("experience").astype(np.int64),
            "category": cat("category"),
            "deficits": _join_mask(np.concatenate([p["teachers"]["deficits"] for p in parts]), _CODES),
            "strengths": _join_mask(np.concatenate([p["teachers"]["strengths"] for p in parts]), _CODES),
            "capacity": pd.Series(capacity).where(capacity >= 0).astype("Int64").array,
            "format": np.where(fmt >= 0, _FORMATS[np.maximum(fmt, 0)], None),
            "consent": cat("consent"),
        }
    )

    def pairs(key, cols):
        rows = [
            tuple(teacher_ids[a + off] if k < 2 else a for k, a in enumerate(r))
            for p, off in zip(parts, t_off)
            for r in p[key]
        ]
        return pd.DataFrame(rows, columns=list(cols)).astype({c: object for c in cols[:2]})

    deficits_df = pd.DataFrame([c[:3] for c in DEFICIT_CATALOGUE], columns=[c.name for c in DEFICITS.columns])
    prefs = pairs("preferences", [c.name for c in PREFERENCES.columns])
    prefs["rank"] = prefs["rank"].astype(np.int64)
    out = {
        SCHOOLS.name: schools[[c.name for c in SCHOOLS.columns]],
        TEACHERS.name: teachers_df[[c.name for c in TEACHERS.columns]],
        DEFICITS.name: deficits_df,
        LOCKED.name: pairs("locked", [c.name for c in LOCKED.columns]),
        FORBIDDEN.name: pairs("forbidden", [c.name for c in FORBIDDEN.columns]),
        PREFERENCES.name: prefs,
    }
    return out


def _code_matrix(series: pd.Series, labels) -> np.ndarray:
    """0/1 int matrix (n, len(labels)) of the ``;``-separated items of a column.

    With ``labels=None`` every distinct item gets a column.
    """
    norm = series.fillna("").astype(str).str.replace(r"\s*;\s*", ";", regex=True).str.strip("; ")
    dummies = norm.str.get_dummies(sep=";")
    if labels is not None:
        dummies = dummies.reindex(columns=list(labels), fill_value=0)
    return dummies.to_numpy(dtype=np.int32)


def design_feasibility(frames: Mapping[str, pd.DataFrame], *, max_distance_km: float = 40.0) -> pd.DataFrame:
    """Mentee–mentor pairs allowed by the simple hard constraints of the design.

    A pair is feasible when the mentee has the role «наставляемый» or «оба»;
    the mentor has the role «наставник» or «оба», consent «да» and capacity
    ≥ 1; they are different people; their formats are not «очно» against
    «дистанционно»; if either wants «очно», the schools are at most
    ``max_distance_km`` apart; the mentor's strengths cover at least one of
    the mentee's deficits or they share a subject; and the pair is not
    forbidden. This is the yardstick the generator plants its unmatched
    mentees against (the default hard constraints of the matcher), not the
    matcher itself.

    Parameters
    ----------
    frames : mapping of str to DataFrame
        A registry as returned by :func:`generate_registry`.
    max_distance_km : float
        Limit for face-to-face mentoring, km.

    Returns
    -------
    DataFrame
        One row per feasible pair: ``mentee_id``, ``mentor_id``,
        ``distance_km`` (float, km), ``covered`` (int, number of the mentee's
        deficits the mentor covers), ``shared_subject`` (bool).
    """
    t = frames["teachers"]
    s = frames["schools"].set_index("school_id")
    fmt = t["format"].fillna("").to_numpy(dtype=object)
    cap = pd.to_numeric(t["capacity"], errors="coerce").fillna(0).to_numpy()
    is_mentee = t["role"].isin(["наставляемый", "оба"]).to_numpy()
    is_mentor = (t["role"].isin(["наставник", "оба"]) & (t["consent"] == "да")).to_numpy() & (cap >= 1)
    a_idx, b_idx = np.flatnonzero(is_mentee), np.flatnonzero(is_mentor)
    ids = t["teacher_id"].to_numpy(dtype=object)

    codes = sorted(set(frames["deficits"]["code"]))
    def_m = _code_matrix(t["deficits"], codes)
    str_m = _code_matrix(t["strengths"], codes)
    subj = _code_matrix(t["subjects"], None)
    ll = s.loc[t["school_id"], ["lat", "lon"]].to_numpy(float)

    rows_a, rows_b, dists, covers, shares = [], [], [], [], []
    for lo in range(0, len(a_idx), 1000):  # blocks of mentees bound the memory
        a = a_idx[lo : lo + 1000]
        cover = def_m[a] @ str_m[b_idx].T
        shared = (subj[a] @ subj[b_idx].T) > 0
        dist = haversine_km(ll[a, :1], ll[a, 1:], ll[b_idx, 0][None, :], ll[b_idx, 1][None, :])
        fa, fb = fmt[a][:, None], fmt[b_idx][None, :]
        clash = ((fa == "очно") & (fb == "дистанционно")) | ((fa == "дистанционно") & (fb == "очно"))
        near = ~((fa == "очно") | (fb == "очно")) | (dist <= max_distance_km)
        ok = ((cover > 0) | shared) & ~clash & near & (a[:, None] != b_idx[None, :])
        i, j = np.nonzero(ok)
        rows_a.append(a[i])
        rows_b.append(b_idx[j])
        dists.append(dist[i, j])
        covers.append(cover[i, j])
        shares.append(shared[i, j])

    def cat(parts, dtype):
        return np.concatenate(parts) if parts else np.empty(0, dtype)

    out = pd.DataFrame(
        {
            "mentee_id": ids[cat(rows_a, np.int64)],
            "mentor_id": ids[cat(rows_b, np.int64)],
            "distance_km": cat(dists, float),
            "covered": cat(covers, np.int64),
            "shared_subject": cat(shares, bool),
        }
    )
    fb_pairs = frames.get("forbidden")
    if fb_pairs is not None and len(fb_pairs):
        banned = pd.MultiIndex.from_arrays([fb_pairs["mentee_id"], fb_pairs["mentor_id"]])
        pairs = pd.MultiIndex.from_arrays([out["mentee_id"], out["mentor_id"]])
        out = out[~pairs.isin(banned)]
    return out.reset_index(drop=True)
