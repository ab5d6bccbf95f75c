"""The Delta primitives: Parquet files written by Polars and committed by ``deltalake`` make
standard Delta tables (readable by any reader, at every version, with file statistics)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import polars as pl
from deltalake import DeltaTable

from credit_ledger.ledger import _delta


def _path(root: Path, name: str) -> str:
    return str(_delta.table_dir(root, name))


def test_appended_tables_are_standard_delta(tmp_path: Path) -> None:
    first = pl.DataFrame(
        {
            "run_id": ["r1", "r1"],
            "n": [1, 2],
            "day": [dt.date(2025, 1, 1), None],
            "reasons": [["a"], []],
            "amount": pl.Series([Decimal("1.50"), None], dtype=pl.Decimal(38, 2)),
            "empty": [None, None],
        }
    )
    assert _delta.write(tmp_path, "t", first) == 0
    # a new column; an all-null column keeps the table's type
    second = pl.DataFrame({"run_id": ["r2"], "n": [3], "day": [None], "extra": ["x"]})
    version = _delta.write(tmp_path, "t", second)
    path = _path(tmp_path, "t")

    now = pl.read_delta(path).sort("n")
    assert now.schema["day"] == pl.Date
    assert now.schema["empty"] == pl.String
    assert now["extra"].to_list() == [None, None, "x"]
    assert now["reasons"].to_list() == [["a"], [], None]
    assert pl.read_delta(path, version=0).height == 2  # time travel
    assert DeltaTable(path).to_pyarrow_dataset().to_table().num_rows == 3
    assert _delta.scan(tmp_path, "t", version).filter(pl.col("run_id") == "r2").collect()[
        "n"
    ].to_list() == [3]

    stats = [json.loads(a["stats"]) for a in _log_adds(path)]
    assert [s["numRecords"] for s in stats] == [2, 1]
    assert stats[0]["minValues"] == {"run_id": "r1", "n": 1, "day": "2025-01-01"}
    assert stats[0]["nullCount"]["day"] == 1
    assert "amount" not in stats[0]["maxValues"]  # only types every reader compares alike


def _log_adds(path: str) -> list[dict[str, str]]:
    adds = []
    for log in sorted(Path(path, "_delta_log").glob("*.json")):
        for line in log.read_text(encoding="utf-8").splitlines():
            action = json.loads(line)
            if "add" in action:
                adds.append(action["add"])
    return adds


def _batch(ids: str, value: str, run: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": list(ids),
            "v": [value] * len(ids),
            "_digest": [int(value)] * len(ids),
            "_first": [run] * len(ids),
            "_batch": [run] * len(ids),
        }
    )


def test_merge_appends_new_rows_and_rewrites_on_change(tmp_path: Path) -> None:
    def upsert(frame: pl.DataFrame) -> _delta.MergeStats:
        return _delta.merge_upsert(
            tmp_path,
            "m",
            frame,
            key="id",
            digest="_digest",
            provenance=("_digest", "_first", "_batch"),
            keep=("_first",),
        )

    def files() -> int:
        return len(DeltaTable(_path(tmp_path, "m")).file_uris())

    def state(at: int) -> dict[str, tuple[str, str, str]]:
        rows = _delta.scan(tmp_path, "m", at).collect().rows(named=True)
        return {r["id"]: (r["v"], r["_first"], r["_batch"]) for r in rows}

    first = upsert(_batch("ab", "1", "r1"))
    inserted = upsert(_batch("c", "1", "r2"))
    assert (inserted.inserted, inserted.updated, files()) == (1, 0, 2)  # appended, not rewritten
    same = upsert(_batch("ab", "1", "r3"))
    assert (same.version, same.unchanged) == (inserted.version, 2)  # nothing written
    changed = upsert(pl.concat([_batch("a", "2", "r4"), _batch("b", "1", "r4")]))
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 1)
    assert files() == 1  # the new content replaced the old files in one commit
    # a changed: new content and batch; b unchanged: provenance kept; c not delivered: kept
    assert state(changed.version) == {
        "a": ("2", "r1", "r4"),
        "b": ("1", "r1", "r1"),
        "c": ("1", "r2", "r2"),
    }
    assert state(first.version) == {"a": ("1", "r1", "r1"), "b": ("1", "r1", "r1")}
