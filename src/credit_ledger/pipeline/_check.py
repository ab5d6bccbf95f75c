"""``check``: read a file, validate it, run the rules. The Python API behind
``credit-ledger check``; it returns a result and never exits."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from credit_ledger.ingest import ROW, SOURCE
from credit_ledger.kinds import get_kind
from credit_ledger.pipeline._pipeline import Pipeline
from credit_ledger.pipeline._results import FileInput, Validated
from credit_ledger.rules import (
    EvaluationResult,
    Rule,
    RulePolicy,
    RuleSet,
    RunStatus,
    SettingValue,
    Severity,
    ruleset_of,
)
from credit_ledger.validate import REASONS, ValidationResult, ValidationSummary

if TYPE_CHECKING:
    from credit_ledger.kinds import RecordKind

__all__ = ["CheckResult", "check"]


@dataclass(frozen=True, kw_only=True, eq=False)
class CheckResult:
    """The outcome of :func:`check`: validation (valid | quarantine) and the rule run."""

    source: str
    kind: str
    validated: Validated
    evaluation: EvaluationResult

    @property
    def validation(self) -> ValidationResult:
        """The file's validation: valid rows, quarantined rows and their accounting."""
        (read,) = self.validated.inputs
        none = pl.LazyFrame(schema={SOURCE: pl.String, ROW: pl.Int64, REASONS: pl.List(pl.String)})
        return ValidationResult(
            valid=self.validated.batches[self.kind].records.collect(),
            quarantine=self.validated.quarantined.get(self.kind, none).collect(),
            summary=read.validation
            or ValidationSummary(
                kind=self.kind,
                rows_in=read.rows_in,
                rows_valid=read.rows_valid,
                rows_quarantined=read.rows_quarantined,
            ),
        )

    def status(self, fail_on: Severity | None = None) -> RunStatus:
        """The rule run's status (quarantined rows are reported by the validation)."""
        return self.evaluation.status(fail_on)

    def to_dict(self, fail_on: Severity | None = None) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "source": self.source,
            "kind": self.kind,
            "validation": self.validation.summary.to_dict(),
            **self.evaluation.to_dict(fail_on),
        }


def check(
    source: str | PathLike[str],
    *,
    kind: str | RecordKind,
    as_of: dt.date,
    encoding: str | None = None,
    sheet: str | None = None,
    rules: RuleSet | Iterable[Rule],
    policy: RulePolicy | None = None,
    fail_on: Severity = Severity.ERROR,
    settings: Mapping[str, SettingValue] | None = None,
    read_options: Mapping[str, Any] | None = None,
) -> CheckResult:
    """Read ``source`` as records of ``kind``, validate them, and evaluate the rules on the
    valid rows (summaries that ask for it also see the quarantined rows). ``encoding`` and
    ``sheet`` are passed to :func:`credit_ledger.read`, and so are ``read_options`` (``columns``,
    ``header_row``, ``records_path``, ``format``, ``formats``); ``settings`` are laid over the
    rule set's, as in :func:`~credit_ledger.rules.evaluate`. A kind given by name is looked up
    in the rule set's kinds (else the built-in ones); :func:`credit_ledger.check` takes rules,
    kinds and source formats from the plugins. It runs the one :class:`Pipeline` in memory.

    Raises:
        ConfigError: a setting is not declared or does not fit its type.
        InputError: the source cannot be read.

    Example:
        >>> res = check("penalties.csv", kind="admin_penalty",
        ...             as_of=dt.date(2025, 6, 30))  # doctest: +SKIP
        >>> res.status()  # doctest: +SKIP
        'findings'
    """
    ruleset = ruleset_of(rules, settings)
    record_kind = get_kind(kind, ruleset.kinds)
    pipe = Pipeline(
        kinds={record_kind.name: record_kind},
        ruleset=ruleset,
        policy=policy or RulePolicy(),
        fail_on=fail_on,
    )
    options = {"encoding": encoding, "sheet": sheet, **(read_options or {})}
    read = pipe.read([FileInput.read(source, kind=record_kind, **options)])
    with tempfile.TemporaryDirectory(prefix="credit-ledger-") as scratch:
        validated = pipe.validate(read, Path(scratch))
        evaluated = pipe.evaluate(validated, as_of=as_of)
    return CheckResult(
        source=Path(source).name,
        kind=record_kind.name,
        validated=validated,
        evaluation=evaluated.evaluation,
    )
