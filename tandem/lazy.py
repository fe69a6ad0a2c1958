"""Public names of a package imported on first use.

A package ``__init__`` that imported its file readers eagerly would make
every algorithm module load them too (importing ``pkg.engine`` runs
``pkg/__init__.py`` first). :func:`lazy_exports` keeps the package-level API
(``matching.load_registry``, ``mentoring.write_register``) while loading
each module only when one of its names is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def lazy_exports(package: str, homes: Mapping[str, str], namespace: dict) -> tuple[Callable, Callable]:
    """``__getattr__`` and ``__dir__`` for a package whose public names live in its modules.

    Parameters
    ----------
    package : str
        The package's name, for the AttributeError message.
    homes : mapping
        Public name → the module that defines it, e.g.
        ``{"load_registry": "matching.registry"}``.
    namespace : dict
        The package's ``globals()``; a name, once loaded, is stored there.

    Returns
    -------
    (callable, callable)
        Assign them to the package's ``__getattr__`` and ``__dir__``.
    """

    def __getattr__(name: str):
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(homes))

    return __getattr__, __dir__
