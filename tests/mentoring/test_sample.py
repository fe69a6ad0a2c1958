"""The sample year of the sample district: the shipped register is what its generator makes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from data.make_sample_register import START, january_frames, sample_register
from matching import load_registry
from matching.synthetic import generate_registry
from mentoring import load_register

DATA = Path(__file__).resolve().parents[2] / "data"


def test_sample_register_is_reproduced_by_its_generator():
    shipped = load_register(DATA / "sample_register.xlsx")
    made = sample_register(load_registry(DATA / "sample_district.xlsx"))
    cols = ["mentee_id", "mentor_id", "form", "format", "start", "end", "status", "order", "reason"]
    key = ["start", "mentee_id", "mentor_id"]
    pd.testing.assert_frame_equal(
        shipped.pairs[cols].sort_values(key).reset_index(drop=True),
        made.pairs[cols].sort_values(key).reset_index(drop=True).astype(object),
        check_dtype=False,
    )
    assert list(shipped.log["event"]) == list(made.log["event"])


def test_sample_year_has_the_documented_events():
    reg = load_register(DATA / "sample_register.xlsx")
    counts = reg.pairs["status"].value_counts().to_dict()
    assert counts == {"действует": 47, "прекращена досрочно": 2, "завершена": 1, "продлена": 1}
    assert set(reg.pairs["start"]) == {START}
    assert len(reg.in_force(dt.date(2027, 1, 15))) == 48
    assert (reg.pairs.loc[reg.pairs["status"] == "прекращена досрочно", "reason"] != "").all()


def test_january_registry_differs_as_documented():
    from data.make_sample import SAMPLE

    reg = load_register(DATA / "sample_register.xlsx")
    frames = generate_registry(**SAMPLE)
    jan = january_frames(frames, reg)
    before, after = set(frames["teachers"]["teacher_id"]), set(jan["teachers"]["teacher_id"])
    assert len(before - after) == 1 and after - before == {"П-901", "П-902", "П-903"}
    shipped = load_registry(DATA / "sample_district_2027-01.xlsx")
    assert set(shipped.teachers["teacher_id"]) == after
