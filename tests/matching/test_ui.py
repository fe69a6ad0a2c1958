"""The tandem page's widgets, driven without a browser."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("ipywidgets")

from matching.ui import SAMPLE_REGISTRY, TandemApp  # noqa: E402

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_runs_on_the_sample_at_start():
    app = TandemApp()
    assert app.result is not None and app.error is None
    assert "Сформировано" in app.summary.value and "тандем" in app.summary.value
    assert "download=" in app.download.value and "base64," in app.download.value
    assert len(app.pairs_grid.df) == len(app.result.pairs) > 15
    assert app.pairs_grid.selected_rows == [] and "Выберите пару" in app.pair_details.value
    assert app.registry.source == SAMPLE_REGISTRY.name


def test_sliders_and_checkboxes_reach_the_config(registry_path):
    app = TandemApp(sample=registry_path)
    app.sliders["coverage"].value = 0.9
    app.subject_required.value = True
    app.max_distance.value = 0
    cfg = app.config()
    assert cfg.weights.coverage == 0.9 and cfg.constraints.require_subject_match
    assert cfg.constraints.max_distance_km is None
    app.run_button.click()
    assert app.result.config == cfg


def test_bad_upload_shows_problems_table_instead_of_raising(registry_path, tmp_path):
    app = TandemApp(sample=registry_path)
    app.source.index = 1
    app.upload.value = (
        {"name": "плохой.xlsx", "type": "", "size": 4, "content": memoryview(b"oops"), "last_modified": NOW},
    )
    app.run_button.click()
    assert app.result is None and app.error is not None
    assert "плохой.xlsx" in app.problems.value and "это не книга Excel" in app.problems.value


def test_uploaded_registry_is_used(registry_path):
    app = TandemApp(autorun=False)
    app.source.index = 1
    data = registry_path.read_bytes()
    app.upload.value = (
        {
            "name": "мой.xlsx",
            "type": "",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": NOW,
        },
    )
    app.run()
    assert app.registry.source == "мой.xlsx" and len(app.result.pairs) == 3


# -- overrides, progress, diff, charts -------------------------------------------------

import base64  # noqa: E402
import io  # noqa: E402

import pandas as pd  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from matching.ui import STEPS  # noqa: E402
from matching.views import (  # noqa: E402
    DROPPED,
    KEPT,
    MOVED,
    NEW,
    bars_html,
    changes_text,
    compare_results,
    coverage_by_area,
    filter_table,
    school_map_svg,
)


def _row_of(app, mentee_id: str) -> int:
    """Position of the mentee's pair in the tandems grid (what a click selects)."""
    return int(app.pairs_grid.df.index[app.pairs_grid.df["Код наставляемого"] == mentee_id][0])


def _workbook(app):
    payload = app.download.value.split("base64,")[1].split('"')[0]
    return load_workbook(io.BytesIO(base64.b64decode(payload)))


def test_lock_from_the_table_rerun_shows_changes_and_records_override(registry_path):
    app = TandemApp(sample=registry_path)
    first = app.result
    assert app.previous is None and app.changes.value == ""
    before = {r.mentee_id: r.mentor_id for r in first.pairs.itertuples()}
    assert before["Н1"] == "Т1"
    app.pairs_grid.selected_rows = [_row_of(app, "Н1")]
    assert (app.mentee_choice.value, app.mentor_choice.value) == ("Н1", "Т1")
    assert "Выбрана пара:" in app.pair_details.value and "(Н1) ← " in app.pair_details.value
    app.forbid_button.click()
    assert app.forbidden == [("Н1", "Т1")] and "запрещена" in app.overrides_view.value
    app.run_button.click()
    assert app.error is None and app.previous is first
    after = {r.mentee_id: r.mentor_id for r in app.result.pairs.itertuples()}
    assert after.get("Н1") != "Т1"
    assert "По сравнению с прошлым запуском" in app.changes.value
    assert "<table" in app.tab_views["Что изменилось"].value
    assert "Учтено ручных изменений: 1" in app.summary.value
    params = {r[0]: r[1] for r in _workbook(app)["Параметры"].iter_rows(min_row=2, values_only=True)}
    assert params["Запрещено вручную"] == "Н1 — Т1"


