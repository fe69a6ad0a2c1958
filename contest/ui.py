"""The contest pages: «Подготовка конкурса» and «Итоги конкурса».

The first half of the module is plain Python over the package — tables, HTML
snippets and bytes — tested on its own. The second half holds the page
classes (:class:`ContestSource`, :class:`ContestSetupApp`,
:class:`ContestResultsApp`): layout and wiring of ipywidgets only, so that the
notebooks are two lines each and the pages can be driven without a browser
(``app.results_button.click()``).
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

import ipywidgets as W

from contest.assign import assign_jury, conflicts, loads
from contest.model import load_contest
from contest.people import load_people
from contest.protocol import JUROR_HEADERS, TIE_NOTE, build_protocol, build_public, public_frame, ranking_frame
from contest.scores_io import advanced_entries, load_scores
from contest.sheets import build_sheets
from tandem.errors import InputError, Issue  # noqa: F401  (re-exported for the page tests)

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
        "Отметка": ranking_frame(res, people)["note"].to_numpy(),
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

    Only the people uploaded: the chosen sample contest with these people
    (the sample scores are not used then). Only the contest uploaded: an
    :class:`~tandem.errors.InputError` (its people are needed too).

    Returns
    -------
    (Contest, People, Sample or None)
    """
    if contest_upload and not people_upload:
        raise InputError("к своему описанию конкурса загрузите и книгу «Участники и жюри» (.xlsx)")
    s = sample(sample_label or next(iter(SAMPLES)))
    if people_upload:
        folder = save_uploads(list(contest_upload) + list(people_upload))
        c = load_contest(folder / Path(contest_upload[0][0]).name) if contest_upload else load_contest(s.contest)
        p = load_people(folder / Path(people_upload[0][0]).name)
        return c, p, None
    return load_contest(s.contest), load_people(s.people), s


# -- more tables for the pages ------------------------------------------------------


def recusals_table(contest, people) -> pd.DataFrame:
    """Who may not score what, and why (conflicts of interest).

    Returns
    -------
    DataFrame
        Russian headers: Код эксперта, ФИО, Код работы, Название, Причина;
        sorted by juror and entry.
    """
    why = {"ОО": "работа из организации эксперта", "участник": "эксперт — участник работы"}
    jn = dict(zip(people.jury["juror_id"], people.jury["full_name"]))
    titles = dict(zip(people.entries["entry_id"], people.entries["title"]))
    rows = [(j, jn.get(j, ""), e, titles.get(e, ""), why.get(r, r))
            for (e, j), r in sorted(conflicts(contest, people).items(), key=lambda kv: (kv[0][1], kv[0][0]))]
    return pd.DataFrame(rows, columns=["Код эксперта", "ФИО", "Код работы", "Название", "Причина"])


def problems_by_file(exc: InputError) -> pd.DataFrame:
    """Count of problems per file of an input error (files in order of first problem).

    Returns
    -------
    DataFrame
        ``Файл`` (str; «—» for problems not tied to a file), ``Проблем`` (int).
    """
    f = exc.to_frame()["Файл"].fillna("—").replace("", "—")
    counts = f.value_counts(sort=False)
    return pd.DataFrame({"Файл": counts.index, "Проблем": counts.to_numpy()})


