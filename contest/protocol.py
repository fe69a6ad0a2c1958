"""Excel exports of the results: the jury protocol and the public ranking.

The protocol workbook follows the documents of the regional regulations
(docs/sources.md [Сводная-таблица], [Лауреаты-протокол]: сводная таблица,
рейтинговая таблица, протокол signed by the chair and the members):

* «Протокол» — the ranking: place, entry code, title, pair names, schools,
  stage totals, final total, award, the flag «требует решения председателя»
  for ties the rules could not break (with ``ranking.by_nomination`` one
  section per nomination); the jury list and signature lines; a line
  pointing to «Параметры» for the input files' SHA-256;
* «Сводная ведомость» — every juror's task sum per entry and task, jurors as
  columns, with the aggregated task score;
* «Баллы по критериям» — every criterion score (long form);
* «Согласованность» — agreement per task and severity per juror
  (:func:`contest.agreement`);
* «Строгость экспертов» — the additive model (:mod:`contest.severity`):
  each juror's severity with its standard error per task, the warnings of
  plans that do not connect the jurors, and every entry's fair average
  beside its official task score and raw mean (docs/sources.md [Facets-1990]);
* «Согласование» — when the contest sets ``max_spread`` or decisions were
  given: every spread over it, the chair's decisions and what is left open
  (:mod:`contest.reconcile`);
* «Устойчивость» — places and awards with each juror left out, the alerts
  when one juror decides an award, the podium under the other aggregation
  rules (:func:`contest.assess_robustness`, docs/contest_rules.md §1.6);
* «Параметры» — contest version and file SHA-256, normalisation, package
  version, SHA-256 of every input file.

Every sheet prints on A4, one page wide, with its header row repeated and
page numbers (:func:`tandem.xlsx_write.print_setup`), fixed column widths and
wrapped text (:func:`tandem.xlsx_write.wrap_rows`); the jury's signatures are
kept together on one page after the ranking (docs/formats.md §11). The same
protocol for signing in Word: :mod:`contest.protocol_docx`.

The public ranking's columns are those of :func:`contest.report.public_frame`.
All cells are values, never formulas (:func:`tandem.xlsx.set_cell`). The
tables are built by :mod:`contest.report`; this module lays them out.
"""

from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.pagebreak import Break

from contest.report import (
    FAIR_HEADERS,
    JUROR_HEADERS,
    SEVERITY_HEADERS,
    TASK_HEADERS,
    TIE_NOTE,
    criteria_scores_frame,
    fair_frame,
    parameters_frame,
    public_frame,
    ranking_frame,
    reconciliation_frames,
    severity_frame,
    stability_table,
    summary_frame,
    what_if_table,
)
from contest.robustness import assess_robustness
from contest.roster import CHAIR, People
from contest.severity import fit_severity
from tandem.xlsx import atomic_save, new_workbook, set_cell, write_table
from tandem.xlsx_write import column_width, print_setup, wrap_rows

#: Printed column widths (characters) by table column; a column not listed gets :data:`_WIDTH`.
#: Long text is wrapped in its cell, so a table scaled to the page width stays readable.
WIDTHS = {
    "place": 7,
    "entry_id": 9,
    "title": 28,
    "nomination": 14,
    "mentor_name": 19,
    "mentee_name": 19,
    "schools": 10,
    "total": 10,
    "award": 12,
    "last_stage": 15,
    "last_stage_total": 11,
    "note": 15,
    "juror_id": 9,
    "full_name": 22,
    "stage_id": 6,
    "task_id": 8,
    "task_name": 18,
    "criterion_id": 10,
    "criterion_name": 30,
    "score": 9,
    "weighted": 9,
    "reading": 30,
    "n_cells": 12,
    "mean_deviation": 12,
    "mean_deviation_share": 12,
    "flag": 10,
    "param": 45,
    "value": 66,
}
_WIDTH = 10
#: Font of the protocol's closing blocks (input files and their SHA-256).
SMALL = Font(size=10)


def _title(ws, lines: list[str]) -> int:
    for i, line in enumerate(lines, 1):
        c = set_cell(ws.cell(i, 1), line)
        if i == 1:
            c.font = Font(bold=True, size=14)
    return len(lines) + 2


