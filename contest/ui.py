"""Helpers of the contest notebook (``notebooks/02_contest.ipynb``).

Everything here is plain Python over the package — tables, HTML snippets and
bytes — so that the notebook only wires widgets to these calls and the same
steps can be tested without a browser. No widget code lives here.
"""

from __future__ import annotations

import base64
import html
import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from contest.assign import assign_jury, loads
from contest.model import load_contest
from contest.people import load_people
from contest.protocol import JUROR_HEADERS, build_protocol, build_public, public_frame
from contest.scores_io import advanced_entries, load_scores
from contest.sheets import build_sheets

DATA = Path(__file__).resolve().parents[1] / "data" / "contests"

#: Sample contests shipped in ``data/contests``: label → file stem.
SAMPLES = {
    "Педагогический дуэт — 2026 (пример)": "pedagogical_duet",
    "Лучшие практики наставничества — 2026 (пример)": "best_practices",
}


@dataclass
class Sample:
    """Paths of one sample contest: definition, people, long-form scores, folder of filled sheets."""

    contest: Path
    people: Path
    scores: Path
    sheets: Path


def sample(label: str) -> Sample:
    """The files of the sample contest called ``label`` (a key of :data:`SAMPLES`)."""
    stem = SAMPLES[label]
    return Sample(DATA / f"{stem}.yaml", DATA / f"{stem}_people.xlsx", DATA / f"{stem}_scores.csv",
                  DATA / f"{stem}_sheets")


def save_uploads(files: list[tuple[str, bytes]], folder=None) -> Path:
    """Write uploaded files (name, content) into a new folder; returns the folder.

    File names are reduced to their last component (no directories).
    """
    folder = Path(folder or tempfile.mkdtemp(prefix="contest_"))
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files:
        (folder / Path(name).name).write_bytes(bytes(content))
    return folder


def uploaded_files(value) -> list[tuple[str, bytes]]:
    """``(name, bytes)`` pairs from an ipywidgets ``FileUpload.value`` (v8 tuple or v7 dict)."""
    if isinstance(value, dict):
        return [(k, v["content"]) for k, v in value.items()]
    return [(f["name"], bytes(f["content"])) for f in value or ()]


def scores_input(files: list[tuple[str, bytes]]) -> Path:
    """Where :func:`contest.scores_io.load_scores` should read uploaded scores from.

    One ``.csv`` file or one long-form ``.xlsx`` → that file; several filled
    sheets → their folder.
    """
    folder = save_uploads(files)
    paths = sorted(folder.iterdir())
    return paths[0] if len(paths) == 1 else folder


def contest_tree(contest) -> pd.DataFrame:
    """The contest as a table: stage, task (weight, aggregation), criterion and its range.

    Returns
    -------
    DataFrame
        Russian headers: Этап, Задание, Вес, Агрегация, Критерий, Баллы.
    """
    agg = {"mean": "среднее", "trimmed_mean": "усечённое среднее", "median": "медиана", "sum": "сумма"}
    rows = []
    for s in contest.stages:
        adv = (f"; проходят {s.advance_top} лучших" if s.advance_top else
               f"; проходят набравшие ≥ {s.advance_min_share:.0%} максимума" if s.advance_min_share else "")
        for t in s.tasks:
            for c in t.criteria:
                rows.append((f"{s.id}. {s.name}{adv}", f"{t.id}. {t.name}", t.weight, agg.get(t.aggregation, t.aggregation),
                             f"{c.id}. {c.name}", f"{c.min:g}–{c.max:g}"))
    return pd.DataFrame(rows, columns=["Этап", "Задание", "Вес", "Агрегация", "Критерий", "Баллы"])


def plan_for_stage(contest, people, stage_id: str, scores_path=None) -> pd.DataFrame:
    """Jury plan of a stage; later stages take the advanced entries from ``scores_path``."""
    ids = [s.id for s in contest.stages]
    k = ids.index(stage_id)
    entry_ids = None
    if k > 0:
        ss = load_scores(scores_path, contest, people)
        prev = ss.scores[ss.scores["stage_id"].isin(ids[:k])]
        entry_ids = advanced_entries(contest, people, prev, ids[k - 1])
    return assign_jury(contest, people, stage_id=stage_id, entry_ids=entry_ids)


