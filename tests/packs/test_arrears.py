"""Arrears owed to SMEs (docs/domain.md §4.2): due dates, aging, interest to the fen, rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
import pytest

from credit_ledger.plugins import PluginManager
from credit_ledger.testing import assert_rule, make_frame
from credit_ledger_packs import arrears
from tests.packs._data import AS_OF, ENTERPRISE, INSTITUTION, ORGAN, pack_manager, rule

D = dt.date


def case(**over: Any) -> dict[str, Any]:
    """An organ's open arrears case: the docs/domain.md worked example."""
    row: dict[str, Any] = {
        "arrears_id": "A1",
        "debtor_name": "某局",
        "debtor_uscc": ORGAN,
        "debtor_kind": "organ",
        "creditor_name": "某公司",
        "creditor_uscc": ENTERPRISE,
        "creditor_size": "small",
        "contract_no": "C1",
        "contract_signed_on": "2024-01-10",
        "subject_matter": "goods",
        "delivered_on": "2024-02-01",
        "acceptance_required": True,
        "accepted_on": "2024-03-01",
        "agreed_term_days": None,
        "agreed_interest_rate": None,
        "amount_due": "200000.00",
        "amount_paid": "0",
        "status": "open",
        "reported_on": "2024-04-01",
    }
    row.update(over)
    return row


NO_ROLL = {"packs.roll_forward": False}
"""The docs/domain.md §4.2 arithmetic as written: these tests check terms, interest and buckets; the
move of a due date off a rest day (Civil Code Art. 203, on by default) is tested on its own."""


def derive(*rows: dict[str, Any], as_of: dt.date = AS_OF, **settings: Any) -> pl.DataFrame:
    frame = make_frame("arrears_case", list(rows))
    return arrears.with_arrears_columns(frame, as_of=as_of, settings={**NO_ROLL, **settings})


def one(row: dict[str, Any], column: str, **kw: Any) -> Any:
    return derive(row, **kw)[column].item()


def test_domain_worked_example_to_the_fen() -> None:
    # Art. 203 on (the default): 2024-03-31 is a Sunday, due Monday 2024-04-01, 90 days
    rolled = derive(case(), **{"packs.roll_forward": True})
    assert rolled.select("due_date", "overdue_days", "late_interest").row(0) == (
        D(2024, 4, 1),
        90,
        Decimal("9000.00"),
    )
    out = derive(case())
    assert out["due_date"].item() == D(2024, 3, 31)
    assert out["overdue_days"].item() == 91
    assert out["outstanding_amount"].item() == Decimal("200000.00")
    assert out["late_interest"].item() == Decimal("9100.00")
    assert out["aging_bucket"].item() == "91-180"
    assert out.schema["late_interest"] == pl.Decimal(38, 2)


@pytest.mark.parametrize(
    ("over", "due"),
    [
        ({"acceptance_required": False}, D(2024, 3, 2)),  # 30 days from delivery (leap year)
        ({"agreed_term_days": 45}, D(2024, 4, 15)),  # an agreed term within the cap counts
        ({"agreed_term_days": 90}, D(2024, 4, 30)),  # capped at 60
        ({"debtor_kind": None, "debtor_uscc": INSTITUTION}, D(2024, 3, 31)),  # prefix 12
        # large enterprise, 2025 rules: 60 days from delivery
        (
            {
                "debtor_kind": "large_enterprise",
                "debtor_uscc": ENTERPRISE,
                "contract_signed_on": "2025-06-01",
                "acceptance_required": False,
                "delivered_on": "2025-07-10",
            },
            D(2025, 9, 8),
        ),
        # large enterprise, 2020 rules, no term: the configurable default (60)
        (
            {"debtor_kind": "large_enterprise", "debtor_uscc": ENTERPRISE},
            D(2024, 4, 30),
        ),
        (
            {"debtor_kind": "large_enterprise", "debtor_uscc": ENTERPRISE, "agreed_term_days": 90},
            D(2024, 5, 30),
        ),
    ],
)
def test_due_dates(over: dict[str, Any], due: dt.date) -> None:
    assert one(case(**over), "due_date") == due


