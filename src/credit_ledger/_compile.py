"""Compile a pandera polars schema into Polars expressions evaluated in one pass.

Pandera's polars backend runs one query per check. Every check of a credit_ledger schema
carries its Polars expression (see :mod:`credit_ledger.kinds._pandera`), and pandera's
built-in checks are translated from their statistics, so all checks of a schema become
Boolean "failed" columns of a single query.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandera.polars as pa
import polars as pl

from credit_ledger.errors import UsageError
from credit_ledger.kinds._pandera import EXPR_ATTR


@dataclass(frozen=True, kw_only=True)
class CheckPlan:
    """One check to evaluate: its reason text and the expression that is True on failure."""

    reason: str
    failed: pl.Expr
    warn: bool = False


def _builtin(name: str, stats: Mapping[str, Any]) -> Callable[[pl.Expr], pl.Expr] | None:
    """Polars form of pandera's built-in checks (by the check's name and statistics)."""
    table: dict[str, Callable[[pl.Expr], pl.Expr]] = {
        "equal_to": lambda c: c == stats.get("value"),
        "not_equal_to": lambda c: c != stats.get("value"),
        "greater_than": lambda c: c > stats.get("min_value"),
        "greater_than_or_equal_to": lambda c: c >= stats.get("min_value"),
        "less_than": lambda c: c < stats.get("max_value"),
        "less_than_or_equal_to": lambda c: c <= stats.get("max_value"),
        "isin": lambda c: c.is_in(list(stats.get("allowed_values", ()))),
        "notin": lambda c: ~c.is_in(list(stats.get("forbidden_values", ()))),
        "str_matches": lambda c: c.str.contains(f"^(?:{stats.get('pattern')})"),
        "str_contains": lambda c: c.str.contains(str(stats.get("pattern"))),
        "str_startswith": lambda c: c.str.starts_with(str(stats.get("string"))),
        "str_endswith": lambda c: c.str.ends_with(str(stats.get("string"))),
    }
    if name == "in_range":
        lo_closed = stats.get("include_min", True)
        hi_closed = stats.get("include_max", True)
        closed = {
            (True, True): "both",
            (True, False): "left",
            (False, True): "right",
            (False, False): "none",
        }[(lo_closed, hi_closed)]
        return lambda c: c.is_between(stats["min_value"], stats["max_value"], closed=closed)  # type: ignore[arg-type]
    if name == "str_length":
        exact, lo, hi = stats.get("exact_value"), stats.get("min_value"), stats.get("max_value")
        if exact is not None:
            return lambda c: c.str.len_chars() == exact
        return lambda c: c.str.len_chars().is_between(
            lo if lo is not None else 0, hi if hi is not None else 2**62
        )
    return table.get(name)


def column_build(check: pa.Check, column: str) -> Callable[[pl.Expr], pl.Expr]:
    """The expression builder of a column check.

    Raises:
        UsageError: a custom check that was not declared through credit_ledger.
    """
    build = getattr(check, EXPR_ATTR, None)
    if build is None:
        build = _builtin(str(check.name), check.statistics or {})
    if build is None:
        raise UsageError(
            f"column {column!r}: check {check.name!r} has no Polars expression; declare it "
            "with credit_ledger.kinds.ColumnCheck so it can run in the one-pass validator"
        )
    return build


def frame_expr(check: pa.Check) -> pl.Expr:
    """The Boolean expression of a dataframe-level check."""
    expr = getattr(check, EXPR_ATTR, None)
    if not isinstance(expr, pl.Expr):
        raise UsageError(
            f"dataframe check {check.name!r} has no Polars expression; declare it with "
            "credit_ledger.kinds.RowCheck so it can run in the one-pass validator"
        )
    return expr


def duplicated(series: pl.Series) -> pl.Series:
    """True for non-null values that occur more than once.

    Hashes are compared first (fast, fixed width); only values whose hash repeats are compared
    exactly, so a hash collision never flags a row.
    """
    candidates = series.hash(seed=0).is_duplicated() & series.is_not_null()
    rows = candidates.arg_true()
    if len(rows) == 0:
        return candidates
    return candidates.scatter(rows, series.gather(rows).is_duplicated())


def check_plans(schema: pa.DataFrameSchema) -> list[CheckPlan]:
    """Every data check of ``schema`` (column checks, uniqueness, dataframe checks) as a
    "failed" expression over the typed canonical columns. Null passes."""
    plans: list[CheckPlan] = []
    for name, column in schema.columns.items():
        col = pl.col(name)
        for check in column.checks:
            build = column_build(check, name)
            plans.append(
                CheckPlan(
                    reason=f"{name}:{check.name}",
                    failed=~build(col).fill_null(True),
                    warn=bool(check.raise_warning),
                )
            )
        if column.unique:
            failed = col.map_batches(duplicated, return_dtype=pl.Boolean)
            plans.append(CheckPlan(reason=f"{name}:unique", failed=failed))
    plans.extend(
        CheckPlan(
            reason=f"row:{check.name}",
            failed=~frame_expr(check).fill_null(True),
            warn=bool(check.raise_warning),
        )
        for check in schema.checks
    )
    return plans