def agreement_reading(agr, jurors: pd.DataFrame | None = None) -> str:
    """The agreement of the jury in plain Russian, in two or three sentences.

    Each task's level (высокая / умеренная / низкая, from
    :func:`contest.agreement.reading`) is counted; the headline says
    «согласованность экспертов высокая» only when every task reads so, and
    «низкая» when most tasks read so. Flagged jurors are named.
    """
    tasks = agr.tasks
    levels = [next((lv for lv in ("высокая", "умеренная", "низкая") if lv in str(r)), None) for r in tasks["reading"]]
    known = [lv for lv in levels if lv]
    if not known:
        head = "Согласованность экспертов оценить нельзя: мало работ, оценённых одними и теми же экспертами."
    else:
        n = len(known)
        high, low = known.count("высокая"), known.count("низкая")
        overall = "высокая" if high == n else "низкая" if low * 2 > n else "умеренная"
        head = (f"В целом согласованность экспертов {overall}: высокая в {high}, "
                f"умеренная в {known.count('умеренная')}, низкая в {low} из {n} заданий.")
        if overall == "низкая":
            head += (" Эксперты заметно по-разному расставляют работы; стоит обсудить понимание критериев "
                     "на заседании жюри до утверждения итогов.")
        elif overall == "высокая":
            head += " Эксперты в основном одинаково расставляют работы по местам."
    if jurors is not None and "Отметка" in jurors.columns:
        flagged = jurors[jurors["Отметка"].astype(str) != ""]
        if len(flagged):
            head += " Заметно отличаются от коллег: " + ", ".join(
                f"{r['ФИО']} ({r['Отметка']})" for _, r in flagged.iterrows()) + "."
        else:
            head += " Ни один эксперт не выделяется строгостью или мягкостью."
    return head


def agreement_frame(agr) -> pd.DataFrame:
    """Per-task agreement for the page: stage, task, W, α and the reading (Russian headers)."""
    t = agr.tasks
    return pd.DataFrame({"Этап": t["stage_id"], "Задание": t["task_id"], "Работ": t["n_entries"],
                         "Экспертов": t["n_jurors"], "W Кендалла": t["kendall_w"],
                         "α Криппендорфа": t["krippendorff_alpha"], "Вывод": t["reading"]})


def winner_text(outcome: Outcome, contest_name: str = "") -> str:
    """«Победитель: …» and the tie warning, as one Russian paragraph."""
    r = outcome.ranking
    win = r[r["Награда"] == "Победитель"]
    top = win if len(win) else r.head(1)
    names = "; ".join(f"{row['Код работы']} {row['Название']} — {row['Итоговый балл']:.2f} балла"
                      for _, row in top.iterrows())
    text = (f"{contest_name}: " if contest_name else "") + (
        f"Победитель: {names}." if len(win) else f"Первое место: {names}.")
    ties = r[r["Отметка"] == TIE_NOTE]
    if len(ties):
        text += (f" Равные баллы у работ {', '.join(ties['Код работы'])} — "
                 f"{TIE_NOTE} (отмечено в рейтинге).")
    return text


def styled_html(df: pd.DataFrame, highlight: str | None = None) -> str:
    """A table as HTML (no index, 2 decimals); rows with a non-empty ``highlight`` column shaded."""
    fmt = {c: "{:.2f}" for c in df.columns if pd.api.types.is_float_dtype(df[c])}
    st = df.style.hide(axis="index").format(fmt, na_rep="")
    if highlight and highlight in df.columns:
        colors = {"Победитель": "#ffe699", "Призёр": "#e2efda", "Лауреат": "#ddebf7"}
        st = st.apply(lambda row: [f"background:{colors.get(row[highlight], '#f2f2f2')}"
                                   if str(row[highlight]) else "" for _ in row], axis=1)
    st = st.set_table_attributes('style="border-collapse:collapse;font-size:13px"').set_table_styles(
        [{"selector": "th,td", "props": "border:1px solid #ccc;padding:3px 6px;text-align:left"},
         {"selector": "th", "props": "background:#ddebf7"}])
    return f'<div style="max-height:520px;overflow:auto">{st.to_html()}</div>'


def problems_html(exc: Exception) -> str:
    """An input error as «problems per file» and the full table; anything else as one line."""
    if not isinstance(exc, InputError):
        return f"<p style='color:#b00'>Не удалось выполнить шаг: {html.escape(str(exc))}</p>"
    n = len(exc.issues)
    return (f"<p style='color:#b00'><b>Найдено проблем во входных файлах: {n}.</b> "
            "Исправьте их и загрузите файлы снова.</p>" + styled_html(problems_by_file(exc))
            + "<p>Подробно:</p>" + styled_html(exc.to_frame().fillna("")))


