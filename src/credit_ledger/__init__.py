"""credit_ledger: data quality for Chinese public credit records (公共信用信息).

Read records with :func:`read`, validate them against their kind's pandera schema with
:func:`validate` (every row ends valid or quarantined, with reasons; inputs larger than memory
batch by batch to Parquet with :func:`validate_to_parquet`), run the rules of every installed
plugin with :func:`check` / :func:`evaluate`, and keep history across scheduled runs with
:func:`run` and :class:`Ledger`. Plugins are loaded on first use, never at import.

Example:
    >>> import credit_ledger
    >>> lf = credit_ledger.read("dishonest_debtor.csv", kind="dishonest_debtor")  # doctest: +SKIP
    >>> result = credit_ledger.validate(lf, kind="dishonest_debtor")  # doctest: +SKIP
    >>> result.summary.rows_quarantined  # doctest: +SKIP
    3
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from os import PathLike

import polars as pl

from credit_ledger import errors, ids, ingest
from credit_ledger.ingest import read_frame
from credit_ledger.jobs import Job, RunResult, load_job, run
from credit_ledger.kinds import RecordKind, get_kind, record_kinds, schema
from credit_ledger.ledger import Ledger, LedgerState
from credit_ledger.plugins import (
    PluginManager,
    PluginSelection,
    Setting,
    active_manager,
    hookimpl,
)
from credit_ledger.rules import (
    CheckResult,
    DerivedColumn,
    EvaluationResult,
    Rule,
    RuleContext,
    RulePolicy,
    RuleSet,
    RunContext,
    Scope,
    Severity,
    Summary,
    Waiver,
    check,
    evaluate,
    evaluate_many,
)
from credit_ledger.streaming import validate_to_parquet
from credit_ledger.validate import ValidationResult, ValidationSummary, validate

try:
    __version__ = version("credit-ledger")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"


def read(
    source: str | PathLike[str],
    *,
    kind: str | RecordKind,
    encoding: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    records_path: str | None = None,
    columns: Mapping[str, str] | None = None,
    format: str | None = None,
) -> pl.LazyFrame:
    """Read one source file as records of ``kind``: :func:`credit_ledger.ingest.read` (its
    formats, arguments, result and errors) with the source formats of the active plugins, so
    a plugin's format is read by its suffix or by ``format`` (its name).

    Example:
        >>> lf = read("dishonest_debtor.csv", kind="dishonest_debtor")  # doctest: +SKIP
        >>> lf = read("debtors.fw", kind="dishonest_debtor", format="acme.fixed")  # doctest: +SKIP
    """
    return ingest.read(
        source,
        kind=kind,
        encoding=encoding,
        sheet=sheet,
        header_row=header_row,
        records_path=records_path,
        columns=columns,
        format=format,
        formats=active_manager().source_formats(),
    )


__all__ = [
    "CheckResult",
    "DerivedColumn",
    "EvaluationResult",
    "Job",
    "Ledger",
    "LedgerState",
    "PluginManager",
    "PluginSelection",
    "RecordKind",
    "Rule",
    "RuleContext",
    "RulePolicy",
    "RuleSet",
    "RunContext",
    "RunResult",
    "Scope",
    "Setting",
    "Severity",
    "Summary",
    "ValidationResult",
    "ValidationSummary",
    "Waiver",
    "__version__",
    "check",
    "errors",
    "evaluate",
    "evaluate_many",
    "get_kind",
    "hookimpl",
    "ids",
    "load_job",
    "read",
    "read_frame",
    "record_kinds",
    "run",
    "schema",
    "validate",
    "validate_to_parquet",
]
