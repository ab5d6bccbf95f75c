"""Plugin ``zeroing``: dynamic zeroing (动态清零) of government bodies on the court lists.

Two ledgers (domain.md §4.1): dishonest-debtor listings (失信被执行人, §2.3) and judgment-debtor
cases (被执行人案件, §2.4) whose debtor is a government body (:mod:`credit_ledger_packs.common`).
Per period: opening, new, closed and closing counts (and amounts for cases), the exit rate
(台账退出率) and whether the period is zeroed; ``opening + new - closed = closing`` is checked
and a violation is an error (:class:`~credit_ledger_packs._ledger.ZeroingInvariantError`).

Rules (alerts) follow the SPC rules on publishing the list of dishonest judgment debtors
(法释〔2017〕7号): removal within 3 working days of a removal ground (Art. 10), fixed terms
(Art. 2), no minors (Art. 4).

Example:
    >>> import datetime as dt
    >>> from credit_ledger_packs import zeroing
    >>> table = zeroing.zeroing_table({"dishonest_debtor": frame}, as_of=dt.date(2024, 12, 31),
    ...                               period="quarter")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

import polars as pl

from credit_ledger_packs import _arrears, _settings
from credit_ledger_packs._api import (
    Command,
    Rule,
    RuleContext,
    RunContext,
    Scope,
    Setting,
    Severity,
    Summary,
    hookimpl,
    quarantine_key,
)
from credit_ledger_packs._calendar import add_months
from credit_ledger_packs._exprs import (
    MONEY,
    as_of_lit,
    calendar,
    normalized_name,
    optional_text,
    yuan,
)
from credit_ledger_packs._ledger import LEDGER_PERSIST, LEDGER_SCHEMA, LedgerSpec, ledger_table
from credit_ledger_packs._periods import Period
from credit_ledger_packs.common import SUBJECT_CODE, is_gov_body_expr, raw_gov_body_expr

__all__ = [
    "BODIES_SCHEMA",
    "RULES",
    "bodies_table",
    "case_key",
    "ledger_spec",
    "unplaced_rows",
    "zeroing_table",
]

Check = Callable[[RuleContext], pl.Expr]
DISHONEST = "dishonest_debtor"
CASES = "judgment_debtor_case"
REMOVAL_WORKING_DAYS = 3
"""SPC rules Art. 9/10: delete, revoke or correct within 3 working days [P: secondary copies]."""

SPC_RULES = "《最高人民法院关于公布失信被执行人名单信息的若干规定》(法释〔2017〕7号)"
ZEROING_POLICY = (
    "中共中央 国务院《关于促进民营经济发展壮大的意见》(2023):"
    " 机关、事业单位拒不履行司法裁判纳入信用记录",
    "国家发展改革委 关于完善政府诚信履约机制 (2023): 被列入失信被执行人纳入政务信用记录",
)


_BRACKETS = str.maketrans("【〔［[】〕］]", "((((" + "))))")


def _fold_case_no(values: pl.Series) -> pl.Series:
    folded = values.str.normalize("NFKC").str.replace_all(r"\s+", "")
    return folded.str.replace_all("[【〔［\\[]", "(").str.replace_all("[】〕］\\]]", ")")


def case_key() -> pl.Expr:
    """What makes two rows one case: the case number (NFKC, brackets folded to ``()``, no
    spaces) and the court (NFKC, no spaces); null without a case number.

    Example:
        >>> df = pl.DataFrame({"case_no": ["（2024）冀0105执 123号", "〔2024〕冀0105执123号"],
        ...                    "court": ["某法院", "某法院 "]})
        >>> df.select(case_key())["case_no"].n_unique()
        1
    """
    number = optional_text("case_no")
    folded = number.map_batches(_fold_case_no, return_dtype=pl.String, is_elementwise=True)
    court = normalized_name(optional_text("court"))
    return pl.when(number.is_not_null()).then(
        pl.concat_str(folded, pl.lit("@"), court.fill_null(""))
    )


def _case_closed(source: _settings.SettingsSource) -> pl.Expr:
    closing = list(_settings.get(source, "zeroing.closed_case_statuses", tuple))
    return pl.col("case_status").is_in(closing).fill_null(False)


def _case_on_hold(source: _settings.SettingsSource) -> pl.Expr:
    held = list(_settings.get(source, "zeroing.on_hold_case_statuses", tuple))
    return pl.col("case_status").is_in(held).fill_null(False)


def _case_end(source: _settings.SettingsSource) -> pl.Expr:
    return pl.when(_case_closed(source)).then(pl.col("closed_on"))


def _active(ctx: RuleContext | RunContext, start: str, end: str) -> pl.Expr:
    t = as_of_lit(ctx.as_of)
    return (pl.col(start) <= t) & (pl.col(end).is_null() | (pl.col(end) > t))


def _in_alert_scope(ctx: RuleContext) -> pl.Expr:
    if _settings.get(ctx, "zeroing.alerts_scope", str) == "gov_bodies":
        return is_gov_body_expr(DISHONEST, ctx)
    return pl.lit(True)


def _gov_listing_cleared(ctx: RuleContext) -> pl.Expr:
    return ~(is_gov_body_expr(DISHONEST, ctx) & _active(ctx, "published_on", "removed_on"))


def _gov_case_cleared(ctx: RuleContext) -> pl.Expr:
    t = as_of_lit(ctx.as_of)
    end = _case_end(ctx)
    active = (pl.col("filed_on") <= t) & (end.is_null() | (end > t))
    return ~(is_gov_body_expr(CASES, ctx) & active)


def _status_agrees_with_closing(ctx: RuleContext) -> pl.Expr:
    return pl.col("closed_on").is_null() | _case_closed(ctx) | _case_on_hold(ctx)


def _one_date_rule(
    rule_id: str, kind: str, column: str, *, verb: str, noun: str, description: str
) -> Rule:
    """A case delivered twice (same case number and court) must carry one ``column`` date."""
    return Rule(
        id=rule_id,
        title=f"a case {verb} twice (same case number and court) has one {noun} date",
        violation=f"one case is {verb} with different {noun} dates",
        kind=kind,
        check=_one_date_per_case(column),
        scope=Scope.ENTITY,
        entity_key="case_no",
        severity=Severity.WARNING,
        message=pl.format(
            f"deliveries with different {noun} dates: records {{}}",
            pl.col("record_id").cast(pl.String).str.join(", "),
        ),
        tags=("zeroing", "bad_input"),
        description=description,
    )


def _one_date_per_case(start: str) -> pl.Expr:
    # Grouped by the (normalised) case number; one start date per court within it.
    court = normalized_name(pl.col("court"))
    return pl.struct(court.alias("c"), pl.col(start)).n_unique() <= court.n_unique()


_GOV_NAME = r"(人民政府|办事处|局|委员会|管理委员会|中心|学校|医院)$"
"""Name endings of government bodies (docs/domain.md §4.1): a hint, never a decision."""


def _gov_name_has_gov_code(kind: str) -> Check:
    def check(ctx: RuleContext) -> pl.Expr:
        name = normalized_name(pl.col("debtor_name"))
        looks_gov = name.str.contains(_GOV_NAME).fill_null(False)
        return ~(looks_gov & ~is_gov_body_expr(kind, ctx))

    return check


def removal_due_by(ctx: RuleContext | RunContext) -> pl.Expr:
    """``removal_ground_on`` + 3 working days (Art. 10), with the configured calendar."""
    return calendar(ctx).add_expr(pl.col("removal_ground_on"), REMOVAL_WORKING_DAYS)


def listing_expires_on() -> pl.Expr:
    """``published_on + term_years`` (calendar years, clamped at month end); null without term."""
    return add_months(pl.col("published_on"), pl.col("term_years") * 12)


def _removal_on_time(ctx: RuleContext) -> pl.Expr:
    t = as_of_lit(ctx.as_of)
    due = removal_due_by(ctx)
    removed = pl.when(pl.col("removed_on") <= t).then(pl.col("removed_on"))
    late = (removed.is_null() & (t > due)) | (removed > due)
    return ~(pl.col("removal_ground_on").is_not_null() & late & _in_alert_scope(ctx))


def _term_respected(ctx: RuleContext) -> pl.Expr:
    deadline = calendar(ctx).add_expr(listing_expires_on(), REMOVAL_WORKING_DAYS)
    overdue = (deadline < as_of_lit(ctx.as_of)) & _active(ctx, "published_on", "removed_on")
    return ~(overdue & _in_alert_scope(ctx))


def _not_aging(kind: str, start: str, end: str) -> Check:
    def check(ctx: RuleContext) -> pl.Expr:
        days = _settings.get(ctx, "zeroing.aging_days", int)
        age = (as_of_lit(ctx.as_of) - pl.col(start)).dt.total_days()
        return ~(is_gov_body_expr(kind, ctx) & _active(ctx, start, end) & (age > days))

    return check


def _dates_not_after(*columns: str) -> Check:
    def check(ctx: RuleContext) -> pl.Expr:
        t = as_of_lit(ctx.as_of)
        return pl.all_horizontal([(pl.col(c) <= t).fill_null(True) for c in columns])

    return check


def _one_name(name: str, code: str, *, entities_only: bool) -> pl.Expr:
    # Natural persons' numbers are masked in published lists: two people may share one.
    usable = pl.col(code).str.contains("*", literal=True).not_()
    if entities_only:
        usable = usable & (pl.col("party_type") != "natural_person").fill_null(True)
    return normalized_name(pl.col(name)).filter(usable).n_unique() <= 1


RULES: tuple[Rule, ...] = (
    Rule(
        id="zeroing.gov_body_dishonest_outstanding",
        violation="a government body is an active dishonest judgment debtor (zeroing)",
        title="no government body is an active dishonest judgment debtor (zeroing)",
        kind=DISHONEST,
        check=_gov_listing_cleared,
        severity=Severity.ERROR,
        message=pl.format(
            "government body listed since {}, not removed by the run date", "published_on"
        ),
        references=(f"{SPC_RULES} 第6条", *ZEROING_POLICY),
        tags=("zeroing", "gov_body"),
        description="A listing of a government organ or public institution (credit code 11/12,"
        " or packs.extra_gov_codes) that is active at as_of: published_on ≤ as_of and not"
        " removed by then. The district commits to clearing them (动态清零).",
    ),
    Rule(
        id="zeroing.gov_body_judgment_case_outstanding",
        violation="a government body is the debtor of an open enforcement case (zeroing)",
        title="no government body is the debtor of an open enforcement case (zeroing)",
        kind=CASES,
        check=_gov_case_cleared,
        severity=Severity.ERROR,
        message=pl.format("government body case filed {}, open on the run date", "filed_on"),
        references=ZEROING_POLICY,
        tags=("zeroing", "gov_body"),
        description="filed_on ≤ as_of and closed_on null or after as_of, for a government body"
        " debtor. Ledger definition [A] (docs/domain.md §2.4).",
    ),
    Rule(
        id="zeroing.overdue_removal",
        violation="the listing was not removed within 3 working days of its removal ground",
        title="a listing is removed within 3 working days of its removal ground",
        kind=DISHONEST,
        check=_removal_on_time,
        severity=Severity.ERROR,
        message=pl.format("removal ground on {}, removed on {}", "removal_ground_on", "removed_on"),
        references=(f"{SPC_RULES} 第10条",),
        tags=("zeroing", "alert"),
        description="Fails when removal_ground_on is set and, at as_of, the listing is not"
        " removed more than 3 working days later, or was removed later than that. Working days"
        " use the shipped official calendars (docs/domain.md §9 [V]) plus packs.holidays and"
        " packs.makeup_workdays.",
    ),
    Rule(
        id="zeroing.term_expired_not_removed",
        violation="the listing's fixed term has ended and it was not removed within 3 working days",
        title="a listing with a fixed term is removed within 3 working days after the term",
        kind=DISHONEST,
        check=_term_respected,
        severity=Severity.ERROR,
        message=pl.format("published {} for {} years, still active", "published_on", "term_years"),
        references=(f"{SPC_RULES} 第2条、第10条",),
        tags=("zeroing", "alert"),
        description="listing_expires_on = published_on + term_years (calendar years, clamped"
        " at month end, Civil Code Art. 202 [V]); fails when expires + 3 working days < as_of"
        " and still active.",
    ),
    Rule(
        id="zeroing.aging_dishonest_listing",
        violation="a government-body listing has been outstanding longer than zeroing.aging_days",
        title="no government-body listing has been outstanding longer than zeroing.aging_days",
        kind=DISHONEST,
        check=_not_aging(DISHONEST, "published_on", "removed_on"),
        severity=Severity.WARNING,
        references=ZEROING_POLICY,
        tags=("zeroing", "alert"),
        description="Age = as_of - published_on; threshold zeroing.aging_days (default 90 [A]).",
    ),
    Rule(
        id="zeroing.aging_judgment_case",
        violation="a government-body case has been open longer than zeroing.aging_days",
        title="no government-body case has been open longer than zeroing.aging_days",
        kind=CASES,
        check=_not_aging(CASES, "filed_on", "closed_on"),
        severity=Severity.WARNING,
        references=ZEROING_POLICY,
        tags=("zeroing", "alert"),
        description="Age = as_of - filed_on; threshold zeroing.aging_days (default 90 [A]).",
    ),
    Rule(
        id="zeroing.minor_listed",
        violation="a minor is listed as a dishonest judgment debtor",
        title="no minor is listed as a dishonest judgment debtor",
        kind=DISHONEST,
        check=~((pl.col("party_type") == "natural_person") & (pl.col("age") < 18)),
        severity=Severity.CRITICAL,
        references=(f"{SPC_RULES} 第4条 (被执行人为未成年人的，不得纳入) [P]",),
        tags=("zeroing", "alert", "personal"),
    ),
    Rule(
        id="zeroing.removed_before_published",
        violation="the listing is removed before it was published",
        title="a listing is not removed before it was published",
        kind=DISHONEST,
        check=pl.col("removed_on") >= pl.col("published_on"),
        severity=Severity.ERROR,
        message=pl.format("published {}, removed {}", "published_on", "removed_on"),
        tags=("zeroing", "bad_input"),
        description="Such rows are left out of the zeroing figures (counted in 'excluded').",
    ),
    Rule(
        id="zeroing.closed_before_filed",
        violation="the case is closed before it was filed",
        title="a case is not closed before it was filed",
        kind=CASES,
        check=pl.col("closed_on") >= pl.col("filed_on"),
        severity=Severity.ERROR,
        message=pl.format("filed {}, closed {}", "filed_on", "closed_on"),
        tags=("zeroing", "bad_input"),
        description="Such rows are left out of the zeroing figures (counted in 'excluded').",
    ),
    Rule(
        id="zeroing.listing_dates_not_future",
        violation="a listing's date is after the run date",
        title="a listing's dates are not after the run date",
        kind=DISHONEST,
        check=_dates_not_after("filed_on", "published_on", "removal_ground_on", "removed_on"),
        severity=Severity.WARNING,
        tags=("zeroing", "bad_input"),
        description="Events after as_of are not counted in the figures for as_of.",
    ),
    Rule(
        id="zeroing.case_dates_not_future",
        violation="a case's date is after the run date",
        title="a case's dates are not after the run date",
        kind=CASES,
        check=_dates_not_after("filed_on", "closed_on"),
        severity=Severity.WARNING,
        tags=("zeroing", "bad_input"),
        description="Events after as_of are not counted in the figures for as_of.",
    ),
    Rule(
        id="zeroing.listing_one_name_per_code",
        violation="an organisation's credit code carries different names across its listings",
        title="an organisation's credit code carries one name across its listings",
        kind=DISHONEST,
        check=_one_name("debtor_name", "id_or_uscc", entities_only=True),
        scope=Scope.ENTITY,
        severity=Severity.WARNING,
        tags=("zeroing", "bad_input"),
        description="Names compared after NFKC folding and removing spaces; masked codes skipped.",
    ),
    Rule(
        id="zeroing.case_one_name_per_code",
        violation="a debtor's credit code carries different names across its cases",
        title="a debtor's credit code carries one name across its cases",
        kind=CASES,
        check=_one_name("debtor_name", "debtor_uscc", entities_only=False),
        scope=Scope.ENTITY,
        severity=Severity.WARNING,
        tags=("zeroing", "bad_input"),
    ),
    Rule(
        id="zeroing.case_closed_on_with_open_status",
        title="a case with a closing date has a closing (or on-hold) status",
        violation="the case has a closing date but an open status",
        kind=CASES,
        check=_status_agrees_with_closing,
        severity=Severity.WARNING,
        message=pl.format("closed on {} but status {}", "closed_on", "case_status"),
        tags=("zeroing", "bad_input"),
        description="The status decides (zeroing.closed_case_statuses): such a case stays open"
        " in the ledger until its status says it is closed.",
    ),
    _one_date_rule(
        "zeroing.listing_one_date_per_case",
        DISHONEST,
        "published_on",
        verb="listed",
        noun="publication",
        description="The ledger counts the case once, from its earliest publication date to"
        " its latest removal; the finding names every row of the case.",
    ),
    _one_date_rule(
        "zeroing.case_one_filing_date",
        CASES,
        "filed_on",
        verb="delivered",
        noun="filing",
        description="The ledger counts the case once, from its earliest filing date.",
    ),
    *(
        Rule(
            id=f"zeroing.gov_name_without_gov_code.{kind}",
            title="a debtor named like a government body has a government-body code (warning)",
            violation="the debtor is named like a government body but has no government-body code",
            kind=kind,
            check=_gov_name_has_gov_code(kind),
            severity=Severity.WARNING,
            message="named like a government body, but its code is not a government body's",
            tags=("zeroing", "gov_body"),
            description="A name ending in 人民政府, 办事处, 局, 委员会, 管理委员会, 中心, 学校"
            " or 医院 with a code outside packs.gov_prefixes and the extra codes: a hint to"
            " check the code or add it to packs.extra_gov_codes; the scope is not changed"
            " (docs/domain.md §4.1).",
        )
        for kind in (DISHONEST, CASES)
    ),
)
"""The zeroing rules; ids are API."""


def ledger_spec(kind: str, source: _settings.SettingsSource = None) -> LedgerSpec:
    """The ledger of ``kind`` (``dishonest_debtor`` or ``judgment_debtor_case``).

    Example:
        >>> ledger_spec("dishonest_debtor").name
        'dishonest_debtor'
    """
    if kind == DISHONEST:
        return LedgerSpec(
            name=DISHONEST,
            scope=is_gov_body_expr(DISHONEST, source),
            start=pl.col("published_on"),
            end=pl.col("removed_on"),
            key=case_key(),
            body=pl.col(SUBJECT_CODE[DISHONEST]),
        )
    if kind == CASES:
        performed = pl.col("performed_amount").fill_null(yuan(0))
        return LedgerSpec(
            name=CASES,
            scope=is_gov_body_expr(CASES, source),
            start=pl.col("filed_on"),
            end=_case_end(source),
            amount=pl.col("subject_amount").fill_null(yuan(0)),
            unpaid=pl.max_horizontal(pl.col("subject_amount") - performed, yuan(0)).cast(MONEY),
            key=case_key(),
            body=pl.col(SUBJECT_CODE[CASES]),
            on_hold=_case_on_hold(source),
        )
    raise ValueError(f"no zeroing ledger for kind {kind!r}")


def zeroing_table(
    frames: Mapping[str, pl.DataFrame | pl.LazyFrame],
    *,
    as_of: dt.date,
    period: Period = "month",
    start: dt.date | None = None,
    by: str | None = None,
    settings: _settings.SettingsSource = None,
    quarantine: Mapping[str, pl.DataFrame | pl.LazyFrame] | None = None,
) -> pl.DataFrame:
    """The zeroing table of every ledger in ``frames`` (dishonest debtors, judgment cases, and
    arrears via :func:`credit_ledger_packs.arrears.ledger_spec`).

    Rows of ``quarantine`` whose identifier says government body count as ``unplaced`` (with
    their quarantine reasons), and a ledger with any unplaced row is not ``zeroed``.

    Args:
        frames: valid records by kind name; kinds without a ledger are ignored.
        quarantine: quarantined rows by kind name (``validate(...).quarantine``: values as
            given, ``_reasons``).
        as_of: run date; the last period ends on it.
        period: ``month``, ``quarter`` or ``year``.
        start: first day reported (default: 1 January of ``as_of``'s year).
        by: break the figures down by this column (``court``, ``source_org``); ledgers without
            it are reported whole.
        settings: settings mapping or context (defaults for missing ones).

    Returns:
        One row per ledger, period (and group), with the columns of
        :data:`credit_ledger_packs._ledger.LEDGER_SCHEMA`.

    Raises:
        ZeroingInvariantError: ``opening + new - closed != closing`` somewhere (an error).

    Example:
        >>> df = pl.DataFrame(
        ...     {"id_or_uscc": ["11140800558745220K"], "party_type": ["legal_entity"],
        ...      "published_on": [dt.date(2024, 2, 1)], "removed_on": [dt.date(2024, 3, 5)]}
        ... )
        >>> t = zeroing_table({"dishonest_debtor": df}, as_of=dt.date(2024, 3, 31))
        >>> for row in t.select("period", "opening", "new", "closed", "closing").rows():
        ...     print(row)
        ('2024-01', 0, 0, 0, 0)
        ('2024-02', 0, 1, 0, 1)
        ('2024-03', 1, 0, 1, 0)
    """
    max_days = _settings.get(settings, "zeroing.max_days_to_close", int)
    tables = []
    for kind in (DISHONEST, CASES, _arrears.KIND):
        if kind not in frames:
            continue
        spec = (
            _arrears.ledger_spec(settings) if kind == _arrears.KIND else ledger_spec(kind, settings)
        )
        frame = frames[kind].lazy()
        has_by = by is not None and by in frame.collect_schema().names()
        rejected = (quarantine or {}).get(kind)
        tables.append(
            ledger_table(
                frame,
                spec,
                as_of=as_of,
                period=period,
                start=start,
                by=by if has_by else None,
                max_days_to_close=max_days,
                unplaced=None
                if rejected is None
                else unplaced_rows(rejected, kind, by if has_by else None, settings),
            )
        )
    if not tables:
        return pl.DataFrame(schema=LEDGER_SCHEMA)
    return pl.concat(tables, how="vertical")


def unplaced_rows(
    quarantine: pl.DataFrame | pl.LazyFrame,
    kind: str,
    by: str | None = None,
    settings: _settings.SettingsSource = None,
) -> pl.LazyFrame:
    """The quarantined rows of ``kind`` in a government-body ledger's scope, read from their
    values as given: ``group`` (the ``by`` value, or null) and ``reasons``.

    Example:
        >>> q = pl.DataFrame({"id_or_uscc": ["11140800558745220K", "91110000600037341L"],
        ...                   "_reasons": [["case_no:case_no"], ["duty:not_null"]]})
        >>> unplaced_rows(q, "dishonest_debtor").collect()["reasons"].to_list()
        [['case_no:case_no']]
    """
    group = optional_text(by).str.strip_chars() if by is not None else pl.lit(None, pl.String)
    reasons = pl.col("_reasons").cast(pl.List(pl.String)).fill_null([])
    return (
        quarantine.lazy()
        .filter(raw_gov_body_expr(kind, settings))
        .select(group.alias("group"), reasons.alias("reasons"))
    )


BODIES_SCHEMA = pl.Schema(
    {
        "ledger": pl.String(),
        "department": pl.String(),
        "code": pl.String(),
        "name": pl.String(),
        "cases": pl.Int64(),
        "unplaced": pl.Int64(),
        "oldest": pl.Date(),
        "amount": MONEY,
    }
)
"""Columns of :func:`bodies_table`: one row per ledger, department and body."""

_NAME = {DISHONEST: "debtor_name", CASES: "debtor_name", _arrears.KIND: "debtor_name"}
_DEPARTMENT = "source_org"


def _open_cases(
    frame: pl.LazyFrame, spec: LedgerSpec, as_of: dt.date, department: pl.Expr
) -> pl.LazyFrame:
    t = as_of_lit(as_of)
    start, end = spec.start, spec.end
    open_at = (start <= t) & (end.is_null() | (end > t))
    amount = spec.amount if spec.amount is not None else pl.lit(None, dtype=MONEY)
    key = _or_row(spec.key)
    return (
        frame.filter(spec.scope.fill_null(False) & open_at.fill_null(False))
        .with_row_index("_i")
        .select(
            department.alias("department"),
            spec.body.cast(pl.String).alias("code") if spec.body is not None else pl.lit(None),
            normalized_name(pl.col("debtor_name")).alias("name"),
            pl.coalesce(key.cast(pl.String), pl.format("#{}", "_i")).alias("key"),
            start.alias("oldest"),
            amount.cast(MONEY).alias("amount"),
        )
        .unique("key", keep="first")  # one case once, whichever delivery
        .group_by("department", "code")
        .agg(
            pl.col("name").first(),
            pl.len().cast(pl.Int64).alias("cases"),
            pl.lit(0, dtype=pl.Int64).alias("unplaced"),
            pl.col("oldest").min(),
            pl.col("amount").sum().cast(MONEY),
        )
    )


def _or_row(key: pl.Expr | None) -> pl.Expr:
    return key if key is not None else pl.lit(None, dtype=pl.String)


def _unplaced_bodies(
    quarantine: pl.DataFrame | pl.LazyFrame, kind: str, settings: _settings.SettingsSource
) -> pl.LazyFrame:
    code = optional_text(SUBJECT_CODE[kind]).str.normalize("NFKC").str.replace_all(r"\s", "")
    return (
        quarantine.lazy()
        .filter(raw_gov_body_expr(kind, settings))
        .select(
            optional_text(_DEPARTMENT).alias("department"),
            code.str.to_uppercase().alias("code"),
            optional_text(_NAME[kind]).alias("name"),
        )
        .group_by("department", "code")
        .agg(
            pl.col("name").first(),
            pl.lit(0, dtype=pl.Int64).alias("cases"),
            pl.len().cast(pl.Int64).alias("unplaced"),
            pl.lit(None, dtype=pl.Date).alias("oldest"),
            pl.lit(None, dtype=MONEY).alias("amount"),
        )
    )


def bodies_table(
    frames: Mapping[str, pl.DataFrame | pl.LazyFrame],
    *,
    as_of: dt.date,
    settings: _settings.SettingsSource = None,
    quarantine: Mapping[str, pl.DataFrame | pl.LazyFrame] | None = None,
) -> pl.DataFrame:
    """The government bodies still listed at ``as_of``, per ledger and responsible department
    (``source_org``, where the data has it): credit code, name, open cases (each case once),
    the oldest start date and the amount; and the bodies of in-scope quarantined rows, with
    their ``unplaced`` row count (their dates are not read).

    Example:
        >>> df = pl.DataFrame(
        ...     {"id_or_uscc": ["11140800558745220K"], "party_type": ["legal_entity"],
        ...      "debtor_name": ["某镇人民政府"], "case_no": ["(2024)冀0105执1号"],
        ...      "published_on": [dt.date(2024, 2, 1)], "removed_on": [None]}
        ... )
        >>> bodies_table({"dishonest_debtor": df}, as_of=dt.date(2024, 3, 31)).select(
        ...     "code", "cases", "oldest").row(0)
        ('11140800558745220K', 1, datetime.date(2024, 2, 1))
    """
    parts: list[pl.LazyFrame] = []
    for kind in (DISHONEST, CASES, _arrears.KIND):
        if kind not in frames:
            continue
        spec = (
            _arrears.ledger_spec(settings) if kind == _arrears.KIND else ledger_spec(kind, settings)
        )
        found = [_open_cases(frames[kind].lazy(), spec, as_of, optional_text(_DEPARTMENT))]
        rejected = (quarantine or {}).get(kind)
        if rejected is not None:
            found.append(_unplaced_bodies(rejected, kind, settings))
        merged = (
            pl.concat(found, how="vertical")
            .group_by("department", "code")
            .agg(
                pl.col("name").drop_nulls().first(),
                pl.col("cases").sum(),
                pl.col("unplaced").sum(),
                pl.col("oldest").min(),
                pl.col("amount").sum().cast(MONEY),
            )
            .with_columns(pl.lit(kind).alias("ledger"))
        )
        if spec.amount is None:
            merged = merged.with_columns(pl.lit(None, dtype=MONEY).alias("amount"))
        parts.append(merged.select(BODIES_SCHEMA.names()))
    if not parts:
        return pl.DataFrame(schema=BODIES_SCHEMA)
    out = pl.concat(parts, how="vertical").sort("ledger", "department", "code", nulls_last=False)
    return out.collect().cast(dict(BODIES_SCHEMA))  # type: ignore[arg-type]


def _bodies_summary(kind: str) -> Summary:
    def compute(ctx: RunContext, frames: Mapping[str, pl.LazyFrame]) -> pl.DataFrame:
        return bodies_table(
            {kind: frames[kind]},
            as_of=ctx.as_of,
            settings=ctx,
            quarantine={kind: frames[quarantine_key(kind)]},
        )

    return Summary(
        name=f"zeroing.{kind}_bodies",
        kinds=(kind,),
        compute=compute,
        description=f"government bodies still listed in the {kind} ledger at as_of, per"
        " department (with the bodies of quarantined rows)",
        quarantine=True,
    )


def _summary(kind: str, by: str | None) -> Summary:
    def compute(ctx: RunContext, frames: Mapping[str, pl.LazyFrame]) -> pl.DataFrame:
        period = _settings.get(ctx, "zeroing.period", str)
        return zeroing_table(
            {kind: frames[kind]},
            as_of=ctx.as_of,
            period=period,  # type: ignore[arg-type]
            by=by,
            settings=ctx,
            quarantine={kind: frames[quarantine_key(kind)]},
        )

    suffix = f"_by_{by}" if by else ""
    return Summary(
        name=f"zeroing.{kind}{suffix}",
        kinds=(kind,),
        compute=compute,
        description=f"zeroing ledger of {kind} per period"
        + (f", by {by}" if by else "")
        + "; quarantined government-body rows count as unplaced",
        quarantine=True,
        persist=LEDGER_PERSIST,
    )


@hookimpl
def credit_ledger_settings() -> Sequence[Setting]:
    """Period, closing deadline, aging threshold, alert scope."""
    return _settings.ZEROING


@hookimpl
def credit_ledger_rules() -> Sequence[Rule]:
    """The zeroing alerts (see :data:`RULES`)."""
    return RULES


@hookimpl
def credit_ledger_summaries() -> Sequence[Summary]:
    """The two ledgers per period, whole and by court and by source department."""
    return [
        *(
            _summary(kind, by)
            for kind in (DISHONEST, CASES)
            for by in (None, "court", "source_org")
        ),
        *(_bodies_summary(kind) for kind in (DISHONEST, CASES)),
    ]


@hookimpl
def credit_ledger_commands() -> Sequence[Command]:
    """``credit-ledger zeroing``: the zeroing table of files, without a job or a ledger."""
    from credit_ledger_packs._zeroing_command import COMMAND  # noqa: PLC0415 - it imports this module

    return [COMMAND]