def test_no_term_default_is_a_setting() -> None:
    row = case(debtor_kind="large_enterprise", debtor_uscc=ENTERPRISE)
    assert one(row, "due_date", **{"arrears.no_term_default_days": 90}) == D(2024, 5, 30)


def test_regime_date_is_a_setting() -> None:
    row = case(debtor_kind="large_enterprise", debtor_uscc=ENTERPRISE)
    out = one(
        row,
        "due_date",
        **{"arrears.regime_2025_from": D(2024, 1, 1), "arrears.no_term_default_days": 10},
    )
    assert out == D(2024, 4, 30)  # 2025 rules: 60 days, not the 2020 default


def test_missing_acceptance_is_awaiting_not_guessed() -> None:
    out = derive(case(accepted_on=None))
    assert out["due_date"].item() is None
    assert out["aging_bucket"].item() == "awaiting"
    assert out["overdue_days"].item() is None
    assert out["late_interest"].item() is None


def test_agreed_rate_interest() -> None:
    # 200,000 × 3.65 % / 365 × 10 days = 200.00
    row = case(agreed_interest_rate="0.0365", accepted_on="2024-05-21")
    assert one(row, "overdue_days") == 10
    assert one(row, "late_interest") == Decimal("200.00")
    row = case(agreed_interest_rate="0.0365", amount_due="12345.67", accepted_on="2024-05-24")
    # 12345.67 × 0.0365 × 7 / 365 = 8.6419690 → 8.64
    assert one(row, "late_interest") == Decimal("8.64")


def test_interest_rounds_half_up_to_the_fen() -> None:
    # ¥1.00 × 0.05 % × 10 days = ¥0.005 → ¥0.01
    row = case(amount_due="1.00", accepted_on="2024-05-21")
    assert one(row, "late_interest") == Decimal("0.01")


def test_outstanding_amount() -> None:
    assert one(case(amount_paid="50000", disputed_amount="30000"), "outstanding_amount") == Decimal(
        "120000.00"
    )
    # interest only on the undisputed, unpaid part: 120000 × 0.0005 × 91 = 5460
    assert one(case(amount_paid="50000", disputed_amount="30000"), "late_interest") == Decimal(
        "5460.00"
    )
    over = derive(case(amount_paid="250000"))
    assert over["outstanding_amount"].item() == Decimal("0.00")
    assert over["overdue_days"].item() == 0
    assert over["late_interest"].item() == Decimal("0.00")


def test_closed_cases() -> None:
    paid = derive(case(status="paid", amount_paid="200000", closed_on="2024-05-01"))
    assert paid["aging_bucket"].item() == "paid"
    assert paid["outstanding_amount"].item() == Decimal("0.00")
    settled = derive(case(status="settled", closed_on="2024-05-01"))
    assert settled["aging_bucket"].item() == "closed"
    # closed after the run date: still owed at as_of
    later = derive(case(status="settled", closed_on="2024-07-15"))
    assert later["aging_bucket"].item() == "91-180"


@pytest.mark.parametrize(
    ("as_of", "bucket"),
    [
        (D(2024, 3, 31), "not_due"),
        (D(2024, 4, 1), "1-30"),
        (D(2024, 4, 30), "1-30"),
        (D(2024, 5, 1), "31-60"),
        (D(2024, 5, 30), "31-60"),
        (D(2024, 6, 29), "61-90"),
        (D(2024, 6, 30), "91-180"),
        (D(2024, 9, 27), "91-180"),
        (D(2024, 9, 28), "181-365"),
        (D(2025, 3, 31), "181-365"),
        (D(2025, 4, 1), ">365"),
    ],
)
def test_aging_bucket_edges(as_of: dt.date, bucket: str) -> None:
    assert one(case(), "aging_bucket", as_of=as_of) == bucket


