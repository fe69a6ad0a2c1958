"""Regenerate the sample year of the sample district: the register of tandems and the January registry.

Writes next to this script:

* ``sample_register.xlsx`` — the register of tandems of the sample district:
  the pairs formed by ``python -m matching run data/sample_district.xlsx``,
  approved by «Приказ № 45 от 01.09.2026» for 01.09.2026–31.05.2027, then
  the autumn's events: two pairs ended early (a move, the mentee's own
  wish), one pair completed in full ahead of time, one extended to 30.06.2027;
* ``sample_district_2027-01.xlsx`` — the same registry as it stands in
  January 2027: three young specialists hired in January (new mentees), one
  mentor who left the district, one mentor who withdrew consent, one mentor
  whose capacity went down to 1.

Everything is deterministic (no clock, no randomness beyond the registry
generator's fixed seed), so re-running the script gives the same cells.

Usage::

    python data/make_sample_register.py
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import pandas as pd  # noqa: E402

from data.make_sample import SAMPLE  # noqa: E402
from matching import load_registry, match  # noqa: E402
from matching.registry_writer import write_registry_xlsx  # noqa: E402
from matching.synthetic import generate_registry  # noqa: E402
from mentoring import Register, approve, change_status, write_register  # noqa: E402

ORDER = "Приказ № 45 от 01.09.2026"
START, END = dt.date(2026, 9, 1), dt.date(2027, 5, 31)

#: Events of the autumn: (position in the approved pairs sorted by mentee id, status, date, reason, basis).
EVENTS = [
    (
        3,
        "прекращена досрочно",
        dt.date(2026, 11, 20),
        "переезд наставляемого в другой район",
        "заявление наставляемого",
    ),
    (
        11,
        "прекращена досрочно",
        dt.date(2026, 12, 15),
        "по инициативе наставляемого",
        "служебная записка куратора",
    ),
    (19, "завершена", dt.date(2026, 12, 25), "план мероприятий выполнен в полном объёме", "отчёт куратора"),
]
#: Pair extended by mutual agreement (§4.13): position, date of the decision, new end.
EXTENDED = (27, dt.date(2027, 1, 10), dt.date(2027, 6, 30))


def sample_register(registry) -> Register:
    """The register of the sample district as of January 2027."""
    result = match(registry)
    t = registry.teachers
    experience = dict(zip(t["teacher_id"], t["experience_years"]))
    pairs = result.pairs[["mentee_id", "mentor_id", "pair_format"]].rename(columns={"pair_format": "format"})
    reg, _ = approve(Register(), pairs, order=ORDER, start=START, end=END, experience=experience)
    ordered = reg.pairs.sort_values("mentee_id", kind="stable").reset_index(drop=True)
    for pos, status, day, reason, basis in EVENTS:
        p = ordered.iloc[pos]
        reg = change_status(reg, p["mentee_id"], p["mentor_id"], status, on=day, reason=reason, basis=basis)
    pos, day, end = EXTENDED
    p = ordered.iloc[pos]
    reg = change_status(
        reg,
        p["mentee_id"],
        p["mentor_id"],
        "продлена",
        on=day,
        end=end,
        reason="по обоюдному согласию наставника и наставляемого",
        basis="решение куратора",
    )
    return reg


def january_frames(frames: dict[str, pd.DataFrame], register: Register) -> dict[str, pd.DataFrame]:
    """The registry's frames as they stand in January 2027 (see the module docstring)."""
    out = {k: v.copy() for k, v in frames.items()}
    t = out["teachers"]
    in_force = register.in_force(dt.date(2027, 1, 15))
    busy = in_force.groupby("mentor_id").size().sort_index()
    # the mentor with the most mentees leaves; the next one withdraws consent; the next one takes 1 mentee only
    leaving, withdrawing, lowering = list(busy.sort_values(ascending=False, kind="stable").index[:3])
    t = t[t["teacher_id"] != leaving].copy()
    t.loc[t["teacher_id"] == withdrawing, "consent"] = "нет"
    t.loc[t["teacher_id"] == lowering, "capacity"] = 1
    school = t.loc[t["role"] == "наставляемый", "school_id"].value_counts().sort_index().index
    deficits = sorted(out["deficits"]["code"])
    new = pd.DataFrame(
        {
            "teacher_id": ["П-901", "П-902", "П-903"],
            "full_name": ["Новикова Дарья Сергеевна", "Орлов Артём Игоревич", "Лебедева Ксения Андреевна"],
            "school_id": [school[0], school[1 % len(school)], school[2 % len(school)]],
            "role": ["наставляемый"] * 3,
            "subjects": ["математика", "русский язык; литература", "начальные классы"],
            "experience_years": [0, 0, 1],
            "category": ["без категории"] * 3,
            "deficits": ["; ".join(deficits[i : i + 2]) for i in (0, 4, 8)],
            "strengths": [""] * 3,
            "capacity": pd.array([pd.NA] * 3, dtype="Int64"),
            "format": ["смешанно"] * 3,
            "consent": ["да"] * 3,
        }
    )
    out["teachers"] = pd.concat([t, new], ignore_index=True)
    for sheet in ("locked", "forbidden", "preferences"):
        f = out.get(sheet)
        if f is not None and len(f):
            out[sheet] = f[(f["mentee_id"] != leaving) & (f["mentor_id"] != leaving)]
    return out


def main() -> None:
    registry = load_registry(HERE / "sample_district.xlsx")
    register = sample_register(registry)
    write_register(register, HERE / "sample_register.xlsx")
    january = january_frames(generate_registry(**SAMPLE), register)
    write_registry_xlsx(january, HERE / "sample_district_2027-01.xlsx")
    print(f"пар в реестре: {len(register.pairs)}; записей журнала: {len(register.log)}")
    print(f"педагогов в январском реестре: {len(january['teachers'])}")


if __name__ == "__main__":
    main()
