"""Execution modes: where the pipeline's data lives while it is validated and evaluated.

A mode is chosen once, when the :class:`~credit_ledger.pipeline.Pipeline` is built; the
in-memory and streamed paths differ only inside these classes. Every mode gives the same
rows, reasons, findings and summaries as :class:`MemoryMode` (``tests/pipeline`` checks it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import polars as pl

from credit_ledger.errors import CreditLedgerError, InputError, UsageError, describe
from credit_ledger.kinds import RecordKind
from credit_ledger.pipeline._results import (
    Batch,
    EvaluationRequest,
    Input,
    InputSummary,
    Validated,
)
from credit_ledger.rules import EvaluationResult, evaluate_many
from credit_ledger.streaming import DEFAULT_BATCH_ROWS, last_deliveries, validate_frames_to_parquet
from credit_ledger.validate import ValidationSummary, validate

__all__ = ["ExecutionMode", "MemoryMode", "StreamedMode"]


@runtime_checkable
class ExecutionMode(Protocol):
    """How a pipeline validates its inputs and evaluates the rules.

    ``validate`` must put every input row in exactly one of ``batches`` (each record id once,
    the last input holding it wins) or ``quarantined`` (with ``_reasons``), and account for
    each input in ``inputs``; ``evaluate`` must return what
    :func:`credit_ledger.rules.evaluate_many` returns for the same frames.
    """

    @property
    def name(self) -> str:
        """``memory``, ``streamed`` (later ``spark``), for logs and messages."""
        ...

    def validate(
        self, inputs: Sequence[Input], kinds: Mapping[str, RecordKind], scratch: Path
    ) -> Validated:
        """Validate ``inputs`` (delivery order); ``scratch`` is a directory the mode may fill
        and that lives as long as the run."""
        ...

    def evaluate(
        self, frames: Mapping[str, pl.LazyFrame], request: EvaluationRequest
    ) -> EvaluationResult:
        """Run the rules of ``request`` on the records of each kind in ``frames``."""
        ...


def _validated(
    inputs: Sequence[Input],
    kinds: Mapping[str, RecordKind],
    one: Callable[[int, Input], tuple[ValidationSummary, pl.LazyFrame, pl.LazyFrame]],
    last: Callable[[list[pl.LazyFrame], RecordKind], tuple[pl.LazyFrame, int]],
) -> Validated:
    """Validate each input with ``one`` (its summary, valid and quarantined rows), then keep
    each record id of a kind once with ``last`` (the last input holding it wins)."""
    summaries: list[InputSummary] = []
    valid: dict[str, list[pl.LazyFrame]] = {}
    quarantined: dict[str, list[pl.LazyFrame]] = {}
    for i, item in enumerate(inputs):
        try:
            summary, rows, rejected = one(i, item)
        except CreditLedgerError:
            raise
        except Exception as exc:
            raise InputError(
                f"source {item.source!r}: {item.location} failed while reading: {describe(exc)}"
            ) from None
        summaries.append(
            InputSummary(
                **{k: getattr(item, k) for k in ("source", "kind", "location", "sha256", "bytes")},
                rows_in=summary.rows_in,
                rows_valid=summary.rows_valid,
                rows_quarantined=summary.rows_quarantined,
                validation=summary,
            )
        )
        valid.setdefault(item.kind, []).append(rows)
        if summary.rows_quarantined:
            quarantined.setdefault(item.kind, []).append(rejected)
    batches = {}
    for name, frames in valid.items():
        records, dropped = last(frames, kinds[name])
        batches[name] = Batch(kind=kinds[name], records=records, duplicates=dropped)
    return Validated(
        inputs=tuple(summaries),
        batches=batches,
        quarantined={k: pl.concat(v, how="diagonal_relaxed") for k, v in quarantined.items()},
    )


def _evaluate(
    frames: Mapping[str, pl.LazyFrame], request: EvaluationRequest, *, streaming: bool
) -> EvaluationResult:
    return evaluate_many(
        frames,
        as_of=request.as_of,
        rules=request.rules,
        policy=request.policy,
        fail_on=request.fail_on,
        kinds=request.kinds,
        streaming=streaming,
        quarantine=request.quarantine,
        history=request.history,
    )


@dataclass(frozen=True)
class MemoryMode:
    """Each input is validated whole in memory; the rules see each kind materialised once."""

    name: str = "memory"

    def validate(
        self, inputs: Sequence[Input], kinds: Mapping[str, RecordKind], scratch: Path
    ) -> Validated:
        """Validate each input in one pass (see :func:`credit_ledger.validate`).

        Raises:
            InputError: an input fails while being read; the message names the source.
        """
        del scratch  # nothing is written

        def one(_: int, item: Input) -> tuple[ValidationSummary, pl.LazyFrame, pl.LazyFrame]:
            result = validate(item.frame, kind=kinds[item.kind])
            return result.summary, result.valid.lazy(), result.quarantine.lazy()

        def last(frames: list[pl.LazyFrame], kind: RecordKind) -> tuple[pl.LazyFrame, int]:
            together = pl.concat(frames, how="diagonal_relaxed").collect()
            unique = together.unique(subset=[kind.key], keep="last", maintain_order=True)
            return unique.lazy(), together.height - unique.height

        return _validated(inputs, kinds, one, last)

    def evaluate(
        self, frames: Mapping[str, pl.LazyFrame], request: EvaluationRequest
    ) -> EvaluationResult:
        """The engine materialises each kind once (derived columns included)."""
        return _evaluate(frames, request, streaming=False)


@dataclass(frozen=True)
class StreamedMode:
    """Inputs larger than memory: each input is validated ``batch_rows`` at a time into
    Parquet parts under the scratch directory, and the rules run on lazy scans of them with
    Polars' streaming engine."""

    batch_rows: int = DEFAULT_BATCH_ROWS
    name: str = "streamed"

    def __post_init__(self) -> None:
        if self.batch_rows < 1:
            raise UsageError(f"batch_rows must be at least 1 (got {self.batch_rows})")

    def validate(
        self, inputs: Sequence[Input], kinds: Mapping[str, RecordKind], scratch: Path
    ) -> Validated:
        """Validate each input batch by batch into ``scratch``; ids delivered by several
        inputs are found by their hashes, so only those are joined.

        Raises:
            InputError: an input fails while being read; the message names the source.
        """

        def one(i: int, item: Input) -> tuple[ValidationSummary, pl.LazyFrame, pl.LazyFrame]:
            parts = scratch / "validated" / f"{i:05d}"
            summary = validate_frames_to_parquet(
                [item.frame.lazy()],
                kind=kinds[item.kind],
                out_dir=parts,
                batch_rows=self.batch_rows,
            )
            valid, rejected = (
                pl.scan_parquet(parts / n / "*.parquet") for n in ("valid", "quarantine")
            )
            return summary, valid, rejected

        def last(frames: list[pl.LazyFrame], kind: RecordKind) -> tuple[pl.LazyFrame, int]:
            return last_deliveries(frames, key=kind.key, batch_rows=self.batch_rows)

        return _validated(inputs, kinds, one, last)

    def evaluate(
        self, frames: Mapping[str, pl.LazyFrame], request: EvaluationRequest
    ) -> EvaluationResult:
        """Nothing is materialised: ``result.derived`` holds lazy plans over the parts."""
        return _evaluate(frames, request, streaming=True)
