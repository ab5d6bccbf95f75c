"""Dynamic zeroing (docs/domain.md §4.1): government bodies, the ledgers per period, the alerts."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import polars as pl
import pytest

from credit_ledger import evaluate_many
from credit_ledger.plugins import PluginManager
from credit_ledger.testing import assert_rule, make_frame
from credit_ledger_packs import zeroing
from credit_ledger_packs._ledger import ZeroingInvariantError, check_invariant
from credit_ledger_packs.common import is_gov_body_expr
from tests.packs._data import AS_OF, ENTERPRISE, INSTITUTION, ORGAN, rule

D = dt.date
_NUMBERS = itertools.count(1)  # one case per row unless a test says otherwise


def listing(**over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "debtor_name": "某镇人民政府",
        "party_type": "legal_entity",
        "id_or_uscc": ORGAN,
        "case_no": f"(2024)冀0105执{next(_NUMBERS)}号",
        "court": "石家庄市新华区人民法院",
        "province": "河北",
        "basis_doc_no": "(2023)冀0105民初88号",
        "basis_issuer": "石家庄市新华区人民法院",
        "duty": "支付货款100000元",
        "performance": "全部未履行",
        "dishonest_conduct": "有履行能力而拒不履行生效法律文书确定义务",
        "filed_on": "2024-01-05",
        "published_on": "2024-02-01",
        "source_org": "新华区法院",
    }
    row.update(over)
    return row


def case(**over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "case_no": f"(2024)冀0105执{next(_NUMBERS)}号",
        "court": "石家庄市新华区人民法院",
        "debtor_name": "某事业单位",
        "debtor_uscc": INSTITUTION,
        "filed_on": "2024-01-10",
        "subject_amount": "50000",
        "performed_amount": "10000",
        "case_status": "执行中",
    }
    row.update(over)
    return row


def test_is_gov_body() -> None:
    frame = make_frame(
        "dishonest_debtor",
        [
            listing(),
            listing(id_or_uscc=INSTITUTION),
            listing(id_or_uscc="1213010500****123X"),  # masked, prefix visible
            listing(id_or_uscc=ENTERPRISE),
            listing(id_or_uscc="110101199003070016", party_type="natural_person"),  # Beijing ID
            listing(id_or_uscc="54321123X"),  # organisation code: only if listed
        ],
    )
    got = frame.select(is_gov_body_expr("dishonest_debtor"))["id_or_uscc"].to_list()
    assert got == [True, True, True, False, False, False]
    extra = {"packs.extra_gov_codes": ("54321123X",)}
    got = frame.select(is_gov_body_expr("dishonest_debtor", extra))["id_or_uscc"].to_list()
    assert got[-1] is True
    prefix = {"packs.extra_gov_prefixes": ("91",)}
    assert frame.select(is_gov_body_expr("dishonest_debtor", prefix))["id_or_uscc"][3] is True


def test_ledger_per_month() -> None:
    frame = make_frame(
        "dishonest_debtor",
        [
            listing(published_on="2023-11-01"),  # opening in January, removed in February
            listing(published_on="2023-11-01", removed_on="2024-02-10"),
            listing(published_on="2024-01-15", removed_on="2024-01-20"),  # in and out in January
            listing(published_on="2024-03-03"),
            listing(id_or_uscc=ENTERPRISE, published_on="2024-01-01"),  # not a government body
        ],
    )
    table = zeroing.zeroing_table({"dishonest_debtor": frame}, as_of=D(2024, 4, 15))
    got = table.select("period", "opening", "new", "closed", "closing", "zeroed").rows()
    assert got == [
        ("2024-01", 2, 1, 1, 2, False),
        ("2024-02", 2, 0, 1, 1, False),
        ("2024-03", 1, 1, 0, 2, False),
        ("2024-04", 2, 0, 0, 2, False),
    ]
    assert table["period_end"].to_list()[-1] == D(2024, 4, 15)
    assert table["exit_rate"].to_list()[:2] == [pytest.approx(1 / 3), pytest.approx(0.5)]


def test_zeroed_and_achieved() -> None:
    frame = make_frame(
        "judgment_debtor_case",
        [
            case(filed_on="2024-01-10", closed_on="2024-02-01", case_status="已结案"),
            case(filed_on="2024-02-10", closed_on="2024-06-20", case_status="已结案"),  # 131 days
        ],
    )
    table = zeroing.zeroing_table(
        {"judgment_debtor_case": frame}, as_of=D(2024, 6, 30), period="quarter"
    )
    q1, q2 = table.rows(named=True)
    assert (q1["opening"], q1["new"], q1["closed"], q1["closing"]) == (0, 2, 1, 1)
    assert q1["zeroed"] is False
    assert q1["new_amount"] == Decimal("100000.00")
    assert q1["closing_amount"] == Decimal("50000.00")
    assert q1["closing_unpaid"] == Decimal("40000.00")
    assert (q2["opening"], q2["new"], q2["closed"], q2["closing"]) == (1, 0, 1, 0)
    assert q2["zeroed"] is True
    assert q2["zeroing_achieved"] is True
    assert q2["exit_rate"] == 1.0
    # with a 30-day deadline, the February case closed late in Q1 terms
    table = zeroing.zeroing_table(
        {"judgment_debtor_case": frame},
        as_of=D(2024, 6, 30),
        period="year",
        settings={"zeroing.max_days_to_close": 30},
    )
    assert table["closed_late"].item() == 1
    assert table["zeroing_achieved"].item() is False


def test_bad_rows_are_excluded_and_counted() -> None:
    frame = make_frame(
        "dishonest_debtor",
        [
            listing(),
            listing(published_on="2024-03-01", removed_on="2024-02-01"),
            listing(published_on=None),
        ],
    )
    table = zeroing.zeroing_table({"dishonest_debtor": frame}, as_of=D(2024, 4, 30))
    assert set(table["excluded"].to_list()) == {2}
    assert table["closing"].to_list()[-1] == 1


def test_breakdown_by_court() -> None:
    frame = make_frame(
        "judgment_debtor_case",
        [case(), case(court="石家庄市中级人民法院"), case(court="石家庄市中级人民法院")],
    )
    table = zeroing.zeroing_table({"judgment_debtor_case": frame}, as_of=D(2024, 1, 31), by="court")
    assert dict(table.select("group", "closing").rows()) == {
        "石家庄市中级人民法院": 2,
        "石家庄市新华区人民法院": 1,
    }


def test_invariant_violation_is_an_error() -> None:
    table = pl.DataFrame(
        {
            "ledger": ["x"],
            "period": ["2024-01"],
            "opening": [1],
            "new": [2],
            "closed": [0],
            "closing": [2],
        }
    )
    with pytest.raises(ZeroingInvariantError, match="opening 1"):
        check_invariant(table)


def test_summaries_in_a_run(pm: PluginManager) -> None:
    frames = {
        "dishonest_debtor": make_frame("dishonest_debtor", [listing()]),
        "judgment_debtor_case": make_frame("judgment_debtor_case", [case()]),
    }
    result = evaluate_many(frames, as_of=AS_OF, plugins=pm)
    assert not result.errors
    table = result.summaries["zeroing.dishonest_debtor"]
    assert table.height == 6
    assert table["closing"].to_list() == [0, 1, 1, 1, 1, 1]
    assert set(result.summaries) >= {
        "zeroing.judgment_debtor_case_by_court",
        "zeroing.dishonest_debtor_by_source_org",
    }
    assert result.derived["dishonest_debtor"]["is_gov_body"].to_list() == [True]


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


def test_rule_gov_body_dishonest_outstanding(pm: PluginManager) -> None:
    check(
        pm,
        "zeroing.gov_body_dishonest_outstanding",
        [
            listing(removed_on="2024-05-01", removal_reason="performed"),
            listing(id_or_uscc=ENTERPRISE),
            listing(published_on="2024-07-01"),
        ],
        [listing(), listing(removed_on="2024-07-01", removal_reason="performed")],
    )


def test_rule_gov_body_judgment_case_outstanding(pm: PluginManager) -> None:
    check(
        pm,
        "zeroing.gov_body_judgment_case_outstanding",
        [case(closed_on="2024-03-01", case_status="已结案"), case(debtor_uscc=ENTERPRISE)],
        [case()],
    )


def test_rule_overdue_removal(pm: PluginManager) -> None:
    # ground Friday 2024-05-31: due by Wednesday 2024-06-05
    ground = {"removal_ground_on": "2024-05-31", "removal_reason": "performed"}
    check(
        pm,
        "zeroing.overdue_removal",
        [listing(**ground, removed_on="2024-06-05"), listing()],
        [listing(**ground, removed_on="2024-06-06"), listing(**ground)],
        as_of=D(2024, 6, 10),
    )
    # on the deadline nothing is overdue yet; the day after, the listing still shown is
    check(pm, "zeroing.overdue_removal", [listing(**ground)], [], as_of=D(2024, 6, 5))
    check(pm, "zeroing.overdue_removal", [], [listing(**ground)], as_of=D(2024, 6, 6))


def test_rule_overdue_removal_uses_the_holiday_calendar(pm: PluginManager) -> None:
    ground = {"removal_ground_on": "2024-09-30", "removal_reason": "performed"}
    # weekends only: due 2024-10-03; with the shipped 2024 calendar (National Day off, on by
    # default): due 2024-10-10
    check(
        pm,
        "zeroing.overdue_removal",
        [],
        [listing(**ground, removed_on="2024-10-08")],
        as_of=D(2024, 10, 31),
        settings={"packs.official_calendar": False},
    )
    check(
        pm,
        "zeroing.overdue_removal",
        [listing(**ground, removed_on="2024-10-10")],
        [listing(**ground, removed_on="2024-10-11")],
        as_of=D(2024, 10, 31),
    )


def test_rule_term_expired_not_removed(pm: PluginManager) -> None:
    # published 2022-02-28 for 2 years: expires 2024-02-28, removal due 2024-03-04 (Mon)
    term = {"published_on": "2022-02-28", "filed_on": "2022-01-05", "term_years": 2}
    check(
        pm,
        "zeroing.term_expired_not_removed",
        [
            listing(**term, removed_on="2024-03-01", removal_reason="term_expired"),
            listing(published_on="2020-01-01", filed_on="2020-01-01"),
        ],
        [listing(**term)],
        as_of=D(2024, 3, 5),
    )
    check(pm, "zeroing.term_expired_not_removed", [listing(**term)], [], as_of=D(2024, 3, 4))


def test_rule_aging(pm: PluginManager) -> None:
    check(
        pm,
        "zeroing.aging_dishonest_listing",
        [listing(published_on="2024-05-01"), listing(id_or_uscc=ENTERPRISE)],
        [listing(published_on="2024-03-01")],
    )
    check(
        pm,
        "zeroing.aging_judgment_case",
        [case(filed_on="2024-05-01")],
        [case(filed_on="2024-03-01")],
    )


def test_rule_minor_listed(pm: PluginManager) -> None:
    person = {"party_type": "natural_person", "id_or_uscc": "110101199003070016"}
    check(
        pm,
        "zeroing.minor_listed",
        [listing(**person, age=18), listing()],
        [listing(**person, age=17)],
    )


def test_rule_removed_before_published(pm: PluginManager) -> None:
    check(
        pm,
        "zeroing.removed_before_published",
        [listing(removed_on="2024-02-01")],
        [listing(removed_on="2024-01-31")],
    )


def test_rule_closed_before_filed(pm: PluginManager) -> None:
    check(
        pm,
        "zeroing.closed_before_filed",
        [case(closed_on="2024-01-10")],
        [case(closed_on="2024-01-09")],
    )


def test_rule_dates_not_future(pm: PluginManager) -> None:
    check(pm, "zeroing.listing_dates_not_future", [listing()], [listing(removed_on="2999-01-01")])
    check(pm, "zeroing.case_dates_not_future", [case()], [case(filed_on="2999-01-01")])


def test_rule_one_name_per_code(pm: PluginManager) -> None:
    check(
        pm,
        "zeroing.listing_one_name_per_code",
        [
            [listing(), listing(debtor_name="某镇人民政府")],
            [
                listing(
                    id_or_uscc="1101**********0016", party_type="natural_person", debtor_name="张三"
                ),
                listing(
                    id_or_uscc="1101**********0016", party_type="natural_person", debtor_name="李四"
                ),
            ],
        ],
        [[listing(id_or_uscc=INSTITUTION), listing(id_or_uscc=INSTITUTION, debtor_name="别名")]],
    )
    check(
        pm,
        "zeroing.case_one_name_per_code",
        [[case(), case()]],
        [[case(debtor_uscc=ORGAN), case(debtor_uscc=ORGAN, debtor_name="别名")]],
    )


@pytest.mark.parametrize(
    "rule_id",
    [
        "packs.region_code_known.admin_license",
        "packs.region_code_known.admin_penalty",
        "packs.region_code_known.dishonest_debtor",
        "packs.region_code_known.judgment_debtor_case",
        "packs.region_code_known.arrears_case",
    ],
)
def test_rule_region_code_known(pm: PluginManager, rule_id: str) -> None:
    region_rule = rule(pm, rule_id)
    frame = make_frame(region_rule.kind, [{}, {}, {}, {}, {}])
    good = frame.with_columns(
        pl.Series("region_code", ["130105", "100000", None, "110101", "650102"])
    )
    bad = frame.with_columns(
        pl.Series("region_code", ["990105", "13010", "1301051", "x", "000000"])
    )
    assert_rule(
        region_rule,
        passing=good.to_dicts(),
        failing=bad.to_dicts(),
        as_of=AS_OF,
        plugins=pm,
    )


def test_rule_case_closed_on_with_open_status(pm: PluginManager) -> None:
    check(
        pm,
        "zeroing.case_closed_on_with_open_status",
        [case(), case(closed_on="2024-03-01", case_status="已结案"), case(case_status="终本")],
        [case(closed_on="2024-03-01", case_status="执行中")],
    )


def test_rule_listing_one_date_per_case(pm: PluginManager) -> None:
    one, two = {"case_no": "(2024)冀0105执777号"}, {"case_no": "(2024)冀0105执779号"}
    check(
        pm,
        "zeroing.listing_one_date_per_case",
        [[listing(**one), listing(**one, record_id="again")]],
        [[listing(**two), listing(**two, published_on="2024-03-01")]],
    )


def test_rule_case_one_filing_date(pm: PluginManager) -> None:
    one, two = {"case_no": "(2024)冀0105执778号"}, {"case_no": "(2024)冀0105执780号"}
    check(
        pm,
        "zeroing.case_one_filing_date",
        [[case(**one), case(**one)]],
        [[case(**two), case(**two, filed_on="2024-02-10")]],
    )


def test_rule_gov_name_without_gov_code(pm: PluginManager) -> None:
    check(
        pm,
        "zeroing.gov_name_without_gov_code.dishonest_debtor",
        [listing(), listing(id_or_uscc=ENTERPRISE, debtor_name="某建设有限公司")],
        [listing(id_or_uscc=ENTERPRISE, debtor_name="某县住房和城乡建设局")],
    )
    check(
        pm,
        "zeroing.gov_name_without_gov_code.judgment_debtor_case",
        [case(), case(debtor_uscc=ENTERPRISE, debtor_name="某公司")],
        [case(debtor_uscc=ENTERPRISE, debtor_name="某县人民医院")],
    )


def test_a_case_delivered_twice_is_one_case() -> None:
    same = {"case_no": "(2024)冀0105执900号"}
    frame = make_frame(
        "dishonest_debtor",
        [
            listing(**same, record_id="A"),
            listing(case_no="（2024）冀0105执 900号", record_id="B"),  # same case, spelled
            listing(id_or_uscc=INSTITUTION),
        ],
    )
    table = zeroing.zeroing_table({"dishonest_debtor": frame}, as_of=D(2024, 2, 29))
    feb = table.filter(pl.col("period") == "2024-02").to_dicts()[0]
    assert (feb["new"], feb["closing"], feb["distinct_bodies"]) == (2, 2, 2)


def test_conflicting_dates_of_one_case_count_from_the_earliest() -> None:
    same = {"case_no": "(2024)冀0105执901号"}
    frame = make_frame(
        "judgment_debtor_case",
        [
            case(**same, filed_on="2024-01-10"),
            case(**same, filed_on="2024-03-10", closed_on="2024-04-01", case_status="已结案"),
        ],
    )
    table = zeroing.zeroing_table({"judgment_debtor_case": frame}, as_of=D(2024, 4, 30))
    got = table.select("period", "new", "closed", "closing").rows()
    # one case, entered in January; still open: one delivery says so
    assert got == [
        ("2024-01", 1, 0, 1),
        ("2024-02", 0, 0, 1),
        ("2024-03", 0, 0, 1),
        ("2024-04", 0, 0, 1),
    ]


def test_zhongben_is_open_and_reported_on_its_own() -> None:
    frame = make_frame(
        "judgment_debtor_case",
        [
            case(closed_on="2024-02-01", case_status="终本"),
            case(closed_on="2024-02-01", case_status="执行完毕"),
        ],
    )
    table = zeroing.zeroing_table({"judgment_debtor_case": frame}, as_of=D(2024, 2, 29))
    feb = table.filter(pl.col("period") == "2024-02").to_dicts()[0]
    assert (feb["closed"], feb["closing"], feb["closing_on_hold"]) == (1, 1, 1)
    closes = {
        "zeroing.closed_case_statuses": ("执行完毕", "终本"),
        "zeroing.on_hold_case_statuses": (),
    }
    table = zeroing.zeroing_table(
        {"judgment_debtor_case": frame}, as_of=D(2024, 2, 29), settings=closes
    )
    feb = table.filter(pl.col("period") == "2024-02").to_dicts()[0]
    assert (feb["closed"], feb["closing"], feb["closing_on_hold"], feb["zeroed"]) == (
        2,
        0,
        0,
        True,
    )
