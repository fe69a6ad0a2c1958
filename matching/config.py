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
    objective: total                 # total | bottleneck (see below)
    priority:
      tiers: []                      # e.g. [{experience_below: 3}, {cluster: ШНОР}]

``objective``: ``total`` — the most mentees matched, then the highest total
score; ``bottleneck`` — the most mentees matched, then the largest score of
the weakest pair, then the highest total (:func:`matching.solver.solve_assignment`).

``priority.tiers``: an ordered list of mentee groups served first
(docs/sources.md [Тетюши-2022] §4.4: the traditional form pairs «более
опытного и начинающего работника»; the tiers themselves are a district's
choice and off by default). Each tier is a mapping of conditions that must
all hold for the mentee: ``experience_below`` (years, the mentee's «Стаж»
is smaller), ``cluster`` (one of ШНОР / ШСОР / ШВОР or a list of them: the
result group of the mentee's school); an optional ``label`` names the tier in
the explanations. A mentee belongs to the first tier whose conditions hold;
mentees of no tier come last. The solve is lexicographic and exact: never a
mentee of a lower tier matched where one of a higher tier could have been
instead (docs/formats.md §5).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace

from tandem.errors import InputError, Issue

#: The objectives of the solve (``objective`` key): see :func:`matching.solver.solve_assignment`.
OBJECTIVES = ("total", "bottleneck")
#: Russian names of the objectives, for «Параметры» and the app.
OBJECTIVE_LABELS = {
    "total": "максимум пар, затем максимум суммы баллов",
    "bottleneck": "максимум пар, затем лучший балл самой слабой пары, затем максимум суммы баллов",
}
#: Result groups of schools a tier may name (``priority.tiers[].cluster``).
TIER_CLUSTERS = ("ШНОР", "ШСОР", "ШВОР")

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
class Tier:
    """One priority tier: the mentees for whom every given condition holds.

    Attributes
    ----------
    experience_below : float or None
        The mentee's experience (years) is smaller than this.
    clusters : tuple of str
        The mentee's school is in one of these result groups (ШНОР / ШСОР /
        ШВОР); empty: any school.
    label : str
        Name of the tier in Russian texts; "" gives :meth:`describe`.
    """

    experience_below: float | None = None
    clusters: tuple[str, ...] = ()
    label: str = ""

    def describe(self) -> str:
        """The tier in Russian words, e.g. «стаж менее 3 лет, школа ШНОР»."""
        if self.label:
            return self.label
        parts = []
        if self.experience_below is not None:
            n = self.experience_below
            # genitive after «менее»: менее 1 года, 21 года, 2,5 года; менее 3 лет, 11 лет
            unit = "года" if n % 1 or (n % 10 == 1 and n % 100 != 11) else "лет"
            parts.append(f"стаж менее {n:g} {unit}".replace(".", ","))
        if self.clusters:
            parts.append("школа " + " или ".join(self.clusters))
        return ", ".join(parts)

    def to_dict(self) -> dict:
        out: dict = {}
        if self.experience_below is not None:
            out["experience_below"] = self.experience_below
        if self.clusters:
            out["cluster"] = list(self.clusters) if len(self.clusters) > 1 else self.clusters[0]
        if self.label:
            out["label"] = self.label
        return out


@dataclass(frozen=True)
class Priority:
    """Priority tiers of mentees (empty: no priority, the default)."""

    tiers: tuple[Tier, ...] = ()

    def describe(self) -> str:
        """«1 — стаж менее 3 лет; 2 — школа ШНОР; 3 — остальные», or «нет»."""
        if not self.tiers:
            return "нет"
        parts = [f"{k} — {t.describe()}" for k, t in enumerate(self.tiers, 1)]
        return "; ".join(parts + [f"{len(self.tiers) + 1} — остальные"])


@dataclass(frozen=True)
class MatchConfig:
    """Everything that steers :func:`matching.match`.

    Attributes
    ----------
    weights : Weights
    constraints : Constraints
    scales : Scales
    objective : str
        One of :data:`OBJECTIVES`.
    priority : Priority
    """

    weights: Weights = field(default_factory=Weights)
    constraints: Constraints = field(default_factory=Constraints)
    scales: Scales = field(default_factory=Scales)
    objective: str = "total"
    priority: Priority = field(default_factory=Priority)

    def to_dict(self) -> dict:
        """Plain nested dict in the YAML layout (for YAML and the «Параметры» sheet)."""
        return {
            "weights": asdict(self.weights),
            "constraints": asdict(self.constraints),
            "scales": asdict(self.scales),
            "objective": self.objective,
            "priority": {"tiers": [t.to_dict() for t in self.priority.tiers]},
        }

    def with_weights(self, **weights: float) -> MatchConfig:
        """A copy with some weights replaced."""
        return replace(self, weights=replace(self.weights, **weights))

    def with_constraints(self, **constraints) -> MatchConfig:
        """A copy with some constraints replaced."""
        return replace(self, constraints=replace(self.constraints, **constraints))

    def with_priority(self, *tiers: Tier) -> MatchConfig:
        """A copy with these priority tiers (none: priority off)."""
        return replace(self, priority=Priority(tuple(tiers)))

    def with_objective(self, objective: str) -> MatchConfig:
        """A copy with another objective (one of :data:`OBJECTIVES`)."""
        if objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {OBJECTIVES!r}, got {objective!r}")
        return replace(self, objective=objective)


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


_TIER_KEYS = ("experience_below", "cluster", "label")


def _tier(k: int, raw, source: str | None, issues: list[Issue]) -> Tier | None:
    """``priority.tiers[k]`` (0-based ``k``; messages count from 1) checked into a :class:`Tier`."""
    where = f"«priority.tiers», уровень {k + 1}"
    if not isinstance(raw, dict) or not raw:
        issues.append(
            Issue(
                f"{where}: ожидался набор условий, например «{{experience_below: 3}}» "
                f"или «{{cluster: ШНОР}}», получено «{raw}»",
                file=source,
            )
        )
        return None
    values: dict = {}
    ok = True
    for key, value in raw.items():
        if key not in _TIER_KEYS:
            issues.append(
                Issue(f"{where}: неизвестный ключ «{key}»; допустимы: {', '.join(_TIER_KEYS)}", file=source)
            )
            ok = False
        elif key == "experience_below":
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
                or value <= 0
            ):
                issues.append(
                    Issue(
                        f"{where}: «experience_below» — стаж в годах, положительное число, получено «{value}»",
                        file=source,
                    )
                )
                ok = False
            else:
                values["experience_below"] = float(value)
        elif key == "cluster":
            items = value if isinstance(value, list) else [value]
            bad = [v for v in items if v not in TIER_CLUSTERS]
            if bad or not items:
                issues.append(
                    Issue(
                        f"{where}: «cluster» — одно из {' / '.join(TIER_CLUSTERS)} или их список, "
                        f"получено «{value}»",
                        file=source,
                    )
                )
                ok = False
            else:
                values["clusters"] = tuple(dict.fromkeys(items))
        elif not isinstance(value, str):
            issues.append(Issue(f"{where}: «label» — текст, получено «{value}»", file=source))
            ok = False
        else:
            values["label"] = value.strip()
    if ok and "experience_below" not in values and "clusters" not in values:
        issues.append(
            Issue(f"{where}: нужно хотя бы одно условие — experience_below или cluster", file=source)
        )
        ok = False
    return Tier(**values) if ok else None


