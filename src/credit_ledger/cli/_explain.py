"""``credit-ledger explain REASON``: what a quarantine reason code means (Chinese and English)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from credit_ledger.cli._exit import OK
from credit_ledger.cli._plugins import add_plugin_options, manager_from_args
from credit_ledger.reasons import explain

__all__ = ["print_reason", "register"]


def register(sub: Any) -> None:
    """Add the ``explain`` sub-command."""
    p = sub.add_parser(
        "explain",
        help="explain a quarantine reason code (e.g. filed_on:date, row:ragged)",
        description="Explain a reason code of the quarantine (COLUMN:CHECK or row:CHECK): the "
        "column under its Chinese header and what the check asks, in Chinese and English. "
        "Exit 2 when no record kind has the check.",
    )
    p.add_argument("reason", metavar="REASON", help="e.g. filed_on:date, subject_uscc:uscc")
    p.add_argument("--kind", help="the record kind (default: the first kind that has the check)")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_plugin_options(p)
    p.set_defaults(handler=_run)


def print_reason(args: argparse.Namespace, reason: str) -> int:
    """Explain ``reason`` with the kinds of the plugins ``args`` selects; print it."""
    manager, _ = manager_from_args(args)
    kind = getattr(args, "kind", None)
    kinds = [manager.kind(kind)] if kind else list(manager.record_kinds().values())
    text = explain(reason, kinds)
    if args.json:
        print(json.dumps(text.to_dict(), ensure_ascii=False, indent=2))
        return OK
    print(f"{text.code}  ({text.kind or 'any record kind'})")
    print(f"  {text.zh}")
    print(f"  {text.en}")
    return OK


def _run(args: argparse.Namespace) -> int:
    return print_reason(args, args.reason)