# -- the pages -----------------------------------------------------------------------


def _button(text: str, icon: str, style: str = "primary") -> W.Button:
    return W.Button(description=text, icon=icon, button_style=style, layout=W.Layout(width="auto"))


class ContestSource:
    """Step 1 of both contest pages: choose a sample or upload the contest and people.

    Parameters
    ----------
    autoload : bool
        Load the first sample at once.

    Attributes
    ----------
    contest, people : Contest, People or None
        The last loaded successfully.
    sample : Sample or None
        The sample the files came from (None for uploads).
    on_load : list of callables
        Called with no arguments after every successful load.
    """

    def __init__(self, autoload: bool = True):
        self.contest = self.people = self.sample = None
        self.on_load: list = []
        self.sample_choice = W.Dropdown(options=list(SAMPLES), description="Пример:", layout=W.Layout(width="560px"),
                                        style={"description_width": "initial"})
        self.contest_upload = W.FileUpload(accept=".yaml,.yml", multiple=False,
                                           description="Описание конкурса (YAML)", layout=W.Layout(width="auto"))
        self.people_upload = W.FileUpload(accept=".xlsx", multiple=False, description="Участники и жюри (.xlsx)",
                                          layout=W.Layout(width="auto"))
        self.load_button = _button("Загрузить", "upload")
        self.info = W.HTML()
        self.problems = W.HTML()
        self.load_button.on_click(lambda _: self.load())
        if autoload:
            self.load()

    def load(self) -> bool:
        """Read the chosen files; problems are shown, not raised. Returns success."""
        self.problems.value = ""
        try:
            c, p, s = load_inputs(self.sample_choice.value, uploaded_files(self.contest_upload.value),
                                  uploaded_files(self.people_upload.value))
        except Exception as exc:  # every failure is shown in the page, never as a traceback
            self.info.value = ""
            self.problems.value = problems_html(exc)
            return False
        self.contest, self.people, self.sample = c, p, s
        chair = p.chair["full_name"] if len(p.jury) else "не указан"
        self.info.value = (
            f"<h3 style='margin:6px 0'>{html.escape(c.name)}</h3><p>Работ: {len(p.entries)}; "
            f"жюри: {len(p.jury)} (председатель — {html.escape(str(chair))}); экспертов на работу: {c.per_entry}; "
            f"версия описания: <code>{html.escape(str(c.version))}</code>.</p>"
            + ("<p>Источник: пример из поставки.</p>" if s else "<p>Источник: загруженные файлы.</p>")
            + "<details open><summary><b>Этапы, задания и критерии</b></summary>"
            + styled_html(contest_tree(c)) + "</details>")
        for callback in self.on_load:
            callback()
        return True

    def widget(self) -> W.Widget:
        return W.VBox([
            W.HTML("<h2 style='margin:4px 0'>1. Конкурс, участники и жюри</h2>"),
            self.sample_choice,
            W.HTML("<b>или свои файлы</b> (можно загрузить только участников — к выбранному примеру конкурса):"),
            W.HBox([self.contest_upload, self.people_upload]),
            W.HBox([self.load_button]), self.problems, self.info,
        ])


