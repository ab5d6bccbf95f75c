"""A derived column that fails on the data of only some partitions fails for the whole kind, as
it does in memory: the same error, the column absent, the rules that need it errored, and no
Spark traceback. Row-scope columns are proved on the driver; an entity-scope one fails inside
the first Spark pass, which then runs again without it."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from credit_ledger.kinds import Field, RecordKind
from credit_ledger.pipeline import EvaluationRequest, MemoryMode
from credit_ledger.pipeline._spark import SparkMode
from credit_ledger.rules import DerivedColumn, Rule, RuleSet, Scope

pytestmark = pytest.mark.spark

TOY = RecordKind(
    name="toy_fee",
    version=1,
    title="toy",
    fields=(
        Field(name="record_id", dtype="str"),
        Field(name="payer", dtype="str"),
        Field(name="fee_text", dtype="str"),
    ),
)


def rules(scope: Scope) -> RuleSet:
    return RuleSet.of(
        [
            Rule(
                id="toy.fee_positive",
                title="a fee is positive",
                kind=TOY.name,
                check=pl.col("fee") > 0,
            ),
            Rule(
                id="toy.fee_text_given",
                title="a fee is written",
                kind=TOY.name,
                check=pl.col("fee_text").is_not_null(),
            ),
        ],
        derived=[
            # Strict: raises on the data (not on the schema) when a value is not an integer.
            DerivedColumn(
                name="fee",
                kind=TOY.name,
                expr=pl.col("fee_text").str.to_integer(),
                scope=scope,
                entity_key="payer" if scope is Scope.ENTITY else None,
            ),
            DerivedColumn(name="fee_doubled", kind=TOY.name, expr=pl.col("fee") * 2),
            DerivedColumn(
                name="fee_text_length", kind=TOY.name, expr=pl.col("fee_text").str.len_chars()
            ),
        ],
    )


ROWS = 2_000
FRAMES = {
    TOY.name: pl.LazyFrame(
        {
            "record_id": [f"r{i:05d}" for i in range(ROWS)],
            "payer": [f"p{i % 97}" for i in range(ROWS)],
            # One bad value: only the partition holding it fails.
            "fee_text": [("twelve" if i == 1_234 else str(i % 50 - 5)) for i in range(ROWS)],
        }
    )
}


@pytest.mark.parametrize("scope", [Scope.ROW, Scope.ENTITY])
def test_fails_for_the_whole_kind_as_in_memory(spark_mode: SparkMode, scope: Scope) -> None:
    request = EvaluationRequest(as_of=dt.date(2025, 1, 31), rules=rules(scope), kinds=(TOY,))
    spark = SparkMode(spark_mode.session, partition_rows=250).evaluate(FRAMES, request)
    memory = MemoryMode().evaluate(FRAMES, request)

    def failed(result: object) -> set[tuple[str, str]]:
        return {(e.what, e.name) for e in result.errors}  # type: ignore[attr-defined]

    assert (
        failed(spark)
        == failed(memory)
        == {
            ("derived_column", "fee"),
            ("derived_column", "fee_doubled"),
            ("rule", "toy.fee_positive"),
        }
    )
    fee = next(e for e in spark.errors if e.name == "fee")
    assert fee.message == next(e for e in memory.errors if e.name == "fee").message
    assert "strict integer parsing failed for 1 value" in fee.message
    derived = spark.derived[TOY.name].collect().sort("record_id")
    assert derived.columns == ["record_id", "payer", "fee_text", "fee_text_length"]
    assert derived.equals(memory.derived[TOY.name].lazy().collect().sort("record_id"))
    status = dict(spark.outcomes.select("rule_id", "status").iter_rows())
    assert status == {"toy.fee_positive": "error", "toy.fee_text_given": "pass"}
    assert spark.outcomes.filter(rule_id="toy.fee_text_given")["evaluated"].item() == ROWS
    assert spark.findings.height == memory.findings.height == 0
