"""``credit-ledger run JOB.toml``: the scheduled batch job (read → validate → rules → ledger
commit → outputs).

Exit codes: 0 ok (or nothing to do: this run key was already committed, and that run's
findings were reported then; a repeat of a run with rule errors exits 3); 1 unwaived findings
at or above ``--fail-on``; 2 usage or configuration error (invalid job file, unknown key,
missing source, required plugin missing); 3 runtime or rule error (a rule could not be
evaluated, the ledger is locked by another run); 4 outputs or the ledger not written (the
ledger is unchanged); 130 interrupted (SIGINT), 143 terminated (SIGTERM): stopped before its
commit (the ledger is unchanged) or, when the signal came during the commit, after finishing
it (the ledger holds the whole run).

stdout carries the result summary (``--json`` for JSON); stderr carries the logs
(``--log-format text|json``) and, on a terminal with text logs, progress bars.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import logging
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from credit_ledger.cli._args import iso_date
from credit_ledger.cli._exit import TERMINATED, Terminated, exit_code_for_result
from credit_ledger.cli._logging import configure_logging
from credit_ledger.cli._plugins import add_selection_options
from credit_ledger.jobs import Progress, RunResult, load_job, run
from credit_ledger.plugins import PluginConfig, PluginSelection
from credit_ledger.rules import Severity

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``run`` sub-command."""
    p = sub.add_parser(
        "run",
        help="run a batch job into the ledger",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("job", type=Path, metavar="JOB.toml")
    p.add_argument("--as-of", type=iso_date, metavar="DATE", help="run date (default: today)")
    p.add_argument("--dry-run", action="store_true", help="check config, plugins and rules only")
    p.add_argument("--force", action="store_true", help="recompute an already committed run key")
    p.add_argument(
        "--fail-on",
        choices=[s.value for s in Severity],
        metavar="SEVERITY",
        help="lowest severity giving exit code 1 (info|warning|error|critical; default error)",
    )
    p.add_argument("--log-format", choices=("text", "json"), help="stderr log format")
    p.add_argument("--ledger", type=Path, metavar="PATH", help="ledger directory")
    p.add_argument("--output-dir", type=Path, metavar="DIR", help="output directory")
    p.add_argument(
        "--batch-rows",
        type=int,
        metavar="N",
        help="stream inputs larger than memory, N rows at a time (same results)",
    )
    p.add_argument(
        "--engine",
        choices=("memory", "streamed", "spark"),
        help="execution mode (default: the job's; memory, or streamed with --batch-rows); "
        "spark needs credit-ledger[spark] (docs/spark.md)",
    )
    p.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another run holding the ledger's lock (default: exit 3 at once)",
    )
    p.add_argument("--json", action="store_true", help="print the result summary as JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="log warnings and errors only")
    p.add_argument(
        "--unmasked",
        action="store_true",
        help="internal use: do not mask natural persons' names and ID numbers in findings,"
        " messages and logs (recorded in the manifest)",
    )
    g = p.add_argument_group("plugins", "CLI > CREDIT_LEDGER_PLUGINS_* > the job's [plugins]")
    add_selection_options(g)
    p.set_defaults(handler=_run)


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[Progress | None]:
    try:  # rich is only needed on a terminal; without it there are no bars
        from rich.console import Console  # noqa: PLC0415
        from rich.logging import RichHandler  # noqa: PLC0415
        from rich.progress import Progress as Bars  # noqa: PLC0415
    except ImportError:
        enabled = False
    if not enabled:
        yield None
        return

    console = Console(stderr=True)
    root = logging.getLogger("credit_ledger")
    saved = root.handlers
    # On a terminal the bars show progress; only warnings and errors are printed above them.
    handler = RichHandler(console=console, show_path=False)
    handler.setLevel(logging.WARNING)
    root.handlers = [handler]
    with Bars(console=console, transient=True) as bars:
        tasks: dict[str, Any] = {}

        def advance(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=max(total, 1))
            bars.update(tasks[stage], completed=done, total=max(total, 1))

        try:
            yield advance
        finally:
            root.handlers = saved


def _print(result: RunResult, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    print(result.message)
    for i in result.inputs:
        print(
            f"  {i.source}: {i.rows_in} rows, {i.rows_valid} valid, "
            f"{i.rows_quarantined} quarantined ({Path(i.location).name})"
        )
    sev = ", ".join(f"{k} {v}" for k, v in result.findings_by_severity.items() if v)
    if result.status != "dry_run":
        print(f"  findings: {sev or 'none'}; rules: {result.rules_status}")
    for line in result.errors:
        print(f"  error: {line}")
    for line in result.notices:
        print(f"  note: {line}")
    for path in result.outputs:
        print(f"  wrote {path}")


def _settings(items: list[str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise argparse.ArgumentTypeError(f"--set needs NAME=VALUE, got {item!r}")
        out[name.strip()] = value
    return out


def _terminate(signum: int, frame: FrameType | None) -> None:
    del signum, frame
    raise Terminated


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM raises :class:`Terminated` in the run (as SIGINT raises KeyboardInterrupt),
    so the run stops or finishes as it does on Ctrl-C instead of dying mid-write."""
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(args: argparse.Namespace) -> int:
    cli = PluginSelection.parse(allow=args.allow, deny=args.deny, required=args.require)
    job = load_job(
        args.job,
        ledger=args.ledger,
        as_of=args.as_of,
        fail_on=args.fail_on,
        log_format=args.log_format,
        output_dir=args.output_dir,
        batch_rows=args.batch_rows,
        engine=args.engine,
        plugins=cli,
    )
    if args.settings:
        plugins = PluginConfig(
            selection=job.plugins.selection,
            settings={**job.plugins.settings, **_settings(args.settings)},
            modules=job.plugins.modules,
        )
        job = dataclasses.replace(job, plugins=plugins)
    configure_logging(job.log_format, quiet=args.quiet)
    bars = job.log_format == "text" and sys.stderr.isatty() and not args.quiet
    try:
        with _sigterm_raises(), _progress(bars) as progress:
            result = run(
                job,
                dry_run=args.dry_run,
                force=args.force,
                progress=progress,
                wait=args.wait,
                unmasked=args.unmasked,
            )
    except Terminated:
        print(
            "credit-ledger: terminated; the ledger holds its last committed run",
            file=sys.stderr,
        )
        return TERMINATED
    _print(result, args.json)
    return exit_code_for_result(result)
