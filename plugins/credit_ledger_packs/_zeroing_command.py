"""``credit-ledger zeroing --as-of DATE --period month|quarter|year FILE...``: the dynamic-zeroing
table (动态清零台账) of government bodies: dishonest-debtor listings, judgment-debtor cases and
arrears owed to SMEs, per period up to ``--as-of``.

Each FILE is read and validated as the record kind named by its file name (``dishonest_debtor``,
``judgment_debtor_case``, ``arrears_case``, optionally with a suffix such as
``dishonest_debtor_2024.csv``) or by ``--kind``. Quarantined rows cannot be placed in time; those
of a government body (by credit code, or debtor kind for arrears) count as ``unplaced`` with
their reasons, and a ledger with unplaced rows is never ``zeroed``. Cases are counted once per
case number and court; ``distinct_bodies`` counts the bodies still listed at period end. Every
period satisfies ``opening + new - closed = closing``; if it ever did not, the command fails
with exit code 3 instead of printing wrong figures.

With ``--ledger PATH`` instead of files, it prints the table a job stored in that ledger (its
last run, or ``--run``), read by summary name through ``Ledger(PATH).summary(...)``.

Exit codes: 0 table printed; 2 usage or input error; 3 invariant or rule error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from credit_ledger import Ledger, read, record_kinds, validate
from credit_ledger.cli import add_read_options, iso_date, read_options
from credit_ledger.errors import UsageError
from credit_ledger.plugins import Command
from credit_ledger.rules import SettingValue
from credit_ledger_packs.zeroing import bodies_table, zeroing_table

__all__ = ["COMMAND", "configure", "kind_of", "not_zeroed_because", "run", "stored_table"]

LEDGER_KINDS = ("dishonest_debtor", "judgment_debtor_case", "arrears_case")


def configure(p: argparse.ArgumentParser) -> None:
    """The ``zeroing`` sub-command's arguments (the CLI adds the plugin options)."""
    p.add_argument("files", nargs="*", type=Path, metavar="FILE")
    p.add_argument("--as-of", type=iso_date, metavar="DATE", help="run date (needed with FILEs)")
    p.add_argument(
        "--ledger",
        type=Path,
        metavar="PATH",
        help="print the table a job stored in this ledger instead of reading files",
    )
    p.add_argument("--run", metavar="RUN_ID", help="with --ledger: this run (default: the last)")
    p.add_argument(
        "--period", choices=("month", "quarter", "year"), default="month", help="default month"
    )
    p.add_argument(
        "--from",
        dest="start",
        type=iso_date,
        metavar="DATE",
        help="first day reported (default: 1 January of the --as-of year)",
    )
    p.add_argument("--kind", help="record kind of every FILE (default: from the file name)")
    p.add_argument("--by", choices=("court", "source_org"), help="break the figures down")
    p.add_argument("--encoding", help="text encoding of CSV files (default: detected)")
    p.add_argument("--json", action="store_true", help="print a JSON list of rows")
    p.add_argument(
        "--bodies",
        action="store_true",
        help="print the government bodies still listed at --as-of (code, name, cases, oldest"
        " listing, amount, per department) instead of the table",
    )
    add_read_options(p)


def kind_of(path: Path, given: str | None) -> str:
    """The record kind of ``path``: ``given``, else the longest kind name its stem starts with.

    Raises:
        UsageError: no kind name matches the file name.
    """
    if given:
        return given
    stem = path.stem.lower()
    matches = [k for k in record_kinds() if stem == k or stem.startswith(k + "_")]
    if not matches:
        raise UsageError(
            f"{path.name}: cannot tell the record kind from the file name; use --kind "
            f"(ledgers: {', '.join(LEDGER_KINDS)})"
        )
    return max(matches, key=len)


Frames = dict[str, pl.DataFrame]


def _frames(args: argparse.Namespace) -> tuple[Frames, Frames]:
    parts: dict[str, list[pl.DataFrame]] = {}
    rejected: dict[str, list[pl.DataFrame]] = {}
    for path in args.files:
        kind = kind_of(path, args.kind)
        if kind not in LEDGER_KINDS:
            print(
                f"credit-ledger: {path.name}: kind {kind} has no zeroing ledger, skipped",
                file=sys.stderr,
            )
            continue
        frame = read(path, kind=kind, encoding=args.encoding, **read_options(args))
        result = validate(frame, kind=kind)
        s = result.summary
        unplaced = " (government bodies among them count as unplaced)" if s.rows_quarantined else ""
        print(
            f"credit-ledger: {path.name}: {kind}, {s.rows_in} rows, {s.rows_valid} valid, "
            f"{s.rows_quarantined} quarantined{unplaced}",
            file=sys.stderr,
        )
        parts.setdefault(kind, []).append(result.valid)
        rejected.setdefault(kind, []).append(result.quarantine)

    def concat(found: dict[str, list[pl.DataFrame]]) -> Frames:
        return {k: pl.concat(v, how="diagonal_relaxed") for k, v in found.items()}

    return concat(parts), concat(rejected)


