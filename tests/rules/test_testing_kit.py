"""``credit_ledger.testing``: assert_rule, make_frame, the pytest fixtures and the strategies.

The strategies are checked against the real validation: valid records must validate, and a
record with a chosen defect must be quarantined with exactly that reason.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
from collections.abc import Callable

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import credit_ledger
from credit_ledger.kinds import Field, RecordKind, RowCheck
from credit_ledger.kinds.builtin import BUILTIN_KINDS, POSITIVE, USCC_STRICT
from credit_ledger.plugins import PluginManager, activate, hookimpl
from credit_ledger.rules import Rule, Scope
from credit_ledger.testing import (
    assert_rule,
    isolated_manager,
    make_frame,
    make_text_frame,
    to_text_frame,
)
from credit_ledger.testing.pytest_plugin import (
    credit_ledger_as_of,  # noqa: F401 - a fixture, used by name
    credit_ledger_plugins,  # noqa: F401 - a fixture, used by name
)
from credit_ledger.testing.strategies import (
    _pool,
    defective_records,
    defects,
    frames,
    valid_records,
)

AS_OF = dt.date(2025, 6, 30)
KINDS = [k.name for k in BUILTIN_KINDS]
FAST = settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fine_positive() -> Rule:
    return Rule(
        id="kit.fine_positive",
        title="fine > 0",
        kind="admin_penalty",
        check=pl.col("fine_yuan") > 0,
    )


def test_assert_rule_row_scope() -> None:
    assert_rule(
        fine_positive(), passing=[{"fine_yuan": 1}, {}], failing=[{"fine_yuan": 0}], as_of=AS_OF
    )
    with pytest.raises(AssertionError) as exc:
        assert_rule(
            fine_positive(), passing=[{"fine_yuan": -1}], failing=[{"fine_yuan": 5}], as_of=AS_OF
        )
    assert "passing[0]: {'fine_yuan': -1} failed" in str(exc.value)
    assert "failing[0]: {'fine_yuan': 5} passed" in str(exc.value)


def test_assert_rule_entity_and_dataset_scope() -> None:
    at_most_two = Rule(
        id="kit.few",
        title="<= 2 penalties",
        kind="admin_penalty",
        scope=Scope.ENTITY,
        check=pl.len() <= 2,
    )
    assert_rule(at_most_two, passing=[[{}, {}], {}], failing=[[{}, {}, {}]], as_of=AS_OF)
    some_fines = Rule(
        id="kit.some_fines",
        title="a fine somewhere",
        kind="admin_penalty",
        scope=Scope.DATASET,
        check=pl.col("fine_yuan").is_not_null().any(),
    )
    assert_rule(some_fines, passing=[[{"fine_yuan": 1}, {}]], failing=[[{}, {}]], as_of=AS_OF)


def test_assert_rule_reports_a_broken_rule() -> None:
    broken = Rule(id="kit.broken", title="t", kind="admin_penalty", check=pl.col("nope") > 0)
    with pytest.raises(
        AssertionError, match=r"could not be evaluated:\n  rule kit\.broken: missing column"
    ):
        assert_rule(broken, passing=[{}], as_of=AS_OF)


def test_make_frame_types_and_provenance() -> None:
    df = make_frame(
        "arrears_case",
        [
            {
                "amount_due": "10.5",
                "reported_on": "2024-01-02",
                "debtor_uscc": "11140800558745220K",
                "extra": 1,
            }
        ],
    )
    assert df.schema["amount_due"] == pl.Decimal(38, 2)
    assert df.schema["reported_on"] == pl.Date
    assert df["subject_kind"].to_list() == ["government_organ"]
    assert (df["_source"].to_list(), df["_row"].to_list(), df["extra"].to_list()) == (
        ["test"],
        [1],
        [1],
    )


def test_fixture_builds_an_isolated_active_manager(
    credit_ledger_plugins: Callable[..., PluginManager],  # noqa: F811 - the fixture
    credit_ledger_as_of: dt.date,  # noqa: F811 - the fixture
) -> None:
    class Pack:
        @hookimpl
        def credit_ledger_rules(self) -> list[Rule]:
            return [fine_positive()]

    pm = credit_ledger_plugins(("pack", Pack()))
    assert [p.name for p in pm.plugins()] == ["builtin.kinds", "pack"]
    assert credit_ledger.get_kind("admin_penalty") is pm.kind("admin_penalty")
    assert_rule(
        pm.rule("kit.fine_positive"),
        passing=[{"fine_yuan": 2}],
        failing=[{"fine_yuan": 0}],
        as_of=credit_ledger_as_of,
        plugins=pm,
    )


def test_the_pytest_plugin_is_opt_in() -> None:
    pytest11 = importlib.metadata.entry_points(group="pytest11")
    assert not [ep for ep in pytest11 if ep.value.startswith("credit_ledger")]


def test_isolated_manager_ignores_entry_points() -> None:
    pm = isolated_manager(builtins=False)
    assert pm.plugins() == ()
    assert pm.record_kinds() == {}


# -- strategies, checked against the real validation -------------------------------------------


@pytest.mark.parametrize("kind", ["admin_penalty", "arrears_case"])
def test_valid_frames_validate(kind: str) -> None:
    @FAST
    @given(frames(kind, min_size=1, max_size=4))
    def check(frame: pl.DataFrame) -> None:
        result = credit_ledger.validate(to_text_frame(frame), kind=kind)
        assert result.summary.rows_quarantined == 0, result.quarantine["_reasons"].to_list()
        assert result.valid.height == frame.height

    check()


@pytest.mark.parametrize("kind", KINDS)
def test_every_pool_record_has_the_verdict_it_claims(kind: str) -> None:
    # Exhaustive over the strategies' pool, in one validation per kind: every valid record
    # validates, every defective record is quarantined with exactly its defect.
    pool = _pool()
    assert len(pool.valid[kind]) > 100
    typed = make_frame(kind, pool.valid[kind])
    assert credit_ledger.validate(to_text_frame(typed), kind=kind).summary.rows_quarantined == 0
    records, expected = [], []
    for defect, rows in sorted(pool.defective[kind].items()):
        records += rows
        expected += [[defect]] * len(rows)
    result = credit_ledger.validate(make_text_frame(kind, records), kind=kind)
    assert result.quarantine.sort("_row")["_reasons"].to_list() == expected
    assert result.summary.rows_valid == 0


@pytest.mark.parametrize(
    ("kind", "defect"),
    [
        ("admin_penalty", "subject_uscc:uscc"),
        ("dishonest_debtor", "row:entity_code_required"),
    ],
)
def test_defective_records_strategy(kind: str, defect: str) -> None:
    @FAST
    @given(defective_records(kind, defect))
    def check(record: dict[str, str | None]) -> None:
        result = credit_ledger.validate(make_text_frame(kind, [record]), kind=kind)
        assert result.quarantine["_reasons"].to_list() == [[defect]]

    check()


# -- the generic strategies, for kinds contributed by plugins --------------------------------------

TOY = RecordKind(
    name="kit_toy",
    version=1,
    title="a plugin's kind",
    subject_code="code",
    fields=(
        Field(name="record_id", unique=True),
        Field(name="code", normalize="code", checks=(USCC_STRICT,)),
        Field(name="colour", enum=("red", "blue")),
        Field(name="amount", dtype="decimal", checks=(POSITIVE,)),
        Field(name="start", dtype="date"),
        Field(name="end", dtype="date", nullable=True),
    ),
    row_checks=(
        RowCheck(
            name="start_not_after_end",
            expr=pl.col("start") <= pl.col("end"),
            columns=("start", "end"),
        ),
    ),
)


class _ToyKind:
    @hookimpl
    def credit_ledger_record_kinds(self) -> list[RecordKind]:
        return [TOY]


def test_generic_valid_records_for_a_plugin_kind() -> None:
    with activate(isolated_manager(("toy", _ToyKind()))):

        @FAST
        @given(frames("kit_toy", min_size=1, max_size=3))
        def valid(frame: pl.DataFrame) -> None:
            result = credit_ledger.validate(to_text_frame(frame), kind="kit_toy")
            assert result.summary.rows_quarantined == 0

        valid()
        assert set(defects("kit_toy")) >= {
            "code:uscc",
            "colour:enum",
            "amount:positive",
            "row:start_not_after_end",
            "start:not_null",
        }


@pytest.mark.parametrize(
    "defect", ["code:uscc", "colour:enum", "amount:positive", "row:start_not_after_end"]
)
def test_generic_defective_records_for_a_plugin_kind(defect: str) -> None:
    with activate(isolated_manager(("toy", _ToyKind()))):

        @FAST
        @given(defective_records("kit_toy", defect))
        def bad(record: dict[str, str | None]) -> None:
            result = credit_ledger.validate(make_text_frame("kit_toy", [record]), kind="kit_toy")
            assert defect in result.quarantine["_reasons"].to_list()[0]

        bad()


def test_unknown_defect_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown defect 'fine_yuan:sparkly' for kind"):
        defective_records("admin_penalty", "fine_yuan:sparkly")


@FAST
@given(st.data())
def test_valid_records_pass_the_example_style_rule(data: st.DataObject) -> None:
    record = data.draw(valid_records("admin_penalty"))
    not_negative = Rule(
        id="kit.fine_not_negative",
        title="fine >= 0",
        kind="admin_penalty",
        check=pl.col("fine_yuan") >= 0,
    )
    assert_rule(not_negative, passing=[record], as_of=AS_OF)
