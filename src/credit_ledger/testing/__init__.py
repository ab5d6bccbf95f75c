"""Kit for plugin authors' tests.

* :func:`assert_rule`: a rule must pass these records and fail those, through the real engine.
* :func:`make_frame`: a typed frame of a kind from plain dicts (as validation outputs it).
* :func:`isolated_manager`: a plugin manager of exactly the plugins you give it.
* :mod:`credit_ledger.testing.strategies`: hypothesis strategies for valid records of any
  registered kind and records with a chosen defect (needs hypothesis: install
  ``credit-ledger[plugin-dev]``).
* :mod:`credit_ledger.testing.pytest_plugin`: opt-in fixtures (``credit_ledger_plugins``,
  ``credit_ledger_as_of``); enable it with
  ``pytest_plugins = ["credit_ledger.testing.pytest_plugin"]`` in a conftest.

Example:
    >>> import datetime as dt, polars as pl
    >>> from credit_ledger.rules import Rule
    >>> rule = Rule(id="t.fine_positive", title="a fine is positive", kind="admin_penalty",
    ...             check=pl.col("fine_yuan") > 0)
    >>> assert_rule(rule, passing=[{"fine_yuan": 1}, {}], failing=[{"fine_yuan": 0}],
    ...             as_of=dt.date(2025, 6, 30))
"""

from __future__ import annotations

from credit_ledger.testing._assert import assert_rule
from credit_ledger.testing._frames import make_frame, make_text_frame, to_text_frame
from credit_ledger.testing._isolated import isolated_manager

__all__ = [
    "assert_rule",
    "isolated_manager",
    "make_frame",
    "make_text_frame",
    "to_text_frame",
]
