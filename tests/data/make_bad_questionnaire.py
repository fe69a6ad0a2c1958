"""Generate the bad-questionnaire corpus in ``tests/data/bad/questionnaire/`` (repeatable).

Run from the repository root::

    python tests/data/make_bad_questionnaire.py

Questionnaires of the small base registry (``tests/data/bad/registry/
R00_base.xlsx``: 9 teachers, deficits Д1–Д4) as schools send them back,
broken the ways people break them: unknown teachers and deficits, levels
off the scale or written as words, two answers for one teacher and deficit
(in one file or in two), missing columns, a school code that is not the
teacher's, a look-alike Latin letter in a code, a date where a level
belongs, nothing filled at all, files that are not questionnaires.

``manifest.csv`` there lists every case: ``case``, ``path`` (a file or a
folder, relative to the corpus), ``outcome`` (``refused``: ``python -m
mentoring diagnosis import`` exits 2 with ``fragment`` in the message and
writes nothing; ``tolerated``: exit 0), ``fragment`` and ``note``.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from matching import load_registry  # noqa: E402
from mentoring.diagnosis import ANSWER_COLUMNS, questionnaire_rows  # noqa: E402
from mentoring.diagnosis_io import write_questionnaires  # noqa: E402
from tandem.xlsx import atomic_save, new_workbook, write_table  # noqa: E402

OUT = ROOT / "tests" / "data" / "bad" / "questionnaire"
REGISTRY = ROOT / "tests" / "data" / "bad" / "registry" / "R00_base.xlsx"
CASES: list[dict] = []
HEADERS = ANSWER_COLUMNS


def case(cid, path, outcome, fragment, note):
    CASES.append(
        dict(case=cid, path=str(Path(path).relative_to(OUT)), outcome=outcome, fragment=fragment, note=note)
    )


def filled(registry, school: str):
    """A school's questionnaire filled consistently with the base registry (deficit → 1, else 3)."""
    rows = questionnaire_rows(registry, school)
    deficits = dict(zip(registry.teachers["teacher_id"], registry.teachers["deficits"]))
    rows["self_level"] = [1 if c in deficits[t] else 3 for t, c in zip(rows["teacher_id"], rows["code"])]
    return rows


def workbook(path: Path, rows, headers=HEADERS, sheet="Анкета") -> Path:
    wb = new_workbook()
    write_table(wb.create_sheet(sheet), rows, headers=headers)
    return atomic_save(wb, path)


