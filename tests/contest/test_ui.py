"""Helpers of the contest notebook: the same steps as the UI, without widgets."""

from __future__ import annotations

import base64
import datetime as dt
import io
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from contest import ContestError, ui, views, workflow
from contest.assign import conflicts
from contest.reconcile import FLAG_COLUMNS
from tandem.ui import download_link

RECONCILE = "Практики в номинациях: согласование оценок (пример)"


@pytest.fixture(scope="module")
def duet():
    return ui.load_inputs(next(iter(ui.SAMPLES)))[:3]


def test_samples_exist():
    for label in list(ui.SAMPLES)[:2]:  # the samples with filled sheets
        s = ui.sample(label)
        assert s.contest.exists() and s.people.exists() and s.scores.exists() and s.sheets.is_dir()
        assert s.score_input == s.sheets
    for label in ui.SAMPLES:
        s = ui.sample(label)
        assert s.contest.exists() and s.people.exists() and s.scores.exists()
        assert s.sheets is None or s.sheets.is_dir()
    r = ui.sample(RECONCILE)  # the nominations contest with max_spread: its people and scores
    assert r.people.name == "practices_by_nomination_people.xlsx" and r.score_input == r.scores
    assert (
        r.sheets is None and r.adjustments is None and r.decisions.name == "practices_reconcile_decisions.csv"
    )


def test_tree_plan_and_zip(duet):
    c, p, s = duet
    tree = views.contest_tree(c)
    assert list(tree.columns) == ["Этап", "Задание", "Вес", "Агрегация", "Критерий", "Баллы"]
    assert len(tree) == len(c.criteria_frame())
    plan = workflow.stage_plan(c, p, "S1")[1].assignment
    table = views.load_table(plan, p)
    assert table["Работ"].sum() == len(p.entries) * c.per_entry
    assert "<table" in views.bar_html(table, "Работ")
    z = zipfile.ZipFile(io.BytesIO(ui.sheets_zip(c, p, plan, "S1")))
    assert sorted(z.namelist()) == sorted(
        f"{j}_S1.xlsx" for j in table.loc[table["Работ"] > 0, "Код эксперта"]
    )
    wb = load_workbook(io.BytesIO(z.read(z.namelist()[0])))
    assert "Оценочный лист" in wb.sheetnames
    s2 = workflow.stage_plan(c, p, "S2", s.scores)[1].assignment
    assert s2["entry_id"].nunique() == c.stages[0].advance_top


def test_results_from_uploaded_sheets(duet):
    c, p, s = duet
    files = [(f.name, f.read_bytes()) for f in sorted(s.sheets.glob("*.xlsx"))]
    path = ui.scores_input(files)
    assert path.is_dir()
    o = ui.run_results(c, p, path)
    assert o.ranking.iloc[0]["Награда"] == "Победитель"
    assert (o.jurors["Отметка"] == "строгий").sum() >= 1
    assert "<table" in views.severity_html(o.jurors)
    link = download_link(o.protocol, "протокол.xlsx", "Скачать")
    payload = link.split("base64,")[1].split('"')[0]
    assert base64.b64decode(payload)[:2] == b"PK"


def test_single_csv_upload_and_errors(duet):
    c, p, s = duet
    path = ui.scores_input([("scores.csv", s.scores.read_bytes())])
    assert path.name == "scores.csv"
    bad = ui.scores_input([("scores.csv", b"entry_id,juror_id,criterion_id,score\n\xd0\x9401,X,V1,1\n")])
    with pytest.raises(ContestError, match="неизвестный код эксперта «X»"):
        ui.run_results(c, p, bad)
    assert ui.uploaded_files({"a.csv": {"content": b"x"}}) == [("a.csv", b"x")]
    assert ui.uploaded_files(({"name": "b.csv", "content": memoryview(b"y")},)) == [("b.csv", b"y")]


# -- the pages, driven without a browser ---------------------------------------------


def _upload(path):
    """A ``FileUpload.value`` (ipywidgets 8) holding one file."""
    return (
        {
            "name": path.name,
            "type": "",
            "size": path.stat().st_size,
            "content": memoryview(path.read_bytes()),
            "last_modified": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        },
    )


