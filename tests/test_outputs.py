"""Whole, deterministic, safe outputs; personal data; audit rows.

* an interrupted run (SIGTERM or SIGKILL in the middle of writing) leaves the
  previous file intact and no partial file;
* two runs on the same input write workbooks with identical cell contents —
  for the matching result except exactly two rows of «Параметры»:
  «Сформировано (UTC)» (when the result was made) and «Время подбора, с»
  (the solver's wall time), which are kept on purpose for the audit;
* text from the input that starts with ``=``, ``+``, ``-``, ``@``, tab or CR
  is stored as text in every export (matching result, protocol, public
  ranking, score sheets);
* XML bombs and zip bombs are refused before a spreadsheet library opens them;
* the public ranking carries names only with consent; error messages carry
  row numbers and ids, never full names; the main jobs run with networking
  blocked;
* «Параметры» of the matching result and of the protocol record the input
  SHA-256, the package version and the configuration.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import tandem
from contest.cli import main as contest_main
from matching.cli import main as matching_main
from tandem.cli import run_cli
from tandem.errors import InputError
from tandem.xlsx import FORMULA_TRIGGERS, atomic_save, check_xlsx, new_workbook

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
REG = BAD / "registry"
CON = BAD / "contest"
CONTEST_ARGS = [str(CON / "base.yaml"), str(CON / "base_people.xlsx"), str(CON / "base_scores.csv")]

#: The rows of «Параметры» (matching output and contest protocol) that differ between runs by design.
VOLATILE_PARAMETERS = {"Сформировано (UTC)", "Время подбора, с"}


def cells(path: Path, skip_parameters: bool = False) -> dict:
    """Every sheet's cell values (and types) by sheet title, optionally without the volatile rows."""
    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows():
            vals = tuple((c.value, c.data_type) for c in row)
            if skip_parameters and ws.title == "Параметры" and vals and vals[0][0] in VOLATILE_PARAMETERS:
                continue
            rows.append(vals)
        out[ws.title] = rows
    return out


def run_matching(registry: Path, out: Path, capsys=None) -> int:
    code = run_cli(matching_main, ["run", str(registry), "--out", str(out)])
    if capsys is not None:
        capsys.readouterr()
    return code


# --------------------------------------------------------------------------- 3. whole outputs
_SLOW_SAVE = """
import os, sys, time
from pathlib import Path
import openpyxl.workbook.workbook as W
flag = Path(sys.argv[1])
def slow_save(self, filename):
    Path(filename).write_bytes(b"PK\\x03\\x04 half of a workbook")
    flag.write_text(str(filename))
    time.sleep(60)
W.Workbook.save = slow_save
sys.argv = sys.argv[2:]
from tandem.cli import run_cli
from matching.cli import main
sys.exit(run_cli(main, sys.argv))
"""


