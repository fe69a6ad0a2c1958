"""Hypothesis strategies shared by the test suites (kept in one place): matching
instances and registries first, then contests with complete long-form scores."""

from __future__ import annotations

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
        defs = (
            "; ".join(draw(st.lists(st.sampled_from(_CODES), max_size=3, unique=True)))
            if role != "наставник"
            else ""
        )
        strs = (
            "; ".join(draw(st.lists(st.sampled_from(_CODES), max_size=4, unique=True)))
            if role != "наставляемый"
            else ""
        )
        cap = draw(st.integers(0, 3)) if role != "наставляемый" else ""
        teachers.append(
            (
                f"T{i:02d}",
                f"Педагог {i}",
                f"S{draw(st.integers(0, n_schools - 1))}",
                role,
                subj,
                draw(st.integers(0, 40)),
                draw(st.sampled_from(schema.CATEGORIES)),
                defs,
                strs,
                cap,
                draw(st.sampled_from(schema.FORMATS)),
                draw(st.sampled_from(["да", "да", "да", "нет"])),
            )
        )
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
    return {
        "schools": schools,
        "teachers": teachers,
        "deficits": deficits,
        "locked": [],
        "forbidden": forbidden,
        "preferences": prefs,
    }


# --- contests ---------------------------------------------------------------

AGGS = ["mean", "trimmed_mean", "median", "sum"]


@st.composite
def contest_dicts(
    draw,
    max_stages: int = 2,
    aggregations=AGGS,
    rounds=(None, 0, 1, 2),
    n_jurors: int = 5,
    max_tasks: int = 2,
):
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
                crits.append(
                    {
                        "id": f"K{crit_no}",
                        "name": f"Критерий {crit_no}",
                        "max": draw(st.sampled_from([1, 3, 5, 10])),
                    }
                )
            agg = draw(st.sampled_from(list(aggregations)))
            task = {
                "id": f"T{t + 1}",
                "name": f"Задание {t + 1}",
                "aggregation": agg,
                "weight": draw(st.sampled_from([0.5, 1.0, 1.5, 2.0])),
                "criteria": crits,
            }
            if agg == "trimmed_mean":
                task["trim"] = draw(st.integers(0, 2))
            rnd = draw(st.sampled_from(list(rounds)))
            if rnd is not None:
                task["round"] = rnd
            tasks.append(task)
        stages.append({"id": f"S{s + 1}", "name": f"Этап {s + 1}", "tasks": tasks})
    tie_break = draw(
        st.lists(
            st.sampled_from(
                [s["id"] for s in stages] + [f"{s['id']}.{t['id']}" for s in stages for t in s["tasks"]]
            ),
            unique=True,
            max_size=2,
        )
    )
    return {
        "name": "Конкурс",
        "stages": stages,
        "ranking": {"stages": [s["id"] for s in stages], "tie_break": tie_break},
        "awards": [
            {"title": "Победитель", "places": 1},
            {"title": "Призёр", "places": 2},
            {"title": "Лауреат", "min_share": 0.5},
        ],
        "jury": {"per_entry": n_jurors},
    }


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
                panel = (
                    jurors
                    if full_panel
                    else draw(st.lists(st.sampled_from(jurors), min_size=1, max_size=n_jurors, unique=True))
                )
                for j in panel:
                    for cr in t.criteria:
                        if integer_scores:
                            v = draw(st.integers(int(cr.min), int(cr.max)))
                        else:
                            v = draw(st.integers(0, int(cr.max) * 2)) / 2
                        rows.append((e, j, cr.id, float(v)))
    return c, pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion_id", "score"])


# --- bad inputs (fuzzing the loaders) ----------------------------------------

#: Characters that make real registries hard: Cyrillic and look-alike Latin
#: letters, ё, separators, non-breaking and other spaces, formula triggers.
MESSY_ALPHABET = "АОСЕРХТНКМаосерхтнкмAOCEPXTHKMaocepxyДНТОЁё0123456789 ;,.-+=@\t\r\n\u00a0\u202f\"'"


def messy_text(max_size: int = 12):
    """Short strings over :data:`MESSY_ALPHABET`."""
    return st.text(alphabet=MESSY_ALPHABET, max_size=max_size)


def cell_values():
    """Any value a spreadsheet cell may hold, as a reader library returns it."""
    import datetime as dt

    return st.one_of(
        st.none(),
        messy_text(),
        st.integers(-(10**6), 10**6),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
        st.sampled_from(
            [
                "да",
                "нет",
                "наставник",
                "наставляемый",
                "оба",
                "высшая",
                "очно",
                "Д1",
                "Д1; Д2",
                "Т1",
                "Н1",
                "ОО-1",
                "ШНОР",
                "2,5",
                "1e3",
                "-3",
                "∞",
                "nan",
            ]
        ),
    )


