"""What the «Диагностика и отчёт» page shows, as tables, texts and HTML.

Pure helpers of :mod:`mentoring.ui_diagnosis`: no widgets, no files. They
take what the package computed — the answers of
:func:`mentoring.diagnosis.read_answers`, a registry with diagnosed deficits
(:func:`mentoring.diagnosis.apply_diagnosis`), the map tables of
:func:`mentoring.diagnosis_io.map_tables`, the table «Показатели» of
:func:`mentoring.report.indicators`, the repeat diagnosis of
:func:`mentoring.diagnosis_io.repeat_table` — and return a DataFrame with
Russian headers, a sentence or an HTML string. The rules themselves (level =
the curator's assessment when given, a deficit below the threshold; the
definitions of the figures) stay in :mod:`mentoring.diagnosis` and
:mod:`mentoring.report` (docs/sources.md [Жигалово-2021] п. 1.6,
[Тетюши-2022] §4.12, §5).
"""

from __future__ import annotations

import base64
import html

import pandas as pd

from matching.model import Registry
from mentoring.diagnosis import LEVELS, SOURCE_CURATOR
from mentoring.report import INDICATOR_COLUMNS
from mentoring.views import Names, by_name, short_school

#: Columns of the table of diagnosed teachers, in order.
LEVEL_VIEW_COLUMNS = ["Педагог", "Роль", "Дефицитов", "Дефициты (уровень)", "Оценка куратора, строк"]


def _num(x) -> str:
    """A share as «88,9»; «—» when there is none."""
    if x is None or (isinstance(x, float) and x != x):
        return "—"
    return f"{float(x):.1f}".replace(".", ",")


def threshold_choices() -> list[tuple[str, int]]:
    """Options of the threshold dropdown: («2 — владею (дефицит: уровни 0–1)», 2) for 1, 2, 3."""
    out = []
    for k in range(1, max(LEVELS) + 1):
        below = "уровень 0" if k == 1 else f"уровни 0–{k - 1}"
        out.append((f"{k} — {LEVELS[k]} (дефицит: {below})", k))
    return out


def diagnosis_text(answers: pd.DataFrame, registry: Registry, threshold: int) -> str:
    """One paragraph on an imported diagnosis: files, answers, teachers, deficits below the threshold.

    Parameters
    ----------
    answers : DataFrame
        :func:`mentoring.diagnosis.read_answers` (``teacher_id``, ``source``, ``file``).
    registry : Registry
        The registry with the diagnosed deficits (``deficit_levels``: ``severity``).
    threshold : int
    """
    diagnosed = set(answers["teacher_id"])
    lv = registry.deficit_levels
    found = lv[(lv["severity"] > 0) & lv["teacher_id"].isin(diagnosed)]
    with_deficits = found["teacher_id"].nunique()
    return (
        f"Анкет (файлов): {answers['file'].nunique()}; ответов: {len(answers)}; педагогов: {len(diagnosed)} "
        f"(по оценке куратора — {int((answers['source'] == SOURCE_CURATOR).sum())} ответов, "
        f"остальные — по самооценке). Дефицитов ниже порога {threshold}: {len(found)} "
        f"у {with_deficits} педагогов; без дефицитов — {len(diagnosed) - with_deficits}."
    )


