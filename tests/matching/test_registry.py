"""Loading and validating the registry: both header languages, CSV, every error at once."""

from __future__ import annotations

import csv
import io

import pytest

import matching
from matching import RegistryError, load_registry
from tests.matching.conftest import base_tables, write_xlsx


def test_loads_russian_workbook(registry_path):
    reg = load_registry(registry_path)
    assert len(reg.schools) == 4 and len(reg.teachers) == 9 and len(reg.deficits) == 4
    t = reg.teachers.set_index("teacher_id")
    assert t.at["Т1", "strengths"] == ("Д1", "Д2")
    assert t.at["Т1", "capacity"] == 2 and t.at["Т4", "consent"] is False or not t.at["Т4", "consent"]
    assert t.at["Н3", "experience_years"] == 0.5
    assert set(reg.mentees["teacher_id"]) == {"Н1", "Н2", "Н3", "Н4", "Н5"}
    assert set(reg.mentors["teacher_id"]) == {"Т1", "Т2", "Т3", "Т4"}
    assert len(reg.sha256) == 64 and reg.source == "реестр.xlsx"


def test_english_headers_and_sheet_names_with_case_and_spaces(tmp_path, tables):
    from matching import schema

    headers = {s.name: [f"  {c.name.upper()} " for c in s.columns] for s in schema.SHEETS}
    p = write_xlsx(tmp_path / "en.xlsx", tables, russian=False, headers=headers)
    reg = load_registry(p)
    assert len(reg.teachers) == 9


