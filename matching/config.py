"""Matching configuration: component weights, hard constraints, scales.

The defaults below are the documented defaults; ``data/matching_config.yaml``
is the same configuration written out for users to copy and edit (a test keeps
the two equal). A YAML file may give any subset of keys; the rest keep their
defaults. This module opens no file: :func:`matching.config_io.load_config`
reads a YAML file into :func:`config_from_dict`.

.. code-block:: yaml

    weights:            # relative importance of each pair-score component (≥ 0)
      coverage: 0.40    # share of the mentee's deficits the mentor covers
      subject: 0.15     # a subject in common
      experience: 0.10  # experience gap in the mentor's favour
      category: 0.05    # mentor's qualification category
      cluster: 0.10     # mentor's school has higher results (ШНОР < ШСОР < ШВОР)
      distance: 0.10    # nearness for очно / смешанно pairs
      preference: 0.05  # the mentee's own wish
      network: 0.05     # a mentor from another school (network mentoring)
    constraints:
      require_subject_match: false   # only mentors who teach one of the mentee's subjects
      require_relevance: true        # mentor covers ≥ 1 deficit or shares a subject
      max_distance_km: 40            # for очно pairs; null = no limit
      allow_same_school: true        # may the mentor work at the mentee's school
    scales:
      experience_full_gap_years: 10  # gap at which the experience component reaches 1
      distance_scale_km: 60          # distance at which the distance component reaches 0
      school_preference: other       # network component rewards: other | same school
      coverage_by_severity: false    # coverage weighs each deficit by its diagnosed severity
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

from tandem.errors import InputError, Issue

COMPONENTS = ("coverage", "subject", "experience", "category", "cluster", "distance", "preference", "network")

#: Russian names of the components, for tables and explanations.
COMPONENT_LABELS = {
    "coverage": "Покрытие дефицитов",
    "subject": "Предмет",
    "experience": "Разница в стаже",
    "category": "Категория наставника",
    "cluster": "Группа результатов школ",
    "distance": "Расстояние",
    "preference": "Пожелание наставляемого",
    "network": "Сетевое наставничество",
}


@dataclass(frozen=True)
class Weights:
    """Weights of the pair-score components (dimensionless, ≥ 0, not all 0).

    The pair score is ``Σ w_i · c_i / Σ w_i`` and so lies in [0, 1].
    """

    coverage: float = 0.40
    subject: float = 0.15
    experience: float = 0.10
    category: float = 0.05
    cluster: float = 0.10
    distance: float = 0.10
    preference: float = 0.05
    network: float = 0.05


@dataclass(frozen=True)
class Constraints:
    """Optional hard constraints (roles, consent, capacity, locks, forbidden
    pairs, format compatibility and no self-pairs always hold)."""

    require_subject_match: bool = False
    require_relevance: bool = True
    max_distance_km: float | None = 40.0
    allow_same_school: bool = True


@dataclass(frozen=True)
class Scales:
    """Scales that turn raw quantities into [0, 1] components."""

    experience_full_gap_years: float = 10.0
    distance_scale_km: float = 60.0
    school_preference: str = "other"
    #: Weigh each deficit of the coverage component by its severity from the diagnosis (the
    #: registry's «Уровни дефицитов»: threshold − level); off: every deficit counts 1.
    coverage_by_severity: bool = False


@dataclass(frozen=True)
class MatchConfig:
    """Everything that steers :func:`matching.match`.

    Attributes
    ----------
    weights : Weights
    constraints : Constraints
    scales : Scales
    """

    weights: Weights = field(default_factory=Weights)
    constraints: Constraints = field(default_factory=Constraints)
    scales: Scales = field(default_factory=Scales)

    def to_dict(self) -> dict:
        """Plain nested dict (for YAML and the «Параметры» sheet)."""
        return asdict(self)

    def with_weights(self, **weights: float) -> MatchConfig:
        """A copy with some weights replaced."""
        return replace(self, weights=replace(self.weights, **weights))

    def with_constraints(self, **constraints) -> MatchConfig:
        """A copy with some constraints replaced."""
        return replace(self, constraints=replace(self.constraints, **constraints))


def _coerce(section: str, cls, raw, source: str | None, issues: list[Issue]):
    if raw is None:
        return cls()
    if not isinstance(raw, dict):
        issues.append(Issue(f"раздел «{section}» должен быть набором «ключ: значение»", file=source))
        return cls()
    known = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in raw.items():
        if key not in known:
            issues.append(
                Issue(f"неизвестный ключ «{section}.{key}»; допустимы: {', '.join(known)}", file=source)
            )
            continue
        default = getattr(cls(), key)
        where = f"«{section}.{key}»"
        if isinstance(default, bool):
            if not isinstance(value, bool):
                issues.append(Issue(f"{where}: ожидалось true или false, получено «{value}»", file=source))
                continue
        elif isinstance(default, (int, float)) or key == "max_distance_km":
            if value is None and key == "max_distance_km":
                values[key] = None
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                issues.append(Issue(f"{where}: ожидалось число, получено «{value}»", file=source))
                continue
            if value < 0 or (section == "scales" and value == 0):
                issues.append(
                    Issue(f"{where}: ожидалось положительное число, получено «{value}»", file=source)
                )
                continue
            value = float(value)
        elif key == "school_preference" and value not in ("other", "same"):
            issues.append(Issue(f"{where}: ожидалось other или same, получено «{value}»", file=source))
            continue
        values[key] = value
    return cls(**values)


def config_from_dict(data: dict | None, source: str | None = None) -> MatchConfig:
    """Build a :class:`MatchConfig` from a nested dict (missing keys keep defaults).

    Raises
    ------
    InputError
        Unknown sections or keys, wrong types, negative weights, all weights 0.
    """
    data = data or {}
    issues: list[Issue] = []
    if not isinstance(data, dict):
        raise InputError(
            Issue("конфигурация должна быть набором разделов weights / constraints / scales", file=source)
        )
    for key in data:
        if key not in ("weights", "constraints", "scales"):
            issues.append(
                Issue(f"неизвестный раздел «{key}»; допустимы: weights, constraints, scales", file=source)
            )
    cfg = MatchConfig(
        weights=_coerce("weights", Weights, data.get("weights"), source, issues),
        constraints=_coerce("constraints", Constraints, data.get("constraints"), source, issues),
        scales=_coerce("scales", Scales, data.get("scales"), source, issues),
    )
    if not issues and sum(asdict(cfg.weights).values()) <= 0:
        issues.append(Issue("все веса равны нулю; хотя бы один вес должен быть больше нуля", file=source))
    if issues:
        raise InputError(issues)
    return cfg
