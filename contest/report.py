"""The results as tables: the protocol's ranking, the public ranking, the summary sheet, the
criterion scores, the parameters, and the tables of the results page.

The public ranking (:func:`public_frame`) carries only entry code, place,
total and award, plus the names of the pair for entries whose participants
consented to publication (Federal Law 152-ФЗ «О персональных данных»).

Pure: :class:`~contest.scoring.Results`, :class:`~contest.agreement.Agreement`
and :class:`~contest.roster.People` in, DataFrames out; the workbooks are
built by :mod:`contest.protocol`.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import PurePath

import pandas as pd

import tandem
from contest.roster import People

TIE_NOTE = "требует решения председателя"

TASK_HEADERS = {
    "stage_id": "Этап",
    "task_id": "Задание",
    "n_entries": "Работ",
    "n_jurors": "Экспертов",
    "kendall_w": "W Кендалла",
    "chi2": "χ²",
    "dof": "Степеней свободы",
    "p_value": "p-значение",
    "icc1": "ICC(1,1)",
    "icc2": "ICC(2,1)",
    "icc3": "ICC(3,1)",
    "icc1k": "ICC(1,k)",
    "icc2k": "ICC(2,k)",
    "icc3k": "ICC(3,k)",
    "krippendorff_alpha": "α Криппендорфа",
    "reading": "Вывод",
    "block_entries": "Работ в полном блоке (для W и ICC)",
    "block_jurors": "Экспертов в полном блоке",
}
JUROR_HEADERS = {
    "juror_id": "Код эксперта",
    "full_name": "ФИО",
    "n_entries": "Работ оценено",
    "n_cells": "Оценок (работа × задание) вместе с коллегами",
    "mean_deviation": "Среднее отклонение от коллег, баллы",
    "mean_deviation_share": "Среднее отклонение, доля максимума задания",
    "z": "z-оценка",
    "flag": "Отметка",
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
    out = full[
        [
            "place",
            "entry_id",
            "total",
            "award",
            "last_stage",
            "last_stage_total",
            "mentor_name",
            "mentee_name",
        ]
    ].copy()
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
    wide = jt.pivot_table(
        index=["entry_id", "stage_id", "task_id"], columns="juror_id", values="raw", aggfunc="first"
    )
    tasks = results.tasks.set_index(["entry_id", "stage_id", "task_id"])
    order = {e: i for i, e in enumerate(results.ranking["entry_id"])}
    torder = {
        (s.id, t.id): k for k, (s, t) in enumerate((s, t) for s in results.contest.stages for t in s.tasks)
    }
    tname = {(s.id, t.id): t.name for s in results.contest.stages for t in s.tasks}
    keys = sorted(tasks.index, key=lambda k: (order.get(k[0], 10**6), k[0], torder.get((k[1], k[2]), 0)))
    rows = []
    for k in keys:
        row = {
            "entry_id": k[0],
            "title": titles.get(k[0], ""),
            "stage_id": k[1],
            "task_id": k[2],
            "task_name": tname.get((k[1], k[2]), ""),
        }
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
    return s[
        [
            "entry_id",
            "juror_id",
            "full_name",
            "stage_id",
            "task_id",
            "criterion_id",
            "criterion_name",
            "score",
        ]
    ].reset_index(drop=True)


def parameters_frame(
    results,
    made_at: _dt.datetime,
    params: list[tuple[str, object]] | None = None,
    source_sha256: str | None = None,
) -> pd.DataFrame:
    """The rows of the protocol's «Параметры» sheet: what the result was computed from and how.

    Parameters
    ----------
    results : Results
    made_at : datetime
        When the result was made («Сформировано (UTC)», to the second).
    params : list of (label, value), optional
        Rows appended after the contest's parameters (input files and their SHA-256).
    source_sha256 : str, optional
        Hex SHA-256 of the definition file ``results.contest.source``; its row
        follows the contest version when given.

    Returns
    -------
    DataFrame
        Columns ``param`` (str, Russian label) and ``value``; one row per
        parameter, then one «Предупреждение» row per warning of ``results``.
    """
    c = results.contest
    rows = [
        ("Конкурс", c.name),
        ("Версия описания конкурса (SHA-256, первые 12 знаков)", c.version),
    ]
    if source_sha256 is not None:
        rows.append((f"SHA-256 файла описания «{PurePath(c.source or '').name}»", source_sha256))
    rows += [
        (
            "Нормализация",
            {
                "none": "нет",
                "zscore": "z-оценки по эксперту и заданию",
                "additive": "аддитивная модель строгости экспертов: оценка задания — справедливое среднее",
            }.get(c.normalization, c.normalization),
        ),
        ("Экспертов на работу", "; ".join(f"{st.id}: {c.per_entry_of(st.id)}" for st in c.stages)),
        ("Отвод экспертов", {"same_school": "эксперт не оценивает работы своей ОО"}.get(c.recuse, "нет")),
        ("Этапы итоговой суммы", ", ".join(c.ranking_stages)),
        ("Правила разрешения равенства", ", ".join(c.tie_break) or "нет"),
        ("Места и награды", "в каждой номинации" if c.by_nomination else "общий рейтинг"),
        ("Опорные работы (оценивают все эксперты)", str(c.anchors) if c.anchors else "нет"),
        ("Версия пакета «Тандем»", tandem.__version__),
        ("Сформировано (UTC)", made_at.strftime("%Y-%m-%d %H:%M:%S")),
    ]
    rows += list(params or [])
    for w in getattr(results, "warnings", []) or []:
        rows.append(("Предупреждение", w))
    return pd.DataFrame(rows, columns=["param", "value"])


def ranking_table(results, people: People) -> pd.DataFrame:
    """The ranking as the results page shows it (Russian headers), best first.

    Returns
    -------
    DataFrame
        ``Место`` (int), ``Код работы``, ``Название`` (str), ``Итоговый балл``
        (float, points), ``Награда``, ``Последний этап`` (str), ``Балл
        последнего этапа`` (float, points), ``Отметка`` (str: :data:`TIE_NOTE`
        for unresolved ties, else ``""``).
    """
    pub = public_frame(results, people)
    titles = dict(zip(people.entries["entry_id"], people.entries["title"]))
    return pd.DataFrame(
        {
            "Место": pub["place"],
            "Код работы": pub["entry_id"],
            "Название": pub["entry_id"].map(titles),
            "Итоговый балл": pub["total"],
            "Награда": pub["award"],
            "Последний этап": pub["last_stage"],
            "Балл последнего этапа": pub["last_stage_total"],
            "Отметка": ranking_frame(results, people)["note"].to_numpy(),
        }
    )


def jurors_table(agreement, people: People) -> pd.DataFrame:
    """Juror severity as the results page shows it: the columns of :data:`JUROR_HEADERS` present in
    ``agreement.jurors``, with the juror's full name, under their Russian headers."""
    j = agreement.jurors.copy()
    j.insert(1, "full_name", j["juror_id"].map(dict(zip(people.jury["juror_id"], people.jury["full_name"]))))
    return j[[c for c in JUROR_HEADERS if c in j.columns]].rename(columns=JUROR_HEADERS)


