"""Constants and builders shared by the pack tests."""

from __future__ import annotations

import datetime as dt

import credit_ledger_packs as packs
from credit_ledger.plugins import PluginManager
from credit_ledger.rules import Rule
from credit_ledger.testing import isolated_manager

# Real codes (docs/domain.md §1): an enterprise, a government organ, a public institution.
ENTERPRISE = "91110000600037341L"
ORGAN = "11140800558745220K"
INSTITUTION = "12100000470095016Q"
AS_OF = dt.date(2024, 6, 30)


def pack_manager(**settings: object) -> PluginManager:
    """The built-in kinds and the five pack plugins, nothing else."""
    manager = isolated_manager(*packs.PLUGINS.items(), settings=settings)
    manager.ensure_ready()
    return manager


def rule(manager: PluginManager, rule_id: str) -> Rule:
    """The rule ``rule_id`` as the manager holds it."""
    return next(r for r in manager.rules() if r.id == rule_id)
