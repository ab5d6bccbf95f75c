"""A Spark rule pass sends only the columns its rules read; what a rule reads only in its
message or through a derived key still reaches it, so the findings equal the in-memory
engine's, also where a partition is too large to hold and is spooled to disk. (A check or
message over a wildcard is refused by the engine in every mode.)"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from credit_ledger.kinds import Field, RecordKind
from credit_ledger.pipeline import EvaluationRequest, MemoryMode
from credit_ledger.pipeline._spark import SparkMode
from credit_ledger.rules import DerivedColumn, EvaluationResult, Rule, RuleSet, Scope

pytestmark = pytest.mark.spark

TOY = RecordKind(
    name="toy_levy",
    version=1,
    title="toy",
    subject_code="payer",
    fields=(
        Field(name="record_id", dtype="str"),
        Field(name="payer", dtype="str"),
        Field(name="office", dtype="str"),
        Field(name="note", dtype="str"),
        Field(name="levy", dtype="int"),
    ),
)
RULES = RuleSet.of(
    [
        Rule(
            id="toy.levy_positive",
            title="a levy is positive",
            kind=TOY.name,
            check=pl.col("levy") > 0,
            # "note" is read by the message only
            message=pl.format("levy {} ({})", pl.col("levy"), pl.col("note")),
        ),
        Rule(
            id="toy.office_collects",
            title="an office collects something",
            kind=TOY.name,
            check=pl.col("levy").sum() > 0,
            scope=Scope.ENTITY,
            entity_key="office_upper",  # a derived key
        ),
        Rule(
            id="toy.payer_total",
            title="a payer's total is positive",
            kind=TOY.name,
            check=pl.col("levy").sum() > 0,
            scope=Scope.ENTITY,
        ),
    ],
    derived=[
        DerivedColumn(name="office_upper", kind=TOY.name, expr=pl.col("office").str.to_uppercase())
    ],
)
ROWS = 3_000
FRAMES = {
    TOY.name: pl.LazyFrame(
        {
            "record_id": [f"r{i:05d}" for i in range(ROWS)],
            "payer": [f"p{i % 101}" for i in range(ROWS)],
            "office": [f"office-{i % 7}" for i in range(ROWS)],
            "note": [None if i % 37 == 0 else f"n{i}" for i in range(ROWS)],
            # office-0 and payer p0 collect nothing in total
            "levy": [(i % 23) - 3 if i % 7 and i % 101 else -1 for i in range(ROWS)],
        }
    )
}
REQUEST = EvaluationRequest(as_of=dt.date(2025, 1, 31), rules=RULES, kinds=(TOY,))


def _findings(result: EvaluationResult) -> pl.DataFrame:
    return result.findings.sort("rule_id", "record_id", "entity_key", nulls_last=True)


@pytest.mark.parametrize(
    "partition_rows",
    [
        500,
        # A partition past twice this is spooled to disk and evaluated by Polars' streaming
        # engine: here every office (about 430 rows) and some payer partitions.
        50,
    ],
)
def test_findings_equal_the_in_memory_engine(spark_mode: SparkMode, partition_rows: int) -> None:
    spark = SparkMode(spark_mode.session, partition_rows=partition_rows).evaluate(FRAMES, REQUEST)
    memory = MemoryMode().evaluate(FRAMES, REQUEST)
    assert not spark.errors
    assert _findings(spark).equals(_findings(memory))
    failed = dict(spark.outcomes.select("rule_id", "failed").iter_rows())
    assert all(failed.values()), failed  # every rule found something: none was vacuous
    messages = spark.findings.filter(rule_id="toy.levy_positive")["message"]
    assert messages.str.contains(r"\(n\d+\)").any()
    assert set(spark.findings.filter(rule_id="toy.office_collects")["entity_key"]) == {"OFFICE-0"}
    assert set(spark.findings.filter(rule_id="toy.payer_total")["entity_key"]) == {"p0"}
