"""A streamed run (``batch_rows``) leaves the ledger and outputs a run in memory leaves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from credit_ledger.errors import InputError
from credit_ledger.jobs import RunResult, load_job, run
from credit_ledger.ledger import Ledger
from credit_ledger.streaming import last_deliveries as _last_deliveries
from credit_ledger.synth import generate
from tests.jobs.conftest import job_text

DAY1, DAY2 = "2025-03-31", "2025-04-30"
KINDS = ("admin_license", "admin_penalty", "arrears_case", "dishonest_debtor")


@pytest.fixture(scope="module")
def deliveries(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Day 1: a synthetic district with defects (CSV, one file per kind) and a second
    delivery of debtors (Parquet) repeating 300 record ids, 100 of them changed. Day 2: the
    debtors again with 200 changed, and nothing else (the other kinds are judged on the
    ledger's state)."""
    root = tmp_path_factory.mktemp("deliveries")
    files = generate(root / DAY1, rows=6_000, seed=11, defect_rate=0.05, headers="en")
    debtors = pl.read_csv(files["dishonest_debtor"], infer_schema=False)
    again = debtors.head(300).with_columns(
        pl.when(pl.int_range(pl.len()) < 100)
        .then(pl.lit("another court"))
        .otherwise(pl.col("court"))
        .alias("court")
    )
    again.write_parquet(root / DAY1 / "debtors-late.parquet")
    (root / DAY2).mkdir()
    debtors.with_columns(
        pl.when(pl.int_range(pl.len()) % 7 == 0)
        .then(pl.lit("performed"))
        .otherwise(pl.col("removal_reason"))
        .alias("removal_reason")
    ).write_csv(root / DAY2 / "dishonest_debtor.csv")
    return root


def _job(root: Path, work: Path, batch_rows: int | None = None) -> Path:
    sources: list[dict[str, Any]] = [
        {"name": kind, "kind": kind, "path": f"{root}/{{as_of}}/{kind}.csv", "optional": True}
        for kind in KINDS
    ]
    sources.append(
        {
            "name": "late",
            "kind": "dishonest_debtor",
            "path": f"{root}/{{as_of}}/debtors-late.parquet",
            "optional": True,
        }
    )
    job = {"kinds": list(KINDS)} | ({"batch_rows": batch_rows} if batch_rows else {})
    path = work / "job.toml"
    work.mkdir(parents=True, exist_ok=True)
    path.write_text(
        job_text(sources=sources, job=job, outputs={"dir": "out/{run_id}"}), encoding="utf-8"
    )
    return path


def _sorted(frame: pl.DataFrame, drop: tuple[str, ...] = ()) -> pl.DataFrame:
    frame = frame.drop(drop, strict=False)
    plain = [c for c, t in frame.schema.items() if not t.is_nested()]
    return frame.sort(plain, nulls_last=True)


def _ledger(path: Path) -> dict[str, pl.DataFrame]:
    ledger = Ledger(path)
    state = ledger.state()
    tables = {f"records/{k}": state.records(k).collect() for k in state.kinds()}
    for name in ("findings", "quarantine", "inputs"):
        tables[name] = state.table(name, all_runs=True).collect()
    # The persisted summaries, stored and read back.
    tables["summaries"] = state.table("summaries", all_runs=True).collect()
    for name in state.summaries(all_runs=True)["summary"]:
        decoded = state.summary(name, all_runs=True).collect()
        if decoded.height:  # a breakdown by a column the data lacks has none
            tables[f"summary/{name}"] = decoded
    tables["rule_outcomes"] = state.rule_outcomes(all_runs=True).collect().drop("duration_ms")
    tables["runs"] = ledger.runs().drop("started_at", "committed_at", "manifest")
    return {name: _sorted(frame) for name, frame in tables.items()}


def _same_result(a: RunResult, b: RunResult) -> None:
    assert (a.status, a.run_id, a.rules_status) == (b.status, b.run_id, b.rules_status)
    assert a.inputs == b.inputs
    assert a.records == b.records
    assert a.findings_by_severity == b.findings_by_severity
    assert a.errors == b.errors


