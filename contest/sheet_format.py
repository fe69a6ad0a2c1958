"""The score sheet's format, shared by its writer and its reader (no file access).

The hidden sheet's format is ``tandem.contest.sheet/2``: one row per
criterion (its id cell, id, range) and one per entry (its id cell, id); the
score cell of an entry and a criterion is the entry's row and the
criterion's column (:func:`score_cells`). Sheets issued in the earlier
format ``tandem.contest.sheet/1``, which also listed every score cell (one
row per cell: a 1,000-entry sheet carried 20,000 of them, and reading them
was most of the time spent on such a file), are still read, with the same
checks and messages.

Here: the layout constants, the long-form score columns a read sheet gives,
the Russian number format, and the hidden sheet's manifest (its columns, the
rows that span the score cells, the expansion of format ``/2`` into the rows
of format ``/1``). The writer is :mod:`contest.sheets`, the reader
:mod:`contest.sheets_read`.
"""

from __future__ import annotations

import re

from contest.roster import text

FORMAT = "tandem.contest.sheet/2"
#: Formats :func:`contest.sheets_read.read_sheet` accepts: the current one and the earlier one
#: that listed every score cell.
FORMATS = ("tandem.contest.sheet/1", FORMAT)
MAIN = "Оценочный лист"
META = "_tandem"
FIRST_ROW = 11  # first entry row
FIRST_COL = 4  # first criterion column (D)
#: Columns of the scores read from a sheet (:attr:`contest.sheets_read.SheetRead.scores`).
SCORE_COLUMNS = [
    "entry_id",
    "juror_id",
    "criterion_id",
    "score",
    "stage_id",
    "file",
    "sheet",
    "cell",
    "valid",
]


_LOOSE_ADDRESS = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


def fmt_num(x: float) -> str:
    """``3.0`` → ``"3"``, ``2.5`` → ``"2,5"`` (Russian decimal comma)."""
    x = float(x)
    return str(int(x)) if x.is_integer() else f"{x:g}".replace(".", ",")


def sheet_file_name(juror_id: str, stage_id: str) -> str:
    """File name of a juror's sheet, e.g. ``Ж03_S1.xlsx`` (unsafe characters → ``_``)."""
    safe = re.sub(r"[^\w\-]+", "_", f"{juror_id}_{stage_id}")
    return f"{safe}.xlsx"


def stage_criteria(contest, stage_id: str) -> list[tuple]:
    """``(task, criterion)`` pairs of a stage, in definition order."""
    return [(t, c) for t in contest.stage(stage_id).tasks for c in t.criteria]


def parse_number(value) -> float | None:
    """A score cell as a number: accepts numbers and text like ``"2,5"``; ``None`` if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    s = text(value).replace(",", ".").replace("\u00a0", "").replace(" ", "")
    try:
        x = float(s)
    except ValueError:
        return None
    return x if x == x and abs(x) != float("inf") else None


def _t(v) -> str:
    """:func:`contest.people.text`, fast for the usual string cell."""
    return v.strip() if type(v) is str else text(v)


def _column(rows: list[list], k: int) -> list[str]:
    """Column ``k`` (0-based) of a calamine grid as clean text (:func:`_t`); short rows give ``""``."""
    col = [row[k] if len(row) > k else "" for row in rows]
    return _texts(col)


def _texts(col) -> list[str]:
    """:func:`_t` of every value of ``col``, at C speed when all are strings (the usual column)."""
    if set(map(type, col)) <= {str}:
        return list(map(str.strip, col))
    return [_t(v) for v in col]


def _manifest_columns(body: list[list], width: int = 4) -> list[list[str]]:
    """The first ``width`` columns of the manifest rows as clean text, up to the first empty kind.

    The manifest ends at the first row whose first cell is empty (or a row with no cells). A
    rectangular grid (calamine's, without ``skip_empty_area``) is read column by column; any
    other row by row, with the same result.
    """
    if body and set(map(len, body)) == {len(body[0])} and len(body[0]) >= width:
        first = _texts([row[0] for row in body])
        n = first.index("") if "" in first else len(first)
        body = body[:n]
        return [first[:n]] + [_texts([row[k] for row in body]) for k in range(1, width)]
    n = next((i for i, row in enumerate(body) if not (_t(row[0]) if row else "")), len(body))
    return [_column(body[:n], k) for k in range(width)]


def _score_axes(columns: list[list], criteria=None) -> tuple[list[int], list[int]]:
    """Manifest rows that span the score cells: ``(entry rows, criterion rows)``, as indices.

    The first row of each entry id, and the first row of each criterion id (only ids in
    ``criteria``, when given): a hidden sheet edited to repeat rows cannot multiply the cells.
    """
    kinds, eids, cids = columns[0], columns[2], columns[3]
    entries, crits, seen_e, seen_c = [], [], set(), set()
    for i, kind in enumerate(kinds):
        if kind == "entry" and eids[i] not in seen_e:
            seen_e.add(eids[i])
            entries.append(i)
        elif kind == "criterion" and cids[i] not in seen_c and (criteria is None or cids[i] in criteria):
            seen_c.add(cids[i])
            crits.append(i)
    return entries, crits


def _expand_manifest(columns: list[list], axes: tuple[list[int], list[int]]) -> list[list]:
    """Manifest columns of format ``/2`` with the score rows of format ``/1`` put back.

    ``columns`` are the manifest's columns (kind, cell, entry_id, criterion_id, then any
    more, e.g. min and max), one list per column. Every ``entry`` row is followed by one
    ``score`` row per ``criterion`` row, in the criteria's order: its cell is the criterion
    cell's column and the entry cell's row, its entry id the entry's, and every other column
    the criterion's. The result is exactly the manifest format ``/1`` wrote for the same sheet,
    so the checks and the order of their messages are the same. A cell that is not an address
    gives score cells ``""`` (read as empty, so reported as missing scores). Only the rows
    ``axes`` (:func:`_score_axes`) span the score cells.
    """
    kinds, cells = columns[0], columns[1]
    spanning, crits = set(axes[0]), axes[1]
    crit_letters = []
    for i in crits:
        m = _LOOSE_ADDRESS.fullmatch(str(cells[i]).strip())
        crit_letters.append(m.group(1).upper() if m else "")
    out: list[list] = [[] for _ in columns]
    for i, _kind in enumerate(kinds):
        for col, src in zip(out, columns):
            col.append(src[i])
        if i not in spanning:
            continue
        m = _LOOSE_ADDRESS.fullmatch(str(cells[i]).strip())
        row = m.group(2) if m else ""
        out[0].extend(["score"] * len(crits))
        out[1].extend([f"{letters}{row}" if letters and row else "" for letters in crit_letters])
        out[2].extend([columns[2][i]] * len(crits))
        for k in range(3, len(columns)):
            out[k].extend(columns[k][j] for j in crits)
    return out


def _float(v) -> float:
    """A manifest number as float; empty or not a number → NaN."""
    x = parse_number(v) if v is not None else None
    return float("nan") if x is None else x
