"""Tests of the seeded synthetic registry generator and the registry writers."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from matching import registry_writer
from matching.registry_writer import write_registry_csv, write_registry_xlsx
from matching.schema import AREAS, CATEGORIES, CLUSTERS, CONSENT, FORMATS, ROLES, SHEETS, SHEETS_BY_NAME
from matching.synthetic import (
    DEFAULT_SEED,
    UNCOVERED_CODES,
    design_feasibility,
    generate_registry,
    haversine_km,
)

ROOT = Path(__file__).resolve().parents[2]
MENTEE_ROLES = {"наставляемый", "оба"}
MENTOR_ROLES = {"наставник", "оба"}


@pytest.fixture(scope="module")
def sample():
    return generate_registry()


@pytest.fixture(scope="module")
def region():
    return generate_registry(districts=10, teachers=20_000, seed=7)


def codes(series: pd.Series) -> list[set[str]]:
    return [{x.strip() for x in str(v).split(";") if x.strip()} if pd.notna(v) else set() for v in series]


def normalise(df: pd.DataFrame, sheet_name: str) -> pd.DataFrame:
    """Comparable form: numbers as float, text as str, blanks as None."""
    sheet = SHEETS_BY_NAME[sheet_name]
    out = pd.DataFrame(index=range(len(df)))
    for col in sheet.columns:
        v = df[col.name].reset_index(drop=True)
        if col.kind in ("int", "float"):
            out[col.name] = pd.to_numeric(v, errors="raise").astype(float)
        else:
            out[col.name] = [
                None if (x is None or (not isinstance(x, str) and pd.isna(x)) or x == "") else str(x)
                for x in v
            ]
    return out


# ---------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------


def test_deterministic_for_a_seed(sample):
    again = generate_registry(seed=DEFAULT_SEED)
    assert sample.keys() == again.keys()
    for key in sample:
        pd.testing.assert_frame_equal(sample[key], again[key])
    other = generate_registry(seed=DEFAULT_SEED + 1)
    assert not sample["teachers"].equals(other["teachers"])


def test_contract_columns_and_values(sample, region):
    for frames in (sample, region):
        assert set(frames) == {s.name for s in SHEETS}
        for sheet in SHEETS:
            assert list(frames[sheet.name].columns) == [c.name for c in sheet.columns]
        t, s, d = frames["teachers"], frames["schools"], frames["deficits"]
        assert set(t["role"]) <= set(ROLES)
        assert set(t["category"]) <= set(CATEGORIES)
        assert set(t["consent"]) <= set(CONSENT)
        assert set(t["format"].dropna()) <= set(FORMATS)
        assert set(s["cluster"]) <= set(CLUSTERS)
        assert set(d["area"]) <= set(AREAS)
        assert (t["experience_years"] >= 0).all()
        assert t["full_name"].str.fullmatch(r"[А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+").all()


def test_ids_unique_and_references_exist(sample, region):
    for frames in (sample, region):
        t, s, d = frames["teachers"], frames["schools"], frames["deficits"]
        assert s["school_id"].is_unique and t["teacher_id"].is_unique and d["code"].is_unique
        assert t["school_id"].isin(s["school_id"]).all()
        catalogue = set(d["code"])
        for col in ("deficits", "strengths"):
            assert set().union(*codes(t[col])) <= catalogue
        for key in ("locked", "forbidden", "preferences"):
            assert not frames[key].duplicated(["mentee_id", "mentor_id"]).any()


def test_pairs_refer_to_people_with_the_right_roles(sample, region):
    for frames in (sample, region):
        t = frames["teachers"].set_index("teacher_id")
        for key in ("locked", "forbidden", "preferences"):
            p = frames[key]
            assert p["mentee_id"].isin(t.index).all() and p["mentor_id"].isin(t.index).all()
            assert t.loc[p["mentee_id"], "role"].isin(MENTEE_ROLES).all()
            assert t.loc[p["mentor_id"], "role"].isin(MENTOR_ROLES).all()
            assert (p["mentee_id"] != p["mentor_id"]).all()
        prefs = frames["preferences"]
        for _, g in prefs.groupby("mentee_id"):
            assert sorted(g["rank"]) == list(range(1, len(g) + 1))
        assert not set(zip(prefs.mentee_id, prefs.mentor_id)) & set(
            zip(frames["forbidden"].mentee_id, frames["forbidden"].mentor_id)
        )


def test_sample_looks_like_a_rural_district(sample):
    s, t, d = sample["schools"], sample["teachers"], sample["deficits"]
    assert 12 <= len(s) <= 15 and len(t) == 250
    assert s["district"].nunique() == 1
    assert s["school_id"].str.fullmatch(r"ОО-\d\d").all()
    assert t["teacher_id"].str.fullmatch(r"П-\d\d\d").all()
    assert s["name"].str.fullmatch(r'МБОУ "[А-ЯЁ][а-яё]+ (СОШ|ООШ)( № \d+)?"').all()
    assert 20 <= len(d) <= 30 and set(d["area"]) == set(AREAS)
    centre = s.iloc[0]
    assert 54 < centre["lat"] < 56 and 47 < centre["lon"] < 49
    km = haversine_km(centre["lat"], centre["lon"], s["lat"].to_numpy(), s["lon"].to_numpy())
    assert km.max() <= 55 and (km >= 45).sum() >= 2

    mentees = t[t["role"] == "наставляемый"]
    possible = t[t["strengths"] != ""]
    willing = t[t["role"].isin(MENTOR_ROLES) & (t["consent"] == "да")]
    assert 45 <= len(mentees) <= 55 and 35 <= len(possible) <= 45
    assert 1 <= (t["role"] == "оба").sum() <= 8
    assert 1 <= (possible["consent"] == "нет").sum() <= 6
    # everyone else: could mentor, has not agreed
    rest = t[(t["strengths"] == "") & (t["role"] == "наставник")]
    assert (rest["consent"] == "нет").all() and rest["capacity"].isna().all()
    assert len(rest) + len(possible) + len(mentees) == len(t)

    k_def = mentees["deficits"].map(lambda v: len(codes(pd.Series([v]))[0]))
    assert k_def.between(1, 4).all()
    k_str = possible["strengths"].map(lambda v: len(codes(pd.Series([v]))[0]))
    assert k_str.between(2, 6).all()
    assert possible["capacity"].between(1, 3).all()
    assert possible["format"].notna().all() and mentees["format"].notna().all()
    young = mentees[mentees["experience_years"] < 3]
    assert len(young) >= 15 and (young["category"] == "без категории").all()
    mentors = t[t["role"] == "наставник"].loc[possible.index.intersection(t.index[t["role"] == "наставник"])]
    assert (mentors["experience_years"] >= 6).all()
    assert mentors["experience_years"].between(10, 35).mean() >= 0.75
    assert set(mentors["category"]) <= {"высшая", "первая", "педагог-наставник", "педагог-методист"}
    subjects = t["subjects"].str.split("; ")
    assert subjects.map(len).between(1, 2).all()
    assert {"математика", "русский язык", "немецкий язык", "начальные классы"} <= set(subjects.explode())
    assert 10 <= len(sample["preferences"]) <= 15
    assert len(sample["locked"]) == 1 and len(sample["forbidden"]) == 1
    assert 30 <= len(willing) and willing["capacity"].sum() >= len(mentees)


def test_names_have_consistent_gender(sample):
    parts = sample["teachers"]["full_name"].str.split(" ", expand=True)
    female_patronymic = parts[2].str.endswith(("вна", "чна"))
    female_surname = parts[0].str.endswith(("ова", "ева", "ёва", "ина", "ская", "цкая"))
    assert (female_patronymic == female_surname).all()
    assert 0.6 < female_patronymic.mean() < 0.95


def test_mentors_cover_most_deficits_but_not_all(sample):
    t = sample["teachers"]
    willing = t[t["role"].isin(MENTOR_ROLES) & (t["consent"] == "да")]
    covered = set().union(*codes(willing["strengths"]))
    wanted = [c for s in codes(t.loc[t["role"].isin(MENTEE_ROLES), "deficits"]) for c in s]
    share = np.mean([c in covered for c in wanted])
    assert 0.8 <= share < 1.0
    assert not covered & set(UNCOVERED_CODES)


def test_a_few_mentees_are_naturally_unmatched(sample):
    t = sample["teachers"].set_index("teacher_id")
    feasible = design_feasibility(sample)
    mentees = t.index[t["role"].isin(MENTEE_ROLES)]
    stuck = mentees[~mentees.isin(feasible["mentee_id"])]
    assert 2 <= len(stuck) <= 5
    assert (t.loc[stuck, "subjects"] == "немецкий язык").any()
    assert (t.loc[stuck, "format"] == "очно").all()
    # the German teacher: no consenting mentor teaches German
    willing = t[t["role"].isin(MENTOR_ROLES) & (t["consent"] == "да")]
    assert not willing["subjects"].str.contains("немецкий").any()


def test_locked_and_forbidden_pairs_are_feasible_across_schools(sample):
    for frames in (sample, generate_registry(districts=3, teachers=900, seed=7)):
        t = frames["teachers"].set_index("teacher_id")
        feasible = design_feasibility(frames)
        for key in ("locked", "forbidden"):
            pairs = frames[key]
            unforbidden = dict(frames, forbidden=frames["forbidden"].iloc[:0])
            allowed = design_feasibility(unforbidden) if key == "forbidden" else feasible
            hit = pairs.merge(allowed, on=["mentee_id", "mentor_id"], how="left", indicator=True)
            assert (hit["_merge"] == "both").all()
        assert not frames["forbidden"].merge(feasible, on=["mentee_id", "mentor_id"]).shape[0]
        for a, b in zip(frames["locked"]["mentee_id"], frames["locked"]["mentor_id"]):
            assert t.loc[a, "school_id"] != t.loc[b, "school_id"]
            assert t.loc[b, "consent"] == "да" and t.loc[b, "capacity"] >= 1


def test_region_scale_sizes(region):
    s, t = region["schools"], region["teachers"]
    assert len(t) == 20_000
    assert s["district"].nunique() == 10
    assert 900 <= len(s) <= 1300
    assert t["school_id"].isin(s["school_id"]).all()
    assert abs((t["role"] == "наставляемый").sum() - 0.2 * 20_000) < 200
    assert len(region["locked"]) == 10 and len(region["forbidden"]) == 10
    assert 300 <= len(region["preferences"]) <= 1500
    assert s["lat"].between(50, 60).all() and s["lon"].between(40, 56).all()


def test_invalid_parameters():
    with pytest.raises(ValueError):
        generate_registry(districts=0)
    with pytest.raises(ValueError):
        generate_registry(teachers=30)
    with pytest.raises(ValueError):
        generate_registry(mentee_share=0.7, mentor_share=0.5)


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------


def read_xlsx_as_english(path: Path) -> dict[str, pd.DataFrame]:
    book = pd.read_excel(path, sheet_name=None, engine="calamine")
    out = {}
    for sheet in SHEETS:
        if sheet.title in book:
            df = book[sheet.title]
            assert list(df.columns) == [c.header for c in sheet.columns]
            out[sheet.name] = df.set_axis([c.name for c in sheet.columns], axis=1)
    return out


def assert_same_registry(got: dict[str, pd.DataFrame], frames: dict[str, pd.DataFrame]):
    expected = {k for k, v in frames.items() if len(v) or SHEETS_BY_NAME[k].required}
    assert set(got) == expected
    for key in expected:
        pd.testing.assert_frame_equal(normalise(got[key], key), normalise(frames[key], key))


def test_xlsx_round_trip_with_russian_headers(sample, tmp_path):
    path = write_registry_xlsx(sample, tmp_path / "registry.xlsx")
    book = pd.read_excel(path, sheet_name=None, engine="calamine")
    assert list(book) == ["Школы", "Педагоги", "Дефициты", "Закрепления", "Запреты", "Пожелания"]
    assert_same_registry(read_xlsx_as_english(path), sample)
    assert not list(tmp_path.glob(".*tmp"))


def test_xlsx_english_and_empty_optional_sheets_omitted(tmp_path):
    frames = generate_registry(
        teachers=120, seed=3, locked_per_district=0, forbidden_per_district=0, preferences_share=0.0
    )
    path = write_registry_xlsx(frames, tmp_path / "en.xlsx", russian=False)
    book = pd.read_excel(path, sheet_name=None, engine="calamine")
    assert list(book) == ["schools", "teachers", "deficits"]
    assert list(book["teachers"].columns) == [c.name for c in SHEETS_BY_NAME["teachers"].columns]
    write_registry_csv(frames, tmp_path / "csv")
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == [
        "deficits.csv",
        "schools.csv",
        "teachers.csv",
    ]


def test_write_only_mode_round_trips(sample, tmp_path, monkeypatch):
    monkeypatch.setattr(registry_writer, "WRITE_ONLY_ROWS", 100)
    path = write_registry_xlsx(sample, tmp_path / "big.xlsx")
    assert_same_registry(read_xlsx_as_english(path), sample)


def test_csv_round_trip(sample, tmp_path):
    folder = write_registry_csv(sample, tmp_path / "csv")
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(f"{s.name}.csv" for s in SHEETS)
    got = {}
    for sheet in SHEETS:
        raw = (folder / f"{sheet.name}.csv").read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        raw.decode("utf-8")
        df = pd.read_csv(folder / f"{sheet.name}.csv", encoding="utf-8")
        assert list(df.columns) == [c.name for c in sheet.columns]
        got[sheet.name] = df
    assert_same_registry(got, sample)


def test_embedded_sample_matches_the_generator(sample):
    path = ROOT / "data" / "sample_district.xlsx"
    assert path.exists(), "run data/make_sample.py"
    assert_same_registry(read_xlsx_as_english(path), sample)
    folder = ROOT / "data" / "sample_district_csv"
    got = {
        s.name: pd.read_csv(folder / f"{s.name}.csv") for s in SHEETS if (folder / f"{s.name}.csv").exists()
    }
    assert_same_registry(got, sample)
    script = (ROOT / "data" / "make_sample.py").read_text(encoding="utf-8")
    assert re.search(r"seed=DEFAULT_SEED", script)
