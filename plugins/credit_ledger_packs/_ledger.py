"""The dynamic-zeroing ledger (动态清零台账): opening, new, closed, closing per period.

A case is outstanding at day ``t`` when ``start ≤ t < end`` (``end`` null: still open). Per
period ``P = [ps, pe]`` (docs/domain.md §4.1)::

    opening = outstanding at ps - 1      new    = start in P
    closed  = end in P                   closing = outstanding at pe
    opening + new - closed == closing    (an identity for start ≤ end; checked, an error if not)

Rows with no start, or an end before their start, cannot be placed in time: they are left out
of the figures and counted in ``excluded`` (the row rules report each one).

Rows that cannot be placed must never make a ledger look better (docs/domain.md §4.1): ``unplaced``
counts the in-scope rows that were quarantined plus the ``excluded`` ones, in every period,
with ``unplaced_reasons``; ``zeroed`` and ``zeroing_achieved`` are false while it is above 0.

A case is counted once: rows with the same ``key`` (normalised case number + court) are one
case, entering at the earliest start and leaving at the latest end (open if any row is open);
the rules name such rows when their dates disagree. ``distinct_bodies`` counts the bodies
(credit codes) with a case open at period end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from credit_ledger_packs._api import HISTORY_AS_OF, PERIOD_LEDGER_SCHEMA, Persist, RuleError
from credit_ledger_packs._periods import Period, periods

__all__ = ["LEDGER_PERSIST", "LEDGER_SCHEMA", "LedgerSpec", "ZeroingInvariantError", "ledger_table"]

MONEY = pl.Decimal(38, 2)

LEDGER_SCHEMA = pl.Schema(
    {
        **PERIOD_LEDGER_SCHEMA,
        "zeroed": pl.Boolean(),
        "exit_rate": pl.Float64(),
        "closed_late": pl.Int64(),
        "zeroing_achieved": pl.Boolean(),
        "excluded": pl.Int64(),
        "unplaced": pl.Int64(),
        "unplaced_reasons": pl.List(pl.Struct({"reason": pl.String(), "rows": pl.Int64()})),
        "distinct_bodies": pl.Int64(),
        "closing_on_hold": pl.Int64(),
        "opening_amount": MONEY,
        "new_amount": MONEY,
        "closed_amount": MONEY,
        "closing_amount": MONEY,
        "closing_unpaid": MONEY,
        "closing_disputed": MONEY,
        "unpaid_basis": pl.String(),
        "closing_overdue": pl.Int64(),
    }
)
"""Columns of a zeroing table; ``group`` is the breakdown value (null without breakdown).
The amounts (``*_amount``, ``closing_unpaid`` (undisputed), ``closing_disputed``) of a past
period are each case's as the last earlier run at or before the period's end held them when a
history is given (``unpaid_basis`` ``history``), else the run's own data (``snapshot``)."""

LEDGER_PERSIST = Persist(schema=LEDGER_SCHEMA, title=("动态清零", "Dynamic zeroing"), periods=True)
"""How a job keeps a zeroing table of each run in its ledger (read back by summary name) and
shows it: a per-period ledger under the heading 动态清零 / Dynamic zeroing."""

