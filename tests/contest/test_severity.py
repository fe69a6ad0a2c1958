"""The additive severity model: known answers, connectivity, ``normalization: additive``, anchors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from contest import ContestError, parse_contest, score
from contest.assign import plan_jury
from contest.people import make_people
from contest.severity import exact_severities, fit_severity, juror_groups
from tests.contest._io_fixtures import ENTRIES, JURY

COLS = ["entry_id", "juror_id", "criterion_id", "score"]


def one_task(**top):
    m = {
        "name": "Т",
        "stages": [
            {
                "id": "S1",
                "name": "Этап",
                "tasks": [
                    {"id": "T1", "name": "Задание", "criteria": [{"id": "K1", "name": "К", "max": 100}]}
                ],
            }
        ],
    }
    m.update(top)
    return parse_contest(m)


def simulated(seed: int, n_entries=40, n_jurors=8, per_entry=3, noise=1.0):
    """A random connected plan with planted severities: (scores frame, severities by juror)."""
    rng = np.random.default_rng(seed)
    quality = rng.normal(50, 8, n_entries)
    sev = rng.normal(0, 4, n_jurors)
    sev -= sev.mean()
    rows = []
    for e in range(n_entries):
        # a cyclic base keeps every plan connected; a random third juror varies the overlap
        js = {e % n_jurors, (e + 1) % n_jurors}
        while len(js) < per_entry:
            js.add(int(rng.integers(n_jurors)))
        for j in sorted(js):
            rows.append((f"E{e:02d}", f"J{j}", "K1", round(quality[e] - sev[j] + rng.normal(0, noise), 1)))
    return pd.DataFrame(rows, columns=COLS), {f"J{j}": sev[j] for j in range(n_jurors)}


def juror_tasks(scores: pd.DataFrame) -> pd.DataFrame:
    return scores.rename(columns={"score": "raw"}).assign(stage_id="S1", task_id="T1")


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_planted_severities_are_recovered(seed):
    scores, planted = simulated(seed)
    sv = fit_severity(juror_tasks(scores))
    assert sv.connected and sv.warnings == []
    est = sv.jurors.set_index("juror_id")["severity"]
    truth = np.array([planted[j] for j in est.index])
    assert np.corrcoef(est.to_numpy(), truth)[0, 1] >= 0.95
    assert abs(est.sum()) < 1e-8  # the constraint Σ severity = 0 (each value rounded to 9 decimals)
    assert (sv.jurors["se"] > 0).all() and (sv.jurors["se"] < 1).all()
    # the exact solution is the float one
    exact = exact_severities(
        scores["entry_id"], scores["juror_id"], (scores["score"] * 10).round().astype(int)
    )
    for j, v in exact.items():
        assert float(v) / 10 == pytest.approx(est[j], abs=1e-9)


def test_fair_average_by_hand():
    # E1 and E2 are scored by both jurors (J2 gives 2 more), E3 only by J2: its fair average is 8 − 1
    scores = pd.DataFrame(
        [("E1", "J1", "K1", 5), ("E1", "J2", "K1", 7), ("E2", "J1", "K1", 3), ("E2", "J2", "K1", 5)]
        + [("E3", "J2", "K1", 8)],
        columns=COLS,
    )
    sv = fit_severity(juror_tasks(scores))
    assert sv.jurors.set_index("juror_id")["severity"].to_dict() == {"J1": 1.0, "J2": -1.0}
    fair = sv.entries.set_index("entry_id")
    assert fair["fair_average"].to_dict() == {"E1": 6.0, "E2": 4.0, "E3": 7.0}
    assert fair["raw_mean"].to_dict() == {"E1": 6.0, "E2": 4.0, "E3": 8.0}


def test_disconnected_plan_is_detected_and_named():
    scores = pd.DataFrame(
        [("E1", "J1", "K1", 5), ("E1", "J2", "K1", 7), ("E2", "J3", "K1", 3), ("E2", "J4", "K1", 5)],
        columns=COLS,
    )
    assert juror_groups(scores["entry_id"], scores["juror_id"]) == [["J1", "J2"], ["J3", "J4"]]
    sv = fit_severity(juror_tasks(scores))
    assert not sv.connected
    assert len(sv.warnings) == 1 and "{J1, J2}; {J3, J4}" in sv.warnings[0]
    assert "не связаны" in sv.warnings[0]
    assert sv.jurors["severity"].isna().all() and sv.entries["fair_average"].isna().all()
    assert sv.jurors["group"].tolist() == [1, 1, 2, 2]
    with pytest.raises(ContestError) as exc:
        score(one_task(normalization="additive"), scores)
    assert "{J1, J2}; {J3, J4}" in str(exc.value)


def test_additive_normalization_removes_a_jurors_shift_exactly():
    scores, _ = simulated(7, n_entries=12, n_jurors=5)
    c = one_task(normalization="additive")
    base = score(c, scores)
    shifted = scores.copy()
    shifted.loc[shifted["juror_id"] == "J2", "score"] += 7.3
    moved = score(c, shifted)
    # the shift is removed from the severity; only the overall level moves, by 7.3 / 5 jurors, for everyone
    keys = ["entry_id", "rank", "award", "tie_flag"]
    pd.testing.assert_frame_equal(base.ranking[keys], moved.ranking[keys])
    assert np.allclose(moved.ranking["total"] - base.ranking["total"], 7.3 / 5, atol=1e-8)
    # the task score is the fair average of the model
    fair = fit_severity(juror_tasks(scores)).entries.set_index("entry_id")["fair_average"]
    got = base.tasks.set_index("entry_id")["score"]
    assert np.allclose(got[fair.index].to_numpy(), fair.to_numpy(), atol=1e-8)
    # and without normalisation the same shift changes the scores
    assert not score(one_task(), scores).tasks["score"].equals(score(one_task(), shifted).tasks["score"])


def test_crossed_plan_fair_average_is_the_raw_mean():
    scores, _ = simulated(3, n_entries=6, n_jurors=3, per_entry=3)
    sv = fit_severity(juror_tasks(scores))
    assert np.allclose(sv.entries["fair_average"], sv.entries["raw_mean"])
    plain = score(one_task(), scores).tasks["score"].to_numpy()
    additive = score(one_task(normalization="additive"), scores).tasks["score"].to_numpy()
    assert np.allclose(plain, additive, atol=1e-9)


def people_for_anchors():
    return make_people(ENTRIES, JURY)


def test_anchor_entries_are_scored_by_every_admissible_juror():
    m = {
        "name": "Т",
        "stages": [
            {
                "id": "S1",
                "name": "Этап",
                "tasks": [{"id": "T1", "name": "З", "criteria": [{"id": "K1", "name": "К", "max": 5}]}],
            }
        ],
        "jury": {"per_entry": 2, "anchors": 2},
    }
    c = parse_contest(m)
    p = people_for_anchors()
    plan = plan_jury(c, p).assignment
    by_entry = plan.groupby("entry_id")["juror_id"].apply(list).to_dict()
    # admissible jurors: E01 (school 101) loses Ж02; E02 (102) loses Ж03; E03 (101;103) loses Ж02;
    # E04 (104) loses Ж05; E05 (105) none — so the anchors are E05 (5 jurors), then E01 (4, first code)
    assert by_entry["E05"] == ["Ж01", "Ж02", "Ж03", "Ж04", "Ж05"]
    assert by_entry["E01"] == ["Ж01", "Ж03", "Ж04", "Ж05"]
    assert all(len(v) == 2 for e, v in by_entry.items() if e not in ("E05", "E01"))
    assert "Ж02" not in by_entry["E03"] and "Ж05" not in by_entry["E04"]
    # the plan connects every juror
    assert len(juror_groups(plan["entry_id"], plan["juror_id"])) == 1
    # without anchors: exactly per_entry everywhere
    plain = plan_jury(parse_contest({**m, "jury": {"per_entry": 2}}), p).assignment
    assert (plain.groupby("entry_id").size() == 2).all()


def test_anchors_refuse_sum_aggregation():
    m = {
        "name": "Т",
        "stages": [
            {
                "id": "S1",
                "name": "Этап",
                "tasks": [
                    {
                        "id": "T1",
                        "name": "З",
                        "aggregation": "sum",
                        "criteria": [{"id": "K1", "name": "К", "max": 5}],
                    }
                ],
            }
        ],
        "jury": {"anchors": 1},
    }
    with pytest.raises(ContestError, match="jury.anchors"):
        parse_contest(m)
