"""What the contest pages show: tables, texts and HTML (no widgets, no files).

Plain Python over the package, tested on its own; the page classes of
:mod:`contest.ui` put these into ipywidgets.
"""

from __future__ import annotations

import html

import pandas as pd

from contest.assign import conflicts, loads
from contest.reconcile import KEEP, NEEDS_REVIEW, flag_rows
from contest.report import (
    FAIR_HEADERS,
    JUROR_HEADERS,
    TIE_NOTE,
    fair_frame,
    reconciliation_frames,
    severity_frame,
    stability_table,
    what_if_table,
)
from tandem.errors import InputError

#: MIME type of an .xlsx download.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def contest_tree(contest) -> pd.DataFrame:
    """The contest as a table: stage, task (weight, aggregation), criterion and its range.

    Returns
    -------
    DataFrame
        Russian headers: Этап, Задание, Вес, Агрегация, Критерий, Баллы.
    """
    agg = {"mean": "среднее", "trimmed_mean": "усечённое среднее", "median": "медиана", "sum": "сумма"}
    rows = []
    for s in contest.stages:
        adv = (
            f"; проходят {s.advance_top} лучших"
            if s.advance_top
            else f"; проходят набравшие ≥ {s.advance_min_share:.0%} максимума"
            if s.advance_min_share
            else ""
        )
        for t in s.tasks:
            for c in t.criteria:
                rows.append(
                    (
                        f"{s.id}. {s.name}{adv}",
                        f"{t.id}. {t.name}",
                        t.weight,
                        agg.get(t.aggregation, t.aggregation),
                        f"{c.id}. {c.name}",
                        f"{c.min:g}–{c.max:g}",
                    )
                )
    return pd.DataFrame(rows, columns=["Этап", "Задание", "Вес", "Агрегация", "Критерий", "Баллы"])


def load_table(plan: pd.DataFrame, people) -> pd.DataFrame:
    """Entries per juror with names and the list of entries (Russian headers)."""
    ld = loads(plan, people)
    lists = plan.groupby("juror_id")["entry_id"].apply(lambda s: ", ".join(sorted(s)))
    return pd.DataFrame(
        {
            "Код эксперта": ld["juror_id"],
            "ФИО": ld["full_name"],
            "Работ": ld["load"],
            "Работы": [lists.get(j, "") for j in ld["juror_id"]],
        }
    )


def bar_html(df: pd.DataFrame, column: str, color: str = "#5b9bd5", align="left") -> str:
    """``df`` as HTML with in-cell bars for ``column`` (pandas Styler; no plotting library needed)."""
    styler = df.style.hide(axis="index").bar(subset=[column], color=color, align=align)
    fmt = {c: "{:.2f}" for c in df.columns if pd.api.types.is_float_dtype(df[c])}
    return styler.format(fmt, na_rep="").to_html()


def severity_html(jurors: pd.DataFrame) -> str:
    """Juror severity as bars around zero: below zero — stricter than colleagues."""
    col = JUROR_HEADERS["mean_deviation"]
    return bar_html(jurors, col, color=["#d65f5f", "#5fba7d"], align="zero")


def _plus_minus(value: float, se: float) -> str:
    if pd.isna(value):
        return "—"
    return f"{value:+.2f}" if pd.isna(se) else f"{value:+.2f} ± {se:.2f}"


