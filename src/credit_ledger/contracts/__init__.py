"""The contracts plugins and the core share: record kinds, rules, results, plugin types.

Plain data and the small logic that belongs to it. This package imports nothing of
``credit_ledger`` above ``_kernels``, ``_files``, ``ids``, ``_redact`` and ``errors``, so every
layer (and every plugin) can import it without pulling in the engine or the plugin manager.
The usual import paths (``credit_ledger.kinds``, ``credit_ledger.rules``,
``credit_ledger.plugins``, ``credit_ledger``) re-export these names.
"""

from __future__ import annotations

from credit_ledger.contracts._command import Command
from credit_ledger.contracts._kind import (
    POLARS_DTYPES,
    ColumnCheck,
    Derived,
    Dtype,
    Field,
    Normalize,
    RecordKind,
    RowCheck,
    warning_checks,
)
from credit_ledger.contracts._plugin import (
    CommittedRun,
    CommittedWriter,
    Conflict,
    PluginInfo,
    PluginOrigin,
    PluginStatus,
    Reporter,
    ReportWriter,
    Setting,
    SourceFormat,
    SourceReader,
)
from credit_ledger.contracts._result import (
    FINDINGS_SCHEMA,
    OUTCOMES_SCHEMA,
    EvaluationResult,
    RunError,
    RunInfo,
    RunReport,
    RunStatus,
)
from credit_ledger.contracts._rule import (
    HISTORY_AS_OF,
    NAMESPACED_ID,
    PERIOD_LEDGER_COLUMNS,
    PERIOD_LEDGER_SCHEMA,
    QUARANTINE_SCHEMA,
    Check,
    DerivedColumn,
    Persist,
    Rule,
    RuleContext,
    RunContext,
    Scope,
    SettingValue,
    Severity,
    Summary,
    SummaryCompute,
    history_key,
    quarantine_key,
)
from credit_ledger.contracts._ruleset import Notifier, RuleSet

__all__ = [
    "FINDINGS_SCHEMA",
    "HISTORY_AS_OF",
    "NAMESPACED_ID",
    "OUTCOMES_SCHEMA",
    "PERIOD_LEDGER_COLUMNS",
    "PERIOD_LEDGER_SCHEMA",
    "POLARS_DTYPES",
    "QUARANTINE_SCHEMA",
    "Check",
    "ColumnCheck",
    "Command",
    "CommittedRun",
    "CommittedWriter",
    "Conflict",
    "Derived",
    "DerivedColumn",
    "Dtype",
    "EvaluationResult",
    "Field",
    "Normalize",
    "Notifier",
    "Persist",
    "PluginInfo",
    "PluginOrigin",
    "PluginStatus",
    "RecordKind",
    "ReportWriter",
    "Reporter",
    "RowCheck",
    "Rule",
    "RuleContext",
    "RuleSet",
    "RunContext",
    "RunError",
    "RunInfo",
    "RunReport",
    "RunStatus",
    "Scope",
    "Setting",
    "SettingValue",
    "Severity",
    "SourceFormat",
    "SourceReader",
    "Summary",
    "SummaryCompute",
    "history_key",
    "quarantine_key",
    "warning_checks",
]