def _fit(ws, df: pd.DataFrame, header_row: int, widths: dict | None = None) -> None:
    """Printed widths for the table of ``df`` written at ``header_row``; its cells wrapped, rows as tall
    as their wrapped text (:func:`tandem.xlsx_write.wrap_rows`)."""
    widths = {**WIDTHS, **(widths or {})}
    for j, col in enumerate(df.columns, 1):
        # no header word broken in two: at least as wide as the longest word of the (bold) header
        longest = max((len(w) for w in str(ws.cell(header_row, j).value or "").split()), default=0)
        width = max(widths.get(col, _WIDTH), round(longest * 1.1 + 2))
        ws.column_dimensions[get_column_letter(j)].width = width
    wrap_rows(ws, header_row, header_row + len(df), len(df.columns))


def _page_height(ws) -> float:
    """The height of a printed page's body in the sheet's points, at the fit-to-width scale.

    Estimated from the column widths, the margins and the orientation that
    :func:`print_setup` set (Excel and LibreOffice scale to whole percents);
    7 % of the page is kept in reserve for the difference between the
    estimate and the real layout.
    """
    a4 = (29.7, 21.0) if ws.page_setup.orientation == "landscape" else (21.0, 29.7)
    m = ws.page_margins
    width_pt = (a4[0] / 2.54 - m.left - m.right) * 72
    columns_pt = sum((7 * column_width(ws, j) + 5) * 0.75 for j in range(1, ws.max_column + 1))
    scale = min(1.0, int(width_pt / columns_pt * 100) / 100)
    return (a4[1] / 2.54 - m.top - m.bottom) * 72 / scale * 0.93


def _height(ws, r: int) -> float:
    return ws.row_dimensions[r].height or 15.0


def _keep_together(ws, first: int, last: int, title_row: int | None) -> None:
    """A manual page break before row ``first`` when rows ``first``–``last`` would straddle two pages
    (:func:`_page_height`); a block taller than a page is left to break where it falls."""
    page = _page_height(ws)
    repeat = _height(ws, title_row) if title_row else 0.0
    y = 0.0
    for r in range(1, first):
        y = repeat + _height(ws, r) if y + _height(ws, r) > page else y + _height(ws, r)
    block = sum(_height(ws, r) for r in range(first, last + 1))
    if y + block > page and repeat + block <= page:
        ws.row_breaks.append(Break(id=first - 1))


def _rename(df: pd.DataFrame, headers: dict) -> tuple[pd.DataFrame, dict]:
    known = [c for c in headers if c in df.columns]
    extra = [c for c in df.columns if c not in headers]
    return df[known + extra], headers


