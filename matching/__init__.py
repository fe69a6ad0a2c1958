"""Тандем — matching: forming mentoring tandems (mentor ↔ mentee) exactly.

Public API (PRODUCT.md, "Public Python API")::

    registry = matching.load_registry("data/sample_district.xlsx")
    result = matching.match(registry, matching.load_config(None))
    result.pairs, result.unmatched, result.objective
    matching.write_result(result, registry, "out/tandems.xlsx")
    matching.solve_assignment(edges, capacity)
"""

from matching.config import COMPONENT_LABELS, COMPONENTS, MatchConfig, config_from_dict, load_config
from matching.engine import MatchResult, match
from matching.registry import Registry, RegistryError, load_registry
from matching.solver import solve_assignment
from tandem import __version__

__all__ = [
    "COMPONENTS", "COMPONENT_LABELS", "MatchConfig", "MatchResult", "Registry", "RegistryError",
    "__version__", "config_from_dict", "load_config", "load_registry", "match", "solve_assignment",
]
