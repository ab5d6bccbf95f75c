"""Kinds come from a registry value: the layers below the plugin manager resolve a kind name
against the kinds they are given (default: the built-in ones), and only the public facade
(``credit_ledger.read``, ``validate``, ``evaluate``, ``get_kind``, ...) asks the plugin manager."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

import credit_ledger
from credit_ledger import ingest, kinds, pipeline, rules
from credit_ledger.errors import UnknownKindError
from credit_ledger.kinds import Field, KindRegistry, RecordKind
from credit_ledger.plugins import PluginManager, PluginSelection, activate, hookimpl
from credit_ledger.rules import Rule, RuleSet
from credit_ledger.validate import validate as validate_given

PARKING = RecordKind(
    name="parking_fine",
    version=1,
    title="停车罚款",
    fields=(
        Field(name="record_id", aliases=("编号",), unique=True),
        Field(name="fine_yuan", dtype="decimal", aliases=("罚款金额",)),
    ),
)
FINE_SET = Rule(
    id="parking.fine_positive",
    title="a fine is positive",
    kind="parking_fine",
    check=pl.col("fine_yuan") > 0,
)


class _Parking:
    @hookimpl
    def credit_ledger_record_kinds(self) -> list[RecordKind]:
        return [PARKING]

    @hookimpl
    def credit_ledger_rules(self) -> list[Rule]:
        return [FINE_SET]


def _manager() -> PluginManager:
    return PluginManager([("parking", _Parking())], entry_points=False, selection=PluginSelection())


@pytest.fixture
def fines(tmp_path: Path) -> Path:
    path = tmp_path / "fines.csv"
    path.write_text("编号,罚款金额\nP1,200\nP2,-5\nP3,abc\n", encoding="utf-8")
    return path


def test_a_registry_is_a_mapping_that_names_the_closest_kind() -> None:
    reg = KindRegistry([PARKING])
    assert dict(reg) == {"parking_fine": PARKING}
    assert reg.kind("parking_fine") is PARKING
    assert reg.kind(PARKING) is PARKING
    with pytest.raises(UnknownKindError, match=r"'parking_fin'; did you mean parking_fine\?"):
        reg.kind("parking_fin")
    with pytest.raises(KeyError):
        reg["nope"]
    with pytest.raises(ValueError, match="given twice"):
        KindRegistry([PARKING, RecordKind(name="parking_fine", version=2, title="t", fields=())])


def test_the_lower_layers_resolve_names_against_the_kinds_they_are_given(fines: Path) -> None:
    with activate(_manager()):
        # the plugin's kind is active, but the layers below the manager never ask for it
        with pytest.raises(UnknownKindError, match="parking_fine"):
            ingest.read(fines, kind="parking_fine")
        with pytest.raises(UnknownKindError):
            kinds.get_kind("parking_fine")
        assert "parking_fine" not in kinds.record_kinds()
        assert kinds.get_kind("parking_fine", KindRegistry([PARKING])) is PARKING
        # given the declaration, they work
        result = validate_given(ingest.read(fines, kind=PARKING), kind=PARKING)
        assert (result.summary.rows_valid, result.summary.rows_quarantined) == (2, 1)


def test_the_facade_resolves_names_and_rules_through_the_plugin_manager(fines: Path) -> None:
    with activate(_manager()):
        assert credit_ledger.get_kind("parking_fine") is PARKING
        assert "parking_fine" in credit_ledger.record_kinds()
        assert set(credit_ledger.schema("parking_fine").columns) == {"record_id", "fine_yuan"}
        frame = credit_ledger.read(fines, kind="parking_fine")
        validation = credit_ledger.validate(frame, kind="parking_fine")
        assert validation.summary.rows_quarantined == 1
        result = credit_ledger.evaluate(
            validation.valid, kind="parking_fine", as_of=dt.date(2025, 6, 30)
        )
        assert result.findings["rule_id"].to_list() == ["parking.fine_positive"]
        checked = credit_ledger.check(fines, kind="parking_fine", as_of=dt.date(2025, 6, 30))
        assert checked.kind == "parking_fine"
        assert checked.evaluation.findings.height == 1


def test_the_engine_takes_a_rule_set_and_its_kinds(fines: Path) -> None:
    ruleset = _manager().ruleset()
    assert ruleset.kinds["parking_fine"] is PARKING
    checked = pipeline.check(fines, kind="parking_fine", as_of=dt.date(2025, 6, 30), rules=ruleset)
    assert checked.evaluation.findings["rule_id"].to_list() == ["parking.fine_positive"]
    frame = pl.DataFrame({"fine_yuan": [1, -1]}).cast({"fine_yuan": pl.Decimal(38, 2)})
    result = rules.evaluate(
        frame, kind=PARKING, as_of=dt.date(2025, 6, 30), rules=RuleSet.of([FINE_SET])
    )
    assert result.findings.height == 1
