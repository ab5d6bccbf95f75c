"""The generator writes the shapes of real exports, with the ground truth of their rows: read
and validate must find exactly the truth, and count the lines that are not records."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from credit_ledger import read, validate
from credit_ledger.errors import UsageError
from credit_ledger.synth import SyntheticSet, generate_frames, write


@pytest.fixture(scope="module")
def dense() -> SyntheticSet:
    """A small set with more defects, so every kind has some."""
    return generate_frames(1_200, seed=37, defect_rate=0.1)


@pytest.mark.parametrize(
    ("fmt", "encoding"), [("csv", "utf-8"), ("csv", "gbk"), ("ndjson", "utf-8"), ("xlsx", "utf-8")]
)
def test_shaped_files_match_the_truth(
    dense: SyntheticSet, tmp_path: Path, fmt: str, encoding: str
) -> None:
    paths = write(dense, tmp_path, fmt=fmt, encoding=encoding, shapes=True)  # type: ignore[arg-type]
    shapes = json.loads(paths["shapes"].read_text(encoding="utf-8"))
    truth_file = pl.read_csv(paths["ground_truth"], separator="\t", infer_schema=False)
    for kind, frame in dense.frames.items():
        path = paths[kind]
        expected = shapes[path.name]
        result = validate(read(path, kind=kind), kind=kind)
        # quarantine reasons only: "warning:…" and "valid:…" truths are rows validation keeps
        truth = truth_file.filter(
            (pl.col("kind") == kind)
            & ~pl.col("reason").str.starts_with("warning:")
            & ~pl.col("reason").str.starts_with("valid:")
        )
        assert result.summary.rows_in == expected["records"] == frame.height, kind
        assert result.summary.skipped == expected["skipped"], kind
        assert result.summary.blank_lines == expected["blank_lines"], kind
        assert result.summary.by_reason == dict(Counter(truth["reason"].to_list())), kind
        found = sorted(result.quarantine["_row"].to_list())
        assert found == sorted(int(r) for r in truth["row"].to_list()), kind


def test_shaped_headers_need_a_profile_caption_and_a_folded_repeat(
    dense: SyntheticSet, tmp_path: Path
) -> None:
    paths = write(dense, tmp_path, shapes=True)
    lines = paths["admin_penalty"].read_text(encoding="utf-8").splitlines()
    header = lines[1].split(",")
    assert lines[0].startswith("admin_penalty")  # a title above the header
    assert "当事人名称" in header or "作出决定机关" in header  # a regulator's caption
    spaced = [h for h in header if " " in h]
    assert spaced
    assert spaced[0].replace(" ", "") in header


def test_shapes_not_for_parquet(dense: SyntheticSet, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="shapes apply to"):
        write(dense, tmp_path, fmt="parquet", shapes=True)
