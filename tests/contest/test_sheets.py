"""Score sheets: write → fill → read back, protection, and every tamper case."""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import replace

import pandas as pd
import pytest
from openpyxl import load_workbook

from contest import ContestError
from contest.assign import assign_jury
from contest.people import make_people
from contest.scores_io import load_scores
from contest.sheets import MAIN, META, build_sheet, score_cells, sheet_file_name, write_sheets
from contest.sheets_read import read_sheet
from tests.contest._io_fixtures import ENTRIES, JURY, contest, people


def fill(path, value_of=lambda eid, jid, cid: 2.0, overrides=None):
    """Fill every score cell of a sheet like a juror would (openpyxl, structure kept)."""
    wb = load_workbook(path)
    ws = wb[MAIN]
    cells = {}
    for cell, eid, jid, cid in score_cells(wb)[["cell", "entry_id", "juror_id", "criterion_id"]].itertuples(
        index=False
    ):
        ws[cell] = value_of(eid, jid, cid)
        cells[(eid, cid)] = cell
    for (eid, cid), v in (overrides or {}).items():
        ws[cells[(eid, cid)]] = v
    wb.save(path)
    return cells


def value_of(eid, jid, cid):
    return float((int(eid[1:]) * 7 + int(jid[1:]) * 3 + int(cid[1:])) % 4) + (0.5 if cid == "K3" else 0.0)


@pytest.fixture
def issued(tmp_path):
    c, p = contest(), people()
    plan = assign_jury(c, p)
    files = write_sheets(c, p, plan, "S1", tmp_path / "sheets")
    return c, p, plan, files


def test_roundtrip_equals_scores(issued):
    c, p, plan, files = issued
    assert [f.name for f in files] == [sheet_file_name(j, "S1") for j in p.jury["juror_id"]]
    for f in files:
        fill(f, value_of)
    ss = load_scores(files[0].parent, c, p)
    expected = [
        (e, j, k, value_of(e, j, k)) for e, j in plan.itertuples(index=False) for k in ("K1", "K2", "K3")
    ]
    exp = pd.DataFrame(expected, columns=["entry_id", "juror_id", "criterion_id", "score"])
    got = ss.scores[["entry_id", "juror_id", "criterion_id", "score"]]
    key = ["entry_id", "juror_id", "criterion_id"]
    pd.testing.assert_frame_equal(
        got.sort_values(key).reset_index(drop=True),
        exp.sort_values(key).reset_index(drop=True),
        check_dtype=False,
    )
    assert set(ss.scores["stage_id"]) == {"S1"}
    assert len(ss.files) == len(files)


def test_sheet_layout_protection_validation(issued):
    c, p, plan, files = issued
    wb = load_workbook(files[0])
    assert wb.sheetnames == [MAIN, META]
    assert wb[META].sheet_state == "veryHidden"
    ws = wb[MAIN]
    assert ws.protection.sheet and not ws.protection.autoFilter and not ws.protection.sort
    assert wb.security.lockStructure
    assert "Орлова Л.Л." in ws["A4"].value and "Тестовый дуэт" in ws["A2"].value
    dvs = ws.data_validations.dataValidation
    assert {(d.type, d.formula1, d.formula2) for d in dvs} == {
        ("decimal", "0.0", "3.0"),
        ("decimal", "0.0", "5.0"),
    }
    assert all("Введите число от" in d.error for d in dvs)
    assert ws["D11"].protection.locked is False and ws["B11"].protection.locked is True
    assert ws["D8"].value == "K1" and ws["F8"].value == "K3"
    meta = {r[0]: r[1] for r in wb[META].iter_rows(values_only=True) if r[0]}
    assert meta["contest_version"] == c.version and meta["juror_id"] == "Ж01" and meta["stage_id"] == "S1"
    text = "\n".join(str(cell.value) for row in ws.iter_rows() for cell in row if cell.value)
    assert "Член жюри ______" in text and "Дата" in text
    # the sheet of Ж01 lists exactly the entries assigned to Ж01
    mine = set(plan.loc[plan["juror_id"] == "Ж01", "entry_id"])
    assert {ws.cell(r, 2).value for r in range(11, 11 + len(mine))} == mine
    # the title starting with '=' is stored as text, not a formula
    with zipfile.ZipFile(files[0]) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>Дуэт" not in xml


def _err(folder, c, p):
    with pytest.raises(ContestError) as exc:
        load_scores(folder, c, p)
    return [str(i) for i in exc.value.issues]


