"""Helpers of the contest notebook: the same steps as the UI, without widgets."""

from __future__ import annotations

import base64
import io
import zipfile

import pytest
from openpyxl import load_workbook

from contest import ContestError
from contest import ui


@pytest.fixture(scope="module")
def duet():
    return ui.load_inputs(next(iter(ui.SAMPLES)))


def test_samples_exist():
    for label in ui.SAMPLES:
        s = ui.sample(label)
        assert s.contest.exists() and s.people.exists() and s.scores.exists() and s.sheets.is_dir()


def test_tree_plan_and_zip(duet):
    c, p, s = duet
    tree = ui.contest_tree(c)
    assert list(tree.columns) == ["Этап", "Задание", "Вес", "Агрегация", "Критерий", "Баллы"]
    assert len(tree) == len(c.criteria_frame())
    plan = ui.plan_for_stage(c, p, "S1")
    table = ui.load_table(plan, p)
    assert table["Работ"].sum() == len(p.entries) * c.per_entry
    assert "<table" in ui.bar_html(table, "Работ")
    z = zipfile.ZipFile(io.BytesIO(ui.sheets_zip(c, p, plan, "S1")))
    assert sorted(z.namelist()) == sorted(f"{j}_S1.xlsx" for j in table.loc[table["Работ"] > 0, "Код эксперта"])
    wb = load_workbook(io.BytesIO(z.read(z.namelist()[0])))
    assert "Оценочный лист" in wb.sheetnames
    s2 = ui.plan_for_stage(c, p, "S2", s.scores)
    assert s2["entry_id"].nunique() == c.stages[0].advance_top


def test_results_from_uploaded_sheets(duet):
    c, p, s = duet
    files = [(f.name, f.read_bytes()) for f in sorted(s.sheets.glob("*.xlsx"))]
    path = ui.scores_input(files)
    assert path.is_dir()
    o = ui.run_results(c, p, path)
    assert o.ranking.iloc[0]["Награда"] == "Победитель"
    assert (o.jurors["Отметка"] == "строгий").sum() >= 1
    assert "<table" in ui.severity_html(o.jurors)
    link = ui.download_link(o.protocol, "протокол.xlsx", "Скачать")
    payload = link.split("base64,")[1].split('"')[0]
    assert base64.b64decode(payload)[:2] == b"PK"


def test_single_csv_upload_and_errors(duet):
    c, p, s = duet
    path = ui.scores_input([("scores.csv", s.scores.read_bytes())])
    assert path.name == "scores.csv"
    bad = ui.scores_input([("scores.csv", b"entry_id,juror_id,criterion_id,score\n\xd0\x9401,X,V1,1\n")])
    with pytest.raises(ContestError, match="неизвестный код эксперта «X»"):
        ui.run_results(c, p, bad)
    assert ui.uploaded_files({"a.csv": {"content": b"x"}}) == [("a.csv", b"x")]
    assert ui.uploaded_files(({"name": "b.csv", "content": memoryview(b"y")},)) == [("b.csv", b"y")]
