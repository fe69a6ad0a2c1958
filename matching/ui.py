"""Widgets for the «Формирование наставнических пар» page.

Only layout and wiring live in :class:`TandemApp`; every decision is a call
into the package (:func:`matching.load_registry`, :func:`matching.match`,
:func:`matching.export.result_bytes`). The pure helpers below — the diff of two
results, the chart and map builders, the table filter — return DataFrames or
HTML strings and are tested on their own. The class can be driven without a
browser (``app.run_button.click()``, ``app.sliders["coverage"].value = 0.5``),
which is how it is tested.
"""

from __future__ import annotations

import base64
import html
import math
import tempfile
from dataclasses import asdict
from pathlib import Path

import ipywidgets as W
import pandas as pd

from matching.config import COMPONENT_LABELS, COMPONENTS, MatchConfig, config_from_dict
from matching.engine import MatchResult, match
from matching.explain import plural
from matching.export import result_bytes, result_tables
from matching.registry import Registry, load_registry
from tandem.errors import InputError

#: The embedded sample registry (PRODUCT.md: the default input).
SAMPLE_REGISTRY = Path(__file__).resolve().parents[1] / "data" / "sample_district.xlsx"

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Steps of one run, in order, as reported to the progress bar.
STEPS = ("Чтение реестра", "Оценка пар", "Подбор пар", "Объяснения", "Запись Excel")

#: Tabs of the results, in order.
TABS = ("Тандемы", "Без наставника", "Нагрузка наставников", "Покрытие дефицитов", "Карта школ",
        "Что изменилось")

#: Change of one mentee between two runs (:func:`compare_results`).
KEPT, MOVED, NEW, DROPPED = "без изменений", "другой наставник", "новая пара", "пара снята"

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

#: Columns of the tandems table shown in the page (the workbook has them all).
_PAGE_PAIR_COLUMNS = ["Код наставляемого", "Наставляемый", "ОО наставляемого", "Код наставника", "Наставник",
                      "ОО наставника", "Итоговый балл пары", "Закрытые дефициты", "Незакрытые дефициты",
                      "Расстояние, км", "Формат", "Закреплена вручную", "Почему эта пара"]

#: Sort orders of the tandems table: label → (column, ascending).
SORTS = {
    "по наставнику": ("Наставник", True),
    "по наставляемому": ("Наставляемый", True),
    "по баллу (сначала лучшие)": ("Итоговый балл пары", False),
    "по баллу (сначала слабые)": ("Итоговый балл пары", True),
    "по расстоянию": ("Расстояние, км", True),
}

#: Page CSS: tab titles as wide as their Russian text (the default cuts them at 144 px).
TAB_CSS = ("<style>.widget-tab > .lm-TabBar .lm-TabBar-tab, .widget-tab > .p-TabBar .p-TabBar-tab"
           "{flex:0 0 auto !important;min-width:0 !important;max-width:none !important}</style>")

_CLUSTER_COLORS = {"ШНОР": "#d9534f", "ШСОР": "#f0ad4e", "ШВОР": "#5cb85c"}


# -- pure helpers ------------------------------------------------------------------


def frame_html(df: pd.DataFrame, max_rows: int = 500) -> str:
    """A DataFrame as an escaped HTML table in a scrollable box."""
    body = df.head(max_rows).to_html(index=False, escape=True, na_rep="", float_format=lambda x: f"{x:.2f}",
                                     border=0, classes="tandem-table", justify="left")
    more = f"<p>Показаны первые {max_rows} строк из {len(df)}.</p>" if len(df) > max_rows else ""
    style = ("<style>.tandem-table{border-collapse:collapse;font-size:13px}"
             ".tandem-table th{background:#ddebf7;position:sticky;top:0}"
             ".tandem-table td,.tandem-table th{border:1px solid #ccc;padding:3px 6px;vertical-align:top;max-width:480px}"
             ".tandem-table td:last-child{min-width:320px}</style>")
    return f'{style}<div style="max-height:480px;overflow:auto">{body}</div>{more}'


