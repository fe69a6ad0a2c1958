"""The contest pages: «Подготовка конкурса» and «Итоги конкурса».

The page classes (:class:`ContestSource`, :class:`ContestSetupApp`,
:class:`ContestResultsApp`) hold the layout and wiring of ipywidgets only, so
that the notebooks are two lines each and the pages can be driven without a
browser (``app.results_button.click()``). The steps are those of the command
line (:mod:`contest.workflow`); the tables, texts and HTML they show are
:mod:`contest.views`. Above the pages: the sample contests and the uploaded
files (written to a temporary folder for the readers). When the jurors' scores
spread more than ``max_spread`` and no decision settles it, both pages show
the open flags and offer the blank of the chair's decisions
(:func:`contest.reconcile_io.decisions_blank`); the filled blank is uploaded
as «Решения председателя (согласование)».
"""

from __future__ import annotations

import html
import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as W
import pandas as pd

from contest.definition_io import load_contest
from contest.people import load_people
from contest.reconcile import UnreconciledError
from contest.reconcile_io import decisions_blank
from contest.report import jurors_table, ranking_table
from contest.robustness import assess_robustness
from contest.severity import fit_severity
from contest.sheets import build_sheets
from contest.views import (
    XLSX,
    additive_html,
    agreement_frame,
    agreement_reading,
    bar_html,
    contest_tree,
    flags_html,
    load_table,
    problems_html,
    reconciliation_html,
    recusals_table,
    severity_html,
    stability_html,
    styled_html,
    winner_text,
)
from contest.workflow import protocol_workbook, public_workbook, stage_plan
from contest.workflow import run_results as run_workflow
from tandem.errors import InputError, Issue  # noqa: F401  (re-exported for the page tests)
from tandem.ui import download_link

DATA = Path(__file__).resolve().parents[1] / "data" / "contests"

#: Sample contests shipped in ``data/contests``: label → file stem.
SAMPLES = {
    "Педагогический дуэт — 2026 (пример)": "pedagogical_duet",
    "Лучшие практики наставничества — 2026 (пример)": "best_practices",
    "Практики в номинациях: согласование оценок (пример)": "practices_reconcile",
}

#: A sample that is another sample's definition varied: its stem → the stem of the people and scores.
SHARED_DATA = {"practices_reconcile": "practices_by_nomination"}


@dataclass
class Sample:
    """Paths of one sample contest: definition, people, long-form scores, folder of filled sheets
    (``None`` when the sample has only the long-form scores), its adjustments (bonuses and
    penalties) and the chair's decisions on its spreads (each ``None`` when the sample has none)."""

    contest: Path
    people: Path
    scores: Path
    sheets: Path | None
    adjustments: Path | None = None
    decisions: Path | None = None

    @property
    def score_input(self) -> Path:
        """What the results page scores without uploads: the filled sheets, else the long-form scores."""
        return self.sheets if self.sheets is not None else self.scores


def sample(label: str) -> Sample:
    """The files of the sample contest called ``label`` (a key of :data:`SAMPLES`)."""
    stem = SAMPLES[label]
    data = SHARED_DATA.get(stem, stem)
    adj, dec, sheets = (
        DATA / f"{stem}_adjustments.csv",
        DATA / f"{stem}_decisions.csv",
        DATA / f"{data}_sheets",
    )
    return Sample(
        DATA / f"{stem}.yaml",
        DATA / f"{data}_people.xlsx",
        DATA / f"{data}_scores.csv",
        sheets if sheets.is_dir() else None,
        adj if adj.exists() else None,
        dec if dec.exists() else None,
    )


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


def uploaded_file(files: list[tuple[str, bytes]]) -> Path | None:
    """The first uploaded file saved to a new folder (its path), or ``None`` when nothing was uploaded."""
    if not files:
        return None
    return save_uploads(files[:1]) / Path(files[0][0]).name


def workbook_bytes(wb) -> bytes:
    """An openpyxl workbook as the bytes of an .xlsx file."""
    b = io.BytesIO()
    wb.save(b)
    return b.getvalue()


