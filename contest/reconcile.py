"""Reconciliation: juror scores that differ too much are settled by the chair before the results.

The rules (for users: docs/contest_rules.md §1.7):

1. ``max_spread`` of a criterion (or of a task) in the contest definition is
   the largest admissible difference, in points, between the highest and the
   lowest score the jurors gave one entry on that criterion (on the task: the
   jurors' criterion sums). A larger difference flags the entry and the
   criterion (task) «требует согласования» (:func:`spread_flags`). The
   spreads are compared exactly (the decimals as entered).
2. The chair's decisions form a table (:func:`apply_decisions`), one row per
   decision: ``entry_id``, ``criterion_id`` or ``task_id``, ``juror_id``,
   ``new_score`` — a number (the juror's new score on that criterion) or
   «оставить» (the scores stand as they are) — and ``reason``. A new score
   needs a criterion, a juror who scored the entry on it, a value within the
   criterion's range and a reason. A decision for an entry and criterion (or
   task) that is not flagged, or for a juror who did not score that entry, is
   refused with its row and column.
3. The new scores replace the old ones; the flags are then computed again.
   A flag is settled when the spread is now within ``max_spread``, or when
   a «оставить» decision covers it (the same entry and criterion, or the
   same entry and task). Nothing is averaged or changed silently: a flag that
   is still open stops the results unless the organiser explicitly accepts
   it (``--allow-unreconciled``), and the protocol prints every flag, every
   decision and the open ones.

Pure: frames in, frames out; the decisions file is read by
:mod:`contest.reconcile_io`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from contest.exact import frac
from contest.model import Contest, ContestError
from tandem.errors import Issue

__all__ = [
    "FLAG_COLUMNS",
    "KEEP",
    "NEEDS_REVIEW",
    "FLAG_HEADERS",
    "Reconciliation",
    "UnreconciledError",
    "apply_decisions",
    "decisions_for_stages",
    "flag_rows",
    "flags_message",
    "spread_flags",
]

NEEDS_REVIEW = "требует согласования"
#: The decision that keeps the scores as they are.
KEEP = "оставить"
FLAG_COLUMNS = [
    "entry_id",
    "stage_id",
    "task_id",
    "criterion_id",
    "jurors",
    "scores",
    "spread",
    "max_spread",
]


#: Russian headers of the flags as a table (:func:`flag_rows`): the page and the blank of decisions.
FLAG_HEADERS = {
    "entry_id": "Код работы",
    "stage_id": "Этап",
    "task_id": "Задание",
    "criterion_id": "Критерий",
    "scores": "Оценки экспертов",
    "spread": "Расхождение",
    "max_spread": "Допустимо",
}


class UnreconciledError(ContestError):
    """Flags over ``max_spread`` left open (rule 3): the results (or the next stage's plan) wait for the
    chair's decisions.

    Attributes
    ----------
    flags : DataFrame
        The open flags (:data:`FLAG_COLUMNS`), from which the page shows its table and the blank of
        decisions is made (:func:`contest.reconcile_io.decisions_blank`).
    """

    def __init__(self, flags: pd.DataFrame):
        self.flags = flags.reset_index(drop=True)
        super().__init__(flags_message(self.flags))


def flag_rows(flags: pd.DataFrame) -> pd.DataFrame:
    """The flags as a table for people: one row per flag, every juror's score, Russian headers.

    Parameters
    ----------
    flags : DataFrame
        :data:`FLAG_COLUMNS` (:func:`spread_flags`, ``Reconciliation.open``).

    Returns
    -------
    DataFrame
        The columns of :data:`FLAG_HEADERS` under their Russian headers: «Код работы», «Этап»,
        «Задание», «Критерий» (str; «—» for a flag on the task sums), «Оценки экспертов» (str,
        «Ж01: 3; Ж02: 9», lowest first), «Расхождение», «Допустимо» (float, points).
    """
    out = flags[list(FLAG_HEADERS)].copy()
    out["criterion_id"] = [c or "— (сумма задания)" for c in out["criterion_id"].astype(str)]
    out["spread"] = out["spread"].astype(float)
    out["max_spread"] = out["max_spread"].astype(float)
    return out.rename(columns=FLAG_HEADERS).reset_index(drop=True)


def _where(contest: Contest) -> pd.DataFrame:
    cf = contest.criteria_frame()[["stage_id", "task_id", "criterion_id"]]
    return cf.astype(str)


def spread_flags(contest: Contest, scores: pd.DataFrame) -> pd.DataFrame:
    """Entries whose juror scores differ by more than ``max_spread`` (rule 1).

    Parameters
    ----------
    contest : Contest
    scores : DataFrame
        Long form ``entry_id, juror_id, criterion_id`` (str) and ``score``
        (float, points), already checked (:func:`contest.validate.validate_scores`).

    Returns
    -------
    DataFrame
        :data:`FLAG_COLUMNS`: ``entry_id, stage_id, task_id`` (str),
        ``criterion_id`` (str; ``""`` for a flag on the task sums),
        ``jurors`` (str, «Ж01: 3; Ж02: 9» — every juror's score, lowest
        first), ``spread`` and ``max_spread`` (float, points). Sorted by
        entry, stage, task, criterion (task flags first).
    """
    crit = {c.id: c for s in contest.stages for t in s.tasks for c in t.criteria}
    task = {(s.id, t.id): t for s in contest.stages for t in s.tasks}
    df = scores[["entry_id", "juror_id", "criterion_id", "score"]].astype(
        {"entry_id": str, "juror_id": str, "criterion_id": str}
    )
    df = df.merge(_where(contest), on="criterion_id", how="inner")
    df["exact"] = [frac(x) for x in df["score"]]
    rows = []
    wanted = {k for k, c in crit.items() if c.max_spread is not None}
    for (e, cid), g in df[df["criterion_id"].isin(wanted)].groupby(["entry_id", "criterion_id"], sort=True):
        limit = crit[cid].max_spread
        rows += _flag(e, g["stage_id"].iloc[0], g["task_id"].iloc[0], cid, g, limit)
    tasks = {k for k, t in task.items() if t.max_spread is not None}
    if tasks:
        sel = df[[(s, t) in tasks for s, t in zip(df["stage_id"], df["task_id"])]]
        sums = sel.groupby(["entry_id", "stage_id", "task_id", "juror_id"], sort=True)["exact"].sum()
        sums = sums.reset_index()
        for (e, s, t), g in sums.groupby(["entry_id", "stage_id", "task_id"], sort=True):
            rows += _flag(e, s, t, "", g, task[(s, t)].max_spread)
    out = pd.DataFrame(rows, columns=FLAG_COLUMNS)
    out = out.sort_values(["entry_id", "stage_id", "task_id", "criterion_id"], kind="stable")
    return out.reset_index(drop=True)


def _flag(e, s, t, cid, g: pd.DataFrame, limit: float) -> list[tuple]:
    vals = sorted(zip(g["exact"], g["juror_id"]), key=lambda x: (x[0], x[1]))
    if len(vals) < 2:
        return []
    spread = vals[-1][0] - vals[0][0]
    if spread <= frac(limit):
        return []
    jurors = ", ".join(sorted(j for _, j in vals))
    shown = "; ".join(f"{j}: {_num(v)}" for v, j in vals)
    return [(e, s, t, cid, jurors, shown, float(spread), float(limit))]


def _num(v: Fraction) -> str:
    return f"{float(v):g}"


def flags_message(flags: pd.DataFrame) -> list[Issue]:
    """The Russian list of open flags: one :class:`~tandem.errors.Issue` per flag, then the way out."""
    issues = [
        Issue(
            f"работа «{r.entry_id}», "
            + (f"критерий «{r.criterion_id}»" if r.criterion_id else f"задание «{r.stage_id}.{r.task_id}»")
            + f": оценки экспертов расходятся на {r.spread:g} балла при допустимых {r.max_spread:g} "
            f"({r.scores}) — {NEEDS_REVIEW}"
        )
        for r in flags.itertuples(index=False)
    ]
    issues.append(
        Issue(
            "решения председателя жюри запишите в файл согласования (Код работы; Критерий или Задание; "
            "Код эксперта; Новый балл или «оставить»; Основание; бланк с этими отметками записывает "
            "--decisions-blank) и передайте его в --reconciliation (в приложении — «Решения председателя»); "
            "или явно примите расхождения: --allow-unreconciled"
        )
    )
    return issues


@dataclass
class Reconciliation:
    """The outcome of :func:`apply_decisions`.

    Attributes
    ----------
    scores : DataFrame
        The scores after the decisions (columns of the input scores).
    flags : DataFrame
        The flags before the decisions (:data:`FLAG_COLUMNS`) and ``status``
        (str: «изменены оценки», «оставлено», «согласовано» (now within
        ``max_spread`` after changes elsewhere), «не согласовано»).
    decisions : DataFrame
        One row per decision: ``entry_id, stage_id, task_id, criterion_id,
        juror_id`` (str), ``old_score``, ``new_score`` (float, points; NaN for
        «оставить»), ``decision`` (str: «изменён балл» or «оставить»),
        ``reason`` (str).
    open : DataFrame
        The flags still open after the decisions (:data:`FLAG_COLUMNS`).
    """

    scores: pd.DataFrame
    flags: pd.DataFrame
    decisions: pd.DataFrame
    open: pd.DataFrame


def _task_of(contest: Contest, value: str) -> tuple[str, str] | None:
    """``S1.T1`` or a task id unique in the contest → (stage_id, task_id)."""
    s, dot, t = value.partition(".")
    pairs = [(st.id, tk.id) for st in contest.stages for tk in st.tasks]
    if dot:
        return (s, t) if (s, t) in pairs else None
    found = [p for p in pairs if p[1] == value]
    return found[0] if len(found) == 1 else None


def decisions_for_stages(contest: Contest, decisions: pd.DataFrame | None, stage_ids) -> pd.DataFrame | None:
    """The decisions about the criteria and tasks of ``stage_ids`` (and those naming no known criterion
    or task, so that :func:`apply_decisions` reports them): the decisions that apply to the scores of
    those stages, e.g. the earlier stages when the next stage's plan is made.

    Parameters
    ----------
    decisions : DataFrame or None
        As for :func:`apply_decisions`.
    stage_ids : iterable of str

    Returns
    -------
    DataFrame or None
        The rows kept, in order; None when ``decisions`` is None.
    """
    if decisions is None:
        return None
    wanted = set(stage_ids)
    crit = {c.id: s.id for s in contest.stages for t in s.tasks for c in t.criteria}
    keep = []
    for d in decisions.to_dict("records"):
        cid, tid = str(d.get("criterion_id") or ""), str(d.get("task_id") or "")
        if cid:
            stage = crit.get(cid)
        else:
            found = _task_of(contest, tid) if tid else None
            stage = found[0] if found else None
        keep.append(stage is None or stage in wanted)
    return decisions[pd.Series(keep, index=decisions.index, dtype=bool)]


def apply_decisions(
    contest: Contest,
    scores: pd.DataFrame,
    decisions: pd.DataFrame | None,
    *,
    file: str | None = None,
    sheet: str | None = None,
    columns: dict[str, str] | None = None,
) -> Reconciliation:
    """Check and apply the chair's decisions (rules 2–3).

    Parameters
    ----------
    contest : Contest
    scores : DataFrame
        Long form ``entry_id, juror_id, criterion_id, score`` (other columns kept).
    decisions : DataFrame or None
        ``entry_id, criterion_id, task_id, juror_id, new_score, reason`` (str;
        ``criterion_id`` or ``task_id`` may be empty) and ``row`` (int, the
        row in the file, for messages). None — no decisions.
    file, sheet : str, optional
        Where the decisions come from, for messages.
    columns : dict, optional
        English column name → the header in the file, for messages.

    Returns
    -------
    Reconciliation

    Raises
    ------
    ContestError
        Every bad decision (rule 2), with file, sheet, row and column.
    """
    columns = columns or {}
    flags = spread_flags(contest, scores)
    base = scores.reset_index(drop=True).copy()
    base_key = list(
        zip(base["entry_id"].astype(str), base["juror_id"].astype(str), base["criterion_id"].astype(str))
    )
    pos = {k: i for i, k in enumerate(base_key)}
    where = _where(contest).set_index("criterion_id")
    crit = {c.id: c for s in contest.stages for t in s.tasks for c in t.criteria}
    flagged_c = {(r.entry_id, r.criterion_id) for r in flags.itertuples() if r.criterion_id}
    flagged_t = {(r.entry_id, r.stage_id, r.task_id) for r in flags.itertuples() if not r.criterion_id}
    issues: list[Issue] = []
    log, keep_c, keep_t = [], set(), set()
    new_scores = base["score"].astype(float).to_numpy().copy()
    for d in (decisions if decisions is not None else pd.DataFrame()).to_dict("records"):
        row = d.get("row")

        def bad(msg, col, row=row):
            issues.append(Issue(msg, file=file, sheet=sheet, row=row, column=columns.get(col, col)))

        e, cid, tid = str(d["entry_id"]), str(d.get("criterion_id") or ""), str(d.get("task_id") or "")
        j, value, reason = (
            str(d.get("juror_id") or ""),
            str(d.get("new_score") or "").strip(),
            d.get("reason"),
        )
        reason = str(reason or "").strip()
        keep = value.lower() == KEEP
        if bool(cid) == bool(tid):
            bad("укажите либо критерий, либо задание (одно из двух)", "criterion_id")
            continue
        if cid:
            if cid not in crit:
                bad(f"неизвестный критерий «{cid}»", "criterion_id")
                continue
            s, t = where.at[cid, "stage_id"], where.at[cid, "task_id"]
        else:
            st = _task_of(contest, tid)
            if st is None:
                bad(f"неизвестное задание «{tid}» (пишите «этап.задание», например S1.T1)", "task_id")
                continue
            s, t = st
        if (e, cid) not in flagged_c and (e, s, t) not in flagged_t:
            what = f"критерию «{cid}»" if cid else f"заданию «{s}.{t}»"
            bad(
                f"работа «{e}» по {what} не отмечена «{NEEDS_REVIEW}»: оценки экспертов расходятся не больше "
                "допустимого, решение не требуется",
                "entry_id",
            )
            continue
        if cid:
            scored = {jj for (ee, jj, cc) in base_key if ee == e and cc == cid}
        else:
            task_crit = {c.id for c in contest.task(s, t).criteria}
            scored = {jj for (ee, jj, cc) in base_key if ee == e and cc in task_crit}
        if j and j not in scored:
            bad(
                f"эксперт «{j}» не оценивал работу «{e}» по этому критерию (оценивали: {', '.join(sorted(scored))})",
                "juror_id",
            )
            continue
        if not value:
            bad(f"решение не заполнено: впишите новый балл (число) или «{KEEP}»", "new_score")
            continue
        if keep:
            (keep_c.add((e, cid)) if cid else keep_t.add((e, s, t)))
            log.append((e, s, t, cid, j, float("nan"), float("nan"), KEEP, reason))
            continue
        if not cid:
            bad("новый балл ставится по критерию: укажите критерий (или «оставить» для задания)", "task_id")
            continue
        if not j:
            bad("укажите эксперта, чей балл меняется", "juror_id")
            continue
        try:
            v = float(value.replace(",", "."))
        except ValueError:
            bad(f"ожидался новый балл (число) или «{KEEP}», получено «{value}»", "new_score")
            continue
        c = crit[cid]
        if not (c.min <= v <= c.max):
            bad(f"балл {v:g} вне диапазона критерия «{cid}»: от {c.min:g} до {c.max:g}", "new_score")
            continue
        if not reason:
            bad("у изменённого балла должно быть основание", "reason")
            continue
        i = pos[(e, j, cid)]
        log.append((e, s, t, cid, j, float(base.at[i, "score"]), v, "изменён балл", reason))
        new_scores[i] = v
    if issues:
        raise ContestError(issues)
    out = base.assign(score=new_scores)
    after = spread_flags(contest, out)
    is_open = [
        not (
            (r.entry_id, r.criterion_id) in keep_c
            if r.criterion_id
            else (r.entry_id, r.stage_id, r.task_id) in keep_t
        )
        for r in after.itertuples()
    ]
    still = after.loc[pd.Series(is_open, index=after.index, dtype=bool)].reset_index(drop=True)
    open_keys = set(zip(still["entry_id"], still["stage_id"], still["task_id"], still["criterion_id"]))
    changed = {(x[0], x[1], x[2], x[3]) for x in log if x[7] != KEEP}
    changed_t = {(x[0], x[1], x[2]) for x in log if x[7] != KEEP}
    status = []
    for r in flags.itertuples():
        k = (r.entry_id, r.stage_id, r.task_id, r.criterion_id)
        if k in open_keys:
            status.append("не согласовано")
        elif (r.entry_id, r.criterion_id) in keep_c or (
            not r.criterion_id and (r.entry_id, r.stage_id, r.task_id) in keep_t
        ):
            status.append("оставлено")
        elif k in changed or (not r.criterion_id and (r.entry_id, r.stage_id, r.task_id) in changed_t):
            status.append("изменены оценки")
        else:
            status.append("согласовано")
    decisions_df = pd.DataFrame(
        log,
        columns=[
            "entry_id",
            "stage_id",
            "task_id",
            "criterion_id",
            "juror_id",
            "old_score",
            "new_score",
            "decision",
            "reason",
        ],
    )
    return Reconciliation(out, flags.assign(status=status), decisions_df, still)
