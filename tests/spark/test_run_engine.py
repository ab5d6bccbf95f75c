"""``run`` on the Spark engine leaves the ledger a run in memory leaves, over three days; the
CLI's ``--engine spark`` commits a run that ``history`` lists beside the in-memory one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from credit_ledger.jobs import load_job, run
from credit_ledger.ledger import Ledger
from credit_ledger.pipeline import SparkMode
from credit_ledger.synth import generate
from tests.jobs.test_streamed_run import _job, _ledger, _same_result

pytestmark = pytest.mark.spark

DAYS = ("2025-03-31", "2025-04-30", "2025-05-31")


@pytest.fixture(scope="module")
def deliveries(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Day 1: a small district with defects and a late Parquet delivery repeating 60 debtors
    (20 changed); day 2: the debtors again, some performed; day 3: some of them again,
    others removed from the list."""
    root = tmp_path_factory.mktemp("spark-deliveries")
    files = generate(root / DAYS[0], rows=1_500, seed=5, defect_rate=0.05, headers="en")
    debtors = pl.read_csv(files["dishonest_debtor"], infer_schema=False)
    debtors.head(60).with_columns(
        pl.when(pl.int_range(pl.len()) < 20)
        .then(pl.lit("another court"))
        .otherwise(pl.col("court"))
        .alias("court")
    ).write_parquet(root / DAYS[0] / "debtors-late.parquet")
    for i, day in enumerate(DAYS[1:], start=1):
        (root / day).mkdir()
        debtors.with_columns(
            pl.when(pl.int_range(pl.len()) % (7 - 2 * i) == 0)
            .then(pl.lit("performed"))
            .otherwise(pl.col("removal_reason"))
            .alias("removal_reason")
        ).write_csv(root / day / "dishonest_debtor.csv")
    return root


def test_spark_runs_leave_the_ledger_in_memory_runs_leave(
    deliveries: Path, tmp_path: Path, spark_mode: SparkMode
) -> None:
    path = _job(deliveries, tmp_path)  # one job file: one run key, the same run ids
    memory, spark = tmp_path / "memory", tmp_path / "spark"
    for day in DAYS:
        a = run(load_job(path, ledger=memory / "ledger"), as_of=day)
        (tmp_path / "out" / a.run_id).rename(tmp_path / f"memory-{a.run_id}")
        b = run(load_job(path, ledger=spark / "ledger", engine="spark"), as_of=day, mode=spark_mode)
        (tmp_path / "out" / b.run_id).rename(tmp_path / f"spark-{b.run_id}")
        _same_result(a, b)
        assert b.status == "completed"
        assert b.manifest["job"]["config"]["engine"] == "spark"
        for name in ("findings.parquet", "quarantine.parquet"):
            out_a = pl.read_parquet(tmp_path / f"memory-{a.run_id}" / name)
            out_b = pl.read_parquet(tmp_path / f"spark-{b.run_id}" / name)
            assert out_a.sort(out_a.columns).equals(out_b.sort(out_b.columns)), name
    expected, got = _ledger(memory / "ledger"), _ledger(spark / "ledger")
    assert expected.keys() == got.keys()
    for name, frame in expected.items():
        assert frame.height > 0, name
        assert frame.equals(got[name]), name
    assert Ledger(spark / "ledger").runs().height == len(DAYS)
    assert spark_mode.session.sparkContext is not None  # a caller's session stays open


def test_the_cli_runs_on_spark_and_history_shows_both_runs(
    deliveries: Path, tmp_path: Path, spark_mode: SparkMode
) -> None:
    del spark_mode  # only skips where Spark cannot run; the CLI builds its own session
    path = _job(deliveries, tmp_path)
    first = run(path, as_of=DAYS[0])
    cli = [sys.executable, "-m", "credit_ledger"]
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1"}
    done = subprocess.run(
        [*cli, "run", str(path), "--as-of", DAYS[0], "--engine", "spark", "--force", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr  # 1: the generated defects are findings
    second = json.loads(done.stdout)
    assert second["status"] == "completed"
    assert second["findings_by_severity"] == first.findings_by_severity
    assert [i["rows_quarantined"] for i in second["inputs"]] == [
        i.rows_quarantined for i in first.inputs
    ]
    history = subprocess.run(
        [*cli, "history", "--job", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout
    assert first.run_id in history
    assert second["run_id"] in history
