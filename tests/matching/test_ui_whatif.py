"""The what-if sections and the lazily made settings of the tandem page, driven without a browser."""

from __future__ import annotations

import pytest

pytest.importorskip("ipywidgets")

from ipywidgets.widgets.widget import _instances  # noqa: E402

from matching.config import MatchConfig  # noqa: E402
from matching.ui import TandemApp  # noqa: E402
from matching.ui_settings import setting_defaults  # noqa: E402
from matching.ui_whatif import ALTERNATES, OBJECTIVES, SECTIONS, WHY_NOT  # noqa: E402
from matching.whatif_views import BOTTLENECK_COLUMN, NO_WHATIF_TEXT, TOTAL_COLUMN  # noqa: E402


@pytest.fixture(scope="module")
def app():
    return TandemApp()


def _models() -> int:
    return len(_instances)  # every widget model, layouts and styles included


def _select(app, mentee_id: str) -> None:
    grid = app.pairs_grid.df
    app.pairs_grid.selected_rows = [int(grid.index[grid["Код наставляемого"] == mentee_id][0])]


def test_page_starts_with_closed_sections_and_few_widgets():
    before = _models()
    app = TandemApp()
    app.widget()
    # the settings and the three questions are made when first opened: the browser draws less at start
    assert _models() - before < 120
    assert not app.settings_panel.built and app.settings.selected_index is None
    assert app.whatif.accordion.selected_index is None
    assert [len(b.children) for b in app.whatif.boxes] == [0, 0, 0]
    assert app.whatif.accordion.titles == SECTIONS
    # the defaults before the widgets exist are those the widgets then show
    assert app.config() == MatchConfig()
    app.settings.selected_index = 0
    assert app.settings_panel.built and app.settings.children[0].children
    assert app.config() == MatchConfig()
    assert app.max_distance.value == setting_defaults()["max_distance"]


def test_alternates_follow_the_selected_row_and_fixes_the_unmatched(app):
    app.whatif.open(ALTERNATES)
    view = app.whatif.alternates_view
    alt = app.result.alternates
    mentee = alt["mentee_id"].iloc[0]
    _select(app, mentee)
    assert app.mentee_choice.value == mentee
    for mentor, change in alt.loc[alt["mentee_id"] == mentee, ["mentor_id", "score_change"]].values:
        assert f"({mentor})" in view.value and f"<td>{change:+.3f}</td>" in view.value
    assert "сумма баллов меньше на" in view.value or "останется ещё" in view.value
    unmatched = app.result.fixes["mentee_id"].iloc[0]
    app.mentee_choice.value = unmatched
    assert "без наставника" in view.value and "Что изменить" in view.value


def test_closed_alternates_are_not_computed():
    app = TandemApp()
    app.whatif.open(WHY_NOT)
    _select(app, app.result.pairs["mentee_id"].iloc[0])
    assert app.whatif.alternates_view is None


def test_why_not_answers_and_locks_the_pair_with_a_rerun(app):
    app.clear_overrides()
    app.run()
    alt = app.result.alternates.iloc[0]
    mentee, mentor = alt["mentee_id"], alt["mentor_id"]
    _select(app, mentee)
    panels = app.whatif
    panels.open(WHY_NOT)
    assert panels.asked_pair()[0] == mentee  # the selected row's mentee is preset
    assert panels.why_lock.disabled
    panels.why_mentor.value = next(k for k in panels.why_mentor.options if k.endswith(f"({mentor})"))
    panels.why_button.click()
    assert "Правила пару допускают" in panels.why_view.value
    assert "У кого сменится наставник" in panels.why_view.value
    assert not panels.why_lock.disabled
    before = app.result
    panels.why_lock.click()
    # the page's own lock and run: the pair is locked in the new result, the change is the one answered
    assert app.locked == [(mentee, mentor)]
    assert app.previous is before and "Учтено ручных изменений: 1" in app.summary.value
    pair = app.result.pairs[app.result.pairs["mentee_id"] == mentee].iloc[0]
    assert pair["mentor_id"] == mentor and bool(pair["locked"])
    assert len(app.result.pairs) - len(before.pairs) == alt["matched_change"]
    assert app.result.objective - before.objective == pytest.approx(alt["score_change"], abs=1e-6)
    assert "Эта пара уже в подборе" in panels.why_view.value and panels.why_lock.disabled


def test_why_not_without_a_mentor_chosen_asks_for_one(app):
    app.whatif.open(WHY_NOT)
    app.whatif.why_mentor.value = ""
    app.whatif.why_button.click()
    assert "Выберите наставляемого и наставника" in app.whatif.why_view.value


def test_compare_objectives_shows_both_columns_once_per_result(app):
    app.whatif.open(OBJECTIVES)
    value = app.whatif.objectives_view.value
    assert TOTAL_COLUMN in value and BOTTLENECK_COLUMN in value
    assert "Балл самой слабой пары" in value and "У кого наставник зависит от цели" in value
    assert app.whatif._compared is app.result


def test_bottleneck_objective_is_said_in_russian_not_raised():
    app = TandemApp(autorun=False)
    app.whatif.open(OBJECTIVES)
    assert "Сначала сформируйте пары" in app.whatif.objectives_view.value
    app.objective_choice.value = "bottleneck"
    app.run()
    assert app.result.config.objective == "bottleneck"
    app.whatif.open(ALTERNATES)
    _select(app, app.result.pairs["mentee_id"].iloc[0])
    assert NO_WHATIF_TEXT.split(":")[0] in app.whatif.alternates_view.value
    app.whatif.open(WHY_NOT)
    app.whatif.why_mentor.value = app.whatif.why_mentor.options[0]
    app.whatif.why_button.click()
    assert NO_WHATIF_TEXT.split(":")[0] in app.whatif.why_view.value
    assert app.whatif.why_lock.disabled


def test_an_unexamined_unmatched_mentee_is_said_to_be_unexamined(monkeypatch):
    import matching.fixes

    monkeypatch.setattr(matching.fixes, "MAX_FIX_MENTEES", 1)
    app = TandemApp()
    app.whatif.open(ALTERNATES)
    ids = sorted(app.result.unmatched["mentee_id"])
    app.mentee_choice.value = ids[-1]
    view = app.whatif.alternates_view.value
    n = len(ids)
    assert f"не проверено: ограничение объёма перебора (1 из {n} нераспределённых проверен)" in view
    assert "не нашлось" not in view and "Что изменить" not in view
    app.mentee_choice.value = ids[0]
    assert "даст наставника" in app.whatif.alternates_view.value
