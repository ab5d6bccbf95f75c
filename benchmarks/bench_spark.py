"""The Spark engine against the streamed Polars engine on the same records (issue 16).

1. Generates (or reuses, under ``--out``) the benchmark set: 5.7M records of the five built-in
   kinds as Parquet (57M with ``--huge``; any size with ``--rows``).
2. Streamed Polars: validation batch by batch into Parquet parts, then every built-in pack's
   rules and summaries on the lazy scans (the pipeline's ``StreamedMode``), as
   ``credit-ledger run`` with ``batch_rows`` does before its commit.
3. Spark (``SparkMode``, ``local[2]`` unless ``--master``): the same validation and
   evaluation. The session's start-up is timed apart (a cluster's session is already up).
4. Prints both times, their ratio and the row counts (which must agree), then how the Spark
   work divided: per phase the stages, tasks, input and shuffle bytes, from the Spark UI's
   REST API.

Usage: ``python -m benchmarks.bench_spark [--rows N | --huge] [--master local[2]]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks._cases import AS_OF, Case, Context, Prepared
from benchmarks._data import prepare

DEFAULT_ROWS = 5_700_000
HUGE_ROWS = 57_000_000


def _inputs(files: dict[str, Path]) -> list[Any]:
    from credit_ledger.ingest import read  # noqa: PLC0415
    from credit_ledger.pipeline import FileInput  # noqa: PLC0415

    return [
        FileInput(
            source=kind,
            kind=kind,
            location=str(path),
            sha256="",
            bytes=path.stat().st_size,
            frame=read(path, kind=kind).lazy(),
        )
        for kind, path in files.items()
    ]


def _streamed(inputs: list[Any], kinds: dict[str, Any], scratch: Path) -> dict[str, Any]:
    from credit_ledger.pipeline import EvaluationRequest, StreamedMode  # noqa: PLC0415
    from credit_ledger.plugins import active_manager  # noqa: PLC0415

    manager = active_manager()
    manager.ensure_ready()
    mode = StreamedMode()
    t0 = time.perf_counter()
    validated = mode.validate(inputs, kinds, scratch)
    summaries = validated.inputs
    t1 = time.perf_counter()
    request = EvaluationRequest(
        as_of=AS_OF,
        rules=manager.ruleset(),
        kinds=tuple(kinds.values()),
        quarantine=validated.quarantined,
    )
    result = mode.evaluate({k: b.records for k, b in validated.batches.items()}, request)
    t2 = time.perf_counter()
    return {
        "validate_s": round(t1 - t0, 2),
        "rules_s": round(t2 - t1, 2),
        "total_s": round(t2 - t0, 2),
        "rows_valid": sum(s.rows_valid for s in summaries),
        "rows_quarantined": sum(s.rows_quarantined for s in summaries),
        "findings": result.findings.height,
    }


def _stages_now(ui: str, app: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{ui}/api/v1/applications/{app}/stages") as response:
        stages: list[dict[str, Any]] = json.load(response)
    return stages


def _division(stages: list[dict[str, Any]], seen: set[int]) -> dict[str, Any]:
    new = [s for s in stages if s["stageId"] not in seen and s["status"] == "COMPLETE"]
    seen.update(s["stageId"] for s in new)
    return {
        "stages": len(new),
        "tasks": sum(s["numCompleteTasks"] for s in new),
        "input_mb": round(sum(s["inputBytes"] for s in new) / 1e6, 1),
        "shuffle_write_mb": round(sum(s["shuffleWriteBytes"] for s in new) / 1e6, 1),
        "shuffle_read_mb": round(sum(s["shuffleReadBytes"] for s in new) / 1e6, 1),
        "output_mb": round(sum(s["outputBytes"] for s in new) / 1e6, 1),
        "executor_run_s": round(sum(s["executorRunTime"] for s in new) / 1e3, 1),
    }


def _spark(
    inputs: list[Any], kinds: dict[str, Any], scratch: Path, master: str, rows: int
) -> dict[str, Any]:
    from credit_ledger.pipeline import EvaluationRequest  # noqa: PLC0415
    from credit_ledger.pipeline._spark import DEFAULT_DRIVER_ROWS, SparkMode  # noqa: PLC0415
    from credit_ledger.plugins import active_manager  # noqa: PLC0415

    manager = active_manager()
    manager.ensure_ready()
    t0 = time.perf_counter()
    # Raised to the set's size, so Spark computes every dataset rule and summary the streamed
    # engine computes (above the default 20M rows of a kind it refuses them, saying so).
    mode = SparkMode(master=master, driver_rows=max(DEFAULT_DRIVER_ROWS, rows))
    sc = mode.session.sparkContext
    sc.setLogLevel("ERROR")
    ui, app = sc.uiWebUrl, sc.applicationId
    assert ui is not None, "the benchmark reads the Spark UI's REST API: keep spark.ui.enabled"
    seen: set[int] = set()
    t1 = time.perf_counter()
    validated = mode.validate(inputs, kinds, scratch)
    t2 = time.perf_counter()
    split = {"validate": _division(_stages_now(ui, app), seen)}
    request = EvaluationRequest(
        as_of=AS_OF,
        rules=manager.ruleset(),
        kinds=tuple(kinds.values()),
        quarantine=validated.quarantined,
    )
    result = mode.evaluate({k: b.records.lazy() for k, b in validated.batches.items()}, request)
    t3 = time.perf_counter()
    split["rules"] = _division(_stages_now(ui, app), seen)
    parallelism = sc.defaultParallelism
    mode.close()
    return {
        "startup_s": round(t1 - t0, 2),
        "validate_s": round(t2 - t1, 2),
        "rules_s": round(t3 - t2, 2),
        "total_s": round(t3 - t1, 2),
        "rows_valid": sum(s.rows_valid for s in validated.inputs),
        "rows_quarantined": sum(s.rows_quarantined for s in validated.inputs),
        "findings": result.findings.height,
        "parallelism": parallelism,
        "division": split,
    }


def _case_streamed(ctx: Context) -> Prepared:
    from credit_ledger.kinds import get_kind  # noqa: PLC0415

    files = ctx.data.files("parquet")
    kinds = {k: get_kind(k) for k in files}
    return Prepared(
        run=lambda: _streamed(_inputs(files), kinds, Path(tempfile.mkdtemp(dir=ctx.scratch)))
    )


def _case_spark(ctx: Context) -> Prepared:
    from credit_ledger.kinds import get_kind  # noqa: PLC0415
    from credit_ledger.pipeline import EvaluationRequest  # noqa: PLC0415
    from credit_ledger.pipeline._spark import SparkMode  # noqa: PLC0415
    from credit_ledger.plugins import active_manager  # noqa: PLC0415

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    files = ctx.data.files("parquet")
    kinds = {k: get_kind(k) for k in files}
    manager = active_manager()
    manager.ensure_ready()
    mode = SparkMode()
    mode.session.sparkContext.setLogLevel("ERROR")  # started here, untimed

    def run() -> dict[str, Any]:
        validated = mode.validate(_inputs(files), kinds, Path(tempfile.mkdtemp(dir=ctx.scratch)))
        request = EvaluationRequest(
            as_of=ctx.as_of,
            rules=manager.ruleset(),
            kinds=tuple(kinds.values()),
            quarantine=validated.quarantined,
        )
        frames = {k: b.records.lazy() for k, b in validated.batches.items()}
        result = mode.evaluate(frames, request)
        return {
            "rows_valid": sum(s.rows_valid for s in validated.inputs),
            "findings": result.findings.height,
        }

    return Prepared(run=run)


def spark_cases() -> list[Case]:
    """The Spark engine and the streamed Polars engine over the same stages (read, validate,
    every pack's rules and summaries; no commit), so the report shows their ratio."""
    return [
        Case(
            name="spark.streamed_polars",
            title="streamed Polars (`batch_rows` 100,000): Parquet → validate → rules",
            group="credit_ledger",
            prepare=_case_streamed,
            inputs="parquet",
        ),
        Case(
            name="spark.local2",
            title="Spark `local[2]` (`SparkMode`): Parquet → validate → rules",
            group="credit_ledger",
            prepare=_case_spark,
            inputs="parquet",
            requires="pyspark",
        ),
    ]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the comparison; returns (and prints) the figures."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.bench_spark", description=__doc__)
    p.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    p.add_argument("--huge", action="store_true", help=f"{HUGE_ROWS:,} rows")
    p.add_argument("--seed", type=int, default=20241231)
    p.add_argument("--master", default="local[2]")
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = p.parse_args(argv)
    rows = HUGE_ROWS if args.huge else args.rows
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    data = prepare(args.out, rows, seed=args.seed, formats=("parquet",))
    from credit_ledger.kinds import get_kind  # noqa: PLC0415

    files = data.files("parquet")
    kinds = {k: get_kind(k) for k in files}
    scratch = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    try:
        streamed = _streamed(_inputs(files), kinds, scratch / "streamed")
        spark = _spark(_inputs(files), kinds, scratch / "spark", args.master, rows)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    same = all(streamed[k] == spark[k] for k in ("rows_valid", "rows_quarantined", "findings"))
    figures = {
        "rows": rows,
        "streamed": streamed,
        "spark": spark,
        "ratio": round(spark["total_s"] / streamed["total_s"], 2),
        "same_counts": same,
    }
    print(json.dumps(figures, indent=2))
    out = args.out / f"spark-{rows}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    return figures


if __name__ == "__main__":
    main()
