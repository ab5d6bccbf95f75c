"""Finding messages state the failing condition: no built-in message reads as the passing
state (a rule's title describes the passing record)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import credit_ledger
from credit_ledger.plugins import PluginManager
from credit_ledger.rules import Rule
from credit_ledger.synth import generate_frames
from tests.packs._data import pack_manager

AS_OF = dt.date(2025, 1, 31)


@pytest.fixture(scope="module")
def pm() -> PluginManager:
    return pack_manager()


@pytest.fixture(scope="module")
def rules(pm: PluginManager) -> dict[str, Rule]:
    return {r.id: r for r in pm.rules()}


def test_every_built_in_rule_states_its_violation(rules: dict[str, Rule]) -> None:
    assert len(rules) > 40
    missing = sorted(rid for rid, r in rules.items() if not r.violation)
    assert missing == []
    same = sorted(rid for rid, r in rules.items() if r.violation.strip() == r.title.strip())
    assert same == []
    assert all(r.default_message == r.violation for r in rules.values())


def test_no_message_on_generated_data_reads_as_the_passing_state(
    pm: PluginManager, rules: dict[str, Rule]
) -> None:
    frames = generate_frames(20_000, seed=3).frames
    valid = {k: credit_ledger.validate(f, kind=k).valid for k, f in frames.items()}
    findings = credit_ledger.evaluate_many(valid, as_of=AS_OF, plugins=pm).findings
    fired = findings.select("rule_id", "message").unique()
    assert fired["rule_id"].n_unique() >= 15
    titles = {r.title for r in rules.values()}
    as_title = fired.filter(pl.col("message").is_in(list(titles)))
    assert as_title.rows() == []
    own = fired.with_columns(
        title=pl.col("rule_id").replace_strict({k: r.title for k, r in rules.items()})
    )
    assert own.filter(pl.col("message") == pl.col("title")).height == 0


def test_a_rule_without_violation_never_shows_its_title_alone() -> None:
    rule = Rule(id="x.fine_set", title="a fine is set", kind="admin_penalty", check=pl.lit(True))
    assert rule.default_message == "not met: a fine is set"
