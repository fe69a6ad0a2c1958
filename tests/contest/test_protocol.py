"""Protocol workbook and public ranking on the sample contest."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from contest import agreement, load_contest, score
from contest.people import load_people
from contest.protocol import build_protocol, build_public, write_public
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


def test_sheets_meant_for_paper_print_on_a4_one_page_wide(duet):
    c, p, res, agr = duet
    wb = build_protocol(res, agr, p, [("SHA-256 файла баллов «x.csv»", "ab" * 32)])
    landscape = {
        "Протокол",
        "Сводная ведомость",
        "Согласованность",
        "Устойчивость",
        "Строгость экспертов",
        "Согласование",
    }
    for ws in [*wb.worksheets, build_public(res, p)["Рейтинг"]]:
        assert int(ws.page_setup.paperSize) == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0), ws.title
        assert ws.page_setup.orientation == (
            "landscape" if ws.title in landscape | {"Рейтинг"} else "portrait"
        )
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    for title in ("Сводная ведомость", "Баллы по критериям", "Параметры"):
        assert wb[title].print_title_rows, title  # the header row repeated on every page
    prot = wb["Протокол"]
    header = next(r for r in range(1, 10) if prot.cell(r, 1).value == "Место")
    # rows are as tall as their wrapped text: a two-line title gets a taller row than one line
    assert all(prot.row_dimensions[r].height for r in range(header, header + len(res.ranking) + 1))
    assert prot.cell(header + 1, 3).alignment.wrap_text


def test_protocol_docx_context_nominations_ties_and_files(duet):
    from contest.protocol_docx import protocol_context

    c, p, res, agr = duet
    params = [("SHA-256 файла баллов «x.csv»", "ab" * 32)]
    ctx = protocol_context(res, p, params, "cd" * 32, dt.datetime(2026, 5, 20, 10, 0))
    assert ctx["date"] == "20.05.2026" and ctx["version"] == c.version and ctx["tie_note"] == ""
    assert [s["title"] for s in ctx["sections"]] == [""]
    rows = ctx["sections"][0]["rows"]
    assert [r["entry_id"] for r in rows] == list(res.ranking["entry_id"])
    assert rows[0]["place"] == 1 and "," in rows[0]["total"]
    assert ctx["files"][-1] == {"label": "Файл баллов «x.csv»", "sha256": "ab" * 32}
    assert ctx["files"][0]["sha256"] == "cd" * 32
    assert ctx["jury"][0]["role"] == "Председатель жюри" and len(ctx["jury"]) == len(p.jury)
    # a ranking with nominations gives one section per nomination, ties get the note
    r = res.ranking.copy()
    r["nomination"] = ["А", "Б"] * (len(r) // 2) + ["А"] * (len(r) % 2)
    r.loc[r.index[1], "tie_flag"] = True
    ctx = protocol_context(type(res)(**{**res.__dict__, "ranking": r}), p, made_at=dt.datetime(2026, 1, 1))
    assert [s["title"] for s in ctx["sections"]] == ["Номинация «А»", "Номинация «Б»"]
    assert sum(len(s["rows"]) for s in ctx["sections"]) == len(r)
    assert ctx["sections"][1]["rows"][0]["note"] == TIE_NOTE and TIE_NOTE in ctx["tie_note"]


def test_protocol_docx_renders_and_refuses_a_broken_template(duet, tmp_path):
    import docx

    from contest.protocol_docx import protocol_docx
    from tandem.errors import InputError

    c, p, res, agr = duet
    made = dt.datetime(2026, 5, 20, 10, 0)
    data = protocol_docx(res, p, [("SHA-256 файла баллов «x.csv»", "ab" * 32)], None, made)
    assert data == protocol_docx(res, p, [("SHA-256 файла баллов «x.csv»", "ab" * 32)], None, made)
    (tmp_path / "p.docx").write_bytes(data)
    d = docx.Document(tmp_path / "p.docx")
    sec = d.sections[0]
    assert (round(sec.page_width.cm, 1), round(sec.page_height.cm, 1)) == (21.0, 29.7)
    cells = [cell.text for t in d.tables for row in t.rows for cell in row.cells]
    assert res.ranking["entry_id"].iloc[0] in cells and "ab" * 32 in cells
    assert "{{" not in "\n".join(cells)
    (tmp_path / "bad.docx").write_text("не документ")
    with pytest.raises(InputError, match="шаблон"):
        protocol_docx(res, p, template=tmp_path / "bad.docx")
    with pytest.raises(InputError, match="нет шаблона"):
        protocol_docx(res, p, template=tmp_path / "missing.docx")


def test_protocol_template_matches_its_generator(tmp_path):
    import importlib.util

    here = Path(__file__).resolve().parents[2] / "data" / "templates"
    spec = importlib.util.spec_from_file_location("make_templates", here / "make_templates.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    fresh = mod.make_protocol(tmp_path / "protocol.docx")
    with zipfile.ZipFile(fresh) as a, zipfile.ZipFile(here / "protocol.docx") as b:
        assert a.read("word/document.xml") == b.read("word/document.xml"), "run make_templates.py"


def test_cli_writes_the_word_protocol_only_when_everything_is_good(tmp_path, capsys):
    from contest.cli import main
    from tandem.cli import run_cli

    args = [
        "results",
        str(DATA / "best_practices.yaml"),
        str(DATA / "best_practices_people.xlsx"),
        str(DATA / "best_practices_scores.csv"),
        "--out",
        str(tmp_path / "p.xlsx"),
    ]
    (tmp_path / "bad.docx").write_text("не документ")
    assert (
        run_cli(
            main, [*args, "--docx", str(tmp_path / "p.docx"), "--docx-template", str(tmp_path / "bad.docx")]
        )
        == 2
    )
    assert not (tmp_path / "p.xlsx").exists() and not (tmp_path / "p.docx").exists()
    assert run_cli(main, [*args, "--docx-template", str(tmp_path / "bad.docx")]) == 2
    assert run_cli(main, [*args, "--docx", str(tmp_path / "p.docx")]) == 0
    assert "Протокол для подписи (Word)" in capsys.readouterr().out
    with zipfile.ZipFile(tmp_path / "p.docx") as z:
        assert "word/document.xml" in z.namelist()
    assert (tmp_path / "p.xlsx").exists()
