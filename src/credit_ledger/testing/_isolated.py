"""An isolated plugin manager: exactly the plugins given, no entry points, no environment."""

from __future__ import annotations

from collections.abc import Mapping

from credit_ledger.plugins import PluginManager, PluginSelection

__all__ = ["isolated_manager"]


def isolated_manager(
    *plugins: object,
    settings: Mapping[str, object] | None = None,
    builtins: bool = True,
    selection: PluginSelection | None = None,
) -> PluginManager:
    """A plugin manager of exactly ``plugins`` (plus the built-ins unless ``builtins=False``):
    no entry points, no environment variables. Plugins may be ``(name, object)`` pairs."""
    return PluginManager(
        list(plugins),
        entry_points=False,
        builtins=builtins,
        selection=selection if selection is not None else PluginSelection(),
        settings=settings,
    )
