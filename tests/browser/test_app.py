"""Click through the app as a methodologist and an organizer would."""

from __future__ import annotations

import io
import re
import shutil
import zipfile

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import NOTEBOOKS, PAGE_TIMEOUT, ROOT, open_page

try:
    from playwright.sync_api import expect
except ImportError:  # skipped by conftest
    expect = None

SAMPLE_REGISTRY = ROOT / "data" / "sample_district.xlsx"
DUET = ROOT / "data" / "contests"


#: The first usable control of each page: the page is interactive when it is enabled.
READY = {
    "00_start.ipynb": lambda page: page.get_by_role("link", name="Формирование наставнических пар"),
    "01_tandems.ipynb": lambda page: page.get_by_role("button", name="Сформировать пары"),
    "02_contest.ipynb": lambda page: page.get_by_role("button", name="Распределить жюри"),
    "03_contest_results.ipynb": lambda page: page.get_by_role("button", name="Подсчитать итоги"),
    "04_tandems_year.ipynb": lambda page: page.get_by_role("button", name="Изменить статус"),
    "05_diagnosis_report.ipynb": lambda page: page.get_by_role(
        "button", name="Взять образец анкет (14 школ)"
    ),
}


def _first_control(page):
    """A page not listed in :data:`READY`: its first enabled widget button, else its first link."""
    return page.locator("button.jupyter-button:enabled, .jp-RenderedMarkdown a").first


def grid_rows(page):
    """Data rows of the tandems grid on its current page."""
    return page.locator("table.tandem-grid tbody tr")


