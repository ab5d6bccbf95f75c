"""The generator against the real pipeline: read + validate must find exactly the truth."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from credit_ledger import read, validate
from credit_ledger.synth import SyntheticSet, generate_frames, write


def _assert_matches_truth(paths: dict[str, Path], synthetic: SyntheticSet) -> None:
    for kind in synthetic.frames:
        result = validate(read(paths[kind], kind=kind), kind=kind)
        every = synthetic.truth.filter(pl.col("kind") == kind)
        kept = pl.col("reason").str.starts_with("warning:") | pl.col("reason").str.starts_with(
            "valid:"
        )
        truth = every.filter(~kept)
        warned = every.filter(pl.col("reason").str.starts_with("warning:"))
        found = result.quarantine.select("_row", "_reasons")
        assert result.summary.by_reason == dict(Counter(truth["reason"].to_list())), kind
        expected = Counter(r.removeprefix("warning:") for r in warned["reason"].to_list())
        assert result.summary.warnings == dict(expected), kind
        with_warnings = result.valid.filter(pl.col("_warnings").is_not_null())
        assert sorted(with_warnings["_row"].to_list()) == sorted(warned["row"].to_list()), kind
        assert sorted(found["_row"].to_list()) == sorted(truth["row"].to_list()), kind
        assert (found["_reasons"].list.len() == 1).all(), kind
        assert result.summary.rows_valid == synthetic.frames[kind].height - truth.height


def test_csv_chinese_headers(synthetic: SyntheticSet, csv_files: dict[str, Path]) -> None:
    _assert_matches_truth(csv_files, synthetic)


@pytest.fixture(scope="module")
def dense() -> SyntheticSet:
    """A small set with more defects, so every kind has some."""
    return generate_frames(1_000, seed=31, defect_rate=0.1)


@pytest.mark.parametrize(
    ("fmt", "encoding", "headers"),
    [("csv", "gbk", "zh"), ("parquet", "utf-8", "en"), ("ndjson", "utf-8", "zh")],
)
def test_other_formats(
    dense: SyntheticSet, tmp_path: Path, fmt: str, encoding: str, headers: str
) -> None:
    synthetic = dense
    paths = write(synthetic, tmp_path, fmt=fmt, encoding=encoding, headers=headers)  # type: ignore[arg-type]
    _assert_matches_truth(paths, synthetic)
