"""credit_ledger: data quality for Chinese public credit records (公共信用信息).

Read records with :func:`read`, validate them against their kind's pandera schema with
:func:`validate` (every row ends valid or quarantined, with reasons; inputs larger than memory
batch by batch to Parquet with :func:`validate_to_parquet`), run the rules of every installed
plugin with :func:`check` / :func:`evaluate`, and keep history across scheduled runs with
:func:`run` and :class:`Ledger`. Plugins are loaded on first use, never at import. Kinds given
by name and the default rules come from the installed plugins: these functions are the only
ones that ask the plugin manager; the layers below take the kinds and rules they are given.

Example:
    >>> import credit_ledger
    >>> lf = credit_ledger.read("dishonest_debtor.csv", kind="dishonest_debtor")  # doctest: +SKIP
    >>> result = credit_ledger.validate(lf, kind="dishonest_debtor")  # doctest: +SKIP
    >>> result.summary.rows_quarantined  # doctest: +SKIP
    3
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from credit_ledger import errors, ids
from credit_ledger._api import (
    check,
    evaluate,
    evaluate_many,
    read,
    read_frame,
    schema,
    validate,
    validate_to_parquet,
)
from credit_ledger.contracts import (
    DerivedColumn,
    EvaluationResult,
    Persist,
    RecordKind,
    Rule,
    RuleContext,
    RuleSet,
    RunContext,
    Scope,
    Setting,
    Severity,
    Summary,
)
from credit_ledger.jobs import Job, RunResult, load_job, run
from credit_ledger.ledger import Ledger, LedgerState
from credit_ledger.pipeline import CheckResult
from credit_ledger.plugins import (
    PluginManager,
    PluginSelection,
    get_kind,
    hookimpl,
    record_kinds,
)
from credit_ledger.rules import RulePolicy, Waiver
from credit_ledger.validate import ValidationResult, ValidationSummary

try:
    __version__ = version("credit-ledger")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = [
    "CheckResult",
    "DerivedColumn",
    "EvaluationResult",
    "Job",
    "Ledger",
    "LedgerState",
    "Persist",
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
