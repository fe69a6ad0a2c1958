"""The next stage's plan follows the chair's reconciliation decisions: the entries of the protocol advance."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from contest import ContestError, parse_contest
from contest.assign import plan_jury
from contest.cli import main
from contest.definition_io import load_contest
from contest.people import load_people, make_people
from contest.scores_io import load_scores
from contest.workflow import run_results, stage_plan
from tandem.cli import run_cli
from tests.contest._io_fixtures import ENTRIES, JURY, write_people_xlsx

COLS = ["entry_id", "juror_id", "criterion_id", "score"]
CONTEST = {
    "name": "Т",
    "stages": [
        {
            "id": "S1",
            "name": "Заочный",
            "advance": {"top": 1},
            "tasks": [
                {
                    "id": "T1",
                    "name": "З",
                    "criteria": [{"id": "K1", "name": "К1", "max": 10, "max_spread": 3}],
                }
            ],
        },
        {
            "id": "S2",
            "name": "Очный",
            "tasks": [{"id": "T1", "name": "О", "criteria": [{"id": "K2", "name": "К2", "max": 10}]}],
        },
    ],
    "ranking": {"stages": ["S1", "S2"]},
    "awards": [{"title": "Победитель", "places": 1}],
    "jury": {"per_entry": 2, "recuse": "none"},
}


@pytest.fixture
def files(tmp_path):
    return write_files(tmp_path)


def write_files(tmp_path):
    """The contest, the people and the first stage's scores: E01 8 + 8; E02 2 + 9 (a spread of 7 over
    max_spread 3, «требует согласования»); the others 5 + 5. As entered, E01 advances (top 1)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(CONTEST, allow_unicode=True), encoding="utf-8")
    write_people_xlsx(tmp_path / "people.xlsx", ENTRIES, JURY)
    plan = plan_jury(parse_contest(CONTEST), make_people(ENTRIES, JURY)).assignment
    rows = []
    for e, g in plan.groupby("entry_id"):
        low, high = sorted(g["juror_id"])
        a, b = {"E01": (8, 8), "E02": (2, 9)}.get(e, (5, 5))
        rows += [(e, low, "K1", a), (e, high, "K1", b)]
        if e == "E02":
            changed = low
    pd.DataFrame(rows, columns=COLS).to_csv(tmp_path / "scores.csv", index=False)
    # the chair: the low score of E02 was a slip of the pen, it is 9 → E02 (9) advances instead of E01
    (tmp_path / "решения.csv").write_text(
        f"Код работы;Критерий;Код эксперта;Новый балл;Основание\nE02;K1;{changed};9;описка в листе\n",
        encoding="utf-8",
    )
    return tmp_path


def _entries(plan) -> list[str]:
    return sorted(set(plan.assignment["entry_id"]))


def test_the_decision_changes_the_next_stage_plan(files):
    c, p = load_contest(files / "c.yaml"), load_people(files / "people.xlsx")
    with pytest.raises(ContestError, match="требует согласования"):
        stage_plan(c, p, "S2", files / "scores.csv")  # open spreads stop the plan as they stop the results
    assert _entries(stage_plan(c, p, "S2", files / "scores.csv", allow_unreconciled=True)[1]) == ["E01"]
    assert _entries(stage_plan(c, p, "S2", files / "scores.csv", files / "решения.csv")[1]) == ["E02"]


def test_sheets_scores_and_protocol_agree_on_who_advanced(files, capsys):
    c, p = load_contest(files / "c.yaml"), load_people(files / "people.xlsx")
    args = [str(files / f) for f in ("c.yaml", "people.xlsx")]
    dec = ["--reconciliation", str(files / "решения.csv")]
    out = files / "sheets"
    assert (
        run_cli(
            main,
            [
                "sheets",
                *args,
                "--stage",
                "S2",
                "--scores",
                str(files / "scores.csv"),
                *dec,
                "--out",
                str(out),
            ],
        )
        == 0
    ), capsys.readouterr().err
    assert "работ 1" in capsys.readouterr().out
    # the final's scores, for the plan made with the decision
    s2 = stage_plan(c, p, "S2", files / "scores.csv", files / "решения.csv")[1].assignment
    final = pd.DataFrame([(e, j, "K2", 7) for e, j in zip(s2["entry_id"], s2["juror_id"])], columns=COLS)
    both = pd.concat([pd.read_csv(files / "scores.csv"), final], ignore_index=True)
    both.to_csv(files / "all.csv", index=False)
    # without the decision E02's final scores are for an entry that did not advance; with it they are planned
    with pytest.raises(ContestError, match="не прошла на этап S2"):
        load_scores(files / "all.csv", c, p)
    from contest.reconcile_io import load_decisions

    assert len(load_scores(files / "all.csv", c, p, *load_decisions(files / "решения.csv")).scores) == len(
        both
    )
    run = run_results(c, p, files / "all.csv", reconciliation_path=files / "решения.csv")
    st = run.results.stages
    assert st[(st["stage_id"] == "S1") & st["advanced"]]["entry_id"].tolist() == ["E02"]
    assert run.results.ranking.iloc[0][["entry_id", "award"]].tolist() == ["E02", "Победитель"]
    assert (
        run_cli(main, ["results", *args, str(files / "all.csv"), *dec, "--out", str(files / "p.xlsx")]) == 0
    )
