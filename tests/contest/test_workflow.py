"""The command line and the app run one workflow: the same protocol, cell for cell, on both samples."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from contest import ContestError, ui, workflow
from contest.cli import main
from tandem.cli import run_cli
from tandem.tables import sha256_of

DATA = Path(__file__).resolve().parents[2] / "data" / "contests"

#: The inputs of the two results runs of ``make demo``: (label, stem, scores, adjustments).
DEMO = [
    (
        "Педагогический дуэт — 2026 (пример)",
        "pedagogical_duet",
        "pedagogical_duet_sheets",
        "pedagogical_duet_adjustments.csv",
    ),
    ("Лучшие практики наставничества — 2026 (пример)", "best_practices", "best_practices_scores.csv", None),
]

#: The one cell that differs between two runs by design: when the protocol was made.
MADE_AT = "Сформировано (UTC)"


def cells(book) -> dict[str, list[list]]:
    """Every cell value of every sheet, the generation time left out."""
    wb = load_workbook(book)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = [
            [c.value for c in row]
            for row in ws.iter_rows()
            if not (ws.title == "Параметры" and row[0].value == MADE_AT)
        ]
    return out


@pytest.mark.parametrize("label,stem,scores,adjustments", DEMO, ids=[d[1] for d in DEMO])
def test_cli_and_app_give_the_same_protocol(tmp_path, capsys, label, stem, scores, adjustments):
    args = [
        "results",
        DATA / f"{stem}.yaml",
        DATA / f"{stem}_people.xlsx",
        DATA / scores,
        "--out",
        tmp_path / "protocol.xlsx",
        "--public",
        tmp_path / "public.xlsx",
    ]
    if adjustments:
        args += ["--adjustments", DATA / adjustments]
    assert run_cli(main, [str(a) for a in args]) == 0, capsys.readouterr().err
    capsys.readouterr()

    contest, people, sample, people_path = ui.load_inputs(label)
    assert sample is not None and sample.adjustments == (DATA / adjustments if adjustments else None)
    outcome = ui.run_results(contest, people, DATA / scores, sample.adjustments, people_path)

    cli_protocol, app_protocol = cells(tmp_path / "protocol.xlsx"), cells(io.BytesIO(outcome.protocol))
    assert (
        list(app_protocol)
        == list(cli_protocol)
        == [
            "Протокол",
            "Сводная ведомость",
            "Баллы по критериям",
            "Согласованность",
            "Строгость экспертов",
            "Устойчивость",
            "Параметры",
        ]
    )
    for sheet, rows in cli_protocol.items():
        assert app_protocol[sheet] == rows, sheet
    assert cells(tmp_path / "public.xlsx") == cells(io.BytesIO(outcome.public))
    # the audit rows name every input file with its SHA-256
    params = {r[0]: r[1] for r in cli_protocol["Параметры"][1:]}
    files = [DATA / f"{stem}.yaml", DATA / f"{stem}_people.xlsx"]
    files += sorted((DATA / scores).glob("*.xlsx")) if (DATA / scores).is_dir() else [DATA / scores]
    files += [DATA / adjustments] if adjustments else []
    for f in files:
        assert sha256_of(f) in params.values(), f.name


def test_duet_protocol_applies_the_penalty():
    """«Педагогический дуэт»: Д09 is penalised one point in S2 by the sample's adjustments (46.01 → 45.01)."""
    contest, people, sample, path = ui.load_inputs(DEMO[0][0])
    with_adj = ui.run_results(contest, people, sample.sheets, sample.adjustments, path)
    without = ui.run_results(contest, people, sample.sheets, None, path)
    totals = [o.ranking.set_index("Код работы").loc["Д09", "Итоговый балл"] for o in (with_adj, without)]
    assert totals == [pytest.approx(45.01), pytest.approx(46.01)]


def test_stage_plan_checks_the_stage_and_the_previous_scores():
    contest, people, sample, _ = ui.load_inputs(DEMO[0][0])
    stage, plan = workflow.stage_plan(contest, people)
    assert stage == "S1" and plan.stats is not None and plan.stats.status == "OPTIMAL"
    assert plan.assignment["entry_id"].nunique() == len(people.entries)
    with pytest.raises(ContestError, match="укажите --scores"):
        workflow.stage_plan(contest, people, "S2")
    with pytest.raises(ContestError, match="этапа «S9» нет"):
        workflow.stage_plan(contest, people, "S9")
    stage, plan = workflow.stage_plan(contest, people, "S2", sample.scores)
    assert stage == "S2" and plan.assignment["entry_id"].nunique() == contest.stages[0].advance_top
