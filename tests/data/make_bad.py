"""Generate the bad-input corpora in ``tests/data/bad/`` (seeded, repeatable).

Run from the repository root::

    python tests/data/make_bad.py

It rewrites ``tests/data/bad/`` completely: a small valid base registry and
contest, and next to them the broken variants that organizers meet in real
files — missing, renamed and duplicated sheets and columns, merged headers,
empty rows, formulas with and without cached values, dates and text where
numbers belong, decimal commas, non-breaking spaces, Latin letters that look
like Cyrillic ones, cp1251 / UTF-8-with-BOM / UTF-16 / semicolon CSVs, empty
files, text files and encrypted or old-format workbooks, edited, renamed and
duplicated score sheets, an entity-expansion bomb and a zip bomb.

``manifest.csv`` lists every case: ``case`` (id), ``input`` (``registry``,
``definition``, ``people``, ``scores``), ``path`` (relative to the corpus
folder), ``outcome`` (``refused``: exit 2 with ``fragment`` in the message;
``tolerated``: a successful run giving the same result as the base input)
and ``note`` (what is wrong, or the documented tolerant reading).
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import random
import re
import shutil
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from contest import parse_contest  # noqa: E402
from contest.assign import assign_jury  # noqa: E402
from contest.people import make_people  # noqa: E402
from contest.sheets import FIRST_COL, FIRST_ROW, MAIN, META, build_sheets  # noqa: E402
from matching import schema  # noqa: E402
from tandem.xlsx import OLE_MAGIC  # noqa: E402

OUT = Path(__file__).resolve().parent / "bad"
SEED = 20260601
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
#: An OLE2 compound-file header: how both old .xls files and password-protected .xlsx files start.

# --------------------------------------------------------------------------- base registry
from tests.small_registry import DEFICITS, PREFERENCES, SCHOOLS, TEACHERS  # noqa: E402

COL = {c.name: i for i, c in enumerate(schema.TEACHERS.columns)}  # teachers column → index


def base_tables() -> dict[str, list[list]]:
    """English sheet name → rows (lists, a fresh copy)."""
    return copy.deepcopy(
        {
            "schools": [list(r) for r in SCHOOLS],
            "teachers": [list(r) for r in TEACHERS],
            "deficits": [list(r) for r in DEFICITS],
            "locked": [],
            "forbidden": [],
            "preferences": [list(r) for r in PREFERENCES],
        }
    )


def headers_of(name: str) -> list[str]:
    return [c.header for c in schema.SHEETS_BY_NAME[name].columns]


def write_book(path: Path, sheets: list[tuple[str, list[list]]], merge: dict[str, str] | None = None) -> Path:
    """Write ``(title, rows)`` sheets as they come (first row = headers); values stored raw.

    Strings are stored as text cells (never formulas); ``merge`` maps a sheet
    title to a range to merge.
    """
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for i, row in enumerate(rows, 1):
            for j, v in enumerate(row, 1):
                if v is None or v == "":
                    continue
                c = ws.cell(row=i, column=j, value=v)
                if isinstance(v, str):
                    c.data_type = "s"
        if merge and title in merge:
            ws.merge_cells(merge[title])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    fix_zip(path)
    return path


def registry_sheets(
    tables: dict[str, list[list]],
    headers: dict[str, list[str]] | None = None,
    titles: dict[str, str] | None = None,
) -> list[tuple[str, list[list]]]:
    out = []
    for s in schema.SHEETS:
        if s.name not in tables:
            continue
        title = (titles or {}).get(s.name, s.title)
        hdr = (headers or {}).get(s.name, headers_of(s.name))
        out.append((title, [hdr] + tables[s.name]))
    return out


def write_registry(path: Path, tables=None, **kw) -> Path:
    return write_book(path, registry_sheets(tables or base_tables(), **kw.pop("sheet_kw", {})), **kw)


def rewrite_zip(path: Path, edit) -> None:
    """Rewrite the members of a zip: ``edit(name, bytes) -> bytes or None`` (None = unchanged)."""
    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            new = edit(info.filename, data)
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data if new is None else new)


def fix_zip(path: Path) -> None:
    """Fixed zip timestamps and document times, so that regenerating gives the same bytes."""

    def edit(name, data):
        if name == "docProps/core.xml":
            return re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2000-01-01T00:00:00Z", data)
        return None

    rewrite_zip(path, edit)


def sheet_member(path: Path, title: str) -> str:
    """Zip member name of the worksheet called ``title``."""
    with zipfile.ZipFile(path) as z:
        wbxml = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(r'<sheet [^>]*name="%s"[^>]*r:id="(rId\d+)"' % re.escape(title), wbxml)
    if rid is None:
        rid = re.search(r'<sheet [^>]*r:id="(rId\d+)"[^>]*name="%s"' % re.escape(title), wbxml)
    target = re.search(r'Id="%s"[^>]*Target="([^"]+)"' % rid.group(1), rels) or re.search(
        r'Target="([^"]+)"[^>]*Id="%s"' % rid.group(1), rels
    )
    t = target.group(1).lstrip("/")
    return t if t.startswith("xl/") else "xl/" + t


def put_formula(path: Path, title: str, ref: str, formula: str, cached: str | None) -> None:
    """Turn cell ``ref`` of sheet ``title`` into a formula, with or without a cached value."""
    member = sheet_member(path, title)

    def edit(name, data):
        if name != member:
            return None
        text = data.decode()
        pat = re.compile(r'<c r="%s"([^>]*?)(?:/>|>.*?</c>)' % ref, re.S)
        m = pat.search(text)
        attrs = re.sub(r'\s*t="[^"]*"', "", m.group(1))
        value = f"<v>{cached}</v>" if cached is not None else ""
        return (
            text[: m.start()] + f'<c r="{ref}"{attrs}><f>{formula}</f>{value}</c>' + text[m.end() :]
        ).encode()

    rewrite_zip(path, edit)


def write_csv_folder(
    folder: Path, tables=None, *, encoding="utf-8", delimiter=",", skip=(), bom=False
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    tables = tables or base_tables()
    for s in schema.SHEETS:
        if s.name not in tables or s.name in skip:
            continue
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
        w.writerow([c.name for c in s.columns])
        for row in tables[s.name]:
            w.writerow(["" if v is None else v for v in row])
        data = buf.getvalue().encode(encoding)
        if bom:
            data = b"\xef\xbb\xbf" + data
        (folder / f"{s.name}.csv").write_bytes(data)
    return folder


def ole_file(path: Path, encrypted: bool) -> Path:
    """A file that starts like an OLE2 compound file (old .xls or a password-protected .xlsx)."""
    rng = random.Random(SEED)
    body = bytearray(OLE_MAGIC + bytes(504))
    names = ["EncryptionInfo", "EncryptedPackage"] if encrypted else ["Workbook", "SummaryInformation"]
    for n in names:
        body += n.encode("utf-16-le") + bytes(64 - 2 * len(n))
    body += bytes(rng.randrange(256) for _ in range(1024))
    path.write_bytes(bytes(body))
    return path


# --------------------------------------------------------------------------- base contest
CONTEST = {
    "name": "Тестовый дуэт",
    "stages": [
        {
            "id": "S1",
            "name": "Заочный этап",
            "tasks": [
                {
                    "id": "T1",
                    "name": "Видеоролик",
                    "criteria": [
                        {"id": "K1", "name": "Раскрытие темы", "max": 3},
                        {"id": "K2", "name": "Взаимодействие пары", "max": 3},
                    ],
                },
                {
                    "id": "T2",
                    "name": "Проект",
                    "weight": 2,
                    "criteria": [{"id": "K3", "name": "Актуальность", "max": 5}],
                },
            ],
        }
    ],
    "ranking": {"stages": ["S1"], "tie_break": ["S1.T2"]},
    "awards": [{"title": "Победитель", "places": 1}, {"title": "Призёр", "places": 2}],
    "jury": {"per_entry": 3, "recuse": "same_school"},
}
ENTRY_HEADERS = [
    "Код работы",
    "Название",
    "Номинация",
    "Наставник",
    "Наставляемый",
    "Коды ОО",
    "Согласие на публикацию",
]
ENTRIES = [
    ["E01", "Дуэт один", "школа", "Иванова А.А.", "Смирнов Е.Е.", "101", "да"],
    ["E02", "Дуэт два", "школа", "Петров Б.Б.", "Волкова Ж.Ж.", "102", "нет"],
    ["E03", "=Дуэт три", "школа", "Сидорова В.В.", "Зайцев З.З.", "101;103", "да"],
    ["E04", "Дуэт четыре", "школа", "Кузнецов Г.Г.", "Соколова И.И.", "104", "да"],
    ["E05", "Дуэт пять", "школа", "Попова Д.Д.", "Лебедев К.К.", "105", "нет"],
]
JURY_HEADERS = ["Код эксперта", "ФИО", "Организация", "Код ОО", "Роль"]
JURY = [
    ["Ж01", "Орлова Л.Л.", "ИМЦ", "", "председатель"],
    ["Ж02", "Белов М.М.", "Школа 101", "101", "член жюри"],
    ["Ж03", "Морозова Н.Н.", "Школа 102", "102", "член жюри"],
    ["Ж04", "Новиков О.О.", "Институт", "", "член жюри"],
    ["Ж05", "Фёдорова П.П.", "Школа 104", "104", "член жюри"],
]
SCORE_HEADERS = ["Код работы", "Код эксперта", "Код критерия", "Балл"]


def people_sheets(entries=None, jury=None, eh=None, jh=None, titles=("Участники", "Жюри")):
    return [
        (titles[0], [eh or ENTRY_HEADERS] + (entries if entries is not None else copy.deepcopy(ENTRIES))),
        (titles[1], [jh or JURY_HEADERS] + (jury if jury is not None else copy.deepcopy(JURY))),
    ]


def base_scores() -> list[list]:
    """Long-form scores of every planned (entry, juror, criterion): seeded, halves allowed."""
    rng = random.Random(SEED)
    c = parse_contest(CONTEST)
    people = make_people(
        pd.DataFrame(ENTRIES, columns=list(_ENTRY_EN)), pd.DataFrame(JURY, columns=list(_JURY_EN))
    )
    plan = assign_jury(c, people, stage_id="S1")
    rows = []
    for e, j in plan[["entry_id", "juror_id"]].itertuples(index=False):
        for t in c.stages[0].tasks:
            for cr in t.criteria:
                rows.append([e, j, cr.id, rng.randrange(int(cr.max) * 2 + 1) / 2])
    return rows


_ENTRY_EN = ["entry_id", "title", "nomination", "mentor_name", "mentee_name", "school_ids", "publish_consent"]
_JURY_EN = ["juror_id", "full_name", "organization", "school_id", "role"]


def score_text(x: float, comma=False) -> str:
    s = str(int(x)) if float(x).is_integer() else str(x)
    return s.replace(".", ",") if comma else s


def write_scores_csv(
    path: Path, rows, *, encoding="utf-8", delimiter=",", bom=False, comma=False, headers=None
) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(headers or SCORE_HEADERS)
    for r in rows:
        w.writerow([score_text(v, comma) if isinstance(v, float) else v for v in r])
    data = buf.getvalue().encode(encoding)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def filled_sheets(scores) -> dict:
    """Score-sheet workbooks of every juror (in memory), filled with ``scores``."""
    c = _loaded_contest()
    people = make_people(pd.DataFrame(ENTRIES, columns=_ENTRY_EN), pd.DataFrame(JURY, columns=_JURY_EN))
    plan = assign_jury(c, people, stage_id="S1")
    books = build_sheets(c, people, plan, "S1")
    by_key = {(e, j, k): s for e, j, k, s in scores}
    for name, wb in books.items():
        ws = wb[MAIN]
        juror = name.split("_")[0]
        r = FIRST_ROW
        while ws.cell(r, 2).value:
            eid = ws.cell(r, 2).value
            col = FIRST_COL
            while ws.cell(8, col).value:
                ws.cell(r, col).value = by_key[(eid, juror, ws.cell(8, col).value)]
                col += 1
            r += 1
    return books


def _contest_yaml() -> str:
    return yaml.safe_dump(CONTEST, allow_unicode=True, sort_keys=False)


def _loaded_contest():
    from contest import load_contest

    return load_contest(OUT / "contest" / "base.yaml")


def save_books(folder: Path, books: dict, rename: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, wb in books.items():
        p = folder / (rename or {}).get(name, name)
        wb.save(p)
        fix_zip(p)
    return folder


# --------------------------------------------------------------------------- the corpus
MANIFEST: list[tuple[str, str, str, str, str, str]] = []


def case(cid: str, kind: str, path: Path, outcome: str, fragment: str, note: str) -> None:
    MANIFEST.append((cid, kind, path.relative_to(OUT).as_posix(), outcome, fragment, note))


def make_registry_cases() -> None:
    d = OUT / "registry"
    d.mkdir(parents=True)
    base = write_registry(d / "R00_base.xlsx")
    case("R00", "registry", base, "tolerated", "", "исходный правильный реестр")

    p = d / "R01_zero_bytes.xlsx"
    p.write_bytes(b"")
    case("R01", "registry", p, "refused", "файл пустой (0 байт)", "файл нулевой длины")
    p = d / "R02_text_named.xlsx"
    p.write_text("Код педагога;ФИО\nТ1;Иванова\n", encoding="utf-8")
    case("R02", "registry", p, "refused", "это не книга Excel", "текстовый файл с расширением .xlsx")
    p = ole_file(d / "R03_password.xlsx", encrypted=True)
    case(
        "R03",
        "registry",
        p,
        "refused",
        "защищена паролем",
        "книга, защищённая паролем (зашифрованный OLE-файл)",
    )
    p = ole_file(d / "R04_old_format.xls", encrypted=False)
    case("R04", "registry", p, "refused", "старый формат Excel (.xls)", "книга старого формата .xls")
    p = ole_file(d / "R05_old_format_named.xlsx", encrypted=False)
    case("R05", "registry", p, "refused", "старом формате Excel (.xls)", "файл .xls, переименованный в .xlsx")
    p = d / "R06_truncated.xlsx"
    p.write_bytes(base.read_bytes()[: base.stat().st_size // 2])
    case(
        "R06", "registry", p, "refused", "не удалось прочитать книгу Excel", "обрезанный (недокачанный) файл"
    )

    t = base_tables()
    del t["teachers"]
    p = write_registry(d / "R07_no_teachers_sheet.xlsx", t)
    case("R07", "registry", p, "refused", "нет листа «Педагоги»", "нет листа педагогов")
    p = write_registry(d / "R08_renamed_sheet.xlsx", sheet_kw={"titles": {"teachers": "Педагоги 2026"}})
    case(
        "R08",
        "registry",
        p,
        "refused",
        "листы в файле: «Школы», «Педагоги 2026»",
        "лист педагогов переименован",
    )
    sheets = registry_sheets(base_tables())
    sheets.append(("teachers", [headers_of("teachers")] + [list(TEACHERS[0])]))
    p = write_book(d / "R09_duplicate_sheet.xlsx", sheets)
    case("R09", "registry", p, "refused", "указан дважды", "лист «Педагоги» и лист «teachers» в одной книге")
    t = base_tables()
    h = headers_of("teachers")
    i = COL["experience_years"]
    t["teachers"] = [r[:i] + r[i + 1 :] for r in t["teachers"]]
    p = write_registry(
        d / "R10_missing_column.xlsx", t, sheet_kw={"headers": {"teachers": h[:i] + h[i + 1 :]}}
    )
    case("R10", "registry", p, "refused", "нет столбца «Стаж»", "нет столбца «Стаж»")
    h2 = list(h)
    h2[i] = "Стаж работы"
    p = write_registry(d / "R11_renamed_column.xlsx", sheet_kw={"headers": {"teachers": h2}})
    case("R11", "registry", p, "refused", "нет столбца «Стаж»", "столбец «Стаж» назван «Стаж работы»")
    t = base_tables()
    t["teachers"] = [r + [r[COL["role"]]] for r in t["teachers"]]
    p = write_registry(d / "R12_duplicate_column.xlsx", t, sheet_kw={"headers": {"teachers": h + ["Роль"]}})
    case("R12", "registry", p, "refused", "столбец «Роль» повторяется", "два столбца «Роль»")
    p = write_registry(d / "R13_merged_header.xlsx", merge={"Педагоги": "B1:C1"})
    case("R13", "registry", p, "refused", "объединены", "заголовки «ФИО» и «Код ОО» объединены в одну ячейку")
    t = base_tables()
    t["teachers"] = t["teachers"][:3] + [[""] * 12, [""] * 12] + t["teachers"][3:]
    p = write_registry(d / "R14_empty_rows_middle.xlsx", t)
    case(
        "R14",
        "registry",
        p,
        "tolerated",
        "",
        "пустые строки в середине листа пропускаются; номера строк в "
        "сообщениях остаются номерами строк Excel",
    )
    t = base_tables()
    t["teachers"] = t["teachers"][:3] + [[""] * 12] + t["teachers"][3:]
    t["teachers"][6][COL["experience_years"]] = -3
    p = write_registry(d / "R15_empty_row_then_error.xlsx", t)
    case(
        "R15",
        "registry",
        p,
        "refused",
        "строка 8, столбец «Стаж»: стаж не может быть отрицательным",
        "после пустой строки номер строки в сообщении — номер строки Excel",
    )
    p = write_registry(d / "R16_formula_cached.xlsx")
    put_formula(p, "Педагоги", "F2", "20+5", "25")
    case(
        "R16", "registry", p, "tolerated", "", "формула с сохранённым значением: берётся сохранённое значение"
    )
    p = write_registry(d / "R17_formula_no_cache.xlsx")
    put_formula(p, "Педагоги", "F2", "20+5", None)
    case(
        "R17",
        "registry",
        p,
        "refused",
        "формула без сохранённого значения",
        "формула, записанная программой без вычисления (нет сохранённого значения)",
    )
    t = base_tables()
    t["teachers"][1][COL["experience_years"]] = dt.datetime(2015, 1, 1)
    p = write_registry(d / "R18_date_in_number.xlsx", t)
    case(
        "R18",
        "registry",
        p,
        "refused",
        "ожидалось число, а в ячейке дата «2015-01-01",
        "дата в столбце «Стаж»",
    )
    t = base_tables()
    for r in t["teachers"]:
        r[COL["experience_years"]] = str(r[COL["experience_years"]])
        r[COL["capacity"]] = str(r[COL["capacity"]])
    for r in t["schools"]:
        r[4], r[5] = str(r[4]), str(r[5])
    p = write_registry(d / "R19_numbers_as_text.xlsx", t)
    case("R19", "registry", p, "tolerated", "", "числа, сохранённые как текст, читаются как числа")
    t = base_tables()
    t["teachers"][6][COL["experience_years"]] = "0,5"
    for r in t["schools"]:
        r[4], r[5] = str(r[4]).replace(".", ","), str(r[5]).replace(".", ",")
    p = write_registry(d / "R20_decimal_comma.xlsx", t)
    case("R20", "registry", p, "tolerated", "", "десятичная запятая (0,5; 55,1) читается как точка")
    t = base_tables()
    for r in t["teachers"]:
        r[0] = r[0] + "\u00a0"
        r[2] = "\u00a0" + r[2]
    p = write_registry(d / "R21_nbsp.xlsx", t)
    case("R21", "registry", p, "tolerated", "", "неразрывные пробелы по краям кодов отбрасываются")
    t = base_tables()
    for r in t["teachers"]:
        r[COL["role"]] = r[COL["role"]] + "  "
        r[COL["consent"]] = " " + r[COL["consent"]].upper() + " "
        r[COL["deficits"]] = r[COL["deficits"]].replace(";", " ;  ")
    p = write_registry(d / "R22_trailing_spaces_and_case.xlsx", t)
    case(
        "R22", "registry", p, "tolerated", "", "пробелы по краям и регистр в фиксированных значениях не важны"
    )
    t = base_tables()
    t["teachers"][0][COL["school_id"]] = "OO-1"  # Latin O, O
    p = write_registry(d / "R23_latin_in_school_code.xlsx", t)
    case(
        "R23",
        "registry",
        p,
        "refused",
        "латинские буквы «O» на позициях 1, 2",
        "в коде ОО латинские O вместо русских О",
    )
    t = base_tables()
    t["preferences"][0][0] = "H1"  # Latin H
    p = write_registry(d / "R24_latin_in_teacher_code.xlsx", t)
    case(
        "R24",
        "registry",
        p,
        "refused",
        "латинская буква «H» на позиции 1",
        "в коде педагога латинская H вместо Н",
    )
    t = base_tables()
    t["teachers"].append(
        [
            "T1",
            "Другая Анна Петровна",
            "ОО-2",
            "наставник",
            "математика",
            10,
            "первая",
            "",
            "Д1",
            1,
            "очно",
            "да",
        ]
    )  # Latin T
    p = write_registry(d / "R25_lookalike_duplicate_id.xlsx", t)
    case(
        "R25",
        "registry",
        p,
        "refused",
        "совпадает с кодом «Т1»",
        "коды «Т1» и «T1» различаются только латинской буквой",
    )
    p = write_registry(
        d / "R26_unknown_school.xlsx", _with(base_tables(), "teachers", 1, "school_id", "ОО-9")
    )
    case("R26", "registry", p, "refused", "код ОО «ОО-9» не найден", "педагог из несуществующей школы")
    t = base_tables()
    t["teachers"][0][1] = "Королёва Алёна Петровна"
    t["teachers"][4][1] = "Ёлкина Дарья Сергеевна"
    p = write_registry(d / "R27_yo_in_names.xlsx", t)
    case(
        "R27",
        "registry",
        p,
        "tolerated",
        "",
        "ФИО с «ё» хранятся как написаны; «ё» и «е» не влияют на подбор",
    )
    t = base_tables()
    for r in t["teachers"]:
        r[COL["role"]] = r[COL["role"]].upper()
        r[COL["category"]] = r[COL["category"]].capitalize()
    p = write_registry(d / "R28_upper_case_choices.xlsx", t)
    case("R28", "registry", p, "tolerated", "", "роль и категория прописными буквами")
    p = write_csv_folder(d / "R29_csv_cp1251", encoding="cp1251")
    case("R29", "registry", p, "tolerated", "", "CSV в кодировке cp1251 (Windows)")
    p = write_csv_folder(d / "R30_csv_utf8_bom", bom=True)
    case("R30", "registry", p, "tolerated", "", "CSV UTF-8 с меткой порядка байтов (BOM)")
    t = base_tables()
    t["teachers"][6][COL["experience_years"]] = "0,5"
    p = write_csv_folder(d / "R31_csv_semicolon", t, delimiter=";", encoding="cp1251")
    case("R31", "registry", p, "tolerated", "", "CSV с разделителем «;» (русский Excel) и десятичной запятой")
    p = write_csv_folder(d / "R32_csv_no_teachers", skip=("teachers",))
    case("R32", "registry", p, "refused", "нет листа «Педагоги» (или «teachers»)", "в папке нет teachers.csv")
    p = d / "R33_csv_empty_folder"
    p.mkdir()
    (p / "readme.txt").write_text("здесь должны быть CSV-файлы\n", encoding="utf-8")
    case("R33", "registry", p, "refused", "в папке нет CSV-файлов", "папка без CSV-файлов")
    p = write_csv_folder(d / "R34_csv_zero_byte_teachers")
    (p / "teachers.csv").write_bytes(b"")
    case("R34", "registry", p, "refused", "лист пустой", "teachers.csv нулевой длины")
    p = write_csv_folder(d / "R35_csv_utf16", encoding="utf-16")
    case("R35", "registry", p, "refused", "UTF-16", "CSV в кодировке UTF-16 («Юникод» в Excel)")
    p = write_registry(d / "R36_duplicate_id.xlsx", _with(base_tables(), "teachers", 5, "teacher_id", "Н1"))
    case("R36", "registry", p, "refused", "код «Н1» повторяется", "два педагога с одним кодом")
    p = write_registry(
        d / "R37_negative_experience.xlsx", _with(base_tables(), "teachers", 4, "experience_years", -1)
    )
    case(
        "R37",
        "registry",
        p,
        "refused",
        "стаж не может быть отрицательным, получено «-1»",
        "отрицательный стаж",
    )
    p = write_registry(
        d / "R38_fractional_capacity.xlsx", _with(base_tables(), "teachers", 0, "capacity", "1,5")
    )
    case("R38", "registry", p, "refused", "ожидалось целое число, получено «1,5»", "дробная вместимость")
    p = write_registry(d / "R39_unknown_role.xlsx", _with(base_tables(), "teachers", 4, "role", "стажёр"))
    case("R39", "registry", p, "refused", "недопустимое значение «стажёр»", "неизвестная роль")
    p = write_registry(
        d / "R40_units_in_number.xlsx", _with(base_tables(), "teachers", 0, "experience_years", "25 лет")
    )
    case("R40", "registry", p, "refused", "ожидалось число, получено «25 лет»", "единицы измерения в числе")
    t = base_tables()
    for r in t["teachers"]:
        r[COL["consent"]] = r[COL["consent"]] == "да"
    p = write_registry(d / "R41_boolean_consent.xlsx", t)
    case(
        "R41",
        "registry",
        p,
        "tolerated",
        "",
        "логические ИСТИНА/ЛОЖЬ в столбце «Согласие» читаются как да/нет",
    )
    p = write_registry(d / "R42_empty_id.xlsx", _with(base_tables(), "teachers", 2, "teacher_id", ""))
    case(
        "R42",
        "registry",
        p,
        "refused",
        "строка 4, столбец «Код педагога»: пустая ячейка",
        "пустой код педагога",
    )
    sheets = registry_sheets(base_tables())
    sheets[1] = (sheets[1][0], [["Реестр педагогов Заречного района"], []] + sheets[1][1])
    p = write_book(d / "R43_title_row_above_header.xlsx", sheets)
    case(
        "R43",
        "registry",
        p,
        "refused",
        "нет столбца «Код педагога»",
        "над заголовками строка с названием таблицы (заголовком считается первая непустая строка)",
    )
    t = base_tables()
    t["teachers"][0][1] = '=HYPERLINK("http://example.com","Иванова")'
    t["teachers"][1][1] = "+7 999 000-00-00"
    t["teachers"][4][1] = "@SUM(A1)"
    t["teachers"][5][1] = "-Лебедев"
    t["teachers"][6][1] = "\tМорозова"
    p = write_registry(d / "R44_formula_like_text.xlsx", t)
    case(
        "R44",
        "registry",
        p,
        "tolerated",
        "",
        "текст, начинающийся с =, +, -, @ или табуляции, — просто текст "
        "(в результат попадает как текст, не как формула)",
    )
    t = base_tables()
    t["locked"] = [["Н1", "Т4"]]
    p = write_registry(d / "R45_locked_without_consent.xlsx", t)
    case(
        "R45",
        "registry",
        p,
        "refused",
        "нет согласия наставника «Т4»",
        "закреплена пара без согласия наставника",
    )
    p = write_registry(d / "R46_latitude_out_of_range.xlsx", _with(base_tables(), "schools", 1, "lat", 155.1))
    case("R46", "registry", p, "refused", "широта должна быть от −90 до 90", "широта 155")
    p = write_registry(
        d / "R47_unknown_deficit.xlsx", _with(base_tables(), "teachers", 4, "deficits", "Д1; Д9")
    )
    case("R47", "registry", p, "refused", "неизвестные коды дефицитов: «Д9»", "неизвестный код дефицита")
    p = d / "R48_wrong_type.ods"
    p.write_bytes(b"PK\x03\x04not really")
    case("R48", "registry", p, "refused", "неизвестный тип файла «.ods»", "таблица OpenDocument")
    t = base_tables()
    t["schools"] = [[101 + i] + r[1:] for i, r in enumerate(t["schools"])]
    for r in t["teachers"]:
        r[COL["school_id"]] = str(100 + int(r[COL["school_id"]][-1]))
    p = write_registry(d / "R49_numeric_codes.xlsx", t)
    case(
        "R49", "registry", p, "tolerated", "", "числовые коды ОО (101) и те же коды текстом («101») совпадают"
    )
    entity_bomb(write_registry(d / "R50_entity_bomb.xlsx"))
    case(
        "R50",
        "registry",
        d / "R50_entity_bomb.xlsx",
        "refused",
        "DTD",
        "XML с объявлением сущностей (entity expansion, «billion laughs»)",
    )
    zip_bomb(write_registry(d / "R51_zip_bomb.xlsx"))
    case(
        "R51",
        "registry",
        d / "R51_zip_bomb.xlsx",
        "refused",
        "после распаковки",
        "zip-бомба: лист в сотни мегабайт после распаковки",
    )
    p = write_registry(d / "R52_far_cell.xlsx")
    far_cell(p, "Педагоги")
    case(
        "R52",
        "registry",
        p,
        "refused",
        "слишком много строк",
        "одна случайная ячейка в строке 1 048 576 (лист «на миллион строк»)",
    )


def _with(tables, sheet, row, column, value):
    cols = {c.name: i for i, c in enumerate(schema.SHEETS_BY_NAME[sheet].columns)}
    tables[sheet][row][cols[column]] = value
    return tables


def entity_bomb(path: Path) -> None:
    """Put a "billion laughs" DTD in the teachers' sheet XML and use the entity in one cell."""
    lol = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    ]
    dtd = "<!DOCTYPE worksheet [" + "".join(lol) + "]>"
    member = sheet_member(path, "Педагоги")

    def edit(name, data):
        if name != member:
            return None
        text = data.decode()
        if text.startswith("<?xml"):
            end = text.index("?>") + 2
            text = text[:end] + dtd + text[end:]
        else:
            text = dtd + text
        return text.replace("<t>Иванова Анна Петровна</t>", "<t>&lol9;</t>", 1).encode()

    rewrite_zip(path, edit)


