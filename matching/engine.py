"""Forming tandems: registry + configuration → explained optimal pairs.

:func:`match` is the main job of the package. Steps: locked pairs are fixed
and checked against the hard constraints; every other feasible pair is scored
(:mod:`matching.scoring`); the exact solver (:mod:`matching.solver`) chooses
the pairs that match the most mentees and, among those, have the highest total
score; then every pair and every unmatched mentee is explained
(:mod:`matching.explain`).

Priority tiers and the bottleneck objective (``config.priority``,
``config.objective``, :mod:`matching.config`) are passed to the solver; an
unmatched mentee whose fitting mentors went to higher tiers is told so
(:mod:`matching.priority`).

Continuity (a re-match during the year): with ``current`` (the pairs in
force) and an optional ``change_cost``, feasible current pairs are kept or
offered with a bonus, and the others released with their reason; see
:mod:`matching.continuity`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from matching.bottleneck import solve_certified_objective
from matching.certificate import solve_certified
from matching.config import COMPONENTS, MatchConfig
from matching.continuity import changes_table, check_change_cost, current_frame, current_status
from matching.explain import EXCLUSION_TEXT as _EXCLUSION_TEXT
from matching.explain import pair_text, unmatched_reason
from matching.model import Registry, RegistryError
from matching.priority import explain_priority, mentee_tiers
from matching.scoring import EXCLUSIONS, build_candidates
from matching.solver import solve_arrays
from matching.whatif import flow_state
from tandem.errors import Issue
from tandem.progress import Progress, report

#: Above this many (mentee, mentor) combinations, match() keeps only the best candidates.
FULL_SCAN_LIMIT = 4_000_000
#: Candidates kept per mentee when pruning.
DEFAULT_CANDIDATES = 50


@dataclass
class MatchResult:
    """Result of :func:`match`.

    Attributes
    ----------
    pairs : DataFrame
        One row per tandem pair (mentee–mentor), sorted by mentor then mentee:
        ``mentee_id``, ``mentee_name``, ``mentee_school``, ``mentor_id``,
        ``mentor_name``, ``mentor_school``, ``score`` (float in [0, 1]), one
        column per component (:data:`matching.config.COMPONENTS`, each in
        [0, 1]), ``covered``, ``uncovered`` (tuples of deficit codes),
        ``shared_subjects`` (tuple), ``experience_gap`` (years),
        ``distance_km`` (float km, NaN if unknown), ``pair_format``,
        ``locked`` (bool), ``group_size`` (mentees of this mentor),
        ``explanation`` (str).
    unmatched : DataFrame
        ``mentee_id``, ``mentee_name``, ``school_id``, ``reason_code``
        (``no_consent`` / ``no_candidate`` / ``mentors_busy`` /
        ``priority_busy``: with priority tiers, every fitting mentor is full
        of mentees of higher tiers), ``reason``.
    load : DataFrame
        Per mentor who gave consent (or has a pair): ``mentor_id``,
        ``mentor_name``, ``school_id``, ``consent`` (bool), ``capacity``,
        ``assigned`` (int), ``mentees`` (names, «; »-separated).
    coverage : DataFrame
        Per deficit: ``code``, ``name``, ``area``, ``mentees`` (mentees who
        have it), ``matched`` (of those, with a mentor), ``covered`` (of
        those, with a mentor who covers it).
    objective : float
        Total score of all pairs (locked ones included).
    status : str
        ``OPTIMAL`` when the solver proved optimality.
    n_mentees : int
        Mentees in the registry; ``len(pairs) + len(unmatched) == n_mentees``.
    solve_seconds : float
        Wall time of scoring and solving.
    config : MatchConfig
    method : str
        How optimality is established (all pairs offered, or best candidates
        plus the optimality certificate), in Russian.
    overrides : DataFrame
        Manual locks / bans given to this run on top of the registry:
        ``mentee_id``, ``mentor_id``, ``action`` (``lock`` / ``forbid``).
    changes : DataFrame or None
        Only when :func:`match` was given ``current`` (else None): one row per
        mentee who is in ``current`` or matched now, sorted by ``mentee_id``:
        ``mentee_id``, ``mentor_before``, ``mentor_after`` (str, "" when
        none), ``change`` (one of :data:`matching.explain.CHANGE_KINDS`:
        сохранена / новая / другой наставник / снята), ``reason`` (Russian).
        A mentee of ``current`` who left the registry (or is no longer a
        mentee) is only here, as «снята».
    change_cost : float or None
        The price of breaking a feasible pair in force (score units), or
        None (such pairs are kept).
    """

    pairs: pd.DataFrame
    unmatched: pd.DataFrame
    load: pd.DataFrame
    coverage: pd.DataFrame
    objective: float
    status: str
    n_mentees: int
    solve_seconds: float
    config: MatchConfig
    overrides: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["mentee_id", "mentor_id", "action"])
    )
    method: str = ""
    changes: pd.DataFrame | None = None
    change_cost: float | None = None
    #: What the what-if questions need (:class:`matching.whatif.FlowState`); None for a result
    #: not made by :func:`match`.
    flow_state: object | None = field(default=None, repr=False, compare=False)
    _whatif_cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def alternates(self) -> pd.DataFrame:
        """Next-best mentors of each matched mentee, exact (:func:`matching.whatif.alternates`).

        Computed on first access and kept: ``mentee_id``, ``rank``,
        ``mentor_id``, ``matched_change``, ``score_change``.
        """
        if "alternates" not in self._whatif_cache:
            from matching.whatif import alternates

            self._whatif_cache["alternates"] = alternates(self)
        return self._whatif_cache["alternates"]

    @property
    def fixes(self) -> pd.DataFrame:
        """Single changes that give an unmatched mentee a mentor (:func:`matching.fixes.fixes`).

        Computed on first access and kept: ``mentee_id``, ``fix``,
        ``detail``, ``pairs_changed`` (and ``code``, ``mentor_id``, ``value``).
        """
        if "fixes" not in self._whatif_cache:
            from matching.fixes import fixes

            self._whatif_cache["fixes"] = fixes(self)
        return self._whatif_cache["fixes"]

    @property
    def n_groups(self) -> int:
        """Mentors with more than one mentee (group mentoring)."""
        return int((self.load["assigned"] > 1).sum())

    def summary(self) -> str:
        """Short Russian summary, e.g. «Сформировано 32 тандема (из них 17 групповых)…».

        A tandem is a mentor with their mentee(s): a pair, or a group when the
        mentor has more than one mentee (docs/sources.md [Тетюши-2022] §4.4,
        «наставничество в группе»).
        """
        from matching.explain import plural

        tandems = int((self.load["assigned"] > 0).sum())
        matched = len(self.pairs)
        text = (
            f"Сформировано {tandems} {plural(tandems, 'тандем', 'тандема', 'тандемов')} "
            f"(из них {self.n_groups} {plural(self.n_groups, 'групповой', 'групповых', 'групповых')}); "
            f"наставника получили {matched} из {self.n_mentees} наставляемых."
        )
        u = len(self.unmatched)
        if u:
            text += f" Без наставника осталось {u} — причины в листе «Нераспределённые»."
        else:
            text += " Все наставляемые получили наставника."
        return text


def _pairs_frame(df) -> pd.DataFrame:
    df = pd.DataFrame(df if df is not None else [], columns=["mentee_id", "mentor_id"])
    return df[["mentee_id", "mentor_id"]].astype(str)


def match(
    registry: Registry,
    config: MatchConfig | None = None,
    current: pd.DataFrame | None = None,
    change_cost: float | None = None,
    *,
    extra_locked: pd.DataFrame | None = None,
    extra_forbidden: pd.DataFrame | None = None,
    progress: Progress | None = None,
    candidates: int | None | str = "auto",
) -> MatchResult:
    """Form the best set of mentoring tandems for a registry.

    Parameters
    ----------
    registry : Registry
        From :func:`matching.load_registry`.
    config : MatchConfig, optional
        Weights and constraints; defaults documented in :mod:`matching.config`.
    current : DataFrame, optional
        The pairs in force: ``mentee_id``, ``mentor_id`` (str), at most one
        row per mentee; ids need not be in the registry any more. See
        :mod:`matching.continuity`; the result then has
        ``changes``.
    change_cost : float ≥ 0, optional
        Score units lost for each feasible pair of ``current`` that is not
        kept. ``None`` (default): every feasible current pair is kept.
    extra_locked, extra_forbidden : DataFrame, optional
        Manual overrides (``mentee_id``, ``mentor_id``) added to the
        registry's «Закрепления» / «Запреты» sheets for this run (e.g. from
        the notebook). An extra lock replaces any registry lock of the same
        mentee; an extra ban removes a registry lock of the same pair.
    progress : callable, optional
        ``progress(step, fraction)`` for «Оценка пар», «Подбор пар»,
        «Объяснения» (:mod:`tandem.progress`).
    candidates : int, None or "auto"
        Keep only this many best candidates per mentee before solving, and
        prove optimality over all feasible pairs with the solver's
        certificate (:func:`_solve`); ``None`` offers every feasible pair;
        ``"auto"`` (default) prunes to :data:`DEFAULT_CANDIDATES` only when
        mentees × mentors exceeds :data:`FULL_SCAN_LIMIT`. The result is the
        same exact optimum either way.

    Returns
    -------
    MatchResult
        Exact optimum: the most mentees matched (with ``config.priority``:
        of each tier in turn, tier 1 first), then (``config.objective ==
        "bottleneck"``) the largest score of the weakest pair, then the
        highest total score (:mod:`matching.solver`), with every mentee in
        ``pairs`` or ``unmatched`` exactly once.

    Raises
    ------
    RegistryError
        A locked pair breaks a hard constraint (consent, capacity, format,
        distance, subject, relevance, forbidden), or an override names an
        unknown teacher; ``current`` without its columns or naming a mentee
        twice; ``change_cost`` not a number ≥ 0.
    """
    config = config or MatchConfig()
    t0 = time.perf_counter()
    lam = check_change_cost(change_cost)
    cur = current_frame(current)
    mentees = registry.mentees
    mentors = registry.mentors
    xl, xf = _pairs_frame(extra_locked), _pairs_frame(extra_forbidden)

    issues = []
    for df, what in ((xl, "закрепить"), (xf, "запретить")):
        for r in df.itertuples(index=False):
            if r.mentee_id not in set(mentees["teacher_id"]):
                issues.append(Issue(f"нельзя {what} пару: «{r.mentee_id}» не наставляемый реестра"))
            if r.mentor_id not in set(mentors["teacher_id"]):
                issues.append(Issue(f"нельзя {what} пару: «{r.mentor_id}» не наставник реестра"))
    if issues:
        raise RegistryError(issues)

    forbidden = pd.concat([registry.forbidden[["mentee_id", "mentor_id"]], xf], ignore_index=True)
    locked = registry.locked[["mentee_id", "mentor_id", "excel_row"]].copy()
    locked = locked[~locked["mentee_id"].isin(xl["mentee_id"])]
    locked = pd.concat([locked, xl.assign(excel_row=pd.NA)], ignore_index=True)
    fset = set(zip(xf["mentee_id"], xf["mentor_id"]))
    keep = np.array(
        [(a, b) not in fset for a, b in zip(locked["mentee_id"], locked["mentor_id"])], dtype=bool
    )
    locked = locked[keep]
    locked = locked.drop_duplicates("mentee_id", keep="last")

    active = mentees[mentees["consent"]]
    cap = mentors.set_index("teacher_id")["capacity"]
    locked_load = locked["mentor_id"].value_counts()
    status = None
    if cur is not None:
        status, current_rows = current_status(cur, registry, config, forbidden, locked, cap, locked_load, lam)
        if lam is None:  # kept pairs are fixed before the solve: their mentees need no candidates
            active = active[~active["teacher_id"].isin(status.loc[status["keep"], "mentee_id"])]
    n_active_mentors = int((mentors["consent"] & (mentors["capacity"] > 0)).sum())
    if candidates == "auto":
        candidates = None if len(active) * n_active_mentors <= FULL_SCAN_LIMIT else DEFAULT_CANDIDATES
    cand = build_candidates(
        active,
        mentors,
        registry.schools,
        forbidden,
        registry.preferences,
        config,
        top_k=candidates,
        progress=progress,
        mentor_preferences=registry.mentor_preferences,
    )

    # Locked pairs must be feasible under every hard constraint (checked pair by pair on the same
    # arrays: with candidate pruning a feasible locked pair need not be among the kept candidates).
    model = cand.model
    e_pos = {t: i for i, t in enumerate(model.e_id)}  # consenting mentees only
    r_pos = {t: j for j, t in enumerate(model.r_id)}
    lock_e, lock_r = [], []
    title = registry.sheet_titles.get("locked", "Закрепления")
    for r in locked.itertuples(index=False):
        i, j = e_pos.get(r.mentee_id), r_pos.get(r.mentor_id)
        if i is not None and j is not None and model.r_consent[j] and model.r_capacity[j]:
            feasible, _, _ = model.block(np.array([i]), np.array([j]), counts=False)
            if feasible[0, 0]:
                lock_e.append(i)
                lock_r.append(j)
                continue
        why = _why_infeasible(r.mentee_id, r.mentor_id, registry, config, forbidden)
        row = None if pd.isna(r.excel_row) else int(r.excel_row)
        issues.append(
            Issue(
                f"закреплённая пара «{r.mentee_id}» — «{r.mentor_id}» нарушает условие: {why}",
                file=registry.source if row else None,
                sheet=title if row else None,
                row=row,
                column="Наставник" if row else None,
            )
        )
    over = locked_load[locked_load > cap.reindex(locked_load.index).fillna(0)]
    for mid, n in over.items():
        issues.append(
            Issue(f"у наставника «{mid}» закреплено {n} наставляемых при вместимости {int(cap.get(mid, 0))}")
        )
    if issues:
        raise RegistryError(issues)

    remaining = (cap - locked_load.reindex(cap.index).fillna(0)).astype(int)
    fixed = status[status["keep"]] if status is not None and lam is None else None
    offered = status[status["feasible"]] if status is not None and lam is not None else None
    if fixed is not None:
        remaining -= fixed["mentor_id"].value_counts().reindex(cap.index).fillna(0).astype(int)
    report(progress, "Подбор пар", 0.0)
    tiers = mentee_tiers(active, registry.schools, config.priority)
    # the what-if answers (alternates, why_not) are exact for the plain objective only: keep the
    # solver's flow for them only then
    plain = not config.priority.tiers and config.objective == "total"
    flow: dict = {}
    chosen, method = _solve(
        cand,
        set(locked["mentee_id"]),
        remaining,
        progress,
        offered,
        lam,
        flow if plain else None,
        tier=tiers if config.priority.tiers else None,
        objective=config.objective,
    )
    report(progress, "Подбор пар", 1.0)
    locked_rows = model.pairs(np.array(lock_e, np.int64), np.array(lock_r, np.int64))
    parts = [locked_rows.assign(locked=True), chosen.assign(locked=False)]
    if fixed is not None and len(fixed):
        rows = current_rows[current_rows["mentee_id"].isin(fixed["mentee_id"])]
        parts.insert(1, rows.assign(locked=False))
    result_pairs = pd.concat(parts, ignore_index=True)
    solve_seconds = time.perf_counter() - t0

    report(progress, "Объяснения", 0.0)
    result = _assemble(
        registry,
        config,
        cand,
        result_pairs,
        mentees,
        mentors,
        solve_seconds,
        overrides=pd.concat([xl.assign(action="lock"), xf.assign(action="forbid")], ignore_index=True),
    )
    result.method = method
    if config.priority.tiers:
        tier_of = dict(zip(active["teacher_id"], tiers.tolist()))
        result.unmatched = explain_priority(
            result.unmatched, cand, result.pairs, tier_of, cap, config.priority
        )
    result.flow_state = flow_state(flow, model, result.pairs, forbidden, registry)
    if status is not None:
        result.changes = changes_table(status, result.pairs, lam)
        result.change_cost = lam
    return result


def _solve(
    cand,
    locked_mentees: set,
    remaining: pd.Series,
    progress=None,
    current=None,
    lam=None,
    keep=None,
    *,
    tier: np.ndarray | None = None,
    objective: str = "total",
) -> tuple[pd.DataFrame, str]:
    """The optimal free pairs (locked mentees excluded) and a description of how optimality is known.

    Without pruning, every feasible pair is offered to the exact solver. With
    top-K pruning, :func:`matching.certificate.solve_certified` extends the
    offered pairs until the solver's node potentials prove the optimum over
    all feasible pairs. ``current`` (``mentee_id``, ``mentor_id``: feasible
    pairs in force, none of a locked mentee) are always offered, with the
    bonus ``lam`` (the change cost); pruned ones are added back here, so the
    pairs left out are still bounded by ``best_pruned``. A dict ``keep`` receives
    the solver's arrays and solution (for :mod:`matching.whatif`).

    Priority tiers (``tier``: per model mentee position) and the bottleneck
    ``objective`` go to :func:`matching.solver.solve_arrays` when nothing was
    pruned; with pruned candidates
    :func:`matching.bottleneck.solve_certified_objective` proves them over all
    feasible pairs the same way (tiers as per-mentee bonuses in one flow, the
    bottleneck threshold searched on the candidates and certified,
    docs/sources.md [Ahuja-Magnanti-Orlin-1993]).
    """
    model = cand.model
    M, N = model.M, model.N
    e_index, r_index = pd.Index(model.e_id), pd.Index(model.r_id)
    free = ~cand.pairs["mentee_id"].isin(locked_mentees).to_numpy()
    e = e_index.get_indexer(cand.pairs["mentee_id"])[free]
    r = r_index.get_indexer(cand.pairs["mentor_id"])[free]
    s = cand.pairs["score"].to_numpy(float)[free]
    is_current = None
    if current is not None:
        ce = e_index.get_indexer(current["mentee_id"]).astype(np.int64)
        cr = r_index.get_indexer(current["mentor_id"]).astype(np.int64)
        ckey = ce * N + cr
        missing = ~np.isin(ckey, e.astype(np.int64) * N + r)
        e = np.concatenate([e, ce[missing]])
        r = np.concatenate([r, cr[missing]])
        s = np.concatenate([s, model.score_pairs(ce[missing], cr[missing])])
        is_current = np.isin(e.astype(np.int64) * N + r, ckey)
    capacity = remaining.reindex(model.r_id).fillna(0).to_numpy(np.int64)
    best_pruned = cand.exclusions["best_pruned"].to_numpy(float)
    is_locked = np.isin(model.e_id, list(locked_mentees))
    pruned = np.flatnonzero(~np.isnan(best_pruned) & ~is_locked)
    plain = tier is None and objective == "total"
    if not len(pruned):
        extra = {"tier": tier, "objective": objective} if not plain else {}
        sol = solve_arrays(e, r, s, M, capacity, current=is_current, change_cost=lam, **extra)
        method = "все допустимые пары переданы точному решателю"
    elif plain:
        cert = solve_certified(
            model,
            e,
            r,
            s,
            capacity,
            pruned,
            best_pruned,
            progress=progress,
            current=is_current,
            change_cost=lam,
        )
        sol, e, r = cert.solution, cert.e_idx, cert.r_idx
        method = (
            f"лучшие {int(cand.pairs.groupby('mentee_id').size().max())} кандидатов на наставляемого "
            f"+ сертификат оптимальности по всем допустимым парам (дополнений {cert.rounds}, "
            f"проверено пар {cert.scanned_pairs}, добавлено пар {cert.added})"
        )
    else:
        found = solve_certified_objective(
            model,
            e,
            r,
            s,
            capacity,
            pruned,
            best_pruned,
            tier=tier,
            objective=objective,
            current=is_current,
            change_cost=lam,
            progress=progress,
        )
        sol, e, r = found.cert.solution, found.cert.e_idx, found.cert.r_idx
        method = (
            f"лучшие {int(cand.pairs.groupby('mentee_id').size().max())} кандидатов на наставляемого "
            f"+ сертификат оптимальности по всем допустимым парам"
            f"{' с приоритетом уровней' if tier is not None else ''}"
            f"{f' и с порогом самой слабой пары (проверок порога {found.probes})' if found.probes else ''} "
            f"(дополнений {found.rounds}, проверено пар {found.scanned_pairs}, добавлено пар {found.added})"
        )
    if not plain:
        if tier is not None:
            method += "; приоритет наставляемых по уровням"
        if objective == "bottleneck":
            method += "; цель — лучший балл самой слабой пары"
    if keep is not None:
        s = cert.scores if len(pruned) else s
        keep.update(e=e, r=r, s=s, capacity=capacity, solution=sol, current=is_current, lam=lam)
        keep["pruned"] = bool(len(pruned))
    chosen_e, chosen_r = e[sol.chosen], r[sol.chosen]
    chosen = model.pairs(chosen_e, chosen_r).sort_values("mentee_id", kind="stable").reset_index(drop=True)
    return chosen, method


def _why_infeasible(mentee_id, mentor_id, registry: Registry, config: MatchConfig, forbidden) -> str:
    """Which hard constraint a single pair breaks (for locked-pair messages)."""
    one_e = registry.teachers[registry.teachers["teacher_id"] == mentee_id]
    one_r = registry.teachers[registry.teachers["teacher_id"] == mentor_id]
    if not bool(one_e["consent"].iloc[0]):
        return "нет согласия наставляемого"
    c = build_candidates(
        one_e,
        one_r,
        registry.schools,
        forbidden,
        registry.preferences,
        config,
        mentor_preferences=registry.mentor_preferences,
    )
    row = c.exclusions.iloc[0]
    for k in EXCLUSIONS:
        if row[k]:
            return _EXCLUSION_TEXT[k]
    return "пара недопустима"  # pragma: no cover - the caller only asks for infeasible pairs


def _assemble(registry, config, cand, chosen, mentees, mentors, solve_seconds, overrides) -> MatchResult:
    t = registry.teachers.set_index("teacher_id")
    schools = registry.schools.set_index("school_id")
    deficit_names = dict(zip(registry.deficits["code"], registry.deficits["name"]))
    pairs = chosen.copy()
    pairs["mentee_name"] = pairs["mentee_id"].map(t["full_name"])
    pairs["mentor_name"] = pairs["mentor_id"].map(t["full_name"])
    pairs["mentee_school"] = pairs["mentee_id"].map(t["school_id"])
    pairs["mentor_school"] = pairs["mentor_id"].map(t["school_id"])
    e_def = pairs["mentee_id"].map(t["deficits"])
    r_str = pairs["mentor_id"].map(t["strengths"])
    pairs["covered"] = [tuple(c for c in d if c in set(s)) for d, s in zip(e_def, r_str)]
    pairs["uncovered"] = [tuple(c for c in d if c not in set(s)) for d, s in zip(e_def, r_str)]
    pairs["shared_subjects"] = [
        tuple(x for x in a if x in set(b))
        for a, b in zip(pairs["mentee_id"].map(t["subjects"]), pairs["mentor_id"].map(t["subjects"]))
    ]
    pairs["experience_gap"] = (
        pairs["mentor_id"].map(t["experience_years"]) - pairs["mentee_id"].map(t["experience_years"])
    ).astype(float)
    pairs["other_school"] = pairs["mentee_school"] != pairs["mentor_school"]
    pairs["group_size"] = pairs.groupby("mentor_id")["mentee_id"].transform("size").astype(int)
    cl = (schools["cluster"] if "cluster" in schools else pd.Series(dtype=object)).fillna("")
    categories = pairs["mentor_id"].map(t["category"]).fillna("").tolist()
    r_cl = pairs["mentor_school"].map(cl).fillna("").tolist()
    e_cl = pairs["mentee_school"].map(cl).fillna("").tolist()
    pairs["explanation"] = [
        pair_text(row, deficit_names, cat, rc, ec)
        for row, cat, rc, ec in zip(pairs.to_dict("records"), categories, r_cl, e_cl)
    ]
    cols = [
        "mentee_id",
        "mentee_name",
        "mentee_school",
        "mentor_id",
        "mentor_name",
        "mentor_school",
        "score",
        *COMPONENTS,
        "covered",
        "uncovered",
        "shared_subjects",
        "experience_gap",
        "distance_km",
        "pair_format",
        "locked",
        "group_size",
        "explanation",
    ]
    pairs = pairs[cols].sort_values(["mentor_id", "mentee_id"], kind="stable").reset_index(drop=True)

    # Unmatched mentees and their reasons.
    matched = set(pairs["mentee_id"])
    assigned: dict[str, list[str]] = {}
    for mentor, name in zip(pairs["mentor_id"].tolist(), pairs["mentee_name"].tolist()):
        assigned.setdefault(mentor, []).append(name)
    cap = dict(zip(mentors["teacher_id"], mentors["capacity"].astype(int)))
    names = dict(zip(t.index, t["full_name"]))
    left = mentees[~mentees["teacher_id"].isin(matched)]
    best = cand.pairs[cand.pairs["mentee_id"].isin(left["teacher_id"])]
    best = (
        best.sort_values(["mentee_id", "score", "mentor_id"], ascending=[True, False, True], kind="stable")
        .groupby("mentee_id", sort=False)
        .head(3)
    )
    best_by_mentee: dict[str, list] = {}
    for mid, rid, sc in zip(best["mentee_id"].tolist(), best["mentor_id"].tolist(), best["score"].tolist()):
        best_by_mentee.setdefault(mid, []).append((rid, sc))
    considered = left["teacher_id"].isin(cand.exclusions.index).tolist()
    excl_rows = cand.exclusions.reindex(left["teacher_id"]).to_dict("records")
    rows = []
    for m, excl, seen in zip(left.to_dict("records"), excl_rows, considered):
        mid = m["teacher_id"]
        busy = [
            {
                "mentor": f"{names[r]} ({r})",
                "score": sc,
                "capacity": cap.get(r, 0),
                "took": assigned.get(r, []),
            }
            for r, sc in best_by_mentee.get(mid, [])
        ]
        code, text = unmatched_reason(m, excl if seen else None, busy, config, deficit_names)
        rows.append(
            {
                "mentee_id": mid,
                "mentee_name": m["full_name"],
                "school_id": m["school_id"],
                "reason_code": code,
                "reason": text,
            }
        )
    unmatched = pd.DataFrame(rows, columns=["mentee_id", "mentee_name", "school_id", "reason_code", "reason"])

    load = pd.DataFrame(
        {
            "mentor_id": mentors["teacher_id"].to_numpy(),
            "mentor_name": mentors["full_name"].to_numpy(),
            "school_id": mentors["school_id"].to_numpy(),
            "consent": mentors["consent"].to_numpy(),
            "capacity": mentors["capacity"].to_numpy(dtype=int),
        }
    )
    load["assigned"] = load["mentor_id"].map(pairs["mentor_id"].value_counts()).fillna(0).astype(int)
    load["mentees"] = ["; ".join(assigned.get(m, ())) for m in load["mentor_id"].tolist()]
    # Mentors in the programme: with consent, or with a (locked) pair. Teachers who could mentor
    # but gave no consent are counted in the unmatched reasons, not listed here.
    load = load[load["consent"] | (load["assigned"] > 0)]
    load = load.sort_values(["assigned", "mentor_id"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )

    cov_rows = []
    covered_codes = pairs[["mentee_id", "covered"]].explode("covered").dropna()
    covered_count = covered_codes.groupby("covered").size()
    mentee_codes = mentees[["teacher_id", "deficits"]].explode("deficits").dropna()
    having = mentee_codes.groupby("deficits").size()
    matched_having = mentee_codes[mentee_codes["teacher_id"].isin(matched)].groupby("deficits").size()
    for d in registry.deficits.itertuples(index=False):
        cov_rows.append(
            {
                "code": d.code,
                "name": d.name,
                "area": d.area,
                "mentees": int(having.get(d.code, 0)),
                "matched": int(matched_having.get(d.code, 0)),
                "covered": int(covered_count.get(d.code, 0)),
            }
        )
    coverage = pd.DataFrame(cov_rows, columns=["code", "name", "area", "mentees", "matched", "covered"])

    return MatchResult(
        pairs=pairs,
        unmatched=unmatched,
        load=load,
        coverage=coverage,
        objective=float(pairs["score"].sum()),
        status="OPTIMAL",
        n_mentees=len(mentees),
        solve_seconds=solve_seconds,
        config=config,
        overrides=overrides,
    )
