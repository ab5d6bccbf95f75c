"""LazyFrames given to the ledger's writes (scans of Parquet files, as a streamed run hands
them over) leave exactly the tables the same data in memory leaves, and a LazyFrame failing
while it is written leaves the table as it was."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable
from polars.testing import assert_frame_equal

from credit_ledger.ledger import INPUTS, Ledger, _delta, records_table
from credit_ledger.ledger._commit import digest

SCHEMA = pl.Schema(
    {"id": pl.String, "v": pl.String, "_digest": pl.Int64, "_first": pl.String, "_batch": pl.String}
)


def _rows(ids: str, value: str, run: str, *, w: str | None = None) -> pl.DataFrame:
    frame = pl.DataFrame(
        {"id": list(ids), "v": value, "_digest": int(value), "_first": run, "_batch": run},
        schema=SCHEMA,
    )
    return frame if w is None else frame.with_columns(w=pl.lit(w))


def _upsert(root: Path, frame: pl.DataFrame | pl.LazyFrame) -> _delta.MergeStats:
    return _delta.merge_upsert(
        root,
        "m",
        frame,
        key="id",
        digest="_digest",
        provenance=("_digest", "_first", "_batch"),
        keep=("_first",),
    )


def _content(root: Path, at: int) -> pl.DataFrame:
    return _delta.scan(root, "m", at).collect().sort("id")


# each delivery with the (inserted, updated, unchanged) it must give
SCENARIOS: dict[str, list[tuple[pl.DataFrame, tuple[int, int, int]]]] = {
    "insert-only": [(_rows("ab", "1", "r1"), (2, 0, 0)), (_rows("c", "1", "r2"), (1, 0, 0))],
    "update": [
        (_rows("ab", "1", "r1"), (2, 0, 0)),
        (pl.concat([_rows("a", "2", "r2"), _rows("b", "1", "r2")]), (0, 1, 1)),
    ],
    "unchanged-redelivery": [
        (_rows("ab", "1", "r1"), (2, 0, 0)),
        (_rows("ab", "1", "r2"), (0, 0, 2)),
    ],
    "missing-rows-carried-over": [
        (_rows("abc", "1", "r1"), (3, 0, 0)),
        (pl.concat([_rows("a", "2", "r2"), _rows("d", "1", "r2")]), (1, 1, 0)),
    ],
    "new-column-appended": [
        (_rows("ab", "1", "r1"), (2, 0, 0)),
        (_rows("c", "1", "r2", w="x"), (1, 0, 0)),
    ],
    "new-column-replacing": [
        (_rows("abc", "1", "r1"), (3, 0, 0)),
        (_rows("ab", "2", "r2", w="x"), (0, 2, 0)),
    ],
    "empty-input": [
        (_rows("", "1", "r1"), (0, 0, 0)),  # first use: the table is created, empty
        (_rows("ab", "1", "r2"), (2, 0, 0)),
        (_rows("", "1", "r3"), (0, 0, 0)),  # later: no version
    ],
}


@pytest.mark.parametrize("deliveries", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_lazy_upserts_leave_what_in_memory_upserts_leave(
    tmp_path: Path, deliveries: list[tuple[pl.DataFrame, tuple[int, int, int]]]
) -> None:
    eager_root, lazy_root = tmp_path / "eager", tmp_path / "lazy"
    for i, (frame, counts) in enumerate(deliveries):
        path = tmp_path / f"delivery-{i}.parquet"
        frame.write_parquet(path)
        eager = _upsert(eager_root, frame)
        lazy = _upsert(lazy_root, pl.scan_parquet(path))
        assert (eager.inserted, eager.updated, eager.unchanged) == counts
        assert lazy == eager
        assert _delta.version(lazy_root, "m") == _delta.version(eager_root, "m") == eager.version
        assert_frame_equal(_content(lazy_root, lazy.version), _content(eager_root, eager.version))


def test_upserts_keep_provenance_and_carry_missing_rows_over(tmp_path: Path) -> None:
    root = tmp_path / "lazy"
    (tmp_path / "in").mkdir()
    deliveries = [
        _rows("abc", "1", "r1"),
        pl.concat([_rows("a", "2", "r2"), _rows("b", "1", "r2"), _rows("d", "1", "r2")]),
    ]
    for i, frame in enumerate(deliveries):
        frame.write_parquet(tmp_path / "in" / f"{i}.parquet")
        stats = _upsert(root, pl.scan_parquet(tmp_path / "in" / f"{i}.parquet"))
    # a changed: new content and batch; b unchanged: provenance kept; c missing: carried over
    assert _content(root, stats.version).rows() == [
        ("a", "2", 2, "r1", "r2"),
        ("b", "1", 1, "r1", "r1"),
        ("c", "1", 1, "r1", "r1"),
        ("d", "1", 1, "r2", "r2"),
    ]
    assert len(DeltaTable(str(_delta.table_dir(root, "m"))).file_uris()) == 1


def _rich() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "run_id": ["r1", "r1"],
            "n": pl.Series([1, 2], dtype=pl.UInt32),
            "day": [dt.date(2025, 1, 1), None],
            "reasons": [["a"], []],
            "amount": pl.Series([Decimal("1.50"), None], dtype=pl.Decimal(38, 2)),
            "empty": [None, None],
        }
    )


def _file_stats(root: Path, name: str) -> list[dict[str, object]]:
    stats = []
    for log in sorted((_delta.table_dir(root, name) / "_delta_log").glob("*.json")):
        for line in log.read_text(encoding="utf-8").splitlines():
            if add := json.loads(line).get("add"):
                stats.append(json.loads(add["stats"]))
    return stats


def test_lazy_writes_make_the_tables_in_memory_writes_make(tmp_path: Path) -> None:
    path = tmp_path / "rich.parquet"
    _rich().write_parquet(path)
    more = pl.DataFrame({"run_id": ["r2"], "n": [3], "extra": ["x"]})
    more.write_parquet(tmp_path / "more.parquet")
    empty = _rich().clear()
    empty.write_parquet(tmp_path / "empty.parquet")
    roots = {"eager": tmp_path / "eager", "lazy": tmp_path / "lazy"}
    for how, root in roots.items():
        frames = (
            [_rich(), more, empty]
            if how == "eager"
            else [
                pl.scan_parquet(tmp_path / f)
                for f in ("rich.parquet", "more.parquet", "empty.parquet")
            ]
        )
        assert _delta.write(root, "empty", frames[2]) == 0  # created, with its schema
        assert _delta.write(root, "t", frames[0]) == 0
        assert _delta.write(root, "t", frames[1]) == 2  # a column added, then the rows
        assert _delta.write(root, "t", frames[2]) == 2  # nothing to add: no version
        assert _delta.write(root, "empty", frames[1], replace=True) == 2
    for name, at in (("t", 2), ("empty", 0), ("empty", 2)):
        assert_frame_equal(
            _delta.scan(roots["lazy"], name, at).collect().sort("n"),
            _delta.scan(roots["eager"], name, at).collect().sort("n"),
        )
    schema = _delta.scan(roots["lazy"], "empty", 0).collect_schema()
    assert (schema["n"], schema["empty"]) == (pl.Int64, pl.String)  # storable types
    assert _file_stats(roots["lazy"], "t") == _file_stats(roots["eager"], "t")


def test_the_digest_is_the_same_streamed(tmp_path: Path) -> None:
    frame = _rich().with_columns(text=pl.Series(["长 文本", None]))
    frame.write_parquet(tmp_path / "f.parquet")
    columns = frame.columns
    streamed = pl.scan_parquet(tmp_path / "f.parquet").select(digest(columns))
    assert_frame_equal(streamed.collect(engine="streaming"), frame.select(digest(columns)))


def _commit_run(ledger: Ledger, run_id: str, records: pl.DataFrame | pl.LazyFrame) -> None:
    with ledger.lock(job="test"):
        ledger.recover()
        commit = ledger.begin(run_id)
        commit.upsert_records("toy", records, key="record_id")
        commit.append(
            INPUTS, records.select(pl.lit("s").alias("source"), pl.len().alias("rows_in"))
        )
        row = {"run_key": run_id, "job": "test", "as_of": dt.date(2025, 1, 1), "status": "ok"}
        commit.finish(row, {"run_id": run_id})


def test_a_commit_takes_lazy_frames(tmp_path: Path) -> None:
    days = [
        pl.DataFrame({"record_id": ["a", "b"], "status": ["open", "open"], "_row": [1, 2]}),
        pl.DataFrame({"record_id": ["b", "c"], "status": ["closed", "open"], "_row": [1, 2]}),
    ]
    eager, lazy = Ledger(tmp_path / "eager"), Ledger(tmp_path / "lazy")
    for i, frame in enumerate(days):
        frame.write_parquet(tmp_path / f"day{i}.parquet")
        _commit_run(eager, f"run{i}", frame)
        _commit_run(lazy, f"run{i}", pl.scan_parquet(tmp_path / f"day{i}.parquet"))
    for name in (records_table("toy"), INPUTS):
        tables = [
            _delta.scan(ledger.path, name, ledger.state().tables[name]).collect()
            for ledger in (eager, lazy)
        ]
        assert_frame_equal(*(t.sort(t.columns) for t in tables))
    assert lazy.state().records("toy").collect().height == 3


def _corrupt_column(path: Path, column: str) -> None:
    """Overwrite every byte of ``column``'s data in the Parquet file at ``path``: the file
    and its other columns stay readable, reading ``column`` fails."""
    meta = pq.read_metadata(path)
    data = bytearray(path.read_bytes())
    for g in range(meta.num_row_groups):
        for i in range(meta.num_columns):
            chunk = meta.row_group(g).column(i)
            if chunk.path_in_schema == column:
                start = chunk.dictionary_page_offset or chunk.data_page_offset
                data[start : start + chunk.total_compressed_size] = (
                    b"\xab" * chunk.total_compressed_size
                )
    path.write_bytes(bytes(data))


def test_a_lazy_frame_failing_while_written_leaves_the_table_as_it_was(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    first = _upsert(root, _rows("abc", "1", "r1"))
    good, bad = tmp_path / "good.parquet", tmp_path / "bad.parquet"
    _rows("ab", "2", "r2").write_parquet(good)
    _rows("de", "2", "r2").write_parquet(bad)
    _corrupt_column(bad, "v")
    # keys and digests read fine (the counts), the rows do not: it fails in the data file
    failing = pl.scan_parquet([good, bad])
    with pytest.raises(pl.exceptions.PolarsError):
        _upsert(root, failing)
    with pytest.raises(pl.exceptions.PolarsError):
        _delta.write(root, "m", failing)
    with pytest.raises(pl.exceptions.PolarsError):
        _delta.write(root, "new", failing)
    assert _delta.version(root, "m") == first.version
    directory = _delta.table_dir(root, "m")
    referenced = {Path(uri).name for uri in DeltaTable(str(directory)).file_uris()}
    assert {p.name for p in directory.glob("*.parquet")} == referenced
    assert not _delta.exists(root, "new")
    assert not list(_delta.table_dir(root, "new").glob("*.parquet"))
