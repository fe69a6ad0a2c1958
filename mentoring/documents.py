"""The documents printed after the pairs are approved: what they say.

Three documents, built here as plain data (dicts and DataFrames) and
rendered to Word and Excel by :mod:`mentoring.documents_io`:

* the annex to the order «О закреплении наставнических пар»
  (:func:`annex_context`): the pairs in force on a date, one section per
  school of the mentee, then the network pairs (mentor and mentee in
  different schools); group tandems (one mentor, several mentees) are
  numbered in their own column;
* one personalised mentoring programme per pair
  (:func:`mentoring.programme.programme_context`), with the structure of the «Положение о системе (целевой модели)
  наставничества педагогических работников», приказ МКУ «Отдел образования
  Тетюшского муниципального района» № 789-о/д от 23.12.2022, §4.7–4.9
  (participants, form and format, the problem from the mentee's deficits,
  goal and tasks, period of 3–12 months by §1.3, meeting schedule, expected
  results and how they are checked, signatures);
* the list of school pairs linked by network pairs (:func:`network_links`),
  for the network agreements between schools.

Nothing here opens or writes files. A pair in force whose mentee or mentor
is not in the registry is refused (:func:`checked_in_force`), with the
register's sheet «Пары», row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from mentoring.lifecycle import RegisterError
from mentoring.register import PAIR_COLUMNS, Register, add_months, in_force
from tandem.errors import Issue, lookalike_hint

if TYPE_CHECKING:  # the type only: importing the package would pull in the file readers
    from matching import Registry

#: The public rule the programme follows.
REGULATION = (
    "Положением о системе (целевой модели) наставничества педагогических работников, утверждённым "
    "приказом МКУ «Отдел образования Тетюшского муниципального района» № 789-о/д от 23.12.2022 "
    "(§1.3, §4.7–4.9)"
)
#: The register's sheet named in messages.
PAIRS_SHEET = "Пары"
#: Formats of interaction; an empty format is printed as this text.
FORMAT_UNSET = "по согласованию наставника и наставляемого"
#: Default and allowed spacing of meetings, in weeks.
DEFAULT_SCHEDULE_WEEKS = 2
MAX_SCHEDULE_WEEKS = 8

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


# --------------------------------------------------------------------------- small texts
def _d(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _text(value) -> str:
    """A cell as text: None and NaN → ""."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _plural(n: int, one: str, few: str, many: str) -> str:
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def years_text(years: float | None) -> str:
    """«7 лет», «1 год», «2,5 года»; "" when unknown."""
    if years is None or years != years:
        return ""
    if float(years).is_integer():
        n = int(years)
        return f"{n} {_plural(n, 'год', 'года', 'лет')}"
    return f"{years:g} года".replace(".", ",")


def duration_text(start: dt.date, end: dt.date) -> str:
    """The length of a period with both ends inclusive: «9 месяцев», «3 месяца и 5 дней»."""
    after = end + dt.timedelta(days=1)
    months = 0
    while add_months(start, months + 1) <= after:
        months += 1
    days = (after - add_months(start, months)).days
    parts = []
    if months:
        parts.append(f"{months} {_plural(months, 'месяц', 'месяца', 'месяцев')}")
    if days or not months:
        parts.append(f"{days} {_plural(days, 'день', 'дня', 'дней')}")
    return " и ".join(parts)


def short_name(full_name: str) -> str:
    """«Иванова Анна Петровна» → «А. П. Иванова» (for signatures)."""
    parts = str(full_name).split()
    if len(parts) < 2:
        return str(full_name)
    return " ".join(f"{p[0]}." for p in parts[1:]) + " " + parts[0]


def name_key(text: str) -> str:
    """Sort key for Russian names: case and ё/е do not matter."""
    return str(text).replace("ё", "е").replace("Ё", "Е").casefold()


def _category(category: str) -> str:
    c = str(category or "").strip()
    return f"{c} категория" if c in ("высшая", "первая") else c


def file_name(mentee_name: str, mentee_id: str) -> str:
    """A programme's file name safe on Windows: «Иванова Анна Петровна (П-001).docx».

    Characters Windows forbids (``<>:"/\\|?*`` and control characters) become
    «_»; trailing dots and spaces are dropped; the name part is cut to 100
    characters.
    """
    name = _UNSAFE.sub("_", str(mentee_name)).strip(" .")[:100].strip(" .")
    code = _UNSAFE.sub("_", str(mentee_id)).strip(" .")
    return f"{name} ({code}).docx" if name else f"{code}.docx"