def download_link(data: bytes, filename: str, label: str) -> str:
    """An HTML link that downloads ``data`` as ``filename`` (works in Voilà)."""
    b64 = base64.b64encode(data).decode("ascii")
    return (f'<a download="{html.escape(filename)}" href="data:{XLSX_MIME};base64,{b64}" '
            f'style="font-size:15px">⬇ {html.escape(label)}</a>')


def filter_table(df: pd.DataFrame, text: str = "", sort: str | None = None) -> pd.DataFrame:
    """Rows of ``df`` containing ``text`` in any cell, sorted by a :data:`SORTS` label.

    Parameters
    ----------
    df : DataFrame
    text : str
        Case-insensitive substring («ё» = «е»); words separated by spaces
        must all occur in the row. Empty: every row.
    sort : str, optional
        A key of :data:`SORTS`; ignored when its column is absent. Text
        sorts alphabetically with «ё» as «е».
    """
    out = df
    words = [w for w in _fold(text).split() if w]
    if words and len(df):
        rows = df.astype(str).apply(lambda r: _fold(" ".join(r)), axis=1)
        keep = pd.Series(True, index=df.index)
        for w in words:
            keep &= rows.str.contains(w, regex=False)
        out = df[keep]
    if sort in SORTS and SORTS[sort][0] in out.columns:
        col, asc = SORTS[sort]
        key = None if pd.api.types.is_numeric_dtype(out[col]) else (lambda c: c.astype(str).map(_fold))
        out = out.sort_values(col, ascending=asc, kind="stable", na_position="last", key=key)
    return out.reset_index(drop=True)


def _fold(text: str) -> str:
    return str(text).casefold().replace("ё", "е")


def compare_results(old: MatchResult, new: MatchResult) -> tuple[pd.DataFrame, dict]:
    """What changed between two runs, mentee by mentee.

    Parameters
    ----------
    old, new : MatchResult
        The previous and the current result (usually of the same registry).

    Returns
    -------
    changes : DataFrame
        One row per mentee who has a mentor in either run: ``mentee_id``,
        ``mentee_name``, ``old_mentor``, ``new_mentor`` (``"name (id)"``,
        "" when none), ``old_score``, ``new_score`` (float, NaN when none),
        ``change`` (:data:`KEPT`, :data:`MOVED`, :data:`NEW` or
        :data:`DROPPED`). Changed rows first, then by mentee id.
    summary : dict
        ``kept``, ``moved``, ``new``, ``dropped`` (int, mentees),
        ``objective_before``, ``objective_after`` (float, total score of
        the pairs), ``matched_before``, ``matched_after`` (int, pairs).
    """
    cols = ["mentee_id", "mentee_name", "mentor_id", "mentor_name", "score"]
    a = old.pairs[cols].rename(columns={"mentor_id": "old_id", "mentor_name": "old_name", "score": "old_score"})
    b = new.pairs[cols].rename(columns={"mentor_id": "new_id", "mentor_name": "new_name", "score": "new_score"})
    m = a.merge(b, on="mentee_id", how="outer", suffixes=("_a", "_b"))
    m["mentee_name"] = m["mentee_name_b"].fillna(m["mentee_name_a"])

    def who(name, mid):
        return "" if pd.isna(mid) else f"{name} ({mid})"

    m["old_mentor"] = [who(n, i) for n, i in zip(m["old_name"], m["old_id"])]
    m["new_mentor"] = [who(n, i) for n, i in zip(m["new_name"], m["new_id"])]
    m["change"] = [NEW if pd.isna(o) else DROPPED if pd.isna(n) else KEPT if o == n else MOVED
                   for o, n in zip(m["old_id"], m["new_id"])]
    order = {MOVED: 0, NEW: 1, DROPPED: 2, KEPT: 3}
    m["_o"] = m["change"].map(order)
    m = m.sort_values(["_o", "mentee_id"], kind="stable")
    out = m[["mentee_id", "mentee_name", "old_mentor", "new_mentor", "old_score", "new_score", "change"]]
    out = out.reset_index(drop=True)
    counts = out["change"].value_counts()
    summary = {"kept": int(counts.get(KEPT, 0)), "moved": int(counts.get(MOVED, 0)),
               "new": int(counts.get(NEW, 0)), "dropped": int(counts.get(DROPPED, 0)),
               "objective_before": float(old.objective), "objective_after": float(new.objective),
               "matched_before": len(old.pairs), "matched_after": len(new.pairs)}
    return out, summary


