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
"""

from __future__ import annotations

import datetime as dt
import html
import io
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import ipywidgets as W

from matching.engine import MatchResult
from matching.export import result_bytes
from matching.model import Registry
from matching.registry import load_registry
from mentoring.documents_io import ANNEX_FILE, NETWORK_FILE, PROGRAMMES_DIR, school_zips, write_documents
from mentoring.lifecycle import approve, change_status, check_district
from mentoring.register import Register
from mentoring.register_io import load_register, write_register
from mentoring.rematch import rematch
from mentoring.result_io import read_result
from mentoring.views import (
    CHANGE_KINDS,
    CHANGE_STATUSES,
    STATUS_COLORS,
    Names,
    changes_table,
    changes_text,
    default_day,
    log_table,
    pair_choices,
    pairs_table,
    problems_html,
    short_school,
    status_counts,
    summary_text,
    table_html,
    unmatched_table,
)
from tandem.errors import InputError
from tandem.ui import XLSX_MIME, download_link

DATA = Path(__file__).resolve().parents[1] / "data"
#: The register of the sample district (approved 01.09.2026, with the autumn's events).
SAMPLE_REGISTER = DATA / "sample_register.xlsx"
#: Registries of the sample district: label → file (January: hires and leavers, for the re-match).
SAMPLE_REGISTRIES = {
    "Образец района — сентябрь 2026": DATA / "sample_district.xlsx",
    "Образец района — январь 2027 (новые педагоги, выбывшие наставники)": DATA
    / "sample_district_2027-01.xlsx",
}
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


# -- files at the edge of the page ---------------------------------------------------------


@contextmanager
def uploaded_path(widget: W.FileUpload) -> Iterator[Path | None]:
    """The first file of an upload widget saved in a temporary folder (``None`` when nothing is uploaded)."""
    if not widget.value:
        yield None
        return
    item = widget.value[0]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(item["name"]).name
        path.write_bytes(bytes(item["content"]))
        yield path


def register_bytes(register: Register, name: str = "реестр_пар.xlsx") -> bytes:
    """The register workbook (:func:`mentoring.write_register`) as bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        return write_register(register, Path(tmp) / Path(name).name).read_bytes()


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


# -- the page ---------------------------------------------------------------------------------


def _button(text: str, icon: str, style: str = "primary") -> W.Button:
    return W.Button(description=text, icon=icon, button_style=style, layout=W.Layout(width="auto"))


def _upload(text: str) -> W.FileUpload:
    return W.FileUpload(accept=".xlsx", multiple=False, description=text, layout=W.Layout(width="auto"))


def _date(text: str, value: dt.date | None, width: str = "300px") -> W.DatePicker:
    return W.DatePicker(
        value=value, description=text, style={"description_width": "initial"}, layout=W.Layout(width=width)
    )


def _text(text: str, placeholder: str, width: str = "560px") -> W.Text:
    return W.Text(
        description=text,
        placeholder=placeholder,
        style={"description_width": "initial"},
        layout=W.Layout(width=width),
    )


def _h(text: str) -> W.HTML:
    return W.HTML(f"<h2 style='margin:14px 0 4px'>{html.escape(text)}</h2>")


