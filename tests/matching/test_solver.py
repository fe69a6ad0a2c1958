"""solve_assignment: published optima (OR-Library) and an independent oracle."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matching import solve_assignment
from matching.flow import integer_scores
from matching.solver import solve_arrays, sorted_codes
from tests.strategies import assignment_instances

#: OR-Library assignment instances and their published optima, gzip-compressed
#: (origin and format: tests/data/orlib/README.md).
ORLIB = Path(__file__).resolve().parents[1] / "data" / "orlib"


def _read_text(name: str) -> str:
    with gzip.open(ORLIB / f"{name}.txt.gz", "rt", encoding="ascii") as f:
        return f.read()


def _optima() -> dict[str, int]:
    tokens = _read_text("assignopt").replace(",", " ").split()
    out, i = {}, 0
    while i < len(tokens) - 1:
        if tokens[i].startswith("assign") and tokens[i + 1].lstrip("-").isdigit():
            out[tokens[i]] = int(tokens[i + 1])
            i += 2
        else:
            i += 1
    return out


def _read_instance(name: str) -> tuple[pd.DataFrame, int]:
    tokens = np.array(_read_text(name).split(), dtype=np.int64)
    n = int(tokens[0])
    if name.startswith("assignp"):
        t = tokens[1:].reshape(-1, 3)
        return pd.DataFrame({"mentee_id": t[:, 0], "mentor_id": t[:, 1], "score": -t[:, 2]}), n
    assert len(tokens) == 1 + n * n, f"{name}: {len(tokens) - 1} costs, expected {n * n}"
    c = tokens[1:].reshape(n, n)
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    return pd.DataFrame({"mentee_id": i.ravel(), "mentor_id": j.ravel(), "score": -c.ravel()}), n


INSTANCES = [
    "assign100",
    "assign200",
    "assign300",
    "assign400",
    "assign500",
    "assign800",
    "assignp800",
    "assignp1500",
    "assignp3000",
    "assignp5000",
]


@pytest.mark.parametrize("name", INSTANCES)
def test_orlib_published_optimum(name):
    """OR-Library assignment instances (Beasley 1990) reach their published optimum."""
    optima = _optima()
    edges, n = _read_instance(name)
    chosen = solve_assignment(edges, {m: 1 for m in edges["mentor_id"].unique()})
    assert len(chosen) == n
    assert chosen["mentee_id"].is_unique and chosen["mentor_id"].is_unique
    assert -int(chosen["score"].sum()) == optima[name]


def test_orlib_optima_file_parsed():
    optima = _optima()
    assert optima["assign100"] == 305 and optima["assignp5000"] == 48533
    assert set(INSTANCES) <= set(optima)


def _oracle(edges: pd.DataFrame, capacity: dict) -> tuple[int, float]:
    """Lexicographic optimum (count, then score) by scipy on the capacity-expanded matrix."""
    mentees = sorted(edges["mentee_id"].unique())
    slots = [m for m in sorted(capacity) for _ in range(capacity[m])]
    if not mentees or not slots:
        return 0, 0.0
    best = edges.groupby(["mentee_id", "mentor_id"])["score"].max()
    big = 1 + float(np.abs(edges["score"]).sum()) * 2
    w = np.zeros((len(mentees), len(slots)))
    allowed = np.zeros_like(w, dtype=bool)
    for i, e in enumerate(mentees):
        for j, r in enumerate(slots):
            if (e, r) in best.index:
                w[i, j] = big + best[(e, r)]
                allowed[i, j] = True
    rows, cols = linear_sum_assignment(w, maximize=True)
    used = allowed[rows, cols]
    return int(used.sum()), float((w[rows, cols][used] - big).sum())


@settings(max_examples=150, deadline=None)
@given(assignment_instances())
def test_matches_scipy_oracle(instance):
    edges, capacity = instance
    chosen = solve_assignment(edges, capacity)
    count, total = _oracle(edges, capacity)
    assert len(chosen) == count
    assert chosen["score"].sum() == pytest.approx(total)
    assert chosen["mentee_id"].is_unique
    load = chosen["mentor_id"].value_counts()
    assert all(load[m] <= capacity[m] for m in load.index)
    allowed = set(zip(edges["mentee_id"], edges["mentor_id"]))
    assert set(zip(chosen["mentee_id"], chosen["mentor_id"])) <= allowed


@settings(max_examples=80, deadline=None)
@given(assignment_instances(integer=False))
def test_float_scores_within_guaranteed_precision(instance):
    edges, capacity = instance
    chosen = solve_assignment(edges, capacity)
    count, total = _oracle(edges, capacity)
    assert len(chosen) == count
    scale = chosen.attrs["scaling"].scale
    assert chosen["score"].sum() >= total - max(count, 1) / scale - 1e-12


def test_count_first_beats_score():
    # One high-score pair would block two mediocre ones: matching more mentees wins.
    edges = pd.DataFrame(
        [("a", "x", 10.0), ("a", "y", 1.0), ("b", "x", 1.0)], columns=["mentee_id", "mentor_id", "score"]
    )
    chosen = solve_assignment(edges, {"x": 1, "y": 1})
    assert set(zip(chosen.mentee_id, chosen.mentor_id)) == {("a", "y"), ("b", "x")}


def test_deterministic_and_order_independent():
    rng = np.random.default_rng(1)
    rows = [(f"e{i}", f"r{j}", float(rng.integers(0, 3))) for i in range(30) for j in range(10)]
    edges = pd.DataFrame(rows, columns=["mentee_id", "mentor_id", "score"])
    cap = {f"r{j}": 2 for j in range(10)}
    a = solve_assignment(edges, cap)
    b = solve_assignment(edges.sample(frac=1, random_state=3), cap)
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_integer_scaling_documented_precision():
    ints, s = integer_scores(np.array([0.5, 0.123456789]))
    assert not s.exact and s.scale == 1e9 and s.big > 2 * 500000000
    assert ints.tolist() == [500000000, 123456789]
    ints, s = integer_scores(np.array([3.0, -2.0]))
    assert s.exact and ints.tolist() == [3, -2]


def test_bad_input_raises():
    with pytest.raises(ValueError, match="columns"):
        solve_assignment(pd.DataFrame({"a": [1]}), {})
    edges = pd.DataFrame([("a", "x", 1.0)], columns=["mentee_id", "mentor_id", "score"])
    with pytest.raises(ValueError, match="capacity"):
        solve_assignment(edges, {})
    with pytest.raises(ValueError, match="≥ 0"):
        solve_assignment(edges, {"x": -1})
    assert solve_assignment(edges.iloc[0:0], {}).empty


@settings(max_examples=150, deadline=None)
@given(
    assignment_instances(max_mentees=8, max_mentors=5, integer=False),
    st.integers(1, 3),
    st.one_of(st.none(), st.integers(0, 2**32)),
)
def test_certificate_is_sound(instance, k, start_seed):
    """Solve on each mentee's k best edges; if every left-out edge passes the reduced-cost
    test, the restricted optimum must equal the full optimum (and whenever the two differ,
    some left-out edge must fail the test). The same holds for potentials computed from an
    arbitrary start (as the certificate loop starts from the last round's potentials)."""
    edges, capacity = instance
    if edges.empty:
        return
    mentees = sorted(edges["mentee_id"].unique())
    mentors = sorted(capacity)
    e_pos = {m: i for i, m in enumerate(mentees)}
    r_pos = {m: i for i, m in enumerate(mentors)}
    ranked = edges.sort_values(["mentee_id", "score", "mentor_id"], ascending=[True, False, True])
    kept = ranked.groupby("mentee_id").head(k)
    left = ranked.drop(kept.index)
    cap = np.array([capacity[m] for m in mentors])
    start = None
    if start_seed is not None:
        start = -np.random.default_rng(start_seed).integers(0, 10**12, len(mentees) + len(mentors) + 2)
    sol = solve_arrays(
        kept["mentee_id"].map(e_pos).to_numpy(),
        kept["mentor_id"].map(r_pos).to_numpy(),
        kept["score"].to_numpy(),
        len(mentees),
        cap,
        potentials=True,
        start=start,
    )
    restricted = (int(sol.chosen.sum()), float(kept["score"].to_numpy()[sol.chosen].sum()))
    full = _oracle(edges, capacity)
    ok = sol.cannot_improve(
        left["mentee_id"].map(e_pos).to_numpy(),
        left["mentor_id"].map(r_pos).to_numpy(),
        left["score"].to_numpy(),
    )
    if ok.all():
        assert restricted[0] == full[0]
        assert restricted[1] >= full[1] - (full[0] + 1) / sol.scaling.scale
    if restricted[0] < full[0] or restricted[1] < full[1] - (full[0] + 1) / sol.scaling.scale:
        assert not ok.all()


@pytest.mark.parametrize("shape", [(6, 6), (7, 4), (3, 8)])
@pytest.mark.parametrize("shuffled", [False, True])
def test_complete_unit_capacity_goes_dense_and_is_optimal(shape, shuffled):
    """A complete graph with every capacity 1 is solved by scipy, whether the edges come in
    row-major order (a reshape) or shuffled (a scatter); the total equals scipy's on the matrix."""
    m, n = shape
    w = np.random.default_rng(m * 10 + n).random((m, n))
    i, j = np.meshgrid(np.arange(m), np.arange(n), indexing="ij")
    edges = pd.DataFrame({"mentee_id": i.ravel(), "mentor_id": j.ravel(), "score": w.ravel()})
    if shuffled:
        edges = edges.sample(frac=1, random_state=1)
    out = solve_assignment(edges, {k: 1 for k in range(n)})
    ri, ci = linear_sum_assignment(w, maximize=True)
    assert len(out) == min(m, n)
    assert out["mentee_id"].is_unique and out["mentor_id"].is_unique
    assert out["score"].sum() == pytest.approx(w[ri, ci].sum(), abs=1e-12)
    assert out.attrs["scaling"].exact  # scipy works on the float scores, no integer scaling


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.lists(st.integers(0, 50)),
        st.lists(st.integers(-5, 10**12)),
        st.lists(st.floats(-3, 3, allow_nan=False)),
        st.lists(st.sampled_from(["T1", "T10", "T2", "Т3"])),
    ),
    st.booleans(),
)
def test_sorted_codes_equal_pandas_factorize(values, presort):
    """The fast paths for integer and already sorted id columns give pandas' codes and uniques."""
    s = pd.Series(sorted(values) if presort else values)
    if s.empty:
        s = s.astype(int)
    codes, uniques = sorted_codes(s)
    ref_codes, ref_uniques = pd.factorize(s, sort=True)
    assert codes.tolist() == ref_codes.tolist()
    assert list(uniques) == list(ref_uniques)
