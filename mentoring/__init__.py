"""Тандем — mentoring: the year after the pairs are formed.

The register of tandems (pairs with form, period, status and basis, and an
append-only log), approval by order, status changes, re-match with
continuity, the documents (order annex, personalised programmes, network
agreements), the diagnosis of deficits and the half-year report.

Layers: :mod:`mentoring.register` (the type and its rules) and
:mod:`mentoring.lifecycle` (approve, change status), :mod:`mentoring.rematch`
(the re-match with continuity), :mod:`mentoring.diagnosis` and
:mod:`mentoring.report` are pure;
:mod:`mentoring.register_io` and :mod:`mentoring.result_io` read and write
workbooks; :mod:`mentoring.cli` is the command line; :mod:`mentoring.ui` is
the «Сопровождение тандемов» page (widgets; one module per step:
:mod:`mentoring.ui_register`, :mod:`mentoring.ui_status`,
:mod:`mentoring.ui_rematch`, :mod:`mentoring.ui_documents`) over the pure
helpers of :mod:`mentoring.views`. The names below are imported on first use, so that
importing a pure module loads no reader. The re-match function is ``from
mentoring.rematch import rematch`` (not a package-level name: it would clash
with its module, ``mentoring.rematch``).
"""

from __future__ import annotations

from tandem.lazy import lazy_exports

#: Public name → the module that defines it.
_HOMES = {
    "FORMS": "mentoring.register",
    "STATUSES": "mentoring.register",
    "Register": "mentoring.register",
    "default_form": "mentoring.register",
    "in_force": "mentoring.register",
    "RegisterError": "mentoring.lifecycle",
    "approve": "mentoring.lifecycle",
    "change_status": "mentoring.lifecycle",
    "check_district": "mentoring.lifecycle",
    "default_end": "mentoring.lifecycle",
    "load_register": "mentoring.register_io",
    "write_register": "mentoring.register_io",
    "read_result": "mentoring.result_io",
    "current_pairs": "mentoring.rematch",
    "write_documents": "mentoring.documents_io",
    "school_zip": "mentoring.documents_io",
    "LEVELS": "mentoring.diagnosis",
    "read_answers": "mentoring.diagnosis",
    "apply_diagnosis": "mentoring.diagnosis",
    "deficit_map": "mentoring.diagnosis",
    "repeat_diagnosis": "mentoring.diagnosis",
    "import_diagnosis": "mentoring.diagnosis_io",
    "write_questionnaires": "mentoring.diagnosis_io",
    "write_deficit_map": "mentoring.diagnosis_io",
    "indicators": "mentoring.report",
    "half_year": "mentoring.report",
    "write_report": "mentoring.report_io",
    "school_zips": "mentoring.documents_io",
}

__all__ = sorted(_HOMES)

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())
