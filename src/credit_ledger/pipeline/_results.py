"""The typed, frozen results of the pipeline's stages (``Read`` → ``Validated`` →
``Evaluated`` → ``Committed``) and what an execution mode is given; their frames are lazy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Protocol

import polars as pl

from credit_ledger.ingest import read
from credit_ledger.kinds import RecordKind
from credit_ledger.ledger import RunRecord
from credit_ledger.rules import EvaluationResult, RulePolicy, RuleSet, Severity
from credit_ledger.validate import ValidationSummary

__all__ = [
    "Batch",
    "Committed",
    "Evaluated",
    "EvaluationRequest",
    "FileInput",
    "Input",
    "InputSummary",
    "Read",
    "Validated",
]


class Input(Protocol):
    """One file or database result, read and ready to validate: the source's name, the kind,
    where it came from, the digest and size of its content, and its rows mapped to the kind's
    columns (see :func:`credit_ledger.read`). A job's sources give these; so does
    :func:`~credit_ledger.pipeline.read_files`."""

    @property
    def source(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def location(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def bytes(self) -> int: ...
    @property
    def frame(self) -> pl.LazyFrame | pl.DataFrame: ...


@dataclass(frozen=True, kw_only=True)
class FileInput:
    """An :class:`Input` that holds its fields (a file read, a returned workbook's records)."""

    source: str
    kind: str
    location: str
    sha256: str
    bytes: int
    frame: pl.LazyFrame

    @classmethod
    def read(cls, file: str | PathLike[str], *, kind: RecordKind, **options: Any) -> FileInput:
        """``file`` read by :func:`credit_ledger.read` as records of ``kind`` (``options``
        go to it); not hashed, for runs that commit nothing.

        Raises:
            InputError: the file cannot be read (missing, wrong format or encoding).
        """
        path = Path(file)
        size = path.stat().st_size if path.is_file() else 0
        frame = read(path, kind=kind, **options)
        return cls(
            source=path.name, kind=kind.name, location=str(path), sha256="", bytes=size, frame=frame
        )


@dataclass(frozen=True, kw_only=True)
class InputSummary:
    """Row accounting of one input (a file or a database result).

    Attributes:
        source: the source's name in the job.
        kind: the record kind.
        location: file path or masked database URI.
        sha256: content digest.
        rows_in: rows read; always ``rows_valid + rows_quarantined``.
        rows_valid: rows that passed validation.
        rows_quarantined: rows rejected (see the ledger's ``quarantine`` table).
        validation: the validation's own summary (counts per reason), when the mode keeps
            one; not part of the ledger's ``inputs`` table.
    """

    source: str
    kind: str
    location: str
    sha256: str
    bytes: int
    rows_in: int
    rows_valid: int
    rows_quarantined: int
    validation: ValidationSummary | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (the ledger's ``inputs`` columns)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "validation"}


@dataclass(frozen=True, kw_only=True)
class Batch:
    """The valid ``records`` of one ``kind`` in this run, each record id once (the last
    delivery wins; ``duplicates`` rows dropped for it), with the columns validation gives them
    (``_warnings`` included; the ledger keeps its own)."""

    kind: RecordKind
    records: pl.LazyFrame
    duplicates: int


@dataclass(frozen=True, kw_only=True)
class Read:
    """The read stage: the inputs in delivery order (later inputs win a record id)."""

    inputs: tuple[Input, ...]


@dataclass(frozen=True, kw_only=True)
class Validated:
    """The validate stage: every input row ends in ``batches`` or ``quarantined``.

    Attributes:
        inputs: row accounting per input, in delivery order.
        batches: valid records per kind (lazy).
        quarantined: quarantined rows per kind (lazy), with ``_source``, ``_row``,
            ``_reasons`` and the values as given.
    """

    inputs: tuple[InputSummary, ...]
    batches: Mapping[str, Batch]
    quarantined: Mapping[str, pl.LazyFrame]


@dataclass(frozen=True, kw_only=True)
class EvaluationRequest:
    """What the rules engine needs besides the frames (see
    :func:`credit_ledger.rules.evaluate_many`)."""

    as_of: dt.date
    rules: RuleSet
    policy: RulePolicy = field(default_factory=RulePolicy)
    fail_on: Severity = Severity.ERROR
    kinds: tuple[RecordKind, ...] = ()
    quarantine: Mapping[str, pl.LazyFrame] = field(default_factory=lambda: MappingProxyType({}))
    history: Mapping[str, pl.LazyFrame] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, kw_only=True, eq=False)
class Evaluated:
    """The evaluate stage: what the rules found, in the ledger's shapes, before any commit.

    Attributes:
        validated: the stage before.
        evaluation: the engine's result.
        findings: its findings plus one per expired waiver.
        quarantine: the quarantined rows in the ledger's one schema (values as JSON).
        persisted: the persisted summaries' rows (``Summary(persist=...)``) in the ledger's
            generic ``summaries`` table (None when there are none).
        by_severity: unwaived findings per severity.
        errors: what could not be evaluated, one line each.
        rules_status: ``ok``, ``findings`` (at or above ``fail_on``) or ``error``.
    """

    validated: Validated
    evaluation: EvaluationResult
    findings: pl.DataFrame
    quarantine: pl.LazyFrame
    persisted: pl.DataFrame | None
    by_severity: Mapping[str, int]
    errors: tuple[str, ...]
    rules_status: Literal["ok", "findings", "error"]

    def row(
        self, *, run_key: str, job: str, as_of: dt.date, started: dt.datetime, forced: bool
    ) -> dict[str, Any]:
        """The ledger's ``runs`` row of this result, as far as it is known before the commit."""
        worst = next((s for s in reversed(list(Severity)) if self.by_severity.get(s.value)), None)
        inputs = self.validated.inputs
        return {
            "run_key": run_key,
            "job": job,
            "as_of": as_of,
            "started_at": started,
            "forced": forced,
            "status": self.rules_status,
            "rows_in": sum(s.rows_in for s in inputs),
            "rows_valid": sum(s.rows_valid for s in inputs),
            "rows_quarantined": sum(s.rows_quarantined for s in inputs),
            "findings": sum(self.by_severity.values()),
            "worst_severity": worst.value if worst else None,
            "rule_errors": len(self.errors),
        }


@dataclass(frozen=True, kw_only=True)
class Committed:
    """The commit stage: the committed run's ``record`` (id, version, manifest) and, per
    kind, what the upserts did to the ``records`` (inserted, updated, unchanged, duplicates)."""

    record: RunRecord
    records: Mapping[str, Mapping[str, int]]

    @property
    def inserted(self) -> int:
        """Records new in the ledger."""
        return sum(r["inserted"] for r in self.records.values())

    @property
    def updated(self) -> int:
        """Records whose content changed."""
        return sum(r["updated"] for r in self.records.values())
