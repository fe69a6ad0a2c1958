"""Reconciliation of spreads over ``max_spread``: flags, decisions, refusals, the CLI and the protocol."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from contest import ContestError, parse_contest
from contest.assign import plan_jury
from contest.cli import main
from contest.people import make_people
from contest.reconcile import apply_decisions, spread_flags
from tandem.cli import run_cli
from tests.contest._io_fixtures import ENTRIES, JURY, write_people_xlsx

COLS = ["entry_id", "juror_id", "criterion_id", "score"]


def contest():
    return parse_contest(
        {
            "name": "Т",
            "stages": [
                {
                    "id": "S1",
                    "name": "Этап",
                    "tasks": [
                        {
                            "id": "T1",
                            "name": "Задание",
                            "max_spread": 5,
                            "criteria": [
                                {"id": "K1", "name": "К1", "max": 10, "max_spread": 3},
                                {"id": "K2", "name": "К2", "max": 10},
                            ],
                        }
                    ],
                }
            ],
            "jury": {"per_entry": 2, "recuse": "none"},
        }
    )


SCORES = pd.DataFrame(
    [
        # E01: K1 differs by 3 (= max, not flagged), sums 10 vs 13 — fine
        ("E01", "Ж01", "K1", 5),
        ("E01", "Ж02", "K1", 8),
        ("E01", "Ж01", "K2", 5),
        ("E01", "Ж02", "K2", 5),
        # E02: K1 differs by 3.5 → flagged; sums 9 vs 12.5 — fine
        ("E02", "Ж01", "K1", 4),
        ("E02", "Ж02", "K1", 7.5),
        ("E02", "Ж01", "K2", 5),
        ("E02", "Ж02", "K2", 5),
        # E03: K1 differs by 1; K2 by 5 (no criterion limit); sums 7 vs 13 → task flagged
        ("E03", "Ж01", "K1", 5),
        ("E03", "Ж02", "K1", 6),
        ("E03", "Ж01", "K2", 2),
        ("E03", "Ж02", "K2", 7),
    ],
    columns=COLS,
)


def test_flags_exactly_the_entries_over_max_spread():
    f = spread_flags(contest(), SCORES)
    assert list(zip(f["entry_id"], f["task_id"], f["criterion_id"])) == [
        ("E02", "T1", "K1"),
        ("E03", "T1", ""),
    ]
    assert f["spread"].tolist() == [3.5, 6.0]
    assert f["max_spread"].tolist() == [3.0, 5.0]
    assert f["scores"].tolist() == ["Ж01: 4; Ж02: 7.5", "Ж01: 7; Ж02: 13"]


def decisions(rows):
    return pd.DataFrame(
        [
            dict(
                zip(["entry_id", "criterion_id", "task_id", "juror_id", "new_score", "reason"], r), row=i + 2
            )
            for i, r in enumerate(rows)
        ]
    )


def test_decisions_are_applied_and_settle_the_flags():
    d = decisions(
        [
            ("E02", "K1", "", "Ж02", "6", "эксперт исправил описку"),
            ("E03", "", "S1.T1", "", "оставить", "расхождение обосновано"),
        ]
    )
    rec = apply_decisions(contest(), SCORES, d, file="решения.csv")
    assert rec.open.empty
    s = rec.scores.set_index(["entry_id", "juror_id", "criterion_id"])["score"]
    assert s[("E02", "Ж02", "K1")] == 6.0 and s[("E01", "Ж02", "K1")] == 8.0
    assert rec.flags["status"].tolist() == ["изменены оценки", "оставлено"]
    assert rec.decisions["old_score"].iloc[0] == 7.5 and rec.decisions["new_score"].iloc[0] == 6.0
    assert rec.decisions["decision"].tolist() == ["изменён балл", "оставить"]


def test_without_decisions_the_flags_stay_open():
    rec = apply_decisions(contest(), SCORES, None)
    assert len(rec.open) == 2 and rec.flags["status"].tolist() == ["не согласовано"] * 2


@pytest.mark.parametrize(
    "row, column, text",
    [
        (("E01", "K1", "", "Ж01", "6", "x"), "Критерий", "не отмечена"),  # unflagged entry
        (("E02", "K1", "", "Ж09", "6", "x"), "Код эксперта", "не оценивал"),  # unknown juror
        (("E02", "K1", "", "Ж02", "11", "x"), "Новый балл", "вне диапазона"),
        (("E02", "K1", "", "Ж02", "6", ""), "Основание", "основание"),
        (("E03", "", "S1.T1", "Ж02", "6", "x"), "Задание", "по критерию"),
    ],
)
def test_bad_decisions_are_refused_with_file_row_column(row, column, text):
    cols = {"entry_id": "Критерий", "criterion_id": "Критерий", "juror_id": "Код эксперта"}
    cols.update({"new_score": "Новый балл", "reason": "Основание", "task_id": "Задание"})
    with pytest.raises(ContestError) as exc:
        apply_decisions(contest(), SCORES, decisions([row]), file="решения.csv", columns=cols)
    issue = exc.value.issues[0]
    assert issue.file == "решения.csv" and issue.row == 2 and issue.column == column
    assert text in issue.message


def write_inputs(tmp_path):
    import yaml

    c = {
        "name": "Т",
        "stages": [
            {
                "id": "S1",
                "name": "Этап",
                "tasks": [
                    {
                        "id": "T1",
                        "name": "Задание",
                        "criteria": [{"id": "K1", "name": "К1", "max": 10, "max_spread": 3}],
                    }
                ],
            }
        ],
        "jury": {"per_entry": 2, "recuse": "none"},
    }
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(c, allow_unicode=True), encoding="utf-8")
    write_people_xlsx(tmp_path / "people.xlsx", ENTRIES, JURY)
    plan = plan_jury(parse_contest(c), make_people(ENTRIES, JURY)).assignment
    rows = []
    for e, g in plan.groupby("entry_id"):
        low, high = sorted(g["juror_id"])
        rows += [(e, low, "K1", 5), (e, high, "K1", 9 if e == "E01" else 6)]
    pd.DataFrame(rows, columns=COLS).to_csv(tmp_path / "scores.csv", index=False)
    first = sorted(plan.loc[plan["entry_id"] == "E01", "juror_id"])
    return [str(tmp_path / "c.yaml"), str(tmp_path / "people.xlsx"), str(tmp_path / "scores.csv")], first


def test_cli_refuses_open_flags_then_prints_the_decisions(tmp_path, capsys):
    files, (low, high) = write_inputs(tmp_path)
    args = ["results", *files, "--out", str(tmp_path / "p.xlsx")]
    assert run_cli(main, args) == 2
    err = capsys.readouterr().err
    assert "E01" in err and "K1" in err and f"{low}: 5; {high}: 9" in err and "требует согласования" in err
    assert "E02" not in err and "E03" not in err
    assert not (tmp_path / "p.xlsx").exists()
    dec = tmp_path / "решения.csv"
    dec.write_text(
        f"Код работы;Критерий;Код эксперта;Новый балл;Основание\nE01;K1;{high};7;описка в листе\n",
        encoding="utf-8",
    )
    assert run_cli(main, [*args, "--reconciliation", str(dec)]) == 0, capsys.readouterr().err
    ws = load_workbook(tmp_path / "p.xlsx")["Согласование"]
    cells = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "описка в листе" in cells and "изменены оценки" in cells and 9 in cells and 7 in cells
    # an explicit acceptance scores the file as it is, the flag printed as open
    assert run_cli(main, [*args, "--allow-unreconciled"]) == 0
    ws = load_workbook(tmp_path / "p.xlsx")["Согласование"]
    assert "не согласовано" in [c.value for row in ws.iter_rows() for c in row]
