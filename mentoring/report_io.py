"""Writing the half-year report: «Показатели.xlsx» and «Аналитическая справка.docx».

The figures come from :mod:`mentoring.report`; the note is the Word template
``data/templates/report.docx`` (rebuilt by
``data/templates/make_report_template.py``; a folder with an edited
``report.docx`` may be passed instead) filled by ``docxtpl`` with the
variables of :func:`report_context`, and two charts drawn with matplotlib
(PNG): the share of mentees with a mentor by school and the deficit heat map.
Both files are built in memory first and written atomically; the same input
gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pandas as pd

from matching.model import Registry
from mentoring.diagnosis import DEFAULT_THRESHOLD, deficit_map
from mentoring.diagnosis_io import MAX_HEATMAP_ROWS, heatmap_for, latest_pairs
from mentoring.documents_io import _template_bytes
from mentoring.register import Register
from mentoring.report import (
    INDICATOR_COLUMNS,
    LEVEL_CLUSTER,
    LEVEL_SCHOOL,
    changes,
    early_reasons,
    ended_early,
    half_year,
    indicators,
    previous_half_year_end,
    share,
)
from tandem.docx import render_docx
from tandem.xlsx import atomic_save, atomic_write, new_workbook, write_table

REPORT_TEMPLATE = "report.docx"
FIGURES_FILE, NOTE_FILE = "Показатели.xlsx", "Аналитическая справка.docx"


def _num(x) -> str:
    if x is None or (isinstance(x, float) and x != x):
        return "—"
    if isinstance(x, float):
        return f"{x:.1f}".replace(".", ",")
    return str(x)


def share_chart_png(table: pd.DataFrame) -> bytes:
    """Horizontal bars: «Доля с наставником, %» of each row of ``table`` (a part of «Показатели»)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    t = table.iloc[::-1]
    values = t["Доля с наставником, %"].fillna(0).to_numpy(float)
    fig = Figure(figsize=(7.0, max(2.0, 0.28 * len(t) + 1.0)), dpi=110)
    ax = fig.add_subplot()
    ax.barh(range(len(t)), values, color="#4472c4")
    ax.set_yticks(range(len(t)), list(t["Код"]), fontsize=7)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% наставляемых с наставником", fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    for k, v in enumerate(values):
        ax.text(min(v + 1, 92), k, _num(float(v)), va="center", fontsize=6)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _unit_rows(table: pd.DataFrame) -> list[dict]:
    return [
        {
            "code": r["Код"],
            "name": r["Наименование"],
            "mentees": r["Наставляемых"],
            "with_mentor": r["С наставником"],
            "share": _num(r["Доля с наставником, %"]),
            "young": r["Молодых педагогов"],
            "young_with_mentor": r["Молодых с наставником"],
            "pairs": r["Пар действует"],
            "network": r["Сетевых пар"],
        }
        for r in table.to_dict("records")
    ]


def report_context(
    register: Register,
    registry: Registry,
    on: dt.date,
    repeat: pd.DataFrame | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    table: pd.DataFrame | None = None,
) -> dict:
    """The variables of the note (charts as PNG bytes under ``share_png`` and ``heatmap_png``).

    Keys: ``district``, ``date``, ``half_year``, ``previous_date`` (str);
    ``d`` (the municipality's figures: ``mentees``, ``with_mentor``,
    ``share``, ``young``, ``young_with_mentor``, ``pairs``, ``mentors``,
    ``network``, ``completed``, ``early``); ``figures`` (``name``,
    ``value``); ``changes`` (``name``, ``before``, ``now``, ``delta``; empty
    when the register does not cover the previous half-year); ``clusters``,
    ``schools`` (rows of :func:`_unit_rows`), ``schools_note``; ``early``
    (``mentee``, ``mentor``, ``school``, ``period``, ``reason``),
    ``early_reasons``; ``repeat`` (``mentee``, ``mentor``, ``before``,
    ``closed``, ``codes``; empty without a repeat diagnosis),
    ``repeat_summary``, ``threshold``; ``top_deficits`` (``code``, ``name``,
    ``count``). ``table``: «Показатели» when already counted.
    """
    if table is None:
        table = indicators(register.pairs, registry, on)
    d = table.iloc[0]
    h0, h1 = half_year(on)
    names = dict(zip(registry.teachers["teacher_id"], registry.teachers["full_name"]))
    ctx = {
        "district": d["Наименование"],
        "date": f"{on:%d.%m.%Y}",
        "half_year": f"полугодие с {h0:%d.%m.%Y} по {h1:%d.%m.%Y}",
        "previous_date": f"{previous_half_year_end(on):%d.%m.%Y}",
        "d": {
            "mentees": d["Наставляемых"],
            "with_mentor": d["С наставником"],
            "share": _num(d["Доля с наставником, %"]),
            "young": d["Молодых педагогов"],
            "young_with_mentor": d["Молодых с наставником"],
            "pairs": d["Пар действует"],
            "mentors": d["Наставников в парах"],
            "network": d["Сетевых пар"],
            "completed": d["Завершено за полугодие"],
            "early": d["Прекращено досрочно за полугодие"],
        },
        "figures": [{"name": c, "value": _num(d[c])} for c in INDICATOR_COLUMNS[3:]],
        "threshold": threshold,
    }
    ch = changes(register.pairs, registry, on)
    ctx["changes"] = (
        []
        if ch is None
        else [
            {
                "name": r["Показатель"],
                "before": _num(r["Было"]),
                "now": _num(r["Стало"]),
                "delta": _num(r["Изменение"]),
            }
            for r in ch.to_dict("records")
        ]
    )
    schools = table[table["Уровень"] == LEVEL_SCHOOL]
    ctx["clusters"] = _unit_rows(table[table["Уровень"] == LEVEL_CLUSTER])
    ctx["schools"] = _unit_rows(schools)
    ctx["schools_note"] = "Пары учитываются по школе наставляемого."
    ctx["share_png"] = (
        share_chart_png(schools[schools["Наставляемых"] > 0]) if len(schools) <= MAX_HEATMAP_ROWS else None
    )
    early = ended_early(register.pairs, registry, on)
    ctx["early"] = [
        {
            "mentee": r["mentee"],
            "mentor": r["mentor"],
            "school": r["school_id"],
            "period": f"{r['start']:%d.%m.%Y} – {r['end']:%d.%m.%Y}",
            "reason": r["reason"] or "не указана",
        }
        for r in early.to_dict("records")
    ]
    ctx["early_reasons"] = "; ".join(f"{r.reason} — {r.pairs}" for r in early_reasons(early).itertuples())
    ctx["repeat"], ctx["repeat_summary"] = [], {}
    if repeat is not None:
        ctx["repeat"] = [
            {
                "mentee": names.get(r["mentee_id"], r["mentee_id"]),
                "mentor": names.get(r["mentor_id"], r["mentor_id"]),
                "before": r["n_before"],
                "closed": r["n_closed"],
                "codes": ", ".join(r["closed"]) or "—",
            }
            for r in repeat.to_dict("records")
        ]
        before, closed = int(repeat["n_before"].sum()), int(repeat["n_closed"].sum())
        ctx["repeat_summary"] = {
            "mentees": len(repeat),
            "before": before,
            "closed": closed,
            "share": _num(share(closed, before)),
        }
    m = deficit_map(registry, "school").iloc[-1]
    catalogue = registry.deficits
    top = sorted(
        ((int(m[c]), c, n) for c, n in zip(catalogue["code"], catalogue["name"])), key=lambda x: (-x[0], x[1])
    )
    ctx["top_deficits"] = [{"code": c, "name": n, "count": k} for k, c, n in top[:10] if k > 0]
    ctx["heatmap_png"] = heatmap_for(registry) if ctx["top_deficits"] else None
    return ctx