def upload(page, button: str, *paths) -> None:
    """Choose files with the upload button called ``button`` (as a person does)."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=button).click()
    chooser.value.set_files([str(p) for p in paths])


@pytest.mark.parametrize("notebook", [p.name for p in sorted(NOTEBOOKS.glob("*.ipynb"))])
def test_every_page_becomes_usable_and_is_timed(page, app_url, app_timings, notebook):
    """Every page opens with its controls usable, asks nothing of the internet (the icons'
    font comes from the app itself); the time goes to out/app_timings.txt."""
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    open_page(page, app_url, notebook, READY.get(notebook, _first_control), app_timings)
    expect(page.get_by_text("Traceback")).to_have_count(0)
    expect(page.get_by_text("There was an error when executing cell", exact=False)).to_have_count(0)
    if page.locator("i.fa").count():  # buttons with icons: their font is loaded, from the app
        faces = page.evaluate(
            """async () => (await document.fonts.load('900 16px "Font Awesome 5 Free"')).length"""
        )
        assert faces > 0, "шрифт значков кнопок не загрузился"
    outside = [url for url in asked if not url.startswith((app_url + "/", "data:", "blob:"))]
    assert not outside, f"страница обращается за пределы приложения: {outside[:5]}"


def test_start_page_links_three_workflows(page, app_url, shot, app_timings):
    open_page(page, app_url, "00_start.ipynb", READY["00_start.ipynb"], app_timings)
    for title in ("Формирование наставнических пар", "Подготовка конкурса", "Итоги конкурса"):
        expect(page.get_by_role("link", name=title)).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(page.locator(".jp-InputArea-editor")).to_have_count(0)  # no code is shown
    shot(page, "00_start")
    page.get_by_role("link", name="Формирование наставнических пар").click()
    page.wait_for_url("**/01_tandems.ipynb")


def test_matching_upload_run_lock_rerun_download(page, app_url, shot, tmp_path, app_timings):
    open_page(page, app_url, "01_tandems.ipynb", READY["01_tandems.ipynb"], app_timings)
    expect(page.get_by_text("Сформировано", exact=False).first).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(page.get_by_text("TandemApp")).to_have_count(0)  # code cells are hidden
    shot(page, "01_tandems")

    # Upload the sample registry under another name and form the pairs from it.
    mine = tmp_path / "реестр_района.xlsx"
    shutil.copy(SAMPLE_REGISTRY, mine)
    upload(page, "Загрузить .xlsx", mine)
    page.get_by_role("button", name="Сформировать пары").click()
    expect(page.get_by_text("Реестр «реестр_района.xlsx»")).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(page.get_by_text("Сформировано 32 тандема", exact=False)).to_be_visible()
    expect(page.get_by_text("По сравнению с прошлым запуском", exact=False)).to_be_visible()

    # Select the third pair of the table with a click, lock it and re-run.
    row = grid_rows(page).nth(2)
    mentee = row.locator("td").first.inner_text()
    row.click()
    expect(page.locator(".widget-html", has_text="Выбрана пара:")).to_contain_text(f"({mentee}) ←")
    page.get_by_role("button", name="Закрепить").click()
    expect(page.locator("li", has_text="закреплена:")).to_contain_text(f"({mentee}) ←")
    page.get_by_role("button", name="Сформировать пары").click()
    expect(page.get_by_text("Учтено ручных изменений: 1", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT)
    page.get_by_placeholder("ФИО, код, школа или дефицит").fill(mentee)
    page.get_by_placeholder("ФИО, код, школа или дефицит").press("Enter")
    expect(grid_rows(page)).to_have_count(1)
    expect(grid_rows(page).first).to_contain_text("да")  # «Закреплена вручную»
    shot(page, "01_tandems_after_lock")

    page.get_by_role("tab", name="Карта школ").click()
    expect(page.locator("svg line").first).to_be_attached()
    page.get_by_text("Карта школ").first.scroll_into_view_if_needed()
    shot(page, "01_tandems_map")

    with page.expect_download() as info:
        page.get_by_text("Скачать результат (Excel)").click()
    path = tmp_path / "тандемы.xlsx"
    info.value.save_as(path)
    wb = load_workbook(path, read_only=True)
    assert {"Тандемы", "Нераспределённые", "Нагрузка", "Покрытие дефицитов", "Параметры"} <= set(
        wb.sheetnames
    )
    params = {r[0]: r[1] for r in wb["Параметры"].iter_rows(min_row=2, values_only=True)}
    assert params["Входной файл"] == "реестр_района.xlsx"
    assert "Закреплено вручную" in params


def test_tandems_grid_shows_15_rows_sorts_filters_and_locks_a_selected_row(page, app_url, app_timings, shot):
    open_page(page, app_url, "01_tandems.ipynb", READY["01_tandems.ipynb"], app_timings)
    rows = grid_rows(page)
    expect(rows.nth(14)).to_be_visible(timeout=PAGE_TIMEOUT)
    assert rows.count() >= 15
    first, fifteenth = rows.first.bounding_box(), rows.nth(14).bounding_box()
    assert fifteenth["y"] + fifteenth["height"] - first["y"] < 15 * 32  # one line per pair
    page.get_by_text("Пары 1–20 из 51").scroll_into_view_if_needed()
    page.get_by_role("tab", name="Тандемы").scroll_into_view_if_needed()
    shot(page, "01_tandems_grid")

    # Sort by the score with a click on its header: the weakest pairs first.
    header = page.locator("th", has_text="Итоговый балл пары").first
    header.click()
    expect(header).to_have_class(re.compile("dt-ordering-asc"))
    scores = [float(t) for t in page.locator("table.tandem-grid tbody tr td:nth-child(7)").all_inner_texts()]
    assert len(scores) >= 15 and scores == sorted(scores)

    # Filter: the page's search box keeps the rows with every word («ё» = «е»).
    search = page.get_by_placeholder("ФИО, код, школа или дефицит")
    search.fill("ОО-11")
    search.press("Enter")
    expect(page.get_by_text("Найдено пар:", exact=False)).to_be_visible()
    # the grid redraws after the search: wait until no row without «ОО-11» is left (a busy machine is slow)
    expect(rows.filter(has_not_text="ОО-11")).to_have_count(0, timeout=PAGE_TIMEOUT)
    n = rows.count()
    assert 0 < n < 20 and all("ОО-11" in t for t in rows.all_inner_texts())

    # Select a row, lock it: the lock names the selected pair; forbid another one.
    mentee, mentor = (
        rows.first.locator("td").nth(0).inner_text(),
        rows.first.locator("td").nth(3).inner_text(),
    )
    rows.first.click()
    expect(rows.first).to_have_class(re.compile("selected"))
    page.get_by_role("button", name="Закрепить").click()
    expect(page.locator("li", has_text="закреплена:")).to_contain_text(f"({mentee}) ←")
    expect(page.locator("li", has_text="закреплена:")).to_contain_text(f"({mentor})")
    rows.nth(1).click()
    page.get_by_role("button", name="Запретить").click()
    expect(page.get_by_text("запрещена:", exact=False)).to_be_visible()
    expect(page.get_by_text("закреплена:", exact=False)).to_be_visible()


def test_contest_setup_assigns_jury_and_gives_sheets(page, app_url, shot, tmp_path, app_timings):
    open_page(page, app_url, "02_contest.ipynb", READY["02_contest.ipynb"], app_timings)
    expect(page.get_by_text("Нагрузка распределена", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(page.get_by_text("Заочный этап", exact=False).first).to_be_visible()
    expect(page.get_by_text("работа из организации эксперта").first).to_be_visible()
    shot(page, "02_contest_setup")
    with page.expect_download() as info:
        page.get_by_text("Скачать оценочные листы", exact=False).click()
    path = tmp_path / "листы.zip"
    info.value.save_as(path)
    names = zipfile.ZipFile(path).namelist()
    assert names and all(n.endswith("_S1.xlsx") for n in names)
    wb = load_workbook(io.BytesIO(zipfile.ZipFile(path).read(names[0])), read_only=True)
    assert "Оценочный лист" in wb.sheetnames


def test_contest_results_from_uploaded_people_and_scores(page, app_url, shot, tmp_path, app_timings):
    open_page(page, app_url, "03_contest_results.ipynb", READY["03_contest_results.ipynb"], app_timings)
    expect(page.get_by_text("Победитель:", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT)

    upload(page, "Участники и жюри", DUET / "pedagogical_duet_people.xlsx")
    page.get_by_role("button", name="Загрузить").click()
    expect(page.get_by_text("Источник: загруженные файлы.")).to_be_visible(timeout=PAGE_TIMEOUT)
    upload(page, "Баллы или заполненные листы", DUET / "pedagogical_duet_scores.csv")
    page.get_by_role("button", name="Подсчитать итоги").click()
    expect(page.get_by_text("загружено файлов: 1", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(page.get_by_text("Победитель: Д04", exact=False)).to_be_visible()
    expect(page.get_by_text("согласованность экспертов", exact=False).first).to_be_visible()
    shot(page, "03_contest_results")

    with page.expect_download() as info:
        page.get_by_text("Скачать протокол (xlsx)").click()
    path = tmp_path / "протокол.xlsx"
    info.value.save_as(path)
    wb = load_workbook(path, read_only=True)
    assert len(wb.sheetnames) >= 2
    text = " ".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    )
    assert "Победитель" in text and "Д04" in text

    # The jury's penalty (Д09: −1 point in S2), uploaded as an adjustments file, changes the ranking.
    d09 = page.get_by_role("row").filter(has_text="Д09").first
    expect(d09).to_contain_text("46.01")
    upload(page, "Корректировки (бонусы и штрафы)", DUET / "pedagogical_duet_adjustments.csv")
    page.get_by_role("button", name="Подсчитать итоги").click()
    expect(page.get_by_text("загружен файл «pedagogical_duet_adjustments.csv»", exact=False)).to_be_visible(
        timeout=PAGE_TIMEOUT
    )
    expect(page.get_by_role("row").filter(has_text="Д09").first).to_contain_text("45.01")


@pytest.mark.parametrize("bad", [b"not a workbook"])
def test_bad_registry_shows_problems_not_a_traceback(page, app_url, tmp_path, bad, shot, app_timings):
    open_page(page, app_url, "01_tandems.ipynb", READY["01_tandems.ipynb"], app_timings)
    expect(page.get_by_text("Сформировано", exact=False).first).to_be_visible(timeout=PAGE_TIMEOUT)
    broken = tmp_path / "сломанный.xlsx"
    broken.write_bytes(bad)
    upload(page, "Загрузить .xlsx", broken)
    page.get_by_role("button", name="Сформировать пары").click()
    expect(page.get_by_text("В данных есть ошибки", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(page.get_by_text("Traceback")).to_have_count(0)
    shot(page, "01_tandems_bad_file")
