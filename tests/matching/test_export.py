"""The output workbook, the template, the configuration file, and the CLI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import matching
from matching import MatchConfig, load_config, load_registry, match
from matching.export import write_result
from matching.template import write_template
from tests.matching.conftest import write_xlsx

ROOT = Path(__file__).resolve().parents[2]


def test_output_workbook_contract(registry_path, tmp_path):
    reg = load_registry(registry_path)
    res = match(reg)
    out = write_result(res, reg, tmp_path / "out" / "t.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [
        "Тандемы",
        "Нераспределённые",
        "Нагрузка",
        "Покрытие дефицитов",
        "Запасные наставники",
        "Как помочь нераспределённым",
        "Параметры",
    ]
    pairs = pd.read_excel(out, sheet_name="Тандемы", engine="calamine")
    unmatched = pd.read_excel(out, sheet_name="Нераспределённые", engine="calamine")
    ids = list(pairs["Код наставляемого"]) + list(unmatched["Код наставляемого"])
    assert sorted(ids) == sorted(reg.mentees["teacher_id"])  # every mentee exactly once
    for col in (
        "Итоговый балл пары",
        "Покрытие дефицитов",
        "Закрытые дефициты",
        "Расстояние, км",
        "Почему эта пара",
    ):
        assert col in pairs.columns
    ws = wb["Тандемы"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    params = dict(pd.read_excel(out, sheet_name="Параметры", engine="calamine").values)
    assert params["SHA-256 входного файла"] == reg.sha256
    assert params["Статус решателя"] == "OPTIMAL"
    assert float(params["Вес: Покрытие дефицитов"]) == 0.4
    assert not list(tmp_path.glob("out/.*.tmp"))


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path, tables):
    t = list(tables["teachers"][0])
    t[1] = '=HYPERLINK("http://x","a")'
    tables["teachers"][0] = tuple(t)
    t = list(tables["teachers"][4])
    t[1] = "+7 999 Орлова"
    tables["teachers"][4] = tuple(t)
    reg = load_registry(write_xlsx(tmp_path / "r.xlsx", tables))
    out = write_result(match(reg), reg, tmp_path / "o.xlsx")
    ws = openpyxl.load_workbook(out)["Тандемы"]
    values = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+"]
    assert values, "the crafted names should be in the pairs sheet"
    for c in values:
        assert c.data_type == "s" and c.quotePrefix


def test_template_has_headers_validation_and_instructions(tmp_path):
    out = write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Инструкция"
    ws = wb["Педагоги"]
    assert [c.value for c in ws[1]][:3] == ["Код педагога", "ФИО", "Код ОО"]
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"наставник,наставляемый,оба"' in formulas
    assert '"очно,дистанционно,смешанно"' in formulas
    # The empty template is read back as a registry with no rows and no errors about columns.
    reg = load_registry(out)
    assert reg.teachers.empty


def test_data_config_equals_documented_defaults():
    assert load_config(ROOT / "data" / "matching_config.yaml") == MatchConfig()


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("weights: {coverage: -1}", "ожидалось положительное число"),
        ("weights: {colour: 1}", "неизвестный ключ «weights.colour»"),
        ("constraints: {require_subject_match: maybe}", "ожидалось true или false"),
        (
            "weights: {coverage: 0, subject: 0, experience: 0, category: 0, cluster: 0, distance: 0, "
            "preference: 0, network: 0}",
            "все веса равны нулю",
        ),
        ("weights: [1, 2", "ошибка синтаксиса YAML (строка"),
        ("solver: fast", "неизвестный раздел «solver»"),
    ],
)
def test_bad_config(tmp_path, text, fragment):
    p = tmp_path / "c.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(matching.registry.InputError, match=fragment.replace("(", r"\(")):
        load_config(p)


def _cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "matching", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_run_and_template(registry_path, tmp_path):
    r = _cli("run", registry_path, "--out", tmp_path / "res.xlsx", cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "Сформировано" in r.stdout and (tmp_path / "res.xlsx").exists()
    r = _cli("template", tmp_path / "tpl.xlsx", cwd=ROOT)
    assert r.returncode == 0 and (tmp_path / "tpl.xlsx").exists()


def test_cli_bad_input_exit_2_no_traceback_no_output(tmp_path, tables):
    t = list(tables["teachers"][0])
    t[5] = "много"
    tables["teachers"][0] = tuple(t)
    bad = write_xlsx(tmp_path / "bad.xlsx", tables)
    out = tmp_path / "res.xlsx"
    r = _cli("run", bad, "--out", out, cwd=ROOT)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert (
        "файл «bad.xlsx», лист «Педагоги», строка 2, столбец «Стаж»: ожидалось число, получено «много»"
        in r.stderr
    )
    assert not out.exists() and not list(tmp_path.glob(".*tmp"))


def test_cli_failed_run_keeps_previous_output(tmp_path, registry_path, tables):
    out = tmp_path / "res.xlsx"
    assert _cli("run", registry_path, "--out", out, cwd=ROOT).returncode == 0
    before = out.read_bytes()
    bad_cfg = tmp_path / "c.yaml"
    bad_cfg.write_text("weights: {coverage: -1}", encoding="utf-8")
    r = _cli("run", registry_path, "--config", bad_cfg, "--out", out, cwd=ROOT)
    assert r.returncode == 2 and "coverage" in r.stderr
    assert out.read_bytes() == before


def test_cli_usage_error_is_russian_exit_2(tmp_path):
    r = _cli("run", cwd=ROOT)
    assert r.returncode == 2 and "Ошибка в командной строке" in r.stderr and "Traceback" not in r.stderr


def test_large_results_are_streamed_with_the_same_cells(registry_path, tmp_path, monkeypatch):
    """The write-only path (used above STREAM_ROWS rows) gives the same cell values."""
    import matching.export as ex

    reg = load_registry(registry_path)
    res = match(reg)
    normal = write_result(res, reg, tmp_path / "normal.xlsx")
    monkeypatch.setattr(ex, "STREAM_ROWS", 0)
    streamed = write_result(res, reg, tmp_path / "streamed.xlsx")

    def values(path):
        wb = openpyxl.load_workbook(path)
        return {
            ws.title: [
                [c.value for c in row]
                for row in ws.iter_rows()
                if ws.title != "Параметры" or row[0].value not in ("Сформировано (UTC)", "Время подбора, с")
            ]
            for ws in wb.worksheets
        }

    assert values(normal) == values(streamed)
    ws = openpyxl.load_workbook(streamed)["Тандемы"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")


def _cell_values(path) -> dict:
    """Every cell of a result workbook, but the run's time in «Параметры» (it differs between runs)."""
    wb = openpyxl.load_workbook(path)
    return {
        ws.title: [
            [c.value for c in row]
            for row in ws.iter_rows()
            if ws.title != "Параметры" or row[0].value not in ("Сформировано (UTC)", "Время подбора, с")
        ]
        for ws in wb.worksheets
    }


