"""The «Диагностика и отчёт» page, driven without a browser, and the helpers it shows."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ipywidgets")

from openpyxl import load_workbook  # noqa: E402

from matching import load_registry  # noqa: E402
from mentoring import load_register  # noqa: E402
from mentoring.diagnosis import read_answers  # noqa: E402
from mentoring.diagnosis_io import (  # noqa: E402
    heatmap_for,
    import_diagnosis,
    latest_pairs,
    map_tables,
    read_questionnaires,
    repeat_table,
)
from mentoring.report import INDICATOR_COLUMNS, indicators  # noqa: E402
from mentoring.report_io import FIGURES_FILE, NOTE_FILE, write_report  # noqa: E402
from mentoring.ui_diagnosis import (  # noqa: E402
    SAMPLE_QUESTIONNAIRES,
    SAMPLE_REGISTERS,
    SAMPLE_REGISTRIES,
    SAMPLE_REPEAT,
    DiagnosisApp,
)
from mentoring.views import Names  # noqa: E402
from mentoring.views_diagnosis import (  # noqa: E402
    LEVEL_VIEW_COLUMNS,
    figures_text,
    figures_view,
    image_html,
    levels_table,
    map_view,
    repeat_text,
    threshold_choices,
)
from tests.mentoring.test_ui import link_bytes, put  # noqa: E402

DEC1, DEC31 = dt.date(2026, 12, 1), dt.date(2026, 12, 31)
REGISTRY = next(iter(SAMPLE_REGISTRIES.values()))
REGISTER = next(iter(SAMPLE_REGISTERS.values()))


@pytest.fixture(scope="module")
def registry():
    return load_registry(REGISTRY)


@pytest.fixture(scope="module")
def imported(registry):
    """The sample questionnaires imported as ``python -m mentoring diagnosis import`` does."""
    return import_diagnosis(SAMPLE_QUESTIONNAIRES, registry)


@pytest.fixture(scope="module")
def app():
    """One page with the sample questionnaires imported (tests that change it make their own)."""
    page = DiagnosisApp(today=DEC1)
    page.widget()
    page.sample_button.click()
    return page


def rows(html_text: str) -> int:
    return html_text.count("<tr") - 1  # minus the header


def saved(tmp_path: Path, data: bytes, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- 1. diagnosis ------------------------------------------------------------------------------


def test_sample_questionnaires_give_the_levels_the_map_and_the_registry_download(app, imported, tmp_path):
    new, answers = imported
    assert app.error is None
    assert "Анкет (файлов): 14; ответов: 6500; педагогов: 250" in app.diagnosis_info.value
    assert "ниже порога 2: 127 у 54 педагогов; без дефицитов — 196" in app.diagnosis_info.value
    pd.testing.assert_frame_equal(app.answers, answers)
    pd.testing.assert_frame_equal(app.diagnosed.deficit_levels, new.deficit_levels)
    assert list(app.diagnosed.teachers["deficits"]) == list(new.teachers["deficits"])
    # The teachers with deficits, with levels: one row each.
    with_deficits = int((new.teachers["deficits"].map(len) > 0).sum())
    assert rows(app.levels_view.value) == with_deficits == 54
    # The heat map inline, the tables by school (14 + «Всего») and by cluster (3 + «Всего»).
    assert 'alt="Тепловая карта дефицитов"' in app.heatmap.value
    assert app.map["Карта дефицитов.png"] == heatmap_for(new)
    assert rows(app.schools_view.value) == 15 and "Зареченская СОШ № 1" in app.schools_view.value
    assert rows(app.clusters_view.value) == 4 and "ШНОР" in app.clusters_view.value
    assert rows(app.catalogue_view.value) == 26
    assert [app.map_tabs.get_title(k) for k in range(3)] == ["По школам", "По группам", "Дефициты"]
    # The registry with deficits, downloaded and read back: the same deficits and levels.
    book = saved(tmp_path, link_bytes(app.diagnosis_links.value, "Реестр педагогов с дефицитами"), "r.xlsx")
    back = load_registry(book)
    assert list(back.teachers["deficits"]) == list(new.teachers["deficits"])
    assert back.deficit_levels[["teacher_id", "code", "level", "severity"]].equals(
        new.deficit_levels[["teacher_id", "code", "level", "severity"]]
    )
    # The map workbook: the sheets of map_tables, the same counts.
    wb = load_workbook(saved(tmp_path, link_bytes(app.diagnosis_links.value, "Карта дефицитов"), "m.xlsx"))
    expected = map_tables(new)
    assert wb.sheetnames == list(expected)
    got = list(wb["По школам"].values)
    assert list(got[0]) == list(expected["По школам"].columns)
    assert [[v if v is not None else "" for v in r] for r in got[1:]] == expected["По школам"].values.tolist()
    assert link_bytes(app.diagnosis_links.value, "Тепловая карта (PNG)") == heatmap_for(new)


def test_threshold_three_counts_level_two_as_a_deficit(registry):
    page = DiagnosisApp(today=DEC1)
    page.threshold.value = 3
    page.sample_button.click()
    new, _ = import_diagnosis(SAMPLE_QUESTIONNAIRES, registry, threshold=3)
    assert list(page.diagnosed.teachers["deficits"]) == list(new.teachers["deficits"])
    n = int((new.deficit_levels["severity"] > 0).sum())
    assert n > 127 and f"ниже порога 3: {n} у" in page.diagnosis_info.value
    assert [v for _, v in page.threshold.options] == [1, 2, 3]


def _broken_questionnaire() -> bytes:
    """The sample school ОО-01 with a level off the scale and an unknown teacher."""
    wb = load_workbook(SAMPLE_QUESTIONNAIRES / "ОО-01.xlsx")
    ws = wb["Анкета"]
    ws["F2"], ws["G2"] = "5", None
    ws["B5"] = "П-999"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_bad_questionnaires_are_shown_as_the_error_table_and_nothing_is_imported(registry):
    page = DiagnosisApp(today=DEC1)
    not_a_questionnaire = "Фамилия,Балл\nИванова,3\n".encode()
    put(page.answers_upload, "ОО-01 исправленная.xlsx", _broken_questionnaire())
    page.answers_upload.value = page.answers_upload.value + (
        {**page.answers_upload.value[0], "name": "оценки.csv", "content": memoryview(not_a_questionnaire)},
    )
    page.import_button.click()
    assert page.diagnosed is None and page.map is None and page.error is not None
    shown = page.diagnosis_info.value
    for header in ("Файл", "Лист", "Строка", "Столбец", "Что не так"):
        assert f"<th>{header}</th>" in shown
    # First the files that are not questionnaires (as the command line reads a folder) …
    assert "<td>оценки.csv</td>" in shown and "нет листа анкеты" in shown
    # … then, the other file alone: the table names each file, sheet, row and column.
    put(page.answers_upload, "ОО-01 исправленная.xlsx", _broken_questionnaire())
    page.import_button.click()
    shown = page.diagnosis_info.value
    assert page.diagnosed is None and "<td>ОО-01 исправленная.xlsx</td>" in shown
    issues = {(i.file, i.sheet, i.row, i.column): i.message for i in page.error.issues}
    where = ("ОО-01 исправленная.xlsx", "Анкета")
    assert "уровень вне шкалы 0–3: «5»" in issues[(*where, 2, "Самооценка")]
    assert "педагог «П-999» не найден в реестре" in issues[(*where, 5, "Код педагога")]
    assert "<td>Анкета</td>" in shown and "Traceback" not in shown
    assert page.levels_view.value == "" and page.heatmap.value == ""


def test_nothing_uploaded_is_a_plain_refusal():
    page = DiagnosisApp(today=DEC1)
    page.import_button.click()
    assert "выберите заполненные анкеты" in page.diagnosis_info.value and page.diagnosed is None


def test_several_uploaded_files_and_an_online_form_export(registry, tmp_path):
    page = DiagnosisApp(today=DEC1)
    files = [SAMPLE_QUESTIONNAIRES / "ОО-02.xlsx", SAMPLE_QUESTIONNAIRES / "ОО-03.xlsx"]
    put(page.answers_upload, files[0].name, files[0].read_bytes())
    page.answers_upload.value = page.answers_upload.value + (
        {**page.answers_upload.value[0], "name": files[1].name, "content": memoryview(files[1].read_bytes())},
    )
    page.import_button.click()
    tables = [t for f in files for t in read_questionnaires(f)]
    answers = read_answers(tables, registry)
    assert page.error is None and len(page.answers) == len(answers) and page.answers["file"].nunique() == 2
    assert "Анкет (файлов): 2;" in page.diagnosis_info.value
    # One CSV export of an online form (only «Самооценка» filled).
    put(page.answers_upload, "выгрузка формы.csv", SAMPLE_REPEAT.read_bytes())
    page.import_button.click()
    assert page.error is None and set(page.answers["file"]) == {"выгрузка формы.csv"}
    assert set(page.answers["source"]) == {"самооценка"}


def test_blank_questionnaires_one_workbook_per_school(tmp_path, registry):
    page = DiagnosisApp(today=DEC1)
    page.blanks_button.click()
    assert "14 книг, по одной на школу" in page.blanks_link.value
    z = zipfile.ZipFile(io.BytesIO(link_bytes(page.blanks_link.value, "Скачать бланки анкет")))
    assert z.namelist() == [f"ОО-{k:02d}.xlsx" for k in range(1, 15)]
    path = saved(tmp_path, z.read("ОО-01.xlsx"), "ОО-01.xlsx")
    (table,) = read_questionnaires(path)
    n_teachers = int((registry.teachers["school_id"] == "ОО-01").sum())
    assert len(table.rows) == n_teachers * len(registry.deficits)
    assert all(r[5] == "" and r[6] == "" for r in table.rows)  # the levels are left to the school


def test_the_map_of_the_registry_as_it_is(registry):
    page = DiagnosisApp(today=DEC1)
    page.map_button.click()
    assert page.error is None and page.diagnosed is None
    assert page.map["Карта дефицитов.png"] == heatmap_for(registry)
    assert "дефициты из реестра" in page.diagnosis_info.value and "Реестр педагогов с" not in (
        page.diagnosis_links.value
    )


def test_another_registry_clears_the_diagnosis(tmp_path):
    page = DiagnosisApp(today=DEC1)
    page.sample_button.click()
    put(page.registry_upload, "мой реестр.xlsx", REGISTRY.read_bytes())
    assert page.diagnosed is None and page.map is None and page.heatmap.value == ""
    assert "загрузите анкеты заново" in page.diagnosis_info.value
    page.sample_button.click()
    assert "Реестр педагогов: «мой реестр.xlsx»" in page.diagnosis_info.value


# -- 2. report ---------------------------------------------------------------------------------


def test_report_on_31_december_2026_equals_the_package_figures(app, imported, tmp_path):
    app.day.value = DEC31
    app.report_button.click()
    assert app.error is None
    register = load_register(REGISTER, today=DEC1)
    expected = indicators(register.pairs, imported[0], DEC31)
    pd.testing.assert_frame_equal(app.table, expected)
    assert figures_text(expected, DEC31) in app.report_info.value
    assert "На 31.12.2026: наставляемых 54, с наставником 48 (88,9 %)" in app.report_info.value
    assert "(с дефицитами из анкет)" in app.report_info.value
    assert rows(app.figures_view.value) == len(expected) == 1 + 14 + 3
    assert app.charts.value.count("<img") == 2 and "Доля наставляемых с наставником" in app.charts.value
    assert app.repeat_view.value == ""
    # «Показатели.xlsx»: the same figures as the workbook the command line writes.
    written = write_report(register, imported[0], DEC31, tmp_path / "cli")
    ours = load_workbook(saved(tmp_path, link_bytes(app.report_links.value, "Показатели (Excel)"), "p.xlsx"))
    cli = load_workbook(written[0])
    assert ours.sheetnames == cli.sheetnames == ["Показатели", "Параметры"]
    for sheet in ours.sheetnames:
        assert list(ours[sheet].values) == list(cli[sheet].values)
    got = list(ours["Показатели"].values)
    assert list(got[0]) == list(INDICATOR_COLUMNS) and len(got) == len(expected) + 1
    # «Аналитическая справка.docx»: the same bytes as the command line's note.
    note = link_bytes(app.report_links.value, "Аналитическая справка (Word)")
    assert note == app.files[NOTE_FILE] == written[1].read_bytes()
    assert set(app.files) == {FIGURES_FILE, NOTE_FILE}


def test_report_with_the_sample_repeat_diagnosis(registry):
    page = DiagnosisApp(today=DEC1)
    page.day.value = dt.date(2027, 5, 31)
    page.repeat_sample.value = True
    page.report_button.click()
    assert page.error is None and "(как загружен)" in page.report_info.value
    register = load_register(REGISTER, today=DEC1)
    answers = read_answers(read_questionnaires(SAMPLE_REPEAT), registry)
    table = repeat_table(latest_pairs(register.pairs), registry, answers, 2)
    assert repeat_text(table) in page.repeat_view.value and rows(page.repeat_view.value) == len(table)
    doc = zipfile.ZipFile(io.BytesIO(page.files[NOTE_FILE])).read("word/document.xml").decode()
    assert "повторн" in doc.lower()


def test_report_refusals_are_shown_not_raised(tmp_path):
    page = DiagnosisApp(today=DEC1)
    page.day.value = None
    page.report_button.click()
    assert "укажите дату показателей" in page.report_info.value and page.files is None
    page.day.value = DEC31
    put(page.register_upload, "реестр пар.xlsx", b"not a workbook")
    page.report_button.click()
    assert page.files is None and "реестр пар.xlsx" in page.report_info.value
    assert "Traceback" not in page.report_info.value


def test_report_date_starts_at_the_end_of_the_half_year():
    assert DiagnosisApp(today=DEC1).day.value == DEC31
    assert DiagnosisApp(today=dt.date(2027, 2, 3)).day.value == dt.date(2027, 6, 30)


# -- the pure helpers --------------------------------------------------------------------------


def test_threshold_choices_say_which_levels_are_deficits():
    assert threshold_choices() == [
        ("1 — владею частично (дефицит: уровень 0)", 1),
        ("2 — владею (дефицит: уровни 0–1)", 2),
        ("3 — владею свободно (дефицит: уровни 0–2)", 3),
    ]


def test_levels_table_lists_each_deficit_with_its_level(imported):
    new, answers = imported
    table = levels_table(new, answers, Names(new))
    assert list(table.columns) == LEVEL_VIEW_COLUMNS and len(table) == 54
    tid = new.teachers[new.teachers["deficits"].map(len) > 0].iloc[0]["teacher_id"]
    row = table[table["Педагог"].str.contains(f"({tid})", regex=False)].iloc[0]
    lv = new.deficit_levels.set_index(["teacher_id", "code"])["level"]
    codes = new.teachers.set_index("teacher_id").at[tid, "deficits"]
    assert row["Дефициты (уровень)"] == ", ".join(f"{c} ({lv[(tid, c)]})" for c in codes)
    assert row["Дефицитов"] == len(codes)
    assert row["Оценка куратора, строк"] == int(
        ((answers["teacher_id"] == tid) & (answers["source"] == "куратор")).sum()
    )
    key = table["Педагог"].str.casefold().str.replace("ё", "е")
    assert list(key) == sorted(key)


def test_map_view_shortens_names_and_drops_a_repeated_name(imported):
    tables = map_tables(imported[0])
    schools, clusters = map_view(tables["По школам"]), map_view(tables["По группам"])
    assert "МБОУ" not in " ".join(schools["Наименование"]) and schools.iloc[0]["Наименование"]
    assert "Наименование" not in clusters and list(clusters.columns[:2]) == [
        "Группа результатов",
        "Педагогов",
    ]


def test_figures_view_writes_the_share_as_text():
    table = pd.DataFrame(
        [["ОО", "ОО-99", 'МБОУ "Новая ООШ"', *[0] * 2, np.nan, *[0] * 7]], columns=INDICATOR_COLUMNS
    )
    view = figures_view(table)
    assert view.iloc[0]["Доля с наставником, %"] == "—" and view.iloc[0]["Наименование"] == "Новая ООШ"
    table.loc[0, "Доля с наставником, %"] = 88.9
    assert figures_view(table).iloc[0]["Доля с наставником, %"] == "88,9"


def test_repeat_text_and_image_html():
    table = pd.DataFrame({"Было дефицитов": [3, 1], "Закрыто": [2, 0]})
    assert repeat_text(table) == "Повторная диагностика: наставляемых 2, закрыто дефицитов 2 из 4 (50,0 %)."
    assert repeat_text(table.iloc[:0]).endswith("закрыто дефицитов 0 из 0 (— %).")
    assert image_html(None, "x") == "" and image_html(b"", "x") == ""
    img = image_html(b"\x89PNG", "Карта <1>", 300)
    assert img.startswith('<img alt="Карта &lt;1&gt;"') and "width:300px" in img and "iVBORw==" in img