# --------------------------------------------------------------------------- registry look-ups
class RegistryIndex:
    """Teachers, schools and deficit names of a registry, by id (built once, used for many pairs).

    Attributes
    ----------
    teachers : Mapping
        teacher_id → the teacher's row as a dict (columns of ``Registry.teachers``).
    schools : dict
        school_id → school name.
    deficits : dict
        deficit code → (name, area).
    """

    def __init__(self, registry: Registry):
        self.teachers = _TeacherRows(registry.teachers)
        self.schools = dict(zip(registry.schools["school_id"], registry.schools["name"]))
        d = registry.deficits
        self.deficits = {c: (n, a) for c, n, a in zip(d["code"], d["name"], d["area"])}

    def school(self, school_id: str) -> str:
        """«МБОУ "Зареченская СОШ № 1" (ОО-01)»."""
        name = self.schools.get(school_id)
        return f"{name} ({school_id})" if name else str(school_id)

    def person(self, teacher_id: str) -> dict:
        """A participant as printed: id, name, short name, school, subjects, category, profile, position."""
        t = self.teachers[teacher_id]
        subjects = ", ".join(t.get("subjects") or ())
        years = years_text(t.get("experience_years"))
        category = _category(t.get("category"))
        profile = "; ".join(p for p in (subjects, f"стаж {years}" if years else "", category) if p)
        return {
            "id": teacher_id,
            "name": t["full_name"],
            "short": short_name(t["full_name"]),
            "school_id": t["school_id"],
            "school": self.school(t["school_id"]),
            "subjects": subjects,
            "category": category,
            "profile": profile,
            "position": "; ".join(p for p in (subjects, category) if p),
        }


class _TeacherRows(Mapping):
    """teacher_id → the teacher's row as a dict, each row built when first asked for.

    A region's registry has tens of thousands of teachers and a set of
    documents names a few hundred of them: positions are indexed at once,
    rows converted on demand (the first row of a repeated id wins).
    """

    def __init__(self, teachers: pd.DataFrame):
        self._frame = teachers
        self._pos: dict[str, int] = {}
        for i, tid in enumerate(teachers["teacher_id"].tolist()):
            self._pos.setdefault(tid, i)
        self._rows: dict[str, dict] = {}

    def __getitem__(self, teacher_id: str) -> dict:
        row = self._rows.get(teacher_id)
        if row is None:
            row = self._frame.iloc[self._pos[teacher_id]].to_dict()
            self._rows[teacher_id] = row
        return row

    def __iter__(self):
        return iter(self._pos)

    def __len__(self) -> int:
        return len(self._pos)

    def __contains__(self, teacher_id) -> bool:
        return teacher_id in self._pos


def _index(registry) -> RegistryIndex:
    return registry if isinstance(registry, RegistryIndex) else RegistryIndex(registry)


def check_pairs(pairs: pd.DataFrame, registry: Registry, source: str | None = None) -> list[Issue]:
    """Problems that stop the documents: a mentee or mentor of ``pairs`` not in the registry.

    Parameters
    ----------
    pairs : DataFrame
        Register pairs (``mentee_id``, ``mentor_id``, optionally ``excel_row``).
    registry : Registry
        The district registry.
    source : str, optional
        The register's file name, for messages.

    Returns
    -------
    list of Issue
        One per unknown person, naming the sheet «Пары», the row (``excel_row``
        when present, else the position + 2) and the column.
    """
    known = set(_index(registry).teachers)
    issues = []
    for i, p in enumerate(pairs.to_dict("records")):
        row = int(p["excel_row"]) if pd.notna(p.get("excel_row", None)) else i + 2
        for col, who in (("mentee_id", "наставляемого"), ("mentor_id", "наставника")):
            code = str(p[col])
            if code not in known:
                issues.append(
                    Issue(
                        f"{who} «{code}» нет в реестре педагогов{lookalike_hint(code, known)}; документы по этой "
                        "паре не напечатать — исправьте код или добавьте педагога в реестр",
                        file=source,
                        sheet=PAIRS_SHEET,
                        row=row,
                        column=PAIR_COLUMNS[col],
                    )
                )
    return issues


