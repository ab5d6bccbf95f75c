"""``credit-ledger rules list [--json] [--kind K] [--plugin P]`` and ``rules show ID``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from credit_ledger.cli._exit import OK
from credit_ledger.cli._explain import print_reason
from credit_ledger.cli._plugins import add_plugin_options, manager_from_args

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``rules`` command group."""
    p = sub.add_parser("rules", help="list and show rules contributed by plugins")
    rsub = p.add_subparsers(dest="rules_command", required=True, parser_class=type(p))
    lst = rsub.add_parser(
        "list",
        help="list rules",
        description="List the rules of every active plugin, sorted by id.",
    )
    lst.add_argument("--json", action="store_true", help="print JSON")
    lst.add_argument("--kind", help="only rules of this record kind")
    lst.add_argument("--plugin", help="only rules from this plugin")
    add_plugin_options(lst)
    lst.set_defaults(handler=_list)
    show = rsub.add_parser(
        "show",
        help="show one rule",
        description="Show one rule: its "
        "metadata, check, references and the plugin that provides it. An ID with a colon is "
        "a quarantine reason code (filed_on:date, row:ragged): it is explained as by "
        "`credit-ledger explain`.",
    )
    show.add_argument("rule_id", metavar="ID")
    show.add_argument("--json", action="store_true", help="print JSON")
    add_plugin_options(show)
    show.set_defaults(handler=_show)


def _list(args: argparse.Namespace) -> int:
    manager, _ = manager_from_args(args)
    if args.plugin is not None:
        manager.plugin(args.plugin)  # unknown plugin: ConfigError, exit 2
    if args.kind is not None:
        manager.kind(args.kind)  # unknown kind: UnknownKindError, exit 2
    rules = manager.rules(kind=args.kind, plugin=args.plugin)
    if args.json:
        out = [{**r.to_dict(), "plugin": manager.provider(r.id)} for r in rules]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return OK
    if not rules:
        print("no rules")
        return OK
    wid = max(len(r.id) for r in rules)
    for r in rules:
        plugin = manager.provider(r.id) or "-"
        print(
            f"{r.id.ljust(wid)}  v{r.version:<3} {r.kind:<22} {r.scope.value:<8}"
            f"{r.severity.value:<9} {plugin:<16} {r.title}"
        )
    return OK


def _show(args: argparse.Namespace) -> int:
    if ":" in args.rule_id:  # rule ids are dotted; reason codes are COLUMN:CHECK
        return print_reason(args, args.rule_id)
    manager, _ = manager_from_args(args)
    rule = manager.rule(args.rule_id)  # unknown or conflicting id: ConfigError, exit 2
    plugin = manager.provider(rule.id)
    info = manager.plugin(plugin) if plugin else None
    data: dict[str, object] = {
        **rule.to_dict(),
        "plugin": plugin,
        "distribution": info.distribution if info else None,
        "plugin_version": info.version if info else None,
    }
    if rule.entity_key is None and rule.scope.value == "entity":
        kinds = manager.record_kinds()
        if rule.kind in kinds:
            data["entity_key"] = rule.key_for(kinds[rule.kind])
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return OK
    for key, value in data.items():
        shown = "; ".join(str(v) for v in value) if isinstance(value, list) else value
        print(f"{key + ':':<16} {shown if shown not in (None, '') else '-'}")
    return OK
