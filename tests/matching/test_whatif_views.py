"""The what-if questions put into words for the page (matching.whatif_views)."""

from __future__ import annotations

import pandas as pd
import pytest

from matching import load_registry, match, why_not
from matching.config import MatchConfig
from matching.priority import compare_objectives
from matching.ui import SAMPLE_REGISTRY
from matching.whatif_views import (
    ALTERNATE_HEADERS,
    BOTTLENECK_COLUMN,
    FIX_HEADERS,
    MOVE_COLUMNS,
    NO_WHATIF_TEXT,
    TOTAL_COLUMN,
    alternates_view,
    change_words,
    objectives_view,
    why_not_view,
)


@pytest.fixture(scope="module")
def sample():
    registry = load_registry(SAMPLE_REGISTRY)
    total = match(registry, MatchConfig())
    bottleneck = match(registry, MatchConfig().with_objective("bottleneck"))
    return registry, total, bottleneck


def test_change_words():
    assert change_words(0, -0.0172) == "все, у кого был наставник, его сохранят; сумма баллов меньше на 0.017"
    assert change_words(-1, 0.12) == "без наставника останется ещё 1 человек; сумма баллов больше на 0.120"
    assert change_words(-3, -0.5).startswith("без наставника останется ещё 3 человека;")
    assert change_words(2, 0.0001).endswith("сумма баллов почти не изменится")
    assert change_words(5, 1.0).startswith("наставника получат ещё 5 человек")


def test_objectives_side_by_side(sample):
    _, total, bottleneck = sample
    text, stats, moves = objectives_view(total, bottleneck)
    assert list(stats.columns) == ["Показатель", TOTAL_COLUMN, BOTTLENECK_COLUMN]
    raw = compare_objectives(total, bottleneck).set_index("Показатель")
    got = stats.set_index("Показатель")
    assert "Кого касается" not in got.index
    for row in ("Пар сформировано", "Балл самой слабой пары", "Средний балл пары", "Сумма баллов"):
        assert got.loc[row].tolist() == raw.loc[row].tolist()
    # the bottleneck objective does not lose a pair and never has a weaker weakest pair
    assert got.loc["Пар сформировано", BOTTLENECK_COLUMN] == got.loc["Пар сформировано", TOTAL_COLUMN]
    assert (
        got.loc["Балл самой слабой пары", BOTTLENECK_COLUMN]
        >= got.loc["Балл самой слабой пары", TOTAL_COLUMN]
    )
    a = dict(zip(total.pairs["mentee_id"], total.pairs["mentor_id"]))
    b = dict(zip(bottleneck.pairs["mentee_id"], bottleneck.pairs["mentor_id"]))
    changed = sorted(m for m in set(a) | set(b) if a.get(m) != b.get(m))
    assert changed and moves["Код наставляемого"].tolist() == changed
    assert got.loc["Наставляемых с другим наставником", TOTAL_COLUMN] == len(changed)
    first = moves.iloc[0]
    assert first[TOTAL_COLUMN].endswith(f"({a[first['Код наставляемого']]})")
    assert first[BOTTLENECK_COLUMN].endswith(f"({b[first['Код наставляемого']]})")
    assert f"Наставник другой у {len(changed)} наставляемых" in text


def test_objectives_of_one_result_twice_say_the_same(sample):
    _, total, _ = sample
    text, _, moves = objectives_view(total, total)
    assert moves.empty and "Подбор одинаков при обеих целях" in text


def test_alternates_of_a_matched_mentee_are_the_package_answers_in_words(sample):
    _, total, _ = sample
    alt = total.alternates
    mentee = alt["mentee_id"].iloc[0]
    text, table = alternates_view(total, mentee)
    rows = alt[alt["mentee_id"] == mentee]
    assert list(table.columns) == ALTERNATE_HEADERS and len(table) == len(rows) > 0
    assert table["Место"].tolist() == rows["rank"].tolist()
    assert [s.rsplit("(", 1)[1].rstrip(")") for s in table["Наставник"]] == rows["mentor_id"].tolist()
    assert table["Распределённых"].tolist() == rows["matched_change"].tolist()
    assert table["Сумма баллов"].tolist() == rows["score_change"].round(3).tolist()
    assert table["Что будет, если закрепить"].iloc[0] == change_words(
        rows["matched_change"].iloc[0], rows["score_change"].iloc[0]
    )
    name = total.pairs.loc[total.pairs["mentee_id"] == mentee, "mentee_name"].iloc[0]
    assert text.startswith(f"{name} ({mentee}): ")


def test_an_unmatched_mentee_gets_the_fixes(sample):
    _, total, _ = sample
    fixes = total.fixes
    mentee = fixes["mentee_id"].iloc[0]
    text, table = alternates_view(total, mentee)
    assert list(table.columns) == FIX_HEADERS
    assert table["Что изменить"].tolist() == fixes.loc[fixes["mentee_id"] == mentee, "fix"].tolist()
    assert "без наставника" in text and "даст наставника" in text


def test_a_locked_mentee_has_no_alternates_and_says_why(sample):
    registry, total, _ = sample
    mentee, mentor = total.pairs[["mentee_id", "mentor_id"]].iloc[0]
    locked = match(
        registry, MatchConfig(), extra_locked=pd.DataFrame({"mentee_id": [mentee], "mentor_id": [mentor]})
    )
    text, table = alternates_view(locked, mentee)
    assert table.empty and "запасных наставников нет — пара закреплена вручную" in text


def test_why_not_with_names_and_the_moves(sample):
    _, total, _ = sample
    alt = total.alternates.iloc[0]
    answer = why_not_view(total, alt["mentee_id"], alt["mentor_id"])
    raw = why_not(total, alt["mentee_id"], alt["mentor_id"])
    assert answer.can_lock and raw.text in answer.text
    assert list(answer.moves.columns) == MOVE_COLUMNS
    assert answer.moves["Код наставляемого"].tolist() == raw.moves["mentee_id"].tolist()
    assert answer.moves["Наставник станет"].iloc[0].endswith(f"({alt['mentor_id']})")
    # the pair already formed: nothing to lock
    mentee, mentor = total.pairs[["mentee_id", "mentor_id"]].iloc[0]
    same = why_not_view(total, mentee, mentor)
    assert not same.can_lock and "Эта пара уже в подборе" in same.text and same.moves.empty


def test_why_not_a_forbidden_pair_names_the_rule(sample):
    registry, total, _ = sample
    no_consent = registry.mentors.loc[~registry.mentors["consent"].astype(bool), "teacher_id"].iloc[0]
    mentee = total.pairs["mentee_id"].iloc[0]
    answer = why_not_view(total, mentee, no_consent)
    assert not answer.can_lock and "Пару составить нельзя" in answer.text and answer.moves.empty


def test_other_objectives_get_a_russian_refusal_not_an_error(sample):
    _, _, bottleneck = sample
    mentee, mentor = bottleneck.pairs[["mentee_id", "mentor_id"]].iloc[0]
    answer = why_not_view(bottleneck, mentee, mentor)
    assert answer.text == NO_WHATIF_TEXT and not answer.can_lock
    text, table = alternates_view(bottleneck, mentee)
    assert text == NO_WHATIF_TEXT and table.empty
