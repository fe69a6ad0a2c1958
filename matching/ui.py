"""Widgets for the «Формирование наставнических пар» notebook.

Only layout and wiring live here; every decision is a call into the package
(:func:`matching.load_registry`, :func:`matching.match`,
:func:`matching.export.result_bytes`). The class can be driven without a
browser (``app.run_button.click()``, ``app.sliders["coverage"].value = 0.5``),
which is how it is tested.
"""

from __future__ import annotations

import base64
import html
import tempfile
from dataclasses import asdict
from pathlib import Path

import ipywidgets as W
import pandas as pd

from matching.config import COMPONENT_LABELS, COMPONENTS, MatchConfig, config_from_dict
from matching.engine import MatchResult, match
from matching.export import result_bytes, result_tables
from matching.registry import Registry, load_registry
from tandem.errors import InputError

#: The embedded sample registry (PRODUCT.md: the default input).
SAMPLE_REGISTRY = Path(__file__).resolve().parents[1] / "data" / "sample_district.xlsx"

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_HINTS = {
    "coverage": "Доля дефицитов наставляемого, которые закрывают сильные стороны наставника",
    "subject": "Наставник ведёт тот же предмет",
    "experience": "Наставник опытнее (полный балл при разнице 10 лет)",
    "category": "Квалификационная категория наставника",
    "cluster": "Школа наставника с более высокими результатами (ШНОР → ШСОР → ШВОР)",
    "distance": "Близость школ для очного и смешанного формата",
    "preference": "Наставляемый сам назвал этого наставника",
    "network": "Наставник из другой школы (сетевое наставничество)",
}


def frame_html(df: pd.DataFrame, max_rows: int = 500) -> str:
    """A DataFrame as an escaped HTML table in a scrollable box."""
    body = df.head(max_rows).to_html(index=False, escape=True, na_rep="", float_format=lambda x: f"{x:.2f}",
                                     border=0, classes="tandem-table")
    more = f"<p>Показаны первые {max_rows} строк из {len(df)}.</p>" if len(df) > max_rows else ""
    style = ("<style>.tandem-table{border-collapse:collapse;font-size:13px}"
             ".tandem-table th{background:#ddebf7;position:sticky;top:0}"
             ".tandem-table td,.tandem-table th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}</style>")
    return f'{style}<div style="max-height:480px;overflow:auto">{body}</div>{more}'


def download_link(data: bytes, filename: str, label: str) -> str:
    """An HTML link that downloads ``data`` as ``filename`` (works in Voilà)."""
    b64 = base64.b64encode(data).decode("ascii")
    return (f'<a download="{html.escape(filename)}" href="data:{XLSX_MIME};base64,{b64}" '
            f'style="font-size:15px">⬇ {html.escape(label)}</a>')