def test_out_of_range_non_numeric_missing_and_decimal_comma(issued):
    c, p, plan, files = issued
    f = files[0]
    cells = fill(f, overrides={})
    eids = sorted(plan.loc[plan["juror_id"] == "Ж01", "entry_id"])
    over = {(eids[0], "K1"): 5, (eids[0], "K2"): "много", (eids[1], "K3"): None, (eids[2], "K1"): "2,5"}
    fill(f, overrides=over)
    for g in files[1:]:
        fill(g)
    m = _err(f.parent, c, p)
    assert (
        f"файл «Ж01_S1.xlsx», лист «Оценочный лист»: ячейка {cells[(eids[0], 'K1')]}: балл 5 вне диапазона 0–3 "
        f"(работа {eids[0]}, критерий K1)" in m
    )
    assert any(
        f"ячейка {cells[(eids[0], 'K2')]}: ожидалось число от 0 до 3, получено «много»" in x for x in m
    )
    assert any(f"ячейка {cells[(eids[1], 'K3')]}: нет балла" in x for x in m)
    assert not any(cells[(eids[2], "K1")] + ":" in x for x in m)  # "2,5" is a number
    assert len(m) == 3


def test_wrong_version_and_contest(issued):
    c, p, plan, files = issued
    for g in files:
        fill(g)
    m = _err(files[0].parent, replace(c, version="000000000000"), p)
    assert len(m) == len(files) and all("другой версии описания конкурса" in x for x in m)
    m = _err(files[0].parent, replace(c, name="Другой конкурс"), p)
    assert all("лист другого конкурса" in x for x in m)


def test_edited_structure(issued):
    c, p, plan, files = issued
    for g in files:
        fill(g)
    wb = load_workbook(files[1])
    ws = wb[MAIN]
    ws["B12"] = "E99"
    ws["E8"] = "K9"
    wb.save(files[1])
    wb = load_workbook(files[2])
    wb[MAIN].title = "Лист1"
    wb.save(files[2])
    m = _err(files[0].parent, c, p)
    assert any(
        "Ж02_S1.xlsx" in x and "ячейка B12: ожидался код работы" in x and "найдено «E99»" in x for x in m
    )
    assert any("ячейка E8: ожидался код критерия «K2», найдено «K9»" in x for x in m)
    assert any("Ж03_S1.xlsx" in x and "нет листа «Оценочный лист»" in x for x in m)


def test_not_a_sheet_and_broken_file(issued, tmp_path):
    c, p, plan, files = issued
    for g in files:
        fill(g)
    (files[0].parent / "заметки.xlsx").write_bytes(b"not a zip")
    m = _err(files[0].parent, c, p)
    assert len(m) == 1 and m[0].startswith(
        "файл «заметки.xlsx»: не удалось прочитать книгу Excel: это не книга Excel .xlsx"
    )


def test_two_sheets_of_one_juror_and_missing_sheet(issued):
    c, p, plan, files = issued
    for g in files:
        fill(g)
    shutil.copy(files[0], files[0].parent / "Ж01_копия.xlsx")
    files[4].unlink()
    m = _err(files[0].parent, c, p)
    assert any("Ж01_копия.xlsx" in x and "второй лист эксперта Ж01 за этап S1" in x for x in m) or any(
        "Ж01_S1.xlsx" in x and "второй лист эксперта Ж01" in x for x in m
    )
    missing = sorted(plan.loc[plan["juror_id"] == "Ж05", "entry_id"])
    assert any(f"нет баллов эксперта Ж05 работе {missing[0]} на этапе S1" in x for x in m)


def test_recused_and_unassigned_entries(issued):
    c, p, plan, files = issued
    for g in files:
        fill(g)
    folder = files[0].parent
    juror = p.jury.set_index("juror_id").loc["Ж03"].copy()
    juror["juror_id"] = "Ж03"
    # Ж03 (school 102) gets a forged sheet with E02 (school 102) and an entry not assigned to Ж03
    mine = set(plan.loc[plan["juror_id"] == "Ж03", "entry_id"])
    not_mine = sorted(set(p.entries["entry_id"]) - mine - {"E02"})
    forged = p.entries[p.entries["entry_id"].isin(["E02", not_mine[0]])]
    target = folder / "Ж03_S1.xlsx"
    build_sheet(c, "S1", juror, forged).save(target)
    fill(target)
    m = _err(folder, c, p)
    assert any(
        "Ж03_S1.xlsx" in x and "эксперт Ж03 отведён от работы E02: работает в той же ОО (102)" in x for x in m
    )
    # after the recusal is fixed, the unassigned entry and the missing assigned ones are reported
    forged = p.entries[p.entries["entry_id"].isin([not_mine[0]])]
    build_sheet(c, "S1", juror, forged).save(target)
    fill(target)
    m = _err(folder, c, p)
    assert any(f"работа {not_mine[0]} не назначена эксперту Ж03 на этапе S1" in x for x in m)
    assert any(f"эксперт Ж03 не выставил баллы работе {sorted(mine)[0]}" in x for x in m), m


