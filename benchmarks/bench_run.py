"""A full ``credit-ledger run`` over the demo records, by stage, next to ``pl.read_csv``.

1. Generates (or reuses) the demo set: 570,000 records of the five built-in kinds, one CSV per
   kind (the same files as ``credit-ledger demo``).
2. Times ``pl.read_csv`` of those files (text columns): the floor any reader has to pay.
3. Run 1 into an empty ledger: read, validate, rules (every installed plugin, i.e. the
   built-in rule packs), commit, outputs.
4. Run 2 the next day over the same export with 1 % of the records changed (a value of
   ``source_org`` corrected): the ledger's upsert has to find them and rewrite the records.

Prints seconds per stage, the ratios to ``pl.read_csv``, and whether the ledger commit takes
less time than validation (the issue's target).

Usage: ``python benchmarks/bench_run.py [--rows 570000] [--seed 20241231] [--data-dir DIR]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path

import polars as pl

from credit_ledger.jobs import RunResult, parse_job, run
from credit_ledger.kinds import get_kind
from credit_ledger.plugins import PluginManager, PluginSelection
from credit_ledger.synth import generate

STAGES = ("read", "validate", "rules", "commit", "outputs")
DAY1 = dt.date(2025, 12, 30)
DAY2 = dt.date(2025, 12, 31)


def _demo_files(directory: Path, rows: int, seed: int) -> dict[str, Path]:
    if not (directory / "COMPLETE").exists():
        directory.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        generate(directory, rows=rows, seed=seed)
        (directory / "COMPLETE").write_text("ok\n")
        print(f"generated {rows:,} demo records in {time.perf_counter() - t0:.1f} s")
    return {p.stem: p for p in sorted(directory.glob("*.csv")) if p.stem != "ground_truth"}


def _change_one_percent(src: Path, dst: Path, kind: str) -> int:
    """Copy ``src`` to ``dst`` with ``source_org`` changed in 1 % of the rows."""
    frame = pl.read_csv(src, infer_schema=False)
    header = next(
        (
            h
            for h in frame.columns
            if h in {"source_org", *get_kind(kind).field("source_org").aliases}
        ),
        None,
    )
    if header is None:
        shutil.copyfile(src, dst)
        return 0
    hit = pl.int_range(pl.len()) % 100 == 37
    frame = frame.with_columns(
        pl.when(hit)
        .then(pl.col(header).fill_null("") + pl.lit("（更正）"))
        .otherwise(pl.col(header))
        .alias(header)
    )
    frame.write_csv(dst)
    return int(frame.select(hit.sum()).item())


def _manager() -> PluginManager:
    """Every installed plugin (the built-in rule packs are entry points), as a job would."""
    return PluginManager(selection=PluginSelection())


def _row(label: str, result: RunResult, floor: float) -> str:
    t = result.timings
    total = sum(t.get(s, 0.0) for s in STAGES)
    cells = "".join(f"{t.get(s, 0.0):>10.2f}" for s in STAGES)
    return f"{label:<26}{cells}{total:>10.2f}{total / floor:>9.1f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=570_000)
    parser.add_argument("--seed", type=int, default=20241231)
    parser.add_argument("--data-dir", type=Path, help="where the demo CSV files are cached")
    args = parser.parse_args()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "credit_ledger"
    directory = args.data_dir or cache / f"demo-{args.rows}-{args.seed}"
    files = _demo_files(directory, args.rows, args.seed)

    t0 = time.perf_counter()
    rows = sum(pl.read_csv(p, infer_schema=False).height for p in files.values())
    floor = time.perf_counter() - t0

    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        work = Path(tmp)
        for day, changed in ((DAY1, False), (DAY2, True)):
            target = work / "in" / day.isoformat()
            target.mkdir(parents=True)
            for kind, path in files.items():
                if changed:
                    _change_one_percent(path, target / path.name, kind)
                else:
                    os.symlink(path, target / path.name)
        job = parse_job(
            {
                "job": {"name": "bench", "ledger": "ledger"},
                "sources": [
                    {"name": kind, "kind": kind, "path": f"in/{{as_of}}/{path.name}"}
                    for kind, path in files.items()
                ],
                "outputs": {"dir": "out/{as_of}"},
            },
            base_dir=work,
            environ={},
        )
        pm = _manager()
        first = run(job, as_of=DAY1, plugins=pm)
        second = run(job, as_of=DAY2, plugins=_manager())

    print(f"\n{rows:,} records in {len(files)} CSV files ({directory})")
    print(f"pl.read_csv of the same files: {floor:.2f} s\n")
    head = "".join(f"{s:>10}" for s in STAGES)
    print(f"{'seconds':<26}{head}{'total':>10}{'/ csv':>10}")
    print(_row("run 1 (empty ledger)", first, floor))
    print(_row("run 2 (1 % changed)", second, floor))
    updated = sum(r["updated"] for r in second.records.values())
    inserted = sum(r["inserted"] for r in first.records.values())
    print(f"\nrun 1: {inserted:,} records inserted; run 2: {updated:,} updated by the upsert")
    for label, result in (("run 1", first), ("run 2", second)):
        commit, validate = result.timings["commit"], result.timings["validate"]
        verdict = "yes" if commit < validate else "NO"
        print(
            f"{label}: commit / validate = {commit / validate:.2f} "
            f"(commit faster than validation: {verdict}); "
            f"read / pl.read_csv = {result.timings['read'] / floor:.2f}"
        )
    active = [p["name"] for p in first.manifest["plugins"] if p["status"] == "active"]
    print(f"rules status: {first.rules_status}, {second.rules_status}; plugins: {active}")


if __name__ == "__main__":
    main()
