"""What the «Формирование наставнических пар» page shows, as HTML and tables.

Pure helpers of :mod:`matching.ui`, no widgets: the diff of two results, the
bar charts and the school map, the table filter and its sort orders. Each
returns a DataFrame or an HTML string and is tested on its own.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from matching.engine import MatchResult
from matching.explain import plural
from matching.model import Registry

#: Change of one mentee between two runs (:func:`compare_results`).
KEPT, MOVED, NEW, DROPPED = "без изменений", "другой наставник", "новая пара", "пара снята"

#: Sort orders of the tandems table: label → (column, ascending).
SORTS = {
    "по наставнику": ("Наставник", True),
    "по наставляемому": ("Наставляемый", True),
    "по баллу (сначала лучшие)": ("Итоговый балл пары", False),
    "по баллу (сначала слабые)": ("Итоговый балл пары", True),
    "по расстоянию": ("Расстояние, км", True),
}

_CLUSTER_COLORS = {"ШНОР": "#d9534f", "ШСОР": "#f0ad4e", "ШВОР": "#5cb85c"}

#: Rows of the tandems grid shown at once (more on the next pages or with «Показывать»).
GRID_PAGE = 20

#: Options of the tandems grid (``itables.widget.ITable``, DataTables in the page): one
#: row selected at a time by a click, :data:`GRID_PAGE` one-line rows a page, sorting by a
#: click anywhere on a header, every row sent to the page (no downsampling), Russian texts.
#: DataTables' own search box is hidden: the page's box filters with :func:`filter_table`
#: («ё» = «е», every word must occur).
GRID_OPTIONS = {
    "select": {"style": "single", "info": False},
    "pageLength": GRID_PAGE,
    "lengthMenu": [[GRID_PAGE, 50, 100, -1], [GRID_PAGE, 50, 100, "все"]],
    "layout": {"topStart": "pageLength", "topEnd": None, "bottomStart": "info", "bottomEnd": "paging"},
    "maxBytes": 0,
    "scrollX": True,
    "text_in_header_can_be_selected": False,
    "showIndex": False,
    "classes": "display compact nowrap cell-border tandem-grid",
    "style": "table-layout:auto;width:100%;margin:0;caption-side:bottom",
    "css": (
        ".tandem-grid{font-size:13px}"
        ".tandem-grid td{max-width:260px;overflow:hidden;text-overflow:ellipsis}"
        ".tandem-grid thead th{background:#ddebf7}"
        ".tandem-grid tbody tr{cursor:pointer}"
    ),
    "language": {
        "lengthMenu": "Показывать по _MENU_ пар",
        "info": "Пары _START_–_END_ из _TOTAL_",
        "infoEmpty": "Пар нет",
        "infoFiltered": "",
        "emptyTable": "Пар нет",
        "zeroRecords": "Нет пар, подходящих под отбор",
        "orderClear": "Отменить сортировку",
        "aria": {"sortAscending": ": по возрастанию", "sortDescending": ": по убыванию"},
    },
}


def frame_html(df: pd.DataFrame, max_rows: int = 500) -> str:
    """A DataFrame as an escaped HTML table in a scrollable box."""
    body = df.head(max_rows).to_html(
        index=False,
        escape=True,
        na_rep="",
        float_format=lambda x: f"{x:.2f}",
        border=0,
        classes="tandem-table",
        justify="left",
    )
    more = f"<p>Показаны первые {max_rows} строк из {len(df)}.</p>" if len(df) > max_rows else ""
    style = (
        "<style>.tandem-table{border-collapse:collapse;font-size:13px}"
        ".tandem-table th{background:#ddebf7;position:sticky;top:0}"
        ".tandem-table td,.tandem-table th{border:1px solid #ccc;padding:3px 6px;vertical-align:top;max-width:480px}"
        ".tandem-table td:last-child{min-width:320px}</style>"
    )
    return f'{style}<div style="max-height:480px;overflow:auto">{body}</div>{more}'


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


def grid_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The tandems table as the grid shows it: scores to 2 decimals, distances to 0.1 km.

    Parameters
    ----------
    table : DataFrame
        Rows of the page's tandems table (columns as in the «Тандемы» sheet,
        docs/formats.md); ``Итоговый балл пары`` and ``Расстояние, км`` are
        float when present.

    Returns
    -------
    DataFrame
        The same rows and columns with a fresh ``RangeIndex`` (the grid's
        selected rows are positions in it); a missing distance is an empty cell.
    """
    out = table.reset_index(drop=True).copy()
    if "Итоговый балл пары" in out.columns:
        out["Итоговый балл пары"] = out["Итоговый балл пары"].astype(float).round(2)
    if "Расстояние, км" in out.columns:
        km = out["Расстояние, км"].astype(float).round(1)
        out["Расстояние, км"] = km.astype(object).where(km.notna(), "")
    return out


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
    a = old.pairs[cols].rename(
        columns={"mentor_id": "old_id", "mentor_name": "old_name", "score": "old_score"}
    )
    b = new.pairs[cols].rename(
        columns={"mentor_id": "new_id", "mentor_name": "new_name", "score": "new_score"}
    )
    m = a.merge(b, on="mentee_id", how="outer", suffixes=("_a", "_b"))
    m["mentee_name"] = m["mentee_name_b"].fillna(m["mentee_name_a"])

    def who(name, mid):
        return "" if pd.isna(mid) else f"{name} ({mid})"

    m["old_mentor"] = [who(n, i) for n, i in zip(m["old_name"], m["old_id"])]
    m["new_mentor"] = [who(n, i) for n, i in zip(m["new_name"], m["new_id"])]
    m["change"] = [
        NEW if pd.isna(o) else DROPPED if pd.isna(n) else KEPT if o == n else MOVED
        for o, n in zip(m["old_id"], m["new_id"])
    ]
    order = {MOVED: 0, NEW: 1, DROPPED: 2, KEPT: 3}
    m["_o"] = m["change"].map(order)
    m = m.sort_values(["_o", "mentee_id"], kind="stable")
    out = m[["mentee_id", "mentee_name", "old_mentor", "new_mentor", "old_score", "new_score", "change"]]
    out = out.reset_index(drop=True)
    counts = out["change"].value_counts()
    summary = {
        "kept": int(counts.get(KEPT, 0)),
        "moved": int(counts.get(MOVED, 0)),
        "new": int(counts.get(NEW, 0)),
        "dropped": int(counts.get(DROPPED, 0)),
        "objective_before": float(old.objective),
        "objective_after": float(new.objective),
        "matched_before": len(old.pairs),
        "matched_after": len(new.pairs),
    }
    return out, summary


