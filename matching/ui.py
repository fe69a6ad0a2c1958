"""Widgets for the «Формирование наставнических пар» page.

Only layout and wiring live in :class:`TandemApp`; every decision is a call
into the package (:func:`matching.load_registry`, :func:`matching.match`,
:func:`matching.export.result_bytes`). What it shows — the diff of two
results, the chart and map builders, the table filter — is built by the pure
helpers of :mod:`matching.views`, tested on their own. The class can be driven without a
browser (``app.run_button.click()``, ``app.sliders["coverage"].value = 0.5``),
which is how it is tested.

The page opens with few widgets, so the browser draws it fast: the settings
(weights, constraints, objective) are made when «Настройки подбора» is first
opened (or first touched from Python), and the what-if questions
(:mod:`matching.ui_whatif`) when their section is first opened.
"""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

import ipywidgets as W
import pandas as pd
from itables.widget import ITable

from matching.config import MatchConfig
from matching.engine import MatchResult, match
from matching.export import result_bytes, result_tables
from matching.model import Registry
from matching.registry import load_registry
from matching.ui_settings import SettingsPanel
from matching.ui_whatif import WhatIfPanels
from matching.views import (
    GRID_OPTIONS,
    SORTS,
    changes_frame,
    changes_text,
    compare_results,
    coverage_chart_html,
    filter_table,
    frame_html,
    grid_frame,
    load_chart_html,
    pair_label,
    school_map_svg,
)
from tandem.errors import InputError
from tandem.ui import XLSX_MIME, download_link

#: The embedded sample registry, the default input (docs/formats.md §3).
SAMPLE_REGISTRY = Path(__file__).resolve().parents[1] / "data" / "sample_district.xlsx"

#: Steps of one run, in order, as reported to the progress bar.
STEPS = ("Чтение реестра", "Оценка пар", "Подбор пар", "Объяснения", "Запись Excel")

#: Tabs of the results, in order.
TABS = (
    "Тандемы",
    "Без наставника",
    "Нагрузка наставников",
    "Покрытие дефицитов",
    "Карта школ",
    "Что изменилось",
)

#: Columns of the tandems table shown in the page (the workbook has them all).
_PAGE_PAIR_COLUMNS = [
    "Код наставляемого",
    "Наставляемый",
    "ОО наставляемого",
    "Код наставника",
    "Наставник",
    "ОО наставника",
    "Итоговый балл пары",
    "Закрытые дефициты",
    "Незакрытые дефициты",
    "Расстояние, км",
    "Формат",
    "Закреплена вручную",
    "Почему эта пара",
]

#: Page CSS: tab titles as wide as their Russian text (the default cuts them at 144 px).
TAB_CSS = (
    "<style>.widget-tab > .lm-TabBar .lm-TabBar-tab, .widget-tab > .p-TabBar .p-TabBar-tab"
    "{flex:0 0 auto !important;min-width:0 !important;max-width:none !important}</style>"
)


# -- the page -----------------------------------------------------------------------


