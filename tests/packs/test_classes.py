"""Credit classes A/B/C/D (docs/domain.md §4.3): triggers, score, reasons, settings, rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
import pytest

from credit_ledger import evaluate_many
from credit_ledger.kinds import Field, RecordKind
from credit_ledger.plugins import PluginManager
from credit_ledger.testing import assert_rule, make_frame
from credit_ledger_packs import classes
from tests.packs._data import ENTERPRISE, INSTITUTION, ORGAN, rule
from tests.packs.test_arrears import case as arrears_case
from tests.packs.test_publicity import penalty
from tests.packs.test_zeroing import case as judgment_case
from tests.packs.test_zeroing import listing

D = dt.date
AS_OF = D(2024, 12, 31)
FIRM = "91130105MA0000000X"
OTHER = "91130105MA0000001X"


def grade(
    as_of: dt.date = AS_OF, settings: dict[str, Any] | None = None, **rows: list[Any]
) -> dict[str, tuple[Any, ...]]:
    frames = {kind: make_frame(kind, records) for kind, records in rows.items()}
    table = classes.credit_classes(frames, as_of=as_of, settings=settings)
    assert table.schema == classes.CLASS_SCHEMA
    return {
        r["credit_code"]: (r["credit_class"], r["class_reasons"], r["score"])
        for r in table.iter_rows(named=True)
    }


def one(
    as_of: dt.date = AS_OF, settings: dict[str, Any] | None = None, **rows: list[Any]
) -> tuple[Any, ...]:
    (got,) = grade(as_of, settings, **rows).values()
    return got


def test_clean_subject_is_a() -> None:
    licence = {"subject_uscc": FIRM, "subject_name": "甲公司", "decision_date": "2024-01-01"}
    assert one(admin_license=[licence]) == ("A", [], 100)


def test_d_triggers() -> None:
    assert one(dishonest_debtor=[listing(id_or_uscc=FIRM)]) == (
        "D",
        ["classes.d_dishonest_debtor"],
        100,
    )
    serious = penalty(subject_uscc=FIRM, severity="严重", decision_date="2024-06-01")
    assert one(admin_penalty=[serious])[:2] == ("D", ["classes.d_serious_penalty"])


def test_c_triggers() -> None:
    two = [
        penalty(subject_uscc=FIRM, decision_date="2024-06-01"),
        penalty(subject_uscc=FIRM, decision_date="2024-07-01"),
    ]
    assert one(admin_penalty=two)[:2] == ("C", ["classes.c_active_penalties"])
    overdue = arrears_case(debtor_uscc=FIRM, debtor_kind="large_enterprise")  # due 2024-04-30
    assert one(arrears_case=[overdue])[:2] == ("C", ["classes.c_arrears_overdue"])
    # 90 days overdue is not yet more than 90
    assert one(D(2024, 7, 29), arrears_case=[overdue])[0] != "C"


def test_score_classes() -> None:
    general = penalty(subject_uscc=FIRM, decision_date="2024-06-01")
    assert one(admin_penalty=[general]) == (
        "B",
        ["classes.score_general_penalty", "classes.recent_penalty"][:1],
        85,
    )
    # a minor penalty published under the 2019 notice: 95, but a recent negative record
    minor = penalty(subject_uscc=FIRM, decision_date="2022-10-01", severity="轻微")
    assert one(D(2022, 12, 31), admin_penalty=[minor]) == (
        "B",
        ["classes.score_minor_penalty", "classes.recent_penalty"],
        95,
    )
    # expired but recent: B because of the record in the last 3 years
    expired = penalty(subject_uscc=FIRM, decision_date="2023-06-01")
    assert one(admin_penalty=[expired]) == ("B", ["classes.recent_penalty"], 100)
    # older than the look-back window: A
    old = penalty(subject_uscc=FIRM, decision_date="2021-06-01")
    assert one(admin_penalty=[old]) == ("A", [], 100)
    # an old open case: 90, no recent record → A with the score reason
    assert one(judgment_debtor_case=[judgment_case(debtor_uscc=FIRM, filed_on="2020-01-10")]) == (
        "A",
        ["classes.score_judgment_case"],
        90,
    )


def test_weights_and_thresholds_are_settings() -> None:
    general = penalty(subject_uscc=FIRM, decision_date="2024-06-01")
    got = one(settings={"classes.weight_general_penalty": 50}, admin_penalty=[general])
    assert got == ("D", ["classes.score_general_penalty"], 50)
    got = one(settings={"classes.threshold_b": 86}, admin_penalty=[general])
    assert got[0] == "C"


def test_inspection_ratio_and_names() -> None:
    frames = {
        "admin_penalty": make_frame(
            "admin_penalty", [penalty(subject_uscc=FIRM, decision_date="2024-06-01")]
        ),
        "dishonest_debtor": make_frame(
            "dishonest_debtor", [listing(id_or_uscc=FIRM, debtor_name="另一个名字")]
        ),
        "admin_license": make_frame(
            "admin_license", [{"subject_uscc": ENTERPRISE, "subject_name": "乙"}]
        ),
    }
    table = classes.credit_classes(frames, as_of=AS_OF)
    rows = {r["credit_code"]: r for r in table.iter_rows(named=True)}
    assert rows[FIRM]["suggested_inspection_ratio"] == Decimal("1.00")
    assert rows[FIRM]["name_conflict"] is True
    assert rows[ENTERPRISE]["suggested_inspection_ratio"] == Decimal("0.05")
    assert rows[ENTERPRISE]["name_conflict"] is False


def test_natural_persons_and_masked_codes_are_not_graded() -> None:
    person = listing(party_type="natural_person", id_or_uscc="1101**********0016")
    masked = listing(id_or_uscc="9113010500****000X")
    assert grade(dishonest_debtor=[person, masked, listing(id_or_uscc=FIRM)]).keys() == {FIRM}


def test_only_enterprises_are_graded_by_default() -> None:
    rows = [listing(id_or_uscc=c) for c in (FIRM, ORGAN, INSTITUTION)]
    assert grade(dishonest_debtor=rows).keys() == {FIRM}
    wider = {"classes.graded_prefixes": ("91", "12")}
    assert grade(settings=wider, dishonest_debtor=rows).keys() == {FIRM, INSTITUTION}


def test_summary_in_a_run(pm: PluginManager) -> None:
    frames = {
        "admin_penalty": make_frame(
            "admin_penalty", [penalty(subject_uscc=FIRM, decision_date="2024-06-01")]
        ),
        "dishonest_debtor": make_frame("dishonest_debtor", [listing()]),
        "judgment_debtor_case": make_frame("judgment_debtor_case", [judgment_case()]),
        "arrears_case": make_frame("arrears_case", [arrears_case()]),
    }
    result = evaluate_many(frames, as_of=AS_OF, plugins=pm)
    assert not result.errors
    table = result.summaries["classes.credit_class"]
    # the organ and the institution are not graded (classes.graded_prefixes: enterprises)
    assert dict(table.select("credit_code", "credit_class").rows()) == {FIRM: "B"}


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


def test_rules_on_builtin_kinds(pm: PluginManager) -> None:
    recent = penalty(subject_uscc=FIRM, decision_date="2024-06-01")
    old = penalty(decision_date="2020-06-01")
    check(
        pm,
        "classes.d_dishonest_debtor",
        [
            listing(id_or_uscc=OTHER, removed_on="2024-03-01", removal_reason="performed"),
            listing(),  # an organ is not graded (classes.graded_prefixes)
        ],
        [listing(id_or_uscc=FIRM)],
    )
    check(
        pm,
        "classes.d_serious_penalty",
        [recent],
        [penalty(severity="严重", decision_date="2024-06-01")],
    )
    check(pm, "classes.c_active_penalties", [[recent]], [[{**recent, "subject_uscc": OTHER}] * 2])
    check(
        pm,
        "classes.c_arrears_overdue",
        [arrears_case(debtor_uscc=OTHER, accepted_on="2024-12-01")],
        [arrears_case(debtor_uscc=FIRM, debtor_kind="large_enterprise")],
    )
    check(pm, "classes.score_general_penalty", [old], [recent])
    check(
        pm,
        "classes.score_minor_penalty",
        [recent],
        [penalty(severity="轻微", decision_date="2022-10-01")],
        as_of=D(2022, 12, 31),
    )
    check(
        pm,
        "classes.score_judgment_case",
        [judgment_case(debtor_uscc=OTHER, closed_on="2024-02-01", case_status="已结案")],
        [judgment_case(debtor_uscc=FIRM)],
    )
    check(pm, "classes.recent_penalty", [old], [recent])
    check(
        pm,
        "classes.recent_dishonest_listing",
        [listing(id_or_uscc=OTHER, published_on="2020-01-01", filed_on="2020-01-01")],
        [listing(id_or_uscc=FIRM)],
    )
    check(
        pm,
        "classes.recent_judgment_case",
        [judgment_case(debtor_uscc=OTHER, filed_on="2020-01-01")],
        [judgment_case(debtor_uscc=FIRM)],
    )
    check(
        pm,
        "classes.recent_arrears",
        [arrears_case(debtor_uscc=OTHER, reported_on="2020-01-01")],
        [arrears_case(debtor_uscc=FIRM, debtor_kind="large_enterprise")],
    )


def _kind(name: str) -> RecordKind:
    return RecordKind(
        name=name,
        version=1,
        title=name,
        subject_code="subject_uscc",
        fields=(
            Field(name="record_id", required=False),
            Field(name="subject_uscc"),
            Field(name="subject_name"),
            Field(name="listed_on", dtype="date"),
            Field(name="removed_on", dtype="date", nullable=True),
        ),
    )


@pytest.mark.parametrize(
    ("rule_id", "kind"),
    [
        ("classes.d_serious_dishonest_list", "serious_dishonest_list"),
        ("classes.c_abnormal_operation", "abnormal_operation"),
        ("classes.score_tax_arrears", "tax_arrears"),
        ("classes.score_commendation", "commendation"),
    ],
)
def test_rules_on_kinds_contributed_by_plugins(pm: PluginManager, rule_id: str, kind: str) -> None:
    active = {"subject_uscc": FIRM, "subject_name": "甲", "listed_on": "2024-03-01"}
    old = {**active, "subject_uscc": OTHER, "listed_on": "2019-01-01", "removed_on": "2019-06-01"}
    check(pm, rule_id, [old], [active], kind=_kind(kind))


def test_optional_kinds_in_the_grade() -> None:
    frame = make_frame(
        _kind("abnormal_operation"), [{"subject_uscc": FIRM, "listed_on": "2024-03-01"}]
    )
    table = classes.credit_classes({"abnormal_operation": frame}, as_of=AS_OF)
    assert table.select("credit_class", "class_reasons").row(0) == (
        "C",
        ["classes.c_abnormal_operation"],
    )
    praise = make_frame(
        _kind("commendation"),
        [
            {"subject_uscc": FIRM, "listed_on": d}
            for d in ("2023-01-01", "2024-01-01", "2024-06-01")
        ],
    )
    table = classes.credit_classes({"commendation": praise}, as_of=AS_OF)
    assert table.select("credit_class", "score").row(0) == ("A", 110)
    assert pl.Series(table["class_reasons"]).to_list() == [["classes.score_commendation"]]