_COUNTS = (
    "opening",
    "new",
    "closed",
    "closing",
    "closed_late",
    "closing_overdue",
    "closing_on_hold",
)
_AMOUNTS = (
    "opening_amount",
    "new_amount",
    "closed_amount",
    "closing_amount",
    "closing_unpaid",
    "closing_disputed",
)


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
        unpaid: the undisputed amount still unpaid (snapshot at the run), summed over closing
            cases.
        disputed: the disputed amount (snapshot at the run), summed over closing cases.
        due: the due date; closing cases past it at period end are ``closing_overdue``.
        invalid: further rows that cannot be placed in time (excluded and counted).
        key: what makes two rows one case (null: the row is a case of its own).
        body: the body's credit code, for ``distinct_bodies``.
        on_hold: open cases also counted in ``closing_on_hold`` (终本: the procedure ended,
            the debt did not).
        ident: the record's identity across runs (to find its amounts in the history).
    """

    name: str
    scope: pl.Expr
    start: pl.Expr
    end: pl.Expr
    amount: pl.Expr | None = None
    unpaid: pl.Expr | None = None
    disputed: pl.Expr | None = None
    due: pl.Expr | None = None
    invalid: pl.Expr | None = None
    key: pl.Expr | None = None
    body: pl.Expr | None = None
    on_hold: pl.Expr | None = None
    ident: pl.Expr | None = None


def _or(expr: pl.Expr | None, default: pl.Expr) -> pl.Expr:
    return expr if expr is not None else default


def _row_frame(frame: pl.LazyFrame, spec: LedgerSpec, by: str | None) -> pl.LazyFrame:
    none_money = pl.lit(None, dtype=MONEY)
    group = pl.col(by).cast(pl.String) if by is not None else pl.lit(None, dtype=pl.String)
    return (
        frame.filter(spec.scope.fill_null(False))
        .select(
            group.alias("group"),
            spec.start.alias("s"),
            spec.end.alias("e"),
            _or(spec.amount, none_money).cast(MONEY).alias("a"),
            _or(spec.unpaid, none_money).cast(MONEY).alias("u"),
            _or(spec.disputed, none_money).cast(MONEY).alias("dsp"),
            _or(spec.due, pl.lit(None, dtype=pl.Date)).alias("due"),
            _or(spec.invalid, pl.lit(False)).fill_null(False).alias("invalid"),
            _or(spec.key, pl.lit(None, dtype=pl.String)).cast(pl.String).alias("key"),
            _or(spec.body, pl.lit(None, dtype=pl.String)).cast(pl.String).alias("body"),
            _or(spec.on_hold, pl.lit(False)).fill_null(False).alias("hold"),
            _or(spec.ident, pl.lit(None, dtype=pl.String)).cast(pl.String).alias("id"),
        )
        .with_row_index("_i")
        .with_columns(
            (
                pl.col("invalid")
                | pl.col("s").is_null()
                | (pl.col("e") < pl.col("s")).fill_null(False)
            ).alias("bad"),
            pl.coalesce("key", pl.format("#{}", "_i")).alias("key"),
        )
    )


def _case_frame(rows: pl.LazyFrame) -> pl.LazyFrame:
    """One row per case: the placeable rows merged by ``key``."""
    e = pl.col("e")
    return (
        rows.filter(~pl.col("bad"))
        .group_by("key")
        .agg(
            pl.col("group").first(),
            pl.col("s").min(),
            pl.when(e.null_count() == 0).then(e.max()).alias("e"),
            pl.col("a").max(),
            pl.col("u").max(),
            pl.col("dsp").max(),
            pl.col("due").min(),
            pl.col("body").first(),
            pl.col("hold").any(),
            pl.col("id").first(),
        )
    )


def _history_amounts(history: pl.LazyFrame, spec: LedgerSpec, as_of: dt.date) -> pl.LazyFrame:
    """Each in-scope record's amounts as each earlier run held them: ``_as_of``, ``id``,
    ``ha``, ``hu``, ``hdsp``."""
    none_money = pl.lit(None, dtype=MONEY)
    return (
        history.filter(pl.col(HISTORY_AS_OF) < as_of)
        .filter(spec.scope.fill_null(False))
        .select(
            pl.col(HISTORY_AS_OF),
            _or(spec.ident, pl.lit(None, dtype=pl.String)).cast(pl.String).alias("id"),
            _or(spec.amount, none_money).cast(MONEY).alias("ha"),
            _or(spec.unpaid, none_money).cast(MONEY).alias("hu"),
            _or(spec.disputed, none_money).cast(MONEY).alias("hdsp"),
        )
        .filter(pl.col("id").is_not_null())
        .unique([HISTORY_AS_OF, "id"], keep="last")
    )


def _period_runs(grid: pl.LazyFrame, runs: pl.LazyFrame, as_of: dt.date) -> pl.LazyFrame:
    """The grid with ``_as_of``: the last earlier run at or before each past period's end
    (null for the current period and periods before the first run)."""
    matched = grid.sort("period_end").join_asof(
        runs.unique().sort(HISTORY_AS_OF),
        left_on="period_end",
        right_on=HISTORY_AS_OF,
        strategy="backward",
    )
    return matched.with_columns(
        pl.when(pl.col("period_end") < as_of).then(pl.col(HISTORY_AS_OF)).alias(HISTORY_AS_OF)
    )


def _unplaced_reasons() -> pl.Expr:
    return (
        pl.when(pl.col("invalid"))
        .then(pl.lit("closed without a closing date"))
        .when(pl.col("s").is_null())
        .then(pl.lit("no start date"))
        .otherwise(pl.lit("ends before it starts"))
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
        (closing & pl.col("hold")).alias("f_closing_on_hold"),
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
    snapshots = []
    for column, name, given in (
        ("u", "closing_unpaid", spec.unpaid),
        ("dsp", "closing_disputed", spec.disputed),
    ):
        total = pl.col(column).filter(pl.col("f_closing")).sum().cast(MONEY)
        snapshots.append((total if given is not None else pl.lit(None, dtype=MONEY)).alias(name))
    bodies = pl.col("body").filter(pl.col("f_closing")).n_unique().cast(pl.Int64)
    return [*counts, *amounts, *snapshots, bodies.alias("distinct_bodies")]


def ledger_table(
    frame: pl.LazyFrame | pl.DataFrame,
    spec: LedgerSpec,
    *,
    as_of: dt.date,
    period: Period = "month",
    start: dt.date | None = None,
    by: str | None = None,
    max_days_to_close: int = 90,
    unplaced: pl.LazyFrame | pl.DataFrame | None = None,
    history: pl.LazyFrame | None = None,
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
        unplaced: in-scope rows that could not be read (quarantined), one per row, with the
            columns ``group`` (String, the breakdown value or null) and ``reasons``
            (List(String)); they count in ``unplaced`` of every period.
        history: the kind's records as earlier runs held them, with ``HISTORY_AS_OF`` (see
            :attr:`Summary.history`); past periods then take each case's amounts from the last
            run at or before their end (a case that run did not hold keeps its current ones).

    Returns:
        A frame with :data:`LEDGER_SCHEMA`.

    Raises:
        ZeroingInvariantError: the invariant fails for some period (a bug or corrupt input).
    """
    # The in-scope rows are few (government bodies): read them once, then work on them.
    rows = _row_frame(frame.lazy(), spec, by).collect().lazy()
    cases = _case_frame(rows)
    lost = rows.filter(pl.col("bad")).select(
        "group", pl.concat_list(_unplaced_reasons()).alias("reasons")
    )
    if unplaced is not None:
        lost = pl.concat([lost, unplaced.lazy().select("group", "reasons")], how="vertical")
    grid = periods(as_of, period, start).lazy()
    amounts = _history_amounts(history, spec, as_of) if history is not None else None
    runs = (
        amounts.select(HISTORY_AS_OF)
        if amounts is not None
        else pl.LazyFrame(schema={HISTORY_AS_OF: pl.Date})
    )
    grid = _period_runs(grid, runs, as_of)
    groups = pl.concat([cases.select("group"), lost.select("group")]).unique()
    if by is None:
        groups = pl.LazyFrame({"group": [None]}, schema={"group": pl.String})
        lost = lost.with_columns(pl.lit(None, dtype=pl.String).alias("group"))
    base = grid.join(groups, how="cross")
    placed = cases.join(grid, how="cross")
    if amounts is not None:
        placed = placed.join(amounts, on=[HISTORY_AS_OF, "id"], how="left").with_columns(
            pl.coalesce(f"h{c}", c).alias(c) for c in ("a", "u", "dsp")
        )
    flows = (
        placed.with_columns(_flags(max_days_to_close))
        .group_by("period", "group")
        .agg(_aggregate(spec))
    )
    excluded = rows.select(pl.col("bad").sum().cast(pl.Int64).alias("excluded"))
    out = (
        base.join(flows, on=["period", "group"], how="left", nulls_equal=True)
        .join(excluded, how="cross")
        .join(_lost_by_group(lost), on="group", how="left", nulls_equal=True)
        .with_columns(pl.col(c).fill_null(0) for c in (*_COUNTS, "unplaced", "distinct_bodies"))
        .with_columns(
            [pl.col(c).fill_null(0) for c in _AMOUNTS if _has_amount(spec, c)]
            + [
                pl.col("unplaced_reasons").fill_null([]),
                pl.lit(spec.name).alias("ledger"),
                pl.when(pl.lit(spec.unpaid is not None))
                .then(
                    pl.when(pl.col(HISTORY_AS_OF).is_not_null())
                    .then(pl.lit("history"))
                    .otherwise(pl.lit("snapshot"))
                )
                .alias("unpaid_basis"),
            ]
        )
        .with_columns(_derived())
        .select(LEDGER_SCHEMA.names())
        .sort("group", "period_start", nulls_last=False)
        .collect()
    )
    if spec.due is None:
        out = out.with_columns(pl.lit(None, dtype=pl.Int64).alias("closing_overdue"))
    if spec.on_hold is None:
        out = out.with_columns(pl.lit(None, dtype=pl.Int64).alias("closing_on_hold"))
    check_invariant(out)
    return out.cast(dict(LEDGER_SCHEMA))  # type: ignore[arg-type]


