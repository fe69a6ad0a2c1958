"""«Итоги конкурса» in a real browser: spreads over ``max_spread`` are shown with the blank of the chair's
decisions; the filled decisions uploaded, the results are computed with them."""

from __future__ import annotations

from openpyxl import load_workbook

from tests.browser.conftest import PAGE_TIMEOUT, ROOT, open_page
from tests.browser.test_app import READY, upload

try:
    from playwright.sync_api import expect
except ImportError:  # skipped by conftest
    expect = None

DATA = ROOT / "data" / "contests"
SAMPLE = "Практики в номинациях: согласование оценок (пример)"
PAGE = "03_contest_results.ipynb"


def test_flags_blank_and_decisions_on_the_results_page(page, app_url, shot, tmp_path, app_timings):
    open_page(page, app_url, PAGE, READY[PAGE], app_timings)
    expect(page.get_by_text("Победитель:", exact=False).first).to_be_visible(timeout=PAGE_TIMEOUT)

    # the sample with max_spread: no results yet, the flags with every juror's score and the blank
    page.locator(".widget-dropdown").filter(has_text="Пример:").locator("select").select_option(label=SAMPLE)
    page.get_by_role("button", name="Загрузить").click()
    expect(page.get_by_text("согласование оценок (2026)", exact=False).first).to_be_visible(
        timeout=PAGE_TIMEOUT
    )
    page.get_by_role("button", name="Подсчитать итоги").click()
    expect(page.get_by_text("Оценки экспертов расходятся больше допустимого: 2", exact=False)).to_be_visible(
        timeout=PAGE_TIMEOUT
    )
    flags = page.locator("table").filter(has_text="Оценки экспертов")
    expect(flags.get_by_role("row").filter(has_text="П04")).to_contain_text("Ж05: 3; Ж04: 4; Ж01: 6; Ж03: 8")
    expect(flags.get_by_role("row").filter(has_text="П11")).to_contain_text("— (сумма задания)")
    expect(page.get_by_text("Победитель:", exact=False)).to_have_count(0)
    expect(page.get_by_text("Traceback")).to_have_count(0)
    shot(page, "03_contest_results_flags")
    with page.expect_download() as info:
        page.get_by_role("link", name="Бланк решений").click()
    blank = tmp_path / "бланк.xlsx"
    info.value.save_as(blank)
    ws = load_workbook(blank)["Согласование"]
    assert [ws.cell(r, 1).value for r in (2, 3)] == ["П04", "П11"]

    # the chair's decisions uploaded: results computed with them
    upload(page, "Решения председателя (согласование)", DATA / "practices_reconcile_decisions.csv")
    page.get_by_role("button", name="Подсчитать итоги").click()
    expect(page.get_by_text("Победитель:", exact=False).first).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(
        page.get_by_text(
            "Решения председателя: загружен файл «practices_reconcile_decisions.csv»", exact=False
        )
    ).to_be_visible()
    expect(page.get_by_text("решений председателя: 2; не согласовано: 0", exact=False)).to_be_visible()
    decisions = page.locator("table").filter(has_text="Основание")
    expect(decisions.get_by_role("row").filter(has_text="П04")).to_contain_text("ошибка переноса балла")
    expect(page.get_by_role("link", name="Бланк решений")).to_have_count(0)
    shot(page, "03_contest_results_decisions")
