"""People workbook: loading, header spellings, and every reported problem."""

from __future__ import annotations

import pandas as pd
import pytest

from contest import ContestError
from contest.people import load_people
from tests.contest._io_fixtures import ENTRIES, JURY, write_people_xlsx


def messages(exc) -> list[str]:
    return [str(i) for i in exc.value.issues]


def test_load_russian_headers(tmp_path):
    p = load_people(write_people_xlsx(tmp_path / "p.xlsx"))
    assert list(p.entries["entry_id"]) == ["E01", "E02", "E03", "E04", "E05"]
    assert p.entries.loc[2, "school_ids"] == ("101", "103")
    assert p.entries.loc[2, "title"] == "=Дуэт три"  # formula-like text read as text
    assert list(p.entries["publish_consent"]) == [True, False, True, True, False]
    assert p.jury.iloc[0]["role"] == "председатель"
    assert p.chair["juror_id"] == "Ж01"
    assert p.jury.loc[p.jury["juror_id"] == "Ж01", "school_id"].item() == ""
    assert p.source == "p.xlsx"


def test_load_english_headers_and_spacing(tmp_path):
    e = ENTRIES.rename(columns=lambda c: f"  {c.upper()} ")
    j = JURY.rename(columns={"juror_id": "Juror_ID", "role": " ROLE"})
    p = load_people(write_people_xlsx(tmp_path / "p.xlsx", e, j, "entries", "jury", russian=False))
    assert len(p.entries) == 5 and len(p.jury) == 5


def test_numeric_school_codes_are_text(tmp_path):
    e = ENTRIES.copy()
    e["school_ids"] = [101, 102, "101; 103", 104, 105]
    j = JURY.copy()
    j["school_id"] = [None, 101, 102, None, 104]
    p = load_people(write_people_xlsx(tmp_path / "p.xlsx", e, j))
    assert p.entries.loc[0, "school_ids"] == ("101",)
    assert p.jury.set_index("juror_id").loc["Ж02", "school_id"] == "101"


def test_optional_columns_default(tmp_path):
    e = ENTRIES.drop(columns=["publish_consent", "nomination"])
    p = load_people(write_people_xlsx(tmp_path / "p.xlsx", e))
    assert not p.entries["publish_consent"].any()
    assert (p.entries["nomination"] == "").all()


def test_missing_sheet_reported(tmp_path):
    with pytest.raises(ContestError) as exc:
        load_people(write_people_xlsx(tmp_path / "p.xlsx", jury_sheet="Эксперты"))
    m = messages(exc)
    assert len(m) == 1 and "нет листа «Жюри»" in m[0] and "p.xlsx" in m[0]


def test_missing_columns_reported_all_at_once(tmp_path):
    e = ENTRIES.drop(columns=["title"])
    j = JURY.drop(columns=["role"])
    with pytest.raises(ContestError) as exc:
        load_people(write_people_xlsx(tmp_path / "p.xlsx", e, j))
    m = messages(exc)
    assert any("лист «Участники»" in x and "«Название»" in x for x in m)
    assert any("лист «Жюри»" in x and "«Роль»" in x for x in m)


def test_row_problems_name_row_and_column(tmp_path):
    e = ENTRIES.astype(object)
    e.loc[1, "entry_id"] = "E01"  # duplicate
    e.loc[3, "entry_id"] = None  # empty
    e.loc[4, "publish_consent"] = "может быть"
    j = JURY.copy()
    j.loc[0, "role"] = "член жюри"  # no chair
    j.loc[2, "role"] = "секретарь"  # unknown role
    j.loc[3, "juror_id"] = "Ж02"  # duplicate
    with pytest.raises(ContestError) as exc:
        load_people(write_people_xlsx(tmp_path / "p.xlsx", e, j))
    m = messages(exc)
    text = "\n".join(m)
    assert (
        "лист «Участники», строка 3, столбец «Код работы»: код работы «E01» повторяется (уже был в строке 2)"
        in text
    )
    assert "строка 5, столбец «Код работы»: пустой код работы" in text
    assert "строка 6, столбец «Согласие на публикацию»: ожидалось «да» или «нет»" in text
    assert "лист «Жюри», строка 4, столбец «Роль»: неизвестная роль «секретарь»" in text
    assert "строка 5, столбец «Код эксперта»: код эксперта «Ж02» повторяется" in text
    assert "не указан председатель жюри" in text
    assert exc.value.report().startswith("Найдено ошибок во входных данных")


def test_two_chairs(tmp_path):
    j = JURY.copy()
    j.loc[3, "role"] = "Председатель"
    with pytest.raises(ContestError, match="председатель жюри должен быть один"):
        load_people(write_people_xlsx(tmp_path / "p.xlsx", jury=j))


def test_not_an_excel_file(tmp_path):
    bad = tmp_path / "p.xlsx"
    bad.write_text("это не Excel", encoding="utf-8")
    with pytest.raises(ContestError, match="не удалось прочитать книгу Excel"):
        load_people(bad)
    with pytest.raises(ContestError, match="файл не найден"):
        load_people(tmp_path / "нет.xlsx")


def test_blank_rows_skipped(tmp_path):
    e = pd.concat([ENTRIES.iloc[:2], pd.DataFrame([{c: None for c in ENTRIES.columns}]), ENTRIES.iloc[2:]])
    p = load_people(write_people_xlsx(tmp_path / "p.xlsx", e))
    assert len(p.entries) == 5
