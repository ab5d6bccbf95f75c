"""A command-line sub-command a plugin contributes (``credit_ledger_commands``)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from credit_ledger.contracts._rule import SettingValue

__all__ = ["Command"]

_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True, kw_only=True, eq=False)
class Command:
    """A ``credit-ledger NAME ...`` sub-command. The CLI adds it only while its plugin is
    active: a denied plugin (``--deny``, ``CREDIT_LEDGER_PLUGINS_DENY``) has no command.

    Attributes:
        name: the sub-command (lower case, dashes allowed); a core command's name is taken.
        help: one line for ``credit-ledger --help``.
        configure: adds the command's arguments to its parser; the CLI adds the plugin
            options (``--plugins``, ``--deny``, ``--set``, ``--config``, ...) itself.
        run: ``(args, settings) -> exit code``: the parsed arguments and the resolved plugin
            settings. It raises :class:`credit_ledger.errors.CreditLedgerError` subclasses
            for a clear one-line error and the matching exit code.
        description: the text of ``credit-ledger NAME --help`` (default: ``help``).

    Example:
        >>> def configure(p): p.add_argument("--who", default="world")
        >>> def run(args, settings): print(f"hello {args.who}"); return 0
        >>> Command(name="hello", help="say hello", configure=configure, run=run).name
        'hello'
    """

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Mapping[str, SettingValue]], int]
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise ValueError(f"command name {self.name!r} must be lower case, e.g. 'my-report'")
        if not callable(self.configure) or not callable(self.run):
            raise TypeError(f"command {self.name!r}: configure and run must be callable")
