"""Plugin ``publicity``: publicity periods of penalties and credit repair (docs/domain.md §4.4).

For each penalty: its severity (the ``severity`` column, else derived [A]), the regime in force
(NDRC 2019 notice, NDRC Order 58 of 2023, the 2026 measures from 2026-04-01, SAMR rules; the
table is overridable per region and sector), the earliest repair date ``repair_from`` (start +
minimum period), ``publicity_end`` (start + maximum period, or the repair date) and
``publicity_state`` at ``as_of``. Months are calendar months clamped at month end:
2024-02-29 + 12 months = 2025-02-28.

Optional source columns read when present: ``repaired_on`` (date publicity ended by repair),
``fulfilled_on`` / ``obligations_fulfilled`` (obligations performed). The rules read the derived
columns (``publicity_state``), computed once per run.

Example:
    >>> import datetime as dt
    >>> out = with_publicity_columns(penalties, as_of=dt.date(2026, 5, 1))  # doctest: +SKIP
    >>> out["publicity_state"].value_counts()  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

from credit_ledger_packs import _settings
from credit_ledger_packs._api import (
    DerivedColumn,
    Rule,
    RuleContext,
    Scope,
    Setting,
    Severity,
    hookimpl,
)
from credit_ledger_packs._exprs import as_of_lit, calendar, normalized_name
from credit_ledger_packs._publicity import (
    REGIME,
    SEVERITIES,
    SEVERITY,
    STATES,
    max_end_expr,
    parse_regimes,
    publicity_layers,
    severity_expr,
    with_publicity_columns,
)

__all__ = [
    "DERIVED",
    "RULES",
    "SEVERITIES",
    "STATES",
    "parse_regimes",
    "publicity_layers",
    "severity_expr",
    "with_publicity_columns",
]

PENALTY = "admin_penalty"
LICENSE = "admin_license"
NDRC_2019 = (
    "国家发展改革委办公厅《关于进一步完善“信用中国”网站及地方信用门户网站"
    "行政处罚信息信用修复机制的通知》(发改办财金〔2019〕527号)"
)
NDRC_2023 = (
    "《失信行为纠正后的信用信息修复管理办法（试行）》(国家发展改革委令第58号, 2023-05-01施行)"
)
NDRC_2026 = "国家发展改革委《信用修复管理办法》(2026-04-01施行)"
SAMR = "《市场监督管理行政处罚信息公示规定》"
SEVEN_DAYS = (
    "国务院办公厅《关于运用大数据加强对市场主体服务和监管的若干意见》(国办发〔2015〕51号):"
    " 行政许可、行政处罚信息自作出行政决定之日起7个工作日内上网公开 [P: cited by"
    " implementing measures]"
)
PERIOD_REFS = (NDRC_2019, NDRC_2023, NDRC_2026, SAMR)

Check = Callable[[RuleContext], pl.Expr]


_STATE = pl.col("publicity_state")


def _still_published(ctx: RuleContext) -> pl.Expr:
    declared = pl.col("publicity_end")
    showing = declared.is_null() | (declared > as_of_lit(ctx.as_of))
    return ~((_STATE == "expired") & showing)


def _declared_end_within_max(ctx: RuleContext) -> pl.Expr:
    return pl.col("publicity_end") <= max_end_expr(ctx, REGIME, SEVERITY)


def _published_on_time(ctx: RuleContext) -> pl.Expr:
    days = _settings.get(ctx, "publicity.publish_within_working_days", int)
    return pl.col("published_on") <= calendar(ctx).add_expr(pl.col("decision_date"), days)


def _minor_not_published(ctx: RuleContext) -> pl.Expr:
    published = pl.col("published_on").is_not_null()
    decided = pl.col("decision_date") <= as_of_lit(ctx.as_of)
    return ~((_STATE == "not_published") & published & decided)


def _dates_not_future(ctx: RuleContext) -> pl.Expr:
    t = as_of_lit(ctx.as_of)
    return (pl.col("decision_date") <= t).fill_null(True) & (pl.col("published_on") <= t).fill_null(
        True
    )


def _one_name() -> pl.Expr:
    return normalized_name(pl.col("subject_name")).n_unique() <= 1


RULES: tuple[Rule, ...] = (
    Rule(
        id="publicity.still_published_after_max",
        violation="the penalty is still published after its maximum publicity period",
        title="a penalty is no longer published after its maximum publicity period",
        kind=PENALTY,
        check=_still_published,
        severity=Severity.ERROR,
        references=PERIOD_REFS,
        tags=("publicity",),
        description="Fails when publicity_state is 'expired' and the record still shows: its"
        " declared publicity_end (公示截止期) is empty or after as_of. A record in the data"
        " counts as published unless its declared end says otherwise.",
    ),
    Rule(
        id="publicity.declared_end_within_max",
        violation="the declared publicity end (公示截止期) is later than the maximum period allows",
        title="a declared publicity end (公示截止期) is not later than the maximum period allows",
        kind=PENALTY,
        check=_declared_end_within_max,
        severity=Severity.WARNING,
        references=PERIOD_REFS,
        tags=("publicity",),
    ),
    Rule(
        id="publicity.penalty_published_on_time",
        violation="the penalty was published later than 7 working days after the decision",
        title="a penalty is published within 7 working days of the decision",
        kind=PENALTY,
        check=_published_on_time,
        severity=Severity.WARNING,
        message=pl.format("decided {}, published {}", "decision_date", "published_on"),
        references=(SEVEN_DAYS,),
        tags=("publicity", "timeliness"),
        description="Working days use packs.holidays and packs.makeup_workdays; the number of"
        " days is publicity.publish_within_working_days.",
    ),
    Rule(
        id="publicity.license_published_on_time",
        violation="the licence was published later than 7 working days after the decision",
        title="a licence is published within 7 working days of the decision",
        kind=LICENSE,
        check=_published_on_time,
        severity=Severity.WARNING,
        message=pl.format("decided {}, published {}", "decision_date", "published_on"),
        references=(SEVEN_DAYS,),
        tags=("publicity", "timeliness"),
    ),
    Rule(
        id="publicity.minor_not_published",
        violation="a penalty the regime does not publish (minor, 2023/2026 rules) is published",
        title="a penalty the regime does not publish (minor, 2023/2026 rules) is not published",
        kind=PENALTY,
        check=_minor_not_published,
        severity=Severity.WARNING,
        references=(NDRC_2026, NDRC_2023),
        tags=("publicity",),
        description="Minor (轻微) penalties are not published in principle [V for 2026, A for"
        " 2023]; a sector rule may publish them for at most 3 months (add a sector row).",
    ),
    Rule(
        id="publicity.penalty_dates_not_future",
        violation="the penalty's decision or publication date is after the run date",
        title="a penalty's decision and publication dates are not after the run date",
        kind=PENALTY,
        check=_dates_not_future,
        severity=Severity.WARNING,
        tags=("publicity", "bad_input"),
    ),
    Rule(
        id="publicity.penalty_one_name_per_code",
        violation="a subject's credit code carries different names across its penalties",
        title="a subject's credit code carries one name across its penalties",
        kind=PENALTY,
        check=_one_name(),
        scope=Scope.ENTITY,
        severity=Severity.WARNING,
        tags=("publicity", "bad_input"),
    ),
    Rule(
        id="publicity.license_one_name_per_code",
        violation="a subject's credit code carries different names across its licences",
        title="a subject's credit code carries one name across its licences",
        kind=LICENSE,
        check=_one_name(),
        scope=Scope.ENTITY,
        severity=Severity.WARNING,
        tags=("publicity", "bad_input"),
    ),
)
"""The publicity rules; ids are API."""

DERIVED: tuple[tuple[str, str], ...] = (
    ("publicity_severity", "severity used: the severity column, else derived (轻微/一般/严重)"),
    ("publicity_regime", "regime in force (ndrc_2019, ndrc_2023, ndrc_2026, samr, or a local row)"),
    ("repair_from", "earliest date credit repair may be applied for (start + minimum period)"),
    ("publicity_state", f"state at as_of: {', '.join(STATES)}"),
)
"""Derived columns contributed on penalties. ``publicity_end`` is computed by
:func:`with_publicity_columns` but not contributed: the penalty kind declares an input column of
that name (公示截止期), and the engine refuses to overwrite input columns."""


def _column(name: str) -> Callable[[RuleContext], pl.Expr]:
    def build(ctx: RuleContext) -> pl.Expr:
        return next(layer[name] for layer in publicity_layers(ctx) if name in layer)

    return build


@hookimpl
def credit_ledger_settings() -> Sequence[Setting]:
    """The regime table, its selection, the publication deadline, severity derivation."""
    return _settings.PUBLICITY


@hookimpl
def credit_ledger_rules() -> Sequence[Rule]:
    """The publicity rules (see :data:`RULES`)."""
    return RULES


@hookimpl
def credit_ledger_derived_columns() -> Sequence[DerivedColumn]:
    """``publicity_severity``, ``publicity_regime``, ``repair_from``, ``publicity_state``."""
    return [
        DerivedColumn(name=name, kind=PENALTY, expr=_column(name), description=text)
        for name, text in DERIVED
    ]
