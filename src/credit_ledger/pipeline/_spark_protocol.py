"""STAND-IN for the execution-mode protocol of issue 14 (``credit_ledger.pipeline``).

The pipeline package defines :class:`ExecutionMode`, :class:`Validated` and
:class:`EvaluationRequest` for its in-memory and streamed modes; until it lands, the Spark mode
is written against this copy. At merge the lead deletes this module and points the imports of
``_spark*.py`` at the pipeline's own types (the fields are the same).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

import polars as pl

from credit_ledger.jobs._result import InputSummary
from credit_ledger.jobs._sources import Input
from credit_ledger.jobs._stages import Batch
from credit_ledger.kinds import RecordKind
from credit_ledger.rules import EvaluationResult, RulePolicy, RuleSet, Severity

__all__ = ["EvaluationRequest", "ExecutionMode", "Validated"]


@dataclass(frozen=True, kw_only=True)
class Validated:
    """What validation of a run's inputs gives, in any mode.

    Attributes:
        inputs: row accounting per input, in input order.
        batches: the valid records per kind (lazy frames).
        quarantined: the quarantined rows per kind (lazy; kinds without any are absent).
    """

    inputs: tuple[InputSummary, ...]
    batches: Mapping[str, Batch]
    quarantined: Mapping[str, pl.LazyFrame]


@dataclass(frozen=True, kw_only=True)
class EvaluationRequest:
    """What :func:`credit_ledger.rules.evaluate_many` takes besides the frames."""

    as_of: dt.date
    rules: RuleSet
    policy: RulePolicy = field(default_factory=RulePolicy)
    fail_on: Severity = Severity.ERROR
    kinds: tuple[RecordKind, ...] = ()
    quarantine: Mapping[str, pl.LazyFrame] = field(default_factory=lambda: MappingProxyType({}))
    history: Mapping[str, pl.LazyFrame] = field(default_factory=lambda: MappingProxyType({}))


class ExecutionMode(Protocol):
    """How a run validates and evaluates: in memory, streamed, or on Spark."""

    name: str

    def validate(
        self, inputs: Sequence[Input], kinds: Mapping[str, RecordKind], scratch: Path
    ) -> Validated:
        """Validate every input; ``scratch`` is the run's own directory for files."""
        ...

    def evaluate(
        self, frames: Mapping[str, pl.LazyFrame], request: EvaluationRequest
    ) -> EvaluationResult:
        """Evaluate the rules and summaries of ``request`` over ``frames`` (kind → records)."""
        ...
