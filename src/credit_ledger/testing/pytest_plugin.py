"""Opt-in pytest plugin for plugin authors (not auto-loaded).

Enable it in a ``conftest.py``::

    pytest_plugins = ["credit_ledger.testing.pytest_plugin"]

or on the command line with ``-p credit_ledger.testing.pytest_plugin``.

Fixtures:
    credit_ledger_plugins: a factory ``(*plugins, settings=None, builtins=True,
        selection=None) -> PluginManager`` building a manager from the given plugin objects
        only (no entry points, no environment) and making it the active one for the test, so
        ``get_kind``, ``validate`` and ``evaluate`` see exactly those plugins.
    credit_ledger_as_of: a fixed run date (2025-06-30) for tests that need one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Mapping

import pytest

from credit_ledger.plugins import PluginManager, PluginSelection, activate
from credit_ledger.testing._isolated import isolated_manager

__all__ = ["credit_ledger_as_of", "credit_ledger_plugins"]

ManagerFactory = Callable[..., PluginManager]


@pytest.fixture
def credit_ledger_plugins() -> Iterator[ManagerFactory]:
    """Factory of isolated, activated plugin managers (see the module docstring)."""
    with contextlib.ExitStack() as stack:

        def make(
            *plugins: object,
            settings: Mapping[str, object] | None = None,
            builtins: bool = True,
            selection: PluginSelection | None = None,
        ) -> PluginManager:
            pm = isolated_manager(
                *plugins, settings=settings, builtins=builtins, selection=selection
            )
            stack.enter_context(activate(pm))
            return pm

        yield make


@pytest.fixture
def credit_ledger_as_of() -> dt.date:
    """A fixed run date: rules never read the clock, and neither should their tests."""
    return dt.date(2025, 6, 30)
