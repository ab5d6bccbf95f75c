"""``credit-ledger report --ledger PATH [--run RUN_ID] --out FILE [--format html|json]
[--lang zh|en]``: the run report of a committed run, as one self-contained HTML page or as
JSON (``schemas/report.v1.json``). Exit 0; 3 for an unknown run (a one-line error); 4 when the
file cannot be written."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from credit_ledger._files import make_dirs, private
from credit_ledger.cli._exit import OK
from credit_ledger.errors import CreditLedgerError
from credit_ledger.jobs import run
from credit_ledger.plugins import active_manager
from credit_ledger.report import LANGS, build_report, write_report

__all__ = ["demo_report", "register"]


def register(sub: Any) -> None:
    """Add the ``report`` sub-command."""
    p = sub.add_parser(
        "report",
        help="write the run report (HTML page with charts, or JSON)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--ledger", type=Path, metavar="PATH", required=True, help="ledger directory")
    p.add_argument("--run", metavar="RUN_ID", help="the run (default: the last committed one)")
    p.add_argument("--out", type=Path, metavar="FILE", required=True, help="where to write it")
    p.add_argument("--format", choices=("html", "json"), default="html")
    p.add_argument("--lang", choices=LANGS, default="zh", help="page language (default zh)")
    p.set_defaults(handler=_run)


def references() -> dict[str, tuple[str, ...]]:
    """Legal references of every installed rule, by id (none when plugins cannot load)."""
    try:
        return {r.id: tuple(r.references) for r in active_manager().rules()}
    except CreditLedgerError:
        return {}


def _run(args: argparse.Namespace) -> int:
    report = build_report(args.ledger, run_id=args.run, references=references())
    out = write_report(report, args.out, fmt=args.format, lang=args.lang)
    print(out)
    return OK


def demo_report(files: Mapping[str, Path], as_of: dt.date, out: Path) -> Path:
    """Run a job over the demo's files (one file per kind) into a scratch ledger and keep the
    report its reporter wrote, as ``out``."""
    with tempfile.TemporaryDirectory(prefix="credit-ledger-demo-") as scratch:
        root = Path(scratch)
        lines = ["version = 1", "[job]", 'name = "demo"', 'ledger = "ledger"']
        lines.append(f"kinds = {json.dumps(list(files))}")
        for kind, path in files.items():
            lines += ["[[sources]]", f"name = {json.dumps(kind)}", f"kind = {json.dumps(kind)}"]
            lines.append(f"path = {json.dumps(str(path.resolve()))}")
        lines += ["[outputs]", 'dir = "out"', "write = []", 'reporters = ["report"]']
        job = root / "job.toml"
        job.write_text("\n".join(lines) + "\n", encoding="utf-8")
        run(job, as_of=as_of)
        make_dirs(out.parent)
        private(shutil.copyfile(root / "out" / "report.html", out))
    return out
