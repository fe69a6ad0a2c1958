"""Excel exports of the results: the jury protocol and the public ranking.

The protocol workbook follows the documents of the regional regulations
(research note on contest regulations, §1.3 and §7.5: сводная таблица,
рейтинговая таблица, протокол signed by the chair and the members):

* «Протокол» — the ranking: place, entry code, title, pair names, schools,
  stage totals, final total, award, the flag «требует решения председателя»
  for ties the rules could not break; the jury list and signature lines;
* «Сводная ведомость» — every juror's task sum per entry and task, jurors as
  columns, with the aggregated task score;
* «Баллы по критериям» — every criterion score (long form);
* «Согласованность» — agreement per task and severity per juror
  (:func:`contest.agreement`);
* «Параметры» — contest version and file SHA-256, normalisation, package
  version, SHA-256 of every input file.

The public ranking (:func:`public_frame`) carries only entry code, place,
total and award, plus the names of the pair for entries whose participants
consented to publication (Federal Law 152-ФЗ «О персональных данных»).
All cells are values, never formulas (:func:`tandem.xlsx.set_cell`).
"""

from __future__ import annotations

import datetime as _dt

from pathlib import Path

import pandas as pd
from openpyxl.styles import Font
from openpyxl.workbook.workbook import Workbook

import tandem
from contest.people import CHAIR, People
from tandem.xlsx import atomic_save, new_workbook, set_cell, write_table

TIE_NOTE = "требует решения председателя"

TASK_HEADERS = {
    "stage_id": "Этап", "task_id": "Задание", "n_entries": "Работ", "n_jurors": "Экспертов",
    "kendall_w": "W Кендалла", "chi2": "χ²", "dof": "Степеней свободы", "p_value": "p-значение",
    "icc1": "ICC(1,1)", "icc2": "ICC(2,1)", "icc3": "ICC(3,1)", "icc1k": "ICC(1,k)", "icc2k": "ICC(2,k)",
    "icc3k": "ICC(3,k)", "krippendorff_alpha": "α Криппендорфа", "reading": "Вывод",
    "block_entries": "Работ в полном блоке (для W и ICC)", "block_jurors": "Экспертов в полном блоке",
}
JUROR_HEADERS = {
    "juror_id": "Код эксперта", "full_name": "ФИО", "n_entries": "Работ оценено",
    "n_cells": "Оценок (работа × задание) вместе с коллегами",
    "mean_deviation": "Среднее отклонение от коллег, баллы",
    "mean_deviation_share": "Среднее отклонение, доля максимума задания", "z": "z-оценка", "flag": "Отметка",
}


def _names(people: People) -> dict[str, dict]:
    return people.entries.set_index("entry_id").to_dict("index")


def ranking_frame(results, people: People) -> pd.DataFrame:
    """The protocol table: one row per entry, best first.

    Returns
    -------
    DataFrame
        ``place`` (int), ``entry_id``, ``title``, ``nomination``,
        ``mentor_name``, ``mentee_name``, ``schools`` (str), one column per
        stage of the contest (``total_<stage_id>``, float points, NaN when
        the entry did not take part), ``total`` (float, final points),
        ``award`` (str), ``last_stage`` (str, "<id>. <name>" of the last
        stage the entry was scored in), ``last_stage_total`` (float, points
        of that stage), ``note`` (str: «требует
        решения председателя» when ``tie_flag``).
    """
    info = _names(people)
    r = results.ranking.reset_index(drop=True)
    st = results.stages.pivot_table(index="entry_id", columns="stage_id", values="total", aggfunc="first")
    rows = []
    for rec in r.to_dict("records"):
        e = info.get(rec["entry_id"], {})
        row = {
            "place": int(rec["rank"]),
            "entry_id": rec["entry_id"],
            "title": e.get("title", ""),
            "nomination": e.get("nomination", ""),
            "mentor_name": e.get("mentor_name", ""),
            "mentee_name": e.get("mentee_name", ""),
            "schools": "; ".join(e.get("school_ids", ())),
        }
        for s in results.contest.stages:
            v = st.at[rec["entry_id"], s.id] if (rec["entry_id"] in st.index and s.id in st.columns) else None
            row[f"total_{s.id}"] = v
        row["total"] = rec["total"]
        row["award"] = rec.get("award", "") or ""
        took = [s for s in results.contest.stages if pd.notna(row[f"total_{s.id}"])]
        row["last_stage"] = f"{took[-1].id}. {took[-1].name}" if took else ""
        row["last_stage_total"] = row[f"total_{took[-1].id}"] if took else None
        row["note"] = TIE_NOTE if bool(rec.get("tie_flag", False)) else ""
        rows.append(row)
    return pd.DataFrame(rows)