def test_unknown_juror(issued):
    c, p, plan, files = issued
    for g in files:
        fill(g)
    p2 = make_people(ENTRIES, JURY[JURY["juror_id"] != "Ж05"])
    m = _err(files[0].parent, c, p2)
    assert any("Ж05_S1.xlsx" in x and "эксперта «Ж05» нет в листе «Жюри»" in x for x in m)


def test_single_sheet_file_is_accepted_as_scores(issued):
    c, p, plan, files = issued
    fill(files[0])
    r = read_sheet(files[0], c)
    assert not r.issues and r.juror_id == "Ж01" and len(r.scores) == 3 * (plan["juror_id"] == "Ж01").sum()


# ---------------------------------------------------------------- long form
def _long(plan, value=value_of):
    rows = [(e, j, k, value(e, j, k)) for e, j in plan.itertuples(index=False) for k in ("K1", "K2", "K3")]
    return pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion_id", "score"])


def test_long_csv_roundtrip_russian_cp1251_semicolon(tmp_path):
    c, p = contest(), people()
    plan = assign_jury(c, p)
    df = _long(plan)
    df.columns = ["Код работы", "Код эксперта", "Код критерия", "Балл"]
    df["Балл"] = df["Балл"].map(lambda x: f"{x:g}".replace(".", ","))
    path = tmp_path / "scores.csv"
    df.to_csv(path, sep=";", index=False, encoding="cp1251")
    ss = load_scores(path, c, p)
    assert len(ss.scores) == len(df)
    assert ss.scores["score"].sum() == pytest.approx(_long(plan)["score"].sum())


def test_long_form_problems_name_row_and_column(tmp_path):
    c, p = contest(), people()
    plan = assign_jury(c, p)
    df = _long(plan).astype(object)
    df.loc[0, "score"] = 7  # K1 max 3
    df.loc[1, "score"] = "x"
    df.loc[2, "entry_id"] = "E77"
    df.loc[3, "criterion_id"] = "K9"
    df = pd.concat([df, df.iloc[[5]]], ignore_index=True)  # duplicate of row 7
    path = tmp_path / "scores.xlsx"
    df.to_excel(path, index=False, sheet_name="Баллы")
    with pytest.raises(ContestError) as exc:
        load_scores(path, c, p)
    m = [str(i) for i in exc.value.issues]
    assert (
        "файл «scores.xlsx», лист «Баллы», строка 2, столбец «score»: балл 7 вне диапазона 0–3 (критерий K1)"
        in m
    )
    assert any("строка 3, столбец «score»: ожидалось число от 0 до 3, получено «x»" in x for x in m)
    assert any("строка 4, столбец «entry_id»: неизвестный код работы «E77»" in x for x in m)
    assert any("строка 5, столбец «criterion_id»: неизвестный код критерия «K9»" in x for x in m)
    assert any(f"строка {len(df) + 1}" in x and "повторный балл" in x and "строка 7" in x for x in m)


def test_long_form_missing_and_recused(tmp_path):
    c, p = contest(), people()
    plan = assign_jury(c, p)
    df = _long(plan)
    dropped = df.iloc[0]
    df = df.iloc[1:]
    path = tmp_path / "s.csv"
    df.to_csv(path, index=False)
    with pytest.raises(ContestError) as exc:
        load_scores(path, c, p)
    assert (
        f"эксперт {dropped.juror_id} не выставил баллы работе {dropped.entry_id} (этап S1) по критериям K1"
        in exc.value.report()
    )
    df = pd.concat([_long(plan), pd.DataFrame([("E01", "Ж02", "K1", 1.0)], columns=df.columns)])
    df.to_csv(path, index=False)
    with pytest.raises(ContestError, match="эксперт Ж02 отведён от работы E01"):
        load_scores(path, c, p)