def test_people_only_upload_uses_sample_contest_and_contest_only_is_an_error(duet):
    c, p, s = duet
    c2, p2, s2, path2 = ui.load_inputs(next(iter(ui.SAMPLES)), (), [("люди.xlsx", s.people.read_bytes())])
    assert s2 is None and c2.name == c.name and len(p2.entries) == len(p.entries)
    assert path2.name == "люди.xlsx" and path2.read_bytes() == s.people.read_bytes()
    assert ui.load_inputs(next(iter(ui.SAMPLES)))[3] == s.people
    with pytest.raises(ui.InputError, match="Участники и жюри"):
        ui.load_inputs(None, [("c.yaml", s.contest.read_bytes())], ())


def test_recusals_and_agreement_reading(duet):
    c, p, s = duet
    rec = views.recusals_table(c, p)
    assert list(rec.columns) == ["Код эксперта", "ФИО", "Код работы", "Название", "Причина"]
    assert len(rec) == len(conflicts(c, p)) > 0
    plan = workflow.stage_plan(c, p, "S1")[1].assignment
    bad = set(zip(rec["Код работы"], rec["Код эксперта"]))
    assert not bad & set(zip(plan["entry_id"], plan["juror_id"]))  # no recused juror is assigned
    o = ui.run_results(c, p, s.sheets)
    text = views.agreement_reading(o.agreement, o.jurors)
    assert text.startswith("В целом согласованность экспертов ") and "Елисеева" in text
    assert list(views.agreement_frame(o.agreement).columns)[-1] == "Вывод"
    assert views.winner_text(o, c.name).startswith(f"{c.name}: Победитель: Д04")
    assert "Отметка" in o.ranking.columns


def test_agreement_reading_levels():
    import types

    def agr(*readings):
        return types.SimpleNamespace(tasks=pd.DataFrame({"reading": list(readings)}))

    assert "высокая" in views.agreement_reading(agr("согласованность экспертов высокая (W = 0.8)"))
    mixed = views.agreement_reading(
        agr("согласованность экспертов высокая", "согласованность экспертов низкая")
    )
    assert mixed.startswith("В целом согласованность экспертов умеренная")
    assert "оценить нельзя" in views.agreement_reading(agr("недостаточно данных"))
    jurors = pd.DataFrame({"ФИО": ["А"], "Отметка": [""]})
    assert "Ни один эксперт не выделяется" in views.agreement_reading(agr("x"), jurors)


def test_tie_is_flagged_in_the_winner_text():
    ranking = pd.DataFrame(
        {
            "Код работы": ["A", "B"],
            "Название": ["а", "б"],
            "Итоговый балл": [5.0, 5.0],
            "Награда": ["Победитель", "Победитель"],
            "Отметка": [views.TIE_NOTE, views.TIE_NOTE],
        }
    )
    o = ui.Outcome(None, None, ranking, pd.DataFrame(), b"", b"")
    text = views.winner_text(o)
    assert "A а — 5.00" in text and "B б" in text and views.TIE_NOTE in text


def test_problems_per_file():
    err = ui.InputError(
        [
            ui.Issue("x", file="a.xlsx"),
            ui.Issue("y", file="b.xlsx"),
            ui.Issue("z", file="a.xlsx"),
            ui.Issue("w"),
        ]
    )
    t = views.problems_by_file(err)
    assert t.to_dict("list") == {"Файл": ["a.xlsx", "b.xlsx", "—"], "Проблем": [2, 1, 1]}
    assert "Найдено проблем во входных файлах: 4" in views.problems_html(err)
    assert "Не удалось" in views.problems_html(RuntimeError("boom"))


def test_setup_page_assigns_and_zips(duet):
    app = ui.ContestSetupApp()
    assert app.source.contest is not None and app.plan is not None
    assert app.stage_choice.value == "S1" and "Нагрузка распределена" in app.loads_view.value
    assert "работа из организации эксперта" in app.recusals_view.value
    assert zipfile.ZipFile(io.BytesIO(app.sheets)).namelist()
    assert "оценочные_листы_S1.zip" in app.download.value
    app.stage_choice.value = "S2"
    app.assign_button.click()  # the sample's S1 scores decide who advances
    assert app.plan["entry_id"].nunique() == app.source.contest.stages[0].advance_top


def test_setup_page_second_stage_needs_previous_scores(duet):
    c, p, s = duet
    app = ui.ContestSetupApp(autorun=False)
    app.source.people_upload.value = _upload(s.people)
    app.source.load_button.click()
    assert app.source.sample is None
    app.stage_choice.value = "S2"
    app.assign()
    assert app.plan is None and "баллы предыдущих этапов" in app.problems.value
    app.prev_scores.value = _upload(s.scores)
    app.assign()
    assert app.plan is not None and app.problems.value == ""