def changes_text(summary: dict) -> str:
    """One Russian sentence about a :func:`compare_results` summary."""
    def n(k, one, few, many):
        return f"{summary[k]} {plural(summary[k], one, few, many)}"

    return (f"По сравнению с прошлым запуском: {n('kept', 'пара сохранилась', 'пары сохранились', 'пар сохранилось')}, "
            f"у {summary['moved']} {plural(summary['moved'], 'наставляемого', 'наставляемых', 'наставляемых')} "
            f"другой наставник, {n('new', 'новая пара', 'новые пары', 'новых пар')}, "
            f"{n('dropped', 'пара снята', 'пары сняты', 'пар снято')}. "
            f"Пар: {summary['matched_before']} → {summary['matched_after']}; сумма баллов пар: "
            f"{summary['objective_before']:.2f} → {summary['objective_after']:.2f} "
            f"({summary['objective_after'] - summary['objective_before']:+.2f}).")


def changes_frame(changes: pd.DataFrame) -> pd.DataFrame:
    """:func:`compare_results` rows with Russian headers (for the page)."""
    return changes.rename(columns={
        "mentee_id": "Код наставляемого", "mentee_name": "Наставляемый", "old_mentor": "Наставник был",
        "new_mentor": "Наставник стал", "old_score": "Балл был", "new_score": "Балл стал", "change": "Изменение"})


def coverage_by_area(result: MatchResult) -> pd.DataFrame:
    """Deficit coverage summed by area.

    Returns
    -------
    DataFrame
        ``area``, ``mentees`` (mentee–deficit cases in the area),
        ``covered`` (of those, covered by the assigned mentor), ``share``
        (covered / mentees, 0 when there are none); largest areas first.
    """
    cov = result.coverage.assign(area=result.coverage["area"].fillna("").replace("", "без области"))
    g = cov.groupby("area", sort=False)[["mentees", "covered"]].sum().reset_index()
    g["share"] = [c / m if m else 0.0 for c, m in zip(g["covered"], g["mentees"])]
    return g.sort_values(["mentees", "area"], ascending=[False, True], kind="stable").reset_index(drop=True)


def bars_html(labels, values, totals, *, unit: str = "", color: str = "#5b9bd5", title: str = "") -> str:
    """Horizontal bars «value of total» as plain HTML (no plotting library).

    Parameters
    ----------
    labels : sequence of str
    values, totals : sequence of numbers
        Each bar is filled to value / total (the bar length is the total,
        relative to the largest total).
    unit : str
        Appended to the numbers.
    """
    tmax = max([float(t) for t in totals] + [1.0])
    rows = []
    for lab, v, t in zip(labels, values, totals):
        v, t = float(v), float(t)
        width = 100.0 * t / tmax
        fill = 100.0 * v / t if t else 0.0
        rows.append(
            "<tr><td style='padding:2px 8px 2px 0;white-space:nowrap'>" + html.escape(str(lab)) + "</td>"
            f"<td style='width:420px'><div style='width:{width:.1f}%;background:#e8eef6;height:16px'>"
            f"<div style='width:{fill:.1f}%;background:{color};height:16px'></div></div></td>"
            f"<td style='padding-left:8px;white-space:nowrap'>{v:g} из {t:g}{html.escape(unit)}</td></tr>")
    head = f"<h4 style='margin:6px 0'>{html.escape(title)}</h4>" if title else ""
    return f"{head}<table style='border-collapse:collapse;font-size:13px'>{''.join(rows)}</table>"


