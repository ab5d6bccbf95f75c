"""``run(job)``: read → validate → rules → ledger commit → outputs, under the ledger's lock.

The API never exits the process: it returns a :class:`RunResult` or raises an error of the
library's tree (each carrying its exit code), and the CLI maps either to an exit code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import tempfile
from collections.abc import Iterator
from os import PathLike
from pathlib import Path
from typing import Any

from credit_ledger import _redact
from credit_ledger.corrections import CORRECTIONS_OUTPUT, is_returned, returned
from credit_ledger.errors import ConfigError
from credit_ledger.jobs import _signals
from credit_ledger.jobs._config import Job, load_job
from credit_ledger.jobs._manifest import build_manifest, input_accounting, run_key
from credit_ledger.jobs._outputs import (
    StagedOutputs,
    delivered,
    publish,
    stage,
    stage_committed,
    stage_corrections,
    writers,
)
from credit_ledger.jobs._result import RunResult
from credit_ledger.jobs._sources import check_sources, read_source
from credit_ledger.kinds import RecordKind
from credit_ledger.ledger import HeldLock, Ledger, LedgerState, persisted_tables
from credit_ledger.pipeline import (
    Committed,
    Evaluated,
    ExecutionMode,
    FileInput,
    Input,
    MemoryMode,
    Pipeline,
    Progress,
    Read,
    SparkMode,
    StreamedMode,
    Validated,
)
from credit_ledger.pipeline._spark import (
    DEFAULT_BATCH_ROWS as DEFAULT_SPARK_BATCH_ROWS,
)
from credit_ledger.pipeline._spark import DEFAULT_DRIVER_ROWS, DEFAULT_PARTITION_ROWS
from credit_ledger.plugins import CommittedRun, PluginManager, Reporter

__all__ = ["Progress", "run"]

log = logging.getLogger("credit_ledger.jobs")


def _reporters(pm: PluginManager, job: Job) -> list[Reporter]:
    known = {r.name: r for r in pm.reporters()}
    missing = [n for n in job.outputs.reporters if n not in known]
    if missing:
        failed = "".join(f"; plugin {p.name} failed: {p.error}" for p in pm.failed())
        raise ConfigError(
            f"unknown reporter(s) {', '.join(missing)} "
            f"(installed: {', '.join(known) or 'none'}{failed})"
        )
    if job.outputs.reporters and job.outputs.dir is None:
        raise ConfigError("[outputs] reporters need [outputs] dir")
    return [known[n] for n in job.outputs.reporters]


def _resolve_as_of(job: Job, as_of: dt.date | str | None) -> dt.date:
    if isinstance(as_of, str):
        try:
            return dt.date.fromisoformat(as_of)
        except ValueError:
            raise ConfigError(f"as_of {as_of!r} is not a date (YYYY-MM-DD)") from None
    if as_of is not None:
        return as_of
    # The scheduler's date when nothing else says: resolved once here, recorded in the
    # manifest; no rule ever reads the clock.
    return job.as_of or dt.date.today()


def _key_config(job: Job) -> dict[str, Any]:
    config = job.to_dict()
    config.pop("fail_on", None)  # changes the exit code, not the result
    config.pop("batch_rows", None)  # changes how the run holds its data, not the result
    config.pop("engine", None)  # likewise: every engine gives the same result
    return config | ({"unmasked": True} if _redact.is_unmasked() else {})


def run(
    job: Job | str | PathLike[str],
    *,
    as_of: dt.date | str | None = None,
    dry_run: bool = False,
    force: bool = False,
    plugins: PluginManager | None = None,
    progress: Progress | None = None,
    unmasked: bool = False,
    wait: float = 0.0,
    mode: ExecutionMode | None = None,
) -> RunResult:
    """Run a batch job: read → validate → rules → ledger commit → outputs.

    Args:
        job: a :class:`Job` or the path of a TOML job file.
        as_of: the run date (overrides the job; default: the job's, else today).
        dry_run: check configuration, plugins and every rule against the schemas; read no
            data, write nothing.
        force: recompute even if a run with the same run key was committed.
        plugins: the plugin manager to use (default: one built from the job's ``[plugins]``).
        progress: ``progress(stage, done, total)`` callback.
        unmasked: internal use only: natural persons' names and ID numbers are not masked in
            findings, messages and logs. Recorded in the manifest and part of the run key.
        wait: seconds to wait for another run holding the ledger's lock (0: fail at once).
        mode: the execution mode, instead of the one the job's ``engine`` names: e.g.
            ``SparkMode(session=spark)`` to run on a Spark session you hold (it stays open).

    Returns:
        A :class:`RunResult`: ``completed``, ``unchanged`` (same run key already committed;
        nothing done) or ``dry_run``.

    Raises:
        ConfigError: bad configuration, a required plugin missing (exit 2).
        InputError: a source missing or unreadable (exit 2).
        LedgerLockedError: another run holds the ledger (after ``wait`` seconds; exit 3).
        OutputError: outputs or the ledger could not be written; the ledger is unchanged
            (exit 4).

    Example:
        >>> result = run("examples/job.toml", as_of="2025-01-31")  # doctest: +SKIP
        >>> result.status, result.run_id, result.findings_by_severity  # doctest: +SKIP
    """
    job = job if isinstance(job, Job) else load_job(job)
    day = _resolve_as_of(job, as_of)
    config = job.plugins
    pm = plugins or PluginManager(
        modules=config.modules, selection=config.selection, settings=config.settings
    )
    pm.ensure_ready()
    kinds = {name: pm.kind(name) for name in job.kinds}
    own_mode = mode is None
    mode = _mode(job) if mode is None else mode
    pipe = Pipeline(
        kinds=kinds,
        ruleset=pm.ruleset(),
        mode=mode,
        policy=job.policy,
        fail_on=job.fail_on,
        evaluate_on=job.evaluate_on,
        progress=progress,
    )
    batch = _BatchRun(job=job, day=day, pm=pm, pipe=pipe, reporters=_reporters(pm, job))
    if dry_run:
        return batch.dry_run()
    ledger = Ledger(job.ledger)
    try:
        with (
            _signals.watched(),
            ledger.lock(job=job.name, wait=wait) as held,
            _redact.unmasked(unmasked),
        ):
            recovered = tuple(ledger.recover())
            with tempfile.TemporaryDirectory(prefix="credit-ledger-") as scratch:
                return batch.locked(ledger, held, recovered, Path(scratch), force=force)
    finally:
        close = getattr(mode, "close", None)  # a Spark session this run built
        if own_mode and callable(close):
            close()


def _mode(job: Job) -> ExecutionMode:
    """The execution mode the job asks for (``[job] engine``, ``--engine``)."""
    if job.engine == "spark":
        options = job.spark
        return SparkMode(
            master=str(options.get("master", "local[2]")),
            conf={k: str(v) for k, v in options.items() if k.startswith("spark.")},
            batch_rows=job.batch_rows or DEFAULT_SPARK_BATCH_ROWS,
            partition_rows=int(options.get("partition_rows", DEFAULT_PARTITION_ROWS)),
            driver_rows=int(options.get("driver_rows", DEFAULT_DRIVER_ROWS)),
        )
    if job.engine == "streamed":
        return StreamedMode(job.batch_rows) if job.batch_rows else StreamedMode()
    return MemoryMode()


def _as_records(item: Input, kind: RecordKind, base: LedgerState) -> Input:
    """A returned correction workbook as the records it holds: its own columns dropped,
    masked cells restored."""
    fields = ("source", "kind", "location", "sha256", "bytes")
    frame = returned(item.frame.lazy(), kind, base)
    return FileInput(**{k: getattr(item, k) for k in fields}, frame=frame)


@dataclasses.dataclass(frozen=True, kw_only=True)
class _BatchRun:
    """One run of ``job`` as of ``day``: the pipeline, then the ledger and the outputs."""

    job: Job
    day: dt.date
    pm: PluginManager
    pipe: Pipeline
    reporters: list[Reporter]

    def dry_run(self) -> RunResult:
        """Every rule against an empty frame of each kind: the schemas, no data."""
        lines = check_sources(self.job, self.day, formats=self.pm.source_formats())
        done = self.pipe.evaluate(Validated(inputs=(), batches={}, quarantined={}), as_of=self.day)
        rules = done.evaluation.outcomes.height
        return RunResult(
            status="dry_run",
            job=self.job.name,
            as_of=self.day,
            ledger=self.job.ledger,
            rules_status="error" if done.errors else "ok",
            fail_on=self.job.fail_on,
            errors=done.errors,
            notices=(*lines, *done.evaluation.notices),
            message=f"dry run: configuration, {len(self.pm.plugins())} plugin(s) and {rules} "
            f"rule check(s) fit the schemas of {', '.join(self.pipe.kinds)}; no data read",
        )

    def _read(self) -> Iterator[Input]:
        sources, kinds = self.job.sources, self.pipe.kinds
        formats = self.pm.source_formats()
        for i, source in enumerate(sources):
            yield from read_source(
                source, job=self.job, kind=kinds[source.kind], as_of=self.day, formats=formats
            )
            self.pipe.report("read", i + 1, len(sources))

    def _key(self, read: Read) -> str:
        return run_key(
            inputs=[(i.source, i.kind, i.sha256) for i in read.inputs],
            config=_key_config(self.job),
            rules=[(r.id, r.version) for r in self.pipe.ruleset.rules if r.kind in self.pipe.kinds],
            plugins=[(p.name, p.version) for p in self.pm.plugins() if p.status == "active"],
            as_of=self.day.isoformat(),
        )

    def locked(
        self,
        ledger: Ledger,
        held: HeldLock,
        recovered: tuple[str, ...],
        scratch: Path,
        *,
        force: bool,
    ) -> RunResult:
        """The run under the ledger's lock: read, run key, validate, evaluate, stage the
        outputs, commit, publish."""
        job, day, pipe = self.job, self.day, self.pipe
        started = dt.datetime.now(dt.UTC)
        base = ledger.state()
        read = pipe.read(self._read())
        # returned correction workbooks: read as the records they hold
        books = {i.location for i in read.inputs if is_returned(i.frame.lazy())}
        kinds = pipe.kinds
        read = Read(
            inputs=tuple(
                _as_records(i, kinds[i.kind], base) if i.location in books else i
                for i in read.inputs
            )
        )
        key = self._key(read)
        prior = ledger.find_run_key(key)
        if prior is not None and not force:
            message = (
                f"run key {key[:12]} was already committed as run {prior.run_id} "
                f"(ledger version {prior.ledger_version}); nothing to do (--force recomputes)"
            )
            log.info(message)
            return RunResult.unchanged(
                prior,
                job=job.name,
                as_of=day,
                ledger=job.ledger,
                fail_on=job.fail_on,
                message=message,
                recovered=recovered,
            )
        run_id = f"r{base.ledger_version + 1:05d}-{day:%Y%m%d}-{key[:8]}"
        held.note_run(run_id)
        done = pipe.evaluate(pipe.validate(read, scratch / "stream"), as_of=day, base=base)
        accounting = input_accounting(list(done.validated.inputs), books)
        corrected = sum(int(i["rows_corrected"]) for i in accounting)
        staged = self._stage(
            done,
            read,
            accounting,
            run_id=run_id,
            key=key,
            version=base.ledger_version + 1,
        )
        in_ledger = False
        try:
            manifest = build_manifest(
                job,
                run_id=run_id,
                key=key,
                as_of=day,
                started=started,
                forced=prior is not None,
                summaries=accounting,
                plugins=[p.to_dict() for p in self.pm.plugins()],
                outcomes=done.evaluation.outcomes.to_dicts(),
                by_severity=dict(done.by_severity),
                waived=int(done.findings["waived"].fill_null(False).sum()),
                errors=list(done.errors),
                notices=list(done.evaluation.notices),
                outputs=list(staged.files.values()) if staged else [],
            )
            row = done.row(
                run_key=key, job=job.name, as_of=day, started=started, forced=bool(prior)
            )
            row |= {"rows_corrected": corrected}
            # A stop request (SIGINT, SIGTERM) from here on lets the run finish: the ledger
            # then holds it whole and its outputs are in place; before here, the run stops at
            # once and its staged outputs are discarded.
            with _signals.deferred():
                committed = pipe.commit(done, ledger, run_id=run_id, row=row, manifest=manifest)
                in_ledger = True
                outputs = self._publish(staged, ledger, done, committed)
                message = (
                    f"run {run_id} committed: ledger version {committed.record.ledger_version}, "
                    f"{row['rows_in']} rows read, {row['rows_quarantined']} quarantined, "
                    f"{committed.inserted} records new, {committed.updated} changed"
                ) + (f", {corrected} corrected from returned workbooks" if books else "")
                log.info(message)
        except BaseException:
            if staged is not None and not in_ledger:
                staged.discard()
            raise
        return RunResult.completed(
            done,
            committed,
            job=job.name,
            as_of=day,
            ledger=job.ledger,
            fail_on=job.fail_on,
            timings=dict(pipe.clock.timings),
            outputs=tuple(outputs),
            message=message,
            recovered=recovered,
            rows_corrected=corrected,
        )

    def _stage(
        self,
        done: Evaluated,
        read: Read,
        accounting: list[dict[str, Any]],
        *,
        run_id: str,
        key: str,
        version: int,
    ) -> StagedOutputs | None:
        """Write the outputs into a staging directory before the commit (published after)."""
        job = self.job
        with self.pipe.clock.stage("outputs"):  # timed even when there are none
            if job.outputs.dir is None:
                return None
            directory = Path(
                str(job.outputs.dir).format(as_of=self.day, run_id=run_id, job=job.name)
            )
            summary = {
                "run_id": run_id,
                "run_key": key,
                "job": job.name,
                "as_of": self.day.isoformat(),
                "ledger_version": version,
                "rules_status": done.rules_status,
                "fail_on": job.fail_on.value,
                "inputs": accounting,
                "rows_corrected": sum(int(i["rows_corrected"]) for i in accounting),
                "findings": {"by_severity": dict(done.by_severity)},
                "errors": list(done.errors),
                "summaries": {n: t.to_dicts() for n, t in persisted_tables(done.persisted).items()},
            }
            return stage(
                directory,
                run_id,
                writers(
                    job.outputs,
                    summary=summary,
                    findings=done.findings,
                    quarantine=done.quarantine,
                    persisted=persisted_tables(done.persisted),
                    evaluation=done.evaluation,
                    reporters=self.reporters,
                    delivered=delivered(job, read.inputs, self.pipe.kinds),
                ),
            )

    def _publish(
        self, staged: StagedOutputs | None, ledger: Ledger, done: Evaluated, committed: Committed
    ) -> list[Path]:
        """Once the ledger holds the run: the after-commit outputs, then publish them all."""
        if staged is None:
            return []
        run_id = committed.record.run_id
        with self.pipe.clock.stage("outputs"):
            run = CommittedRun(
                ledger=ledger.path,
                run_id=run_id,
                evaluation=done.evaluation,
                references={r.id: tuple(r.references) for r in self.pipe.ruleset.rules},
            )
            stage_committed(staged, self.reporters, run)
            if CORRECTIONS_OUTPUT in self.job.outputs.write:
                stage_corrections(staged, ledger.path, run_id)
            want_manifest = "manifest" in self.job.outputs.write
            return publish(staged, committed.record.manifest_json if want_manifest else None)
