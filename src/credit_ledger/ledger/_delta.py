"""Delta Lake primitives the ledger is built from, used through Polars and ``deltalake``.

Every function takes the ledger root and a table name (``"findings"``, ``"records/<kind>"``).
Callers hold the ledger lock while writing; readers always pass an explicit version (the one
recorded in a committed run), never "latest".
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from deltalake import DeltaTable

__all__ = [
    "TABLE_CONFIG",
    "MergeStats",
    "append",
    "delete_table",
    "empty_trash",
    "exists",
    "merge_upsert",
    "restore",
    "same_as",
    "scan",
    "table_dir",
    "version",
]

TABLE_CONFIG: dict[str, str | None] = {
    # Old versions stay readable until *our* vacuum decides otherwise: the runs table, not
    # a clock, says which versions are still referenced.
    "delta.enableExpiredLogCleanup": "false",
    "delta.logRetentionDuration": "interval 36500 days",
    "delta.deletedFileRetentionDuration": "interval 36500 days",
}


@dataclass(frozen=True, kw_only=True)
class MergeStats:
    """What an upsert did.

    Attributes:
        version: the table version written (unchanged if nothing was written).
        inserted: new records.
        updated: records whose content changed.
        unchanged: records delivered again with the same content.
    """

    version: int
    inserted: int
    updated: int
    unchanged: int


def table_dir(root: Path, name: str) -> Path:
    """The directory of table ``name`` under the ledger ``root``."""
    return root.joinpath(*name.split("/"))


def exists(root: Path, name: str) -> bool:
    """Whether table ``name`` exists (has a Delta log)."""
    return (table_dir(root, name) / "_delta_log").is_dir() and DeltaTable.is_deltatable(
        str(table_dir(root, name))
    )


def version(root: Path, name: str) -> int | None:
    """The latest version of ``name`` on disk, or None if the table does not exist."""
    if not exists(root, name):
        return None
    return int(DeltaTable(str(table_dir(root, name))).version())


def scan(root: Path, name: str, at: int) -> pl.LazyFrame:
    """Table ``name`` as it was at version ``at``."""
    return pl.scan_delta(str(table_dir(root, name)), version=at)


def _storable(frame: pl.DataFrame) -> pl.DataFrame:
    """Delta has no null or unsigned types: store them as String / Int64."""
    casts: dict[str, type[pl.DataType] | pl.DataType] = {}
    for name, dtype in frame.schema.items():
        if dtype == pl.Null:
            casts[name] = pl.String
        elif dtype.is_unsigned_integer():
            casts[name] = pl.Int64
    return frame.cast(casts) if casts else frame  # type: ignore[arg-type]


def append(root: Path, name: str, frame: pl.DataFrame) -> int:
    """Append ``frame`` to ``name`` (created on first use, columns added as needed).

    An empty frame creates the table (so readers see its schema) but adds no version to an
    existing one. Returns the table's version afterwards.
    """
    path = str(table_dir(root, name))
    frame = _storable(frame)
    current = version(root, name)
    if current is not None and frame.height == 0:
        return current
    options: dict[str, object] = {"schema_mode": "merge"}
    if current is None:
        table_dir(root, name).parent.mkdir(parents=True, exist_ok=True)
        options = {"configuration": TABLE_CONFIG}
    frame.write_delta(path, mode="append", delta_write_options=options)
    return int(DeltaTable(path).version())


def merge_upsert(
    root: Path, name: str, frame: pl.DataFrame, *, key: str, digest: str, keep: tuple[str, ...]
) -> MergeStats:
    """Upsert ``frame`` into ``name`` by ``key``: insert new keys; update a matched row only
    when its ``digest`` column differs (so a record delivered twice changes nothing); never
    overwrite the ``keep`` columns of an existing row (e.g. the batch it first arrived in).

    ``frame`` must hold each key once. Polars first finds the new and changed rows (a join on
    ``key`` and ``digest``); only those go to Delta's MERGE, whose cost grows with the size of
    its source, and nothing is written when nothing changed.
    """
    frame = _storable(frame)
    current = version(root, name)
    if current is None:
        v = append(root, name, frame)
        return MergeStats(version=v, inserted=frame.height, updated=0, unchanged=0)
    old = scan(root, name, current).select(pl.col(key), pl.col(digest).alias("__old_digest"))
    changes = (
        frame.lazy()
        .join(old, on=key, how="left")
        .filter(pl.col("__old_digest").is_null() | (pl.col(digest) != pl.col("__old_digest")))
        .collect()
    )
    inserted = int(changes["__old_digest"].is_null().sum())
    updated = changes.height - inserted
    if changes.height == 0:
        return MergeStats(version=current, inserted=0, updated=0, unchanged=frame.height)
    source = changes.drop("__old_digest")
    updates = {f'"{c}"': f's."{c}"' for c in source.columns if c not in keep}
    (
        DeltaTable(str(table_dir(root, name)))
        .merge(
            source,
            predicate=f's."{key}" = t."{key}"',
            source_alias="s",
            target_alias="t",
            merge_schema=True,
        )
        .when_matched_update(updates=updates)
        .when_not_matched_insert_all()
        .execute()
    )
    return MergeStats(
        version=int(DeltaTable(str(table_dir(root, name))).version()),
        inserted=inserted,
        updated=updated,
        unchanged=frame.height - inserted - updated,
    )


_NO_DATA_CHANGE = frozenset({"OPTIMIZE", "VACUUM START", "VACUUM END"})


def same_as(root: Path, name: str, committed: int) -> bool:
    """Whether the latest version of ``name`` holds the same data as version ``committed``:
    every later version is maintenance (compaction, vacuum) or a restore to ``committed``."""
    table = DeltaTable(str(table_dir(root, name)))
    latest = int(table.version())
    if latest <= committed:
        return latest == committed
    for entry in table.history(limit=latest - committed):
        if int(entry.get("version", -1)) <= committed:
            break
        op = str(entry.get("operation", ""))
        if op in _NO_DATA_CHANGE:
            continue
        params = entry.get("operationParameters") or {}
        return op == "RESTORE" and str(params.get("version")) == str(committed)
    return True


def restore(root: Path, name: str, to: int) -> bool:
    """Make version ``to`` the latest state of ``name`` again (a new RESTORE version) unless
    it already is. Returns whether a version was written."""
    if same_as(root, name, to):
        return False
    DeltaTable(str(table_dir(root, name))).restore(to)
    return True


def delete_table(root: Path, name: str) -> None:
    """Remove table ``name`` entirely (only for tables no committed run references).

    The directory is first renamed aside (atomic), so a crash while deleting never leaves a
    half-deleted Delta log where the next run would look for the table.
    """
    directory = table_dir(root, name)
    if not directory.exists():
        return
    trash = directory.parent / f".trash-{directory.name}-{uuid.uuid4().hex[:8]}"
    directory.rename(trash)
    shutil.rmtree(trash, ignore_errors=True)


def empty_trash(root: Path) -> None:
    """Finish deletions a crash interrupted (see :func:`delete_table`)."""
    for parent in (root, root / "records"):
        if parent.is_dir():
            for trash in parent.glob(".trash-*"):
                shutil.rmtree(trash, ignore_errors=True)