def render_note(context: dict, templates: str | os.PathLike | None = None) -> bytes:
    """The note as .docx bytes: the template filled, charts embedded 160 mm wide."""
    ctx = {k: v for k, v in context.items() if not k.endswith("_png")}
    images = {"share_chart": (context.get("share_png"), 160), "heatmap": (context.get("heatmap_png"), 160)}
    return render_docx(_template_bytes(templates, REPORT_TEMPLATE), ctx, REPORT_TEMPLATE, images)


def figures_workbook(table: pd.DataFrame, register: Register, registry: Registry, on: dt.date):
    """«Показатели.xlsx»: the sheet «Показатели» and the sheet «Параметры» (date, inputs, their SHA-256)."""
    wb = new_workbook()
    ws = wb.create_sheet("Показатели")
    write_table(ws, table, number_formats={"Доля с наставником, %": "0.0"})
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    h0, h1 = half_year(on)
    params = pd.DataFrame(
        [
            ("Дата показателей", f"{on:%d.%m.%Y}"),
            ("Полугодие", f"{h0:%d.%m.%Y} – {h1:%d.%m.%Y}"),
            ("Реестр пар", register.source or ""),
            ("SHA-256 реестра пар", register.sha256 or ""),
            ("Реестр педагогов", registry.source or ""),
            ("SHA-256 реестра педагогов", registry.sha256 or ""),
        ],
        columns=["Параметр", "Значение"],
    )
    write_table(wb.create_sheet("Параметры"), params)
    return wb


def write_report(
    register: Register,
    registry: Registry,
    on: dt.date,
    out_dir: str | os.PathLike,
    repeat_answers: pd.DataFrame | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    templates: str | os.PathLike | None = None,
) -> list[Path]:
    """Write «Показатели.xlsx» and «Аналитическая справка.docx» into ``out_dir``.

    Parameters
    ----------
    register, registry, on
        As :func:`mentoring.report.indicators`.
    out_dir : path
        Created when missing; other files in it are left alone.
    repeat_answers : DataFrame, optional
        A repeat diagnosis (:func:`mentoring.diagnosis.read_answers`); each
        answering mentee's latest pair of the register is reported.
    threshold : int
        A deficit is closed at this level or above (1–3).
    templates : path, optional
        Folder with an edited ``report.docx``.

    Returns
    -------
    list of Path
        The workbook and the note.

    Raises
    ------
    InputError
        A missing or broken template (nothing is written).
    """
    from mentoring.diagnosis import repeat_diagnosis

    repeat = None
    if repeat_answers is not None:
        repeat = repeat_diagnosis(latest_pairs(register.pairs), registry, repeat_answers, threshold)
    table = indicators(register.pairs, registry, on)
    note = render_note(report_context(register, registry, on, repeat, threshold, table), templates)
    wb = figures_workbook(table, register, registry, on)
    out_dir = Path(out_dir)
    return [
        atomic_save(wb, out_dir / FIGURES_FILE),
        atomic_write(out_dir / NOTE_FILE, lambda tmp: Path(tmp).write_bytes(note)),
    ]