def test_package_write_result_writes_what_the_cli_writes(registry_path, tmp_path):
    """``matching.write_result(result, registry, path)``, as the package docstring shows it."""
    assert "write_result" in matching.__all__ and matching.write_result is write_result
    reg = matching.load_registry(registry_path)
    out = matching.write_result(
        matching.match(reg, matching.load_config(None)), reg, tmp_path / "api" / "t.xlsx"
    )
    assert out == tmp_path / "api" / "t.xlsx"
    r = _cli("run", registry_path, "--out", tmp_path / "cli.xlsx", cwd=ROOT)
    assert r.returncode == 0, r.stderr
    api, cli = _cell_values(out), _cell_values(tmp_path / "cli.xlsx")
    assert list(api) == [
        "Тандемы",
        "Нераспределённые",
        "Нагрузка",
        "Покрытие дефицитов",
        "Запасные наставники",
        "Как помочь нераспределённым",
        "Параметры",
    ]
    assert api == cli


def test_algorithms_import_no_file_reader_or_writer():
    """engine, scoring, certificate, explain and solver load no module that opens files."""
    code = (
        "import sys, matching.engine, matching.scoring, matching.certificate, matching.explain, "
        "matching.solver; print(sorted(m for m in sys.modules if m.startswith(('matching', 'tandem', "
        "'openpyxl', 'python_calamine', 'yaml'))))"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    loaded = set(ast.literal_eval(r.stdout))
    assert {"matching.engine", "matching.model", "matching.config"} <= loaded
    io_modules = {
        "matching.registry",
        "matching.config_io",
        "matching.export",
        "matching.registry_writer",
        "matching.template",
        "tandem.tables",
        "tandem.xlsx",
        "tandem.xlsx_write",
        "tandem.yamlio",
        "openpyxl",
        "python_calamine",
        "yaml",
    }
    assert not loaded & io_modules, sorted(loaded & io_modules)