def changes_text(summary: dict) -> str:
    """One Russian sentence about a :func:`compare_results` summary."""

    def n(k, one, few, many):
        return f"{summary[k]} {plural(summary[k], one, few, many)}"

    return (
        f"По сравнению с прошлым запуском: {n('kept', 'пара сохранилась', 'пары сохранились', 'пар сохранилось')}, "
        f"у {summary['moved']} {plural(summary['moved'], 'наставляемого', 'наставляемых', 'наставляемых')} "
        f"другой наставник, {n('new', 'новая пара', 'новые пары', 'новых пар')}, "
        f"{n('dropped', 'пара снята', 'пары сняты', 'пар снято')}. "
        f"Пар: {summary['matched_before']} → {summary['matched_after']}; сумма баллов пар: "
        f"{summary['objective_before']:.2f} → {summary['objective_after']:.2f} "
        f"({summary['objective_after'] - summary['objective_before']:+.2f})."
    )


def changes_frame(changes: pd.DataFrame) -> pd.DataFrame:
    """:func:`compare_results` rows with Russian headers (for the page)."""
    return changes.rename(
        columns={
            "mentee_id": "Код наставляемого",
            "mentee_name": "Наставляемый",
            "old_mentor": "Наставник был",
            "new_mentor": "Наставник стал",
            "old_score": "Балл был",
            "new_score": "Балл стал",
            "change": "Изменение",
        }
    )


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
            f"<td style='padding-left:8px;white-space:nowrap'>{v:g} из {t:g}{html.escape(unit)}</td></tr>"
        )
    head = f"<h4 style='margin:6px 0'>{html.escape(title)}</h4>" if title else ""
    return f"{head}<table style='border-collapse:collapse;font-size:13px'>{''.join(rows)}</table>"


