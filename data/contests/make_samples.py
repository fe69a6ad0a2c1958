"""Regenerate the sample people and scores of the two sample contests.

For each contest definition beside this script (``pedagogical_duet.yaml``,
``best_practices.yaml``, ``practices_by_nomination.yaml`` — places and awards
in each nomination, «сетевой тандем» / «тандем одной школы») it writes,
with a fixed seed:

* ``<contest>_people.xlsx`` — sheets «Участники» (entries: mentor + mentee
  pairs taken from the sample district registry ``data/sample_district.xlsx``)
  and «Жюри» (the chair and members from the methodological centre, a
  regional institute and schools of the district — some of them from schools
  that have entries, so that recusal matters);
* ``<contest>_scores.csv`` — plausible scores in long form
  (``entry_id, juror_id, criterion_id, score``) for the jury plan of
  :func:`contest.assign_jury`; jurors differ in severity and one juror is
  noticeably harsh; later stages are scored only for the entries that
  advanced under the earlier stages' results (:func:`contest.score`);
* ``<contest>_sheets/`` (the first two contests) — the same scores as filled
  per-juror score sheets (:mod:`contest.sheets`), the other input form of
  ``python -m contest results``;
* ``pedagogical_duet_adjustments.csv`` — one sample penalty.

Usage::

    python data/contests/make_samples.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from contest import load_contest  # noqa: E402
from contest.advance import advanced_entries  # noqa: E402
from contest.assign import assign_jury, loads  # noqa: E402
from contest.people import ENTRY_COLUMNS, JURY_COLUMNS, load_people  # noqa: E402
from contest.sheets import MAIN, build_sheets, score_cells  # noqa: E402
from tandem.xlsx import atomic_save, new_workbook, write_table  # noqa: E402

SEED = 2026
REGISTRY = HERE.parent / "sample_district.xlsx"
IMC = "МКУ «Информационно-методический центр Заречного района»"
INSTITUTE = "ГАУ ДПО «Институт развития образования»"
OUTSIDERS = [  # jurors who do not work at a school of the district (never recused)
    ("Громова Ирина Викторовна", IMC, "председатель"),
    ("Соловьёв Андрей Петрович", INSTITUTE, "член жюри"),
    ("Лаптева Ольга Сергеевна", IMC, "член жюри"),
]
DUET_TITLES = [
    "Вместе к успеху",
    "Шаг за шагом",
    "Учимся учить",
    "Два взгляда на урок",
    "Открытый класс",
    "Мастер и подмастерье",
    "Наставник рядом",
    "Диалог поколений",
    "Путь в профессию",
    "Общий проект",
    "Урок без границ",
    "Точка роста",
    "Команда двух",
    "Перезагрузка",
]
PRACTICE_TITLES = [
    "Школа молодого педагога",
    "Сетевой наставнический тандем",
    "Методический кейс-клуб",
    "Взаимопосещение уроков по чек-листу",
    "Цифровой помощник наставника",
    "Лаборатория открытого урока",
    "Педагогическая мастерская",
    "Наставничество в сельской малокомплектной школе",
    "Портфолио профессионального роста",
    "Клуб молодых классных руководителей",
    "Проектная неделя дуэтов",
    "Наставник онлайн: сетевая методическая служба",
    "Межшкольная педагогическая студия",
]

#: contest file → (entries, jurors from schools with entries, from schools without, harsh juror, consent refusals)
PLAN = {
    "pedagogical_duet": dict(n_entries=12, juror_with=3, juror_without=1, harsh="Ж06", refuse=3, network=4),
    "best_practices": dict(n_entries=10, juror_with=0, juror_without=2, harsh="Ж04", refuse=2, network=3),
    "practices_by_nomination": dict(
        n_entries=13, juror_with=1, juror_without=2, harsh="Ж05", refuse=2, network=6, sheets=False
    ),
}


def read_registry() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Schools and teachers of the sample district (Russian headers → English names)."""
    book = pd.read_excel(REGISTRY, sheet_name=None, engine="calamine", dtype=object)
    schools = book["Школы"].rename(columns={"Код ОО": "school_id", "Наименование": "name"})
    teachers = book["Педагоги"].rename(
        columns={
            "Код педагога": "teacher_id",
            "ФИО": "full_name",
            "Код ОО": "school_id",
            "Роль": "role",
            "Стаж": "experience",
            "Категория": "category",
        }
    )
    return schools, teachers