def coverage_chart_html(result: MatchResult) -> str:
    """Coverage of deficits by area as bars, above the per-deficit table."""
    g = coverage_by_area(result)
    return bars_html(g["area"], g["covered"], g["mentees"], color="#5cb85c",
                     title="Закрыто дефицитов наставляемых по областям")


def load_chart_html(result: MatchResult) -> str:
    """Assigned mentees against capacity, per mentor with consent (busiest first)."""
    ld = result.load[result.load["consent"].astype(bool) & (result.load["capacity"] > 0)]
    labels = [f"{n} ({i})" for n, i in zip(ld["mentor_name"], ld["mentor_id"])]
    return bars_html(labels, ld["assigned"], ld["capacity"],
                     title="Нагрузка наставников: назначено из вместимости")


def school_map_svg(registry: Registry, pairs: pd.DataFrame, width: int = 720, height: int = 520) -> str:
    """Schools at their coordinates with the tandem links between them, as inline SVG.

    No map tiles and no network: an equirectangular projection of the
    schools' latitude and longitude, scaled to fit. A line joins the schools
    of the mentor and the mentee of every cross-school pair (thicker for
    more pairs); a ring marks pairs within one school. Circles are coloured
    by the school's results group (ШНОР / ШСОР / ШВОР).

    Returns
    -------
    str
        HTML: the SVG and a legend, or a Russian message when no school has
        coordinates.
    """
    s = registry.schools.dropna(subset=["lat", "lon"])
    if s.empty:
        return "<p>В реестре нет координат школ (столбцы «Широта» и «Долгота»), поэтому карту построить нельзя.</p>"
    lat0 = math.radians(float(s["lat"].mean()))
    xs = s["lon"].astype(float) * math.cos(lat0)
    ys = -s["lat"].astype(float)
    pad = 40
    k = min((width - 2 * pad) / max(float(xs.max() - xs.min()), 1e-6),
            (height - 2 * pad) / max(float(ys.max() - ys.min()), 1e-6))
    ox = (width - float(xs.max() - xs.min()) * k) / 2       # centre the drawing
    oy = (height - float(ys.max() - ys.min()) * k) / 2
    px = {sid: (ox + (x - xs.min()) * k, oy + (y - ys.min()) * k) for sid, x, y in zip(s["school_id"], xs, ys)}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" style="background:#f7f9fc;border:1px solid #ccd">']
    links = pairs.groupby(["mentor_school", "mentee_school"]).size()
    same: dict[str, int] = {}
    for (a, b), n in links.items():
        if a == b:
            same[a] = same.get(a, 0) + int(n)
            continue
        if a not in px or b not in px:
            continue
        (x1, y1), (x2, y2) = px[a], px[b]
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#3a6ea5" '
                     f'stroke-opacity="0.55" stroke-width="{1 + 1.5 * (n - 1):.1f}">'
                     f'<title>{html.escape(str(a))} → {html.escape(str(b))}: {int(n)} '
                     f'{plural(int(n), "пара", "пары", "пар")}</title></line>')
    for r in s.itertuples(index=False):
        x, y = px[r.school_id]
        color = _CLUSTER_COLORS.get(getattr(r, "cluster", "") or "", "#999")
        tip = html.escape(f"{r.school_id} {r.name}" + (f" ({r.cluster})" if getattr(r, "cluster", "") else ""))
        if r.school_id in same:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="13" fill="none" stroke="#3a6ea5" stroke-width="2">'
                         f'<title>{tip}: {same[r.school_id]} внутри школы</title></circle>')
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{color}" stroke="#333"><title>{tip}</title>'
                     f'</circle><text x="{x + 11:.1f}" y="{y + 4:.1f}" font-size="12" font-family="sans-serif">'
                     f'{html.escape(str(r.school_id))}</text>')
    parts.append("</svg>")
    legend = " ".join(f"<span style='color:{c}'>●</span> {g}" for g, c in _CLUSTER_COLORS.items())
    missing = sorted(set(registry.schools["school_id"]) - set(px))
    note = (f"<p>Без координат (нет на карте): {html.escape(', '.join(missing))}.</p>" if missing else "")
    return (f"<p style='font-size:13px'>{legend} <span style='color:#999'>●</span> группа не указана. "
            "Линия — тандем между школами (толще — больше пар), кольцо — пары внутри школы. "
            "Наведите указатель на школу или линию, чтобы увидеть подробности.</p>" + "".join(parts) + note)


