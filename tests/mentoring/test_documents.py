"""The mentoring documents: order annex, programmes, network agreements, per-school zips, printing."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest

from matching import load_registry, match
from mentoring import Register, RegisterError, approve
from mentoring.documents import (
    annex_context,
    file_name,
    network_links,
    short_name,
)
from mentoring.documents_io import (
    ANNEX_FILE,
    NETWORK_FILE,
    PROGRAMMES_DIR,
    TEMPLATES,
    school_zip,
    school_zips,
    write_documents,
)
from mentoring.programme import meeting_dates, programme_context
from tandem.errors import InputError
from tests.pdf_pages import is_a4, pdf_pages, soffice_pdf

D = dt.date
ROOT = Path(__file__).resolve().parents[2]
ORDER = "Приказ № 45 от 01.09.2026"
ON = D(2026, 9, 15)


@pytest.fixture(scope="module")
def registry():
    return load_registry(ROOT / "data" / "sample_district.xlsx")


@pytest.fixture(scope="module")
def register(registry):
    pairs = match(registry).pairs.rename(columns={"pair_format": "format"})[
        ["mentee_id", "mentor_id", "format"]
    ]
    experience = dict(zip(registry.teachers["teacher_id"], registry.teachers["experience_years"]))
    reg, counts = approve(Register(), pairs, order=ORDER, start=D(2026, 9, 1), experience=experience)
    assert counts["approved"] == len(pairs) > 40
    return reg


@pytest.fixture(scope="module")
def written(register, registry, tmp_path_factory):
    out = tmp_path_factory.mktemp("docs") / "Документы"
    return out, write_documents(register, registry, out, ON)


def _teacher(registry, tid):
    return registry.teachers.set_index("teacher_id").loc[tid]


def _docx_text(data_or_path) -> str:
    src = io.BytesIO(data_or_path) if isinstance(data_or_path, bytes) else data_or_path
    d = docx.Document(src)
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


# --------------------------------------------------------------------------- content
def test_annex_lists_every_pair_in_force_once_grouped_by_school(register, registry):
    ctx = annex_context(register, registry, ON)
    rows = [r for s in ctx["sections"] for r in s["rows"]]
    live = register.in_force(ON)
    assert sorted(r["mentee_id"] for r in rows) == sorted(live["mentee_id"])
    assert [r["n"] for r in rows] == list(range(1, len(live) + 1))
    assert ctx["total"] == len(live) and ctx["basis"] == ORDER and ctx["date"] == "15.09.2026"
    *schools, network = ctx["sections"]
    assert network["title"] == "Сетевые пары"
    assert all(r["mentee_school_id"] != r["mentor_school_id"] for r in network["rows"])
    assert [s["school_id"] for s in schools] == sorted(s["school_id"] for s in schools)
    for s in schools:
        assert s["school_id"] in s["title"]
        assert (
            {r["mentee_school_id"] for r in s["rows"]}
            == {r["mentor_school_id"] for r in s["rows"]}
            == {s["school_id"]}
        )
        names = [r["mentee_name"].replace("ё", "е") for r in s["rows"]]
        assert names == sorted(names)
    # group tandems: every mentor with several mentees carries one group number on all their rows
    by_mentor = pd.DataFrame(rows).groupby("mentor_id")
    for _mentor, g in by_mentor:
        if len(g) > 1:
            assert g["group"].nunique() == 1 and g["group"].iloc[0].startswith("группа №")
        else:
            assert g["group"].iloc[0] == ""


def test_annex_lists_several_bases(register, registry):
    pairs = pd.DataFrame({"mentee_id": ["П-002"], "mentor_id": ["П-001"]})
    reg = Register(register.pairs[register.pairs["mentee_id"] != "П-002"].reset_index(drop=True))
    reg, _ = approve(reg, pairs, order="Приказ № 51 от 10.09.2026", start=D(2026, 9, 10))
    ctx = annex_context(reg, registry, ON)
    assert ctx["basis_label"] == "Основания" and ctx["basis"] == f"{ORDER}; Приказ № 51 от 10.09.2026"


def test_programme_covered_deficits_first_then_route_outside(register, registry):
    names = dict(zip(registry.deficits["code"], registry.deficits["name"]))
    live = register.in_force(ON)
    checked = 0
    for p in live.to_dict("records"):
        mentee, mentor = _teacher(registry, p["mentee_id"]), _teacher(registry, p["mentor_id"])
        ctx = programme_context(p, registry)
        codes = [d["code"] for d in ctx["deficits"]]
        assert sorted(codes) == sorted(set(mentee["deficits"]))
        flags = [d["covered"] for d in ctx["deficits"]]
        assert flags == sorted(flags, reverse=True)  # covered ones first
        assert all(d["covered"] == (d["code"] in mentor["strengths"]) for d in ctx["deficits"])
        assert [d["name"] for d in ctx["deficits"]] == [names[c] for c in codes]
        for d, task in zip(ctx["deficits"], ctx["tasks"]):
            assert task["deficit"] == d["name"]
            assert ("курсы повышения квалификации" in task["way"]) != d["covered"]
        checked += any(not f for f in flags)
        assert ctx["mentee"]["name"] == mentee["full_name"] and ctx["mentor"]["name"] == mentor["full_name"]
    assert checked, "the sample has pairs with a deficit the mentor does not cover"


def test_meeting_schedule_rule():
    assert meeting_dates(D(2026, 9, 1), D(2026, 10, 13)) == [
        D(2026, 9, 1),
        D(2026, 9, 15),
        D(2026, 9, 29),
        D(2026, 10, 13),
    ]
    assert meeting_dates(D(2026, 9, 1), D(2026, 10, 12), 3) == [D(2026, 9, 1), D(2026, 9, 22)]
    # a Saturday start moves to Monday; the series keeps that weekday
    assert meeting_dates(D(2026, 9, 5), D(2026, 9, 30))[:2] == [D(2026, 9, 7), D(2026, 9, 21)]
    for bad in (0, 9, 1.5, True):
        with pytest.raises(ValueError, match="частота встреч"):
            meeting_dates(D(2026, 9, 1), D(2026, 12, 1), bad)


def test_programme_schedule_spans_period(register, registry):
    p = register.in_force(ON).iloc[0].to_dict()
    ctx = programme_context(p, registry, schedule_weeks=4)
    dates = [dt.datetime.strptime(m["date"], "%d.%m.%Y").date() for m in ctx["meetings"]]
    assert dates[0] == p["start"] and dates[-1] <= p["end"] < dates[-1] + dt.timedelta(weeks=4)
    assert all((b - a).days == 28 for a, b in zip(dates, dates[1:]))
    assert ctx["meetings"][0]["topic"].startswith("Установочная") and ctx["meetings"][-1]["topic"].startswith(
        "Итог"
    )
    assert ctx["duration"] == "9 месяцев"


def test_file_names_are_safe_on_windows():
    name = file_name('Ив/ан:ов* "Пётр"?', "A<1>|")
    assert not re.search(r'[<>:"/\\|?*]', name) and name.endswith(").docx")
    assert file_name("Иванова Анна Петровна ", "П-001") == "Иванова Анна Петровна (П-001).docx"
    assert short_name("Иванова Анна Петровна") == "А. П. Иванова"


SEPT_1 = D(2026, 9, 1)


def _small_register(rows, start=SEPT_1):
    pairs = pd.DataFrame(rows, columns=["mentee_id", "mentor_id"])
    reg, _ = approve(Register(), pairs, order=ORDER, start=start)
    return reg


def _by_school(registry, school, role_ok, n):
    t = registry.teachers
    return list(t[(t["school_id"] == school) & t["role"].isin(role_ok)]["teacher_id"][:n])


def test_network_links_on_hand_made_register(registry):
    a_mentors = _by_school(registry, "ОО-01", ("наставник",), 3)
    b_mentees = _by_school(registry, "ОО-02", ("наставляемый", "оба"), 3)
    a_mentees = _by_school(registry, "ОО-01", ("наставляемый", "оба"), 2)
    c_mentees = _by_school(registry, "ОО-03", ("наставляемый", "оба"), 1)
    b_mentor = _by_school(registry, "ОО-02", ("наставник",), 1)[0]
    reg = _small_register(
        [
            (b_mentees[0], a_mentors[0]),
            (b_mentees[1], a_mentors[0]),  # ОО-01 → ОО-02, a group of two
            (b_mentees[2], a_mentors[1]),  # ОО-01 → ОО-02 again
            (a_mentees[0], b_mentor),  # ОО-02 → ОО-01
            (a_mentees[1], a_mentors[2]),  # inside ОО-01: not a network pair
        ]
    )
    later = _small_register([(c_mentees[0], a_mentors[2])], start=D(2026, 10, 1))  # not yet in force on ON
    reg.pairs = pd.concat([reg.pairs, later.pairs], ignore_index=True)
    links = network_links(reg, registry, ON)
    assert list(links.columns) == [
        "mentor_school_id",
        "mentor_school",
        "mentee_school_id",
        "mentee_school",
        "pairs",
        "pair_list",
    ]
    assert list(zip(links["mentor_school_id"], links["mentee_school_id"], links["pairs"])) == [
        ("ОО-01", "ОО-02", 3),
        ("ОО-02", "ОО-01", 1),
    ]
    assert links.loc[0, "mentee_school"] == 'МБОУ "Прудовская ООШ"'
    assert all(m in links.loc[0, "pair_list"] for m in b_mentees)
    assert len(network_links(reg, registry, D(2026, 10, 1))) == 3  # the ОО-01 → ОО-03 pair from 1 October
    ctx = annex_context(reg, registry, ON)
    assert ctx["network"] == 4 and ctx["internal"] == 1
    assert [r["group"] for r in ctx["sections"][-1]["rows"] if r["mentor_id"] == a_mentors[0]] == [
        "группа № 1 (2 чел.)"
    ] * 2


# --------------------------------------------------------------------------- files
def test_write_documents_one_programme_per_pair(written, register, registry):
    out, paths = written
    live = register.in_force(ON)
    assert paths[:2] == [out / ANNEX_FILE, out / NETWORK_FILE]
    programmes = sorted((out / PROGRAMMES_DIR).iterdir())
    assert programmes == paths[2:] and len(programmes) == len(live)
    for mentee in live["mentee_id"]:
        assert sum(f"({mentee})" in p.name for p in programmes) == 1
    annex = _docx_text(out / ANNEX_FILE)
    names = registry.teachers.set_index("teacher_id")["full_name"]
    for p in live.itertuples():
        assert names[p.mentee_id] in annex and names[p.mentor_id] in annex
    assert "{{" not in annex and "{%" not in annex
    one = live.iloc[0]
    text = _docx_text(next(p for p in programmes if f"({one.mentee_id})" in p.name))
    assert names[one.mentee_id] in text and names[one.mentor_id] in text and "{{" not in text
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "temporary folder left behind"


def test_network_workbook_matches_links_and_prints(written, register, registry):
    out, _ = written
    wb = openpyxl.load_workbook(out / NETWORK_FILE)
    ws = wb["Сетевые договоры"]
    links = network_links(register, registry, ON)
    assert ws.max_row == len(links) + 1 and ws["E1"].value == "Число пар"
    assert [ws.cell(row=i + 2, column=5).value for i in range(len(links))] == list(links["pairs"])
    assert (
        sum(links["pairs"])
        == wb["Сетевые пары"].max_row - 1
        == annex_context(register, registry, ON)["network"]
    )
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9 and int(ws.page_setup.fitToWidth) == 1  # 9: A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$1"


def test_documents_are_deterministic_and_stale_programmes_go(register, registry, tmp_path):
    out = tmp_path / "docs"
    write_documents(register, registry, out, ON)
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (out / "заметки.txt").write_text("не трогать")
    keep = register.pairs["mentee_id"].isin(register.pairs["mentee_id"][:5])
    write_documents(Register(register.pairs[keep].reset_index(drop=True)), registry, out, ON)
    assert len(list((out / PROGRAMMES_DIR).iterdir())) == 5
    assert (out / "заметки.txt").read_text() == "не трогать"
    write_documents(register, registry, out, ON)
    again = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    again.pop(Path("заметки.txt"))
    xlsx = Path(NETWORK_FILE)  # openpyxl stamps the zip with the time of saving: compare the cells
    assert _cells(again.pop(xlsx)) == _cells(first.pop(xlsx))
    assert again == first


def _cells(data: bytes) -> dict:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def test_unknown_teacher_refused_and_nothing_written(register, registry, tmp_path):
    pairs = register.pairs.copy()
    pairs["excel_row"] = range(2, len(pairs) + 2)
    pairs.loc[3, "mentee_id"] = "П-999"
    pairs.loc[5, "mentor_id"] = "ПP-001"
    bad = Register(pairs, source="Реестр пар.xlsx")
    with pytest.raises(RegisterError) as e:
        write_documents(bad, registry, tmp_path / "new", ON)
    text = str(e.value)
    assert "файл «Реестр пар.xlsx», лист «Пары», строка 5, столбец «Код наставляемого»" in text
    assert "строка 7, столбец «Код наставника»" in text and "«П-999»" in text and "«ПP-001»" in text
    assert list(tmp_path.iterdir()) == []
    old = tmp_path / "old"
    old.mkdir()
    (old / ANNEX_FILE).write_bytes(b"previous")
    with pytest.raises(RegisterError):
        write_documents(bad, registry, old, ON)
    assert [p.name for p in tmp_path.iterdir()] == ["old"] and (old / ANNEX_FILE).read_bytes() == b"previous"
    with pytest.raises(RegisterError):
        school_zip(bad, registry, "ОО-01", ON)


def test_no_pairs_in_force_or_bad_spacing_is_refused(register, registry, tmp_path):
    with pytest.raises(RegisterError, match="нет действующих пар"):
        write_documents(register, registry, tmp_path / "x", D(2027, 6, 1))
    with pytest.raises(InputError, match="частота встреч"):
        write_documents(register, registry, tmp_path / "x", ON, schedule_weeks=0)
    assert list(tmp_path.iterdir()) == []


def test_school_zip_holds_the_school_part(register, registry):
    school_of = dict(zip(registry.teachers["teacher_id"], registry.teachers["school_id"]))
    live = register.in_force(ON)
    mine = live[
        [("ОО-01" in (school_of[a], school_of[b])) for a, b in zip(live["mentee_id"], live["mentor_id"])]
    ]
    data = school_zip(register, registry, "ОО-01", ON)
    assert data == school_zip(register, registry, "ОО-01", ON)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        assert names[0] == "Приложение к приказу (ОО-01).docx"
        progs = [n for n in names if n.startswith(PROGRAMMES_DIR + "/")]
        assert len(progs) == len(mine) == len(names) - 1
        annex = _docx_text(z.read(names[0]))
    assert 'Часть для МБОУ "Зареченская СОШ № 1" (ОО-01)' in annex
    names_of = registry.teachers.set_index("teacher_id")["full_name"]
    assert all(names_of[m] in annex for m in mine["mentee_id"])
    others = set(live["mentee_id"]) - set(mine["mentee_id"])
    assert not any(names_of[m] in annex for m in others)
    zips = school_zips(register, registry, ON)
    assert zips["ОО-01"] == data and len(zips) == len(
        {school_of[t] for t in live["mentee_id"]} | {school_of[t] for t in live["mentor_id"]}
    )
    with pytest.raises(RegisterError, match="ОО-99"):
        school_zip(register, registry, "ОО-99", ON)


# --------------------------------------------------------------------------- printing
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.mark.parametrize("name,landscape", [("annex.docx", True), ("programme.docx", False)])
def test_templates_have_print_settings(name, landscape):
    d = docx.Document(TEMPLATES / name)
    sec = d.sections[0]
    w, h = sorted((sec.page_width.cm, sec.page_height.cm))
    assert (round(w, 1), round(h, 1)) == (21.0, 29.7) and (sec.page_width > sec.page_height) == landscape
    assert all(
        abs(m.cm - 2.0) < 0.05 for m in (sec.left_margin, sec.right_margin, sec.top_margin, sec.bottom_margin)
    )
    text_width = sec.page_width.twips - sec.left_margin.twips - sec.right_margin.twips
    assert d.styles["Normal"].font.name == "Times New Roman" and d.styles["Normal"].font.size.pt == 12
    footer = sec.footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    for t in d.tables:
        pr = t._tbl.tblPr
        assert pr.find(W + "tblLayout").get(W + "type") == "fixed"
        tbl_w = pr.find(W + "tblW")
        assert tbl_w.get(W + "type") == "dxa" and abs(int(tbl_w.get(W + "w")) - text_width) <= 20
        grid = sum(int(c.get(W + "w")) for c in t._tbl.tblGrid.findall(W + "gridCol"))
        assert abs(grid - text_width) <= 20
        if t.style is not None and t.style.name == "Table Grid":  # the signatures table has no header
            assert t.rows[0]._tr.trPr.find(W + "tblHeader") is not None


def test_templates_match_their_generator(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_templates", TEMPLATES / "make_templates.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for make, name in ((mod.make_annex, "annex.docx"), (mod.make_programme, "programme.docx")):
        fresh = make(tmp_path / name)
        with zipfile.ZipFile(fresh) as a, zipfile.ZipFile(TEMPLATES / name) as b:
            assert a.read("word/document.xml") == b.read("word/document.xml"), (
                f"{name}: run make_templates.py"
            )


def test_printed_annex_and_programme_fit_a4(written, register, registry, tmp_path):
    out, paths = written
    live = register.in_force(ON)
    one = live.iloc[0]
    programme = next(p for p in paths[2:] if f"({one.mentee_id})" in p.name)
    annex, prog = tmp_path / "annex.docx", tmp_path / "programme.docx"
    shutil.copy(out / ANNEX_FILE, annex)
    shutil.copy(programme, prog)
    soffice_pdf([annex, prog], tmp_path)
    cm = 72 / 2.54
    for pdf in ("annex.pdf", "programme.pdf"):
        pages = pdf_pages(tmp_path / pdf)
        assert pages, pdf
        for i, page in enumerate(pages, 1):
            assert is_a4(page), f"{pdf}, page {i}: {page['width']}×{page['height']} pt is not A4"
            outside = [w for w in page["words"] if w[0] < 1.5 * cm or w[2] > page["width"] - 1.5 * cm]
            assert not outside, f"{pdf}, page {i}: words outside the margins: {outside[:5]}"
    pages = pdf_pages(tmp_path / "annex.pdf")
    assert len(pages) >= 2 and pages[0]["width"] > pages[0]["height"]
    for i, page in enumerate(pages, 1):  # the table header row is repeated on every page
        words = {w[4] for w in page["words"]}
        assert {"Наставляемый", "Формат", "Период"} <= words, f"annex page {i} has no table header"
    text = " ".join(w[4] for p in pdf_pages(tmp_path / "programme.pdf") for w in p["words"])
    mentee, mentor = _teacher(registry, one.mentee_id), _teacher(registry, one.mentor_id)
    names = dict(zip(registry.deficits["code"], registry.deficits["name"]))
    for expected in [mentee["full_name"], mentor["full_name"], *(names[c] for c in mentee["deficits"])]:
        assert " ".join(expected.split()) in text, f"«{expected}» is not in the printed programme"