def levels_table(registry: Registry, answers: pd.DataFrame, names: Names) -> pd.DataFrame:
    """The diagnosed teachers that have deficits, with the level of each deficit.

    Parameters
    ----------
    registry : Registry
        After :func:`mentoring.diagnosis.apply_diagnosis` (``teachers["deficits"]``,
        ``deficit_levels``: ``teacher_id``, ``code``, ``level``).
    answers : DataFrame
        :func:`mentoring.diagnosis.read_answers`: the teachers of this diagnosis
        and who gave each level.
    names : Names

    Returns
    -------
    DataFrame
        Columns :data:`LEVEL_VIEW_COLUMNS`: the teacher (:meth:`Names.card`),
        the role (str), the number of deficits (int), the deficits as
        «Д07 (1), Д14 (0)» in catalogue order (code and level), how many of the
        teacher's answers are the curator's (int). By teacher name.
    """
    lv = registry.deficit_levels
    level = dict(zip(zip(lv["teacher_id"], lv["code"]), lv["level"]))
    curator = answers[answers["source"] == SOURCE_CURATOR]["teacher_id"].value_counts()
    diagnosed = set(answers["teacher_id"])
    t = registry.teachers
    t = t[t["teacher_id"].isin(diagnosed) & (t["deficits"].map(len) > 0)]
    rows = [
        [
            names.card(r["teacher_id"]),
            str(r["role"]),
            len(r["deficits"]),
            ", ".join(f"{c} ({level.get((r['teacher_id'], c), '—')})" for c in r["deficits"]),
            int(curator.get(r["teacher_id"], 0)),
        ]
        for r in t.to_dict("records")
    ]
    return by_name(pd.DataFrame(rows, columns=LEVEL_VIEW_COLUMNS), "Педагог")


def map_view(table: pd.DataFrame) -> pd.DataFrame:
    """A sheet of «Карта дефицитов» for the page: school names shortened, a name equal to the unit dropped.

    Parameters
    ----------
    table : DataFrame
        A sheet of :func:`mentoring.diagnosis_io.map_tables` («По школам»,
        «По группам»: the unit, «Наименование», «Педагогов», one column per
        deficit code).
    """
    out = table.copy()
    unit = out.columns[0]
    if "Наименование" in out:
        if (out["Наименование"].isin(["", *out[unit]])).all():
            out = out.drop(columns="Наименование")
        else:
            out["Наименование"] = out["Наименование"].map(short_school)
    return out.reset_index(drop=True)


def figures_view(table: pd.DataFrame) -> pd.DataFrame:
    """«Показатели» as the page shows them: the share as text «88,9» («—» without mentees), names shortened.

    Parameters
    ----------
    table : DataFrame
        :func:`mentoring.report.indicators` (columns :data:`~mentoring.report.INDICATOR_COLUMNS`).
    """
    out = table[list(INDICATOR_COLUMNS)].copy()
    out["Доля с наставником, %"] = out["Доля с наставником, %"].map(_num)
    out["Наименование"] = out["Наименование"].map(short_school)
    return out


def figures_text(table: pd.DataFrame, on) -> str:
    """The municipality's figures on ``on`` in one sentence (the first row of «Показатели»)."""
    d = table.iloc[0]
    return (
        f"На {on:%d.%m.%Y}: наставляемых {d['Наставляемых']}, с наставником {d['С наставником']} "
        f"({_num(d['Доля с наставником, %'])} %); молодых педагогов {d['Молодых педагогов']}, из них с "
        f"наставником {d['Молодых с наставником']}; пар действует {d['Пар действует']} (сетевых "
        f"{d['Сетевых пар']}); за полугодие завершено {d['Завершено за полугодие']}, прекращено досрочно "
        f"{d['Прекращено досрочно за полугодие']}."
    )


def repeat_text(table: pd.DataFrame) -> str:
    """«Повторная диагностика: наставляемых 20, закрыто дефицитов 25 из 40 (62,5 %).» for a repeat table.

    ``table`` is :func:`mentoring.diagnosis_io.repeat_table` («Было дефицитов», «Закрыто»).
    """
    before, closed = int(table["Было дефицитов"].sum()), int(table["Закрыто"].sum())
    part = _num(round(100 * closed / before, 1)) if before else "—"
    return f"Повторная диагностика: наставляемых {len(table)}, закрыто дефицитов {closed} из {before} ({part} %)."


def image_html(png: bytes | None, alt: str, width: int | None = None) -> str:
    """A PNG as an ``<img>`` (``data:`` URI, scaled down to the page width); "" without a picture."""
    if not png:
        return ""
    size = f"width:{int(width)}px;" if width else ""
    return (
        f'<img alt="{html.escape(alt)}" title="{html.escape(alt)}" style="{size}max-width:100%" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'
    )
