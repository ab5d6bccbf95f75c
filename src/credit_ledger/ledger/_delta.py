"""Delta Lake primitives the ledger is built from, used through Polars and ``deltalake``.

Every function takes the ledger root and a table name (``"findings"``, ``"records/<kind>"``).
Callers hold the ledger lock while writing; readers always pass an explicit version (the one
recorded in a committed run), never "latest". Polars writes the Parquet data files (with file
statistics from their footers); ``deltalake`` only commits them to the table's log.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import polars as pl
import pyarrow.parquet as pq
from deltalake import DeltaTable
from deltalake import Schema as DeltaSchema
from deltalake.transaction import AddAction, create_table_with_add_actions

from credit_ledger._files import make_dirs, private

__all__ = [
    "TABLE_CONFIG",
    "MergeStats",
    "delete_table",
    "empty_trash",
    "exists",
    "merge_upsert",
    "orphans",
    "referenced_files",
    "restore",
    "same_as",
    "scan",
    "table_dir",
    "version",
    "write",
]

TABLE_CONFIG: dict[str, str | None] = {
    # Old versions stay readable until *our* vacuum decides otherwise: the runs table, not
    # a clock, says which versions are still referenced.
    "delta.enableExpiredLogCleanup": "false",
    "delta.logRetentionDuration": "interval 36500 days",
    "delta.deletedFileRetentionDuration": "interval 36500 days",
}

#: String columns of record tables that never hold personal data and are worth skipping by.
_PUBLIC_STRINGS = frozenset({"run_id", "kind", "record_id", "_source", "_batch", "_first_batch"})
_STATS_COLUMNS = "delta.dataSkippingStatsColumns"


def _bounded(name: str, schema: pl.Schema) -> set[str] | None:
    """The columns of table ``name`` that get min/max statistics; None for all of them.

    Delta keeps per-file min/max values in its log as plain JSON. The record tables and the
    quarantine hold names and ID numbers of natural persons in String columns, so there only
    non-String columns and a few ids get bounds (null counts are kept for every column).
    """
    if not (name.startswith("records/") or name == "quarantine"):
        return None
    return {c for c, t in schema.items() if t != pl.String or c in _PUBLIC_STRINGS}


def _config(name: str, schema: pl.Schema) -> dict[str, str | None]:
    """A new table's properties: :data:`TABLE_CONFIG`, plus for record tables the columns
    deltalake itself may keep statistics of (compaction rewrites files and their statistics)."""
    bounded = _bounded(name, schema)
    if bounded is None:
        return dict(TABLE_CONFIG)
    kept = [c for c in schema.names() if c in bounded and not schema[c].is_nested()]
    return {**TABLE_CONFIG, _STATS_COLUMNS: ",".join(kept)}


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


def _storable(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Delta has no null or unsigned types: store them as String / Int64."""
    casts: dict[str, type[pl.DataType] | pl.DataType] = {}
    for name, dtype in frame.collect_schema().items():
        if dtype == pl.Null:
            casts[name] = pl.String
        elif dtype.is_unsigned_integer():
            casts[name] = pl.Int64
    return frame.cast(casts)  # type: ignore[arg-type]


