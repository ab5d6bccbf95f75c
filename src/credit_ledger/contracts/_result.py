"""What a rule run returns: findings, per-rule outcomes, derived frames, summaries, errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import polars as pl

from credit_ledger.contracts._rule import Persist, Severity

__all__ = [
    "FINDINGS_SCHEMA",
    "OUTCOMES_SCHEMA",
    "EvaluationResult",
    "RunError",
    "RunInfo",
    "RunReport",
    "RunStatus",
]

RunStatus = Literal["ok", "findings", "error"]

FINDINGS_SCHEMA = pl.Schema(
    {
        "rule_id": pl.String(),
        "rule_version": pl.Int64(),
        "severity": pl.String(),
        "scope": pl.String(),
        "kind": pl.String(),
        "record_id": pl.String(),
        "entity_key": pl.String(),
        "message": pl.String(),
        "waived": pl.Boolean(),
        "waiver": pl.String(),
        "_source": pl.String(),
        "_row": pl.Int64(),
    }
)
"""One row per failed record (row scope), entity (entity scope) or dataset (dataset scope).

``record_id`` is the kind's key column (row scope); ``entity_key`` the entity's key value,
masked when the key column holds personal data; ``_source``/``_row`` point at the input (for an
entity, its first row). ``severity`` is the effective one (after the job's overrides)."""

OUTCOMES_SCHEMA = pl.Schema(
    {
        "rule_id": pl.String(),
        "rule_version": pl.Int64(),
        "plugin": pl.String(),
        "kind": pl.String(),
        "scope": pl.String(),
        "severity": pl.String(),
        "declared_severity": pl.String(),
        "status": pl.String(),
        "evaluated": pl.Int64(),
        "failed": pl.Int64(),
        "waived": pl.Int64(),
        "duration_ms": pl.Float64(),
        "error": pl.String(),
    }
)
"""One row per rule and kind: ``status`` is ``pass``, ``fail`` (unwaived failures) or
``error``; ``evaluated`` counts records, entities or 1 (dataset); ``duration_ms`` is the rule's
pre-flight plus its share of the pass it was evaluated in."""


@dataclass(frozen=True, kw_only=True)
class RunError:
    """Something that could not be evaluated or loaded.

    Attributes:
        what: ``rule``, ``derived_column``, ``summary``, ``plugin`` or ``conflict``.
        name: the rule id, column, summary or plugin name.
        plugin: the plugin that contributed it, if known.
        message: why (never holds personal data).
        kind: the record kind concerned, if any.
    """

    what: str
    name: str
    plugin: str | None
    message: str
    kind: str | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "what": self.what,
            "name": self.name,
            "plugin": self.plugin,
            "kind": self.kind,
            "message": self.message,
        }


@dataclass(frozen=True, kw_only=True)
class RunInfo:
    """What notification hooks learn about a run that starts (read-only)."""

    as_of: dt.date
    kinds: tuple[str, ...]
    rules: tuple[str, ...]
    plugins: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class RunReport:
    """What notification hooks learn about a finished run (read-only counts, no data)."""

    status: RunStatus
    rules_passed: int
    rules_failed: int
    rules_errored: int
    findings: int
    findings_by_severity: tuple[tuple[str, int], ...]


@dataclass(frozen=True, kw_only=True, eq=False)
class EvaluationResult:
    """The result of :func:`credit_ledger.rules.evaluate`. The API never exits: the CLI maps
    :meth:`status` to an exit code.

    Attributes:
        as_of: the run date.
        findings: see :data:`FINDINGS_SCHEMA`.
        outcomes: see :data:`OUTCOMES_SCHEMA`.
        derived: per kind, the input rows with every derived column: a DataFrame, or the
            ``LazyFrame`` plan computing them when evaluated with ``streaming=True`` (collect
            or sink it to use it).
        summaries: per summary name, its table.
        persist: per name of a computed summary that asks to be persisted, how
            (``Summary.persist``): a job keeps these tables in its ledger.
        errors: everything that could not be evaluated or loaded (any makes the status error).
        notices: warnings that do not change the status (expired waivers, policy entries
            naming unknown rules, failing notification hooks).
        fail_on: the default threshold of :meth:`status`.
    """

    as_of: dt.date
    findings: pl.DataFrame
    outcomes: pl.DataFrame
    derived: Mapping[str, pl.DataFrame | pl.LazyFrame] = field(
        default_factory=lambda: MappingProxyType({})
    )
    summaries: Mapping[str, pl.DataFrame] = field(default_factory=lambda: MappingProxyType({}))
    persist: Mapping[str, Persist] = field(default_factory=lambda: MappingProxyType({}))
    errors: tuple[RunError, ...] = ()
    notices: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR

    def failing_findings(self, fail_on: Severity | None = None) -> pl.DataFrame:
        """Unwaived findings at or above ``fail_on`` (default: the run's)."""
        threshold = Severity(fail_on or self.fail_on)
        at_or_above = [s.value for s in Severity if s >= threshold]
        return self.findings.filter(~pl.col("waived") & pl.col("severity").is_in(at_or_above))

    def status(self, fail_on: Severity | None = None) -> RunStatus:
        """``error`` if anything could not be evaluated, else ``findings`` if an unwaived
        finding is at or above ``fail_on``, else ``ok``."""
        if self.errors:
            return "error"
        if self.failing_findings(fail_on).height:
            return "findings"
        return "ok"

    def findings_by_severity(self) -> dict[str, int]:
        """Unwaived findings per effective severity (every severity listed)."""
        counts = {s.value: 0 for s in Severity}
        if self.findings.height:
            grouped = self.findings.filter(~pl.col("waived")).group_by("severity").len()
            for sev, n in grouped.iter_rows():
                counts[str(sev)] = int(n)
        return counts

    def report(self, fail_on: Severity | None = None) -> RunReport:
        """Counts only, for notifications and logs."""
        statuses = self.outcomes.get_column("status").to_list()
        return RunReport(
            status=self.status(fail_on),
            rules_passed=statuses.count("pass"),
            rules_failed=statuses.count("fail"),
            rules_errored=statuses.count("error"),
            findings=int((~self.findings.get_column("waived")).sum()),
            findings_by_severity=tuple(self.findings_by_severity().items()),
        )

    def to_dict(self, fail_on: Severity | None = None) -> dict[str, object]:
        """A JSON-ready summary: status, counts, per-rule outcomes and errors (no data rows)."""
        rep = self.report(fail_on)
        return {
            "as_of": self.as_of.isoformat(),
            "status": rep.status,
            "fail_on": str(Severity(fail_on or self.fail_on)),
            "rules": {
                "passed": rep.rules_passed,
                "failed": rep.rules_failed,
                "errored": rep.rules_errored,
            },
            "findings": {
                "total": rep.findings,
                "waived": int(self.findings.get_column("waived").sum()),
                "by_severity": dict(rep.findings_by_severity),
            },
            "outcomes": self.outcomes.to_dicts(),
            "errors": [e.to_dict() for e in self.errors],
            "notices": list(self.notices),
            "summaries": {name: frame.height for name, frame in sorted(self.summaries.items())},
        }
