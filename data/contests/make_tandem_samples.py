"""Regenerate the sample people and scores of the two tandem contests built from the register.

For ``best_tandem.yaml`` («Лучший наставнический тандем — 2026») and
``mentor_mentee_team.yaml`` («Наставник + наставляемый = КОМАНДА — 2026»)
it writes, with a fixed seed:

* ``<contest>_people.xlsx`` — «Участники» built from the sample register of
  tandems ``data/sample_register.xlsx`` and the registry
  ``data/sample_district.xlsx`` by :func:`contest.entries.tandem_entries`
  (the function behind ``python -m contest entries``):

  - «Лучший наставнический тандем»: the pairs in force on 01.03.2027, of
    which 16 (drawn with the seed) applied; one entry per pair, nomination
    by the form of mentoring;
  - «Наставник + наставляемый = КОМАНДА»: every pair in force on 16.11.2026
    (the contest of the Тетюши roadmap is held in November), a mentor with
    several mentees is one team (``group=True``) — exactly what
    ``python -m contest entries data/sample_register.xlsx
    data/sample_district.xlsx --on 2026-11-16 --group-entries`` writes,
    except the consent column;

  a few participants (drawn with the seed) refused to publish their names,
  the others agreed; «Жюри» — the chair and two members from outside the
  schools (as in ``make_samples.py``) and four senior teachers of the
  district who are in no pair of the register;
* ``<contest>_scores.csv`` — plausible scores in long form for the jury plan
  of :func:`contest.assign_jury`, later stages only for the entries that
  advanced (the model of ``make_samples.py``: entry quality, juror
  severity, one harsh juror, noise).

Usage::

    python data/contests/make_tandem_samples.py
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from make_samples import OUTSIDERS, make_scores  # noqa: E402

from contest import load_contest, load_people  # noqa: E402
from contest.assign import loads  # noqa: E402
from contest.entries import tandem_entries  # noqa: E402
from contest.entries_io import write_people  # noqa: E402
from matching import load_registry  # noqa: E402
from mentoring.register import in_force  # noqa: E402
from mentoring.register_io import load_register  # noqa: E402

SEED = 2027
REGISTER = HERE.parent / "sample_register.xlsx"
REGISTRY = HERE.parent / "sample_district.xlsx"
#: Categories of the teachers who may sit on the jury.
SENIOR = ("высшая", "педагог-методист", "педагог-наставник")

#: contest file → the day, one entry per mentor?, applicants (None = every pair), harsh juror, consent refusals
PLAN = {
    "best_tandem": dict(on=dt.date(2027, 3, 1), group=False, applicants=16, harsh="Ж05", refuse=3),
    "mentor_mentee_team": dict(on=dt.date(2026, 11, 16), group=True, applicants=None, harsh="Ж04", refuse=4),
}


def sample_entries(key: str, rng: np.random.Generator, registry) -> pd.DataFrame:
    """The entries of one sample contest from the register's pairs in force."""
    cfg = PLAN[key]
    register = load_register(REGISTER, today=cfg["on"])
    live = in_force(register.pairs, cfg["on"])
    if cfg["applicants"]:
        picked = rng.choice(len(live), size=cfg["applicants"], replace=False)
        live = live.iloc[sorted(picked.tolist())]
    entries = tandem_entries(live, registry.teachers, group=cfg["group"], source=REGISTER.name, sheet="Пары")
    refuse = set(rng.choice(len(entries), size=cfg["refuse"], replace=False).tolist())
    entries["publish_consent"] = [i not in refuse for i in range(len(entries))]
    return entries


def sample_jury(rng: np.random.Generator, registry, register_ids: set[str]) -> pd.DataFrame:
    """Three jurors from outside the schools and four senior teachers in no pair of the register."""
    t = registry.teachers
    names = dict(zip(registry.schools["school_id"], registry.schools["name"]))
    free = t[t["category"].isin(SENIOR) & ~t["teacher_id"].isin(register_ids)].sort_values("teacher_id")
    rows = [{"full_name": n, "organization": o, "school_id": "", "role": r} for n, o, r in OUTSIDERS]
    schools: set[str] = set()
    for i in rng.permutation(len(free)).tolist():
        teacher = free.iloc[i]
        if teacher["school_id"] in schools:
            continue
        schools.add(teacher["school_id"])
        rows.append(
            {
                "full_name": teacher["full_name"],
                "organization": names[teacher["school_id"]],
                "school_id": teacher["school_id"],
                "role": "член жюри",
            }
        )
        if len(rows) == len(OUTSIDERS) + 4:
            break
    jury = pd.DataFrame(rows)
    jury.insert(0, "juror_id", [f"Ж{i:02d}" for i in range(1, len(jury) + 1)])
    return jury


def main() -> None:
    registry = load_registry(REGISTRY)
    pairs = load_register(REGISTER, today=PLAN["best_tandem"]["on"]).pairs
    register_ids = set(pairs["mentee_id"]) | set(pairs["mentor_id"])
    for k, key in enumerate(PLAN):
        rng = np.random.default_rng(SEED + k)
        contest = load_contest(HERE / f"{key}.yaml")
        entries = sample_entries(key, rng, registry)
        jury = sample_jury(rng, registry, register_ids)
        people_path = HERE / f"{key}_people.xlsx"
        write_people(people_path, entries, jury)
        people = load_people(people_path)
        scores, plan = make_scores(contest, people, rng, PLAN[key]["harsh"])
        scores.to_csv(HERE / f"{key}_scores.csv", index=False, encoding="utf-8")
        first = plan[plan["stage_id"] == contest.stages[0].id]
        ld = loads(first[["entry_id", "juror_id"]], people)
        reached = plan.groupby("stage_id", sort=False)["entry_id"].nunique().to_dict()
        print(
            f"{key}: работ {len(entries)}, жюри {len(jury)}, баллов {len(scores)}; работ по этапам {reached}; "
            f"нагрузка этапа {contest.stages[0].id}: {dict(zip(ld['juror_id'], ld['load']))}"
        )


if __name__ == "__main__":
    main()
