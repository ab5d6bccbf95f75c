"""What :func:`credit_ledger.run` returns."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from credit_ledger.pipeline import InputSummary
from credit_ledger.rules import Severity

if TYPE_CHECKING:
    from credit_ledger.ledger import RunRecord
    from credit_ledger.pipeline import Committed, Evaluated
    from credit_ledger.rules import EvaluationResult

__all__ = ["InputSummary", "RunResult", "RunStatus"]

RunStatus = Literal["completed", "unchanged", "dry_run"]
"""``completed``: committed a new run; ``unchanged``: this run key was already committed,
nothing was done; ``dry_run``: configuration, plugins and rules checked, no data read."""


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, kw_only=True, eq=False)
class RunResult:
    """The outcome of :func:`credit_ledger.run`; the API never exits, the CLI maps this to an
    exit code (``credit_ledger.cli._exit.exit_code_for_result``).

    Attributes:
        status: see :data:`RunStatus`.
        job: the job's name.
        as_of: the run date.
        ledger: the ledger directory.
        run_id: the committed run (for ``unchanged``: the earlier run with the same key).
        run_key: the run key (None for a dry run).
        ledger_version: the ledger version after the run.
        rules_status: ``ok``, ``findings`` (unwaived findings at or above ``fail_on``) or
            ``error`` (a rule, summary or plugin could not be evaluated).
        fail_on: the threshold ``rules_status`` was computed with.
        findings_by_severity: unwaived findings per severity.
        errors: what could not be evaluated (one line each).
        notices: warnings that do not change the status.
        inputs: row accounting per input.
        records: per kind, ``inserted``/``updated``/``unchanged`` records in the ledger.
        timings: seconds per stage (``read``, ``validate``, ``rules``, ``commit``,
            ``outputs``).
        outputs: files written.
        manifest: the run manifest (empty for a dry run).
        message: one line for people.
        recovered: what was undone of an interrupted earlier run.
        rows_corrected: valid rows read from returned correction workbooks
            (:mod:`credit_ledger.corrections`).
        evaluation: the rules engine's result (None unless ``completed``); after a streamed
            run (``batch_rows``) its ``derived`` is empty: the records are in the ledger.
    """

    status: RunStatus
    job: str
    as_of: dt.date
    ledger: Path
    run_id: str | None = None
    run_key: str | None = None
    ledger_version: int = 0
    rules_status: Literal["ok", "findings", "error"] = "ok"
    fail_on: Severity = Severity.ERROR
    findings_by_severity: Mapping[str, int] = field(default_factory=_empty)
    errors: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()
    inputs: tuple[InputSummary, ...] = ()
    records: Mapping[str, Mapping[str, int]] = field(default_factory=_empty)
    timings: Mapping[str, float] = field(default_factory=_empty)
    outputs: tuple[Path, ...] = ()
    manifest: Mapping[str, Any] = field(default_factory=_empty)
    message: str = ""
    recovered: tuple[str, ...] = ()
    rows_corrected: int = 0
    evaluation: EvaluationResult | None = None

    @classmethod
    def completed(
        cls,
        done: Evaluated,
        committed: Committed,
        *,
        job: str,
        as_of: dt.date,
        ledger: Path,
        fail_on: Severity,
        timings: Mapping[str, float],
        outputs: tuple[Path, ...],
        message: str,
        recovered: tuple[str, ...],
        rows_corrected: int,
    ) -> RunResult:
        """The result of a run the pipeline evaluated (``done``) and committed. Derived frames
        that are plans, not data, are left out: they scan scratch files (a streamed run's
        parts) that are gone once the run returns."""
        ev = done.evaluation
        derived = {k: f for k, f in ev.derived.items() if isinstance(f, pl.DataFrame)}
        return cls(
            status="completed",
            job=job,
            as_of=as_of,
            ledger=ledger,
            run_id=committed.record.run_id,
            run_key=committed.record.run_key,
            ledger_version=committed.record.ledger_version,
            rules_status=done.rules_status,
            fail_on=fail_on,
            findings_by_severity=done.by_severity,
            errors=done.errors,
            notices=tuple(ev.notices),
            inputs=done.validated.inputs,
            records=committed.records,
            timings=timings,
            outputs=outputs,
            manifest=committed.record.manifest,
            message=message,
            recovered=recovered,
            rows_corrected=rows_corrected,
            evaluation=dataclasses.replace(ev, derived=MappingProxyType(derived)),
        )

    @classmethod
    def unchanged(
        cls,
        record: RunRecord,
        *,
        job: str,
        as_of: dt.date,
        ledger: Path,
        fail_on: Severity,
        message: str,
        recovered: tuple[str, ...],
    ) -> RunResult:
        """The result of a run whose run key ``record`` already committed: what that run
        found, read back from its manifest."""
        manifest = record.manifest
        findings = manifest.get("findings", {})
        by_sev = {str(k): int(v) for k, v in findings.get("by_severity", {}).items()}
        errors = tuple(str(e) for e in manifest.get("errors", []))
        failing = sum(n for s, n in by_sev.items() if Severity(s) >= fail_on)
        return cls(
            status="unchanged",
            job=job,
            as_of=as_of,
            ledger=ledger,
            run_id=record.run_id,
            run_key=record.run_key,
            ledger_version=record.ledger_version,
            rules_status="error" if errors else ("findings" if failing else "ok"),
            fail_on=fail_on,
            findings_by_severity=by_sev,
            errors=errors,
            inputs=tuple(
                InputSummary(**{k: i[k] for k in InputSummary.__dataclass_fields__ if k in i})
                for i in manifest.get("inputs", [])
            ),
            manifest=manifest,
            message=message,
            recovered=recovered,
            rows_corrected=int(manifest.get("rows_corrected", 0)),
        )

    def failing(self, fail_on: Severity | str | None = None) -> int:
        """Unwaived findings at or above ``fail_on`` (default: the job's)."""
        threshold = Severity(fail_on or self.fail_on)
        return sum(n for s, n in self.findings_by_severity.items() if Severity(s) >= threshold)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (what ``credit-ledger run`` prints on stdout)."""
        return {
            "status": self.status,
            "message": self.message,
            "job": self.job,
            "as_of": self.as_of.isoformat(),
            "ledger": str(self.ledger),
            "run_id": self.run_id,
            "run_key": self.run_key,
            "ledger_version": self.ledger_version,
            "rules_status": self.rules_status,
            "fail_on": self.fail_on.value,
            "findings_by_severity": dict(self.findings_by_severity),
            "errors": list(self.errors),
            "notices": list(self.notices),
            "inputs": [i.to_dict() for i in self.inputs],
            "records": {k: dict(v) for k, v in self.records.items()},
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            "outputs": [str(p) for p in self.outputs],
            "recovered": list(self.recovered),
            "rows_corrected": self.rows_corrected,
        }