def additive_html(results, severity, people) -> str:
    """The additive model on the results page: severities with standard errors, warnings, fair averages.

    Parameters
    ----------
    results : contest.scoring.Results
    severity : contest.severity.Severity
        :func:`contest.severity.fit_severity` of ``results.juror_tasks``.
    people : contest.roster.People

    Returns
    -------
    str
        HTML: a note on what the model is and whether it decides the result
        (``normalization: additive``), a warning per task whose plan does not
        connect the jurors, a juror × task table of «строгость ± стандартная
        ошибка» (points of the task sum; + stricter than colleagues), and the
        fair averages beside the raw means (:func:`contest.report.fair_frame`).
    """
    official = results.contest.normalization == "additive"
    parts = [
        "<p>Аддитивная модель: оценка = качество работы − строгость эксперта, по всем оценкам задания "
        "(метод наименьших квадратов, сумма строгостей = 0). Строгость — в баллах задания: плюс — строже "
        "коллег, минус — мягче (знак обратный среднему отклонению выше); ± — стандартная ошибка. "
        + (
            "<b>Итоги рассчитаны по справедливым средним</b> (normalization: additive).</p>"
            if official
            else "Справедливые средние — для сведения: итоги рассчитаны по исходным оценкам.</p>"
        )
    ]
    parts += [f"<p style='color:#9c2f00'><b>Внимание:</b> {html.escape(w)}</p>" for w in severity.warnings]
    jf = severity_frame(severity, people)
    if len(jf):
        jf = jf.assign(
            cell=[_plus_minus(v, e) for v, e in zip(jf["severity"], jf["se"])],
            task=jf["stage_id"] + " · " + jf["task_id"],
        )
        tasks = list(dict.fromkeys(jf["task"]))
        table = (
            jf.pivot(index=["juror_id", "full_name"], columns="task", values="cell")
            .reindex(columns=tasks)
            .fillna("—")
            .reset_index()
            .rename(columns={"juror_id": "Код эксперта", "full_name": "ФИО"})
        )
        table.columns.name = None
        parts.append(styled_html(table))
    fair = fair_frame(results, severity, people).rename(columns=FAIR_HEADERS)
    if len(fair):
        parts.append(
            "<p><b>Справедливые средние</b> рядом с исходными (по работам и заданиям, в порядке мест):</p>"
        )
        parts.append(styled_html(fair))
    return "".join(parts)


