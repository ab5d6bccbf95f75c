"""The sub-commands active plugins contribute (``credit_ledger_commands``)."""

from __future__ import annotations

import argparse
import functools
from typing import Any

from credit_ledger.cli._logging import configure_logging
from credit_ledger.cli._plugins import add_plugin_options, manager_from_args
from credit_ledger.errors import CreditLedgerError
from credit_ledger.plugins import Command

__all__ = ["add_plugin_commands"]


def _selected(argv: list[str]) -> tuple[Command, ...]:
    """The commands of the plugins that ``argv``'s plugin options (and the environment and
    job file) leave active; none when that configuration cannot even be read."""
    pre = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    add_plugin_options(pre)
    known, _ = pre.parse_known_args(argv)
    try:
        manager, _ = manager_from_args(known)
        return manager.commands()
    except CreditLedgerError:
        return ()  # the core commands still work; `plugins list` says what is wrong


def add_plugin_commands(sub: Any, argv: list[str]) -> None:
    """Add the active plugins' commands to ``sub``, unless ``argv`` runs a core command (its
    first word is one): a core command never waits for plugins to load."""
    first = next((a for a in argv if not a.startswith("-")), None)
    if first is not None and first in sub.choices:
        return
    for command in _selected(argv):
        if command.name in sub.choices:
            continue  # a core command's name is taken
        p = sub.add_parser(
            command.name,
            help=command.help,
            description=command.description or command.help,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.configure(p)
        add_plugin_options(p)
        p.set_defaults(handler=functools.partial(_run, command))


def _run(command: Command, args: argparse.Namespace) -> int:
    configure_logging("text", quiet=True)
    manager, _ = manager_from_args(args)
    manager.ensure_ready()
    return command.run(args, manager.settings())