def test_lock_replaces_lock_of_same_mentee_and_lifts_ban(registry_path):
    app = TandemApp(sample=registry_path, autorun=False)
    app.forbid("Н1", "Т1")
    app.lock("Н1", "Т3")
    app.lock("Н1", "Т1")
    assert app.locked == [("Н1", "Т1")] and app.forbidden == []
    app.forbid("Н1", "Т1")
    assert app.locked == [] and app.forbidden == [("Н1", "Т1")]
    app.lock(None, "Т1")  # nothing chosen: nothing happens
    assert app.locked == []
    app.clear_button.click()
    assert app.forbidden == [] and "нет" in app.overrides_view.value
    locked, forbidden = app.overrides_frames()
    assert list(locked.columns) == ["mentee_id", "mentor_id"] and forbidden.empty


def test_infeasible_lock_is_a_problem_table_and_keeps_the_baseline(registry_path):
    app = TandemApp(sample=registry_path)
    first = app.result
    app.lock("Н1", "Т4")  # Т4 has no consent
    app.run()
    assert app.result is None and "согласи" in app.problems.value
    assert app.progress.bar_style == "danger"
    app.clear_overrides()
    app.run()
    assert app.previous is first  # compared with the last good result


def test_progress_reaches_the_end_and_is_reported_per_step(registry_path):
    app = TandemApp(sample=registry_path, autorun=False)
    seen = []
    app.progress.observe(lambda ch: seen.append(ch["new"]), names="value")
    app.run()
    assert app.progress.value == 1.0 and app.progress_label.value == "Готово"
    assert seen == sorted(seen) and len(seen) >= len(STEPS)
    app.report_progress("Подбор пар", 0.5)
    assert app.progress.value == (STEPS.index("Подбор пар") + 0.5) / len(STEPS)
    assert app.progress_label.value == "Подбор пар: 50%"


def test_compare_results_counts_kept_moved_new_dropped(registry_path):
    from matching import load_registry, match

    reg = load_registry(registry_path)
    old = match(reg)
    new = match(reg, extra_forbidden=pd.DataFrame({"mentee_id": ["Н1"], "mentor_id": ["Т1"]}))
    changes, summary = compare_results(old, new)
    assert set(changes["change"]) <= {KEPT, MOVED, NEW, DROPPED}
    assert summary["kept"] + summary["moved"] + summary["dropped"] == len(old.pairs)
    assert summary["kept"] + summary["moved"] + summary["new"] == len(new.pairs)
    row = changes[changes["mentee_id"] == "Н1"].iloc[0]
    assert row["old_mentor"].endswith("(Т1)") and row["change"] in (MOVED, DROPPED)
    assert summary["objective_before"] == old.objective and summary["objective_after"] == new.objective
    assert changes["change"].iloc[0] != KEPT  # changed rows first
    same, s2 = compare_results(old, old)
    assert (same["change"] == KEPT).all() and s2["moved"] == s2["new"] == s2["dropped"] == 0
    text = changes_text(s2)
    assert text.startswith("По сравнению с прошлым запуском:") and "(+0.00)" in text


def test_filter_and_sort_table():
    df = pd.DataFrame(
        {"Наставник": ["Бойко Пётр", "Алексеева Анна", "Ёлкина Вера"], "Итоговый балл пары": [0.5, 0.9, 0.7]}
    )
    assert filter_table(df, "петр")["Наставник"].tolist() == ["Бойко Пётр"]  # ё = е, any case
    assert filter_table(df, "елкина 0.7")["Наставник"].tolist() == ["Ёлкина Вера"]  # every word
    assert filter_table(df, "", "по баллу (сначала лучшие)")["Итоговый балл пары"].tolist() == [0.9, 0.7, 0.5]
    assert filter_table(df, "", "по наставнику")["Наставник"].iloc[0] == "Алексеева Анна"
    assert filter_table(df, "нет такого").empty
    assert len(filter_table(df, "  ", "по расстоянию")) == 3  # absent column: no sort


def test_page_filter_widget_filters_the_pairs(registry_path):
    app = TandemApp(sample=registry_path)
    app.pairs_filter.value = "Орлова"
    assert "Найдено пар: 1 из" in app.pairs_note.value
    assert len(app.pairs_grid.df) == 1 and "Орлова" in " ".join(app.pairs_grid.df.iloc[0].astype(str))
    app.pairs_filter.value = ""
    assert app.pairs_note.value == "" and len(app.pairs_grid.df) == len(app.result.pairs)


