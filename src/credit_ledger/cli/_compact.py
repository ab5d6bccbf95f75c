"""``credit-ledger compact``: compact the ledger's small files and vacuum unreferenced ones.

Retention is counted in runs, never in hours: every file that one of the last ``--keep-runs``
committed runs (default: all of them) still references is kept. Data files that no Delta
version references (left by a killed run) are deleted once older than ``--orphan-grace-hours``
(default ``CREDIT_LEDGER_ORPHAN_GRACE_HOURS``, else 1). Takes the ledger's lock.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from credit_ledger.cli._exit import OK
from credit_ledger.errors import UsageError
from credit_ledger.jobs import load_job
from credit_ledger.ledger import Ledger

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``compact`` sub-command."""
    p = sub.add_parser(
        "compact",
        help="compact and vacuum a ledger (retention in runs)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--ledger", type=Path, metavar="PATH")
    where.add_argument("--job", type=Path, metavar="JOB.toml")
    p.add_argument("--keep-runs", type=int, metavar="N", help="runs kept readable (default all)")
    p.add_argument(
        "--orphan-grace-hours",
        type=float,
        metavar="H",
        help="delete files no Delta version references only when older (default 1)",
    )
    p.add_argument("--dry-run", action="store_true", help="list what would be deleted")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    path = load_job(args.job).ledger if args.job is not None else args.ledger
    if not (path / "runs").is_dir():
        raise UsageError(f"{path}: not a credit-ledger ledger (no runs table)")
    done = Ledger(path).compact(
        keep_runs=args.keep_runs,
        dry_run=args.dry_run,
        orphan_grace_hours=args.orphan_grace_hours,
    )
    deleted = sum(len(v) for v in done.deleted.values())
    if args.json:
        print(
            json.dumps(
                {
                    "dry_run": done.dry_run,
                    "compacted": dict(done.compacted),
                    "deleted": {k: list(v) for k, v in done.deleted.items()},
                    "oldest_readable_version": done.oldest_readable_version,
                }
            )
        )
    else:
        verb = "would delete" if done.dry_run else "deleted"
        print(
            f"{path}: compacted {sum(done.compacted.values())} small files, {verb} "
            f"{deleted} unreferenced files; readable from ledger version "
            f"{done.oldest_readable_version or 1}"
        )
    return OK
