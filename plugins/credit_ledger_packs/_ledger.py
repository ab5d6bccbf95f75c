"""The dynamic-zeroing ledger (动态清零台账): opening, new, closed, closing per period.

A case is outstanding at day ``t`` when ``start ≤ t < end`` (``end`` null: still open). Per
period ``P = [ps, pe]`` (DOMAIN.md §4.1)::

    opening = outstanding at ps - 1      new    = start in P
    closed  = end in P                   closing = outstanding at pe
    opening + new - closed == closing    (an identity for start ≤ end; checked, an error if not)

Rows with no start, or an end before their start, cannot be placed in time: they are left out
of the figures and counted in ``excluded`` (the row rules report each one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from credit_ledger_packs._api import RuleError
from credit_ledger_packs._periods import Period, periods

__all__ = ["LEDGER_SCHEMA", "LedgerSpec", "ZeroingInvariantError", "ledger_table"]

MONEY = pl.Decimal(38, 2)

LEDGER_SCHEMA = pl.Schema(
    {
        "ledger": pl.String(),
        "group": pl.String(),
        "period": pl.String(),
        "period_start": pl.Date(),
        "period_end": pl.Date(),
        "opening": pl.Int64(),
        "new": pl.Int64(),
        "closed": pl.Int64(),
        "closing": pl.Int64(),
        "zeroed": pl.Boolean(),
        "exit_rate": pl.Float64(),
        "closed_late": pl.Int64(),
        "zeroing_achieved": pl.Boolean(),
        "excluded": pl.Int64(),
        "opening_amount": MONEY,
        "new_amount": MONEY,
        "closed_amount": MONEY,
        "closing_amount": MONEY,
        "closing_unpaid": MONEY,
        "closing_overdue": pl.Int64(),
    }
)
"""Columns of a zeroing table; ``group`` is the breakdown value (null without breakdown)."""

_COUNTS = ("opening", "new", "closed", "closing", "closed_late", "closing_overdue")
_AMOUNTS = ("opening_amount", "new_amount", "closed_amount", "closing_amount", "closing_unpaid")


class ZeroingInvariantError(RuleError):
    """``opening + new - closed != closing`` for some ledger and period (never expected)."""


@dataclass(frozen=True, kw_only=True)
class LedgerSpec:
    """How to read one ledger from a frame of its kind.

    Attributes:
        name: the ledger's name in the table (the record kind).
        scope: which rows belong to the ledger (government bodies).
        start: the day a case enters (published_on, filed_on, reported_on).
        end: the day it leaves (null while outstanding).
        amount: a fixed amount per case (the invariant holds for it too), or None.
        unpaid: the amount still unpaid (snapshot at the run), summed over closing cases.
        due: the due date; closing cases past it at period end are ``closing_overdue``.
        invalid: further rows that cannot be placed in time (excluded and counted).
    """

    name: str
    scope: pl.Expr
    start: pl.Expr
    end: pl.Expr
    amount: pl.Expr | None = None
    unpaid: pl.Expr | None = None
    due: pl.Expr | None = None
    invalid: pl.Expr | None = None


def _case_frame(frame: pl.LazyFrame, spec: LedgerSpec, by: str | None) -> pl.LazyFrame:
    none_money = pl.lit(None, dtype=MONEY)
    group = pl.col(by).cast(pl.String) if by is not None else pl.lit(None, dtype=pl.String)
    return frame.filter(spec.scope.fill_null(False)).select(
        group.alias("group"),
        spec.start.alias("s"),
        spec.end.alias("e"),
        (spec.amount.cast(MONEY) if spec.amount is not None else none_money).alias("a"),
        (spec.unpaid.cast(MONEY) if spec.unpaid is not None else none_money).alias("u"),
        (spec.due if spec.due is not None else pl.lit(None, dtype=pl.Date)).alias("due"),
        (spec.invalid.fill_null(False) if spec.invalid is not None else pl.lit(False)).alias("bad"),
    )


def _flags(max_days_to_close: int) -> list[pl.Expr]:
    s, e, ps, pe = pl.col("s"), pl.col("e"), pl.col("period_start"), pl.col("period_end")

    def open_at(t: pl.Expr) -> pl.Expr:
        return (s <= t) & (e.is_null() | (e > t))

    new = s.is_between(ps, pe)
    closed = e.is_between(ps, pe).fill_null(False)
    closing = open_at(pe)
    late = new & closed & ((e - s).dt.total_days() > max_days_to_close)
    return [
        open_at(ps - pl.duration(days=1)).alias("f_opening"),
        new.alias("f_new"),
        closed.alias("f_closed"),
        closing.alias("f_closing"),
        late.alias("f_closed_late"),
        (closing & (pl.col("due") < pe).fill_null(False)).alias("f_closing_overdue"),
    ]


def _aggregate(spec: LedgerSpec) -> list[pl.Expr]:
    counts = [pl.col(f"f_{c}").sum().cast(pl.Int64).alias(c) for c in _COUNTS]
    if spec.amount is None:
        amounts = [pl.lit(None, dtype=MONEY).alias(c) for c in _AMOUNTS[:4]]
    else:
        amounts = [
            pl.col("a").filter(pl.col(f"f_{c}")).sum().cast(MONEY).alias(f"{c}_amount")
            for c in ("opening", "new", "closed", "closing")
        ]
    if spec.unpaid is None:
        unpaid = pl.lit(None, dtype=MONEY).alias("closing_unpaid")
    else:
        unpaid = pl.col("u").filter(pl.col("f_closing")).sum().cast(MONEY).alias("closing_unpaid")
    return [*counts, *amounts, unpaid]


def ledger_table(
    frame: pl.LazyFrame | pl.DataFrame,
    spec: LedgerSpec,
    *,
    as_of: dt.date,
    period: Period = "month",
    start: dt.date | None = None,
    by: str | None = None,
    max_days_to_close: int = 90,
) -> pl.DataFrame:
    """The zeroing table of one ledger: one row per period (and breakdown value).

    Args:
        frame: records of the ledger's kind (typed canonical columns).
        spec: how to read the ledger from them.
        as_of: the run date; the last period ends on it.
        period: ``month``, ``quarter`` or ``year``.
        start: first day reported (default: 1 January of ``as_of``'s year).
        by: a column to break the figures down by (``court``, ``source_org``).
        max_days_to_close: cases new in the period and closed later than this after entering
            are ``closed_late`` and deny ``zeroing_achieved``.

    Returns:
        A frame with :data:`LEDGER_SCHEMA`.

    Raises:
        ZeroingInvariantError: the invariant fails for some period (a bug or corrupt input).
    """
    cases = _case_frame(frame.lazy(), spec, by)
    bad = pl.col("bad") | pl.col("s").is_null() | (pl.col("e") < pl.col("s")).fill_null(False)
    counted = cases.filter(~bad)
    grid = periods(as_of, period, start).lazy()
    groups = counted.select("group").unique()
    if by is None:
        groups = pl.LazyFrame({"group": [None]}, schema={"group": pl.String})
    base = grid.join(groups, how="cross")
    flows = (
        counted.join(grid, how="cross")
        .with_columns(_flags(max_days_to_close))
        .group_by("period", "group")
        .agg(_aggregate(spec))
    )
    excluded = cases.select(bad.sum().cast(pl.Int64).alias("excluded"))
    out = (
        base.join(flows, on=["period", "group"], how="left", nulls_equal=True)
        .join(excluded, how="cross")
        .with_columns(pl.col(c).fill_null(0) for c in _COUNTS)
        .with_columns(
            [pl.col(c).fill_null(0) for c in _AMOUNTS if _has_amount(spec, c)]
            + [pl.lit(spec.name).alias("ledger")]
        )
        .with_columns(_derived())
        .select(LEDGER_SCHEMA.names())
        .sort("group", "period_start", nulls_last=False)
        .collect()
    )
    if spec.due is None:
        out = out.with_columns(pl.lit(None, dtype=pl.Int64).alias("closing_overdue"))
    check_invariant(out)
    return out.cast(dict(LEDGER_SCHEMA))  # type: ignore[arg-type]


def _has_amount(spec: LedgerSpec, column: str) -> bool:
    return spec.unpaid is not None if column == "closing_unpaid" else spec.amount is not None


def _derived() -> list[pl.Expr]:
    entered = pl.col("opening") + pl.col("new")
    return [
        (pl.col("closing") == 0).alias("zeroed"),
        pl.when(entered > 0)
        .then((entered - pl.col("closing")) / entered)
        .otherwise(1.0)
        .alias("exit_rate"),
        ((pl.col("closing") == 0) & (pl.col("closed_late") == 0)).alias("zeroing_achieved"),
    ]


def check_invariant(table: pl.DataFrame) -> None:
    """Raise :class:`ZeroingInvariantError` if any row breaks ``opening + new - closed ==
    closing`` (for counts, and for amounts where present).

    Example:
        >>> bad = pl.DataFrame({"ledger": ["x"], "period": ["2024-01"], "opening": [1],
        ...                     "new": [0], "closed": [0], "closing": [0]})
        >>> check_invariant(bad)
        Traceback (most recent call last):
        ...
        credit_ledger_packs._ledger.ZeroingInvariantError: zeroing invariant ...
    """
    problems: list[str] = []
    pairs: Sequence[tuple[str, str, str, str]] = [("opening", "new", "closed", "closing")]
    if "opening_amount" in table.columns:
        pairs = [*pairs, ("opening_amount", "new_amount", "closed_amount", "closing_amount")]
    for o, n, c, z in pairs:
        broken = table.filter((pl.col(o) + pl.col(n) - pl.col(c) != pl.col(z)).fill_null(False))
        for row in broken.iter_rows(named=True):
            problems.append(
                f"{row['ledger']} {row['period']}: {o} {row[o]} + {n} {row[n]} - {c} {row[c]}"
                f" != {z} {row[z]}"
            )
    if problems:
        raise ZeroingInvariantError(
            "zeroing invariant opening + new - closed = closing fails: " + "; ".join(problems)
        )
