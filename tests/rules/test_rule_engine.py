"""The rule engine: pre-flight, one pass per scope, isolation, findings, policy, derived columns."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_ledger.errors import ConfigError
from credit_ledger.kinds import Field, RecordKind
from credit_ledger.rules import (
    FINDINGS_SCHEMA,
    OUTCOMES_SCHEMA,
    DerivedColumn,
    Rule,
    RulePolicy,
    RuleSet,
    Scope,
    Severity,
    Summary,
    Waiver,
    evaluate,
)

AS_OF = dt.date(2025, 6, 30)

TOY = RecordKind(
    name="toy",
    version=1,
    title="toy",
    subject_code="code",
    fields=(
        Field(name="record_id"),
        Field(name="code", nullable=True),
        Field(name="name", personal=True),
        Field(name="amount", dtype="decimal", nullable=True),
        Field(name="day", dtype="date"),
        Field(name="text", nullable=True),
    ),
)
PERSONAL_KEY = RecordKind(
    name="toy_person",
    version=1,
    title="toy with a personal subject key",
    subject_code="id_no",
    fields=(
        Field(name="record_id"),
        Field(name="id_no", personal=True),
        Field(name="n", dtype="int"),
    ),
)


def toy(rows: list[dict[str, object]]) -> pl.DataFrame:
    base = {
        "record_id": None,
        "code": None,
        "name": "某人",
        "amount": None,
        "day": AS_OF,
        "text": None,
    }
    data = [{**base, "record_id": f"r{i}", **r} for i, r in enumerate(rows, 1)]
    frame = pl.DataFrame(
        data,
        schema={
            "record_id": pl.String,
            "code": pl.String,
            "name": pl.String,
            "amount": pl.Decimal(38, 2),
            "day": pl.Date,
            "text": pl.String,
        },
    )
    return frame.with_columns(
        pl.lit("toy.csv").alias("_source"), pl.int_range(1, len(rows) + 1).alias("_row")
    )


def rule(rid: str, check: object, **kw: object) -> Rule:
    return Rule(id=f"t.{rid}", title=kw.pop("title", rid), kind="toy", check=check, **kw)  # type: ignore[arg-type]


def run(frame: pl.DataFrame, *rules: Rule, **kw: object):  # type: ignore[no-untyped-def]
    derived = kw.pop("derived", ())
    summaries = kw.pop("summaries", ())
    st_ = kw.pop("settings", None)
    rs = RuleSet.of(rules, derived=derived, summaries=summaries, settings=st_)  # type: ignore[arg-type]
    return evaluate(frame, kind=kw.pop("kind", TOY), as_of=kw.pop("as_of", AS_OF), rules=rs, **kw)  # type: ignore[arg-type]


def outcome(result, rid: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return result.outcomes.filter(pl.col("rule_id") == f"t.{rid}").row(0, named=True)


# -- row rules -------------------------------------------------------------------------------------


def test_row_rules_findings_and_outcomes() -> None:
    frame = toy([{"amount": 5}, {"amount": -1}, {"amount": None}])
    res = run(
        frame,
        rule("nonneg", pl.col("amount") >= 0),
        rule("present", pl.col("amount") >= 0, null_passes=False, severity=Severity.WARNING),
    )
    assert res.findings.schema == FINDINGS_SCHEMA
    assert res.outcomes.schema == OUTCOMES_SCHEMA
    assert outcome(res, "nonneg") | {"duration_ms": 0} == {
        "rule_id": "t.nonneg",
        "rule_version": 1,
        "plugin": None,
        "kind": "toy",
        "scope": "row",
        "severity": "error",
        "declared_severity": "error",
        "status": "fail",
        "evaluated": 3,
        "failed": 1,
        "waived": 0,
        "duration_ms": 0,
        "error": None,
    }
    assert outcome(res, "present")["failed"] == 2  # null fails when null_passes=False
    f = res.findings.filter(pl.col("rule_id") == "t.nonneg").row(0, named=True)
    assert (f["record_id"], f["_source"], f["_row"], f["message"], f["scope"]) == (
        "r2",
        "toy.csv",
        2,
        "not met: nonneg",  # no violation text: the title marked as not met
        "row",
    )
    assert res.status() == "findings"
    assert res.status(Severity.CRITICAL) == "ok"
    assert res.findings_by_severity() == {"info": 0, "warning": 2, "error": 1, "critical": 0}


def test_checks_as_functions_of_the_context() -> None:
    frame = toy(
        [{"day": dt.date(2025, 6, 30), "amount": 10}, {"day": dt.date(2025, 7, 1), "amount": 100}]
    )
    res = run(
        frame,
        rule("not_future", lambda ctx: pl.col("day") <= ctx.date_lit()),
        rule("cap", lambda ctx: pl.col("amount") <= ctx.setting("t.cap", Decimal)),
        settings={"t.cap": Decimal("50")},
    )
    assert outcome(res, "not_future")["failed"] == 1
    assert outcome(res, "cap")["failed"] == 1
    later = run(
        frame,
        rule("not_future", lambda ctx: pl.col("day") <= ctx.date_lit()),
        as_of=dt.date(2025, 7, 1),
    )
    assert later.findings.height == 0


def test_as_of_must_be_a_date() -> None:
    with pytest.raises(TypeError, match=r"as_of must be a datetime\.date"):
        run(toy([{}]), rule("x", pl.lit(True)), as_of=dt.datetime(2025, 1, 1))


# -- pre-flight: bad rules are errors with a reason; the others run --------------------------------


@pytest.mark.parametrize(
    ("check", "scope", "reason"),
    [
        (pl.col("missing_col") > 1, Scope.ROW, "missing column(s): missing_col"),
        (
            pl.col("amount"),
            Scope.ROW,
            "the check returns Decimal(precision=38, scale=2), not Boolean",
        ),
        (pl.col("amount").sum() > 0, Scope.ROW, "a row rule must give one value per record"),
        (pl.col("amount") > 0, Scope.DATASET, "a dataset rule must aggregate to one value"),
        (
            pl.col("amount") > 0,
            Scope.ENTITY,
            "must aggregate to one value per entity, got List(Boolean)",
        ),
        (pl.col("text") + 1 > 0, Scope.ROW, "InvalidOperationError: arithmetic on"),
        (pl.col("amount", "code").is_null(), Scope.ROW, "selects several columns"),
    ],
)
def test_preflight_errors(check: pl.Expr, scope: Scope, reason: str) -> None:
    res = run(
        toy([{"amount": 1, "code": "A"}]),
        rule("bad", check, scope=scope),
        rule("good", pl.col("amount") > 0),
    )
    bad = outcome(res, "bad")
    assert bad["status"] == "error"
    assert reason in bad["error"]
    assert outcome(res, "good")["status"] == "pass"
    assert res.status() == "error"
    assert [(e.what, e.name) for e in res.errors] == [("rule", "t.bad")]


def test_check_function_raising_is_an_error() -> None:
    def broken(ctx: object) -> pl.Expr:
        raise ZeroDivisionError("oops")

    res = run(
        toy([{}]),
        rule("raises", broken),
        rule("missing_setting", lambda ctx: pl.col("amount") < ctx.setting("t.none", int)),
    )
    assert outcome(res, "raises")["error"] == "building the check raised ZeroDivisionError: oops"
    assert "unknown setting 't.none'" in outcome(res, "missing_setting")["error"]


def test_runtime_failure_is_isolated_to_its_rule() -> None:
    # Passes the schema pre-flight, fails when data is computed.
    strict_cast = pl.col("text").cast(pl.Int64, strict=True) > 0
    frame = toy([{"text": "12", "amount": 1}, {"text": "abc", "amount": -1}])
    res = run(
        frame,
        rule("cast", strict_cast),
        rule("nonneg", pl.col("amount") >= 0),
        rule("later", pl.col("amount") < 100),
    )
    assert outcome(res, "cast")["status"] == "error"
    assert "evaluation failed" in outcome(res, "cast")["error"]
    assert outcome(res, "nonneg")["failed"] == 1
    assert outcome(res, "later")["status"] == "pass"
    assert res.findings["rule_id"].to_list() == ["t.nonneg"]


# -- entity and dataset scope ----------------------------------------------------------------------


def test_entity_rules_group_by_subject_code_and_skip_null_keys() -> None:
    frame = toy(
        [
            {"code": "A", "amount": 5},
            {"code": "A", "amount": -10},
            {"code": "B", "amount": 1},
            {"code": None, "amount": -100},
        ]
    )
    res = run(
        frame,
        rule("total", pl.col("amount").sum() >= 0, scope=Scope.ENTITY),
        rule("few", pl.len() <= 1, scope=Scope.ENTITY, entity_key="code"),
    )
    assert outcome(res, "total")["evaluated"] == 2
    f = res.findings.filter(pl.col("rule_id") == "t.total")
    assert f.select("entity_key", "record_id", "_row").rows() == [("A", None, 1)]
    assert res.findings.filter(pl.col("rule_id") == "t.few")["entity_key"].to_list() == ["A"]


def test_entity_key_holding_personal_data_is_masked() -> None:
    frame = pl.DataFrame(
        {"record_id": ["a", "b"], "id_no": ["110101199003074477"] * 2, "n": [1, 2]}
    )
    r = Rule(
        id="t.one",
        title="one record per person",
        kind="toy_person",
        scope=Scope.ENTITY,
        check=pl.len() <= 1,
    )
    res = evaluate(frame, kind=PERSONAL_KEY, as_of=AS_OF, rules=[r])
    assert res.findings["entity_key"].to_list() == ["110101********4477"]


def test_dataset_rules() -> None:
    frame = toy([{"amount": None}, {"amount": 1}, {"amount": None}])
    res = run(
        frame,
        rule("mostly_present", pl.col("amount").is_null().mean() < 0.5, scope=Scope.DATASET),
        rule("some", pl.len() > 0, scope=Scope.DATASET),
    )
    assert outcome(res, "mostly_present")["status"] == "fail"
    assert outcome(res, "some")["status"] == "pass"
    f = res.findings.row(0, named=True)
    assert (f["scope"], f["record_id"], f["entity_key"], f["_row"]) == ("dataset", None, None, None)


# -- messages and personal data --------------------------------------------------------------------


def test_message_expressions_and_personal_columns() -> None:
    frame = toy([{"amount": -3}])
    msg = pl.lit("amount ") + pl.col("amount").cast(pl.String) + pl.lit(" is negative")
    res = run(
        frame,
        rule("msg", pl.col("amount") >= 0, message=msg),
        rule("leak", pl.col("amount") >= 0, message=pl.col("name")),
        rule("fixed", pl.col("amount") >= 0, message="fixed text"),
    )
    messages = dict(res.findings.select("rule_id", "message").rows())
    assert messages == {"t.msg": "amount -3.00 is negative", "t.fixed": "fixed text"}
    assert outcome(res, "leak")["error"] == "the message uses personal column(s): name"
    assert "某人" not in " ".join(res.findings["message"].to_list())


# -- severity overrides and waivers ----------------------------------------------------------------


def test_values_polars_puts_in_an_error_stay_out_of_the_rule_error() -> None:
    # Polars names the values a strict cast failed on; here they are a person's name and ID.
    frame = toy([{"name": "张三丰"}, {"name": "110101199003074477"}])
    res = run(frame, rule("cast_name", pl.col("name").cast(pl.Int64, strict=True) > 0))
    error = str(outcome(res, "cast_name")["error"])
    assert "conversion from `str` to `i64` failed in column 'name'" in error
    assert "values: […]" in error
    assert "张三丰" not in error
    assert "110101199003074477" not in error
    assert "张三丰" not in json.dumps(res.to_dict(), ensure_ascii=False)


def test_severity_overrides_and_waivers_from_policy() -> None:
    frame = toy([{"amount": -1}, {"amount": -2}, {"amount": -3, "code": "X"}])
    policy = RulePolicy.from_mapping(
        {
            "severity": {"t.neg": "warning", "t.unknown_rule": "info"},
            "waivers": [
                {"rule": "t.neg", "records": ["r1"], "reason": "court order 12"},
                {"rule": "t.neg", "records": ["r2"], "reason": "expired", "until": "2025-01-01"},
                {"rule": "t.ent", "entities": ["X"], "reason": "merged"},
            ],
        }
    )
    res = run(
        frame,
        rule("neg", pl.col("amount") >= 0),
        rule("ent", pl.col("amount").sum() > 0, scope=Scope.ENTITY),
        policy=policy,
    )
    neg = outcome(res, "neg")
    assert (neg["severity"], neg["declared_severity"], neg["failed"], neg["waived"]) == (
        "warning",
        "error",
        3,
        1,
    )
    waived = res.findings.filter(pl.col("waived"))
    assert waived.select("rule_id", "record_id", "entity_key", "waiver").rows() == [
        ("t.ent", None, "X", "merged"),
        ("t.neg", "r1", None, "court order 12"),
    ]
    assert outcome(res, "ent")["status"] == "pass"  # its only failure is waived
    assert res.status() == "ok"  # the remaining t.neg findings are warnings
    assert res.status(Severity.WARNING) == "findings"
    assert "the rule policy names unknown rule 't.unknown_rule'" in res.notices
    assert "waiver of 't.neg' expired on 2025-01-01" in res.notices


def test_policy_config_errors() -> None:
    with pytest.raises(ConfigError, match="not one of"):
        RulePolicy.from_mapping({"severity": {"a.b": "fatal"}})
    with pytest.raises(ConfigError, match="has no reason"):
        RulePolicy.from_mapping({"waivers": [{"rule": "a.b"}]})
    with pytest.raises(ConfigError, match="unknown key"):
        RulePolicy(waivers=(Waiver(rule_id="a.b", reason="r"),)).from_mapping({"x": 1})


# -- derived columns -------------------------------------------------------------------------------


def test_derived_columns_row_entity_chained_and_used_by_rules() -> None:
    frame = toy(
        [
            {"code": "A", "amount": 100},
            {"code": "A", "amount": 300},
            {"code": "B", "amount": 50},
            {"code": None, "amount": 1},
        ]
    )
    derived = [
        DerivedColumn(
            name="credit_class",
            kind="toy",
            expr=pl.when(pl.col("subject_total") > pl.lit(Decimal("250")))
            .then(pl.lit("C"))
            .otherwise(pl.lit("A")),
        ),
        DerivedColumn(
            name="subject_total", kind="toy", scope=Scope.ENTITY, expr=pl.col("amount").sum()
        ),
        DerivedColumn(
            name="days_left",
            kind="toy",
            expr=lambda ctx: (ctx.date_lit() - pl.col("day")).dt.total_days(),
        ),
    ]
    res = run(frame, rule("class_a", pl.col("credit_class") == "A"), derived=derived)
    out = res.derived["toy"]
    assert out["subject_total"].to_list() == [Decimal("400"), Decimal("400"), Decimal("50"), None]
    assert out["credit_class"].to_list() == ["C", "C", "A", "A"]
    assert out["days_left"].to_list() == [0, 0, 0, 0]
    assert outcome(res, "class_a")["failed"] == 2
    assert res.errors == ()


def test_failing_derived_columns_error_their_dependents_only() -> None:
    frame = toy([{"amount": 1, "text": "x"}])
    derived = [
        DerivedColumn(name="broken", kind="toy", expr=pl.col("nope") + 1),
        DerivedColumn(name="amount", kind="toy", expr=pl.lit(1)),
        DerivedColumn(name="loop_a", kind="toy", expr=pl.col("loop_b")),
        DerivedColumn(name="loop_b", kind="toy", expr=pl.col("loop_a")),
        DerivedColumn(name="runtime", kind="toy", expr=pl.col("text").cast(pl.Int64, strict=True)),
        DerivedColumn(name="fine", kind="toy", expr=pl.col("amount") * 2),
    ]
    res = run(
        frame,
        rule("uses_broken", pl.col("broken") > 0),
        rule("uses_fine", pl.col("fine") > 0),
        derived=derived,
    )
    errors = {e.name: e.message for e in res.errors if e.what == "derived_column"}
    assert errors["broken"] == "missing column(s): nope"
    assert errors["amount"] == "would overwrite the input column 'amount'"
    assert errors["loop_a"].startswith("circular dependency")
    assert errors["runtime"].startswith("InvalidOperationError")
    assert (
        "broken (derived column failed: missing column(s): nope)"
        in outcome(res, "uses_broken")["error"]
    )
    assert outcome(res, "uses_fine")["status"] == "pass"
    assert "fine" in res.derived["toy"].columns
    assert "runtime" not in res.derived["toy"].columns


# -- summaries -------------------------------------------------------------------------------------


def test_summaries_are_computed_and_isolated() -> None:
    frame = toy([{"code": "A", "amount": 1}, {"code": "A", "amount": 2}])
    good = Summary(
        name="t.per_code",
        kinds=("toy",),
        compute=lambda ctx, f: f["toy"].group_by("code").agg(pl.len()).collect(),
    )
    bad = Summary(name="t.bad", kinds=("toy",), compute=lambda ctx, f: 42)  # type: ignore[arg-type,return-value]
    other = Summary(
        name="t.other_kind", kinds=("toy", "missing_kind"), compute=lambda ctx, f: pl.DataFrame()
    )
    res = run(frame, summaries=[good, bad, other])
    assert res.summaries["t.per_code"].rows() == [("A", 2)]
    assert "t.other_kind" not in res.summaries
    assert [(e.what, e.name, e.message) for e in res.errors] == [
        ("summary", "t.bad", "TypeError: returned int, expected a polars DataFrame")
    ]


# -- invariants ------------------------------------------------------------------------------------


def test_rule_ids_are_namespaced() -> None:
    with pytest.raises(ValueError, match="namespaced"):
        Rule(id="flat", title="t", kind="toy", check=pl.lit(True))
    with pytest.raises(ValueError, match="entity_key is only meaningful"):
        Rule(id="a.b", title="t", kind="toy", check=pl.lit(True), entity_key="code")


@settings(max_examples=12, deadline=None)
@given(
    amounts=st.lists(st.integers(-5, 5) | st.none(), min_size=1, max_size=30),
    seed=st.integers(0, 2**16),
)
def test_same_findings_in_any_row_order(amounts: list[int | None], seed: int) -> None:
    rows = [{"amount": a, "code": "AB"[i % 2]} for i, a in enumerate(amounts)]
    rules = (
        rule("pos", pl.col("amount") > 0),
        rule("ent", pl.col("amount").sum() > 0, scope=Scope.ENTITY),
    )
    frame = toy(rows)
    a = run(frame, *rules)
    b = run(frame.sample(fraction=1.0, shuffle=True, seed=seed), *rules)
    cols = ["rule_id", "record_id", "entity_key", "_row"]
    assert a.findings.select(cols).sort(cols).equals(b.findings.select(cols).sort(cols))
    assert a.outcomes.drop("duration_ms").equals(b.outcomes.drop("duration_ms"))
    again = run(frame, *rules)  # deterministic: same inputs, same findings, same order
    assert a.findings.equals(again.findings)