def _lost_by_group(lost: pl.LazyFrame) -> pl.LazyFrame:
    reasons = (
        lost.explode("reasons")
        .group_by("group", pl.col("reasons").alias("reason"))
        .agg(pl.len().cast(pl.Int64).alias("rows"))
        .sort("rows", "reason", descending=[True, False])
        .group_by("group", maintain_order=True)
        .agg(pl.struct("reason", "rows").alias("unplaced_reasons"))
    )
    counts = lost.group_by("group").agg(pl.len().cast(pl.Int64).alias("unplaced"))
    return counts.join(reasons, on="group", how="left", nulls_equal=True)


def _has_amount(spec: LedgerSpec, column: str) -> bool:
    if column == "closing_unpaid":
        return spec.unpaid is not None
    if column == "closing_disputed":
        return spec.disputed is not None
    return spec.amount is not None


def _derived() -> list[pl.Expr]:
    entered = pl.col("opening") + pl.col("new")
    zeroed = (pl.col("closing") == 0) & (pl.col("unplaced") == 0)
    # Unplaced rows count as not exited: they may be listings still active (docs/domain.md §4.1).
    base = entered + pl.col("unplaced")
    return [
        zeroed.alias("zeroed"),
        pl.when(base > 0)
        .then((entered - pl.col("closing")) / base)
        .otherwise(1.0)
        .alias("exit_rate"),
        (zeroed & (pl.col("closed_late") == 0)).alias("zeroing_achieved"),
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
