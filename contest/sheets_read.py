"""Reading a filled score sheet and checking it against the contest (:func:`read_sheet`).

The sheets are written by :mod:`contest.sheets` in the format of
:mod:`contest.sheet_format`; the checks across sheets and against the jury
plan are :func:`contest.scores.check_scores`.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd

from contest.roster import text
from contest.sheet_format import (
    _LOOSE_ADDRESS,
    FORMAT,
    FORMATS,
    MAIN,
    META,
    SCORE_COLUMNS,
    _expand_manifest,
    _manifest_columns,
    _score_axes,
    fmt_num,
    parse_number,
    stage_criteria,
)
from tandem.errors import Issue
from tandem.xlsx import MAX_CELLS, column_number

#: Most score cells a format /2 manifest may span (entries × criteria): no more than a sheet may hold.
MAX_SCORE_CELLS = MAX_CELLS


@dataclass
class SheetRead:
    """What one filled sheet contained.

    Attributes
    ----------
    file : str
        File name.
    juror_id, stage_id, contest_version : str
        From the hidden sheet («_tandem»).
    manifest_format : str
        The hidden sheet's format (one of :data:`FORMATS`), ``""`` when not read.
    scores : DataFrame
        Columns ``entry_id``, ``juror_id``, ``criterion_id`` (str),
        ``score`` (float, points; NaN when invalid), ``stage_id`` (str),
        ``file``, ``sheet``, ``cell`` (str: where the score was read),
        ``valid`` (bool: the cell passed the checks).
    issues : list of Issue
        Problems found; the scores are only valid when this is empty.
    """

    file: str
    juror_id: str = ""
    stage_id: str = ""
    contest_version: str = ""
    manifest_format: str = ""
    scores: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SCORE_COLUMNS))
    issues: list = field(default_factory=list)


def _value(v):
    """A cell value as read by calamine, made what the checks expect: empty → ``None``; a date
    without time → ``datetime`` at midnight (as Excel shows it and openpyxl returns it)."""
    if v == "" and isinstance(v, str):
        return None
    if type(v) is _dt.date:
        return _dt.datetime(v.year, v.month, v.day)
    return v


_ADDRESS = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$", re.MULTILINE)


def _addresses(cells: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Row and column numbers (1-based) of cell addresses like ``"D12"``; 0 where not an address."""
    n = len(cells)
    joined = "\n".join(cells)
    found = _ADDRESS.findall(joined) if joined.count("\n") == n - 1 else []
    if len(found) == n:  # every address well-formed: one pass of the regex engine
        if not n:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        rows = np.array([r for _l, r in found], dtype=np.int64)
        letters = [letters for letters, _r in found]
        number_of = {k: column_number(k) for k in set(letters)}  # a few dozen distinct columns
        cols = np.fromiter(map(number_of.__getitem__, letters), dtype=np.int64, count=n)
        return rows, cols
    rows, cols = np.zeros(n, np.int64), np.zeros(n, np.int64)
    for i, cell in enumerate(cells):
        m = _LOOSE_ADDRESS.fullmatch(cell.strip())
        if m:
            rows[i], cols[i] = int(m.group(2)), column_number(m.group(1).upper())
    return rows, cols


