"""Compaction and vacuum with a retention expressed in runs, never in hours.

Delta's own vacuum deletes files by age; here the ``runs`` table decides: every file that a
retained run's table versions still need is kept, whatever its age. With ``keep_runs=None``
every committed run stays readable (only files no run references are deleted: compacted-away
small files no run recorded, and files of interrupted runs).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from deltalake import DeltaTable

from credit_ledger._files import private
from credit_ledger.errors import LedgerError
from credit_ledger.ledger import _delta
from credit_ledger.ledger._schema import RUNS
from credit_ledger.ledger._state import RunRecord

if TYPE_CHECKING:
    from credit_ledger.ledger._store import Ledger

__all__ = ["RETENTION_FILE", "Maintenance", "compact", "oldest_readable_version"]

RETENTION_FILE = "_retention.json"


@dataclass(frozen=True, kw_only=True)
class Maintenance:
    """What :meth:`Ledger.compact` did (or would do, with ``dry_run``).

    Attributes:
        compacted: per table, the number of small files merged away.
        deleted: per table, the data files deleted by the vacuum.
        oldest_readable_version: the oldest ledger version whose state stays readable.
        dry_run: whether nothing was changed.
    """

    compacted: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    deleted: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    oldest_readable_version: int = 0
    dry_run: bool = False


def oldest_readable_version(root: Path) -> int:
    """The oldest ledger version a past vacuum kept readable (0: all of them)."""
    path = root / RETENTION_FILE
    if not path.exists():
        return 0
    data = json.loads(path.read_text(encoding="utf-8"))
    return int(data.get("oldest_readable_version", 0))


def compact(ledger: Ledger, *, keep_runs: int | None = None, dry_run: bool = False) -> Maintenance:
    """Compact every table of ``ledger`` and vacuum the files no retained run needs.

    Takes the ledger's lock and first recovers an interrupted run.

    Args:
        ledger: the ledger.
        keep_runs: how many of the latest committed runs stay readable with
            :meth:`Ledger.as_of_run` (None: all of them). Older runs stay listed in the runs
            table with their manifests, but their data states are no longer readable.
        dry_run: report what would be deleted, change nothing.

    Raises:
        LedgerError: ``keep_runs`` below 1.
        LedgerLockedError: a run is writing the ledger.

    Example:
        >>> Ledger("var/ledger").compact(keep_runs=30)  # doctest: +SKIP
    """
    if keep_runs is not None and keep_runs < 1:
        raise LedgerError("keep_runs must be at least 1 (the last run always stays readable)")
    with ledger.lock(job="compact"):
        if not dry_run:
            ledger.recover()
        runs = ledger.runs()
        retained = runs if keep_runs is None else runs.tail(keep_runs)
        records = [RunRecord.from_row(r) for r in retained.iter_rows(named=True)]
        oldest = records[0].ledger_version if records else 0
        protected: dict[str, set[int]] = {}
        for rec in records:
            for name, version in rec.tables.items():
                protected.setdefault(name, set()).add(version)
        compacted: dict[str, int] = {}
        deleted: dict[str, tuple[str, ...]] = {}
        names = [*ledger._tables_on_disk(), RUNS]
        for name in names:
            if not _delta.exists(ledger.path, name):
                continue
            table = DeltaTable(str(_delta.table_dir(ledger.path, name)))
            if not dry_run:
                metrics = table.optimize.compact()
                compacted[name] = int(metrics.get("numFilesRemoved", 0))
            keep = sorted(protected.get(name, set()))
            files = table.vacuum(
                retention_hours=0,
                dry_run=dry_run,
                enforce_retention_duration=False,
                full=True,
                keep_versions=keep or None,
            )
            deleted[name] = tuple(sorted(str(f) for f in files))
            if not dry_run:  # deltalake writes its files with its own modes
                private(_delta.table_dir(ledger.path, name))
        if not dry_run and keep_runs is not None:
            info = {
                "oldest_readable_version": oldest,
                "keep_runs": keep_runs,
                "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
            (ledger.path / RETENTION_FILE).write_text(json.dumps(info) + "\n", encoding="utf-8")
            private(ledger.path / RETENTION_FILE)
    return Maintenance(
        compacted=MappingProxyType(compacted),
        deleted=MappingProxyType(deleted),
        oldest_readable_version=oldest if keep_runs is not None else 0,
        dry_run=dry_run,
    )
