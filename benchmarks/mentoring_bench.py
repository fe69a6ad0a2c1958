"""Benchmark of the half-year report and the diagnosis import on the region (not part of the tests).

* **report** — ``python -m mentoring report`` in-process on the region of
  :data:`bench_data.REGION` (60,000 teachers, 400 schools): loading the
  registry and the register, «Показатели.xlsx» and the Word note with its
  charts. Target: under 30 s. The register is generated (not timed): about
  85 % of the mentees get a random mentor from 1 Sep 2026, and some pairs
  are completed or ended early in the winter.
* **import** — 10,000 filled questionnaires (10,000 teachers × 26 deficits =
  260,000 answers) read, validated and applied to the region's registry,
  twice: as per-school workbooks (one .xlsx per school, as schools send
  them) and as one CSV (an online form's export). Target: under 60 s each.
* **documents** — ``write_documents`` (the order annex, one programme per
  pair, the network agreements): for the sample district (about 50 pairs,
  target under 10 s) and for 1,000 pairs in force of the region's register
  (target under 60 s).

Each step runs once (the numbers are minutes-scale budgets, not
micro-timings). Usage::

    .venv/bin/python benchmarks/mentoring_bench.py [--out benchmarks/results/DATE_mentoring.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_data import CACHE, REGION, registry_folder  # noqa: E402

from matching import load_registry  # noqa: E402
from mentoring.cli import main as cli_main  # noqa: E402
from mentoring.diagnosis import ANSWER_COLUMNS, LEVEL_CHOICES, questionnaire_rows  # noqa: E402
from mentoring.diagnosis_io import import_diagnosis  # noqa: E402
from mentoring.documents_io import write_documents  # noqa: E402
from mentoring.register import Register, in_force  # noqa: E402
from mentoring.register_io import load_register, write_register  # noqa: E402
from tandem.xlsx import atomic_save, new_workbook, write_table  # noqa: E402

QUESTIONNAIRES = 10_000
SEED = 7
ON = dt.date(2027, 1, 15)


def make_register(registry, path: Path) -> Path:
    """A plausible register of the region: random pairs, a few ended (generated once, cached)."""
    if path.exists():
        return path
    rng = np.random.default_rng(SEED)
    mentees = registry.mentees["teacher_id"].to_numpy()
    mentors = registry.mentors["teacher_id"].to_numpy()
    chosen = mentees[rng.random(len(mentees)) < 0.85]
    n = len(chosen)
    status = rng.choice(
        ["действует", "завершена", "прекращена досрочно", "продлена"], n, p=[0.9, 0.04, 0.04, 0.02]
    )
    start = dt.date(2026, 9, 1)
    ends = [
        dt.date(2027, 5, 31) if s in ("действует", "продлена") else start + dt.timedelta(days=int(d))
        for s, d in zip(status, rng.integers(90, 200, n))
    ]
    pairs = pd.DataFrame(
        {
            "mentee_id": chosen,
            "mentor_id": rng.choice(mentors, n),
            "form": "педагог – педагог",
            "format": "смешанно",
            "start": start,
            "end": ends,
            "status": status,
            "order": "Приказ № 45 от 01.09.2026",
            "reason": ["перевод в другую ОО" if s == "прекращена досрочно" else "" for s in status],
        }
    )
    write_register(Register(pairs=pairs), path)
    return path


def make_questionnaires(registry, folder: Path, csv_path: Path) -> tuple[Path, Path]:
    """10,000 teachers' filled questionnaires: per-school workbooks and one CSV (cached)."""
    if (folder / "done").exists() and csv_path.exists():
        return folder, csv_path
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    schools = sorted(set(registry.teachers["school_id"]))
    frames, count = [], 0
    for sid in schools:
        rows = questionnaire_rows(registry, sid)
        teachers = rows["teacher_id"].nunique()
        if count + teachers > QUESTIONNAIRES:
            keep = rows["teacher_id"].drop_duplicates().iloc[: QUESTIONNAIRES - count]
            rows = rows[rows["teacher_id"].isin(keep)]
            teachers = len(keep)
        levels = rng.integers(0, 4, len(rows))
        rows["self_level"] = [LEVEL_CHOICES[k] for k in levels]
        rows["curator_level"] = np.where(rng.random(len(rows)) < 0.5, levels, None)
        wb = new_workbook()
        write_table(wb.create_sheet("Анкета"), rows, headers=_HEADERS)
        atomic_save(wb, folder / f"{sid}.xlsx")
        frames.append(rows)
        count += teachers
        if count >= QUESTIONNAIRES:
            break
    # an online form exports codes and numbers only (the file stays under the 20 MB input limit)
    long = pd.concat(frames)[["teacher_id", "code", "self_level", "curator_level"]]
    long["self_level"] = long["self_level"].str[0]
    long.rename(columns=_HEADERS).to_csv(csv_path, index=False, encoding="utf-8")
    (folder / "done").write_text(str(count), encoding="utf-8")
    return folder, csv_path


