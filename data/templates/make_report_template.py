"""Regenerate the Word template of the half-year analytic note, ``report.docx``.

An ordinary Word file (A4 portrait) with Jinja tags filled by ``docxtpl``; a
methodologist may edit the wording, fonts and layout in Word and keep the
tags. The variables are listed in :func:`mentoring.report_io.report_context`.
The printing rules are those of ``make_templates.py`` (whose helpers this
script uses): margins 2 cm, Times New Roman 12 (tables 10), fixed-layout
tables as wide as the text, header rows repeated, rows not split, «Страница
N из M» in the footer.

Usage::

    python data/templates/make_report_template.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from make_templates import _document, _if, _loop_rows, _para, _table, _tag  # noqa: E402

CENTER = WD_ALIGN_PARAGRAPH.CENTER
#: Column widths (cm) of the tables; each row sums to at most 17 cm (21 − 2 × 2).
FIGURES = [12.0, 5.0]
CHANGES = [8.6, 2.8, 2.8, 2.8]
UNITS = [1.7, 4.5, 1.6, 1.6, 1.6, 1.5, 1.6, 1.4, 1.4]
UNIT_HEADERS = [
    "Код",
    "Наименование",
    "Наставляемых",
    "С наставником",
    "Доля, %",
    "Молодых",
    "Молодых с наставником",
    "Пар",
    "Сетевых",
]
UNIT_CELLS = [
    "{{ u.code }}",
    "{{ u.name }}",
    "{{ u.mentees }}",
    "{{ u.with_mentor }}",
    "{{ u.share }}",
    "{{ u.young }}",
    "{{ u.young_with_mentor }}",
    "{{ u.pairs }}",
    "{{ u.network }}",
]
EARLY = [4.2, 4.2, 1.8, 3.0, 3.8]
REPEAT = [4.0, 4.0, 1.5, 1.5, 6.0]
TOP = [1.6, 12.4, 3.0]


def _heading(doc, text: str) -> None:
    _para(doc, text, bold=True, before=12, after=4, keep=True)


def make_report(path: Path) -> Path:
    """The analytic note «Аналитическая справка» on mentoring for a half-year."""
    doc = _document(landscape=False)
    _para(doc, "АНАЛИТИЧЕСКАЯ СПРАВКА", bold=True, size=14, align=CENTER)
    _para(doc, "о реализации системы наставничества педагогических работников", bold=True, align=CENTER)
    _para(doc, "{{ district }}", align=CENTER)
    _para(doc, "{{ half_year }}; показатели на {{ date }}", align=CENTER, after=8)

    _heading(doc, "1. Основные показатели")
    _para(
        doc,
        "На {{ date }} в реестре педагогов {{ d.mentees }} наставляемых; наставника имеют "
        "{{ d.with_mentor }} ({{ d.share }} %). Молодых педагогов (стаж до 3 лет) — {{ d.young }}, "
        "из них с наставником {{ d.young_with_mentor }}. Действует пар: {{ d.pairs }}, в них "
        "{{ d.mentors }} наставников; сетевых пар (наставник из другой ОО): {{ d.network }}. "
        "За полугодие завершено пар: {{ d.completed }}, прекращено досрочно: {{ d.early }}.",
        after=6,
    )
    t = _table(doc, FIGURES, ["Показатель", "Значение"], size=10)
    _loop_rows(t, "f in figures", ["{{ f.name }}", "{{ f.value }}"], align=[None, CENTER])

    _heading(doc, "2. Изменения с прошлого полугодия")
    _tag(doc, "{%p if changes %}")
    _para(doc, "Показатели на {{ date }} в сравнении с {{ previous_date }}.", after=4, keep=True)
    t = _table(doc, CHANGES, ["Показатель", "Было", "Стало", "Изменение"], size=10)
    _loop_rows(
        t,
        "c in changes",
        ["{{ c.name }}", "{{ c.before }}", "{{ c.now }}", "{{ c.delta }}"],
        align=[None, CENTER, CENTER, CENTER],
    )
    _tag(doc, "{%p else %}")
    _para(doc, "Реестр пар не охватывает прошлое полугодие: сравнение не проводится.")
    _tag(doc, "{%p endif %}")

    _heading(doc, "3. По группам школ по результатам обучения")
    t = _table(doc, UNITS, UNIT_HEADERS, size=10)
    _loop_rows(t, "u in clusters", UNIT_CELLS, align=[None, None] + [CENTER] * 7)

    _heading(doc, "4. По образовательным организациям")
    _para(doc, "{{ schools_note }}", size=10, italic=True, after=4, keep=True)
    t = _table(doc, UNITS, UNIT_HEADERS, size=10)
    _loop_rows(t, "u in schools", UNIT_CELLS, align=[None, None] + [CENTER] * 7)
    _if(doc, "share_chart", "{{ share_chart }}", align=CENTER, before=8)

    _heading(doc, "5. Пары, прекращённые досрочно")
    _tag(doc, "{%p if early %}")
    _para(doc, "Причины: {{ early_reasons }}.", after=4, keep=True)
    t = _table(doc, EARLY, ["Наставляемый", "Наставник", "ОО", "Период", "Причина"], size=10)
    _loop_rows(
        t,
        "e in early",
        ["{{ e.mentee }}", "{{ e.mentor }}", "{{ e.school }}", "{{ e.period }}", "{{ e.reason }}"],
    )
    _tag(doc, "{%p else %}")
    _para(doc, "За полугодие досрочно прекращённых пар нет.")
    _tag(doc, "{%p endif %}")

    _heading(doc, "6. Повторная диагностика: закрытые дефициты")
    _tag(doc, "{%p if repeat %}")
    _para(
        doc,
        "Повторную диагностику прошли {{ repeat_summary.mentees }} наставляемых. Из "
        "{{ repeat_summary.before }} дефицитов, выявленных до программы, закрыто "
        "{{ repeat_summary.closed }} ({{ repeat_summary.share }} %): уровень не ниже "
        "{{ threshold }} по шкале 0–3.",
        after=4,
        keep=True,
    )
    t = _table(doc, REPEAT, ["Наставляемый", "Наставник", "Было", "Закрыто", "Закрытые дефициты"], size=10)
    _loop_rows(
        t,
        "r in repeat",
        ["{{ r.mentee }}", "{{ r.mentor }}", "{{ r.before }}", "{{ r.closed }}", "{{ r.codes }}"],
        align=[None, None, CENTER, CENTER, None],
    )
    _tag(doc, "{%p else %}")
    _para(doc, "Результаты повторной диагностики не представлены.")
    _tag(doc, "{%p endif %}")

    _heading(doc, "7. Карта профессиональных дефицитов")
    _para(doc, "Наиболее частые дефициты педагогов района (число педагогов с дефицитом):", after=4, keep=True)
    t = _table(doc, TOP, ["Код", "Дефицит", "Педагогов"], size=10)
    _loop_rows(
        t, "x in top_deficits", ["{{ x.code }}", "{{ x.name }}", "{{ x.count }}"], align=[None, None, CENTER]
    )
    _if(doc, "heatmap", "{{ heatmap }}", align=CENTER, before=8)
    _para(
        doc,
        "Справка подготовлена по реестру педагогов и реестру наставнических пар; определения "
        "показателей — в книге «Показатели».",
        size=10,
        italic=True,
        before=12,
    )
    doc.save(path)
    return path


def main() -> None:
    print(make_report(HERE / "report.docx"))


if __name__ == "__main__":
    main()
