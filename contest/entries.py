"""Entries of a tandem contest built from the pairs: one entry per pair, or per mentor's group.

A district contest of tandems («Педагогический дуэт», «Лучший наставнический
тандем», «Наставник + наставляемый = КОМАНДА»; docs/sources.md [Тетюши-2022]
дорожная карта п. 3.0, [Жигалово-2021] п. 1.7, [Хиславичи-2022] п. 3.9)
takes part as pairs that already exist: the pairs of the register of tandems
in force on a date, or the pairs of a matching result. This module turns
those pairs and the registry's teachers into the «Участники» table of the
people workbook (docs/formats.md §7) — it opens no files; reading and writing
are :mod:`contest.entries_io`.

Rules (docs/contest_rules.md, «Участники из реестра пар»):

* **one entry per pair** by default; with ``group=True`` one entry per
  mentor: a mentor with several mentees («наставничество в группе»,
  [Тетюши-2022] §4.4) is one entry whose «Наставляемый» lists the mentees;
* **codes** «Т01», «Т02», … in the order of the mentor's name, then the
  mentee's (case and ё/е ignored), then the ids; two digits, more when
  there are more than 99 entries;
* **title** «Тандем Иванова А. П. — Петров С. И.»; a group of two or more
  mentees: «Группа Иванова А. П. — Петров С. И., Сидорова Е. В.»;
* **nomination** (``nomination=``): ``"form"`` (default) — the pair's form of
  mentoring ([Тетюши-2022] §4.2: «педагог – педагог», «педагог – молодой
  специалист», …), a group of two or more mentees is «наставничество в
  группе» (§4.4); ``"network"`` — «сетевой тандем» when the mentor and a
  mentee work at different schools, else «тандем одной школы»
  ([Жигалово-2021] п. 1.6); ``"none"`` — empty;
* **schools** «Коды ОО»: the mentor's school and every mentee's, sorted,
  separated by «; » — so that ``recuse: same_school`` keeps a juror from
  both schools of a network pair away from it;
* **consent** to publish names is not known from the register: every entry
  is written with «нет» ([152-ФЗ] art. 10.1) until the methodologist records
  the participants' consent.
"""

from __future__ import annotations

import pandas as pd

from contest.model import ContestError
from contest.roster import ENTRY_COLUMNS
from tandem.errors import Issue, lookalike_hint

#: How the nomination of an entry is chosen (see the module docstring).
NOMINATION_RULES = ("form", "network", "none")
#: The nomination of a group of two or more mentees under the rule «form» ([Тетюши-2022] §4.4).
GROUP_NOMINATION = "наставничество в группе"
#: The nominations under the rule «network» ([Жигалово-2021] п. 1.6).
NETWORK, SAME_SCHOOL = "сетевой тандем", "тандем одной школы"
#: Prefix of the entry codes.
PREFIX = "Т"

_WHO = {"mentee_id": "наставляемого", "mentor_id": "наставника"}


def initials(full_name: str) -> str:
    """«Иванова Анна Петровна» → «Иванова А. П.»; a single word is kept as it is."""
    parts = str(full_name).split()
    if len(parts) < 2:
        return str(full_name).strip()
    return parts[0] + " " + " ".join(f"{p[0]}." for p in parts[1:])


def _key(text: str) -> str:
    return str(text).replace("ё", "е").replace("Ё", "Е").casefold()


def check_people(
    pairs: pd.DataFrame,
    teacher_ids,
    *,
    file: str | None = None,
    sheet: str | None = None,
    columns: dict[str, str] | None = None,
) -> list[Issue]:
    """Mentees and mentors of ``pairs`` that are not teachers of the registry.

    Parameters
    ----------
    pairs : DataFrame
        ``mentee_id``, ``mentor_id`` (str) and optionally ``excel_row`` (int).
    teacher_ids : iterable of str
        The ``teacher_id`` of every teacher of the registry.
    file, sheet : str, optional
        Where the pairs were read from, for the messages.
    columns : dict, optional
        ``mentee_id`` / ``mentor_id`` → the column header named in messages
        (default «Код наставляемого», «Код наставника»).

    Returns
    -------
    list of Issue
        One per unknown code, with the row (``excel_row``, else position + 2)
        and a hint when the code looks like a known one.
    """
    known = set(teacher_ids)
    headers = {"mentee_id": "Код наставляемого", "mentor_id": "Код наставника", **(columns or {})}
    issues = []
    for i, p in enumerate(pairs.to_dict("records")):
        row = int(p["excel_row"]) if pd.notna(p.get("excel_row", None)) else i + 2
        for col, who in _WHO.items():
            code = str(p[col])
            if code not in known:
                issues.append(
                    Issue(
                        f"{who} «{code}» нет в реестре педагогов{lookalike_hint(code, known)}; "
                        "участника конкурса не составить — исправьте код или добавьте педагога в реестр",
                        file=file,
                        sheet=sheet,
                        row=row,
                        column=headers[col],
                    )
                )
    return issues


def double_roles(entries: pd.DataFrame) -> list[str]:
    """Names that are the mentor of one entry and a mentee of another (role «оба» in the registry).

    Parameters
    ----------
    entries : DataFrame
        ``mentor_name``, ``mentee_name`` (a group's mentees separated by «, »).

    Returns
    -------
    list of str
        The names, sorted (case and ё/е ignored). Such a teacher takes part in
        two entries; the organising committee decides whether both stay.
    """
    mentees = {n.strip() for names in entries["mentee_name"] for n in str(names).split(", ")}
    return sorted(set(entries["mentor_name"]) & mentees, key=_key)


