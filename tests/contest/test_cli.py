"""``python -m contest``: end to end on the sample, and bad input → exit 2, no output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from contest.cli import main
from tandem.cli import run_cli

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "contests"
DUET = [str(DATA / "pedagogical_duet.yaml"), str(DATA / "pedagogical_duet_people.xlsx")]
PRACTICES = [str(DATA / "best_practices.yaml"), str(DATA / "best_practices_people.xlsx")]


def cli(args, capsys):
    code = run_cli(main, [str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_module_entry_point_end_to_end(tmp_path):
    out = tmp_path / "protocol.xlsx"
    pub = tmp_path / "public.xlsx"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "contest",
            "results",
            *DUET,
            str(DATA / "pedagogical_duet_scores.csv"),
            "--out",
            str(out),
            "--public",
            str(pub),
            "--adjustments",
            str(DATA / "pedagogical_duet_adjustments.csv"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert out.exists() and pub.exists()
    assert "Первое место:" in r.stdout and "Победитель" in r.stdout
    ranking = pd.read_excel(out, sheet_name="Протокол", engine="calamine", header=None)
    assert "Победитель" in set(ranking[9].dropna()) | set(ranking[10].dropna()) | set(ranking[11].dropna())


def test_sheets_then_results_from_folder(tmp_path, capsys):
    code, out, err = cli(["sheets", *DUET, "--out", tmp_path / "s1"], capsys)
    assert code == 0, err
    files = sorted((tmp_path / "s1").glob("*.xlsx"))
    assert len(files) == 7 and "Нагрузка" in out and "Оценочные листы (7)" in out
    # stage 2 needs the stage-1 scores
    code, out, err = cli(["sheets", *DUET, "--stage", "S2", "--out", tmp_path / "s2"], capsys)
    assert code == 2 and "укажите --scores" in err and not (tmp_path / "s2").exists()
    code, out, err = cli(
        [
            "sheets",
            *DUET,
            "--stage",
            "S2",
            "--scores",
            DATA / "pedagogical_duet_scores.csv",
            "--out",
            tmp_path / "s2",
        ],
        capsys,
    )
    assert code == 0, err
    assert len(list((tmp_path / "s2").glob("*_S2.xlsx"))) >= 3
    # the sample folder of filled sheets gives the same ranking as the long form
    code, out, err = cli(
        ["results", *DUET, DATA / "pedagogical_duet_sheets", "--out", tmp_path / "a.xlsx"], capsys
    )
    assert code == 0, err
    code, out2, err = cli(
        ["results", *DUET, DATA / "pedagogical_duet_scores.csv", "--out", tmp_path / "b.xlsx"], capsys
    )
    assert code == 0, err
    a = pd.read_excel(tmp_path / "a.xlsx", sheet_name="Протокол", engine="calamine", header=None)
    b = pd.read_excel(tmp_path / "b.xlsx", sheet_name="Протокол", engine="calamine", header=None)
    pd.testing.assert_frame_equal(a, b)


def test_practices_contest(tmp_path, capsys):
    code, out, err = cli(
        [
            "results",
            *PRACTICES,
            DATA / "best_practices_sheets",
            "--out",
            tmp_path / "p.xlsx",
            "--public",
            tmp_path / "pub.xlsx",
        ],
        capsys,
    )
    assert code == 0, err
    assert "работ 10" in out and "Победитель" in out


def test_bad_people_file_exit_2_no_output(tmp_path, capsys):
    bad = tmp_path / "people.xlsx"
    shutil.copy(DATA / "pedagogical_duet_people.xlsx", bad)
    from openpyxl import load_workbook

    wb = load_workbook(bad)
    wb["Жюри"]["E2"] = "главный"
    wb.save(bad)
    out = tmp_path / "protocol.xlsx"
    code, _o, err = cli(["results", DUET[0], bad, DATA / "pedagogical_duet_scores.csv", "--out", out], capsys)
    assert code == 2
    assert "файл «people.xlsx», лист «Жюри», строка 2, столбец «Роль»: неизвестная роль «главный»" in err
    assert "Traceback" not in err and not out.exists()
    assert not list(tmp_path.glob(".protocol.xlsx*"))


def test_bad_scores_exit_2_no_output(tmp_path, capsys):
    df = pd.read_csv(DATA / "pedagogical_duet_scores.csv")
    df.loc[0, "score"] = 99
    path = tmp_path / "scores.csv"
    df.to_csv(path, index=False)
    out, pub = tmp_path / "protocol.xlsx", tmp_path / "public.xlsx"
    code, _o, err = cli(["results", *DUET, path, "--out", out, "--public", pub], capsys)
    assert code == 2
    assert "файл «scores.csv», строка 2, столбец «score»: балл 99 вне диапазона" in err
    assert not out.exists() and not pub.exists()


def test_first_stage_with_only_invalid_scores_is_not_called_not_advanced(tmp_path, capsys):
    path = tmp_path / "scores.csv"
    path.write_text("entry_id,juror_id,criterion_id,score\nД01,Ж01,V1,99\n", encoding="utf-8")
    code, _o, err = cli(["results", *DUET, path, "--out", tmp_path / "p.xlsx"], capsys)
    assert code == 2 and "балл 99 вне диапазона" in err
    assert "не прошла на этап S1" not in err  # S1 is the first stage: everyone is in it
    assert "не выставил баллы работе Д01 (этап S1)" in err


def test_missing_files_and_unknown_stage(tmp_path, capsys):
    code, _o, err = cli(["results", *DUET, tmp_path / "нет.csv", "--out", tmp_path / "p.xlsx"], capsys)
    assert code == 2 and "файл «нет.csv»: файл не найден" in err
    code, _o, err = cli(["sheets", *DUET, "--stage", "S9", "--out", tmp_path / "x"], capsys)
    assert code == 2 and "этапа «S9» нет" in err and not (tmp_path / "x").exists()
    with pytest.raises(SystemExit) as exit_:  # the shared parser of tandem.cli: exit 2, one Russian line
        cli(["results", *DUET], capsys)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "Ошибка в командной строке" in err and "--out" in err
