"""The sample contest with nominations, printed: Excel and Word protocols, one section per nomination.

``data/contests/practices_by_nomination.yaml`` (``ranking.by_nomination: true``)
goes through :mod:`contest.workflow` as ``make demo`` runs it; LibreOffice
renders both protocols to PDF and poppler reads the pages back. Checked: every
page is A4 and every word inside it (fitted to the page width); in the
workbook's «Протокол» and in the Word protocol, a heading «Номинация «…»» per
nomination, in order, and under each heading exactly the nomination's entries,
each on one line with its place counted within the nomination (1, 2, 3, …) and
its award (Победитель, Призёр); the Word table's header row repeated on the
page it continues on; the page header naming the contest on every workbook page.

Skipped without LibreOffice or poppler (:mod:`tests.pdf_pages`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from contest.definition_io import load_contest
from contest.people import load_people
from contest.report import ranking_frame
from contest.workflow import protocol_document, protocol_workbook, run_results
from tandem.xlsx import atomic_save
from tests.pdf_pages import is_a4, pdf_pages, soffice_pdf

DATA = Path(__file__).resolve().parents[2] / "data" / "contests"
STEM = "practices_by_nomination"
MADE_AT = dt.datetime(2026, 5, 20, 10, 0, 0)
CM = 72 / 2.54


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    out = tmp_path_factory.mktemp("nominations")
    contest = load_contest(DATA / f"{STEM}.yaml")
    people = load_people(DATA / f"{STEM}_people.xlsx")
    run = run_results(contest, people, DATA / f"{STEM}_scores.csv", people_path=DATA / f"{STEM}_people.xlsx")
    atomic_save(protocol_workbook(run, people, MADE_AT), out / "excel.xlsx")
    (out / "word.docx").write_bytes(protocol_document(run, people, MADE_AT))
    soffice_pdf([out / "excel.xlsx", out / "word.docx"], out)
    rf = ranking_frame(run.results, people).assign(nomination=run.results.ranking["nomination"].to_numpy())
    return {"excel": pdf_pages(out / "excel.pdf"), "word": pdf_pages(out / "word.pdf")}, rf, contest


def _footer(page) -> str:
    low = sorted((w for w in page["words"] if w[1] > page["height"] - 1.5 * CM), key=lambda w: w[0])
    return " ".join(w[4] for w in low)


def _lines(pages) -> list[tuple[int, float, list[str]]]:
    """Every text line of the pages in reading order: (page, baseline, words left to right)."""
    out = []
    for k, page in enumerate(pages):
        rows: dict[int, list] = {}
        for w in sorted(page["words"], key=lambda w: (round(w[3]), w[0])):
            key = next((y for y in rows if abs(y - w[3]) < 3), round(w[3]))
            rows.setdefault(key, []).append(w)
        for y in sorted(rows):
            out.append((k, y, [w[4] for w in sorted(rows[y], key=lambda w: w[0])]))
    return out


def test_every_page_is_a4_and_fitted_to_the_width(printed):
    pages, _, contest = printed
    for name, pp in pages.items():
        assert pp, name
        for i, page in enumerate(pp, 1):
            assert is_a4(page), f"{name}, page {i} is not A4"
            outside = [w for w in page["words"] if w[0] < 0.5 * CM or w[2] > page["width"] - 0.5 * CM]
            assert not outside, f"{name}, page {i}: words outside the page: {outside[:5]}"
            assert f"Страница {i} из {len(pp)}" in _footer(page)
    for i, page in enumerate(pages["excel"], 1):  # the page header names the contest on every page
        top = " ".join(w[4] for w in page["words"] if w[1] < 1.5 * CM)
        assert contest.name.split()[0] in top, f"excel, page {i}: no page header: «{top}»"


@pytest.mark.parametrize("which", ["excel", "word"])
def test_one_section_per_nomination_with_places_and_awards_within_it(printed, which):
    pages, rf, _ = printed
    pp = pages[which] if which == "word" else [p for p in pages["excel"] if _footer(p).startswith("Протокол")]
    lines = _lines(pp)
    nominations = list(dict.fromkeys(rf["nomination"]))
    assert len(nominations) == 2
    heads = [i for i, (_, _, ws) in enumerate(lines) if ws[0] == "Номинация"]
    assert [" ".join(lines[i][2]) for i in heads] == [f"Номинация «{n}»" for n in nominations]
    bounds = heads + [len(lines)]
    for k, nom in enumerate(nominations):
        section = lines[bounds[k] : bounds[k + 1]]
        part = rf[rf["nomination"] == nom]
        assert part["place"].tolist()[:3] == [1, 2, 3]
        other = set(rf["entry_id"]) - set(part["entry_id"])
        assert not any(e in ws for _, _, ws in section for e in other), (
            f"{nom}: an entry of another nomination"
        )
        for row in part.itertuples(index=False):
            hit = [ws for _, _, ws in section if row.entry_id in ws]
            assert len(hit) == 1, f"{which}, {nom}: {row.entry_id} found {len(hit)} times"
            words = hit[0]
            assert words[words.index(row.entry_id) - 1] == str(row.place), (
                words
            )  # the place is within the nomination
            points = f"{row.total:.2f}" if which == "excel" else f"{row.total:.2f}".replace(".", ",")
            assert points in words, words
            if row.award:
                assert row.award in words, words
        awards = [a for a in part["award"] if a]
        assert awards[:3] == ["Победитель", "Призёр", "Призёр"]


def test_the_word_table_header_is_repeated_where_it_continues(printed):
    pages, rf, _ = printed
    pp = pages["word"]
    with_rows = [k for k, p in enumerate(pp) if set(rf["entry_id"]) & {w[4] for w in p["words"]}]
    assert len(with_rows) >= 2, "the sample's ranking should run onto a second page"
    for k in with_rows:
        lines = _lines([pp[k]])
        first_row = next(i for i, (_, _, ws) in enumerate(lines) if set(rf["entry_id"]) & set(ws))
        assert any("Место" in ws and "Награда" in ws for _, _, ws in lines[:first_row]), f"page {k + 1}"