class YearApp:
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

        # 1. The register.
        self.registry_choice = W.Dropdown(
            options=list(self.registries),
            description="Реестр педагогов:",
            style={"description_width": "initial"},
            layout=W.Layout(width="680px"),
        )
        self.registry_upload = _upload("Свой реестр педагогов (.xlsx)")
        self.register_upload = _upload("Свой реестр пар (.xlsx)")
        self.sample_button = _button("Открыть образец", "folder-open", "info")
        self.open_button = _button("Открыть свой реестр пар", "folder-open")
        self.result_upload = _upload("Результат подбора (.xlsx)")
        self.order = _text("Основание:", "Приказ № 45 от 01.09.2026")
        self.start = _date("Начало программ:", None)
        self.end = _date("Окончание (пусто — 31 мая):", None, "360px")
        self.add_to_open = W.Checkbox(
            value=False,
            description="Добавить к открытому реестру пар (иначе — новый реестр)",
            indent=False,
            layout=W.Layout(width="auto"),
        )
        self.approve_button = _button("Утвердить пары", "check", "success")
        self.load_info = W.HTML()
        self.load_problems = W.HTML()
        self.sample_button.on_click(lambda _: self.open_sample())
        self.open_button.on_click(lambda _: self.open_uploaded())
        self.approve_button.on_click(lambda _: self.approve_result())
        self.registry_choice.observe(lambda _: self._registry_changed(), names="value")
        self.registry_upload.observe(lambda _: self._registry_changed(), names="value")

        # 2. The register on a date.
        self.day = _date("Дата:", self.today, "260px")
        self.every_pair = W.Checkbox(
            value=False,
            description="Все пары года, не только действующие",
            indent=False,
            layout=W.Layout(width="auto"),
        )
        self.summary = W.HTML()
        self.counts_view = W.HTML()
        self.pairs_view = W.HTML()
        self.log_view = W.HTML()
        self.tabs = W.Tab(children=[self.pairs_view, self.log_view])
        self.tabs.set_title(0, "Пары")
        self.tabs.set_title(1, "Журнал")
        self.day.observe(lambda _: self._day_changed(), names="value")
        self.every_pair.observe(lambda _: self.show(), names="value")

        # 3. Status change.
        self.pair_choice = W.Dropdown(
            options=[],
            description="Пара:",
            style={"description_width": "initial"},
            layout=W.Layout(width="900px"),
        )
        self.status_choice = W.Dropdown(
            options=list(CHANGE_STATUSES), description="Новый статус:", style={"description_width": "initial"}
        )
        self.change_day = _date("Дата изменения:", self.today)
        self.new_end = _date("Новая дата окончания (для продления):", None, "420px")
        self.reason = _text("Причина:", "обязательна для досрочного прекращения")
        self.basis = _text("Основание:", "заявление, служебная записка куратора, приказ")
        self.change_button = _button("Изменить статус", "pencil")
        self.change_info = W.HTML()
        self.change_button.on_click(lambda _: self.change())

        # 4. Re-match.
        self.rematch_day = _date("Дата подбора:", self.today, "280px")
        self.keep_all = W.Checkbox(
            value=True,
            description="Сохранять все действующие пары, которые по-прежнему допустимы",
            indent=False,
            layout=W.Layout(width="auto"),
        )
        self.change_cost = W.FloatSlider(
            value=0.3,
            min=0.0,
            max=1.0,
            step=0.05,
            readout_format=".2f",
            description="Цена смены наставника, баллов:",
            disabled=True,
            style={"description_width": "initial"},
            layout=W.Layout(width="520px"),
        )
        self.rematch_button = _button("Подобрать заново", "refresh")
        self.rematch_info = W.HTML()
        self.changes_view = W.HTML()
        self.rematch_link = W.HTML()
        self.rematch_order = _text("Основание:", "Приказ № 3 от 15.01.2027")
        self.rematch_start = _date("Начало новых пар:", None)
        self.rematch_end = _date("Окончание (пусто — 31 мая):", None, "360px")
        self.approve_changes_button = _button("Утвердить изменения", "check", "success")
        self.approve_changes_info = W.HTML()
        self.keep_all.observe(lambda ch: setattr(self.change_cost, "disabled", ch["new"]), names="value")
        self.rematch_button.on_click(lambda _: self.run_rematch())
        self.approve_changes_button.on_click(lambda _: self.approve_changes())

        # 5. Downloads.
        self.register_link = W.HTML()
        self.documents_button = _button("Подготовить документы на выбранную дату", "file-word-o")
        self.documents_info = W.HTML()
        self.documents_links = W.HTML()
        self.documents_button.on_click(lambda _: self.prepare_documents())
        if autoload:
            self.open_sample()

    # -- 1. open or start the register ----------------------------------------------------

    def load_registry(self) -> Registry:
        """The uploaded registry, or the sample chosen in the dropdown."""
        with uploaded_path(self.registry_upload) as path:
            return load_registry(path or self.registries[self.registry_choice.value])

    def _opened(self, register: Register, registry: Registry, note: str) -> None:
        self.register, self.registry, self.names, self.error = register, registry, Names(registry), None
        self.load_problems.value = ""
        self._stale()
        day = default_day(register, self.day.value or self.today)
        if day != self.day.value:
            self.day.value = day  # redraws through the observer
        else:
            self.show()
        source = html.escape(registry.source or "")  # said last: the tables and links are new by then
        self.load_info.value = (
            f"<p style='font-size:15px'>{html.escape(note)} Реестр педагогов: «{source}».</p>"
        )

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

    def open_sample(self) -> Register | None:
        """Open the sample register with the chosen registry."""
        return self._open(self.sample_register, "Открыт образец реестра пар")

    def open_uploaded(self) -> Register | None:
        """Open the uploaded register with the chosen registry."""
        with uploaded_path(self.register_upload) as path:
            if path is None:
                self._failed(
                    InputError("загрузите реестр пар кнопкой «Свой реестр пар (.xlsx)»"), self.load_problems
                )
                return None
            return self._open(path, "Открыт реестр пар")

    def _open(self, path: Path, note: str) -> Register | None:
        try:
            registry = self.load_registry()
            register = load_register(path, today=self.today)
            check_district(register, registry.teachers["teacher_id"], registry.source)
        except InputError as exc:
            self._failed(exc, self.load_problems)
            return None
        self._opened(register, registry, f"{note} «{register.source}»: пар {len(register.pairs)}.")
        return register

    def approve_result(self) -> Register | None:
        """Approve the pairs of the uploaded matching result by the order (a new register, or the open one)."""
        try:
            with uploaded_path(self.result_upload) as path:
                if path is None:
                    raise InputError(
                        "загрузите книгу с результатом подбора кнопкой «Результат подбора (.xlsx)»"
                    )
                if self.start.value is None:
                    raise InputError("укажите дату начала программ")
                pairs, changes = read_result(path)
                name = path.name
            registry = self.load_registry()
            base = self.register if self.add_to_open.value and self.register is not None else None
            if base is not None:
                check_district(base, registry.teachers["teacher_id"], registry.source)
            t = registry.teachers
            register, counts = approve(
                base or Register(source="реестр_пар.xlsx"),
                pairs,
                order=self.order.value,
                start=self.start.value,
                end=self.end.value,
                experience=dict(zip(t["teacher_id"], t["experience_years"])),
                changes=changes,
                file=name,
                sheet="Тандемы",
            )
        except InputError as exc:
            self._failed(exc, self.load_problems)
            return None
        self.day.value = self.start.value
        self._opened(
            register,
            registry,
            f"Утверждено пар: {counts['approved']}; уже действовали: {counts['kept']}; "
            f"прекращено при смене наставника или снятии: {counts['ended']}.",
        )
        return register

    def _registry_changed(self) -> None:
        if self.register is None:
            return
        try:
            registry = self.load_registry()
        except InputError as exc:
            self._failed(exc, self.load_problems)
            return
        self.registry, self.names = registry, Names(registry)
        self._stale("Реестр педагогов")
        self.load_problems.value = ""
        self.show()
        self.load_info.value = f"<p>Реестр педагогов: «{html.escape(registry.source or '')}».</p>"

    # -- 2. the register on a date ------------------------------------------------------------

    def _day_changed(self) -> None:
        if self.day.value is not None:
            self.change_day.value = self.day.value
        self.show()

    def show(self) -> None:
        """Redraw the tables, the choices and the register's download link."""
        reg, on = self.register, self.day.value or self.today
        if reg is None:
            return
        self.summary.value = f"<p style='font-size:15px'><b>{html.escape(summary_text(reg, on))}</b></p>"
        self.counts_view.value = table_html(status_counts(reg, on), height=200)
        self.pairs_view.value = table_html(
            pairs_table(reg, self.names, on, self.every_pair.value),
            wrap=("Форма", "Основание", "Причина"),
            shade="Статус",
            colors=STATUS_COLORS,
            empty=f"На {on:%d.%m.%Y} действующих пар нет.",
        )
        self.log_view.value = table_html(
            log_table(reg, self.names), wrap=("Было", "Стало", "Основание"), empty="Журнал пуст."
        )
        keep = self.pair_choice.value
        options = pair_choices(reg, self.names, on)
        self.pair_choice.options = options
        self.pair_choice.value = (
            keep if keep in [k for _, k in options] else (options[0][1] if options else None)
        )
        if self._linked is not reg:  # the workbook is written once per state of the register
            name = Path(reg.source or "реестр_пар.xlsx").name
            self.register_link.value = download_link(
                register_bytes(reg, name),
                name,
                f"Скачать реестр пар «{name}» (Excel)",
                XLSX_MIME,
                style="font-size:15px",
            )
            self._linked = reg

    # -- 3. status change ------------------------------------------------------------------------

    def change(self) -> Register | None:
        """Change the status of the chosen pair; a refusal is shown in Russian, not raised."""
        self.change_info.value = ""
        try:
            if self.register is None or not self.pair_choice.value:
                raise InputError("выберите пару")
            if self.change_day.value is None:
                raise InputError("укажите дату изменения")
            mentee, mentor = self.pair_choice.value
            status = self.status_choice.value
            register = change_status(
                self.register,
                mentee,
                mentor,
                status,
                on=self.change_day.value,
                reason=self.reason.value,
                basis=self.basis.value,
                end=self.new_end.value if status == "продлена" else None,
            )
        except InputError as exc:
            self._failed(exc, self.change_info)
            return None
        self.register, self.error = register, None
        self._stale()
        self.show()
        self.change_info.value = (
            f"<p style='color:#0b5394'>Статус пары «{html.escape(self.names.person(mentee))}» – "
            f"«{html.escape(self.names.person(mentor))}»: {html.escape(status)} "
            f"(с {self.change_day.value:%d.%m.%Y}). Запись добавлена в журнал; скачайте реестр пар.</p>"
        )
        return register

    # -- 4. re-match ------------------------------------------------------------------------------

    def run_rematch(self) -> MatchResult | None:
        """Form the pairs again on the chosen date from the pairs in force; show what changes."""
        self.rematch_info.value = self.changes_view.value = self.rematch_link.value = ""
        self.approve_changes_info.value = ""
        self.result = None
        try:
            if self.register is None or self.registry is None:
                raise InputError("сначала откройте реестр пар (шаг 1)")
            if self.rematch_day.value is None:
                raise InputError("укажите дату подбора")
            check_district(self.register, self.registry.teachers["teacher_id"], self.registry.source)
            cost = None if self.keep_all.value else float(self.change_cost.value)
            result = rematch(self.registry, self.register, self.rematch_day.value, change_cost=cost)
        except InputError as exc:
            self._failed(exc, self.rematch_info)
            return None
        self.result, self.error = result, None
        on = self.rematch_day.value
        rule = (
            "допустимые действующие пары сохранены"
            if cost is None
            else f"пара меняется, только если смена даёт больше {cost:.2f} балла".replace(".", ",")
        )
        self.rematch_info.value = (
            f"<p style='font-size:15px'><b>Подбор на {on:%d.%m.%Y} по реестру педагогов "
            f"«{html.escape(self.registry.source or '')}» ({html.escape(rule)}).</b><br>"
            f"{html.escape(changes_text(result.changes))} {html.escape(result.summary())}</p>"
        )
        self.changes_view.value = table_html(
            changes_table(result.changes, self.names),
            wrap=("Причина",),
            wrap_width=520,
            shade="Изменение",
            colors=CHANGE_KINDS,
            empty="Действующих пар и новых наставляемых нет.",
        )
        if len(result.unmatched):
            self.changes_view.value += (
                f"<p style='margin:8px 0 2px'><b>Без наставника ({len(result.unmatched)}):</b></p>"
                + table_html(
                    unmatched_table(result.unmatched, self.names),
                    wrap=("Почему без наставника",),
                    wrap_width=900,
                    height=300,
                )
            )
        self.rematch_link.value = download_link(
            result_bytes(result, self.registry),
            f"повторный_подбор_{on:%Y-%m-%d}.xlsx",
            "Скачать результат повторного подбора (Excel, лист «Изменения»)",
            XLSX_MIME,
        )
        if self.rematch_start.value is None or self.rematch_start.value < on:
            self.rematch_start.value = on
        return result

    def approve_changes(self) -> Register | None:
        """Approve the re-match by the order: changed and released pairs end, new pairs start."""
        self.approve_changes_info.value = ""
        try:
            if self.result is None or self.register is None:
                raise InputError("сначала подберите пары заново (кнопка «Подобрать заново»)")
            if self.rematch_start.value is None:
                raise InputError("укажите дату начала новых пар")
            t = self.registry.teachers
            pairs = self.result.pairs[["mentee_id", "mentor_id", "pair_format"]].rename(
                columns={"pair_format": "format"}
            )
            register, counts = approve(
                self.register,
                pairs,
                order=self.rematch_order.value,
                start=self.rematch_start.value,
                end=self.rematch_end.value,
                experience=dict(zip(t["teacher_id"], t["experience_years"])),
                changes=self.result.changes,
            )
        except InputError as exc:
            self._failed(exc, self.approve_changes_info)
            return None
        # The approved re-match stays on view (what was approved) but cannot be approved twice.
        self.register, self.error, self.result = register, None, None
        self._stale()
        if self.day.value != self.rematch_start.value:
            self.day.value = self.rematch_start.value  # redraws through the observer
        else:
            self.show()
        # Said last, so that the page shows it only once the tables and the register's link are new.
        self.approve_changes_info.value = (
            f"<p style='color:#0b5394'>Изменения утверждены ({html.escape(self.rematch_order.value)}): "
            f"новых пар {counts['approved']}, сохранено {counts['kept']}, прекращено {counts['ended']}. "
            "Скачайте реестр пар.</p>"
        )
        return register

    # -- 5. documents ----------------------------------------------------------------------------

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

    # -- the page ----------------------------------------------------------------------------------

    def widget(self) -> W.Widget:
        """The whole page as one widget."""
        return W.VBox(
            [
                _h("1. Реестр пар"),
                W.HTML(
                    "<p style='margin:0'>Откройте образец или свой реестр пар (книга Excel с листами «Пары» и "
                    "«Журнал»). Имена и школы берутся из реестра педагогов.</p>"
                ),
                W.HBox([self.registry_choice, self.registry_upload]),
                W.HBox([self.sample_button, self.register_upload, self.open_button]),
                W.HTML(
                    "<p style='margin:8px 0 0'><b>или начните реестр:</b> загрузите результат подбора пар "
                    "(книгу со страницы «Формирование наставнических пар») и утвердите пары приказом.</p>"
                ),
                W.HBox([self.result_upload, self.order]),
                W.HBox([self.start, self.end]),
                W.HBox([self.add_to_open, self.approve_button]),
                self.load_problems,
                self.load_info,
                _h("2. Пары на дату"),
                W.HBox([self.day, self.every_pair]),
                self.summary,
                self.counts_view,
                self.tabs,
                _h("3. Изменить статус пары"),
                W.HTML(
                    "<p style='margin:0'>«Завершена» — программа выполнена; «прекращена досрочно» — нужна "
                    "причина; «продлена» — укажите новую дату окончания (вся программа — не дольше 12 месяцев).</p>"
                ),
                self.pair_choice,
                W.HBox([self.status_choice, self.change_day, self.new_end]),
                W.HBox([self.reason, self.basis]),
                W.HBox([self.change_button]),
                self.change_info,
                _h("4. Повторный подбор"),
                W.HTML(
                    "<p style='margin:0'>В середине года реестр педагогов меняется: новые педагоги, выбывшие "
                    "наставники, отозванные согласия. Выберите в шаге 1 реестр педагогов на сегодня и подберите "
                    "пары заново: действующие пары, которые по-прежнему допустимы, сохраняются (или меняются, "
                    "только если смена выигрывает больше заданной цены). Таблица покажет, что изменится.</p>"
                ),
                W.HBox([self.rematch_day, self.rematch_button]),
                self.keep_all,
                self.change_cost,
                self.rematch_info,
                self.changes_view,
                self.rematch_link,
                W.HTML("<p style='margin:8px 0 0'><b>Утвердить изменения приказом:</b></p>"),
                W.HBox([self.rematch_order]),
                W.HBox([self.rematch_start, self.rematch_end]),
                W.HBox([self.approve_changes_button]),
                self.approve_changes_info,
                _h("5. Скачать"),
                self.register_link,
                W.HBox([self.documents_button]),
                self.documents_info,
                self.documents_links,
            ]
        )
