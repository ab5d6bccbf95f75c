"""The four built-in rule packs over the demo records, next to validation of the same records.

Usage::

    python benchmarks/bench_packs.py [--rows 570000] [--repeat 3] [--seed 20241231]
                                     [--as-of 2025-12-31] [--json]

1. ``credit_ledger.synth.generate_frames`` makes ``--rows`` records of the five built-in kinds
   (not timed).
2. ``credit_ledger.validate`` validates every kind (timed: the reference).
3. ``credit_ledger.evaluate_many`` runs every rule, derived column and summary of the
   packs (``packs``, ``zeroing``, ``arrears``, ``classes``, ``publicity``) over the valid
   records, through an isolated plugin manager (timed: the figure). The per-pack lines time
   each pack's plain functions on the same frames, for orientation.

Best of ``--repeat`` runs each, in the same process. Target (issue 4): all packs together take
less time than validation.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "plugins")]

import credit_ledger_packs as packs  # noqa: E402
from credit_ledger import evaluate_many, validate  # noqa: E402
from credit_ledger.synth import generate_frames  # noqa: E402
from credit_ledger.testing import isolated_manager  # noqa: E402
from credit_ledger_packs import arrears, classes, publicity, zeroing  # noqa: E402


def best(repeat: int, fn: Callable[[], object]) -> tuple[float, object]:
    """The fastest of ``repeat`` calls (seconds) and the last result."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=570_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--seed", type=int, default=20241231)
    p.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2025, 12, 31))
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = p.parse_args(argv)

    t0 = time.perf_counter()
    raw = generate_frames(args.rows, seed=args.seed).frames
    t_generate = time.perf_counter() - t0

    t_validate, results = best(
        args.repeat, lambda: {k: validate(f, kind=k) for k, f in raw.items()}
    )
    assert isinstance(results, dict)
    valid: dict[str, pl.DataFrame] = {k: r.valid for k, r in results.items()}

    manager = isolated_manager(*packs.PLUGINS.items())
    manager.ensure_ready()

    def run_packs() -> object:
        return evaluate_many(valid, as_of=args.as_of, plugins=manager)

    t_packs, evaluation = best(args.repeat, run_packs)
    errors = getattr(evaluation, "errors", ())
    findings = getattr(evaluation, "findings", pl.DataFrame()).height

    a = args.as_of
    parts = {
        "zeroing_table": lambda: zeroing.zeroing_table(valid, as_of=a),
        "arrears_columns": lambda: arrears.with_arrears_columns(valid["arrears_case"], as_of=a),
        "publicity_columns": lambda: publicity.with_publicity_columns(
            valid["admin_penalty"], as_of=a
        ),
        "credit_classes": lambda: classes.credit_classes(valid, as_of=a),
    }
    per_part = {name: best(args.repeat, fn)[0] for name, fn in parts.items()}

    valid_rows = {k: v.height for k, v in valid.items()}
    error_lines = [f"{e.what} {e.name}: {e.message}" for e in errors]
    figures = {
        "rows": args.rows,
        "valid_rows": valid_rows,
        "as_of": a.isoformat(),
        "generate_s": round(t_generate, 3),
        "validate_s": round(t_validate, 3),
        "packs_s": round(t_packs, 3),
        "packs_over_validate": round(t_packs / t_validate, 3),
        "target_met": t_packs <= t_validate,
        "findings": findings,
        "errors": error_lines,
        "functions_s": {k: round(v, 3) for k, v in per_part.items()},
    }
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        print(f"records: {args.rows:,} generated in {t_generate:.2f} s; valid per kind:")
        for kind, n in valid_rows.items():
            print(f"  {kind:<22} {n:>9,}")
        print(f"validation (all kinds)        {t_validate:8.2f} s   (best of {args.repeat})")
        print(
            f"all four packs (engine run)   {t_packs:8.2f} s   = {t_packs / t_validate:.2f}x "
            f"validation, {findings:,} findings"
        )
        for name, seconds in per_part.items():
            print(f"  {name:<27} {seconds:8.2f} s")
        print(f"target packs ≤ validation: {'met' if t_packs <= t_validate else 'NOT met'}")
        for e in error_lines:
            print(f"error: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