class TandemApp:
    """The tandem-forming page: source, weights, constraints, run, results, overrides.

    Parameters
    ----------
    sample : Path
        The registry used when no file is uploaded.
    autorun : bool
        Form pairs on the sample at once (the page opens with a result).

    Attributes
    ----------
    registry : Registry or None
        The last registry loaded successfully.
    result : MatchResult or None
        The last result (None after an input error).
    previous : MatchResult or None
        The result before the last successful run (for «Что изменилось»).
    error : InputError or None
        The last input error (shown as a table of problems).
    locked, forbidden : list of (mentee_id, mentor_id)
        Manual overrides of this page, passed to :func:`matching.match` as
        ``extra_locked`` / ``extra_forbidden`` on the next run.
    """

    def __init__(self, sample: Path = SAMPLE_REGISTRY, autorun: bool = True):
        self.sample = Path(sample)
        self.registry: Registry | None = None
        self.result: MatchResult | None = None
        self.previous: MatchResult | None = None
        self._last_ok: MatchResult | None = None
        self.error: InputError | None = None
        self.locked: list[tuple[str, str]] = []
        self.forbidden: list[tuple[str, str]] = []
        self.pairs_table = pd.DataFrame()
        self.settings_panel = SettingsPanel()
        self.settings = self.settings_panel.accordion

        self.source = W.RadioButtons(
            options=["Образец района (data/sample_district.xlsx)", "Свой файл"],
            description="Реестр:",
            style={"description_width": "initial"},
            layout=W.Layout(width="auto"),
        )
        self.upload = W.FileUpload(
            accept=".xlsx", multiple=False, description="Загрузить .xlsx", layout=W.Layout(width="auto")
        )
        self.upload.observe(self._on_upload, names="value")
        self.run_button = W.Button(
            description="Сформировать пары",
            button_style="primary",
            icon="play",
            layout=W.Layout(width="220px"),
        )
        self.progress = W.FloatProgress(value=0.0, min=0.0, max=1.0, layout=W.Layout(width="260px"))
        self.progress_label = W.Label(value="")
        self.status = W.HTML()
        self.summary = W.HTML()
        self.changes = W.HTML()
        self.download = W.HTML()

        # Manual overrides: a row selected in the grid, or a mentee and a mentor chosen by name.
        self.pair_details = W.HTML()
        self.mentee_choice = W.Dropdown(
            options=[],
            description="Наставляемый:",
            style={"description_width": "130px"},
            layout=W.Layout(width="460px"),
        )
        self.mentor_choice = W.Dropdown(
            options=[],
            description="Наставник:",
            style={"description_width": "100px"},
            layout=W.Layout(width="420px"),
        )
        self.lock_button = W.Button(
            description="Закрепить",
            icon="lock",
            button_style="info",
            tooltip="Эта пара обязательно войдёт в результат",
            layout=W.Layout(width="auto"),
        )
        self.forbid_button = W.Button(
            description="Запретить",
            icon="ban",
            button_style="warning",
            tooltip="Эта пара не войдёт в результат",
            layout=W.Layout(width="auto"),
        )
        self.clear_button = W.Button(
            description="Сбросить ручные изменения", icon="undo", layout=W.Layout(width="auto")
        )
        self.overrides_view = W.HTML()
        self.lock_button.on_click(lambda _: self.lock(self.mentee_choice.value, self.mentor_choice.value))
        self.forbid_button.on_click(lambda _: self.forbid(self.mentee_choice.value, self.mentor_choice.value))
        self.clear_button.on_click(lambda _: self.clear_overrides())

        # Results.
        self.pairs_filter = W.Text(
            placeholder="ФИО, код, школа или дефицит",
            description="Найти:",
            continuous_update=False,
            layout=W.Layout(width="420px"),
        )
        self.pairs_sort = W.Dropdown(
            options=list(SORTS), description="Порядок:", layout=W.Layout(width="340px")
        )
        self.pairs_note = W.HTML()
        self.pairs_grid = ITable(grid_frame(pd.DataFrame(columns=_PAGE_PAIR_COLUMNS)), **GRID_OPTIONS)
        self.pairs_grid.observe(self._on_row_selected, names="selected_rows")
        self.pairs_filter.observe(lambda _: self._show_pairs(), names="value")
        self.pairs_sort.observe(lambda _: self._show_pairs(), names="value")
        self.tab_views = {t: W.HTML() for t in TABS[1:]}
        self.tabs = W.Tab(
            children=[
                W.VBox([W.HBox([self.pairs_filter, self.pairs_sort]), self.pairs_note, self.pairs_grid]),
                *self.tab_views.values(),
            ]
        )
        for i, title in enumerate(TABS):
            self.tabs.set_title(i, title)
        self.problems = W.HTML()
        self.whatif = WhatIfPanels(self)
        self.mentee_choice.observe(lambda _: self.whatif.on_mentee_selected(), names="value")
        self.run_button.on_click(lambda _: self.run())
        self._show_overrides()
        if autorun:
            self.run()

    # -- wiring -----------------------------------------------------------------

    # -- settings (made when first opened: :mod:`matching.ui_settings`) -------------

    @property
    def sliders(self) -> dict:
        """Component → its weight slider (``FloatSlider``)."""
        return self.settings_panel.widgets()["sliders"]

    @property
    def subject_required(self) -> W.Checkbox:
        return self.settings_panel.widgets()["subject_required"]

    @property
    def relevance_required(self) -> W.Checkbox:
        return self.settings_panel.widgets()["relevance_required"]

    @property
    def same_school(self) -> W.Checkbox:
        return self.settings_panel.widgets()["same_school"]

    @property
    def max_distance(self) -> W.IntSlider:
        """Distance limit of очно pairs, km (0: none)."""
        return self.settings_panel.widgets()["max_distance"]

    @property
    def objective_choice(self) -> W.Dropdown:
        """The objective (:data:`matching.config.OBJECTIVES`)."""
        return self.settings_panel.widgets()["objective_choice"]

    def config(self) -> MatchConfig:
        """The configuration chosen in the settings (their defaults before they are opened)."""
        return self.settings_panel.config()

    def load(self) -> Registry:
        """Load the chosen registry (the sample or the uploaded file)."""
        if self.source.index == 0 or not self.upload.value:
            if self.source.index == 1:
                raise InputError(
                    "выберите файл реестра кнопкой «Загрузить .xlsx» или отметьте «Образец района»"
                )
            return load_registry(self.sample)
        item = self.upload.value[0]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(item["name"]).name
            path.write_bytes(bytes(item["content"]))
            return load_registry(path)

    def report_progress(self, step: str, fraction: float) -> None:
        """Progress callback (:mod:`tandem.progress`): one bar over all :data:`STEPS`."""
        k = STEPS.index(step) if step in STEPS else 0
        self.progress.value = min(1.0, (k + float(fraction)) / len(STEPS))
        self.progress_label.value = f"{step}: {fraction:.0%}"

    def overrides_frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The manual locks and bans as ``DataFrame[mentee_id, mentor_id]``."""
        cols = ["mentee_id", "mentor_id"]
        return pd.DataFrame(self.locked, columns=cols), pd.DataFrame(self.forbidden, columns=cols)

    def lock(self, mentee_id: str | None, mentor_id: str | None) -> None:
        """Lock a pair for the next run (replaces another lock of the same mentee; lifts its ban)."""
        if not mentee_id or not mentor_id:
            return
        self.locked = [p for p in self.locked if p[0] != mentee_id] + [(mentee_id, mentor_id)]
        self.forbidden = [p for p in self.forbidden if p != (mentee_id, mentor_id)]
        self._show_overrides()

    def forbid(self, mentee_id: str | None, mentor_id: str | None) -> None:
        """Forbid a pair for the next run (lifts its lock)."""
        if not mentee_id or not mentor_id:
            return
        if (mentee_id, mentor_id) not in self.forbidden:
            self.forbidden.append((mentee_id, mentor_id))
        self.locked = [p for p in self.locked if p != (mentee_id, mentor_id)]
        self._show_overrides()

    def clear_overrides(self) -> None:
        """Forget every manual lock and ban."""
        self.locked, self.forbidden = [], []
        self._show_overrides()

    def run(self) -> MatchResult | None:
        """Load, match and show; input problems are shown as a table, not raised."""
        self.status.value = "<i>Подбираю пары…</i>"
        self.problems.value = ""
        self.progress.bar_style = ""
        self.report_progress(STEPS[0], 0.0)
        locked, forbidden = self.overrides_frames()
        try:
            registry = self.load()
            self.report_progress(STEPS[0], 1.0)
            result = match(
                registry,
                self.config(),
                extra_locked=locked,
                extra_forbidden=forbidden,
                progress=self.report_progress,
            )
        except InputError as exc:
            self.error, self.result = exc, None
            self.status.value = (
                "<b style='color:#b00'>В данных есть ошибки — исправьте их "
                "(в файле или в ручных закреплениях) и запустите снова.</b>"
            )
            self.problems.value = frame_html(exc.to_frame().astype(object).fillna(""))
            self.summary.value = self.download.value = self.changes.value = ""
            self.progress.bar_style = "danger"
            self.progress_label.value = "Остановлено: ошибки в данных"
            self.whatif.on_result()
            return None
        self.previous, self._last_ok = self._last_ok, result
        self.error, self.registry, self.result = None, registry, result
        self.report_progress("Объяснения", 1.0)
        tables = result_tables(result, registry)
        self.pairs_table = tables["Тандемы"][_PAGE_PAIR_COLUMNS].copy()
        self.pairs_table["Закреплена вручную"] = self.pairs_table["Закреплена вручную"].map(
            {True: "да", False: ""}
        )
        self._show_pairs()
        self.tab_views["Без наставника"].value = frame_html(tables["Нераспределённые"])
        self.tab_views["Нагрузка наставников"].value = load_chart_html(result) + frame_html(
            tables["Нагрузка"]
        )
        self.tab_views["Покрытие дефицитов"].value = coverage_chart_html(result) + frame_html(
            tables["Покрытие дефицитов"]
        )
        self.tab_views["Карта школ"].value = school_map_svg(registry, result.pairs)
        n_over = len(result.overrides)
        self.summary.value = (
            f"<p style='font-size:15px'>{html.escape(result.summary())}"
            + (f" Учтено ручных изменений: {n_over}." if n_over else "")
            + "</p>"
        )
        if self.previous is not None:
            changes, summary = compare_results(self.previous, result)
            self.changes.value = (
                f"<p style='font-size:14px;color:#0b5394'>{html.escape(changes_text(summary))}</p>"
            )
            self.tab_views["Что изменилось"].value = frame_html(changes_frame(changes))
        else:
            self.changes.value = ""
            self.tab_views["Что изменилось"].value = (
                "<p>Измените веса, условия или закрепите / запретите пару "
                "и нажмите «Сформировать пары» ещё раз — здесь появится "
                "сравнение с этим запуском.</p>"
            )
        self._update_choices(registry, result)
        self.report_progress("Запись Excel", 0.0)
        self.download.value = download_link(
            result_bytes(result, registry),
            "тандемы.xlsx",
            "Скачать результат (Excel)",
            XLSX_MIME,
            style="font-size:15px",
        )
        self.report_progress("Запись Excel", 1.0)
        self.progress.bar_style = "success"
        self.progress_label.value = "Готово"
        self.status.value = (
            f"Реестр «{html.escape(registry.source or '')}», время подбора {result.solve_seconds:.2f} с."
        )
        self.whatif.on_result()
        return result

    def _on_upload(self, change) -> None:
        if change["new"]:
            self.source.index = 1

    def selected_row(self) -> pd.Series | None:
        """The row of the tandems grid selected by a click (columns of the «Тандемы» tab), or None."""
        rows, shown = self.pairs_grid.selected_rows, self.pairs_grid.df
        if not rows or shown is None or rows[0] >= len(shown):
            return None
        return shown.iloc[rows[0]]

    def _on_row_selected(self, _change=None) -> None:
        """A selected row fills the mentee and the mentor that «Закрепить» / «Запретить» act on."""
        row = self.selected_row()
        if row is None:
            self.pair_details.value = "<i>Выберите пару щелчком по строке таблицы «Тандемы».</i>"
            return
        for choice, key in (
            (self.mentee_choice, "Код наставляемого"),
            (self.mentor_choice, "Код наставника"),
        ):
            if row[key] in dict(choice.options).values():
                choice.value = row[key]
        self.pair_details.value = (
            f"<b>Выбрана пара:</b> {html.escape(pair_label(row))}<br>"
            f"<b>Почему эта пара:</b> {html.escape(str(row['Почему эта пара']))}"
        )

    def _update_choices(self, registry: Registry, result: MatchResult) -> None:
        me, mr = registry.mentees, registry.mentors
        for choice, df in ((self.mentee_choice, me), (self.mentor_choice, mr)):
            keep = choice.value
            choice.options = [(f"{n} ({i})", i) for i, n in zip(df["teacher_id"], df["full_name"])]
            if keep in set(df["teacher_id"]):
                choice.value = keep  # the last choice survives a re-run

    def _show_pairs(self) -> None:
        shown = filter_table(self.pairs_table, self.pairs_filter.value, self.pairs_sort.value)
        self.pairs_note.value = (
            f"<p style='margin:2px 0'>Найдено пар: {len(shown)} из {len(self.pairs_table)}.</p>"
            if self.pairs_filter.value.strip()
            else ""
        )
        self.pairs_grid.update(grid_frame(shown), selected_rows=[], **GRID_OPTIONS)
        self._on_row_selected()

    def _show_overrides(self) -> None:
        names = {}
        if self.registry is not None:
            names = dict(zip(self.registry.teachers["teacher_id"], self.registry.teachers["full_name"]))

        def one(p):
            return html.escape(f"{names.get(p[0], p[0])} ({p[0]}) ← {names.get(p[1], p[1])} ({p[1]})")

        if not self.locked and not self.forbidden:
            self.overrides_view.value = "<i>Ручных закреплений и запретов нет.</i>"
            return
        items = [f"<li><b style='color:#17a2b8'>закреплена:</b> {one(p)}</li>" for p in self.locked] + [
            f"<li><b style='color:#e67e00'>запрещена:</b> {one(p)}</li>" for p in self.forbidden
        ]
        self.overrides_view.value = (
            "<b>Будет учтено при следующем запуске:</b><ul style='margin:2px 0'>" + "".join(items) + "</ul>"
        )

    def widget(self) -> W.Widget:
        """The whole page as one widget."""
        overrides = W.VBox(
            [
                W.HTML(
                    "<h3 style='margin:8px 0 2px'>Ручные изменения</h3><p style='margin:0'>Щёлкните строку "
                    "таблицы «Тандемы» ниже (или выберите наставляемого и наставника), нажмите «Закрепить» "
                    "или «Запретить», затем «Сформировать пары» — программа пересчитает остальные пары "
                    "и покажет, что изменилось.</p>"
                ),
                self.pair_details,
                W.HBox([self.mentee_choice, self.mentor_choice]),
                W.HBox([self.lock_button, self.forbid_button, self.clear_button]),
                self.overrides_view,
            ]
        )
        return W.VBox(
            [
                W.HTML(TAB_CSS),
                W.HBox([self.source, self.upload]),
                self.settings,
                W.HBox([self.run_button, self.progress, self.progress_label]),
                self.status,
                self.problems,
                self.summary,
                self.changes,
                self.download,
                overrides,
                self.whatif.accordion,
                self.tabs,
            ]
        )