def test_aging_table() -> None:
    frame = make_frame(
        "arrears_case",
        [case(), case(arrears_id="A2", debtor_uscc=ENTERPRISE, debtor_kind="large_enterprise")],
    )
    table = arrears.aging_table(frame, as_of=AS_OF, settings=NO_ROLL)
    gov = table.filter(pl.col("is_gov_body")).row(0, named=True)
    assert gov["aging_bucket"] == "91-180"
    assert gov["cases"] == 1
    assert gov["outstanding_amount"] == Decimal("200000.00")
    assert gov["late_interest"] == Decimal("9100.00")


# -- rules: one passing and one failing case each ---------------------------------------------


def check(
    pm: PluginManager, rule_id: str, passing: list[Any], failing: list[Any], as_of: dt.date = AS_OF
) -> None:
    assert_rule(rule(pm, rule_id), passing=passing, failing=failing, as_of=as_of, plugins=pm)


def test_rule_noncompliant_term(pm: PluginManager) -> None:
    check(pm, "arrears.noncompliant_term", [case(agreed_term_days=60)], [case(agreed_term_days=61)])


def test_rule_no_term_agreed(pm: PluginManager) -> None:
    large = {"debtor_kind": "large_enterprise", "debtor_uscc": ENTERPRISE}
    check(
        pm,
        "arrears.no_term_agreed",
        [
            case(**large, agreed_term_days=30),
            case(**large, contract_signed_on="2025-06-01"),
            case(),
        ],
        [case(**large)],
        as_of=D(2025, 12, 31),
    )


def test_rule_back_to_back_only_when_configured(pm: PluginManager) -> None:
    assert "arrears.back_to_back_clause" not in {r.id for r in pm.rules()}
    configured = pack_manager(**{"arrears.back_to_back_column": "back_to_back_clause"})
    large = {
        "debtor_kind": "large_enterprise",
        "debtor_uscc": ENTERPRISE,
        "contract_signed_on": "2025-07-01",
        "delivered_on": "2025-07-02",
    }
    check(
        configured,
        "arrears.back_to_back_clause",
        [
            case(**large, back_to_back_clause="否"),
            case(back_to_back_clause="是"),
            case(**{**large, "contract_signed_on": "2025-01-01"}, back_to_back_clause="是"),
        ],
        [case(**large, back_to_back_clause="是")],
        as_of=D(2025, 12, 31),
    )


def test_rule_awaiting(pm: PluginManager) -> None:
    check(
        pm,
        "arrears.awaiting_delivery_or_acceptance",
        [
            case(),
            case(accepted_on=None, status="paid", amount_paid="200000", closed_on="2024-05-01"),
        ],
        [case(accepted_on=None), case(acceptance_required=False, delivered_on=None)],
    )


def test_rule_overdue(pm: PluginManager) -> None:
    check(pm, "arrears.overdue", [case(accepted_on="2024-06-01")], [case()])


def test_rule_gov_debtor_overdue(pm: PluginManager) -> None:
    check(
        pm,
        "arrears.gov_debtor_overdue",
        [
            case(accepted_on="2024-06-01"),
            case(debtor_uscc=ENTERPRISE, debtor_kind="large_enterprise", accepted_on="2023-01-01"),
        ],
        [case()],
    )


def test_rule_interest_rate_not_below_lpr(pm: PluginManager) -> None:
    # 1-year LPR 3.35 % from 2024-07-22
    check(
        pm,
        "arrears.interest_rate_not_below_lpr",
        [case(contract_signed_on="2024-08-01", agreed_interest_rate="0.0335"), case()],
        [case(contract_signed_on="2024-08-01", agreed_interest_rate="0.03")],
        as_of=D(2024, 12, 31),
    )


def test_rule_paid_not_above_due(pm: PluginManager) -> None:
    check(
        pm,
        "arrears.paid_not_above_due",
        [case(amount_paid="200000")],
        [case(amount_paid="200000.01")],
    )


def test_rule_closed_has_date(pm: PluginManager) -> None:
    check(
        pm,
        "arrears.closed_has_date",
        [case(status="paid", closed_on="2024-05-01")],
        [case(status="paid")],
    )


