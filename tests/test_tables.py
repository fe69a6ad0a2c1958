"""The shared package: one table reader (tandem.tables), YAML policy (tandem.yamlio), page pieces (tandem.ui)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from pathlib import Path

import pytest
from openpyxl import Workbook

from tandem.errors import InputError
from tandem.tables import (
    DATE_MARK,
    FORMULA_WITHOUT_VALUE,
    cell_text,
    norm_header,
    open_xlsx,
    read_csv_file,
    read_csv_rows,
    read_table,
    read_tables,
    read_text,
    sha256_of,
    sniff_delimiter,
    table_from_cells,
)
from tandem.xlsx import column_number

ROOT = Path(__file__).resolve().parents[1]
ROWS = [["Код работы", "Название", "Балл"], ["E01", "Мост, река", "2,5"], ["E02", "Сад", "3"]]


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    "encoding, prefix",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1251", b"")],
    ids=["utf8", "utf8_bom", "cp1251"],
)
def test_csv_text_in_every_accepted_encoding(tmp_path, encoding, prefix):
    p = tmp_path / "t.csv"
    p.write_bytes(prefix + "Код;ФИО\nЁ1;Королёва Анна\n".encode(encoding))
    assert read_text(p) == "Код;ФИО\nЁ1;Королёва Анна\n"
    assert read_csv_rows(p) == [["Код", "ФИО"], ["Ё1", "Королёва Анна"]]


@pytest.mark.parametrize(
    "data, fragment",
    [
        ("Код;ФИО\n".encode("utf-16"), "UTF-16"),
        ("entry_id;score\nE01;3\n".encode("utf-16-le"), "UTF-16"),  # no BOM: told by its zero bytes
        (b"PK\x03\x04" + b"\x00" * 40, "книга Excel"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" * 20, "двоичный"),
        (b"", "пустой"),
    ],
    ids=["utf16_bom", "utf16le", "workbook", "binary", "empty"],
)
def test_csv_refuses_utf16_binary_workbooks_and_empty_text(tmp_path, data, fragment):
    p = tmp_path / "t.csv"
    p.write_bytes(data)
    with pytest.raises(InputError, match=fragment) as exc:
        read_text(p)
    assert exc.value.issues[0].file == "t.csv"


def test_empty_csv_is_an_empty_table_and_missing_one_an_error(tmp_path):
    (tmp_path / "e.csv").write_bytes(b"")
    t = read_csv_file(tmp_path / "e.csv")
    assert (t.headers, t.rows, t.sheet) == ([], [], "e")
    with pytest.raises(InputError, match="не найден"):
        read_csv_rows(tmp_path / "missing.csv")


# --------------------------------------------------------------------------- delimiters


@pytest.mark.parametrize(
    "text, sep",
    [
        ("a,b,c\n1,2,3", ","),
        ("a;b;c\n1,5;2;3", ";"),
        ("a\tb\tc\n1\t2\t3", "\t"),
        ('"Название, кратко";Балл;Код\nx;1;2', ";"),  # a comma inside quotes is not a separator
        ("\n\n  \na;b\n", ";"),  # the first non-empty line decides
        ("a;b,c", ","),  # a tie goes to the comma
        ("a;b\tc", ";"),  # … and between ; and tab to ;
        ("single", ","),
        ("", ","),
    ],
)
def test_one_delimiter_rule(text, sep):
    assert sniff_delimiter(text) == sep


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_every_separator_reads_the_same_table(tmp_path, sep):
    def quote(c):
        return f'"{c}"' if sep in c or "," in c else c

    text = "\n".join(sep.join(quote(c) for c in row) for row in ROWS) + "\n"
    t = read_csv_file(_write(tmp_path / "scores.csv", text))
    assert t.headers == ROWS[0] and t.rows == ROWS[1:] and t.row_numbers == [2, 3]
    assert t.sheet == "scores" and t.file == "scores.csv"


# --------------------------------------------------------------------------- headers and cells


@pytest.mark.parametrize(
    "a, b",
    [
        ("  Код ОО ", "код оо"),
        ("Код\u00a0\u00a0ОО", "КОД ОО"),
        ("Ёмкость", "емкость"),
        ("ЁЛКА", "елка"),
        ("Код\tработы\n", "код работы"),
        ("STRASSE", "straße"),
    ],
)
def test_header_normalisation(a, b):
    assert norm_header(a) == norm_header(b)


def test_header_normalisation_keeps_words_apart():
    assert norm_header("Код работы") != norm_header("Кодработы")
    assert norm_header("Е01") != norm_header("E01")  # Cyrillic and Latin letters stay different


@pytest.mark.parametrize(
    "value, text",
    [
        (None, ""),
        ("  a\u00a0b ", "a b"),
        (101.0, "101"),
        (2.5, "2.5"),
        (float("nan"), ""),
        (7, "7"),
        (True, "да"),
        (False, "нет"),
        (dt.date(2026, 3, 1), DATE_MARK + "2026-03-01"),
        (dt.datetime(2026, 3, 1, 9, 30), DATE_MARK + "2026-03-01T09:30:00"),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


def test_table_layout_header_row_widths_and_row_numbers():
    cells = [
        [None, None],
        ["", " "],
        ["Код", "ФИО", None, ""],
        ["1", "А", "лишнее"],
        [None, None],
        ["2", None],
        ["", "", ""],
    ]
    t = table_from_cells("f.xlsx", "Лист", cells, formulas={"B6"})
    assert t.headers == ["Код", "ФИО"]
    assert t.rows == [["1", "А"], ["2", FORMULA_WITHOUT_VALUE]]
    assert t.row_numbers == [4, 6]


def test_frame_follows_pandas_labels_and_keeps_excel_rows():
    t = table_from_cells(
        "f.xlsx",
        "Лист",
        [["Код", "", "Код", "Дата"], ["1", "x", "2", dt.date(2026, 1, 2)], [None], ["3", "", "4", None]],
        formulas={"B4"},
    )
    df = t.frame()
    assert list(df.columns) == ["Код", "Unnamed: 1", "Код.1", "Дата"]
    assert list(df.index) == [2, 4] and df.index.name == "row"
    assert df.loc[2, "Дата"] == DATE_MARK + "2026-01-02" and df.loc[4, "Unnamed: 1"] == FORMULA_WITHOUT_VALUE
    plain = t.frame(marks=False)
    assert plain.loc[2, "Дата"] == "2026-01-02" and plain.loc[4, "Unnamed: 1"] == ""


def test_column_number():
    assert [column_number(x) for x in ("A", "Z", "AA", "AB", "XFD")] == [1, 26, 27, 28, 16384]
    assert column_number(b"XFD") == 16384


# --------------------------------------------------------------------------- workbooks


def _book(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Прочее"
    ws.append(["x"])
    ws = wb.create_sheet("  баллы ")
    for row in [[None], *ROWS]:
        ws.append(row)
    ws["D3"] = "=1+1"  # written by openpyxl: a formula without a saved value
    wb.save(path)
    return path


def test_read_table_picks_the_named_sheet_of_a_workbook(tmp_path):
    t = read_table(_book(tmp_path / "b.xlsx"), ("Баллы", "scores"))
    assert t.sheet == "  баллы " and t.headers == ROWS[0]
    assert t.rows == [r for r in ROWS[1:]] and t.row_numbers == [3, 4]
    assert read_table(tmp_path / "b.xlsx").sheet == "Прочее"  # no name wanted: the first worksheet


def test_read_table_csv_has_no_sheet(tmp_path):
    t = read_table(_write(tmp_path / "s.csv", "a;b\n1;2\n"))
    assert t.sheet is None and t.rows == [["1", "2"]]


def test_open_xlsx_gives_raw_cells_and_bare_formulas(tmp_path):
    book = open_xlsx(_book(tmp_path / "b.xlsx"))
    assert book.sheet_names == book.worksheets == ["Прочее", "  баллы "]
    assert book.formulas == {"  баллы ": {"D3"}}
    rows = book.rows("  баллы ")
    assert rows[1][:3] == ["Код работы", "Название", "Балл"] and rows[0][0] == ""


def test_workbook_guard_runs_before_reading(tmp_path):
    fake = _write(tmp_path / "fake.xlsx", "Код;ФИО\n")
    for read in (open_xlsx, read_table, read_tables):
        with pytest.raises(InputError, match="не книга Excel"):
            read(fake)
    with pytest.raises(InputError, match="не найден"):
        open_xlsx(tmp_path / "missing.xlsx")


def test_read_tables_folder_and_unknown_types(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    with pytest.raises(InputError, match="в папке нет CSV-файлов; ожидались a.csv"):
        read_tables(folder, expected_csv="a.csv")
    _write(folder / "b.csv", "x,y\n1,2\n")
    _write(folder / "a.csv", "x;y\n3;4\n", "cp1251")
    tables = read_tables(folder)
    assert list(tables) == ["a", "b"] and tables["a"].rows == [["3", "4"]]
    with pytest.raises(InputError, match=r"\.xls"):
        read_tables(_write(tmp_path / "old.xls", "x"))
    with pytest.raises(InputError, match="неизвестный тип файла"):
        read_tables(_write(tmp_path / "t.ods", "x"))


# --------------------------------------------------------------------------- hashing


def test_sha256_of_a_file_and_of_a_csv_folder(tmp_path):
    sample = ROOT / "data" / "sample_district.xlsx"
    assert sha256_of(sample) == hashlib.sha256(sample.read_bytes()).hexdigest()
    folder = tmp_path / "csv"
    folder.mkdir()
    _write(folder / "b.csv", "2")
    _write(folder / "a.csv", "1")
    _write(folder / "note.txt", "ignored")
    expected = hashlib.sha256(b"a.csv1b.csv2").hexdigest()
    assert sha256_of(folder) == expected
    _write(folder / "note.txt", "changed")
    assert sha256_of(folder) == expected
    _write(folder / "a.csv", "1 ")
    assert sha256_of(folder) != expected


# --------------------------------------------------------------------------- YAML


def test_yaml_core_schema_keeps_text_as_written(tmp_path):
    from tandem.yamlio import read_yaml_file

    p = _write(
        tmp_path / "c.yaml",
        "\ufeffa: no\nb: on\nc: 077\nd: 1:20\ne: 2026-03-01\nf: 1.10\ng: true\nh: ~\ni: 1_000\nj: 40\n",
    )
    data, lines = read_yaml_file(p)
    assert data == {
        "a": "no",
        "b": "on",
        "c": "077",
        "d": "1:20",
        "e": "2026-03-01",
        "f": 1.1,
        "g": True,
        "h": None,
        "i": "1_000",
        "j": 40,
    }
    assert data["f"].text == "1.10" and lines["j"] == 10


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("a: 1\na: 2\n", "ошибка синтаксиса YAML (строка 2): повторяющийся ключ «a»"),
        ("a: [1, 2\n", "ошибка синтаксиса YAML (строка"),
        ("a:\n\tb: 1\n", "табуляции"),
    ],
)
def test_yaml_errors_are_russian_with_the_line(tmp_path, text, fragment):
    from tandem.yamlio import read_yaml_file

    with pytest.raises(InputError, match=fragment.replace("(", r"\(").replace(")", r"\)")) as exc:
        read_yaml_file(_write(tmp_path / "c.yaml", text))
    assert exc.value.issues[0].file == "c.yaml"


def test_yaml_file_missing_or_not_utf8(tmp_path):
    from tandem.yamlio import read_yaml_file

    with pytest.raises(InputError, match="файл конфигурации не найден"):
        read_yaml_file(tmp_path / "none.yaml", what="файл конфигурации")
    with pytest.raises(InputError, match="UTF-8"):
        read_yaml_file(_write(tmp_path / "c.yaml", "имя: Ёж\n", "cp1251"))


def test_matching_configs_load_as_before():
    """The configuration files of the repository give what PyYAML's safe_load gave them."""
    import yaml

    from matching.config import config_from_dict
    from matching.config_io import load_config
    from tandem.yamlio import read_yaml_file

    for path in [ROOT / "data" / "matching_config.yaml"]:
        assert read_yaml_file(path)[0] == yaml.safe_load(path.read_text(encoding="utf-8"))
        assert load_config(path) == config_from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- page pieces


def test_download_link_carries_the_bytes_escaped_name_and_type():
    from tandem.ui import XLSX_MIME, download_link

    link = download_link(b"\x00\x01data", 'a"<b>.xlsx', "Скачать <всё>", XLSX_MIME, style="font-size:15px")
    assert link.startswith('<a download="a&quot;&lt;b&gt;.xlsx" href="data:' + XLSX_MIME + ";base64,")
    assert base64.b64decode(link.split("base64,")[1].split('"')[0]) == b"\x00\x01data"
    assert 'style="font-size:15px"' in link and "⬇ Скачать &lt;всё&gt;</a>" in link
    assert 'href="data:application/octet-stream;base64,' in download_link(b"", "f", "l")
    assert 'style="font-weight:bold"' in download_link(b"", "f", "l")
