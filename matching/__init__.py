"""Тандем — matching: forming mentoring tandems (mentor ↔ mentee) exactly.

Public API::

    registry = matching.load_registry("data/sample_district.xlsx")
    result = matching.match(registry, matching.load_config(None))
    result.pairs, result.unmatched, result.objective
    matching.write_result(result, registry, "out/tandems.xlsx")
    matching.solve_assignment(edges, capacity)
    result.alternates, result.fixes, matching.why_not(result, mentee_id, mentor_id)

``write_result`` writes the same workbook as ``python -m matching run``.

The names are imported on first use, so that importing an algorithm module
(``matching.engine``, ``matching.scoring``, ``matching.solver``) does not
load the file readers and writers (:mod:`matching.registry`,
:mod:`matching.config_io`, :mod:`matching.export`).
"""

from __future__ import annotations

from tandem import __version__  # noqa: F401  (re-exported: matching.__version__)
from tandem.lazy import lazy_exports

#: Public name → the module that defines it.
_HOMES = {
    "COMPONENTS": "matching.config",
    "COMPONENT_LABELS": "matching.config",
    "MatchConfig": "matching.config",
    "Priority": "matching.config",
    "Tier": "matching.config",
    "config_from_dict": "matching.config",
    "load_config": "matching.config_io",
    "MatchResult": "matching.engine",
    "match": "matching.engine",
    "compare_objectives": "matching.priority",
    "mentee_tiers": "matching.priority",
    "Registry": "matching.model",
    "RegistryError": "matching.model",
    "load_registry": "matching.registry",
    "solve_assignment": "matching.solver",
    "write_result": "matching.export",
    "why_not": "matching.whatif",
    "WhyNot": "matching.whatif",
}

__all__ = sorted([*_HOMES, "__version__"])

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())
