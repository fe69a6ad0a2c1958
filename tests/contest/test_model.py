"""Contest definition: loading, YAML 1.1 guards, validation messages (docs/contest_rules.md, docs/formats.md §6)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from contest import Contest, ContestError, load_contest, parse_contest
from contest.model import mul_round, round_half_up, task_max

DATA = Path(__file__).resolve().parents[2] / "data" / "contests"


def base() -> dict:
    return {
        "name": "Тест",
        "stages": [
            {
                "id": "S1",
                "name": "Заочный",
                "advance": {"top": 2},
                "tasks": [
                    {
                        "id": "T1",
                        "name": "Видео",
                        "criteria": [
                            {"id": "K1", "name": "a", "max": 3},
                            {"id": "K2", "name": "b", "max": 3},
                        ],
                    },
                    {
                        "id": "T2",
                        "name": "Проект",
                        "weight": 2,
                        "round": 1,
                        "criteria": [{"id": "K3", "name": "c", "max": 5}],
                    },
                ],
            },
            {
                "id": "S2",
                "name": "Финал",
                "tasks": [
                    {
                        "id": "T1",
                        "name": "Урок",
                        "aggregation": "trimmed_mean",
                        "trim": 1,
                        "criteria": [
                            {"id": "K4", "name": "d", "max": 10},
                            {"id": "K5", "name": "e", "min": 1, "max": 4},
                        ],
                    }
                ],
            },
        ],
        "ranking": {"stages": ["S1", "S2"], "tie_break": ["S2", "S2.T1"]},
        "awards": [{"title": "Победитель", "places": 1}, {"title": "Лауреат", "min_share": 0.6}],
        "jury": {"per_entry": 3, "recuse": "same_school"},
        "normalization": "none",
    }


def errors_of(mapping) -> str:
    with pytest.raises(ContestError) as exc:
        parse_contest(mapping)
    return exc.value.report()


# ------------------------------------------------------------------ the shipped contests


def test_pedagogical_duet_loads():
    c = load_contest(DATA / "pedagogical_duet.yaml")
    assert isinstance(c, Contest)
    assert c.name == "Педагогический дуэт — 2026"
    assert [s.id for s in c.stages] == ["S1", "S2"]
    assert [t.name for t in c.stage("S1").tasks] == [
        "Видеовизитка «Мы — дуэт»",
        "Совместный педагогический проект",
    ]
    assert [t.name for t in c.stage("S2").tasks] == [
        "Совместный урок",
        "Решение педагогических кейсов",
        "Мастер-класс",
    ]
    assert c.stage("S1").advance_top == 5
    assert c.per_entry_of("S1") == 3 and c.per_entry_of("S2") == 5  # the final has its own jury size
    # data/contests/pedagogical_duet.yaml: caps 15 + 15 in S1, 30 + 15 + 15 in S2
    assert [t.max_points for t in c.stage("S1").tasks] == [15, 15]
    assert [t.max_points for t in c.stage("S2").tasks] == [30, 15, 15]
    assert c.ranking_stages == ("S2",) and c.tie_break == ("S2.T1", "S1")
    assert c.max_total() == 60
    assert [a.title for a in c.awards] == ["Победитель", "Призёр", "Лауреат"]
    assert len(c.version) == 12 and c.source.endswith("pedagogical_duet.yaml")


def test_best_practices_loads():
    c = load_contest(DATA / "best_practices.yaml")
    (stage,) = c.stages
    (task,) = stage.tasks
    assert task.aggregation == "sum"
    assert [cr.name for cr in task.criteria] == [
        "Результативность",
        "Эффективность",
        "Уникальность",
        "Тиражируемость",
        "Масштабируемость",
    ]
    assert all(cr.min == 1 and cr.max == 10 for cr in task.criteria)
    assert task.max_points == 50
    assert c.max_total() == 50 * c.per_entry == 250


def test_criteria_frame_and_max_total():
    c = parse_contest(base())
    f = c.criteria_frame()
    assert list(f.columns[:8]) == [
        "stage_id",
        "task_id",
        "task_name",
        "criterion_id",
        "criterion_name",
        "min",
        "max",
        "weight",
    ]
    assert list(f["criterion_id"]) == ["K1", "K2", "K3", "K4", "K5"]
    assert f.loc[f.criterion_id == "K5", "min"].item() == 1.0
    # S1: 6 + 2 × 5 = 16; S2: 14
    assert c.stage_max("S1") == 16 and c.stage_max("S2") == 14 and c.max_total() == 30
    assert c.task("S2", "T1").aggregation == "trimmed_mean"
    with pytest.raises(KeyError):
        c.stage("S9")


def test_defaults():
    m = base()
    del m["ranking"], m["awards"], m["jury"], m["normalization"]
    del m["stages"][0]["advance"]
    c = parse_contest(m)
    assert c.ranking_stages == ("S1", "S2") and c.tie_break == ()
    assert c.per_entry == 3 and c.recuse == "same_school" and c.normalization == "none"
    t = c.task("S1", "T1")
    assert (t.weight, t.aggregation, t.trim, t.round) == (1.0, "mean", 1, None)


def test_round_half_up_uses_decimal_repr():
    assert round(2.675, 2) == 2.67  # the float trap
    assert round_half_up(2.675, 2) == 2.68
    assert round_half_up(1.005, 2) == 1.01
    assert round_half_up(0.125, 2) == 0.13
    assert round_half_up(-2.675, 2) == -2.68
    assert round_half_up(2.5, 0) == 3.0
    assert mul_round(0.5, 2.25, 2) == 1.13  # 1.125 → 1.13
    assert mul_round(1.1, 3.0, None) == 3.3  # exact decimal product, not 3.3000000000000003


def test_task_max_sum_uses_per_entry():
    c = load_contest(DATA / "best_practices.yaml")
    assert task_max(c.stages[0].tasks[0], 3) == 150


# ------------------------------------------------------------------ YAML 1.1 surprises


def write(tmp_path, text, name="contest.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


YAML_IDS = """\
name: Конкурс
stages:
  - id: 077
    name: Этап
    tasks:
      - id: no
        name: Задание
        criteria:
          - {id: on, name: Критерий, max: 3}
          - {id: 1.10, name: Критерий 2, max: 3}
          - {id: 7, name: Критерий 3, max: 3}
          - {id: 2026-01-01, name: Критерий 4, max: 3}
