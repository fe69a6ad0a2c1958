"""The core of the contest package opens no files: no core module imports a reader or writer.

Each core module is imported in a fresh interpreter and the modules it brought in are
listed; none may be an Excel library, the Excel plumbing of :mod:`tandem.xlsx`, a
contest module that reads or writes files, or a page module.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CORE = ["contest", "contest.model", "contest.definition", "contest.roster", "contest.assign", "contest.jury_plans",
        "contest.advance", "contest.scores", "contest.validate", "contest.scoring", "contest.agreement",
        "contest.report", "contest.sheet_format", "contest.views"]
IO = ["contest.definition_io", "contest.people", "contest.scores_io", "contest.sheets", "contest.sheets_read",
      "contest.protocol", "contest.workflow", "contest.cli", "contest.ui"]
FORBIDDEN_PREFIXES = ("openpyxl", "python_calamine", "ipywidgets", "tandem.xlsx", "tandem.cli")


def imported_by(module: str) -> list[str]:
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_reader_or_writer(module):
    loaded = imported_by(module)
    bad = [m for m in loaded if m in IO or m.startswith(FORBIDDEN_PREFIXES)]
    assert bad == [], f"{module} brings in {bad}"


def test_the_check_can_fail():
    """The io modules do bring in the Excel libraries, so the check above sees them."""
    loaded = imported_by("contest.protocol")
    assert "openpyxl" in loaded and "contest.protocol" in loaded