def build_protocol(
    results,
    agreement,
    people: People,
    params: list[tuple[str, object]] | None = None,
    made_at: _dt.datetime | None = None,
    source_sha256: str | None = None,
    reconciliation=None,
    severity=None,
) -> Workbook:
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
    source_sha256 : str, optional
        Hex SHA-256 of the definition file, recorded after the contest
        version (:func:`tandem.tables.sha256_of` computes it; no file is
        read here).
    reconciliation : Reconciliation, optional
        :func:`contest.reconcile.apply_decisions` of the run; the sheet
        «Согласование» is written when the contest sets ``max_spread`` or
        there are flags or decisions.
    severity : Severity, optional
        :func:`contest.severity.fit_severity` of ``results.juror_tasks``
        (computed here when not given).

    Returns
    -------
    Workbook
        Not yet saved.
    """
    made_at = made_at or _dt.datetime.now(_dt.UTC).replace(microsecond=0)
    c = results.contest
    head = f"Итоги конкурса «{c.name}»"
    wb = new_workbook()
    ws = wb.create_sheet("Протокол")
    start = _title(
        ws,
        [
            "Протокол заседания жюри: итоги конкурса",
            f"Конкурс: {c.name}",
            f"Версия описания конкурса: {c.version}; итоговая сумма этапов: {', '.join(c.ranking_stages)}; "
            f"максимум {c.max_total():g} баллов",
        ],
    )
    rf = ranking_frame(results, people)
    headers = {
        "place": "Место",
        "entry_id": "Код работы",
        "title": "Название",
        "nomination": "Номинация",
        "mentor_name": "Наставник",
        "mentee_name": "Наставляемый",
        "schools": "ОО",
        "total": "Итоговый балл",
        "award": "Награда",
        "last_stage": "Последний этап",
        "last_stage_total": "Балл последнего этапа",
        "note": "Примечание",
    }
    fmts = {"total": "0.00", "last_stage_total": "0.00"}
    for s in c.stages:
        headers[f"total_{s.id}"] = f"{s.id}. {s.name}, баллы"
        fmts[f"total_{s.id}"] = "0.00"
    rf = rf.drop(columns=["last_stage_total"])
    long_table = False  # set below for one table; nomination sections do not repeat a header
    if c.by_nomination and "nomination" in results.ranking.columns:
        r = start
        nom = results.ranking["nomination"].to_numpy()
        sections = []
        for name in dict.fromkeys(nom):
            set_cell(ws.cell(r, 1), f"Номинация «{name}»").font = Font(bold=True, size=12)
            part = rf[nom == name].reset_index(drop=True)
            write_table(
                ws,
                part,
                headers=headers,
                number_formats=fmts,
                start_row=r + 1,
                freeze=False,
                autofilter=False,
            )
            sections.append((r + 1, part))
            r += len(part) + 3
        r += 1
        # every section's table wrapped (the nomination's title stays one line above its table)
        for header_row, part in sections:
            _fit(ws, part, header_row, {f"total_{s.id}": 11 for s in c.stages})
        print_setup(ws, landscape=True, title_rows=None, sheet_name=True, header=head)
    else:
        write_table(ws, rf, headers=headers, number_formats=fmts, start_row=start)
        _fit(ws, rf, start, {f"total_{s.id}": 11 for s in c.stages})
        print_setup(ws, landscape=True, title_rows=None, sheet_name=True, header=head)
        # the table's header is repeated on every page when the table does not fit on the first one
        # (and only then: a repeated header above the signatures alone would read as an empty table)
        long_table = sum(_height(ws, k) for k in range(1, start + len(rf) + 1)) > _page_height(ws)
        if long_table:
            ws.print_title_rows = f"{start}:{start}"
        r = start + len(rf) + 3
    if (rf["note"] != "").any():
        set_cell(
            ws.cell(r - 1, 1),
            f"Работы с пометкой «{TIE_NOTE}» набрали равные баллы и не различаются "
            f"правилами конкурса; место определяет председатель жюри.",
        ).font = Font(italic=True)
        r += 1
    # the jury and the signatures right under the table (the text spans the table's columns), kept on
    # one page
    first = r
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
        ws.row_dimensions[r + 1].height = 20  # room to sign
        r += 2
    set_cell(ws.cell(r, 1), "Дата «____» ________________ 20___ г.")
    _keep_together(ws, first, r, start if long_table else None)
    set_cell(
        ws.cell(r + 2, 1),
        "Версия описания конкурса, контрольные суммы (SHA-256) входных файлов и время расчёта — "
        "на листе «Параметры».",
    ).font = SMALL

    ws = wb.create_sheet("Сводная ведомость")
    start = _title(
        ws,
        [
            "Сводная ведомость оценок",
            f"Конкурс: {c.name}",
            "Сумма баллов каждого эксперта по критериям задания; «Оценка» — итог по правилу агрегации, "
            "«С весом» — оценка × вес задания.",
        ],
    )
    sf = summary_frame(results, people)
    num = {
        col: "0.00"
        for col in sf.columns
        if col not in ("entry_id", "title", "stage_id", "task_id", "task_name")
    }
    write_table(
        ws,
        sf,
        headers={
            "entry_id": "Код работы",
            "title": "Название",
            "stage_id": "Этап",
            "task_id": "Задание",
            "task_name": "Название задания",
            "score": "Оценка",
            "weighted": "С весом",
        },
        number_formats=num,
        start_row=start,
    )
    _fit(ws, sf, start, {col: 11 for col in sf.columns if col not in WIDTHS})
    print_setup(ws, landscape=True, title_rows=start, sheet_name=True, header=head)

    ws = wb.create_sheet("Баллы по критериям")
    cf = criteria_scores_frame(results, people)
    write_table(
        ws,
        cf,
        headers={
            "entry_id": "Код работы",
            "juror_id": "Код эксперта",
            "full_name": "ФИО эксперта",
            "stage_id": "Этап",
            "task_id": "Задание",
            "criterion_id": "Критерий",
            "criterion_name": "Название критерия",
            "score": "Балл",
        },
    )
    _fit(ws, cf, 1, {"score": 7, "full_name": 28, "criterion_name": 40})
    print_setup(ws, landscape=False, title_rows=1, sheet_name=True, header=head)

    ws = wb.create_sheet("Согласованность")
    if agreement is None:
        set_cell(ws.cell(1, 1), "Статистика согласованности не рассчитана.")
    else:
        start = _title(ws, ["Согласованность экспертов по заданиям"])
        t, h = _rename(agreement.tasks, TASK_HEADERS)
        write_table(
            ws,
            t,
            headers=h,
            number_formats={
                k: "0.000"
                for k in TASK_HEADERS
                if k
                not in (
                    "stage_id",
                    "task_id",
                    "n_entries",
                    "n_jurors",
                    "dof",
                    "reading",
                    "block_entries",
                    "block_jurors",
                )
            },
            start_row=start,
        )
        r = start + len(t) + 3
        set_cell(
            ws.cell(r, 1), "Строгость экспертов (отклонение от оценок коллег по тем же работам)"
        ).font = Font(bold=True)
        jdf = agreement.jurors.copy()
        jdf.insert(
            1, "full_name", jdf["juror_id"].map(dict(zip(people.jury["juror_id"], people.jury["full_name"])))
        )
        jdf, h = _rename(jdf, JUROR_HEADERS)
        write_table(
            ws,
            jdf,
            headers=h,
            number_formats={"mean_deviation": "0.00", "z": "0.00", "mean_deviation_share": "0.0%"},
            start_row=r + 1,
            freeze=False,
            autofilter=False,
        )
        wide = {**WIDTHS, "reading": 45}
        for j in range(1, max(len(t.columns), len(jdf.columns)) + 1):
            keys = [df.columns[j - 1] for df in (t, jdf) if j <= len(df.columns)]
            ws.column_dimensions[get_column_letter(j)].width = max(wide.get(k, _WIDTH) for k in keys)
        wrap_rows(ws, start, start + len(t), len(t.columns))
        wrap_rows(ws, r + 1, r + 1 + len(jdf), len(jdf.columns))
    print_setup(ws, landscape=True, title_rows=None, sheet_name=True, header=head)

    _severity_sheet(
        wb, results, people, severity if severity is not None else fit_severity(results.juror_tasks), head
    )
    if reconciliation is not None and (
        len(reconciliation.flags)
        or len(reconciliation.decisions)
        or any(
            t.max_spread is not None or any(k.max_spread is not None for k in t.criteria)
            for s in c.stages
            for t in s.tasks
        )
    ):
        _reconciliation_sheet(wb, reconciliation, head)
    _stability_sheet(wb, results, people, head)

    ws = wb.create_sheet("Параметры")
    pf = parameters_frame(results, made_at, params, source_sha256)
    write_table(ws, pf, headers={"param": "Параметр", "value": "Значение"})
    _fit(ws, pf, 1)
    print_setup(ws, landscape=False, title_rows=1, sheet_name=True, header=head)
    wb.active = 0
    return wb


def _severity_sheet(wb: Workbook, results, people: People, severity, head: str) -> None:
    """The sheet «Строгость экспертов»: the additive model's severities and the fair averages."""
    ws = wb.create_sheet("Строгость экспертов")
    official = results.contest.normalization == "additive"
    r = _title(
        ws,
        [
            "Строгость экспертов: аддитивная модель «оценка = качество работы − строгость эксперта»",
            "Модель оценена методом наименьших квадратов по всем оценкам задания (сумма строгостей = 0); "
            "справедливое среднее — оценка, которую работа получила бы от эксперта средней строгости.",
            "Итоги конкурса рассчитаны по справедливым средним (normalization: additive)."
            if official
            else "Справедливые средние приведены для сведения: итоги конкурса рассчитаны по исходным оценкам.",
        ],
    )
    for w in severity.warnings:
        set_cell(ws.cell(r - 1, 1), "Внимание: " + w).font = Font(bold=True)
        r += 1
    jf = severity_frame(severity, people)
    write_table(
        ws,
        jf,
        headers=SEVERITY_HEADERS,
        number_formats={"severity": "0.00", "se": "0.00"},
        start_row=r,
        freeze=False,
        autofilter=False,
    )
    r += len(jf) + 3
    set_cell(ws.cell(r - 1, 1), "Справедливые средние по работам и заданиям").font = Font(bold=True)
    write_table(
        ws,
        fair_frame(results, severity, people),
        headers=FAIR_HEADERS,
        number_formats={k: "0.00" for k in ("score", "raw_mean", "fair_average", "difference")},
        start_row=r,
        freeze=False,
        autofilter=False,
    )
    print_setup(ws, landscape=True, title_rows=None, sheet_name=True, header=head)


