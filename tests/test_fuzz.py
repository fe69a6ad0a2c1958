"""Fuzzing the loaders: only a valid result or the package's own InputError, never another exception.

Strategies live in :mod:`tests.strategies` (section «bad inputs»). Property
tests here extend those of ``tests/matching/test_engine.py`` and
``tests/contest``: tolerant readings (spaces, case, non-breaking spaces,
numbers as text) never change who is paired with whom and every mentee is
still accounted for; a recused juror's scores are always refused by the
score loader.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contest import load_contest
from contest.model import Contest, ContestError
from contest.people import People, load_people
from contest.scores_io import ScoreSet, load_scores
from matching import load_registry, match
from matching.model import Registry, RegistryError
from matching.registry import validate_tables
from tandem.errors import InputError
from tests.strategies import damaged_bytes, long_score_csv, messy_text, raw_registry_tables, registries

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
BASE_XLSX = (BAD / "registry" / "R00_base.xlsx").read_bytes()
PEOPLE_XLSX = (BAD / "contest" / "base_people.xlsx").read_bytes()
CONTEST = load_contest(BAD / "contest" / "base.yaml")
PEOPLE = load_people(BAD / "contest" / "base_people.xlsx")

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


_WORK = tempfile.TemporaryDirectory(prefix="tandem-fuzz-")  # removed when the test session ends


def _mkdtemp() -> Path:
    return Path(tempfile.mkdtemp(dir=_WORK.name))


def _tmp_file(name: str, data: bytes) -> Path:
    d = _mkdtemp()
    p = d / name
    p.write_bytes(data)
    return p


@FUZZ
@given(raw_registry_tables())
def test_validate_tables_gives_registry_or_registry_error(tables):
    try:
        reg = validate_tables(tables, source="fuzz.xlsx")
    except RegistryError as exc:
        assert exc.issues and all(i.message for i in exc.issues)
        return
    assert isinstance(reg, Registry)
    assert reg.teachers["teacher_id"].is_unique


@FUZZ
@given(damaged_bytes(BASE_XLSX))
def test_load_registry_on_damaged_workbooks(data):
    try:
        reg = load_registry(_tmp_file("реестр.xlsx", data))
    except InputError:
        return
    assert isinstance(reg, Registry)


def test_zip_of_an_unsupported_version_is_refused():
    """Found by the fuzzer: a damaged «version needed to extract» (6.4) made zipfile raise
    NotImplementedError instead of BadZipFile."""
    data = bytearray(BASE_XLSX)
    entry = data.index(b"PK\x01\x02")  # first central-directory header
    data[entry + 6 : entry + 8] = (64).to_bytes(2, "little")
    try:
        load_registry(_tmp_file("реестр.xlsx", bytes(data)))
    except InputError as exc:
        assert "повреждён" in str(exc)
    else:
        raise AssertionError("a workbook that cannot be unpacked was read")


@FUZZ
@given(st.binary(max_size=400), st.sampled_from(["teachers", "schools", "deficits", "locked"]))
def test_load_registry_csv_folder_with_random_bytes(data, which):
    folder = _mkdtemp()
    for f in (BAD / "registry" / "R30_csv_utf8_bom").iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / f"{which}.csv").write_bytes(data)
    try:
        reg = load_registry(folder)
    except InputError:
        return
    assert isinstance(reg, Registry)


@FUZZ
@given(damaged_bytes(PEOPLE_XLSX))
def test_load_people_on_damaged_workbooks(data):
    try:
        people = load_people(_tmp_file("people.xlsx", data))
    except InputError:
        return
    assert isinstance(people, People)


@FUZZ
@given(
    st.one_of(
        messy_text(80),
        st.text(max_size=200),
        st.sampled_from(
            [
                "stages: [",
                "name: x\nstages: []",
                "- a\n- b",
                "name: [1, {a: 2}]",
                "~",
                "name: x\nstages:\n- id: S1\n  tasks: 5",
            ]
        ),
    )
)
def test_load_contest_on_random_text(text):
    try:
        c = load_contest(_tmp_file("contest.yaml", text.encode("utf-8", errors="surrogatepass")))
    except (ContestError, UnicodeEncodeError):
        return
    assert isinstance(c, Contest)


@FUZZ
@given(
    long_score_csv(entries=tuple(PEOPLE.entries["entry_id"]), jurors=tuple(PEOPLE.jury["juror_id"])),
    st.sampled_from(["utf-8", "cp1251", "utf-8-sig"]),
)
def test_load_scores_on_random_long_tables(text, encoding):
    data = text.encode(encoding, errors="replace")
    try:
        ss = load_scores(_tmp_file("scores.csv", data), CONTEST, PEOPLE)
    except ContestError:
        return
    assert isinstance(ss, ScoreSet)
    assert ss.scores["score"].between(0, 5).all()


def _noisy(tables: dict, draw_bits: list[int]) -> dict:
    """The same registry written with the tolerated noise: spaces, nbsp, case, numbers as text."""
    out = {k: [list(r) for r in v] for k, v in tables.items()}
    for i, row in enumerate(out["teachers"]):
        bit = draw_bits[i % len(draw_bits)]
        row[0] = row[0] + ("\u00a0" if bit & 1 else " ")
        row[3] = row[3].upper() if bit & 2 else " " + row[3]
        row[5] = str(row[5]) if bit & 4 else row[5]
        row[11] = row[11].capitalize() + " "
        row[7] = row[7].replace(";", " ; ")
    for row in out["schools"]:
        row[4] = str(row[4]).replace(".", ",")
    return out


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(registries(max_teachers=10), st.lists(st.integers(0, 7), min_size=1, max_size=5))
def test_tolerant_readings_do_not_change_the_result(tmp_path_factory, tables, bits):
    from tests.matching.conftest import write_xlsx

    d = tmp_path_factory.mktemp("noise")
    clean = load_registry(write_xlsx(d / "clean.xlsx", tables))
    noisy = load_registry(write_xlsx(d / "noisy.xlsx", _noisy(tables, bits)))
    a, b = match(clean), match(noisy)
    key = lambda r: sorted((p.mentee_id, p.mentor_id, round(p.score, 9)) for p in r.pairs.itertuples())  # noqa: E731
    assert key(a) == key(b)
    assert sorted(a.unmatched["mentee_id"]) == sorted(b.unmatched["mentee_id"])
    # every mentee is accounted for exactly once
    seen = list(b.pairs["mentee_id"]) + list(b.unmatched["mentee_id"])
    assert sorted(seen) == sorted(noisy.mentees["teacher_id"])


@settings(max_examples=15, deadline=None)
@given(st.data())
def test_recused_scores_are_always_refused(data):
    """Whatever the schools of entries and jurors, a score of a juror for an entry of their own school
    is refused, and the planned scores alone are accepted."""
    from contest.assign import assign_jury, conflicts
    from contest.people import make_people

    schools = ["101", "102", "103", "104"]
    e = PEOPLE.entries.copy()
    j = PEOPLE.jury.copy()
    e["school_ids"] = [
        tuple(data.draw(st.lists(st.sampled_from(schools), min_size=1, max_size=2, unique=True)))
        for _ in range(len(e))
    ]
    j["school_id"] = [data.draw(st.sampled_from(schools + [""])) for _ in range(len(j))]
    people = make_people(e, j)
    bad = conflicts(CONTEST, people)
    try:
        plan = assign_jury(CONTEST, people, stage_id="S1")
    except ContestError:
        return  # not enough admissible jurors: refused up front
    assert not any((r.entry_id, r.juror_id) in bad for r in plan.itertuples())
    crit = [c.id for t in CONTEST.stages[0].tasks for c in t.criteria]
    rows = [(r.entry_id, r.juror_id, k, 1) for r in plan.itertuples() for k in crit]
    folder = _mkdtemp()
    people_path = folder / "people.xlsx"
    from tests.contest._io_fixtures import write_people_xlsx

    pe = people.entries.copy()
    pe["school_ids"] = [";".join(s) for s in pe["school_ids"]]
    write_people_xlsx(people_path, pe, people.jury)
    people = load_people(people_path)
    ok = folder / "ok.csv"
    pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion_id", "score"]).to_csv(ok, index=False)
    load_scores(ok, CONTEST, people)
    if not bad:
        return
    (entry, juror), _why = sorted(bad.items())[data.draw(st.integers(0, len(bad) - 1))]
    extra = rows + [(entry, juror, k, 1) for k in crit]
    worse = folder / "recused.csv"
    pd.DataFrame(extra, columns=["entry_id", "juror_id", "criterion_id", "score"]).to_csv(worse, index=False)
    try:
        load_scores(worse, CONTEST, people)
    except ContestError as exc:
        assert "отведён" in exc.report()
    else:
        raise AssertionError(f"recused scores of {juror} for {entry} were accepted")