def coverage_chart_html(result: MatchResult) -> str:
    """Coverage of deficits by area as bars, above the per-deficit table."""
    g = coverage_by_area(result)
    return bars_html(
        g["area"],
        g["covered"],
        g["mentees"],
        color="#5cb85c",
        title="Закрыто дефицитов наставляемых по областям",
    )


def load_chart_html(result: MatchResult) -> str:
    """Assigned mentees against capacity, per mentor with consent (busiest first)."""
    ld = result.load[result.load["consent"].astype(bool) & (result.load["capacity"] > 0)]
    labels = [f"{n} ({i})" for n, i in zip(ld["mentor_name"], ld["mentor_id"])]
    return bars_html(
        labels, ld["assigned"], ld["capacity"], title="Нагрузка наставников: назначено из вместимости"
    )


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
    k = min(
        (width - 2 * pad) / max(float(xs.max() - xs.min()), 1e-6),
        (height - 2 * pad) / max(float(ys.max() - ys.min()), 1e-6),
    )
    ox = (width - float(xs.max() - xs.min()) * k) / 2  # centre the drawing
    oy = (height - float(ys.max() - ys.min()) * k) / 2
    px = {
        sid: (ox + (x - xs.min()) * k, oy + (y - ys.min()) * k) for sid, x, y in zip(s["school_id"], xs, ys)
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" style="background:#f7f9fc;border:1px solid #ccd">'
    ]
    links = pairs.groupby(["mentor_school", "mentee_school"]).size()
    same: dict[str, int] = {}
    for (a, b), n in links.items():
        if a == b:
            same[a] = same.get(a, 0) + int(n)
            continue
        if a not in px or b not in px:
            continue
        (x1, y1), (x2, y2) = px[a], px[b]
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#3a6ea5" '
            f'stroke-opacity="0.55" stroke-width="{1 + 1.5 * (n - 1):.1f}">'
            f"<title>{html.escape(str(a))} → {html.escape(str(b))}: {int(n)} "
            f"{plural(int(n), 'пара', 'пары', 'пар')}</title></line>"
        )
    for r in s.itertuples(index=False):
        x, y = px[r.school_id]
        color = _CLUSTER_COLORS.get(getattr(r, "cluster", "") or "", "#999")
        tip = html.escape(
            f"{r.school_id} {r.name}" + (f" ({r.cluster})" if getattr(r, "cluster", "") else "")
        )
        if r.school_id in same:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="13" fill="none" stroke="#3a6ea5" stroke-width="2">'
                f"<title>{tip}: {same[r.school_id]} внутри школы</title></circle>"
            )
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{color}" stroke="#333"><title>{tip}</title>'
            f'</circle><text x="{x + 11:.1f}" y="{y + 4:.1f}" font-size="12" font-family="sans-serif">'
            f"{html.escape(str(r.school_id))}</text>"
        )
    parts.append("</svg>")
    legend = " ".join(f"<span style='color:{c}'>●</span> {g}" for g, c in _CLUSTER_COLORS.items())
    missing = sorted(set(registry.schools["school_id"]) - set(px))
    note = f"<p>Без координат (нет на карте): {html.escape(', '.join(missing))}.</p>" if missing else ""
    return (
        f"<p style='font-size:13px'>{legend} <span style='color:#999'>●</span> группа не указана. "
        "Линия — тандем между школами (толще — больше пар), кольцо — пары внутри школы. "
        "Наведите указатель на школу или линию, чтобы увидеть подробности.</p>" + "".join(parts) + note
    )


def pair_label(row) -> str:
    """A row of the tandems table (the grid's selection) as one line of HTML-free text.

    Parameters
    ----------
    row : Mapping
        ``Код наставляемого``, ``Наставляемый``, ``Код наставника``,
        ``Наставник``, ``Итоговый балл пары`` (float) of one pair.
    """
    return (
        f"{row['Наставляемый']} ({row['Код наставляемого']}) ← {row['Наставник']} ({row['Код наставника']}), "
        f"балл {float(row['Итоговый балл пары']):.2f}"
    )
