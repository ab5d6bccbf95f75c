"""Fixtures for the built-in packs."""

from __future__ import annotations

import pytest

from credit_ledger.plugins import PluginManager
from tests.packs._data import pack_manager


@pytest.fixture(scope="session")
def pm() -> PluginManager:
    """A plugin manager holding the built-in kinds and exactly the five pack plugins."""
    return pack_manager()