def test_rule_dates_not_future(pm: PluginManager) -> None:
    check(pm, "arrears.dates_not_future", [case()], [case(delivered_on="2999-01-01")])


def test_rule_one_name_per_debtor_code(pm: PluginManager) -> None:
    check(
        pm,
        "arrears.one_name_per_debtor_code",
        [[case(), case(arrears_id="A2", debtor_name="某局 ")]],
        [
            [
                case(debtor_uscc=INSTITUTION),
                case(arrears_id="A2", debtor_uscc=INSTITUTION, debtor_name="另一个局"),
            ]
        ],
    )


def test_art_203_worked_example_with_no_settings() -> None:
    """docs/domain.md §0: an organ accepts goods on 2024-09-01 with no agreed term; the 30th day is
    2024-10-01, a holiday, so payment is due 2024-10-08 (the shipped 2024 calendar)."""
    frame = make_frame(
        "arrears_case",
        [
            case(
                accepted_on="2024-09-01", delivered_on="2024-08-20", contract_signed_on="2024-08-01"
            )
        ],
    )
    on_due = arrears.with_arrears_columns(frame, as_of=D(2024, 10, 8))
    assert on_due.select("due_date", "overdue_days", "aging_bucket").row(0) == (
        D(2024, 10, 8),
        0,
        "not_due",
    )
    assert on_due["late_interest"].item() == Decimal("0.00")
    day_after = arrears.with_arrears_columns(frame, as_of=D(2024, 10, 9))
    assert day_after.select("overdue_days", "late_interest").row(0) == (1, Decimal("100.00"))


@pytest.mark.parametrize(
    ("rule_id", "column"),
    [
        ("packs.calendar_year_covered.arrears_case", "accepted_on"),
        ("packs.calendar_year_covered.dishonest_debtor", "removal_ground_on"),
        ("packs.calendar_year_covered.admin_penalty", "decision_date"),
        ("packs.calendar_year_covered.admin_license", "decision_date"),
    ],
)
def test_rule_calendar_year_covered(pm: PluginManager, rule_id: str, column: str) -> None:
    r = rule(pm, rule_id)
    blank = make_frame(r.kind, [{}, {}]).to_dicts()
    covered = [{**blank[0], column: D(2024, 5, 6)}, {**blank[1], column: D(2025, 12, 30)}]
    old = [{**blank[0], column: D(2024, 5, 6)}, {**blank[1], column: D(2019, 3, 1)}]
    late = [{**blank[0], column: D(2026, 12, 30)}]  # the term runs into 2027
    assert_rule(r, passing=[covered], failing=[old, late], as_of=D(2026, 12, 31), plugins=pm)
    # with the holidays of the missing year configured, the warning goes away
    assert_rule(
        r,
        passing=[late],
        as_of=D(2026, 12, 31),
        plugins=pm,
        settings={"packs.holidays": ("2027-01-01",)},
    )


def test_interest_is_owed_on_a_case_paid_late() -> None:
    # due 2024-03-31 (docs/domain.md §4.2 arithmetic), paid in full 10 days late
    paid = case(status="paid", amount_paid="200000", closed_on="2024-04-10")
    out = derive(paid)
    assert out.select("outstanding_amount", "aging_bucket", "late_interest").row(0) == (
        Decimal("0.00"),
        "paid",
        Decimal("1000.00"),  # 200,000 × 0.05 % × 10 days, to the payment date
    )
    on_time = case(status="paid", amount_paid="200000", closed_on="2024-03-31")
    assert one(on_time, "late_interest") == Decimal("0.00")


def test_large_private_creditors_are_accepted_and_a_blank_size_warns(pm: PluginManager) -> None:
    frame = make_frame(
        "arrears_case", [case(creditor_size="large"), case(arrears_id="A2", creditor_size=None)]
    )
    assert frame.height == 2
    assert_rule(
        rule(pm, "arrears.creditor_size_given"),
        passing=[case(creditor_size="large"), case(creditor_size="micro")],
        failing=[case(creditor_size=None)],
        as_of=AS_OF,
        plugins=pm,
    )
