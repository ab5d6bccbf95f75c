"""``credit-ledger check FILE --kind K``: read, validate, run the plugins' rules, report.

Exit codes: 0 no unwaived finding at or above ``--fail-on``; 1 findings; 2 usage or
configuration error (including a required plugin missing or failed); 3 a rule, derived column,
summary or plugin could not be evaluated (an unevaluated rule is not a pass); 4 an output
could not be written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import polars as pl

from credit_ledger._api import check
from credit_ledger.cli._args import add_read_options, iso_date, read_options
from credit_ledger.cli._exit import FINDINGS, OK, RUNTIME
from credit_ledger.cli._logging import configure_logging
from credit_ledger.cli._output import write_parquet
from credit_ledger.cli._plugins import add_plugin_options, manager_from_args
from credit_ledger.pipeline import CheckResult
from credit_ledger.rules import Severity

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``check`` sub-command."""
    p = sub.add_parser(
        "check",
        help="validate a file and run the rules of every active plugin",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path)
    p.add_argument("--kind", required=True, help="record kind of FILE")
    p.add_argument(
        "--as-of",
        type=iso_date,
        metavar="DATE",
        help="run date the rules see (YYYY-MM-DD; default: today, printed in the output)",
    )
    p.add_argument("--encoding", help="text encoding of a CSV file (default: detected)")
    p.add_argument("--sheet", help="sheet of an .xlsx workbook")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument(
        "--derived", type=Path, metavar="OUT.parquet", help="write valid rows + derived columns"
    )
    p.add_argument("--findings", type=Path, metavar="OUT.parquet", help="write the findings")
    p.add_argument(
        "--fail-on",
        type=Severity,
        choices=list(Severity),
        default=Severity.ERROR,
        metavar="SEVERITY",
        help="lowest severity that makes the exit code 1 (info|warning|error|critical; "
        "default error)",
    )
    add_plugin_options(p)
    add_read_options(p)
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    configure_logging("text", quiet=True)  # what was decided about the file's shape
    manager, policy = manager_from_args(args)
    manager.ensure_ready()  # required plugins, allowlist, settings: exit 2 before any data
    # The CLI is the scheduler's boundary: the only place allowed to default the run date.
    as_of = args.as_of or dt.date.today()
    result = check(
        args.file,
        kind=args.kind,
        as_of=as_of,
        encoding=args.encoding,
        sheet=args.sheet,
        policy=policy,
        fail_on=args.fail_on,
        plugins=manager,
        read_options=read_options(args, manager),
    )
    ev = result.evaluation
    if args.derived is not None:
        derived = ev.derived[result.kind]  # a DataFrame: check() does not stream
        write_parquet(
            derived if isinstance(derived, pl.DataFrame) else derived.collect(), args.derived
        )
    if args.findings is not None:
        write_parquet(ev.findings, args.findings)
    for info in manager.failed():
        print(f"credit-ledger: plugin {info.label()} failed: {info.error}", file=sys.stderr)
    for notice in ev.notices:
        print(f"credit-ledger: warning: {notice}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_dict(args.fail_on), ensure_ascii=False, indent=2, default=str))
    else:
        _print_text(result, args.fail_on)
    status = result.status(args.fail_on)
    return {"ok": OK, "findings": FINDINGS, "error": RUNTIME}[status]


def _print_text(result: CheckResult, fail_on: Severity) -> None:
    ev = result.evaluation
    v = result.validation.summary
    data = ev.to_dict(fail_on)
    rules = data["rules"]
    findings = data["findings"]
    assert isinstance(rules, dict)
    assert isinstance(findings, dict)
    print(f"{result.source}: kind {result.kind}, as of {ev.as_of.isoformat()}")
    print(f"  records: {v.rows_in} read, {v.rows_valid} valid, {v.rows_quarantined} quarantined")
    print(
        f"  rules:   {rules['passed']} passed, {rules['failed']} failed, {rules['errored']} errored"
    )
    by_sev = ", ".join(f"{k} {n}" for k, n in findings["by_severity"].items())
    print(f"  findings: {findings['total']} ({by_sev}), {findings['waived']} waived")
    for row in ev.outcomes.iter_rows(named=True):
        if row["status"] == "fail":
            print(
                f"    FAIL   {row['rule_id']}  [{row['severity']}] "
                f"{row['failed'] - row['waived']} of {row['evaluated']}"
            )
    for err in ev.errors:
        where = f" (plugin {err.plugin})" if err.plugin else ""
        print(f"    ERROR  {err.what} {err.name}{where}: {err.message}")
    print(f"  status: {result.status(fail_on)} (fail on {fail_on.value})")
