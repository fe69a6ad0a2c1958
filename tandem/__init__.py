"""Shared plumbing of the Тандем workbench: input errors and safe Excel output.

The domain packages are :mod:`matching` (mentoring tandems) and :mod:`contest`
(contest scoring); both import from here, never the other way round.
"""

from tandem.errors import InputError, Issue

__version__ = "0.1.0"

__all__ = ["InputError", "Issue", "__version__"]
