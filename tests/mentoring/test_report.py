"""The half-year report: «Показатели» against an independent count, the Word note printed via LibreOffice."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import sys
import zipfile
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import load_registry
from mentoring import load_register
from mentoring.cli import main
from mentoring.report import INDICATOR_COLUMNS, half_year, indicators, share
from mentoring.report_io import FIGURES_FILE, NOTE_FILE
from tandem.cli import run_cli
from tests.pdf_pages import is_a4, pdf_pages, soffice_pdf

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample_district.xlsx"
DIAG = ROOT / "data" / "diagnosis"
REGISTER = DIAG / "sample_register.xlsx"
D = dt.date


@pytest.fixture(scope="module")
def registry():
    return load_registry(SAMPLE)


@pytest.fixture(scope="module")
def register():
    return load_register(REGISTER)


def expected(pairs: pd.DataFrame, registry, on: dt.date) -> pd.DataFrame:
    """«Показатели» counted the plain way, row by row of the definitions."""
    t, s = registry.teachers, registry.schools
    mentees = t[(t["role"] == "наставляемый") | ((t["role"] == "оба") & (t["deficits"].str.len() > 0))]
    school_of = t.set_index("teacher_id")["school_id"]
    cluster_of = s.set_index("school_id")["cluster"]
    p = pairs.copy()
    p["school"] = p["mentee_id"].map(school_of)
    p["cluster"] = p["school"].map(cluster_of)
    p["mentor_school"] = p["mentor_id"].map(school_of)
    live = p[p["status"].isin(["действует", "продлена"]) & (p["start"] <= on) & (on <= p["end"])]
    first = D(on.year, 1, 1) if on.month < 7 else D(on.year, 7, 1)
    last = D(on.year, 6, 30) if on.month < 7 else D(on.year, 12, 31)
    ended = p[(p["end"] >= first) & (p["end"] <= last)]
    m = mentees.assign(cluster=mentees["school_id"].map(cluster_of))
    m = m.assign(paired=m["teacher_id"].isin(live["mentee_id"]), young=m["experience_years"] < 3)

    def row(level, code, name, mm, lv, en):
        n, c = len(mm), int(mm["paired"].sum())
        return {
            "Уровень": level,
            "Код": code,
            "Наименование": name,
            "Наставляемых": n,
            "С наставником": c,
            "Доля с наставником, %": (2000 * c + n) // (2 * n) / 10 if n else float("nan"),
            "Молодых педагогов": int(mm["young"].sum()),
            "Молодых с наставником": int((mm["young"] & mm["paired"]).sum()),
            "Наставников в парах": lv["mentor_id"].nunique(),
            "Пар действует": len(lv),
            "Сетевых пар": int((lv["school"] != lv["mentor_school"]).sum()),
            "Завершено за полугодие": int((en["status"] == "завершена").sum()),
            "Прекращено досрочно за полугодие": int((en["status"] == "прекращена досрочно").sum()),
        }

    rows = [row("муниципалитет", "Всего", "; ".join(sorted(set(s["district"]))), m, live, ended)]
    for sid, name in sorted(zip(s["school_id"], s["name"])):
        rows.append(
            row(
                "ОО",
                sid,
                name,
                m[m["school_id"] == sid],
                live[live["school"] == sid],
                ended[ended["school"] == sid],
            )
        )
    for cl, name in (
        ("ШНОР", "Школы с низкими образовательными результатами"),
        ("ШСОР", "Школы со средними образовательными результатами"),
        ("ШВОР", "Школы с высокими образовательными результатами"),
    ):
        rows.append(
            row(
                "группа результатов",
                cl,
                name,
                m[m["cluster"] == cl],
                live[live["cluster"] == cl],
                ended[ended["cluster"] == cl],
            )
        )
    return pd.DataFrame(rows)


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(INDICATOR_COLUMNS)
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), want[list(INDICATOR_COLUMNS)], check_dtype=False
    )


@pytest.mark.parametrize(
    "on",
    [
        D(2026, 9, 1),
        D(2026, 11, 20),
        D(2026, 12, 31),
        D(2027, 1, 1),
        D(2027, 1, 29),
        D(2027, 5, 31),
        D(2027, 6, 1),
    ],
)
def test_indicators_of_the_sample_equal_an_independent_count(register, registry, on):
    _same(indicators(register.pairs, registry, on), expected(register.pairs, registry, on))


def test_pairs_ended_on_the_boundary_day_count_in_that_half_year(register, registry):
    dec = indicators(register.pairs, registry, D(2026, 12, 31)).iloc[0]
    jan = indicators(register.pairs, registry, D(2027, 1, 1)).iloc[0]
    assert dec["Завершено за полугодие"] == 1 and dec["Прекращено досрочно за полугодие"] == 2
    # 1 January opens the next half-year: the December ends are gone, the January–February ones count
    # (the register as it stands: their status was set later in the half-year)
    assert jan["Завершено за полугодие"] == 1 and jan["Прекращено досрочно за полугодие"] == 1
    assert half_year(D(2026, 12, 31)) == (D(2026, 7, 1), D(2026, 12, 31))
    assert half_year(D(2027, 6, 30)) == (D(2027, 1, 1), D(2027, 6, 30))


def test_share_rounds_half_up():
    assert share(1, 8) == 12.5 and share(1, 16) == 6.3 and share(1, 3) == 33.3 and share(2, 3) == 66.7
    assert share(0, 0) is None and share(5, 5) == 100.0


_STATUSES = ["действует", "продлена", "завершена", "прекращена досрочно"]
_DAYS = [
    D(2026, 6, 30),
    D(2026, 7, 1),
    D(2026, 9, 1),
    D(2026, 12, 31),
    D(2027, 1, 1),
    D(2027, 5, 31),
    D(2027, 6, 30),
]


@st.composite
def registers(draw, teachers: list[str]):
    n = draw(st.integers(0, 40))
    rows = []
    for _ in range(n):
        mentee, mentor = draw(st.sampled_from(teachers)), draw(st.sampled_from(teachers))
        a, b = sorted([draw(st.sampled_from(_DAYS)), draw(st.sampled_from(_DAYS))])
        rows.append((mentee, mentor, a, b, draw(st.sampled_from(_STATUSES))))
    return pd.DataFrame(rows, columns=["mentee_id", "mentor_id", "start", "end", "status"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_indicators_of_generated_registers_equal_an_independent_count(registry, data):
    ids = list(registry.mentees["teacher_id"][:20]) + list(registry.teachers["teacher_id"][:10])
    pairs = data.draw(registers(ids))
    on = data.draw(st.sampled_from(_DAYS + [D(2026, 10, 15), D(2027, 3, 1)]))
    _same(indicators(pairs, registry, on), expected(pairs, registry, on))


# --------------------------------------------------------------------------- the files


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "Отчёт"
    args = [
        "report",
        str(REGISTER),
        str(SAMPLE),
        "--on",
        "2027-05-31",
        "--out",
        str(out),
        "--diagnosis",
        str(DIAG / "repeat_2027-05.csv"),
    ]
    assert run_cli(main, args) == 0
    return out


def test_figures_workbook_has_exactly_the_columns(written, register, registry):
    ws = openpyxl.load_workbook(written / FIGURES_FILE)["Показатели"]
    rows = list(ws.values)
    assert list(rows[0]) == list(INDICATOR_COLUMNS)
    got = pd.DataFrame(rows[1:], columns=rows[0]).fillna({"Доля с наставником, %": float("nan")})
    got["Доля с наставником, %"] = got["Доля с наставником, %"].astype(float)
    _same(got, expected(register.pairs, registry, D(2027, 5, 31)))


def _docx_text(path: Path) -> str:
    d = docx.Document(path)
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        parts += [c.text for r in t.rows for c in r.cells]
    return "\n".join(parts)


def test_note_has_figures_changes_early_ends_repeat_and_charts(written, registry):
    text = _docx_text(written / NOTE_FILE)
    assert "54 наставляемых" in text and "46 (85,2 %)" in text
    assert "в сравнении с 31.12.2026" in text
    assert "увольнение наставника" in text  # the pair ended early in February
    assert "переезд наставляемого" not in text  # ended in November: the previous half-year
    assert "Повторную диагностику прошли 46 наставляемых" in text
    assert "{{" not in text and "{%" not in text
    with zipfile.ZipFile(written / NOTE_FILE) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/") and n.endswith(".png")]
    assert len(media) == 2


def test_note_without_previous_half_year_or_repeat(register, registry, tmp_path):
    out = tmp_path / "r"
    assert run_cli(main, ["report", str(REGISTER), str(SAMPLE), "--on", "2026-10-01", "--out", str(out)]) == 0
    text = _docx_text(out / NOTE_FILE)
    assert "не охватывает прошлое полугодие" in text
    assert "Результаты повторной диагностики не представлены" in text


def test_report_is_the_same_for_the_same_input(written, tmp_path):
    out = tmp_path / "again"
    args = ["report", str(REGISTER), str(SAMPLE), "--on", "2027-05-31", "--out", str(out)]
    args += ["--diagnosis", str(DIAG / "repeat_2027-05.csv")]
    assert run_cli(main, args) == 0
    assert (out / NOTE_FILE).read_bytes() == (written / NOTE_FILE).read_bytes()
    a, b = (openpyxl.load_workbook(d / FIGURES_FILE) for d in (out, written))  # zip times differ
    for title in ("Показатели", "Параметры"):
        assert list(a[title].values) == list(b[title].values)


def test_report_refuses_an_unknown_register_without_writing(tmp_path, capsys):
    out = tmp_path / "r"
    code = run_cli(
        main, ["report", str(tmp_path / "нет.xlsx"), str(SAMPLE), "--on", "2027-05-31", "--out", str(out)]
    )
    assert code == 2 and "файл не найден" in capsys.readouterr().err
    assert not out.exists()


def test_report_template_is_in_sync_with_its_generator(tmp_path):
    sys.path.insert(0, str(ROOT / "data" / "templates"))
    from make_report_template import make_report

    fresh = make_report(tmp_path / "report.docx")
    with zipfile.ZipFile(fresh) as a, zipfile.ZipFile(ROOT / "data" / "templates" / "report.docx") as b:
        assert a.read("word/document.xml") == b.read("word/document.xml"), "run make_report_template.py"


def test_printed_note_fits_a4_with_repeated_headers_and_page_numbers(written, tmp_path):
    note = tmp_path / "note.docx"
    shutil.copy(written / NOTE_FILE, note)
    soffice_pdf([note], tmp_path)
    pages = pdf_pages(tmp_path / "note.pdf")
    assert len(pages) >= 3
    cm = 72 / 2.54
    for i, page in enumerate(pages, 1):
        assert is_a4(page), f"page {i} is not A4"
        outside = [w for w in page["words"] if w[0] < 1.5 * cm or w[2] > page["width"] - 1.5 * cm]
        assert not outside, f"page {i}: words outside the margins: {outside[:5]}"
        words = [w[4] for w in page["words"]]
        assert "Страница" in words and str(i) in words and str(len(pages)) in words, (
            f"page {i}: no page number"
        )
    # the repeat-diagnosis table runs over a page break: its header row is printed again
    with_header = [i for i, p in enumerate(pages) if "Закрытые" in {w[4] for w in p["words"]}]
    assert len(with_header) >= 2, "the header row of the long table is not repeated"
    text = " ".join(w[4] for p in pages for w in p["words"])
    assert "85,2" in text and "АНАЛИТИЧЕСКАЯ СПРАВКА" in text


def test_note_renders_from_an_edited_template_folder(tmp_path, register, registry):
    from mentoring.report_io import render_note, report_context

    folder = tmp_path / "tpl"
    folder.mkdir()
    d = docx.Document(ROOT / "data" / "templates" / "report.docx")
    d.paragraphs[0].text = "СПРАВКА МЕТОДИСТА {{ date }}"
    d.save(folder / "report.docx")
    data = render_note(report_context(register, registry, D(2027, 1, 15)), folder)
    assert "СПРАВКА МЕТОДИСТА 15.01.2027" in _docx_text(io.BytesIO(data))
