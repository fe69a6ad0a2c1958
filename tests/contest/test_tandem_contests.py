"""The two tandem contests shipped as templates: they load, their samples come from the register, they score."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from contest import load_contest, load_people, load_scores, score
from contest.assign import conflicts
from contest.cli import main
from contest.entries import GROUP_NOMINATION
from mentoring import load_register
from mentoring.register import in_force
from tandem.cli import run_cli

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "contests"
KEYS = ["best_tandem", "mentor_mentee_team"]


def _files(key):
    return DATA / f"{key}.yaml", DATA / f"{key}_people.xlsx", DATA / f"{key}_scores.csv"


def _results(key):
    c, p, s = _files(key)
    contest, people = load_contest(c), load_people(p)
    ss = load_scores(s, contest, people)
    return contest, people, ss, score(contest, ss.scores, entries=people.entries, jury=people.jury)


def test_best_tandem_definition():
    c = load_contest(DATA / "best_tandem.yaml")
    assert c.name == "Лучший наставнический тандем — 2026"
    assert [s.id for s in c.stages] == ["S1", "S2"]
    s1, s2 = c.stages
    assert [t.name for t in s1.tasks] == ["Видеовизитка «Мы – команда»"]
    assert [t.name for t in s2.tasks] == [
        "Презентация программы наставничества пары",
        "Решение кейса в паре",
        "Мастер-класс пары",
    ]
    # the programme is scored by the five criteria of the Mari El score sheet, 1–10 each
    programme = s2.tasks[0]
    assert [k.name for k in programme.criteria] == [
        "Результативность",
        "Эффективность",
        "Уникальность",
        "Тиражируемость",
        "Масштабируемость",
    ]
    assert {(k.min, k.max) for t in (*s1.tasks, *s2.tasks) for k in t.criteria} == {(1, 10)}
    assert c.per_entry_of("S1") == 3 and c.per_entry_of("S2") == 5
    assert c.stage_max("S1") == 30 and c.stage_max("S2") == 110 and c.max_total() == 140
    assert c.recuse == "same_school"


def test_team_definition():
    c = load_contest(DATA / "mentor_mentee_team.yaml")
    assert c.name == "Наставник + наставляемый = КОМАНДА — 2026"
    assert [s.name for s in c.stages] == ["Заочный этап", "Очный этап", "Суперфинал"]
    assert [t.name for t in c.stages[0].tasks] == [
        "Визитная карточка «Мы – команда»",
        "Презентация совместного проекта",
    ]
    assert [t.name for t in c.stages[1].tasks] == [
        "Решение педагогических кейсов",
        "Открытое совместное занятие",
    ]
    assert [t.name for t in c.stages[2].tasks] == ["Мастер-класс команды", "Форсайт «Наставничество завтра»"]
    assert c.ranking_stages == ("S3",)
    assert c.max_total() == 30


def test_team_sample_is_what_the_entries_command_writes(tmp_path, capsys):
    """The sample people are the register's pairs in force on 16.11.2026, one team per mentor."""
    _c, people_path, _s = _files("mentor_mentee_team")
    out = tmp_path / "people.xlsx"
    code = run_cli(
        main,
        [
            "entries",
            str(ROOT / "data" / "sample_register.xlsx"),
            str(ROOT / "data" / "sample_district.xlsx"),
            "--jury",
            str(people_path),
            "--out",
            str(out),
            "--on",
            "2026-11-16",
            "--group-entries",
        ],
    )
    assert code == 0, capsys.readouterr().err
    built, sample = load_people(out), load_people(people_path)
    cols = ["entry_id", "title", "nomination", "mentor_name", "mentee_name", "school_ids"]
    pd.testing.assert_frame_equal(built.entries[cols], sample.entries[cols])
    assert sample.entries["publish_consent"].sum() == len(sample.entries) - 4  # four refused
    assert (sample.entries["nomination"] == GROUP_NOMINATION).sum() == 15


def test_best_tandem_sample_entries_are_pairs_in_force():
    from matching import load_registry

    people = load_people(_files("best_tandem")[1])
    t = load_registry(ROOT / "data" / "sample_district.xlsx").teachers.set_index("teacher_id")["full_name"]
    live = in_force(load_register(ROOT / "data" / "sample_register.xlsx").pairs, dt.date(2027, 3, 1))
    pairs = {(t[p.mentor_id], t[p.mentee_id]) for p in live.itertuples()}
    got = set(zip(people.entries["mentor_name"], people.entries["mentee_name"]))
    assert len(got) == 16 and got <= pairs


@pytest.mark.parametrize("key", KEYS)
def test_sample_jury_are_not_participants_and_recusal_holds(key):
    contest, people, ss, _res = _results(key)
    names = set(people.entries["mentor_name"]) | {
        n for ns in people.entries["mentee_name"] for n in ns.split(", ")
    }
    assert not names & set(people.jury["full_name"])
    bad = conflicts(contest, people)
    assert bad, "some jurors work at schools of the entries: recusal must matter"
    pairs = set(zip(ss.scores["entry_id"], ss.scores["juror_id"]))
    assert not pairs & set(bad)


def test_best_tandem_sample_scores():
    contest, people, ss, res = _results("best_tandem")
    r = res.ranking
    assert len(r) == 16 and not res.warnings
    finalists = r[r["reached_stage"] == "S2"]
    assert len(finalists) == 5 and list(finalists.index) == [0, 1, 2, 3, 4]  # finalists rank first
    assert list(r["award"].iloc[:5]) == ["Победитель", "Призёр", "Призёр", "Лауреат", "Лауреат"]
    assert set(r["award"].iloc[5:]) == {""}
    # the total is the sum of both stages for the finalists
    st = res.stages.pivot(index="entry_id", columns="stage_id", values="total")
    top = r.iloc[0]
    assert top["total"] == pytest.approx(st.loc[top["entry_id"], "S1"] + st.loc[top["entry_id"], "S2"])
    per = ss.scores.groupby(["stage_id", "entry_id"])["juror_id"].nunique()
    assert set(per["S1"]) == {3} and set(per["S2"]) == {5}


def test_team_sample_scores():
    _contest, _people, ss, res = _results("mentor_mentee_team")
    r = res.ranking
    assert len(r) == 31 and not res.warnings
    reached = r["reached_stage"].value_counts().to_dict()
    assert reached == {"S1": 16, "S2": 10, "S3": 5}  # 31 → 15 → 5, as in Tyumen (32 → 15 → 5)
    assert list(r["award"].iloc[:5]) == ["Победитель", "Призёр", "Призёр", "Лауреат", "Лауреат"]
    per = ss.scores.groupby(["stage_id", "entry_id"])["juror_id"].nunique()
    assert set(per["S1"]) == {3} and set(per["S2"]) == {3} and set(per["S3"]) == {5}


@pytest.mark.parametrize("key", KEYS)
def test_results_command_on_the_samples(key, tmp_path, capsys):
    c, p, s = _files(key)
    out, pub = tmp_path / "protocol.xlsx", tmp_path / "public.xlsx"
    code = run_cli(main, ["results", str(c), str(p), str(s), "--out", str(out), "--public", str(pub)])
    stdout, err = capsys.readouterr()
    assert code == 0, err
    assert "Первое место: Т" in stdout and "Победитель" in stdout
    assert out.exists() and pub.exists()
    protocol = pd.read_excel(out, sheet_name=None, engine="calamine", header=None)
    assert "Протокол" in protocol
