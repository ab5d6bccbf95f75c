"""Rules: the model plugins declare (:class:`Rule`, :class:`DerivedColumn`, :class:`Summary`)
and the engine that evaluates them (:func:`evaluate`) in one Polars pass per scope per kind.

Example:
    >>> import datetime as dt, polars as pl
    >>> from credit_ledger.kinds import Field, RecordKind
    >>> toy = RecordKind(name="toy", version=1, title="toy", fields=(Field(name="x", dtype="int"),))
    >>> rule = Rule(id="toy.positive", title="x is positive", kind="toy", check=pl.col("x") > 0)
    >>> result = evaluate(pl.DataFrame({"x": [3, -1, None]}), kind=toy,
    ...                   as_of=dt.date(2025, 6, 30), rules=[rule])
    >>> result.status(), result.findings.height
    ('findings', 1)
"""

from __future__ import annotations

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
    PERIOD_LEDGER_COLUMNS,
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
from credit_ledger.contracts._ruleset import RuleSet
from credit_ledger.rules._engine import evaluate, evaluate_many, ruleset_of
from credit_ledger.rules._policy import RulePolicy, Waiver

__all__ = [
    "FINDINGS_SCHEMA",
    "HISTORY_AS_OF",
    "OUTCOMES_SCHEMA",
    "PERIOD_LEDGER_COLUMNS",
    "PERIOD_LEDGER_SCHEMA",
    "DerivedColumn",
    "EvaluationResult",
    "Persist",
    "Rule",
    "RuleContext",
    "RulePolicy",
    "RuleSet",
    "RunContext",
    "RunError",
    "RunInfo",
    "RunReport",
    "RunStatus",
    "Scope",
    "SettingValue",
    "Severity",
    "Summary",
    "Waiver",
    "evaluate",
    "evaluate_many",
    "history_key",
    "quarantine_key",
    "ruleset_of",
]