def _bound(value: object) -> str | int | None:
    """A min/max that every Delta reader compares correctly: strings, integers, dates."""
    if isinstance(value, bool | dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if isinstance(value, str | int) else None


def _stats(meta: pq.FileMetaData, columns: set[str], bounded: set[str] | None) -> str:
    """Delta file statistics, taken from the footer of the Parquet file Polars just wrote.

    Null counts of every flat column; min/max of strings (Polars truncates long ones to valid
    bounds), integers and dates, for the ``bounded`` columns only (None: all). A reader skips
    files by these, so none is guessed.
    """
    chunks: dict[str, list[Any]] = {}
    for g in range(meta.num_row_groups):
        for i in range(meta.num_columns):
            chunk = meta.row_group(g).column(i)
            chunks.setdefault(chunk.path_in_schema, []).append(chunk.statistics)
    low: dict[str, str | int] = {}
    high: dict[str, str | int] = {}
    nulls: dict[str, int] = {}
    for name, found in chunks.items():
        if name not in columns or not all(s is not None and s.has_null_count for s in found):
            continue
        nulls[name] = sum(int(s.null_count) for s in found)
        if bounded is not None and name not in bounded:
            continue
        bounds = [(_bound(s.min), _bound(s.max)) for s in found if s.has_min_max]
        los = [lo for lo, _ in bounds if lo is not None]
        his = [hi for _, hi in bounds if hi is not None]
        if bounds and len(los) == len(his) == len(bounds):
            low[name], high[name] = min(los), max(his)
    stats = {"numRecords": meta.num_rows, "minValues": low, "maxValues": high, "nullCount": nulls}
    return json.dumps(stats, ensure_ascii=False)


def _write_file(directory: Path, frame: pl.LazyFrame, bounded: set[str] | None) -> AddAction | None:
    """Stream ``frame`` into one Parquet data file of the table in ``directory``; None (and
    no file) when it has no rows. A failing ``frame`` leaves no file behind."""
    name = f"part-00000-{uuid.uuid4()}-c000.zstd.parquet"
    path = directory / name
    try:
        frame.sink_parquet(path, compression="zstd", compression_level=1, engine="streaming")
        private(path)
        meta = pq.read_metadata(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if meta.num_rows == 0:
        path.unlink()
        return None
    flat = {c for c, t in frame.collect_schema().items() if not t.is_nested()}
    return AddAction(
        path=name,
        size=path.stat().st_size,
        partition_values={},
        modification_time=int(time.time() * 1000),
        data_change=True,
        stats=_stats(meta, flat, bounded),
    )


def _delta_schema(schema: pl.Schema) -> DeltaSchema:
    return DeltaSchema.from_arrow(pl.DataFrame(schema=schema).to_arrow().schema)


def write(
    root: Path, name: str, frame: pl.DataFrame | pl.LazyFrame, *, replace: bool = False
) -> int:
    """Add ``frame`` to ``name`` as one Delta commit (created on first use); with ``replace``
    it becomes the table's whole content. Returns the table's version afterwards.

    A LazyFrame is streamed to the data file, never held in memory whole. Polars writes the
    Parquet file and ``deltalake`` only commits it (an add action): its own writer is about
    twice as slow. Columns new to the table are added first (a separate commit, undone by a
    restore like any other); existing ones keep their type. An empty frame creates the table
    (so readers see its schema) but adds no version to an existing one. If ``frame`` fails
    while being written, the table is left as it was.
    """
    directory = table_dir(root, name)
    current = version(root, name)
    lazy = _storable(frame.lazy())
    schema = lazy.collect_schema()
    known = schema if current is None else scan(root, name, current).collect_schema()
    lazy = lazy.with_columns(
        pl.col(c).cast(known[c]) for c, t in schema.items() if c in known and known[c] != t
    )
    make_dirs(directory)
    add = _write_file(directory, lazy, _bounded(name, lazy.collect_schema()))
    if current is None:
        create_table_with_add_actions(
            str(directory),
            _delta_schema(schema),
            [add] if add else [],
            configuration=_config(name, schema),
        )
        private(directory / "_delta_log")
        return 0
    if add is None and not replace:
        return current
    table = DeltaTable(str(directory))
    added = pl.Schema({c: t for c, t in schema.items() if c not in known})
    if added:
        table.alter.add_columns(list(_delta_schema(added).fields))
    table.create_write_transaction(
        [add] if add else [], mode="overwrite" if replace else "append", schema=table.schema()
    )
    private(directory / "_delta_log")
    return int(DeltaTable(str(directory)).version())


def merge_upsert(
    root: Path,
    name: str,
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    key: str,
    digest: str,
    provenance: tuple[str, ...],
    keep: tuple[str, ...],
) -> MergeStats:
    """Upsert ``frame`` into ``name`` by ``key``: insert new keys; update a matched row only
    when its ``digest`` differs (a record delivered twice changes nothing); never overwrite
    the ``keep`` columns of an existing row (e.g. the batch it first arrived in).

    ``frame`` must hold each key once, and ``digest`` must cover every column of it but the
    ``provenance`` ones (``digest`` and ``keep`` among them). Only ``key`` and the provenance
    columns of the table are read: a row delivered again unchanged takes its content from
    ``frame`` and its provenance from the table. New rows alone are appended; when rows
    changed, the table's new content replaces the old in one commit (a Delta MERGE also
    rewrites every file holding a matched row, and more slowly). Rows of the table missing
    from ``frame`` are carried over. Nothing is written when nothing changed.

    A LazyFrame is never held in memory whole: it is evaluated more than once (a streaming
    aggregate for the counts, then streamed into the data file), so it must give the same
    rows each time.
    """
    current = version(root, name)
    if current is None:
        v = write(root, name, frame)
        inserted = scan(root, name, v).select(pl.len()).collect().item()
        return MergeStats(version=v, inserted=inserted, updated=0, unchanged=0)
    old = scan(root, name, current)
    carried = [c for c in provenance if c in old.collect_schema() and c != key]
    new = _storable(frame.lazy())
    columns = new.collect_schema().names()
    prior = old.select(key, *(pl.col(c).alias(f"__old{c}") for c in carried))
    state = new.join(prior, on=key, how="left", maintain_order="left")
    if isinstance(frame, pl.DataFrame):
        # in memory the join is computed once, and on the key alone (no column is copied)
        marks = state.select(*(f"__old{c}" for c in carried)).collect()
        state = pl.concat([new, marks.lazy()], how="horizontal")
    seen = pl.col(f"__old{digest}").is_not_null()
    same = (pl.col(f"__old{digest}") == pl.col(digest)).fill_null(False)
    counts, held = pl.collect_all(
        [state.select(new=(~seen).sum(), same=same.sum(), all=pl.len()), old.select(pl.len())],
        engine="streaming",
    )
    inserted, unchanged, delivered = counts.row(0)
    updated = delivered - inserted - unchanged
    if inserted + updated == 0:
        return MergeStats(version=current, inserted=0, updated=0, unchanged=unchanged)
    own = set(columns)
    state = state.with_columns(
        *(
            pl.when(same).then(f"__old{c}").otherwise(c if c in own else None).alias(c)
            for c in carried
            if c not in keep
        ),
        *(pl.coalesce(f"__old{c}", c).alias(c) for c in keep if c in carried),
    )
    content = (state if updated else state.filter(~seen)).select(
        *columns, *(c for c in carried if c not in own)
    )
    if updated and held.item() > delivered - inserted:  # rows of the table not delivered
        gone = old.join(new.select(key), on=key, how="anti")
        content = pl.concat([content, gone], how="diagonal_relaxed")
    v = write(root, name, content, replace=bool(updated))
    return MergeStats(version=v, inserted=inserted, updated=updated, unchanged=unchanged)


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
    private(table_dir(root, name) / "_delta_log")
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


def referenced_files(root: Path, name: str) -> frozenset[str] | None:
    """Every data file that some version of ``name`` adds, read from its JSON commits (the
    ledger never cleans its Delta logs); None when a commit file is missing, so that nothing
    is then taken for unreferenced."""
    commits = sorted((table_dir(root, name) / "_delta_log").glob("*.json"))
    if [int(p.stem) for p in commits if p.stem.isdigit()] != list(range(len(commits))):
        return None
    paths: set[str] = set()
    for commit in commits:
        for line in commit.read_text(encoding="utf-8").splitlines():
            if '"add"' in line and (add := json.loads(line).get("add")):
                paths.add(unquote(str(add["path"])))
    return frozenset(paths)


def orphans(root: Path, name: str, *, older_than: float) -> list[Path]:
    """Data files of ``name`` that no version references (left by a run killed while it
    wrote them) and last modified more than ``older_than`` seconds ago."""
    known = referenced_files(root, name)
    if known is None:
        return []
    cutoff = time.time() - older_than
    return sorted(
        p
        for p in table_dir(root, name).glob("*.parquet")
        if p.name not in known and p.stat().st_mtime <= cutoff
    )
