"""The methodologist's what-if questions on the tandem page, in a real browser."""

from __future__ import annotations

import re

from tests.browser.conftest import PAGE_TIMEOUT, open_page
from tests.browser.test_app import READY, grid_rows

try:
    from playwright.sync_api import expect
except ImportError:  # skipped by conftest
    expect = None

PAGE = "01_tandems.ipynb"


def section(page, title: str):
    """The title of an accordion section (a click opens it)."""
    return page.get_by_text(title, exact=True)


def test_alternates_why_not_lock_and_the_two_objectives(page, app_url, app_timings, shot):
    open_page(page, app_url, PAGE, READY[PAGE], app_timings)
    expect(page.get_by_text("Сформировано", exact=False).first).to_be_visible(timeout=PAGE_TIMEOUT)

    # «Запасные наставники»: a click on a row of the grid shows that mentee's next-best mentors.
    section(page, "Запасные наставники").click()
    row = grid_rows(page).nth(2)
    mentee = row.locator("td").first.inner_text()
    row.click()
    answer = page.locator(".widget-html", has_text="лучшие варианты")
    expect(answer).to_contain_text(f"({mentee}):", timeout=PAGE_TIMEOUT)
    alternates = page.locator("table.tandem-table", has_text="Что будет, если закрепить")
    expect(alternates).to_contain_text("сумма баллов")
    mentor = alternates.locator("tbody tr").first.locator("td").nth(1).inner_text()  # «ФИО (код)»
    mentor_id = re.search(r"\(([^()]+)\)$", mentor).group(1)
    shot(page, "01_tandems_alternates")

    # «Почему не эта пара?»: the selected mentee and any mentor typed into the list → the answer.
    section(page, "Почему не эта пара?").click()
    expect(page.get_by_placeholder("начните вводить ФИО или код").first).to_have_value(
        re.compile(re.escape(f"({mentee})") + "$"), timeout=PAGE_TIMEOUT
    )
    page.get_by_placeholder("начните вводить ФИО или код").nth(1).fill(mentor)
    page.get_by_role("button", name="Ответить").click()
    expect(page.get_by_text("Правила пару допускают", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(page.locator("table.tandem-table", has_text="Наставник станет")).to_contain_text(mentor)
    lock = page.get_by_role("button", name="Закрепить эту пару")
    expect(lock).to_be_enabled()
    shot(page, "01_tandems_why_not")

    # «Закрепить эту пару»: the page's lock and a new run; the pair is locked in the result.
    lock.click()
    expect(page.get_by_text("Учтено ручных изменений: 1", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(page.locator("li", has_text="закреплена:")).to_contain_text(f"({mentee}) ←")
    expect(page.locator("li", has_text="закреплена:")).to_contain_text(f"({mentor_id})")
    expect(page.get_by_text("Эта пара уже в подборе", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT)
    search = page.get_by_placeholder("ФИО, код, школа или дефицит")
    search.fill(mentee)
    search.press("Enter")
    expect(grid_rows(page)).to_have_count(1, timeout=PAGE_TIMEOUT)
    expect(grid_rows(page).first).to_contain_text(mentor_id)
    expect(grid_rows(page).first).to_contain_text("да")  # «Закреплена вручную»

    # «Сравнить цели»: both objectives side by side.
    section(page, "Сравнить цели").click()
    both = page.locator("table.tandem-table", has_text="Балл самой слабой пары")
    expect(both).to_contain_text("Цель «наибольшая сумма баллов»", timeout=PAGE_TIMEOUT)
    expect(both).to_contain_text("Цель «лучшая самая слабая пара»")
    expect(page.get_by_text("У кого наставник зависит от цели", exact=False)).to_be_visible()
    shot(page, "01_tandems_objectives")
    expect(page.get_by_text("Traceback")).to_have_count(0)