def _nomination(rule: str, forms: list[str], mentor_school: str, mentee_schools: list[str]) -> str:
    if rule == "none":
        return ""
    if rule == "network":
        return NETWORK if any(s != mentor_school for s in mentee_schools) else SAME_SCHOOL
    if len(forms) > 1:
        return GROUP_NOMINATION
    return forms[0]


def tandem_entries(
    pairs: pd.DataFrame,
    teachers: pd.DataFrame,
    *,
    group: bool = False,
    nomination: str = "form",
    source: str | None = None,
    sheet: str | None = None,
) -> pd.DataFrame:
    """The «Участники» table of a tandem contest from the pairs.

    Parameters
    ----------
    pairs : DataFrame
        One row per pair: ``mentee_id``, ``mentor_id`` (str, teacher ids of
        the registry); ``form`` (str, the form of mentoring; needed for
        ``nomination="form"``, an empty form gives an empty nomination);
        optionally ``excel_row`` (int, for messages). A mentee appears once.
    teachers : DataFrame
        The registry's teachers: ``teacher_id``, ``full_name``, ``school_id``
        (str) — ``matching.Registry.teachers``.
    group : bool
        One entry per mentor instead of one per pair.
    nomination : {"form", "network", "none"}
        How the nomination is chosen (module docstring).
    source, sheet : str, optional
        File and sheet of the pairs, for the messages.

    Returns
    -------
    DataFrame
        Columns of :data:`contest.roster.ENTRY_COLUMNS`: ``entry_id``,
        ``title``, ``nomination``, ``mentor_name``, ``mentee_name`` (str; a
        group's mentees separated by «, »), ``school_ids`` (str, codes
        separated by «; »), ``publish_consent`` (bool, always False). One row
        per pair (or mentor), in code order.

    Raises
    ------
    ContestError
        No pairs; a mentee or mentor not in ``teachers`` (every one named,
        with ``excel_row``); the same mentee in two rows.
    ValueError
        An unknown ``nomination`` rule (a programming error).
    """
    if nomination not in NOMINATION_RULES:
        raise ValueError(f"nomination must be one of {NOMINATION_RULES}, got {nomination!r}")
    if not len(pairs):
        raise ContestError(
            Issue("нет ни одной пары — участников конкурса не составить", file=source, sheet=sheet)
        )
    issues = check_people(pairs, teachers["teacher_id"], file=source, sheet=sheet)
    seen: dict[str, int] = {}
    for i, p in enumerate(pairs.to_dict("records")):
        row = int(p["excel_row"]) if pd.notna(p.get("excel_row", None)) else i + 2
        m = str(p["mentee_id"])
        if m in seen:
            issues.append(
                Issue(
                    f"наставляемый «{m}» уже есть в паре строки {seen[m]}: в конкурсе он может быть "
                    "только в одном тандеме",
                    file=source,
                    sheet=sheet,
                    row=row,
                    column="Код наставляемого",
                )
            )
        else:
            seen[m] = row
    if issues:
        raise ContestError(issues)
    people = {t["teacher_id"]: t for t in teachers.to_dict("records")}
    rows = []
    for p in pairs.to_dict("records"):
        mentor, mentee = people[str(p["mentor_id"])], people[str(p["mentee_id"])]
        rows.append(
            {
                "mentor_id": mentor["teacher_id"],
                "mentee_id": mentee["teacher_id"],
                "mentor_name": str(mentor["full_name"]).strip(),
                "mentee_name": str(mentee["full_name"]).strip(),
                "mentor_school": str(mentor["school_id"]),
                "mentee_school": str(mentee["school_id"]),
                "form": str(p.get("form", "") or "").strip(),
            }
        )
    flat = pd.DataFrame(rows)
    flat["_mentor_key"] = flat["mentor_name"].map(_key)
    flat["_mentee_key"] = flat["mentee_name"].map(_key)
    flat = flat.sort_values(["_mentor_key", "mentor_id", "_mentee_key", "mentee_id"], kind="stable")
    units = (
        [g for _, g in flat.groupby(["_mentor_key", "mentor_id"], sort=True)]
        if group
        else [flat.iloc[[i]] for i in range(len(flat))]
    )
    width = max(2, len(str(len(units))))
    out = []
    for n, g in enumerate(units, 1):
        first = g.iloc[0]
        mentees = list(g["mentee_name"])
        short = ", ".join(initials(x) for x in mentees)
        word = "Группа" if len(g) > 1 else "Тандем"
        schools = sorted({first["mentor_school"], *g["mentee_school"]})
        out.append(
            {
                "entry_id": f"{PREFIX}{n:0{width}d}",
                "title": f"{word} {initials(first['mentor_name'])} — {short}",
                "nomination": _nomination(
                    nomination, list(g["form"]), first["mentor_school"], list(g["mentee_school"])
                ),
                "mentor_name": first["mentor_name"],
                "mentee_name": ", ".join(mentees),
                "school_ids": "; ".join(s for s in schools if s),
                "publish_consent": False,
            }
        )
    return pd.DataFrame(out, columns=list(ENTRY_COLUMNS))
