"""``credit-ledger kinds [KIND] [--json]``: the record kinds and the headers each accepts."""

from __future__ import annotations

import argparse
import json
from typing import Any

from credit_ledger.cli._exit import OK
from credit_ledger.cli._plugins import add_plugin_options, manager_from_args
from credit_ledger.kinds import RecordKind

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``kinds`` sub-command."""
    p = sub.add_parser(
        "kinds",
        help="list record kinds and the headers they accept",
        description="List the record kinds (built-in and from plugins). With KIND: each column, "
        "whether it is required, and the headers accepted for it (amounts under a 万元 header "
        "are converted to yuan).",
    )
    p.add_argument("kind", nargs="?", metavar="KIND", help="show this kind's columns")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_plugin_options(p)
    p.set_defaults(handler=_run)


def _columns(kind: RecordKind) -> list[dict[str, object]]:
    return [
        {
            "column": f.name,
            "type": f.dtype,
            "required": f.required,
            "nullable": f.nullable,
            "headers": [f.name, *f.aliases],
            "headers_wan": list(f.wan_aliases),
        }
        for f in kind.fields
    ]


def _run(args: argparse.Namespace) -> int:
    manager, _ = manager_from_args(args)
    if args.kind is None:
        kinds = sorted(manager.record_kinds().values(), key=lambda k: k.name)
        if args.json:
            out = [{"kind": k.name, "version": k.version, "title": k.title} for k in kinds]
            print(json.dumps(out, ensure_ascii=False, indent=2))
            return OK
        wid = max((len(k.name) for k in kinds), default=0)
        for k in kinds:
            print(f"{k.name.ljust(wid)}  v{k.version:<3} {k.title}")
        return OK
    kind = manager.kind(args.kind)  # unknown kind: exit 2 with the close names
    if args.json:
        shown = {"kind": kind.name, "columns": _columns(kind)}
        print(json.dumps(shown, ensure_ascii=False, indent=2))
        return OK
    print(f"{kind.name} v{kind.version}: {kind.title}")
    for f in kind.fields:
        need = "required" if f.required else "optional"
        more = f"; in 万元: {', '.join(f.wan_aliases)}" if f.wan_aliases else ""
        print(f"  {f.name:<28} {need:<9} {', '.join((f.name, *f.aliases))}{more}")
    return OK
