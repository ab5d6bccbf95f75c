"""Compaction and vacuum with a retention expressed in runs, never in hours.

Delta's own vacuum deletes files by age; here the ``runs`` table decides: every file that a
retained run's table versions still need is kept, whatever its age. With ``keep_runs=None``
every committed run stays readable (only files no run references are deleted: compacted-away
small files no run recorded, and files of interrupted runs).

Data files that no Delta version references at all (written by a run killed before its table
commit) are deleted only once older than the grace period ``orphan_grace_hours`` (default 1 h,
``CREDIT_LEDGER_ORPHAN_GRACE_HOURS``), by :func:`compact` and by the next run's recovery: a
writer outside the ledger's lock may still be about to commit a younger one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
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

__all__ = [
    "ORPHAN_GRACE_ENV",
    "RETENTION_FILE",
    "Maintenance",
    "compact",
    "oldest_readable_version",
    "orphan_grace_hours",
    "remove_orphans",
]

RETENTION_FILE = "_retention.json"
ORPHAN_GRACE_ENV = "CREDIT_LEDGER_ORPHAN_GRACE_HOURS"
DEFAULT_ORPHAN_GRACE_HOURS = 1.0


def orphan_grace_hours(value: float | None = None) -> float:
    """The grace period for unreferenced data files: ``value``, else the environment
    (``CREDIT_LEDGER_ORPHAN_GRACE_HOURS``), else 1 hour.

    Raises:
        LedgerError: a negative or non-numeric value.
    """
    raw: object = value if value is not None else os.environ.get(ORPHAN_GRACE_ENV)
    if raw is None:
        return DEFAULT_ORPHAN_GRACE_HOURS
    try:
        hours = float(raw)  # type: ignore[arg-type]
    except ValueError:
        raise LedgerError(f"{ORPHAN_GRACE_ENV}: {raw!r} is not a number of hours") from None
    if not hours >= 0:
        raise LedgerError(f"orphan grace period must be at least 0 hours, got {raw!r}")
    return hours


def remove_orphans(root: Path, names: list[str], *, grace_hours: float) -> list[str]:
    """Delete the data files of ``names`` that no Delta version references, older than
    ``grace_hours``. Hold the ledger's lock. Returns what was done (one line per table)."""
    done: list[str] = []
    for name in names:
        found = _delta.orphans(root, name, older_than=grace_hours * 3600)
        for path in found:
            path.unlink(missing_ok=True)
        if found:
            done.append(f"removed {len(found)} unreferenced data file(s) of {name}")
    return done


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


def compact(
    ledger: Ledger,
    *,
    keep_runs: int | None = None,
    dry_run: bool = False,
    orphan_grace_hours: float | None = None,
) -> Maintenance:
    """Compact every table of ``ledger`` and vacuum the files no retained run needs.

    Takes the ledger's lock and first recovers an interrupted run.

    Args:
        ledger: the ledger.
        keep_runs: how many of the latest committed runs stay readable with
            :meth:`Ledger.as_of_run` (None: all of them). Older runs stay listed in the runs
            table with their manifests, but their data states are no longer readable.
        dry_run: report what would be deleted, change nothing.
        orphan_grace_hours: files no version references are deleted only when older
            (default: the ledger's, see :func:`orphan_grace_hours`).

    Raises:
        LedgerError: ``keep_runs`` below 1.
        LedgerLockedError: a run is writing the ledger.

    Example:
        >>> Ledger("var/ledger").compact(keep_runs=30)  # doctest: +SKIP
    """
    if keep_runs is not None and keep_runs < 1:
        raise LedgerError("keep_runs must be at least 1 (the last run always stays readable)")
    grace = ledger.orphan_grace_hours if orphan_grace_hours is None else orphan_grace_hours
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
            # Listed by Delta's vacuum, deleted here: a file no version references is
            # spared until it is older than the grace period (vacuum has one age limit for
            # every file), and no VACUUM commit is written.
            listed = table.vacuum(
                retention_hours=0,
                dry_run=True,
                enforce_retention_duration=False,
                full=True,
                keep_versions=keep or None,
            )
            young = {p.name for p in _delta.orphans(ledger.path, name, older_than=0)} - {
                p.name for p in _delta.orphans(ledger.path, name, older_than=grace * 3600)
            }
            files = sorted(str(f) for f in listed if Path(str(f)).name not in young)
            if not dry_run:
                directory = _delta.table_dir(ledger.path, name)
                for f in files:
                    (directory / f).unlink(missing_ok=True)
            deleted[name] = tuple(files)
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