"""


def test_ids_stay_strings_as_written(tmp_path):
    c = load_contest(write(tmp_path, YAML_IDS))
    assert c.stages[0].id == "077"
    assert c.stages[0].tasks[0].id == "no"
    assert [cr.id for cr in c.stages[0].tasks[0].criteria] == ["on", "1.10", "7", "2026-01-01"]
    assert c.ranking_stages == ("077",)


@pytest.mark.parametrize(
    "value, shown", [("1_000", "1_000"), ("1:20", "1:20"), ("077", "077"), ("yes", "yes"), ("'2,5'", "2,5")]
)
def test_yaml11_numbers_are_not_numbers(tmp_path, value, shown):
    text = YAML_IDS.replace("{id: 7, name: Критерий 3, max: 3}", f"{{id: 7, name: Критерий 3, max: {value}}}")
    with pytest.raises(ContestError) as exc:
        load_contest(write(tmp_path, text))
    msg = exc.value.report()
    assert "stages[0].tasks[0].criteria[2].max" in msg and f"«{shown}»" in msg and "ожидалось число" in msg


def test_yaml_booleans_only_true_false(tmp_path):
    text = YAML_IDS + "normalization: off\n"
    with pytest.raises(ContestError, match="неизвестная нормализация «off»"):
        load_contest(write(tmp_path, text))


def test_yaml_syntax_error_has_line(tmp_path):
    text = "name: Конкурс\nstages:\n  - id: S1\n    name: [Этап\n  - id: S2\n"
    with pytest.raises(ContestError) as exc:
        load_contest(write(tmp_path, text, "bad.yaml"))
    msg = exc.value.report()
    assert "файл «bad.yaml»" in msg and "ошибка синтаксиса YAML" in msg
    assert exc.value.issues[0].row in (4, 5)


def test_yaml_duplicate_key_is_error(tmp_path):
    text = "name: Конкурс\nname: Другой\nstages: []\n"
    with pytest.raises(ContestError) as exc:
        load_contest(write(tmp_path, text))
    assert "повторяющийся ключ «name»" in exc.value.report() and exc.value.issues[0].row == 2


def test_missing_file():
    with pytest.raises(ContestError, match="не найден"):
        load_contest("/nonexistent/contest.yaml")


def test_error_names_file_line_and_path(tmp_path):
    text = YAML_IDS.replace("{id: 7, name: Критерий 3, max: 3}", "{id: 7, name: Критерий 3, max: 0}")
    with pytest.raises(ContestError) as exc:
        load_contest(write(tmp_path, text, "duet.yaml"))
    (issue,) = exc.value.issues
    assert issue.file == "duet.yaml" and issue.row == 11
    assert "«stages[0].tasks[0].criteria[2].max»" in str(issue) and "больше 0" in str(issue)


# ------------------------------------------------------------------ bad definitions


def mutate(path_fn):
    m = base()
    path_fn(m)
    return m


BAD = [
    (
        "unknown aggregation",
        lambda m: m["stages"][0]["tasks"][0].update(aggregation="avg"),
        "stages[0].tasks[0].aggregation",
        "неизвестный способ агрегации «avg»",
    ),
    (
        "duplicate stage id",
        lambda m: m["stages"][1].update(id="S1"),
        "stages[1].id",
        "повторяющийся id этапа «S1»",
    ),
    (
        "duplicate task id",
        lambda m: m["stages"][0]["tasks"][1].update(id="T1"),
        "stages[0].tasks[1].id",
        "повторяющийся id задания «T1»",
    ),
    (
        "duplicate criterion id across stages",
        lambda m: m["stages"][1]["tasks"][0]["criteria"][0].update(id="K1"),
        "stages[1].tasks[0].criteria[0].id",
        "повторяющийся id критерия «K1»",
    ),
    (
        "tie-break unknown stage",
        lambda m: m["ranking"].update(tie_break=["S9"]),
        "ranking.tie_break[0]",
        "не называет ни этап, ни задание",
    ),
    (
        "tie-break unknown task",
        lambda m: m["ranking"].update(tie_break=["S2", "S2.T7"]),
        "ranking.tie_break[1]",
        "в этапе «S2» нет задания «T7»",
    ),
    (
        "max zero",
        lambda m: m["stages"][1]["tasks"][0]["criteria"][1].update(max=0),
        "stages[1].tasks[0].criteria[1].max",
        "максимум должен быть больше 0",
    ),
    (
        "max negative",
        lambda m: m["stages"][0]["tasks"][0]["criteria"][0].update(max=-3),
        "stages[0].tasks[0].criteria[0].max",
        "больше 0",
    ),
    (
        "min equal max",
        lambda m: m["stages"][1]["tasks"][0]["criteria"][1].update(min=4),
        "stages[1].tasks[0].criteria[1].min",
        "должен быть меньше максимума",
    ),
    (
        "weight zero",
        lambda m: m["stages"][0]["tasks"][1].update(weight=0),
        "stages[0].tasks[1].weight",
        "вес должен быть больше 0",
    ),
    (
        "trim negative",
        lambda m: m["stages"][1]["tasks"][0].update(trim=-1),
        "stages[1].tasks[0].trim",
        "целое число ≥ 0",
    ),
    (
        "trim without trimmed_mean",
        lambda m: m["stages"][0]["tasks"][0].update(trim=1),
        "stages[0].tasks[0].trim",
        "только для aggregation: trimmed_mean",
    ),
    (
        "round too big",
        lambda m: m["stages"][0]["tasks"][1].update(round=7),
        "stages[0].tasks[1].round",
        "целое число от 0 до 6",
    ),
    (
        "round negative",
        lambda m: m["stages"][0]["tasks"][1].update(round=-1),
        "stages[0].tasks[1].round",
        "от 0 до 6",
    ),
    (
        "round float",
        lambda m: m["stages"][0]["tasks"][1].update(round=1.5),
        "stages[0].tasks[1].round",
        "«1.5»",
    ),
    (
        "round bool",
        lambda m: m["stages"][0]["tasks"][1].update(round=True),
        "stages[0].tasks[1].round",
        "«true»",
    ),
    ("unknown top key", lambda m: m.update(stagez=[]), "«stagez»", "неизвестный ключ «stagez»"),
    (
        "unknown stage key",
        lambda m: m["stages"][0].update(advanse={"top": 1}),
        "stages[0].advanse",
        "неизвестный ключ «advanse»",
    ),
    (
        "unknown task key",
        lambda m: m["stages"][0]["tasks"][0].update(wieght=2),
        "stages[0].tasks[0].wieght",
        "неизвестный ключ",
    ),
    (
        "unknown criterion key",
        lambda m: m["stages"][0]["tasks"][0]["criteria"][0].update(maximum=3),
        "stages[0].tasks[0].criteria[0].maximum",
        "неизвестный ключ «maximum»",
    ),
    ("missing contest name", lambda m: m.pop("name"), "«name»", "обязательный ключ не указан"),
    (
        "missing stage name",
        lambda m: m["stages"][1].pop("name"),
        "stages[1].name",
        "обязательный ключ не указан",
    ),
    (
        "missing task name",
        lambda m: m["stages"][0]["tasks"][1].update(name=""),
        "stages[0].tasks[1].name",
        "обязательный ключ",
    ),
    (
        "missing criterion name",
        lambda m: m["stages"][0]["tasks"][0]["criteria"][1].pop("name"),
        "stages[0].tasks[0].criteria[1].name",
        "обязательный ключ",
    ),
    (
        "missing criterion max",
        lambda m: m["stages"][0]["tasks"][0]["criteria"][1].pop("max"),
        "stages[0].tasks[0].criteria[1].max",
        "обязательный ключ",
    ),
    (
        "ranking unknown stage",
        lambda m: m["ranking"].update(stages=["S1", "S3"]),
        "ranking.stages[1]",
        "этап «S3» не описан",
    ),
    (
        "advance two rules",
        lambda m: m["stages"][0].update(advance={"top": 2, "min_share": 0.5}),
        "stages[0].advance",
        "ровно одно правило прохода",
    ),
    ("advance top zero", lambda m: m["stages"][0].update(advance={"top": 0}), "stages[0].advance.top", "≥ 1"),
    (
        "advance share > 1",
        lambda m: m["stages"][0].update(advance={"min_share": 60}),
        "stages[0].advance.min_share",
        "не больше 1",
    ),
    (
        "advance on last stage",
        lambda m: m["stages"][1].update(advance={"top": 1}),
        "stages[1].advance",
        "у последнего этапа",
    ),
    (
        "award two rules",
        lambda m: m["awards"][0].update(min_share=0.5),
        "awards[0]",
        "ровно одно правило награды",
    ),
    ("award without title", lambda m: m["awards"][1].pop("title"), "awards[1].title", "обязательный ключ"),
    ("unknown normalization", lambda m: m.update(normalization="minmax"), "normalization", "«minmax»"),
    ("unknown recuse", lambda m: m["jury"].update(recuse="same_city"), "jury.recuse", "«same_city»"),
    ("per_entry zero", lambda m: m["jury"].update(per_entry=0), "jury.per_entry", "≥ 1"),
    ("dot in stage id", lambda m: m["stages"][0].update(id="S.1"), "stages[0].id", "точку"),
    (
        "empty criteria",
        lambda m: m["stages"][0]["tasks"][0].update(criteria=[]),
        "stages[0].tasks[0].criteria",
        "список критериев пуст",
    ),
    ("stages not a list", lambda m: m.update(stages="S1"), "«stages»", "ожидался список этапов"),
    (
        "id missing",
        lambda m: m["stages"][0]["tasks"][0]["criteria"][0].pop("id"),
        "stages[0].tasks[0].criteria[0].id",
        "обязательный ключ",
    ),
]


@pytest.mark.parametrize("case, change, path, fragment", BAD, ids=[b[0] for b in BAD])
def test_bad_definition(case, change, path, fragment):
    msg = errors_of(mutate(change))
    assert path in msg, msg
    assert fragment in msg, msg


def test_all_problems_reported_at_once():
    m = base()
    m["stages"][0]["tasks"][0]["aggregation"] = "avg"
    m["stages"][1]["tasks"][0]["criteria"][0]["max"] = 0
    m["ranking"]["tie_break"] = ["S5"]
    with pytest.raises(ContestError) as exc:
        parse_contest(m)
    assert len(exc.value.issues) == 3
    assert "Найдено ошибок во входных данных: 3" in exc.value.report()


def test_not_a_mapping():
    with pytest.raises(ContestError, match="ожидался набор ключей"):
        parse_contest(["S1"])


def test_extension_keys_are_ignored():
    m = base()
    m["x_organizer"] = "ИМЦ"
    m["stages"][0]["tasks"][0]["x_note"] = "примечание"
    assert parse_contest(m).name == "Тест"


def test_parse_is_deterministic_and_versioned():
    a, b = parse_contest(base()), parse_contest(copy.deepcopy(base()))
    assert a == b and len(a.version) == 12
    m = base()
    m["name"] = "Другой"
    assert parse_contest(m).version != a.version


def test_stage_jury_size_overrides_contest_and_is_validated():
    base = {
        "name": "К",
        "stages": [
            {
                "id": "S1",
                "name": "Э1",
                "advance": {"top": 2},
                "tasks": [{"id": "T1", "name": "З", "criteria": [{"id": "K1", "name": "К", "max": 3}]}],
            },
            {
                "id": "S2",
                "name": "Э2",
                "jury": {"per_entry": 5},
                "tasks": [
                    {
                        "id": "T2",
                        "name": "З",
                        "aggregation": "sum",
                        "criteria": [{"id": "K2", "name": "К", "max": 4}],
                    }
                ],
            },
        ],
        "ranking": {"stages": ["S2"]},
        "jury": {"per_entry": 2},
    }
    c = parse_contest(base)
    assert c.per_entry_of("S1") == 2 and c.per_entry_of("S2") == 5
    assert c.max_total() == 20  # a sum task assumes the stage's 5 jurors × 4 points
    bad = copy.deepcopy(base)
    bad["stages"][1]["jury"] = {"per_entry": 0, "chair": "Ж01"}
    with pytest.raises(ContestError) as exc:
        parse_contest(bad)
    text = str(exc.value)
    assert "stages[1].jury.per_entry" in text and "chair" in text
