"""The protocols as printed: LibreOffice renders the sample outputs to PDF, poppler reads the pages back.

Both sample contests go through :mod:`contest.workflow` as ``make demo`` runs
them (the duet from its folder of filled sheets with the adjustments, the
practices from the long-form CSV); the juror score sheets of both duet stages
are printed too. Checked on the PDF:

* every page is A4 and every word lies inside the page, 0.5 cm from its edges;
* every page carries «Страница N из M»; the pages of a workbook name their sheet;
* on the page of «Протокол» with the ranking table, the winner's place, code,
  first word of the title, total and award are on that page, on one line;
* the signature lines come after the ranking table and together on one page;
* the number of pages per sheet stays within the bounds of :data:`MAX_PAGES`
  (the unfitted protocol of the duet took 50 pages);
* the Word protocol: A4 portrait, inside the 2 cm margins, the winner's row on
  one line, the SHA-256 of every input file printed;
* the SHA-256 of every input file is printed in the workbook too («Параметры»).

Skipped without LibreOffice (``libreoffice-calc-nogui``, ``libreoffice-writer-nogui``)
or poppler (``poppler-utils``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import pytest

from contest.definition_io import load_contest
from contest.people import load_people
from contest.report import ranking_frame
from contest.sheets import build_sheets
from contest.workflow import protocol_document, protocol_workbook, public_workbook, run_results, stage_plan
from tandem.xlsx import atomic_save
from tests.pdf_pages import pdf_pages, soffice_pdf

DATA = Path(__file__).resolve().parents[2] / "data" / "contests"
MADE_AT = dt.datetime(2026, 5, 20, 10, 0, 0)
CM = 72 / 2.54

#: The most printed pages per sheet of the sample protocols (a function of the table's rows): the
#: ranking with its signatures on two pages, the summary on three, the criterion scores at least
#: 60 rows a page, agreement on two, parameters on one; the public ranking and a juror's score
#: sheet on one; the Word protocol on three.
MAX_PAGES = {
    "Протокол": lambda rows: 2,
    "Сводная ведомость": lambda rows: 3,
    "Баллы по критериям": lambda rows: math.ceil(rows / 60),
    "Согласованность": lambda rows: 2,
    "Параметры": lambda rows: 1,
}
OTHER_SHEET_PAGES = 3  # a sheet not listed above


def _text(page) -> str:
    return " ".join(w[4] for w in page["words"])


def _footer(page) -> str:
    """The words in the bottom 1.5 cm of the page, left to right."""
    low = sorted((w for w in page["words"] if w[1] > page["height"] - 1.5 * CM), key=lambda w: w[0])
    return " ".join(w[4] for w in low)


def _sheet(page) -> str:
    """The sheet a printed workbook page belongs to (the footer's left part, before «Страница»)."""
    return _footer(page).split("Страница")[0].strip()


def _line(page, word: str) -> list[str]:
    """The words on the text line of the first ``word`` on the page (same baseline ± 3 pt)."""
    hit = next(w for w in page["words"] if w[4] == word)
    return [w[4] for w in page["words"] if abs(w[3] - hit[3]) < 3]


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    out = tmp_path_factory.mktemp("printed")
    runs = {}
    for name, scores, adjustments in (
        ("pedagogical_duet", DATA / "pedagogical_duet_sheets", DATA / "pedagogical_duet_adjustments.csv"),
        ("best_practices", DATA / "best_practices_scores.csv", None),
    ):
        contest = load_contest(DATA / f"{name}.yaml")
        people = load_people(DATA / f"{name}_people.xlsx")
        run = run_results(contest, people, scores, adjustments, people_path=DATA / f"{name}_people.xlsx")
        atomic_save(protocol_workbook(run, people, MADE_AT), out / f"{name}.xlsx")
        (out / f"{name}_word.docx").write_bytes(protocol_document(run, people, MADE_AT))
        runs[name] = (contest, people, run)
    contest, people, run = runs["pedagogical_duet"]
    atomic_save(public_workbook(run, people), out / "public.xlsx")
    sheets = []
    for stage, scores in (("S1", None), ("S2", DATA / "pedagogical_duet_scores.csv")):
        stage_id, plan = stage_plan(contest, people, stage, scores)
        books = build_sheets(contest, people, plan.assignment, stage_id)
        name, wb = next(iter(books.items()))
        atomic_save(wb, out / f"sheet_{stage}.xlsx")
        sheets.append(out / f"sheet_{stage}.xlsx")
    files = sorted(out.glob("*.xlsx")) + sorted(out.glob("*.docx"))
    soffice_pdf(files, out)
    return out, runs


def _all_pdfs(out: Path) -> list[Path]:
    return sorted(out.glob("*.pdf"))


def test_every_page_is_a4_and_every_word_inside_it(printed):
    out, _ = printed
    pdfs = _all_pdfs(out)
    assert len(pdfs) == 7
    for pdf in pdfs:
        pages = pdf_pages(pdf)
        assert pages, pdf.name
        for i, page in enumerate(pages, 1):
            size = sorted((round(page["width"]), round(page["height"])))
            assert size == [595, 842], f"{pdf.name}, page {i}: {page['width']}×{page['height']} pt is not A4"
            outside = [
                w for w in page["words"] if w[0] < 0.5 * CM or w[2] > page["width"] - 0.5 * CM or w[1] < 0
            ]
            assert not outside, f"{pdf.name}, page {i}: words outside the page: {outside[:5]}"
            assert re.search(rf"Страница {i} из {len(pages)}", _footer(page)), (
                f"{pdf.name}, page {i}: no page number in the footer: «{_footer(page)}»"
            )


@pytest.mark.parametrize("name", ["pedagogical_duet", "best_practices"])
def test_ranking_page_holds_the_winner_row_whole(printed, name):
    out, runs = printed
    contest, people, run = runs[name]
    rf = ranking_frame(run.results, people)
    win = rf.iloc[0]
    pages = [p for p in pdf_pages(out / f"{name}.pdf") if _sheet(p) == "Протокол"]
    ranking = [p for p in pages if {"Место", "Награда"} <= {w[4] for w in p["words"]}]
    assert ranking, "no page of «Протокол» holds the ranking table's header"
    page = ranking[0]
    line = _line(page, win["entry_id"])
    expected = [str(win["place"]), win["entry_id"], win["title"].split()[0], f"{win['total']:.2f}"]
    expected.append(win["award"].split()[0])
    assert all(e in line for e in expected), f"the winner's row is split: {line}, expected {expected}"
    # every entry of the ranking is on the ranking pages, and the signatures follow the table on one page
    text = " ".join(_text(p) for p in pages)
    assert all(e in text for e in rf["entry_id"])
    signing = [k for k, p in enumerate(pages) if "Председатель жюри" in _text(p)]
    assert len(signing) == 1, "the chair's signature line is missing or repeated"
    sig = pages[signing[0]]
    members = len(people.jury) - 1
    assert _text(sig).count("Член жюри ____") == members, "the members' signature lines are not on one page"
    last_row = rf.iloc[-1]["entry_id"]
    table_end = max(k for k, p in enumerate(pages) if last_row in {w[4] for w in p["words"]})
    assert signing[0] >= table_end
    if signing[0] == table_end:  # on the same page: below the table
        y_last = next(w[1] for w in pages[table_end]["words"] if w[4] == last_row)
        y_sign = min(w[1] for w in sig["words"] if w[4] == "Председатель")
        assert y_sign > y_last


@pytest.mark.parametrize("name", ["pedagogical_duet", "best_practices"])
def test_pages_per_sheet_are_bounded(printed, name):
    out, runs = printed
    contest, people, run = runs[name]
    pages = pdf_pages(out / f"{name}.pdf")
    counts: dict[str, int] = {}
    for page in pages:
        counts[_sheet(page)] = counts.get(_sheet(page), 0) + 1
    assert set(MAX_PAGES) <= set(counts), counts
    rows = len(run.results.scores)
    for sheet, n in counts.items():
        bound = MAX_PAGES[sheet](rows) if sheet in MAX_PAGES else OTHER_SHEET_PAGES
        assert n <= bound, f"{name}: sheet «{sheet}» prints on {n} pages (at most {bound})"
    # the table header is repeated on every page of a long table
    for page in (p for p in pages if _sheet(p) == "Баллы по критериям"):
        assert {"Код", "Критерий", "Балл"} <= {w[4] for w in page["words"]}


def test_public_ranking_and_score_sheets_fit_one_page(printed):
    out, _ = printed
    for name in ("public", "sheet_S1", "sheet_S2"):
        pages = pdf_pages(out / f"{name}.pdf")
        assert len(pages) == 1, f"{name} prints on {len(pages)} pages"
        assert pages[0]["width"] > pages[0]["height"], f"{name} is not landscape"
    words = {w[4] for w in pdf_pages(out / "sheet_S2.pdf")[0]["words"]}
    assert {"Итого", "Примечание", "Ответственный"} <= words  # the right edge and the signatures printed


@pytest.mark.parametrize("name", ["pedagogical_duet", "best_practices"])
def test_input_hashes_are_printed(printed, name):
    out, runs = printed
    contest, people, run = runs[name]
    hashes = [run.source_sha256] + [h for _, h in run.audit]
    assert len(hashes) >= 3 and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)
    for pdf in (f"{name}.pdf", f"{name}_word.pdf"):
        text = " ".join(_text(p) for p in pdf_pages(out / pdf))
        missing = [h for h in hashes if h not in text]
        assert not missing, f"{pdf}: SHA-256 not printed: {missing}"
        assert contest.version in text


@pytest.mark.parametrize("name", ["pedagogical_duet", "best_practices"])
def test_word_protocol_fits_a4_portrait(printed, name):
    out, runs = printed
    contest, people, run = runs[name]
    pages = pdf_pages(out / f"{name}_word.pdf")
    assert 1 <= len(pages) <= 3
    for i, page in enumerate(pages, 1):
        assert (round(page["width"]), round(page["height"])) == (595, 842), f"page {i} is not A4 portrait"
        outside = [w for w in page["words"] if w[0] < 1.9 * CM or w[2] > page["width"] - 1.9 * CM]
        assert not outside, f"page {i}: words outside the 2 cm margins: {outside[:5]}"
    rf = ranking_frame(run.results, people)
    win = rf.iloc[0]
    line = _line(pages[0], win["entry_id"])
    total = f"{win['total']:.2f}".replace(".", ",")
    assert all(e in line for e in (str(win["place"]), win["entry_id"], total, win["award"])), line
    text = " ".join(_text(p) for p in pages)
    assert contest.name.split()[0] in text and MADE_AT.strftime("%d.%m.%Y") in text
    for j in people.jury.itertuples(index=False):
        assert j.full_name.split()[0] in text
    assert text.count("Член жюри") == len(people.jury) - 1