def test_streamed_runs_leave_what_runs_in_memory_leave(deliveries: Path, tmp_path: Path) -> None:
    # One job file (so one run key and the same run ids), two ledgers.
    path = _job(deliveries, tmp_path)
    memory, streamed = tmp_path / "memory", tmp_path / "streamed"
    for day in (DAY1, DAY2):
        a = run(load_job(path, ledger=memory / "ledger"), as_of=day)
        (memory / "out").mkdir(exist_ok=True)
        (tmp_path / "out" / a.run_id).rename(memory / "out" / a.run_id)
        # batches far smaller than a file: records, duplicates and uniqueness span batches
        b = run(load_job(path, ledger=streamed / "ledger", batch_rows=700), as_of=day)
        (streamed / "out").mkdir(exist_ok=True)
        (tmp_path / "out" / b.run_id).rename(streamed / "out" / b.run_id)
        _same_result(a, b)
        assert a.status == "completed"
        assert sum(s.rows_quarantined for s in b.inputs) > 0
        if day == DAY1:  # the later delivery replaced records of the earlier one
            assert b.records["dishonest_debtor"]["duplicates"] > 0
        else:
            assert b.records["dishonest_debtor"]["updated"] > 0
        for name in ("findings.parquet", "quarantine.parquet"):
            out_a = pl.read_parquet(memory / "out" / a.run_id / name)
            out_b = pl.read_parquet(streamed / "out" / b.run_id / name)
            assert out_a.height > 0
            assert _sorted(out_a).equals(_sorted(out_b)), name
    expected, got = _ledger(memory / "ledger"), _ledger(streamed / "ledger")
    assert expected.keys() == got.keys()
    for name, frame in expected.items():
        assert frame.height > 0, name
        assert frame.equals(got[name]), name


def test_a_streamed_source_failing_halfway_commits_nothing(
    deliveries: Path, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    blob = (deliveries / DAY1 / "debtors-late.parquet").read_bytes()
    broken = tmp_path / "broken" / DAY1
    broken.mkdir(parents=True)
    for kind in KINDS:
        (broken / f"{kind}.csv").symlink_to(deliveries / DAY1 / f"{kind}.csv")
    (broken / "debtors-late.parquet").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(InputError, match=r"debtors-late\.parquet"):
        run(_job(tmp_path / "broken", work, 500), as_of=DAY1)
    assert Ledger(work / "ledger").runs().height == 0
    assert not (work / "ledger" / "records").exists()


def test_the_cli_streams_with_batch_rows(deliveries: Path, tmp_path: Path) -> None:
    job = _job(deliveries, tmp_path, None)
    cli = [sys.executable, "-m", "credit_ledger", "run", str(job), "--as-of", DAY1]
    done = subprocess.run(
        [*cli, "--batch-rows", "1000", "--json", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    assert '"status": "completed"' in done.stdout
    manifest = Ledger(tmp_path / "ledger").last_run()
    assert manifest is not None
    assert manifest.manifest["job"]["config"]["batch_rows"] == 1000
    bad = subprocess.run(
        [sys.executable, "-m", "credit_ledger", "run", str(job), "--batch-rows", "0"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert "batch_rows" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_the_last_delivery_of_a_record_wins_across_many_inputs(tmp_path: Path) -> None:
    deliveries = [
        {"record_id": ["a", "b", "c"], "v": [1, 1, 1]},
        {"record_id": ["b", "d"], "v": [2, 2]},
        {"record_id": ["e"], "v": [3]},
        {"record_id": ["b", "c", "f"], "v": [4, 4, 4]},
    ]
    frames = []
    for i, rows in enumerate(deliveries):
        pl.DataFrame(rows).write_parquet(tmp_path / f"{i}.parquet")
        frames.append(pl.scan_parquet(tmp_path / f"{i}.parquet"))
    records, dropped = _last_deliveries(frames, key="record_id", batch_rows=2)
    in_memory = pl.concat([f.collect() for f in frames]).unique("record_id", keep="last")
    assert records.collect().sort("record_id").equals(in_memory.sort("record_id"))
    assert dict(records.collect().iter_rows()) == {"a": 1, "b": 4, "c": 4, "d": 2, "e": 3, "f": 4}
    assert dropped == 3
    assert _last_deliveries(frames[1:3], key="record_id", batch_rows=2)[1] == 0
