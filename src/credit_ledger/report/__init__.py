"""The run report: a committed run's results as data (:func:`build_report`) and as one
self-contained HTML page (:func:`render_html`) for the credit office.

Example:
    >>> from credit_ledger.report import build_report, render_html
    >>> report = build_report("var/ledger")  # doctest: +SKIP
    >>> html = render_html(report, lang="zh")  # doctest: +SKIP
"""

from __future__ import annotations

from credit_ledger.report._build import ROW_CAP, SIZE_BUDGET, build_report
from credit_ledger.report._i18n import LANGS, Lang
from credit_ledger.report._model import SCHEMA_VERSION, Header, LedgerPanel, Report, Table
from credit_ledger.report._render import render_html
from credit_ledger.report._write import Format, report_text, write_report

__all__ = [
    "LANGS",
    "ROW_CAP",
    "SCHEMA_VERSION",
    "SIZE_BUDGET",
    "Format",
    "Header",
    "Lang",
    "LedgerPanel",
    "Report",
    "Table",
    "build_report",
    "render_html",
    "report_text",
    "write_report",
]
