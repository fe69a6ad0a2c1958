"""match() with the pairs in force: reasons of released pairs, the changes table, and the optimum
against an independent oracle (scipy on the capacity-expanded matrix) on random registries."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matching import MatchConfig, RegistryError, load_registry, match, write_result
from matching.explain import CHANGE_KINDS
from matching.registry_writer import write_registry_csv
from matching.scoring import build_candidates
from matching.synthetic import generate_registry
from mentoring.result_io import read_result
from tests.matching.conftest import write_xlsx
from tests.strategies import registries

COLUMNS = ["mentee_id", "mentor_before", "mentor_after", "change", "reason"]
BASE = [("Н1", "Т1"), ("Н2", "Т2"), ("Н3", "Т3")]  # the optimum of the hand-made registry


def _cur(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["mentee_id", "mentor_id"])


def _teacher(tables, tid: str, **changes) -> None:
    """Edit one teacher row of the hand-made registry in place (columns by name)."""
    names = [
        "teacher_id",
        "full_name",
        "school_id",
        "role",
        "subjects",
        "experience_years",
        "category",
        "deficits",
        "strengths",
        "capacity",
        "format",
        "consent",
    ]
    rows = tables["teachers"]
    i = next(k for k, t in enumerate(rows) if t[0] == tid)
    row = dict(zip(names, rows[i]))
    row.update(changes)
    rows[i] = tuple(row[n] for n in names)


def _reg(tmp_path, tables, name="r.xlsx"):
    return load_registry(write_xlsx(tmp_path / name, tables))


def _change(result, mentee: str) -> dict:
    return result.changes.set_index("mentee_id").loc[mentee].to_dict()


def test_unchanged_registry_keeps_every_pair(registry_path):
    reg = load_registry(registry_path)
    for lam in (None, 0.0, 0.2):
        r = match(reg, current=_cur(BASE), change_cost=lam)
        assert list(r.changes.columns) == COLUMNS
        assert list(r.changes["change"]) == ["сохранена"] * 3
        assert set(r.changes["reason"]) == {"пара сохранена"}
        assert r.change_cost == lam
    assert match(reg).changes is None


@pytest.mark.parametrize(
    "edit,mentee,reason",
    [
        (lambda t: t["teachers"].pop(2), "Н3", "наставник выбыл из реестра"),  # Т3 removed
        (lambda t: _teacher(t, "Т2", consent="нет"), "Н2", "у наставника нет согласия"),
        (lambda t: _teacher(t, "Т3", capacity=0), "Н3", "у наставника вместимость 0"),
        (
            lambda t: _teacher(t, "Т2", role="наставляемый", deficits="Д3", strengths="", capacity=""),
            "Н2",
            "педагог больше не наставник: роль «наставляемый»",
        ),
        (lambda t: t["forbidden"].append(("Н1", "Т1")), "Н1", "пара запрещена"),
        (
            lambda t: _teacher(t, "Н3", format="очно"),
            "Н3",
            "форматы «очно» и «дистанционно» несовместимы",
        ),
        (lambda t: _teacher(t, "Н2", consent="нет"), "Н2", "нет согласия наставляемого"),
        (
            lambda t: _teacher(t, "Н3", role="наставник", deficits="", strengths="Д1", capacity=1),
            "Н3",
            "педагог больше не наставляемый: роль «наставник»",
        ),
    ],
)
@pytest.mark.parametrize("lam", [None, 0.3])
def test_released_pair_names_the_cause(tmp_path, tables, edit, mentee, reason, lam):
    edit(tables)
    reg = _reg(tmp_path, tables)
    r = match(reg, current=_cur(BASE), change_cost=lam)
    row = _change(r, mentee)
    assert row["reason"] == reason
    assert row["change"] in ("другой наставник", "снята")
    assert (row["change"] == "снята") == (row["mentor_after"] == "")
    assert (mentee, row["mentor_before"]) not in set(zip(r.pairs.mentee_id, r.pairs.mentor_id))
    others = r.changes[r.changes["mentee_id"] != mentee]
    assert set(others.loc[others["mentor_before"] != "", "change"]) <= {"сохранена", "другой наставник"}


def test_mentee_who_left_is_only_in_changes(tmp_path, tables):
    tables["teachers"] = [t for t in tables["teachers"] if t[0] != "Н2"]
    reg = _reg(tmp_path, tables)
    r = match(reg, current=_cur(BASE))
    assert _change(r, "Н2") == {
        "mentor_before": "Т2",
        "mentor_after": "",
        "change": "снята",
        "reason": "наставляемый выбыл из реестра",
    }
    assert "Н2" not in set(r.pairs.mentee_id) | set(r.unmatched.mentee_id)
    assert len(r.pairs) + len(r.unmatched) == r.n_mentees


def test_lowered_capacity_keeps_the_best_scoring_pairs(tmp_path, tables):
    _teacher(tables, "Т1", capacity=1)
    _teacher(tables, "Н5", consent="да")  # математика, Д2, смешанно: fits Т1 as well as Н1 does
    reg = _reg(tmp_path, tables)
    cand = build_candidates(
        reg.mentees[reg.mentees.consent],
        reg.mentors,
        reg.schools,
        reg.forbidden,
        reg.preferences,
        MatchConfig(),
    ).pairs.set_index(["mentee_id", "mentor_id"])["score"]
    better, worse = sorted(["Н1", "Н5"], key=lambda m: (-cand[(m, "Т1")], m))
    r = match(reg, current=_cur([("Н1", "Т1"), ("Н5", "Т1"), ("Н2", "Т2")]))
    assert _change(r, better)["change"] == "сохранена"
    lost = _change(r, worse)
    assert lost["reason"].startswith("вместимость наставника уменьшена: мест 1, действующих пар 2")
    assert lost["change"] in ("снята", "другой наставник")


def test_a_lock_wins_over_the_pair_in_force(registry_path):
    reg = load_registry(registry_path)
    r = match(reg, current=_cur(BASE), extra_locked=_cur([("Н1", "Т3")]))
    assert _change(r, "Н1") == {
        "mentor_before": "Т1",
        "mentor_after": "Т3",
        "change": "другой наставник",
        "reason": "наставляемый закреплён вручную за другим наставником (лист «Закрепления»)",
    }
    # Т3 (capacity 1) is taken by the lock: Н3's pair in force cannot be kept.
    assert _change(r, "Н3")["reason"].startswith(
        "вместимость наставника уменьшена: мест 1, закреплено вручную 1, действующих пар 1"
    )
    same = match(reg, current=_cur(BASE), extra_locked=_cur([("Н1", "Т1")]))
    assert _change(same, "Н1")["reason"] == "пара сохранена (закреплена вручную)"


def test_change_cost_decides_and_explains(tmp_path, tables):
    # Н1 sits with Т3 (feasible, but Т1 is far better for Н1): a small price moves Н1, a large one does not.
    _teacher(tables, "Н3", consent="нет")
    reg = _reg(tmp_path, tables)
    cur = _cur([("Н1", "Т3"), ("Н2", "Т2")])
    kept = match(reg, current=cur)
    assert list(kept.changes["change"]) == ["сохранена", "сохранена"]
    moved = match(reg, current=cur, change_cost=0.05)
    row = _change(moved, "Н1")
    assert row["change"] == "другой наставник" and row["mentor_after"] == "Т1"
    assert row["reason"].startswith("смена даёт +") and row["reason"].endswith("при цене смены 0,05")
    assert match(reg, current=cur, change_cost=100.0).changes.equals(kept.changes)


def test_more_pairs_come_before_the_change_cost(registry_path):
    # Н3 fits only Т3: with Н1 kept on Т3, Н3 stays without a mentor. Keeping is forced without a
    # price; with any price, the most mentees matched comes first (matching.solver), so Н1 moves.
    reg = load_registry(registry_path)
    cur = _cur([("Н1", "Т3"), ("Н2", "Т2")])
    kept = match(reg, current=cur)
    assert _change(kept, "Н1")["change"] == "сохранена" and "Н3" in set(kept.unmatched.mentee_id)
    r = match(reg, current=cur, change_cost=100.0)
    row = _change(r, "Н1")
    assert row["change"] == "другой наставник"
    assert row["reason"].endswith(
        "но место у прежнего наставника нужно «Н3»: так больше пар или выше сумма баллов"
    )
    assert _change(r, "Н3") == {
        "mentor_before": "",
        "mentor_after": "Т3",
        "change": "новая",
        "reason": "новый наставляемый: действующей пары не было",
    }


def test_bad_current_and_change_cost_are_refused(registry_path):
    reg = load_registry(registry_path)
    with pytest.raises(RegistryError, match="указан в двух действующих парах"):
        match(reg, current=_cur([("Н1", "Т1"), ("Н1", "Т2")]))
    with pytest.raises(RegistryError, match="столбцами mentee_id"):
        match(reg, current=pd.DataFrame({"mentee": ["Н1"]}))
    for bad in (-0.1, float("nan"), "0.2", True):
        with pytest.raises(RegistryError, match="цена смены наставника должна быть числом не меньше 0"):
            match(reg, current=_cur(BASE), change_cost=bad)


def test_workbook_has_changes_and_parameters(tmp_path, tables):
    reg = _reg(tmp_path, tables)
    r = match(reg, current=_cur([("Н1", "Т3"), ("Н2", "Т9")]), change_cost=0.05)
    path = write_result(r, reg, tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames == [
        "Тандемы",
        "Нераспределённые",
        "Изменения",
        "Нагрузка",
        "Покрытие дефицитов",
        "Запасные наставники",
        "Как помочь нераспределённым",
        "Параметры",
    ]
    params = dict(wb["Параметры"].iter_rows(min_row=2, values_only=True))
    assert params["Цена смены наставника, баллов"] == 0.05
    assert params["Действующих пар до подбора"] == 2
    assert params["Сменили наставника"] == 2 and params["Новых пар"] == 1
    pairs, changes = read_result(path)
    assert list(changes[COLUMNS].itertuples(index=False, name=None)) == list(
        r.changes.itertuples(index=False, name=None)
    )
    plain = write_result(match(reg), reg, tmp_path / "plain.xlsx")
    assert "Изменения" not in openpyxl.load_workbook(plain, read_only=True).sheetnames


# ---------------------------------------------------------------------------
# The optimum against an independent oracle


def _oracle(feasible: pd.DataFrame, capacity: dict, bonus: dict) -> tuple[int, float]:
    """(most pairs, then the highest Σ (score + bonus)) by scipy on the capacity-expanded matrix."""
    mentees = sorted(feasible["mentee_id"].unique())
    slots = [m for m in sorted(capacity) for _ in range(int(capacity[m]))]
    if not mentees or not slots:
        return 0, 0.0
    value = {
        (e, r): s + bonus.get((e, r), 0.0) for e, r, s in feasible[["mentee_id", "mentor_id", "score"]].values
    }
    big = 1000.0 * (len(mentees) + 1)
    w = np.zeros((len(mentees), len(slots)))
    ok = np.zeros_like(w, dtype=bool)
    for i, e in enumerate(mentees):
        for j, r in enumerate(slots):
            if (e, r) in value:
                w[i, j], ok[i, j] = big + value[(e, r)], True
    rows, cols = linear_sum_assignment(w, maximize=True)
    used = ok[rows, cols]
    return int(used.sum()), float((w[rows, cols][used] - big).sum())


@st.composite
def continuity_cases(draw):
    tables = draw(registries(max_teachers=14))
    teachers = tables["teachers"]
    mentors = [t[0] for t in teachers if t[3] in ("наставник", "оба")] + ["ВЫБЫЛ-Н"]
    mentees = [t[0] for t in teachers if t[3] == "наставляемый" or (t[3] == "оба" and t[7])] + ["ВЫБЫЛ-У"]
    rows = []
    for m in mentees:
        if draw(st.booleans()):
            rows.append((m, draw(st.sampled_from(mentors))))
    lam = draw(st.sampled_from([None, None, 0.0, 0.05, 0.3, 100.0]))
    k = draw(st.sampled_from([None, 1, 2]))
    return tables, _cur(rows), lam, k


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(continuity_cases())
def test_continuity_optimum_matches_an_independent_oracle(tmp_path, case):
    tables, current, lam, k = case
    reg = _reg(tmp_path, tables)
    cfg = MatchConfig()
    r = match(reg, cfg, current, lam, candidates=k)
    active = reg.mentees[reg.mentees["consent"]]
    feasible = build_candidates(active, reg.mentors, reg.schools, reg.forbidden, reg.preferences, cfg).pairs
    score = feasible.set_index(["mentee_id", "mentor_id"])["score"].to_dict()
    cap = dict(zip(reg.mentors["teacher_id"], reg.mentors["capacity"].astype(int)))
    in_force = [(m, x) for m, x in current.itertuples(index=False) if (m, x) in score]
    got = set(zip(r.pairs["mentee_id"], r.pairs["mentor_id"]))
    if lam is None:
        # Kept: per mentor the best-scoring feasible pairs in force (ties: smaller mentee_id).
        kept = []
        for mentor in sorted({x for _, x in in_force}):
            mine = sorted((m for m, x in in_force if x == mentor), key=lambda m: (-score[(m, mentor)], m))
            kept += [(m, mentor) for m in mine[: cap[mentor]]]
        assert set(kept) <= got
        rest = feasible[~feasible["mentee_id"].isin({m for m, _ in kept})]
        left = {x: c - sum(1 for _, y in kept if y == x) for x, c in cap.items()}
        count, total = _oracle(rest, left, {})
        assert len(r.pairs) == len(kept) + count
        assert r.objective == pytest.approx(total + sum(score[p] for p in kept), abs=1e-6)
    else:
        count, value = _oracle(feasible, cap, {p: lam for p in in_force})
        assert len(r.pairs) == count
        kept_now = sum(p in got for p in in_force)
        assert r.objective + lam * kept_now == pytest.approx(value, abs=1e-6)
    # The changes: every mentee of current exactly once, plus every newly matched mentee.
    ch = r.changes
    assert ch["mentee_id"].is_unique and list(ch["mentee_id"]) == sorted(ch["mentee_id"])
    assert set(ch["mentee_id"]) == set(current["mentee_id"]) | set(r.pairs["mentee_id"])
    assert set(ch["change"]) <= set(CHANGE_KINDS) and ch["reason"].map(bool).all()
    after = dict(zip(r.pairs["mentee_id"], r.pairs["mentor_id"]))
    before = dict(zip(current["mentee_id"], current["mentor_id"]))
    for row in ch.itertuples(index=False):
        assert row.mentor_after == after.get(row.mentee_id, "")
        assert row.mentor_before == before.get(row.mentee_id, "")
        expected = (
            "новая"
            if not row.mentor_before
            else "сохранена"
            if row.mentor_after == row.mentor_before
            else "другой наставник"
            if row.mentor_after
            else "снята"
        )
        assert row.change == expected
    assert sorted(list(r.pairs["mentee_id"]) + list(r.unmatched["mentee_id"])) == sorted(
        reg.mentees["teacher_id"]
    )


@pytest.mark.parametrize("lam", [None, 0.0, 0.1])
def test_pruned_candidates_and_certificate_stay_exact_with_pairs_in_force(tmp_path, lam):
    frames = generate_registry(districts=1, teachers=900, seed=7)
    reg = load_registry(write_registry_csv(frames, tmp_path / "district"))
    base = match(reg, candidates=None)
    # Pairs in force: a shuffled assignment of the optimum's mentors (many worse than optimal,
    # some over capacity), so that the certificate has work to do.
    rng = np.random.default_rng(1)
    cur = base.pairs[["mentee_id", "mentor_id"]].copy()
    cur["mentor_id"] = rng.permutation(cur["mentor_id"].to_numpy())
    full = match(reg, current=cur, change_cost=lam, candidates=None)
    pruned = match(reg, current=cur, change_cost=lam, candidates=3)
    assert pruned.method.startswith("лучшие 3 кандидатов") or lam is None
    assert len(pruned.pairs) == len(full.pairs)
    kept = [(c == "сохранена").sum() for c in (full.changes["change"], pruned.changes["change"])]
    extra = 0.0 if lam is None else lam
    assert pruned.objective + extra * kept[1] == pytest.approx(full.objective + extra * kept[0], abs=1e-6)
    same = [set(c.loc[c["change"] == "сохранена", "mentee_id"]) for c in (full.changes, pruned.changes)]
    assert same[0] == same[1] or lam is not None
