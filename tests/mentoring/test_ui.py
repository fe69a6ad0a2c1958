"""The «Сопровождение тандемов» page, driven without a browser, and the helpers it shows."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("ipywidgets")

from openpyxl import load_workbook  # noqa: E402

from matching import load_registry, match  # noqa: E402
from matching.export import result_bytes  # noqa: E402
from mentoring import Register, approve, load_register, read_result  # noqa: E402
from mentoring.rematch import rematch  # noqa: E402
from mentoring.ui import SAMPLE_REGISTER, SAMPLE_REGISTRIES, YearApp  # noqa: E402
from mentoring.views import (  # noqa: E402
    Names,
    changes_table,
    changes_text,
    default_day,
    log_table,
    pair_choices,
    pairs_table,
    problems_html,
    rematch_rule,
    short_school,
    status_counts,
    table_html,
    unmatched_table,
)
from tandem.errors import InputError, Issue  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "data"
BAD = Path(__file__).resolve().parents[1] / "data" / "bad" / "register"
DEC, JAN15 = dt.date(2026, 12, 1), dt.date(2027, 1, 15)
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
SEPTEMBER, JANUARY = list(SAMPLE_REGISTRIES)


def put(widget, name: str, data: bytes) -> None:
    """Upload ``data`` as the file ``name`` (as the browser does)."""
    widget.value = (
        {"name": name, "type": "", "size": len(data), "content": memoryview(data), "last_modified": NOW},
    )


def link_bytes(html_text: str, label: str) -> bytes:
    """The bytes behind the download link whose text contains ``label``."""
    for m in re.finditer(r'href="data:[^;]+;base64,([^"]+)"[^>]*>⬇ ([^<]*)</a>', html_text):
        if label in m.group(2):
            return base64.b64decode(m.group(1))
    raise AssertionError(f"no link «{label}» in {html_text[:300]}")


@pytest.fixture(scope="module")
def registry():
    return load_registry(SAMPLE_REGISTRIES[SEPTEMBER])


@pytest.fixture(scope="module")
def sample():
    return load_register(SAMPLE_REGISTER)


# -- the page ----------------------------------------------------------------------------------


def test_opens_the_sample_on_the_date_with_names_counts_and_log():
    app = YearApp(today=DEC)
    assert app.error is None and app.register is not None
    assert "На 01.12.2026 действуют пар: 48" in app.summary.value
    assert "sample_register.xlsx" in app.load_info.value and "sample_district.xlsx" in app.load_info.value
    assert app.pairs_view.value.count("<tr") == 48 + 1  # header + pairs in force
    assert "Зареченская СОШ № 1" in app.pairs_view.value and "МБОУ" not in app.pairs_view.value
    assert "Приказ № 45 от 01.09.2026" in app.pairs_view.value
    assert (
        "продлена" in app.counts_view.value
        and "<td>всего</td><td>51</td><td>48</td>" in app.counts_view.value
    )
    # The log, latest first: the extension of 10.01.2027 heads it.
    first_row = app.log_view.value.split("<tbody>")[1].split("</tr>")[0]
    assert "10.01.2027" in first_row and "статус изменён" in first_row
    assert len(app.pair_choice.options) == 48 and app.pair_choice.value == app.pair_choice.options[0][1]
    assert app.tabs.get_title(0) == "Пары" and app.tabs.get_title(1) == "Журнал"


def test_date_and_every_pair_change_the_table():
    app = YearApp(today=DEC)
    app.day.value = dt.date(2027, 6, 15)  # only the extended pair runs past 31 May
    assert "действуют пар: 1." in app.summary.value
    assert app.pairs_view.value.count("<tr") == 2 and len(app.pair_choice.options) == 48
    assert app.change_day.value == dt.date(2027, 6, 15)
    app.every_pair.value = True
    assert app.pairs_view.value.count("<tr") == 51 + 1
    assert "переезд наставляемого в другой район" in app.pairs_view.value
    app.every_pair.value = False
    app.day.value = dt.date(2026, 8, 1)
    assert "действующих пар нет" in app.pairs_view.value and not app.pair_choice.options


def test_a_register_of_another_year_opens_on_its_latest_start():
    app = YearApp(today=dt.date(2031, 3, 1))
    assert app.day.value == dt.date(2026, 9, 1)
    assert "На 01.09.2026 действуют пар: 48" in app.summary.value  # ended pairs are not in force


def test_status_change_refusals_then_end_and_extension_reach_the_register_download():
    app = YearApp(today=DEC)
    mentee, mentor = app.pair_choice.options[0][1]
    app.status_choice.value = "прекращена досрочно"
    app.change_button.click()
    assert "для досрочного прекращения укажите причину" in app.change_info.value
    assert "Traceback" not in app.change_info.value and "действуют пар: 48" in app.summary.value

    app.reason.value = "переезд наставника"
    app.basis.value = "заявление наставника"
    app.change_button.click()
    assert app.error is None and "прекращена досрочно (с 01.12.2026)" in app.change_info.value
    assert "действуют пар: 47" in app.summary.value
    assert (mentee, mentor) not in [k for _, k in app.pair_choice.options]
    assert "заявление наставника" in app.log_view.value.split("</tr>")[1]  # the newest log row

    app.pair_choice.value = app.pair_choice.options[0][1]
    app.status_choice.value = "продлена"
    app.change_button.click()
    assert "для продления укажите дату окончания позже нынешней (31.05.2027)" in app.change_info.value
    app.new_end.value = dt.date(2027, 12, 31)
    app.change_button.click()
    assert "не больше 12 месяцев" in app.change_info.value and "31.08.2027" in app.change_info.value
    app.new_end.value = dt.date(2027, 6, 30)
    app.change_button.click()
    extended = app.pair_choice.value
    assert "продлена" in app.change_info.value

    data = link_bytes(app.register_link.value, "Скачать реестр пар")
    path = Path(__import__("tempfile").mkdtemp()) / "реестр.xlsx"
    path.write_bytes(data)
    back = load_register(path, today=DEC)
    ended = back.pairs[(back.pairs["mentee_id"] == mentee) & (back.pairs["mentor_id"] == mentor)].iloc[0]
    assert ended["status"] == "прекращена досрочно" and ended["end"] == DEC
    assert ended["reason"] == "переезд наставника"
    ext = back.pairs[(back.pairs["mentee_id"] == extended[0]) & (back.pairs["mentor_id"] == extended[1])]
    assert ext.iloc[0]["status"] == "продлена" and ext.iloc[0]["end"] == dt.date(2027, 6, 30)
    assert list(back.log["event"][-2:]) == ["статус изменён", "статус изменён"]
    assert len(back.log) == len(load_register(SAMPLE_REGISTER).log) + 2  # no hand edits found


def test_documents_on_the_date(registry):
    app = YearApp(today=DEC)
    docs = app.prepare_documents()
    assert docs is not None and app.error is None
    assert "действующих пар 48" in app.documents_info.value
    annex = link_bytes(app.documents_links.value, "Приложение к приказу")
    assert (
        zipfile.is_zipfile(io.BytesIO(annex))
        and "word/document.xml" in zipfile.ZipFile(io.BytesIO(annex)).namelist()
    )
    wb = load_workbook(io.BytesIO(link_bytes(app.documents_links.value, "Сетевые договоры")), read_only=True)
    assert wb.sheetnames
    programmes = zipfile.ZipFile(io.BytesIO(link_bytes(app.documents_links.value, "Все программы (48")))
    assert len(programmes.namelist()) == 48 and all(n.startswith("Программы/") for n in programmes.namelist())
    schools = sorted(k for k in docs if k.startswith("ОО-"))
    assert schools and len(schools) <= len(registry.schools)
    first = zipfile.ZipFile(io.BytesIO(link_bytes(app.documents_links.value, schools[0][:-4])))
    assert f"Приложение к приказу ({schools[0][:-4]}).docx" in first.namelist()
    # A change makes the documents stale: the links go, a note says so.
    app.status_choice.value = "завершена"
    app.change_button.click()
    assert app.documents is None and not app.documents_links.value
    assert "подготовьте документы заново" in app.documents_info.value
    # No pair in force on the date: a refusal in Russian, no links.
    app.day.value = dt.date(2026, 8, 1)
    assert app.prepare_documents() is None
    assert "нет действующих пар" in app.documents_info.value and not app.documents_links.value


def test_bad_register_upload_shows_the_problems_table():
    app = YearApp(today=DEC)
    before = app.register
    put(app.register_upload, "G04.xlsx", (BAD / "G04.xlsx").read_bytes())
    app.open_button.click()
    assert app.register is before and isinstance(app.error, InputError)
    v = app.load_problems.value
    for header in ("Файл", "Лист", "Строка", "Столбец", "Что не так"):
        assert f"<th>{header}</th>" in v
    assert "G04.xlsx" in v and "неизвестный статус «отложена»" in v and "Traceback" not in v

    put(app.register_upload, "пары.xlsx", b"not a workbook")
    app.open_button.click()
    assert "пары.xlsx" in app.load_problems.value and "это не книга Excel" in app.load_problems.value


def test_open_without_upload_and_bad_registry_upload_are_refused():
    app = YearApp(autoload=False, today=DEC)
    app.open_button.click()
    assert "загрузите реестр пар" in app.load_problems.value and app.register is None
    put(app.registry_upload, "педагоги.xlsx", b"oops")
    app.sample_button.click()
    assert "педагоги.xlsx" in app.load_problems.value and app.register is None


def test_register_of_another_district_is_refused():
    app = YearApp(today=DEC)
    put(app.register_upload, "G18.xlsx", (BAD / "G18.xlsx").read_bytes())
    app.open_button.click()
    assert "ни один педагог" in app.load_problems.value


def test_uploaded_register_and_january_registry(tmp_path):
    app = YearApp(autoload=False, today=DEC)
    put(app.register_upload, "наш_реестр.xlsx", SAMPLE_REGISTER.read_bytes())
    app.open_button.click()
    assert "наш_реестр.xlsx" in app.load_info.value and app.register.source == "наш_реестр.xlsx"
    assert "наш_реестр.xlsx" in app.register_link.value
    app.registry_choice.value = JANUARY
    assert app.registry.source == SAMPLE_REGISTRIES[JANUARY].name
    # The mentor who left the district is shown by code only.
    left = set(load_registry(SAMPLE_REGISTRIES[SEPTEMBER]).teachers["teacher_id"]) - set(
        app.registry.teachers["teacher_id"]
    )
    (gone,) = left
    assert f"<td>{gone}</td>" in app.pairs_view.value


def test_approve_an_uploaded_result_starts_a_register(registry):
    result = match(registry)
    data = result_bytes(result, registry)
    app = YearApp(autoload=False, today=DEC)
    put(app.result_upload, "тандемы.xlsx", data)
    app.approve_button.click()
    assert "укажите дату начала программ" in app.load_problems.value and app.register is None
    app.start.value = dt.date(2026, 9, 1)
    app.approve_button.click()
    assert "не указано основание" in app.load_problems.value
    app.order.value = "Приказ № 45 от 01.09.2026"
    app.end.value = dt.date(2026, 10, 1)
    app.approve_button.click()
    assert "от 3 до 12 месяцев" in app.load_problems.value
    app.end.value = None
    app.approve_button.click()
    n = len(result.pairs)
    assert app.error is None and f"Утверждено пар: {n}" in app.load_info.value
    assert app.day.value == dt.date(2026, 9, 1) and f"действуют пар: {n}" in app.summary.value
    assert set(app.register.pairs["end"]) == {dt.date(2027, 5, 31)}
    assert "пара утверждена" in app.log_view.value
    # Again, added to the open register: every pair is kept, none duplicated.
    app.add_to_open.value = True
    app.approve_button.click()
    assert f"уже действовали: {n}" in app.load_info.value and len(app.register.pairs) == n


def test_rematch_with_the_january_registry_then_approval(tmp_path):
    app = YearApp(today=JAN15)
    app.registry_choice.value = JANUARY
    assert app.rematch_day.value == JAN15 and app.change_cost.disabled
    january = load_registry(SAMPLE_REGISTRIES[JANUARY])
    expected = rematch(january, load_register(SAMPLE_REGISTER), JAN15)

    result = app.run_rematch()
    assert result is not None and app.error is None
    pd.testing.assert_frame_equal(result.changes, expected.changes)
    assert changes_text(expected.changes) in app.rematch_info.value
    assert "sample_district_2027-01.xlsx" in app.rematch_info.value
    n_rows = len(expected.changes) + 1 + (len(expected.unmatched) + 1 if len(expected.unmatched) else 0)
    assert app.changes_view.value.count("<tr") == n_rows
    assert "наставник выбыл из реестра" in app.changes_view.value
    assert app.rematch_start.value == JAN15

    # The workbook of the re-match, as the command line writes it: «Изменения» reads back.
    book = tmp_path / "повторный.xlsx"
    book.write_bytes(link_bytes(app.rematch_link.value, "Скачать результат повторного подбора"))
    pairs, changes = read_result(book)
    assert len(pairs) == len(expected.pairs) and len(changes) == len(expected.changes)

    # Approval needs the order; then changed and released pairs end, new ones start.
    before = app.register
    app.approve_changes_button.click()
    assert "не указано основание" in app.approve_changes_info.value and app.register is before
    app.rematch_order.value = "Приказ № 3 от 15.01.2027"
    app.approve_changes_button.click()
    t = january.teachers
    by_hand, counts = approve(
        before,
        expected.pairs[["mentee_id", "mentor_id", "pair_format"]].rename(columns={"pair_format": "format"}),
        order="Приказ № 3 от 15.01.2027",
        start=JAN15,
        experience=dict(zip(t["teacher_id"], t["experience_years"])),
        changes=expected.changes,
    )
    assert f"новых пар {counts['approved']}, сохранено {counts['kept']}" in app.approve_changes_info.value
    cols = ["mentee_id", "mentor_id", "form", "format", "start", "end", "status", "order", "reason"]
    pd.testing.assert_frame_equal(app.register.pairs[cols], by_hand.pairs[cols])
    assert app.result is None and app.day.value == JAN15
    assert "наставник выбыл из реестра" in app.changes_view.value  # what was approved stays on view
    app.approve_changes_button.click()
    assert "сначала подберите пары заново" in app.approve_changes_info.value
    assert len(app.register.pairs) == len(by_hand.pairs)
    assert f"действуют пар: {len(expected.pairs)}" in app.summary.value
    assert "наставник сменён" in app.log_view.value

    # A second re-match of the approved register keeps every pair.
    again = app.run_rematch()
    assert set(again.changes["change"]) == {"сохранена"}


def test_rematch_change_cost_and_staleness():
    app = YearApp(today=JAN15)
    app.registry_choice.value = JANUARY
    app.keep_all.value = False
    assert not app.change_cost.disabled
    app.change_cost.value = 0.1
    result = app.run_rematch()
    january = load_registry(SAMPLE_REGISTRIES[JANUARY])
    expected = rematch(january, load_register(SAMPLE_REGISTER), JAN15, change_cost=0.1)
    pd.testing.assert_frame_equal(result.changes, expected.changes)
    assert "больше 0,10 балла" in app.rematch_info.value
    # A status change makes the re-match stale: it is dropped, approval is refused.
    app.reason.value = "переезд"
    app.status_choice.value = "прекращена досрочно"
    app.change_button.click()
    assert app.result is None and "подберите пары заново" in app.rematch_info.value
    app.rematch_order.value = "Приказ № 3"
    app.approve_changes_button.click()
    assert "сначала подберите пары заново" in app.approve_changes_info.value
    # So does another registry.
    app.run_rematch()
    assert app.result is not None
    app.registry_choice.value = SEPTEMBER
    assert app.result is None and "Реестр педагогов изменился" in app.rematch_info.value


def test_rematch_refusals():
    app = YearApp(autoload=False, today=JAN15)
    app.rematch_button.click()
    assert "сначала откройте реестр пар" in app.rematch_info.value
    app.open_sample()
    app.rematch_day.value = None
    app.rematch_button.click()
    assert "укажите дату подбора" in app.rematch_info.value and app.result is None


# -- the helpers -------------------------------------------------------------------------------


def test_short_school_names():
    assert short_school('МБОУ "Зареченская СОШ № 1"') == "Зареченская СОШ № 1"
    assert short_school("МБУ ДО «Дом детского творчества»") == "Дом детского творчества"
    assert short_school("Школа № 5") == "Школа № 5"


def test_tables_of_the_sample(sample, registry):
    names = Names(registry)
    live = pairs_table(sample, names, DEC)
    assert len(live) == 48
    assert list(live["Наставляемый"]) == sorted(live["Наставляемый"], key=lambda s: s.replace("ё", "е"))
    assert live["Наставляемый"].str.contains(r"^\S+ [А-ЯЁ]\. [А-ЯЁ]\. \(П-\d+\)\n", regex=True).all()
    assert live["Начало"].eq("01.09.2026").all() and set(live["Статус"]) == {"действует", "продлена"}
    assert len(pairs_table(sample, names, DEC, every_pair=True)) == 51
    counts = status_counts(sample, DEC).set_index("Статус")
    assert counts.loc["прекращена досрочно", "Пар в реестре"] == 2
    assert counts.loc["прекращена досрочно", "Действуют на 01.12.2026"] == 0
    log = log_table(sample, names)
    assert len(log) == len(sample.log) and log.iloc[-1]["Событие"] == "пара утверждена"
    assert len(pair_choices(sample, names, DEC)) == 48 and pair_choices(Register(), names, DEC) == []
    assert Names().person("П-001") == "П-001" and Names().school("П-001") == ""


def test_default_day(sample):
    assert default_day(sample, DEC) == DEC
    assert default_day(sample, dt.date(2030, 1, 1)) == dt.date(2026, 9, 1)
    assert default_day(Register(), DEC) == DEC


def test_unmatched_table(registry):
    un = pd.DataFrame(
        {"mentee_id": ["П-243", "П-063"], "reason": ["все наставники заняты", "нет подходящего"]}
    )
    table = unmatched_table(un, Names(registry))
    assert list(table.columns) == ["Наставляемый", "Почему без наставника"]
    assert table.iloc[0]["Наставляемый"].startswith("Дёмина М. П. (П-243)\n")  # by name, not by code
    assert table.iloc[0]["Почему без наставника"] == "все наставники заняты"


def test_changes_table_and_text(registry):
    ch = pd.DataFrame(
        {
            "mentee_id": ["П-002", "П-010", "П-901", "П-092"],
            "mentor_before": ["П-204", "П-226", "", "П-226"],
            "mentor_after": ["П-204", "П-220", "П-204", ""],
            "change": ["сохранена", "другой наставник", "новая", "снята"],
            "reason": ["", "наставник выбыл", "новый педагог", "нет свободного наставника"],
        }
    )
    table = changes_table(ch, Names(registry))
    assert list(table["Изменение"]) == ["другой наставник", "снята", "новая", "сохранена"]
    assert table.iloc[2]["Наставник до"] == "" and table.iloc[2]["Наставляемый"] == "П-901"
    assert changes_text(ch) == "Сохранено пар: 1; другой наставник: 1; новых: 1; снято: 1."


def test_rematch_rule_in_words():
    assert rematch_rule(None) == "допустимые действующие пары сохранены"
    assert rematch_rule(0.3) == "пара меняется, только если смена даёт больше 0,30 балла"
    assert rematch_rule(0.0) == "пара меняется, только если смена даёт больше 0,00 балла"


def test_table_html_escapes_and_problems_html():
    out = table_html(pd.DataFrame({"А": ["<b>x</b>"], "Причина": ["длинная причина"]}), wrap=("Причина",))
    assert "&lt;b&gt;x&lt;/b&gt;" in out and "<td class=wrap>длинная причина</td>" in out
    assert "Пусто" in table_html(pd.DataFrame({"А": []}), empty="Пусто")
    wide = table_html(pd.DataFrame({"Причина": ["x"]}), wrap=("Причина",), wrap_width=900)
    assert "<td class=wrap style='max-width:900px'>x</td>" in wide
    two = table_html(pd.DataFrame({"Кто": ["Иванова А. П. (П-1)\nЗареченская СОШ"]}))
    assert "Иванова А. П. (П-1)<br><span class=sub>Зареченская СОШ</span>" in two
    located = problems_html(
        InputError(Issue("плохая дата", file="a.xlsx", sheet="Пары", row=5, column="Дата"))
    )
    assert "<td>a.xlsx</td><td>Пары</td><td>5</td><td>Дата</td><td class=wrap>плохая дата</td>" in located
    plain = problems_html(InputError("для досрочного прекращения укажите причину"))
    assert "<li>для досрочного прекращения укажите причину</li>" in plain and "<table" not in plain
    assert "Не удалось выполнить шаг" in problems_html(ValueError("x"))


def test_approve_by_hand_matches_the_page(registry):
    """The page calls the package: the same approval by hand gives the same pairs."""
    result = match(registry)
    pairs = result.pairs[["mentee_id", "mentor_id", "pair_format"]].rename(columns={"pair_format": "format"})
    t = registry.teachers
    by_hand, _ = approve(
        Register(),
        pairs,
        order="Приказ № 1",
        start=dt.date(2026, 9, 1),
        experience=dict(zip(t["teacher_id"], t["experience_years"])),
    )
    app = YearApp(autoload=False, today=DEC)
    put(app.result_upload, "тандемы.xlsx", result_bytes(result, registry))
    app.order.value, app.start.value = "Приказ № 1", dt.date(2026, 9, 1)
    app.approve_button.click()
    cols = ["mentee_id", "mentor_id", "form", "format", "start", "end", "status", "order"]
    key = ["mentee_id", "mentor_id"]
    pd.testing.assert_frame_equal(
        app.register.pairs[cols].sort_values(key).reset_index(drop=True),
        by_hand.pairs[cols].sort_values(key).reset_index(drop=True),
    )
