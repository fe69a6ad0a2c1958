"""Diagnosis files: blank questionnaires out, filled ones in, the registry and the deficit map written.

* :func:`write_questionnaires` — one workbook per school, ``<код ОО>.xlsx``,
  sheet «Анкета»: one row per teacher and deficit of the catalogue, the two
  level columns with a drop-down (:data:`mentoring.diagnosis.LEVEL_CHOICES`),
  and a sheet «Как заполнять».
* :func:`read_questionnaires` — a folder of such files (``.xlsx`` and
  ``.csv``, every questionnaire sheet of each), or one file (e.g. the CSV or
  .xlsx export of an online form with the same columns).
* :func:`import_diagnosis` — the registry with the diagnosed deficits;
  :func:`write_registry` writes it back (sheet «Уровни дефицитов» added).
* :func:`write_deficit_map` — «Карта дефицитов.xlsx» and a heat map PNG.
* :func:`write_repeat` — «Повторная диагностика.xlsx»: per pair, deficits closed.

Why one row per teacher and deficit: a school fills it top to bottom without
scrolling sideways through 26 pairs of columns; each row names the deficit in
words next to both assessments (the curator sees the self-assessment beside
their own); it can be sorted and filtered in Excel, and a message names the
one row to fix. An online form's export with the same columns is read the
same way. Format: docs/formats.md «Диагностика дефицитов».
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from matching.model import Registry
from matching.registry_writer import write_registry_csv, write_registry_xlsx
from mentoring.diagnosis import (
    ANSWER_COLUMNS,
    DEFAULT_THRESHOLD,
    LEVEL_CHOICES,
    apply_diagnosis,
    check_threshold,
    deficit_map,
    is_questionnaire,
    levels_from_answers,
    questionnaire_rows,
    read_answers,
    repeat_diagnosis,
)
from tandem.errors import InputError, Issue
from tandem.tables import read_csv_file, read_xlsx
from tandem.xlsx import atomic_save, atomic_write, new_workbook, write_table

QUESTIONNAIRE_SHEET = "Анкета"
MAP_FILE, MAP_PNG = "Карта дефицитов.xlsx", "Карта дефицитов.png"
REPEAT_FILE = "Повторная диагностика.xlsx"
#: Above this many schools the heat map shows municipalities instead (a row per school is unreadable).
MAX_HEATMAP_ROWS = 40


def write_questionnaires(registry: Registry, out_dir: str | os.PathLike) -> list[Path]:
    """Write one blank questionnaire workbook per school with teachers into ``out_dir``.

    Returns
    -------
    list of Path
        ``<код ОО>.xlsx`` in school-code order.
    """
    out_dir = Path(out_dir)
    paths = []
    for sid in sorted(set(registry.teachers["school_id"])):
        rows = questionnaire_rows(registry, sid)
        wb = new_workbook()
        ws = wb.create_sheet(QUESTIONNAIRE_SHEET)
        write_table(ws, rows, headers=ANSWER_COLUMNS)
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(LEVEL_CHOICES) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Уровень",
            error="Выберите уровень из списка: 0, 1, 2 или 3",
        )
        ws.add_data_validation(dv)
        if len(rows):
            dv.add(f"F2:G{len(rows) + 1}")
        for col, width in (("D", 12), ("E", 60), ("F", 22), ("G", 22)):
            ws.column_dimensions[col].width = width
        for row in ws.iter_rows(min_row=2, min_col=5, max_col=5):
            row[0].alignment = Alignment(wrap_text=True, vertical="top")
        help_ws = wb.create_sheet("Как заполнять")
        for i, line in enumerate(_HELP, 1):
            help_ws.cell(row=i, column=1, value=line)
        help_ws.column_dimensions["A"].width = 110
        paths.append(atomic_save(wb, out_dir / f"{_safe(sid)}.xlsx"))
    return paths


_HELP = [
    "Анкета диагностики профессиональных дефицитов",
    "",
    "Одна строка — один педагог и один дефицит из перечня района. Не меняйте коды и названия столбцов.",
    "«Самооценка» заполняет педагог, «Оценка куратора» — куратор (заместитель директора, наставник).",
    "Уровни: " + "; ".join(LEVEL_CHOICES) + ".",
    "Если заполнены обе оценки, учитывается оценка куратора; если только одна — она.",
    f"Дефицит фиксируется, когда уровень ниже порога (по умолчанию {DEFAULT_THRESHOLD} — «владею»).",
    "Строку без обеих оценок программа считает непройденной: прежние дефициты педагога без единой",
    "заполненной строки остаются в реестре как были.",
    "Заполненный файл верните методисту без переименования листов.",
]


def _safe(name: str) -> str:
    return "".join("_" if ch in '\\/:*?"<>|' else ch for ch in str(name)).strip() or "ОО"


def read_questionnaires(path: str | os.PathLike) -> list:
    """The questionnaire tables of a folder or of one file.

    Parameters
    ----------
    path : path
        A folder (its ``*.xlsx`` and ``*.csv`` files, sorted by name; other
        files ignored) or one ``.xlsx`` / ``.csv`` file.

    Returns
    -------
    list of RawTable
        Every sheet that has the questionnaire columns
        (:func:`mentoring.diagnosis.is_questionnaire`).

    Raises
    ------
    InputError
        Missing path, unreadable file, a file with no questionnaire sheet, an
        empty folder — all files checked, every problem reported.
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".xlsx", ".csv"))
        if not files:
            raise InputError(Issue("в папке нет анкет (файлов .xlsx или .csv)", file=path.name))
    elif path.exists():
        files = [path]
    else:
        raise InputError(Issue("файл или папка не найдены", file=str(path)))
    issues: list[Issue] = []
    tables = []
    for f in files:
        try:
            found = [read_csv_file(f)] if f.suffix.lower() == ".csv" else list(read_xlsx(f).values())
        except InputError as e:
            issues.extend(e.issues)
            continue
        found = [t for t in found if is_questionnaire(t)]
        if not found:
            issues.append(
                Issue(
                    f"нет листа анкеты: нужны столбцы «{ANSWER_COLUMNS['teacher_id']}», "
                    f"«{ANSWER_COLUMNS['code']}», «{ANSWER_COLUMNS['self_level']}» и/или "
                    f"«{ANSWER_COLUMNS['curator_level']}»",
                    file=f.name,
                )
            )
        tables.extend(found)
    if issues:
        raise InputError(issues)
    return tables


