"""Entries of a tandem contest from the pairs: the pure table, the reader and ``python -m contest entries``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from contest import load_contest, load_people
from contest.assign import assign_jury, conflicts
from contest.cli import main
from contest.entries import GROUP_NOMINATION, double_roles, initials, tandem_entries
from contest.entries_io import build_people, load_jury
from contest.model import ContestError
from mentoring.register import default_form, in_force
from tandem.cli import run_cli
from tandem.xlsx import atomic_save, new_workbook, write_table

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
REGISTER = DATA / "sample_register.xlsx"
REGISTRY = DATA / "sample_district.xlsx"
JURY = DATA / "contests" / "pedagogical_duet_people.xlsx"

TEACHERS = pd.DataFrame(
    {
        "teacher_id": ["A", "B", "C", "D", "E", "F"],
        "full_name": [
            "Яковлева Анна Петровна",
            "Петров Сергей Иванович",
            "Ёлкина Мария Олеговна",
            "Сидорова Елена Викторовна",
            "Абрамов Игорь",
            "Белова Ольга Ильинична",
        ],
        "school_id": ["ОО-01", "ОО-02", "ОО-01", "ОО-01", "ОО-03", "ОО-03"],
        "experience_years": [20.0, 1.0, 15.0, 2.0, 30.0, 5.0],
    }
)
PAIRS = pd.DataFrame(
    {
        "mentee_id": ["B", "D", "F"],
        "mentor_id": ["A", "A", "C"],
        "form": ["педагог – молодой специалист", "педагог – молодой специалист", "педагог – педагог"],
        "excel_row": [2, 3, 4],
    }
)


def cli(args, capsys):
    try:
        code = run_cli(main, [str(a) for a in args])
    except SystemExit as exc:  # a bad command line: argparse exits with 2
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- the pure table
def test_initials():
    assert initials("Иванова Анна Петровна") == "Иванова А. П."
    assert initials("Абрамов Игорь") == "Абрамов И."
    assert initials(" Платон ") == "Платон"


def test_one_entry_per_pair_in_name_order():
    e = tandem_entries(PAIRS, TEACHERS)
    assert list(e.columns) == [
        "entry_id",
        "title",
        "nomination",
        "mentor_name",
        "mentee_name",
        "school_ids",
        "publish_consent",
    ]
    # ordered by the mentor's name with ё as е: Ёлкина before Яковлева; then by the mentee's name
    assert list(e["entry_id"]) == ["Т01", "Т02", "Т03"]
    assert list(e["mentor_name"]) == [
        "Ёлкина Мария Олеговна",
        "Яковлева Анна Петровна",
        "Яковлева Анна Петровна",
    ]
    assert list(e["mentee_name"]) == [
        "Белова Ольга Ильинична",
        "Петров Сергей Иванович",
        "Сидорова Елена Викторовна",
    ]
    assert e.loc[1, "title"] == "Тандем Яковлева А. П. — Петров С. И."
    assert list(e["nomination"]) == [
        "педагог – педагог",
        "педагог – молодой специалист",
        "педагог – молодой специалист",
    ]
    # a network pair carries both schools, sorted; a pair of one school carries one
    assert list(e["school_ids"]) == ["ОО-01; ОО-03", "ОО-01; ОО-02", "ОО-01"]
    assert not e["publish_consent"].any()


def test_group_entries_and_nomination_rules():
    g = tandem_entries(PAIRS, TEACHERS, group=True)
    assert list(g["entry_id"]) == ["Т01", "Т02"]
    group = g.iloc[1]
    assert group["title"] == "Группа Яковлева А. П. — Петров С. И., Сидорова Е. В."
    assert group["mentee_name"] == "Петров Сергей Иванович, Сидорова Елена Викторовна"
    assert group["nomination"] == GROUP_NOMINATION
    assert group["school_ids"] == "ОО-01; ОО-02"
    assert g.iloc[0]["nomination"] == "педагог – педагог"  # a mentor with one mentee keeps the pair's form

    net = tandem_entries(PAIRS, TEACHERS, nomination="network")
    assert list(net["nomination"]) == ["сетевой тандем", "сетевой тандем", "тандем одной школы"]
    assert set(tandem_entries(PAIRS, TEACHERS, nomination="none")["nomination"]) == {""}
    assert tandem_entries(PAIRS.drop(columns="form"), TEACHERS).loc[0, "nomination"] == ""
    with pytest.raises(ValueError):
        tandem_entries(PAIRS, TEACHERS, nomination="school")


def test_codes_widen_past_99():
    teachers = pd.DataFrame(
        {
            "teacher_id": [f"T{i:03d}" for i in range(202)],
            "full_name": [f"Педагог{i:03d} Имя Отчество" for i in range(202)],
            "school_id": ["ОО-01"] * 202,
        }
    )
    pairs = pd.DataFrame(
        {"mentee_id": [f"T{i:03d}" for i in range(101, 202)], "mentor_id": [f"T{i:03d}" for i in range(101)]}
    )
    e = tandem_entries(pairs, teachers)
    assert e["entry_id"].iloc[0] == "Т001" and e["entry_id"].iloc[-1] == "Т101"


def test_unknown_people_and_repeated_mentee_are_refused_with_rows():
    bad = pd.concat(
        [
            PAIRS,
            pd.DataFrame(
                {"mentee_id": ["B", "Z"], "mentor_id": ["C", "A"], "form": ["", ""], "excel_row": [7, 9]}
            ),
        ]
    )
    with pytest.raises(ContestError) as exc:
        tandem_entries(bad, TEACHERS, source="реестр.xlsx", sheet="Пары")
    issues = exc.value.issues
    assert [(i.row, i.column) for i in issues] == [(9, "Код наставляемого"), (7, "Код наставляемого")]
    assert "наставляемого «Z» нет в реестре педагогов" in issues[0].message
    assert "уже есть в паре строки 2" in issues[1].message
    assert {i.file for i in issues} == {"реестр.xlsx"} and {i.sheet for i in issues} == {"Пары"}
    with pytest.raises(ContestError, match="нет ни одной пары"):
        tandem_entries(PAIRS.iloc[:0], TEACHERS)


def test_double_roles():
    e = pd.DataFrame(
        {
            "mentor_name": ["Иванова А. А.", "Петрова Б. Б."],
            "mentee_name": ["Петрова Б. Б., Сидоров В. В.", "Кузнецова Г. Г."],
        }
    )
    assert double_roles(e) == ["Петрова Б. Б."]
    assert double_roles(e.iloc[[0]]) == []


# --------------------------------------------------------------------------- from the sample register
def test_register_to_people_workbook_round_trip(tmp_path, capsys):
    out = tmp_path / "people.xlsx"
    code, stdout, err = cli(
        ["entries", REGISTER, REGISTRY, "--jury", JURY, "--out", out, "--on", "2027-01-15"], capsys
    )
    assert code == 0, err
    assert "пар, действующих на 15.01.2027: 48 из 51" in stdout
    people = load_people(out)
    e = people.entries
    assert len(e) == 48 and e["entry_id"].is_unique
    assert set(e["nomination"]) == {"педагог – педагог", "педагог – молодой специалист"}
    assert not e["publish_consent"].any()
    # the jury is the one of the --jury workbook, unchanged
    pd.testing.assert_frame_equal(people.jury, load_people(JURY).jury)
    # every pair in force appears once, with the schools of both its people
    from matching import load_registry
    from mentoring import load_register

    live = in_force(load_register(REGISTER).pairs, dt.date(2027, 1, 15))
    t = load_registry(REGISTRY).teachers.set_index("teacher_id")
    expected = {
        (t.loc[p.mentor_id, "full_name"], t.loc[p.mentee_id, "full_name"]): tuple(
            sorted({t.loc[p.mentor_id, "school_id"], t.loc[p.mentee_id, "school_id"]})
        )
        for p in live.itertuples()
    }
    assert {(r.mentor_name, r.mentee_name): r.school_ids for r in e.itertuples()} == expected
    assert sum(len(s) == 2 for s in expected.values()) > 10  # the sample has many network pairs


def test_recusal_keeps_jurors_of_both_schools_away(tmp_path, capsys):
    out = tmp_path / "people.xlsx"
    assert (
        cli(["entries", REGISTER, REGISTRY, "--jury", JURY, "--out", out, "--on", "2027-01-15"], capsys)[0]
        == 0
    )
    people = load_people(out)
    contest = load_contest(DATA / "contests" / "pedagogical_duet.yaml")
    bad = conflicts(contest, people)
    schools = dict(zip(people.entries["entry_id"], people.entries["school_ids"]))
    network = [eid for eid, s in schools.items() if len(s) == 2]
    jurors = dict(zip(people.jury["juror_id"], people.jury["school_id"]))
    recused = [
        (eid, jid)
        for eid in network
        for jid, s in jurors.items()
        if s and s in schools[eid] and s != schools[eid][0]
    ]
    assert recused, "the sample needs a juror from the second school of a network pair"
    assert all(bad[k] == "ОО" for k in recused)
    plan = assign_jury(contest, people, stage_id="S1")
    assert not any((r.entry_id, r.juror_id) in bad for r in plan.itertuples())


def test_group_entries_from_the_register(tmp_path, capsys):
    out = tmp_path / "people.xlsx"
    code, stdout, err = cli(
        [
            "entries",
            REGISTER,
            REGISTRY,
            "--jury",
            JURY,
            "--out",
            out,
            "--on",
            "2026-11-16",
            "--group-entries",
        ],
        capsys,
    )
    assert code == 0, err
    e = load_people(out).entries
    groups = e[e["nomination"] == GROUP_NOMINATION]
    assert len(groups) == 15 and len(e) == 31
    assert f"из них групп наставника: {len(groups)}" in stdout
    assert all(t.startswith("Группа ") for t in groups["title"])
    assert all(len(n.split(", ")) >= 2 for n in groups["mentee_name"])
    assert e["mentor_name"].is_unique
    assert "в двух работах" in stdout  # teachers who mentor one pair and are mentored in another


def test_matching_result_to_people_workbook(tmp_path, capsys):
    import matching

    registry = matching.load_registry(REGISTRY)
    result_path = matching.write_result(matching.match(registry), registry, tmp_path / "tandems.xlsx")
    out = tmp_path / "people.xlsx"
    code, stdout, err = cli(
        ["entries", result_path, REGISTRY, "--jury", JURY, "--out", out, "--nomination", "network"], capsys
    )
    assert code == 0, err
    assert "пар в результате подбора" in stdout
    e = load_people(out).entries
    assert set(e["nomination"]) <= {"сетевой тандем", "тандем одной школы"}
    assert (e["nomination"] == "сетевой тандем").eq(e["school_ids"].map(len) == 2).all()
    # the form of a result's pair follows the register's rule: under 3 years → a young specialist
    entries, _jury, source = build_people(result_path, REGISTRY, JURY)
    assert source.kind == "result" and source.sheet == "Тандемы"
    years = dict(zip(registry.teachers["full_name"], registry.teachers["experience_years"]))
    assert list(entries["nomination"]) == [default_form(years[n]) for n in entries["mentee_name"]]


# --------------------------------------------------------------------------- bad input → exit 2, no output
def _jury_book(path: Path, jury: pd.DataFrame) -> Path:
    wb = new_workbook()
    write_table(wb.create_sheet("Жюри"), jury)
    return atomic_save(wb, path)


def test_bad_inputs_exit_2_and_write_nothing(tmp_path, capsys):
    out = tmp_path / "people.xlsx"
    cases = [
        ([REGISTRY, REGISTRY, "--jury", JURY], "ожидался реестр наставнических пар"),
        (
            [REGISTER, REGISTRY, "--jury", JURY, "--on", "2026-01-01"],
            "на 01.01.2026 в реестре нет действующих пар",
        ),
        ([REGISTER, REGISTRY, "--jury", REGISTRY, "--on", "2027-01-15"], "нет листа «Жюри»"),
        ([tmp_path / "нет.xlsx", REGISTRY, "--jury", JURY], "файл не найден"),
        ([REGISTER, REGISTRY, "--jury", JURY, "--on", "32.01.2027"], "дата"),
        ([REGISTER, REGISTRY, "--out", out], "--jury"),
    ]
    for args, message in cases:
        code, _out, err = cli(["entries", *args, *(["--out", out] if "--out" not in args else [])], capsys)
        assert code == 2, (args, err)
        assert message in err, (message, err)
        assert not out.exists()


def test_jury_without_chair_is_reported_with_the_pairs_problem(tmp_path, capsys):
    jury = _jury_book(
        tmp_path / "jury.xlsx",
        pd.DataFrame({"Код эксперта": ["Ж1"], "ФИО": ["Громова Ирина Викторовна"], "Роль": ["член жюри"]}),
    )
    with pytest.raises(ContestError) as exc:
        load_jury(jury)
    assert "не указан председатель" in exc.value.issues[0].message
    out = tmp_path / "people.xlsx"
    code, _o, err = cli(
        ["entries", REGISTER, REGISTRY, "--jury", jury, "--out", out, "--on", "2026-01-01"], capsys
    )
    assert code == 2 and "Найдено ошибок во входных данных: 2" in err
    assert "не указан председатель" in err and "нет действующих пар" in err
    assert not out.exists()


def test_register_of_another_district_is_one_message(tmp_path, capsys):
    from openpyxl import load_workbook

    wb = load_workbook(REGISTRY)
    for ws in wb.worksheets:
        heads = [c.value for c in ws[1]]
        for j, h in enumerate(heads, 1):
            if h in ("Код педагога", "Наставляемый", "Наставник"):
                for row in range(2, ws.max_row + 1):
                    if ws.cell(row, j).value:
                        ws.cell(row, j).value = "X" + str(ws.cell(row, j).value)
    other = atomic_save(wb, tmp_path / "other.xlsx")
    out = tmp_path / "people.xlsx"
    code, _o, err = cli(
        ["entries", REGISTER, other, "--jury", JURY, "--out", out, "--on", "2027-01-15"], capsys
    )
    assert code == 2, err
    assert "ни один педагог из пар не найден в реестре педагогов «other.xlsx»" in err
    assert "Найдено ошибок" not in err
    assert not out.exists()