@st.composite
def raw_registry_tables(draw, max_rows: int = 6):
    """``{title: RawTable}`` with headers drawn from the contract (missing, repeated, renamed,
    shuffled) and cells of any type, for :func:`matching.registry.validate_tables`."""
    from tandem.tables import table_from_cells

    tables = {}
    for sheet in schema.SHEETS:
        if not draw(st.integers(0, 5)):
            continue  # sheet missing
        title = draw(st.sampled_from([sheet.title, sheet.name, sheet.title.upper() + " ", sheet.title + "1"]))
        names = [
            draw(st.sampled_from([c.header, c.name, c.header + " ", ""]))
            for c in sheet.columns
            if draw(st.integers(0, 6))
        ]
        names = draw(st.permutations(names)) + draw(st.lists(messy_text(6), max_size=2))
        rows = draw(
            st.lists(st.lists(cell_values(), min_size=len(names), max_size=len(names) + 1), max_size=max_rows)
        )
        tables[title] = table_from_cells("fuzz.xlsx", title, [names] + rows)
    return tables


@st.composite
def damaged_bytes(draw, original: bytes):
    """``original`` truncated, with bytes overwritten, or replaced by random bytes."""
    how = draw(st.sampled_from(["truncate", "overwrite", "random", "prefix"]))
    if how == "truncate":
        return original[: draw(st.integers(0, len(original)))]
    if how == "random":
        return draw(st.binary(max_size=600))
    if how == "prefix":
        return draw(st.binary(max_size=16)) + original
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 8))):
        i = draw(st.integers(0, len(data) - 1))
        data[i] = draw(st.integers(0, 255))
    return bytes(data)


@st.composite
def long_score_csv(
    draw, entries=("E01", "E02", "E03"), jurors=("Ж01", "Ж02", "Ж03"), criteria=("K1", "K2", "K3")
):
    """A long-form score CSV (text) with plausible and broken rows, random separator and header spelling."""
    sep = draw(st.sampled_from([",", ";", "\t"]))
    header = draw(
        st.sampled_from(
            [
                ["Код работы", "Код эксперта", "Код критерия", "Балл"],
                ["entry_id", "juror_id", "criterion_id", "score"],
                ["Код работы", "Код эксперта", "Балл"],
            ]
        )
    )
    lines = [sep.join(header)]
    for _ in range(draw(st.integers(0, 12))):
        row = [
            draw(st.one_of(st.sampled_from(entries), messy_text(4))),
            draw(st.one_of(st.sampled_from(jurors), messy_text(4))),
            draw(st.one_of(st.sampled_from(criteria), messy_text(3))),
            draw(st.one_of(st.sampled_from(["0", "1", "2,5", "3", "5", "10", "-1", ""]), messy_text(4))),
        ]
        lines.append(sep.join(row[: len(header)]))
    return "\n".join(lines)


# --- matching: continuity, priority tiers ------------------------------------


@st.composite
def crowded_instances(draw, max_mentees=7, max_mentors=4, max_capacity=2):
    """(edges, capacity) where mentees compete: at least as many mentees as mentors,
    capacities 1..max_capacity, about three pairs in four allowed, integer scores in
    [-5, 20] that are mostly low with a few high ones — so that the assignments of the
    largest size often trade their smallest score against their total."""
    n = draw(st.integers(1, max_mentors))
    m = draw(st.integers(n, max(n, max_mentees)))
    present = draw(st.lists(st.integers(0, 3), min_size=m * n, max_size=m * n))
    scores = draw(st.lists(st.sampled_from([-5, 0, 1, 2, 3, 4, 15, 20]), min_size=m * n, max_size=m * n))
    caps = draw(st.lists(st.integers(1, max_capacity), min_size=n, max_size=n))
    rows = [(f"e{i}", f"r{j}", scores[i * n + j]) for i in range(m) for j in range(n) if present[i * n + j]]
    return pd.DataFrame(rows, columns=["mentee_id", "mentor_id", "score"]), {
        f"r{j}": caps[j] for j in range(n)
    }