def make_people(key: str, rng: np.random.Generator, schools: pd.DataFrame, teachers: pd.DataFrame):
    """Entries (mentor + mentee pairs) and jury of one sample contest."""
    cfg = PLAN[key]
    mentors = teachers[teachers["role"].isin(["наставник", "оба"])].sample(
        frac=1, random_state=rng.integers(1 << 30)
    )
    mentees = teachers[teachers["role"].isin(["наставляемый", "оба"])].sample(
        frac=1, random_state=rng.integers(1 << 30)
    )
    used: set[str] = set()
    rows = []
    titles = DUET_TITLES if key == "pedagogical_duet" else PRACTICE_TITLES
    for mentee in mentees.itertuples(index=False):
        if len(rows) == cfg["n_entries"]:
            break
        if mentee.teacher_id in used:
            continue
        network = len(rows) < cfg["network"]  # the first few pairs are cross-school (network) tandems
        pool = mentors[
            (mentors["school_id"] != mentee.school_id)
            if network
            else (mentors["school_id"] == mentee.school_id)
        ]
        pool = pool[~pool["teacher_id"].isin(used | {mentee.teacher_id})]
        if pool.empty:
            continue
        mentor = pool.iloc[0]
        used |= {mentee.teacher_id, mentor["teacher_id"]}
        school_ids = sorted({mentor["school_id"], mentee.school_id})
        n = len(rows) + 1
        prefix = "Д" if key == "pedagogical_duet" else "П"
        title = f"Дуэт «{titles[n - 1]}»" if key == "pedagogical_duet" else f"Практика «{titles[n - 1]}»"
        rows.append(
            {
                "entry_id": f"{prefix}{n:02d}",
                "title": title,
                "nomination": "сетевой тандем" if network else "тандем одной школы",
                "mentor_name": mentor["full_name"],
                "mentee_name": mentee.full_name,
                "school_ids": "; ".join(school_ids),
            }
        )
    entries = pd.DataFrame(rows)
    refuse = set(rng.choice(len(entries), size=cfg["refuse"], replace=False).tolist())
    entries["publish_consent"] = ["нет" if i in refuse else "да" for i in range(len(entries))]

    with_entries = sorted({s for ids in entries["school_ids"] for s in ids.split("; ")})
    without = sorted(set(schools["school_id"]) - set(with_entries))
    jury_schools = list(rng.choice(with_entries, size=cfg["juror_with"], replace=False)) + list(
        rng.choice(without, size=cfg["juror_without"], replace=False)
    )
    senior = teachers[
        teachers["category"].isin(["высшая", "педагог-методист", "педагог-наставник"])
        & ~teachers["teacher_id"].isin(used)
    ]
    jury = []
    for name, org, role in OUTSIDERS:
        jury.append({"full_name": name, "organization": org, "school_id": "", "role": role})
    names = dict(zip(schools["school_id"], schools["name"]))
    for sid in jury_schools:
        cand = senior[senior["school_id"] == sid]
        if cand.empty:
            cand = teachers[(teachers["school_id"] == sid) & ~teachers["teacher_id"].isin(used)]
        t = cand.iloc[0]
        used.add(t["teacher_id"])
        jury.append(
            {"full_name": t["full_name"], "organization": names[sid], "school_id": sid, "role": "член жюри"}
        )
    jury = pd.DataFrame(jury)
    jury.insert(0, "juror_id", [f"Ж{i:02d}" for i in range(1, len(jury) + 1)])
    return entries, jury


def write_people(path: Path, entries: pd.DataFrame, jury: pd.DataFrame) -> None:
    wb = new_workbook()
    write_table(wb.create_sheet("Участники"), entries, headers={k: h for k, (h, _r) in ENTRY_COLUMNS.items()})
    write_table(wb.create_sheet("Жюри"), jury, headers={k: h for k, (h, _r) in JURY_COLUMNS.items()})
    atomic_save(wb, path)


