"""``python -m mentoring``: approve and status through the command line, and the bad-register corpus."""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mentoring import load_register
from mentoring.cli import main
from tandem.cli import run_cli

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "bad" / "register"
REGISTRY = ROOT / "tests" / "data" / "bad" / "registry" / "R00_base.xlsx"
RESULT = CORPUS / "base_result.xlsx"
ORDER = "Приказ № 45 от 01.09.2026"

with open(CORPUS / "manifest.csv", encoding="utf-8", newline="") as _f:
    CASES = list(csv.DictReader(_f))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _args(row: dict, register: Path) -> list[str]:
    if row["command"] == "status":
        return [
            "status",
            str(register),
            "--mentee",
            "Н1",
            "--mentor",
            "Т3",
            "--status",
            "завершена",
            "--on",
            "2026-12-01",
        ]
    return [
        "approve",
        str(RESULT),
        "--register",
        str(register),
        "--order",
        "Приказ № 46 от 01.10.2026",
        "--start",
        "2026-10-01",
        "--registry",
        str(REGISTRY),
    ]


def test_corpus_has_at_least_20_refusals():
    assert sum(r["outcome"] == "refused" for r in CASES) >= 20
    assert all((CORPUS / r["path"]).exists() for r in CASES)


@pytest.mark.parametrize("row", CASES, ids=[r["case"] for r in CASES])
def test_bad_register(row, tmp_path, capsys):
    register = tmp_path / Path(row["path"]).name
    shutil.copy(CORPUS / row["path"], register)
    before = _digest(register)
    code = run_cli(main, _args(row, register))
    err = capsys.readouterr().err
    if row["outcome"] == "refused":
        assert code == 2, f"{row['case']}: exit {code}; stderr:\n{err}"
        assert row["fragment"] in err, f"«{row['fragment']}» not in:\n{err}"
        assert "Traceback" not in err
        assert _digest(register) == before, "the register is not touched on refusal"
        assert sorted(p.name for p in tmp_path.iterdir()) == [register.name], "no stray files"
    else:
        assert code == 0, err
        assert len(load_register(register).pairs) == 3


def test_refusals_name_sheet_row_and_column(tmp_path, capsys):
    register = tmp_path / "r.xlsx"
    shutil.copy(CORPUS / "G04.xlsx", register)
    assert run_cli(main, _args({"command": "approve"}, register)) == 2
    err = capsys.readouterr().err
    assert "файл «r.xlsx»" in err
    assert "лист «Пары»" in err and "строка 2" in err and "столбец «Статус»" in err


def test_approve_creates_then_status_ends_a_pair(tmp_path, capsys):
    register = tmp_path / "реестр.xlsx"
    args = [
        "approve",
        str(RESULT),
        "--register",
        str(register),
        "--order",
        ORDER,
        "--start",
        "01.09.2026",
        "--registry",
        str(REGISTRY),
    ]
    assert run_cli(main, args) == 0
    reg = load_register(register)
    assert sorted(zip(reg.pairs["mentee_id"], reg.pairs["mentor_id"])) == [
        ("Н1", "Т1"),
        ("Н2", "Т2"),
        ("Н3", "Т3"),
    ]
    assert (
        run_cli(
            main,
            [
                "status",
                str(register),
                "--mentee",
                "Н2",
                "--mentor",
                "Т2",
                "--status",
                "прекращена досрочно",
                "--on",
                "2026-12-10",
                "--reason",
                "переезд",
            ],
        )
        == 0
    )
    reg = load_register(register)
    assert list(reg.log["event"]) == ["пара утверждена"] * 3 + ["статус изменён"]
    assert "Статус пары «Н2» – «Т2» изменён" in capsys.readouterr().out


def test_bad_date_on_the_command_line_is_exit_2_as_a_process(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mentoring",
            "approve",
            str(RESULT),
            "--register",
            str(tmp_path / "r.xlsx"),
            "--order",
            ORDER,
            "--start",
            "2026-13-01",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert (
        proc.returncode == 2 and "Ошибка в командной строке" in proc.stderr and "Traceback" not in proc.stderr
    )
    assert not (tmp_path / "r.xlsx").exists()


def test_documents_through_the_command_line(tmp_path, capsys):
    register = tmp_path / "реестр.xlsx"
    assert (
        run_cli(
            main,
            ["approve", str(RESULT), "--register", str(register), "--order", ORDER, "--start", "2026-09-01"],
        )
        == 0
    )
    out = tmp_path / "документы"
    assert (
        run_cli(main, ["documents", str(register), str(REGISTRY), "--out", str(out), "--on", "2026-10-01"])
        == 0
    )
    assert (out / "Приложение к приказу.docx").exists() and (out / "Сетевые договоры.xlsx").exists()
    assert len(list((out / "Программы").glob("*.docx"))) == 3
    assert "программ наставничества: 3" in capsys.readouterr().out


def test_documents_refuse_a_register_of_another_district(tmp_path, capsys):
    register = tmp_path / "r.xlsx"
    shutil.copy(CORPUS / "G18.xlsx", register)
    out = tmp_path / "документы"
    assert (
        run_cli(main, ["documents", str(register), str(REGISTRY), "--out", str(out), "--on", "2026-10-01"])
        == 2
    )
    assert "ни один педагог" in capsys.readouterr().err
    assert not out.exists()