_HEADERS = ANSWER_COLUMNS


def timed(fn):
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", help="write the table (Markdown) here too")
    args = p.parse_args(argv)
    folder = registry_folder(REGION)
    registry = load_registry(folder)
    register = make_register(registry, CACHE / "mentoring-register.xlsx")
    qdir, qcsv = make_questionnaires(registry, CACHE / "questionnaires", CACHE / "questionnaires.csv")
    lines = [
        f"Region: {len(registry.teachers):,} teachers, {registry.schools['school_id'].nunique()} schools, "
        f"{len(registry.mentees):,} mentees; {QUESTIONNAIRES:,} questionnaires × {len(registry.deficits)} deficits.",
        "",
        "| step | seconds | target |",
        "| --- | ---: | ---: |",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        argv_report = [
            "report",
            str(register),
            str(folder),
            "--on",
            f"{ON:%Y-%m-%d}",
            "--out",
            str(Path(tmp) / "r"),
        ]
        sec, code = timed(lambda: cli_main(argv_report))
        assert code == 0
        lines.append(
            f"| report on the region (load registry + register, xlsx, docx, charts) | {sec:.1f} | 30 |"
        )
    sec, (new, answers) = timed(lambda: import_diagnosis(qdir, registry))
    assert answers["teacher_id"].nunique() == QUESTIONNAIRES
    files = len(list(qdir.glob("*.xlsx")))
    lines.append(
        f"| import {QUESTIONNAIRES:,} questionnaires, {files} school workbooks "
        f"({len(answers):,} answers) | {sec:.1f} | 60 |"
    )
    sec, (new, answers) = timed(lambda: import_diagnosis(qcsv, registry))
    lines.append(
        f"| import {QUESTIONNAIRES:,} questionnaires, one CSV ({len(answers):,} answers) | {sec:.1f} | 60 |"
    )
    data = HERE.parent / "data"
    sample_reg, sample_registry = (
        load_register(data / "sample_register.xlsx"),
        load_registry(data / "sample_district.xlsx"),
    )
    day = dt.date(2026, 10, 1)
    with tempfile.TemporaryDirectory() as tmp:
        sec, paths = timed(lambda: write_documents(sample_reg, sample_registry, Path(tmp) / "d", day))
    n = len(in_force(sample_reg.pairs, day))
    lines.append(
        f"| documents of the sample district ({n} pairs in force, {len(paths)} files) | {sec:.1f} | 10 |"
    )
    region_reg = load_register(register)
    live = in_force(region_reg.pairs, ON).sort_values("mentee_id").head(1000)
    region_reg.pairs = live.reset_index(drop=True)
    with tempfile.TemporaryDirectory() as tmp:
        sec, paths = timed(lambda: write_documents(region_reg, registry, Path(tmp) / "d", ON))
    lines.append(f"| documents of 1,000 pairs of the region ({len(paths)} files) | {sec:.1f} | 60 |")
    text = "\n".join(lines)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