def public_frame(results, people: People) -> pd.DataFrame:
    """The public ranking (152-ФЗ): no names without consent.

    Returns
    -------
    DataFrame
        ``place`` (int), ``entry_id`` (str), ``total`` (float, points),
        ``award`` (str), ``last_stage`` (str: name of the last stage the
        entry was scored in), ``last_stage_total`` (float, points of that
        stage), ``mentor_name``, ``mentee_name`` (str; empty
        unless the entry has ``publish_consent``).
    """
    consent = dict(zip(people.entries["entry_id"], people.entries["publish_consent"]))
    full = ranking_frame(results, people)
    out = full[["place", "entry_id", "total", "award", "last_stage", "last_stage_total", "mentor_name",
                "mentee_name"]].copy()
    hide = ~out["entry_id"].map(consent).fillna(False).astype(bool)
    out.loc[hide, ["mentor_name", "mentee_name"]] = ""
    return out.reset_index(drop=True)


def summary_frame(results, people: People) -> pd.DataFrame:
    """Сводная ведомость: juror task sums per entry and task, jurors as columns.

    Returns
    -------
    DataFrame
        ``entry_id``, ``title``, ``stage_id``, ``task_id``, ``task_name``, one
        column per juror (label ``"<juror_id> <full name>"``, float points, the
        juror's criterion sum; empty when the juror did not score it),
        ``score`` (aggregated task score), ``weighted`` (weight × score).
        Entries in ranking order, tasks in definition order.
    """
    jt = results.juror_tasks
    names = dict(zip(people.jury["juror_id"], people.jury["full_name"]))
    titles = dict(zip(people.entries["entry_id"], people.entries["title"]))
    jurors = [j for j in people.jury["juror_id"] if j in set(jt["juror_id"])]
    jurors += sorted(set(jt["juror_id"]) - set(jurors))
    wide = jt.pivot_table(index=["entry_id", "stage_id", "task_id"], columns="juror_id", values="raw",
                          aggfunc="first")
    tasks = results.tasks.set_index(["entry_id", "stage_id", "task_id"])
    order = {e: i for i, e in enumerate(results.ranking["entry_id"])}
    torder = {(s.id, t.id): k for k, (s, t) in enumerate((s, t) for s in results.contest.stages for t in s.tasks)}
    tname = {(s.id, t.id): t.name for s in results.contest.stages for t in s.tasks}
    keys = sorted(tasks.index, key=lambda k: (order.get(k[0], 10**6), k[0], torder.get((k[1], k[2]), 0)))
    rows = []
    for k in keys:
        row = {"entry_id": k[0], "title": titles.get(k[0], ""), "stage_id": k[1], "task_id": k[2],
               "task_name": tname.get((k[1], k[2]), "")}
        for j in jurors:
            v = wide.at[k, j] if (k in wide.index and j in wide.columns) else None
            row[f"{j} {names.get(j, '')}".strip()] = v
        row["score"] = tasks.at[k, "score"]
        row["weighted"] = tasks.at[k, "weighted"]
        rows.append(row)
    return pd.DataFrame(rows)


def criteria_scores_frame(results, people: People) -> pd.DataFrame:
    """Every criterion score with names: ``entry_id, juror_id, full_name, stage_id, task_id,
    criterion_id, criterion_name, score`` (float, points)."""
    s = results.scores.copy()
    cf = results.contest.criteria_frame()[["stage_id", "task_id", "criterion_id", "criterion_name"]]
    if "stage_id" in s.columns:
        s = s.drop(columns=[c for c in ("stage_id", "task_id") if c in s.columns])
    s = s.merge(cf, on="criterion_id", how="left")
    s["full_name"] = s["juror_id"].map(dict(zip(people.jury["juror_id"], people.jury["full_name"])))
    order = {c: i for i, c in enumerate(cf["criterion_id"])}
    s["_o"] = s["criterion_id"].map(order)
    s = s.sort_values(["entry_id", "_o", "juror_id"]).drop(columns="_o")
    return s[["entry_id", "juror_id", "full_name", "stage_id", "task_id", "criterion_id", "criterion_name",
              "score"]].reset_index(drop=True)


