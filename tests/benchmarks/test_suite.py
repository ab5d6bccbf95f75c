"""The benchmark suite runs (``--quick``, as CI does) and writes its JSON and Markdown."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from benchmarks._data import prepare

ROOT = Path(__file__).resolve().parents[2]

CASES = {
    "floor.read_parquet",
    "floor.read_csv",
    "floor.read_csv_gbk",
    "read.parquet",
    "read.csv_utf8",
    "read.csv_gbk",
    "validate.parquet",
    "validate.csv_utf8",
    "validate.typed",
    "rules.all_packs",
    "check.parquet",
    "run.csv_utf8",
    "run.stream_csv_utf8",
    "pandera.full",
    "pandera.scan",
    "subset.credit_ledger",
    "subset.polars",
    "subset.pandera",
    "subset.dataframely",
    "subset.pointblank",
}
MEASURED = {
    "median_s",
    "min_s",
    "max_s",
    "times_s",
    "rows",
    "rows_per_s",
    "peak_rss_mb",
    "rchar",
    "read_bytes",
    "input_bytes",
    "reads",
    "ratios",
}


@pytest.mark.integration
def test_quick_suite_writes_json_and_markdown(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]

    result = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert {"version", "command", "started", "finished", "load_average", "machine"} <= set(result)
    assert {"settings", "sizes", "huge", "targets", "notes"} <= set(result)
    assert {"nproc", "mem_total_gib", "cpu_model", "python", "versions"} <= set(result["machine"])
    assert {"polars", "pandera"} <= set(result["machine"]["versions"])
    assert result["settings"]["quick"] is True

    (size,) = result["sizes"]
    assert size["rows"] == 20_000 == sum(size["rows_by_kind"].values())
    cases = {c["name"]: c for c in size["cases"]}
    assert set(cases) == CASES
    for name, case in cases.items():
        if case["status"] == "skipped":  # peers absent without the `bench` extra
            assert name.startswith("subset.")
            assert "not installed" in case["note"]
            continue
        assert case["status"] == "ok", (name, case.get("error"))
        assert set(case) >= MEASURED, name
        assert case["min_s"] <= case["median_s"] <= case["max_s"]
        assert set(case["ratios"]) == {"read_parquet", "read_csv"}
    assert cases["floor.read_parquet"]["ratios"]["read_parquet"] == pytest.approx(1.0)
    # Bytes read are measured: the floor reads its files once.
    assert cases["floor.read_csv"]["reads"] == pytest.approx(1.0, abs=0.05)
    assert cases["run.csv_utf8"]["info"]["status"] == "completed"
    assert cases["run.stream_csv_utf8"]["info"]["status"] == "completed"
    assert result["huge"]["status"] == "not run"
    assert [h["name"] for h in result["huge_more"]] == ["stream.run"]
    assert {"target", "rows", "value", "limit", "met"} <= set(result["targets"][0])

    md = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert md.startswith("# credit_ledger benchmarks")
    for heading in ("## Machine", "## 20,000 records", "## Targets", "## Method"):
        assert heading in md
    assert "| case | median s | min s | max s | rows/s | peak RSS MiB |" in md
    assert "`pl.read_parquet` (I/O floor)" in md


def test_large_sets_replicate_the_base_set_with_distinct_ids(tmp_path: Path) -> None:
    data = prepare(
        tmp_path, 450, seed=3, formats=("parquet", "csv-utf8"), base_rows=200, log=lambda _: None
    )
    assert data.rows == 450
    ids = pl.concat(
        [pl.read_parquet(p).select("record_id") for p in data.files("parquet").values()]
    )
    assert ids.height == 450
    assert ids["record_id"].drop_nulls().is_unique().all()
    penalties = pl.read_csv(data.files("csv-utf8")["admin_penalty"], infer_schema=False)
    assert penalties.height == data.rows_by_kind["admin_penalty"]
    assert not (data.directory / "parquet.parts").exists()
    again = prepare(tmp_path, 450, seed=3, formats=("parquet",), base_rows=200, log=print)
    assert again == data  # cached
