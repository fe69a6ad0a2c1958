"""The output workbook of a matching run (docs/formats.md §5).

Sheets: «Тандемы» (one row per mentee–mentor pair), «Нераспределённые»
(every unmatched mentee with the reason), after a re-match with pairs in
force «Изменения» (per mentee: mentor before and after, the change and its
reason), «Нагрузка» (per mentor),
«Покрытие дефицитов» (per deficit), «Запасные наставники» (per matched
mentee, the next-best mentors and the exact cost of locking each), «Как
помочь нераспределённым» (single changes that would give an unmatched mentee
a mentor, each verified by a re-solve; every unmatched mentee is listed, those
the work budget did not reach as «не проверено»), «Параметры» (weights, constraints,
solver status, objective, input SHA-256, package version, manual overrides).
Every mentee of the input appears exactly once in «Тандемы» or
«Нераспределённые». Values only, never formulas (:mod:`tandem.xlsx_write`).
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from matching.config import COMPONENT_LABELS, COMPONENTS, OBJECTIVE_LABELS
from matching.engine import MatchResult
from matching.fixes import FOUND, NO_FIX, NOT_EXAMINED, not_examined_text
from matching.model import Registry
from tandem import __version__
from tandem.xlsx_write import atomic_save, new_workbook, streaming_workbook, write_table

PAIR_HEADERS = {
    "mentee_id": "Код наставляемого",
    "mentee_name": "Наставляемый",
    "mentee_school": "ОО наставляемого",
    "mentor_id": "Код наставника",
    "mentor_name": "Наставник",
    "mentor_school": "ОО наставника",
    "score": "Итоговый балл пары",
    **{c: COMPONENT_LABELS[c] for c in COMPONENTS},
    "covered": "Закрытые дефициты",
    "uncovered": "Незакрытые дефициты",
    "distance_km": "Расстояние, км",
    "pair_format": "Формат",
    "locked": "Закреплена вручную",
    "group_size": "Наставляемых у наставника",
    "explanation": "Почему эта пара",
}


#: Headers of «Изменения» (the changes of a re-match), read back by :mod:`mentoring.result_io`.
CHANGE_HEADERS = {
    "mentee_id": "Код наставляемого",
    "mentor_before": "Наставник до",
    "mentor_after": "Наставник после",
    "change": "Изменение",
    "reason": "Причина",
}


def _deficit_label(codes, names: dict[str, str]) -> str:
    return "; ".join(f"{c} {names.get(c, '')}".strip() for c in codes)


def result_tables(result: MatchResult, registry: Registry) -> dict[str, pd.DataFrame]:
    """The output sheets as DataFrames with Russian column headers.

    Returns
    -------
    dict
        Sheet title → DataFrame, in workbook order.
    """
    names = dict(zip(registry.deficits["code"], registry.deficits["name"]))
    p = result.pairs.copy()
    p["covered"] = p["covered"].map(lambda c: _deficit_label(c, names))
    p["uncovered"] = p["uncovered"].map(lambda c: _deficit_label(c, names))
    pairs = p[list(PAIR_HEADERS)].rename(columns=PAIR_HEADERS)
    unmatched = result.unmatched[["mentee_id", "mentee_name", "school_id", "reason"]].rename(
        columns={
            "mentee_id": "Код наставляемого",
            "mentee_name": "Наставляемый",
            "school_id": "ОО",
            "reason": "Причина",
        }
    )
    load = result.load.rename(
        columns={
            "mentor_id": "Код наставника",
            "mentor_name": "Наставник",
            "school_id": "ОО",
            "consent": "Согласие",
            "capacity": "Вместимость",
            "assigned": "Назначено",
            "mentees": "Наставляемые",
        }
    )
    cov = result.coverage.rename(
        columns={
            "code": "Код",
            "name": "Дефицит",
            "area": "Область",
            "mentees": "Наставляемых с дефицитом",
            "matched": "Из них с наставником",
            "covered": "Из них дефицит закрыт",
        }
    )
    tables = {"Тандемы": pairs, "Нераспределённые": unmatched}
    if result.changes is not None:
        tables["Изменения"] = result.changes[list(CHANGE_HEADERS)].rename(columns=CHANGE_HEADERS)
    tables.update({"Нагрузка": load, "Покрытие дефицитов": cov})
    # A run with pruned candidates (a region) leaves both what-if sheets out, to keep the command
    # within its budget: on the 60,000-teacher region `python -m matching run` takes 23–47 s of the
    # 60 s allowed (docs/scaling.md), and the sheets would add the alternates, 1.1–1.8× the matching
    # (24 s after a 13-s match), and the fixes, 7 s for the one unmatched mentee of 5,936 the work
    # budget reaches: about 45–100 s in all, over the budget on most runs. `result.alternates` and
    # `result.fixes` stay available from Python.
    if result.flow_state is not None and not result.flow_state.pruned:
        tables[ALTERNATES_SHEET] = alternates_table(result, registry)
        tables[FIXES_SHEET] = fixes_table(result, registry)
    tables["Параметры"] = parameters_table(result, registry)
    return tables


ALTERNATES_SHEET = "Запасные наставники"
FIXES_SHEET = "Как помочь нераспределённым"
#: Headers of «Запасные наставники».
ALTERNATE_HEADERS = {
    "mentee_id": "Код наставляемого",
    "mentee_name": "Наставляемый",
    "current": "Наставник сейчас",
    "rank": "Запасной №",
    "mentor_id": "Код запасного наставника",
    "mentor_name": "Запасной наставник",
    "matched_change": "Изменение числа пар",
    "score_change": "Изменение суммы баллов",
}
#: Headers of «Как помочь нераспределённым».
FIX_HEADERS = {
    "mentee_id": "Код наставляемого",
    "mentee_name": "Наставляемый",
    "fix": "Что изменить",
    "detail": "Подробно",
    "pairs_changed": "Сменится наставник у других",
    "checked": "Проверка",
}
#: «Проверка» of «Как помочь нераспределённым», per ``attrs["status"]`` of :attr:`MatchResult.fixes`.
FIX_CHECKED = {FOUND: "найдено", NO_FIX: "не найдено", NOT_EXAMINED: "не проверено"}


def alternates_table(result: MatchResult, registry: Registry) -> pd.DataFrame:
    """«Запасные наставники»: per matched mentee the next-best mentors (:attr:`MatchResult.alternates`)
    with the exact change of the number of pairs and of the total score if that pair were locked."""
    names = dict(zip(registry.teachers["teacher_id"], registry.teachers["full_name"]))
    a = result.alternates.copy()
    now = dict(zip(result.pairs["mentee_id"], result.pairs["mentor_id"]))
    a["mentee_name"] = a["mentee_id"].map(names)
    a["current"] = [f"{names.get(now[m], now[m])} ({now[m]})" for m in a["mentee_id"]]
    a["mentor_name"] = a["mentor_id"].map(names)
    a["score_change"] = a["score_change"].round(6)
    return a[list(ALTERNATE_HEADERS)].rename(columns=ALTERNATE_HEADERS)


def fixes_table(result: MatchResult, registry: Registry) -> pd.DataFrame:
    """«Как помочь нераспределённым»: single changes that give an unmatched mentee a mentor
    (:attr:`MatchResult.fixes`), each verified by a re-solve.

    Every unmatched mentee of ``attrs["status"]`` appears: with its fixes
    («Проверка» «найдено»), or in one row saying that none of the single
    changes helps («не найдено») or that the mentee was not examined within
    the work budget of :mod:`matching.fixes` («не проверено»; «Что изменить»
    gives :func:`matching.fixes.not_examined_text`). Sorted by mentee code,
    the fixes of a mentee in the order of :attr:`MatchResult.fixes`;
    «Сменится наставник у других» is empty in the rows without a fix.
    """
    names = dict(zip(registry.teachers["teacher_id"], registry.teachers["full_name"]))
    fixes = result.fixes
    f = fixes.copy()
    f["pairs_changed"] = f["pairs_changed"].astype("Int64")
    f["checked"] = FIX_CHECKED[FOUND]
    status = fixes.attrs.get("status", {})
    text = {
        NO_FIX: ("ни одно отдельное изменение не даёт наставника", "Проверено пересчётом."),
        NOT_EXAMINED: (
            not_examined_text(fixes),
            "Наставляемые проверяются по порядку кодов, пока не исчерпан объём перебора; "
            "для этого наставляемого изменения не проверялись.",
        ),
    }
    rest = [(m, *text[s], pd.NA, FIX_CHECKED[s]) for m, s in status.items() if s in text]
    if rest:
        more = pd.DataFrame(rest, columns=["mentee_id", "fix", "detail", "pairs_changed", "checked"])
        more["pairs_changed"] = more["pairs_changed"].astype("Int64")
        f = more if f.empty else pd.concat([f, more], ignore_index=True)
        f = f.sort_values("mentee_id", kind="stable")
    f["mentee_name"] = f["mentee_id"].map(names)
    return f[list(FIX_HEADERS)].rename(columns=FIX_HEADERS).reset_index(drop=True)


def parameters_table(
    result: MatchResult, registry: Registry, made_at: dt.datetime | None = None
) -> pd.DataFrame:
    """«Параметры»: everything needed to reproduce and defend the result.

    Columns ``Параметр``, ``Значение``. ``made_at`` defaults to now (UTC,
    to the second).
    """
    made_at = made_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    cfg = result.config
    rows = [
        ("Программа", f"Тандем {__version__}"),
        ("Входной файл", registry.source or ""),
        ("SHA-256 входного файла", registry.sha256 or ""),
        ("Сформировано (UTC)", made_at.strftime("%Y-%m-%d %H:%M:%S")),
        ("Статус решателя", result.status),
        ("Метод", "OR-Tools min-cost flow: сначала максимум пар, затем максимум суммы баллов"),
        ("Полнота перебора", result.method),
        ("Наставляемых в реестре", result.n_mentees),
        ("Пар сформировано", len(result.pairs)),
        ("Без наставника", len(result.unmatched)),
        ("Сумма баллов пар (целевая функция)", round(result.objective, 6)),
        ("Время подбора, с", round(result.solve_seconds, 3)),
    ]
    for c in COMPONENTS:
        rows.append((f"Вес: {COMPONENT_LABELS[c]}", getattr(cfg.weights, c)))
    c = cfg.constraints
    rows += [
        ("Требовать общий предмет", "да" if c.require_subject_match else "нет"),
        (
            "Требовать закрытия хотя бы одного дефицита или общего предмета",
            "да" if c.require_relevance else "нет",
        ),
        (
            "Макс. расстояние для очного формата, км",
            "без ограничения" if c.max_distance_km is None else c.max_distance_km,
        ),
        ("Разрешать наставника из той же школы", "да" if c.allow_same_school else "нет"),
        ("Разница в стаже для полного балла, лет", cfg.scales.experience_full_gap_years),
        ("Шкала расстояния, км", cfg.scales.distance_scale_km),
        (
            "Сетевой компонент поощряет",
            "другую школу" if cfg.scales.school_preference == "other" else "ту же школу",
        ),
    ]
    if cfg.objective != "total":
        rows.append(("Цель подбора", OBJECTIVE_LABELS[cfg.objective]))
    if cfg.priority.tiers:
        rows.append(("Приоритет наставляемых (уровни)", cfg.priority.describe()))
    if result.changes is not None:
        kinds = result.changes["change"].value_counts()
        rows += [
            (
                "Цена смены наставника, баллов",
                "без смены: допустимые действующие пары сохраняются"
                if result.change_cost is None
                else result.change_cost,
            ),
            ("Действующих пар до подбора", int((result.changes["mentor_before"] != "").sum())),
            ("Пар сохранено", int(kinds.get("сохранена", 0))),
            ("Сменили наставника", int(kinds.get("другой наставник", 0))),
            ("Пар снято", int(kinds.get("снята", 0))),
            ("Новых пар", int(kinds.get("новая", 0))),
        ]
    for r in result.overrides.itertuples(index=False):
        what = "Закреплено вручную" if r.action == "lock" else "Запрещено вручную"
        rows.append((what, f"{r.mentee_id} — {r.mentor_id}"))
    return pd.DataFrame(rows, columns=["Параметр", "Значение"])


#: Above this many pairs + unmatched rows the workbook is streamed (openpyxl write-only mode).
STREAM_ROWS = 10_000


def build_workbook(result: MatchResult, registry: Registry) -> Workbook:
    """The output workbook in memory (see the module docstring for its sheets).

    Large results (more than :data:`STREAM_ROWS` rows) are built in
    openpyxl's write-only mode (:func:`tandem.xlsx_write.streaming_workbook`): same
    sheets, headers, formats, frozen header and filters; such a workbook can
    be saved once.
    """
    formats = {
        PAIR_HEADERS["score"]: "0.000",
        **{COMPONENT_LABELS[c]: "0.00" for c in COMPONENTS},
        PAIR_HEADERS["distance_km"]: "0.0",
        ALTERNATE_HEADERS["score_change"]: "0.000",
    }
    tables = result_tables(result, registry)
    if len(result.pairs) + len(result.unmatched) > STREAM_ROWS:
        return streaming_workbook([(title, df, None, formats) for title, df in tables.items()], max_width=50)
    wb = new_workbook()
    for title, df in tables.items():
        ws = wb.create_sheet(title)
        write_table(ws, df, number_formats=formats, max_width=80 if title != "Тандемы" else 50)
    return wb


def write_result(result: MatchResult, registry: Registry, path: str | os.PathLike) -> Path:
    """Write the output workbook atomically (temporary file renamed into place).

    Parameters
    ----------
    result : MatchResult
    registry : Registry
        The registry the result was computed from (names, deficits, SHA-256).
    path : str or path-like
        Target ``.xlsx``; parent folders are created.

    Returns
    -------
    Path
    """
    return atomic_save(build_workbook(result, registry), path)


def result_bytes(result: MatchResult, registry: Registry) -> bytes:
    """The output workbook as ``.xlsx`` bytes (for a download button)."""
    buf = io.BytesIO()
    build_workbook(result, registry).save(buf)
    return buf.getvalue()
