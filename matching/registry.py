"""Loading the district registry: reading, validating, building a :class:`~matching.model.Registry`.

:func:`load_registry` reads a workbook or a CSV folder (:mod:`tandem.tables`)
and validates it against the contract in :mod:`matching.schema`
(docs/formats.md §3). Every problem is
collected and reported at once in one :class:`RegistryError`, each naming the
file, sheet, Excel row and column and quoting the bad value.

Tolerant readings (documented, never silent about a changed meaning):

* headers are matched by English name or Russian header, case, surrounding
  spaces and ``ё``/``е`` ignored; sheets likewise;
* fixed values (role, category, format, consent, cluster) are matched case-
  insensitively with ``ё`` = ``е``;
* numbers may use a decimal comma (``2,5``);
* list cells are split on ``;``; empty items and repeats are dropped;
* an empty capacity of a mentor means 1; an empty format means «смешанно»;
  an empty consent means «нет» (consent must be given in writing,
  docs/sources.md [Тетюши-2022] §3.8: pairs are fixed «с письменного согласия
  их участников»);
* numbers stored as text (``"25"``) are numbers; Excel booleans in
  «Согласие» read as «да» / «нет»; numeric codes (``101``) equal the same
  code written as text (``"101"``);
* non-breaking spaces count as spaces; spaces around codes and values are
  dropped; empty rows are skipped (row numbers in messages stay Excel's);
* a formula cell is read by its saved value; one without a saved value is an
  error naming the cell.

Refused, never guessed (each with its position):

* the same sheet twice (e.g. «Педагоги» and «teachers» in one workbook);
* a required column missing — with a hint when an empty header cell stands
  over filled cells (merged header cells);
* codes that differ only by look-alike Latin and Cyrillic letters
  (А/A, В/B, Е/E, К/K, М/M, Н/H, О/O, Р/P, С/C, Т/T, Х/X, у/y): a code that is
  not found but matches a known one up to such letters is reported with the
  letters and their positions; two ids of one sheet that match that way are
  reported as duplicates. Codes are never rewritten silently.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from matching import schema
from matching.model import Registry, RegistryError
from matching.registry_cells import check_unique, find_sheets, header_of, pair_people_issues, parse_sheet
from matching.registry_extra import deficit_weights, parse_deficit_levels, parse_mentor_preferences
from tandem.errors import InputError, Issue, describe_lookalikes, lookalike_hint, lookalike_key  # noqa: F401 (InputError: the base of RegistryError)
from tandem.tables import RawTable, read_tables, sha256_of


def validate_tables(tables: dict[str, RawTable], source: str | None = None) -> Registry:
    """Validate raw tables against the registry contract.

    Parameters
    ----------
    tables : dict of str → RawTable
        As returned by :func:`tandem.tables.read_tables`.
    source : str, optional
        Name of the file or folder, for messages.

    Returns
    -------
    Registry

    Raises
    ------
    RegistryError
        With every problem found: missing sheets or columns, bad cells,
        duplicate ids, unknown school / deficit / teacher codes, wrong roles in
        locked / forbidden / preference rows, locked pairs that break a hard
        constraint (consent, capacity, self-pair, also forbidden, a mentee
        locked twice).
    """
    issues: list[Issue] = []
    frames: dict[str, pd.DataFrame] = {}
    found: dict[str, RawTable] = {}
    for sheet in schema.SHEETS:
        matches = find_sheets(tables, sheet)
        table = matches[0] if matches else None
        if len(matches) > 1:
            issues.append(
                Issue(
                    f"лист «{sheet.title}» указан дважды: "
                    + ", ".join(f"«{t.sheet}»" for t in matches)
                    + " (русское и английское название одного листа); оставьте один",
                    file=source,
                )
            )
        if table is None:
            if sheet.required:
                issues.append(
                    Issue(
                        f"нет листа «{sheet.title}» (или «{sheet.name}»); листы в файле: "
                        + (", ".join(f"«{t}»" for t in tables) or "нет"),
                        file=source,
                    )
                )
            table = RawTable(source or "", sheet.title, [c.header for c in sheet.columns], [], [])
        elif not table.headers:
            if sheet.required:
                issues.append(Issue("лист пустой: нет строки заголовков", file=table.file, sheet=table.sheet))
            table = RawTable(table.file, table.sheet, [c.header for c in sheet.columns], [], [])
        found[sheet.name] = table
        frames[sheet.name] = parse_sheet(table, sheet, issues)

    def loc(sheet_name, row, col):
        t = found[sheet_name]
        return dict(
            file=t.file,
            sheet=t.sheet,
            row=int(row),
            column=header_of(t, schema.SHEETS_BY_NAME[sheet_name], col),
        )

    schools, teachers, deficits = frames["schools"], frames["teachers"], frames["deficits"]
    check_unique(
        schools,
        "school_id",
        found["schools"],
        header_of(found["schools"], schema.SCHOOLS, "school_id"),
        issues,
    )
    check_unique(
        teachers,
        "teacher_id",
        found["teachers"],
        header_of(found["teachers"], schema.TEACHERS, "teacher_id"),
        issues,
    )
    check_unique(
        deficits, "code", found["deficits"], header_of(found["deficits"], schema.DEFICITS, "code"), issues
    )

    school_ids = set(schools["school_id"]) - {""}
    for row, sid in zip(teachers["excel_row"], teachers["school_id"]):
        if sid and sid not in school_ids:
            issues.append(
                Issue(
                    f"код ОО «{sid}» не найден на листе «{found['schools'].sheet}»"
                    + lookalike_hint(sid, school_ids),
                    **loc("teachers", row, "school_id"),
                )
            )
    codes = set(deficits["code"]) - {""}
    for col in ("deficits", "strengths"):
        for row, items in zip(teachers["excel_row"], teachers[col]):
            unknown = [c for c in items if c not in codes]
            if unknown:
                issues.append(
                    Issue(
                        "неизвестные коды дефицитов: "
                        + ", ".join(f"«{u}»{lookalike_hint(u, codes)}" for u in unknown)
                        + f"; коды берутся с листа «{found['deficits'].sheet}»",
                        **loc("teachers", row, col),
                    )
                )

    levels = parse_deficit_levels(tables, source, teachers, found["teachers"], codes, issues)

    # Defaults for empty cells (module docstring: tolerant readings).
    teachers["capacity"] = teachers["capacity"].fillna(1).astype(int)
    teachers.loc[teachers["role"] == "наставляемый", "capacity"] = 0
    teachers["format"] = teachers["format"].replace("", "смешанно")
    teachers["consent"] = teachers["consent"] == "да"
    teachers["experience_years"] = teachers["experience_years"].astype(float)
    for c in ("lat", "lon"):
        schools[c] = pd.to_numeric(schools[c], errors="coerce").astype(float)

    by_id = teachers.drop_duplicates("teacher_id").set_index("teacher_id")
    mentor_roles, mentee_roles = ("наставник", "оба"), ("наставляемый", "оба")

    def check_pair_rows(name: str):
        df = frames[name]
        for r in df.itertuples(index=False):
            issues.extend(
                pair_people_issues(
                    r,
                    by_id,
                    found["teachers"].sheet,
                    ("mentee_id", "mentor_id"),
                    lambda row, col, name=name: loc(name, row, col),
                )
            )
            if r.mentee_id and r.mentee_id == r.mentor_id:
                issues.append(
                    Issue(
                        f"педагог «{r.mentee_id}» не может быть наставником самому себе",
                        **loc(name, r.excel_row, "mentor_id"),
                    )
                )
        key = df[["mentee_id", "mentor_id"]].apply(tuple, axis=1) if len(df) else pd.Series([], dtype=object)
        for idx in key[key.duplicated()].index:
            issues.append(
                Issue(
                    "эта пара уже указана выше на этом листе",
                    **loc(name, df.at[idx, "excel_row"], "mentee_id"),
                )
            )

    for name in ("locked", "forbidden", "preferences"):
        check_pair_rows(name)
    mentor_wishes = parse_mentor_preferences(tables, source, by_id, found["teachers"], issues)

    locked, forbidden = frames["locked"], frames["forbidden"]
    forbidden_pairs = set(zip(forbidden["mentee_id"], forbidden["mentor_id"]))
    seen_mentee: dict[str, int] = {}
    load: dict[str, int] = {}
    for r in locked.itertuples(index=False):
        if r.mentee_id in seen_mentee:
            issues.append(
                Issue(
                    f"наставляемый «{r.mentee_id}» уже закреплён в строке {seen_mentee[r.mentee_id]}; "
                    "у наставляемого один наставник",
                    **loc("locked", r.excel_row, "mentee_id"),
                )
            )
        seen_mentee.setdefault(r.mentee_id, r.excel_row)
        if (r.mentee_id, r.mentor_id) in forbidden_pairs:
            issues.append(
                Issue(
                    "пара одновременно закреплена и запрещена (лист запретов); уберите одно из двух",
                    **loc("locked", r.excel_row, "mentor_id"),
                )
            )
        for col in ("mentee_id", "mentor_id"):
            tid = getattr(r, col)
            if tid in by_id.index and by_id.at[tid, "role"] in (
                mentee_roles if col == "mentee_id" else mentor_roles
            ):
                if not by_id.at[tid, "consent"]:
                    who = "наставляемого" if col == "mentee_id" else "наставника"
                    issues.append(
                        Issue(
                            f"закрепление нарушает условие: нет согласия {who} «{tid}»",
                            **loc("locked", r.excel_row, col),
                        )
                    )
        if r.mentor_id in by_id.index:
            load[r.mentor_id] = load.get(r.mentor_id, 0) + 1
            cap = by_id.at[r.mentor_id, "capacity"]
            if load[r.mentor_id] == int(cap) + 1:
                issues.append(
                    Issue(
                        f"закреплений у наставника «{r.mentor_id}» больше его вместимости ({int(cap)})",
                        **loc("locked", r.excel_row, "mentor_id"),
                    )
                )

    if issues:
        raise RegistryError(issues)
    if levels is not None:
        teachers["deficit_weights"] = deficit_weights(teachers, levels)
    return Registry(
        schools=schools,
        teachers=teachers,
        deficits=deficits,
        locked=locked,
        forbidden=forbidden,
        preferences=frames["preferences"].astype({"rank": int}),
        source=source,
        sheet_titles={k: v.sheet for k, v in found.items()},
        deficit_levels=levels,
        mentor_preferences=mentor_wishes,
    )


def load_registry(path: str | os.PathLike) -> Registry:
    """Read and validate a registry workbook (.xlsx) or CSV folder.

    Parameters
    ----------
    path : str or path-like
        An .xlsx workbook with sheets «Школы», «Педагоги», «Дефициты» and
        optionally «Закрепления», «Запреты», «Пожелания» (or their English
        names), or a folder with ``schools.csv``, ``teachers.csv``…
        (docs/formats.md §3).

    Returns
    -------
    Registry
        With ``source`` (file name) and ``sha256`` of the input set.

    Raises
    ------
    RegistryError
        Every problem found, each with file, sheet, Excel row and column.
    """
    path = Path(path)
    tables = read_tables(path, expected_csv="schools.csv, teachers.csv, deficits.csv")
    registry = validate_tables(tables, source=path.name)
    registry.sha256 = sha256_of(path)
    return registry
