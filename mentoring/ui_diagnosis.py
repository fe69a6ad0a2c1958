"""Widgets for the «Диагностика и отчёт» page: deficits from questionnaires, the map, the half-year report.

Only layout and wiring live in :class:`DiagnosisApp`; every decision is a call
into the package: :func:`mentoring.diagnosis_io.write_questionnaires` (blank
questionnaires), :func:`mentoring.diagnosis_io.read_questionnaires`,
:func:`mentoring.diagnosis.read_answers`,
:func:`mentoring.diagnosis.levels_from_answers` and
:func:`mentoring.diagnosis.apply_diagnosis` (the import, as
``python -m mentoring diagnosis import``),
:func:`mentoring.diagnosis_io.write_registry` and
:func:`mentoring.diagnosis_io.write_deficit_map` (downloads),
:func:`mentoring.report.indicators`, :func:`mentoring.report_io.report_context`,
:func:`mentoring.report_io.render_note` and
:func:`mentoring.report_io.figures_workbook` (the report, as
``python -m mentoring report``). What the page shows is built by the pure
helpers of :mod:`mentoring.views_diagnosis` and :mod:`mentoring.views`.
Uploaded files are written to a temporary folder for the readers. The class
can be driven without a browser (``app.sample_button.click()``), which is how
it is tested.
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
import pandas as pd

from matching.model import Registry
from matching.registry import load_registry
from mentoring.diagnosis import (
    DEFAULT_THRESHOLD,
    apply_diagnosis,
    levels_from_answers,
    read_answers,
    repeat_diagnosis,
)
from mentoring.diagnosis_io import (
    MAP_FILE,
    MAP_PNG,
    latest_pairs,
    map_tables,
    read_questionnaires,
    repeat_table,
    write_deficit_map,
    write_questionnaires,
    write_registry,
)
from mentoring.lifecycle import check_district
from mentoring.register import Register
from mentoring.register_io import load_register
from mentoring.report import half_year, indicators
from mentoring.report_io import FIGURES_FILE, NOTE_FILE, figures_workbook, render_note, report_context
from mentoring.views import Names, problems_html, table_html
from mentoring.views_diagnosis import (
    diagnosis_text,
    figures_text,
    figures_view,
    image_html,
    levels_table,
    map_view,
    repeat_text,
    threshold_choices,
)
from tandem.errors import InputError
from tandem.tables import RawTable
from tandem.ui import DOCX_MIME, XLSX_MIME, button, download_link, dropdown, heading, paragraph, upload
from tandem.xlsx import atomic_save

DATA = Path(__file__).resolve().parents[1] / "data"
#: Registries of the sample district: label → file.
SAMPLE_REGISTRIES = {"Образец района — сентябрь 2026": DATA / "sample_district.xlsx"}
#: Registers of tandems of the sample district: label → file.
SAMPLE_REGISTERS = {"Образец района — реестр пар 2026/27 учебного года": DATA / "sample_register.xlsx"}
#: The filled questionnaires of the sample district (one workbook per school).
SAMPLE_QUESTIONNAIRES = DATA / "diagnosis" / "questionnaires"
#: The repeat diagnosis of the sample district in May 2027 (an online form's CSV export).
SAMPLE_REPEAT = DATA / "diagnosis" / "repeat_2027-05.csv"
BLANKS_ZIP = "Бланки анкет.zip"
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


# -- files at the edge of the page ---------------------------------------------------------


@contextmanager
def uploaded_paths(widget: W.FileUpload) -> Iterator[list[Path]]:
    """Every file of an upload widget saved in a temporary folder, under its own name ([] when none)."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for k, item in enumerate(widget.value or ()):
            path = Path(tmp) / str(k) / Path(item["name"]).name  # one folder each: equal names stay apart
            path.parent.mkdir()
            path.write_bytes(bytes(item["content"]))
            paths.append(path)
        yield paths


def questionnaire_tables(paths: list[Path]) -> list[RawTable]:
    """The questionnaire sheets of several files (:func:`mentoring.diagnosis_io.read_questionnaires` each).

    Raises
    ------
    InputError
        Every problem of every file at once.
    """
    tables, issues = [], []
    for path in paths:
        try:
            tables.extend(read_questionnaires(path))
        except InputError as exc:
            issues.extend(exc.issues)
    if issues:
        raise InputError(issues)
    return tables


