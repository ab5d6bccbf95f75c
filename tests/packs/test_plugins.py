"""The packs as plugins: loading, declarations, documentation and test coverage of every rule."""

from __future__ import annotations

from pathlib import Path

import credit_ledger_packs as packs
from credit_ledger.plugins import PluginManager
from credit_ledger_packs import _settings
from tests.packs._data import pack_manager

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "rule-packs.md").read_text(encoding="utf-8")
TESTS = "\n".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py"))


def all_rules() -> PluginManager:
    return pack_manager(**{"arrears.back_to_back_column": "back_to_back_clause"})


def test_every_pack_loads_cleanly(pm: PluginManager) -> None:
    infos = {p.name: p for p in pm.plugins()}
    for name in packs.PLUGINS:
        assert infos[name].status == "active", infos[name].error
    assert pm.conflicts() == ()
    assert pm.problems() == ()


def test_derived_column_names_are_the_api(pm: PluginManager) -> None:
    names = {(d.kind, d.name) for d in pm.derived_columns()}
    for kind in ("dishonest_debtor", "judgment_debtor_case", "arrears_case"):
        assert (kind, "is_gov_body") in names
    for name in ("due_date", "outstanding_amount", "overdue_days", "aging_bucket", "late_interest"):
        assert ("arrears_case", name) in names
    for name in ("publicity_state", "repair_from"):
        assert ("admin_penalty", name) in names


def test_rules_are_documented_and_referenced() -> None:
    for rule in all_rules().rules():
        if rule.id.split(".")[0] not in packs.PLUGINS:
            continue
        assert f"`{rule.id}`" in DOC, f"{rule.id} missing from docs/rule-packs.md"
        assert rule.references or rule.description or "bad_input" in rule.tags, rule.id


def test_settings_are_documented() -> None:
    for group in (
        _settings.COMMON,
        _settings.ZEROING,
        _settings.ARREARS,
        _settings.CLASSES,
        _settings.PUBLICITY,
    ):
        for setting in group:
            assert setting.name in DOC, f"{setting.name} missing from docs/rule-packs.md"


def test_every_rule_has_a_passing_and_a_failing_case() -> None:
    """Each rule id appears in a test that calls ``assert_rule`` with passing and failing
    items (through the helpers ``check`` of the test modules)."""
    for rule in all_rules().rules():
        if rule.id.split(".")[0] in packs.PLUGINS:
            assert f'"{rule.id}"' in TESTS, f"no assert_rule test for {rule.id}"