def import_diagnosis(
    path: str | os.PathLike, registry: Registry, threshold: int = DEFAULT_THRESHOLD
) -> tuple[Registry, pd.DataFrame]:
    """Read filled questionnaires and return the registry with the diagnosed deficits and the answers.

    See :func:`mentoring.diagnosis.read_answers` (the answers frame, errors)
    and :func:`mentoring.diagnosis.apply_diagnosis`.
    """
    check_threshold(threshold)
    answers = read_answers(read_questionnaires(path), registry)
    return apply_diagnosis(registry, levels_from_answers(answers, threshold)), answers


def registry_frames(registry: Registry) -> dict[str, pd.DataFrame]:
    """The registry as frames for :mod:`matching.registry_writer` (lists joined by «; », yes/no words)."""
    frames = {}
    for name in ("schools", "teachers", "deficits", "locked", "forbidden", "preferences"):
        df = getattr(registry, name).drop(columns=["excel_row", "deficit_weights"], errors="ignore").copy()
        frames[name] = df
    t = frames["teachers"]
    t["consent"] = t["consent"].map({True: "да", False: "нет"})
    for col in ("subjects", "deficits", "strengths"):
        t[col] = t[col].map("; ".join)
    if registry.deficit_levels is not None:
        frames["deficit_levels"] = registry.deficit_levels.drop(columns=["excel_row"], errors="ignore")
    return frames


def write_registry(registry: Registry, path: str | os.PathLike) -> Path:
    """Write the registry (with «Уровни дефицитов» when it has levels): ``.xlsx``, else a CSV folder."""
    path = Path(path)
    frames = registry_frames(registry)
    if path.suffix.lower() == ".xlsx":
        return write_registry_xlsx(frames, path)
    return write_registry_csv(frames, path)