def test_csv_folder_utf8_bom_and_cp1251_semicolons(tmp_path, tables):
    from matching import schema

    folder = tmp_path / "csv"
    folder.mkdir()
    for sheet in schema.SHEETS:
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=";", lineterminator="\n")
        w.writerow([c.header for c in sheet.columns])
        w.writerows(tables[sheet.name])
        text = buf.getvalue()
        if sheet.name == "teachers":
            (folder / "teachers.csv").write_bytes(text.encode("cp1251"))
        else:
            (folder / f"{sheet.name}.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    reg = load_registry(folder)
    assert reg.teachers.set_index("teacher_id").at["Н1", "full_name"] == "Орлова Дарья Сергеевна"
    assert reg.teachers.set_index("teacher_id").at["Т1", "subjects"] == ("математика",)


def test_decimal_comma_is_read_as_number(tmp_path, tables):
    t = list(tables["teachers"][6])
    t[5] = "0,5"
    tables["teachers"][6] = tuple(t)
    reg = load_registry(write_xlsx(tmp_path / "r.xlsx", tables))
    assert reg.teachers.set_index("teacher_id").at["Н3", "experience_years"] == 0.5


def _errors(tmp_path, tables) -> list[str]:
    with pytest.raises(RegistryError) as exc:
        load_registry(write_xlsx(tmp_path / "bad.xlsx", tables))
    return [str(i) for i in exc.value.issues]


def _set(tables, sheet, row, col, value):
    r = list(tables[sheet][row])
    r[col] = value
    tables[sheet][row] = tuple(r)


def test_every_problem_reported_at_once_with_location(tmp_path, tables):
    _set(tables, "teachers", 0, 5, -3)  # negative experience (row 2)
    _set(tables, "teachers", 1, 9, "два")  # non-numeric capacity (row 3)
    _set(tables, "teachers", 2, 3, "ментор")  # unknown role (row 4)
    _set(tables, "teachers", 3, 10, "онлайн")  # unknown format (row 5)
    _set(tables, "teachers", 4, 6, "вторая")  # unknown category (row 6)
    _set(tables, "teachers", 5, 2, "ОО-99")  # unknown school (row 7)
    _set(tables, "teachers", 6, 7, "Д4; Д77")  # unknown deficit code (row 8)
    _set(tables, "teachers", 8, 0, "Н1")  # duplicate id (row 10)
    _set(tables, "schools", 1, 4, "север")  # non-numeric latitude
    errors = _errors(tmp_path, tables)
    joined = "\n".join(errors)
    assert len(errors) == 9, joined
    assert (
        "лист «Педагоги», строка 2, столбец «Стаж»: стаж не может быть отрицательным, получено «-3»" in joined
    )
    assert "строка 3, столбец «Вместимость»: ожидалось целое число, получено «два»" in joined
    assert "строка 4, столбец «Роль»: недопустимое значение «ментор»" in joined
    assert "строка 5, столбец «Формат»: недопустимое значение «онлайн»" in joined
    assert "строка 6, столбец «Категория»: недопустимое значение «вторая»" in joined
    assert "строка 7, столбец «Код ОО»: код ОО «ОО-99» не найден" in joined
    assert "строка 8, столбец «Дефициты»: неизвестные коды дефицитов: «Д77»" in joined
    assert "строка 10, столбец «Код педагога»: код «Н1» повторяется (впервые в строке 6)" in joined
    assert "лист «Школы», строка 3, столбец «Широта»: ожидалось число, получено «север»" in joined
    assert all(e.startswith("файл «bad.xlsx»") for e in errors)


def test_missing_sheet_and_column(tmp_path, tables):
    del tables["deficits"]
    errors = _errors(tmp_path, tables)
    assert any("нет листа «Дефициты» (или «deficits»)" in e for e in errors)
    tables = base_tables()
    from matching import schema

    hdr = [c.header for c in schema.TEACHERS.columns]
    hdr[5] = "Опыт"
    with pytest.raises(RegistryError) as exc:
        load_registry(write_xlsx(tmp_path / "b2.xlsx", tables, headers={"teachers": hdr}))
    assert any("нет столбца «Стаж» (или «experience_years»)" in str(i) for i in exc.value.issues)


def test_locked_pair_rows_are_checked(tmp_path, tables):
    tables["locked"] = [("Н5", "Т1"), ("Н1", "Т4"), ("Т1", "Н1"), ("Н2", "Т2")]
    tables["forbidden"] = [("Н2", "Т2")]
    joined = "\n".join(_errors(tmp_path, tables))
    assert (
        "лист «Закрепления», строка 2, столбец «Наставляемый»: "
        "закрепление нарушает условие: нет согласия наставляемого «Н5»" in joined
    )
    assert (
        "строка 3, столбец «Наставник»: закрепление нарушает условие: нет согласия наставника «Т4»" in joined
    )
    assert "строка 4, столбец «Наставляемый»: педагог «Т1» имеет роль «наставник»" in joined
    assert "строка 5, столбец «Наставник»: пара одновременно закреплена и запрещена" in joined


def test_locked_pair_breaking_config_constraint_is_refused(tmp_path, tables):
    tables["locked"] = [("Н4", "Т1")]  # 51 km apart, format очно → beyond 40 km
    reg = load_registry(write_xlsx(tmp_path / "r.xlsx", tables))
    with pytest.raises(RegistryError) as exc:
        matching.match(reg)
    msg = str(exc.value.issues[0])
    assert "лист «Закрепления», строка 2" in msg and "дальше допустимого расстояния" in msg


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"", "файл пустой"),
        (b"just text, not a workbook", "это не книга Excel"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
            "старом формате Excel (.xls) или защищён паролем",
        ),
        (b"PK\x03\x04broken zip", "не удалось прочитать книгу Excel"),
    ],
)
def test_unreadable_files(tmp_path, content, fragment):
    p = tmp_path / "r.xlsx"
    p.write_bytes(content)
    with pytest.raises(RegistryError.__mro__[1]) as exc:
        load_registry(p)
    assert fragment in str(exc.value)


def test_xls_extension_refused(tmp_path):
    p = tmp_path / "r.xls"
    p.write_bytes(b"x")
    with pytest.raises(Exception, match=r"\.xls"):
        load_registry(p)


def test_optional_mentor_wishes_sheet_by_english_name(tmp_path):
    tables = base_tables()
    tables["mentor_preferences"] = [("Т1", "Н1", 1), ("Т2", "Н2", 3)]
    reg = load_registry(write_xlsx(tmp_path / "en.xlsx", tables, russian=False))
    assert reg.mentor_preferences[["mentor_id", "mentee_id", "rank"]].values.tolist() == [
        ["Т1", "Н1", 1],
        ["Т2", "Н2", 3],
    ]
    assert reg.mentor_preferences["rank"].dtype == "int64"
    assert reg.sheet_titles.get("mentor_preferences") is None  # optional: not among the contract's sheets
    assert load_registry(write_xlsx(tmp_path / "none.xlsx", base_tables())).mentor_preferences.empty