def test_foreign_files_in_folder_are_reported(issued):
    c, p, plan, files = issued
    for g in files:
        fill(g)
    (files[0].parent / "баллы.csv").write_text("x", encoding="utf-8")
    m = _err(files[0].parent, c, p)
    assert len(m) == 1 and m[0].startswith(
        "файл «баллы.csv»: в папке оценочных листов принимаются только файлы .xlsx"
    )


# ------------------------------------------------- large sheets: layout kept, cells read as before
def _range_contest():
    """Criterion ids out of alphabetical order and two ranges that alternate (3, 5, 3)."""
    from contest import parse_contest

    return parse_contest(
        {
            "name": "Диапазоны",
            "stages": [
                {
                    "id": "S1",
                    "name": "Этап",
                    "tasks": [
                        {
                            "id": "T1",
                            "name": "Первое",
                            "criteria": [
                                {"id": "Z1", "name": "Последний по алфавиту", "max": 3},
                                {"id": "M2", "name": "Средний", "max": 5},
                            ],
                        },
                        {
                            "id": "T2",
                            "name": "Второе",
                            "criteria": [{"id": "A3", "name": "Первый по алфавиту", "max": 3}],
                        },
                    ],
                }
            ],
            "ranking": {"stages": ["S1"]},
            "jury": {"per_entry": 3, "recuse": "same_school"},
        },
        source="r.yaml",
    )


def test_validation_and_styles_cover_every_score_row(tmp_path):
    c, p = _range_contest(), people()
    entries = p.entries  # all five rows on one sheet
    wb = build_sheet(c, "S1", p.jury.iloc[0], entries)
    path = tmp_path / "s.xlsx"
    wb.save(path)
    ws = load_workbook(path)[MAIN]
    dvs = ws.data_validations.dataValidation
    cover = {}
    for d in dvs:
        for rng in d.sqref.ranges:
            for row in ws.iter_rows(
                min_row=rng.min_row, max_row=rng.max_row, min_col=rng.min_col, max_col=rng.max_col
            ):
                for cell in row:
                    assert cell.coordinate not in cover, "a cell under two validations"
                    cover[cell.coordinate] = d.formula2
    last = 11 + len(entries) - 1
    want = {
        f"{col}{r}": hi for r in range(11, last + 1) for col, hi in (("D", "3.0"), ("E", "5.0"), ("F", "3.0"))
    }
    assert cover == want
    for r in (11, last):  # first and last entry row alike
        for col in "DEF":
            assert (
                ws[f"{col}{r}"].protection.locked is False and ws[f"{col}{r}"].fill.fgColor.rgb == "00FFF2CC"
            )
            assert ws[f"{col}{r}"].border.left.style == "thin"
        assert ws[f"G{r}"].protection.locked is True and ws[f"G{r}"].value == f"=SUM(D{r}:F{r})"
        assert ws[f"H{r}"].protection.locked is False and ws[f"H{r}"].border.bottom.style == "thin"
        assert ws[f"B{r}"].protection.locked is True and ws[f"B{r}"].border.top.style == "thin"
    assert ws["C13"].value == "=Дуэт три" and ws["C13"].quotePrefix  # the text prefix survives the borders


def test_scores_sorted_by_entry_juror_and_criterion_order(tmp_path):
    c, p = _range_contest(), people()
    files = write_sheets(c, p, assign_jury(c, p), "S1", tmp_path / "sheets")
    for f in files:
        fill(f)
    got = load_scores(files[0].parent, c, p).scores
    assert list(got["criterion_id"].iloc[:3]) == ["Z1", "M2", "A3"]
    key = list(zip(got["entry_id"], got["juror_id"], got["criterion_id"].map({"Z1": 0, "M2": 1, "A3": 2})))
    assert key == sorted(key) and len(set(key)) == len(key)


