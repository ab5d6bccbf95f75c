"""Publicity periods and credit repair (docs/domain.md §4.4): regimes, dates to the day, states."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from credit_ledger.plugins import PluginManager
from credit_ledger.testing import assert_rule, make_frame
from credit_ledger_packs import publicity
from credit_ledger_packs._settings import get
from tests.packs._data import ENTERPRISE, rule

D = dt.date
OTHER = "91130105MA0000000X"
AS_OF = D(2026, 5, 1)


def penalty(**over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "subject_name": "某某商贸有限公司",
        "subject_category": "法人及非法人组织",
        "subject_uscc": ENTERPRISE,
        "decision_no": "新市监罚〔2024〕1号",
        "penalty_types": "罚款",
        "fine_yuan": "5000",
        "decision_date": "2024-05-31",
        "penalty_valid_to": "2024-12-31",
        "authority": "石家庄市新华区市场监督管理局",
        "region_code": "130105",
        "severity": "一般",
    }
    row.update(over)
    return row


def derive(*rows: dict[str, Any], as_of: dt.date = AS_OF, **settings: Any) -> pl.DataFrame:
    frame = make_frame("admin_penalty", list(rows))
    return publicity.with_publicity_columns(frame, as_of=as_of, settings=settings)


def dates(row: dict[str, Any], **kw: Any) -> tuple[Any, ...]:
    out = derive(row, **kw)
    return out.select("publicity_regime", "repair_from", "publicity_end", "publicity_state").row(0)


def test_domain_examples_under_the_2026_measures() -> None:
    by_run_date = {"publicity.regime_basis": "as_of"}
    assert dates(penalty(), **by_run_date) == (
        "ndrc_2026",
        D(2024, 8, 31),
        D(2025, 5, 31),
        "expired",
    )
    serious = penalty(severity="严重", decision_date="2024-02-29")
    assert dates(serious, **by_run_date) == (
        "ndrc_2026",
        D(2025, 2, 28),
        D(2027, 2, 28),
        "published_awaiting_fulfilment",
    )


def test_regime_by_decision_date() -> None:
    assert dates(penalty(decision_date="2022-01-10", severity="严重"))[:3] == (
        "ndrc_2019",
        D(2022, 7, 10),
        D(2025, 1, 10),
    )
    assert dates(penalty(decision_date="2023-05-01"))[0] == "ndrc_2023"
    assert dates(penalty(decision_date="2026-04-01"))[0] == "ndrc_2026"


@pytest.mark.parametrize(
    ("over", "as_of", "state"),
    [
        ({"severity": "轻微", "penalty_types": "警告"}, AS_OF, "not_published"),
        ({}, D(2024, 8, 30), "published_locked"),
        ({}, D(2024, 8, 31), "published_awaiting_fulfilment"),
        ({"fulfilled_on": "2024-06-15"}, D(2024, 9, 1), "published_repairable"),
        ({"obligations_fulfilled": "是"}, D(2024, 9, 1), "published_repairable"),
        ({"fulfilled_on": "2024-09-15"}, D(2024, 9, 1), "published_awaiting_fulfilment"),
        ({"repaired_on": "2024-10-08"}, D(2024, 10, 8), "repaired"),
        ({"repaired_on": "2024-10-08"}, D(2024, 10, 7), "published_awaiting_fulfilment"),
        ({}, D(2025, 5, 30), "published_awaiting_fulfilment"),
        ({}, D(2025, 5, 31), "expired"),
        ({"decision_date": "2026-06-01"}, AS_OF, "not_published"),  # not decided yet
    ],
)
def test_states(over: dict[str, Any], as_of: dt.date, state: str) -> None:
    assert dates(penalty(**over), as_of=as_of)[3] == state


def test_repair_ends_publicity_early() -> None:
    out = dates(penalty(repaired_on="2024-10-08"), as_of=D(2025, 1, 1))
    assert out[2:] == (D(2024, 10, 8), "repaired")


def test_severity_derived_when_absent() -> None:
    rows = [
        penalty(severity=None, penalty_types="警告", fine_yuan=None),
        penalty(severity=None, penalty_types="警告,罚款"),
        penalty(severity=None, penalty_types="罚款,吊销许可证件"),
        penalty(severity=None, fine_yuan="1000000"),
        penalty(severity="轻微", penalty_types="罚款"),
    ]
    got = derive(*rows)["publicity_severity"].to_list()
    assert got == ["轻微", "一般", "严重", "严重", "轻微"]


def test_region_and_sector_overrides() -> None:
    table = (
        *publicity_defaults(),
        "shenzhen|1900-01-01|4403|*|3|36|3|36|3|36|decision",
        "safety|1900-01-01|4403|应急管理|12|36|12|36|12|36|decision",
    )
    active = ("ndrc_2019", "ndrc_2023", "ndrc_2026", "shenzhen", "safety")
    s = {"publicity.regimes": table, "publicity.active_regimes": active}
    sz = penalty(region_code="440304")
    assert dates(sz, **s)[:3] == ("shenzhen", D(2024, 8, 31), D(2027, 5, 31))
    safety = penalty(region_code="440304", authority="深圳市应急管理局")
    assert dates(safety, **s)[:3] == ("safety", D(2025, 5, 31), D(2027, 5, 31))
    assert dates(penalty(), **s)[0] == "ndrc_2023"


def test_samr_regime_counts_from_publication() -> None:
    s = {"publicity.active_regimes": ("ndrc_2019", "ndrc_2023", "ndrc_2026", "samr")}
    minor = penalty(severity="轻微", penalty_types="通报批评", published_on="2024-06-03")
    assert dates(minor, as_of=D(2024, 7, 1), **s) == (
        "samr",
        D(2024, 6, 3),
        D(2024, 9, 3),
        "published_awaiting_fulfilment",
    )
    assert dates(penalty(published_on="2024-06-03"), **s)[:3] == (
        "samr",
        D(2025, 6, 3),
        D(2027, 6, 3),
    )


def publicity_defaults() -> tuple[str, ...]:
    return get(None, "publicity.regimes", tuple)


def test_bad_regime_row_is_reported() -> None:
    with pytest.raises(ValueError, match="expected 11 fields"):
        publicity.parse_regimes(("broken|row",), ("broken",))


# -- rules: one passing and one failing case each ---------------------------------------------


def check(
    pm: PluginManager,
    rule_id: str,
    passing: list[Any],
    failing: list[Any],
    as_of: dt.date = AS_OF,
    **kw: Any,
) -> None:
    assert_rule(rule(pm, rule_id), passing=passing, failing=failing, as_of=as_of, plugins=pm, **kw)


def test_rule_still_published_after_max(pm: PluginManager) -> None:
    check(
        pm,
        "publicity.still_published_after_max",
        [penalty(publicity_end="2025-05-31"), penalty(decision_date="2025-09-01")],
        [penalty(), penalty(publicity_end="2026-12-31")],
    )


def test_rule_declared_end_within_max(pm: PluginManager) -> None:
    check(
        pm,
        "publicity.declared_end_within_max",
        [penalty(publicity_end="2025-05-31"), penalty()],
        [penalty(publicity_end="2025-06-01")],
    )


def test_rule_penalty_published_on_time(pm: PluginManager) -> None:
    # decided Friday 2024-05-31: 7 working days → Tuesday 2024-06-11 (weekends only)
    check(
        pm,
        "publicity.penalty_published_on_time",
        [penalty(published_on="2024-06-11"), penalty()],
        [penalty(published_on="2024-06-12")],
        settings={"packs.official_calendar": False},
    )
    # the shipped 2024 calendar (on by default) has the Dragon Boat holiday (2024-06-10): the
    # deadline moves to 2024-06-12
    check(
        pm,
        "publicity.penalty_published_on_time",
        [penalty(published_on="2024-06-12")],
        [penalty(published_on="2024-06-13")],
    )


def test_rule_license_published_on_time(pm: PluginManager) -> None:
    licence = {"decision_date": "2024-09-27", "valid_from": "2024-09-27", "valid_to": "2029-09-26"}
    holidays = {
        "packs.holidays": ("2024-10-01..2024-10-07",),
        "packs.makeup_workdays": ("2024-09-29", "2024-10-12"),
    }
    # 7 working days after 2024-09-27 with National Day: 29 Sep, 30 Sep, 8-12 Oct → 12 Oct
    check(
        pm,
        "publicity.license_published_on_time",
        [{**licence, "published_on": "2024-10-12"}],
        [{**licence, "published_on": "2024-10-14"}],
        settings=holidays,
    )


def test_rule_minor_not_published(pm: PluginManager) -> None:
    minor = {"severity": "轻微", "penalty_types": "警告", "fine_yuan": None}
    check(
        pm,
        "publicity.minor_not_published",
        [penalty(**minor), penalty(published_on="2024-06-03")],
        [penalty(**minor, published_on="2024-06-03")],
    )


def test_rule_penalty_dates_not_future(pm: PluginManager) -> None:
    check(
        pm, "publicity.penalty_dates_not_future", [penalty()], [penalty(published_on="2999-01-01")]
    )


def test_rule_one_name_per_code(pm: PluginManager) -> None:
    check(
        pm,
        "publicity.penalty_one_name_per_code",
        [[penalty(), penalty(subject_name="某某商贸有限公司")]],
        [
            [
                penalty(subject_uscc=OTHER),
                penalty(subject_uscc=OTHER, subject_name="某某商贸（石家庄）有限公司"),
            ]
        ],
    )
    check(
        pm,
        "publicity.license_one_name_per_code",
        [[{"subject_name": "甲"}, {"subject_name": "甲"}]],
        [
            [
                {"subject_uscc": ENTERPRISE, "subject_name": "甲"},
                {"subject_uscc": ENTERPRISE, "subject_name": "乙"},
            ]
        ],
    )
