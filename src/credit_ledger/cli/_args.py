"""Argument types shared by the sub-commands."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from credit_ledger.plugins import PluginManager, active_manager


def iso_date(text: str) -> dt.date:
    """A ``YYYY-MM-DD`` argument (``--as-of``); a usage error (exit 2) otherwise."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def column_mapping(text: str) -> tuple[str, str]:
    """A ``--map HEADER=column`` argument; a usage error (exit 2) otherwise."""
    header, sep, column = text.rpartition("=")
    if not sep or not header.strip() or not column.strip():
        raise argparse.ArgumentTypeError(f"not HEADER=column: {text!r}")
    return header.strip(), column.strip()


def _positive_row(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a row number (1 or more): {text!r}")
    return int(text)


def add_read_options(p: argparse.ArgumentParser) -> None:
    """``--map``, ``--header-row``, ``--records-path`` and ``--format``, for the commands that
    read files."""
    p.add_argument(
        "--map",
        type=column_mapping,
        action="append",
        default=[],
        metavar="HEADER=column",
        help="read the source column HEADER as the kind's column (repeatable); see "
        "`credit-ledger inspect`",
    )
    p.add_argument(
        "--header-row",
        type=_positive_row,
        metavar="N",
        help="the header is row N of a CSV file or sheet (default: found in the first 50 rows)",
    )
    p.add_argument(
        "--records-path",
        metavar="PATH",
        help="where a .json document keeps its records, e.g. data.0.result "
        "(default: the first list of objects)",
    )
    p.add_argument(
        "--format",
        metavar="NAME",
        help="read the file as this source format whatever its suffix: csv, parquet, arrow, "
        "ndjson, json, excel, or one a plugin adds (`credit-ledger plugins list`)",
    )


def read_options(args: argparse.Namespace, manager: PluginManager | None = None) -> dict[str, Any]:
    """The keyword arguments of :func:`credit_ledger.ingest.read` given by
    :func:`add_read_options`, and the source formats of ``manager`` (default: the active one)."""
    return {
        "columns": dict(args.map) or None,
        "header_row": args.header_row,
        "records_path": args.records_path,
        "format": args.format,
        "formats": (manager or active_manager()).source_formats(),
    }