class ContestSetupApp:
    """«Подготовка конкурса»: contest, jury assignment with recusals, zip of score sheets.

    Parameters
    ----------
    source : ContestSource, optional
    autorun : bool
        Assign the jury of the first stage at once.

    Attributes
    ----------
    plan : DataFrame or None
        The last jury plan (``stage_id``, ``entry_id``, ``juror_id``).
    sheets : bytes or None
        The zip of score sheets of that plan.
    """

    def __init__(self, source: ContestSource | None = None, autorun: bool = True):
        self.source = source or ContestSource()
        self.plan: pd.DataFrame | None = None
        self.sheets: bytes | None = None
        self.stage_choice = W.Dropdown(description="Этап:", layout=W.Layout(width="420px"))
        self.prev_scores = W.FileUpload(accept=".csv,.xlsx", multiple=True,
                                        description="Баллы прошлого этапа", layout=W.Layout(width="auto"),
                                        tooltip="Нужны для второго и следующих этапов: кто прошёл дальше")
        self.assign_button = _button("Распределить жюри", "users")
        self.problems = W.HTML()
        self.loads_view = W.HTML()
        self.recusals_view = W.HTML()
        self.download = W.HTML()
        self.assign_button.on_click(lambda _: self.assign())
        self.source.on_load.append(self._stages)
        self._stages()
        if autorun and self.source.contest is not None:
            self.assign()

    def _stages(self) -> None:
        c = self.source.contest
        self.stage_choice.options = [(f"{st.id}. {st.name}", st.id) for st in c.stages] if c else []
        self.stage_choice.value = c.stages[0].id if c and c.stages else None

    def assign(self) -> pd.DataFrame | None:
        """Assign the jury of the chosen stage; show loads, recusals and the sheets' zip."""
        self.problems.value = self.download.value = ""
        c, p = self.source.contest, self.source.people
        stage = self.stage_choice.value
        try:
            if c is None:
                raise InputError("сначала загрузите конкурс (шаг 1)")
            files = uploaded_files(self.prev_scores.value)
            scores = scores_input(files) if files else (self.source.sample.scores if self.source.sample else None)
            if scores is None and [s.id for s in c.stages].index(stage) > 0:
                raise InputError("для этого этапа загрузите баллы предыдущих этапов: по ним видно, кто прошёл дальше")
            plan = plan_for_stage(c, p, stage, scores)
            zipped = sheets_zip(c, p, plan, stage)
        except Exception as exc:  # shown in the page
            self.problems.value = problems_html(exc)
            return None
        self.plan, self.sheets = plan, zipped
        table = load_table(plan, p)
        self.loads_view.value = (
            f"<p>Работ на этапе: {plan['entry_id'].nunique()}; экспертов на работу: "
            f"{int(plan.groupby('entry_id').size().max())}. Нагрузка распределена как можно ровнее: "
            f"от {table['Работ'].min()} до {table['Работ'].max()} работ на эксперта.</p>"
            + bar_html(table, "Работ"))
        rec = recusals_table(c, p)
        self.recusals_view.value = (
            "<p>Эксперт никогда не оценивает работу своей организации или работу, в которой участвует сам.</p>"
            + (styled_html(rec) if len(rec) else "<p>Конфликтов интересов нет.</p>"))
        n = int((table["Работ"] > 0).sum())
        self.download.value = download_link(zipped, f"оценочные_листы_{stage}.zip",
                                            f"Скачать оценочные листы этапа {stage} ({n} файлов, zip)",
                                            "application/zip")
        return plan

    def widget(self) -> W.Widget:
        return W.VBox([
            self.source.widget(),
            W.HTML("<h2 style='margin:12px 0 4px'>2. Распределение жюри</h2>"),
            W.HBox([self.stage_choice, self.assign_button]),
            W.HTML("<small>Для второго и следующих этапов без примера загрузите баллы предыдущих этапов:</small>"),
            W.HBox([self.prev_scores]), self.problems,
            W.HTML("<h3 style='margin:8px 0 2px'>Нагрузка экспертов</h3>"), self.loads_view,
            W.HTML("<h3 style='margin:8px 0 2px'>Самоотводы (конфликт интересов)</h3>"), self.recusals_view,
            W.HTML("<h2 style='margin:12px 0 4px'>3. Оценочные листы для экспертов</h2>"
                   "<p>Каждый эксперт получает свой файл Excel со своими работами и критериями; "
                   "заполненные листы загрузите на странице «Итоги конкурса».</p>"),
            self.download,
        ])