def blank_questionnaires(registry: Registry) -> tuple[bytes, int]:
    """The blank questionnaires (one workbook per school) as a zip, and how many there are."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_questionnaires(registry, tmp)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for p in paths:
                z.writestr(zipfile.ZipInfo(p.name, _ZIP_TIME), p.read_bytes())
    return buf.getvalue(), len(paths)


def registry_bytes(registry: Registry, name: str) -> bytes:
    """The registry workbook with the sheet «Уровни дефицитов» (:func:`mentoring.diagnosis_io.write_registry`)."""
    with tempfile.TemporaryDirectory() as tmp:
        return write_registry(registry, Path(tmp) / name).read_bytes()


def map_files(registry: Registry) -> dict[str, bytes]:
    """«Карта дефицитов.xlsx» and «Карта дефицитов.png» (:func:`mentoring.diagnosis_io.write_deficit_map`)."""
    with tempfile.TemporaryDirectory() as tmp:
        return {p.name: p.read_bytes() for p in write_deficit_map(registry, tmp)}


def report_files(
    register: Register,
    registry: Registry,
    on: dt.date,
    repeat_answers: pd.DataFrame | None = None,
    threshold: int = DEFAULT_THRESHOLD,
) -> tuple[pd.DataFrame, dict, dict[str, bytes]]:
    """The half-year report on ``on``, as :func:`mentoring.report_io.write_report` writes it.

    Parameters
    ----------
    register, registry, on, threshold
        As :func:`mentoring.report_io.write_report`.
    repeat_answers : DataFrame, optional
        A repeat diagnosis (:func:`mentoring.diagnosis.read_answers`); each
        answering mentee's latest pair of the register is reported.

    Returns
    -------
    (DataFrame, dict, dict)
        «Показатели» (:func:`mentoring.report.indicators`), the note's variables
        (:func:`mentoring.report_io.report_context`, charts under ``share_png``
        and ``heatmap_png``) and the files: «Показатели.xlsx» and
        «Аналитическая справка.docx» → bytes.
    """
    repeat = None
    if repeat_answers is not None:
        repeat = repeat_diagnosis(latest_pairs(register.pairs), registry, repeat_answers, threshold)
    table = indicators(register.pairs, registry, on)
    context = report_context(register, registry, on, repeat, threshold, table)
    note = render_note(context)
    with tempfile.TemporaryDirectory() as tmp:
        figures = atomic_save(figures_workbook(table, register, registry, on), Path(tmp) / FIGURES_FILE)
        files = {FIGURES_FILE: figures.read_bytes(), NOTE_FILE: note}
    return table, context, files


# -- the page ---------------------------------------------------------------------------------


class DiagnosisApp:
    """«Диагностика и отчёт»: blank questionnaires, import of filled ones, the deficit map, the report.

    Parameters
    ----------
    registries : dict, optional
        Sample registries: label → path (the first is the default).
    registers : dict, optional
        Sample registers of tandems: label → path.
    questionnaires : Path
        The folder of sample filled questionnaires («Взять образец анкет»).
    repeat : Path
        The sample repeat diagnosis (the checkbox of step 2).
    today : datetime.date, optional
        Default: the computer's date. The report date starts at the end of its
        half-year; it is also the date of hand edits found in a register.

    Attributes
    ----------
    registry : Registry or None
        The registry of step 1 as loaded (before the diagnosis).
    diagnosed : Registry or None
        The registry with the deficits of the last imported questionnaires.
    answers : DataFrame or None
        Their answers (:func:`mentoring.diagnosis.read_answers`).
    map : dict or None
        The last deficit map: «Карта дефицитов.xlsx», «Карта дефицитов.png» → bytes.
    table : DataFrame or None
        The last «Показатели» (:func:`mentoring.report.indicators`).
    files : dict or None
        The last report: «Показатели.xlsx», «Аналитическая справка.docx» → bytes.
    error : Exception or None
        The last problem shown.
    """

    def __init__(
        self,
        registries: dict[str, Path] | None = None,
        registers: dict[str, Path] | None = None,
        questionnaires: Path = SAMPLE_QUESTIONNAIRES,
        repeat: Path = SAMPLE_REPEAT,
        today: dt.date | None = None,
    ):
        self.registries = dict(registries or SAMPLE_REGISTRIES)
        self.registers = dict(registers or SAMPLE_REGISTERS)
        self.questionnaires, self.repeat = Path(questionnaires), Path(repeat)
        self.today = today or dt.date.today()
        self.registry: Registry | None = None
        self.diagnosed: Registry | None = None
        self.answers: pd.DataFrame | None = None
        self.map: dict[str, bytes] | None = None
        self.table: pd.DataFrame | None = None
        self.files: dict[str, bytes] | None = None
        self.error: Exception | None = None

        # 1. Diagnosis.
        self.registry_choice = dropdown("Реестр педагогов:", list(self.registries))
        self.registry_upload = upload("Свой реестр педагогов (.xlsx)")
        self.blanks_button = button("Подготовить бланки анкет", "file-excel-o", "info")
        self.blanks_link = W.HTML()
        self.threshold = dropdown("Дефицит — уровень ниже:", threshold_choices(), "520px")
        self.threshold.value = DEFAULT_THRESHOLD
        self.answers_upload = upload("Заполненные анкеты (.xlsx, .csv)", True, ".xlsx,.csv")
        self.import_button = button("Загрузить анкеты", "upload")
        self.sample_button = button("Взять образец анкет (14 школ)", "folder-open", "info")
        self.map_button = button("Карта по реестру без анкет", "th", "")
        self.diagnosis_info = W.HTML()
        self.levels_view = W.HTML()
        self.heatmap = W.HTML()
        self.schools_view, self.clusters_view, self.catalogue_view = W.HTML(), W.HTML(), W.HTML()
        self.map_tabs = W.Tab(children=[self.schools_view, self.clusters_view, self.catalogue_view])
        for k, title in enumerate(("По школам", "По группам", "Дефициты")):
            self.map_tabs.set_title(k, title)
        self.diagnosis_links = W.HTML()
        self.blanks_button.on_click(lambda _: self.prepare_blanks())
        self.import_button.on_click(lambda _: self.import_uploaded())
        self.sample_button.on_click(lambda _: self.import_sample())
        self.map_button.on_click(lambda _: self.map_as_is())
        self.registry_choice.observe(lambda _: self._registry_changed(), names="value")
        self.registry_upload.observe(lambda _: self._registry_changed(), names="value")

        # 2. Report.
        self.register_choice = dropdown("Реестр пар:", list(self.registers))
        self.register_upload = upload("Свой реестр пар (.xlsx)")
        self.day = W.DatePicker(
            value=half_year(self.today)[1],
            description="Дата показателей:",
            style={"description_width": "initial"},
            layout=W.Layout(width="320px"),
        )
        self.repeat_sample = W.Checkbox(
            value=False,
            description="Образец повторной диагностики (май 2027)",
            indent=False,
            layout=W.Layout(width="auto"),
        )
        self.repeat_upload = upload("Повторная диагностика (.xlsx, .csv)", True, ".xlsx,.csv")
        self.report_button = button("Подсчитать показатели", "bar-chart")
        self.report_info = W.HTML()
        self.figures_view = W.HTML()
        self.charts = W.HTML()
        self.repeat_view = W.HTML()
        self.report_links = W.HTML()
        self.report_button.on_click(lambda _: self.make_report())

    # -- 1. diagnosis ---------------------------------------------------------------------------

    def load_registry(self) -> Registry:
        """The uploaded registry, or the sample chosen in the dropdown (read once, then kept)."""
        if self.registry is None:
            with uploaded_paths(self.registry_upload) as paths:
                self.registry = load_registry(
                    paths[0] if paths else self.registries[self.registry_choice.value]
                )
        return self.registry

    def _registry_changed(self) -> None:
        """Another registry: the diagnosis, the map and the report made from the old one are gone."""
        had = self.diagnosed is not None or self.map is not None or self.files is not None
        self.registry = self.diagnosed = self.answers = self.map = self.table = self.files = None
        for w in (self.blanks_link, self.levels_view, self.heatmap, self.diagnosis_links):
            w.value = ""
        for w in (self.schools_view, self.clusters_view, self.catalogue_view, self.figures_view, self.charts):
            w.value = ""
        self.repeat_view.value = self.report_links.value = self.report_info.value = ""
        self.diagnosis_info.value = (
            "<i>Реестр педагогов изменился — загрузите анкеты заново.</i>" if had else ""
        )

    def _failed(self, exc: Exception, where: W.HTML) -> None:
        self.error = exc
        where.value = problems_html(exc)

    def prepare_blanks(self) -> bytes | None:
        """The blank questionnaires of the chosen registry, one workbook per school, as a zip link."""
        self.blanks_link.value = ""
        try:
            data, n = blank_questionnaires(self.load_registry())
        except InputError as exc:
            self._failed(exc, self.blanks_link)
            return None
        self.error = None
        self.blanks_link.value = download_link(
            data, BLANKS_ZIP, f"Скачать бланки анкет: {n} книг, по одной на школу (zip)", "application/zip"
        )
        return data

    def import_sample(self) -> Registry | None:
        """Import the sample questionnaires (every school of the sample district)."""
        return self._import(sorted(p for p in self.questionnaires.iterdir() if p.suffix == ".xlsx"))

    def import_uploaded(self) -> Registry | None:
        """Import the uploaded questionnaires (several workbooks, or one export of an online form)."""
        with uploaded_paths(self.answers_upload) as paths:
            if not paths:
                self._failed(
                    InputError("выберите заполненные анкеты кнопкой «Заполненные анкеты (.xlsx, .csv)»"),
                    self.diagnosis_info,
                )
                return None
            return self._import(paths)

    def _import(self, paths: list[Path]) -> Registry | None:
        self.diagnosis_info.value = self.levels_view.value = ""
        try:
            registry = self.load_registry()
            answers = read_answers(questionnaire_tables(paths), registry)
            diagnosed = apply_diagnosis(registry, levels_from_answers(answers, self.threshold.value))
        except InputError as exc:
            self._failed(exc, self.diagnosis_info)
            return None
        self.diagnosed, self.answers, self.error = diagnosed, answers, None
        self.levels_view.value = table_html(
            levels_table(diagnosed, answers, Names(diagnosed)),
            wrap=("Дефициты (уровень)",),
            wrap_width=420,
            height=420,
            empty="Дефицитов ниже порога нет.",
        )
        name = Path(registry.source or "реестр.xlsx").stem + "_с_дефицитами.xlsx"
        self._show_map(
            diagnosed,
            download_link(
                registry_bytes(diagnosed, name), name, "Реестр педагогов с дефицитами (Excel)", XLSX_MIME
            ),
        )
        self.diagnosis_info.value = (  # said last: the tables and links are new by then
            f"<p style='font-size:15px'><b>{html.escape(diagnosis_text(answers, diagnosed, self.threshold.value))}"
            f"</b> Реестр педагогов: «{html.escape(registry.source or '')}».</p>"
        )
        return diagnosed

    def map_as_is(self) -> dict[str, bytes] | None:
        """The deficit map of the chosen registry as it is (its own deficits, no questionnaires)."""
        self.diagnosis_info.value = self.levels_view.value = ""
        try:
            registry = self.load_registry()
        except InputError as exc:
            self._failed(exc, self.diagnosis_info)
            return None
        self.diagnosed = self.answers = None
        self.error = None
        self._show_map(registry, "")
        self.diagnosis_info.value = (
            f"<p>Карта дефицитов по реестру «{html.escape(registry.source or '')}» (дефициты из реестра).</p>"
        )
        return self.map

    def _show_map(self, registry: Registry, registry_link: str) -> None:
        self.map = map_files(registry)
        self.heatmap.value = image_html(self.map[MAP_PNG], "Тепловая карта дефицитов")
        tables = map_tables(registry)
        self.schools_view.value = table_html(map_view(tables["По школам"]), height=480)
        self.clusters_view.value = table_html(map_view(tables["По группам"]), height=240)
        self.catalogue_view.value = table_html(tables["Дефициты"], height=480)
        links = [
            registry_link,
            download_link(self.map[MAP_FILE], MAP_FILE, "Карта дефицитов (Excel)", XLSX_MIME),
            download_link(self.map[MAP_PNG], MAP_PNG, "Тепловая карта (PNG)", "image/png"),
        ]
        self.diagnosis_links.value = "<p>" + " &nbsp;·&nbsp; ".join(x for x in links if x) + "</p>"

    # -- 2. report -------------------------------------------------------------------------------

    def load_register(self, registry: Registry) -> Register:
        """The uploaded register of tandems, or the sample chosen, checked against the registry."""
        with uploaded_paths(self.register_upload) as paths:
            register = load_register(
                paths[0] if paths else self.registers[self.register_choice.value], today=self.today
            )
        check_district(register, registry.teachers["teacher_id"], registry.source)
        return register

    def make_report(self) -> dict[str, bytes] | None:
        """«Показатели» on the chosen date with the charts, and the two files of the report."""
        for w in (self.report_info, self.figures_view, self.charts, self.repeat_view, self.report_links):
            w.value = ""
        self.table = self.files = None
        on = self.day.value
        try:
            if on is None:
                raise InputError("укажите дату показателей")
            registry = self.diagnosed or self.load_registry()
            register = self.load_register(registry)
            answers = repeat = None
            with uploaded_paths(self.repeat_upload) as paths:
                paths = ([self.repeat] if self.repeat_sample.value else []) + paths
                if paths:
                    answers = read_answers(questionnaire_tables(paths), registry)
            table, context, files = report_files(register, registry, on, answers, self.threshold.value)
            if answers is not None:
                repeat = repeat_table(latest_pairs(register.pairs), registry, answers, self.threshold.value)
        except InputError as exc:
            self._failed(exc, self.report_info)
            return None
        self.table, self.files, self.error = table, files, None
        self.figures_view.value = table_html(figures_view(table), wrap=("Наименование",), height=520)
        self.charts.value = (
            "<div style='display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start'>"
            + image_html(context.get("share_png"), "Доля наставляемых с наставником по школам", 640)
            + image_html(context.get("heatmap_png"), "Тепловая карта дефицитов", 640)
            + "</div>"
        )
        if repeat is not None:
            self.repeat_view.value = f"<p><b>{html.escape(repeat_text(repeat))}</b></p>" + table_html(
                repeat, wrap=("Дефициты до программы", "Закрыты", "Остались"), height=360
            )
        self.report_links.value = (
            "<p>"
            + download_link(files[FIGURES_FILE], FIGURES_FILE, "Показатели (Excel)", XLSX_MIME)
            + " &nbsp;·&nbsp; "
            + download_link(files[NOTE_FILE], NOTE_FILE, "Аналитическая справка (Word)", DOCX_MIME)
            + "</p>"
        )
        where = "с дефицитами из анкет" if self.diagnosed is not None else "как загружен"
        self.report_info.value = (  # said last: the tables and links are new by then
            f"<p style='font-size:15px'><b>{html.escape(figures_text(table, on))}</b><br>"
            f"Реестр пар «{html.escape(register.source or '')}», реестр педагогов "
            f"«{html.escape(registry.source or '')}» ({where}).</p>"
        )
        return files

    # -- the page ----------------------------------------------------------------------------------

    def widget(self) -> W.Widget:
        """The whole page as one widget."""
        return W.VBox(
            [
                heading("1. Диагностика профессиональных дефицитов"),
                paragraph(
                    "Выберите реестр педагогов (образец района или свой файл) и скачайте бланки анкет — по "
                    "книге на школу: строка — педагог и дефицит из перечня, уровни 0–3 выбираются из списка."
                ),
                W.HBox([self.registry_choice, self.registry_upload]),
                W.HBox([self.blanks_button]),
                self.blanks_link,
                paragraph(
                    "<b>Заполненные анкеты</b> загрузите все сразу (или одну выгрузку онлайн-формы с теми же "
                    "столбцами). Уровень — оценка куратора, если она есть, иначе самооценка; дефицит — "
                    "уровень ниже порога.",
                    "10px 0 0",
                ),
                self.threshold,
                W.HBox([self.answers_upload, self.import_button, self.sample_button, self.map_button]),
                self.diagnosis_info,
                self.levels_view,
                W.HTML("<h3 style='margin:10px 0 4px'>Карта дефицитов района</h3>"),
                self.heatmap,
                self.map_tabs,
                self.diagnosis_links,
                heading("2. Отчёт за полугодие"),
                paragraph(
                    "Показатели считаются на выбранную дату по реестру пар и реестру педагогов шага 1 (с "
                    "дефицитами из анкет, если они загружены). Повторная диагностика в конце программы "
                    "покажет, какие дефициты наставляемых закрыты."
                ),
                W.HBox([self.register_choice, self.register_upload]),
                W.HBox([self.day, self.repeat_sample, self.repeat_upload]),
                W.HBox([self.report_button]),
                self.report_info,
                self.report_links,
                self.figures_view,
                self.charts,
                self.repeat_view,
            ]
        )
