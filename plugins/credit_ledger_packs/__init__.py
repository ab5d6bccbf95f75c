"""The built-in rule packs of credit_ledger, each a plugin registered through entry points.

========== ============================================ ==========================================
plugin     module                                       what
========== ============================================ ==========================================
packs      :mod:`credit_ledger_packs.common`            shared settings; ``is_gov_body``
zeroing    :mod:`credit_ledger_packs.zeroing`           dynamic zeroing of government bodies
arrears    :mod:`credit_ledger_packs.arrears`           arrears owed to SMEs: due dates, interest
classes    :mod:`credit_ledger_packs.classes`           credit classes A/B/C/D
publicity  :mod:`credit_ledger_packs.publicity`         publicity periods and credit repair
========== ============================================ ==========================================

They use only the public plugin API (hooks, :class:`~credit_ledger.rules.Rule`, settings), as a
third party's pack would. Each module also offers plain functions for callers who want the
figures without a rule run (:func:`zeroing.zeroing_table`, :func:`arrears.with_arrears_columns`,
:func:`classes.credit_classes`, :func:`publicity.with_publicity_columns`).

Example:
    >>> from credit_ledger.plugins import PluginManager
    >>> import credit_ledger_packs as packs
    >>> pm = PluginManager(list(packs.PLUGINS.items()), entry_points=False)
    >>> "zeroing.overdue_removal" in {r.id for r in pm.rules()}
    True
"""

from __future__ import annotations

from types import MappingProxyType, ModuleType

from credit_ledger_packs import arrears, classes, common, publicity, zeroing

__all__ = ["PLUGINS", "arrears", "classes", "common", "publicity", "zeroing"]

PLUGINS: MappingProxyType[str, ModuleType] = MappingProxyType(
    {
        "packs": common,
        "zeroing": zeroing,
        "arrears": arrears,
        "classes": classes,
        "publicity": publicity,
    }
)
"""Plugin name → module, as the entry points declare them."""
