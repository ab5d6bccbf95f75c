"""``credit-ledger validate --out DIR``: streaming to Parquet parts, as a scheduler runs it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import polars as pl

from tests.cli import run_cli as _cli
from tests.conftest import debtor


def _rows(n: int) -> list[dict[str, str]]:
    return [debtor(record_id=f"r{i}", case_no=f"(2024)冀0105执{i}号") for i in range(1, n + 1)]


def test_streams_to_parts_with_duplicates_across_batches(
    debtor_csv: Callable[..., Path], tmp_path: Path
) -> None:
    rows = _rows(7)
    rows[6]["record_id"] = "r1"  # the duplicate falls in the third batch
    rows[3]["filed_on"] = "2024-13-01"
    path = debtor_csv(rows, encoding="gbk")
    out = tmp_path / "out"

    proc = _cli("validate", path, "--kind", "dishonest_debtor", "--out", out, "--batch-rows", 3)
    proc_json = _cli(
        "validate", path, "--kind", "dishonest_debtor", "--out", out, "--batch-rows", 3, "--json"
    )

    assert proc.returncode == proc_json.returncode == 1, proc.stderr  # rows were quarantined
    assert "7 rows, 4 valid, 3 quarantined" in proc.stdout
    summary = json.loads(proc_json.stdout)
    assert summary["by_reason"] == {"record_id:unique": 2, "filed_on:date": 1}
    quarantine = pl.read_parquet(out / "quarantine" / "*.parquet")
    assert quarantine["_row"].to_list() == [1, 4, 7]
    assert sorted(p.name for p in (out / "valid").iterdir()) == [
        "part-00000.parquet",
        "part-00001.parquet",
    ]
    written = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert {k: written[k] for k in summary if k != "file"} == {
        k: v for k, v in summary.items() if k != "file"
    }
    assert (written["batches"], written["batch_rows"], written["files"]) == (3, 3, [str(path)])
    # progress on stderr, one line per batch; JSON lines with --log-format json
    assert proc.stderr.count("rows so far") == 3
    logs = _cli(
        "validate", path, "--kind", "dishonest_debtor", "--out", out, "--log-format", "json"
    ).stderr.splitlines()
    assert [json.loads(line)["logger"] for line in logs] == ["credit_ledger.streaming"] * 2
    quiet = _cli("validate", path, "--kind", "dishonest_debtor", "--out", out, "-q")
    assert quiet.stderr == ""


def test_all_valid_exits_zero(debtor_csv: Callable[..., Path], tmp_path: Path) -> None:
    proc = _cli(
        "validate", debtor_csv(_rows(2)), "--kind", "dishonest_debtor", "--out", tmp_path / "o"
    )
    assert proc.returncode == 0, proc.stderr
    assert "2 valid, 0 quarantined" in proc.stdout


def test_usage_and_input_errors(debtor_csv: Callable[..., Path], tmp_path: Path) -> None:
    path = debtor_csv(_rows(1))
    cases = [
        ("--out", tmp_path / "o", "--valid", tmp_path / "v.parquet"),
        ("--batch-rows", "10"),
        ("--out", tmp_path / "o", "--batch-rows", "0"),
    ]
    for extra in cases:
        proc = _cli("validate", path, "--kind", "dishonest_debtor", *extra)
        assert proc.returncode == 2, (extra, proc.stderr)
        assert "Traceback" not in proc.stderr
    proc = _cli("validate", tmp_path / "*.csv.gz", "--kind", "dishonest_debtor", "--out", path)
    assert proc.returncode == 2
    assert "no file matches" in proc.stderr
    assert proc.stderr.strip().count("\n") == 0
