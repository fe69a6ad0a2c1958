"""Places and awards within each nomination (``ranking.by_nomination``), hand-computed ranks."""

from __future__ import annotations

import pandas as pd
import pytest

from contest import ContestError, parse_contest, score
from contest.agreement import agreement
from contest.people import make_people
from contest.protocol import build_protocol
from tests.contest._io_fixtures import JURY

COLS = ["entry_id", "juror_id", "criterion_id", "score"]
NET, SCHOOL = "сетевой тандем", "тандем одной школы"


def stage(sid, **extra):
    task = {"id": "T1", "name": "Задание", "criteria": [{"id": f"K{sid}", "name": "К", "max": 10}]}
    return {"id": sid, "name": f"Этап {sid}", "tasks": [task], **extra}


def entries(noms: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"entry_id": list(noms), "nomination": list(noms.values())})


def scores(sums: dict[str, list[float]], crit="KS1") -> pd.DataFrame:
    return pd.DataFrame(
        [(e, f"Ж0{j + 1}", crit, v) for e, vs in sums.items() for j, v in enumerate(vs)], columns=COLS
    )


AWARDS = [
    {"title": "Победитель", "places": 1},
    {"title": "Призёр", "places": 1},
    {"title": "Лауреат", "min_share": 0.55},
]
NOMS = {"A1": NET, "A2": NET, "A3": NET, "A4": NET, "B1": SCHOOL, "B2": SCHOOL}
SUMS = {
    "A1": [8, 8],  # 8
    "A2": [9, 7],  # 8
    "A3": [6, 6],  # 6
    "A4": [10, 9],  # 9.5
    "B1": [5, 5],  # 5
    "B2": [7, 7],  # 7
}


def test_places_and_awards_within_each_nomination():
    c = parse_contest(
        {"name": "Т", "stages": [stage("S1")], "ranking": {"by_nomination": True}, "awards": AWARDS}
    )
    r = score(c, scores(SUMS), entries=entries(NOMS)).ranking
    assert list(r.columns[:3]) == ["entry_id", "nomination", "total"]
    got = list(zip(r["nomination"], r["entry_id"], r["rank"], r["award"], r["tie_flag"]))
    assert got == [
        (NET, "A4", 1, "Победитель", False),
        (NET, "A1", 2, "Призёр", True),  # 8 = 8: shared place 2, both prize-winners
        (NET, "A2", 2, "Призёр", True),
        (NET, "A3", 4, "Лауреат", False),  # 6 ≥ 0.55 × 10
        (SCHOOL, "B2", 1, "Победитель", False),  # 7 would be 4th overall
        (SCHOOL, "B1", 2, "Призёр", False),
    ]
    # without nominations: one ranking, B2 is 4th (9.5, 8, 8, 7) and only «Лауреат» (7 ≥ 5.5)
    plain = score(parse_contest({"name": "Т", "stages": [stage("S1")], "awards": AWARDS}), scores(SUMS))
    p = plain.ranking.set_index("entry_id")
    assert p.loc["B2", "rank"] == 4 and p.loc["B2", "award"] == "Лауреат"
    assert "nomination" not in plain.ranking.columns


def test_tie_break_per_nomination():
    c = parse_contest(
        {
            "name": "Т",
            "stages": [
                {
                    "id": "S1",
                    "name": "Этап",
                    "tasks": [
                        {"id": "T1", "name": "З1", "criteria": [{"id": "K1", "name": "К", "max": 10}]},
                        {"id": "T2", "name": "З2", "criteria": [{"id": "K2", "name": "К", "max": 10}]},
                    ],
                }
            ],
            "ranking": {"by_nomination": True, "tie_break": ["S1.T2"]},
        }
    )
    rows = [("A1", 6, 4), ("A2", 4, 6), ("B1", 5, 5), ("B2", 7, 3)]
    df = pd.DataFrame(
        [(e, "Ж01", "K1", a) for e, a, _ in rows] + [(e, "Ж01", "K2", b) for e, _, b in rows], columns=COLS
    )
    r = score(c, df, entries=entries({"A1": NET, "A2": NET, "B1": SCHOOL, "B2": SCHOOL})).ranking
    assert list(zip(r["entry_id"], r["rank"], r["tie_flag"])) == [
        ("A2", 1, False),  # 10 = 10, T2: 6 > 4
        ("A1", 2, False),
        ("B1", 1, False),  # 10 = 10, T2: 5 > 3
        ("B2", 2, False),
    ]


