"""The registry workbook contract: sheets, columns, Russian headers, fixed values.

For users: docs/formats.md §3. Each column may
be headed by its English name or its Russian header (case and surrounding
spaces ignored); lists are separated by ``;``. This module only describes the
contract; :mod:`matching.registry` reads and validates against it and
:mod:`matching.template` / :mod:`matching.synthetic` write it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    """One column of a registry sheet.

    Attributes
    ----------
    name : str
        English name (the identifier used in code and in CSV headers).
    header : str
        Russian header shown in Excel.
    kind : str
        ``"text"``, ``"list"`` (``;``-separated), ``"float"``, ``"int"`` or
        ``"choice"``.
    required : bool
        Whether the column must be present.
    choices : tuple of str
        Allowed values for ``"choice"`` columns (compared case-insensitively).
    hint : str
        Short Russian explanation for the template's instruction sheet.
    """

    name: str
    header: str
    kind: str = "text"
    required: bool = True
    choices: tuple[str, ...] = ()
    hint: str = ""


@dataclass(frozen=True)
class Sheet:
    """One sheet of the registry: English name, Russian name, columns."""

    name: str
    title: str
    columns: tuple[Column, ...]
    required: bool = True
    key: tuple[str, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


ROLES = ("наставник", "наставляемый", "оба")
CATEGORIES = ("без категории", "первая", "высшая", "педагог-методист", "педагог-наставник")
FORMATS = ("очно", "дистанционно", "смешанно")
CONSENT = ("да", "нет")
CLUSTERS = ("ШНОР", "ШСОР", "ШВОР")
AREAS = ("предметные", "методические", "психолого-педагогические", "коммуникативные", "цифровые")

SCHOOLS = Sheet(
    "schools",
    "Школы",
    (
        Column("school_id", "Код ОО", hint="уникальный код образовательной организации"),
        Column("name", "Наименование"),
        Column("district", "Муниципалитет"),
        Column(
            "cluster",
            "Группа результатов",
            "choice",
            False,
            CLUSTERS,
            "ШНОР / ШСОР / ШВОР — школа с низкими / средними / высокими результатами",
        ),
        Column("lat", "Широта", "float", False, hint="градусы, например 55.123"),
        Column("lon", "Долгота", "float", False, hint="градусы, например 48.456"),
    ),
    key=("school_id",),
)

TEACHERS = Sheet(
    "teachers",
    "Педагоги",
    (
        Column("teacher_id", "Код педагога", hint="уникальный код педагога"),
        Column("full_name", "ФИО"),
        Column("school_id", "Код ОО", hint="код из листа «Школы»"),
        Column("role", "Роль", "choice", True, ROLES),
        Column("subjects", "Предметы", "list", hint="через «;», например «математика; информатика»"),
        Column("experience_years", "Стаж", "float", hint="полных лет педагогического стажа, ≥ 0"),
        Column("category", "Категория", "choice", True, CATEGORIES),
        Column("deficits", "Дефициты", "list", hint="коды дефицитов наставляемого через «;»"),
        Column(
            "strengths",
            "Сильные стороны",
            "list",
            hint="коды дефицитов, которые наставник может закрыть, через «;»",
        ),
        Column(
            "capacity",
            "Вместимость",
            "int",
            hint="сколько наставляемых берёт наставник (больше 1 — групповое наставничество)",
        ),
        Column("format", "Формат", "choice", True, FORMATS),
        Column(
            "consent",
            "Согласие",
            "choice",
            True,
            CONSENT,
            hint="письменное согласие на участие в наставничестве",
        ),
    ),
    key=("teacher_id",),
)

DEFICITS = Sheet(
    "deficits",
    "Дефициты",
    (
        Column("code", "Код", hint="уникальный код дефицита"),
        Column("name", "Наименование"),
        Column("area", "Область", "choice", False, AREAS),
    ),
    key=("code",),
)

LOCKED = Sheet(
    "locked",
    "Закрепления",
    (
        Column("mentee_id", "Наставляемый", hint="код педагога-наставляемого"),
        Column("mentor_id", "Наставник", hint="код педагога-наставника"),
    ),
    required=False,
    key=("mentee_id", "mentor_id"),
)

FORBIDDEN = Sheet(
    "forbidden",
    "Запреты",
    LOCKED.columns,
    required=False,
    key=("mentee_id", "mentor_id"),
)

PREFERENCES = Sheet(
    "preferences",
    "Пожелания",
    (
        Column("mentee_id", "Наставляемый"),
        Column("mentor_id", "Наставник"),
        Column("rank", "Приоритет", "int", hint="1 — первое пожелание"),
    ),
    required=False,
    key=("mentee_id", "mentor_id"),
)

#: Optional sheet «Пожелания наставников»: a mentor's wishes for mentees (mutual interest,
#: docs/sources.md [Тетюши-2022] §4.3). Not part of :data:`SHEETS` (older registries and the
#: sample stay as they were); read by :func:`matching.registry.validate_tables`, written by
#: :mod:`matching.registry_writer` when it has rows and given an empty one by the template.
MENTOR_PREFERENCES = Sheet(
    "mentor_preferences",
    "Пожелания наставников",
    (
        Column("mentor_id", "Наставник", hint="код педагога-наставника"),
        Column("mentee_id", "Наставляемый", hint="код педагога-наставляемого"),
        Column("rank", "Приоритет", "int", hint="1 — первое пожелание наставника"),
    ),
    required=False,
    key=("mentor_id", "mentee_id"),
)

#: All sheets in the order they appear in a registry workbook.
SHEETS: tuple[Sheet, ...] = (SCHOOLS, TEACHERS, DEFICITS, LOCKED, FORBIDDEN, PREFERENCES)
SHEETS_BY_NAME = {s.name: s for s in SHEETS}

LIST_SEPARATOR = ";"

#: Levels of mastery of a competence in a diagnosis questionnaire (0 — не владею … 3 — владею свободно).
LEVEL_NAMES = ("не владею", "владею частично", "владею", "владею свободно")

#: Optional sheet «Уровни дефицитов»: the diagnosed level of each (teacher, deficit) and its severity.
#: Not part of :data:`SHEETS` (older registries and the template stay as they were); read by
#: :func:`matching.registry.validate_tables` and written by :mod:`matching.registry_writer` when present.
DEFICIT_LEVELS = Sheet(
    "deficit_levels",
    "Уровни дефицитов",
    (
        Column("teacher_id", "Код педагога", hint="код из листа «Педагоги»"),
        Column("code", "Код дефицита", hint="код из листа «Дефициты»"),
        Column("level", "Уровень", "int", hint="0 — не владею, 1 — частично, 2 — владею, 3 — свободно"),
        Column(
            "severity",
            "Острота",
            "int",
            False,
            hint="порог минус уровень для дефицита (≥ 1), 0 — не дефицит; пусто — 2 минус уровень, не меньше 0",
        ),
    ),
    required=False,
    key=("teacher_id", "code"),
)
