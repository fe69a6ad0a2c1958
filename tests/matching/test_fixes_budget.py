"""Fixes under a work budget: a mentee never examined is said to be unexamined, not fix-less."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

import matching
import matching.fixes as fixes_module
from matching.export import FIXES_SHEET, fixes_table
from matching.fixes import FOUND, NO_FIX, NOT_EXAMINED, not_examined_text
from matching.ui import SAMPLE_REGISTRY
from matching.whatif_views import alternates_view

UNEXAMINED = "не проверено: ограничение объёма перебора"


@pytest.fixture(scope="module")
def registry():
    """The sample district with its first unmatched mentee barred from every mentor (no fix can help)."""
    reg = matching.load_registry(SAMPLE_REGISTRY)
    first = sorted(matching.match(reg).unmatched["mentee_id"])[0]
    mentors = reg.mentors["teacher_id"].tolist()
    barred = pd.DataFrame(
        {"excel_row": range(2, 2 + len(mentors)), "mentee_id": first, "mentor_id": mentors}
    ).astype({"mentee_id": reg.forbidden["mentee_id"].dtype, "mentor_id": reg.forbidden["mentor_id"].dtype})
    return dataclasses.replace(reg, forbidden=barred)


@pytest.fixture
def two_examined(registry, monkeypatch):
    monkeypatch.setattr(fixes_module, "MAX_FIX_MENTEES", 2)
    return matching.match(registry)


def test_status_tells_examined_from_unexamined(two_examined):
    result = two_examined
    fixes = result.fixes
    ids = sorted(result.unmatched["mentee_id"])
    assert len(ids) >= 3
    status = fixes.attrs["status"]
    assert list(status) == ids
    assert status[ids[0]] == NO_FIX and status[ids[1]] == FOUND
    assert {status[m] for m in ids[2:]} == {NOT_EXAMINED}
    assert (fixes.attrs["examined"], fixes.attrs["unmatched"]) == (2, len(ids))
    assert set(fixes["mentee_id"]) == {ids[1]}
    assert not_examined_text(fixes) == f"{UNEXAMINED} (2 из {len(ids)} нераспределённых проверены)"


def test_examined_mentees_keep_their_fixes(registry, monkeypatch):
    full = matching.match(registry).fixes  # the default budget examines every unmatched mentee
    assert set(full.attrs["status"].values()) == {FOUND, NO_FIX}
    monkeypatch.setattr(fixes_module, "MAX_FIX_MENTEES", 2)
    two = matching.match(registry).fixes
    second = list(two.attrs["status"])[1]
    assert len(two) and set(two["mentee_id"]) == {second}
    pd.testing.assert_frame_equal(two, full[full["mentee_id"] == second].reset_index(drop=True))


def test_a_tiny_work_budget_stops_after_the_first_mentee(registry, monkeypatch):
    monkeypatch.setattr(fixes_module, "FIX_BUDGET", 1)
    fixes = matching.match(registry).fixes
    status = list(fixes.attrs["status"].values())
    assert status[0] == NO_FIX and set(status[1:]) == {NOT_EXAMINED}
    assert fixes.empty and fixes.attrs["examined"] == 1
    assert not_examined_text(fixes).endswith(f"(1 из {len(status)} нераспределённых проверен)")


def test_the_page_says_not_examined_rather_than_not_found(two_examined):
    result = two_examined
    ids = sorted(result.unmatched["mentee_id"])
    text, table = alternates_view(result, ids[2])
    assert table.empty
    assert f"{UNEXAMINED} (2 из {len(ids)} нераспределённых проверены)" in text
    assert "не нашлось" not in text
    text, table = alternates_view(result, ids[0])
    assert table.empty and "не нашлось" in text and UNEXAMINED not in text
    text, table = alternates_view(result, ids[1])
    assert len(table) and "даст наставника" in text


def test_the_sheet_lists_every_unmatched_mentee_with_its_check(two_examined, registry, tmp_path):
    result = two_examined
    ids = sorted(result.unmatched["mentee_id"])
    table = fixes_table(result, registry)
    assert table["Код наставляемого"].drop_duplicates().tolist() == ids
    check = table.groupby("Код наставляемого")["Проверка"].agg(set).to_dict()
    assert check[ids[0]] == {"не найдено"} and check[ids[1]] == {"найдено"}
    assert all(check[m] == {"не проверено"} for m in ids[2:])
    out = matching.write_result(result, registry, tmp_path / "t.xlsx")
    sheet = pd.read_excel(out, sheet_name=FIXES_SHEET, engine="calamine")
    assert sheet["Код наставляемого"].tolist() == table["Код наставляемого"].tolist()
    unexamined = sheet[sheet["Проверка"] == "не проверено"]
    assert unexamined["Код наставляемого"].tolist() == ids[2:]
    assert set(unexamined["Что изменить"]) == {not_examined_text(result.fixes)}
    assert unexamined["Сменится наставник у других"].isna().all()
    found = sheet[sheet["Проверка"] == "найдено"]
    assert found["Что изменить"].tolist() == result.fixes["fix"].tolist()
    assert found["Сменится наставник у других"].tolist() == result.fixes["pairs_changed"].tolist()


def test_a_mentee_without_consent_is_neither_examined_nor_said_to_lack_a_fix(registry):
    mentee = registry.mentees["teacher_id"].iloc[0]
    t = registry.teachers.copy()
    t.loc[t["teacher_id"] == mentee, "consent"] = False
    result = matching.match(dataclasses.replace(registry, teachers=t))
    assert mentee in set(result.unmatched["mentee_id"])
    assert mentee not in result.fixes.attrs["status"]
    text, table = alternates_view(result, mentee)
    assert table.empty and "без наставника (" in text
    assert "не нашлось" not in text and UNEXAMINED not in text
    assert mentee not in set(fixes_table(result, registry)["Код наставляемого"])
