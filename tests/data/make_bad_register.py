"""Generate the bad-register corpus in ``tests/data/bad/register/`` (repeatable).

Run from the repository root::

    python tests/data/make_bad_register.py

A valid base register of the small base registry (``tests/data/bad/registry/
R00_base.xlsx``) and a matching result to approve, then the broken registers
that methodologists produce when they edit the workbook by hand: wrong,
impossible and reversed dates, unknown statuses, a mentee in two pairs in
force, duplicate rows, empty ids and bases, a missing sheet or column, a
register of another district, files that are not workbooks at all.

``manifest.csv`` there lists every case: ``case``, ``path``, ``command``
(``approve``: approve the base result into the register, with the base
registry; ``status``: end a pair), ``outcome`` (``refused``: exit 2 with
``fragment`` in the message and the register file unchanged; ``tolerated``:
exit 0) and ``note``.
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

import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402

from matching import load_registry, match  # noqa: E402
from matching.export import write_result  # noqa: E402
from mentoring import Register, approve, write_register  # noqa: E402

OUT = ROOT / "tests" / "data" / "bad" / "register"
REGISTRY = ROOT / "tests" / "data" / "bad" / "registry" / "R00_base.xlsx"
CASES: list[dict] = []


def case(cid, path, command, outcome, fragment, note):
    CASES.append(
        dict(
            case=cid,
            path=str(Path(path).relative_to(OUT)),
            command=command,
            outcome=outcome,
            fragment=fragment,
            note=note,
        )
    )


def base_register() -> Register:
    pairs = pd.DataFrame({"mentee_id": ["Н1", "Н2"], "mentor_id": ["Т1", "Т2"]})
    reg, _ = approve(Register(), pairs, order="Приказ № 45 от 01.09.2026", start=dt.date(2026, 9, 1))
    return reg


def edited(cid: str, note: str, fragment: str, edit, outcome="refused", command="approve") -> None:
    """Write the base register, apply ``edit(ws_pairs, wb)`` with openpyxl, register the case."""
    path = OUT / f"{cid}.xlsx"
    write_register(base_register(), path)
    wb = openpyxl.load_workbook(path)
    edit(wb["Пары"], wb)
    wb.save(path)
    case(cid, path, command, outcome, fragment, note)


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    registry = load_registry(REGISTRY)
    write_result(match(registry), registry, OUT / "base_result.xlsx")
    write_register(base_register(), OUT / "G00_base.xlsx")
    case("G00", OUT / "G00_base.xlsx", "approve", "tolerated", "", "исходный правильный реестр пар")

    def cell(ref, value):
        return lambda ws, wb: ws.__setitem__(ref, value)

    # columns of «Пары»: A mentee, B mentor, C form, D format, E start, F end, G status, H order, I reason
    edited("G01", "несуществующая дата текстом", "получено «31.02.2026»", cell("E2", "31.02.2026"))
    edited("G02", "слово вместо даты", "получено «скоро»", cell("F2", "скоро"))
    edited(
        "G03",
        "даты перепутаны",
        "даты перепутаны",
        lambda ws, wb: (
            ws.__setitem__("E2", dt.datetime(2027, 5, 31)),
            ws.__setitem__("F2", dt.datetime(2026, 9, 1)),
        ),
    )
    edited("G04", "неизвестный статус", "неизвестный статус «отложена»", cell("G2", "отложена"))
    edited("G05", "опечатка в статусе", "неизвестный статус «действуе»", cell("G3", "действуе"))
    edited(
        "G06",
        "наставляемый в двух действующих парах",
        "в двух действующих парах одновременно",
        lambda ws, wb: ws.append(
            [
                "Н1",
                "Т3",
                "педагог – педагог",
                "",
                dt.datetime(2026, 10, 1),
                dt.datetime(2027, 5, 31),
                "действует",
                "Приказ № 50",
                "",
            ]
        ),
    )
    edited(
        "G07", "строка пары повторена", "записана дважды", lambda ws, wb: ws.append([c.value for c in ws[2]])
    )
    edited("G08", "пустой код наставляемого", "ожидался код педагога", cell("A2", None))
    edited("G09", "пустой код наставника", "ожидался код педагога", cell("B3", None))
    edited("G10", "пустое основание", "номер и дата приказа", cell("H2", None))
    edited("G11", "наставник сам себе", "наставником самому себе", cell("B2", "Н1"))
    edited(
        "G12",
        "действующая пара длиннее 12 месяцев",
        "не больше 12 месяцев",
        cell("F2", dt.datetime(2027, 12, 31)),
    )
    edited("G13", "досрочное прекращение без причины", "укажите причину", cell("G2", "прекращена досрочно"))
    edited("G14", "нет столбца «Статус»", "нет столбца «Статус»", lambda ws, wb: ws.delete_cols(7))
    edited("G15", "нет листа «Пары»", "нет листа «Пары»", lambda ws, wb: setattr(ws, "title", "Лист1"))
    edited(
        "G16",
        "дата в журнале — текст",
        "получено «вчера»",
        lambda ws, wb: wb["Журнал"].__setitem__("A2", "вчера"),
    )
    edited("G17", "дата числом вместо даты", "получено «45000»", cell("E3", "45000"))
    edited(
        "G18",
        "реестр пар другого района",
        "ни один педагог",
        lambda ws, wb: [ws.__setitem__(f"{c}{r}", f"X{c}{r}") for c in "AB" for r in (2, 3)],
    )
    edited(
        "G19",
        "наставляемый уже в паре с другим наставником",
        "сначала завершите или прекратите",
        cell("B2", "Т4"),
    )
    edited(
        "G20",
        "досрочное прекращение пары, которой нет",
        "в реестре нет",
        lambda ws, wb: None,
        command="status",
    )
    (OUT / "G21_text.xlsx").write_text("Код наставляемого;Код наставника\nН1;Т1\n", encoding="utf-8")
    case(
        "G21",
        OUT / "G21_text.xlsx",
        "approve",
        "refused",
        "это не книга Excel",
        "текстовый файл с расширением .xlsx",
    )
    (OUT / "G22_empty.xlsx").write_bytes(b"")
    case("G22", OUT / "G22_empty.xlsx", "approve", "refused", "файл пустой", "файл нулевой длины")
    (OUT / "G23_register.csv").write_text("mentee_id,mentor_id\n", encoding="utf-8")
    case("G23", OUT / "G23_register.csv", "approve", "refused", "книга Excel .xlsx", "реестр пар в CSV")
    edited(
        "G24",
        "английские заголовки, статусы с прописной, даты текстом",
        "",
        lambda ws, wb: (
            [
                ws.__setitem__(f"{c}1", h)
                for c, h in zip(
                    "ABCDEFGHI",
                    ["mentee_id", "mentor_id", "form", "format", "start", "end", "status", "order", "reason"],
                )
            ]
            + [ws.__setitem__("G2", "Действует"), ws.__setitem__("E2", "01.09.2026")]
        ),
        outcome="tolerated",
    )

    with open(OUT / "manifest.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["case", "path", "command", "outcome", "fragment", "note"])
        w.writeheader()
        w.writerows(CASES)
    print(f"{len(CASES)} случаев записано в {OUT}")


if __name__ == "__main__":
    main()
