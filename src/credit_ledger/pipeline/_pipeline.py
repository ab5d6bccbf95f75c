"""The pipeline: read → validate → evaluate → (commit), one object with its execution mode.

``check``, ``demo`` and ``run`` build a :class:`Pipeline` and call its stages; each stage takes
the typed result of the one before (:mod:`credit_ledger.pipeline._results`), is timed by the
pipeline's :class:`Clock` and reports progress through its :data:`Progress` callback.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from credit_ledger.errors import CreditLedgerError, OutputError, describe
from credit_ledger.kinds import RecordKind
from credit_ledger.ledger import (
    FINDINGS,
    INPUTS,
    QUARANTINE,
    RULE_OUTCOMES,
    SUMMARIES,
    Ledger,
    LedgerState,
    persisted_rows,
)
from credit_ledger.ledger._schema import INPUTS_SCHEMA
from credit_ledger.pipeline import _stages
from credit_ledger.pipeline._modes import ExecutionMode, MemoryMode
from credit_ledger.pipeline._results import (
    Committed,
    Evaluated,
    EvaluationRequest,
    Input,
    Read,
    Validated,
)
from credit_ledger.rules import EvaluationResult, RulePolicy, RuleSet, Severity

if TYPE_CHECKING:
    import datetime as dt

__all__ = ["Clock", "Pipeline", "Progress", "counts", "rule_errors"]

log = logging.getLogger("credit_ledger.jobs")

_INPUTS = pl.Schema({k: v for k, v in INPUTS_SCHEMA.items() if k != "run_id"})

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as a stage advances (for progress bars)."""


class Clock:
    """Seconds per stage (a stage entered twice adds up), logged as each one ends."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as stage ``name``."""
        start = time.perf_counter()
        log.info("stage %s: started", name)
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start
            log.info("stage %s: %.3f s", name, self.timings[name])


def counts(findings: pl.DataFrame) -> dict[str, int]:
    """Unwaived findings per severity (every severity present, 0 when none)."""
    counts = {s.value: 0 for s in Severity}
    unwaived = findings.filter(~pl.col("waived").fill_null(False))
    for sev, n in unwaived.group_by("severity").len().iter_rows():
        counts[str(sev)] = int(n)
    return counts


def rule_errors(evaluation: EvaluationResult) -> tuple[str, ...]:
    """What could not be evaluated, one line each."""
    return tuple(f"{e.what} {e.name}: {e.message}" for e in evaluation.errors)


def _rules_status(
    errors: tuple[str, ...], by_severity: Mapping[str, int], fail_on: Severity
) -> Literal["ok", "findings", "error"]:
    if errors:
        return "error"
    failing = sum(n for s, n in by_severity.items() if Severity(s) >= fail_on)
    return "findings" if failing else "ok"