def pair_label(row) -> str:
    """A pair as one line for the overrides drop-down."""
    return f"{row['mentee_name']} ({row['mentee_id']}) ← {row['mentor_name']} ({row['mentor_id']}), балл {row['score']:.2f}"


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
        defaults = MatchConfig()

        self.source = W.RadioButtons(options=["Образец района (data/sample_district.xlsx)", "Свой файл"],
                                     description="Реестр:", style={"description_width": "initial"},
                                     layout=W.Layout(width="auto"))
        self.upload = W.FileUpload(accept=".xlsx", multiple=False, description="Загрузить .xlsx",
                                   layout=W.Layout(width="auto"))
        self.upload.observe(self._on_upload, names="value")
        self.sliders = {
            c: W.FloatSlider(value=getattr(defaults.weights, c), min=0, max=1, step=0.05,
                             description=COMPONENT_LABELS[c], tooltip=_HINTS[c], readout_format=".2f",
                             style={"description_width": "220px"}, layout=W.Layout(width="520px"))
            for c in COMPONENTS
        }
        self.subject_required = W.Checkbox(value=defaults.constraints.require_subject_match,
                                           description="Только наставники по тому же предмету", indent=False,
                                           layout=W.Layout(width="auto"))
        self.relevance_required = W.Checkbox(value=defaults.constraints.require_relevance, indent=False,
                                             description="Наставник закрывает хотя бы один дефицит или ведёт "
                                                         "тот же предмет", layout=W.Layout(width="auto"))
        self.same_school = W.Checkbox(value=defaults.constraints.allow_same_school, indent=False,
                                      description="Можно назначать наставника из той же школы",
                                      layout=W.Layout(width="auto"))
        self.max_distance = W.IntSlider(value=int(defaults.constraints.max_distance_km or 0), min=0, max=200, step=5,
                                        layout=W.Layout(width="420px"))
        self.run_button = W.Button(description="Сформировать пары", button_style="primary", icon="play",
                                   layout=W.Layout(width="220px"))
        self.progress = W.FloatProgress(value=0.0, min=0.0, max=1.0, layout=W.Layout(width="260px"))
        self.progress_label = W.Label(value="")
        self.status = W.HTML()
        self.summary = W.HTML()
        self.changes = W.HTML()
        self.download = W.HTML()

        # Manual overrides.
        self.pair_choice = W.Dropdown(options=[], description="Пара из таблицы:", style={"description_width": "130px"},
                                      layout=W.Layout(width="720px"))
        self.mentee_choice = W.Dropdown(options=[], description="Наставляемый:", style={"description_width": "130px"},
                                        layout=W.Layout(width="460px"))
        self.mentor_choice = W.Dropdown(options=[], description="Наставник:", style={"description_width": "100px"},
                                        layout=W.Layout(width="420px"))
        self.lock_button = W.Button(description="Закрепить", icon="lock", button_style="info",
                                    tooltip="Эта пара обязательно войдёт в результат", layout=W.Layout(width="auto"))
        self.forbid_button = W.Button(description="Запретить", icon="ban", button_style="warning",
                                      tooltip="Эта пара не войдёт в результат", layout=W.Layout(width="auto"))
        self.clear_button = W.Button(description="Сбросить ручные изменения", icon="undo",
                                     layout=W.Layout(width="auto"))
        self.overrides_view = W.HTML()
        self.pair_choice.observe(self._on_pair_choice, names="value")
        self.lock_button.on_click(lambda _: self.lock(self.mentee_choice.value, self.mentor_choice.value))
        self.forbid_button.on_click(lambda _: self.forbid(self.mentee_choice.value, self.mentor_choice.value))
        self.clear_button.on_click(lambda _: self.clear_overrides())

        # Results.
        self.pairs_filter = W.Text(placeholder="ФИО, код, школа или дефицит", description="Найти:",
                                   continuous_update=False, layout=W.Layout(width="420px"))
        self.pairs_sort = W.Dropdown(options=list(SORTS), description="Порядок:", layout=W.Layout(width="340px"))
        self.pairs_view = W.HTML()
        self.pairs_filter.observe(lambda _: self._show_pairs(), names="value")
        self.pairs_sort.observe(lambda _: self._show_pairs(), names="value")
        self.tab_views = {t: W.HTML() for t in TABS[1:]}
        self.tabs = W.Tab(children=[W.VBox([W.HBox([self.pairs_filter, self.pairs_sort]), self.pairs_view]),
                                    *self.tab_views.values()])
        for i, title in enumerate(TABS):
            self.tabs.set_title(i, title)
        self.problems = W.HTML()
        self.run_button.on_click(lambda _: self.run())
        self._show_overrides()
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
            result = match(registry, self.config(), extra_locked=locked, extra_forbidden=forbidden,
                           progress=self.report_progress)
        except InputError as exc:
            self.error, self.result = exc, None
            self.status.value = ("<b style='color:#b00'>В данных есть ошибки — исправьте их "
                                 "(в файле или в ручных закреплениях) и запустите снова.</b>")
            self.problems.value = frame_html(exc.to_frame().astype(object).fillna(""))
            self.summary.value = self.download.value = self.changes.value = ""
            self.progress.bar_style = "danger"
            self.progress_label.value = "Остановлено: ошибки в данных"
            return None
        self.previous, self._last_ok = self._last_ok, result
        self.error, self.registry, self.result = None, registry, result
        self.report_progress("Объяснения", 1.0)
        tables = result_tables(result, registry)
        self.pairs_table = tables["Тандемы"][_PAGE_PAIR_COLUMNS].copy()
        self.pairs_table["Закреплена вручную"] = self.pairs_table["Закреплена вручную"].map({True: "да", False: ""})
        self._show_pairs()
        self.tab_views["Без наставника"].value = frame_html(tables["Нераспределённые"])
        self.tab_views["Нагрузка наставников"].value = load_chart_html(result) + frame_html(tables["Нагрузка"])
        self.tab_views["Покрытие дефицитов"].value = (coverage_chart_html(result)
                                                      + frame_html(tables["Покрытие дефицитов"]))
        self.tab_views["Карта школ"].value = school_map_svg(registry, result.pairs)
        n_over = len(result.overrides)
        self.summary.value = (f"<p style='font-size:15px'>{html.escape(result.summary())}"
                              + (f" Учтено ручных изменений: {n_over}." if n_over else "") + "</p>")
        if self.previous is not None:
            changes, summary = compare_results(self.previous, result)
            self.changes.value = f"<p style='font-size:14px;color:#0b5394'>{html.escape(changes_text(summary))}</p>"
            self.tab_views["Что изменилось"].value = frame_html(changes_frame(changes))
        else:
            self.changes.value = ""
            self.tab_views["Что изменилось"].value = ("<p>Измените веса, условия или закрепите / запретите пару "
                                                     "и нажмите «Сформировать пары» ещё раз — здесь появится "
                                                     "сравнение с этим запуском.</p>")
        self._update_choices(registry, result)
        self.report_progress("Запись Excel", 0.0)
        self.download.value = download_link(result_bytes(result, registry), "тандемы.xlsx",
                                            "Скачать результат (Excel)")
        self.report_progress("Запись Excel", 1.0)
        self.progress.bar_style = "success"
        self.progress_label.value = "Готово"
        self.status.value = (f"Реестр «{html.escape(registry.source or '')}», время подбора "
                             f"{result.solve_seconds:.2f} с.")
        return result

    def _on_upload(self, change) -> None:
        if change["new"]:
            self.source.index = 1

    def _on_pair_choice(self, change) -> None:
        if change["new"]:
            mentee_id, mentor_id = change["new"]
            if mentee_id in dict(self.mentee_choice.options).values():
                self.mentee_choice.value = mentee_id
            if mentor_id in dict(self.mentor_choice.options).values():
                self.mentor_choice.value = mentor_id

    def _update_choices(self, registry: Registry, result: MatchResult) -> None:
        me, mr = registry.mentees, registry.mentors
        for choice, df in ((self.mentee_choice, me), (self.mentor_choice, mr)):
            keep = choice.value
            choice.options = [(f"{n} ({i})", i) for i, n in zip(df["teacher_id"], df["full_name"])]
            if keep in set(df["teacher_id"]):
                choice.value = keep                      # the last choice survives a re-run
        self.pair_choice.options = [(pair_label(r), (r["mentee_id"], r["mentor_id"]))
                                    for r in result.pairs.to_dict("records")]
        self.pair_choice.value = None

    def _show_pairs(self) -> None:
        shown = filter_table(self.pairs_table, self.pairs_filter.value, self.pairs_sort.value)
        note = (f"<p>Найдено пар: {len(shown)} из {len(self.pairs_table)}.</p>"
                if self.pairs_filter.value.strip() else "")
        self.pairs_view.value = note + frame_html(shown)

    def _show_overrides(self) -> None:
        names = {}
        if self.registry is not None:
            names = dict(zip(self.registry.teachers["teacher_id"], self.registry.teachers["full_name"]))

        def one(p):
            return html.escape(f"{names.get(p[0], p[0])} ({p[0]}) ← {names.get(p[1], p[1])} ({p[1]})")

        if not self.locked and not self.forbidden:
            self.overrides_view.value = "<i>Ручных закреплений и запретов нет.</i>"
            return
        items = ([f"<li><b style='color:#17a2b8'>закреплена:</b> {one(p)}</li>" for p in self.locked]
                 + [f"<li><b style='color:#e67e00'>запрещена:</b> {one(p)}</li>" for p in self.forbidden])
        self.overrides_view.value = ("<b>Будет учтено при следующем запуске:</b><ul style='margin:2px 0'>"
                                     + "".join(items) + "</ul>")

    def widget(self) -> W.Widget:
        """The whole page as one widget."""
        weights = W.VBox([W.HTML("<b>Веса составляющих балла пары</b> (наведите указатель — пояснение)"),
                          *self.sliders.values()])
        constraints = W.VBox([W.HTML("<b>Жёсткие условия</b>"), self.subject_required, self.relevance_required,
                              self.same_school,
                              W.HTML("Наибольшее расстояние между школами для очного формата, км (0 — без предела):"),
                              self.max_distance])
        overrides = W.VBox([
            W.HTML("<h3 style='margin:8px 0 2px'>Ручные изменения</h3><p style='margin:0'>Выберите пару из таблицы "
                   "(или наставляемого и наставника), нажмите «Закрепить» или «Запретить», затем "
                   "«Сформировать пары» — программа пересчитает остальные пары и покажет, что изменилось.</p>"),
            self.pair_choice,
            W.HBox([self.mentee_choice, self.mentor_choice]),
            W.HBox([self.lock_button, self.forbid_button, self.clear_button]),
            self.overrides_view,
        ])
        return W.VBox([
            W.HTML(TAB_CSS),
            W.HBox([self.source, self.upload]),
            W.HBox([weights, constraints]),
            W.HBox([self.run_button, self.progress, self.progress_label]),
            self.status, self.problems, self.summary, self.changes, self.download,
            overrides, self.tabs,
        ])
