"""The host API the packs use, imported in one place.

The packs use only what a third-party plugin can use: the hook marker, the rule model and the
setting declaration. Nothing else of ``credit_ledger`` internals is imported by the packs.
"""

from __future__ import annotations

from credit_ledger.errors import RuleError
from credit_ledger.plugins import Command, Setting, hookimpl
from credit_ledger.rules import (
    HISTORY_AS_OF,
    PERIOD_LEDGER_SCHEMA,
    DerivedColumn,
    Persist,
    Rule,
    RuleContext,
    RunContext,
    Scope,
    SettingValue,
    Severity,
    Summary,
    history_key,
    quarantine_key,
)

__all__ = [
    "HISTORY_AS_OF",
    "PERIOD_LEDGER_SCHEMA",
    "Command",
    "DerivedColumn",
    "Persist",
    "Rule",
    "RuleContext",
    "RuleError",
    "RunContext",
    "Scope",
    "Setting",
    "SettingValue",
    "Severity",
    "Summary",
    "history_key",
    "hookimpl",
    "quarantine_key",
]
