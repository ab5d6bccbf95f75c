"""``credit-ledger demo``: the main job on built-in demo data (570,000 synthetic records).

Generates the demo set once (cached), reads and validates every kind, runs the rules of every
installed plugin (the built-in packs: zeroing, arrears, credit classes, publicity), and prints
rows per kind, quarantined rows per reason checked against the generator's ground truth, the
packs' headline figures, and the time per stage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
from pathlib import Path
from typing import Any

import polars as pl

from credit_ledger.cli._args import iso_date
from credit_ledger.cli._exit import OK, RUNTIME
from credit_ledger.ingest import read
from credit_ledger.rules import EvaluationResult, Severity, evaluate_many
from credit_ledger.synth import generate, generator_fingerprint
from credit_ledger.validate import ValidationResult, validate

DEMO_ROWS = 570_000
DEMO_SEED = 20241231
DEMO_AS_OF = dt.date(2024, 12, 31)


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
    p.add_argument(
        "--as-of",
        type=iso_date,
        default=DEMO_AS_OF,
        help=f"run date for the rules (default {DEMO_AS_OF})",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(handler=_run)


def _demo_data(directory: Path, rows: int, seed: int) -> tuple[dict[str, Path], Path, float]:
    marker = directory / "COMPLETE"  # holds the generator's fingerprint
    start = time.perf_counter()
    fingerprint = generator_fingerprint()
    if not marker.exists() or marker.read_text().strip() != fingerprint:
        # Absent, interrupted or made by another generator version: the ground truth would not
        # match the records' reasons, so generate again.
        marker.unlink(missing_ok=True)
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob("*.csv"):
            old.unlink()
        generate(directory, rows=rows, seed=seed)
        marker.write_text(fingerprint + "\n")
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

    t0 = time.perf_counter()
    evaluation = evaluate_many({k: r.valid for k, r in results.items()}, as_of=args.as_of)
    t_rules = time.perf_counter() - t0

    truth = pl.read_csv(truth_path, infer_schema=False)
    compared = _compare(truth, results)
    matches = bool((compared["len"] == compared["len_found"]).all())

    rows_in = sum(r.summary.rows_in for r in results.values())
    if args.json:
        print(
            json.dumps(
                {
                    "rows_in": rows_in,
                    "kinds": {k: r.summary.to_dict() for k, r in results.items()},
                    "ground_truth_matches": matches,
                    "rules": evaluation.to_dict(Severity.ERROR),
                    "seconds": {
                        "generate": round(t_generate, 3),
                        "read": round(t_read, 3),
                        "validate": round(t_validate, 3),
                        "rules": round(t_rules, 3),
                    },
                },
                ensure_ascii=False,
                default=str,
            )
        )
        return OK if matches and not evaluation.errors else RUNTIME
    print(f"credit_ledger demo: {rows_in:,} records in {len(files)} files ({directory})")
    print(f"\n{'kind':<24}{'rows':>10}{'valid':>10}{'quarantined':>13}")
    for kind, r in results.items():
        s = r.summary
        print(f"{kind:<24}{s.rows_in:>10,}{s.rows_valid:>10,}{s.rows_quarantined:>13,}")
    print(f"\n{'quarantined rows per reason (warning: valid rows)':<52}{'found':>8}{'truth':>8}")
    for row in compared.iter_rows(named=True):
        flag = "" if row["len"] == row["len_found"] else "  MISMATCH"
        label = f"{row['kind']} {row['reason']}"
        print(f"{label:<52}{row['len_found']:>8}{row['len']:>8}{flag}")
    verdict = "equal" if matches else "DIFFERENT"
    print(f"\nquarantine counts vs generator ground truth: {verdict}")
    _print_packs(evaluation)
    print(
        f"\ntime: generate/cache {t_generate:.2f} s, read {t_read:.2f} s, "
        f"validate {t_validate:.2f} s, rules {t_rules:.2f} s"
    )
    return OK if matches and not evaluation.errors else RUNTIME


def _compare(truth: pl.DataFrame, results: dict[str, ValidationResult]) -> pl.DataFrame:
    """Rows per kind and reason, found against the truth: quarantine reasons, and the warnings
    of valid rows as ``warning:<reason>``. Shapes kept without a warning (truth ``valid:…``)
    are counted by being in neither."""
    expected = truth.filter(~pl.col("reason").str.starts_with("valid:")).group_by("kind", "reason")
    found = pl.concat(
        [
            frame.select(
                pl.lit(k).alias("kind"), (prefix + pl.col(column).explode()).alias("reason")
            ).drop_nulls("reason")
            for k, r in results.items()
            for frame, column, prefix in (
                (r.quarantine, "_reasons", pl.lit("")),
                (r.valid, "_warnings", pl.lit("warning:")),
            )
        ]
    )
    compared = expected.len().join(
        found.group_by("kind", "reason").len(),
        on=["kind", "reason"],
        how="full",
        coalesce=True,
        suffix="_found",
    )
    return compared.with_columns(pl.col("len", "len_found").fill_null(0)).sort("kind", "reason")


def _print_packs(ev: EvaluationResult) -> None:
    outcomes = ev.outcomes
    status = dict(outcomes.group_by("status").len().iter_rows())
    print(
        f"\nrules as of {ev.as_of}: {outcomes.height} evaluated, {status.get('pass', 0)} passed, "
        f"{status.get('fail', 0)} with findings, {status.get('error', 0)} errored; "
        f"{ev.findings.height:,} findings"
    )
    for err in ev.errors:
        print(f"  ERROR {err.what} {err.name}: {err.message}")
    for name in (
        "zeroing.dishonest_debtor",
        "zeroing.judgment_debtor_case",
        "arrears.gov_body_ledger",
    ):
        table = ev.summaries.get(name)
        if table is None or table.is_empty():
            continue
        print(f"\n{name} (government bodies): opening + new - closed = closing")
        for row in table.sort("period_start").iter_rows(named=True):
            mark = "zeroed" if row["zeroed"] else ""
            print(
                f"  {row['period']:<8}{row['opening']:>5} +{row['new']:>4} -{row['closed']:>4}"
                f" ={row['closing']:>5}   exit rate {row['exit_rate']:>6.1%}  {mark}"
            )
    aging = ev.summaries.get("arrears.aging")
    if aging is not None and not aging.is_empty():
        print("\narrears owed to firms, by aging bucket: cases, outstanding (yuan), late interest")
        for row in aging.sort("is_gov_body", "aging_bucket").iter_rows(named=True):
            who = "gov body" if row["is_gov_body"] else "other"
            print(
                f"  {who:<9}{row['aging_bucket']:<10}{row['cases']:>5}"
                f"{row['outstanding_amount']:>16,.2f}{row['late_interest']:>14,.2f}"
            )
    classes = ev.summaries.get("classes.credit_class")
    if classes is not None and not classes.is_empty():
        counts = dict(classes.group_by("credit_class").len().iter_rows())
        shown = ", ".join(f"{c} {counts.get(c, 0):,}" for c in "ABCD")
        print(f"\ncredit classes of {classes.height:,} subjects: {shown}")