STABILITY_HEADERS = {
    "rank": "Место",
    "entry_id": "Код работы",
    "title": "Название",
    "award": "Награда",
    "rank_range": "Место без одного эксперта",
    "award_share": "Награда сохраняется, доля составов",
    "key_juror": "Эксперт, без которого меняется больше всего",
    "without": "Без него: место и награда",
}


def stability_table(rob, people: People) -> pd.DataFrame:
    """Per entry, how its place and award hold when one juror is left out (Russian headers).

    Parameters
    ----------
    rob : Robustness
        :func:`contest.assess_robustness`.

    Returns
    -------
    DataFrame
        The columns of :data:`STABILITY_HEADERS` under their Russian headers,
        in the ranking's order: place (int), entry code, title, award (str),
        place range over the panels without one juror (str, «2–4» or «3»),
        share of those panels in which the award holds (float 0–1), the key
        juror (code and full name, str) and the entry's place and award
        without that juror (str).
    """
    s = rob.summary
    titles = dict(zip(people.entries["entry_id"], people.entries["title"]))
    names = dict(zip(people.jury["juror_id"], people.jury["full_name"]))
    rng = [str(a) if a == b else f"{a}–{b}" for a, b in zip(s["rank_min"], s["rank_max"])]
    key = [f"{j} ({names[j]})" if j in names else j for j in s["key_juror"]]
    without = [
        "" if not j else f"{int(r)} место" + (f", «{a}»" if a else ", без награды")
        for j, r, a in zip(s["key_juror"], s["rank_without"], s["award_without"])
    ]
    out = pd.DataFrame(
        {
            "rank": s["rank"].to_numpy(),
            "entry_id": s["entry_id"].to_numpy(),
            "title": s["entry_id"].map(titles).fillna("").to_numpy(),
            "award": s["award"].to_numpy(),
            "rank_range": rng,
            "award_share": s["award_share"].to_numpy(dtype=float),
            "key_juror": key,
            "without": without,
        }
    )
    return out.rename(columns=STABILITY_HEADERS)