def edited(cid, note, fragment, edit, registry, school="ОО-3", outcome="refused", suffix=".xlsx"):
    """The school's filled questionnaire with ``edit(rows)`` applied (a DataFrame, returned)."""
    rows = edit(filled(registry, school).copy())
    path = OUT / f"{cid}{suffix}"
    if suffix == ".csv":
        rows.rename(columns=HEADERS).to_csv(path, index=False, sep=";", encoding="utf-8")
    else:
        workbook(path, rows)
    case(cid, path, outcome, fragment, note)


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    registry = load_registry(REGISTRY)

    def at(row, col, value):
        def edit(df):
            df[col] = df[col].astype(object)
            df.loc[row, col] = value
            return df

        return edit

    # ОО-3 has Н1 (Д1, Д2) and Н4 (Д3); rows: Н1 × Д1..Д4, then Н4 × Д1..Д4.
    edited("Q00", "правильная анкета школы", "", lambda df: df, registry, outcome="tolerated")
    edited("Q01", "неизвестный педагог", "педагог «Н9» не найден", at(0, "teacher_id", "Н9"), registry)
    edited("Q02", "неизвестный код дефицита", "неизвестный код дефицита «Д7»", at(1, "code", "Д7"), registry)
    edited("Q03", "уровень больше 3", "уровень вне шкалы 0–3: «5»", at(2, "self_level", 5), registry)
    edited(
        "Q04", "отрицательный уровень", "уровень вне шкалы 0–3: «-1»", at(2, "curator_level", -1), registry
    )
    edited("Q05", "слово вместо уровня", "получен текст «хорошо»", at(3, "self_level", "хорошо"), registry)
    edited("Q06", "дробный уровень", "уровень вне шкалы 0–3: «1.5»", at(4, "self_level", 1.5), registry)
    edited(
        "Q07",
        "два ответа по одному педагогу и дефициту в одном файле",
        "второй ответ по педагогу «Н1» и дефициту «Д1»",
        lambda df: df.__class__(list(df.to_dict("records")) + [df.iloc[0].to_dict()]),
        registry,
    )
    edited(
        "Q08",
        "нет столбца с кодом дефицита",
        "нет столбца «Код дефицита»",
        lambda df: df.drop(columns=["code"]),
        registry,
    )
    edited(
        "Q09",
        "нет ни одного столбца оценок",
        "нет столбца «Самооценка» или «Оценка куратора»",
        lambda df: df.drop(columns=["self_level", "curator_level"]),
        registry,
    )
    edited(
        "Q10",
        "латинская H в коде педагога",
        "латинск",
        at(0, "teacher_id", "H1"),
        registry,
    )
    edited(
        "Q11",
        "педагог не из этой школы",
        "работает в ОО «ОО-3», а не «ОО-4»",
        at(0, "school_id", "ОО-4"),
        registry,
    )
    edited(
        "Q12",
        "дата вместо уровня",
        "ожидался уровень от 0 до 3, а в ячейке",
        at(5, "self_level", dt.datetime(2026, 9, 1)),
        registry,
    )
    edited("Q13", "уровень без кода педагога", "не указан код педагога", at(6, "teacher_id", None), registry)
    edited(
        "Q14",
        "число и слова уровня расходятся",
        "число и слова уровня расходятся",
        at(7, "curator_level", "3 — владею частично"),
        registry,
    )
    edited(
        "Q15",
        "ничего не заполнено (пустой бланк)",
        "нет ни одной оценки",
        lambda df: df.assign(self_level=None),
        registry,
    )

    # two files of one folder answer for the same teacher and deficit
    folder = OUT / "Q16_two_files"
    folder.mkdir()
    workbook(folder / "ОО-3.xlsx", filled(registry, "ОО-3"))
    workbook(folder / "ОО-3 (исправленная).xlsx", filled(registry, "ОО-3").iloc[:2])
    case(
        "Q16",
        folder,
        "refused",
        "второй ответ по педагогу «Н1» и дефициту «Д1»",
        "две версии анкеты одной школы",
    )

    # a folder with a registry instead of questionnaires
    folder = OUT / "Q17_not_questionnaire"
    folder.mkdir()
    shutil.copy(REGISTRY, folder / "реестр.xlsx")
    case(
        "Q17",
        folder,
        "refused",
        "лист «Педагоги»: нет столбца «Код дефицита»",
        "в папке реестр педагогов вместо анкет",
    )

    folder = OUT / "Q18_empty_folder"
    folder.mkdir()
    (folder / "readme.txt").write_text("анкеты будут позже\n", encoding="utf-8")
    case("Q18", folder, "refused", "в папке нет анкет", "папка без анкет")

    path = OUT / "Q19_text.xlsx"
    path.write_text("Код педагога;Код дефицита;Самооценка\nН1;Д1;1\n", encoding="utf-8")
    case("Q19", path, "refused", "это не книга Excel", "текстовый файл с расширением .xlsx")

    edited(
        "Q20",
        "пустая ячейка кода дефицита",
        "не указан код дефицита",
        at(1, "code", None),
        registry,
    )

    # tolerated: an online form's CSV export with «;», words instead of numbers, no curator column
    edited(
        "T01",
        "выгрузка онлайн-формы: CSV через «;», уровни словами, без оценки куратора",
        "",
        lambda df: df.drop(columns=["curator_level"]).assign(
            self_level=lambda d: d["self_level"].map({1: "владею частично", 3: "Владею свободно"})
        ),
        registry,
        outcome="tolerated",
        suffix=".csv",
    )
    folder = OUT / "T02_blank_templates"
    write_questionnaires(registry, folder)
    workbook(folder / "ОО-3.xlsx", filled(registry, "ОО-3"))
    case("T02", folder, "tolerated", "", "папка бланков, заполнена одна школа: остальные строки не оценены")

    with open(OUT / "manifest.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["case", "path", "outcome", "fragment", "note"], lineterminator="\n")
        w.writeheader()
        w.writerows(CASES)
    print(f"{len(CASES)} cases in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