def _reconciliation_sheet(wb: Workbook, rec, head: str) -> None:
    """The sheet «Согласование»: the spreads over ``max_spread``, the chair's decisions, what is open."""
    ws = wb.create_sheet("Согласование")
    r = _title(
        ws,
        [
            "Согласование оценок, расходящихся больше допустимого (max_spread)",
            f"Расхождений: {len(rec.flags)}; решений председателя: {len(rec.decisions)}; "
            f"не согласовано: {len(rec.open)}.",
        ],
    )
    flags, decisions = reconciliation_frames(rec)
    if len(flags):
        write_table(ws, flags, number_formats={"Расхождение, баллы": "0.00"}, start_row=r)
        r += len(flags) + 3
    else:
        set_cell(ws.cell(r, 1), "Оценок, расходящихся больше допустимого, нет.")
        r += 2
    set_cell(ws.cell(r - 1, 1), "Решения председателя жюри").font = Font(bold=True)
    if len(decisions):
        write_table(ws, decisions, start_row=r, freeze=False, autofilter=False)
    else:
        set_cell(ws.cell(r, 1), "Решений нет.")
    print_setup(ws, landscape=True, title_rows=None, sheet_name=True, header=head)


def _stability_sheet(wb: Workbook, results, people: People, head: str) -> None:
    """The sheet «Устойчивость»: each juror left out, the alerts, the other rules (A4 landscape)."""
    rob = assess_robustness(results)
    ws = wb.create_sheet("Устойчивость")
    start = _title(
        ws,
        [
            "Устойчивость итогов",
            "Итоги пересчитаны по тем же правилам без оценок каждого эксперта по очереди "
            "(с проходом в следующий этап"
            + (
                "; модель строгости экспертов оценена заново по оставшимся оценкам)."
                if results.contest.normalization == "additive"
                else ")."
            ),
        ],
    )
    st = stability_table(rob, people)
    widths = dict(zip(st.columns, (7, 9, 28, 12, 12, 12, 24, 22)))
    for j, col in enumerate(st.columns, 1):
        ws.column_dimensions[get_column_letter(j)].width = widths.get(col, _WIDTH)
    span = sum(widths.get(col, _WIDTH) for col in st.columns)
    for note in rob.notes:  # a long warning wrapped across the table's width, above it
        r = start - 1
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(st.columns))
        cell = set_cell(ws.cell(r, 1), f"Внимание: {note}")
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = math.ceil(len(cell.value) * 1.2 / span) * 14.0 + 1
        start += 1
    start += 1 if rob.notes else 0
    write_table(ws, st, number_formats={"Награда сохраняется, доля составов": "0%"}, start_row=start)
    wrap_rows(ws, start, start + len(st), len(st.columns))
    r = start + len(st) + 2
    set_cell(ws.cell(r, 1), "Эксперт решает награду").font = Font(bold=True)
    for i, line in enumerate(rob.alerts or ["Ни один эксперт в одиночку не меняет награды."], r + 1):
        set_cell(ws.cell(i, 1), line)
    r += max(len(rob.alerts), 1) + 2
    set_cell(ws.cell(r, 1), "Места и награды при других правилах подсчёта").font = Font(bold=True)
    write_table(ws, what_if_table(rob), start_row=r + 1, freeze=False, autofilter=False)
    print_setup(ws, landscape=True, title_rows=start, sheet_name=True, header=head)


