"""match(): expected pairs on a hand-checked registry, constraints, overrides,
explanations, and properties on random registries against an independent oracle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matching import MatchConfig, RegistryError, load_registry, match
from matching.registry_writer import write_registry_csv
from matching.scoring import FORMAT_CODE, SCORE_TOLERANCE, build_candidates, haversine_km
from matching.synthetic import generate_registry
from tests.matching.conftest import write_xlsx
from tests.strategies import registries


@pytest.fixture
def reg(registry_path):
    return load_registry(registry_path)


def test_expected_pairs_and_reasons(reg):
    r = match(reg)
    assert set(zip(r.pairs.mentee_id, r.pairs.mentor_id)) == {("Н1", "Т1"), ("Н2", "Т2"), ("Н3", "Т3")}
    u = r.unmatched.set_index("mentee_id")
    assert u.at["Н5", "reason_code"] == "no_consent"
    assert u.at["Н4", "reason_code"] == "no_candidate"
    # Н4 (очно, ОО-3): Т4 has no consent, Т3 is дистанционно only, Т1 and Т2 are > 40 km away.
    assert u.at["Н4", "reason"] == (
        "нет подходящего наставника: из 3 наставников с согласием и свободной "
        "вместимостью 1 — формат несовместим с «очно»; 2 — дальше 40 км для очного формата"
    )
    assert r.n_mentees == len(r.pairs) + len(r.unmatched) == 5
    assert r.status == "OPTIMAL"


def test_pair_components_by_hand(reg):
    p = match(reg).pairs.set_index("mentee_id").loc["Н1"]
    # Т1 covers both Д1, Д2; shares математика; gap 24 y ≥ 10; высшая 0.75; ШВОР→ШНОР; 1st wish; other school.
    assert p["coverage"] == 1 and p["subject"] == 1 and p["experience"] == 1
    assert p["category"] == 0.75 and p["cluster"] == 1 and p["preference"] == 1 and p["network"] == 1
    d = haversine_km(55.0, 48.8, 55.0, 48.0)
    assert p["distance_km"] == pytest.approx(d)
    assert p["distance"] == pytest.approx(1 - 0.5 * d / 60)  # смешанно
    w = MatchConfig().weights
    expected = (0.40 + 0.15 + 0.10 + 0.05 * 0.75 + 0.10 + 0.10 * p["distance"] + 0.05 + 0.05) / sum(
        vars(w).values()
    )
    assert p["score"] == pytest.approx(expected)
    assert p["covered"] == ("Д1", "Д2") and p["uncovered"] == ()
    assert "Закрывает 2 из 2 дефицитов" in p["explanation"] and "1-е пожелание" in p["explanation"]


def test_haversine_known_distance():
    # Moscow (55.7558, 37.6173) – Saint Petersburg (59.9343, 30.3351): about 634 km.
    assert haversine_km(55.7558, 37.6173, 59.9343, 30.3351) == pytest.approx(634, abs=3)


def test_lifting_distance_limit_leaves_remote_mentee_behind_a_busy_mentor(reg):
    # Without the 40 km limit Т2 (covers Д3) is feasible for Н4 too, but Т2 (capacity 1)
    # is the only mentor for Н2 as well: the count stays 3 and Н4's reason changes.
    r = match(reg, MatchConfig().with_constraints(max_distance_km=None))
    u = r.unmatched.set_index("mentee_id")
    assert len(r.pairs) == 3 and u.at["Н4", "reason_code"] == "mentors_busy"
    assert "Петров Борис Ильич (Т2)" in u.at["Н4", "reason"] and "Лебедев Егор Ильич" in u.at["Н4", "reason"]


def test_busy_mentors_reason(tmp_path, tables):
    # Н1 and Н5 both only fit Т1 (capacity 1) → one stays with the "busy" reason naming Т1.
    tables["teachers"][0] = tables["teachers"][0][:9] + (1,) + tables["teachers"][0][10:]
    t5 = list(tables["teachers"][8])
    t5[11] = "да"
    tables["teachers"][8] = tuple(t5)
    reg = load_registry(write_xlsx(tmp_path / "r.xlsx", tables))
    r = match(reg, MatchConfig().with_constraints(require_subject_match=True))
    u = r.unmatched.set_index("mentee_id")
    loser = [m for m in ("Н1", "Н5") if m in u.index]
    assert len(loser) == 1
    assert u.at[loser[0], "reason_code"] == "mentors_busy"
    assert (
        "Иванова Анна Петровна (Т1)" in u.at[loser[0], "reason"]
        and "вместимость 1" in u.at[loser[0], "reason"]
    )


def test_overrides_lock_and_forbid(reg):
    base = match(reg)
    forced = match(reg, extra_forbidden=pd.DataFrame([("Н2", "Т2")], columns=["mentee_id", "mentor_id"]))
    assert ("Н2", "Т2") not in set(zip(forced.pairs.mentee_id, forced.pairs.mentor_id))
    locked = match(reg, extra_locked=pd.DataFrame([("Н1", "Т3")], columns=["mentee_id", "mentor_id"]))
    row = locked.pairs.set_index("mentee_id").loc["Н1"]
    assert row["mentor_id"] == "Т3" and bool(row["locked"])
    # Т3 (capacity 1) was Н3's only fitting mentor: the lock costs Н3 its pair.
    assert locked.unmatched.set_index("mentee_id").at["Н3", "reason_code"] == "mentors_busy"
    with pytest.raises(RegistryError, match="не закрывает ни одного дефицита"):
        match(reg, extra_locked=pd.DataFrame([("Н3", "Т1")], columns=["mentee_id", "mentor_id"]))
    assert locked.objective <= base.objective + 1e-12
    assert list(locked.overrides.action) == ["lock"]
    with pytest.raises(RegistryError, match="не наставник реестра"):
        match(reg, extra_locked=pd.DataFrame([("Н3", "Н1")], columns=["mentee_id", "mentor_id"]))


def test_deterministic(reg):
    a, b = match(reg), match(reg)
    pd.testing.assert_frame_equal(a.pairs, b.pairs)
    pd.testing.assert_frame_equal(a.unmatched, b.unmatched)


def test_summary_mentions_counts(reg):
    s = match(reg).summary()
    assert s.startswith(
        "Сформировано 3 тандема (из них 0 групповых); наставника получили 3 из 5 наставляемых."
    )
    assert "Без наставника осталось 2" in s


def test_plural_forms():
    from matching.explain import plural

    forms = ("тандем", "тандема", "тандемов")
    assert [plural(n, *forms) for n in (1, 2, 5, 11, 12, 21, 22, 25, 101, 111)] == [
        "тандем",
        "тандема",
        "тандемов",
        "тандемов",
        "тандемов",
        "тандем",
        "тандема",
        "тандемов",
        "тандем",
        "тандемов",
    ]


# ---------------------------------------------------------------------------
# Properties on random registries


def _oracle_count_and_score(cand_pairs: pd.DataFrame, capacity: dict) -> tuple[int, float]:
    mentees = sorted(cand_pairs["mentee_id"].unique())
    slots = [m for m in sorted(capacity) for _ in range(int(capacity[m]))]
    if not mentees or not slots:
        return 0, 0.0
    s = cand_pairs.set_index(["mentee_id", "mentor_id"])["score"]
    big = 10.0 * (len(mentees) + 1)
    w = np.zeros((len(mentees), len(slots)))
    ok = np.zeros_like(w, dtype=bool)
    for i, e in enumerate(mentees):
        for j, r in enumerate(slots):
            if (e, r) in s.index:
                w[i, j], ok[i, j] = big + s[(e, r)], True
    rows, cols = linear_sum_assignment(w, maximize=True)
    used = ok[rows, cols]
    return int(used.sum()), float((w[rows, cols][used] - big).sum())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(registries())
def test_properties_on_random_registries(tmp_path, tables):
    reg = load_registry(write_xlsx(tmp_path / "rand.xlsx", tables))
    cfg = MatchConfig()
    r = match(reg, cfg)
    mentee_ids = list(reg.mentees["teacher_id"])
    # Every mentee appears exactly once in pairs or unmatched.
    seen = list(r.pairs["mentee_id"]) + list(r.unmatched["mentee_id"])
    assert sorted(seen) == sorted(mentee_ids)
    t = reg.teachers.set_index("teacher_id")
    load = r.pairs["mentor_id"].value_counts()
    for mid, n in load.items():
        assert n <= t.at[mid, "capacity"]
    forbidden = set(zip(reg.forbidden.mentee_id, reg.forbidden.mentor_id))
    for p in r.pairs.itertuples(index=False):
        assert p.mentee_id != p.mentor_id
        assert t.at[p.mentee_id, "consent"] and t.at[p.mentor_id, "consent"]
        assert t.at[p.mentor_id, "role"] in ("наставник", "оба")
        assert (p.mentee_id, p.mentor_id) not in forbidden
        fe, fr = FORMAT_CODE[t.at[p.mentee_id, "format"]], FORMAT_CODE[t.at[p.mentor_id, "format"]]
        assert {fe, fr} != {0, 1}
        if p.pair_format == "очно":
            assert not p.distance_km > 40
        assert p.coverage > 0 or p.subject > 0
        assert 0 <= p.score <= 1
    # Optimal: equals an independent oracle on the same candidate pairs.
    active = reg.mentees[reg.mentees["consent"]]
    cand = build_candidates(active, reg.mentors, reg.schools, reg.forbidden, reg.preferences, cfg)
    cap = dict(zip(reg.mentors["teacher_id"], reg.mentors["capacity"]))
    count, total = _oracle_count_and_score(cand.pairs, cap)
    assert len(r.pairs) == count
    assert r.objective == pytest.approx(total, abs=1e-6)


def test_progress_is_reported_per_step(reg):
    steps = []
    match(reg, progress=lambda step, fraction: steps.append((step, fraction)))
    names = [s for s, _ in steps]
    assert names.index("Оценка пар") < names.index("Подбор пар") < names.index("Объяснения")
    assert all(0.0 <= f <= 1.0 for _, f in steps)
    assert ("Оценка пар", 1.0) in steps and ("Подбор пар", 1.0) in steps


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(registries(max_teachers=16), st.integers(1, 3))
def test_pruned_candidates_with_certificate_give_the_full_optimum(tmp_path, tables, k):
    """Keeping only k candidates per mentee must not change the optimum: the certificate
    adds back every pruned pair that could improve it."""
    reg = load_registry(write_xlsx(tmp_path / "rand.xlsx", tables))
    full = match(reg, candidates=None)
    pruned = match(reg, candidates=k)
    assert len(pruned.pairs) == len(full.pairs)
    assert pruned.objective == pytest.approx(full.objective, abs=1e-6)
    assert sorted(pruned.unmatched["mentee_id"]) == sorted(
        full.unmatched["mentee_id"]
    ) or pruned.objective == pytest.approx(full.objective, abs=1e-6)


def test_method_is_reported(reg):
    assert match(reg).method == "все допустимые пары переданы точному решателю"
    assert match(reg, candidates=1).method.startswith("лучшие 1 кандидатов на наставляемого")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(registries(max_teachers=16))
def test_block_scores_are_within_the_documented_tolerance(tmp_path, tables):
    """Blocks score in float32; every bound built on them adds SCORE_TOLERANCE, so the real
    error must stay well inside it. Pair lists give the exact float64 score of pairs()."""
    reg = load_registry(write_xlsx(tmp_path / "rand.xlsx", tables))
    active = reg.mentees[reg.mentees["consent"]]
    model = build_candidates(
        active, reg.mentors, reg.schools, reg.forbidden, reg.preferences, MatchConfig()
    ).model
    rows, cols = np.arange(model.M), np.arange(model.N)
    feasible, _, block = model.block(rows, cols)
    assert block.dtype == np.float32
    ei, ri = np.nonzero(feasible)
    exact = model.score_pairs(ei, ri)
    assert np.array_equal(exact, model.pairs(ei, ri)["score"].to_numpy())
    assert np.abs(block[ei, ri] - exact).max(initial=0.0) <= SCORE_TOLERANCE / 10


def test_block_scores_within_tolerance_on_a_generated_district(tmp_path):
    frames = generate_registry(districts=1, teachers=1200, seed=11)
    reg = load_registry(write_registry_csv(frames, tmp_path / "district"))
    active = reg.mentees[reg.mentees["consent"]]
    model = build_candidates(
        active, reg.mentors, reg.schools, reg.forbidden, reg.preferences, MatchConfig()
    ).model
    feasible, _, block = model.block(np.arange(model.M), np.arange(model.N))
    ei, ri = np.nonzero(feasible)
    assert len(ei) > 10_000
    assert np.abs(block[ei, ri] - model.score_pairs(ei, ri)).max() <= SCORE_TOLERANCE / 10
