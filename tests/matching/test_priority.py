"""Priority tiers, mentors' wishes (mutual interest) and the bottleneck objective in `match`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from scipy.optimize import linear_sum_assignment

from matching import MatchConfig, config_from_dict, load_config, load_registry, match, solve_assignment
from matching.config import Priority, Tier
from matching.explain import pair_text
from matching.export import parameters_table
from matching.priority import compare_objectives, mentee_tiers
from matching.registry import validate_tables
from matching.registry_writer import write_registry_xlsx
from matching.scoring import build_candidates
from matching.template import write_template
from tandem.errors import InputError
from tandem.tables import RawTable
from tests.matching.conftest import base_tables, write_xlsx
from tests.strategies import registries

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample_district.xlsx"
YOUNG_THEN_SHNOR = {"tiers": [{"experience_below": 3, "label": "молодые специалисты"}, {"cluster": "ШНОР"}]}


def _registry(tables: dict[str, list]):
    """Validate row lists in memory (no workbook): every cell as text, as a reader gives it."""
    from matching import schema

    raw = {}
    for sheet in (*schema.SHEETS, schema.MENTOR_PREFERENCES):
        if sheet.name not in tables:
            continue
        rows = [["" if v is None else str(v) for v in row] for row in tables[sheet.name]]
        raw[sheet.title] = RawTable(
            "r.xlsx", sheet.title, [c.header for c in sheet.columns], rows, list(range(2, 2 + len(rows)))
        )
    return validate_tables(raw, source="r.xlsx")


# ---------------------------------------------------------------------------
# Configuration


def test_defaults_are_off_and_the_yaml_file_equals_them():
    cfg = MatchConfig()
    assert cfg.objective == "total" and cfg.priority.tiers == ()
    assert load_config(ROOT / "data" / "matching_config.yaml") == cfg
    assert config_from_dict(cfg.to_dict()) == cfg


def test_tiers_are_read_in_order_with_labels():
    cfg = config_from_dict({"objective": "bottleneck", "priority": YOUNG_THEN_SHNOR})
    assert cfg.objective == "bottleneck"
    assert cfg.priority.tiers == (
        Tier(experience_below=3.0, label="молодые специалисты"),
        Tier(clusters=("ШНОР",)),
    )
    assert cfg.priority.describe() == "1 — молодые специалисты; 2 — школа ШНОР; 3 — остальные"
    assert config_from_dict(cfg.to_dict()) == cfg
    both = config_from_dict({"priority": {"tiers": [{"experience_below": 1, "cluster": ["ШНОР", "ШСОР"]}]}})
    assert both.priority.tiers[0].describe() == "стаж менее 1 года, школа ШНОР или ШСОР"
    assert Tier(experience_below=5).describe() == "стаж менее 5 лет"
    assert Tier(experience_below=2.5).describe() == "стаж менее 2,5 года"


@pytest.mark.parametrize(
    "data, words",
    [
        ({"objective": "worst"}, ["«objective»", "total или bottleneck", "«worst»"]),
        (
            {"priority": {"tiers": [{"experience_below": -1}]}},
            ["«priority.tiers», уровень 1", "experience_below"],
        ),
        ({"priority": {"tiers": [{"cluster": "ШКОЛА"}]}}, ["уровень 1", "«cluster»", "ШНОР / ШСОР / ШВОР"]),
        (
            {"priority": {"tiers": [{"experience_below": 3}, {"stage": 2}]}},
            ["уровень 2", "неизвестный ключ «stage»"],
        ),
        ({"priority": {"tiers": [{"label": "без условий"}]}}, ["уровень 1", "хотя бы одно условие"]),
        ({"priority": {"tiers": "молодые"}}, ["«priority.tiers»", "список"]),
        ({"priority": {"levels": []}}, ["«priority.levels»"]),
        ({"priority": {"tiers": [3]}}, ["уровень 1", "набор условий"]),
        ({"goal": 1}, ["неизвестный раздел «goal»", "objective", "priority"]),
    ],
)
def test_bad_priority_and_objective_name_the_yaml_key(data, words):
    with pytest.raises(InputError) as err:
        config_from_dict(data, source="настройки.yaml")
    text = str(err.value)
    assert "настройки.yaml" in text
    for w in words:
        assert w in text, (w, text)


def test_mentee_tiers_first_tier_that_holds_wins():
    mentees = pd.DataFrame(
        {
            "teacher_id": ["a", "b", "c", "d", "e"],
            "experience_years": [1.0, 10.0, 2.0, np.nan, 30.0],
            "school_id": ["S1", "S1", "S2", "S1", "S3"],
        }
    )
    schools = pd.DataFrame({"school_id": ["S1", "S2", "S3"], "cluster": ["ШНОР", "ШВОР", ""]})
    pr = config_from_dict({"priority": YOUNG_THEN_SHNOR}).priority
    assert mentee_tiers(mentees, schools, pr).tolist() == [1, 2, 1, 2, 3]
    assert mentee_tiers(mentees, schools, Priority()).tolist() == [1, 1, 1, 1, 1]


# ---------------------------------------------------------------------------
# Tiers in match


def _scarce_tables():
    """One mentor with one place and two mentees who both fit: Н1 is young (1 year), Н4 not (12);
    both work at a ШНОР school."""
    t = base_tables()
    teachers = [list(r) for r in t["teachers"]]
    keep = {"Т1", "Н1", "Н4"}
    teachers = [r for r in teachers if r[0] in keep]
    for r in teachers:
        if r[0] == "Т1":
            r[9] = 1
            r[8] = "Д1; Д2; Д3"
        if r[0] == "Н1":  # fits Т1 less well than Н4 does: no common subject, 2 of 3 deficits covered
            r[4], r[7] = "история", "Д1; Д3; Д4"
        if r[0] == "Н4":
            r[4], r[10] = "математика", "смешанно"
    t["teachers"] = [tuple(r) for r in teachers]
    t["preferences"] = []
    return t


def test_a_higher_tier_takes_the_last_mentor_and_the_other_is_told_why():
    reg = _registry(_scarce_tables())
    plain = match(reg)
    assert plain.pairs["mentee_id"].tolist() == ["Н4"]  # the higher score without priority
    cfg = config_from_dict({"priority": YOUNG_THEN_SHNOR})
    r = match(reg, cfg)
    assert r.pairs["mentee_id"].tolist() == ["Н1"]
    u = r.unmatched.set_index("mentee_id")
    assert u.at["Н4", "reason_code"] == "priority_busy"
    assert u.at["Н4", "reason"] == (
        "все 1 подходящий наставник занят наставляемыми более высокого приоритета (молодые специалисты)"
    )
    assert "приоритет" in r.method
    params = dict(parameters_table(r, reg).values.tolist())
    assert (
        params["Приоритет наставляемых (уровни)"] == "1 — молодые специалисты; 2 — школа ШНОР; 3 — остальные"
    )
    assert "Цель подбора" not in params
    assert "Приоритет наставляемых (уровни)" not in dict(parameters_table(plain, reg).values.tolist())


def test_tiers_off_leave_the_sample_result_unchanged():
    reg = load_registry(SAMPLE)
    a, b = match(reg), match(reg, MatchConfig())
    assert a.pairs.drop(columns=[]).equals(b.pairs) and a.unmatched.equals(b.unmatched)
    assert "приоритет" not in a.method and "Цель подбора" not in dict(
        parameters_table(a, reg).values.tolist()
    )


def _lex_oracle(pairs: pd.DataFrame, cap: dict, tier_of: dict) -> tuple[list[int], float]:
    """Per-tier matched counts and total score of the lexicographic optimum, by scipy on the
    capacity-expanded matrix with integer weights C^(T+1−t) per tier (C larger than any lower sum)."""
    mentees = sorted(set(pairs["mentee_id"]))
    slots = [m for m in sorted(cap) for _ in range(int(cap[m]))]
    if not mentees or not slots:
        return [], 0.0
    T = max(tier_of.values())
    C = len(mentees) + 2
    s = pairs.set_index(["mentee_id", "mentor_id"])["score"]
    w = np.zeros((len(mentees), len(slots)))
    ok = np.zeros_like(w, dtype=bool)
    for i, e in enumerate(mentees):
        for j, r in enumerate(slots):
            if (e, r) in s.index:
                w[i, j], ok[i, j] = float(C ** (T + 1 - tier_of[e])) + s[(e, r)], True
    rows, cols = linear_sum_assignment(w, maximize=True)
    used = ok[rows, cols]
    counts = [0] * T
    total = 0.0
    for i, j in zip(rows[used], cols[used]):
        counts[tier_of[mentees[i]] - 1] += 1
        total += s[(mentees[i], slots[j])]
    return counts, total


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registries(max_teachers=16))
def test_tier_counts_equal_the_lexicographic_maximum_on_random_registries(tables):
    reg = _registry(tables)
    cfg = config_from_dict({"priority": {"tiers": [{"experience_below": 15}, {"cluster": ["ШНОР", "ШСОР"]}]}})
    r = match(reg, cfg)
    active = reg.mentees[reg.mentees["consent"]]
    tiers = mentee_tiers(active, reg.schools, cfg.priority)
    tier_of = dict(zip(active["teacher_id"], tiers.tolist()))
    cand = build_candidates(active, reg.mentors, reg.schools, reg.forbidden, reg.preferences, cfg)
    cap = dict(zip(reg.mentors["teacher_id"], reg.mentors["capacity"]))
    counts, total = _lex_oracle(cand.pairs, cap, tier_of)
    got = [0] * len(counts)
    for m in r.pairs["mentee_id"]:
        got[tier_of[m] - 1] += 1
    assert got == counts  # tier 1 the most possible, then tier 2, …
    assert r.objective == pytest.approx(total, abs=1e-6)
    for row in r.unmatched.itertuples(index=False):  # a priority reason names a higher tier only
        if row.reason_code == "priority_busy":
            assert tier_of[row.mentee_id] > 1


# ---------------------------------------------------------------------------
# Bottleneck


def test_bottleneck_on_the_sample_equals_solve_assignment_on_all_feasible_pairs():
    reg = load_registry(SAMPLE)
    cfg = MatchConfig().with_objective("bottleneck")
    r = match(reg, cfg)
    active = reg.mentees[reg.mentees["consent"]]
    locked = set(reg.locked["mentee_id"])
    cand = build_candidates(active, reg.mentors, reg.schools, reg.forbidden, reg.preferences, cfg)
    edges = cand.pairs[~cand.pairs["mentee_id"].isin(locked)][["mentee_id", "mentor_id", "score"]]
    cap = reg.mentors.set_index("teacher_id")["capacity"] - reg.locked["mentor_id"].value_counts().reindex(
        reg.mentors["teacher_id"]
    ).fillna(0).to_numpy().astype(int)
    ref = solve_assignment(edges, cap.to_dict(), objective="bottleneck")
    free = r.pairs[~r.pairs["locked"]]
    assert len(free) == len(ref)
    assert free["score"].min() == pytest.approx(ref["score"].min(), abs=1e-12)
    assert free["score"].sum() == pytest.approx(ref["score"].sum(), abs=1e-6)
    plain = match(reg)
    assert len(r.pairs) == len(plain.pairs)
    assert r.pairs["score"].min() >= plain.pairs["score"].min()
    assert r.objective <= plain.objective + 1e-9
    assert dict(parameters_table(r, reg).values.tolist())["Цель подбора"].startswith(
        "максимум пар, затем лучший"
    )


@pytest.mark.parametrize(
    "cfg",
    [
        MatchConfig().with_objective("bottleneck"),
        config_from_dict({"priority": YOUNG_THEN_SHNOR}),
        config_from_dict({"priority": YOUNG_THEN_SHNOR, "objective": "bottleneck"}),
    ],
)
def test_pruned_candidates_are_certified_over_every_feasible_pair(cfg):
    reg = load_registry(SAMPLE)
    full = match(reg, cfg, candidates=None)
    pruned = match(reg, cfg, candidates=3)
    assert "сертификат оптимальности по всем допустимым парам" in pruned.method
    assert pruned.pairs["score"].min() == pytest.approx(full.pairs["score"].min(), abs=1e-12)
    assert pruned.objective == pytest.approx(full.objective, abs=1e-6)
    assert len(pruned.pairs) == len(full.pairs)


def test_compare_objectives_table():
    reg = load_registry(SAMPLE)
    a, b = match(reg), match(reg, MatchConfig().with_objective("bottleneck"))
    t = compare_objectives(a, b).set_index("Показатель")
    assert list(t.columns) == ["Сумма баллов (total)", "Самая слабая пара (bottleneck)"]
    assert t.at["Пар сформировано", "Сумма баллов (total)"] == len(a.pairs)
    assert t.at["Балл самой слабой пары", "Самая слабая пара (bottleneck)"] == round(
        b.pairs["score"].min(), 3
    )
    assert (
        t.at["Сумма баллов", "Сумма баллов (total)"] >= t.at["Сумма баллов", "Самая слабая пара (bottleneck)"]
    )
    moved = {
        m
        for m in set(a.pairs.mentee_id) | set(b.pairs.mentee_id)
        if dict(zip(a.pairs.mentee_id, a.pairs.mentor_id)).get(m)
        != dict(zip(b.pairs.mentee_id, b.pairs.mentor_id)).get(m)
    }  # noqa: E501
    assert t.at["Наставляемых с другим наставником", "Сумма баллов (total)"] == len(moved)
    same = compare_objectives(a, a).set_index("Показатель")
    assert same.at["Наставляемых с другим наставником", "Сумма баллов (total)"] == 0
    assert same.at["Кого касается", "Сумма баллов (total)"] == ""


# ---------------------------------------------------------------------------
# Mentors' wishes (mutual interest)


def _wish_tables(mentor_wishes):
    t = base_tables()
    t["preferences"] = [("Н1", "Т1", 1), ("Н2", "Т2", 2)]
    if mentor_wishes is not None:
        t["mentor_preferences"] = mentor_wishes
    return t


def _component(reg, mentee, mentor):
    active = reg.mentees[reg.mentees["consent"]]
    c = build_candidates(
        active,
        reg.mentors,
        reg.schools,
        reg.forbidden,
        reg.preferences,
        MatchConfig(),
        mentor_preferences=reg.mentor_preferences,
    ).pairs.set_index(["mentee_id", "mentor_id"])
    return c.loc[(mentee, mentor)]


def test_without_mentor_wishes_the_component_is_the_mentees_one_over_rank():
    reg = _registry(_wish_tables(None))
    assert reg.mentor_preferences.empty
    assert _component(reg, "Н1", "Т1")["preference"] == 1.0
    assert _component(reg, "Н2", "Т2")["preference"] == 0.5
    assert _component(reg, "Н1", "Т3")["preference"] == 0.0


def test_a_mutual_wish_weighs_more_than_any_one_sided_wish():
    reg = _registry(_wish_tables([("Т1", "Н1", 2), ("Т3", "Н1", 1)]))
    assert reg.mentor_preferences[["mentor_id", "mentee_id", "rank"]].values.tolist() == [
        ["Т1", "Н1", 2],
        ["Т3", "Н1", 1],
    ]
    mutual = _component(reg, "Н1", "Т1")
    assert mutual["preference"] == pytest.approx(0.5 + (1 + 1 / 2) / 4)
    assert (mutual["wish_mentee"], mutual["wish_mentor"]) == (1, 2)
    mentor_only = _component(reg, "Н1", "Т3")
    assert mentor_only["preference"] == 0.5 and mentor_only["wish_mentor"] == 1
    mentee_only = _component(reg, "Н2", "Т2")
    assert mentee_only["preference"] == 0.25
    # the weakest mutual wish beats the strongest one-sided wish
    assert 0.5 + (1 / 10_000 + 1 / 10_000) / 4 > max(mentor_only["preference"], 0.5)
    r = match(reg)
    text = r.pairs.set_index("mentee_id").at["Н1", "explanation"]
    assert "взаимное пожелание: 1-е у наставляемого, 2-е у наставника" in text


def test_pair_text_names_each_kind_of_wish():
    row = {
        "n_deficits": 0,
        "covered": (),
        "uncovered": (),
        "shared_subjects": (),
        "experience_gap": 3.0,
        "cluster": 0.5,
        "pair_format": "дистанционно",
        "distance_km": float("nan"),
        "preference": 0.5,
        "other_school": True,
    }
    assert "2-е пожелание наставляемого" in pair_text(row, {}, "", "", "")
    assert "3-е пожелание наставника" in pair_text(
        {**row, "wish_mentee": 0, "wish_mentor": 3}, {}, "", "", ""
    )
    assert "пожелание" not in pair_text({**row, "wish_mentee": 0, "wish_mentor": 0}, {}, "", "", "")


@pytest.mark.parametrize(
    "rows, where, words",
    [
        ([("Т9", "Н1", 1)], ("Наставник", 2), ["«Т9» не найден"]),
        ([("Н2", "Н1", 1)], ("Наставник", 2), ["роль «наставляемый»", "роль наставника"]),
        ([("Т1", "Т2", 1)], ("Наставляемый", 2), ["роль «наставник»", "роль наставляемого"]),
        ([("Т1", "Н1", 1), ("Т1", "Н1", 2)], ("Наставляемый", 3), ["уже указано в строке 2"]),
        ([("Т1", "Н1", 0)], ("Приоритет", 2), ["целое число от 1", "«0»"]),
        ([("Т1", "Н1", "1,5")], ("Приоритет", 2), ["«1,5»"]),
        ([("Т1", "Н1", "")], ("Приоритет", 2), ["пустая ячейка"]),
    ],
)
def test_bad_mentor_wishes_name_file_sheet_row_column(tmp_path, rows, where, words):
    p = write_xlsx(tmp_path / "реестр.xlsx", _wish_tables(rows))
    with pytest.raises(InputError) as err:
        load_registry(p)
    issues = err.value.issues
    hit = [i for i in issues if i.sheet == "Пожелания наставников" and (i.column, i.row) == where]
    assert hit, [str(i) for i in issues]
    assert all(i.file == "реестр.xlsx" for i in hit)
    for w in words:
        assert any(w in i.message for i in hit), (w, [i.message for i in hit])


def test_template_and_writer_carry_the_mentor_wishes_sheet(tmp_path):
    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    assert "Пожелания наставников" in wb.sheetnames
    assert [c.value for c in wb["Пожелания наставников"][1]] == ["Наставник", "Наставляемый", "Приоритет"]
    assert load_registry(tmp_path / "t.xlsx").mentor_preferences.empty
    reg = _registry(_wish_tables([("Т1", "Н1", 2)]))
    frames = {
        "schools": reg.schools,
        "teachers": reg.teachers.assign(
            subjects=reg.teachers["subjects"].map("; ".join),
            deficits=reg.teachers["deficits"].map("; ".join),
            strengths=reg.teachers["strengths"].map("; ".join),
            consent=reg.teachers["consent"].map({True: "да", False: "нет"}),
        ),
        "deficits": reg.deficits,
        "preferences": reg.preferences,
        "mentor_preferences": reg.mentor_preferences.drop(columns="excel_row"),
    }
    back = load_registry(write_registry_xlsx(frames, tmp_path / "w.xlsx"))
    assert back.mentor_preferences[["mentor_id", "mentee_id", "rank"]].values.tolist() == [["Т1", "Н1", 2]]
