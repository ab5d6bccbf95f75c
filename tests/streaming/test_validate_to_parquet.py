"""Streaming validation: the same rows, reasons and counts as ``validate`` on the whole input,
duplicates across batches and files included; real files, small batches."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import credit_ledger
from credit_ledger.errors import (
    FormatError,
    MissingColumnError,
    SourceNotFoundError,
    UsageError,
)
from credit_ledger.streaming import SUMMARY_FILE
from credit_ledger.synth import generate_frames
from tests.conftest import debtor, write_csv

KIND = "admin_penalty"
BATCH = 97  # small and odd: duplicates and defects fall in many different batches


def _messy(kind: str, rows: int = 4000, seed: int = 11) -> pl.DataFrame:
    """Generated records of ``kind`` with 5 % defects, plus duplicated record ids spread over
    the frame: exact copies, copies differing only in padding (equal once trimmed), and one
    id repeated three times."""
    frame = generate_frames(rows, seed=seed, defect_rate=0.05).frames[kind]
    n = frame.height
    assert n > 8 * BATCH
    ids = frame["record_id"].to_list()
    copies = {n - 1: ids[0], n // 2: f"  {ids[1]} ", 3 * n // 4: ids[1], BATCH + 1: ids[BATCH]}
    for row, value in copies.items():
        ids[row] = value
    return frame.with_columns(pl.Series("record_id", ids))


def _parts(directory: Path) -> pl.DataFrame:
    return pl.concat([pl.read_parquet(p) for p in sorted(directory.glob("part-*.parquet"))])


def _assert_same(
    summary: credit_ledger.ValidationSummary, out: Path, expected: credit_ledger.ValidationResult
) -> None:
    assert summary == expected.summary
    assert list(summary.by_reason) == list(expected.summary.by_reason)  # same order too
    assert_frame_equal(_parts(out / "valid"), expected.valid)
    assert_frame_equal(_parts(out / "quarantine"), expected.quarantine)


def test_equals_in_memory_validate_with_duplicates_across_batches(tmp_path: Path) -> None:
    path = tmp_path / "admin_penalty.parquet"
    _messy(KIND).write_parquet(path)
    out = tmp_path / "out"

    summary = credit_ledger.validate_to_parquet(path, kind=KIND, out_dir=out, batch_rows=BATCH)

    expected = credit_ledger.validate(credit_ledger.read(path, kind=KIND), kind=KIND)
    _assert_same(summary, out, expected)
    assert summary.rows_in == summary.rows_valid + summary.rows_quarantined
    assert summary.by_reason["record_id:unique"] == 7
    assert len(list((out / "valid").glob("*.parquet"))) > 8
    # the duplicated rows really were in different batches
    dup_rows = expected.quarantine.filter(pl.col("_reasons").list.contains("record_id:unique"))[
        "_row"
    ]
    assert ((dup_rows - 1) // BATCH).n_unique() >= 5


def test_csv_files_by_glob_duplicates_across_files(tmp_path: Path) -> None:
    frame = _messy("admin_license", seed=3)
    third = frame.height // 3
    files = []
    for i, start in enumerate((0, third, 2 * third)):
        part = frame.slice(start, third if i < 2 else None)
        if i == 2:  # a record id of the first file again, in the last one
            part = part.with_columns(
                pl.when(pl.int_range(pl.len()) == 5)
                .then(pl.lit(frame["record_id"][2]))
                .otherwise(pl.col("record_id"))
                .alias("record_id")
            )
        path = tmp_path / "in" / f"licences-{i}.csv"
        path.parent.mkdir(exist_ok=True)
        part.write_csv(path)
        files.append(path)
    out = tmp_path / "out"

    summary = credit_ledger.validate_to_parquet(
        tmp_path / "in" / "*.csv", kind="admin_license", out_dir=out, batch_rows=BATCH
    )

    whole = pl.concat([credit_ledger.read(p, kind="admin_license").collect() for p in files])
    expected = credit_ledger.validate(whole, kind="admin_license")
    _assert_same(summary, out, expected)
    assert summary.by_reason["record_id:unique"] >= 2
    assert set(_parts(out / "valid")["_source"]) == {p.name for p in files}
    # batches run on across files: every batch but the last is full
    assert len(list((out / "valid").glob("*.parquet"))) == -(-summary.rows_in // BATCH)


def test_two_unique_columns_and_derived_record_ids(tmp_path: Path) -> None:
    frame = generate_frames(600, seed=5, shares={"arrears_case": 400.0}).frames["arrears_case"]
    # no record id column: ids derive from the content, so a repeated row is a duplicate
    frame = frame.drop("record_id")
    frame = pl.concat([frame, frame.slice(3, 2), frame.slice(0, 1)])
    arrears = frame["arrears_id"].to_list()
    arrears[-4] = arrears[10]  # a duplicated arrears_id in a different record
    frame = frame.with_columns(pl.Series("arrears_id", arrears))
    path = tmp_path / "arrears.parquet"
    frame.write_parquet(path)
    out = tmp_path / "out"

    summary = credit_ledger.validate_to_parquet(
        path, kind="arrears_case", out_dir=out, batch_rows=50
    )

    expected = credit_ledger.validate(
        credit_ledger.read(path, kind="arrears_case"), kind="arrears_case"
    )
    _assert_same(summary, out, expected)
    assert summary.by_reason["record_id:unique"] >= 6
    assert summary.by_reason["arrears_id:unique"] >= 8


def test_all_valid_gives_an_empty_quarantine_part_and_replaces_old_outputs(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    stale = out / "quarantine" / "part-99999.parquet"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    rows = [debtor(record_id=f"r{i}", case_no=f"(2024)冀0105执{i}号") for i in range(1, 8)]
    path = write_csv(tmp_path / "d.csv", rows)

    summary = credit_ledger.validate_to_parquet(
        path, kind="dishonest_debtor", out_dir=out, batch_rows=3
    )

    assert (summary.rows_in, summary.rows_valid, summary.rows_quarantined) == (7, 7, 0)
    assert not stale.exists()
    assert _parts(out / "quarantine").height == 0
    assert "_reasons" in _parts(out / "quarantine").columns
    assert _parts(out / "valid")["_row"].to_list() == list(range(1, 8))
    assert not list(out.glob(".*"))  # no staging left behind
    written = json.loads((out / SUMMARY_FILE).read_text(encoding="utf-8"))
    assert written["rows_in"] == written["rows_valid"] == 7
    assert (written["batches"], written["files"]) == (3, [str(path)])


def test_bad_input_fails_like_validate_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(SourceNotFoundError, match="no such file"):
        credit_ledger.validate_to_parquet(tmp_path / "nope.csv", kind=KIND, out_dir=out)
    with pytest.raises(SourceNotFoundError, match="no file matches"):
        credit_ledger.validate_to_parquet(tmp_path / "*.parquet", kind=KIND, out_dir=out)
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(FormatError, match="empty file"):
        credit_ledger.validate_to_parquet(tmp_path / "empty.csv", kind=KIND, out_dir=out)
    path = tmp_path / "d.csv"
    path.write_text("被执行人姓名/名称,案号\n张三,(2024)冀0105执1号\n", encoding="utf-8")
    with pytest.raises(MissingColumnError) as in_memory:
        credit_ledger.validate(
            credit_ledger.read(path, kind="dishonest_debtor"), kind="dishonest_debtor"
        )
    with pytest.raises(MissingColumnError) as streamed:
        credit_ledger.validate_to_parquet(path, kind="dishonest_debtor", out_dir=out)
    assert str(streamed.value) == str(in_memory.value)
    assert "张三" not in str(streamed.value)
    with pytest.raises(UsageError, match="batch_rows"):
        credit_ledger.validate_to_parquet(path, kind=KIND, out_dir=out, batch_rows=0)
    assert not out.exists() or not list(out.iterdir())


def test_files_with_different_columns(tmp_path: Path) -> None:
    frame = _messy(KIND, rows=2000, seed=2)
    first = tmp_path / "a.parquet"
    second = tmp_path / "b.parquet"
    frame.head(100).write_parquet(first)
    frame.slice(100).with_columns(pl.lit("x").alias("note")).write_parquet(second)
    out = tmp_path / "out"

    summary = credit_ledger.validate_to_parquet(
        [first, second], kind=KIND, out_dir=out, batch_rows=60
    )

    frames = [credit_ledger.read(p, kind=KIND).collect() for p in (first, second)]
    expected = credit_ledger.validate(pl.concat(frames, how="diagonal"), kind=KIND)
    assert summary == expected.summary
    parts = [pl.read_parquet(p) for p in sorted((out / "valid").glob("*.parquet"))]
    assert ["note" in p.columns for p in parts] == [False, False, *[True] * (len(parts) - 2)]
    by_file = expected.valid.partition_by("_source", as_dict=True, maintain_order=True)
    assert_frame_equal(pl.concat(parts[:2]), by_file[("a.parquet",)].drop("note"))
    assert_frame_equal(pl.concat(parts[2:]), by_file[("b.parquet",)])
