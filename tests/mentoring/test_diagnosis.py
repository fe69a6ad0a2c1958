"""Diagnosis of deficits: questionnaires in, the registry's deficits and levels out; the bad corpus."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from matching import load_registry, match
from matching.config import MatchConfig
from mentoring import load_register
from mentoring.cli import main
from mentoring.diagnosis import (
    apply_diagnosis,
    deficit_map,
    levels_from_answers,
    parse_level,
    read_answers,
    repeat_diagnosis,
)
from mentoring.diagnosis_io import (
    import_diagnosis,
    latest_pairs,
    read_questionnaires,
    write_questionnaires,
    write_registry,
)
from tandem.cli import run_cli
from tandem.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample_district.xlsx"
DIAG = ROOT / "data" / "diagnosis"
CORPUS = ROOT / "tests" / "data" / "bad" / "questionnaire"
BASE = ROOT / "tests" / "data" / "bad" / "registry" / "R00_base.xlsx"

with open(CORPUS / "manifest.csv", encoding="utf-8", newline="") as _f:
    CASES = list(csv.DictReader(_f))


@pytest.fixture(scope="module")
def sample():
    return load_registry(SAMPLE)


@pytest.fixture(scope="module")
def imported(sample):
    return import_diagnosis(DIAG / "questionnaires", sample)


def test_sample_questionnaires_reproduce_the_registry_deficits_exactly(sample, imported):
    new, answers = imported
    assert len(answers) == len(sample.teachers) * len(sample.deficits)
    assert new.teachers["deficits"].tolist() == sample.teachers["deficits"].tolist()
    assert (answers["source"] == "куратор").any() and (answers["source"] == "самооценка").any()
    # the curator's level counts even where the self-assessment says otherwise
    both = answers.dropna(subset=["curator_level", "self_level"])
    assert (both["curator_level"] != both["self_level"]).any()
    assert (both["level"] == both["curator_level"]).all()
    lv = new.deficit_levels
    assert int((lv["severity"] > 0).sum()) == int(sample.teachers["deficits"].map(len).sum())


def test_written_registry_reads_back_with_levels(sample, imported, tmp_path):
    new, _ = imported
    path = write_registry(new, tmp_path / "реестр.xlsx")
    back = load_registry(path)
    assert back.teachers.drop(columns="deficit_weights").equals(sample.teachers)
    pd.testing.assert_frame_equal(
        back.deficit_levels.drop(columns="excel_row"), new.deficit_levels.drop(columns="excel_row")
    )
    weights = dict(zip(back.teachers["teacher_id"], back.teachers["deficit_weights"]))
    sev = dict(
        zip(zip(new.deficit_levels["teacher_id"], new.deficit_levels["code"]), new.deficit_levels["severity"])
    )
    for tid, codes in zip(back.teachers["teacher_id"], back.teachers["deficits"]):
        assert weights[tid] == tuple(sev[(tid, c)] for c in codes)
    folder = write_registry(new, tmp_path / "csv")
    assert (folder / "deficit_levels.csv").exists()
    assert (
        load_registry(folder).deficit_levels["severity"].tolist() == back.deficit_levels["severity"].tolist()
    )


def test_registry_levels_sheet_is_checked_against_the_deficits(imported, tmp_path):
    new, _ = imported
    path = write_registry(new, tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Уровни дефицитов"]
    ws["C2"] = 0  # П-001 × Д01 becomes a deficit in the levels sheet only
    ws["D2"] = 2
    ws["C3"] = 7
    wb.save(path)
    with pytest.raises(InputError) as e:
        load_registry(path)
    text = str(e.value)
    assert "лист «Уровни дефицитов», строка 2, столбец «Острота»" in text and "не указан" in text
    assert "строка 3, столбец «Уровень»: уровень от 0 до 3" in text


def test_threshold_and_severity(sample, imported):
    _, answers = imported
    lv3 = levels_from_answers(answers, 3)
    assert (lv3["severity"] == (3 - lv3["level"]).clip(lower=0)).all()
    more = apply_diagnosis(sample, lv3)
    assert more.teachers["deficits"].map(len).sum() > sample.teachers["deficits"].map(len).sum()
    with pytest.raises(InputError, match="порог дефицита"):
        levels_from_answers(answers, 0)


@pytest.mark.parametrize(
    "text, level",
    [
        ("2", 2),
        ("2,0", 2),
        ("0 — не владею", 0),
        ("1 - владею частично", 1),
        ("ВЛАДЕЮ СВОБОДНО", 3),
        ("", None),
    ],
)
def test_parse_level_accepts_the_ways_a_level_is_written(text, level):
    assert parse_level(text) == (level, None)


@pytest.mark.parametrize("text", ["4", "-1", "1,5", "хорошо", "2 — владею свободно", "\x00date:2026-09-01"])
def test_parse_level_refuses_the_rest(text):
    value, err = parse_level(text)
    assert value is None and err


def test_severity_weighting_is_off_by_default_and_changes_scores_when_on(sample, imported):
    new, _ = imported
    base = match(sample)
    same = match(new)
    pd.testing.assert_frame_equal(base.pairs, same.pairs)
    weighted = match(
        new, MatchConfig().__class__(scales=MatchConfig().scales.__class__(coverage_by_severity=True))
    )
    cov = weighted.pairs.set_index(["mentee_id", "mentor_id"])["coverage"]
    # by hand: coverage = Σ severity of covered deficits / Σ severity of all deficits
    t = new.teachers.set_index("teacher_id")
    for (e, r), value in cov.items():
        deficits, weights, strengths = t.at[e, "deficits"], t.at[e, "deficit_weights"], t.at[r, "strengths"]
        if not deficits:
            continue
        want = sum(w for c, w in zip(deficits, weights) if c in strengths) / sum(weights)
        assert value == pytest.approx(want, abs=1e-6)
    assert not np.allclose(
        weighted.pairs["coverage"].to_numpy(),
        match(new).pairs.set_index(["mentee_id", "mentor_id"]).reindex(cov.index)["coverage"].to_numpy(),
    )


def test_deficit_map_counts_teachers_by_school_and_cluster(sample):
    t = sample.teachers.merge(sample.schools[["school_id", "cluster"]], on="school_id")
    for by, key in (("school", "school_id"), ("cluster", "cluster")):
        table = deficit_map(sample, by).set_index("unit")
        for code in sample.deficits["code"]:
            counts = t[t["deficits"].map(lambda d, c=code: c in d)].groupby(key).size()
            for unit, n in counts.items():
                assert table.at[unit, code] == n
            assert table.at["Всего", code] == int(t["deficits"].map(lambda d, c=code: c in d).sum())
        assert table.drop(index="Всего")["teachers"].sum() == len(t)


def test_repeat_diagnosis_of_the_may_pairs(sample):
    register = load_register(DIAG / "sample_register.xlsx")
    after = read_answers(read_questionnaires(DIAG / "repeat_2027-05.csv"), sample)
    pairs = latest_pairs(register.pairs)
    r = repeat_diagnosis(pairs, sample, after, 2)
    may = register.pairs[(register.pairs["status"] == "действует")]
    assert set(r["mentee_id"]) == set(may["mentee_id"])
    level = dict(zip(zip(after["teacher_id"], after["code"]), after["level"]))
    deficits = dict(zip(sample.teachers["teacher_id"], sample.teachers["deficits"]))
    for row in r.itertuples():
        assert row.before == deficits[row.mentee_id]
        assert set(row.closed) == {c for c in row.before if level[(row.mentee_id, c)] >= 2}
        assert set(row.closed) | set(row.open) == set(row.before)
    assert 0 < r["n_closed"].sum() < r["n_before"].sum()


def test_blank_questionnaires_one_per_school_with_drop_downs(sample, tmp_path):
    paths = write_questionnaires(sample, tmp_path)
    assert len(paths) == sample.teachers["school_id"].nunique()
    wb = openpyxl.load_workbook(paths[0])
    ws = wb["Анкета"]
    assert [c.value for c in ws[1]] == [
        "Код ОО",
        "Код педагога",
        "ФИО",
        "Код дефицита",
        "Дефицит",
        "Самооценка",
        "Оценка куратора",
    ]
    dv = ws.data_validations.dataValidation[0]
    assert "1 — владею частично" in dv.formula1 and str(dv.sqref).startswith("F2:G")
    n = int((sample.teachers["school_id"] == ws["A2"].value).sum()) * len(sample.deficits)
    assert ws.max_row == n + 1


# --------------------------------------------------------------------------- the bad corpus


def _digest(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_corpus_has_at_least_15_refusals():
    assert sum(r["outcome"] == "refused" for r in CASES) >= 15
    assert all((CORPUS / r["path"]).exists() for r in CASES)


@pytest.mark.parametrize("row", CASES, ids=[r["case"] for r in CASES])
def test_bad_questionnaire(row, tmp_path, capsys):
    src = CORPUS / row["path"]
    answers = tmp_path / src.name
    (shutil.copytree if src.is_dir() else shutil.copy)(src, answers)
    out = tmp_path / "out"
    out.mkdir()
    code = run_cli(
        main,
        [
            "diagnosis",
            "import",
            str(BASE),
            str(answers),
            "--out",
            str(out / "r.xlsx"),
            "--map",
            str(out / "map"),
        ],
    )
    err = capsys.readouterr().err
    if row["outcome"] == "refused":
        assert code == 2, f"{row['case']}: exit {code}; stderr:\n{err}"
        assert row["fragment"] in err, f"«{row['fragment']}» not in:\n{err}"
        assert "Traceback" not in err
        assert list(out.iterdir()) == [], "nothing written on refusal"
    else:
        assert code == 0, err
        assert (
            load_registry(out / "r.xlsx").teachers["deficits"].tolist()
            == load_registry(BASE).teachers["deficits"].tolist()
        )
        assert (out / "map" / "Карта дефицитов.png").read_bytes()[:4] == b"\x89PNG"


def test_refusal_names_file_sheet_row_and_column(tmp_path, capsys):
    assert (
        run_cli(
            main,
            ["diagnosis", "import", str(BASE), str(CORPUS / "Q05.xlsx"), "--out", str(tmp_path / "r.xlsx")],
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "файл «Q05.xlsx», лист «Анкета», строка 5, столбец «Самооценка»" in err


def test_threshold_out_of_range_is_exit_2(tmp_path, capsys):
    args = ["diagnosis", "import", str(BASE), str(CORPUS / "Q00.xlsx"), "--out", str(tmp_path / "r.xlsx")]
    assert run_cli(main, args + ["--threshold", "4"]) == 2
    assert "порог дефицита" in capsys.readouterr().err
    assert not (tmp_path / "r.xlsx").exists()
