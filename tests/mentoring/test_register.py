"""The register of tandems: approval, status changes, the in-force rule, the workbook round trip."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from mentoring import (
    Register,
    RegisterError,
    approve,
    change_status,
    default_end,
    load_register,
    write_register,
)
from mentoring.register import add_months, default_form, in_force, programme_months_ok

D = dt.date
ORDER = "Приказ № 45 от 01.09.2026"


def _pairs(*rows):
    return pd.DataFrame(rows, columns=["mentee_id", "mentor_id"])


@pytest.fixture
def register():
    reg, counts = approve(
        Register(),
        _pairs(("T1", "M1"), ("T2", "M1"), ("T3", "M2")),
        order=ORDER,
        start=D(2026, 9, 1),
        experience={"T1": 1.5, "T2": 10},
    )
    assert counts == {"approved": 3, "kept": 0, "ended": 0}
    return reg


def test_add_months_clips_to_month_end():
    assert add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2026, 9, 1), 12) == D(2027, 9, 1)


@pytest.mark.parametrize(
    "start,end,ok",
    [
        (D(2026, 9, 1), D(2026, 11, 30), True),  # exactly 3 months
        (D(2026, 9, 1), D(2026, 11, 29), False),  # a day short
        (D(2026, 9, 1), D(2027, 8, 31), True),  # exactly 12 months
        (D(2026, 9, 1), D(2027, 9, 1), False),  # a day too long
    ],
)
def test_programme_length_3_to_12_months(start, end, ok):
    assert programme_months_ok(start, end) is ok


@pytest.mark.parametrize(
    "start,end",
    [
        (D(2026, 9, 1), D(2027, 5, 31)),
        (D(2027, 1, 15), D(2027, 5, 31)),
        (D(2027, 3, 15), D(2028, 3, 14)),
    ],
)
def test_default_end_is_end_of_school_year_within_limits(start, end):
    assert default_end(start) == end
    assert programme_months_ok(start, default_end(start))


def test_default_form_by_experience():
    assert default_form(2.9) == "педагог – молодой специалист"
    assert default_form(3) == "педагог – педагог"
    assert default_form(None) == "педагог – педагог"
    assert default_form(float("nan")) == "педагог – педагог"


def test_approve_makes_pairs_in_force_with_form_and_log(register):
    p = register.pairs.set_index("mentee_id")
    assert p.loc["T1", "form"] == "педагог – молодой специалист"
    assert p.loc["T2", "form"] == "педагог – педагог"
    assert set(p["status"]) == {"действует"} and set(p["end"]) == {D(2027, 5, 31)}
    assert list(register.log["event"]) == ["пара утверждена"] * 3
    assert len(in_force(register.pairs, D(2026, 9, 1))) == 3
    assert len(in_force(register.pairs, D(2027, 5, 31))) == 3
    assert len(in_force(register.pairs, D(2027, 6, 1))) == 0
    assert len(in_force(register.pairs, D(2026, 8, 31))) == 0


def test_approve_refuses_mentee_in_force_with_other_mentor(register):
    with pytest.raises(RegisterError, match="уже в паре с наставником «M1»"):
        approve(register, _pairs(("T1", "M2")), order=ORDER, start=D(2026, 10, 1))


def test_approve_same_pair_again_is_kept_not_duplicated(register):
    reg, counts = approve(register, _pairs(("T1", "M1"), ("T4", "M2")), order=ORDER, start=D(2026, 10, 1))
    assert counts == {"approved": 1, "kept": 1, "ended": 0}
    assert len(reg.pairs) == 4


@pytest.mark.parametrize(
    "kw,fragment",
    [
        (dict(order=" "), "не указано основание"),
        (dict(end=D(2026, 8, 1)), "раньше даты начала"),
        (dict(end=D(2026, 10, 1)), "от 3 до 12 месяцев"),
    ],
)
def test_approve_refuses_bad_order_and_period(kw, fragment):
    args = dict(order=ORDER, start=D(2026, 9, 1)) | kw
    with pytest.raises(RegisterError, match=fragment):
        approve(Register(), _pairs(("T1", "M1")), **args)


def test_approve_refuses_duplicates_and_self_pairs():
    with pytest.raises(RegisterError) as e:
        approve(
            Register(),
            _pairs(("T1", "M1"), ("T1", "M2"), ("T5", "T5")),
            order=ORDER,
            start=D(2026, 9, 1),
            file="итог.xlsx",
            sheet="Тандемы",
        )
    text = str(e.value)
    assert "указан дважды (первый раз в строке 2)" in text and "самому себе" in text
    assert all(i.file == "итог.xlsx" and i.sheet == "Тандемы" and i.row in (3, 4) for i in e.value.issues)


def test_status_changes(register):
    reg = change_status(
        register, "T2", "M1", "прекращена досрочно", on=D(2026, 12, 10), reason="переезд", basis="заявление"
    )
    row = reg.pairs.set_index("mentee_id").loc["T2"]
    assert (row["status"], row["end"], row["reason"]) == ("прекращена досрочно", D(2026, 12, 10), "переезд")
    assert reg.log.iloc[-1]["event"] == "статус изменён"
    assert "действует" in reg.log.iloc[-1]["before"] and "прекращена досрочно" in reg.log.iloc[-1]["after"]
    reg = change_status(reg, "T1", "M1", "продлена", on=D(2027, 5, 1), end=D(2027, 8, 31))
    assert reg.pairs.set_index("mentee_id").loc["T1", "end"] == D(2027, 8, 31)
    # a pair whose end has passed can still be marked completed; its end stays
    reg = change_status(reg, "T3", "M2", "завершена", on=D(2027, 6, 5))
    assert reg.pairs.set_index("mentee_id").loc["T3", "end"] == D(2027, 5, 31)
    assert len(register.log) == 3, "the input register is not changed in place"


@pytest.mark.parametrize(
    "args,fragment",
    [
        (("T2", "M1", "отложена"), "неизвестный статус"),
        (("T2", "M1", "прекращена досрочно"), "укажите причину"),
        (("T2", "M2", "завершена"), "в реестре нет"),
        (("T1", "M1", "продлена"), "дату окончания позже"),
    ],
)
def test_status_change_refusals(register, args, fragment):
    with pytest.raises(RegisterError, match=fragment):
        change_status(register, *args, on=D(2026, 12, 1))


def test_extension_beyond_12_months_refused(register):
    with pytest.raises(RegisterError, match="не дальше 31.08.2027"):
        change_status(register, "T1", "M1", "продлена", on=D(2027, 5, 1), end=D(2027, 9, 30))


def test_approve_after_rematch_ends_changed_pairs(register):
    changes = pd.DataFrame(
        {
            "mentee_id": ["T1", "T2", "T3"],
            "mentor_before": ["M1", "M1", "M2"],
            "mentor_after": ["M1", "M2", ""],
            "change": ["сохранена", "другой наставник", "снята"],
            "reason": ["", "лучшее покрытие", "наставник выбыл"],
        }
    )
    reg, counts = approve(
        register,
        _pairs(("T1", "M1"), ("T2", "M2")),
        order="Приказ № 3 от 15.01.2027",
        start=D(2027, 1, 15),
        changes=changes,
    )
    assert counts == {"approved": 1, "kept": 1, "ended": 2}
    on = in_force(reg.pairs, D(2027, 1, 15)).set_index("mentee_id")["mentor_id"].to_dict()
    assert on == {"T1": "M1", "T2": "M2"}
    ended = reg.pairs[reg.pairs["status"] == "прекращена досрочно"].set_index("mentee_id")
    assert set(ended.index) == {"T2", "T3"} and set(ended["end"]) == {D(2027, 1, 14)}
    assert ended.loc["T3", "reason"] == "наставник выбыл"
    assert list(reg.log["event"][-3:]) == [
        "наставник сменён",
        "пара снята при повторном подборе",
        "пара утверждена",
    ]


def test_workbook_round_trip_and_hand_edits(register, tmp_path):
    path = write_register(register, tmp_path / "реестр.xlsx")
    back = load_register(path, today=D(2026, 10, 1))
    cols = ["mentee_id", "mentor_id", "form", "start", "end", "status", "order"]
    pd.testing.assert_frame_equal(
        back.pairs[cols].reset_index(drop=True),
        register.pairs[cols].reset_index(drop=True),
        check_dtype=False,
    )
    assert len(back.log) == 3, "no hand edit, nothing logged"
    wb = openpyxl.load_workbook(path)
    assert wb["_снимок"].sheet_state == "veryHidden"
    ws = wb["Пары"]
    ws["G3"] = "завершена"  # T2's status
    ws.delete_rows(4)  # T3 removed by hand
    wb.save(path)
    back = load_register(path, today=D(2026, 10, 1))
    tail = back.log.iloc[3:]
    assert list(tail["event"]) == ["ручная правка", "удалена вручную"]
    assert tail.iloc[0]["before"] == "Статус: действует" and tail.iloc[0]["after"] == "Статус: завершена"
    assert set(tail["date"]) == {D(2026, 10, 1)}


def test_printing_setup(register, tmp_path):
    ws = openpyxl.load_workbook(write_register(register, tmp_path / "r.xlsx"))["Пары"]
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$1:$1"
    assert ws["E2"].number_format == "DD.MM.YYYY"
