"""Validation of long-form scores and adjustments before scoring.

Every problem is collected as an :class:`~tandem.errors.Issue` that names the
row as a sheet with a header shows it (DataFrame row index + 2, or the
``source_row`` column when the reader put one there) and the column, and one
:class:`~contest.model.ContestError` lists all of them.

Optional location columns in ``scores`` (written by readers that merge many
files): ``source_file``, ``source_sheet``, ``source_row``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from contest.model import Contest, ContestError
from tandem.errors import Issue

SCORE_COLUMNS = ("entry_id", "juror_id", "criterion_id", "score")
ADJUSTMENT_COLUMNS = ("entry_id", "stage_id", "points", "reason")
_ID_NAMES = {
    "entry_id": "код заявки",
    "juror_id": "код эксперта",
    "criterion_id": "код критерия",
    "stage_id": "код этапа",
}


def _one_id(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return str(int(f)) if np.isfinite(f) and f == int(f) else repr(f)
    text = str(v).strip()
    return text or None


def as_id(s: pd.Series) -> pd.Series:
    """Identifiers as text: ``7`` and ``7.0`` → ``"7"``, surrounding spaces removed, empty → missing.

    Works on the distinct values only (fast for long score tables). Returns a
    Series of dtype ``object`` holding ``str`` or ``None``.
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    table = np.array([_one_id(v) for v in uniques] + [None], dtype=object)
    return pd.Series(table[codes], index=s.index, dtype=object)


def as_id_codes(s: pd.Series) -> pd.Categorical:
    """Identifiers as a Categorical with sorted text categories (missing → NaN).

    One factorisation of the column; the distinct values are normalised like
    :func:`as_id`. Grouping and sorting on the codes is then cheap, and code
    order equals text order.
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    mapped = [_one_id(v) for v in uniques]
    cats = sorted({m for m in mapped if m is not None})
    index = {c: i for i, c in enumerate(cats)}
    table = np.array([index[m] if m is not None else -1 for m in mapped] + [-1], dtype=np.int64)
    return pd.Categorical.from_codes(table[codes], categories=pd.Index(cats, dtype=object))


def id_set(obj: Any, column: str) -> set[str] | None:
    """Known ids from a DataFrame column, a Series or an iterable; ``None`` when ``obj`` is None."""
    if obj is None:
        return None
    if isinstance(obj, pd.DataFrame):
        if column not in obj.columns:
            raise ContestError(Issue(f"в таблице нет столбца «{column}»", column=column))
        s = obj[column]
    elif isinstance(obj, pd.Series):
        s = obj
    else:
        s = pd.Series(list(obj), dtype=object)
    return {v for v in as_id(s.reset_index(drop=True)) if v is not None}


def _locations(df: pd.DataFrame, source: str | None) -> pd.DataFrame:
    """file / sheet / row of each input row."""
    n = len(df)
    if "source_row" in df.columns:
        rows = pd.to_numeric(df["source_row"], errors="coerce").to_numpy()
    elif pd.api.types.is_integer_dtype(df.index):
        rows = df.index.to_numpy() + 2
    else:
        rows = np.arange(n) + 2
    files = (
        df["source_file"].astype(object).to_numpy()
        if "source_file" in df.columns
        else np.full(n, source, dtype=object)
    )
    sheets = (
        df["source_sheet"].astype(object).to_numpy()
        if "source_sheet" in df.columns
        else np.full(n, None, dtype=object)
    )
    return pd.DataFrame({"_file": files, "_sheet": sheets, "_row": rows}, index=df.index)


def _issue(loc: pd.DataFrame, idx, message: str, column: str | None) -> Issue:
    f, sh, r = loc.at[idx, "_file"], loc.at[idx, "_sheet"], loc.at[idx, "_row"]
    row = None if r is None or (isinstance(r, float) and np.isnan(r)) else int(r)
    return Issue(
        message,
        file=None if pd.isna(f) else str(f),
        sheet=None if pd.isna(sh) else str(sh),
        row=row,
        column=column,
    )


def _short_list(values: Iterable[str], limit: int = 15) -> str:
    values = list(values)
    text = ", ".join(values[:limit])
    return text + (f" … (всего {len(values)})" if len(values) > limit else "")


def _numbers(s: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Parse numbers (a decimal comma is accepted). Returns values, missing mask, bad mask."""
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        num = s.astype(float)
        missing = num.isna().to_numpy()
        bad = ~missing & ~np.isfinite(num.to_numpy())
        return num, missing, bad
    text = s.astype(object).where(s.notna(), None)
    txt = (
        text.astype(str).str.strip().str.replace(",", ".", regex=False).str.replace("\u00a0", "", regex=False)
    )
    missing = (text.isna() | (txt == "")).to_numpy()
    bools = text.map(lambda v: isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool)
    num = pd.to_numeric(txt.where(~missing, None), errors="coerce").astype(float)
    bad = ~missing & (num.isna().to_numpy() | ~np.isfinite(num.to_numpy()) | bools)
    return num.where(~bad), missing, bad


