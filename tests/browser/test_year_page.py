"""«Сопровождение тандемов» in a real browser: the sample register, a status change, a re-match
with the January registry and its approval, downloads."""

from __future__ import annotations

import datetime as dt
import shutil

from openpyxl import load_workbook

from mentoring import load_register, read_result
from tests.browser.conftest import PAGE_TIMEOUT, ROOT, render

try:
    from playwright.sync_api import expect
except ImportError:  # skipped by conftest
    expect = None

#: The screenshot shown in the README.
README_SHOT = ROOT / "docs" / "img" / "app_year.png"


def date_input(page, label: str):
    """The date field of the DatePicker whose label is exactly ``label``."""
    return page.locator(".widget-datepicker").filter(has=page.get_by_text(label, exact=True)).locator("input")


def test_year_page_status_change_rematch_and_downloads(page, app_url, shot, tmp_path):
    page.goto(render(app_url, "04_tandems_year.ipynb"))
    expect(page.get_by_text("Открыт образец реестра пар", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(page.get_by_text("YearApp")).to_have_count(0)  # code cells are hidden

    # The pairs in force on 1 December 2026.
    date_input(page, "Дата:").fill("2026-12-01")
    date_input(page, "Дата:").press("Enter")
    expect(page.get_by_text("На 01.12.2026 действуют пар: 48", exact=False)).to_be_visible(
        timeout=PAGE_TIMEOUT
    )
    table = page.locator(".year-table").filter(has_text="Наставляемый").first
    expect(table.locator("tbody tr")).to_have_count(48)

    # End the first pair early, first without a reason (refused), then with it.
    pair = page.locator(".widget-dropdown").filter(has_text="Пара:").locator("select")
    chosen = pair.locator("option").first.inner_text()
    page.locator(".widget-dropdown").filter(has_text="Новый статус:").locator("select").select_option(
        "прекращена досрочно"
    )
    page.get_by_role("button", name="Изменить статус").click()
    expect(page.get_by_text("для досрочного прекращения укажите причину")).to_be_visible(timeout=PAGE_TIMEOUT)
    page.get_by_placeholder("обязательна для досрочного прекращения").fill("переезд наставника")
    page.get_by_placeholder("обязательна для досрочного прекращения").press("Enter")
    page.get_by_role("button", name="Изменить статус").click()
    expect(page.get_by_text("прекращена досрочно (с 01.12.2026)", exact=False)).to_be_visible(
        timeout=PAGE_TIMEOUT
    )
    expect(page.get_by_text("На 01.12.2026 действуют пар: 47", exact=False)).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(47)

    # Re-match on 15 January 2027 with the January registry, and approve the changes.
    page.locator(".widget-dropdown").filter(has_text="Реестр педагогов:").locator("select").select_option(
        label="Образец района — январь 2027 (новые педагоги, выбывшие наставники)"
    )
    expect(page.get_by_text("Реестр педагогов: «sample_district_2027-01.xlsx»")).to_be_visible(
        timeout=PAGE_TIMEOUT
    )
    date_input(page, "Дата подбора:").fill("2027-01-15")
    date_input(page, "Дата подбора:").press("Enter")
    page.get_by_role("button", name="Подобрать заново").click()
    expect(page.get_by_text("Подбор на 15.01.2027", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(page.get_by_text("наставник выбыл из реестра").first).to_be_visible()
    with page.expect_download() as info:
        page.get_by_text("Скачать результат повторного подбора", exact=False).click()
    book = tmp_path / info.value.suggested_filename
    info.value.save_as(book)
    assert book.name == "повторный_подбор_2027-01-15.xlsx"
    pairs, changes = read_result(book)
    assert changes is not None and "другой наставник" in set(changes["change"])
    page.get_by_placeholder("Приказ № 3 от 15.01.2027").fill("Приказ № 3 от 15.01.2027")
    page.get_by_placeholder("Приказ № 3 от 15.01.2027").press("Enter")
    page.get_by_role("button", name="Утвердить изменения").click()
    expect(page.get_by_text("Изменения утверждены", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(page.get_by_text(f"На 15.01.2027 действуют пар: {len(pairs)}", exact=False)).to_be_visible()

    # The register with the change, downloaded.
    with page.expect_download() as info:
        page.get_by_text("Скачать реестр пар", exact=False).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "sample_register.xlsx"
    register = load_register(path)
    ended = register.pairs[register.pairs["reason"] == "переезд наставника"]
    assert len(ended) == 1 and ended.iloc[0]["status"] == "прекращена досрочно"
    assert ended.iloc[0]["mentee_id"] in chosen
    assert "Приказ № 3 от 15.01.2027" in set(register.pairs["order"])
    assert len(register.in_force(dt.date(2027, 1, 15))) == len(pairs)
    assert "наставник сменён" in set(register.log["event"])

    # The documents on that date: the annex and one school's zip.
    page.get_by_role("button", name="Подготовить документы на выбранную дату").click()
    expect(
        page.get_by_text(f"Документы на 15.01.2027: действующих пар {len(pairs)}", exact=False)
    ).to_be_visible(timeout=PAGE_TIMEOUT)
    with page.expect_download() as info:
        page.get_by_text("Сетевые договоры (Excel)").click()
    net = tmp_path / "net.xlsx"
    info.value.save_as(net)
    assert load_workbook(net, read_only=True).sheetnames
    expect(page.get_by_text("Приложение к приказу (Word)")).to_be_visible()
    expect(page.get_by_text("Traceback")).to_have_count(0)

    README_SHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot(page, "04_tandems_year"), README_SHOT)