def _put_error(path, cell, error="#DIV/0!"):
    """Make ``cell`` of the score sheet a formula whose saved result is an Excel error."""
    import re

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    xml, n = re.subn(
        rf'<c r="{cell}" (s="\d+")[^>]*?(?:/>|>.*?</c>)',
        rf'<c r="{cell}" \1 t="e"><f>1/0</f><v>{error}</v></c>',
        xml,
        count=1,
    )
    assert n == 1
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_error_values_and_dates_are_named_as_excel_shows_them(issued):
    import datetime

    c, p, plan, files = issued
    eids = sorted(plan.loc[plan["juror_id"] == "Ж01", "entry_id"])
    cells = fill(files[0], overrides={(eids[1], "K2"): datetime.datetime(2026, 3, 2)})
    for g in files[1:]:
        fill(g)
    _put_error(files[0], cells[(eids[0], "K1")])
    _put_error(files[0], "B12", "#REF!")
    m = _err(files[0].parent, c, p)
    where = "файл «Ж01_S1.xlsx», лист «Оценочный лист»: ячейка"
    assert m == [
        (
            f"{where} {cells[(eids[0], 'K1')]}: ожидалось число от 0 до 3, получено «#DIV/0!» (работа {eids[0]}, "
            f"критерий K1)"
        ),
        f"{where} B12: ожидался код работы «{eids[1]}», найдено «#REF!» (строки переставлены или код изменён)",
        (
            f"{where} {cells[(eids[1], 'K2')]}: ожидалось число от 0 до 3, получено «2026-03-02 00:00:00» "
            f"(работа {eids[1]}, критерий K2)"
        ),
    ]


def to_format_1(path):
    """Rewrite a sheet's hidden manifest as format /1 wrote it: every score cell listed after its entry."""
    wb = load_workbook(path)
    meta = wb[META]
    rows = [list(r) for r in meta.iter_rows(values_only=True)]
    head = next(k for k, r in enumerate(rows) if r[0] == "kind")
    crits = [r for r in rows[head + 1 :] if r[0] == "criterion"]
    out = rows[: head + 1]
    for r in rows[head + 1 :]:
        out.append(r)
        if r[0] == "entry":
            row = r[1][1:]
            out += [["score", f"{c[1][:-1]}{row}", r[2], c[3], c[4], c[5]] for c in crits]
    out[0][1] = "tandem.contest.sheet/1"
    meta.delete_rows(1, meta.max_row)
    for i, vals in enumerate(out, 1):
        for j, v in enumerate(vals, 1):
            meta.cell(i, j).value = v
    wb.save(path)
    return len(out) - len(rows)


def test_manifest_lists_ids_not_score_cells(issued):
    c, p, plan, files = issued
    wb = load_workbook(files[0])
    kinds = [r[0] for r in wb[META].iter_rows(values_only=True)]
    mine = sorted(plan.loc[plan["juror_id"] == "Ж01", "entry_id"])
    assert "tandem.contest.sheet/2" in [r[1] for r in wb[META].iter_rows(values_only=True)]
    assert kinds.count("entry") == len(mine) and kinds.count("criterion") == 3 and "score" not in kinds
    cells = score_cells(wb)
    assert list(cells.columns) == ["cell", "entry_id", "juror_id", "criterion_id", "min", "max"]
    assert list(cells["cell"][:4]) == ["D11", "E11", "F11", "D12"]
    assert list(cells["entry_id"]) == [e for e in mine for _ in range(3)]
    assert set(cells["juror_id"]) == {"Ж01"} and list(cells["criterion_id"][:3]) == ["K1", "K2", "K3"]
    assert list(cells["max"][:3]) == [3.0, 3.0, 5.0] and set(cells["min"]) == {0.0}
    # the cells are where the sheet shows the entry and the criterion
    ws = wb[MAIN]
    for cell, eid, cid in cells[["cell", "entry_id", "criterion_id"]].itertuples(index=False):
        assert ws[f"B{cell[1:]}"].value == eid and ws[f"{cell[0]}8"].value == cid


def test_sheets_issued_in_format_1_read_the_same(issued, tmp_path):
    """A sheet handed out before the compact manifest gives the same scores and the same messages."""
    c, p, plan, files = issued
    for f in files:
        fill(f, value_of)
    eids = sorted(plan.loc[plan["juror_id"] == "Ж01", "entry_id"])
    fill(files[0], value_of, overrides={(eids[0], "K1"): 5, (eids[1], "K2"): "много", (eids[2], "K3"): None})
    wb = load_workbook(files[1])
    wb[MAIN]["B12"] = "E99"
    wb.save(files[1])
    new = [read_sheet(f, c) for f in files]
    old_dir = tmp_path / "old"
    shutil.copytree(files[0].parent, old_dir)
    for f in old_dir.glob("*.xlsx"):
        assert to_format_1(f) == 3 * len(plan[plan["juror_id"] == f.name.split("_")[0]])
        assert len(score_cells(load_workbook(f))) == len(score_cells(load_workbook(files[0].parent / f.name)))
    old = [read_sheet(old_dir / f.name, c) for f in files]
    for a, b in zip(new, old):
        assert [str(i) for i in a.issues] == [str(i) for i in b.issues]
        pd.testing.assert_frame_equal(a.scores, b.scores)
    assert len(new[0].issues) == 3 and "ячейка B12" in str(new[1].issues[0])
    assert new[2].scores["valid"].all() and len(new[2].scores) > 0