def zip_bomb(path: Path, megabytes: int = 300) -> None:
    """Pad the teachers' sheet XML with whitespace: valid XML, ~1000:1 compression."""
    member = sheet_member(path, "Педагоги")
    with zipfile.ZipFile(path) as z:
        members = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            zi = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            if name != member:
                z.writestr(zi, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            with z.open(zi, "w", force_zip64=True) as f:
                f.write(head + b"<sheetData>")
                block = b" " * (1 << 20)
                for _ in range(megabytes):
                    f.write(block)
                f.write(tail)


def far_cell(path: Path, title: str) -> None:
    """Add one cell at A1048576 (the last row Excel has) to a sheet."""
    member = sheet_member(path, title)

    def edit(name, data):
        if name != member:
            return None
        text = data.decode()
        text = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:L1048576"/>', text)
        return text.replace(
            "</sheetData>",
            '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        ).encode()

    rewrite_zip(path, edit)


def make_contest_cases() -> None:
    d = OUT / "contest"
    d.mkdir(parents=True)
    (d / "base.yaml").write_text(_contest_yaml(), encoding="utf-8")
    write_book(d / "base_people.xlsx", people_sheets())
    scores = base_scores()
    write_scores_csv(d / "base_scores.csv", scores)
    case(
        "C00",
        "scores",
        d / "base_scores.csv",
        "tolerated",
        "",
        "исходные правильные описание, участники и баллы",
    )

    # --- definitions
    def yaml_case(cid, name, text, outcome, fragment, note, encoding="utf-8"):
        p = d / name
        p.write_bytes(text.encode(encoding))
        case(cid, "definition", p, outcome, fragment, note)

    base_yaml = _contest_yaml()
    yaml_case("D01", "D01_zero_bytes.yaml", "", "refused", "файл пустой", "описание конкурса нулевой длины")
    yaml_case(
        "D02",
        "D02_bad_indent.yaml",
        base_yaml.replace("name: Тестовый дуэт", "name: Тестовый дуэт\n  bad: [1, 2", 1),
        "refused",
        "ошибка синтаксиса YAML",
        "нарушены отступы и скобки",
    )
    yaml_case(
        "D03",
        "D03_cp1251.yaml",
        base_yaml,
        "refused",
        "UTF-8",
        "описание в кодировке cp1251",
        encoding="cp1251",
    )
    yaml_case(
        "D04",
        "D04_tabs.yaml",
        base_yaml.replace("\n  name:", "\n\tname:", 1),
        "refused",
        "табуляции",
        "табуляция вместо пробелов",
    )
    c = copy.deepcopy(CONTEST)
    del c["stages"]
    yaml_case(
        "D05",
        "D05_no_stages.yaml",
        yaml.safe_dump(c, allow_unicode=True),
        "refused",
        "stages",
        "нет списка этапов",
    )
    c = copy.deepcopy(CONTEST)
    c["stages"][0]["tasks"][0]["criteria"][0]["max"] = "три"
    yaml_case(
        "D06",
        "D06_text_max.yaml",
        yaml.safe_dump(c, allow_unicode=True),
        "refused",
        "«три»",
        "максимум критерия словами",
    )
    c = copy.deepcopy(CONTEST)
    c["stages"][0]["tasks"][1]["criteria"][0]["id"] = "K1"
    yaml_case(
        "D07",
        "D07_duplicate_criterion.yaml",
        yaml.safe_dump(c, allow_unicode=True),
        "refused",
        "K1",
        "два критерия с кодом K1",
    )
    yaml_case(
        "D08",
        "D08_duplicate_key.yaml",
        base_yaml.replace("name: Тестовый дуэт", "name: Тестовый дуэт\nname: Дубль", 1),
        "refused",
        "повторяющийся ключ «name»",
        "ключ name дважды",
    )
    yaml_case("D09", "D09_bom.yaml", "\ufeff" + base_yaml, "tolerated", "", "UTF-8 с BOM")
    yaml_case(
        "D10",
        "D10_binary.yaml",
        "\x00\x01\x02PK\x03\x04",
        "refused",
        "ошибка синтаксиса YAML",
        "двоичный файл вместо YAML",
    )

    # --- people
    def people_case(cid, name, sheets, outcome, fragment, note, merge=None):
        p = write_book(d / name, sheets, merge=merge)
        case(cid, "people", p, outcome, fragment, note)

    p = d / "P01_zero_bytes.xlsx"
    p.write_bytes(b"")
    case("P01", "people", p, "refused", "файл пустой (0 байт)", "файл участников нулевой длины")
    p = d / "P02_text_named.xlsx"
    p.write_text("Код работы,Название\nE01,Дуэт\n", encoding="utf-8")
    case("P02", "people", p, "refused", "это не книга Excel", "CSV с расширением .xlsx")
    p = ole_file(d / "P03_password.xlsx", encrypted=True)
    case("P03", "people", p, "refused", "защищена паролем", "книга участников с паролем")
    p = ole_file(d / "P04_old_format.xls", encrypted=False)
    case("P04", "people", p, "refused", "старом формате Excel (.xls)", "книга участников в формате .xls")
    people_case(
        "P05", "P05_no_jury_sheet.xlsx", people_sheets()[:1], "refused", "нет листа «Жюри»", "нет листа жюри"
    )
    people_case(
        "P06",
        "P06_renamed_jury_sheet.xlsx",
        people_sheets(titles=("Участники", "Эксперты")),
        "refused",
        "нет листа «Жюри»",
        "лист жюри назван «Эксперты»",
    )
    e = [r + [r[0]] for r in copy.deepcopy(ENTRIES)]
    people_case(
        "P07",
        "P07_duplicate_column.xlsx",
        people_sheets(entries=e, eh=ENTRY_HEADERS + ["Код работы"]),
        "refused",
        "столбец «Код работы» повторяется",
        "два столбца «Код работы»",
    )
    people_case(
        "P08",
        "P08_merged_header.xlsx",
        people_sheets(),
        "refused",
        "объединены",
        "заголовки «Наставник» и «Наставляемый» объединены",
        merge={"Участники": "D1:E1"},
    )
    j = copy.deepcopy(JURY)
    j[3][4] = "председатель"
    people_case(
        "P09",
        "P09_two_chairs.xlsx",
        people_sheets(jury=j),
        "refused",
        "председатель жюри должен быть один",
        "два председателя",
    )
    e = copy.deepcopy(ENTRIES)
    e[0][3], e[1][4] = "Королёва А.А.", "Ёлкина Ж.Ж."
    people_case(
        "P10",
        "P10_yo_in_names.xlsx",
        people_sheets(entries=e),
        "tolerated",
        "",
        "имена с «ё» хранятся как написаны",
    )
    e = copy.deepcopy(ENTRIES)
    e = e[:2] + [[""] * 7] + e[2:]
    people_case(
        "P11",
        "P11_empty_rows_middle.xlsx",
        people_sheets(entries=e),
        "tolerated",
        "",
        "пустые строки в середине листа пропускаются",
    )
    e = copy.deepcopy(ENTRIES)
    e = e[:2] + [[""] * 7] + e[2:]
    e[4][1] = ""
    people_case(
        "P12",
        "P12_empty_row_then_error.xlsx",
        people_sheets(entries=e),
        "refused",
        "строка 6, столбец «Название»: пустое значение",
        "номер строки после пустой строки — номер строки Excel",
    )
    e = copy.deepcopy(ENTRIES)
    e[0][0] = "Е01"  # Cyrillic Е
    people_case(
        "P13",
        "P13_cyrillic_in_entry_code.xlsx",
        people_sheets(entries=e),
        "refused",
        "латинская буква «E» на позиции 1",
        "код работы с русской «Е», а в баллах — латинская «E»",
    )
    e = copy.deepcopy(ENTRIES)
    j = copy.deepcopy(JURY)
    for r in e:
        r[0] = "\u00a0" + r[0] + " "
    for r in j:
        r[0] = r[0] + "\u00a0"
    people_case(
        "P14",
        "P14_nbsp_ids.xlsx",
        people_sheets(entries=e, jury=j),
        "tolerated",
        "",
        "неразрывные и обычные пробелы по краям кодов отбрасываются",
    )
    e = copy.deepcopy(ENTRIES)
    j = copy.deepcopy(JURY)
    for r in e:
        r[5] = int(r[5]) if r[5].isdigit() else r[5]
    for r in j:
        r[3] = int(r[3]) if r[3] else ""
    people_case(
        "P15",
        "P15_numeric_school_codes.xlsx",
        people_sheets(entries=e, jury=j),
        "tolerated",
        "",
        "коды ОО числами (101) и текстом («101») совпадают",
    )
    j = copy.deepcopy(JURY)
    j[2][0] = "Ж02"
    people_case(
        "P16",
        "P16_duplicate_juror.xlsx",
        people_sheets(jury=j),
        "refused",
        "код эксперта «Ж02» повторяется",
        "два эксперта с одним кодом",
    )
    e = copy.deepcopy(ENTRIES)
    e[1][6] = "может быть"
    people_case(
        "P17",
        "P17_bad_consent.xlsx",
        people_sheets(entries=e),
        "refused",
        "получено «может быть»",
        "непонятное значение согласия на публикацию",
    )
    sheets = people_sheets()
    sheets.append(("entries", [ENTRY_HEADERS] + copy.deepcopy(ENTRIES[:2])))
    people_case(
        "P18", "P18_duplicate_sheet.xlsx", sheets, "refused", "указан дважды", "листы «Участники» и «entries»"
    )

    # --- long-form scores
    def scores_case(cid, name, outcome, fragment, note, rows=None, **kw):
        p = write_scores_csv(d / name, scores if rows is None else rows, **kw)
        case(cid, "scores", p, outcome, fragment, note)

    scores_case("S01", "S01_cp1251.csv", "tolerated", "", "CSV в cp1251", encoding="cp1251")
    scores_case("S02", "S02_utf8_bom.csv", "tolerated", "", "CSV UTF-8 с BOM", bom=True)
    scores_case(
        "S03",
        "S03_semicolon_comma.csv",
        "tolerated",
        "",
        "разделитель «;» и десятичная запятая (2,5)",
        delimiter=";",
        comma=True,
        encoding="cp1251",
    )
    p = d / "S04_zero_bytes.csv"
    p.write_bytes(b"")
    case("S04", "scores", p, "refused", "файл пустой", "файл баллов нулевой длины")
    scores_case(
        "S05",
        "S05_missing_column.csv",
        "refused",
        "нет обязательного столбца «Балл»",
        "нет столбца баллов",
        rows=[r[:3] for r in scores],
        headers=SCORE_HEADERS[:3],
    )
    rows = copy.deepcopy(scores)
    rows[0][3] = 7.0
    scores_case(
        "S06",
        "S06_out_of_range.csv",
        "refused",
        "строка 2, столбец «Балл»: балл 7 вне диапазона 0–3",
        "балл больше максимума",
        rows=rows,
    )
    rows = copy.deepcopy(scores) + [copy.deepcopy(scores[0])]
    scores_case("S07", "S07_duplicate_row.csv", "refused", "повторный балл", "одна оценка дважды", rows=rows)
    rows = copy.deepcopy(scores)
    plan_pairs = {(r[0], r[1]) for r in rows}
    recused = next((e, "Ж02") for e in ("E01", "E03") if (e, "Ж02") not in plan_pairs)
    rows += [[recused[0], "Ж02", k, 1.0] for k in ("K1", "K2", "K3")]
    scores_case(
        "S08",
        "S08_recused_juror.csv",
        "refused",
        "отведён от работы",
        "эксперт оценил работу своей школы",
        rows=rows,
    )
    rows = copy.deepcopy(scores)
    rows[3][3] = "три"
    scores_case("S09", "S09_text_score.csv", "refused", "получено «три»", "балл словами", rows=rows)
    rows = copy.deepcopy(scores)
    rows[5][2] = "К1" if rows[5][2] == "K1" else rows[5][2].replace("K", "К")  # Cyrillic К
    scores_case(
        "S10",
        "S10_cyrillic_in_criterion.csv",
        "refused",
        "русская буква «К» на позиции 1",
        "код критерия с русской «К» вместо латинской",
        rows=rows,
    )
    rows = [r for r in copy.deepcopy(scores) if not (r[0] == scores[0][0] and r[1] == scores[0][1])]
    scores_case(
        "S11",
        "S11_missing_scores.csv",
        "refused",
        f"эксперт {scores[0][1]} не выставил баллы работе {scores[0][0]}",
        "пропали оценки одного эксперта одной работе",
        rows=rows,
    )
    p = d / "S12_date_score.xlsx"
    rows = [list(r) for r in copy.deepcopy(scores)]
    rows[0][3] = dt.datetime(2026, 3, 2)
    write_book(p, [("Баллы", [SCORE_HEADERS] + rows)])
    case(
        "S12",
        "scores",
        p,
        "refused",
        "получено «2026-03-02",
        "дата вместо балла (Excel превратил «2.3» в дату)",
    )
    p = d / "S13_utf16.csv"
    write_scores_csv(p, scores, encoding="utf-16")
    case("S13", "scores", p, "refused", "UTF-16", "CSV в кодировке UTF-16")

    # --- filled score sheets
    books = filled_sheets(scores)
    names = list(books)
    p = save_books(d / "F00_sheets_base", books)
    case("F00", "scores", p, "tolerated", "", "заполненные оценочные листы всех экспертов")
    p = save_books(d / "F01_sheet_renamed", filled_sheets(scores), rename={names[1]: "Белов_оценки.xlsx"})
    case(
        "F01",
        "scores",
        p,
        "tolerated",
        "",
        "файл эксперта переименован: эксперт и этап берутся из служебного листа, а не из имени файла",
    )
    p = save_books(d / "F02_two_files_one_juror", filled_sheets(scores))
    shutil.copy(p / names[1], p / ("копия " + names[1]))
    case("F02", "scores", p, "refused", "второй лист эксперта", "два файла одного эксперта за этап")
    b = filled_sheets(scores)
    b[names[0]][MAIN].cell(FIRST_ROW, 2).value = "E99"
    p = save_books(d / "F03_edited_entry_code", b)
    case(
        "F03",
        "scores",
        p,
        "refused",
        "ожидался код работы",
        "код работы в листе изменён (лист правили вне ячеек баллов)",
    )
    b = filled_sheets(scores)
    ws = b[names[0]][MAIN]
    ws.insert_rows(FIRST_ROW)
    p = save_books(d / "F04_row_inserted", b)
    case("F04", "scores", p, "refused", "строки переставлены", "вставлена строка над таблицей")
    b = filled_sheets(scores)
    b[names[0]][MAIN].title = "Лист1"
    p = save_books(d / "F05_main_sheet_renamed", b)
    case("F05", "scores", p, "refused", "лист переименован или удалён", "видимый лист переименован")
    b = filled_sheets(scores)
    ws = b[names[2]][MAIN]
    ws.cell(FIRST_ROW, FIRST_COL).value = score_text(ws.cell(FIRST_ROW, FIRST_COL).value, comma=True)
    p = save_books(d / "F06_text_comma_score", b)
    case("F06", "scores", p, "tolerated", "", "балл текстом с запятой («2,5») читается как число")
    b = filled_sheets(scores)
    p = save_books(d / "F07_formula_cached", b)
    v = b[names[0]][MAIN].cell(FIRST_ROW, FIRST_COL).value
    put_formula(p / names[0], MAIN, f"D{FIRST_ROW}", f"{v}+0", score_text(v))
    case(
        "F07",
        "scores",
        p,
        "tolerated",
        "",
        "формула в ячейке балла с сохранённым значением: берётся значение",
    )
    p = save_books(d / "F08_formula_no_cache", filled_sheets(scores))
    put_formula(p / names[0], MAIN, f"D{FIRST_ROW}", "1+1", None)
    case(
        "F08",
        "scores",
        p,
        "refused",
        "формула без сохранённого значения",
        "формула в ячейке балла без сохранённого значения",
    )
    p = save_books(d / "F09_xls_in_folder", filled_sheets(scores))
    ole_file(p / "Ж06_S1.xls", encrypted=False)
    case("F09", "scores", p, "refused", "принимаются только файлы .xlsx", "в папке файл .xls")
    b = filled_sheets(scores)
    del b[names[3]]
    p = save_books(d / "F10_juror_file_missing", b)
    case(
        "F10",
        "scores",
        p,
        "refused",
        f"нет баллов эксперта {names[3].split('_')[0]}",
        "нет файла одного эксперта",
    )
    p = save_books(d / "F11_text_file_in_folder", filled_sheets(scores))
    (p / "заметки.xlsx").write_text("не книга", encoding="utf-8")
    case(
        "F11",
        "scores",
        p,
        "refused",
        "это не книга Excel",
        "текстовый файл с расширением .xlsx в папке листов",
    )
    b = filled_sheets(scores)
    b[names[0]][MAIN].cell(FIRST_ROW, FIRST_COL + 1).value = None
    p = save_books(d / "F12_empty_score", b)
    case("F12", "scores", p, "refused", "нет балла", "пустая ячейка балла")
    b = filled_sheets(scores)
    b[names[0]][META].cell(2, 2).value = "Другой конкурс"
    p = save_books(d / "F13_other_contest", b)
    case("F13", "scores", p, "refused", "лист другого конкурса", "лист другого конкурса")


def main() -> None:
    # only this script's folders: tests/data/bad/register/ is made by make_bad_register.py
    for sub in ("registry", "contest"):
        if (OUT / sub).exists():
            shutil.rmtree(OUT / sub)
    OUT.mkdir(parents=True, exist_ok=True)
    make_registry_cases()
    make_contest_cases()
    with open(OUT / "manifest.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["case", "input", "path", "outcome", "fragment", "note"])
        w.writerows(MANIFEST)
    size = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"{len(MANIFEST)} cases, {size / 1e6:.2f} MB in {OUT.name}/")


if __name__ == "__main__":
    main()
