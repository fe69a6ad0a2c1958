"""Reading and checking jury scores: long-form tables or filled score sheets.

Two input forms are accepted (docs/formats.md §8 and §9: ``SCORES`` is a
long-form CSV/xlsx or a folder of filled per-juror sheets):

* long form — a CSV (UTF-8, UTF-8 with BOM or cp1251; separator ``,``, ``;``
  or tab; decimal comma accepted) or an ``.xlsx`` sheet with the columns
  ``entry_id`` «Код работы», ``juror_id`` «Код эксперта», ``criterion_id``
  «Код критерия», ``score`` «Балл» (points);
* a folder of sheets written by :mod:`contest.sheets` and filled by the
  jurors (a single filled sheet ``.xlsx`` is accepted too).

Whatever the form, :func:`load_scores` checks everything and reports every
problem at once, naming file, sheet, row or cell: unknown entry, juror or
criterion; non-numeric or out-of-range scores; duplicated scores; two sheets
of one juror for one stage; a juror scoring an entry they are recused from or
were not assigned by the deterministic jury plan (:func:`contest.assign_jury`,
recomputed from the same contest and people files; for sheets issued in the
earlier format ``tandem.contest.sheet/1`` with ``planner="model"``, the plan
they were issued with); an entry scored at a
stage it did not advance to; missing scores of an assigned juror. A stage
with no scores at all is "not yet scored" and is not an error. Nothing is
dropped silently.

Reading safety: workbooks pass :func:`tandem.xlsx.check_xlsx` (format,
password, size, DTD, row and cell limits) and CSV text
:func:`tandem.xlsx.read_text_file` (empty, UTF-16 and binary files are
refused). A code that is unknown but matches a known one up to look-alike
Latin / Cyrillic letters (``Е01`` / ``E01``, ``К1`` / ``K1``) is reported
with the letters and their positions, never mapped silently. The name of a
filled sheet's file does not matter (a renamed file is read by its hidden
sheet); two sheets of one juror for one stage are refused.

This module reads; the checks across rows (repeated, recused, unplanned and
missing scores) are :func:`contest.scores.check_scores`, and the jury plan
they check against is :func:`contest.advance.expected_assignment`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from contest.model import ContestError
from contest.people import match_columns
from contest.roster import People, text
from contest.scores import ScoreSet, _issue, check_scores
from contest.sheet_format import FORMATS, META, SCORE_COLUMNS, fmt_num, parse_number
from contest.sheets_read import read_sheet
from tandem.errors import Issue, lookalike_hint

__all__ = [
    "ADJ_COLUMNS",
    "LONG_COLUMNS",
    "ScoreSet",
    "load_adjustments",
    "load_scores",
    "read_folder",
    "read_long",
    "read_table",
]

#: English name → (Russian header, required) of a long-form score table.
LONG_COLUMNS = {
    "entry_id": ("Код работы", True),
    "juror_id": ("Код эксперта", True),
    "criterion_id": ("Код критерия", True),
    "score": ("Балл", True),
}

#: English name → (Russian header, required) of an adjustments table.
ADJ_COLUMNS = {
    "entry_id": ("Код работы", True),
    "stage_id": ("Этап", True),
    "points": ("Баллы", True),
    "reason": ("Основание", False),
}


def read_table(path: Path, sheet_names=("Баллы", "scores")) -> tuple[pd.DataFrame, str | None]:
    """Read a CSV or the first matching sheet of an xlsx as text cells.

    Returns
    -------
    (DataFrame, sheet)
        All cells as Python objects (CSV: str), and the sheet name used
        (``None`` for CSV).

    Raises
    ------
    ContestError
        Unreadable file or undecodable text.
    """
    from tandem.errors import InputError
    from tandem.xlsx import check_xlsx, read_text_file

    if path.suffix.lower() == ".csv":
        try:
            txt = read_text_file(path)
        except InputError as exc:
            raise ContestError(exc.issues) from None
        first = txt.splitlines()[0] if txt.strip() else ""
        sep = max((";", ",", "\t"), key=first.count) if first else ","
        try:
            df = pd.read_csv(
                io.StringIO(txt), sep=sep, dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
            raise ContestError(
                Issue(
                    f"не удалось разобрать CSV: {str(exc).strip()[:200]}; проверьте кавычки и разделители",
                    file=path.name,
                )
            ) from None
        return df, None
    try:
        check_xlsx(path)
    except InputError as exc:
        raise ContestError(exc.issues) from None
    try:
        book = pd.read_excel(path, sheet_name=None, engine="calamine", dtype=object)
    except Exception:
        raise ContestError(
            Issue(
                "не удалось прочитать книгу Excel (.xlsx); проверьте, что файл сохранён как "
                "«Книга Excel (.xlsx)» и открывается в Excel",
                file=path.name,
            )
        ) from None
    wanted = {s.lower() for s in sheet_names}
    for name, df in book.items():
        if str(name).strip().lower() in wanted:
            return df, name
    name = next(iter(book))
    return book[name], name


def _criteria(contest) -> dict:
    """criterion_id → (stage_id, Criterion)."""
    return {c.id: (s.id, c) for s in contest.stages for t in s.tasks for c in t.criteria}


def read_long(path: Path, contest, people: People, issues: list[Issue]) -> pd.DataFrame:
    """Read a long-form table; row-level problems go to ``issues``.

    Returns
    -------
    DataFrame
        :data:`contest.sheets.SCORE_COLUMNS` plus ``row`` and ``column``
        (location of each score), only the rows without problems.
    """
    df, sheet = read_table(path)
    where = {"file": path.name, "sheet": sheet}
    cols = match_columns(df, LONG_COLUMNS, where, issues)
    if len(cols) < len(LONG_COLUMNS):
        return pd.DataFrame(columns=SCORE_COLUMNS + ["row", "column"])
    crit = _criteria(contest)
    entries = set(people.entries["entry_id"])
    jurors = set(people.jury["juror_id"])
    rows = []
    for i, rec in enumerate(df.to_dict("records")):
        r = i + 2
        v = {k: rec.get(c) for k, c in cols.items()}
        if all(text(x) == "" for x in v.values()):
            continue
        loc = {"file": path.name, "sheet": sheet, "row": r}
        eid, jid, cid = text(v["entry_id"]), text(v["juror_id"]), text(v["criterion_id"])
        ok = True
        for key, val, known, what in (
            ("entry_id", eid, entries, "работы"),
            ("juror_id", jid, jurors, "эксперта"),
        ):
            if not val:
                issues.append(_issue({**loc, "column": str(cols[key])}, f"пустой код {what}"))
                ok = False
            elif val not in known:
                issues.append(
                    _issue(
                        {**loc, "column": str(cols[key])},
                        f"неизвестный код {what} «{val}» (нет в файле участников и жюри)"
                        + lookalike_hint(val, known),
                    )
                )
                ok = False
        if cid not in crit:
            issues.append(
                _issue(
                    {**loc, "column": str(cols["criterion_id"])},
                    f"неизвестный код критерия «{cid}»{lookalike_hint(cid, crit)}; "
                    f"в конкурсе: {', '.join(crit)}",
                )
            )
            continue
        stage_id, c = crit[cid]
        x = parse_number(v["score"])
        ids_ok = ok
        sloc = {**loc, "column": str(cols["score"])}
        if text(v["score"]) == "":
            issues.append(_issue(sloc, f"нет балла; ожидалось число от {fmt_num(c.min)} до {fmt_num(c.max)}"))
            ok = False
        elif x is None:
            issues.append(
                _issue(
                    sloc,
                    f"ожидалось число от {fmt_num(c.min)} до {fmt_num(c.max)}, получено «{text(v['score'])}»",
                )
            )
            ok = False
        elif not (c.min <= x <= c.max):
            issues.append(
                _issue(
                    sloc,
                    f"балл {fmt_num(x)} вне диапазона {fmt_num(c.min)}–{fmt_num(c.max)} (критерий {cid})",
                )
            )
            ok = False
        if ids_ok:  # invalid scores are kept (valid=False) so that they are not reported again as missing
            rows.append(
                (eid, jid, cid, x if ok else None, stage_id, path.name, sheet, "", ok, r, str(cols["score"]))
            )
    return pd.DataFrame(rows, columns=SCORE_COLUMNS + ["row", "column"])


def read_folder(
    paths: list[Path], contest, people: People, issues: list[Issue], model_stages: set | None = None
) -> pd.DataFrame:
    """Read filled score sheets; sheet-level problems go to ``issues``.

    ``model_stages``, when given, receives the stages of sheets issued in the earlier format
    ``tandem.contest.sheet/1``: their jury plan was made by the full model at any size
    (``assign_jury(..., planner="model")``).
    """
    frames = []
    seen: dict[tuple[str, str], str] = {}
    jurors = set(people.jury["juror_id"])
    for p in paths:
        res = read_sheet(p, contest)
        issues.extend(res.issues)
        if model_stages is not None and res.manifest_format == FORMATS[0] and res.stage_id:
            model_stages.add(res.stage_id)
        if (
            res.juror_id
            and res.stage_id
            and not any("другой версии" in i.message or "другого конкурса" in i.message for i in res.issues)
        ):
            if res.juror_id not in jurors:
                issues.append(
                    Issue(f"эксперта «{res.juror_id}» нет в листе «Жюри» файла участников", file=p.name)
                )
                continue
            key = (res.juror_id, res.stage_id)
            if key in seen:
                issues.append(
                    Issue(
                        f"второй лист эксперта {res.juror_id} за этап {res.stage_id}: "
                        f"уже прочитан файл «{seen[key]}»; оставьте один из них",
                        file=p.name,
                    )
                )
                continue
            seen[key] = p.name
        frames.append(res.scores)
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SCORE_COLUMNS)
    df["row"] = None
    df["column"] = ""
    return df


def load_scores(path, contest, people: People, decisions=None, where=None, adjustments=None) -> ScoreSet:
    """Read and check the scores of a contest.

    Parameters
    ----------
    path : str or Path
        A long-form ``.csv`` / ``.xlsx``, a filled score sheet ``.xlsx``, or a
        folder of filled sheets (``*.xlsx``; Excel lock files ``~$*`` are
        skipped).
    contest : Contest
    people : People
    decisions, where : optional
        The chair's reconciliation decisions and their context
        (:func:`contest.reconcile_io.load_decisions`): the scores of a later
        stage are checked against the entries that advanced after the
        decisions (:func:`contest.advance.expected_assignment`); the scores
        returned are the scores as entered.
    adjustments : DataFrame, optional
        Bonuses and penalties (:func:`load_adjustments`): those of the earlier
        stages count in the stage totals that decide which entries a later
        stage's scores are checked against, as in the protocol.

    Returns
    -------
    ScoreSet

    Raises
    ------
    ContestError
        Listing every problem (see the module docstring).
    """
    path = Path(path)
    issues: list[Issue] = []
    model_stages: set = set()
    if path.is_dir():
        files = sorted(
            p for p in path.iterdir() if p.suffix.lower() == ".xlsx" and not p.name.startswith(("~$", "."))
        )
        for other in sorted(path.iterdir()):
            if other.suffix.lower() in (".xls", ".xlsm", ".ods", ".csv") and not other.name.startswith(
                ("~$", ".")
            ):
                issues.append(
                    Issue(
                        "в папке оценочных листов принимаются только файлы .xlsx, выданные командой "
                        "«python -m contest sheets»; этот файл не прочитан — уберите его из папки "
                        "или сохраните лист как .xlsx",
                        file=other.name,
                    )
                )
        if not files:
            raise ContestError(
                issues + [Issue("в папке нет файлов .xlsx с оценочными листами", file=path.name)]
            )
        raw = read_folder(files, contest, people, issues, model_stages)
    elif not path.exists():
        raise ContestError(Issue("файл не найден", file=path.name))
    else:
        files = [path]
        if path.suffix.lower() == ".xlsx" and _is_sheet(path):
            raw = read_folder(files, contest, people, issues, model_stages)
        else:
            raw = read_long(path, contest, people, issues)
    if not issues and raw.empty:
        issues.append(Issue("нет ни одного балла", file=path.name))
    plan = check_scores(contest, people, raw, issues, model_stages, decisions, where, adjustments)
    if issues:
        raise ContestError(issues)
    out = raw[raw["valid"].astype(bool)][["entry_id", "juror_id", "criterion_id", "score", "stage_id"]].copy()
    out["score"] = out["score"].astype(float)
    # sorted by entry, juror and the criteria's order in the contest (rows are unique in these three)
    order = {c: i for i, c in enumerate(_criteria(contest))}
    e, _ = pd.factorize(out["entry_id"], sort=True)
    j, _ = pd.factorize(out["juror_id"], sort=True)
    k, crits = pd.factorize(out["criterion_id"], use_na_sentinel=False)  # each distinct criterion once
    o = (
        np.array([order.get(c, np.nan) for c in crits], dtype=np.int64)[k]
        if len(crits)
        else np.zeros(0, np.int64)
    )
    out = out.iloc[np.lexsort((o, j, e))].reset_index(drop=True)
    return ScoreSet(scores=out, assignment=plan, files=files)


def _is_sheet(path: Path) -> bool:
    try:
        from python_calamine import CalamineWorkbook

        return META in CalamineWorkbook.from_path(str(path)).sheet_names
    except Exception:
        return False


def load_adjustments(path, contest, people: People) -> pd.DataFrame:
    """Read bonuses and penalties (CSV or xlsx).

    Columns ``entry_id`` «Код работы», ``stage_id`` «Этап», ``points``
    «Баллы» (points; penalties negative), ``reason`` «Основание» (optional).

    Returns
    -------
    DataFrame
        ``entry_id``, ``stage_id`` (str), ``points`` (float), ``reason`` (str).

    Raises
    ------
    ContestError
        Unknown entry or stage, non-numeric points, missing columns.
    """
    path = Path(path)
    if not path.exists():
        raise ContestError(Issue("файл не найден", file=path.name))
    df, sheet = read_table(path, ("Корректировки", "adjustments"))
    issues: list[Issue] = []
    where = {"file": path.name, "sheet": sheet}
    cols = match_columns(df, ADJ_COLUMNS, where, issues)
    rows = []
    if not issues:
        entries = set(people.entries["entry_id"])
        stages = [s.id for s in contest.stages]
        for i, rec in enumerate(df.to_dict("records")):
            r = i + 2
            v = {k: rec.get(c) for k, c in cols.items()}
            if all(text(x) == "" for x in v.values()):
                continue
            eid, sid, pts = text(v["entry_id"]), text(v["stage_id"]), parse_number(v["points"])
            if eid not in entries:
                issues.append(
                    Issue(
                        f"неизвестный код работы «{eid}»{lookalike_hint(eid, entries)}",
                        path.name,
                        sheet,
                        r,
                        str(cols["entry_id"]),
                    )
                )
            if sid not in stages:
                issues.append(
                    Issue(
                        f"неизвестный этап «{sid}»; ожидалось одно из: {', '.join(stages)}",
                        path.name,
                        sheet,
                        r,
                        str(cols["stage_id"]),
                    )
                )
            if pts is None:
                issues.append(
                    Issue(
                        f"ожидалось число баллов (штраф — со знаком минус), получено «{text(v['points'])}»",
                        path.name,
                        sheet,
                        r,
                        str(cols["points"]),
                    )
                )
            rows.append((eid, sid, pts, text(v.get("reason"))))
    if issues:
        raise ContestError(issues)
    return pd.DataFrame(rows, columns=["entry_id", "stage_id", "points", "reason"])
