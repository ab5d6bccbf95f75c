"""Per-line damage stays per line (issue 18, item 1): the three cases of a 200-record penalty
export, and the same rule in every text format."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

import credit_ledger
from credit_ledger.synth import generate_frames
from credit_ledger.synth._write import headed

KIND = "admin_penalty"


@pytest.fixture(scope="module")
def penalties() -> pl.DataFrame:
    """200 valid penalty records under the headers of the standard (fines in 万元)."""
    frames = generate_frames(400, seed=3, defect_rate=0.0).frames  # ≈ 225 penalties
    return headed(KIND, frames[KIND].head(200), "zh")


def _validate(path: Path) -> credit_ledger.ValidationResult:
    return credit_ledger.validate(credit_ledger.read(path, kind=KIND), kind=KIND)


def test_trailing_blank_lines_are_counted_not_records(
    tmp_path: Path, penalties: pl.DataFrame
) -> None:
    path = tmp_path / "penalties.csv"
    path.write_text(penalties.write_csv() + "\n\n\n", encoding="utf-8")
    summary = _validate(path).summary
    assert summary.rows_in == 200
    assert summary.rows_valid == 200
    assert summary.blank_lines == 3
    assert summary.to_dict()["blank_lines"] == 3


def test_blank_lines_inside_the_file_too(tmp_path: Path, penalties: pl.DataFrame) -> None:
    lines = penalties.write_csv().splitlines()
    lines.insert(50, "")
    lines.insert(120, "," * (penalties.width - 1))  # a spreadsheet's empty row
    path = tmp_path / "penalties.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _validate(path)
    assert (result.summary.rows_in, result.summary.blank_lines) == (200, 2)
    assert result.summary.rows_valid == 200


def test_one_nul_byte_quarantines_one_row_not_the_file(
    tmp_path: Path, penalties: pl.DataFrame
) -> None:
    lines = penalties.write_csv().splitlines()
    facts = penalties["违法事实"][99]
    lines[100] = lines[100].replace(facts, facts[:2] + "\x00" + facts[2:], 1)  # 100th record
    path = tmp_path / "penalties.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    result = _validate(path)
    assert result.summary.rows_in == 200
    assert result.summary.rows_valid == 199
    assert result.quarantine["_row"].to_list() == [100]
    assert result.quarantine["_reasons"].to_list() == [["violation_facts:control_char"]]


def test_control_bytes_in_parquet_known_and_unknown_columns(
    tmp_path: Path, penalties: pl.DataFrame
) -> None:
    """The validator's byte pass finds control bytes in every text column, from any source:
    a Parquet file's known and unknown columns, and an in-memory frame."""
    facts = penalties["违法事实"]
    frame = penalties.with_columns(
        facts.scatter([3], facts[3] + "\x1b[0m"),
        pl.Series("内部备注", ["ok"] * 200).scatter([7], "a\x00b"),
    )
    path = tmp_path / "penalties.parquet"
    frame.write_parquet(path)
    in_memory = credit_ledger.read_frame(frame, kind=KIND, source="memory")
    for given in (credit_ledger.read(path, kind=KIND), in_memory):
        result = credit_ledger.validate(given, kind=KIND)
        assert result.summary.rows_valid == 198
        q = result.quarantine
        reasons = dict(zip(q["_row"].to_list(), q["_reasons"].to_list(), strict=True))
        assert reasons == {4: ["violation_facts:control_char"], 8: ["内部备注:control_char"]}


def test_beyond_64_unknown_columns_one_reason_stands_for_them(
    tmp_path: Path, penalties: pl.DataFrame
) -> None:
    extra = {f"附加{i}": pl.Series(["x"] * 200) for i in range(70)}
    extra["附加0"] = extra["附加0"].scatter([9], "\x01")
    extra["附加69"] = extra["附加69"].scatter([9], "x\x7f")
    frame = penalties.with_columns(**extra)
    path = tmp_path / "wide.csv"
    path.write_bytes(frame.write_csv().encode("utf-8"))
    result = _validate(path)
    assert result.summary.rows_valid == 199
    assert result.quarantine["_reasons"].to_list() == [["row:control_char"]]


def test_control_byte_in_a_frame_given_to_validate_directly() -> None:
    """Canonical records that never went through a reader (a query result) are checked too."""
    frame = generate_frames(400, seed=3, defect_rate=0.0).frames[KIND].head(50)
    facts = frame["violation_facts"]
    frame = frame.with_columns(facts.scatter([3], "经查\x00当事人"))
    result = credit_ledger.validate(frame, kind=KIND)
    assert result.summary.rows_valid == 49
    assert result.quarantine["_reasons"].to_list() == [["violation_facts:control_char"]]


def test_one_broken_ndjson_line_is_quarantined_with_its_line(
    tmp_path: Path, penalties: pl.DataFrame
) -> None:
    lines = [json.dumps(r, ensure_ascii=False) for r in penalties.to_dicts()]
    lines.insert(57, '{"broken": ')
    path = tmp_path / "penalties.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _validate(path)
    assert result.summary.rows_in == 201
    assert result.summary.rows_valid == 200
    assert result.quarantine["_row"].to_list() == [58]
    assert "row:json" in result.quarantine["_reasons"][0].to_list()


def test_ndjson_blank_lines_are_counted(tmp_path: Path, penalties: pl.DataFrame) -> None:
    lines = [json.dumps(r, ensure_ascii=False) for r in penalties.head(10).to_dicts()]
    path = tmp_path / "penalties.ndjson"
    path.write_text("\n".join(lines[:5]) + "\n\n" + "\n".join(lines[5:]) + "\n\n", encoding="utf-8")
    result = _validate(path)
    assert (result.summary.rows_in, result.summary.rows_valid) == (10, 10)
    assert result.summary.blank_lines == 2
    assert result.valid["_row"].to_list() == [1, 2, 3, 4, 5, 7, 8, 9, 10, 11]


def test_binary_only_when_most_blocks_are_not_text(tmp_path: Path) -> None:
    path = tmp_path / "noise.csv"
    path.write_bytes(bytes(range(256)) * 200)
    with pytest.raises(credit_ledger.errors.FormatError, match="binary file, not CSV text"):
        credit_ledger.read(path, kind=KIND)


def test_summary_counts_skipped_rows_in_batches_too(
    tmp_path: Path, penalties: pl.DataFrame
) -> None:
    path = tmp_path / "penalties.csv"
    path.write_text(penalties.write_csv() + "\n\n\n", encoding="utf-8")
    summary = credit_ledger.validate_to_parquet(
        path, kind=KIND, out_dir=tmp_path / "out", batch_rows=64
    )
    assert (summary.rows_in, summary.rows_valid, summary.blank_lines) == (200, 200, 3)
