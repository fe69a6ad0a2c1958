"""Widgets for the «Сопровождение тандемов» page: the methodologist's year after the pairs are formed.

Only layout and wiring live in :class:`YearApp`; every decision is a call
into the package: :func:`mentoring.load_register`, :func:`mentoring.read_result`
and :func:`mentoring.approve` (open or start the register),
:func:`mentoring.change_status`, :func:`mentoring.rematch.rematch` and
:func:`mentoring.approve` with its changes (the re-match),
:func:`mentoring.write_register`, :func:`matching.export.result_bytes` and
:mod:`mentoring.documents_io` (downloads). What the page shows — the tables of
pairs and of the log, the counts, the problems — is built by the pure helpers
of :mod:`mentoring.views`. Uploaded files are written to a temporary folder
for the readers. The class can be driven without a browser
(``app.change_button.click()``), which is how it is tested.

The page is put together from its steps, one module each:
:mod:`mentoring.ui_register` (1. open or start the register),
:mod:`mentoring.ui_status` (2. the register on a date, 3. a status changed),
:mod:`mentoring.ui_rematch` (4. the re-match) and :mod:`mentoring.ui_documents`
(5. downloads). Their widgets and handlers are attributes of the one
:class:`YearApp`, as the steps share the register on the page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ipywidgets as W

from matching.engine import MatchResult
from matching.model import Registry
from mentoring.register import Register
from mentoring.ui_documents import DocumentsSection, document_files
from mentoring.ui_register import RegisterSection, uploaded_path
from mentoring.ui_rematch import RematchSection
from mentoring.ui_status import StatusSection, register_bytes
from mentoring.views import Names, problems_html
from tandem.ui import DOCX_MIME

__all__ = [
    "DOCX_MIME",
    "SAMPLE_REGISTER",
    "SAMPLE_REGISTRIES",
    "YearApp",
    "document_files",
    "register_bytes",
    "uploaded_path",
]

DATA = Path(__file__).resolve().parents[1] / "data"
#: The register of the sample district (approved 01.09.2026, with the autumn's events).
SAMPLE_REGISTER = DATA / "sample_register.xlsx"
#: Registries of the sample district: label → file (January: hires and leavers, for the re-match).
SAMPLE_REGISTRIES = {
    "Образец района — сентябрь 2026": DATA / "sample_district.xlsx",
    "Образец района — январь 2027 (новые педагоги, выбывшие наставники)": DATA
    / "sample_district_2027-01.xlsx",
}


class YearApp(RegisterSection, StatusSection, RematchSection, DocumentsSection):
    """«Сопровождение тандемов»: open or start the register, see it on a date, change statuses, download.

    Parameters
    ----------
    sample_register : Path
        The register opened by «Открыть образец».
    registries : dict
        Sample registries: label → path (the first is the default).
    today : datetime.date, optional
        The date the page starts from (default: the computer's date); also
        the date of hand edits found in a loaded register.
    autoload : bool
        Open the sample at once.

    Attributes
    ----------
    register : Register or None
        The register as it stands on the page (every change applied).
    registry : Registry or None
        The district registry (names, schools, experience).
    error : Exception or None
        The last problem shown.
    documents : dict or None
        The last documents prepared (:func:`document_files`).
    result : MatchResult or None
        The last re-match not yet approved (``.changes``: ``mentee_id``,
        ``mentor_before``, ``mentor_after``, ``change``, ``reason``).
    """

    def __init__(
        self,
        sample_register: Path = SAMPLE_REGISTER,
        registries: dict[str, Path] | None = None,
        today: dt.date | None = None,
        autoload: bool = True,
    ):
        self.sample_register = Path(sample_register)
        self.registries = dict(registries or SAMPLE_REGISTRIES)
        self.today = today or dt.date.today()
        self.register: Register | None = None
        self.registry: Registry | None = None
        self.names = Names()
        self.error: Exception | None = None
        self.documents: dict[str, bytes] | None = None
        self._linked: Register | None = None
        self.result: MatchResult | None = None
        self._build_register()
        self._build_status()
        self._build_rematch()
        self._build_documents()
        if autoload:
            self.open_sample()

    # -- state shared by the steps -------------------------------------------------------------

    def _stale(self, what: str = "Реестр пар") -> None:
        """The register or the registry changed: documents and a re-match made before are gone (with a note)."""
        self.documents_links.value = ""
        self.documents_info.value = (
            f"<i>{what} изменился — подготовьте документы заново.</i>" if self.documents else ""
        )
        self.documents = None
        if self.result is not None:
            self.rematch_info.value = f"<i>{what} изменился — подберите пары заново.</i>"
            self.changes_view.value = self.rematch_link.value = ""
        self.result = None

    def _failed(self, exc: Exception, where: W.HTML) -> None:
        self.error = exc
        where.value = problems_html(exc)

    # -- the page ----------------------------------------------------------------------------------

    def widget(self) -> W.Widget:
        """The whole page as one widget."""
        return W.VBox(
            [
                *self._register_children(),
                *self._status_children(),
                *self._rematch_children(),
                *self._documents_children(),
            ]
        )
