"""Layers: the algorithms never reach a module that reads or writes files.

The import graph of the project is read from the source (every ``import``,
also those inside functions, which run later but run all the same). A module
is *at the edge* when it imports a file library (spreadsheets, CSV, YAML,
Word, zip, charts) or opens, reads or writes a file itself; the test keeps
the declared list of edge modules honest, then checks that no algorithm
module reaches an edge module or a file library, directly or through other
modules of the project.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("tandem", "matching", "contest", "mentoring")

#: Third-party and standard modules whose use means reading or writing files.
FILE_LIBRARIES = {
    "openpyxl",
    "python_calamine",
    "csv",
    "yaml",
    "docx",
    "docxtpl",
    "zipfile",
    "lxml",
    "defusedxml",
    "matplotlib",
    "shutil",
    "tempfile",
}
#: Calls that open, read or write a file.
FILE_CALLS = {
    "open",
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "to_excel",
    "read_excel",
    "read_csv",
    "to_csv",
    "save",
}

#: The algorithms: matching, scoring, ranking, statistics, the register's rules.
ALGORITHMS = [
    "matching.solver",
    "matching.flow",
    "matching.objectives",
    "matching.engine",
    "matching.scoring",
    "matching.certificate",
    "matching.bottleneck",
    "matching.whatif",
    "matching.forcing",
    "matching.fixes",
    "matching.explain",
    "matching.continuity",
    "matching.config",
    "matching.model",
    "matching.priority",
    "matching.whatif_views",
    "contest.assign",
    "contest.jury_plans",
    "contest.advance",
    "contest.scores",
    "contest.scoring",
    "contest.panels",
    "contest.exact",
    "contest.robustness",
    "contest.agreement",
    "contest.model",
    "contest.roster",
    "contest.validate",
    "contest.report",
    "contest.sheet_format",
    "contest.severity",
    "contest.reconcile",
    "contest.entries",
    "mentoring.register",
    "mentoring.lifecycle",
    "mentoring.documents",
    "mentoring.programme",
    "mentoring.views",
    "mentoring.views_diagnosis",
    "mentoring.rematch",
    "mentoring.diagnosis",
    "mentoring.report",
]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, ast.Module]:
    out = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            out[_module_name(path)] = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return out


def _imports(name: str) -> set[str]:
    """Modules imported anywhere in ``name`` (absolute names; ``from a import b`` gives a.b when it is a module)."""
    mods = _modules()
    found = set()
    for node in ast.walk(mods[name]):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in mods)
    return found


def _opens_files(name: str) -> bool:
    for node in ast.walk(_modules()[name]):
        if isinstance(node, ast.Call):
            f = node.func
            called = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            if called in FILE_CALLS:
                return True
    return False


def _uses_file_library(name: str) -> set[str]:
    return {m for m in _imports(name) if m.split(".")[0] in FILE_LIBRARIES}


def _edge_modules() -> set[str]:
    return {m for m in _modules() if _uses_file_library(m) or _opens_files(m)}


def _reach(start: str) -> dict[str, str]:
    """Project modules reachable from ``start`` → the module that imports each (for the message)."""
    mods = _modules()
    seen, todo = {start: ""}, [start]
    while todo:
        m = todo.pop()
        for dep in sorted(_imports(m)):
            # importing a.b.c runs a and a.b too
            parts = dep.split(".")
            for k in range(1, len(parts) + 1):
                d = ".".join(parts[:k])
                if d in mods and d not in seen:
                    seen[d] = m
                    todo.append(d)
    return seen


def _chain(seen: dict[str, str], end: str) -> str:
    chain = [end]
    while seen[chain[-1]]:
        chain.append(seen[chain[-1]])
    return " ← ".join(chain)


def test_every_algorithm_module_exists():
    assert set(ALGORITHMS) <= set(_modules()), sorted(set(ALGORITHMS) - set(_modules()))


def test_the_edge_is_found():
    """The detector is not blind: the known readers and writers are at the edge."""
    edges = _edge_modules()
    assert {
        "tandem.tables",
        "matching.export",
        "contest.people",
        "contest.protocol",
        "contest.sheets_read",
        "mentoring.register_io",
    } <= edges


@pytest.mark.parametrize("module", ALGORITHMS)
def test_algorithm_reaches_no_file_module(module):
    seen = _reach(module)
    edges = _edge_modules()
    bad = sorted(m for m in seen if m in edges)
    assert not bad, "\n".join(f"{module} reaches {m} (opens files): {_chain(seen, m)}" for m in bad)
    libs = sorted({lib for m in seen for lib in _uses_file_library(m)})
    assert not libs, f"{module} reaches file libraries {libs}"


def test_widgets_only_in_the_ui_layer():
    """ipywidgets is imported only by the ``ui`` modules, never by core or I/O."""
    for name in _modules():
        if any(m.split(".")[0] == "ipywidgets" for m in _imports(name)):
            assert name.endswith(".ui") or ".ui_" in name or name.endswith("_ui"), name
