"""The people workbook of a tandem contest from the register of tandems or a matching result.

``python -m contest entries`` (docs/formats.md §12.2) reads

* the pairs: either the register of tandems («Реестр наставнических пар»,
  sheet «Пары», :func:`mentoring.load_register`; the pairs **in force** on
  a date, :func:`mentoring.in_force`) or a matching result (sheet
  «Тандемы», :func:`mentoring.read_result`; every pair, its form of
  mentoring by the rule of the register, :func:`mentoring.default_form`:
  a mentee with under 3 years of experience is a young specialist);
* the registry of teachers (:func:`matching.load_registry`): names and
  schools;
* the jury: the sheet «Жюри» / ``jury`` of another workbook (for instance
  the people workbook of last year's contest), checked as
  :func:`contest.load_people` checks it;

and writes the people workbook (docs/formats.md §7): «Участники» built by
:func:`contest.entries.tandem_entries` and «Жюри» copied. Everything is read
and checked before the workbook is written (atomically, no partial file),
and the written workbook is the one :func:`contest.load_people` reads.

A jury is required: :func:`contest.load_people` refuses a workbook whose
«Жюри» has no juror or no chair, so a workbook with an empty jury could
not go on to ``python -m contest sheets``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from contest.entries import check_people, tandem_entries
from contest.model import ContestError
from contest.people import _find_sheet, _parse_jury, _read_workbook
from contest.roster import ENTRY_COLUMNS, ENTRY_SHEET, JURY_COLUMNS, JURY_SHEET
from tandem.errors import InputError, Issue
from tandem.tables import norm_header, open_xlsx
from tandem.xlsx import atomic_save, new_workbook, write_table

#: Sheets that tell a register of tandems from a matching result.
REGISTER_SHEETS = ("Пары", "pairs")
RESULT_SHEET = "Тандемы"


@dataclass
class TandemPairs:
    """The pairs a contest is built from.

    Attributes
    ----------
    pairs : DataFrame
        ``mentee_id``, ``mentor_id``, ``form`` (str), ``excel_row`` (int).
    kind : str
        ``"register"`` or ``"result"``.
    file, sheet : str
        Where the pairs were read from (for messages and the summary).
    total : int
        Pairs in the file (for a register: all rows, in force or not).
    """

    pairs: pd.DataFrame
    kind: str
    file: str
    sheet: str
    total: int


def _kind(path: Path) -> str:
    names = {norm_header(n) for n in open_xlsx(path).sheet_names}
    if names & {norm_header(n) for n in REGISTER_SHEETS}:
        return "register"
    if norm_header(RESULT_SHEET) in names:
        return "result"
    raise ContestError(
        Issue(
            "ожидался реестр наставнических пар (лист «Пары») или книга с результатом подбора "
            "(лист «Тандемы»); в книге нет ни того, ни другого листа",
            file=path.name,
        )
    )


def read_pairs(path, teachers: pd.DataFrame, on: dt.date | None = None) -> TandemPairs:
    """The pairs of a register (in force on ``on``) or of a matching result.

    Parameters
    ----------
    path : str or Path
        The register of tandems or a matching result workbook (.xlsx); which
        one is told by its sheets («Пары» or «Тандемы»).
    teachers : DataFrame
        The registry's teachers (``teacher_id``, ``experience_years``): the
        default form of a result's pairs.
    on : datetime.date, optional
        For a register: the day the pairs must be in force (default today).
        A matching result has no dates; ``on`` is not used.

    Raises
    ------
    InputError
        The file is not a workbook, has neither sheet, is refused by
        :func:`mentoring.load_register` / :func:`mentoring.read_result`,
        or (a register) has no pair in force on ``on``.
    """
    path = Path(path)
    if not path.exists():
        raise ContestError(Issue("файл не найден", file=str(path)))
    kind = _kind(path)
    if kind == "register":
        from mentoring.register import in_force
        from mentoring.register_io import load_register

        on = on or dt.date.today()
        register = load_register(path, today=on)
        live = in_force(register.pairs, on)
        if not len(live):
            raise ContestError(
                Issue(
                    f"на {on:%d.%m.%Y} в реестре нет действующих пар (статус «действует» или «продлена», "
                    "дата в пределах срока) — участников конкурса не составить; укажите другую дату (--on)",
                    file=path.name,
                    sheet="Пары",
                )
            )
        pairs = live[["mentee_id", "mentor_id", "form", "excel_row"]].reset_index(drop=True)
        return TandemPairs(pairs, kind, path.name, "Пары", len(register.pairs))
    from mentoring.register import default_form
    from mentoring.result_io import read_result

    pairs, _changes = read_result(path)
    years = dict(zip(teachers["teacher_id"], teachers["experience_years"]))
    pairs = pairs[["mentee_id", "mentor_id", "excel_row"]].copy()
    pairs["form"] = [default_form(years.get(m)) for m in pairs["mentee_id"]]
    return TandemPairs(pairs.reset_index(drop=True), kind, path.name, RESULT_SHEET, len(pairs))


def load_jury(path) -> pd.DataFrame:
    """The jury sheet («Жюри» / ``jury``) of a workbook, checked as :func:`contest.load_people` checks it.

    Returns
    -------
    DataFrame
        Columns of :data:`contest.roster.JURY_COLUMNS` (str), in the file's order.

    Raises
    ------
    ContestError
        No such sheet, a missing column, an empty or repeated code, an
        unknown role, no chair or several, no juror at all.
    """
    path = Path(path)
    sheets = _read_workbook(path)
    title = _find_sheet(sheets, JURY_SHEET)
    if title is None:
        raise ContestError(
            Issue(
                f"нет листа «{JURY_SHEET[1]}» (или «{JURY_SHEET[0]}»); листы в файле: "
                f"{', '.join(map(str, sheets)) or 'нет'}",
                file=path.name,
            )
        )
    issues: list[Issue] = []
    jury = _parse_jury(sheets[title], path.name, title, issues)
    if issues:
        raise ContestError(issues)
    return jury[list(JURY_COLUMNS)].reset_index(drop=True)


def people_workbook(entries: pd.DataFrame, jury: pd.DataFrame):
    """The people workbook (docs/formats.md §7) as an openpyxl workbook, Russian headers."""
    wb = new_workbook()
    write_table(
        wb.create_sheet(ENTRY_SHEET[1]), entries, headers={k: h for k, (h, _r) in ENTRY_COLUMNS.items()}
    )
    write_table(wb.create_sheet(JURY_SHEET[1]), jury, headers={k: h for k, (h, _r) in JURY_COLUMNS.items()})
    return wb


def build_people(
    pairs_path,
    registry_path,
    jury_path,
    *,
    on: dt.date | None = None,
    group: bool = False,
    nomination: str = "form",
) -> tuple[pd.DataFrame, pd.DataFrame, TandemPairs]:
    """Read the pairs, the registry and the jury; build the entries.

    Parameters
    ----------
    pairs_path : str or Path
        The register of tandems or a matching result (:func:`read_pairs`).
    registry_path : str or Path
        The registry of teachers (workbook or CSV folder).
    jury_path : str or Path
        A workbook with the sheet «Жюри» (:func:`load_jury`).
    on, group, nomination
        As in :func:`read_pairs` and :func:`contest.entries.tandem_entries`.

    Returns
    -------
    (DataFrame, DataFrame, TandemPairs)
        The entries (:func:`contest.entries.tandem_entries`), the jury
        (:func:`load_jury`) and the pairs they were built from.

    Raises
    ------
    InputError
        Every problem of every input; a register none of whose people is in
        the registry (another district) is refused with one message.
    """
    from matching import load_registry

    issues: list[Issue] = []
    jury = None
    try:
        jury = load_jury(jury_path)
    except InputError as e:
        issues += e.issues
    try:
        teachers = load_registry(registry_path).teachers
        source = read_pairs(pairs_path, teachers, on)
    except InputError as e:
        raise ContestError([*e.issues, *issues]) from None
    unknown = check_people(source.pairs, teachers["teacher_id"], file=source.file, sheet=source.sheet)
    if unknown and len(unknown) == 2 * len(source.pairs):
        raise ContestError(
            [
                Issue(
                    f"ни один педагог из пар не найден в реестре педагогов «{Path(registry_path).name}»: "
                    "похоже, это пары другого района или другой реестр педагогов",
                    file=source.file,
                    sheet=source.sheet,
                ),
                *issues,
            ]
        )
    try:
        entries = tandem_entries(
            source.pairs, teachers, group=group, nomination=nomination, source=source.file, sheet=source.sheet
        )
    except InputError as e:
        issues = [*e.issues, *issues]
    if issues:
        raise ContestError(issues)
    return entries, jury, source


def write_people(path, entries: pd.DataFrame, jury: pd.DataFrame) -> Path:
    """Write the people workbook atomically; returns the path written."""
    return atomic_save(people_workbook(entries, jury), path)
