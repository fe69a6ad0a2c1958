"""Continuity of a re-match: what happens to the pairs in force, and the «Изменения» table.

:func:`matching.engine.match` with ``current`` (the pairs in force) and no
``change_cost`` keeps every current pair that is still feasible: it is fixed
before the solve like a locked pair (its mentee leaves the problem, its
mentor has one place less), which is exactly the solver's rule for current
pairs to keep (:func:`matching.solver.solve_arrays`). A current pair that is
no longer feasible (a side left the registry or changed role, a consent
withdrawn, a ban added, a format, distance, subject or relevance rule now
broken) is released with that reason, worded as in the explanations
(:data:`matching.explain.EXCLUSION_TEXT`). If a mentor's capacity, less their
locked pairs, is now below the number of their feasible current pairs, the
best-scoring of those pairs are kept (ties: the smaller mentee_id) and the
rest released with «вместимость наставника уменьшена». Locks win: a mentee
locked to another mentor leaves their current pair, and locks take their
mentor's places first.

With ``change_cost=λ ≥ 0`` every feasible current pair is offered to the
solver with a bonus ``λ`` on its score (the total becomes ``Σ score −
λ · broken``, exact; also with candidate pruning and its certificate, since
the current pairs are always among the offered pairs,
:mod:`matching.certificate`). The solver's first key is still the number of
matched mentees, so a pair in force is changed, whatever ``λ``, when that
lets more mentees have a mentor. A mentor's overflow is then settled by the
solver (each broken pair costs ``λ``).

Pure: DataFrames in and out, no files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import matching.explain as ex
from matching.model import RegistryError
from matching.scoring import BLOCK_REASONS, _Model
from tandem.errors import Issue


def check_change_cost(change_cost) -> float | None:
    """``change_cost`` as a float ≥ 0 (None stays None); RegistryError otherwise."""
    if change_cost is None:
        return None
    ok = isinstance(change_cost, (int, float, np.integer, np.floating)) and not isinstance(
        change_cost, (bool, np.bool_)
    )
    if not ok or not np.isfinite(change_cost) or change_cost < 0:
        raise RegistryError(
            Issue(
                f"цена смены наставника должна быть числом не меньше 0 (в баллах), а указано «{change_cost}»"
            )
        )
    return float(change_cost)


def current_frame(current) -> pd.DataFrame | None:
    """The pairs in force as a clean frame (str ids); RegistryError on missing columns or repeats."""
    if current is None:
        return None
    if not isinstance(current, pd.DataFrame) or {"mentee_id", "mentor_id"} - set(current.columns):
        raise RegistryError(
            Issue(
                "действующие пары: нужна таблица со столбцами mentee_id (наставляемый) и mentor_id (наставник)"
            )
        )
    cur = current[["mentee_id", "mentor_id"]].astype(str).apply(lambda c: c.str.strip())
    twice = cur.loc[cur["mentee_id"].duplicated(), "mentee_id"]
    if len(twice):
        raise RegistryError(
            [Issue(f"наставляемый «{m}» указан в двух действующих парах") for m in dict.fromkeys(twice)]
        )
    return cur.reset_index(drop=True)


#: Current pairs whose feasibility is checked per block of the scoring model.
_CHECK_CHUNK = 256


def pair_codes(model, ei: np.ndarray, ri: np.ndarray) -> np.ndarray:
    """Per (mentee position, mentor position) pair: "" when feasible, else the reason of
    :data:`matching.scoring.BLOCK_REASONS` it breaks first. Rows are unique mentees; each chunk
    is one small block of the model (the same rules as the candidate pass), read on its pairs."""
    codes = np.full(len(ei), "", dtype=object)
    bad = np.zeros(len(ei), bool)
    for start in range(0, len(ei), _CHECK_CHUNK):
        rows, mentors = ei[start : start + _CHECK_CHUNK], ri[start : start + _CHECK_CHUNK]
        cols, where = np.unique(mentors, return_inverse=True)
        feasible, _, _ = model.block(rows, cols, counts=False)
        bad[start : start + len(rows)] = ~feasible[np.arange(len(rows)), where]
    for k in np.flatnonzero(bad):
        _, counts, _ = model.block(ei[k : k + 1], ri[k : k + 1], counts=True)
        codes[k] = next(name for name in BLOCK_REASONS if counts[name][0])
    return codes


def current_status(cur, registry, config, forbidden, locked, cap, locked_load, lam):
    """What the rules allow for each pair in force: ``(status, rows)``.

    ``status`` has per row of ``cur``: ``mentee_id``, ``mentor_id``,
    ``feasible`` (offered to the solver / kept), ``keep`` (kept without a
    change cost: feasible and within the mentor's places), ``locked``
    (the same pair is locked), ``score`` (NaN when not feasible), ``reason``
    (why it is released, "" when feasible), ``full`` (the mentor's
    capacity text when its feasible current pairs exceed its places, else "").
    ``rows`` are the :meth:`_Model.pairs` rows of the feasible pairs.
    """
    t = registry.teachers.set_index("teacher_id")
    mentee_ids = set(registry.mentees["teacher_id"])
    mentor_ids = set(registry.mentors["teacher_id"])
    lock_of = dict(zip(locked["mentee_id"], locked["mentor_id"]))
    reason = []
    for m, r in zip(cur["mentee_id"], cur["mentor_id"]):
        if m in lock_of:
            why = "" if lock_of[m] == r else ex.LOCKED_OTHER_TEXT
        elif m not in t.index:
            why = ex.MENTEE_GONE_TEXT
        elif m not in mentee_ids:
            why = ex.role_text(t.at[m, "role"], "наставляемый")
        elif not t.at[m, "consent"]:
            why = ex.MENTEE_NO_CONSENT_TEXT
        elif r not in t.index:
            why = ex.MENTOR_GONE_TEXT
        elif r not in mentor_ids:
            why = ex.role_text(t.at[r, "role"], "наставник")
        elif not t.at[r, "consent"]:
            why = ex.EXCLUSION_TEXT["consent"]
        elif int(t.at[r, "capacity"]) <= 0:
            why = ex.EXCLUSION_TEXT["capacity"]
        else:
            why = None  # the pair rules decide
        reason.append(why)
    status = cur.copy()
    status["locked"] = [lock_of.get(m) == r for m, r in zip(cur["mentee_id"], cur["mentor_id"])]
    check = np.array([w is None for w in reason], bool)
    status["score"] = np.nan
    rows = pd.DataFrame()
    if check.any():
        to_check = status[check]
        mentees = registry.teachers.set_index("teacher_id").loc[to_check["mentee_id"]].reset_index()
        model = _Model(
            mentees,
            registry.mentors,
            registry.schools,
            forbidden,
            registry.preferences,
            config,
            registry.mentor_preferences,
        )
        ei = np.arange(len(mentees), dtype=np.int64)
        ri = pd.Index(model.r_id).get_indexer(to_check["mentor_id"]).astype(np.int64)
        codes = pair_codes(model, ei, ri)
        ok = codes == ""
        for k, pos in enumerate(np.flatnonzero(check)):
            reason[pos] = "" if ok[k] else ex.EXCLUSION_TEXT[codes[k]]
        rows = model.pairs(ei[ok], ri[ok])
        status.loc[status.index[check][ok], "score"] = rows["score"].to_numpy()
    status["reason"] = reason
    status["feasible"] = (status["reason"] == "") & ~status["locked"]
    # Places: a mentor keeps the best of its feasible current pairs (ties: the smaller mentee_id).
    places = (cap - locked_load.reindex(cap.index).fillna(0)).astype(int)
    status["keep"] = status["feasible"]
    status["full"] = ""
    feasible = status[status["feasible"]].sort_values(
        ["mentor_id", "score", "mentee_id"], ascending=[True, False, True], kind="stable"
    )
    rank = feasible.groupby("mentor_id").cumcount()
    n = feasible.groupby("mentor_id")["mentee_id"].transform("size")
    room = feasible["mentor_id"].map(places)
    over = n > room
    for idx in feasible.index[over]:
        mid = status.at[idx, "mentor_id"]
        status.at[idx, "full"] = ex.capacity_text(int(cap[mid]), int(n[idx]), int(locked_load.get(mid, 0)))
    if lam is None:
        drop = feasible.index[rank >= room]
        status.loc[drop, "keep"] = False
        status.loc[drop, "reason"] = status.loc[drop, "full"]
    rows = rows.reset_index(drop=True) if len(rows) else rows
    return status, rows


def changes_table(status: pd.DataFrame, pairs: pd.DataFrame, lam: float | None) -> pd.DataFrame:
    """The «Изменения» table: one row per mentee in ``status`` (the pairs in force) or in ``pairs``."""
    after = dict(zip(pairs["mentee_id"], pairs["mentor_id"]))
    score_after = dict(zip(pairs["mentee_id"], pairs["score"]))
    before = dict(zip(status["mentee_id"], status["mentor_id"]))
    # Who now sits with each mentor without having been there before (for the reasons of changes).
    newcomer: dict[str, str] = {}
    for m, r in sorted(after.items()):
        if before.get(m) != r:
            newcomer.setdefault(r, m)
    rows = []
    for st in status.itertuples(index=False):
        m, r = st.mentee_id, st.mentor_id
        now = after.get(m, "")
        if now == r:
            kind, why = "сохранена", ex.KEPT_LOCKED_TEXT if st.locked else ex.KEPT_TEXT
        else:
            kind = "другой наставник" if now else "снята"
            if st.reason:
                why = st.reason
            elif st.full:
                why = st.full
            else:  # feasible, not kept: the change cost was worth paying
                why = ex.change_text(
                    st.score, score_after.get(m) if now else None, lam or 0.0, newcomer.get(r)
                )
        rows.append((m, r, now, kind, why))
    for m, r in after.items():
        if m not in before:
            rows.append((m, "", r, "новая", ex.NEW_TEXT))
    out = pd.DataFrame(rows, columns=["mentee_id", "mentor_before", "mentor_after", "change", "reason"])
    return out.sort_values("mentee_id", kind="stable").reset_index(drop=True)