def test_advancement_within_each_nomination():
    c = parse_contest(
        {
            "name": "Т",
            "stages": [stage("S1", advance={"top": 1}), stage("S2")],
            "ranking": {"stages": ["S2"], "by_nomination": True},
            "awards": [{"title": "Победитель", "places": 1}],
        }
    )
    noms = {"X1": NET, "X2": NET, "Y1": SCHOOL, "Y2": SCHOOL}
    s1 = scores({"X1": [9], "X2": [5], "Y1": [3], "Y2": [4]})
    s2 = scores({"X1": [6], "Y2": [8]}, crit="KS2")  # Y2 advanced in its nomination with 4 < 5 of X2
    res = score(c, pd.concat([s1, s2], ignore_index=True), entries=entries(noms))
    r = res.ranking
    assert list(zip(r["entry_id"], r["rank"], r["award"])) == [
        ("X1", 1, "Победитель"),
        ("X2", 2, ""),
        ("Y2", 1, "Победитель"),
        ("Y1", 2, ""),
    ]
    adv = res.stages[res.stages["stage_id"] == "S1"].set_index("entry_id")["advanced"]
    assert adv.to_dict() == {"X1": True, "X2": False, "Y1": False, "Y2": True}
    # scored as one contest, Y2's final scores would be an error: it did not advance
    one = parse_contest({"name": "Т", "stages": [stage("S1", advance={"top": 1}), stage("S2")]})
    with pytest.raises(ContestError, match="не прошла"):
        score(one, pd.concat([s1, s2], ignore_index=True), entries=list(noms))


def test_every_entry_needs_a_nomination():
    c = parse_contest({"name": "Т", "stages": [stage("S1")], "ranking": {"by_nomination": True}})
    with pytest.raises(ContestError, match="A2"):
        score(c, scores({"A1": [5], "A2": [6]}), entries=entries({"A1": NET, "A2": " "}))
    with pytest.raises(ContestError, match="номинации"):
        score(c, scores({"A1": [5]}))


def test_protocol_has_a_section_per_nomination():
    c = parse_contest(
        {"name": "Т", "stages": [stage("S1")], "ranking": {"by_nomination": True}, "awards": AWARDS}
    )
    ent = pd.DataFrame(
        {
            "entry_id": list(NOMS),
            "title": [f"Работа {e}" for e in NOMS],
            "nomination": list(NOMS.values()),
            "mentor_name": [f"Наставник {e}" for e in NOMS],
            "mentee_name": [f"Молодой {e}" for e in NOMS],
            "school_ids": ["900"] * len(NOMS),
            "publish_consent": [True] * len(NOMS),
        }
    )
    people = make_people(ent, JURY)
    res = score(c, scores(SUMS), entries=people.entries, jury=people.jury)
    ws = build_protocol(res, agreement(res), people)["Протокол"]
    col_a = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    heads = [i for i, v in enumerate(col_a) if isinstance(v, str) and v.startswith("Номинация «")]
    assert [col_a[i] for i in heads] == [f"Номинация «{NET}»", f"Номинация «{SCHOOL}»"]
    # each section: its header row, then its entries best first with their places
    first = heads[0] + 2
    assert [ws.cell(first + k + 1, 2).value for k in range(4)] == ["A4", "A1", "A2", "A3"]
    assert [ws.cell(heads[1] + 2 + k + 1, 2).value for k in range(2)] == ["B2", "B1"]
    assert [ws.cell(heads[1] + 2 + k + 1, 1).value for k in range(2)] == [1, 2]
