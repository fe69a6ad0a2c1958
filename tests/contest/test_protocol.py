"""Protocol workbook and public ranking on the sample contest."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from contest import agreement, load_contest, score
from contest.people import load_people
from contest.protocol import build_protocol, write_public
from contest.report import TIE_NOTE, public_frame, ranking_frame, summary_frame
from contest.scores_io import load_scores

DATA = Path(__file__).resolve().parents[2] / "data" / "contests"


@pytest.fixture(scope="module")
def duet():
    c = load_contest(DATA / "pedagogical_duet.yaml")
    p = load_people(DATA / "pedagogical_duet_people.xlsx")
    ss = load_scores(DATA / "pedagogical_duet_scores.csv", c, p)
    res = score(
        c, ss.scores[["entry_id", "juror_id", "criterion_id", "score"]], entries=p.entries, jury=p.jury
    )
    return c, p, res, agreement(res)


def test_protocol_sheets_and_values(duet, tmp_path):
    c, p, res, agr = duet
    wb = build_protocol(res, agr, p, [("SHA-256 файла баллов «x.csv»", "ab" * 32)])
    assert wb.sheetnames == [
        "Протокол",
        "Сводная ведомость",
        "Баллы по критериям",
        "Согласованность",
        "Строгость экспертов",
        "Устойчивость",
        "Параметры",
    ]
    path = tmp_path / "p.xlsx"
    wb.save(path)
    book = pd.read_excel(path, sheet_name=None, engine="calamine", header=None)
    prot = book["Протокол"]
    assert c.name in prot.iloc[1, 0] and c.version in prot.iloc[2, 0]
    header_row = prot.index[prot[0] == "Место"][0]
    table = pd.read_excel(path, sheet_name="Протокол", engine="calamine", header=header_row).dropna(
        subset=["Код работы"]
    )
    table = table[table["Код работы"].astype(str).str.match(r"^Д\d\d$")]
    assert list(table["Код работы"]) == list(res.ranking["entry_id"])
    assert table.iloc[0]["Награда"] == "Победитель"
    flat = "\n".join(prot[0].dropna().astype(str))
    assert "Председатель жюри ______" in flat and flat.count("Член жюри ______") == len(p.jury) - 1
    params = book["Параметры"]
    assert c.version in params[1].astype(str).tolist()
    # no formulas anywhere in the protocol
    with zipfile.ZipFile(path) as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_summary_has_jurors_as_columns(duet):
    c, p, res, agr = duet
    sf = summary_frame(res, p)
    juror_cols = [col for col in sf.columns if col.startswith("Ж")]
    assert len(juror_cols) == len(p.jury)
    s1 = sf[sf["stage_id"] == "S1"]
    assert (s1[juror_cols].notna().sum(axis=1) == c.per_entry).all()
    assert len(sf) == len(res.tasks)


def test_tie_flag_note(duet):
    c, p, res, agr = duet
    r = res.ranking.copy()
    r.loc[r.index[1], "tie_flag"] = True
    fake = type(res)(**{**res.__dict__, "ranking": r})
    rf = ranking_frame(fake, p)
    assert rf.loc[1, "note"] == TIE_NOTE and rf.loc[0, "note"] == ""


def test_public_ranking_hides_names_without_consent(duet, tmp_path):
    c, p, res, agr = duet
    pub = public_frame(res, p)
    assert list(pub.columns) == [
        "place",
        "entry_id",
        "total",
        "award",
        "last_stage",
        "last_stage_total",
        "mentor_name",
        "mentee_name",
    ]
    consent = dict(zip(p.entries["entry_id"], p.entries["publish_consent"]))
    assert not all(consent.values()) and any(consent.values())
    for rec in pub.to_dict("records"):
        if consent[rec["entry_id"]]:
            assert rec["mentor_name"] and rec["mentee_name"]
        else:
            assert rec["mentor_name"] == "" and rec["mentee_name"] == ""
    path = write_public(tmp_path / "pub.xlsx", res, p)
    cells = {
        str(cell.value) for row in load_workbook(path)["Рейтинг"].iter_rows() for cell in row if cell.value
    }
    hidden = p.entries[~p.entries["publish_consent"]]
    for name in list(hidden["mentor_name"]) + list(hidden["mentee_name"]) + list(hidden["title"]):
        assert name not in cells