def build_public(results, people: People) -> Workbook:
    """The public ranking workbook (sheet «Рейтинг»), see :func:`public_frame`."""
    wb = new_workbook()
    ws = wb.create_sheet("Рейтинг")
    pub = public_frame(results, people)
    start = _title(
        ws,
        [
            f"Итоги конкурса «{results.contest.name}»",
            "Имена указаны только для участников, давших согласие на публикацию (152-ФЗ).",
        ],
    )
    write_table(
        ws,
        pub,
        start_row=start,
        number_formats={"total": "0.00", "last_stage_total": "0.00"},
        headers={
            "place": "Место",
            "entry_id": "Код работы",
            "total": "Итоговый балл",
            "award": "Награда",
            "last_stage": "Последний этап",
            "last_stage_total": "Балл последнего этапа",
            "mentor_name": "Наставник",
            "mentee_name": "Наставляемый",
        },
    )
    _fit(ws, pub, start, {"last_stage": 22, "mentor_name": 24, "mentee_name": 24})
    print_setup(ws, landscape=True, title_rows=start, sheet_name=False)
    return wb


def write_protocol(
    path, results, agreement, people: People, params=None, source_sha256: str | None = None, **sheets
) -> Path:
    """Build and save the protocol atomically (arguments of :func:`build_protocol`); returns the path."""
    return atomic_save(
        build_protocol(results, agreement, people, params, source_sha256=source_sha256, **sheets), path
    )


def write_public(path, results, people: People) -> Path:
    """Build and save the public ranking atomically; returns the path."""
    return atomic_save(build_public(results, people), path)