def test_charts_and_map(registry_path):
    app = TandemApp(sample=registry_path)
    g = coverage_by_area(app.result)
    assert list(g.columns) == ["area", "mentees", "covered", "share"]
    assert g["mentees"].sum() == app.result.coverage["mentees"].sum()
    assert ((g["share"] >= 0) & (g["share"] <= 1)).all()
    assert "методические" in app.tab_views["Покрытие дефицитов"].value
    assert "Нагрузка наставников: назначено из вместимости" in app.tab_views["Нагрузка наставников"].value
    svg = app.tab_views["Карта школ"].value
    assert svg.count("<circle") >= 4 and "<line" in svg and "ОО-3" in svg
    html_ = bars_html(["а", "б"], [1, 0], [2, 0], title="T")
    assert "1 из 2" in html_ and "0 из 0" in html_ and "<h4" in html_


def test_map_without_coordinates_says_so(registry_path):
    from matching import load_registry

    reg = load_registry(registry_path)
    reg.schools = reg.schools.assign(lat=float("nan"))
    assert "нет координат" in school_map_svg(reg, pd.DataFrame(columns=["mentor_school", "mentee_school"]))
    reg2 = load_registry(registry_path)
    reg2.schools.loc[reg2.schools["school_id"] == "ОО-4", "lat"] = float("nan")
    assert "Без координат (нет на карте): ОО-4" in school_map_svg(
        reg2, TandemApp(sample=registry_path).result.pairs
    )


def test_upload_switches_source_to_own_file(registry_path):
    app = TandemApp(sample=registry_path, autorun=False)
    data = registry_path.read_bytes()
    app.upload.value = (
        {
            "name": "мой.xlsx",
            "type": "",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": NOW,
        },
    )
    assert app.source.index == 1


# -- the tandems grid ---------------------------------------------------------------------

import json  # noqa: E402

from itables.widget import ITable  # noqa: E402

from matching.views import GRID_OPTIONS, GRID_PAGE, grid_frame, pair_label  # noqa: E402


def _shown_rows(grid) -> int:
    """Rows the grid sends to the page (itables drops rows when a table is «too large»)."""
    return len(json.loads(grid._dt_args["data_json"]))


def test_grid_pages_at_least_15_rows_selects_one_and_never_drops_rows():
    assert GRID_PAGE >= 15 and GRID_OPTIONS["pageLength"] == GRID_PAGE
    assert GRID_OPTIONS["select"]["style"] == "single"
    app = TandemApp()
    assert _shown_rows(app.pairs_grid) == len(app.result.pairs)
    args = app.pairs_grid._dt_args
    assert args["pageLength"] == GRID_PAGE and args["layout"]["topEnd"] is None  # the page's own search box
    long = pd.concat([app.pairs_table] * 60, ignore_index=True)  # ~3000 rows, megabytes of explanations
    grid = ITable(grid_frame(long), **GRID_OPTIONS)
    assert _shown_rows(grid) == len(long) and "downsampling_warning" not in grid._dt_args


def test_selected_row_is_locked_or_forbidden_by_the_buttons(registry_path):
    app = TandemApp(sample=registry_path)
    app.pairs_sort.value = "по баллу (сначала слабые)"
    scores = app.pairs_grid.df["Итоговый балл пары"].tolist()
    assert scores == sorted(scores)
    app.pairs_grid.selected_rows = [0]
    row = app.selected_row()
    pair = (row["Код наставляемого"], row["Код наставника"])
    assert (app.mentee_choice.value, app.mentor_choice.value) == pair
    app.lock_button.click()
    assert app.locked == [pair] and "закреплена" in app.overrides_view.value
    app.run_button.click()
    assert app.pairs_grid.selected_rows == [] and app.selected_row() is None  # a new table, no selection
    grid = app.pairs_grid.df
    kept = grid[grid["Код наставляемого"] == pair[0]].iloc[0]
    assert kept["Код наставника"] == pair[1] and kept["Закреплена вручную"] == "да"
    app.pairs_grid.selected_rows = [int(kept.name)]
    app.forbid_button.click()
    assert app.locked == [] and app.forbidden == [pair]


def test_grid_frame_rounds_and_blanks_missing_distances():
    table = pd.DataFrame(
        {"Итоговый балл пары": [0.123456, 0.5], "Расстояние, км": [12.345, float("nan")]}, index=[7, 3]
    )
    out = grid_frame(table)
    assert out.index.tolist() == [0, 1]
    assert out["Итоговый балл пары"].tolist() == [0.12, 0.5]
    assert out["Расстояние, км"].tolist() == [12.3, ""]
    row = {
        "Код наставляемого": "Н1",
        "Наставляемый": "Иванова Анна",
        "Код наставника": "Т1",
        "Наставник": "Петрова Вера",
        "Итоговый балл пары": 0.876,
    }
    assert pair_label(row) == "Иванова Анна (Н1) ← Петрова Вера (Т1), балл 0.88"
