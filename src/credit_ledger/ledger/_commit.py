"""Writing one run into the ledger: the tables first, the ``runs`` row last.

Consistency across several Delta tables comes from one rule: a table version counts only once
a committed run records it. :class:`Commit` writes the data tables (each write is one atomic
Delta commit) and finally appends the run's row, which names the version of every table; that
single append is the commit point. A crash before it leaves versions nobody references; the
next run's :meth:`Ledger.recover` restores every table to the version the last committed run
recorded (or removes tables it never recorded) before writing anything.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import time
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from credit_ledger._files import make_dirs, private
from credit_ledger.ledger import _delta
from credit_ledger.ledger._schema import (
    BATCH,
    DIGEST,
    FIRST_BATCH,
    RUN_ID,
    RUNS,
    RUNS_SCHEMA,
    records_table,
)
from credit_ledger.ledger._state import LedgerState, RunRecord

if TYPE_CHECKING:
    from credit_ledger.ledger._store import Ledger

__all__ = ["Commit"]

log = logging.getLogger("credit_ledger.ledger")


def write_manifest_file(root: Path, run_id: str, manifest_json: str) -> Path:
    """Write ``manifests/<run_id>.json`` atomically (temporary file, then rename)."""
    directory = root / "manifests"
    make_dirs(directory)
    target = directory / f"{run_id}.json"
    tmp = directory / f".{run_id}.json.tmp"
    tmp.write_text(manifest_json + "\n", encoding="utf-8")
    private(tmp)
    tmp.replace(target)
    return target


def digest(columns: list[str]) -> pl.Expr:
    """A 64-bit digest of the values in ``columns`` (signed, as Delta has no unsigned type).

    The XOR of one hash per column, seeded by the column's name: independent of column order,
    and about three times faster than hashing a struct of the columns (the columns are hashed
    in parallel). A change in one value always changes the digest.
    """
    hashes = [pl.col(c).hash(seed=zlib.crc32(c.encode())) for c in columns]
    return functools.reduce(pl.Expr.xor, hashes, pl.lit(0, pl.UInt64)).reinterpret(signed=True)


class Commit:
    """The writer of one run. Get it from :meth:`Ledger.begin` while holding the lock.

    Writes of different tables may run in different threads (the runner appends the per-run
    tables in the background while it upserts the records); all must have returned before
    :meth:`finish` or :meth:`abort`.

    Example:
        >>> with ledger.lock(job="nightly"):  # doctest: +SKIP
        ...     ledger.recover()
        ...     commit = ledger.begin(run_id="r1")
        ...     commit.upsert_records("dishonest_debtor", valid_rows)
        ...     commit.append("findings", findings)
        ...     record = commit.finish(row, manifest)
    """

    def __init__(self, ledger: Ledger, base: LedgerState, run_id: str) -> None:
        self._ledger = ledger
        self._root = ledger.path
        self.base = base
        self.run_id = run_id
        self._versions: dict[str, int] = dict(base.tables)
        self.finished = False

    def _wrote(self, name: str, at: int, started: float) -> None:
        log.info("ledger: wrote %s version %d in %.2f s", name, at, time.perf_counter() - started)
        self._versions[name] = at

    def upsert_records(
        self, kind: str, frame: pl.DataFrame | pl.LazyFrame, *, key: str
    ) -> _delta.MergeStats:
        """Upsert validated records of ``kind`` by ``key``; ``frame`` holds each key once.

        Adds ``_batch`` (this run), ``_first_batch`` and ``_digest`` (of the canonical values,
        provenance excluded) so a redelivered record with the same content changes nothing.
        A LazyFrame is streamed, never held in memory whole; it is evaluated more than once,
        so it must give the same rows each time.
        """
        started = time.perf_counter()
        columns = frame.collect_schema().names()
        frame = frame.with_columns(
            pl.lit(self.run_id).alias(BATCH),
            pl.lit(self.run_id).alias(FIRST_BATCH),
            digest([c for c in columns if not c.startswith("_")]).alias(DIGEST),
        )
        name = records_table(kind)
        stats = _delta.merge_upsert(
            self._root,
            name,
            frame,
            key=key,
            digest=DIGEST,
            provenance=tuple(c for c in frame.collect_schema() if c.startswith("_")),
            keep=(FIRST_BATCH,),
        )
        self._wrote(name, stats.version, started)
        return stats

    def append(self, table: str, frame: pl.DataFrame | pl.LazyFrame) -> None:
        """Append this run's rows to a per-run table (``run_id`` is added first); a
        LazyFrame is streamed to the table's data file, never held in memory whole."""
        started = time.perf_counter()
        frame = frame.select(pl.lit(self.run_id).alias(RUN_ID), pl.exclude(RUN_ID))
        self._wrote(table, _delta.write(self._root, table, frame), started)

    def finish(self, row: Mapping[str, Any], manifest: Mapping[str, Any]) -> RunRecord:
        """Append the run's row (the commit point), then write its manifest file.

        Args:
            row: the ``runs`` columns other than ``run_id``, ``ledger_version``, ``tables``,
                ``manifest`` and ``committed_at``.
            manifest: the manifest; ``ledger_version`` and ``tables`` are filled in here.
        """
        ledger_version = self.base.ledger_version + 1
        committed_at = dt.datetime.now(dt.UTC)
        tables = dict(sorted(self._versions.items()))
        full_manifest = {**manifest, "ledger_version": ledger_version, "tables": tables}
        manifest_json = json.dumps(full_manifest, ensure_ascii=False, sort_keys=False)
        values = {
            **row,
            "run_id": self.run_id,
            "ledger_version": ledger_version,
            "committed_at": committed_at,
            "tables": json.dumps(tables, sort_keys=True),
            "manifest": manifest_json,
        }
        frame = pl.DataFrame([{c: values.get(c) for c in RUNS_SCHEMA}], schema=RUNS_SCHEMA)
        _delta.write(self._root, RUNS, frame)
        self.finished = True
        write_manifest_file(self._root, self.run_id, manifest_json)
        return RunRecord.from_row(frame.row(0, named=True))

    def abort(self) -> list[str]:
        """Undo this commit's table writes (best effort; :meth:`Ledger.recover` finishes the
        job on the next run). Returns what was done."""
        if self.finished:
            return []
        return self._ledger.rollback_to(self.base)
