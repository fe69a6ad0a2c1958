"""Regenerate the sample diagnosis and register of the sample district (seeded, repeatable).

Writes next to this script:

``questionnaires/<код ОО>.xlsx``
    The filled questionnaires of every school of ``data/sample_district.xlsx``
    (one row per teacher and deficit). A level below 2 is given exactly for
    the deficits the registry lists, so importing them reproduces the
    registry's deficits; the curator's assessment is filled in about 60 % of
    the rows and then counts, whatever the self-assessment says.
``sample_register.xlsx``
    The register of tandems: the matched pairs approved by order from
    1 September 2026 to 31 May 2027, then a few ended: completed or ended
    early in December (one on 31 December, the last day of the half-year)
    and in the winter.
``repeat_2027-05.csv``
    The repeat diagnosis in May 2027 of the mentees whose pair is still in
    force until 31 May, as the CSV export of an online form (self-assessment
    only): about 60 % of their deficits reach level 2 or 3.

Usage::

    python data/diagnosis/make_diagnosis.py
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from matching import load_registry, match  # noqa: E402
from mentoring import Register, approve, change_status, write_register  # noqa: E402
from mentoring.diagnosis import ANSWER_COLUMNS, LEVEL_CHOICES, questionnaire_rows  # noqa: E402
from tandem.xlsx import atomic_save, new_workbook, write_table  # noqa: E402

SEED = 20260901
ORDER = "Приказ № 45 от 01.09.2026"
START = dt.date(2026, 9, 1)
#: Status changes of the sample register: (pair position in the approved order, status, day, reason).
ENDINGS = (
    (2, "прекращена досрочно", dt.date(2026, 11, 20), "переезд наставляемого в другой район"),
    (5, "прекращена досрочно", dt.date(2026, 12, 31), "длительная болезнь наставника"),
    (9, "завершена", dt.date(2026, 12, 31), ""),
    (13, "прекращена досрочно", dt.date(2027, 2, 10), "увольнение наставника"),
    (17, "завершена", dt.date(2027, 1, 29), ""),
)


def _cell(rng: np.random.Generator, level: int):
    """A level as a school writes it: mostly the drop-down item, sometimes a bare number."""
    return LEVEL_CHOICES[level] if rng.random() < 0.8 else level


def questionnaires(registry, rng: np.random.Generator, out: Path) -> None:
    deficits = dict(zip(registry.teachers["teacher_id"], registry.teachers["deficits"]))
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.xlsx"):
        old.unlink()
    for sid in sorted(set(registry.teachers["school_id"])):
        rows = questionnaire_rows(registry, sid)
        self_l, cur_l = [], []
        for tid, code in zip(rows["teacher_id"], rows["code"]):
            level = int(rng.integers(0, 2) if code in deficits[tid] else rng.integers(2, 4))
            if rng.random() < 0.6:
                cur_l.append(_cell(rng, level))
                self_l.append(_cell(rng, int(rng.integers(0, 4))))
            else:
                cur_l.append(None)
                self_l.append(_cell(rng, level))
        rows["self_level"], rows["curator_level"] = self_l, cur_l
        wb = new_workbook()
        write_table(
            wb.create_sheet("Анкета"),
            rows,
            headers=ANSWER_COLUMNS,
        )
        atomic_save(wb, out / f"{sid}.xlsx")


def register(registry) -> Register:
    pairs = match(registry).pairs.rename(columns={"pair_format": "format"})[
        ["mentee_id", "mentor_id", "format"]
    ]
    experience = dict(zip(registry.teachers["teacher_id"], registry.teachers["experience_years"]))
    reg, _ = approve(Register(), pairs, order=ORDER, start=START, experience=experience)
    for k, status, day, reason in ENDINGS:
        p = reg.pairs.iloc[k]
        reg = change_status(
            reg,
            p["mentee_id"],
            p["mentor_id"],
            status,
            on=day,
            reason=reason,
            basis=f"Приказ от {day:%d.%m.%Y}",
        )
    return reg


def repeat(registry, reg: Register, rng: np.random.Generator) -> pd.DataFrame:
    deficits = dict(zip(registry.teachers["teacher_id"], registry.teachers["deficits"]))
    may = reg.pairs[(reg.pairs["end"] == dt.date(2027, 5, 31)) & (reg.pairs["status"] == "действует")]
    rows = []
    for tid in may["mentee_id"]:
        for code in registry.deficits["code"]:
            if code in deficits[tid]:
                level = int(rng.integers(2, 4) if rng.random() < 0.6 else rng.integers(0, 2))
            else:
                level = int(rng.integers(2, 4))
            rows.append((tid, code, level))
    return pd.DataFrame(rows, columns=["Код педагога", "Код дефицита", "Самооценка"])


def main() -> None:
    registry = load_registry(ROOT / "data" / "sample_district.xlsx")
    rng = np.random.default_rng(SEED)
    questionnaires(registry, rng, HERE / "questionnaires")
    reg = register(registry)
    write_register(reg, HERE / "sample_register.xlsx")
    repeat(registry, reg, rng).to_csv(
        HERE / "repeat_2027-05.csv", index=False, encoding="utf-8", lineterminator="\n"
    )
    print(f"анкет: {len(list((HERE / 'questionnaires').glob('*.xlsx')))}, пар: {len(reg.pairs)}")


if __name__ == "__main__":
    main()