def checked_in_force(register: Register, registry: Registry, on: dt.date) -> pd.DataFrame:
    """The pairs in force on ``on``, every person found in the registry.

    Returns
    -------
    DataFrame
        The register's pair columns (and ``excel_row`` when present), index reset.

    Raises
    ------
    RegisterError
        All unknown mentees and mentors at once (:func:`check_pairs`), or no
        pair in force on ``on``.
    """
    live = in_force(register.pairs, on).reset_index(drop=True)
    issues = check_pairs(live, registry, register.source)
    if issues:
        raise RegisterError(issues)
    if not len(live):
        raise RegisterError(
            Issue(
                f"на {_d(on)} в реестре нет действующих пар — печатать нечего",
                file=register.source,
                sheet=PAIRS_SHEET,
            )
        )
    return live


# --------------------------------------------------------------------------- the annex
def _groups(live: pd.DataFrame, look: RegistryIndex) -> dict[str, tuple[int, int]]:
    """mentor_id → (group number, size) for mentors with more than one mentee in force."""
    sizes = live.groupby("mentor_id").size()
    mentors = sorted(
        (m for m, n in sizes.items() if n > 1), key=lambda m: (name_key(look.teachers[m]["full_name"]), m)
    )
    return {m: (k, int(sizes[m])) for k, m in enumerate(mentors, 1)}


def annex_context(register: Register, registry: Registry, on: dt.date, school_id: str | None = None) -> dict:
    """What the annex to the order «О закреплении наставнических пар» says on the date ``on``.

    Parameters
    ----------
    register : Register
        The register of tandems.
    registry : Registry
        The district registry (teachers, schools).
    on : datetime.date
        The date; pairs in force on it are listed.
    school_id : str, optional
        Only one school's part: its own pairs and the network pairs where
        its teacher is the mentee or the mentor. Row numbers stay those of
        the whole annex.

    Returns
    -------
    dict
        ``annex_title``, ``basis_label`` («Основание» / «Основания»), ``basis``
        (the distinct ``order`` values joined by «; », earliest start first),
        ``date`` (dd.mm.yyyy), ``part`` ("" or «Часть для …»), ``sections``
        (list of ``{"title", "note", "school_id", "rows"}``: one per mentee's
        school in code order, then «Сетевые пары»), ``total``, ``internal``,
        ``network`` (int), ``group_summary`` (str). A row has ``n``,
        ``mentee_id``, ``mentee_name``, ``mentee_school``,
        ``mentee_position``, ``mentor_id``, ``mentor_name``,
        ``mentor_school``, ``mentor_school_id``, ``mentee_school_id``,
        ``form``, ``format``, ``start``, ``end`` (dd.mm.yyyy), ``group``
        («группа № 1 (3 чел.)» or "").

    Raises
    ------
    RegisterError
        See :func:`checked_in_force`.
    """
    live = checked_in_force(register, registry, on)
    look = _index(registry)
    groups = _groups(live, look)
    rows = []
    for p in live.to_dict("records"):
        me, mr = look.person(p["mentee_id"]), look.person(p["mentor_id"])
        g = groups.get(p["mentor_id"])
        rows.append(
            {
                "mentee_id": me["id"],
                "mentee_name": me["name"],
                "mentee_school": me["school"],
                "mentee_school_id": me["school_id"],
                "mentee_position": me["position"],
                "mentor_id": mr["id"],
                "mentor_name": mr["name"],
                "mentor_school": mr["school"],
                "mentor_school_id": mr["school_id"],
                "form": p["form"],
                "format": _text(p.get("format")) or "по согласованию",
                "start": _d(p["start"]),
                "end": _d(p["end"]),
                "_start": p["start"],
                "group": f"группа № {g[0]} ({g[1]} чел.)" if g else "",
            }
        )
    internal = [r for r in rows if r["mentee_school_id"] == r["mentor_school_id"]]
    network = [r for r in rows if r["mentee_school_id"] != r["mentor_school_id"]]
    sections = []
    for sid in sorted({r["mentee_school_id"] for r in internal}):
        part = sorted(
            (r for r in internal if r["mentee_school_id"] == sid),
            key=lambda r: (name_key(r["mentee_name"]), r["mentee_id"]),
        )
        sections.append({"title": look.school(sid), "note": "", "school_id": sid, "rows": part})
    if network:
        network.sort(key=lambda r: (r["mentee_school_id"], name_key(r["mentee_name"]), r["mentee_id"]))
        sections.append(
            {
                "title": "Сетевые пары",
                "school_id": "",
                "rows": network,
                "note": "наставник и наставляемый работают в разных образовательных организациях "
                "(сетевое взаимодействие)",
            }
        )
    n = 0
    for s in sections:
        for r in s["rows"]:
            n += 1
            r["n"] = n
    bases = sorted({(r["_start"], str(o)) for r, o in zip(rows, live["order"])})
    basis = list(dict.fromkeys(o for _, o in bases))
    part = ""
    if school_id is not None:
        part = f"Часть для {look.school(school_id)}"
        kept = []
        for s in sections:
            keep = [r for r in s["rows"] if school_id in (r["mentee_school_id"], r["mentor_school_id"])]
            if keep:
                kept.append({**s, "rows": keep})
        sections = kept
    shown = [r for s in sections for r in s["rows"]]
    in_groups = {r["mentor_id"] for r in shown if r["group"]}
    group_summary = (
        (
            f"Групповое наставничество: {len(in_groups)} "
            f"{_plural(len(in_groups), 'наставник', 'наставника', 'наставников')}."
        )
        if in_groups
        else ""
    )
    for r in shown:
        r.pop("_start", None)
    return {
        "annex_title": "Приложение к приказу",
        "basis_label": "Основание" if len(basis) == 1 else "Основания",
        "basis": "; ".join(basis),
        "date": _d(on),
        "part": part,
        "sections": sections,
        "total": len(shown),
        "internal": sum(r["mentee_school_id"] == r["mentor_school_id"] for r in shown),
        "network": sum(r["mentee_school_id"] != r["mentor_school_id"] for r in shown),
        "group_summary": group_summary,
    }


