"""«Диагностика и отчёт» in a real browser: the sample questionnaires, the heat map, the report on a date,
the downloads."""

from __future__ import annotations

import io
import shutil
import zipfile

from openpyxl import load_workbook

from matching import load_registry
from tests.browser.conftest import PAGE_TIMEOUT, ROOT, open_page

try:
    from playwright.sync_api import expect
except ImportError:  # skipped by conftest
    expect = None

NOTEBOOK = "05_diagnosis_report.ipynb"
#: The screenshot shown in the README.
README_SHOT = ROOT / "docs" / "img" / "app_diagnosis.png"


def _download(page, text: str, tmp_path):
    with page.expect_download() as info:
        page.get_by_text(text, exact=False).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_diagnosis_page_sample_questionnaires_heat_map_report_and_downloads(
    page, app_url, shot, tmp_path, app_timings
):
    open_page(
        page,
        app_url,
        NOTEBOOK,
        lambda p: p.get_by_role("button", name="Взять образец анкет (14 школ)"),
        app_timings,
    )
    expect(page.get_by_text("DiagnosisApp")).to_have_count(0)  # code cells are hidden

    # The sample questionnaires → the deficits with levels and the heat map.
    page.get_by_role("button", name="Взять образец анкет (14 школ)").click()
    expect(page.get_by_text("Анкет (файлов): 14; ответов: 6500", exact=False)).to_be_visible(
        timeout=PAGE_TIMEOUT
    )
    heat = page.get_by_alt_text("Тепловая карта дефицитов").first
    expect(heat).to_be_visible()
    assert heat.evaluate("img => img.naturalWidth") > 300
    levels = page.locator(".year-table").filter(has_text="Дефициты (уровень)")
    expect(levels.locator("tbody tr")).to_have_count(54)
    page.get_by_role("tab", name="По группам").click()
    expect(
        page.locator(".year-table").filter(has_text="Группа результатов").locator("tbody tr")
    ).to_have_count(4)
    page.get_by_role("tab", name="По школам").click()

    registry = _download(page, "Реестр педагогов с дефицитами (Excel)", tmp_path)
    assert registry.name == "sample_district_с_дефицитами.xlsx"
    back = load_registry(registry)
    assert back.deficit_levels is not None and int((back.teachers["deficits"].map(len) > 0).sum()) == 54
    map_book = _download(page, "Карта дефицитов (Excel)", tmp_path)
    assert load_workbook(map_book, read_only=True).sheetnames[:2] == ["По школам", "По группам"]

    # The report on 31 December 2026 with the sample repeat diagnosis.
    date = (
        page.locator(".widget-datepicker").filter(has=page.get_by_text("Дата показателей:")).locator("input")
    )
    date.fill("2026-12-31")
    date.press("Enter")
    page.get_by_text("Образец повторной диагностики (май 2027)").click()
    page.get_by_role("button", name="Подсчитать показатели").click()
    expect(page.get_by_text("На 31.12.2026: наставляемых 54, с наставником 48", exact=False)).to_be_visible(
        timeout=PAGE_TIMEOUT
    )
    figures = page.locator(".year-table").filter(has_text="Прекращено досрочно за полугодие")
    expect(figures.locator("tbody tr")).to_have_count(18)
    expect(page.get_by_alt_text("Доля наставляемых с наставником по школам")).to_be_visible()
    expect(page.get_by_text("Повторная диагностика: наставляемых", exact=False)).to_be_visible()

    book = _download(page, "Показатели (Excel)", tmp_path)
    assert book.name == "Показатели.xlsx"
    rows = list(load_workbook(book, read_only=True)["Показатели"].values)
    assert rows[1][:5] == ("муниципалитет", "Всего", "Заречный муниципальный район", 54, 48)
    note = _download(page, "Аналитическая справка (Word)", tmp_path)
    assert note.name == "Аналитическая справка.docx"
    assert "31.12.2026" in zipfile.ZipFile(io.BytesIO(note.read_bytes())).read("word/document.xml").decode()
    expect(page.get_by_text("Traceback")).to_have_count(0)

    README_SHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot(page, "05_diagnosis_report"), README_SHOT)
