"""The bad-input corpora (``tests/data/bad/``, made by ``tests/data/make_bad.py``).

Every case of ``manifest.csv`` goes through the command line as a user would
run it. ``refused``: exit code 2, the expected Russian fragment in the
message, no traceback and no output file. ``tolerated``: exit code 0 and the
same result as the clean base input (same pairs and scores, same ranking) —
a tolerant reading must never change the meaning.
"""

from __future__ import annotations

import csv
import functools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tandem.xlsx as X
from contest.cli import main as contest_main
from matching.cli import main as matching_main
from tandem.cli import run_cli
from tandem.errors import InputError
from tandem.xlsx import check_xlsx

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
CONTEST = BAD / "contest"
BASE = {
    "definition": CONTEST / "base.yaml",
    "people": CONTEST / "base_people.xlsx",
    "scores": CONTEST / "base_scores.csv",
}


def _manifest() -> list[dict]:
    with open(BAD / "manifest.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


CASES = _manifest()


def _contest_args(row: dict) -> list[str]:
    files = dict(BASE)
    files[row["input"]] = BAD / row["path"]
    return [str(files["definition"]), str(files["people"]), str(files["scores"])]


def _run(row: dict, out_dir: Path, capsys) -> tuple[int, str, Path]:
    out = out_dir / "result.xlsx"
    if row["input"] == "registry":
        code = run_cli(matching_main, ["run", str(BAD / row["path"]), "--out", str(out)])
    else:
        code = run_cli(contest_main, ["results", *_contest_args(row), "--out", str(out)])
    _stdout, err = capsys.readouterr()
    return code, err, out


def _pairs(path: Path):
    from matching import load_registry, match

    r = match(load_registry(path))
    return sorted((p.mentee_id, p.mentor_id, round(p.score, 9)) for p in r.pairs.itertuples()), sorted(
        r.unmatched["mentee_id"]
    )


def _ranking(definition: Path, people: Path, scores: Path):
    from contest import load_contest, score
    from contest.people import load_people
    from contest.scores_io import load_scores

    c = load_contest(definition)
    p = load_people(people)
    ss = load_scores(scores, c, p)
    r = score(c, ss.scores[["entry_id", "juror_id", "criterion_id", "score"]], entries=p.entries, jury=p.jury)
    return [(x.entry_id, round(x.total, 9), int(x.rank), x.award) for x in r.ranking.itertuples()]


@functools.cache
def _base_pairs():
    return _pairs(BAD / "registry" / "R00_base.xlsx")


@functools.cache
def _base_ranking():
    return _ranking(BASE["definition"], BASE["people"], BASE["scores"])


def test_corpus_size_and_manifest():
    kinds = [r["input"] for r in CASES]
    assert kinds.count("registry") >= 40
    assert len(kinds) - kinds.count("registry") >= 20
    assert {r["outcome"] for r in CASES} <= {"refused", "tolerated"}
    for r in CASES:
        assert (BAD / r["path"]).exists(), r["path"]
        assert r["outcome"] == "tolerated" or r["fragment"], r["case"]
    total = sum(p.stat().st_size for p in BAD.rglob("*") if p.is_file())
    assert total < 5_000_000


@pytest.mark.parametrize("row", CASES, ids=[r["case"] for r in CASES])
def test_bad_input(row, tmp_path, capsys):
    code, err, out = _run(row, tmp_path, capsys)
    if row["outcome"] == "refused":
        assert code == 2, f"{row['case']}: exit {code}, expected 2; stderr:\n{err}"
        assert row["fragment"] in err, f"{row['case']}: «{row['fragment']}» not in:\n{err}"
        assert "Traceback" not in err
        assert not out.exists()
        assert list(tmp_path.iterdir()) == [], "no partial or temporary files"
        return
    assert code == 0, f"{row['case']}: exit {code}; stderr:\n{err}"
    assert out.exists()
    if row["input"] == "registry":
        assert _pairs(BAD / row["path"]) == _base_pairs()
    else:
        files = _contest_args(row)
        assert _ranking(*map(Path, files)) == _base_ranking()


@pytest.mark.parametrize("case", ["R03", "R17", "R35", "P01", "S04", "F04"])
def test_refusal_through_a_real_process(case, tmp_path):
    """A few cases end to end as a separate process: exit 2, the message, no traceback."""
    row = next(r for r in CASES if r["case"] == case)
    out = tmp_path / "result.xlsx"
    if row["input"] == "registry":
        cmd = [sys.executable, "-m", "matching", "run", str(BAD / row["path"]), "--out", str(out)]
    else:
        cmd = [sys.executable, "-m", "contest", "results", *_contest_args(row), "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert row["fragment"] in r.stderr
    assert "Traceback" not in r.stderr
    assert not out.exists()


# --------------------------------------------------------------------------- sheet size limits
# check_xlsx decides "within the limits" by one scan for a too long row number or column (no
# address converted) and measures a sheet exactly only when that scan finds one: the decisions and
# the numbers in the messages must be those of a cell-by-cell measure.
_ROW = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
_CELL = re.compile(rb'<c\s+r="([A-Z]{1,3})(\d+)"')
_BARE = re.compile(
    rb'<c\s+r="([A-Z]{1,3}\d+)"[^>]*?(?<!/)>\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)


def _cell_by_cell(data: bytes, max_rows: int, max_cells: int):
    """The reference: every address converted one by one."""
    last_row = max((int(m) for m in _ROW.findall(data)), default=0)
    last_col = 0
    for letters, number in _CELL.findall(data):
        last_row = max(last_row, int(number))
        col = 0
        for ch in letters:
            col = col * 26 + ch - 64
        last_col = max(last_col, col)
    if last_row > max_rows or last_row * last_col > max_cells:
        return (last_row, last_col), None
    return None, {m.decode() for m in _BARE.findall(data)}


_PIECES = st.sampled_from(
    [
        b'<row r="',
        b'<row spans="1:3" r="',
        b'<row r="5" r="',
        b'<c r="',
        b'<c  r="',
        b'<c\tr="',
        b'<c s="1" r="',
        b'"',
        b">",
        b"/>",
        b"</c>",
        b"</row>",
        b"<f>",
        b"</f>",
        b"<f/>",
        b"<v>",
        b"</v>",
        b"<v/>",
        b"SUM(A1)",
        b"A",
        b"Z",
        b"AB",
        b"XFD",
        b"ZZZ",
        b"AAAA",
        b"a",
        b"0",
        b"1",
        b"007",
        b"000001",
        b"99",
        b"100",
        b"101",
        b"999",
        b"1000",
        b"4273",
        b"4274",
        b"99999",
        b"100000",
        b"100001",
        b"1000000",
        b" ",
        b"<",
    ]
)
_LIMITS = st.sampled_from(
    [
        (100_000, 3_000_000),
        (100, 3_000_000),
        (5, 10**9),
        (10**9, 20),
        (3, 3),
        (0, 0),
        (1000, 2600),
        (99_999, 2_599_974),
        (4273, 3_000_000),
        (-1, 5),
    ]
)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_PIECES, max_size=40), _LIMITS)
def test_sheet_scan_equals_a_cell_by_cell_measure(monkeypatch, pieces, limits):
    data = b"".join(pieces)
    monkeypatch.setattr(X, "MAX_ROWS", limits[0])
    monkeypatch.setattr(X, "MAX_CELLS", limits[1])
    assert X._scan_sheet(data) == _cell_by_cell(data, *limits)


@pytest.mark.parametrize(
    "cell, limits, message",
    [
        ("A100001", None, "100 001 строк × 1 столбцов"),  # one stray cell far below the table
        ("AB4000", (100_000, 100_000), "4 000 строк × 28 столбцов"),  # 112,000 cells
        ("C99999", (100_000, 3_000_000), None),  # 299,997 cells: within both limits
        ("AAA2", (100_000, 3_000_000), None),
    ],
    ids=["too_many_rows", "too_many_cells", "within", "three_letter_column"],
)
def test_far_cell_is_measured_exactly(tmp_path, monkeypatch, cell, limits, message):
    from openpyxl import Workbook

    if limits:
        monkeypatch.setattr(X, "MAX_ROWS", limits[0])
        monkeypatch.setattr(X, "MAX_CELLS", limits[1])
    wb = Workbook()
    wb.active.title = "Лист"
    wb.active["A1"] = "код"
    wb.active[cell] = " "
    path = tmp_path / "far.xlsx"
    wb.save(path)
    if message is None:
        assert check_xlsx(path) == {}
        return
    with pytest.raises(InputError) as exc:
        check_xlsx(path)
    assert message in exc.value.report() and "Лист" in exc.value.report()