def test_format_1_sheets_are_checked_against_the_plan_they_were_issued_with(monkeypatch, tmp_path):
    """Sheets of format /1 were planned by the full model at any size; a larger contest now gets
    the greedy plan. Reading /1 sheets recomputes the model's plan, so they stay valid."""
    import contest.assign as A

    c, p = contest(), people()
    monkeypatch.setattr(A, "PAIR_VARIABLE_LIMIT", 0)  # this contest counts as large now
    old_plan = assign_jury(c, p, planner="model")  # what the earlier version issued
    assert not old_plan.equals(assign_jury(c, p))  # the plans differ, so the check below can fail
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    for d in (old_dir, new_dir):
        for f in write_sheets(c, p, old_plan, "S1", d):
            fill(f, value_of)
    for f in old_dir.glob("*.xlsx"):
        to_format_1(f)
    ss = load_scores(old_dir, c, p)
    assert ss.assignment[["entry_id", "juror_id"]].reset_index(drop=True).equals(old_plan)
    assert len(ss.scores) == 3 * len(old_plan)
    # the same plan on sheets of format /2 is not the plan this version issues for a large contest
    m = _err(new_dir, c, p)
    assert any("не назначена" in x for x in m)
    with pytest.raises(ValueError, match="planner"):
        assign_jury(c, p, planner="greedy")


def test_repeated_manifest_rows_do_not_multiply_score_cells(issued):
    c, p, plan, files = issued
    for f in files:
        fill(f, value_of)
    clean = read_sheet(files[0], c)
    wb = load_workbook(files[0])
    meta = wb[META]
    rows = [list(r) for r in meta.iter_rows(values_only=True)]
    crit_rows = [r for r in rows if r[0] == "criterion"]
    entry_rows = [r for r in rows if r[0] == "entry"]
    extra = crit_rows * 200 + entry_rows * 200 + [["criterion", "Z8", "", "K99", 0, 9]]
    for i, vals in enumerate(extra, len(rows) + 1):
        for j, v in enumerate(vals, 1):
            meta.cell(i, j).value = v
    wb.save(files[0])
    res = read_sheet(files[0], c)
    assert len(res.scores) == len(clean.scores) == 3 * len(plan[plan["juror_id"] == "Ж01"])
    pd.testing.assert_frame_equal(res.scores, clean.scores)
    assert [str(i) for i in res.issues] == [
        f"файл «{files[0].name}», лист «{MAIN}»: ячейка Z8: ожидался код критерия «K99», найдено «»"
        " (столбцы переставлены или код изменён)",
        f"файл «{files[0].name}», лист «{MAIN}»: ячейка Z8: критерия «K99» нет в этапе S1",
    ]


def test_manifest_spanning_more_cells_than_a_sheet_holds_is_refused(issued, monkeypatch):
    import contest.sheets_read as S

    c, p, plan, files = issued
    fill(files[0], value_of)
    monkeypatch.setattr(S, "MAX_SCORE_CELLS", 5)
    res = read_sheet(files[0], c)
    assert len(res.issues) == 1 and "служебный лист повреждён" in str(res.issues[0])
    assert res.scores.empty


def test_score_cells_of_a_manifest_without_ranges_or_header():
    c, p = contest(), people()
    plan = assign_jury(c, p)
    wb = build_sheet(
        c,
        "S1",
        p.jury.iloc[0],
        p.entries[
            p.entries["entry_id"].isin(plan.loc[plan["juror_id"] == p.jury["juror_id"].iloc[0], "entry_id"])
        ],
    )
    for row in wb[META].iter_rows():
        if row[0].value == "criterion":
            row[4].value = row[5].value = None
    cells = score_cells(wb)
    assert len(cells) and cells["min"].isna().all() and cells["max"].isna().all()
    for row in wb[META].iter_rows():
        if row[0].value == "kind":
            row[0].value = "вид"
    with pytest.raises(KeyError, match="kind"):
        score_cells(wb)