def test_results_page_sample_then_uploads_and_problems(duet, tmp_path):
    c, p, s = duet
    app = ui.ContestResultsApp()
    assert app.outcome is not None and "Победитель: Д04" in app.summary.value
    assert "согласованность экспертов" in app.agreement_view.value and "протокол.xlsx" in app.download.value
    # The sample's penalty is applied as by `make demo`: Д09 loses one point.
    assert _total(app, "Д09") == pytest.approx(45.01)
    assert "корректировки примера «pedagogical_duet_adjustments.csv»" in app.summary.value
    # Many filled sheets at once.
    files = sorted(s.sheets.glob("*.xlsx"))
    app.scores_upload.value = tuple(_upload(f)[0] for f in files)
    app.results_button.click()
    assert app.error is None and f"загружено файлов: {len(files)}" in app.summary.value
    # A bad file: problems per file, nothing else shown.
    bad = tmp_path / "баллы.csv"
    bad.write_text("entry_id,juror_id,criterion_id,score\nД01,X,V1,1\n", encoding="utf-8")
    app.scores_upload.value = _upload(bad)
    app.run()
    assert app.outcome is None and "баллы.csv" in app.problems.value and app.summary.value == ""
    # Own people: no adjustments unless uploaded; an uploaded adjustments file is applied.
    app.source.people_upload.value = _upload(s.people)
    app.source.load()
    app.scores_upload.value = _upload(s.scores)
    app.run()
    assert app.error is None and _total(app, "Д09") == pytest.approx(46.01)
    assert "Бонусы и штрафы: нет." in app.summary.value
    app.adjustments_upload.value = _upload(s.adjustments)
    app.run()
    assert app.error is None and _total(app, "Д09") == pytest.approx(45.01)
    assert "загружен файл «pedagogical_duet_adjustments.csv»" in app.summary.value
    # A bad adjustments row is shown as a problem of that file.
    wrong = tmp_path / "корректировки.csv"
    wrong.write_text("entry_id,stage_id,points\nД99,S2,-1\n", encoding="utf-8")
    app.adjustments_upload.value = _upload(wrong)
    app.run()
    assert app.outcome is None and "корректировки.csv" in app.problems.value and "Д99" in app.problems.value
    # Own people without scores: asked to upload them.
    app.adjustments_upload.value = ()
    app.scores_upload.value = ()
    app.run()
    assert "загрузите баллы" in app.problems.value


def _total(app, entry_id: str) -> float:
    return app.outcome.ranking.set_index("Код работы").loc[entry_id, "Итоговый балл"]


def test_additive_section_shows_severities_with_errors_and_fair_averages(duet):
    """The results page shows the additive model: one «строгость ± ошибка» per juror and task,
    the fair averages beside the raw means, and a warning when a plan does not connect the jurors."""
    c, p, s = duet
    o = ui.run_results(c, p, s.sheets)
    page = views.additive_html(o.results, o.severity, p)
    tables = pd.read_html(io.StringIO(page))
    jurors, fair = tables[0], tables[1]
    sv = o.severity.jurors
    assert set(jurors["Код эксперта"]) == set(sv["juror_id"])
    tasks = list(dict.fromkeys(sv["stage_id"] + " · " + sv["task_id"]))
    assert list(jurors.columns[2:]) == tasks
    cells = jurors[tasks].to_numpy().ravel()
    with_error = sv["severity"].notna() & sv["se"].notna()
    assert sum("±" in str(x) for x in cells) == int(with_error.sum()) > 0
    row = sv[with_error].iloc[0]
    got = jurors.set_index("Код эксперта").loc[row["juror_id"], f"{row['stage_id']} · {row['task_id']}"]
    assert got == f"{row['severity']:+.2f} ± {row['se']:.2f}"
    assert len(fair) == len(o.severity.entries)
    assert "для сведения" in page and "Внимание" not in page  # the sample's plan is connected
    broken = o.severity.__class__(
        o.severity.jurors, o.severity.entries, ["задание S1 · T1: эксперты не связаны"]
    )
    assert "Внимание:</b> задание S1 · T1: эксперты не связаны" in views.additive_html(o.results, broken, p)


def _link_bytes(html_text: str, name: str) -> bytes:
    """The content of the download link of file ``name`` in a page's HTML."""
    link = html_text[html_text.index(f'<a download="{name}"') :]
    return base64.b64decode(link.split("base64,", 1)[1].split('"')[0])


