"""Reading and writing the register workbook («Реестр наставнических пар»).

The workbook has three sheets: «Пары» (the pairs), «Журнал» (the
append-only log) and a very hidden «_снимок» (the pairs exactly as the
program last wrote them). On load, «Пары» is checked cell by cell (dates,
statuses, duplicates, a mentee in two pairs in force) and compared with the
snapshot: every difference is a hand edit made in Excel, and it is appended
to the log as «ручная правка», «добавлена вручную» or «удалена вручную».

English sheet names (``pairs``, ``log``) and English headers are accepted
too; case, surrounding spaces and ё/е do not matter. Format: ``docs/formats.md``
(«Реестр наставнических пар»).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from mentoring.lifecycle import RegisterError
from mentoring.register import (
    LOG_COLUMNS,
    MAX_MONTHS,
    PAIR_COLUMNS,
    REQUIRED_PAIR_COLUMNS,
    STATUSES,
    Register,
    add_months,
    append_log,
    empty_log,
    empty_pairs,
    log_event,
    overlapping_in_force,
    pair_text,
)
from tandem.errors import InputError, Issue
from tandem.tables import DATE_MARK, RawTable, norm_header, read_xlsx, sha256_of
from tandem.xlsx import atomic_save, new_workbook, write_table
from tandem.xlsx_write import print_setup

PAIRS_SHEET, LOG_SHEET, SNAPSHOT_SHEET = "Пары", "Журнал", "_снимок"
_SHEET_NAMES = {"pairs": (PAIRS_SHEET, "pairs"), "log": (LOG_SHEET, "log")}
_DATE_TEXT = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_TEXT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?$")


def parse_date(text: str) -> dt.date | None:
    """A date cell as read (Excel date, «01.09.2026» or «2026-09-01») → date; None if it is not a date."""
    if text.startswith(DATE_MARK):
        text = text[len(DATE_MARK) :]
    m = _ISO_TEXT.match(text)
    try:
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = _DATE_TEXT.match(text)
        if m:
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None
    return None


def _shown(text: str) -> str:
    return text[len(DATE_MARK) :] if text.startswith(DATE_MARK) else text


def _find(tables: dict[str, RawTable], key: str) -> RawTable | None:
    names = {norm_header(n) for n in _SHEET_NAMES[key]}
    for title, table in tables.items():
        if norm_header(title) in names:
            return table
    return None


def find_columns(
    table: RawTable, columns: dict[str, str], required, issues: list[Issue]
) -> dict[str, int] | None:
    """English column name → position in the table's rows, found by its English or Russian header.

    Returns None (and appends an issue per missing column) when a required column is absent.
    """
    by_header = {}
    for j, h in enumerate(table.headers):
        by_header.setdefault(norm_header(h), j)
    found = {}
    for name, russian in columns.items():
        j = by_header.get(norm_header(name), by_header.get(norm_header(russian)))
        if j is not None:
            found[name] = j
        elif name in required:
            issues.append(
                Issue(
                    f"нет столбца «{russian}» (или «{name}»)",
                    file=table.file,
                    sheet=table.sheet,
                    column=russian,
                )
            )
    return found if all(c in found for c in required) else None


def _parse_pairs(table: RawTable, issues: list[Issue]) -> pd.DataFrame:
    cols = find_columns(table, PAIR_COLUMNS, REQUIRED_PAIR_COLUMNS, issues)
    if cols is None:
        return empty_pairs()
    records = []
    status_by_norm = {norm_header(s): s for s in STATUSES}
    for row, excel_row in zip(table.rows, table.row_numbers):
        where = dict(file=table.file, sheet=table.sheet, row=excel_row)
        cell = {name: row[j] for name, j in cols.items()}
        rec = {name: cell.get(name, "") for name in PAIR_COLUMNS}
        ok = True
        for name in ("mentee_id", "mentor_id", "order"):
            if not rec[name]:
                issues.append(
                    Issue(
                        "пустая ячейка; ожидался "
                        + (
                            "код педагога из реестра"
                            if name != "order"
                            else "номер и дата приказа, например «Приказ № 45 от 01.09.2026»"
                        ),
                        column=PAIR_COLUMNS[name],
                        **where,
                    )
                )
                ok = False
        for name in ("start", "end"):
            d = parse_date(rec[name])
            if d is None:
                issues.append(
                    Issue(
                        f"ожидалась дата вида 01.09.2026, получено «{_shown(rec[name])}»",
                        column=PAIR_COLUMNS[name],
                        **where,
                    )
                )
                ok = False
            rec[name] = d
        status = status_by_norm.get(norm_header(rec["status"]))
        if status is None:
            issues.append(
                Issue(
                    f"неизвестный статус «{rec['status']}»; ожидался один из: {', '.join(STATUSES)}",
                    column=PAIR_COLUMNS["status"],
                    **where,
                )
            )
            ok = False
        rec["status"] = status
        if ok and rec["mentee_id"] == rec["mentor_id"]:
            issues.append(
                Issue(
                    f"педагог «{rec['mentee_id']}» не может быть наставником самому себе",
                    column=PAIR_COLUMNS["mentor_id"],
                    **where,
                )
            )
            ok = False
        if ok and rec["end"] < rec["start"]:
            issues.append(
                Issue(
                    f"дата окончания {rec['end']:%d.%m.%Y} раньше даты начала {rec['start']:%d.%m.%Y} "
                    "(даты перепутаны?)",
                    column=PAIR_COLUMNS["end"],
                    **where,
                )
            )
            ok = False
        if ok and status == "действует" and rec["end"] >= add_months(rec["start"], MAX_MONTHS):
            issues.append(
                Issue(
                    f"программа наставничества длится не больше 12 месяцев, а период "
                    f"{rec['start']:%d.%m.%Y}–{rec['end']:%d.%m.%Y} длиннее; для продлённой пары укажите "
                    "статус «продлена»",
                    column=PAIR_COLUMNS["end"],
                    **where,
                )
            )
            ok = False
        if ok and status == "прекращена досрочно" and not rec["reason"]:
            issues.append(
                Issue(
                    "для досрочно прекращённой пары укажите причину", column=PAIR_COLUMNS["reason"], **where
                )
            )
            ok = False
        rec["excel_row"] = excel_row
        if ok:
            records.append(rec)
    df = (
        pd.DataFrame(records, columns=[*PAIR_COLUMNS, "excel_row"])
        if records
        else empty_pairs().assign(excel_row=pd.Series(dtype=int))
    )
    seen: dict[tuple, int] = {}
    for r in df.itertuples(index=False):
        key = (r.mentee_id, r.mentor_id, r.start)
        if key in seen:
            issues.append(
                Issue(
                    f"пара «{r.mentee_id}» – «{r.mentor_id}» с началом {r.start:%d.%m.%Y} записана дважды "
                    f"(первый раз в строке {seen[key]})",
                    file=table.file,
                    sheet=table.sheet,
                    row=r.excel_row,
                )
            )
        else:
            seen[key] = r.excel_row
    for i, j in overlapping_in_force(df):
        a, b = df.iloc[i], df.iloc[j]
        issues.append(
            Issue(
                f"наставляемый «{b['mentee_id']}» в двух действующих парах одновременно: с «{a['mentor_id']}» "
                f"(строка {a['excel_row']}) и с «{b['mentor_id']}»; у наставляемого одна действующая пара",
                file=table.file,
                sheet=table.sheet,
                row=int(b["excel_row"]),
                column=PAIR_COLUMNS["mentee_id"],
            )
        )
    return df


def _parse_log(table: RawTable | None, issues: list[Issue]) -> pd.DataFrame:
    if table is None:
        return empty_log()
    cols = find_columns(table, LOG_COLUMNS, ("date", "event"), issues)
    if cols is None:
        return empty_log()
    records = []
    for row, excel_row in zip(table.rows, table.row_numbers):
        rec = {name: (row[cols[name]] if name in cols else "") for name in LOG_COLUMNS}
        d = parse_date(rec["date"])
        if d is None:
            issues.append(
                Issue(
                    f"ожидалась дата вида 01.09.2026, получено «{_shown(rec['date'])}»",
                    file=table.file,
                    sheet=table.sheet,
                    row=excel_row,
                    column=LOG_COLUMNS["date"],
                )
            )
        rec["date"] = d
        records.append(rec)
    return pd.DataFrame(records, columns=list(LOG_COLUMNS)) if records else empty_log()


#: Header of the snapshot's single column; each cell holds one pair, fields joined by tabs, dates ISO.
SNAPSHOT_COLUMN = "Снимок"


def _snapshot_cells(pairs: pd.DataFrame) -> pd.DataFrame:
    """The snapshot as written: one text cell per pair (compact: a ninth of the cells of the pairs sheet)."""
    cols = list(PAIR_COLUMNS)
    rows = pairs[cols].to_dict("records")
    cells = ["\t".join(_iso(r[c]) for c in cols) for r in rows]
    return pd.DataFrame({SNAPSHOT_COLUMN: cells})


def _iso(v) -> str:
    return v.isoformat() if isinstance(v, dt.date) else str(v or "")


def _snapshot(tables: dict[str, RawTable]) -> pd.DataFrame | None:
    """The pairs as the program last wrote them; None when there is no readable snapshot."""
    table = tables.get(SNAPSHOT_SHEET)
    if table is None:
        return None
    if table.headers[:1] != [SNAPSHOT_COLUMN]:  # the first layout: the pairs sheet copied whole
        ignore: list[Issue] = []
        df = _parse_pairs(table, ignore)
        return None if ignore else df
    cols = list(PAIR_COLUMNS)
    records = []
    for row in table.rows:
        parts = row[0].split("\t")
        if len(parts) > len(cols):
            return None
        parts += [""] * (len(cols) - len(parts))  # the reader strips a cell, so trailing empty fields go
        rec = dict(zip(cols, parts))
        rec["start"], rec["end"] = parse_date(rec["start"]), parse_date(rec["end"])
        if rec["start"] is None or rec["end"] is None:
            return None
        records.append(rec)
    return pd.DataFrame(records, columns=cols)


def _key(r) -> tuple:
    return (r["mentee_id"], r["mentor_id"], r["start"])


def hand_edits(snapshot: pd.DataFrame, pairs: pd.DataFrame, today: dt.date) -> list[dict]:
    """Log events for every difference between the program's last snapshot and the pairs as loaded.

    Rows are matched by (mentee_id, mentor_id, start); a changed start shows
    as one row removed and one added. Events come in the order of the pairs
    sheet, then the removed rows in snapshot order.
    """
    fields = [c for c in PAIR_COLUMNS if c not in ("mentee_id", "mentor_id")]
    old = {_key(r): r for r in snapshot.to_dict("records")}
    events, seen = [], set()
    for r in pairs.to_dict("records"):
        k = _key(r)
        seen.add(k)
        if k not in old:
            events.append(
                log_event(
                    today,
                    "добавлена вручную",
                    r["mentee_id"],
                    r["mentor_id"],
                    "",
                    pair_text(r),
                    str(r["order"]),
                )
            )
            continue
        o = old[k]
        changed = [f for f in fields if str(o[f] or "") != str(r[f] or "")]
        if changed:
            before = "; ".join(f"{PAIR_COLUMNS[f]}: {_text(o[f])}" for f in changed)
            after = "; ".join(f"{PAIR_COLUMNS[f]}: {_text(r[f])}" for f in changed)
            events.append(
                log_event(
                    today, "ручная правка", r["mentee_id"], r["mentor_id"], before, after, "правка в Excel"
                )
            )
    for k, o in old.items():
        if k not in seen:
            events.append(
                log_event(
                    today,
                    "удалена вручную",
                    o["mentee_id"],
                    o["mentor_id"],
                    pair_text(o),
                    "",
                    "правка в Excel",
                )
            )
    return events


def _text(v) -> str:
    return v.strftime("%d.%m.%Y") if isinstance(v, dt.date) else str(v or "")


def load_register(path: str | Path, today: dt.date | None = None) -> Register:
    """Read and check a register workbook; hand edits since the last save are appended to the log.

    Parameters
    ----------
    path : str or Path
        An .xlsx workbook with sheet «Пары» / ``pairs`` and optionally
        «Журнал» / ``log``.
    today : datetime.date, optional
        The date written on the hand-edit events (the CLI passes the date of
        the operation, so the same inputs give the same register).

    Returns
    -------
    Register
        ``pairs`` with ``excel_row``; ``log`` with the hand edits appended.

    Raises
    ------
    RegisterError
        Every problem found, each with file, sheet, row and column: a missing
        sheet or column, an empty id or basis, a date that is not a date,
        an end before the start, an unknown status, a pair in force longer
        than 12 months, an early end without a reason, a duplicate pair, a
        mentee in two pairs in force at once.
    """
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise RegisterError(
            Issue(f"реестр пар — книга Excel .xlsx, а получен файл «{path.suffix}»", file=path.name)
        )
    try:
        tables = read_xlsx(path)
    except InputError as e:
        raise RegisterError(e.issues) from None
    issues: list[Issue] = []
    pairs_table = _find(tables, "pairs")
    if pairs_table is None:
        raise RegisterError(
            Issue(
                f"нет листа «{PAIRS_SHEET}» (или «pairs»); листы книги: "
                f"{', '.join(t for t in tables if t != SNAPSHOT_SHEET) or 'нет'}",
                file=path.name,
            )
        )
    pairs = _parse_pairs(pairs_table, issues)
    log = _parse_log(_find(tables, "log"), issues)
    if issues:
        raise RegisterError(issues)
    snapshot = _snapshot(tables)
    if snapshot is not None:
        log = append_log(log, hand_edits(snapshot, pairs, today or dt.date.today()))
    return Register(pairs, log, source=path.name, sha256=sha256_of(path))


def _write_dated(ws: Worksheet, df: pd.DataFrame, headers: dict, dates) -> None:
    """:func:`write_table` with the ``dates`` columns as Excel dates shown as 01.09.2026."""
    out = df.copy()
    for c in dates:
        out[c] = out[c].map(lambda d: dt.datetime(d.year, d.month, d.day) if isinstance(d, dt.date) else d)
    write_table(ws, out, headers=headers)
    for c in dates:
        j = list(df.columns).index(c) + 1
        for row in range(2, len(df) + 2):
            ws.cell(row=row, column=j).number_format = "DD.MM.YYYY"
        ws.column_dimensions[get_column_letter(j)].width = max(
            12, ws.column_dimensions[get_column_letter(j)].width
        )


def write_register(register: Register, path: str | Path) -> Path:
    """Write the register workbook (atomically: a failed write leaves the previous file intact).

    Sheets «Пары» (A4 landscape, fitted to the width, header repeated),
    «Журнал» and the very hidden «_снимок». Pairs are written sorted by
    start, mentee and mentor; the log in its own order.
    """
    wb = new_workbook()
    pairs = register.pairs[list(PAIR_COLUMNS)].sort_values(["start", "mentee_id", "mentor_id"], kind="stable")
    ws = wb.create_sheet(PAIRS_SHEET)
    _write_dated(ws, pairs, PAIR_COLUMNS, ("start", "end"))
    print_setup(ws, landscape=True, title_rows=1)
    ws = wb.create_sheet(LOG_SHEET)
    _write_dated(ws, register.log[list(LOG_COLUMNS)], LOG_COLUMNS, ("date",))
    print_setup(ws, landscape=True, title_rows=1)
    ws = wb.create_sheet(SNAPSHOT_SHEET)
    write_table(ws, _snapshot_cells(pairs), freeze=False, autofilter=False)
    ws.sheet_state = "veryHidden"
    return atomic_save(wb, path)
