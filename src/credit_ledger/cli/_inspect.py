"""``credit-ledger inspect FILE --kind K``: how a file's columns map onto a record kind.

Prints each source column with what it maps to and how (``mapped`` by the user, ``exact``
name or alias of the kind, ``alias`` from a header profile of published feeds, or
``unmapped`` with the closest column as a suggestion), the kind's columns the file lacks, the
warnings about its shape, and a mapping ready to paste as ``--map`` options or into a job
file's ``columns`` table. Reads no more than the header and a row count.
"""

from __future__ import annotations

import argparse
import json
import shlex
import unicodedata
from pathlib import Path
from typing import Any

import polars as pl

from credit_ledger.cli._args import add_read_options, read_options
from credit_ledger.cli._exit import OK
from credit_ledger.ingest import SKIP, read_sheet
from credit_ledger.plugins import get_kind


def register(sub: Any) -> None:
    """Add the ``inspect`` sub-command."""
    p = sub.add_parser(
        "inspect",
        help="show how a file's columns map onto a record kind",
        description="Show how each column of FILE maps onto KIND (exact, alias, fuzzy "
        "suggestion, unmapped), which columns of KIND are missing, and a mapping ready to "
        "paste (--map options, or a job file's columns table).",
    )
    p.add_argument("file", type=Path)
    p.add_argument("--kind", required=True, help="record kind (see `credit-ledger kinds`)")
    p.add_argument("--encoding", help="text encoding of a CSV file (default: detected)")
    p.add_argument("--sheet", help="sheet of a workbook")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    add_read_options(p)
    p.set_defaults(handler=_run)


def report(args: argparse.Namespace) -> dict[str, Any]:
    """The inspection of ``args.file`` as JSON-ready data."""
    kind = get_kind(args.kind)
    sheet, mapping = read_sheet(
        args.file, kind=kind, encoding=args.encoding, sheet=args.sheet, **read_options(args)
    )
    counts = sheet.frame.select(
        pl.len().alias("rows"), pl.col(SKIP).is_not_null().sum().alias("skipped")
    ).collect()
    paste: dict[str, str] = {}
    for m in mapping.matches:
        if m.how in ("mapped", "alias") and m.column is not None:
            paste[m.header] = m.column
        elif m.column is None and m.suggestion in mapping.missing:
            paste[m.header] = m.suggestion
    return {
        "file": args.file.name,
        "kind": kind.name,
        "header_row": sheet.header_row,
        "rows": counts["rows"][0] - counts["skipped"][0],
        "columns": [
            {
                "header": m.header,
                "column": m.column,
                "how": m.how,
                "profile": m.profile,
                "suggestion": m.suggestion,
            }
            for m in mapping.matches
        ],
        "missing": {
            "required": [c for c in mapping.missing if kind.field(c).required],
            "optional": [
                c for c in mapping.missing if not kind.field(c).required and c != kind.key
            ],
        },
        "warnings": [*sheet.warnings, *mapping.warnings],
        "mapping": paste,
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _print_text(data: dict[str, Any]) -> None:
    where = f", header on row {data['header_row']}" if data["header_row"] else ""
    print(f"{data['file']}: kind {data['kind']}{where}, {data['rows']} data rows")
    width = max([_width(c["header"]) for c in data["columns"]] + [12])
    for c in data["columns"]:
        if c["column"] is not None:
            how = c["how"] + (f" ({c['profile']})" if c["profile"] else "")
            print(f"  {_pad(c['header'], width)}  -> {c['column']:<24} {how}")
        else:
            hint = f"  (closest: {c['suggestion']}?)" if c["suggestion"] else ""
            print(f"  {_pad(c['header'], width)}  -- unmapped{hint}")
    missing = data["missing"]
    print(f"missing required: {', '.join(missing['required']) or 'none'}")
    print(f"missing optional: {', '.join(missing['optional']) or 'none'}")
    for w in data["warnings"]:
        print(f"warning: {w}")
    if data["mapping"]:
        print("mapping (as options, or a job file's columns table):")
        print(
            "  " + " ".join(f"--map {shlex.quote(f'{h}={c}')}" for h, c in data["mapping"].items())
        )
        table = ", ".join(
            f'{json.dumps(h, ensure_ascii=False)} = "{c}"' for h, c in data["mapping"].items()
        )
        print(f"  columns = {{ {table} }}")


def _run(args: argparse.Namespace) -> int:
    data = report(args)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_text(data)
    return OK
