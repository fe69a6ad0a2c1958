"""The blank of the chair's decisions: made from the open flags, filled in, read back, results computed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from contest import ContestError
from contest.cli import main
from contest.definition_io import load_contest
from contest.people import load_people
from contest.reconcile import UnreconciledError, flag_rows
from contest.reconcile_io import BLANK_SHEET, decisions_blank, load_decisions
from contest.workflow import protocol_workbook, run_results
from tandem.cli import run_cli
from tandem.xlsx import atomic_save

DATA = Path(__file__).resolve().parents[2] / "data" / "contests"
CONTEST = DATA / "practices_reconcile.yaml"
PEOPLE = DATA / "practices_by_nomination_people.xlsx"
SCORES = DATA / "practices_by_nomination_scores.csv"
DECISIONS = DATA / "practices_reconcile_decisions.csv"


@pytest.fixture(scope="module")
def sample():
    return load_contest(CONTEST), load_people(PEOPLE)


def _open_flags(c, p) -> pd.DataFrame:
    with pytest.raises(UnreconciledError) as err:
        run_results(c, p, SCORES)
    return err.value.flags


def test_the_sample_has_a_criterion_flag_and_a_task_flag(sample):
    flags = _open_flags(*sample)
    assert flags[["entry_id", "criterion_id", "task_id"]].values.tolist() == [
        ["П04", "R2", "T1"],
        ["П11", "", "T1"],
    ]
    table = flag_rows(flags)
    assert list(table.columns) == [
        "Код работы",
        "Этап",
        "Задание",
        "Критерий",
        "Оценки экспертов",
        "Расхождение",
        "Допустимо",
    ]
    assert table["Оценки экспертов"].tolist()[0] == "Ж05: 3; Ж04: 4; Ж01: 6; Ж03: 8"
    assert table["Критерий"].tolist()[1] == "— (сумма задания)"
    assert table[["Расхождение", "Допустимо"]].values.tolist() == [[5.0, 4.0], [17.0, 16.0]]


def test_blank_layout_and_checks(sample, tmp_path):
    c, p = sample
    wb = decisions_blank(c, _open_flags(c, p))
    assert wb.sheetnames == [BLANK_SHEET, "Как заполнить"]
    ws = wb[BLANK_SHEET]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == [
        "Код работы",
        "Критерий",
        "Задание",
        "Код эксперта",
        "Новый балл",
        "Основание",
        "Оценки экспертов",
        "Расхождение",
        "Допустимо",
    ]
    assert rows[1][:6] == ["П04", "R2", None, None, None, None]
    assert rows[2][:6] == ["П11", None, "S1.T1", None, None, None]
    checks = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert checks["D2"].type == "list" and checks["D2"].formula1 == '"Ж01,Ж03,Ж04,Ж05"'
    assert (
        checks["E2"].type == "custom"
        and "E2>=1" in checks["E2"].formula1
        and "E2<=10" in checks["E2"].formula1
    )
    assert checks["E3"].type == "list" and checks["E3"].formula1 == '"оставить"'  # a task flag: keep only
    # unfilled, every row is refused: a decision is needed for each flag
    atomic_save(wb, tmp_path / "бланк.xlsx")
    decisions, where = load_decisions(tmp_path / "бланк.xlsx")
    assert where["sheet"] == BLANK_SHEET and len(decisions) == 2
    with pytest.raises(ContestError, match="решение не заполнено") as err:
        run_results(c, p, SCORES, reconciliation_path=tmp_path / "бланк.xlsx")
    assert [(i.file, i.row, i.column) for i in err.value.issues] == [
        ("бланк.xlsx", 2, "Новый балл"),
        ("бланк.xlsx", 3, "Новый балл"),
    ]


def test_blank_filled_in_is_read_back_and_the_protocol_lists_the_decisions(sample, tmp_path):
    c, p = sample
    atomic_save(decisions_blank(c, _open_flags(c, p)), tmp_path / "бланк.xlsx")
    wb = load_workbook(tmp_path / "бланк.xlsx")
    ws = wb[BLANK_SHEET]
    ws["D2"], ws["E2"], ws["F2"] = "Ж05", 4, "ошибка переноса балла"
    ws["E3"], ws["F3"] = "оставить", "оценки обоснованы"
    wb.save(tmp_path / "решения.xlsx")
    run = run_results(c, p, SCORES, reconciliation_path=tmp_path / "решения.xlsx")
    rec = run.reconciliation
    assert len(rec.open) == 0 and rec.flags["status"].tolist() == ["изменены оценки", "оставлено"]
    assert rec.decisions[["entry_id", "juror_id", "old_score", "new_score"]].values.tolist()[0] == [
        "П04",
        "Ж05",
        3.0,
        4.0,
    ]
    protocol = protocol_workbook(run, p)
    text = [
        " ".join(str(v) for v in r if v is not None)
        for r in protocol["Согласование"].iter_rows(values_only=True)
    ]
    assert any("П04" in t and "ошибка переноса балла" in t for t in text)
    assert any("П11" in t and "оценки обоснованы" in t for t in text)
    # the same decisions as the sample's CSV: the same results
    same = run_results(c, p, SCORES, reconciliation_path=DECISIONS)
    pd.testing.assert_frame_equal(same.results.ranking, run.results.ranking)


def test_cli_writes_the_blank_only_when_asked_and_nothing_else(tmp_path, capsys):
    args = ["results", str(CONTEST), str(PEOPLE), str(SCORES), "--out", str(tmp_path / "p.xlsx")]
    assert run_cli(main, args) == 2
    assert "--decisions-blank" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    assert run_cli(main, [*args, "--decisions-blank", str(tmp_path / "бланк.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "П04" in err and "бланк решений председателя по этим отметкам записан" in err
    assert sorted(f.name for f in tmp_path.iterdir()) == ["бланк.xlsx"]  # no protocol
    assert load_decisions(tmp_path / "бланк.xlsx")[0]["entry_id"].tolist() == ["П04", "П11"]
    # settled: the blank is not needed and not written
    blank2 = tmp_path / "бланк2.xlsx"
    ok = [*args, "--reconciliation", str(DECISIONS), "--decisions-blank", str(blank2)]
    assert run_cli(main, ok) == 0
    assert (tmp_path / "p.xlsx").exists() and not blank2.exists()


def test_sheets_of_a_later_stage_write_the_blank_of_the_earlier_stages_flags(tmp_path, capsys):
    from tests.contest.test_advance_reconcile import write_files

    files = write_files(tmp_path / "c")
    base = [
        str(files / "c.yaml"),
        str(files / "people.xlsx"),
        "--stage",
        "S2",
        "--scores",
        str(files / "scores.csv"),
    ]
    blank = tmp_path / "бланк.xlsx"
    out = tmp_path / "листы"
    assert run_cli(main, ["sheets", *base, "--out", str(out), "--decisions-blank", str(blank)]) == 2
    assert "бланк решений председателя по этим отметкам записан" in capsys.readouterr().err
    assert not out.exists()  # no sheets
    decisions, _ = load_decisions(blank)
    assert decisions[["entry_id", "criterion_id"]].values.tolist() == [["E02", "K1"]]
    # filled in: the plan follows the decision
    wb = load_workbook(blank)
    ws = wb[BLANK_SHEET]
    low = ws["G2"].value.split(";")[0].split(":")[0]  # «Оценки экспертов», lowest first
    ws["D2"], ws["E2"], ws["F2"] = low, 9, "описка в листе"
    wb.save(tmp_path / "решения.xlsx")
    assert run_cli(main, ["assign", *base, "--reconciliation", str(tmp_path / "решения.xlsx")]) == 0
    assert "  E02: " in capsys.readouterr().out