def _title(ws, lines: list[str]) -> int:
    for i, line in enumerate(lines, 1):
        c = set_cell(ws.cell(i, 1), line)
        if i == 1:
            c.font = Font(bold=True, size=14)
    return len(lines) + 2


def _rename(df: pd.DataFrame, headers: dict) -> tuple[pd.DataFrame, dict]:
    known = [c for c in headers if c in df.columns]
    extra = [c for c in df.columns if c not in headers]
    return df[known + extra], headers


def build_protocol(results, agreement, people: People, params: list[tuple[str, object]] | None = None,
                   made_at: _dt.datetime | None = None) -> Workbook:
    """The protocol workbook (sheets listed in the module docstring).

    Parameters
    ----------
    results : Results
    agreement : Agreement or None
        ``None`` leaves «Согласованность» with a note.
    people : People
    params : list of (label, value), optional
        Extra rows for «Параметры» (input files and their SHA-256).
    made_at : datetime, optional
        When the result was made, recorded in «Параметры» as «Сформировано
        (UTC)» (default: now, UTC, to the second) — for the audit trail.
    """
    made_at = made_at or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
    c = results.contest
    wb = new_workbook()
    ws = wb.create_sheet("Протокол")
    start = _title(ws, [
        "Протокол заседания жюри: итоги конкурса",
        f"Конкурс: {c.name}",
        f"Версия описания конкурса: {c.version}; итоговая сумма этапов: {', '.join(c.ranking_stages)}; "
        f"максимум {c.max_total():g} баллов",
    ])
    rf = ranking_frame(results, people)
    headers = {"place": "Место", "entry_id": "Код работы", "title": "Название", "nomination": "Номинация",
               "mentor_name": "Наставник", "mentee_name": "Наставляемый", "schools": "ОО",
               "total": "Итоговый балл", "award": "Награда", "last_stage": "Последний этап",
               "last_stage_total": "Балл последнего этапа", "note": "Примечание"}
    fmts = {"total": "0.00", "last_stage_total": "0.00"}
    for s in c.stages:
        headers[f"total_{s.id}"] = f"{s.id}. {s.name}, баллы"
        fmts[f"total_{s.id}"] = "0.00"
    rf = rf.drop(columns=["last_stage_total"])
    write_table(ws, rf, headers=headers, number_formats=fmts, start_row=start)
    r = start + len(rf) + 3
    if (rf["note"] != "").any():
        set_cell(ws.cell(r - 1, 1), f"Работы с пометкой «{TIE_NOTE}» набрали равные баллы и не различаются "
                                    f"правилами конкурса; место определяет председатель жюри.").font = Font(italic=True)
        r += 1
    set_cell(ws.cell(r, 1), "Состав жюри").font = Font(bold=True)
    r += 1
    for j in people.jury.itertuples(index=False):
        org = f", {j.organization}" if j.organization else ""
        set_cell(ws.cell(r, 1), f"{j.full_name} — {j.role}{org}")
        r += 1
    r += 1
    for j in people.jury.itertuples(index=False):
        who = "Председатель жюри" if j.role == CHAIR else "Член жюри"
        set_cell(ws.cell(r, 1), f"{who} ______________________ / {j.full_name} /")
        r += 2
    set_cell(ws.cell(r, 1), "Дата «____» ________________ 20___ г.")

    ws = wb.create_sheet("Сводная ведомость")
    start = _title(ws, ["Сводная ведомость оценок", f"Конкурс: {c.name}",
                        "Сумма баллов каждого эксперта по критериям задания; «Оценка» — итог по правилу агрегации, "
                        "«С весом» — оценка × вес задания."])
    sf = summary_frame(results, people)
    num = {col: "0.00" for col in sf.columns if col not in ("entry_id", "title", "stage_id", "task_id", "task_name")}
    write_table(ws, sf, headers={"entry_id": "Код работы", "title": "Название", "stage_id": "Этап",
                                 "task_id": "Задание", "task_name": "Название задания",
                                 "score": "Оценка", "weighted": "С весом"}, number_formats=num, start_row=start)

    ws = wb.create_sheet("Баллы по критериям")
    cf = criteria_scores_frame(results, people)
    write_table(ws, cf, headers={"entry_id": "Код работы", "juror_id": "Код эксперта", "full_name": "ФИО эксперта",
                                 "stage_id": "Этап", "task_id": "Задание", "criterion_id": "Критерий",
                                 "criterion_name": "Название критерия", "score": "Балл"})

    ws = wb.create_sheet("Согласованность")
    if agreement is None:
        set_cell(ws.cell(1, 1), "Статистика согласованности не рассчитана.")
    else:
        start = _title(ws, ["Согласованность экспертов по заданиям"])
        t, h = _rename(agreement.tasks, TASK_HEADERS)
        write_table(ws, t, headers=h, number_formats={k: "0.000" for k in TASK_HEADERS if k not in
                                                      ("stage_id", "task_id", "n_entries", "n_jurors", "dof", "reading")},
                    start_row=start)
        r = start + len(t) + 3
        set_cell(ws.cell(r, 1), "Строгость экспертов (отклонение от оценок коллег по тем же работам)").font = Font(bold=True)
        jdf = agreement.jurors.copy()
        jdf.insert(1, "full_name", jdf["juror_id"].map(dict(zip(people.jury["juror_id"], people.jury["full_name"]))))
        jdf, h = _rename(jdf, JUROR_HEADERS)
        write_table(ws, jdf, headers=h, number_formats={"mean_deviation": "0.00", "z": "0.00",
                                                         "mean_deviation_share": "0.0%"}, start_row=r + 1,
                    freeze=False, autofilter=False)

    ws = wb.create_sheet("Параметры")
    rows = [
        ("Конкурс", c.name),
        ("Версия описания конкурса (SHA-256, первые 12 знаков)", c.version),
    ]
    if c.source and Path(c.source).exists():
        from contest.scores_io import sha256

        rows.append((f"SHA-256 файла описания «{Path(c.source).name}»", sha256(c.source)))
    rows += [
        ("Нормализация", {"none": "нет", "zscore": "z-оценки по эксперту и заданию"}.get(c.normalization, c.normalization)),
        ("Экспертов на работу", "; ".join(f"{st.id}: {c.per_entry_of(st.id)}" for st in c.stages)),
        ("Отвод экспертов", {"same_school": "эксперт не оценивает работы своей ОО"}.get(c.recuse, "нет")),
        ("Этапы итоговой суммы", ", ".join(c.ranking_stages)),
        ("Правила разрешения равенства", ", ".join(c.tie_break) or "нет"),
        ("Версия пакета «Тандем»", tandem.__version__),
        ("Сформировано (UTC)", made_at.strftime("%Y-%m-%d %H:%M:%S")),
    ]
    rows += list(params or [])
    for w in getattr(results, "warnings", []) or []:
        rows.append(("Предупреждение", w))
    write_table(ws, pd.DataFrame(rows, columns=["param", "value"]), headers={"param": "Параметр", "value": "Значение"})
    wb.active = 0
    return wb


def build_public(results, people: People) -> Workbook:
    """The public ranking workbook (sheet «Рейтинг»), see :func:`public_frame`."""
    wb = new_workbook()
    ws = wb.create_sheet("Рейтинг")
    start = _title(ws, [f"Итоги конкурса «{results.contest.name}»",
                        "Имена указаны только для участников, давших согласие на публикацию (152-ФЗ)."])
    write_table(ws, public_frame(results, people), start_row=start,
                number_formats={"total": "0.00", "last_stage_total": "0.00"},
                headers={"place": "Место", "entry_id": "Код работы", "total": "Итоговый балл", "award": "Награда",
                         "last_stage": "Последний этап", "last_stage_total": "Балл последнего этапа",
                         "mentor_name": "Наставник", "mentee_name": "Наставляемый"})
    return wb


def write_protocol(path, results, agreement, people: People, params=None) -> Path:
    """Build and save the protocol atomically; returns the path."""
    return atomic_save(build_protocol(results, agreement, people, params), path)


def write_public(path, results, people: People) -> Path:
    """Build and save the public ranking atomically; returns the path."""
    return atomic_save(build_public(results, people), path)
