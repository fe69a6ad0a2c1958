"""Shared plumbing of the Тандем workbench.

The domain packages are :mod:`matching` (mentoring tandems) and :mod:`contest`
(contest scoring); both import from here, never the other way round.

* :mod:`tandem.errors` — input problems (:class:`Issue`, :class:`InputError`);
* :mod:`tandem.tables` — reading tables from .xlsx and CSV (one reader);
* :mod:`tandem.xlsx` — the safety checks every input workbook passes first;
* :mod:`tandem.xlsx_write` — readable, formula-safe workbooks written atomically;
* :mod:`tandem.yamlio` — YAML read by the 1.2 core schema (no ``no`` → False);
* :mod:`tandem.cli`, :mod:`tandem.progress`, :mod:`tandem.ui` — command-line
  runner, progress reporting, HTML pieces and widget factories of the
  notebook pages.
"""

from tandem.errors import InputError, Issue

__version__ = "0.1.0"

__all__ = ["InputError", "Issue", "__version__"]
