"""``credit-ledger plugins list [--json]``, and the plugin options shared by the commands that
load plugins (``plugins``, ``rules``, ``check``)."""

from __future__ import annotations

import argparse
import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from credit_ledger.cli._exit import OK
from credit_ledger.errors import ConfigError
from credit_ledger.plugins import PluginConfig, PluginManager, PluginSelection
from credit_ledger.rules import RulePolicy

__all__ = [
    "add_plugin_options",
    "add_selection_options",
    "job_config",
    "manager_from_args",
    "register",
]


def add_plugin_options(p: argparse.ArgumentParser) -> None:
    """Add ``--plugins/--allow/--deny/--require/--strict-plugins/--config/--set``."""
    g = p.add_argument_group(
        "plugins",
        "Precedence: these flags, then CREDIT_LEDGER_PLUGINS_ALLOW/_DENY/_REQUIRED/_STRICT, "
        "then the job file's [plugins] table. Names may be repeated or comma-separated.",
    )
    g.add_argument(
        "--plugins",
        action="append",
        default=[],
        metavar="MODULE",
        help="also load this plugin module (import path, e.g. mypack.rules)",
    )
    add_selection_options(g)
    g.add_argument(
        "--strict-plugins",
        action="store_true",
        help="stop (exit 3) before evaluating when any plugin failed or ids conflict",
    )
    g.add_argument(
        "--config", type=Path, metavar="JOB.toml", help="job file ([plugins], [rules] tables)"
    )


def add_selection_options(g: argparse._ArgumentGroup) -> None:
    """Add ``--allow/--deny/--require/--set``: which plugins load and their settings."""
    g.add_argument("--allow", action="append", metavar="NAMES", help="only these entry points")
    g.add_argument("--deny", action="append", default=[], metavar="NAMES", help="never load")
    g.add_argument(
        "--require",
        action="append",
        default=[],
        metavar="NAMES",
        help="fail (exit 2) when one of these plugins is missing or broken",
    )
    g.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        dest="settings",
        help="override a plugin setting",
    )


def job_config(path: Path | None) -> tuple[PluginConfig, RulePolicy]:
    """The ``[plugins]`` and ``[rules]`` tables of a TOML job file (defaults without one).

    Raises:
        ConfigError: unreadable or invalid file.
    """
    if path is None:
        return PluginConfig(), RulePolicy()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read job file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"job file {path}: {exc}") from None
    plugins = data.get("plugins", {})
    rules = data.get("rules", {})
    if not isinstance(plugins, Mapping) or not isinstance(rules, Mapping):
        raise ConfigError(f"job file {path}: [plugins] and [rules] must be tables")
    return PluginConfig.from_mapping(plugins), RulePolicy.from_mapping(rules)


def _settings(pairs: list[str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"--set expects NAME=VALUE, got {pair!r}")
        out[name.strip()] = value
    return out


def manager_from_args(args: argparse.Namespace) -> tuple[PluginManager, RulePolicy]:
    """The plugin manager and rule policy configured by flags, environment and job file."""
    config, policy = job_config(args.config)
    cli = PluginSelection.parse(
        allow=args.allow, deny=args.deny, required=args.require, strict=args.strict_plugins
    )
    selection = cli.over(PluginSelection.from_env()).over(config.selection)
    settings = {**config.settings, **_settings(args.settings)}
    manager = PluginManager(
        modules=[*config.modules, *args.plugins], selection=selection, settings=settings
    )
    return manager, policy


def register(sub: Any) -> None:
    """Add the ``plugins`` command group."""
    p = sub.add_parser("plugins", help="list installed plugins")
    psub = p.add_subparsers(dest="plugins_command", required=True, parser_class=type(p))
    lst = psub.add_parser(
        "list",
        help="list plugins with their status and contributions",
        description="List every plugin found (built-in, entry points, --plugins): name, "
        "distribution, version, status (active, failed, denied, not_allowed), hooks and number "
        "of rules. Exit 2 when the configuration is invalid (a required plugin missing).",
    )
    lst.add_argument("--json", action="store_true", help="print JSON")
    add_plugin_options(lst)
    lst.set_defaults(handler=_list)


def _list(args: argparse.Namespace) -> int:
    manager, _ = manager_from_args(args)
    infos = manager.plugins()
    problems = manager.problems()
    conflicts = manager.conflicts()
    if args.json:
        print(
            json.dumps(
                {
                    "plugins": [p.to_dict() for p in infos],
                    "selection": manager.selection.to_dict(),
                    "conflicts": [
                        {"what": c.what, "name": c.name, "providers": list(c.providers)}
                        for c in conflicts
                    ],
                    "problems": list(problems),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        rows = [
            (p.name, p.distribution or "-", p.version or "-", p.status, str(p.rules), p.hooks)
            for p in infos
        ]
        widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(_HEAD[:5])]
        print("  ".join(h.ljust(w) for h, w in zip(_HEAD[:5], widths, strict=True)) + "  hooks")
        for r in rows:
            hooks = ", ".join(h.removeprefix("credit_ledger_") for h in r[5]) or "-"
            print("  ".join(v.ljust(w) for v, w in zip(r[:5], widths, strict=True)) + "  " + hooks)
        for p in infos:
            if p.error:
                print(f"\n{p.name}: {p.error}")
        for c in conflicts:
            print(f"\nconflict: {c.message}")
    if problems:
        raise ConfigError("; ".join(problems))
    return OK


_HEAD = ("name", "distribution", "version", "status", "rules")
