"""The credit-ledger command line: a thin layer that parses arguments, calls the Python API,
prints results (stdout is data, stderr is logs) and maps the outcome to an exit code.

Active plugins add sub-commands (``credit_ledger_commands``); they are looked up only when the
first argument is not a core command, with the plugin options found anywhere on the command
line (``--deny NAME`` removes that plugin's commands).

Exit codes (see :func:`credit_ledger.cli._exit.exit_code_for`): 0 ok, 1 findings at or above
``--fail-on``, 2 usage or configuration error, 3 runtime or rule error, 4 outputs not written,
130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from importlib import metadata

from credit_ledger.cli import _commands
from credit_ledger.cli._args import add_read_options, iso_date, read_options
from credit_ledger.cli._exit import exit_code_for
from credit_ledger.cli._plugin_commands import add_plugin_commands
from credit_ledger.errors import CreditLedgerError, describe
from credit_ledger.ingest import quiet_libraries

__all__ = ["add_read_options", "build_parser", "iso_date", "main", "read_options"]


_ROLE = re.compile(r":[a-z]+:`~?([^`]+)`")


def plain(text: str) -> str:
    """Help text from a docstring without reStructuredText markup (``x`` and :func:`x` → x)."""
    return _ROLE.sub(r"\1", text).replace("``", "")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse exits with 2 on usage errors, which matches our exit-code table.
        self.print_usage(sys.stderr)
        self.exit(2, f"credit-ledger: error: {message}\n")

    def format_help(self) -> str:
        # Sub-command descriptions are module docstrings, written in reStructuredText.
        return plain(super().format_help())


def _version() -> str:
    try:
        return metadata.version("credit-ledger")
    except metadata.PackageNotFoundError:  # imported from a source tree, not installed
        return "unknown (not installed)"


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser with every core sub-command registered, and the sub-commands of
    the active plugins unless ``argv`` (default: the process's arguments) names a core one."""
    parser = _Parser(prog="credit-ledger", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--version",
        action="version",
        version=f"credit-ledger {_version()}",
        help="print the version",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for register in _commands.REGISTRY:
        register(sub)
    add_plugin_commands(sub, list(sys.argv[1:] if argv is None else argv))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (the console script exits with it)."""
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        with quiet_libraries():  # libraries' warnings become debug logs of ours
            result: int = args.handler(args)
    except KeyboardInterrupt:
        print("credit-ledger: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of stdout went away (`| head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        code = exit_code_for(exc)
        text = str(exc) if isinstance(exc, CreditLedgerError) else describe(exc, typed=True)
        print(f"credit-ledger: error: {text}", file=sys.stderr)
        return code
    return result
