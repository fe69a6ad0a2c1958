"""Agreement statistics against published values (docs/sources.md) and hand-computed juror deviations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from contest import Agreement, agreement, parse_contest, score
from contest.agreement import complete_block, icc, juror_deviation, kendall_w, krippendorff_alpha, reading

nan = np.nan


# ------------------------------------------------------------------ Kendall's W


def test_kendall_w_with_ties_pingouin_friedman_example():
    """Oracle A: pingouin ``friedman`` docstring (https://pingouin-stats.org/generated/pingouin.friedman.html):
    12 raters × 3 wines, W = 0.083333, Q = 2.0, df = 2, p = 0.367879 (tie-corrected)."""
    white = [10, 8, 7, 9, 7, 4, 5, 6, 5, 10, 4, 7]
    red = [7, 5, 8, 6, 5, 7, 9, 6, 4, 6, 7, 3]
    rose = [8, 5, 6, 4, 7, 5, 3, 7, 6, 4, 4, 3]
    res = kendall_w(np.array([white, red, rose]))  # objects × raters
    assert res["w"] == pytest.approx(0.083333, abs=5e-7)
    assert res["chi2"] == pytest.approx(2.0, abs=1e-9)
    assert res["dof"] == 2
    assert res["p_value"] == pytest.approx(0.367879, abs=5e-7)


def test_kendall_w_without_ties_three_executives_six_applicants():
    """Oracle C: the classic 3 raters × 6 objects example (Siegel 1956, docs/sources.md [Siegel-1956]):
    S = 25.5, W = 0.161905, χ²(5) = 2.4286."""
    x, y, z = [1, 6, 3, 2, 5, 4], [1, 5, 6, 4, 2, 3], [6, 3, 2, 5, 4, 1]
    res = kendall_w(np.array([x, y, z]).T)
    assert res["w"] == pytest.approx(0.161905, abs=5e-7)
    assert res["chi2"] == pytest.approx(2.4286, abs=5e-5)
    assert res["dof"] == 5


def test_kendall_w_limits():
    perfect = np.array([[1, 1, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4]], dtype=float)
    assert kendall_w(perfect)["w"] == pytest.approx(1.0)
    assert np.isnan(kendall_w(np.array([[1.0, 2.0]]))["w"])  # one object
    assert np.isnan(kendall_w(np.ones((4, 3)))["w"])  # everyone tied everything


# ------------------------------------------------------------------ ICC


def test_icc_shrout_fleiss_1979_table():
    """Shrout & Fleiss (1979), Psychological Bulletin 86(2), 420–428: Table 2 data (6 targets × 4 judges),
    ANOVA of Table 3 (BMS 11.24, WMS 6.26, JMS 32.49, EMS 1.02) and the ICC values of Table 4:
    ICC(1,1) .17, ICC(2,1) .29, ICC(3,1) .71, ICC(1,4) .44, ICC(2,4) .62, ICC(3,4) .91."""
    y = np.array(
        [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]], dtype=float
    )
    r = icc(y)
    assert [round(r[k], 2) for k in ("msr", "msw", "msc", "mse")] == [11.24, 6.26, 32.49, 1.02]
    assert [round(r[k], 2) for k in ("icc1", "icc2", "icc3", "icc1k", "icc2k", "icc3k")] == [
        0.17,
        0.29,
        0.71,
        0.44,
        0.62,
        0.91,
    ]


def test_icc_pingouin_wine_dataset():
    """Oracle D: pingouin ``intraclass_corr`` docstring, dataset ``icc`` (8 wines × 4 judges):
    ICC(1,1) 0.728 (F 11.680, df 7/24), ICC(A,1) 0.728, ICC(C,1) 0.729 (F 11.787, df 7/21),
    ICC(1,k) 0.914, ICC(A,k) 0.914, ICC(C,k) 0.915."""
    a, b = [1, 1, 3, 6, 6, 7, 8, 9], [2, 3, 8, 4, 5, 5, 7, 9]
    c, d = [0, 3, 1, 3, 5, 6, 7, 9], [1, 2, 4, 3, 6, 2, 9, 8]
    r = icc(np.array([a, b, c, d], dtype=float).T)
    assert [round(r[k], 3) for k in ("icc1", "icc2", "icc3", "icc1k", "icc2k", "icc3k")] == [
        0.728,
        0.728,
        0.729,
        0.914,
        0.914,
        0.915,
    ]
    assert round(r["f1"], 3) == 11.680 and round(r["f3"], 3) == 11.787


def test_icc_degenerate():
    assert np.isnan(icc(np.array([[1.0, 2.0]]))["icc1"])
    assert np.isnan(icc(np.array([[1.0, nan], [2.0, 3.0]]))["icc3"])


# ------------------------------------------------------------------ Krippendorff's alpha


def test_krippendorff_2011_reliability_data():
    """Oracle F: Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", p. 8, 4 observers × 12 units:
    nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797."""
    data = np.array(
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
            [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
        ]
    )
    assert round(krippendorff_alpha(data), 3) == 0.849
    assert round(krippendorff_alpha(data, "nominal"), 3) == 0.743
    assert round(krippendorff_alpha(data, "ordinal"), 3) == 0.815
    assert round(krippendorff_alpha(data, "ratio"), 3) == 0.797


def test_krippendorff_wikipedia_example():
    """Oracle G: Wikipedia "Krippendorff's alpha" example, 3 coders × 15 units: nominal 0.691358,
    interval 0.810845."""
    data = np.array(
        [
            [nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
            [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
            [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4],
        ]
    )
    assert krippendorff_alpha(data, "nominal") == pytest.approx(0.691358, abs=5e-7)
    assert krippendorff_alpha(data) == pytest.approx(0.810845, abs=5e-7)


def test_krippendorff_degenerate():
    assert np.isnan(krippendorff_alpha(np.array([[1.0, 2.0, 3.0]])))
    assert np.isnan(krippendorff_alpha(np.array([[1.0, 1.0], [1.0, 1.0]])))


# ------------------------------------------------------------------ complete block and reading


def test_complete_block_picks_most_cells():
    wide = pd.DataFrame(
        {"J1": [1, 2, 3, 4, nan], "J2": [2, 3, 4, nan, 1], "J3": [3, 4, 5, 5, 2]},
        index=["A", "B", "C", "D", "E"],
    )
    block = complete_block(wide)
    # candidates: {J1,J2,J3} → A,B,C (9 cells); {J1,J3} → A..D (8); {J2,J3} → A,B,C,E (8)
    assert list(block.index) == ["A", "B", "C"] and list(block.columns) == ["J1", "J2", "J3"]
    assert complete_block(pd.DataFrame({"J1": [1, nan], "J2": [nan, 2]}, index=["A", "B"])).empty


@pytest.mark.parametrize(
    "w, word", [(0.75, "высокая"), (0.7, "высокая"), (0.6, "умеренная"), (0.5, "умеренная"), (0.3, "низкая")]
)
def test_reading_thresholds(w, word):
    assert f"согласованность экспертов {word}" in reading(w, 0.01, nan)


def test_reading_not_significant_and_fallbacks():
    assert "не значима" in reading(0.8, 0.2, nan)
    assert "α Криппендорфа" in reading(nan, nan, 0.9) and "высокая" in reading(nan, nan, 0.9)
    assert reading(nan, nan, nan).startswith("недостаточно данных")


# ------------------------------------------------------------------ jurors


def harsh_contest():
    c = parse_contest(
        {
            "name": "Т",
            "stages": [
                {
                    "id": "S1",
                    "name": "Этап",
                    "tasks": [
                        {"id": "T1", "name": "Задание", "criteria": [{"id": "K1", "name": "a", "max": 20}]}
                    ],
                }
            ],
        }
    )
    rows = []
    for e, base in (("A", 10), ("B", 14), ("C", 6)):
        for j in ("J1", "J2", "J3"):
            rows.append((e, j, "K1", base))
        rows.append((e, "J4", "K1", base - 3))
    return c, pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion_id", "score"])


def test_juror_deviation_hand_computed():
    c, df = harsh_contest()
    r = score(c, df)
    j = juror_deviation(r.juror_tasks, c.tasks_frame()).set_index("juror_id")
    # J4: 7 − 10 = −3 on every entry; J1..J3: 10 − (10 + 10 + 7)/3 = +1
    assert j.loc["J4", "mean_deviation"] == pytest.approx(-3.0)
    assert j.loc["J1", "mean_deviation"] == pytest.approx(1.0)
    assert j.loc["J4", "mean_deviation_share"] == pytest.approx(-3 / 20)
    # mean 0, population SD √3 → z(J4) = −√3 ≈ −1.732, z(J1) = 1/√3
    assert j.loc["J4", "z"] == pytest.approx(-(3**0.5))
    assert j.loc["J1", "z"] == pytest.approx(3**-0.5)
    assert j["flag"].to_dict() == {"J1": "", "J2": "", "J3": "", "J4": "строгий"}
    assert j.loc["J4", "n_entries"] == 3 and j.loc["J4", "n_cells"] == 3


def test_lenient_juror_flagged():
    c, df = harsh_contest()
    df.loc[df.juror_id == "J4", "score"] += 6  # now +3 above the others
    j = agreement(score(c, df)).jurors.set_index("juror_id")
    assert j.loc["J4", "flag"] == "мягкий"


def test_agreement_on_a_scored_contest():
    c, df = harsh_contest()
    a = agreement(score(c, df))
    assert isinstance(a, Agreement)
    cols = [
        "stage_id",
        "task_id",
        "n_entries",
        "n_jurors",
        "kendall_w",
        "chi2",
        "dof",
        "p_value",
        "icc1",
        "icc2",
        "icc3",
        "icc1k",
        "icc2k",
        "icc3k",
        "krippendorff_alpha",
        "reading",
    ]
    assert all(col in a.tasks.columns for col in cols)
    row = a.tasks.iloc[0]
    assert (row.n_entries, row.n_jurors, row.block_entries, row.block_jurors) == (3, 4, 3, 4)
    assert row.kendall_w == pytest.approx(1.0)  # every juror orders B > A > C
    assert row.icc3 == pytest.approx(1.0)  # a constant offset does not hurt consistency
    assert row.icc2 < 1.0  # … but does hurt absolute agreement
    assert "высокая" in row.reading
    assert list(a.jurors.columns[:5]) == [
        "juror_id",
        "n_entries",
        "n_cells",
        "mean_deviation",
        "mean_deviation_share",
    ]
