"""Regenerate the Word templates of the mentoring documents.

Writes ``annex.docx`` (the annex to the order «О закреплении наставнических
пар», A4 landscape), ``programme.docx`` (a personalised mentoring
programme, A4 portrait) and ``protocol.docx`` (the protocol of a contest's
jury, A4 portrait) next to this script. They are ordinary Word files
with Jinja tags (``{{ … }}``, ``{%tr for … %}``) filled by ``docxtpl``; a
methodologist may edit the wording, fonts and layout in Word and keep the
tags. The variables each template receives are listed in
:func:`mentoring.documents.annex_context`,
:func:`mentoring.documents.programme_context` and
:func:`contest.protocol_docx.protocol_context`.

Printing rules built in: A4, margins 2 cm, Times New Roman 12 (tables 11),
every table with a fixed layout, an explicit width equal to the text width
and explicit column widths (autofit off), the header row repeated on every
page, rows not split across pages, «Страница N из M» in the footer.

Usage::

    python data/templates/make_templates.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent
FONT = "Times New Roman"
MARGIN_CM = 2.0
_FIXED_TIME = dt.datetime(2000, 1, 1)


# --------------------------------------------------------------------------- page and styles
def _document(landscape: bool):
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = (Cm(29.7), Cm(21.0)) if landscape else (Cm(21.0), Cm(29.7))
    sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Cm(MARGIN_CM))
    sec.footer_distance = Cm(1.0)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)
    pf = normal.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(0), 1.0
    for name in ("Table Grid",):
        style = doc.styles[name]
        style.font.name = FONT
    _footer(sec)
    props = doc.core_properties
    props.author = props.last_modified_by = "Тандем"
    props.created = props.modified = _FIXED_TIME
    props.revision = 1
    return doc


def _field(run, instr: str) -> None:
    """A Word field (PAGE, NUMPAGES) in ``run``."""
    for kind, text in (("begin", None), (None, instr), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instr} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in (("Страница ", "PAGE"), (" из ", "NUMPAGES")):
        r = p.add_run(text)
        r.font.size = Pt(10)
        r = p.add_run()
        r.font.size = Pt(10)
        _field(r, field)


def _para(
    doc_or_cell,
    text: str = "",
    *,
    bold=False,
    size=None,
    align=None,
    before=0,
    after=0,
    italic=False,
    keep=False,
):
    """A paragraph; ``keep``: on the same page as the next one (headings, lines above a table)."""
    p = doc_or_cell.add_paragraph()
    p.paragraph_format.keep_with_next = keep
    if text:
        r = p.add_run(text)
        r.bold, r.italic = bold, italic
        if size:
            r.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(before), Pt(after)
    return p


def _tag(doc, tag: str):
    """A paragraph holding only a docxtpl block tag (``{%p … %}``): removed when rendered."""
    return _para(doc, tag)


def _if(doc, var: str, text: str, **kw):
    """A paragraph shown only when ``var`` is not empty."""
    _tag(doc, f"{{%p if {var} %}}")
    _para(doc, text, **kw)
    _tag(doc, "{%p endif %}")


# --------------------------------------------------------------------------- tables
def _set(el, tag: str, **attrs):
    child = el.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        el.append(child)
    for k, v in attrs.items():
        child.set(qn(k), str(v))
    return child


def _table(doc, widths_cm: list[float], headers: list[str], *, borders=True, size=11):
    """A fixed-layout table as wide as the text, explicit column widths, header row repeated."""
    table = doc.add_table(rows=1 if headers else 0, cols=len(widths_cm))
    if borders:
        table.style = doc.styles["Table Grid"]
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl_pr = table._tbl.tblPr
    total = sum(widths_cm)
    _set(tbl_pr, "w:tblW", **{"w:w": int(round(Cm(total).twips)), "w:type": "dxa"})
    _set(tbl_pr, "w:tblLayout", **{"w:type": "fixed"})
    cell_mar = _set(tbl_pr, "w:tblCellMar")
    for side in ("left", "right"):
        _set(cell_mar, f"w:{side}", **{"w:w": 70, "w:type": "dxa"})
    for col, w in zip(table.columns, widths_cm):
        col.width = Cm(w)
    if headers:
        row = table.rows[0]
        tr_pr = row._tr.get_or_add_trPr()
        _set(tr_pr, "w:tblHeader")
        _set(tr_pr, "w:cantSplit")
        for cell, text in zip(row.cells, headers):
            cell.paragraphs[0].add_run(text).bold = True
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            shd = _set(
                cell._tc.get_or_add_tcPr(),
                "w:shd",
                **{"w:val": "clear", "w:color": "auto", "w:fill": "E7E6E6"},
            )
            del shd
    table._size = size
    _fix_widths(table, widths_cm)
    return table


def _fix_widths(table, widths_cm) -> None:
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm):
            cell.width = Cm(w)
            for p in cell.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(table._size)


def _row(table, texts: list[str], *, bold=(), align=None, before=0):
    """A row; the first line of the cells whose index is in ``bold`` is bold."""
    row = table.add_row()
    _set(row._tr.get_or_add_trPr(), "w:cantSplit")
    for j, (cell, text) in enumerate(zip(row.cells, texts)):
        lines = text.split("\n") if text else [""]
        cell.paragraphs[0].text = ""
        for k, line in enumerate(lines):
            p = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
            r = p.add_run(line)
            r.font.size = Pt(table._size)
            r.bold = j in bold and k == 0
            p.paragraph_format.space_before = Pt(before if k == 0 else 0)
            if align and align[j] is not None:
                p.alignment = align[j]
    return row


def _loop_rows(table, loop: str, cells: list[str], *, bold=(), align=None) -> None:
    """Three rows: ``{%tr for … %}``, the repeated row, ``{%tr endfor %}``."""
    _row(table, [f"{{%tr for {loop} %}}"] + [""] * (len(cells) - 1))
    _row(table, cells, bold=bold, align=align)
    _row(table, ["{%tr endfor %}"] + [""] * (len(cells) - 1))
    _fix_widths(table, [c.width.cm for c in table.columns])


# --------------------------------------------------------------------------- the annex
ANNEX_WIDTHS = [1.0, 6.4, 5.4, 3.4, 3.0, 3.0, 3.5]  # 25.7 cm = 29.7 − 2 × 2
ANNEX_HEADERS = [
    "№",
    "Наставляемый (ФИО, ОО, предметы, категория)",
    "Наставник (ФИО, ОО)",
    "Форма наставничества",
    "Формат",
    "Период",
    "Групповое наставничество",
]


def make_annex(path: Path) -> Path:
    """The annex to the order «О закреплении наставнических пар»."""
    doc = _document(landscape=True)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    _para(doc, "{{ annex_title }}", align=right)
    _para(doc, "«О закреплении наставнических пар»", align=right)
    _para(doc, "{{ basis_label }}: {{ basis }}", align=right, after=12)
    _para(
        doc,
        "Список наставнических пар, действующих на {{ date }}",
        bold=True,
        size=14,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _if(doc, "part", "{{ part }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _tag(doc, "{%p for s in sections %}")
    _para(doc, "{{ s.title }}", bold=True, before=12, after=4, keep=True)
    _if(doc, "s.note", "{{ s.note }}", italic=True, after=4, keep=True)
    table = _table(doc, ANNEX_WIDTHS, ANNEX_HEADERS)
    c = WD_ALIGN_PARAGRAPH.CENTER
    _loop_rows(
        table,
        "r in s.rows",
        [
            "{{ r.n }}",
            "{{ r.mentee_name }}\n{{ r.mentee_school }}\n{{ r.mentee_position }}",
            "{{ r.mentor_name }}\n{{ r.mentor_school }}",
            "{{ r.form }}",
            "{{ r.format }}",
            "{{ r.start }} –\n{{ r.end }}",
            "{{ r.group }}",
        ],
        bold=(1, 2),
        align=[c, None, None, None, None, c, None],
    )
    _tag(doc, "{%p endfor %}")
    _para(
        doc,
        "Всего пар: {{ total }}, из них в своей ОО: {{ internal }}, сетевых: {{ network }}. "
        "{{ group_summary }}",
        before=12,
    )
    _para(
        doc,
        "Групповое наставничество — наставник ведёт несколько наставляемых (одна строка на "
        "наставляемого, номер группы одинаков у всех наставляемых одного наставника).",
        size=10,
        italic=True,
    )
    doc.save(path)
    return path


# --------------------------------------------------------------------------- the programme
def make_programme(path: Path) -> Path:
    """A personalised mentoring programme for one pair."""
    doc = _document(landscape=False)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "ПЕРСОНАЛИЗИРОВАННАЯ ПРОГРАММА НАСТАВНИЧЕСТВА", bold=True, size=14, align=center)
    _para(doc, "{{ mentee.name }}", bold=True, align=center)
    _para(doc, "на период с {{ start }} по {{ end }}", align=center, after=6)
    _para(
        doc,
        "Основание: {{ order }}. Программа составлена в соответствии с {{ regulation }}.",
        size=11,
        italic=True,
        after=6,
    )

    _para(doc, "1. Участники программы", bold=True, before=6, after=4, keep=True)
    t = _table(
        doc, [3.2, 6.4, 7.4], ["Роль", "ФИО, образовательная организация", "Предметы, стаж, категория"]
    )
    _row(t, ["Наставник", "{{ mentor.name }}\n{{ mentor.school }}", "{{ mentor.profile }}"], bold=(1,))
    _row(t, ["Наставляемый", "{{ mentee.name }}\n{{ mentee.school }}", "{{ mentee.profile }}"], bold=(1,))
    _row(t, ["Куратор", "{{ curator }}", ""])
    _fix_widths(t, [3.2, 6.4, 7.4])

    _para(doc, "2. Форма и формат наставничества", bold=True, before=10, after=4, keep=True)
    _para(doc, "Форма наставничества: {{ form }}.")
    _para(doc, "Формат взаимодействия: {{ format }}.")
    _if(doc, "group_note", "{{ group_note }}")
    _if(doc, "network_note", "{{ network_note }}")

    _para(doc, "3. Срок реализации", bold=True, before=10, after=4, keep=True)
    _para(doc, "С {{ start }} по {{ end }} ({{ duration }}).")

    _para(doc, "4. Проблема", bold=True, before=10, after=4, keep=True)
    _para(doc, "{{ problem }}")
    _tag(doc, "{%p for d in deficits %}")
    _para(doc, "{{ d.n }}) {{ d.name }} — {{ d.area }}; {{ d.route }}.")
    _tag(doc, "{%p endfor %}")

    _para(doc, "5. Цель и задачи", bold=True, before=10, after=4, keep=True)
    _para(doc, "Цель: {{ goal }}", after=4, keep=True)
    t = _table(doc, [0.9, 4.3, 5.0, 4.6, 2.2], ["№", "Дефицит", "Задача", "Как решается", "Срок"])
    _loop_rows(
        t,
        "g in tasks",
        ["{{ g.n }}", "{{ g.deficit }}", "{{ g.task }}", "{{ g.way }}", "{{ g.term }}"],
        align=[center, None, None, None, None],
    )

    _para(doc, "6. График встреч наставника и наставляемого", bold=True, before=10, after=4, keep=True)
    _para(doc, "{{ schedule_rule }}", size=11, italic=True, after=4, keep=True)
    t = _table(doc, [0.9, 2.6, 10.0, 3.5], ["№", "Дата", "Содержание встречи", "Отметка о проведении"])
    _loop_rows(
        t,
        "m in meetings",
        ["{{ m.n }}", "{{ m.date }}", "{{ m.topic }}", ""],
        align=[center, center, None, None],
    )

    _para(doc, "7. Ожидаемые результаты и способы их проверки", bold=True, before=10, after=4, keep=True)
    t = _table(doc, [0.9, 8.0, 8.1], ["№", "Ожидаемый результат", "Как проверяется"])
    _loop_rows(
        t, "x in results", ["{{ x.n }}", "{{ x.result }}", "{{ x.check }}"], align=[center, None, None]
    )

    _para(doc, "8. Подписи", bold=True, before=10, after=8, keep=True)
    t = _table(doc, [4.0, 5.0, 8.0], [], borders=False, size=12)
    for role, who in (
        ("Наставник", "{{ mentor.short }}"),
        ("Наставляемый", "{{ mentee.short }}"),
        ("Куратор", "{{ curator_short }}"),
    ):
        _row(t, [role, "________________", f"/ {who} /\n«___» ____________ 20___ г."], before=14)
    _fix_widths(t, [4.0, 5.0, 8.0])
    doc.save(path)
    return path


# --------------------------------------------------------------------------- the contest protocol
PROTOCOL_WIDTHS = [1.4, 1.3, 3.7, 3.9, 1.9, 2.4, 2.4]  # 17 cm = 21 − 2 × 2
PROTOCOL_HEADERS = [
    "Место",
    "Код",
    "Название работы",
    "Наставник; наставляемый",
    "Итоговый балл",
    "Награда",
    "Примечание",
]


def _mono(table, column: int, size: float) -> None:
    """The runs of a table column in Courier New (checksums)."""
    for row in table.rows[1:]:
        for p in row.cells[column].paragraphs:
            for r in p.runs:
                r.font.name = "Courier New"
                r.font.size = Pt(size)


def make_protocol(path: Path) -> Path:
    """The protocol of a contest's jury: the ranking, the input files' checksums, the signatures."""
    doc = _document(landscape=False)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "ПРОТОКОЛ", bold=True, size=14, align=center)
    _para(doc, "заседания жюри по итогам конкурса", align=center)
    _para(doc, "«{{ contest }}»", bold=True, align=center, after=6)
    _para(doc, "Дата: {{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT, after=6)
    _para(doc, "{{ rule }}", size=11, italic=True, after=6)

    _para(doc, "1. Итоги конкурса", bold=True, before=6, after=4, keep=True)
    _tag(doc, "{%p for s in sections %}")
    _if(doc, "s.title", "{{ s.title }}", bold=True, before=6, after=4, keep=True)
    table = _table(doc, PROTOCOL_WIDTHS, PROTOCOL_HEADERS, size=10)
    _loop_rows(
        table,
        "r in s.rows",
        [
            "{{ r.place }}",
            "{{ r.entry_id }}",
            "{{ r.title }}",
            "{{ r.mentor }};\n{{ r.mentee }}",
            "{{ r.total }}",
            "{{ r.award }}",
            "{{ r.note }}",
        ],
        align=[center, center, None, None, center, None, None],
    )
    _tag(doc, "{%p endfor %}")
    _if(doc, "tie_note", "{{ tie_note }}", size=10, italic=True, before=4)

    p = _para(doc, "2. Исходные данные", bold=True, before=10, after=4, keep=True)
    p.add_run().add_break()
    r = p.add_run("Версия описания конкурса: {{ version }}. Контрольные суммы (SHA-256) входных файлов:")
    r.font.size = Pt(11)
    widths = [5.8, 11.2]
    t = _table(doc, widths, ["Файл", "SHA-256"], size=9)
    _loop_rows(t, "f in files", ["{{ f.label }}", "{{ f.sha256 }}"])
    _mono(t, 1, 8)

    _para(doc, "3. Подписи членов жюри", bold=True, before=10, after=8, keep=True)
    t = _table(doc, [3.8, 7.2, 6.0], [], borders=False, size=11)
    _row(t, ["{%tr for j in jury %}", "", ""])
    signed = _row(
        t,
        ["{{ j.role }}", "{{ j.name }}\n{{ j.organization }}", "______________________"],
        bold=(1,),
        before=12,
    )
    for cell in signed.cells:  # the signatures and the date kept together on one page
        for par in cell.paragraphs:
            par.paragraph_format.keep_with_next = True
    _row(t, ["{%tr endfor %}", "", ""])
    _fix_widths(t, [3.8, 7.2, 6.0])
    _para(doc, "Дата «____» ________________ 20___ г.", before=14)
    doc.save(path)
    return path


def main() -> None:
    print(make_annex(HERE / "annex.docx"))
    print(make_programme(HERE / "programme.docx"))
    print(make_protocol(HERE / "protocol.docx"))


if __name__ == "__main__":
    main()