def what_if_table(rob, max_rank: int = 3) -> pd.DataFrame:
    """The places and awards under the other rules, one column per variant (Russian headers).

    Rows are the entries placed ``max_rank`` or better, or titled, in some
    variant (in the order of the first variant, the contest's own rules);
    each cell reads «1 · Победитель», «4» or «5 · Лауреат».

    Returns
    -------
    DataFrame
        ``Код работы`` (str) and one str column per variant of
        :data:`contest.robustness.WHAT_IF_VARIANTS`.
    """
    w = rob.what_if
    shown = set(w.loc[(w["rank"] <= max_rank) | (w["award"] != ""), "entry_id"])
    order = [e for e in dict.fromkeys(w["entry_id"]) if e in shown]
    cell = w["rank"].astype(str) + w["award"].map(lambda a: f" · {a}" if a else "")
    table = pd.DataFrame({"variant": w["variant"], "entry_id": w["entry_id"], "cell": cell})
    wide = table.pivot(index="entry_id", columns="variant", values="cell")
    wide = wide.reindex(index=order, columns=list(dict.fromkeys(w["variant"])))
    wide = wide.reset_index().rename(columns={"entry_id": "Код работы"})
    wide.columns.name = None
    return wide


SEVERITY_HEADERS = {
    "stage_id": "Этап",
    "task_id": "Задание",
    "juror_id": "Код эксперта",
    "full_name": "ФИО",
    "n_entries": "Работ оценено",
    "severity": "Строгость, баллы (+ строже коллег, − мягче)",
    "se": "Стандартная ошибка",
    "group": "Группа связанных экспертов",
}
FAIR_HEADERS = {
    "entry_id": "Код работы",
    "title": "Название",
    "stage_id": "Этап",
    "task_id": "Задание",
    "n_jurors": "Экспертов",
    "score": "Оценка задания (официальная)",
    "raw_mean": "Среднее оценок экспертов",
    "fair_average": "Справедливое среднее",
    "difference": "Разница (справедливое − среднее)",
}


def severity_frame(severity, people: People) -> pd.DataFrame:
    """Severity per task and juror from the additive model (:func:`contest.severity.fit_severity`).

    Returns
    -------
    DataFrame
        The columns of :attr:`contest.severity.Severity.jurors` with the
        juror's ``full_name`` (str) after ``juror_id``.
    """
    j = severity.jurors.copy()
    j.insert(3, "full_name", j["juror_id"].map(dict(zip(people.jury["juror_id"], people.jury["full_name"]))))
    return j


def fair_frame(results, severity, people: People) -> pd.DataFrame:
    """Fair averages beside the raw ones, per entry and task, entries in ranking order.

    Returns
    -------
    DataFrame
        ``entry_id, title, stage_id, task_id`` (str), ``n_jurors`` (int),
        ``score`` (float, the official task score of ``results``),
        ``raw_mean``, ``fair_average`` (float, points; NaN when the task's
        plan does not connect the jurors) and ``difference`` (fair − raw mean).
    """
    titles = dict(zip(people.entries["entry_id"], people.entries["title"]))
    f = severity.entries.merge(
        results.tasks[["entry_id", "stage_id", "task_id", "score"]],
        on=["entry_id", "stage_id", "task_id"],
        how="left",
    )
    f.insert(1, "title", f["entry_id"].map(titles).fillna(""))
    f["difference"] = (f["fair_average"] - f["raw_mean"]).round(9)
    order = {e: i for i, e in enumerate(results.ranking["entry_id"])}
    f = f.assign(_o=f["entry_id"].map(order)).sort_values(["_o", "stage_id", "task_id"], kind="stable")
    return f[list(FAIR_HEADERS)].reset_index(drop=True)


RECONCILE_HEADERS = {
    "entry_id": "Код работы",
    "stage_id": "Этап",
    "task_id": "Задание",
    "criterion_id": "Критерий (пусто — сумма по заданию)",
    "juror_id": "Код эксперта",
    "scores": "Оценки экспертов",
    "spread": "Расхождение, баллы",
    "max_spread": "Допустимо, баллы",
    "status": "Итог согласования",
    "old_score": "Было",
    "new_score": "Стало",
    "decision": "Решение",
    "reason": "Основание",
}


def reconciliation_frames(rec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The flags (with their status) and the chair's decisions of a
    :class:`~contest.reconcile.Reconciliation`, under Russian headers."""
    flags = rec.flags.drop(columns=["jurors"])
    return flags.rename(columns=RECONCILE_HEADERS), rec.decisions.rename(columns=RECONCILE_HEADERS)
