"""The pipeline: read → validate → evaluate → (commit), one object with an execution mode.

:class:`Pipeline` holds the kinds, the rule set and policy, and the :class:`ExecutionMode`
chosen once (:class:`MemoryMode`, :class:`StreamedMode`, :class:`SparkMode`). Its
stages return typed, frozen results: :class:`Read` → :class:`Validated` → :class:`Evaluated`
→ :class:`Committed`. :func:`check`, ``credit-ledger demo`` and :func:`credit_ledger.run`
all go through it.
"""

from __future__ import annotations

from credit_ledger.pipeline._check import CheckResult, check
from credit_ledger.pipeline._modes import ExecutionMode, MemoryMode, StreamedMode
from credit_ledger.pipeline._pipeline import Clock, Pipeline, Progress
from credit_ledger.pipeline._results import (
    Batch,
    Committed,
    Evaluated,
    EvaluationRequest,
    FileInput,
    Input,
    InputSummary,
    Read,
    Validated,
)
from credit_ledger.pipeline._spark import SparkMode

__all__ = [
    "Batch",
    "CheckResult",
    "Clock",
    "Committed",
    "Evaluated",
    "EvaluationRequest",
    "ExecutionMode",
    "FileInput",
    "Input",
    "InputSummary",
    "MemoryMode",
    "Pipeline",
    "Progress",
    "Read",
    "SparkMode",
    "StreamedMode",
    "Validated",
    "check",
]