# --------------------------------------------------------------------------- network links
NETWORK_COLUMNS = {
    "mentor_school_id": "Код ОО наставника",
    "mentor_school": "ОО наставника",
    "mentee_school_id": "Код ОО наставляемого",
    "mentee_school": "ОО наставляемого",
    "pairs": "Число пар",
    "pair_list": "Пары (наставник → наставляемый)",
}


def network_links(register: Register, registry: Registry, on: dt.date) -> pd.DataFrame:
    """Pairs of schools linked by network pairs in force on ``on`` (mentor and mentee in different schools).

    Returns
    -------
    DataFrame
        One row per (mentor's school, mentee's school), sorted by the two
        codes; columns :data:`NETWORK_COLUMNS`: ``mentor_school_id``,
        ``mentor_school``, ``mentee_school_id``, ``mentee_school`` (str:
        code and name), ``pairs`` (int), ``pair_list`` (str: «наставник
        (код) → наставляемый (код)», one pair a line, sorted by mentee name).
        Empty (same columns) when there are no network pairs.

    Raises
    ------
    RegisterError
        See :func:`checked_in_force`.
    """
    live = checked_in_force(register, registry, on)
    look = _index(registry)
    links: dict[tuple[str, str], list[tuple]] = {}
    for p in live.to_dict("records"):
        mentee, mentor = look.teachers[p["mentee_id"]], look.teachers[p["mentor_id"]]
        if mentee["school_id"] == mentor["school_id"]:
            continue
        links.setdefault((mentor["school_id"], mentee["school_id"]), []).append(
            (
                name_key(mentee["full_name"]),
                f"{mentor['full_name']} ({p['mentor_id']}) → {mentee['full_name']} ({p['mentee_id']})",
            )
        )
    records = []
    for (a, b), items in sorted(links.items()):
        records.append(
            {
                "mentor_school_id": a,
                "mentor_school": look.schools.get(a, a),
                "mentee_school_id": b,
                "mentee_school": look.schools.get(b, b),
                "pairs": len(items),
                "pair_list": "\n".join(text for _, text in sorted(items)),
            }
        )
    df = pd.DataFrame(records, columns=list(NETWORK_COLUMNS))
    return df.astype({"pairs": int})
