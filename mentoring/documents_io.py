"""Rendering the mentoring documents to Word and Excel files.

The content comes from :mod:`mentoring.documents`; here it is poured into
Word templates (``docxtpl``: Jinja tags inside an ordinary .docx that a
methodologist may edit in Word) and into an Excel workbook. Default
templates: ``data/templates/annex.docx`` and ``programme.docx`` (rebuilt by
``data/templates/make_templates.py``); a folder of edited templates with the
same two file names may be passed instead.

Output of :func:`write_documents` in the folder ``out_dir``::

    Приложение к приказу.docx     the annex to the order, every school
    Программы/<ФИО> (<код>).docx  one programme per pair in force
    Сетевые договоры.xlsx         school pairs linked by network pairs

Everything is checked and rendered in memory first; the files are then
written into a temporary folder and moved into place, so a refusal or a
failure leaves the previous documents as they were. Word files are
byte-identical for the same input (fixed zip timestamps).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment

from matching import Registry
from mentoring.documents import (
    DEFAULT_SCHEDULE_WEEKS,
    NETWORK_COLUMNS,
    RegistryIndex,
    annex_context,
    checked_in_force,
    network_links,
)
from mentoring.lifecycle import RegisterError
from mentoring.programme import meeting_dates, programme_context
from mentoring.register import Register
from tandem.docx import Renderer, render_docx, template_bytes, zip_members
from tandem.errors import InputError
from tandem.xlsx import atomic_save, new_workbook, write_table
from tandem.xlsx_write import print_setup

#: The folder of the default templates.
TEMPLATES = Path(__file__).resolve().parent.parent / "data" / "templates"
ANNEX_TEMPLATE, PROGRAMME_TEMPLATE = "annex.docx", "programme.docx"
ANNEX_FILE, PROGRAMMES_DIR, NETWORK_FILE = "Приложение к приказу.docx", "Программы", "Сетевые договоры.xlsx"


def _template_bytes(templates: str | os.PathLike | None, name: str) -> bytes:
    return template_bytes(Path(templates or TEMPLATES) / name)


def _check_weeks(weeks) -> None:
    """Refuse a meeting spacing outside 1–8 weeks as bad input (exit code 2 on the command line)."""
    try:
        meeting_dates(dt.date(2000, 1, 3), dt.date(2000, 1, 3), weeks)
    except ValueError as e:
        raise InputError(str(e)) from None


def _programmes(
    live: pd.DataFrame, registry: Registry, template: bytes, schedule_weeks: int, school_id: str | None = None
) -> list[tuple[str, frozenset, bytes]]:
    """The programmes of ``live`` in file-name order: (file name, {mentee's school, mentor's school}, bytes).

    File names are given over all of ``live`` (so a school's zip names a file as the whole set
    does); with ``school_id`` only the programmes of pairs with a teacher of that school are rendered.
    """
    index = RegistryIndex(registry)
    render = Renderer(template, PROGRAMME_TEMPLATE)
    by_mentor = live.groupby("mentor_id")["mentee_id"].apply(tuple).to_dict()
    out = []
    seen: set[str] = set()
    for p in live.to_dict("records"):
        group = tuple(m for m in by_mentor[p["mentor_id"]] if m != p["mentee_id"])
        ctx = programme_context(p, index, schedule_weeks, group=group)
        name, k = ctx["file_name"], 1
        while name.casefold() in seen:  # ids that differ only in unsafe characters or case
            k += 1
            name = ctx["file_name"].removesuffix(".docx") + f" {k}.docx"
        seen.add(name.casefold())
        schools = frozenset((ctx["mentee"]["school_id"], ctx["mentor"]["school_id"]))
        if school_id is None or school_id in schools:
            out.append((name, schools, render(ctx)))
    return sorted(out, key=lambda x: x[0])


def network_workbook(register: Register, registry: Registry, on: dt.date):
    """The workbook «Сетевые договоры»: one sheet of school pairs, one of the network pairs.

    Sheet «Сетевые договоры»: :func:`~mentoring.documents.network_links`
    with Russian headers; sheet «Сетевые пары»: one row per network pair.
    Both A4 landscape, fitted to the page width, header row repeated,
    «Страница N из M» in the footer.
    """
    links = network_links(register, registry, on)
    ctx = annex_context(register, registry, on)
    rows = [r for s in ctx["sections"] for r in s["rows"] if r["mentee_school_id"] != r["mentor_school_id"]]
    pairs = pd.DataFrame(
        [
            (
                r["n"],
                r["mentor_school"],
                r["mentor_name"],
                r["mentee_school"],
                r["mentee_name"],
                r["form"],
                r["format"],
                f"{r['start']} – {r['end']}",
            )
            for r in rows
        ],
        columns=[
            "№ в приложении",
            "ОО наставника",
            "Наставник",
            "ОО наставляемого",
            "Наставляемый",
            "Форма наставничества",
            "Формат",
            "Период",
        ],
    )
    wb = new_workbook()
    for title, df, headers in (("Сетевые договоры", links, NETWORK_COLUMNS), ("Сетевые пары", pairs, None)):
        ws = wb.create_sheet(title)
        write_table(ws, df, headers=headers)
        for row in ws.iter_rows(min_row=2):
            for c in row:
                c.alignment = Alignment(wrap_text=True, vertical="top")
        print_setup(ws, landscape=True, title_rows=1)
    return wb


def build_documents(
    register: Register,
    registry: Registry,
    on: dt.date,
    templates: str | os.PathLike | None = None,
    schedule_weeks: int = DEFAULT_SCHEDULE_WEEKS,
    school_id: str | None = None,
) -> dict[str, bytes]:
    """Every Word document, in memory: relative path → bytes.

    ``ANNEX_FILE`` and ``Программы/<file>``; with ``school_id``, only that
    school's annex part and the programmes of pairs where its teacher is the
    mentee or the mentor.

    Raises
    ------
    RegisterError
        Unknown mentees or mentors, no pair in force (nothing is rendered).
    InputError
        A missing or broken template; ``schedule_weeks`` not an integer from 1 to 8.
    """
    _check_weeks(schedule_weeks)
    live = checked_in_force(register, registry, on)
    annex_t = _template_bytes(templates, ANNEX_TEMPLATE)
    programme_t = _template_bytes(templates, PROGRAMME_TEMPLATE)
    annex = render_docx(annex_t, annex_context(register, registry, on, school_id), ANNEX_TEMPLATE)
    out = {ANNEX_FILE: annex}
    for name, _, data in _programmes(live, registry, programme_t, schedule_weeks, school_id):
        out[f"{PROGRAMMES_DIR}/{name}"] = data
    return out


def write_documents(
    register: Register,
    registry: Registry,
    out_dir: str | os.PathLike,
    on: dt.date,
    templates: str | os.PathLike | None = None,
    schedule_weeks: int = DEFAULT_SCHEDULE_WEEKS,
) -> list[Path]:
    """Write the annex, the programmes and the network workbook into ``out_dir``.

    Parameters
    ----------
    register : Register
        The register of tandems.
    registry : Registry
        The district registry.
    out_dir : path
        Target folder (created). Other files in it are left alone; an
        existing «Программы» folder is replaced as a whole, so programmes of
        pairs no longer in force do not linger.
    on : datetime.date
        The date; the pairs in force on it are printed.
    templates : path, optional
        Folder with ``annex.docx`` and ``programme.docx``; default
        :data:`TEMPLATES`.
    schedule_weeks : int
        Weeks between meetings in the programmes (1–8).

    Returns
    -------
    list of Path
        The annex, the workbook, then the programmes in name order.

    Raises
    ------
    RegisterError
        A pair in force whose mentee or mentor is not in the registry (every
        such pair listed with sheet «Пары», row and column), or no pair in
        force. Nothing is written then.
    InputError
        A missing or broken template, ``schedule_weeks`` out of range. Nothing is written.
    """
    out_dir = Path(out_dir)
    docs = build_documents(register, registry, on, templates, schedule_weeks)
    wb = network_workbook(register, registry, on)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o777 & ~mask)
        (tmp / PROGRAMMES_DIR).mkdir()
        for rel, data in docs.items():
            (tmp / rel).write_bytes(data)
        atomic_save(wb, tmp / NETWORK_FILE)
        names = [ANNEX_FILE, NETWORK_FILE, PROGRAMMES_DIR]
        if not out_dir.exists():
            os.replace(tmp, out_dir)
        else:
            old = tmp / ".old"
            if (out_dir / PROGRAMMES_DIR).exists():
                os.replace(out_dir / PROGRAMMES_DIR, old)
            for name in names:
                os.replace(tmp / name, out_dir / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    programmes = sorted(rel for rel in docs if rel.startswith(PROGRAMMES_DIR + "/"))
    return [out_dir / ANNEX_FILE, out_dir / NETWORK_FILE] + [out_dir / rel for rel in programmes]


def school_zip(
    register: Register,
    registry: Registry,
    school_id: str,
    on: dt.date,
    templates: str | os.PathLike | None = None,
    schedule_weeks: int = DEFAULT_SCHEDULE_WEEKS,
) -> bytes:
    """A zip with one school's annex part and programmes, for a download button.

    Contents: «Приложение к приказу (<код ОО>).docx» (the school's own pairs
    and the network pairs where its teacher is the mentee or the mentor,
    numbered as in the whole annex) and «Программы/…» (the programmes of
    those pairs). Fixed timestamps: the same input gives the same bytes.

    Raises
    ------
    RegisterError
        See :func:`build_documents`; also a school that has no pair in force.
    """
    if school_id not in set(registry.schools["school_id"]):
        raise RegisterError(f"школы «{school_id}» нет в реестре")
    docs = build_documents(register, registry, on, templates, schedule_weeks, school_id)
    if len(docs) == 1:
        raise RegisterError(f"у школы «{school_id}» нет действующих пар на {on:%d.%m.%Y}")
    return _zip(docs, school_id)


def _zip(docs: dict[str, bytes], school_id: str) -> bytes:
    annex = f"Приложение к приказу ({school_id}).docx"
    return zip_members({annex if rel == ANNEX_FILE else rel: data for rel, data in docs.items()})


def school_zips(
    register: Register,
    registry: Registry,
    on: dt.date,
    templates: str | os.PathLike | None = None,
    schedule_weeks: int = DEFAULT_SCHEDULE_WEEKS,
) -> dict[str, bytes]:
    """:func:`school_zip` for every school with a pair in force (as mentee's or mentor's school): code → bytes.

    Each programme is rendered once and put in the zips of both its schools.
    """
    _check_weeks(schedule_weeks)
    live = checked_in_force(register, registry, on)
    annex_t = Renderer(_template_bytes(templates, ANNEX_TEMPLATE), ANNEX_TEMPLATE)
    programmes = _programmes(live, registry, _template_bytes(templates, PROGRAMME_TEMPLATE), schedule_weeks)
    out = {}
    for school in sorted(set().union(*(schools for _, schools, _ in programmes))):
        docs = {ANNEX_FILE: annex_t(annex_context(register, registry, on, school))}
        docs.update(
            {f"{PROGRAMMES_DIR}/{name}": data for name, schools, data in programmes if school in schools}
        )
        out[school] = _zip(docs, school)
    return out