def make_scores(contest, people, rng: np.random.Generator, harsh: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scores of every stage for the deterministic jury plan; later stages for advanced entries only.

    A juror's criterion score is ``min + (max − min) × clip(q + s + ε, 0, 1)``
    rounded to a whole point, with entry quality ``q ~ U(0.35, 0.9)``,
    juror severity ``s ~ N(0, 0.04)`` (the harsh juror: −0.2) and noise
    ``ε ~ N(0, 0.08)``; in the final stage the quality shifts a little.
    """
    entries = list(people.entries["entry_id"])
    quality = dict(zip(entries, rng.uniform(0.35, 0.9, len(entries))))
    severity = {j: rng.normal(0, 0.04) for j in people.jury["juror_id"]}
    severity[harsh] = -0.2
    rows, plans = [], []
    stage_ids = [s.id for s in contest.stages]
    for k, stage in enumerate(contest.stages):
        ids = None
        if k > 0:
            prev = pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion_id", "score"])
            ids = advanced_entries(contest, people, prev, stage_ids[k - 1])
            for e in ids:
                quality[e] = float(np.clip(quality[e] + rng.normal(0, 0.06), 0.3, 0.95))
        plan = assign_jury(contest, people, stage_id=stage.id, entry_ids=ids)
        plan.insert(0, "stage_id", stage.id)
        plans.append(plan)
        for e, j in zip(plan["entry_id"], plan["juror_id"]):
            for task in stage.tasks:
                for c in task.criteria:
                    x = np.clip(quality[e] + severity[j] + rng.normal(0, 0.08), 0, 1)
                    rows.append((e, j, c.id, float(round(c.min + (c.max - c.min) * x))))
    scores = pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion_id", "score"])
    return scores, pd.concat(plans, ignore_index=True)


def write_filled_sheets(contest, people, scores: pd.DataFrame, plan: pd.DataFrame, folder: Path) -> int:
    """The per-juror sheets of every stage, filled with ``scores`` (as jurors would)."""
    lookup = {(e, j, c): s for e, j, c, s in scores.itertuples(index=False)}
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.xlsx"):
        old.unlink()
    n = 0
    for stage_id, p in plan.groupby("stage_id", sort=False):
        for name, wb in build_sheets(contest, people, p[["entry_id", "juror_id"]], stage_id).items():
            ws = wb[MAIN]
            for cell, eid, juror, cid in score_cells(wb)[
                ["cell", "entry_id", "juror_id", "criterion_id"]
            ].itertuples(index=False):
                v = lookup[(eid, juror, cid)]
                ws[cell] = int(v) if float(v).is_integer() else v
            atomic_save(wb, folder / name)
            n += 1
    return n


def main() -> None:
    schools, teachers = read_registry()
    finalists: list[str] = []
    for k, key in enumerate(PLAN):
        rng = np.random.default_rng(SEED + k)
        contest = load_contest(HERE / f"{key}.yaml")
        entries, jury = make_people(key, rng, schools, teachers)
        people_path = HERE / f"{key}_people.xlsx"
        write_people(people_path, entries, jury)
        people = load_people(people_path)
        scores, plan = make_scores(contest, people, rng, PLAN[key]["harsh"])
        scores.to_csv(HERE / f"{key}_scores.csv", index=False, encoding="utf-8")
        n = (
            write_filled_sheets(contest, people, scores, plan, HERE / f"{key}_sheets")
            if PLAN[key].get("sheets", True)
            else 0
        )
        if key == "pedagogical_duet":
            finalists = sorted(plan.loc[plan["stage_id"] == "S2", "entry_id"].unique())
        first = plan[plan["stage_id"] == contest.stages[0].id]
        ld = loads(first[["entry_id", "juror_id"]], people)
        print(
            f"{key}: работ {len(entries)}, жюри {len(jury)}, баллов {len(scores)}, листов {n}; "
            f"нагрузка этапа {contest.stages[0].id}: {dict(zip(ld['juror_id'], ld['load']))}"
        )
    adj = pd.DataFrame(
        [(finalists[-1], "S2", -1.0, "превышение регламента мастер-класса (протокол счётной комиссии)")],
        columns=["entry_id", "stage_id", "points", "reason"],
    )
    adj.to_csv(HERE / "pedagogical_duet_adjustments.csv", index=False, encoding="utf-8")


if __name__ == "__main__":
    main()
