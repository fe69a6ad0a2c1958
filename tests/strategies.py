"""Hypothesis strategies shared by the test suites (kept in one place): matching
instances and registries first, then contests with complete long-form scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from contest import parse_contest
from matching import schema


@st.composite
def assignment_instances(draw, max_mentees=7, max_mentors=5, max_capacity=3, integer=True):
    """(edges, capacity) for :func:`matching.solve_assignment`.

    edges: DataFrame[mentee_id, mentor_id, score] over a random subset of all
    pairs; scores are integers in [-5, 20] (or floats in [0, 1] when
    ``integer`` is False); capacity: {mentor_id: 0..max_capacity}.
    """
    m = draw(st.integers(1, max_mentees))
    n = draw(st.integers(1, max_mentors))
    present = draw(st.lists(st.booleans(), min_size=m * n, max_size=m * n))
    if integer:
        scores = draw(st.lists(st.integers(-5, 20), min_size=m * n, max_size=m * n))
    else:
        scores = draw(st.lists(st.floats(0, 1, allow_nan=False), min_size=m * n, max_size=m * n))
    caps = draw(st.lists(st.integers(0, max_capacity), min_size=n, max_size=n))
    rows = [(f"e{i}", f"r{j}", scores[i * n + j]) for i in range(m) for j in range(n) if present[i * n + j]]
    edges = pd.DataFrame(rows, columns=["mentee_id", "mentor_id", "score"])
    capacity = {f"r{j}": caps[j] for j in range(n)}
    return edges, capacity


_SUBJECTS = ["математика", "физика", "химия", "русский язык"]
_CODES = ["Д1", "Д2", "Д3", "Д4", "Д5"]


@st.composite
def registries(draw, max_teachers=14):
    """A small valid registry as English-named row lists (``{sheet: [tuple, ...]}``)
    in the column order of :mod:`matching.schema`, for writing to a workbook."""
    n_schools = draw(st.integers(1, 4))
    schools = []
    for i in range(n_schools):
        lat = draw(st.floats(55.0, 55.6))
        lon = draw(st.floats(48.0, 48.9))
        schools.append((f"S{i}", f"Школа {i}", "Район", draw(st.sampled_from(schema.CLUSTERS)), lat, lon))
    deficits = [(c, f"Дефицит {c}", "методические") for c in _CODES]
    n = draw(st.integers(2, max_teachers))
    teachers = []
    for i in range(n):
        role = draw(st.sampled_from(schema.ROLES))
        subj = "; ".join(draw(st.lists(st.sampled_from(_SUBJECTS), min_size=1, max_size=2, unique=True)))
        defs = "; ".join(draw(st.lists(st.sampled_from(_CODES), max_size=3, unique=True))) if role != "наставник" else ""
        strs = "; ".join(draw(st.lists(st.sampled_from(_CODES), max_size=4, unique=True))) if role != "наставляемый" else ""
        cap = draw(st.integers(0, 3)) if role != "наставляемый" else ""
        teachers.append((f"T{i:02d}", f"Педагог {i}", f"S{draw(st.integers(0, n_schools - 1))}", role, subj,
                         draw(st.integers(0, 40)), draw(st.sampled_from(schema.CATEGORIES)), defs, strs, cap,
                         draw(st.sampled_from(schema.FORMATS)), draw(st.sampled_from(["да", "да", "да", "нет"]))))
    mentors = [t[0] for t in teachers if t[3] in ("наставник", "оба")]
    mentees = [t[0] for t in teachers if t[3] == "наставляемый" or (t[3] == "оба" and t[7])]
    forbidden = []
    if mentors and mentees and draw(st.booleans()):
        a, b = draw(st.sampled_from(mentees)), draw(st.sampled_from(mentors))
        if a != b:
            forbidden.append((a, b))
    prefs = []
    if mentors and mentees and draw(st.booleans()):
        a, b = draw(st.sampled_from(mentees)), draw(st.sampled_from(mentors))
        if a != b and (a, b) not in forbidden:
            prefs.append((a, b, draw(st.integers(1, 3))))
    return {"schools": schools, "teachers": teachers, "deficits": deficits,
            "locked": [], "forbidden": forbidden, "preferences": prefs}


# --- contests ---------------------------------------------------------------

AGGS = ["mean", "trimmed_mean", "median", "sum"]


@st.composite
def contest_dicts(draw, max_stages: int = 2, aggregations=AGGS, rounds=(None, 0, 1, 2), n_jurors: int = 5,
                  max_tasks: int = 2):
    """A contest mapping: 1..max_stages stages (all entries advance), 1..max_tasks tasks, 1..3 criteria."""
    n_stages = draw(st.integers(1, max_stages))
    crit_no = 0
    stages = []
    for s in range(n_stages):
        tasks = []
        for t in range(draw(st.integers(1, max_tasks))):
            crits = []
            for _ in range(draw(st.integers(1, 3))):
                crit_no += 1
                crits.append({"id": f"K{crit_no}", "name": f"Критерий {crit_no}",
                              "max": draw(st.sampled_from([1, 3, 5, 10]))})
            agg = draw(st.sampled_from(list(aggregations)))
            task = {"id": f"T{t + 1}", "name": f"Задание {t + 1}", "aggregation": agg,
                    "weight": draw(st.sampled_from([0.5, 1.0, 1.5, 2.0])), "criteria": crits}
            if agg == "trimmed_mean":
                task["trim"] = draw(st.integers(0, 2))
            rnd = draw(st.sampled_from(list(rounds)))
            if rnd is not None:
                task["round"] = rnd
            tasks.append(task)
        stages.append({"id": f"S{s + 1}", "name": f"Этап {s + 1}", "tasks": tasks})
    tie_break = draw(st.lists(st.sampled_from([s["id"] for s in stages]
                                              + [f"{s['id']}.{t['id']}" for s in stages for t in s["tasks"]]),
                              unique=True, max_size=2))
    return {"name": "Конкурс", "stages": stages,
            "ranking": {"stages": [s["id"] for s in stages], "tie_break": tie_break},
            "awards": [{"title": "Победитель", "places": 1}, {"title": "Призёр", "places": 2},
                       {"title": "Лауреат", "min_share": 0.5}],
            "jury": {"per_entry": n_jurors}}


@st.composite
def scored_contests(draw, full_panel: bool = False, integer_scores: bool = False, **kw):
    """(Contest, scores DataFrame): every entry scored in every task by a non-empty subset of jurors."""
    n_jurors = draw(st.integers(2, 5))
    kw.setdefault("n_jurors", n_jurors)
    kw["n_jurors"] = n_jurors
    c = parse_contest(draw(contest_dicts(**kw)))
    n_entries = draw(st.integers(2, 6))
    entries = [f"E{i}" for i in range(1, n_entries + 1)]
    jurors = [f"J{i}" for i in range(1, n_jurors + 1)]
    rows = []
    for s in c.stages:
        for t in s.tasks:
            for e in entries:
                panel = jurors if full_panel else draw(
                    st.lists(st.sampled_from(jurors), min_size=1, max_size=n_jurors, unique=True))
                for j in panel:
                    for cr in t.criteria:
                        if integer_scores:
                            v = draw(st.integers(int(cr.min), int(cr.max)))
                        else:
                            v = draw(st.integers(0, int(cr.max) * 2)) / 2
                        rows.append((e, j, cr.id, float(v)))
    return c, pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion_id", "score"])
