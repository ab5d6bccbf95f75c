"""``credit-ledger demo``: the main job on built-in demo data (570,000 synthetic records).

Generates the demo set once (cached), reads and validates every kind, runs the rules of the
built-in packs (other installed plugins only with ``--plugins``), and prints rows per kind,
quarantined rows per reason checked against the generator's ground truth, the packs' headline
figures, the time per stage, and a closing summary: the state of each per-period ledger, the
departments with the most quarantined rows, the rules with the most findings.

The run date is the last day of the generator's world, so no generated record is dated after it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

from credit_ledger.cli._args import iso_date
from credit_ledger.cli._exit import OK, RUNTIME
from credit_ledger.cli._ledgers import closing_ledgers, print_closing_ledgers, print_period_ledgers
from credit_ledger.cli._report import demo_report
from credit_ledger.pipeline import FileInput, InputSummary, Pipeline, Validated
from credit_ledger.plugins import PluginManager, PluginSelection
from credit_ledger.rules import EvaluationResult, Severity
from credit_ledger.synth import generate, generator_fingerprint
from credit_ledger.synth._values import END as WORLD_END
from credit_ledger.synth._write import TRUTH_FILE
from credit_ledger.validate import REASONS, WARNINGS

DEMO_ROWS = 570_000
DEMO_SEED = 20241231
DEMO_AS_OF: dt.date = WORLD_END  # every generated date is on or before it
TOP = 5


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
    p.add_argument(
        "--plugins",
        default="builtin",
        metavar="builtin|all|NAMES",
        help="which plugins' rules run: the built-in packs (default), all installed plugins, "
        "or the built-in packs plus these entry points (comma-separated)",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--report", type=Path, help="run report (default: report.html in the data dir)")
    p.set_defaults(handler=_run)


def _manager(choice: str) -> PluginManager:
    everything = PluginManager()
    if choice == "all":
        return everything
    # The packs shipped with credit-ledger; a third-party plugin installed in the same
    # environment (the example one, by `make`) would otherwise add its findings to the demo.
    ours = {
        p.name
        for p in everything.plugins()
        if p.origin == "entry_point" and p.distribution == "credit-ledger"
    }
    extra = {n.strip() for n in choice.split(",") if n.strip() and choice != "builtin"}
    return PluginManager(selection=PluginSelection.parse(allow=ours | extra))


def _demo_data(directory: Path, rows: int, seed: int) -> tuple[dict[str, Path], Path, float]:
    marker = directory / "COMPLETE"  # holds the generator's fingerprint
    start = time.perf_counter()
    fingerprint = generator_fingerprint()
    if not marker.exists() or marker.read_text().strip() != fingerprint:
        # Absent, interrupted or made by another generator version: the ground truth would not
        # match the records' reasons, so generate again.
        marker.unlink(missing_ok=True)
        directory.mkdir(parents=True, exist_ok=True)
        for old in [*directory.glob("*.csv"), directory / TRUTH_FILE]:
            old.unlink(missing_ok=True)
        generate(directory, rows=rows, seed=seed)
        marker.write_text(fingerprint + "\n")
    files = {p.stem: p for p in sorted(directory.glob("*.csv"))}
    return files, directory / TRUTH_FILE, time.perf_counter() - start


def _run(args: argparse.Namespace) -> int:
    directory = args.data_dir or _cache_dir() / f"demo-{args.rows}-{args.seed}"
    files, truth_path, t_generate = _demo_data(directory, args.rows, args.seed)
    manager = _manager(args.plugins)
    kinds = {name: manager.kind(name) for name in files}
    pipe = Pipeline(kinds=kinds, ruleset=manager.ruleset())
    read = pipe.read(FileInput.read(path, kind=kinds[name]) for name, path in files.items())
    with tempfile.TemporaryDirectory(prefix="credit-ledger-") as scratch:
        validated = pipe.validate(read, Path(scratch))
        evaluation = pipe.evaluate(validated, as_of=args.as_of).evaluation
    seconds = {"generate": t_generate, **pipe.clock.timings}

    truth = pl.read_csv(truth_path, separator="\t", infer_schema=False)
    compared = _compare(truth, validated)
    matches = bool((compared["len"] == compared["len_found"]).all())

    rows_in = sum(s.rows_in for s in validated.inputs)
    report = demo_report(files, args.as_of, args.report or directory / "report.html")
    if args.json:
        print(
            json.dumps(
                {
                    "rows_in": rows_in,
                    "kinds": {s.kind: _summary(s) for s in validated.inputs},
                    "ground_truth_matches": matches,
                    "as_of": args.as_of.isoformat(),
                    "plugins": sorted(p.name for p in manager.plugins() if p.status == "active"),
                    "closing": _closing(validated, evaluation),
                    "rules": evaluation.to_dict(Severity.ERROR),
                    "seconds": {k: round(v, 3) for k, v in seconds.items()},
                },
                ensure_ascii=False,
                default=str,
            )
        )
        return OK if matches and not evaluation.errors else RUNTIME
    print(f"credit_ledger demo: {rows_in:,} records in {len(files)} files ({directory})")
    print(f"\n{'kind':<24}{'rows':>10}{'valid':>10}{'quarantined':>13}")
    for s in validated.inputs:
        print(f"{s.kind:<24}{s.rows_in:>10,}{s.rows_valid:>10,}{s.rows_quarantined:>13,}")
    print(f"\n{'quarantined rows per reason (warning: valid rows)':<52}{'found':>8}{'truth':>8}")
    for row in compared.iter_rows(named=True):
        flag = "" if row["len"] == row["len_found"] else "  MISMATCH"
        label = f"{row['kind']} {row['reason']}"
        print(f"{label:<52}{row['len_found']:>8}{row['len']:>8}{flag}")
    verdict = "equal" if matches else "DIFFERENT"
    print(f"\nquarantine counts vs generator ground truth: {verdict}")
    print(f"run report: {report}")
    _print_packs(evaluation)
    print(
        f"\ntime: generate/cache {t_generate:.2f} s, read {seconds['read']:.2f} s, "
        f"validate (reading the files) {seconds['validate']:.2f} s, rules {seconds['rules']:.2f} s"
    )
    _print_closing(_closing(validated, evaluation), args.as_of)
    return OK if matches and not evaluation.errors else RUNTIME


def _summary(s: InputSummary) -> dict[str, object]:
    return s.validation.to_dict() if s.validation is not None else s.to_dict()


def _rows(validated: Validated) -> list[tuple[str, pl.LazyFrame, pl.LazyFrame | None]]:
    """Per kind: its valid records and its quarantined rows (None when there are none)."""
    return [(k, b.records, validated.quarantined.get(k)) for k, b in validated.batches.items()]


def _compare(truth: pl.DataFrame, validated: Validated) -> pl.DataFrame:
    """Rows per kind and reason, found against the truth: quarantine reasons, and the warnings
    of valid rows as ``warning:<reason>``. Shapes kept without a warning (truth ``valid:…``)
    are counted by being in neither."""
    expected = truth.filter(~pl.col("reason").str.starts_with("valid:")).group_by("kind", "reason")
    found = pl.concat(
        [
            frame.select(
                pl.lit(k).alias("kind"), (prefix + pl.col(column).explode()).alias("reason")
            ).drop_nulls("reason")
            for k, valid, quarantine in _rows(validated)
            for frame, column, prefix in (
                (quarantine, REASONS, pl.lit("")),
                (valid, WARNINGS, pl.lit("warning:")),
            )
            if frame is not None
        ]
    ).collect()
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
    print_period_ledgers(ev)
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


def _closing(validated: Validated, ev: EvaluationResult) -> dict[str, Any]:
    """The handful of things that matter: ledger states, worst departments, top rules."""
    per_org = [
        frame
        for _, valid, quarantine in _rows(validated)
        if "source_org" in valid.collect_schema().names()
        for frame in (
            valid.select(pl.col("source_org").cast(pl.String), q=pl.lit(0)),
            *(
                [quarantine.select(pl.col("source_org").str.strip_chars(), q=pl.lit(1))]
                if quarantine is not None
                else []
            ),
        )
    ]
    departments = (
        pl.concat(per_org)
        .group_by("source_org")
        .agg(rows=pl.len(), quarantined=pl.col("q").sum())
        .filter(pl.col("quarantined") > 0)
        .with_columns(rate=pl.col("quarantined") / pl.col("rows"))
        .sort(["quarantined", "source_org"], descending=[True, False], nulls_last=True)
        .head(TOP)
        .collect()
    )
    findings = ev.findings
    rules = (
        findings.group_by("rule_id", "severity")
        .len("findings")
        .sort(["findings", "rule_id"], descending=[True, False])
        .head(TOP)
    )
    return {
        "ledgers": closing_ledgers(ev),
        "departments_by_quarantine": departments.to_dicts(),
        "rules_by_findings": rules.with_columns(pl.col("severity").cast(pl.String)).to_dicts(),
    }


def _print_closing(closing: dict[str, Any], as_of: dt.date) -> None:
    print(f"\nin short, as of {as_of}:")
    print_closing_ledgers(closing["ledgers"])
    print("  departments with the most quarantined rows:")
    for d in closing["departments_by_quarantine"]:
        print(f"    {d['quarantined']:>6,} of {d['rows']:>7,} ({d['rate']:.1%})  {d['source_org']}")
    print("  rules with the most findings:")
    for r in closing["rules_by_findings"]:
        print(f"    {r['findings']:>8,}  {r['rule_id']} [{r['severity']}]")