def heatmap_png(table: pd.DataFrame, codes: list[str], title: str) -> bytes:
    """A heat map of the share of teachers with each deficit (rows: units of ``table``), PNG bytes.

    ``table`` is :func:`mentoring.diagnosis.deficit_map` (the «Всего» row is left out).
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    t = table[table["unit"] != "Всего"]
    share = t[codes].to_numpy(float) / t["teachers"].clip(lower=1).to_numpy(float)[:, None] * 100
    fig = Figure(figsize=(max(6.0, 0.32 * len(codes) + 2.5), max(2.5, 0.3 * len(t) + 1.6)), dpi=110)
    ax = fig.add_subplot()
    im = ax.imshow(share, cmap="YlOrRd", aspect="auto", vmin=0, vmax=max(1.0, float(share.max(initial=0))))
    ax.set_xticks(range(len(codes)), codes, rotation=90, fontsize=7)
    ax.set_yticks(range(len(t)), list(t["unit"]), fontsize=7)
    ax.set_title(title, fontsize=9)
    fig.colorbar(im, ax=ax, label="% педагогов с дефицитом", shrink=0.8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def map_tables(registry: Registry) -> dict[str, pd.DataFrame]:
    """The sheets of «Карта дефицитов.xlsx»: «По школам», «По группам», «По муниципалитетам», «Дефициты»."""
    names = dict(zip(registry.deficits["code"], registry.deficits["name"]))
    out = {}
    for by, title, unit in (
        ("school", "По школам", "Код ОО"),
        ("cluster", "По группам", "Группа результатов"),
        ("district", "По муниципалитетам", "Муниципалитет"),
    ):
        out[title] = deficit_map(registry, by).rename(
            columns={"unit": unit, "name": "Наименование", "teachers": "Педагогов"}
        )
    d = deficit_map(registry, "school").iloc[-1]
    out["Дефициты"] = pd.DataFrame(
        {
            "Код": list(names),
            "Дефицит": list(names.values()),
            "Педагогов с дефицитом": [int(d[c]) for c in names],
        }
    ).sort_values("Педагогов с дефицитом", ascending=False, kind="stable")
    return out


def heatmap_for(registry: Registry) -> bytes:
    """The district heat map: by school, or by municipality when there are more than 40 schools."""
    codes = list(registry.deficits["code"])
    if registry.schools["school_id"].nunique() <= MAX_HEATMAP_ROWS:
        return heatmap_png(deficit_map(registry, "school"), codes, "Доля педагогов с дефицитом по школам, %")
    table = deficit_map(registry, "district")
    return heatmap_png(table, codes, "Доля педагогов с дефицитом по муниципалитетам, %")


def write_deficit_map(registry: Registry, out_dir: str | os.PathLike) -> list[Path]:
    """Write «Карта дефицитов.xlsx» (:func:`map_tables`) and «Карта дефицитов.png» into ``out_dir``."""
    out_dir = Path(out_dir)
    wb = new_workbook()
    for title, df in map_tables(registry).items():
        write_table(wb.create_sheet(title), df)
    png = heatmap_for(registry)
    return [
        atomic_save(wb, out_dir / MAP_FILE),
        atomic_write(out_dir / MAP_PNG, lambda tmp: Path(tmp).write_bytes(png)),
    ]


def repeat_table(
    pairs: pd.DataFrame, registry: Registry, after: pd.DataFrame, threshold: int
) -> pd.DataFrame:
    """:func:`mentoring.diagnosis.repeat_diagnosis` with names, Russian headers, codes joined by «; »."""
    r = repeat_diagnosis(pairs, registry, after, threshold)
    names = dict(zip(registry.teachers["teacher_id"], registry.teachers["full_name"]))
    return pd.DataFrame(
        {
            "Код наставляемого": r["mentee_id"],
            "Наставляемый": r["mentee_id"].map(names),
            "Код наставника": r["mentor_id"],
            "Наставник": r["mentor_id"].map(names),
            "Дефициты до программы": r["before"].map("; ".join),
            "Закрыты": r["closed"].map("; ".join),
            "Остались": r["open"].map("; ".join),
            "Не оценены повторно": r["not_assessed"].map("; ".join),
            "Было дефицитов": r["n_before"],
            "Закрыто": r["n_closed"],
        }
    )


def latest_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """Each mentee's latest pair of the register (by start date), for the repeat diagnosis."""
    if not len(pairs):
        return pairs
    return pairs.sort_values(["mentee_id", "start"], kind="stable").drop_duplicates("mentee_id", keep="last")


def write_repeat(table: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write :func:`repeat_table` as «Повторная диагностика» workbook."""
    wb = new_workbook()
    write_table(wb.create_sheet("Повторная диагностика"), table)
    return atomic_save(wb, path)
