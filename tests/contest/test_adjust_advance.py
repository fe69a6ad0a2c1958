"""Bonuses and penalties count in the stage total that decides who advances (docs/contest_rules.md §1.3
items 5–6): the next stage's plan, the check of its scores and the protocol agree."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from contest import ContestError, parse_contest
from contest.assign import plan_jury
from contest.cli import main
from contest.definition_io import load_contest
from contest.people import load_people, make_people
from contest.scores_io import load_adjustments, load_scores
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
            "tasks": [{"id": "T1", "name": "З", "criteria": [{"id": "K1", "name": "К1", "max": 10}]}],
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
    """E01 scores 8 + 8 in S1, E02 7 + 7, the others 5 + 5: by the scores E01 advances (top 1); the
    counting commission's penalty of 2 points to E01 in S1 makes E02 (7) the one that advances."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(CONTEST, allow_unicode=True), encoding="utf-8")
    write_people_xlsx(tmp_path / "people.xlsx", ENTRIES, JURY)
    plan = plan_jury(parse_contest(CONTEST), make_people(ENTRIES, JURY)).assignment
    pts = {"E01": 8, "E02": 7}
    rows = [(e, j, "K1", pts.get(e, 5)) for e, j in zip(plan["entry_id"], plan["juror_id"])]
    pd.DataFrame(rows, columns=COLS).to_csv(tmp_path / "scores.csv", index=False)
    (tmp_path / "штрафы.csv").write_text(
        "Код работы,Этап,Баллы,Основание\nE01,S1,-2,нарушение сроков подачи\n", encoding="utf-8"
    )
    return tmp_path


def _entries(plan) -> list[str]:
    return sorted(set(plan.assignment["entry_id"]))


def test_a_penalty_changes_who_advances_and_the_plan_follows(files):
    c, p = load_contest(files / "c.yaml"), load_people(files / "people.xlsx")
    adj = files / "штрафы.csv"
    assert _entries(stage_plan(c, p, "S2", files / "scores.csv")[1]) == ["E01"]
    assert _entries(stage_plan(c, p, "S2", files / "scores.csv", adjustments_path=adj)[1]) == ["E02"]
    # the final's scores for the plan made with the penalty
    s2 = stage_plan(c, p, "S2", files / "scores.csv", adjustments_path=adj)[1].assignment
    final = pd.DataFrame([(e, j, "K2", 6) for e, j in zip(s2["entry_id"], s2["juror_id"])], columns=COLS)
    pd.concat([pd.read_csv(files / "scores.csv"), final]).to_csv(files / "all.csv", index=False)
    # the score check: without the penalty E02 did not advance; with it its final scores are planned
    with pytest.raises(ContestError, match="работа E02 не прошла на этап S2"):
        load_scores(files / "all.csv", c, p)
    assert len(load_scores(files / "all.csv", c, p, adjustments=load_adjustments(adj, c, p)).scores) == len(
        pd.read_csv(files / "all.csv")
    )
    with pytest.raises(ContestError, match="работа E02 не прошла на этап S2"):
        run_results(c, p, files / "all.csv")
    run = run_results(c, p, files / "all.csv", adj)
    st = run.results.stages
    assert st[(st["stage_id"] == "S1") & st["advanced"]]["entry_id"].tolist() == ["E02"]
    assert run.results.ranking.iloc[0][["entry_id", "award"]].tolist() == ["E02", "Победитель"]


def test_the_cli_plans_with_the_adjustments(files, capsys):
    args = [str(files / f) for f in ("c.yaml", "people.xlsx")]
    common = ["--stage", "S2", "--scores", str(files / "scores.csv")]
    assert run_cli(main, ["assign", *args, *common]) == 0
    assert "  E01: " in capsys.readouterr().out
    assert run_cli(main, ["assign", *args, *common, "--adjustments", str(files / "штрафы.csv")]) == 0
    out = capsys.readouterr().out
    assert "  E02: " in out and "E01" not in out
    sheets = files / "листы"
    adj = ["--adjustments", str(files / "штрафы.csv")]
    assert run_cli(main, ["sheets", *args, *common, *adj, "--out", str(sheets)]) == 0
    assert "работ 1" in capsys.readouterr().out


def test_bad_adjustments_are_named_by_their_file(files):
    c, p = load_contest(files / "c.yaml"), load_people(files / "people.xlsx")
    (files / "плохие.csv").write_text("Код работы,Этап,Баллы\nE99,S1,1\n", encoding="utf-8")
    with pytest.raises(ContestError, match="E99") as err:
        stage_plan(c, p, "S2", files / "scores.csv", adjustments_path=files / "плохие.csv")
    assert err.value.issues[0].file == "плохие.csv"
    # a bonus in the final for E03, which did not reach it: found while scoring, named by its file
    adj = files / "штрафы.csv"
    s2 = stage_plan(c, p, "S2", files / "scores.csv", adjustments_path=adj)[1].assignment
    final = pd.DataFrame([(e, j, "K2", 6) for e, j in zip(s2["entry_id"], s2["juror_id"])], columns=COLS)
    pd.concat([pd.read_csv(files / "scores.csv"), final]).to_csv(files / "all.csv", index=False)
    (files / "бонус.csv").write_text(adj.read_text(encoding="utf-8") + "E03,S2,1,\n", encoding="utf-8")
    with pytest.raises(ContestError, match="корректировка для заявки «E03»") as err:
        run_results(c, p, files / "all.csv", files / "бонус.csv")
    assert [(i.file, i.row) for i in err.value.issues] == [("бонус.csv", 3)]
