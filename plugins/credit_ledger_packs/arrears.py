"""Plugin ``arrears``: arrears owed to SMEs (拖欠中小企业账款), docs/domain.md §2.6 and §4.2.

Due dates follow 《保障中小企业款项支付条例》 (Decree 728, 2020; revised by Decree 802, in force
2025-06-01), the regime chosen by ``contract_signed_on`` (``arrears.regime_2025_from`` [A]):

* organs and public institutions (``debtor_kind``, else credit code 11/12): 30 days from
  delivery, or from passing acceptance when payment depends on it; an agreed term counts but
  at most 60 days (a longer one is flagged and capped);
* large enterprises: the agreed term; without one 60 days under the 2025 rules, and under the
  2020 rules (which set none) ``arrears.no_term_default_days`` with a flag;
* a missing delivery or acceptance date leaves ``due_date`` null: flagged, never guessed.

Derived columns (names are API): ``due_date``, ``outstanding_amount``, ``overdue_days``,
``aging_bucket``, ``late_interest``. Summaries: the government-body ledger per period (count
and amount) and outstanding amounts per aging bucket.

Example:
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> row = {"debtor_uscc": "11140800558745220K", "debtor_kind": "organ",
    ...        "contract_signed_on": dt.date(2024, 1, 10), "delivered_on": dt.date(2024, 2, 1),
    ...        "acceptance_required": True, "accepted_on": dt.date(2024, 3, 1),
    ...        "agreed_term_days": None, "agreed_interest_rate": None,
    ...        "amount_due": Decimal("200000.00"), "amount_paid": Decimal("0.00"),
    ...        "disputed_amount": None, "status": "open", "closed_on": None}
    >>> out = with_arrears_columns(pl.DataFrame([row]), as_of=dt.date(2024, 6, 30))
    >>> out.select("due_date", "overdue_days", "aging_bucket", "late_interest").row(0)
    (datetime.date(2024, 3, 31), 91, '91-180', Decimal('9100.00'))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import polars as pl

from credit_ledger_packs import _settings
from credit_ledger_packs._api import (
    DerivedColumn,
    Rule,
    RuleContext,
    RunContext,
    Scope,
    Setting,
    SettingValue,
    Severity,
    Summary,
    history_key,
    hookimpl,
    quarantine_key,
)
from credit_ledger_packs._arrears import (
    BUCKETS,
    DECREE_2020,
    DECREE_2025,
    KIND,
    TERM_CAP_DAYS,
    aging_table,
    arrears_layers,
    is_public_payer,
    ledger_spec,
    lpr_at,
    regime,
    with_arrears_columns,
)
from credit_ledger_packs._exprs import as_of_lit, normalized_name, yes
from credit_ledger_packs._ledger import LEDGER_PERSIST, ledger_table
from credit_ledger_packs.common import is_gov_body_expr
from credit_ledger_packs.zeroing import unplaced_rows

__all__ = [
    "BUCKETS",
    "KIND",
    "RULES",
    "aging_table",
    "arrears_layers",
    "ledger_spec",
    "with_arrears_columns",
]

Check = Callable[[RuleContext], pl.Expr]


def _term_compliant(ctx: RuleContext) -> pl.Expr:
    return ~(is_public_payer(ctx) & (pl.col("agreed_term_days") > TERM_CAP_DAYS))


def _term_agreed(ctx: RuleContext) -> pl.Expr:
    missing = pl.col("agreed_term_days").is_null() & (regime(ctx) == 2020)
    return ~(~is_public_payer(ctx) & missing)


def _no_back_to_back(ctx: RuleContext) -> pl.Expr:
    column = _settings.get(ctx, "arrears.back_to_back_column", str)
    return ~(yes(pl.col(column)) & ~is_public_payer(ctx) & (regime(ctx) == 2025))


# These rules read the derived columns of this plugin (computed once per run).
_BUCKET = pl.col("aging_bucket")
_OVERDUE = pl.col("overdue_days")


def _due_known(_: RuleContext) -> pl.Expr:
    return _BUCKET != "awaiting"


def _not_overdue(_: RuleContext) -> pl.Expr:
    return _OVERDUE <= 0


def _gov_not_overdue(ctx: RuleContext) -> pl.Expr:
    return ~(is_gov_body_expr(KIND, ctx) & (_OVERDUE > 0).fill_null(False))


def _rate_not_below_lpr(ctx: RuleContext) -> pl.Expr:
    return pl.col("agreed_interest_rate") >= lpr_at(ctx, pl.col("contract_signed_on"))


def _closed_has_date(ctx: RuleContext) -> pl.Expr:
    statuses = list(_settings.get(ctx, "arrears.closed_statuses", tuple))
    return ~(pl.col("status").is_in(statuses) & pl.col("closed_on").is_null())


def _dates_not_future(ctx: RuleContext) -> pl.Expr:
    t = as_of_lit(ctx.as_of)
    columns = ("contract_signed_on", "delivered_on", "accepted_on", "reported_on", "closed_on")
    return pl.all_horizontal([(pl.col(c) <= t).fill_null(True) for c in columns])


RULES: tuple[Rule, ...] = (
    Rule(
        id="arrears.noncompliant_term",
        violation="an organ's or public institution's agreed payment term exceeds 60 days",
        title="an organ's or public institution's agreed payment term is at most 60 days",
        kind=KIND,
        check=_term_compliant,
        severity=Severity.ERROR,
        message=pl.format("agreed term {} days > 60", "agreed_term_days"),
        references=(f"{DECREE_2020} 第8条", f"{DECREE_2025} 第9条"),
        tags=("arrears",),
        description="The due date uses the capped 60 days.",
    ),
    Rule(
        id="arrears.no_term_agreed",
        violation="a large enterprise's contract under the 2020 rules states no payment term",
        title="a large enterprise's contract under the 2020 rules states a payment term",
        kind=KIND,
        check=_term_agreed,
        severity=Severity.WARNING,
        references=(f"{DECREE_2020} 第9条 (按照行业规范、交易习惯合理约定付款期限)",),
        tags=("arrears",),
        description="The 2020 rules set no default term for large enterprises; the due date"
        " uses arrears.no_term_default_days (60 [A]).",
    ),
    Rule(
        id="arrears.back_to_back_clause",
        violation="a large enterprise's payment depends on a third party paying it",
        title="a large enterprise's payment does not depend on a third party paying it",
        kind=KIND,
        check=_no_back_to_back,
        severity=Severity.ERROR,
        references=(f"{DECREE_2025} 第9条 (不得以收到第三方付款作为向中小企业支付款项的条件)",),
        tags=("arrears",),
        description="Read from the source column named by the setting"
        " arrears.back_to_back_column (yes/no, 是/否); the rule runs only when it is set."
        " Contracts under the 2025 rules with a large-enterprise debtor.",
    ),
    Rule(
        id="arrears.awaiting_delivery_or_acceptance",
        violation="an open case lacks the delivery or acceptance date its due date runs from",
        title="an open case has the delivery or acceptance date its due date runs from",
        kind=KIND,
        check=_due_known,
        severity=Severity.WARNING,
        references=(f"{DECREE_2025} 第9条 (检验或者验收合格之日起算)",),
        tags=("arrears", "bad_input"),
        description="Without it due_date is null and aging_bucket is 'awaiting': the date"
        " is never guessed.",
    ),
    Rule(
        id="arrears.overdue",
        violation="the arrears case is overdue at the run date",
        title="an arrears case is not overdue at the run date",
        kind=KIND,
        check=_not_overdue,
        severity=Severity.WARNING,
        references=(f"{DECREE_2020} 第8条、第9条", f"{DECREE_2025} 第9条"),
        tags=("arrears",),
    ),
    Rule(
        id="arrears.gov_debtor_overdue",
        violation="a government body owes an SME an overdue payment (zeroing)",
        title="no government body owes an SME an overdue payment (zeroing)",
        kind=KIND,
        check=_gov_not_overdue,
        severity=Severity.ERROR,
        references=(
            f"{DECREE_2025} 第9条",
            "中共中央 国务院《关于促进民营经济发展壮大的意见》(2023):"
            " 机关、事业单位拖欠账款纳入信用记录",
        ),
        tags=("arrears", "zeroing", "gov_body"),
    ),
    Rule(
        id="arrears.interest_rate_not_below_lpr",
        violation="the agreed late-payment rate is below the 1-year LPR at signing",
        title="an agreed late-payment rate is not below the 1-year LPR at signing",
        kind=KIND,
        check=_rate_not_below_lpr,
        severity=Severity.WARNING,
        references=(f"{DECREE_2020} 第15条", f"{DECREE_2025} 第17条"),
        tags=("arrears",),
        description="LPR history in arrears.lpr_1y [A: recalled, check before use].",
    ),
    Rule(
        id="arrears.paid_not_above_due",
        violation="the amount paid exceeds the amount due",
        title="the amount paid does not exceed the amount due",
        kind=KIND,
        check=pl.col("amount_paid") <= pl.col("amount_due"),
        severity=Severity.ERROR,
        tags=("arrears", "bad_input"),
        description="outstanding_amount is then 0, never negative.",
    ),
    Rule(
        id="arrears.closed_has_date",
        violation="a closed case has no closing date",
        title="a closed case has its closing date",
        kind=KIND,
        check=_closed_has_date,
        severity=Severity.ERROR,
        tags=("arrears", "bad_input"),
        description="Such cases cannot be placed in time: left out of the ledger ('excluded').",
    ),
    Rule(
        id="arrears.dates_not_future",
        violation="a case's date is after the run date",
        title="a case's dates are not after the run date",
        kind=KIND,
        check=_dates_not_future,
        severity=Severity.WARNING,
        tags=("arrears", "bad_input"),
    ),
    Rule(
        id="arrears.one_name_per_debtor_code",
        violation="a debtor's credit code carries different names across its cases",
        title="a debtor's credit code carries one name across its cases",
        kind=KIND,
        check=normalized_name(pl.col("debtor_name")).n_unique() <= 1,
        scope=Scope.ENTITY,
        severity=Severity.WARNING,
        tags=("arrears", "bad_input"),
    ),
    Rule(
        id="arrears.creditor_size_given",
        title="the creditor's size is given (warning)",
        violation="the creditor's size (企业规模) is blank",
        kind=KIND,
        check=pl.col("creditor_size").is_not_null(),
        severity=Severity.WARNING,
        tags=("arrears", "bad_input"),
        description="The commitment covers arrears owed to private firms (民营企业) of any size;"
        " the 2025 large-enterprise rules concern the debtor. A blank size keeps the case in"
        " every figure and is reported here.",
    ),
)
"""The arrears rules; ids are API."""

_DESCRIPTIONS = {
    "due_date": "payment due date (docs/domain.md §4.2); null while delivery/acceptance is awaited",
    "outstanding_amount": "due - paid - disputed, at least 0; 0 once closed at as_of (yuan)",
    "overdue_days": "days past due_date at as_of while money is owed",
    "aging_bucket": "not_due, 1-30, 31-60, 61-90, 91-180, 181-365, >365, paid, closed, awaiting",
    "late_interest": "simple late interest to as_of (yuan, half up to the fen)",
}


def _column(name: str) -> Callable[[RunContext], pl.Expr]:
    def build(ctx: RunContext) -> pl.Expr:
        return next(layer[name] for layer in arrears_layers(ctx) if name in layer)

    return build


def _ledger(ctx: RunContext, frames: Mapping[str, pl.LazyFrame]) -> pl.DataFrame:
    return ledger_table(
        frames[KIND],
        ledger_spec(ctx),
        as_of=ctx.as_of,
        period=_settings.get(ctx, "zeroing.period", str),  # type: ignore[arg-type]
        max_days_to_close=_settings.get(ctx, "zeroing.max_days_to_close", int),
        unplaced=unplaced_rows(frames[quarantine_key(KIND)], KIND, settings=ctx),
        history=frames.get(history_key(KIND)),
    )


def _aging(ctx: RunContext, frames: Mapping[str, pl.LazyFrame]) -> pl.DataFrame:
    return aging_table(frames[KIND], as_of=ctx.as_of, settings=ctx)


@hookimpl
def credit_ledger_settings() -> Sequence[Setting]:
    """Regime date, default terms and rates, LPR history, closed statuses."""
    return _settings.ARREARS


@hookimpl
def credit_ledger_rules(settings: Mapping[str, SettingValue]) -> Sequence[Rule]:
    """The arrears rules (see :data:`RULES`); the back-to-back rule only when
    ``arrears.back_to_back_column`` names a column."""
    if _settings.get(settings, "arrears.back_to_back_column", str):
        return RULES
    return tuple(r for r in RULES if r.id != "arrears.back_to_back_clause")


@hookimpl
def credit_ledger_derived_columns() -> Sequence[DerivedColumn]:
    """``due_date``, ``outstanding_amount``, ``overdue_days``, ``aging_bucket`` and
    ``late_interest`` on arrears cases."""
    return [
        DerivedColumn(name=name, kind=KIND, expr=_column(name), description=text)
        for name, text in _DESCRIPTIONS.items()
    ]


@hookimpl
def credit_ledger_summaries() -> Sequence[Summary]:
    """The government-body arrears ledger per period, and amounts per aging bucket."""
    return [
        Summary(
            name="arrears.gov_body_ledger",
            kinds=(KIND,),
            compute=_ledger,
            description="zeroing ledger of arrears owed by government bodies, count and amount;"
            " quarantined government-body rows count as unplaced; past periods use the amounts"
            " of the ledger's run at or before their end (unpaid_basis 'history')",
            quarantine=True,
            history=True,
            persist=LEDGER_PERSIST,
        ),
        Summary(
            name="arrears.aging",
            kinds=(KIND,),
            compute=_aging,
            description="cases, outstanding amount and late interest per aging bucket",
        ),
    ]