class ContestResultsApp:
    """«Итоги конкурса»: scores in (many sheets or one table), ranking, jury statistics, protocol out.

    Parameters
    ----------
    source : ContestSource, optional
    autorun : bool
        Score the sample's filled sheets at once.

    Attributes
    ----------
    outcome : Outcome or None
        The last successful scoring.
    error : Exception or None
        The last problem (shown per file).
    """

    def __init__(self, source: ContestSource | None = None, autorun: bool = True):
        self.source = source or ContestSource()
        self.outcome: Outcome | None = None
        self.error: Exception | None = None
        self.scores_upload = W.FileUpload(accept=".csv,.xlsx", multiple=True,
                                          description="Баллы или заполненные листы", layout=W.Layout(width="auto"))
        self.results_button = _button("Подсчитать итоги", "trophy", "success")
        self.problems = W.HTML()
        self.summary = W.HTML()
        self.ranking_view = W.HTML()
        self.severity_view = W.HTML()
        self.agreement_view = W.HTML()
        self.download = W.HTML()
        self.results_button.on_click(lambda _: self.run())
        if autorun and self.source.contest is not None:
            self.run()

    def run(self) -> Outcome | None:
        """Read the scores, rank, compute agreement, build the protocol; problems are shown per file."""
        for w in (self.problems, self.summary, self.ranking_view, self.severity_view, self.agreement_view,
                  self.download):
            w.value = ""
        c, p = self.source.contest, self.source.people
        files = uploaded_files(self.scores_upload.value)
        try:
            if c is None:
                raise InputError("сначала загрузите конкурс (шаг 1)")
            if files:
                path = scores_input(files)
            elif self.source.sample is not None:
                path = self.source.sample.sheets
            else:
                raise InputError("загрузите баллы: таблицу (CSV или xlsx) или заполненные оценочные листы")
            outcome = run_results(c, p, path)
        except Exception as exc:  # shown in the page
            self.error, self.outcome = exc, None
            self.problems.value = problems_html(exc)
            return None
        self.error, self.outcome = None, outcome
        src = (f"загружено файлов: {len(files)}" if files else "заполненные листы примера")
        self.summary.value = (f"<p style='font-size:16px'><b>{html.escape(winner_text(outcome, c.name))}</b></p>"
                              f"<p>Баллы: {html.escape(src)}.</p>")
        self.ranking_view.value = styled_html(outcome.ranking, highlight="Награда")
        self.severity_view.value = ("<p>Среднее отклонение эксперта от коллег по тем же работам: левее нуля — "
                                    "строже коллег, правее — мягче.</p>" + severity_html(outcome.jurors))
        self.agreement_view.value = (f"<p style='font-size:15px'>{html.escape(agreement_reading(outcome.agreement, outcome.jurors))}</p>"
                                     + styled_html(agreement_frame(outcome.agreement)))
        self.download.value = (
            download_link(outcome.protocol, "протокол.xlsx", "Скачать протокол (xlsx)", XLSX) + " &nbsp; "
            + download_link(outcome.public, "рейтинг_для_публикации.xlsx",
                            "Скачать рейтинг для публикации (без имён участников без согласия)", XLSX))
        return outcome

    def widget(self) -> W.Widget:
        return W.VBox([
            self.source.widget(),
            W.HTML("<h2 style='margin:12px 0 4px'>2. Баллы</h2><p>Загрузите таблицу баллов (CSV или xlsx: "
                   "Код работы, Код эксперта, Код критерия, Балл) или сразу все заполненные оценочные листы "
                   "(можно выбрать много файлов). Без загрузки для примера берутся его заполненные листы.</p>"),
            W.HBox([self.scores_upload, self.results_button]),
            self.problems, self.summary,
            W.HTML("<h2 style='margin:12px 0 4px'>3. Рейтинг</h2>"), self.ranking_view,
            self.download,
            W.HTML("<h2 style='margin:12px 0 4px'>4. Эксперты</h2><h3 style='margin:4px 0'>Строгость</h3>"),
            self.severity_view,
            W.HTML("<h3 style='margin:8px 0 4px'>Согласованность</h3>"), self.agreement_view,
        ])


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
