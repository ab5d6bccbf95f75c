"""``credit-ledger corrections --ledger PATH [--run RUN_ID] --out DIR [--unmasked]``: one
correction workbook (``.xlsx``) per source department with the rows of a committed run's
quarantine it must fix. Prints the workbooks written. Exit 0; 3 for an unknown run; 4 when a
file cannot be written."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from credit_ledger.cli._exit import OK
from credit_ledger.corrections import write_corrections

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``corrections`` sub-command."""
    p = sub.add_parser(
        "corrections",
        help="write one correction workbook per source department",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--ledger", type=Path, metavar="PATH", required=True, help="ledger directory")
    p.add_argument("--run", metavar="RUN_ID", help="the run (default: the last committed one)")
    p.add_argument("--out", type=Path, metavar="DIR", required=True, help="directory to write to")
    p.add_argument(
        "--unmasked",
        action="store_true",
        help="keep natural persons' names and ID numbers readable (internal use only)",
    )
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    for path in write_corrections(args.ledger, args.out, run_id=args.run, masked=not args.unmasked):
        print(path)
    return OK