def _json_value(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # exact: money is never a binary float
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    return value


def not_zeroed_because(row: dict[str, Any]) -> str | None:
    """One line saying why a period is not zeroed, or None if it is."""
    if row["zeroed"]:
        return None
    why = []
    if row["closing"]:
        why.append(f"{row['closing']} case(s) of {row['distinct_bodies']} body(ies) still listed")
    if row["unplaced"]:
        reasons = ", ".join(f"{r['reason']} ×{r['rows']}" for r in row["unplaced_reasons"])
        why.append(
            f"{row['unplaced']} government-body row(s) cannot be placed (quarantined or"
            f" undated: {reasons})"
        )
    return "not zeroed: " + "; ".join(why)


def _print_text(table: pl.DataFrame, args: argparse.Namespace) -> None:
    print(
        f"dynamic zeroing of government bodies as of {args.as_of.isoformat()}, per {args.period}"
        "  (opening + new - closed = closing)"
    )
    for (ledger, group), rows in table.group_by(["ledger", "group"], maintain_order=True):
        title = f"{ledger}" + (f" [{group}]" if group is not None else "")
        print(f"\n{title}")
        money = rows["closing_amount"].null_count() < rows.height
        head = (
            f"  {'period':<8} {'opening':>7} {'new':>5} {'closed':>6} {'closing':>7} "
            f"{'bodies':>6} {'unplaced':>8} {'exit rate':>9}  zeroed"
        )
        print(head + ("  closing amount" if money else ""))
        for r in rows.iter_rows(named=True):
            line = (
                f"  {r['period']:<8} {r['opening']:>7} {r['new']:>5} {r['closed']:>6} "
                f"{r['closing']:>7} {r['distinct_bodies']:>6} {r['unplaced']:>8} "
                f"{r['exit_rate']:>9.1%}  {'yes' if r['zeroed'] else 'no':<6}"
            )
            if money:
                line += f"  ¥{r['closing_amount']:,}"
            print(line)
        last = rows.row(rows.height - 1, named=True)
        why = not_zeroed_because(last)
        if why:
            print(f"  {last['period']}: {why}")
        excluded = int(rows["excluded"].max() or 0)  # type: ignore[arg-type]
        if excluded:
            print(f"  ({excluded} rows without usable dates left out; see the rule findings)")


def run(args: argparse.Namespace, settings: Mapping[str, SettingValue]) -> int:
    """Print the zeroing table (or ``--bodies``) of the files, or the one stored in
    ``--ledger``; 0."""
    if args.ledger is not None:
        if args.files or args.bodies:
            raise UsageError("--ledger reads the stored table: give no FILE and no --bodies")
        return _print_stored(args)
    if not args.files or args.as_of is None:
        raise UsageError("give FILE(s) and --as-of, or --ledger PATH")
    frames, quarantine = _frames(args)
    if not frames:
        raise UsageError(f"no file of a ledger kind ({', '.join(LEDGER_KINDS)})")
    table = zeroing_table(
        frames,
        as_of=args.as_of,
        period=args.period,
        start=args.start,
        by=args.by,
        settings=settings,
        quarantine=quarantine,
    )
    shown = table
    if args.bodies:
        shown = bodies_table(frames, as_of=args.as_of, settings=settings, quarantine=quarantine)
    if args.json:
        rows = [{k: _json_value(v) for k, v in r.items()} for r in shown.iter_rows(named=True)]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif args.bodies:
        _print_bodies(shown, args)
    else:
        _print_text(table, args)
    return 0


def stored_table(ledger: Path, *, run_id: str | None = None, by: str | None = None) -> pl.DataFrame:
    """The zeroing tables a job stored in ``ledger`` at ``run_id`` (default: the last run),
    whole or broken down ``by`` a column, with ``as_of``: read by summary name through the
    public API (:meth:`credit_ledger.Ledger.summary`).

    Raises:
        UsageError: ``ledger`` is not a ledger, or it holds no zeroing table.
    """
    if not (ledger / "runs").is_dir():
        raise UsageError(f"{ledger}: not a credit-ledger ledger (no runs table)")
    book = Ledger(ledger)
    state = book.as_of_run(run_id) if run_id is not None else book.state()
    suffix = f"_by_{by}" if by else ""
    names = [f"zeroing.{k}{suffix}" for k in LEDGER_KINDS[:2]]
    names += [] if by else ["arrears.gov_body_ledger"]
    parts = [state.summary(name).collect() for name in names]
    found = [p.drop("run_id", "summary") for p in parts if p.height]
    if not found:
        raise UsageError(
            f"{ledger}: no zeroing table stored (was the zeroing plugin active in the job?)"
        )
    return pl.concat(found, how="diagonal_relaxed")


def _print_stored(args: argparse.Namespace) -> int:
    table = stored_table(args.ledger, run_id=args.run, by=args.by)
    args.as_of = table["as_of"][0]
    table = table.drop("as_of")
    if args.json:
        rows = [{k: _json_value(v) for k, v in r.items()} for r in table.iter_rows(named=True)]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        args.period = "period, as the job stored it"
        _print_text(table, args)
    return 0


def _print_bodies(bodies: pl.DataFrame, args: argparse.Namespace) -> None:
    print(f"government bodies still listed as of {args.as_of.isoformat()}")
    if bodies.is_empty():
        print("  none")
    for r in bodies.iter_rows(named=True):
        dept = f" [{r['department']}]" if r["department"] else ""
        oldest = r["oldest"].isoformat() if r["oldest"] else "-"
        amount = f"  ¥{r['amount']:,}" if r["amount"] is not None else ""
        unplaced = f"  {r['unplaced']} unplaced row(s)" if r["unplaced"] else ""
        print(
            f"  {r['ledger']}{dept} {r['code'] or '(no code)'} {r['name'] or ''}: "
            f"{r['cases']} case(s) since {oldest}{amount}{unplaced}"
        )


COMMAND = Command(
    name="zeroing",
    help="dynamic-zeroing table of government bodies per period",
    description=__doc__ or "",
    configure=configure,
    run=run,
)
"""``credit-ledger zeroing``, contributed by the ``zeroing`` plugin."""