class TandemApp:
    """The tandem-forming page: source, weights, constraints, run, results.

    Attributes
    ----------
    registry : Registry or None
        The last registry loaded successfully.
    result : MatchResult or None
        The last result.
    error : InputError or None
        The last input error (shown as a table of problems).
    """

    def __init__(self, sample: Path = SAMPLE_REGISTRY, autorun: bool = True):
        self.sample = Path(sample)
        self.registry: Registry | None = None
        self.result: MatchResult | None = None
        self.error: InputError | None = None
        defaults = MatchConfig()

        self.source = W.RadioButtons(options=["Образец района (data/sample_district.xlsx)", "Свой файл"],
                                     description="Реестр:", style={"description_width": "initial"})
        self.upload = W.FileUpload(accept=".xlsx", multiple=False, description="Загрузить .xlsx")
        self.sliders = {
            c: W.FloatSlider(value=getattr(defaults.weights, c), min=0, max=1, step=0.05,
                             description=COMPONENT_LABELS[c], tooltip=_HINTS[c], readout_format=".2f",
                             style={"description_width": "220px"}, layout=W.Layout(width="520px"))
            for c in COMPONENTS
        }
        self.subject_required = W.Checkbox(value=defaults.constraints.require_subject_match,
                                           description="Только наставники по тому же предмету", indent=False)
        self.relevance_required = W.Checkbox(value=defaults.constraints.require_relevance, indent=False,
                                             description="Наставник закрывает хотя бы один дефицит или ведёт тот же предмет")
        self.same_school = W.Checkbox(value=defaults.constraints.allow_same_school, indent=False,
                                      description="Можно назначать наставника из той же школы")
        self.max_distance = W.IntSlider(value=int(defaults.constraints.max_distance_km or 0), min=0, max=200, step=5,
                                        description="Предел для очного формата, км (0 — без предела)",
                                        style={"description_width": "320px"}, layout=W.Layout(width="620px"))
        self.run_button = W.Button(description="Сформировать пары", button_style="primary", icon="play",
                                   layout=W.Layout(width="220px"))
        self.status = W.HTML()
        self.summary = W.HTML()
        self.download = W.HTML()
        self.tabs = W.Tab(children=[W.HTML() for _ in range(4)])
        for i, title in enumerate(["Тандемы", "Без наставника", "Нагрузка наставников", "Покрытие дефицитов"]):
            self.tabs.set_title(i, title)
        self.problems = W.HTML()
        self.run_button.on_click(lambda _: self.run())
        if autorun:
            self.run()

    # -- wiring -----------------------------------------------------------------

    def config(self) -> MatchConfig:
        """The configuration chosen in the widgets."""
        dist = self.max_distance.value
        return config_from_dict({
            "weights": {c: float(s.value) for c, s in self.sliders.items()},
            "constraints": {
                "require_subject_match": bool(self.subject_required.value),
                "require_relevance": bool(self.relevance_required.value),
                "allow_same_school": bool(self.same_school.value),
                "max_distance_km": float(dist) if dist > 0 else None,
            },
            "scales": asdict(MatchConfig().scales),
        })

    def load(self) -> Registry:
        """Load the chosen registry (the sample or the uploaded file)."""
        if self.source.index == 0 or not self.upload.value:
            if self.source.index == 1:
                raise InputError("выберите файл реестра кнопкой «Загрузить .xlsx» или отметьте «Образец района»")
            return load_registry(self.sample)
        item = self.upload.value[0]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(item["name"]).name
            path.write_bytes(bytes(item["content"]))
            return load_registry(path)

    def run(self) -> MatchResult | None:
        """Load, match and show; input problems are shown as a table, not raised."""
        self.status.value = "<i>Подбираю пары…</i>"
        self.problems.value = ""
        try:
            registry = self.load()
            result = match(registry, self.config())
        except InputError as exc:
            self.error, self.result = exc, None
            self.status.value = "<b style='color:#b00'>В данных есть ошибки — исправьте их в файле и загрузите снова.</b>"
            self.problems.value = frame_html(exc.to_frame())
            self.summary.value = self.download.value = ""
            return None
        self.error, self.registry, self.result = None, registry, result
        tables = result_tables(result, registry)
        self.status.value = f"Готово: реестр «{html.escape(registry.source or '')}», время подбора {result.solve_seconds:.2f} с."
        self.summary.value = f"<p style='font-size:15px'>{html.escape(result.summary())}</p>"
        for i, title in enumerate(["Тандемы", "Нераспределённые", "Нагрузка", "Покрытие дефицитов"]):
            self.tabs.children[i].value = frame_html(tables[title])
        self.download.value = download_link(result_bytes(result, registry), "тандемы.xlsx",
                                            "Скачать результат (Excel)")
        return result

    def widget(self) -> W.Widget:
        """The whole page as one widget."""
        weights = W.VBox([W.HTML("<b>Веса составляющих балла пары</b>"), *self.sliders.values()])
        constraints = W.VBox([W.HTML("<b>Жёсткие условия</b>"), self.subject_required, self.relevance_required,
                              self.same_school, self.max_distance])
        return W.VBox([
            W.HBox([self.source, self.upload]),
            W.HBox([weights, constraints]),
            W.HBox([self.run_button, self.status]),
            self.problems, self.summary, self.download, self.tabs,
        ])
