"""Arrears expressions (docs/domain.md §2.6, §4.2): due date, outstanding, overdue days, aging,
late interest, and the government-body ledger. The plugin and its rules are in
:mod:`credit_ledger_packs.arrears`.

Money is exact: interest is computed on integer fen (Int128) and rounded half up to the fen
once (¥200,000 × 0.05 % × 91 days = ¥9,100.00).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl

from credit_ledger_packs import _settings
from credit_ledger_packs._api import RunContext
from credit_ledger_packs._exprs import (
    MONEY,
    as_of_lit,
    div_half_up,
    fen,
    from_fen,
    roll_forward,
    yuan,
)
from credit_ledger_packs._ledger import LedgerSpec
from credit_ledger_packs.common import is_gov_body_expr

__all__ = [
    "BUCKETS",
    "KIND",
    "aging_table",
    "arrears_layers",
    "context",
    "lazy_arrears_columns",
    "ledger_spec",
    "with_arrears_columns",
]

KIND = "arrears_case"
Source = _settings.SettingsSource
BUCKETS = ("not_due", "1-30", "31-60", "61-90", "91-180", "181-365", ">365", "paid", "closed")
"""Aging buckets on ``overdue_days`` (upper edges inclusive), plus closed cases; ``awaiting``
marks a case whose due date cannot be computed yet (docs/domain.md §4.2 [A])."""
_EDGES = ((30, "1-30"), (60, "31-60"), (90, "61-90"), (180, "91-180"), (365, "181-365"))

DECREE_2020 = "《保障中小企业款项支付条例》(国务院令第728号, 2020)"
DECREE_2025 = "《保障中小企业款项支付条例》(国务院令第802号修订, 2025-06-01施行)"
ORGAN_TERM_DAYS = 30
"""Organs and public institutions: 30 days (2020 Art. 8, 2025 Art. 9) [V]."""
TERM_CAP_DAYS = 60
"""An agreed term of an organ or public institution may not exceed 60 days [V]."""
LARGE_TERM_2025_DAYS = 60
"""Large enterprises under the 2025 rules: 60 days from delivery [V]."""


def optional_money(name: str) -> pl.Expr:
    """Column ``name`` as money, 0 where null or absent (the disputed part of a case)."""
    return pl.coalesce(pl.col(f"^{name}$").cast(MONEY), yuan(0))


def regime(source: Source) -> pl.Expr:
    """2020 or 2025 (Int32) by ``contract_signed_on`` (a missing date takes the newer rules)."""
    start = _settings.get(source, "arrears.regime_2025_from", dt.date)
    return (
        pl.when(pl.col("contract_signed_on") < pl.lit(start, dtype=pl.Date))
        .then(pl.lit(2020, dtype=pl.Int32))
        .otherwise(pl.lit(2025, dtype=pl.Int32))
    )


def is_public_payer(source: Source = None) -> pl.Expr:
    """Organ or public institution: the one definition of government body the zeroing scope
    uses too (:func:`credit_ledger_packs.common.is_gov_body_expr`, ``packs.*`` settings)."""
    return is_gov_body_expr(KIND, source)


def term_start() -> pl.Expr:
    """Acceptance date when payment depends on acceptance, else delivery date (may be null)."""
    return (
        pl.when(pl.col("acceptance_required").fill_null(False))
        .then(pl.col("accepted_on"))
        .otherwise(pl.col("delivered_on"))
    )


def term_days(source: Source) -> pl.Expr:
    """The payment term in days (Int64) per the algorithm of docs/domain.md §4.2."""
    agreed = pl.col("agreed_term_days").cast(pl.Int64)
    no_term = _settings.get(source, "arrears.no_term_default_days", int)
    large = pl.coalesce(
        agreed,
        pl.when(regime(source) == 2025).then(LARGE_TERM_2025_DAYS).otherwise(no_term),
    )
    public = pl.min_horizontal(agreed.fill_null(ORGAN_TERM_DAYS), pl.lit(TERM_CAP_DAYS))
    return pl.when(is_public_payer(source)).then(public).otherwise(large).cast(pl.Int64)


def due_date(source: Source) -> pl.Expr:
    """``term_start() + term_days``, on the next working day if that is a rest day (Civil
    Code Art. 203, ``packs.roll_forward``); null while delivery or acceptance is awaited."""
    return roll_forward(term_start() + pl.duration(days=term_days(source)), source)


def _closed_at(ctx: RunContext) -> pl.Expr:
    statuses = list(_settings.get(ctx, "arrears.closed_statuses", tuple))
    return (
        pl.col("status").is_in(statuses) & (pl.col("closed_on") <= as_of_lit(ctx.as_of))
    ).fill_null(False)


def outstanding_amount(ctx: RunContext) -> pl.Expr:
    """``amount_due - amount_paid - disputed_amount``, at least 0; 0 once closed at ``as_of``."""
    raw = pl.col("amount_due") - pl.col("amount_paid") - optional_money("disputed_amount")
    positive = pl.when(raw > yuan(0)).then(raw).when(raw.is_not_null()).then(yuan(0))
    return pl.when(_closed_at(ctx)).then(yuan(0)).otherwise(positive).cast(MONEY)


DUE = pl.col("due_date")
OUTSTANDING = pl.col("outstanding_amount")
OVERDUE = pl.col("overdue_days")


def overdue_days(
    ctx: RunContext, due: pl.Expr = DUE, outstanding: pl.Expr = OUTSTANDING
) -> pl.Expr:
    """Days past ``due`` at ``as_of`` while money is outstanding (Int64; null without due date).

    Reads the ``due_date`` and ``outstanding_amount`` columns unless given expressions.
    """
    days = (as_of_lit(ctx.as_of) - due).dt.total_days()
    return (
        pl.when(due.is_null())
        .then(None)
        .when((outstanding > yuan(0)) & (days > 0))
        .then(days)
        .otherwise(0)
        .cast(pl.Int64)
    )


def aging_bucket(ctx: RunContext, days: pl.Expr = OVERDUE) -> pl.Expr:
    """The aging bucket at ``as_of`` from ``overdue_days`` (see :data:`BUCKETS`; ``awaiting``
    without a due date)."""
    expr = (
        pl.when(_closed_at(ctx))
        .then(pl.when(pl.col("status") == "paid").then(pl.lit("paid")).otherwise(pl.lit("closed")))
        .when(days.is_null())
        .then(pl.lit("awaiting"))
        .when(days <= 0)
        .then(pl.lit("not_due"))
    )
    for edge, label in _EDGES:
        expr = expr.when(days <= edge).then(pl.lit(label))
    return expr.otherwise(pl.lit(">365"))


def late_interest(
    ctx: RunContext,
    days: pl.Expr = OVERDUE,
    outstanding: pl.Expr = OUTSTANDING,
    due: pl.Expr = DUE,
) -> pl.Expr:
    """Simple late interest, ``Decimal(38, 2)``, rounded half up to the fen: on the outstanding
    amount to ``as_of``, or, for a case paid after its due date (status ``paid``, closed by
    ``as_of``), on ``amount_paid`` to the payment date ``closed_on``.

    Agreed annual rate / ``arrears.day_count`` per day if agreed, else
    ``arrears.default_daily_rate`` (0.05 %) per day.
    """
    late_days = (pl.col("closed_on") - due).dt.total_days()
    paid_late = (_closed_at(ctx) & (pl.col("status") == "paid") & (late_days > 0)).fill_null(False)
    principal = pl.when(paid_late).then(pl.col("amount_paid").cast(MONEY)).otherwise(outstanding)
    base = fen(principal) * pl.when(paid_late).then(late_days).otherwise(days).cast(pl.Int128)
    day_count = _settings.get(ctx, "arrears.day_count", int)
    # The agreed rate's physical value is the rate in units of 1e-8.
    agreed = div_half_up(base * fen_rate(pl.col("agreed_interest_rate")), day_count * 10**8)
    num, den = _settings.get(ctx, "arrears.default_daily_rate", Decimal).as_integer_ratio()
    default = div_half_up(base * num, den)
    value = pl.when(pl.col("agreed_interest_rate").is_not_null()).then(agreed).otherwise(default)
    return from_fen(value)


def fen_rate(rate: pl.Expr) -> pl.Expr:
    """A rate as an integer in units of 1e-8 (``Decimal(38, 8)``'s physical value)."""
    return rate.cast(pl.Decimal(38, 8)).to_physical().cast(pl.Int128)


def lpr_at(source: Source, day: pl.Expr) -> pl.Expr:
    """The 1-year LPR in force on ``day`` from the ``arrears.lpr_1y`` table (Decimal(38, 8))."""
    table = sorted(
        (dt.date.fromisoformat(d.strip()), Decimal(r.strip()))
        for d, _, r in (e.partition("=") for e in _settings.get(source, "arrears.lpr_1y", tuple))
    )
    expr: pl.Expr = pl.lit(None, dtype=pl.Decimal(38, 8))
    for since, rate in table:
        expr = (
            pl.when(day >= pl.lit(since, dtype=pl.Date))
            .then(pl.lit(rate, dtype=pl.Decimal(38, 8)))
            .otherwise(expr)
        )
    return expr


def arrears_layers(ctx: RunContext) -> list[dict[str, pl.Expr]]:
    """The five derived columns in dependency order: each layer reads input columns and the
    columns of earlier layers (computed once each)."""
    return [
        {"due_date": due_date(ctx), "outstanding_amount": outstanding_amount(ctx)},
        {"overdue_days": overdue_days(ctx)},
        {"aging_bucket": aging_bucket(ctx), "late_interest": late_interest(ctx)},
    ]


def lazy_arrears_columns(lf: pl.LazyFrame, ctx: RunContext) -> pl.LazyFrame:
    """``lf`` with the five derived columns added, lazily."""
    for layer in arrears_layers(ctx):
        lf = lf.with_columns(e.alias(n) for n, e in layer.items())
    return lf


def with_arrears_columns(
    frame: pl.DataFrame | pl.LazyFrame, *, as_of: dt.date, settings: Source = None
) -> pl.DataFrame:
    """``frame`` (valid arrears cases) with ``due_date``, ``outstanding_amount``,
    ``overdue_days``, ``aging_bucket`` and ``late_interest`` for ``as_of``.

    See :mod:`credit_ledger_packs.arrears` for an example (the docs/domain.md worked example).
    """
    return lazy_arrears_columns(frame.lazy(), context(as_of, settings)).collect()


def context(as_of: dt.date, settings: Source) -> RunContext:
    """A run context from a context or a plain settings mapping."""
    if isinstance(settings, RunContext):
        return settings
    return RunContext(as_of=as_of, settings=dict(settings or {}))


def ledger_spec(source: Source = None) -> LedgerSpec:
    """The arrears ledger of government-body debtors (counts, ``amount_due``, unpaid, overdue)."""
    closed = pl.col("status").is_in(list(_settings.get(source, "arrears.closed_statuses", tuple)))
    # One reading of the disputed part for the ledger and the aging table: unpaid is the
    # undisputed remainder, disputed its own figure.
    disputed = optional_money("disputed_amount")
    return LedgerSpec(
        name=KIND,
        scope=is_gov_body_expr(KIND, source),
        start=pl.col("reported_on"),
        end=pl.when(closed).then(pl.col("closed_on")),
        amount=pl.col("amount_due"),
        unpaid=pl.max_horizontal(
            pl.col("amount_due") - pl.col("amount_paid") - disputed, yuan(0)
        ).cast(MONEY),
        disputed=disputed,
        due=due_date(source),
        invalid=closed & pl.col("closed_on").is_null(),
        ident=pl.col("record_id"),
    )


def aging_table(
    frame: pl.DataFrame | pl.LazyFrame, *, as_of: dt.date, settings: Source = None
) -> pl.DataFrame:
    """Cases, outstanding amount and late interest per aging bucket at ``as_of``, split by
    government-body debtors and others.

    Returns:
        Columns ``is_gov_body``, ``aging_bucket``, ``cases``, ``outstanding_amount`` (undisputed,
        unpaid), ``disputed_amount`` (of open cases), ``late_interest``; government bodies
        first, buckets in :data:`BUCKETS` order.
    """
    ctx = context(as_of, settings)
    order = pl.Enum([*BUCKETS, "awaiting"])
    return (
        lazy_arrears_columns(frame.lazy(), ctx)
        .with_columns(is_gov_body_expr(KIND, ctx).alias("is_gov_body"))
        .group_by("is_gov_body", "aging_bucket")
        .agg(
            pl.len().cast(pl.Int64).alias("cases"),
            pl.col("outstanding_amount").sum().cast(MONEY),
            optional_money("disputed_amount")
            .filter(~_closed_at(ctx))
            .sum()
            .cast(MONEY)
            .alias("disputed_amount"),
            pl.col("late_interest").sum().cast(MONEY),
        )
        .with_columns(pl.col("aging_bucket").cast(order))
        .sort("is_gov_body", "aging_bucket", descending=[True, False])
        .with_columns(pl.col("aging_bucket").cast(pl.String))
        .collect()
    )
