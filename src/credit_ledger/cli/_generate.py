"""``credit-ledger generate``: write a synthetic record set with injected defects.

One file per record kind (``<kind>.<format>``) plus ``ground_truth.tsv`` (tab-separated)
listing every injected defect and the reason the validator must report for it. Prints one line
per file written: its path and its number of data rows.

Example::

    credit-ledger generate --rows 570000 --out data/ --seed 1 --format csv --encoding gbk
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from credit_ledger.cli._exit import OK
from credit_ledger.quarantine_files import require_xlsxwriter
from credit_ledger.synth import generate_frames, write
from credit_ledger.synth._write import ENCODINGS, FORMATS, HEADERS, check_options


def register(sub: Any) -> None:
    """Add the ``generate`` sub-command to ``sub`` (an argparse subparsers action)."""
    p = sub.add_parser(
        "generate",
        help="write synthetic records with injected defects and their ground truth",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    p.add_argument("--rows", type=_non_negative, required=True, help="total number of records")
    p.add_argument("--out", type=Path, required=True, help="output directory (created)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--defect-rate",
        type=_rate,
        default=0.02,
        help="share of each kind's rows given one defect (default 0.02)",
    )
    p.add_argument("--format", choices=FORMATS, default="csv", dest="fmt")
    p.add_argument("--encoding", choices=ENCODINGS, default="utf-8", help="CSV text encoding")
    p.add_argument(
        "--headers", choices=HEADERS, default="zh", help="Chinese headers or canonical names"
    )
    p.set_defaults(handler=run)


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be ≥ 0, got {value}")
    return value


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be in [0, 1], got {value}")
    return value


def run(args: argparse.Namespace) -> int:
    """Generate, write, and print ``<path>\\t<rows>`` per file written.

    Example:
        >>> run(argparse.Namespace(rows=1000, out=Path("out"), seed=0, defect_rate=0.02,
        ...                        fmt="csv", encoding="utf-8", headers="zh"))  # doctest: +SKIP
        out/admin_license.csv	423
        ...
        0
    """
    check_options(args.fmt, args.encoding, args.headers)
    if args.fmt == "xlsx":
        require_xlsxwriter()  # before generating: a missing extra is a one-line usage error
    synthetic = generate_frames(args.rows, seed=args.seed, defect_rate=args.defect_rate)
    paths = write(synthetic, args.out, fmt=args.fmt, encoding=args.encoding, headers=args.headers)
    for name, path in paths.items():
        rows = synthetic.truth.height if name == "ground_truth" else synthetic.frames[name].height
        print(f"{path}\t{rows}")
    return OK