def _priority(raw, source: str | None, issues: list[Issue]) -> Priority:
    if raw is None:
        return Priority()
    if not isinstance(raw, dict):
        issues.append(Issue("раздел «priority» должен быть набором «ключ: значение» (tiers: …)", file=source))
        return Priority()
    for key in raw:
        if key != "tiers":
            issues.append(Issue(f"неизвестный ключ «priority.{key}»; допустим: tiers", file=source))
    tiers = raw.get("tiers")
    if tiers is None:
        return Priority()
    if not isinstance(tiers, list):
        issues.append(
            Issue(
                f"«priority.tiers»: ожидался список уровней (- experience_below: 3 …), получено «{tiers}»",
                file=source,
            )
        )
        return Priority()
    parsed = [_tier(k, t, source, issues) for k, t in enumerate(tiers)]
    return Priority(tuple(t for t in parsed if t is not None))


_SECTIONS = ("weights", "constraints", "scales", "objective", "priority")


def config_from_dict(data: dict | None, source: str | None = None) -> MatchConfig:
    """Build a :class:`MatchConfig` from a nested dict (missing keys keep defaults).

    Raises
    ------
    InputError
        Unknown sections or keys, wrong types, negative weights, all weights 0,
        an unknown ``objective``, a bad ``priority.tiers`` entry (each message
        names the YAML key).
    """
    data = data or {}
    issues: list[Issue] = []
    if not isinstance(data, dict):
        raise InputError(
            Issue(f"конфигурация должна быть набором разделов {' / '.join(_SECTIONS)}", file=source)
        )
    for key in data:
        if key not in _SECTIONS:
            issues.append(
                Issue(f"неизвестный раздел «{key}»; допустимы: {', '.join(_SECTIONS)}", file=source)
            )
    objective = data.get("objective", "total")
    if objective not in OBJECTIVES:
        issues.append(
            Issue(f"«objective»: ожидалось {' или '.join(OBJECTIVES)}, получено «{objective}»", file=source)
        )
        objective = "total"
    cfg = MatchConfig(
        weights=_coerce("weights", Weights, data.get("weights"), source, issues),
        constraints=_coerce("constraints", Constraints, data.get("constraints"), source, issues),
        scales=_coerce("scales", Scales, data.get("scales"), source, issues),
        objective=objective,
        priority=_priority(data.get("priority"), source, issues),
    )
    if not issues and sum(asdict(cfg.weights).values()) <= 0:
        issues.append(Issue("все веса равны нулю; хотя бы один вес должен быть больше нуля", file=source))
    if issues:
        raise InputError(issues)
    return cfg
