"""``credit-ledger history``: per-run record counts and the balance of every per-period ledger
a plugin persists (``Summary(persist=Persist(periods=True))``), with drift flags.

A source drifts in a run when its row count moves more than ``--rows-threshold`` (relative)
from the median of its previous ``--window`` runs, or its quarantine rate more than
``--quarantine-threshold`` (absolute). Exit 0, or 1 with ``--fail-on-drift`` when the last run
drifted; 2 when no ledger is given.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import polars as pl

from credit_ledger.cli._exit import FINDINGS, OK
from credit_ledger.errors import UsageError
from credit_ledger.jobs import HistoryConfig, load_job
from credit_ledger.jobs._config import ENV_LEDGER
from credit_ledger.ledger import History, Ledger

__all__ = ["register", "render"]


def register(sub: Any) -> None:
    """Add the ``history`` sub-command."""
    p = sub.add_parser(
        "history",
        help="record counts and per-period ledger balances per run, with drift flags",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument("--ledger", type=Path, metavar="PATH", help="ledger directory")
    where.add_argument("--job", type=Path, metavar="JOB.toml", help="take the ledger from a job")
    p.add_argument("--kind", help="only this record kind")
    p.add_argument("--window", type=int, help="earlier runs compared with (default 5)")
    p.add_argument("--rows-threshold", type=float, help="relative row-count change (0.5)")
    p.add_argument("--quarantine-threshold", type=float, help="quarantine-rate change (0.05)")
    p.add_argument(
        "--all-periods",
        action="store_true",
        help="every period and breakdown (default: the period holding each run's as_of)",
    )
    p.add_argument("--fail-on-drift", action="store_true", help="exit 1 if the last run drifted")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_run)


def _latest_periods(periods: pl.DataFrame) -> pl.DataFrame:
    """The default view: the period holding each run's as_of, summaries without breakdown."""
    if periods.is_empty():
        return periods
    broken_down = (
        periods.group_by("summary")
        .agg(pl.col("group").is_not_null().any().alias("by"))
        .filter(pl.col("by"))["summary"]
    )
    return periods.filter(
        ~pl.col("summary").is_in(broken_down.implode())
        & (pl.col("period_start") <= pl.col("as_of"))
        & (pl.col("period_end") >= pl.col("as_of"))
    )


def render(history: History, *, all_periods: bool = False) -> str:
    """The history as text: runs, per-period ledger balances per run, drift flags."""
    lines = ["runs:"]
    lines.append(
        f"  {'ver':>4} {'run_id':<26} {'as_of':<10} {'status':<8} "
        f"{'rows':>8} {'quar.':>6} {'corr.':>6} {'new':>7} {'changed':>7} {'records':>8}"
    )
    for r in history.runs.iter_rows(named=True):
        lines.append(
            f"  {r['ledger_version']:>4} {r['run_id']:<26} {r['as_of']!s:<10} {r['status']:<8} "
            f"{r['rows_in']:>8} {r['rows_quarantined']:>6} {r.get('rows_corrected') or 0:>6} "
            f"{r['records_inserted']:>7} "
            f"{r['records_updated']:>7} {r['records']:>8}"
        )
    periods = history.periods if all_periods else _latest_periods(history.periods)
    lines.append("per-period ledgers (opening + new - closed = closing):")
    if periods.is_empty():
        lines.append("  none (no active plugin persists a per-period ledger summary)")
    for z in periods.iter_rows(named=True):
        group = f" [{z['group']}]" if z.get("group") else ""
        rate = z.get("exit_rate")
        lines.append(
            f"  {z['ledger_version']:>4} {z['as_of']!s:<10} {z['summary']}{group} {z['period']}: "
            f"{z['opening']} + {z['new']} - {z['closed']} = {z['closing']}"
            f"{'  zeroed' if z.get('zeroed') else ''}"
            + (f"  exit rate {rate:.1%}" if rate is not None else "")
            + (f"  unplaced {z['unplaced']} (not zeroed)" if z.get("unplaced") else "")
        )
    drift = history.drift
    lines.append(
        f"drift (window {history.window} runs, rows ±{history.rows_threshold:.0%}, "
        f"quarantine ±{history.quarantine_threshold:.0%} points):"
    )
    if drift.is_empty():
        lines.append("  none")
    for d in drift.iter_rows(named=True):
        what = []
        if d["rows_drift"]:
            what.append(f"rows {d['rows_in']} vs median {d['rows_median']:.0f}")
        if d["quarantine_drift"]:
            what.append(
                f"quarantine {d['quarantine_rate']:.1%} vs median {d['quarantine_median']:.1%}"
            )
        lines.append(f"  DRIFT {d['source']} in run {d['run_id']}: {'; '.join(what)}")
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    config = HistoryConfig()
    if args.job is not None:
        job = load_job(args.job)
        path, config = job.ledger, job.history
    elif args.ledger is not None:
        path = args.ledger
    elif os.environ.get(ENV_LEDGER, "").strip():
        path = Path(os.environ[ENV_LEDGER].strip())
    else:
        raise UsageError(f"no ledger: give --ledger PATH, --job JOB.toml or set {ENV_LEDGER}")
    if not (path / "runs").is_dir():
        raise UsageError(f"{path}: not a credit-ledger ledger (no runs table)")
    history = Ledger(path).history(
        kind=args.kind,
        window=args.window or config.window,
        rows_threshold=args.rows_threshold or config.rows_threshold,
        quarantine_threshold=args.quarantine_threshold or config.quarantine_threshold,
    )
    if args.json:
        periods = history.periods if args.all_periods else _latest_periods(history.periods)
        print(
            json.dumps(
                {
                    "runs": history.runs.to_dicts(),
                    "periods": periods.to_dicts(),
                    "sources": history.sources.to_dicts(),
                },
                default=str,
                ensure_ascii=False,
            )
        )
    else:
        print(render(history, all_periods=args.all_periods))
    last = history.runs["run_id"][-1] if history.runs.height else None
    drifted = last is not None and last in history.drift["run_id"].to_list()
    return FINDINGS if args.fail_on_drift and drifted else OK
