"""The ledger: a directory of Delta tables whose consistent states are the committed runs."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from os import PathLike
from pathlib import Path

import polars as pl

from credit_ledger.errors import LedgerError, RunNotFoundError
from credit_ledger.ledger import _delta
from credit_ledger.ledger._commit import Commit, write_manifest_file
from credit_ledger.ledger._history import History, history
from credit_ledger.ledger._lock import HeldLock, ledger_lock
from credit_ledger.ledger._maintenance import (
    Maintenance,
    compact,
    oldest_readable_version,
    remove_orphans,
)
from credit_ledger.ledger._maintenance import orphan_grace_hours as orphan_grace_hours_setting
from credit_ledger.ledger._schema import PER_RUN_TABLES, RECORDS_PREFIX, RUNS, RUNS_SCHEMA
from credit_ledger.ledger._state import LedgerState, RunRecord

__all__ = ["Ledger"]

log = logging.getLogger("credit_ledger.ledger")


class Ledger:
    """A persistent ledger of runs on Delta Lake, in a local directory.

    Readers only ever see committed runs: :meth:`state` is the last one,
    :meth:`as_of_run` and :meth:`as_of_version` any earlier one (time travel). Writing is done
    by :func:`credit_ledger.run`, through :meth:`begin` under :meth:`lock`.

    Args:
        path: the ledger directory (need not exist yet).
        orphan_grace_hours: data files no Delta version references (left by a killed run)
            are deleted by the next run and by :meth:`compact` once older than this (default:
            ``CREDIT_LEDGER_ORPHAN_GRACE_HOURS``, else 1 hour).

    Example:
        >>> ledger = Ledger("var/ledger")  # doctest: +SKIP
        >>> ledger.runs().select("run_id", "as_of", "status")  # doctest: +SKIP
        >>> first = ledger.as_of_run(ledger.runs()["run_id"][0])  # doctest: +SKIP
        >>> first.records("dishonest_debtor").collect()  # doctest: +SKIP
    """

    def __init__(
        self, path: str | PathLike[str], *, orphan_grace_hours: float | None = None
    ) -> None:
        self.path = Path(path)
        self.orphan_grace_hours = orphan_grace_hours_setting(orphan_grace_hours)

    def __repr__(self) -> str:
        return f"Ledger({str(self.path)!r})"

    # -- runs ----------------------------------------------------------------------------

    def runs(self) -> pl.DataFrame:
        """Every committed run, one row each, oldest first (see ``RUNS_SCHEMA``)."""
        at = _delta.version(self.path, RUNS)
        if at is None:
            return pl.DataFrame(schema=RUNS_SCHEMA)
        try:
            frame = _delta.scan(self.path, RUNS, at).collect()
        except Exception as exc:  # deltalake raises its own untyped errors
            raise LedgerError(f"ledger {self.path}: cannot read the runs table: {exc}") from exc
        if "rows_corrected" not in frame.columns:  # a ledger written before the column
            frame = frame.with_columns(pl.lit(None, pl.Int64).alias("rows_corrected"))
        return frame.with_columns(pl.col("rows_corrected").fill_null(0)).sort("ledger_version")

    def last_run(self) -> RunRecord | None:
        """The last committed run, or None for an empty ledger."""
        runs = self.runs()
        return RunRecord.from_row(runs.row(-1, named=True)) if runs.height else None

    def run(self, run_id: str) -> RunRecord:
        """The committed run ``run_id``.

        Raises:
            RunNotFoundError: no committed run has that id.
        """
        found = self.runs().filter(pl.col("run_id") == run_id)
        if not found.height:
            raise RunNotFoundError(f"ledger {self.path} has no committed run {run_id!r}")
        return RunRecord.from_row(found.row(0, named=True))

    def find_run_key(self, run_key: str) -> RunRecord | None:
        """The latest committed run with ``run_key``, if any."""
        found = self.runs().filter(pl.col("run_key") == run_key)
        return RunRecord.from_row(found.row(-1, named=True)) if found.height else None

    # -- states ----------------------------------------------------------------------------

    def state(self) -> LedgerState:
        """The state left by the last committed run (empty for a new ledger)."""
        return LedgerState(path=self.path, run=self.last_run())

    def as_of_run(self, run_id: str) -> LedgerState:
        """The state as committed run ``run_id`` left it.

        Raises:
            RunNotFoundError: no committed run has that id.
        """
        return self._readable(self.run(run_id))

    def as_of_version(self, version: int) -> LedgerState:
        """The state at ledger version ``version`` (the ``version``-th committed run; 0 is
        the empty ledger).

        Raises:
            RunNotFoundError: no such version.
        """
        if version == 0:
            return LedgerState(path=self.path, run=None)
        found = self.runs().filter(pl.col("ledger_version") == version)
        if not found.height:
            last = self.last_run()
            raise RunNotFoundError(
                f"ledger {self.path} has no version {version} "
                f"(versions 0..{last.ledger_version if last else 0})"
            )
        return self._readable(RunRecord.from_row(found.row(0, named=True)))

    def _readable(self, run: RunRecord) -> LedgerState:
        oldest = oldest_readable_version(self.path)
        if run.ledger_version < oldest:
            raise LedgerError(
                f"ledger {self.path}: the state of run {run.run_id} (version "
                f"{run.ledger_version}) was vacuumed; versions from {oldest} on are readable"
            )
        return LedgerState(path=self.path, run=run)

    # -- writing ---------------------------------------------------------------------------

    def lock(
        self, *, job: str = "", wait: float = 0.0
    ) -> contextlib.AbstractContextManager[HeldLock]:
        """The exclusive lock against overlapping runs (a context manager).

        Args:
            job: a label shown to a run that finds the ledger locked.
            wait: seconds to wait for another holder (0: fail at once).

        Raises:
            LedgerLockedError: another process still holds it; the message names it.
            ConfigError: the ledger's filesystem does not support locks.
        """
        return ledger_lock(self.path, job=job, wait=wait)

    def begin(self, run_id: str) -> Commit:
        """Start writing run ``run_id`` on top of the last committed state. Hold :meth:`lock`
        and call :meth:`recover` first."""
        return Commit(self, self.state(), run_id)

    def _tables_on_disk(self) -> Iterator[str]:
        for name in PER_RUN_TABLES:
            if (_delta.table_dir(self.path, name) / "_delta_log").is_dir():
                yield name
        records = self.path / RECORDS_PREFIX.rstrip("/")
        if records.is_dir():
            for sub in sorted(records.iterdir()):
                if (sub / "_delta_log").is_dir():
                    yield RECORDS_PREFIX + sub.name

    def rollback_to(self, state: LedgerState) -> list[str]:
        """Bring every data table back to the version ``state`` recorded: restore tables
        written since, remove tables it did not know. Hold :meth:`lock`. Returns what was
        done (one line per table)."""
        done: list[str] = []
        for name in list(self._tables_on_disk()):
            committed = state.tables.get(name)
            if committed is None:
                _delta.delete_table(self.path, name)
                done.append(f"removed uncommitted table {name}")
                continue
            current = _delta.version(self.path, name)
            if current is not None and _delta.restore(self.path, name, committed):
                done.append(f"restored {name} from version {current} to {committed}")
        return done

    def recover(self) -> list[str]:
        """Undo whatever an interrupted run left behind, before writing. Hold :meth:`lock`.

        Tables written after the last committed run are restored to the versions that run
        recorded; data files no version references are deleted once older than the grace
        period; a missing manifest file of the last run is rewritten from its row.
        Returns what was done (empty when the ledger was clean).
        """
        state = self.state()
        _delta.empty_trash(self.path)
        done = self.rollback_to(state)
        tables = [*self._tables_on_disk(), *([RUNS] if _delta.exists(self.path, RUNS) else [])]
        done += remove_orphans(self.path, tables, grace_hours=self.orphan_grace_hours)
        if state.run is not None:
            target = self.path / "manifests" / f"{state.run.run_id}.json"
            if not target.exists():
                write_manifest_file(self.path, state.run.run_id, state.run.manifest_json)
                done.append(f"rewrote manifest of run {state.run.run_id}")
        for line in done:
            log.warning("ledger %s: recovery: %s", self.path, line)
        return done

    # -- reading across runs ---------------------------------------------------------------

    def summary(self, name: str, *, all_runs: bool = False) -> pl.LazyFrame:
        """The persisted summary ``name`` (``Summary(persist=...)``) of the last committed
        run, or of every run with ``all_runs``: typed rows with ``run_id``, ``as_of`` and
        ``summary`` in front. See :meth:`LedgerState.summary`.

        Example:
            >>> Ledger("var/ledger").summary("mypack.fines").collect()  # doctest: +SKIP
        """
        return self.state().summary(name, all_runs=all_runs)

    def history(
        self,
        *,
        kind: str | None = None,
        window: int = 5,
        rows_threshold: float = 0.5,
        quarantine_threshold: float = 0.05,
    ) -> History:
        """Per-run record counts, per-period ledger balances and source drift flags.

        See :func:`credit_ledger.ledger.history`.
        """
        return history(
            self,
            kind=kind,
            window=window,
            rows_threshold=rows_threshold,
            quarantine_threshold=quarantine_threshold,
        )

    def compact(
        self,
        *,
        keep_runs: int | None = None,
        dry_run: bool = False,
        orphan_grace_hours: float | None = None,
    ) -> Maintenance:
        """Compact small files and vacuum files no retained run needs.

        See :func:`credit_ledger.ledger.compact`.
        """
        return compact(
            self, keep_runs=keep_runs, dry_run=dry_run, orphan_grace_hours=orphan_grace_hours
        )
