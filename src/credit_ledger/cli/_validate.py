"""``credit-ledger validate FILE --kind K``: read, validate, write valid rows and quarantine.

With ``--out DIR`` the input (a file, a directory or a glob) is validated in batches by
:func:`credit_ledger.validate_to_parquet`, for inputs larger than memory.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from credit_ledger._api import read, validate, validate_to_parquet
from credit_ledger.cli._args import add_read_options, read_options
from credit_ledger.cli._exit import FINDINGS, OK
from credit_ledger.cli._logging import configure_logging
from credit_ledger.cli._output import write_parquet
from credit_ledger.errors import UsageError
from credit_ledger.plugins import get_kind
from credit_ledger.quarantine_files import check_path, write_quarantine
from credit_ledger.streaming import DEFAULT_BATCH_ROWS
from credit_ledger.validate import ValidationSummary


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a positive number of rows: {text!r}")
    return value


def register(sub: Any) -> None:
    """Add the ``validate`` sub-command."""
    p = sub.add_parser(
        "validate",
        help="validate one file against a record kind",
        description="Read FILE as records of KIND, validate every row, and report the counts. "
        "Exit 0 when every row is valid, 1 when rows were quarantined, 2 on bad input.",
    )
    p.add_argument("file", type=Path, help="the file (with --out: also a directory or a glob)")
    p.add_argument("--kind", required=True, help="record kind (see `credit-ledger kinds`)")
    p.add_argument("--encoding", help="text encoding of a CSV file (default: detected)")
    p.add_argument("--sheet", help="sheet of an .xlsx workbook")
    p.add_argument("--valid", type=Path, metavar="OUT.parquet", help="write valid rows here")
    p.add_argument(
        "--quarantine",
        type=Path,
        metavar="OUT",
        help="write quarantined rows here: .parquet (canonical columns), or .csv (UTF-8 with "
        "BOM) / .xlsx for people: original headers and values, reasons in codes and in Chinese "
        "(`credit-ledger explain REASON`)",
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="stream in batches, for inputs larger than memory: write DIR/valid/part-*.parquet "
        "and DIR/quarantine/part-*.parquet (uniqueness is still checked over the whole input)",
    )
    p.add_argument(
        "--batch-rows",
        type=_positive,
        metavar="N",
        help=f"rows per batch with --out (default {DEFAULT_BATCH_ROWS:,})",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument(
        "--log-format",
        choices=("text", "json"),
        default="text",
        help="stderr log format of the progress of --out (default text)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="with --out: no progress logs")
    add_read_options(p)
    p.set_defaults(handler=_run)


def _summary(args: argparse.Namespace) -> ValidationSummary:
    if args.out is not None:
        if args.valid is not None or args.quarantine is not None:
            raise UsageError(
                "--out writes valid rows and quarantine itself: drop --valid and --quarantine"
            )
        configure_logging(args.log_format, quiet=args.quiet)
        return validate_to_parquet(
            args.file,
            kind=args.kind,
            out_dir=args.out,
            batch_rows=args.batch_rows or DEFAULT_BATCH_ROWS,
            encoding=args.encoding,
            sheet=args.sheet,
            **read_options(args),
        )
    if args.batch_rows is not None:
        raise UsageError("--batch-rows needs --out DIR")
    if args.file.is_dir():
        raise UsageError(
            f"{args.file} is a directory: give one file, or add --out DIR to validate every "
            "file in it (or a glob such as 'dir/*.csv')"
        )
    if args.quarantine is not None:
        check_path(args.quarantine)  # before reading: a wrong suffix costs no work
    configure_logging(args.log_format, quiet=True)  # what was decided about the file's shape
    frame = read(
        args.file, kind=args.kind, encoding=args.encoding, sheet=args.sheet, **read_options(args)
    )
    result = validate(frame, kind=args.kind)
    if args.valid is not None:
        write_parquet(result.valid, args.valid)
    if args.quarantine is not None:
        write_quarantine(
            result.quarantine,
            args.quarantine,
            get_kind(args.kind),
            source=None if args.format else args.file,  # a named format: rows as read
            encoding=args.encoding,
            sheet=args.sheet,
        )
    return result.summary


def _run(args: argparse.Namespace) -> int:
    summary = _summary(args)
    if args.json:
        print(json.dumps({"file": args.file.name, **summary.to_dict()}, ensure_ascii=False))
    else:
        print(
            f"{args.file.name}: {summary.rows_in} rows, {summary.rows_valid} valid, "
            f"{summary.rows_quarantined} quarantined"
        )
        for reason, count in summary.by_reason.items():
            print(f"  {count:>8}  {reason}")
        for why, count in summary.skipped.items():
            print(f"  {count:>8}  skipped: {why}")
    if summary.rows_in == 0:
        print(f"credit-ledger: warning: {args.file.name} holds no data rows", file=sys.stderr)
    return FINDINGS if summary.rows_quarantined else OK