@dataclass(frozen=True, kw_only=True)
class Pipeline:
    """read → validate → evaluate → (commit) for records of ``kinds`` under ``ruleset``.

    The execution ``mode`` is chosen once, here; every stage that holds data goes through it
    (:class:`MemoryMode` by default, :class:`StreamedMode` for inputs larger than memory).

    Example:
        >>> pipe = Pipeline(kinds={"admin_penalty": kind},
        ...                 ruleset=pm.ruleset())  # doctest: +SKIP
        >>> validated = pipe.validate(pipe.read(inputs), scratch)  # doctest: +SKIP
        >>> pipe.evaluate(validated, as_of=day).rules_status  # doctest: +SKIP
        'findings'
    """

    kinds: Mapping[str, RecordKind]
    ruleset: RuleSet
    mode: ExecutionMode = field(default_factory=MemoryMode)
    policy: RulePolicy = field(default_factory=RulePolicy)
    fail_on: Severity = Severity.ERROR
    evaluate_on: Literal["batch", "state"] = "batch"
    clock: Clock = field(default_factory=Clock)
    progress: Progress | None = None

    def report(self, stage: str, done: int, total: int) -> None:
        """Tell the ``progress`` callback, if any, that ``stage`` advanced."""
        if self.progress is not None:
            self.progress(stage, done, total)

    def read(self, inputs: Iterable[Input]) -> Read:
        """The read stage: take ``inputs`` (delivery order; an iterator is read here, inside
        the stage's timing)."""
        with self.clock.stage("read"):
            return Read(inputs=tuple(inputs))

    def validate(self, read: Read, scratch: Path) -> Validated:
        """The validate stage, through the mode; ``scratch`` lives as long as the run."""
        with self.clock.stage("validate"):
            validated = self.mode.validate(read.inputs, self.kinds, scratch)
            self.report("validate", 1, 1)
        return validated

    def evaluate(
        self, validated: Validated, *, as_of: dt.date, base: LedgerState | None = None
    ) -> Evaluated:
        """The evaluate stage: the rules on this batch (or, with ``evaluate_on="state"``, on
        ``base``'s records with the batch applied); summaries that ask see the quarantined
        rows and the history of the runs up to ``base``."""
        kinds = tuple(self.kinds.values())
        with self.clock.stage("rules"):
            wanted = _stages.history_kinds(self.ruleset)
            history = (
                _stages.history_by_kind([k for k in kinds if k.name in wanted], base)
                if base is not None
                else {}
            )
            request = EvaluationRequest(
                as_of=as_of,
                rules=self.ruleset,
                policy=self.policy,
                fail_on=self.fail_on,
                kinds=kinds,
                quarantine=MappingProxyType(dict(validated.quarantined)),
                history=MappingProxyType(history),
            )
            frames = _stages.state_frames(
                kinds, validated.batches, base, evaluate_on=self.evaluate_on
            )
            evaluation = self.mode.evaluate(frames, request)
            findings = pl.concat(
                [
                    evaluation.findings,
                    _stages.expired_waiver_findings(self.policy, self.ruleset, as_of),
                ],
                how="vertical_relaxed",
            )
            persisted = persisted_rows(evaluation, as_of)
            self.report("rules", 1, 1)
        by_severity = counts(findings)
        errors = rule_errors(evaluation)
        for line in evaluation.notices:
            log.warning("%s", line)
        for line in errors:
            log.error("%s", line)
        return Evaluated(
            validated=validated,
            evaluation=evaluation,
            findings=findings,
            quarantine=_stages.quarantine_rows(validated.quarantined),
            persisted=persisted,
            by_severity=MappingProxyType(by_severity),
            errors=errors,
            rules_status=_rules_status(errors, by_severity, self.fail_on),
        )

    def commit(
        self,
        done: Evaluated,
        ledger: Ledger,
        *,
        run_id: str,
        row: Mapping[str, Any],
        manifest: Mapping[str, Any],
    ) -> Committed:
        """The commit stage: append the run's tables and upsert its records as one ledger
        commit; ``row`` and ``manifest`` get the records' counts and the timings added (the
        caller's mappings are left as they are).

        Raises:
            OutputError: the ledger could not be written; it is unchanged (rolled back).
        """
        commit = ledger.begin(run_id)
        batches = done.validated.batches
        records: dict[str, dict[str, int]] = {}
        try:
            with self.clock.stage("commit"):
                start = time.perf_counter()
                inputs = [s.to_dict() for s in done.validated.inputs]
                tables: list[tuple[str, pl.DataFrame | pl.LazyFrame]] = [
                    (INPUTS, pl.DataFrame(inputs, schema=_INPUTS)),
                    (QUARANTINE, done.quarantine),
                    (FINDINGS, done.findings),
                    (RULE_OUTCOMES, done.evaluation.outcomes),
                    *([(SUMMARIES, done.persisted)] if done.persisted is not None else []),
                ]
                # The per-run tables are written in the background while the records are
                # upserted (about 15 % faster: Polars' Parquet writer leaves a core idle at
                # times). Leaving the block waits for them, so nothing is written after a
                # rollback.
                with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger") as pool:
                    appended = [pool.submit(commit.append, name, frame) for name, frame in tables]
                    for name, batch in batches.items():
                        stats = commit.upsert_records(
                            name, _stages.ledger_records(batch), key=batch.kind.key
                        )
                        records[name] = {
                            "inserted": stats.inserted,
                            "updated": stats.updated,
                            "unchanged": stats.unchanged,
                            "duplicates": batch.duplicates,
                        }
                        self.report("commit", len(records), len(batches) + 1)
                    for future in appended:
                        future.result()
                timings = {k: round(v, 4) for k, v in self.clock.timings.items()}
                record = commit.finish(
                    {
                        **row,
                        "records_inserted": sum(r["inserted"] for r in records.values()),
                        "records_updated": sum(r["updated"] for r in records.values()),
                    },
                    {
                        **manifest,
                        "records": records,
                        "timings": timings | {"commit": round(time.perf_counter() - start, 4)},
                    },
                )
                self.report("commit", len(records) + 1, len(batches) + 1)
        except BaseException as exc:
            try:
                for line in commit.abort():
                    log.warning("ledger %s: rolled back: %s", ledger.path, line)
            except Exception as abort_exc:  # the next run's recover() finishes the job
                log.error(
                    "rollback failed (%s); the next run will recover the ledger",
                    describe(abort_exc),
                )
            if isinstance(exc, CreditLedgerError) or not isinstance(exc, Exception):
                raise
            raise OutputError(
                f"ledger {ledger.path}: commit failed ({describe(exc)}); the ledger is unchanged"
            ) from exc
        return Committed(record=record, records=MappingProxyType(records))