def _start_slow_run(tmp_path: Path, out: Path):
    flag = tmp_path / "writing.flag"
    script = tmp_path / "slow.py"
    script.write_text(_SLOW_SAVE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, str(script), str(flag), "run", str(REG / "R00_base.xlsx"), "--out", str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 90
    while not flag.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.time() < deadline, "the run never started writing"
        time.sleep(0.05)
    return proc, Path(flag.read_text())


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_killed_mid_write_keeps_previous_file(tmp_path, sig):
    out_dir = tmp_path / "out"
    out = out_dir / "tandems.xlsx"
    assert run_matching(REG / "R00_base.xlsx", out) == 0
    before = out.read_bytes()
    proc, tmp = _start_slow_run(tmp_path, out)
    assert tmp.parent == out_dir and tmp.name != out.name and tmp.exists()
    proc.send_signal(sig)
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert out.read_bytes() == before, "the previous result must stay intact"
    if sig == signal.SIGTERM:
        assert "Traceback" not in stderr
        assert sorted(p.name for p in out_dir.iterdir()) == [out.name], "no partial or temporary file"
    else:  # SIGKILL cannot be handled: the next save removes the dead process's temporary file
        assert tmp.exists()
        wb = new_workbook()
        wb.create_sheet("Лист")
        atomic_save(wb, out_dir / "tandems.xlsx")
        assert sorted(p.name for p in out_dir.iterdir()) == [out.name]


def test_failed_save_leaves_nothing(tmp_path, monkeypatch):
    import openpyxl.workbook.workbook as W

    def broken(self, filename):
        Path(filename).write_bytes(b"partial")
        raise OSError("диск заполнен")

    out = tmp_path / "result.xlsx"
    monkeypatch.setattr(W.Workbook, "save", broken)
    wb = new_workbook()
    wb.create_sheet("Лист")
    with pytest.raises(OSError):
        atomic_save(wb, out)
    assert list(tmp_path.iterdir()) == []


def test_two_matching_runs_identical_cells(tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run_matching(ROOT / "data" / "sample_district.xlsx", a) == 0
    assert run_matching(ROOT / "data" / "sample_district.xlsx", b) == 0
    ca, cb = cells(a, skip_parameters=True), cells(b, skip_parameters=True)
    assert ca == cb
    params = [r[0][0] for r in cells(a)["Параметры"]]
    assert VOLATILE_PARAMETERS <= set(params)  # kept, only ignored in the comparison
    assert len(params) - len(ca["Параметры"]) == len(VOLATILE_PARAMETERS)
    wa, wb = load_workbook(a), load_workbook(b)
    assert wa.properties.creator == wb.properties.creator and wa.properties.created == wb.properties.created


def test_two_contest_runs_identical_cells(tmp_path, capsys):
    outs = []
    for name in ("a", "b"):
        out, pub = tmp_path / f"{name}.xlsx", tmp_path / f"{name}_public.xlsx"
        assert run_cli(contest_main, ["results", *CONTEST_ARGS, "--out", str(out), "--public", str(pub)]) == 0
        sheets = tmp_path / f"{name}_sheets"
        assert run_cli(contest_main, ["sheets", CONTEST_ARGS[0], CONTEST_ARGS[1], "--out", str(sheets)]) == 0
        outs.append((out, pub, sheets))
    capsys.readouterr()
    (a, ap, asheets), (b, bp, bsheets) = outs
    assert cells(a, skip_parameters=True) == cells(b, skip_parameters=True)
    assert "Сформировано (UTC)" in [r[0][0] for r in cells(a)["Параметры"]]  # audit: when it was made
    assert cells(ap) == cells(bp)
    names = sorted(p.name for p in asheets.iterdir())
    assert names == sorted(p.name for p in bsheets.iterdir())
    for n in names:
        assert cells(asheets / n) == cells(bsheets / n)


# --------------------------------------------------------------------------- 4. safe Excel
INJECTED = [
    '=HYPERLINK("http://example.com","x")',
    "+7 999 000-00-00",
    "-Лебедев",
    "@SUM(A1)",
    "\tМорозова",
    "\rОрлова",
]


def _assert_no_injected_formulas(path: Path, must_contain=()):
    """No input text became a formula: every cell is a value; formula-like text is a text cell."""
    wb = load_workbook(path)
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    # the only formulas we write are our own row totals of the score sheets
                    assert str(c.value).startswith("=SUM(") and ws.title == "Оценочный лист", (
                        path.name,
                        c.coordinate,
                        c.value,
                    )
                    continue
                if isinstance(c.value, str) and c.value.startswith(FORMULA_TRIGGERS):
                    assert c.data_type in ("s", "inlineStr", "str"), (path.name, c.coordinate, c.value)
                    seen.add(c.value)
                if isinstance(c.value, str):
                    for s in must_contain:
                        if s in c.value:
                            seen.add(s)
    for s in must_contain:
        assert s in seen, f"{s!r} not found in {path.name}"


def test_formula_like_text_stays_text_in_matching_output(tmp_path, capsys):
    out = tmp_path / "r.xlsx"
    assert run_matching(REG / "R44_formula_like_text.xlsx", out, capsys) == 0
    _assert_no_injected_formulas(out, must_contain=["=HYPERLINK(", "@SUM(A1)"])


def _people_with_formulas(path: Path) -> Path:
    from tests.contest._io_fixtures import ENTRIES, JURY, write_people_xlsx

    e, j = ENTRIES.copy(), JURY.copy()
    for col, vals in (("title", INJECTED), ("mentor_name", INJECTED[1:] + INJECTED[:1])):
        e[col] = vals[: len(e)]
    e["mentee_name"] = ["=1+1", "@cmd", "-x", "+y", "\tz"]
    e["publish_consent"] = [True] * len(e)
    j["full_name"] = ["=Орлова", "+Белов", "-Морозова", "@Новиков", "\tФёдорова"]
    j["organization"] = ["=ИМЦ", "@Школа", "+Школа", "-Институт", "\rШкола"]
    return write_people_xlsx(path, e, j)


def test_formula_like_text_stays_text_in_contest_exports(tmp_path, capsys):
    from contest import load_contest
    from contest.people import load_people
    from contest.sheets import score_cells

    people = _people_with_formulas(tmp_path / "people.xlsx")
    p = load_people(people)
    assert p.entries["title"].iloc[0].startswith("=")  # read back as text, not as a formula result
    sheets = tmp_path / "sheets"
    assert run_cli(contest_main, ["sheets", CONTEST_ARGS[0], str(people), "--out", str(sheets)]) == 0
    # fill the sheets from the base scores, then score them
    scores = pd.read_csv(CONTEST_ARGS[2], dtype=str)
    by_key = {(r[0], r[1], r[2]): float(r[3]) for r in scores.itertuples(index=False)}
    c = load_contest(CONTEST_ARGS[0])
    for f in sheets.iterdir():
        _assert_no_injected_formulas(f)
        wb = load_workbook(f)
        ws = wb["Оценочный лист"]
        for cell, eid, juror, cid in score_cells(wb)[
            ["cell", "entry_id", "juror_id", "criterion_id"]
        ].itertuples(index=False):
            ws[cell].value = by_key[(eid, juror, cid)]
        wb.save(f)
    out, pub = tmp_path / "protocol.xlsx", tmp_path / "public.xlsx"
    code = run_cli(
        contest_main,
        ["results", CONTEST_ARGS[0], str(people), str(sheets), "--out", str(out), "--public", str(pub)],
    )
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    assert c.name
    _assert_no_injected_formulas(out, must_contain=["=HYPERLINK(", "=Орлова", "@Новиков"])
    _assert_no_injected_formulas(pub, must_contain=["=1+1", "@cmd"])


def test_entity_expansion_bomb_is_refused():
    bomb = REG / "R50_entity_bomb.xlsx"
    with pytest.raises(InputError, match="DTD"):
        check_xlsx(bomb)
    # openpyxl parses through defusedxml: the bomb raises instead of expanding
    from defusedxml import DefusedXmlException

    with pytest.raises(ValueError) as err:
        load_workbook(bomb)
    assert isinstance(err.value.__cause__ or err.value.__context__, DefusedXmlException)
    # calamine (registry reader) does not expand DTD entities at all: it stops at the unknown entity
    import python_calamine as pc

    with pytest.raises(Exception, match="entity"):
        pc.CalamineWorkbook.from_path(str(bomb)).get_sheet_by_name("Педагоги").to_python()


def test_zip_bomb_refused_within_memory(tmp_path):
    """The 300 MB-when-unpacked workbook is refused from the zip directory, in a fresh process."""
    code = textwrap.dedent(f"""
        import resource, sys
        from matching import load_registry
        from tandem.errors import InputError
        try:
            load_registry({str(REG / "R51_zip_bomb.xlsx")!r})
        except InputError as exc:
            print(exc.report())
        print("maxrss_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "после распаковки" in r.stdout
    rss_kb = int(r.stdout.split("maxrss_kb")[1])
    assert rss_kb < 1024 * 1024, f"peak memory {rss_kb} KB"


def test_size_limits_have_clear_messages(tmp_path, monkeypatch):
    import tandem.xlsx as X

    monkeypatch.setattr(X, "MAX_FILE_BYTES", 1000)
    with pytest.raises(InputError, match="файл слишком большой"):
        check_xlsx(ROOT / "data" / "sample_district.xlsx")
    monkeypatch.setattr(X, "MAX_FILE_BYTES", 20 * 1024 * 1024)
    monkeypatch.setattr(X, "MAX_ROWS", 100)
    with pytest.raises(InputError, match="слишком много строк"):
        check_xlsx(ROOT / "data" / "sample_district.xlsx")


# --------------------------------------------------------------------------- 5. personal data
def _full_names() -> set[str]:
    from tests.data.make_bad import ENTRIES, JURY, TEACHERS

    names = (
        {t[1] for t in TEACHERS} | {e[3] for e in ENTRIES} | {e[4] for e in ENTRIES} | {j[1] for j in JURY}
    )
    return names | {"Королёва", "Ёлкина", "Другая Анна Петровна"}


def test_error_messages_carry_ids_not_names(capsys, tmp_path):
    import csv

    with open(BAD / "manifest.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["outcome"] == "refused"]
    names = _full_names()
    for row in rows:
        if row["input"] == "registry":
            run_cli(matching_main, ["run", str(BAD / row["path"]), "--out", str(tmp_path / "x.xlsx")])
        else:
            files = {"definition": CONTEST_ARGS[0], "people": CONTEST_ARGS[1], "scores": CONTEST_ARGS[2]}
            files[row["input"]] = str(BAD / row["path"])
            run_cli(
                contest_main,
                [
                    "results",
                    files["definition"],
                    files["people"],
                    files["scores"],
                    "--out",
                    str(tmp_path / "x.xlsx"),
                ],
            )
        err = capsys.readouterr().err
        leaked = [n for n in names if n in err]
        assert not leaked, f"{row['case']}: full names in the message: {leaked}"


def test_public_ranking_has_names_only_with_consent(tmp_path, capsys):
    out, pub = tmp_path / "p.xlsx", tmp_path / "pub.xlsx"
    assert run_cli(contest_main, ["results", *CONTEST_ARGS, "--out", str(out), "--public", str(pub)]) == 0
    capsys.readouterr()
    from tests.data.make_bad import ENTRIES, JURY

    text = "\n".join(str(v) for rows in cells(pub).values() for r in rows for v, _t in r if v is not None)
    for e in ENTRIES:
        consent = e[6] == "да"
        assert (e[3] in text) == consent and (e[4] in text) == consent, e[0]
        assert e[0] in text  # the code is always there
    for j in JURY:
        assert j[1] not in text  # jurors are not in the public ranking
    assert "Коды ОО" not in text and "101;103" not in text


@pytest.fixture
def no_network(monkeypatch):
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise OSError("сеть отключена в тесте")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return calls


def test_main_jobs_run_without_network(tmp_path, capsys, no_network):
    assert run_matching(ROOT / "data" / "sample_district.xlsx", tmp_path / "t.xlsx") == 0
    data = ROOT / "data" / "contests"
    assert (
        run_cli(
            contest_main,
            [
                "results",
                str(data / "pedagogical_duet.yaml"),
                str(data / "pedagogical_duet_people.xlsx"),
                str(data / "pedagogical_duet_sheets"),
                "--adjustments",
                str(data / "pedagogical_duet_adjustments.csv"),
                "--out",
                str(tmp_path / "p.xlsx"),
                "--public",
                str(tmp_path / "pub.xlsx"),
            ],
        )
        == 0
    )
    assert (
        run_cli(
            contest_main,
            [
                "sheets",
                str(data / "pedagogical_duet.yaml"),
                str(data / "pedagogical_duet_people.xlsx"),
                "--out",
                str(tmp_path / "s"),
            ],
        )
        == 0
    )
    capsys.readouterr()
    assert no_network == []


# --------------------------------------------------------------------------- 6. audit
def _params(path: Path) -> dict:
    ws = load_workbook(path)["Параметры"]
    return {r[0].value: r[1].value for r in ws.iter_rows(min_row=2) if r[0].value is not None}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_matching_parameters_record_the_audit_trail(tmp_path, capsys):
    from matching import load_registry, match
    from matching.export import write_result

    reg = REG / "R00_base.xlsx"
    out = tmp_path / "r.xlsx"
    assert run_matching(reg, out, capsys) == 0
    p = _params(out)
    assert p["SHA-256 входного файла"] == _sha(reg)
    assert p["Входной файл"] == reg.name
    assert p["Программа"] == f"Тандем {tandem.__version__}"
    made = pd.Timestamp(p["Сформировано (UTC)"])
    assert abs((pd.Timestamp.now(tz="UTC").tz_localize(None) - made).total_seconds()) < 600
    assert any(k.startswith("Вес:") for k in p)
    assert "Макс. расстояние для очного формата, км" in p
    assert p["Статус решателя"]
    # manual overrides of a run (the notebook's lock / forbid buttons) are recorded too
    registry = load_registry(reg)
    result = match(
        registry,
        extra_locked=pd.DataFrame({"mentee_id": ["Н2"], "mentor_id": ["Т2"]}),
        extra_forbidden=pd.DataFrame({"mentee_id": ["Н1"], "mentor_id": ["Т3"]}),
    )
    p = _params(write_result(result, registry, tmp_path / "o.xlsx"))
    assert p["Закреплено вручную"] == "Н2 — Т2"
    assert p["Запрещено вручную"] == "Н1 — Т3"


def test_protocol_parameters_record_the_audit_trail(tmp_path, capsys):
    data = ROOT / "data" / "contests"
    files = [
        data / "pedagogical_duet.yaml",
        data / "pedagogical_duet_people.xlsx",
        data / "pedagogical_duet_scores.csv",
    ]
    adj = data / "pedagogical_duet_adjustments.csv"
    out = tmp_path / "p.xlsx"
    assert (
        run_cli(contest_main, ["results", *map(str, files), "--adjustments", str(adj), "--out", str(out)])
        == 0
    )
    capsys.readouterr()
    p = _params(out)
    values = {str(v) for v in p.values()}
    for f in (*files, adj):
        assert _sha(f) in values, f.name
    assert p["Версия пакета «Тандем»"] == tandem.__version__
    for key in (
        "Версия описания конкурса (SHA-256, первые 12 знаков)",
        "Нормализация",
        "Экспертов на работу",
        "Отвод экспертов",
        "Этапы итоговой суммы",
        "Правила разрешения равенства",
    ):
        assert p.get(key) not in (None, ""), key
