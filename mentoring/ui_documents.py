"""Step 5 of the «Сопровождение тандемов» page: the documents of the pairs in force on a date.

:class:`DocumentsSection` is a part of :class:`mentoring.ui.YearApp`: it
gives the register's download link (kept up to date by
:class:`mentoring.ui_status.StatusSection`) and prepares the documents on the
chosen date (:func:`document_files`): the annex to the order, the network
agreements, every programme and one zip per school.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path

import ipywidgets as W

from matching.model import Registry
from mentoring.documents_io import ANNEX_FILE, NETWORK_FILE, PROGRAMMES_DIR, school_zips, write_documents
from mentoring.register import Register
from mentoring.views import short_school
from tandem.errors import InputError
from tandem.ui import DOCX_MIME, XLSX_MIME, button, download_link, heading

_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def document_files(register: Register, registry: Registry, on: dt.date) -> dict[str, bytes]:
    """The documents of the pairs in force on ``on``: file name → bytes.

    ``Приложение к приказу.docx``, ``Сетевые договоры.xlsx``, ``Программы.zip``
    (every programme) from :func:`mentoring.write_documents`, and
    ``<код ОО>.zip`` per school from :func:`mentoring.documents_io.school_zips`.

    Raises
    ------
    RegisterError, InputError
        As :func:`mentoring.write_documents` (nothing is returned then).
    """
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_documents(register, registry, Path(tmp) / "documents", on)
        out = {ANNEX_FILE: paths[0].read_bytes(), NETWORK_FILE: paths[1].read_bytes()}
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for p in paths[2:]:
                z.writestr(zipfile.ZipInfo(f"{PROGRAMMES_DIR}/{p.name}", _ZIP_TIME), p.read_bytes())
        out[f"{PROGRAMMES_DIR}.zip"] = buf.getvalue()
    for school, data in school_zips(register, registry, on).items():
        out[f"{school}.zip"] = data
    return out


class DocumentsSection:
    """«5. Скачать» of :class:`mentoring.ui.YearApp`.

    Reads the page's ``today``, ``day``, ``register``, ``registry`` and calls
    its ``_failed``; sets ``documents`` (the last documents prepared).
    """

    def _build_documents(self) -> None:
        # 5. Downloads.
        self.register_link = W.HTML()
        self.documents_button = button("Подготовить документы на выбранную дату", "file-word-o")
        self.documents_info = W.HTML()
        self.documents_links = W.HTML()
        self.documents_button.on_click(lambda _: self.prepare_documents())

    def _documents_children(self) -> list[W.Widget]:
        """Step 5 of the page: «Скачать»."""
        return [
            heading("5. Скачать"),
            self.register_link,
            W.HBox([self.documents_button]),
            self.documents_info,
            self.documents_links,
        ]

    def prepare_documents(self) -> dict[str, bytes] | None:
        """The annex, the network agreements and the programmes (all and per school) on the chosen date."""
        self.documents_links.value = ""
        on = self.day.value or self.today
        self.documents_info.value = f"<i>Готовлю документы на {on:%d.%m.%Y}…</i>"
        try:
            if self.register is None or self.registry is None:
                raise InputError("сначала откройте реестр пар (шаг 1)")
            docs = document_files(self.register, self.registry, on)
        except InputError as exc:
            self.documents = None
            self._failed(exc, self.documents_info)
            return None
        self.documents = docs
        schools = sorted(k for k in docs if k.endswith(".zip") and k != f"{PROGRAMMES_DIR}.zip")
        n = len(self.register.in_force(on))
        links = [
            download_link(docs[ANNEX_FILE], ANNEX_FILE, "Приложение к приказу (Word)", DOCX_MIME),
            download_link(docs[NETWORK_FILE], NETWORK_FILE, "Сетевые договоры (Excel)", XLSX_MIME),
            download_link(
                docs[f"{PROGRAMMES_DIR}.zip"],
                f"{PROGRAMMES_DIR}.zip",
                f"Все программы ({n}, zip)",
                "application/zip",
            ),
        ]
        school_names = dict(zip(self.registry.schools["school_id"], self.registry.schools["name"]))
        per_school = [
            "<li>"
            + download_link(
                docs[k],
                f"Документы {k}",
                f"{k[:-4]} {short_school(school_names.get(k[:-4], ''))}".strip(),
                "application/zip",
                style="",
            )
            + "</li>"
            for k in schools
        ]
        self.documents_links.value = (
            "<p>" + " &nbsp;·&nbsp; ".join(links) + "</p>"
            "<p style='margin:6px 0 2px'>По школам (часть приложения и программы пар, где педагог школы — "
            "наставник или наставляемый), zip:</p>"
            "<ul style='columns:3;margin:0'>" + "".join(per_school) + "</ul>"
        )
        self.documents_info.value = (
            f"<p>Документы на {on:%d.%m.%Y}: действующих пар {n}.</p>"  # after the links
        )
        return docs
