"""The plugin API: hooks, the marker plugin authors import, and the manager that loads plugins.

A plugin is a module (or object) whose functions are named after the hooks in
:mod:`credit_ledger.plugins.hookspecs` and decorated with :data:`hookimpl`; it is installed as
a normal package declaring an entry point in the group ``credit_ledger``::

    [project.entry-points.credit_ledger]
    mypack = "mypack.plugin"

Plugins are loaded lazily: never at ``import credit_ledger``, only when a
:class:`PluginManager` is first queried (for record kinds, rules, ...).

Example:
    >>> import polars as pl
    >>> from credit_ledger.rules import Rule
    >>> class Pack:
    ...     @hookimpl
    ...     def credit_ledger_rules(self):
    ...         return [Rule(id="pack.fine_set", title="fine given", kind="admin_penalty",
    ...                      check=pl.col("fine_yuan").is_not_null())]
    >>> pm = PluginManager([("pack", Pack())], entry_points=False)
    >>> [r.id for r in pm.rules()], pm.plugin("pack").status
    (['pack.fine_set'], 'active')
"""

from __future__ import annotations

from credit_ledger.contracts import (
    Command,
    CommittedRun,
    Conflict,
    PluginInfo,
    PluginStatus,
    Reporter,
    Setting,
    SourceFormat,
)
from credit_ledger.plugins._builtin import BUILTIN_PLUGINS
from credit_ledger.plugins._manager import (
    ENTRY_POINT_GROUP,
    PluginManager,
    activate,
    active_manager,
    get_kind,
    record_kinds,
    reset_default,
)
from credit_ledger.plugins._selection import (
    ENV_ALLOW,
    ENV_DENY,
    ENV_REQUIRED,
    ENV_STRICT,
    PluginConfig,
    PluginSelection,
)
from credit_ledger.plugins.hookspecs import hookimpl, hookspec

__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "ENV_ALLOW",
    "ENV_DENY",
    "ENV_REQUIRED",
    "ENV_STRICT",
    "Command",
    "CommittedRun",
    "Conflict",
    "PluginConfig",
    "PluginInfo",
    "PluginManager",
    "PluginSelection",
    "PluginStatus",
    "Reporter",
    "Setting",
    "SourceFormat",
    "activate",
    "active_manager",
    "get_kind",
    "hookimpl",
    "hookspec",
    "record_kinds",
    "reset_default",
]
