"""The jury protocol as a Word document, from an editable template.

The same results as the protocol workbook (:mod:`contest.protocol`), laid
out for signing: title, contest, date, the ranking table (place, entry code,
title, the pair, final total, award, the note «требует решения
председателя» for a tie the rules could not break) — one table per
nomination when the ranking carries a ``nomination`` column —, the contest
definition's version and the SHA-256 of every input file, the jury with a
signature line for each member. The regional documents it follows:
docs/sources.md [Сводная-таблица], [Лауреаты-протокол].

The template is an ordinary .docx with Jinja tags filled by ``docxtpl`` (the
mechanism of the mentoring documents, :mod:`mentoring.documents_io`): the
default ``data/templates/protocol.docx`` is rebuilt by
``data/templates/make_templates.py``; a methodologist may edit its wording
and layout in Word and keep the tags. :func:`protocol_context` lists the
variables. The same input gives the same bytes (fixed zip timestamps).
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

import pandas as pd

from contest.report import TIE_NOTE, ranking_frame
from contest.roster import CHAIR, People
from tandem.docx import render_docx, template_bytes
from tandem.xlsx_write import atomic_write

#: The default template.
TEMPLATE = Path(__file__).resolve().parent.parent / "data" / "templates" / "protocol.docx"


def _points(x) -> str:
    """Points as the protocol prints them: two decimals, a decimal comma; «—» when not computed."""
    return "—" if x is None or pd.isna(x) else f"{float(x):.2f}".replace(".", ",")


def _file_label(label: str) -> str:
    """«SHA-256 файла баллов «x.csv»» → «Файл баллов «x.csv»» (the audit rows of :mod:`contest.workflow`)."""
    prefix = "SHA-256 файла "
    return "Файл " + label[len(prefix) :] if label.startswith(prefix) else label


def protocol_context(
    results,
    people: People,
    params: list[tuple[str, object]] | None = None,
    source_sha256: str | None = None,
    made_at: _dt.datetime | None = None,
) -> dict:
    """The variables of the protocol template.

    Parameters
    ----------
    results : Results
    people : People
    params : list of (label, value), optional
        The audit rows of the run (:func:`contest.workflow.audit_rows`):
        ``("SHA-256 файла … «name»", hex)`` per input file.
    source_sha256 : str, optional
        Hex SHA-256 of the contest definition file.
    made_at : datetime, optional
        When the result was made (default: now, UTC); its date is the
        protocol's date.

    Returns
    -------
    dict
        ``contest`` (str, name), ``date`` (str, DD.MM.YYYY), ``version``
        (str, :attr:`Contest.version`), ``rule`` (str: ranking stages and
        maximum total), ``sections`` (list of dict: ``title`` — «Номинация
        «…»» or ``""`` when the ranking has no ``nomination`` column —,
        ``rows``: dicts ``place``, ``entry_id``, ``title``, ``mentor``,
        ``mentee``, ``total`` (str, «48,33»), ``award``, ``note`` (str,
        :data:`~contest.report.TIE_NOTE` or ``""``)), ``tie_note`` (str, the
        explanation under the table when an entry has the note, else ``""``),
        ``files`` (list of dict ``label``, ``sha256``: the definition file,
        then the audit rows in order), ``jury`` (list of dict ``role`` —
        «Председатель жюри» / «Член жюри» —, ``name``, ``organization``;
        the chair first, then the jury sheet's order).
    """
    c = results.contest
    made_at = made_at or _dt.datetime.now(_dt.UTC).replace(microsecond=0)
    rf = ranking_frame(results, people)
    rows = [
        {
            "place": int(r["place"]),
            "entry_id": r["entry_id"],
            "title": r["title"],
            "mentor": r["mentor_name"],
            "mentee": r["mentee_name"],
            "total": _points(r["total"]),
            "award": r["award"],
            "note": r["note"],
        }
        for r in rf.to_dict("records")
    ]
    if "nomination" in results.ranking.columns:
        noms = results.ranking["nomination"].fillna("").astype(str).tolist()
        groups: dict[str, list] = {}  # nominations in the order of their best entry
        for nom, row in zip(noms, rows):
            groups.setdefault(nom, []).append(row)
        sections = [
            {"title": f"Номинация «{nom}»" if nom else "Без номинации", "rows": part}
            for nom, part in groups.items()
        ]
    else:
        sections = [{"title": "", "rows": rows}]
    files = []
    if source_sha256 is not None:
        files.append({"label": f"Файл описания «{Path(c.source or '').name}»", "sha256": source_sha256})
    files += [{"label": _file_label(str(label)), "sha256": str(value)} for label, value in params or []]
    jury = sorted(people.jury.itertuples(index=False), key=lambda j: j.role != CHAIR)
    return {
        "contest": c.name,
        "date": made_at.strftime("%d.%m.%Y"),
        "version": c.version,
        "rule": f"Итоговая сумма этапов: {', '.join(c.ranking_stages)}; максимум {c.max_total():g} баллов.",
        "sections": sections,
        "tie_note": (
            f"«{TIE_NOTE}»: работы набрали равные баллы и не различаются правилами конкурса; "
            "место определяет председатель жюри."
            if (rf["note"] != "").any()
            else ""
        ),
        "files": files,
        "jury": [
            {
                "role": "Председатель жюри" if j.role == CHAIR else "Член жюри",
                "name": j.full_name,
                "organization": j.organization or "",
            }
            for j in jury
        ],
    }


def render_protocol(context: dict, template: str | os.PathLike | None = None) -> bytes:
    """Fill the protocol template with ``context`` (:func:`protocol_context`); the .docx bytes.

    Raises
    ------
    InputError
        The template is missing, not a Word .docx, or its Jinja tags are
        broken (e.g. after editing in Word) — naming the template file.
    """
    path = Path(template or TEMPLATE)
    return render_docx(template_bytes(path, "шаблон протокола"), context, path.name)


def protocol_docx(
    results,
    people: People,
    params: list[tuple[str, object]] | None = None,
    source_sha256: str | None = None,
    made_at: _dt.datetime | None = None,
    template: str | os.PathLike | None = None,
) -> bytes:
    """The protocol as .docx bytes (:func:`protocol_context` rendered by :func:`render_protocol`)."""
    return render_protocol(protocol_context(results, people, params, source_sha256, made_at), template)


def write_protocol_docx(path, data: bytes) -> Path:
    """Write rendered protocol bytes to ``path`` atomically (:func:`tandem.xlsx_write.atomic_write`)."""
    return atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))
