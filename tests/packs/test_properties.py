"""Properties over generated ledgers: the zeroing invariant, row order, splitting by credit
code, determinism."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from credit_ledger.testing import make_frame
from credit_ledger_packs import arrears, classes, publicity, zeroing
from credit_ledger_packs._exprs import normalized_name
from tests.packs._data import ENTERPRISE, INSTITUTION, ORGAN

CODES = [
    ORGAN,
    INSTITUTION,
    ENTERPRISE,
    "1213010500****123X",
    "91130105MA0000000X",
    "12130105MA0000001Y",
    "92130105MA0000002A",
]
DAYS = st.dates(dt.date(2022, 6, 1), dt.date(2025, 6, 30))
AS_OF = st.dates(dt.date(2023, 1, 1), dt.date(2025, 12, 31))
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]
FAST = settings(max_examples=40, deadline=None, suppress_health_check=_QUIET)
# Each example of these runs the classes grade several times: fewer, so the suite stays quick.
HEAVY = settings(max_examples=12, deadline=None, suppress_health_check=_QUIET)


@st.composite
def listings(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = []
    for i in range(draw(st.integers(0, 12))):
        published = draw(DAYS)
        # removals may precede publication (bad input) or be missing (still listed)
        removed = draw(
            st.none() | st.integers(-60, 500).map(lambda d, p=published: p + dt.timedelta(days=d))
        )
        rows.append(
            {
                "record_id": f"L{i}",
                "id_or_uscc": draw(st.sampled_from(CODES)),
                "party_type": "legal_entity",
                "debtor_name": draw(st.sampled_from("甲乙")),
                "court": draw(st.sampled_from(["甲法院", "乙法院"])),
                "filed_on": published,
                "published_on": published,
                "removed_on": removed,
                "removal_reason": None if removed is None else "performed",
            }
        )
    return rows


@st.composite
def cases(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = []
    for i in range(draw(st.integers(0, 10))):
        filed = draw(DAYS)
        closed = draw(
            st.none() | st.integers(-30, 400).map(lambda d, f=filed: f + dt.timedelta(days=d))
        )
        rows.append(
            {
                "record_id": f"C{i}",
                "debtor_uscc": draw(st.sampled_from(CODES)),
                "debtor_name": draw(st.sampled_from("甲乙")),
                "court": "甲法院",
                "filed_on": filed,
                "closed_on": closed,
                "subject_amount": draw(st.decimals(0, 10**7, places=2)),
                "performed_amount": draw(st.none() | st.decimals(0, 10**6, places=2)),
                "case_status": "已结案" if closed else "执行中",
            }
        )
    return rows


@st.composite
def arrears_rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = []
    for i in range(draw(st.integers(0, 8))):
        reported = draw(DAYS)
        status = draw(st.sampled_from(["open", "partially_paid", "paid", "settled"]))
        closed = draw(st.none() | st.just(reported + dt.timedelta(days=draw(st.integers(0, 300)))))
        due = draw(st.decimals(1, 10**7, places=2))
        rows.append(
            {
                "record_id": f"A{i}",
                "arrears_id": f"A{i}",
                "debtor_uscc": draw(st.sampled_from(CODES)),
                "debtor_name": "甲",
                "debtor_kind": draw(st.sampled_from([None, "organ", "large_enterprise"])),
                "contract_signed_on": reported - dt.timedelta(days=90),
                "delivered_on": reported - dt.timedelta(days=60),
                "acceptance_required": draw(st.booleans()),
                "accepted_on": draw(st.none() | st.just(reported - dt.timedelta(days=30))),
                "agreed_term_days": draw(st.none() | st.integers(0, 120)),
                "amount_due": due,
                "amount_paid": draw(st.decimals(0, due, places=2)),
                "status": status,
                "closed_on": closed,
                "reported_on": reported,
            }
        )
    return rows


@st.composite
def penalties(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = []
    for i in range(draw(st.integers(0, 12))):
        decided = draw(DAYS)
        rows.append(
            {
                "record_id": f"P{i}",
                "subject_uscc": draw(st.sampled_from(CODES)),
                "subject_name": draw(st.sampled_from("甲乙")),
                "subject_category": "法人及非法人组织",
                "severity": draw(st.sampled_from([None, "轻微", "一般", "严重"])),
                "penalty_types": draw(st.sampled_from(["警告", "罚款", "罚款,吊销许可证件"])),
                "fine_yuan": draw(st.none() | st.decimals(0, 2_000_000, places=2)),
                "decision_date": decided,
                "authority": "某市场监督管理局",
                "region_code": "130105",
                "published_on": decided + dt.timedelta(days=draw(st.integers(0, 10))),
            }
        )
    return rows


def frames(rows: dict[str, list[dict[str, Any]]]) -> dict[str, pl.DataFrame]:
    return {kind: make_frame(kind, r) for kind, r in rows.items()}


ALL = st.fixed_dictionaries(
    {
        "dishonest_debtor": listings(),
        "judgment_debtor_case": cases(),
        "arrears_case": arrears_rows(),
        "admin_penalty": penalties(),
    }
)


@FAST
@given(
    rows=ALL,
    as_of=AS_OF,
    period=st.sampled_from(["month", "quarter", "year"]),
    by=st.sampled_from([None, "court"]),
)
def test_zeroing_invariant_always_holds(
    rows: dict[str, Any], as_of: dt.date, period: str, by: str | None
) -> None:
    table = zeroing.zeroing_table(
        frames(rows),
        as_of=as_of,
        period=period,  # type: ignore[arg-type]
        start=dt.date(2022, 1, 1),
        by=by,
    )
    assert (table["opening"] + table["new"] - table["closed"] == table["closing"]).all()
    amounts = table.drop_nulls("opening_amount")
    assert (
        amounts["opening_amount"] + amounts["new_amount"] - amounts["closed_amount"]
        == amounts["closing_amount"]
    ).all()
    assert (table["closing"] >= 0).all()
    # consecutive periods chain: each opening is the previous closing
    for _, part in table.group_by("ledger", "group"):
        closing = part["closing"].to_list()
        assert part["opening"].to_list()[1:] == closing[:-1]


def _shuffled(rows: dict[str, list[dict[str, Any]]], seed: int) -> dict[str, pl.DataFrame]:
    return {k: f.sample(fraction=1.0, shuffle=True, seed=seed) for k, f in frames(rows).items()}


def _derived(fs: dict[str, pl.DataFrame], as_of: dt.date) -> dict[str, pl.DataFrame]:
    return {
        "arrears": arrears.with_arrears_columns(fs["arrears_case"], as_of=as_of).sort("record_id"),
        "publicity": publicity.with_publicity_columns(fs["admin_penalty"], as_of=as_of)
        .drop("_row")
        .sort("record_id"),
    }


@HEAVY
@given(rows=ALL, as_of=AS_OF, seed=st.integers(0, 1000))
def test_results_do_not_depend_on_row_order(
    rows: dict[str, Any], as_of: dt.date, seed: int
) -> None:
    base, shuffled = frames(rows), _shuffled(rows, seed)
    assert_frame_equal(
        zeroing.zeroing_table(base, as_of=as_of, by="court"),
        zeroing.zeroing_table(shuffled, as_of=as_of, by="court"),
    )
    assert_frame_equal(
        classes.credit_classes(base, as_of=as_of), classes.credit_classes(shuffled, as_of=as_of)
    )
    a, b = _derived(base, as_of), _derived(shuffled, as_of)
    assert_frame_equal(a["arrears"].drop("_row"), b["arrears"].drop("_row"))
    assert_frame_equal(a["publicity"], b["publicity"])


@HEAVY
@given(rows=ALL, as_of=AS_OF, salt=st.integers(0, 2**32))
def test_splitting_by_credit_code_gives_the_same_entities(
    rows: dict[str, Any], as_of: dt.date, salt: int
) -> None:
    whole = frames(rows)
    code = {
        "dishonest_debtor": "id_or_uscc",
        "judgment_debtor_case": "debtor_uscc",
        "arrears_case": "debtor_uscc",
        "admin_penalty": "subject_uscc",
    }
    parts = []
    for side in (0, 1):
        part = {
            k: f.filter((pl.col(code[k]).hash(seed=salt) % 2 == side).fill_null(side == 0))
            for k, f in whole.items()
        }
        parts.append(classes.credit_classes(part, as_of=as_of))
    joined = pl.concat(parts).sort("credit_code")
    assert_frame_equal(joined, classes.credit_classes(whole, as_of=as_of))


@HEAVY
@given(rows=ALL, as_of=AS_OF)
def test_same_as_of_gives_identical_output(rows: dict[str, Any], as_of: dt.date) -> None:
    fs = frames(rows)
    first = (
        zeroing.zeroing_table(fs, as_of=as_of),
        classes.credit_classes(fs, as_of=as_of),
        *_derived(fs, as_of).values(),
    )
    second = (
        zeroing.zeroing_table(fs, as_of=as_of),
        classes.credit_classes(fs, as_of=as_of),
        *_derived(fs, as_of).values(),
    )
    for a, b in zip(first, second, strict=True):
        assert a.equals(b)


_NAME_CHARS = list("ab 某公司（）()\u3000\u00a0Ⅱ\uff21\t\u0301é")


@FAST
@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from(_NAME_CHARS), max_size=8))))
def test_names_fold_as_nfkc_without_white_space(names: list[str | None]) -> None:
    """normalized_name folds only the names that need it; the result is NFKC of every name."""
    series = pl.Series("name", names, dtype=pl.String)
    want = series.str.normalize("NFKC").str.replace_all(r"\s+", "")
    got = pl.DataFrame({"name": series}).select(normalized_name(pl.col("name")))["name"]
    assert got.to_list() == want.to_list()
    grouped = (
        pl.DataFrame({"code": [i % 3 for i in range(len(names))], "name": series})
        .group_by("code")
        .agg(normalized_name(pl.col("name")).n_unique().alias("n"))
        .sort("code")
    )
    by_hand = (
        pl.DataFrame({"code": [i % 3 for i in range(len(names))], "name": want})
        .group_by("code")
        .agg(pl.col("name").n_unique().alias("n"))
        .sort("code")
    )
    assert_frame_equal(grouped, by_hand)
