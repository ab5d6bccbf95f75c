"""The rule engine with ``streaming=True`` on Parquet scans: the same results as in memory."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from credit_ledger import evaluate, evaluate_many, validate
from credit_ledger.rules import (
    DerivedColumn,
    EvaluationResult,
    Rule,
    RuleSet,
    Scope,
)
from credit_ledger.synth import generate_frames
from tests.packs._data import pack_manager

AS_OF = dt.date(2025, 12, 31)
# Enough rows of every kind for each pack's rules and summaries to see data.
SHARES = {
    "admin_license": 0.3,
    "admin_penalty": 0.3,
    "dishonest_debtor": 0.15,
    "judgment_debtor_case": 0.15,
    "arrears_case": 0.1,
}


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Per kind, a glob of three Parquet part files holding its valid generated records."""
    root = tmp_path_factory.mktemp("valid")
    data = generate_frames(10_000, seed=7, shares=SHARES)
    globs: dict[str, str] = {}
    for kind, frame in data.frames.items():
        valid = validate(frame, kind=kind).valid
        (root / kind).mkdir()
        for i, part in enumerate(valid.iter_slices(-(-valid.height // 3))):
            part.write_parquet(root / kind / f"part-{i}.parquet")
        globs[kind] = str(root / kind / "*.parquet")
    return globs


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


def test_all_packs_stream_from_parquet_as_in_memory(parts: dict[str, str]) -> None:
    pm = pack_manager()
    eager = evaluate_many(
        {k: pl.read_parquet(g) for k, g in parts.items()}, as_of=AS_OF, plugins=pm
    )
    lazy = evaluate_many(
        {k: pl.scan_parquet(g) for k, g in parts.items()}, as_of=AS_OF, plugins=pm, streaming=True
    )
    assert eager.errors == lazy.errors == ()
    assert set(eager.findings["scope"]) == {"row", "entity", "dataset"}  # every pass found some
    assert_frame_equal(_sorted(lazy.findings), _sorted(eager.findings))
    assert_frame_equal(lazy.outcomes.drop("duration_ms"), eager.outcomes.drop("duration_ms"))
    assert len(eager.summaries) >= 5
    assert sorted(lazy.summaries) == sorted(eager.summaries)
    for name, table in eager.summaries.items():
        assert_frame_equal(lazy.summaries[name], table)
    for kind, frame in eager.derived.items():
        plan = lazy.derived[kind]
        assert isinstance(frame, pl.DataFrame)
        assert isinstance(plan, pl.LazyFrame)
        assert_frame_equal(plan.collect(), frame)


def _failing_at_collect() -> RuleSet:
    def rule(rid: str, check: pl.Expr, scope: Scope = Scope.ROW) -> Rule:
        return Rule(id=f"t.{rid}", title=rid, kind="admin_penalty", check=check, scope=scope)

    # Decision numbers and names are not numbers: a strict cast raises only on the data.
    not_a_number = pl.col("decision_no").cast(pl.Int64, strict=True)
    derived = [
        DerivedColumn(name="t_year", kind="admin_penalty", expr=pl.col("decision_date").dt.year()),
        DerivedColumn(name="t_number", kind="admin_penalty", expr=not_a_number),
        DerivedColumn(name="t_after", kind="admin_penalty", expr=pl.col("t_number") + 1),
    ]
    rules = [
        rule("recent", pl.col("t_year") >= 2024),
        rule("numbered", pl.col("t_number") > 0),
        rule("cast", pl.col("subject_name").cast(pl.Int64, strict=True) > 0),
        rule("one_authority", pl.col("authority").n_unique() == 1, Scope.ENTITY),
        rule(
            "cast_sum", pl.col("subject_name").cast(pl.Int64, strict=True).sum() > 0, Scope.DATASET
        ),
        rule("old", pl.col("t_year").min() >= 2030, Scope.DATASET),
    ]
    return RuleSet.of(rules, derived=derived)


def _statuses(result: EvaluationResult) -> dict[str, tuple[str, int, int]]:
    return {
        r["rule_id"]: (r["status"], r["evaluated"], r["failed"])
        for r in result.outcomes.iter_rows(named=True)
    }


def test_streaming_isolates_what_fails_only_on_the_data(parts: dict[str, str]) -> None:
    rules = _failing_at_collect()
    frame = pl.read_parquet(parts["admin_penalty"])
    lazy = evaluate(
        pl.scan_parquet(parts["admin_penalty"]),
        kind="admin_penalty",
        as_of=AS_OF,
        rules=rules,
        streaming=True,
    )
    assert sorted((e.what, e.name) for e in lazy.errors) == [
        ("derived_column", "t_after"),
        ("derived_column", "t_number"),
        ("rule", "t.cast"),
        ("rule", "t.cast_sum"),
        ("rule", "t.numbered"),
    ]
    messages = {e.name: e.message for e in lazy.errors}
    assert messages["t_number"].startswith("InvalidOperationError")
    assert messages["t_after"].startswith("missing column(s): t_number (derived column failed")
    statuses = _statuses(lazy)
    old = frame.filter(pl.col("decision_date").dt.year() < 2024).height
    assert old > 0
    assert statuses["t.recent"] == ("fail", frame.height, old)
    entities = frame.filter(pl.col("subject_uscc").is_not_null()).group_by("subject_uscc")
    several = entities.agg(pl.col("authority").n_unique() > 1).get_column("authority").sum()
    assert several > 0
    assert statuses["t.one_authority"] == (
        "fail",
        frame["subject_uscc"].drop_nulls().n_unique(),
        several,
    )
    assert statuses["t.old"] == ("fail", 1, 1)
    assert lazy.findings.group_by("rule_id").len().sort("rule_id").rows() == [
        ("t.old", 1),
        ("t.one_authority", several),
        ("t.recent", old),
    ]
    plan = lazy.derived["admin_penalty"]
    assert isinstance(plan, pl.LazyFrame)
    assert "t_year" in plan.collect_schema()
    assert "t_number" not in plan.collect_schema()
    # The in-memory engine reports the same culprits and counts.
    eager = evaluate(frame, kind="admin_penalty", as_of=AS_OF, rules=rules)
    assert [(e.what, e.name) for e in eager.errors] == [(e.what, e.name) for e in lazy.errors]
    assert _statuses(eager) == statuses
    assert_frame_equal(_sorted(lazy.findings), _sorted(eager.findings))