def sheets_zip(contest, people, plan: pd.DataFrame, stage_id: str) -> bytes:
    """All jurors' score sheets of a stage as one zip archive (bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, wb in build_sheets(contest, people, plan, stage_id).items():
            z.writestr(name, workbook_bytes(wb))
    return buf.getvalue()


@dataclass
class Outcome:
    """Everything the results page shows after scoring.

    Attributes
    ----------
    results : Results
    agreement : Agreement
    ranking : DataFrame
        :func:`contest.report.ranking_table`.
    jurors : DataFrame
        :func:`contest.report.jurors_table`.
    protocol, public : bytes
        The protocol and the public ranking (.xlsx).
    robustness : Robustness or None
        :func:`contest.assess_robustness` of the results.
    severity : Severity or None
        :func:`contest.severity.fit_severity` of the results (the additive model).
    reconciliation : Reconciliation or None
        The flags over ``max_spread`` and the chair's decisions applied
        (:func:`contest.reconcile.apply_decisions`).
    """

    results: object
    agreement: object
    ranking: pd.DataFrame
    jurors: pd.DataFrame
    protocol: bytes
    public: bytes
    robustness: object = None
    severity: object = None
    reconciliation: object = None


def blank_link(contest, flags: pd.DataFrame) -> str:
    """The download link «Бланк решений» of the open ``flags`` (:func:`contest.reconcile_io.decisions_blank`)."""
    return download_link(
        workbook_bytes(decisions_blank(contest, flags)),
        "бланк_решений_председателя.xlsx",
        f"Бланк решений (xlsx, отметок: {len(flags)})",
        XLSX,
    )


def run_results(
    contest, people, scores_path, adjustments_path=None, people_path=None, reconciliation_path=None
) -> Outcome:
    """Score the contest as ``python -m contest results`` does (:func:`contest.workflow.run_results`) and
    build the page's tables and both workbooks in memory.

    Parameters
    ----------
    contest : Contest
    people : People
    scores_path : str or Path
        Long-form scores, a filled sheet or a folder of filled sheets.
    adjustments_path : str or Path, optional
        Bonuses and penalties.
    people_path : str or Path, optional
        The people workbook (for its SHA-256 in the protocol).
    reconciliation_path : str or Path, optional
        The chair's decisions on the spreads over ``max_spread`` (docs/formats.md §10.1).

    Raises
    ------
    ContestError
        Bad scores, adjustments or decisions (every problem listed).
    UnreconciledError
        Spreads over ``max_spread`` left open (a :class:`ContestError` with ``flags``).
    """
    run = run_workflow(
        contest,
        people,
        scores_path,
        adjustments_path,
        people_path=people_path,
        reconciliation_path=reconciliation_path,
    )
    return Outcome(
        run.results,
        run.agreement,
        ranking_table(run.results, people),
        jurors_table(run.agreement, people),
        workbook_bytes(protocol_workbook(run, people)),
        workbook_bytes(public_workbook(run, people)),
        assess_robustness(run.results),
        severity=fit_severity(run.results.juror_tasks),
        reconciliation=run.reconciliation,
    )


def load_inputs(sample_label: str | None, contest_upload=(), people_upload=()):
    """Contest and people from the uploads when given, otherwise from the chosen sample.

    Only the people uploaded: the chosen sample contest with these people
    (the sample scores are not used then). Only the contest uploaded: an
    :class:`~tandem.errors.InputError` (its people are needed too).

    Returns
    -------
    (Contest, People, Sample or None, Path)
        The last item is the people workbook read (for its SHA-256 in the protocol).
    """
    if contest_upload and not people_upload:
        raise InputError("к своему описанию конкурса загрузите и книгу «Участники и жюри» (.xlsx)")
    s = sample(sample_label or next(iter(SAMPLES)))
    if people_upload:
        folder = save_uploads(list(contest_upload) + list(people_upload))
        c = (
            load_contest(folder / Path(contest_upload[0][0]).name)
            if contest_upload
            else load_contest(s.contest)
        )
        people_path = folder / Path(people_upload[0][0]).name
        return c, load_people(people_path), None, people_path
    return load_contest(s.contest), load_people(s.people), s, s.people


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
    people_path : Path or None
        The people workbook read (for its SHA-256 in the protocol).
    on_load : list of callables
        Called with no arguments after every successful load.
    """

    def __init__(self, autoload: bool = True):
        self.contest = self.people = self.sample = self.people_path = None
        self.on_load: list = []
        self.sample_choice = W.Dropdown(
            options=list(SAMPLES),
            description="Пример:",
            layout=W.Layout(width="560px"),
            style={"description_width": "initial"},
        )
        self.contest_upload = W.FileUpload(
            accept=".yaml,.yml",
            multiple=False,
            description="Описание конкурса (YAML)",
            layout=W.Layout(width="auto"),
        )
        self.people_upload = W.FileUpload(
            accept=".xlsx",
            multiple=False,
            description="Участники и жюри (.xlsx)",
            layout=W.Layout(width="auto"),
        )
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
            c, p, s, people_path = load_inputs(
                self.sample_choice.value,
                uploaded_files(self.contest_upload.value),
                uploaded_files(self.people_upload.value),
            )
        except Exception as exc:  # every failure is shown in the page, never as a traceback
            self.info.value = ""
            self.problems.value = problems_html(exc)
            return False
        self.contest, self.people, self.sample, self.people_path = c, p, s, people_path
        chair = p.chair["full_name"] if len(p.jury) else "не указан"
        self.info.value = (
            f"<h3 style='margin:6px 0'>{html.escape(c.name)}</h3><p>Работ: {len(p.entries)}; "
            f"жюри: {len(p.jury)} (председатель — {html.escape(str(chair))}); экспертов на работу: {c.per_entry}; "
            f"версия описания: <code>{html.escape(str(c.version))}</code>.</p>"
            + ("<p>Источник: пример из поставки.</p>" if s else "<p>Источник: загруженные файлы.</p>")
            + "<details open><summary><b>Этапы, задания и критерии</b></summary>"
            + styled_html(contest_tree(c))
            + "</details>"
        )
        for callback in self.on_load:
            callback()
        return True

    def widget(self) -> W.Widget:
        return W.VBox(
            [
                W.HTML("<h2 style='margin:4px 0'>1. Конкурс, участники и жюри</h2>"),
                self.sample_choice,
                W.HTML(
                    "<b>или свои файлы</b> (можно загрузить только участников — к выбранному примеру конкурса):"
                ),
                W.HBox([self.contest_upload, self.people_upload]),
                W.HBox([self.load_button]),
                self.problems,
                self.info,
            ]
        )


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
        self.prev_scores = W.FileUpload(
            accept=".csv,.xlsx",
            multiple=True,
            description="Баллы прошлого этапа",
            layout=W.Layout(width="auto"),
            tooltip="Нужны для второго и следующих этапов: кто прошёл дальше",
        )
        self.adjustments_upload = W.FileUpload(
            accept=".csv,.xlsx",
            multiple=False,
            description="Корректировки (бонусы и штрафы)",
            layout=W.Layout(width="auto"),
            tooltip="Штрафы и бонусы прошлых этапов входят в балл, по которому работы проходят дальше",
        )
        self.decisions_upload = W.FileUpload(
            accept=".csv,.xlsx",
            multiple=False,
            description="Решения председателя (согласование)",
            layout=W.Layout(width="auto"),
            tooltip="Решения по оценкам прошлых этапов, расходящимся больше допустимого",
        )
        self.assign_button = _button("Распределить жюри", "users")
        self.problems = W.HTML()
        self.flags_view = W.HTML()
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
        """Assign the jury of the chosen stage; show loads, recusals and the sheets' zip.

        A later stage: the entries that advanced by the uploaded (or the sample's) scores of the
        earlier stages, after the uploaded chair's decisions and with the uploaded (or the sample's)
        bonuses and penalties — as in the protocol. Open spreads over ``max_spread`` are shown with the
        blank of decisions.
        """
        self.problems.value = self.download.value = self.flags_view.value = ""
        c, p, smp = self.source.contest, self.source.people, self.source.sample
        stage = self.stage_choice.value
        try:
            if c is None:
                raise InputError("сначала загрузите конкурс (шаг 1)")
            files = uploaded_files(self.prev_scores.value)
            scores = scores_input(files) if files else (smp.scores if smp else None)
            if scores is None and [s.id for s in c.stages].index(stage) > 0:
                raise InputError(
                    "для этого этапа загрузите баллы предыдущих этапов: по ним видно, кто прошёл дальше"
                )
            adjustments = uploaded_file(uploaded_files(self.adjustments_upload.value)) or (
                smp.adjustments if smp else None
            )
            decisions = uploaded_file(uploaded_files(self.decisions_upload.value))
            plan = stage_plan(
                c,
                p,
                stage,
                scores,
                reconciliation_path=decisions,
                adjustments_path=adjustments,
            )[1].assignment
            zipped = sheets_zip(c, p, plan, stage)
        except UnreconciledError as exc:  # the flags, with the blank of decisions
            self.flags_view.value = flags_html(exc.flags, blank_link(c, exc.flags))
            return None
        except Exception as exc:  # shown in the page
            self.problems.value = problems_html(exc)
            return None
        self.plan, self.sheets = plan, zipped
        table = load_table(plan, p)
        self.loads_view.value = (
            f"<p>Работ на этапе: {plan['entry_id'].nunique()}; экспертов на работу: "
            f"{int(plan.groupby('entry_id').size().max())}. Нагрузка распределена как можно ровнее: "
            f"от {table['Работ'].min()} до {table['Работ'].max()} работ на эксперта.</p>"
            + bar_html(table, "Работ")
        )
        rec = recusals_table(c, p)
        self.recusals_view.value = (
            "<p>Эксперт никогда не оценивает работу своей организации или работу, в которой участвует сам.</p>"
            + (styled_html(rec) if len(rec) else "<p>Конфликтов интересов нет.</p>")
        )
        n = int((table["Работ"] > 0).sum())
        self.download.value = download_link(
            zipped,
            f"оценочные_листы_{stage}.zip",
            f"Скачать оценочные листы этапа {stage} ({n} файлов, zip)",
            "application/zip",
        )
        return plan

    def widget(self) -> W.Widget:
        return W.VBox(
            [
                self.source.widget(),
                W.HTML("<h2 style='margin:12px 0 4px'>2. Распределение жюри</h2>"),
                W.HBox([self.stage_choice, self.assign_button]),
                W.HTML(
                    "<small>Для второго и следующих этапов без примера загрузите баллы предыдущих этапов; "
                    "бонусы и штрафы прошлых этапов и решения председателя по расхождениям оценок входят в "
                    "проход, как в протоколе (для примера без загрузки берутся его корректировки):</small>"
                ),
                W.HBox([self.prev_scores, self.adjustments_upload, self.decisions_upload]),
                self.problems,
                self.flags_view,
                W.HTML("<h3 style='margin:8px 0 2px'>Нагрузка экспертов</h3>"),
                self.loads_view,
                W.HTML("<h3 style='margin:8px 0 2px'>Самоотводы (конфликт интересов)</h3>"),
                self.recusals_view,
                W.HTML(
                    "<h2 style='margin:12px 0 4px'>3. Оценочные листы для экспертов</h2>"
                    "<p>Каждый эксперт получает свой файл Excel со своими работами и критериями; "
                    "заполненные листы загрузите на странице «Итоги конкурса».</p>"
                ),
                self.download,
            ]
        )


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
        self.scores_upload = W.FileUpload(
            accept=".csv,.xlsx",
            multiple=True,
            description="Баллы или заполненные листы",
            layout=W.Layout(width="auto"),
        )
        self.adjustments_upload = W.FileUpload(
            accept=".csv,.xlsx",
            multiple=False,
            description="Корректировки (бонусы и штрафы)",
            layout=W.Layout(width="auto"),
        )
        self.decisions_upload = W.FileUpload(
            accept=".csv,.xlsx",
            multiple=False,
            description="Решения председателя (согласование)",
            layout=W.Layout(width="auto"),
        )
        self.results_button = _button("Подсчитать итоги", "trophy", "success")
        self.problems = W.HTML()
        self.summary = W.HTML()
        self.flags_view = W.HTML()
        self.ranking_view = W.HTML()
        self.severity_view = W.HTML()
        self.agreement_view = W.HTML()
        self.stability_view = W.HTML()
        self.download = W.HTML()
        self.results_button.on_click(lambda _: self.run())
        if autorun and self.source.contest is not None:
            self.run()

    def run(self) -> Outcome | None:
        """Read the scores, rank, compute agreement, build the protocol; problems are shown per file."""
        for w in (
            self.problems,
            self.summary,
            self.flags_view,
            self.ranking_view,
            self.severity_view,
            self.agreement_view,
            self.stability_view,
            self.download,
        ):
            w.value = ""
        c, p, s = self.source.contest, self.source.people, self.source.sample
        files = uploaded_files(self.scores_upload.value)
        adj_files = uploaded_files(self.adjustments_upload.value)
        decisions = uploaded_file(uploaded_files(self.decisions_upload.value))
        adjustments = None
        try:
            if c is None:
                raise InputError("сначала загрузите конкурс (шаг 1)")
            adjustments = uploaded_file(adj_files) or (s.adjustments if s is not None else None)
            if files:
                path = scores_input(files)
            elif s is not None:
                path = s.score_input
            else:
                raise InputError("загрузите баллы: таблицу (CSV или xlsx) или заполненные оценочные листы")
            outcome = run_results(c, p, path, adjustments, self.source.people_path, decisions)
        except UnreconciledError as exc:  # the flags, with the blank of decisions
            self.error, self.outcome = exc, None
            self.flags_view.value = flags_html(exc.flags, blank_link(c, exc.flags))
            return None
        except Exception as exc:  # shown in the page
            self.error, self.outcome = exc, None
            self.problems.value = problems_html(exc)
            return None
        self.error, self.outcome = None, outcome
        src = (
            f"загружено файлов: {len(files)}"
            if files
            else "заполненные листы примера"
            if s.sheets is not None
            else f"таблица баллов примера «{s.scores.name}»"
        )
        adj = (
            "нет"
            if adjustments is None
            else f"загружен файл «{adjustments.name}»"
            if adj_files
            else f"корректировки примера «{adjustments.name}»"
        )
        self.summary.value = (
            f"<p style='font-size:16px'><b>{html.escape(winner_text(outcome, c.name))}</b></p>"
            f"<p>Баллы: {html.escape(src)}. Бонусы и штрафы: {html.escape(adj)}."
            + (f" Решения председателя: загружен файл «{html.escape(decisions.name)}»." if decisions else "")
            + "</p>"
        )
        self.flags_view.value = reconciliation_html(outcome.reconciliation)
        self.ranking_view.value = styled_html(outcome.ranking, highlight="Награда")
        self.severity_view.value = (
            "<p>Среднее отклонение эксперта от коллег по тем же работам: левее нуля — "
            "строже коллег, правее — мягче.</p>"
            + severity_html(outcome.jurors)
            + "<h3 style='margin:8px 0 4px'>Строгость с поправкой на состав (аддитивная модель)</h3>"
            + additive_html(outcome.results, outcome.severity, p)
        )
        self.agreement_view.value = (
            f"<p style='font-size:15px'>{html.escape(agreement_reading(outcome.agreement, outcome.jurors))}</p>"
            + styled_html(agreement_frame(outcome.agreement))
        )
        self.stability_view.value = stability_html(outcome.robustness, p)
        self.download.value = (
            download_link(outcome.protocol, "протокол.xlsx", "Скачать протокол (xlsx)", XLSX)
            + " &nbsp; "
            + download_link(
                outcome.public,
                "рейтинг_для_публикации.xlsx",
                "Скачать рейтинг для публикации (без имён участников без согласия)",
                XLSX,
            )
        )
        return outcome

    def widget(self) -> W.Widget:
        return W.VBox(
            [
                self.source.widget(),
                W.HTML(
                    "<h2 style='margin:12px 0 4px'>2. Баллы</h2><p>Загрузите таблицу баллов (CSV или xlsx: "
                    "Код работы, Код эксперта, Код критерия, Балл) или сразу все заполненные оценочные листы "
                    "(можно выбрать много файлов). Без загрузки для примера берутся его заполненные листы.</p>"
                ),
                W.HTML(
                    "<p>Бонусы и штрафы жюри — по желанию: таблица CSV или xlsx (Код работы, Этап, Баллы, "
                    "Основание; штраф — со знаком минус). Для примера без загрузки берутся его корректировки.</p>"
                    "<p>Если оценки экспертов расходятся больше допустимого (<code>max_spread</code>), итоги "
                    "подводятся после решений председателя жюри: страница покажет такие работы и даст бланк "
                    "решений; заполненный бланк загрузите кнопкой «Решения председателя (согласование)».</p>"
                ),
                W.HBox([self.scores_upload, self.adjustments_upload, self.decisions_upload]),
                W.HBox([self.results_button]),
                self.problems,
                self.summary,
                self.flags_view,
                W.HTML("<h2 style='margin:12px 0 4px'>3. Рейтинг</h2>"),
                self.ranking_view,
                self.download,
                W.HTML(
                    "<h2 style='margin:12px 0 4px'>4. Эксперты</h2><h3 style='margin:4px 0'>Строгость</h3>"
                ),
                self.severity_view,
                W.HTML("<h3 style='margin:8px 0 4px'>Согласованность</h3>"),
                self.agreement_view,
                W.HTML(
                    "<h2 style='margin:12px 0 4px'>5. Устойчивость итогов</h2><p>Что стало бы с местами и "
                    "наградами без одного эксперта и при других правилах подсчёта.</p>"
                ),
                self.stability_view,
            ]
        )