def recusals_table(contest, people) -> pd.DataFrame:
    """Who may not score what, and why (conflicts of interest).

    Returns
    -------
    DataFrame
        Russian headers: Код эксперта, ФИО, Код работы, Название, Причина;
        sorted by juror and entry.
    """
    why = {"ОО": "работа из организации эксперта", "участник": "эксперт — участник работы"}
    jn = dict(zip(people.jury["juror_id"], people.jury["full_name"]))
    titles = dict(zip(people.entries["entry_id"], people.entries["title"]))
    rows = [
        (j, jn.get(j, ""), e, titles.get(e, ""), why.get(r, r))
        for (e, j), r in sorted(conflicts(contest, people).items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]
    return pd.DataFrame(rows, columns=["Код эксперта", "ФИО", "Код работы", "Название", "Причина"])


def problems_by_file(exc: InputError) -> pd.DataFrame:
    """Count of problems per file of an input error (files in order of first problem).

    Returns
    -------
    DataFrame
        ``Файл`` (str; «—» for problems not tied to a file), ``Проблем`` (int).
    """
    f = exc.to_frame()["Файл"].fillna("—").replace("", "—")
    counts = f.value_counts(sort=False)
    return pd.DataFrame({"Файл": counts.index, "Проблем": counts.to_numpy()})


def agreement_reading(agr, jurors: pd.DataFrame | None = None) -> str:
    """The agreement of the jury in plain Russian, in two or three sentences.

    Each task's level (высокая / умеренная / низкая, from
    :func:`contest.agreement.reading`) is counted; the headline says
    «согласованность экспертов высокая» only when every task reads so, and
    «низкая» when most tasks read so. Flagged jurors are named.
    """
    tasks = agr.tasks
    levels = [
        next((lv for lv in ("высокая", "умеренная", "низкая") if lv in str(r)), None)
        for r in tasks["reading"]
    ]
    known = [lv for lv in levels if lv]
    if not known:
        head = "Согласованность экспертов оценить нельзя: мало работ, оценённых одними и теми же экспертами."
    else:
        n = len(known)
        high, low = known.count("высокая"), known.count("низкая")
        overall = "высокая" if high == n else "низкая" if low * 2 > n else "умеренная"
        head = (
            f"В целом согласованность экспертов {overall}: высокая в {high}, "
            f"умеренная в {known.count('умеренная')}, низкая в {low} из {n} заданий."
        )
        if overall == "низкая":
            head += (
                " Эксперты заметно по-разному расставляют работы; стоит обсудить понимание критериев "
                "на заседании жюри до утверждения итогов."
            )
        elif overall == "высокая":
            head += " Эксперты в основном одинаково расставляют работы по местам."
    if jurors is not None and "Отметка" in jurors.columns:
        flagged = jurors[jurors["Отметка"].astype(str) != ""]
        if len(flagged):
            head += (
                " Заметно отличаются от коллег: "
                + ", ".join(f"{r['ФИО']} ({r['Отметка']})" for _, r in flagged.iterrows())
                + "."
            )
        else:
            head += " Ни один эксперт не выделяется строгостью или мягкостью."
    return head


def agreement_frame(agr) -> pd.DataFrame:
    """Per-task agreement for the page: stage, task, W, α and the reading (Russian headers)."""
    t = agr.tasks
    return pd.DataFrame(
        {
            "Этап": t["stage_id"],
            "Задание": t["task_id"],
            "Работ": t["n_entries"],
            "Экспертов": t["n_jurors"],
            "W Кендалла": t["kendall_w"],
            "α Криппендорфа": t["krippendorff_alpha"],
            "Вывод": t["reading"],
        }
    )


def winner_text(outcome, contest_name: str = "") -> str:
    """«Победитель: …» and the tie warning, as one Russian paragraph.

    ``outcome`` is anything with a ``ranking`` frame in the form of
    :func:`contest.report.ranking_table` (e.g. :class:`contest.ui.Outcome`).
    """
    r = outcome.ranking
    win = r[r["Награда"] == "Победитель"]
    top = win if len(win) else r.head(1)
    names = "; ".join(
        f"{row['Код работы']} {row['Название']} — {row['Итоговый балл']:.2f} балла"
        for _, row in top.iterrows()
    )
    text = (f"{contest_name}: " if contest_name else "") + (
        f"Победитель: {names}." if len(win) else f"Первое место: {names}."
    )
    ties = r[r["Отметка"] == TIE_NOTE]
    if len(ties):
        text += f" Равные баллы у работ {', '.join(ties['Код работы'])} — {TIE_NOTE} (отмечено в рейтинге)."
    return text


def styled_html(df: pd.DataFrame, highlight: str | None = None) -> str:
    """A table as HTML (no index, 2 decimals); rows with a non-empty ``highlight`` column shaded."""
    fmt = {c: "{:.2f}" for c in df.columns if pd.api.types.is_float_dtype(df[c])}
    st = df.style.hide(axis="index").format(fmt, na_rep="")
    if highlight and highlight in df.columns:
        colors = {"Победитель": "#ffe699", "Призёр": "#e2efda", "Лауреат": "#ddebf7"}
        st = st.apply(
            lambda row: [
                f"background:{colors.get(row[highlight], '#f2f2f2')}" if str(row[highlight]) else ""
                for _ in row
            ],
            axis=1,
        )
    st = st.set_table_attributes('style="border-collapse:collapse;font-size:13px"').set_table_styles(
        [
            {"selector": "th,td", "props": "border:1px solid #ccc;padding:3px 6px;text-align:left"},
            {"selector": "th", "props": "background:#ddebf7"},
        ]
    )
    return f'<div style="max-height:520px;overflow:auto">{st.to_html()}</div>'


def problems_html(exc: Exception) -> str:
    """An input error as «problems per file» and the full table; anything else as one line."""
    if not isinstance(exc, InputError):
        return f"<p style='color:#b00'>Не удалось выполнить шаг: {html.escape(str(exc))}</p>"
    n = len(exc.issues)
    return (
        f"<p style='color:#b00'><b>Найдено проблем во входных файлах: {n}.</b> "
        "Исправьте их и загрузите файлы снова.</p>"
        + styled_html(problems_by_file(exc))
        + "<p>Подробно:</p>"
        + styled_html(exc.to_frame().fillna(""))
    )


def stability_html(rob, people) -> str:
    """The results page's section «Устойчивость»: alerts, places without each juror, other rules.

    Parameters
    ----------
    rob : Robustness
        :func:`contest.assess_robustness`.
    people : People
    """
    if rob.alerts:
        items = "".join(f"<li>{html.escape(a)}</li>" for a in rob.alerts)
        alerts = (
            "<p style='color:#9c5700'><b>Один эксперт решает награду</b> — стоит обсудить на заседании "
            f"жюри:</p><ul>{items}</ul>"
        )
    else:
        alerts = "<p style='color:#375623'><b>Ни один эксперт в одиночку не меняет награды.</b></p>"
    notes = "".join(f"<p style='color:#9c5700'><b>Внимание:</b> {html.escape(n)}</p>" for n in rob.notes)
    st = stability_table(rob, people)
    share = "Награда сохраняется, доля составов"
    st[share] = [f"{x:.0%}" for x in st[share]]
    return (
        alerts + "<p>Итоги пересчитаны по тем же правилам без оценок каждого эксперта по очереди "
        "(с проходом в следующий этап).</p>"
        + notes
        + styled_html(st, highlight="Награда")
        + "<h3 style='margin:8px 0 4px'>При других правилах подсчёта</h3>"
        + styled_html(what_if_table(rob))
    )


def flags_html(flags: pd.DataFrame, blank_link: str = "") -> str:
    """The flags over ``max_spread`` left open, as the pages show them: why nothing is computed yet,
    the table (:func:`contest.reconcile.flag_rows`: entry, stage, task, criterion, every juror's score)
    and what to do, with ``blank_link`` (the download of the blank of decisions) after it.

    Parameters
    ----------
    flags : DataFrame
        :data:`contest.reconcile.FLAG_COLUMNS` (``UnreconciledError.flags``).
    blank_link : str
        HTML of the download link, placed after the table.
    """
    n = len(flags)
    return (
        f"<p style='color:#9c5700'><b>Оценки экспертов расходятся больше допустимого: {n} — "
        f"{NEEDS_REVIEW}.</b> Итоги подводятся после решения председателя жюри по каждой строке.</p>"
        + styled_html(flag_rows(flags))
        + "<p>Скачайте бланк решений, впишите в каждую строку решение председателя — новый балл эксперта "
        f"с основанием или «{KEEP}» — и загрузите заполненный бланк кнопкой «Решения председателя "
        "(согласование)».</p>" + (f"<p>{blank_link}</p>" if blank_link else "")
    )


def reconciliation_html(rec) -> str:
    """The chair's decisions applied to a run, as the results page shows them: counts, every flag with
    its outcome and every decision (was, now, reason), as on the protocol's sheet «Согласование».

    Parameters
    ----------
    rec : Reconciliation or None
        :func:`contest.reconcile.apply_decisions` of the run; ``""`` when there are no flags and no
        decisions.
    """
    if rec is None or (not len(rec.flags) and not len(rec.decisions)):
        return ""
    flags, decisions = reconciliation_frames(rec)
    return (
        f"<p>Расхождений больше допустимого: {len(rec.flags)}; решений председателя: {len(rec.decisions)}; "
        f"не согласовано: {len(rec.open)} (в протоколе — лист «Согласование»).</p>"
        + styled_html(flags)
        + (
            "<h4 style='margin:6px 0 2px'>Решения председателя</h4>" + styled_html(decisions)
            if len(decisions)
            else ""
        )
    )
