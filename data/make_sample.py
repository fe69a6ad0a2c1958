"""Regenerate the embedded sample registry of a fictional rural district.

Writes ``sample_district.xlsx`` (Russian sheet names and headers) and
``sample_district_csv/`` (the same registry as UTF-8 CSV files with English
headers) next to this script, from :func:`matching.synthetic.generate_registry`
with a fixed seed, and prints a short summary.

Usage::

    python data/make_sample.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from matching.registry_writer import write_registry_csv, write_registry_xlsx  # noqa: E402
from matching.synthetic import DEFAULT_SEED, design_feasibility, generate_registry  # noqa: E402

#: Parameters of the sample: one district, 250 teachers.
SAMPLE = dict(districts=1, teachers=250, seed=DEFAULT_SEED)


def summary(frames) -> dict[str, int]:
    """Headline numbers of a registry (counts of rows and people by role)."""
    t = frames["teachers"]
    willing = t[t["role"].isin(["наставник", "оба"]) & (t["consent"] == "да")]
    mentee_ids = t.loc[t["role"].isin(["наставляемый", "оба"]), "teacher_id"]
    feasible = design_feasibility(frames)
    return {
        "schools": len(frames["schools"]),
        "teachers": len(t),
        "mentees (наставляемый)": int((t["role"] == "наставляемый").sum()),
        "both (оба)": int((t["role"] == "оба").sum()),
        "possible mentors (with strengths)": int((t["strengths"] != "").sum()),
        "consenting mentors (incl. оба)": len(willing),
        "total mentor capacity": int(willing["capacity"].sum()),
        "deficit codes": len(frames["deficits"]),
        "locked": len(frames["locked"]),
        "forbidden": len(frames["forbidden"]),
        "preferences": len(frames["preferences"]),
        "mentees with no feasible mentor": int((~mentee_ids.isin(feasible["mentee_id"])).sum()),
    }


def main() -> None:
    frames = generate_registry(**SAMPLE)
    write_registry_xlsx(frames, HERE / "sample_district.xlsx")
    write_registry_csv(frames, HERE / "sample_district_csv")
    for key, value in summary(frames).items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
