"""Re-match during the year: approve → status change → registry changed → rematch → approve, through
the command line, with every step in the log, no mentee lost, and a second re-match changing nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd
import pytest

from matching import load_registry
from matching.cli import main as matching_main
from matching.registry_writer import write_registry_csv, write_registry_xlsx
from matching.synthetic import generate_registry
from mentoring import Register, approve, current_pairs, load_register, read_result
from mentoring.cli import main
from mentoring.register import in_force
from mentoring.rematch import rematch
from tandem.cli import run_cli

D = dt.date
ON = D(2027, 1, 15)


def _ok(args, fn=main) -> None:
    code = run_cli(fn, [str(a) for a in args])
    assert code == 0, f"exit {code}: {args}"


def _pairs_in_force(path: Path, on: dt.date) -> dict[str, str]:
    live = in_force(load_register(path, today=on).pairs, on)
    return dict(zip(live["mentee_id"], live["mentor_id"]))


@pytest.fixture(scope="module")
def frames():
    return generate_registry(districts=1, teachers=400, seed=3)


@pytest.fixture(scope="module")
def district(frames, tmp_path_factory):
    return load_registry(write_registry_csv(frames, tmp_path_factory.mktemp("district") / "csv"))


def _mid_year(frames: dict, live: dict[str, str]) -> tuple[dict, dict]:
    """The registry in January: a mentor and a mentee removed, a consent withdrawn, a capacity
    lowered, three new mentees. Returns (frames, what was changed)."""
    f = {k: v.copy() for k, v in frames.items()}
    t = f["teachers"]
    held = set(f["locked"].stack()) | set(f["forbidden"].stack())
    load = pd.Series(list(live.values())).value_counts()
    mentors = [m for m in load.index if m not in held]
    busy = [m for m in mentors if load[m] >= 2]
    lowered = busy[0]
    removed_mentor, withdrawn = [m for m in mentors if m != lowered][:2]
    removed_mentee = next(
        e
        for e, r in sorted(live.items())
        if e not in held and r not in held and r not in (lowered, removed_mentor, withdrawn)
    )
    gone = {removed_mentor, removed_mentee}
    t.loc[t["teacher_id"] == withdrawn, "consent"] = "нет"
    t.loc[t["teacher_id"] == lowered, "capacity"] = 1
    newcomers = t[t["role"] == "наставляемый"].head(3).copy()
    newcomers["teacher_id"] = ["П-901", "П-902", "П-903"]
    newcomers["full_name"] = ["Новикова Ана Ильинична", "Новиков Олег Ильич", "Новая Вера Петровна"]
    f["teachers"] = pd.concat([t[~t["teacher_id"].isin(gone)], newcomers], ignore_index=True)
    for name in ("preferences", "locked", "forbidden"):
        d = f[name]
        f[name] = d[~d["mentee_id"].isin(gone) & ~d["mentor_id"].isin(gone)]
    what = dict(
        removed_mentor=removed_mentor,
        removed_mentee=removed_mentee,
        withdrawn=withdrawn,
        lowered=lowered,
        new=["П-901", "П-902", "П-903"],
    )
    return f, what


def test_round_trip_mid_year(tmp_path, frames):
    september = write_registry_xlsx(frames, tmp_path / "реестр-сентябрь.xlsx")
    register = tmp_path / "пары.xlsx"
    _ok(["run", september, "--out", tmp_path / "подбор-1.xlsx"], matching_main)
    _ok(
        [
            "approve",
            tmp_path / "подбор-1.xlsx",
            "--register",
            register,
            "--order",
            "Приказ № 45 от 01.09.2026",
        ]
        + ["--start", "2026-09-01", "--registry", september]
    )
    first = _pairs_in_force(register, D(2026, 9, 1))
    # A pair ends early in December (status change through the command line).
    ended_mentee = sorted(first)[-1]
    _ok(
        ["status", register, "--mentee", ended_mentee, "--mentor", first[ended_mentee]]
        + ["--status", "прекращена досрочно", "--reason", "переезд", "--on", "2026-12-20"]
    )
    live = _pairs_in_force(register, ON)
    assert ended_mentee not in live and len(live) == len(first) - 1

    changed, what = _mid_year(frames, live)
    january = write_registry_xlsx(changed, tmp_path / "реестр-январь.xlsx")
    out = tmp_path / "подбор-2.xlsx"
    _ok(["rematch", january, "--register", register, "--on", "2027-01-15", "--out", out])
    pairs, changes = read_result(out)
    ch = changes.set_index("mentee_id")
    # Every mentee of a pair in force appears once, with the cause when the pair could not stay.
    assert changes["mentee_id"].is_unique
    assert set(live) <= set(ch.index)
    assert ch.at[what["removed_mentee"], "change"] == "снята"
    assert ch.at[what["removed_mentee"], "reason"] == "наставляемый выбыл из реестра"
    for mentee, mentor in live.items():
        row = ch.loc[mentee]
        assert row["mentor_before"] == mentor
        if mentor == what["removed_mentor"]:
            assert row["reason"] == "наставник выбыл из реестра" and row["change"] != "сохранена"
        elif mentor == what["withdrawn"]:
            assert row["reason"] == "у наставника нет согласия" and row["change"] != "сохранена"
        elif mentee != what["removed_mentee"] and mentor != what["lowered"]:
            assert row["change"] == "сохранена", (mentee, row.to_dict())
    at_lowered = ch[ch["mentor_before"] == what["lowered"]]
    assert (at_lowered["change"] == "сохранена").sum() == 1
    assert (
        at_lowered.loc[at_lowered["change"] != "сохранена", "reason"]
        .str.startswith("вместимость наставника уменьшена: мест 1")
        .all()
    )
    assert set(ch.loc[ch["change"] == "новая"].index) <= set(pairs["mentee_id"])

    _ok(
        ["approve", out, "--register", register, "--order", "Приказ № 3 от 15.01.2027"]
        + ["--start", "2027-01-15", "--registry", january]
    )
    now = _pairs_in_force(register, ON)
    assert now == dict(zip(pairs["mentee_id"], pairs["mentor_id"]))
    # No mentee lost: each is in a pair in force, in «Нераспределённые», or gone and «снята».
    unmatched = set(pd.read_excel(out, sheet_name="Нераспределённые", engine="openpyxl")["Код наставляемого"])
    registry = load_registry(january)
    assert set(registry.mentees["teacher_id"]) == set(now) | unmatched
    assert not set(now) & unmatched
    for mentee in set(live) - set(registry.mentees["teacher_id"]):
        assert ch.at[mentee, "change"] == "снята"
    # Every step is in the log.
    log = load_register(register, today=ON).log
    events = log.groupby("event").size().to_dict()
    moved = ch[ch["change"].isin(["другой наставник", "снята"])]
    assert events["статус изменён"] == 1
    assert events.get("наставник сменён", 0) == (moved["change"] == "другой наставник").sum()
    assert events.get("пара снята при повторном подборе", 0) == (moved["change"] == "снята").sum()
    approved = log[log["event"] == "пара утверждена"]
    assert len(approved) == len(first) + int(ch["change"].isin(["новая", "другой наставник"]).sum())
    for mentee, row in moved.iterrows():
        ends = log[(log["mentee_id"] == mentee) & (log["mentor_id"] == row["mentor_before"])]
        assert ends["event"].isin(["наставник сменён", "пара снята при повторном подборе"]).any()
        assert row["reason"] in ends["after"].iloc[-1]

    # Idempotent: re-matching the approved result changes nothing, and approving it adds nothing.
    again = tmp_path / "подбор-3.xlsx"
    _ok(["rematch", january, "--register", register, "--on", "2027-01-15", "--out", again])
    pairs3, changes3 = read_result(again)
    assert set(changes3["change"]) == {"сохранена"} and len(changes3) == len(now)
    before = load_register(register, today=ON)
    _ok(
        ["approve", again, "--register", register, "--order", "Приказ № 4 от 15.01.2027"]
        + ["--start", "2027-01-15", "--registry", january]
    )
    after = load_register(register, today=ON)
    pd.testing.assert_frame_equal(after.pairs, before.pairs)
    assert len(after.log) == len(before.log)


@pytest.mark.parametrize("change_cost", [None, 0.0, 0.2])
def test_rematch_of_its_own_approved_result_keeps_every_pair(district, change_cost):
    registry = district
    first = rematch(registry, Register(), ON, change_cost=change_cost)
    assert set(first.changes["change"]) == {"новая"}
    reg, counts = approve(Register(), first.pairs, order="Приказ № 3", start=ON, changes=first.changes)
    assert counts["approved"] == len(first.pairs)
    second = rematch(registry, reg, ON, change_cost=change_cost)
    assert set(second.changes["change"]) == {"сохранена"}
    in_force_now = current_pairs(reg, ON)
    assert list(in_force_now["mentee_id"]) == sorted(in_force_now["mentee_id"])
    assert set(in_force_now.itertuples(index=False, name=None)) == set(
        zip(second.pairs.mentee_id, second.pairs.mentor_id)
    )
    assert second.objective == pytest.approx(first.objective)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "case,fragment",
    [
        ("no_register", "файл реестра пар не найден"),
        ("bad_date", "argument --on"),
        ("bad_cost", "argument --change-cost"),
        ("negative_cost", "argument --change-cost"),
        ("other_district", "ни один педагог реестра пар не найден"),
        ("bad_registry", "«реестр.xlsx»"),
        ("bad_config", "«настройки.yaml»"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(tmp_path, capsys, frames, case, fragment):
    registry = write_registry_xlsx(frames, tmp_path / "реестр.xlsx")
    register = tmp_path / "пары.xlsx"
    approve_from = tmp_path / "подбор.xlsx"
    assert run_cli(matching_main, ["run", str(registry), "--out", str(approve_from)]) == 0
    args = ["approve", approve_from, "--register", register, "--order", "Приказ № 1", "--start", "2026-09-01"]
    _ok(args)
    out = tmp_path / "результат.xlsx"
    argv = ["rematch", str(registry), "--register", str(register), "--on", "2027-01-15", "--out", str(out)]
    if case == "no_register":
        argv[3] = str(tmp_path / "нет.xlsx")
    elif case == "bad_date":
        argv[5] = "2027-13-45"
    elif case == "bad_cost":
        argv += ["--change-cost", "дорого"]
    elif case == "negative_cost":
        argv += ["--change-cost", "-0.5"]
    elif case == "other_district":
        other = {k: v.copy() for k, v in frames.items()}
        for name, cols in (("teachers", ["teacher_id"]), ("locked", ["mentee_id", "mentor_id"])):
            for c in cols:
                other[name][c] = "Х" + other[name][c]
        for name in ("forbidden", "preferences"):
            for c in ("mentee_id", "mentor_id"):
                other[name][c] = "Х" + other[name][c]
        argv[1] = str(write_registry_xlsx(other, tmp_path / "другой.xlsx"))
    elif case == "bad_registry":
        registry.write_bytes(b"not a workbook")
    elif case == "bad_config":
        (tmp_path / "настройки.yaml").write_text("weights: [1, 2\n", encoding="utf-8")
        argv += ["--config", str(tmp_path / "настройки.yaml")]
    before = _digest(register)
    try:
        code = run_cli(main, argv)
    except SystemExit as e:  # argparse refuses a bad option value itself (exit 2)
        code = e.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert fragment in err and "Traceback" not in err
    assert not out.exists() and _digest(register) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(("результат", "."))]
