"""``credit-ledger demo``: the main job on built-in demo data (570,000 synthetic records).

Generates the demo set once (cached), reads and validates every kind, and prints rows per
kind, quarantined rows per reason checked against the generator's ground truth, and the time
per stage.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import polars as pl

from credit_ledger.cli._exit import OK, RUNTIME
from credit_ledger.ingest import read
from credit_ledger.validate import ValidationResult, validate

DEMO_ROWS = 570_000
DEMO_SEED = 20241231


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "credit_ledger"


def register(sub: Any) -> None:
    """Add the ``demo`` sub-command."""
    p = sub.add_parser(
        "demo",
        help="run the pipeline on 570,000 synthetic records",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    p.add_argument("--rows", type=int, default=DEMO_ROWS)
    p.add_argument("--seed", type=int, default=DEMO_SEED)
    p.add_argument("--data-dir", type=Path, help="where the demo data is cached")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(handler=_run)


def _demo_data(directory: Path, rows: int, seed: int) -> tuple[dict[str, Path], Path, float]:
    from credit_ledger.synth import generate

    marker = directory / "COMPLETE"
    start = time.perf_counter()
    if not marker.exists():
        directory.mkdir(parents=True, exist_ok=True)
        generate(directory, rows=rows, seed=seed)
        marker.write_text("ok\n")
    files = {p.stem: p for p in sorted(directory.glob("*.csv")) if p.stem != "ground_truth"}
    return files, directory / "ground_truth.csv", time.perf_counter() - start


def _run(args: argparse.Namespace) -> int:
    directory = args.data_dir or _cache_dir() / f"demo-{args.rows}-{args.seed}"
    files, truth_path, t_generate = _demo_data(directory, args.rows, args.seed)
    results: dict[str, ValidationResult] = {}
    t_read = t_validate = 0.0
    for kind, path in files.items():
        t0 = time.perf_counter()
        frame = read(path, kind=kind).collect()
        t1 = time.perf_counter()
        results[kind] = validate(frame, kind=kind)
        t_read += t1 - t0
        t_validate += time.perf_counter() - t1

    truth = pl.read_csv(truth_path, infer_schema=False)
    expected = truth.group_by("kind", "reason").len()
    found = pl.concat(
        [
            r.quarantine.select(pl.lit(k).alias("kind"), pl.col("_reasons").explode().alias("reason"))
            for k, r in results.items()
        ]
    ).group_by("kind", "reason").len()
    compared = expected.join(found, on=["kind", "reason"], how="full", coalesce=True, suffix="_found")
    compared = compared.with_columns(pl.col("len", "len_found").fill_null(0)).sort("kind", "reason")
    matches = bool((compared["len"] == compared["len_found"]).all())

    rows_in = sum(r.summary.rows_in for r in results.values())
    if args.json:
        print(
            json.dumps(
                {
                    "rows_in": rows_in,
                    "kinds": {k: r.summary.to_dict() for k, r in results.items()},
                    "ground_truth_matches": matches,
                    "seconds": {
                        "generate": round(t_generate, 3),
                        "read": round(t_read, 3),
                        "validate": round(t_validate, 3),
                    },
                },
                ensure_ascii=False,
            )
        )
        return OK if matches else RUNTIME
    print(f"credit_ledger demo: {rows_in:,} records in {len(files)} files ({directory})")
    print(f"\n{'kind':<24}{'rows':>10}{'valid':>10}{'quarantined':>13}")
    for kind, r in results.items():
        s = r.summary
        print(f"{kind:<24}{s.rows_in:>10,}{s.rows_valid:>10,}{s.rows_quarantined:>13,}")
    print(f"\n{'quarantined rows per reason':<52}{'found':>8}{'truth':>8}")
    for row in compared.iter_rows(named=True):
        flag = "" if row["len"] == row["len_found"] else "  MISMATCH"
        label = f"{row['kind']} {row['reason']}"
        print(f"{label:<52}{row['len_found']:>8}{row['len']:>8}{flag}")
    verdict = "equal" if matches else "DIFFERENT"
    print(f"\nquarantine counts vs generator ground truth: {verdict}")
    print(
        f"time: generate/cache {t_generate:.2f} s, read {t_read:.2f} s, "
        f"validate {t_validate:.2f} s"
    )
    return OK if matches else RUNTIME