def validate_scores(
    contest: Contest,
    scores: pd.DataFrame,
    entries: set[str] | None,
    jury: set[str] | None,
    source: str | None = None,
) -> pd.DataFrame:
    """Check long-form scores against the contest and return them clean.

    Parameters
    ----------
    contest : Contest
    scores : DataFrame
        ``entry_id, juror_id, criterion_id`` (ids; numbers are read as text)
        and ``score`` (points; text with a decimal comma is accepted).
    entries, jury : set of str or None
        Known entry / juror ids; ``None`` = not checked.
    source : str, optional
        File name for the messages.

    Returns
    -------
    DataFrame
        ``entry_id, juror_id, criterion_id, stage_id, task_id`` (categorical
        with text categories, sorted), ``score`` (float, points), ``crit_pos``
        (int, definition order), ``row`` (sheet row); sorted by entry, juror,
        criterion order.

    Raises
    ------
    ContestError
        Missing columns; missing ids; unknown entry (when ``entries``),
        juror (when ``jury``) or criterion; non-numeric or missing score;
        score outside ``[min, max]`` of its criterion; duplicate
        (entry, juror, criterion); a juror who scored some but not all
        criteria of a task for an entry. All problems are listed.
    """
    if not isinstance(scores, pd.DataFrame):
        raise ContestError(
            Issue("оценки должны быть таблицей со столбцами " + ", ".join(SCORE_COLUMNS), file=source)
        )
    absent = [c for c in SCORE_COLUMNS if c not in scores.columns]
    if absent:
        raise ContestError(
            Issue(
                "в таблице оценок нет столбцов: " + ", ".join(absent) + "; нужны " + ", ".join(SCORE_COLUMNS),
                file=source,
            )
        )
    loc = _locations(scores, source)
    issues: list[tuple[int, Issue]] = []  # (position, issue) to keep row order
    n = len(scores)
    index = scores.index
    ids = {c: as_id_codes(scores[c]) for c in ("entry_id", "juror_id", "criterion_id")}
    ok = np.ones(n, dtype=bool)

    def text(col: str, i: int) -> str:
        return str(ids[col][i])

    def add(mask: np.ndarray, make, column: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        for i in np.flatnonzero(mask):
            issues.append((int(i), _issue(loc, index[i], make(int(i)), column)))
        ok[mask] = False

    for col in ("entry_id", "juror_id", "criterion_id"):
        add(ids[col].codes < 0, lambda i, col=col: f"не указан {_ID_NAMES[col]}", col)

    num, missing, bad = _numbers(scores["score"])
    score_v = num.to_numpy(dtype=float)
    add(missing, lambda i: "оценка не указана", "score")
    add(bad, lambda i: f"оценка должна быть числом, получено «{scores['score'].iloc[i]}»", "score")

    crit = contest.criteria_frame()
    crit_pos = {c: k for k, c in enumerate(crit["criterion_id"])}
    ccats = ids["criterion_id"].categories
    ptable = np.array([crit_pos.get(c, -1) for c in ccats] + [-1], dtype=np.int64)
    ccodes = ids["criterion_id"].codes
    cp = ptable[ccodes]
    unknown_c = (ccodes >= 0) & (cp < 0)
    add(
        unknown_c,
        lambda i: (
            f"неизвестный критерий «{text('criterion_id', i)}»; критерии конкурса: "
            + _short_list(crit["criterion_id"])
        ),
        "criterion_id",
    )
    for col, known, what in (
        ("entry_id", entries, "заявка «{}» не найдена в списке участников"),
        ("juror_id", jury, "эксперт «{}» не найден в составе жюри"),
    ):
        if known is not None:
            cats = ids[col].categories
            bad_cat = np.array([c not in known for c in cats] + [False], dtype=bool)
            add(bad_cat[ids[col].codes], lambda i, col=col, what=what: what.format(text(col, i)), col)

    cmin = np.append(crit["min"].to_numpy(dtype=float), np.nan)[cp]
    cmax = np.append(crit["max"].to_numpy(dtype=float), np.nan)[cp]
    with np.errstate(invalid="ignore"):
        out_of = ok & (cp >= 0) & ((score_v < cmin - 1e-9) | (score_v > cmax + 1e-9))
    add(
        out_of,
        lambda i: (
            f"оценка {_fmt(score_v[i])} вне шкалы критерия «{text('criterion_id', i)}» "
            f"(от {_fmt(cmin[i])} до {_fmt(cmax[i])})"
        ),
        "score",
    )

    ecode, jcode = ids["entry_id"].codes.astype(np.int64), ids["juror_id"].codes.astype(np.int64)
    ids_ok = (ecode >= 0) & (jcode >= 0) & (cp >= 0)
    key = pd.DataFrame({"e": ecode, "j": jcode, "c": cp})
    dup = ids_ok & key.duplicated(keep="first").to_numpy()
    if dup.any():
        firsts = key[ids_ok & ~dup]
        first_row = dict(zip(map(tuple, firsts.to_numpy()), loc["_row"].to_numpy()[firsts.index]))
        add(
            dup,
            lambda i: (
                "повторная оценка: заявка «{}», эксперт «{}», критерий «{}» уже оценены в строке {}".format(
                    text("entry_id", i),
                    text("juror_id", i),
                    text("criterion_id", i),
                    _fmt(first_row[tuple(key.iloc[i])]),
                )
            ),
            "score",
        )

    # completeness: a juror who scored some criteria of a task for an entry scores all of them
    good = ids_ok & ~dup
    task_of = np.append(crit.groupby(["stage_id", "task_id"], sort=False).ngroup().to_numpy(), -1)
    n_need = crit.groupby(["stage_id", "task_id"], sort=False)["criterion_id"].transform("size").to_numpy()
    g = pd.DataFrame({"e": ecode, "j": jcode, "t": task_of[cp]})[good]
    cnt = g.groupby(["e", "j", "t"], sort=False)["t"].transform("size").to_numpy()
    need = np.append(n_need, 0)[cp[good]]
    short = cnt < need
    if short.any():
        pos_good = np.flatnonzero(good)
        seen = set()
        for k in np.flatnonzero(short):
            i = int(pos_good[k])
            grp = (ecode[i], jcode[i], task_of[cp[i]])
            if grp in seen:
                continue
            seen.add(grp)
            members = pos_good[
                (g["e"].to_numpy() == grp[0]) & (g["j"].to_numpy() == grp[1]) & (g["t"].to_numpy() == grp[2])
            ]
            have = {int(cp[m]) for m in members}
            s_id, t_id = crit.iloc[int(cp[i])][["stage_id", "task_id"]]
            lacking = [
                crit.at[q, "criterion_id"] for q in range(len(crit)) if task_of[q] == grp[2] and q not in have
            ]
            first = int(members.min())
            issues.append(
                (
                    first,
                    _issue(
                        loc,
                        index[first],
                        f"эксперт «{text('juror_id', i)}» оценил заявку «{text('entry_id', i)}» по "
                        f"заданию «{s_id}.{t_id}» не по всем критериям: нет оценок по {', '.join(lacking)}",
                        "criterion_id",
                    ),
                )
            )
    if issues:
        issues.sort(key=lambda x: x[0])
        raise ContestError([i for _, i in issues])

    stage_cat = pd.Categorical(crit["stage_id"], categories=sorted(set(crit["stage_id"])))
    task_cat = pd.Categorical(crit["task_id"], categories=sorted(set(crit["task_id"])))
    out = pd.DataFrame(
        {
            "entry_id": ids["entry_id"],
            "juror_id": ids["juror_id"],
            "criterion_id": pd.Categorical.from_codes(
                cp, categories=pd.Index(list(crit["criterion_id"]), dtype=object)
            ),
            "score": score_v,
            "stage_id": pd.Categorical.from_codes(
                np.asarray(stage_cat.codes)[cp], categories=stage_cat.categories
            ),
            "task_id": pd.Categorical.from_codes(
                np.asarray(task_cat.codes)[cp], categories=task_cat.categories
            ),
            "crit_pos": cp.astype(np.int64),
            "row": loc["_row"].to_numpy(),
        }
    )
    if "source_file" in scores.columns:
        out["source_file"] = scores["source_file"].to_numpy()
    if "source_sheet" in scores.columns:
        out["source_sheet"] = scores["source_sheet"].to_numpy()
    order = np.lexsort((cp, jcode, ecode))
    return out.iloc[order].reset_index(drop=True)


def to_text(
    frame: pd.DataFrame, columns=("entry_id", "juror_id", "criterion_id", "stage_id", "task_id")
) -> pd.DataFrame:
    """Categorical id columns → plain text columns (fast: a take on the categories)."""
    frame = frame.copy()
    for c in columns:
        if c in frame.columns and isinstance(frame[c].dtype, pd.CategoricalDtype):
            cat = frame[c].array
            values = np.append(cat.categories.to_numpy(dtype=object), None)[cat.codes]
            frame[c] = pd.array(values, dtype="str")
    return frame


def validate_adjustments(
    contest: Contest, adjustments: pd.DataFrame | None, entries: set[str] | None, source: str | None = None
) -> pd.DataFrame:
    """Check bonuses and penalties.

    Parameters
    ----------
    adjustments : DataFrame or None
        ``entry_id, stage_id, points`` (points, penalties negative) and
        optional ``reason`` (text).

    Returns
    -------
    DataFrame
        ``entry_id, stage_id`` (str), ``points`` (float), ``reason`` (str),
        ``row`` (sheet row).

    Raises
    ------
    ContestError
        Missing columns or ids, unknown stage, unknown entry (when
        ``entries``), non-numeric points.
    """
    cols = list(ADJUSTMENT_COLUMNS) + ["row"]
    if adjustments is None or len(adjustments) == 0:
        return pd.DataFrame(
            {c: pd.Series(dtype=float if c == "points" else (np.int64 if c == "row" else str)) for c in cols}
        )
    absent = [c for c in ("entry_id", "stage_id", "points") if c not in adjustments.columns]
    if absent:
        raise ContestError(Issue("в таблице корректировок нет столбцов: " + ", ".join(absent), file=source))
    loc = _locations(adjustments, source)
    issues: list[Issue] = []
    e = as_id(adjustments["entry_id"])
    s = as_id(adjustments["stage_id"])
    num, missing, bad = _numbers(adjustments["points"])
    stage_ids = {st.id for st in contest.stages}
    for k, idx in enumerate(adjustments.index):
        if e[idx] is None:
            issues.append(_issue(loc, idx, f"не указан {_ID_NAMES['entry_id']}", "entry_id"))
        elif entries is not None and e[idx] not in entries:
            issues.append(_issue(loc, idx, f"заявка «{e[idx]}» не найдена в списке участников", "entry_id"))
        if s[idx] is None:
            issues.append(_issue(loc, idx, f"не указан {_ID_NAMES['stage_id']}", "stage_id"))
        elif s[idx] not in stage_ids:
            issues.append(
                _issue(
                    loc,
                    idx,
                    f"неизвестный этап «{s[idx]}»; этапы конкурса: "
                    + ", ".join(st.id for st in contest.stages),
                    "stage_id",
                )
            )
        if missing[k]:
            issues.append(_issue(loc, idx, "не указано число баллов корректировки", "points"))
        elif bad[k]:
            issues.append(
                _issue(
                    loc,
                    idx,
                    f"баллы корректировки должны быть числом, получено «{adjustments.at[idx, 'points']}»",
                    "points",
                )
            )
    if issues:
        raise ContestError(issues)
    reason = adjustments["reason"].fillna("").astype(str) if "reason" in adjustments.columns else ""
    out = pd.DataFrame(
        {
            "entry_id": e.astype(str).to_numpy(),
            "stage_id": s.astype(str).to_numpy(),
            "points": num.to_numpy(dtype=float),
            "reason": np.asarray(reason, dtype=object) if not isinstance(reason, str) else "",
            "row": loc["_row"].to_numpy(),
        }
    )
    out["reason"] = out["reason"].astype(str)
    return out


def _fmt(x: Any) -> str:
    """A number as people write it: 3 not 3.0, 2.5 with a point."""
    try:
        f = float(x)
    except (TypeError, ValueError):
        return str(x)
    if np.isfinite(f) and f == int(f):
        return str(int(f))
    return repr(f)
