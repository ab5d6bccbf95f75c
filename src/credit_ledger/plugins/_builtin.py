"""The built-in plugins: registered by the host through the same hooks a third party uses.

``BUILTIN_PLUGINS`` maps a plugin name to the module implementing its hooks; modules are
imported lazily, when a plugin manager loads. Built-in rule packs are added here (they ship in
the main distribution, so one install has them); they can be denied like any plugin.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["BUILTIN_PLUGINS"]

BUILTIN_PLUGINS: Mapping[str, str] = MappingProxyType(
    {
        "builtin.kinds": "credit_ledger.plugins._builtin_kinds",
    }
)
