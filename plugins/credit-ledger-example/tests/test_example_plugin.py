"""Tests of the example plugin, written as any plugin author would: with credit_ledger.testing.

The pytest plugin ``credit_ledger.testing.pytest_plugin`` is enabled in this package's
``pyproject.toml`` (``-p credit_ledger.testing.pytest_plugin``); it is never auto-loaded.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
from collections.abc import Callable
from decimal import Decimal

import polars as pl
import pytest
from credit_ledger_example import plugin
from hypothesis import given, settings

from credit_ledger import evaluate
from credit_ledger.plugins import PluginManager, PluginSelection
from credit_ledger.testing import assert_rule, isolated_manager, make_frame
from credit_ledger.testing.strategies import valid_records

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture
def pm(credit_ledger_plugins: Callable[..., PluginManager]) -> PluginManager:
    return credit_ledger_plugins(("example", plugin))


def test_contributes_three_rules_a_derived_column_and_a_summary(pm: PluginManager) -> None:
    info = pm.plugin("example")
    assert (info.status, info.rules) == ("active", 3)
    assert [r.id for r in pm.rules(plugin="example")] == [
        "example.decision_not_in_future",
        "example.fine_within_cap",
        "example.penalties_per_year",
    ]
    assert [d.name for d in pm.derived_columns()] == ["example_days_since_decision"]
    assert pm.settings() == {
        "example.max_fine_yuan": Decimal("2000000"),
        "example.max_penalties_per_year": 5,
    }


def test_decision_not_in_future(pm: PluginManager, credit_ledger_as_of: dt.date) -> None:
    assert_rule(
        pm.rule("example.decision_not_in_future"),
        passing=[{"decision_date": "2025-06-30"}, {"decision_date": "2019-01-01"}, {}],
        failing=[{"decision_date": "2025-07-01"}],
        as_of=credit_ledger_as_of,
        plugins=pm,
    )


def test_fine_within_cap_default_and_job_override(
    pm: PluginManager, credit_ledger_plugins: Callable[..., PluginManager]
) -> None:
    rule = pm.rule("example.fine_within_cap")
    assert_rule(
        rule,
        passing=[{"fine_yuan": "2000000"}, {"fine_yuan": 10}, {}],
        failing=[{"fine_yuan": "2000000.01"}],
        as_of=AS_OF,
        plugins=pm,
    )
    tight = credit_ledger_plugins(("example", plugin), settings={"example.max_fine_yuan": "100"})
    assert_rule(rule, passing=[{"fine_yuan": 100}], failing=[{"fine_yuan": 101}], as_of=AS_OF,
                plugins=tight)  # fmt: skip


def test_penalties_per_year_is_an_entity_rule(pm: PluginManager) -> None:
    recent = {"decision_date": "2025-03-01"}
    old = {"decision_date": "2024-06-30"}  # exactly a year before as_of: outside the window
    assert_rule(
        pm.rule("example.penalties_per_year"),
        passing=[[recent] * 5, [recent] * 5 + [old] * 3],
        failing=[[recent] * 6],
        as_of=AS_OF,
        plugins=pm,
    )


def test_derived_column_and_summary(pm: PluginManager) -> None:
    frame = make_frame(
        "admin_penalty",
        [
            {"decision_date": "2025-06-20", "authority": "市场监督管理局", "fine_yuan": 500},
            {"decision_date": "2025-06-29", "authority": "市场监督管理局", "fine_yuan": 700},
        ],
    )
    result = evaluate(frame, kind="admin_penalty", as_of=AS_OF, plugins=pm)
    assert result.derived["admin_penalty"]["example_days_since_decision"].to_list() == [10, 1]
    summary = result.summaries["example.fines_per_authority"]
    assert summary.rows() == [("市场监督管理局", 2, Decimal("1200"))]


@settings(max_examples=10, deadline=None)
@given(valid_records("admin_penalty"))
def test_valid_records_decided_before_the_run_date_pass(record: dict[str, object]) -> None:
    pm = isolated_manager(("example", plugin))
    rule = pm.rule("example.decision_not_in_future")
    assert_rule(rule, passing=[record], as_of=dt.date(2100, 1, 1), plugins=pm)


def test_message_never_holds_personal_data(pm: PluginManager) -> None:
    frame = make_frame(
        "admin_penalty", [{"decision_date": "2026-01-01", "subject_name": "张三", "record_id": "r"}]
    )
    result = evaluate(frame, kind="admin_penalty", as_of=AS_OF, plugins=pm)
    (message,) = result.findings.filter(pl.col("rule_id") == "example.decision_not_in_future")[
        "message"
    ].to_list()
    assert message == "decision dated 2026-01-01, after the run date"


def test_installed_entry_point() -> None:
    eps = [
        ep for ep in importlib.metadata.entry_points(group="credit_ledger") if ep.name == "example"
    ]
    if not eps:
        pytest.skip(
            "credit-ledger-example is not installed (pip install ./plugins/credit-ledger-example)"
        )
    pm = PluginManager(selection=PluginSelection.parse(allow=["example"], required=["example"]))
    pm.ensure_ready()
    info = pm.plugin("example")
    assert (info.status, info.distribution, info.rules) == ("active", "credit-ledger-example", 3)
