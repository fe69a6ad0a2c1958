"""Тандем — mentoring: the year after the pairs are formed.

The register of tandems (pairs with form, period, status and basis, and an
append-only log), approval by order, status changes, re-match with
continuity, the documents (order annex, personalised programmes, network
agreements) and the half-year report.

Layers: :mod:`mentoring.register` (the type and its rules) and
:mod:`mentoring.lifecycle` (approve, change status) are pure;
:mod:`mentoring.register_io` reads and writes the workbook.
"""

from mentoring.lifecycle import RegisterError, approve, change_status, default_end
from mentoring.register import FORMS, STATUSES, Register, default_form, in_force
from mentoring.register_io import load_register, write_register

__all__ = [
    "FORMS",
    "STATUSES",
    "Register",
    "RegisterError",
    "approve",
    "change_status",
    "default_end",
    "default_form",
    "in_force",
    "load_register",
    "write_register",
]
