"""The half-year report on mentoring: the figures of «Показатели» and the content of the analytic note.

A district reports on mentoring twice a year (the roadmap's monitoring of the
target model, docs/sources.md [Тетюши-2022] §5: «мониторинг реализации
программы наставничества»). All figures are counted on one date ``D`` from
the registry (who is a mentee, their school and experience) and the register
of tandems (pairs, periods, statuses). Definitions (columns of
:data:`INDICATOR_COLUMNS`):

* **Наставляемых** — mentees of the registry: role «наставляемый», or «оба»
  with at least one deficit (:attr:`matching.Registry.mentees`);
* **С наставником** — of them, those with a pair in force on ``D``
  (:func:`mentoring.register.in_force`);
* **Доля с наставником, %** — ``100 × С наставником / Наставляемых``, one
  decimal, rounded half up; empty when there are no mentees;
* **Молодых педагогов** — mentees with experience under 3 years
  (:data:`mentoring.register.YOUNG_SPECIALIST_YEARS`; unknown experience is
  not young); **Молодых с наставником** — of them, with a pair in force;
* **Наставников в парах** — distinct mentors of the pairs in force;
* **Пар действует** — pairs in force on ``D``; **Сетевых пар** — of them,
  mentor and mentee in different schools;
* **Завершено за полугодие** / **Прекращено досрочно за полугодие** — pairs
  with status «завершена» / «прекращена досрочно» whose end date falls in
  the half-year containing ``D`` (1 January – 30 June or 1 July –
  31 December, both days included).

Rows: the municipality (all schools), each school, each cluster ШНОР / ШСОР /
ШВОР. A pair belongs to the mentee's school (and its cluster); pairs of
mentees not in the registry count only in the municipality row.

This module is pure; :mod:`mentoring.report_io` writes the workbook and the
Word note.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from matching.model import Registry
from mentoring.register import YOUNG_SPECIALIST_YEARS, in_force

#: The columns of «Показатели», in order.
INDICATOR_COLUMNS = (
    "Уровень",
    "Код",
    "Наименование",
    "Наставляемых",
    "С наставником",
    "Доля с наставником, %",
    "Молодых педагогов",
    "Молодых с наставником",
    "Наставников в парах",
    "Пар действует",
    "Сетевых пар",
    "Завершено за полугодие",
    "Прекращено досрочно за полугодие",
)
#: The count columns (all but the three labels and the share).
COUNT_COLUMNS = tuple(c for c in INDICATOR_COLUMNS[3:] if c != "Доля с наставником, %")
LEVEL_DISTRICT, LEVEL_SCHOOL, LEVEL_CLUSTER = "муниципалитет", "ОО", "группа результатов"
CLUSTERS = ("ШНОР", "ШСОР", "ШВОР")
CLUSTER_NAMES = {
    "ШНОР": "Школы с низкими образовательными результатами",
    "ШСОР": "Школы со средними образовательными результатами",
    "ШВОР": "Школы с высокими образовательными результатами",
}
#: Code of the municipality row.
DISTRICT_CODE = "Всего"


def half_year(on: dt.date) -> tuple[dt.date, dt.date]:
    """The half-year containing ``on``: (1 Jan, 30 Jun) or (1 Jul, 31 Dec)."""
    if on.month <= 6:
        return dt.date(on.year, 1, 1), dt.date(on.year, 6, 30)
    return dt.date(on.year, 7, 1), dt.date(on.year, 12, 31)


def previous_half_year_end(on: dt.date) -> dt.date:
    """The last day of the half-year before the one containing ``on``."""
    return half_year(on)[0] - dt.timedelta(days=1)


def share(part: int, whole: int) -> float | None:
    """``100 × part / whole`` rounded half up to one decimal; None when ``whole`` is 0."""
    if not whole:
        return None
    return float((Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _people(registry: Registry) -> pd.DataFrame:
    """teacher_id → school_id, cluster (str, "" unknown)."""
    s = registry.schools.drop_duplicates("school_id").set_index("school_id")
    t = registry.teachers.drop_duplicates("teacher_id").set_index("teacher_id")
    return pd.DataFrame({"school_id": t["school_id"], "cluster": t["school_id"].map(s["cluster"]).fillna("")})


def _counts(
    mentees: pd.DataFrame, live: pd.DataFrame, ended: pd.DataFrame, key: str, units: list
) -> pd.DataFrame:
    """The count columns per unit: rows grouped by column ``key`` (school_id or cluster), reindexed to ``units``."""
    m = mentees.groupby(key, sort=False)
    lv = live.groupby(key, sort=False)
    out = pd.DataFrame(
        {
            "Наставляемых": m.size(),
            "С наставником": m["has_pair"].sum(),
            "Молодых педагогов": m["young"].sum(),
            "Молодых с наставником": m["young_paired"].sum(),
        }
    ).reindex(units)
    out["Наставников в парах"] = lv["mentor_id"].nunique().reindex(units)
    out["Пар действует"] = lv.size().reindex(units)
    out["Сетевых пар"] = lv["network"].sum().reindex(units)
    for status, col in (
        ("завершена", "Завершено за полугодие"),
        ("прекращена досрочно", "Прекращено досрочно за полугодие"),
    ):
        out[col] = ended[ended["status"] == status].groupby(key, sort=False).size().reindex(units)
    return out.fillna(0).astype(int)


def indicators(pairs: pd.DataFrame, registry: Registry, on: dt.date) -> pd.DataFrame:
    """The table «Показатели» on the date ``on`` (definitions in the module docstring).

    Parameters
    ----------
    pairs : DataFrame
        :attr:`mentoring.register.Register.pairs` (``mentee_id``,
        ``mentor_id``, ``start``, ``end`` as dates, ``status``).
    registry : Registry
    on : datetime.date

    Returns
    -------
    DataFrame
        Columns :data:`INDICATOR_COLUMNS`: the labels (str), the counts
        (int), the share (float, NaN when there are no mentees). Rows: the
        municipality (code «Всего», the name of the municipality), the schools
        in code order, the clusters ШНОР, ШСОР, ШВОР.
    """
    people = _people(registry)
    m = registry.mentees.drop_duplicates("teacher_id")
    live = in_force(pairs, on) if len(pairs) else pairs
    h0, h1 = half_year(on)
    ended = pairs[pairs["status"].isin(("завершена", "прекращена досрочно"))] if len(pairs) else pairs
    if len(ended):
        ended = ended[(ended["end"] >= h0) & (ended["end"] <= h1)]
    mentees = pd.DataFrame(
        {
            "school_id": m["school_id"].to_numpy(),
            "cluster": m["teacher_id"].map(people["cluster"]).fillna("").to_numpy(),
            "has_pair": m["teacher_id"].isin(set(live["mentee_id"]) if len(live) else set()).to_numpy(),
            "young": (m["experience_years"] < YOUNG_SPECIALIST_YEARS).fillna(False).to_numpy(bool),
        }
    )

    def placed(df: pd.DataFrame) -> pd.DataFrame:
        df = df[["mentee_id", "mentor_id", "status"]].copy() if len(df) else _empty_pairs()
        df["school_id"] = df["mentee_id"].map(people["school_id"])
        df["cluster"] = df["school_id"].map(
            registry.schools.drop_duplicates("school_id").set_index("school_id")["cluster"]
        )
        df["network"] = df["school_id"] != df["mentor_id"].map(people["school_id"])
        return df

    live, ended = placed(live), placed(ended)
    mentees["young_paired"] = mentees["young"] & mentees["has_pair"]
    for df in (mentees, live, ended):
        df["all"] = DISTRICT_CODE
    district = sorted({d for d in registry.schools["district"] if d})
    names = registry.schools.drop_duplicates("school_id").set_index("school_id")["name"]
    schools = sorted(names.index)
    parts = [
        (
            LEVEL_DISTRICT,
            {DISTRICT_CODE: "; ".join(district)},
            _counts(mentees, live, ended, "all", [DISTRICT_CODE]),
        ),
        (LEVEL_SCHOOL, names.to_dict(), _counts(mentees, live, ended, "school_id", schools)),
        (LEVEL_CLUSTER, CLUSTER_NAMES, _counts(mentees, live, ended, "cluster", list(CLUSTERS))),
    ]
    frames = []
    for level, labels, counts in parts:
        counts = counts.copy()
        counts.insert(0, "Наименование", [labels[u] for u in counts.index])
        counts.insert(0, "Код", list(counts.index))
        counts.insert(0, "Уровень", level)
        frames.append(counts.reset_index(drop=True))
    out = pd.concat(frames, ignore_index=True)
    out["Доля с наставником, %"] = [share(a, b) for a, b in zip(out["С наставником"], out["Наставляемых"])]
    out["Доля с наставником, %"] = out["Доля с наставником, %"].astype(float)
    return out[list(INDICATOR_COLUMNS)].astype({c: int for c in COUNT_COLUMNS})


def _empty_pairs() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in ("mentee_id", "mentor_id", "status")})


def covers(pairs: pd.DataFrame, day: dt.date) -> bool:
    """Whether the register reaches back to ``day``: some pair started on or before it."""
    return bool(len(pairs)) and bool((pairs["start"] <= day).any())


def changes(pairs: pd.DataFrame, registry: Registry, on: dt.date) -> pd.DataFrame | None:
    """The municipality's figures on ``on`` beside those at the end of the previous half-year.

    Returns
    -------
    DataFrame or None
        ``Показатель``, ``Было`` (on the previous half-year's last day),
        ``Стало`` (on ``on``), ``Изменение`` (numbers; the share in
        percentage points); None when no pair of the register started by
        then (the register does not cover the previous half-year). Both
        columns use today's registry (who is a mentee, their experience).
    """
    before_day = previous_half_year_end(on)
    if not covers(pairs, before_day):
        return None
    now = indicators(pairs, registry, on).iloc[0]
    before = indicators(pairs, registry, before_day).iloc[0]
    names = [c for c in INDICATOR_COLUMNS[3:]]
    out = pd.DataFrame(
        {
            "Показатель": names,
            "Было": pd.Series([before[c] for c in names], dtype=object),
            "Стало": pd.Series([now[c] for c in names], dtype=object),
        }
    )
    out["Изменение"] = pd.Series(
        [
            None
            if pd.isna(a) or pd.isna(b)
            else round(float(b) - float(a), 1)
            if isinstance(a, float)
            else int(b - a)
            for a, b in zip(out["Было"], out["Стало"])
        ],
        dtype=object,
    )
    return out


def ended_early(pairs: pd.DataFrame, registry: Registry, on: dt.date) -> pd.DataFrame:
    """The pairs ended early in the half-year containing ``on``, with names and the reason.

    Returns
    -------
    DataFrame
        ``mentee``, ``mentor`` (full names, the id when not in the registry),
        ``school_id`` (the mentee's), ``start``, ``end`` (date), ``reason``
        (str); by end date, then mentee.
    """
    h0, h1 = half_year(on)
    cols = ["mentee", "mentor", "school_id", "start", "end", "reason"]
    if not len(pairs):
        return pd.DataFrame(columns=cols)
    p = pairs[(pairs["status"] == "прекращена досрочно") & (pairs["end"] >= h0) & (pairs["end"] <= h1)]
    t = registry.teachers.drop_duplicates("teacher_id").set_index("teacher_id")
    out = pd.DataFrame(
        {
            "mentee": p["mentee_id"].map(t["full_name"]).fillna(p["mentee_id"]),
            "mentor": p["mentor_id"].map(t["full_name"]).fillna(p["mentor_id"]),
            "school_id": p["mentee_id"].map(t["school_id"]).fillna(""),
            "start": p["start"],
            "end": p["end"],
            "reason": p["reason"].fillna("") if "reason" in p else "",
        }
    )
    return out.sort_values(["end", "mentee"], kind="stable").reset_index(drop=True)[cols]


def early_reasons(early: pd.DataFrame) -> pd.DataFrame:
    """How often each reason of :func:`ended_early` occurs: ``reason`` (str, «не указана» for empty), ``pairs``."""
    reasons = early["reason"].replace("", "не указана") if len(early) else pd.Series([], dtype=object)
    vc = reasons.value_counts()
    return pd.DataFrame({"reason": vc.index.astype(str), "pairs": vc.to_numpy(int)})