def test_results_page_flags_blank_and_decisions(tmp_path):
    from contest.reconcile_io import load_decisions

    app = ui.ContestResultsApp(autorun=False)
    app.source.sample_choice.value = RECONCILE
    assert app.source.load()
    app.run()
    # open flags: no results, the table of flags with every juror's score and the blank of decisions
    assert app.outcome is None and isinstance(app.error, ui.UnreconciledError) and app.problems.value == ""
    view = app.flags_view.value
    assert "Оценки экспертов расходятся больше допустимого: 2" in view
    assert "Ж05: 3; Ж04: 4; Ж01: 6; Ж03: 8" in view and "— (сумма задания)" in view
    assert "Бланк решений (xlsx, отметок: 2)" in view
    blank = tmp_path / "бланк.xlsx"
    blank.write_bytes(_link_bytes(view, "бланк_решений_председателя.xlsx"))
    wb = load_workbook(blank)
    ws = wb["Согласование"]
    ws["D2"], ws["E2"], ws["F2"] = "Ж05", 4, "ошибка переноса балла"
    ws["E3"], ws["F3"] = "оставить", "оценки обоснованы"
    wb.save(tmp_path / "решения.xlsx")
    assert len(load_decisions(tmp_path / "решения.xlsx")[0]) == 2
    # the filled blank uploaded: results with the decisions, the protocol lists them
    app.decisions_upload.value = _upload(tmp_path / "решения.xlsx")
    app.run()
    assert app.error is None and app.outcome is not None
    assert "Решения председателя: загружен файл «решения.xlsx»" in app.summary.value
    assert "таблица баллов примера «practices_by_nomination_scores.csv»" in app.summary.value
    view = app.flags_view.value
    assert "решений председателя: 2; не согласовано: 0" in view
    assert "изменены оценки" in view and "оставлено" in view and "ошибка переноса балла" in view
    protocol = load_workbook(io.BytesIO(app.outcome.protocol))
    text = " ".join(str(v) for r in protocol["Согласование"].iter_rows(values_only=True) for v in r if v)
    assert "ошибка переноса балла" in text and "оценки обоснованы" in text
    # a bad decision is a problem of that file
    (tmp_path / "плохие.csv").write_text("Код работы,Критерий,Новый балл\nП01,R1,5\n", encoding="utf-8")
    app.decisions_upload.value = _upload(tmp_path / "плохие.csv")
    app.run()
    assert app.outcome is None and "плохие.csv" in app.problems.value and app.flags_view.value == ""


def test_views_of_flags_and_decisions():
    assert views.reconciliation_html(None) == ""
    flags = pd.DataFrame(
        [("E1", "S1", "T1", "K1", "Ж1, Ж2", "Ж1: 1; Ж2: 9", 8.0, 3.0)],
        columns=FLAG_COLUMNS,
    )
    text = views.flags_html(flags, "<a>ссылка</a>")
    assert (
        "больше допустимого: 1" in text and "Ж1: 1; Ж2: 9" in text and text.endswith("<p><a>ссылка</a></p>")
    )
    assert "<a>" not in views.flags_html(flags)


def test_setup_page_next_stage_follows_adjustments_and_decisions(tmp_path):
    from tests.contest import test_adjust_advance, test_advance_reconcile

    def page(folder, stage="S2"):
        app = ui.ContestSetupApp(autorun=False)
        app.source.contest_upload.value = _upload(folder / "c.yaml")
        app.source.people_upload.value = _upload(folder / "people.xlsx")
        assert app.source.load()
        app.stage_choice.value = stage
        app.prev_scores.value = _upload(folder / "scores.csv")
        return app

    # a penalty in the first stage changes who advances: the plan follows the uploaded adjustments
    a = test_adjust_advance.write_files(tmp_path / "a")
    app = page(a)
    assert sorted(set(app.assign()["entry_id"])) == ["E01"]
    app.adjustments_upload.value = _upload(a / "штрафы.csv")
    assert sorted(set(app.assign()["entry_id"])) == ["E02"] and app.problems.value == ""
    # open spreads in the first stage: the flags and the blank; the chair's decisions uploaded: the plan
    r = test_advance_reconcile.write_files(tmp_path / "r")
    app = page(r)
    assert app.assign() is None and app.problems.value == ""
    assert "требует согласования" in app.flags_view.value and "Бланк решений" in app.flags_view.value
    app.decisions_upload.value = _upload(r / "решения.csv")
    assert sorted(set(app.assign()["entry_id"])) == ["E02"] and app.flags_view.value == ""