@st.composite
def continuity_instances(draw, max_mentees=7, max_mentors=5, max_capacity=3, max_tier=3, crowded=False):
    """(edges, capacity, current, priority) for :func:`matching.solve_assignment` with the
    pairs in force and priority tiers; integer scores in [-5, 20] (exact oracles).

    edges (:func:`assignment_instances`, or :func:`crowded_instances` with ``crowded``)
    may repeat a pair with a lower score; current: DataFrame[mentee_id, mentor_id]
    with at most one row per mentee, whose mentor is one of the mentee's edges, any
    mentor (possibly not an edge of that mentee) or an unknown id, and possibly a mentee
    without edges; priority: None or {mentee_id: 1..max_tier} over some mentees (and
    possibly an id that is not a mentee).
    """
    if crowded:
        edges, capacity = draw(crowded_instances(max_mentees, max_mentors, max_capacity))
    else:
        edges, capacity = draw(assignment_instances(max_mentees, max_mentors, max_capacity))
    if len(edges) and draw(st.booleans()):
        extra = draw(st.lists(st.integers(0, len(edges) - 1), max_size=3))
        dup = edges.iloc[extra].copy()
        dup["score"] = dup["score"] - draw(st.integers(0, 4))
        edges = pd.concat([edges, dup], ignore_index=True)
    mentees = sorted(set(edges["mentee_id"])) + ["e_gone"]
    mentors = sorted(capacity) + ["r_gone"]
    rows = []
    for m in mentees:
        kind = draw(st.sampled_from(["none", "edge", "edge", "any"]))
        own = sorted(set(edges.loc[edges["mentee_id"] == m, "mentor_id"]))
        if kind == "edge" and own:
            rows.append((m, draw(st.sampled_from(own))))
        elif kind == "any":
            rows.append((m, draw(st.sampled_from(mentors))))
    current = pd.DataFrame(rows, columns=["mentee_id", "mentor_id"])
    priority = None
    if draw(st.booleans()):
        listed = draw(st.lists(st.sampled_from(mentees), unique=True, max_size=len(mentees)))
        priority = {m: draw(st.integers(1, max_tier)) for m in listed}
    return edges, capacity, current, priority


# --- contests with advancement, trimmed means, ties and adjustments -----------


@st.composite
def advancing_contests(draw, max_entries: int = 7, max_jurors: int = 6, zscore: bool | None = None):
    """(Contest, scores, entries, adjustments): a valid contest of one or two stages.

    The first stage may advance by ``top`` or ``min_share``; tasks use every
    aggregation (trimmed means with trim 0–2), rounding or none, decimal
    weights; scores are small whole or half points, so that ties are common;
    adjustments are drawn only for entries that take part in their stage.
    The second stage's scores cover exactly the entries that advanced (found
    with :func:`contest.score`), each by a non-empty subset of the jurors.
    """
    from contest import score

    m = draw(contest_dicts(max_stages=2, n_jurors=draw(st.integers(2, max_jurors))))
    m["jury"]["per_entry"] = draw(st.integers(1, 3))
    if len(m["stages"]) > 1:
        rule = draw(st.sampled_from(["top", "min_share", "none"]))
        if rule == "top":
            m["stages"][0]["advance"] = {"top": draw(st.integers(1, 4))}
        elif rule == "min_share":
            m["stages"][0]["advance"] = {"min_share": draw(st.sampled_from([0.3, 0.45, 0.6]))}
    m["ranking"]["stages"] = draw(st.sampled_from([[s["id"] for s in m["stages"]], [m["stages"][-1]["id"]]]))
    norm = draw(st.sampled_from(["none", "zscore"])) if zscore is None else ("zscore" if zscore else "none")
    m["normalization"] = norm
    c = parse_contest(m)
    n_entries = draw(st.integers(2, max_entries))
    n_jurors = draw(st.integers(2, max_jurors))
    entries = [f"E{i}" for i in range(1, n_entries + 1)]
    jurors = [f"J{i}" for i in range(1, n_jurors + 1)]
    half = draw(st.booleans())
    rows, adj = [], []
    taking = entries
    for k, s in enumerate(c.stages):
        if k > 0:
            cols = ["entry_id", "juror_id", "criterion_id", "score"]
            res = score(
                c,
                pd.DataFrame(rows, columns=cols),
                entries=entries,
                adjustments=pd.DataFrame(adj, columns=["entry_id", "stage_id", "points", "reason"]),
            )
            st_ = res.stages
            taking = sorted(st_[(st_["stage_id"] == c.stages[k - 1].id) & st_["advanced"]]["entry_id"])
        scored = set()
        for t in s.tasks:
            for e in taking:
                panel = draw(
                    st.lists(st.sampled_from(jurors), min_size=0 if k else 1, max_size=n_jurors, unique=True)
                )
                for j in panel:
                    scored.add(e)
                    for cr in t.criteria:
                        hi = int(cr.max) * (2 if half else 1)
                        rows.append((e, j, cr.id, draw(st.integers(0, hi)) / (2 if half else 1)))
        for e in sorted(scored):
            if draw(st.integers(0, 4)) == 0:
                adj.append((e, s.id, draw(st.sampled_from([-1.5, -1.0, 0.5, 1.0, 2.0])), "основание"))
    scores = pd.DataFrame(rows, columns=["entry_id", "juror_id", "criterion_id", "score"])
    adjustments = pd.DataFrame(adj, columns=["entry_id", "stage_id", "points", "reason"])
    return c, scores, entries, adjustments