def _lookup(grid: list[list], rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Values of the cells ``(rows[i], cols[i])`` (1-based) of a calamine grid; outside it ``None``."""
    h = len(grid)
    w = max((len(r) for r in grid), default=0)
    table = np.full((h, w), None, dtype=object)
    for i, row in enumerate(grid):
        table[i, : len(row)] = row
    out = np.full(len(rows), None, dtype=object)
    inside = (rows >= 1) & (rows <= h) & (cols >= 1) & (cols <= w)
    out[inside] = table[rows[inside] - 1, cols[inside] - 1]
    return out


def _error_cells(path: Path, sheet: str) -> dict[str, str]:
    """Cells of ``sheet`` that hold an Excel error value (``#DIV/0!``, ``#REF!`` …): address → error.

    The fast reader returns such cells as empty; the checks name the error as Excel shows it.
    Only called when a checked cell reads empty, so the usual file pays nothing for it.
    """
    import zipfile

    import defusedxml.ElementTree as SafeET

    main_ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        with zipfile.ZipFile(path) as zf:
            rels = {
                r.get("Id"): r.get("Target", "")
                for r in SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels")).iter()
                if r.get("Id")
            }
            target = next(
                (
                    rels.get(s.get(f"{rel_ns}id"), "")
                    for s in SafeET.fromstring(zf.read("xl/workbook.xml")).iter(f"{main_ns}sheet")
                    if s.get("name") == sheet
                ),
                "",
            )
            member = target.lstrip("/") if target.startswith("/") else "xl/" + target
            data = zf.read(member).decode("utf-8", errors="replace")
    except Exception:
        return {}
    out = {}
    for attrs, body in re.findall(r"<(?:\w+:)?c\b([^>]*?)(?<!/)>(.*?)</(?:\w+:)?c>", data, re.DOTALL):
        if not re.search(r'\bt="e"', attrs):
            continue
        addr = re.search(r'\br="([A-Z]{1,3}[0-9]+)"', attrs)
        v = re.search(r"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>", body)
        if addr and v:
            out[addr.group(1)] = v.group(1)
    return out


def read_sheet(path, contest) -> SheetRead:
    """Read one filled score sheet and check it against ``contest``.

    Checks: the file is a sheet of this workbench (hidden sheet present), of
    this contest (name) and this version of its definition
    (:attr:`Contest.version`), of a stage that exists; the visible sheet is
    still called «Оценочный лист»; every entry-id and criterion-id cell still
    holds what was written (rows or columns not moved, ids not changed);
    every score cell holds a number within the criterion's ``min..max``.
    The file is checked first by :func:`tandem.xlsx.check_xlsx` (not a
    workbook, password, size, DTD); a score cell holding a formula is read by
    its saved value, and one without a saved value is reported as such.
    Juror and assignment checks need the people and are done by
    :func:`contest.scores.check_scores`.

    The cells are read by python-calamine; the usual score cell (a number
    within its range) is checked for all cells at once, and every other
    cell — ids, and scores that are text, empty or out of range — by the
    cell-by-cell rules that word the messages.

    Returns
    -------
    SheetRead
        With ``issues`` naming file, sheet and cell, e.g. «файл «Ж03_S1.xlsx»,
        лист «Оценочный лист»: ячейка D12: балл 5 вне диапазона 0–3».
    """
    path = Path(path)
    res = SheetRead(file=path.name)

    def bad(msg, sheet=None):
        res.issues.append(Issue(msg, file=path.name, sheet=sheet))

    from python_calamine import CalamineWorkbook

    from tandem.errors import InputError
    from tandem.xlsx import check_xlsx

    try:
        formulas = check_xlsx(path)
    except InputError as exc:
        res.issues.extend(exc.issues)
        return res
    unreadable = "не удалось открыть как книгу Excel (.xlsx); используйте выданный файл, сохранённый в Excel"
    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheetnames = list(wb.sheet_names)
        meta = wb.get_sheet_by_name(META).to_python(skip_empty_area=False) if META in sheetnames else None
    except Exception:  # damaged parts that the zip check does not see
        bad(unreadable)
        return res
    if meta is None:
        bad(
            "это не оценочный лист, созданный командой «python -m contest sheets» "
            "(нет служебного листа); используйте выданный файл"
        )
        return res

    def mcell(r: int, c: int):
        row = meta[r - 1] if 0 < r <= len(meta) else ()
        return _value(row[c - 1]) if 0 < c <= len(row) else None

    info = {}
    r = 1
    while r < 50 and mcell(r, 1) not in (None, "kind"):
        info[text(mcell(r, 1))] = text(mcell(r, 2))
        r += 1
    while r < 60 and mcell(r, 1) != "kind":
        r += 1
    if info.get("format") not in FORMATS:
        bad(f"неизвестный формат служебного листа «{info.get('format', '')}»; ожидался {FORMAT}")
        return res
    res.juror_id, res.stage_id = info.get("juror_id", ""), info.get("stage_id", "")
    res.contest_version = info.get("contest_version", "")
    res.manifest_format = info["format"]
    if info.get("contest_name") != contest.name:
        bad(f"лист другого конкурса: «{info.get('contest_name')}», ожидался «{contest.name}»")
        return res
    if res.contest_version != contest.version:
        bad(
            f"лист выдан для другой версии описания конкурса ({res.contest_version}), "
            f"текущая версия {contest.version}: правила или критерии изменились после выдачи листов; "
            f"выдайте листы заново"
        )
        return res
    stage_ids = [s.id for s in contest.stages]
    if res.stage_id not in stage_ids:
        bad(f"неизвестный этап «{res.stage_id}»; в конкурсе этапы {', '.join(stage_ids)}")
        return res
    main = info.get("main_sheet", MAIN)
    if main not in sheetnames:
        bad(
            f"нет листа «{main}» (лист переименован или удалён); листы: {', '.join(n for n in sheetnames if n != META)}"
        )
        return res
    try:
        grid = wb.get_sheet_by_name(main).to_python(skip_empty_area=False)
    except Exception:
        bad(unreadable)
        return res
    crit = {c.id: c for _t_, c in stage_criteria(contest, res.stage_id)}

    # the manifest: rows of the hidden sheet after the «kind» header, up to the first empty kind
    body = meta[r:]  # row r + 1 onwards (1-based)
    columns = _manifest_columns(body)
    if info["format"] != FORMATS[0]:  # the score cells are the entries' rows × the criteria's columns
        axes = _score_axes(columns, crit)
        if len(axes[0]) * len(axes[1]) > MAX_SCORE_CELLS:
            limit = f"{MAX_SCORE_CELLS:,}".replace(",", " ")
            bad(
                f"служебный лист повреждён: {len(axes[0])} работ × {len(axes[1])} критериев — больше "
                f"{limit} ячеек баллов; используйте выданный файл"
            )
            return res
        columns = _expand_manifest(columns, axes)
    n = len(columns[0])
    values = _lookup(grid, *_addresses(columns[1]))
    kinds, cells, eids, cids = (np.array(col, dtype=object) for col in columns)
    values[values == ""] = None

    # scores: the usual cell — a number (not a boolean) within its criterion's range — checked at once
    is_score = kinds == "score"
    known = np.fromiter(map(crit.__contains__, columns[3]), dtype=bool, count=n) & is_score
    lo_of = {c: float(crit[c].min) for c in crit}
    hi_of = {c: float(crit[c].max) for c in crit}
    lo = np.fromiter(map(lo_of.get, columns[3], repeat(np.nan)), dtype=float, count=n)
    hi = np.fromiter(map(hi_of.get, columns[3], repeat(np.nan)), dtype=float, count=n)
    numeric = np.fromiter(map({float, int}.__contains__, map(type, values)), dtype=bool, count=n)
    x = np.full(n, np.nan)
    x[numeric] = values[numeric].astype(float)
    with np.errstate(invalid="ignore"):
        ok = known & numeric & (lo <= x) & (x <= hi)
    # every other manifest row, in order, by the rules that word the messages
    slow = np.flatnonzero(~is_score | (known & ~ok))
    if len(slow) and any(values[i] is None for i in slow):
        errors = _error_cells(path, main)
        if errors:
            for i in slow:
                if values[i] is None and cells[i] in errors:
                    values[i] = errors[cells[i]]
    for i in slow:
        kind, cell, eid, cid, value = kinds[i], cells[i], eids[i], cids[i], _value(values[i])
        where = f"ячейка {cell}"
        if kind == "entry":
            if text(value) != eid:
                bad(
                    f"{where}: ожидался код работы «{eid}», найдено «{text(value)}» "
                    f"(строки переставлены или код изменён)",
                    main,
                )
        elif kind == "criterion":
            if text(value) != cid:
                bad(
                    f"{where}: ожидался код критерия «{cid}», найдено «{text(value)}» "
                    f"(столбцы переставлены или код изменён)",
                    main,
                )
            if cid not in crit:
                bad(f"{where}: критерия «{cid}» нет в этапе {res.stage_id}", main)
        elif kind == "score":
            c = crit[cid]
            lo_, hi_ = fmt_num(c.min), fmt_num(c.max)
            v = parse_number(value)
            if value is None and cell in formulas.get(main, ()):
                bad(
                    f"{where}: формула без сохранённого значения (работа {eid}, критерий {cid}); впишите балл "
                    f"числом или откройте файл в Excel и сохраните его заново",
                    main,
                )
            elif value is None or text(value) == "":
                bad(
                    f"{where}: нет балла (работа {eid}, критерий {cid}); ожидалось число от {lo_} до {hi_}",
                    main,
                )
            elif v is None:
                bad(
                    f"{where}: ожидалось число от {lo_} до {hi_}, получено «{text(value)}» "
                    f"(работа {eid}, критерий {cid})",
                    main,
                )
            elif not (c.min <= v <= c.max):
                bad(
                    f"{where}: балл {fmt_num(v)} вне диапазона {lo_}–{hi_} (работа {eid}, критерий {cid})",
                    main,
                )
            else:
                x[i], ok[i] = v, True
    keep = np.flatnonzero(known)
    res.scores = pd.DataFrame(
        {
            "entry_id": eids[keep],
            "juror_id": res.juror_id,
            "criterion_id": cids[keep],
            "score": np.where(ok[keep], x[keep], np.nan),
            "stage_id": res.stage_id,
            "file": path.name,
            "sheet": main,
            "cell": cells[keep],
            "valid": ok[keep],
        },
        columns=SCORE_COLUMNS,
    )
    return res