def load_table(plan: pd.DataFrame, people) -> pd.DataFrame:
    """Entries per juror with names and the list of entries (Russian headers)."""
    ld = loads(plan, people)
    lists = plan.groupby("juror_id")["entry_id"].apply(lambda s: ", ".join(sorted(s)))
    return pd.DataFrame({"Код эксперта": ld["juror_id"], "ФИО": ld["full_name"], "Работ": ld["load"],
                         "Работы": [lists.get(j, "") for j in ld["juror_id"]]})


def bar_html(df: pd.DataFrame, column: str, color: str = "#5b9bd5", align="left") -> str:
    """``df`` as HTML with in-cell bars for ``column`` (pandas Styler; no plotting library needed)."""
    styler = df.style.hide(axis="index").bar(subset=[column], color=color, align=align)
    fmt = {c: "{:.2f}" for c in df.columns if pd.api.types.is_float_dtype(df[c])}
    return styler.format(fmt, na_rep="").to_html()


def sheets_zip(contest, people, plan: pd.DataFrame, stage_id: str) -> bytes:
    """All jurors' score sheets of a stage as one zip archive (bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, wb in build_sheets(contest, people, plan, stage_id).items():
            b = io.BytesIO()
            wb.save(b)
            z.writestr(name, b.getvalue())
    return buf.getvalue()


def workbook_bytes(wb) -> bytes:
    b = io.BytesIO()
    wb.save(b)
    return b.getvalue()


@dataclass
class Outcome:
    """Everything the notebook shows after scoring."""

    results: object
    agreement: object
    ranking: pd.DataFrame
    jurors: pd.DataFrame
    protocol: bytes
    public: bytes


def run_results(contest, people, scores_path) -> Outcome:
    """Read and check scores, score the contest, build the protocol and public ranking in memory.

    Raises
    ------
    ContestError
        Bad scores (every problem listed).
    """
    from contest.agreement import agreement
    from contest.scoring import score

    ss = load_scores(scores_path, contest, people)
    res = score(contest, ss.scores[["entry_id", "juror_id", "criterion_id", "score"]],
                entries=people.entries, jury=people.jury)
    agr = agreement(res)
    pub = public_frame(res, people)
    titles = dict(zip(people.entries["entry_id"], people.entries["title"]))
    ranking = pd.DataFrame({
        "Место": pub["place"], "Код работы": pub["entry_id"], "Название": pub["entry_id"].map(titles),
        "Итоговый балл": pub["total"], "Награда": pub["award"], "Последний этап": pub["last_stage"],
        "Балл последнего этапа": pub["last_stage_total"],
    })
    j = agr.jurors.copy()
    j.insert(1, "full_name", j["juror_id"].map(dict(zip(people.jury["juror_id"], people.jury["full_name"]))))
    j = j[[c for c in JUROR_HEADERS if c in j.columns]].rename(columns=JUROR_HEADERS)
    return Outcome(res, agr, ranking, j, workbook_bytes(build_protocol(res, agr, people)),
                   workbook_bytes(build_public(res, people)))


def severity_html(jurors: pd.DataFrame) -> str:
    """Juror severity as bars around zero: below zero — stricter than colleagues."""
    col = JUROR_HEADERS["mean_deviation"]
    return bar_html(jurors, col, color=["#d65f5f", "#5fba7d"], align="zero")


def download_link(content: bytes, filename: str, label: str, mime: str = "application/octet-stream") -> str:
    """An HTML link that downloads ``content`` (data URI; works in JupyterLab and Voilà)."""
    b64 = base64.b64encode(content).decode("ascii")
    return (f'<a download="{html.escape(filename)}" href="data:{mime};base64,{b64}" '
            f'style="font-weight:bold">⬇ {html.escape(label)}</a>')


def load_inputs(sample_label: str | None, contest_upload=(), people_upload=()):
    """Contest and people from the uploads when given, otherwise from the chosen sample.

    Returns
    -------
    (Contest, People, Sample or None)
    """
    if contest_upload and people_upload:
        folder = save_uploads(list(contest_upload) + list(people_upload))
        c = load_contest(folder / Path(contest_upload[0][0]).name)
        p = load_people(folder / Path(people_upload[0][0]).name)
        return c, p, None
    s = sample(sample_label or next(iter(SAMPLES)))
    return load_contest(s.contest), load_people(s.people), s
