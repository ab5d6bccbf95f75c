"""The hook implementations of the example plugin.

Everything here is declarative: the host decides when to evaluate, applies severity overrides
and waivers from the job config, and reports failures. Rules that depend on the run date or a
setting use the ``check=lambda ctx: ...`` form; nothing reads the clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import polars as pl

from credit_ledger.plugins import Setting, hookimpl
from credit_ledger.rules import (
    DerivedColumn,
    Rule,
    RuleContext,
    RunContext,
    Scope,
    SettingValue,
    Severity,
    Summary,
)

KIND = "admin_penalty"
MAX_FINE = "example.max_fine_yuan"
MAX_PER_YEAR = "example.max_penalties_per_year"


@hookimpl
def credit_ledger_settings() -> Sequence[Setting]:
    """Two thresholds a job can override in its ``[plugins.settings]`` table."""
    return [
        Setting(
            name=MAX_FINE,
            default=Decimal("2000000"),
            description="fines above this many yuan are reported for review",
        ),
        Setting(
            name=MAX_PER_YEAR,
            default=5,
            description="more penalties than this for one subject within a year are reported",
        ),
    ]


def _fine_within_cap(ctx: RuleContext) -> pl.Expr:
    return pl.col("fine_yuan") <= ctx.setting(MAX_FINE, Decimal)


def _penalties_per_year(ctx: RuleContext) -> pl.Expr:
    start = pl.lit(ctx.as_of, dtype=pl.Date).dt.offset_by("-1y")
    in_year = pl.col("decision_date").is_between(start, ctx.date_lit(), closed="right")
    return in_year.sum() <= ctx.setting(MAX_PER_YEAR, int)


@hookimpl
def credit_ledger_rules(settings: Mapping[str, SettingValue]) -> Sequence[Rule]:
    """Three rules on administrative penalties."""
    del settings  # thresholds are read through ctx.setting inside the checks
    return [
        Rule(
            id="example.decision_not_in_future",
            violation="the penalty decision is dated after the run date",
            title="the penalty decision is not dated after the run date",
            kind=KIND,
            severity=Severity.ERROR,
            check=lambda ctx: pl.col("decision_date") <= ctx.date_lit(),
            message=pl.lit("decision dated ")
            + pl.col("decision_date").dt.to_string("%Y-%m-%d")
            + pl.lit(", after the run date"),
            tags=("dates",),
        ),
        Rule(
            id="example.fine_within_cap",
            violation="the fine exceeds the review threshold",
            title="the fine does not exceed the review threshold",
            kind=KIND,
            severity=Severity.WARNING,
            check=_fine_within_cap,
            references=("《行政处罚法》(2021) 第9条",),
            tags=("amounts",),
            description="Large fines are legal but worth a second look before publication.",
        ),
        Rule(
            id="example.penalties_per_year",
            violation="the subject has too many penalties within the year before the run date",
            title="a subject has few penalties within the year before the run date",
            kind=KIND,
            scope=Scope.ENTITY,
            severity=Severity.INFO,
            check=_penalties_per_year,
            tags=("subjects",),
        ),
    ]


@hookimpl
def credit_ledger_derived_columns(settings: Mapping[str, SettingValue]) -> Sequence[DerivedColumn]:
    """Days between the decision and the run date, next to every penalty."""
    del settings
    return [
        DerivedColumn(
            name="example_days_since_decision",
            kind=KIND,
            expr=lambda ctx: (ctx.date_lit() - pl.col("decision_date")).dt.total_days(),
            description="days from the decision to as_of",
        )
    ]


def _fines_per_authority(_ctx: RunContext, frames: Mapping[str, pl.LazyFrame]) -> pl.DataFrame:
    return (
        frames[KIND]
        .group_by("authority")
        .agg(
            pl.len().alias("penalties"),
            pl.col("fine_yuan").sum().alias("fines_yuan"),
        )
        .sort("authority")
        .collect()
    )


@hookimpl
def credit_ledger_summaries(settings: Mapping[str, SettingValue]) -> Sequence[Summary]:
    """Penalties and fines per authority."""
    del settings
    return [
        Summary(
            name="example.fines_per_authority",
            kinds=(KIND,),
            compute=_fines_per_authority,
            description="number of penalties and sum of fines per authority",
        )
    ]
