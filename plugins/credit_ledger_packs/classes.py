"""Plugin ``classes``: credit classes A/B/C/D per subject at ``as_of`` (docs/domain.md §4.3).

SAMR grades enterprises by credit risk into four classes (国市监信发〔2022〕6号) tied to the
share inspected under 双随机、一公开. Its weights are not public, so the rule set here is the
designer's (docs/domain.md §4.3 [A]); every threshold and weight is a setting:

1. **D** if an active serious-dishonesty listing, an active dishonest-debtor listing, or a
   published serious penalty;
2. **C** if on the abnormal-operation list, arrears as debtor overdue > 90 days, or at least 2
   published penalties;
3. otherwise ``score = 100 - 15·general - 5·minor published - 10·tax arrears - 10·open
   judgment case + 5·commendations in 3 years (≤ +10)``: A if ≥ 90 with no negative record
   in 3 years, B if ≥ 75, C if ≥ 60, else D.

``class_reasons`` lists the rule ids that decided (the D or C triggers, else the score
components and what blocked an A); ``suggested_inspection_ratio`` is the upper end of the
Daqing table (A ≤ 5 %, B 5-20 %, C 21-60 %, D 61-100 %).

Each reason is also an entity-scope rule (severity info) on its kind, so ``rules show`` gives
its reference and a run lists the subjects it fired for.

Example:
    >>> import datetime as dt
    >>> table = credit_classes(frames, as_of=dt.date(2024, 12, 31))  # doctest: +SKIP
    >>> table.columns[:3]  # doctest: +SKIP
    ['credit_code', 'credit_class', 'class_reasons']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import cache

import polars as pl

from credit_ledger_packs import _settings
from credit_ledger_packs._api import (
    Rule,
    RuleContext,
    RunContext,
    Scope,
    Setting,
    Severity,
    Summary,
    hookimpl,
)
from credit_ledger_packs._classes import CODE, OPTIONAL_KINDS, facts, kind_facts

__all__ = ["CLASS_SCHEMA", "REASONS", "RULES", "credit_classes"]

SAMR_2022 = (
    "国家市场监督管理总局《关于推进企业信用风险分类管理进一步提升监管效能的意见》"
    "(国市监信发〔2022〕6号)"
)
DAQING = (
    "大庆市 企业信用风险分类结果运用 (credit.daqing.gov.cn, 2024):"
    " A ≤5%, B 5-20%, C 21-60%, D 61-100%"
)
DOMAIN_43 = "credit_ledger docs/domain.md §4.3 (rule set designed here [A]; settings classes.*)"

REASONS: tuple[tuple[str, str, str, str], ...] = (
    (
        "classes.d_serious_dishonest_list",
        "serious_dishonest_list",
        "serious_dishonest_active",
        "no active listing on the serious-dishonesty list (严重失信主体名单)",
    ),
    (
        "classes.d_dishonest_debtor",
        "dishonest_debtor",
        "dishonest_active",
        "no active dishonest-debtor listing",
    ),
    (
        "classes.d_serious_penalty",
        "admin_penalty",
        "serious_penalty_active",
        "no serious penalty still published",
    ),
    (
        "classes.c_abnormal_operation",
        "abnormal_operation",
        "abnormal_active",
        "not on the abnormal-operation list (经营异常名录)",
    ),
    (
        "classes.c_arrears_overdue",
        "arrears_case",
        "arrears_overdue",
        "no arrears as debtor overdue more than classes.arrears_overdue_days",
    ),
    (
        "classes.c_active_penalties",
        "admin_penalty",
        "active_penalties",
        "fewer than classes.active_penalties_for_c penalties still published",
    ),
    (
        "classes.score_general_penalty",
        "admin_penalty",
        "general_penalties",
        "no general penalty still published (score -15 each)",
    ),
    (
        "classes.score_minor_penalty",
        "admin_penalty",
        "minor_penalties",
        "no minor penalty still published (score -5 each)",
    ),
    (
        "classes.score_tax_arrears",
        "tax_arrears",
        "tax_arrears_active",
        "no active tax arrears (score -10)",
    ),
    (
        "classes.score_judgment_case",
        "judgment_debtor_case",
        "judgment_case_open",
        "no open judgment-debtor case (score -10)",
    ),
    (
        "classes.score_commendation",
        "commendation",
        "commendations",
        "no commendation in the look-back window (each +5, at most +10)",
    ),
    (
        "classes.recent_penalty",
        "admin_penalty",
        "recent_penalty",
        "no penalty decided in the look-back window (needed for A)",
    ),
    (
        "classes.recent_dishonest_listing",
        "dishonest_debtor",
        "recent_listing",
        "no dishonest-debtor listing published in the look-back window (needed for A)",
    ),
    (
        "classes.recent_judgment_case",
        "judgment_debtor_case",
        "recent_case",
        "no judgment-debtor case filed in the look-back window (needed for A)",
    ),
    (
        "classes.recent_arrears",
        "arrears_case",
        "recent_arrears",
        "no arrears case as debtor reported in the look-back window (needed for A)",
    ),
)
"""(rule id, kind, fact, title of a passing subject) of every reason a class can give."""

VIOLATIONS: dict[str, str] = {
    "classes.d_serious_dishonest_list": (
        "an active listing on the serious-dishonesty list (严重失信主体名单)"
    ),
    "classes.d_dishonest_debtor": "an active dishonest-debtor listing",
    "classes.d_serious_penalty": "a serious penalty still published",
    "classes.c_abnormal_operation": "on the abnormal-operation list (经营异常名录)",
    "classes.c_arrears_overdue": "arrears as debtor overdue more than classes.arrears_overdue_days",
    "classes.c_active_penalties": (
        "at least classes.active_penalties_for_c penalties still published"
    ),
    "classes.score_general_penalty": "a general penalty still published (score -15 each)",
    "classes.score_minor_penalty": "a minor penalty still published (score -5 each)",
    "classes.score_tax_arrears": "active tax arrears (score -10)",
    "classes.score_judgment_case": "an open judgment-debtor case (score -10)",
    "classes.score_commendation": "a commendation in the look-back window (each +5, at most +10)",
    "classes.recent_penalty": "a penalty decided in the look-back window (no A)",
    "classes.recent_dishonest_listing": (
        "a dishonest-debtor listing published in the look-back window (no A)"
    ),
    "classes.recent_judgment_case": "a judgment-debtor case filed in the look-back window (no A)",
    "classes.recent_arrears": "an arrears case as debtor reported in the look-back window (no A)",
}
"""What a failing subject has, per reason: the finding's message."""

_D = REASONS[:3]
_C = REASONS[3:6]
_SCORE = REASONS[6:11]
_RECENT = REASONS[11:]

CLASS_SCHEMA = pl.Schema(
    {
        CODE: pl.String(),
        "credit_class": pl.String(),
        "class_reasons": pl.List(pl.String()),
        "score": pl.Int64(),
        "suggested_inspection_ratio": pl.Decimal(38, 2),
        "name_count": pl.Int64(),
        "name_conflict": pl.Boolean(),
    }
)


_COUNTS = ("active_penalties", "general_penalties", "minor_penalties", "commendations")


def _fired(fact: str) -> pl.Expr:
    return pl.col(fact) > 0 if fact in _COUNTS else pl.col(fact)


def _subsets(rule_ids: Sequence[str]) -> list[list[str]]:
    """Entry ``m`` lists the ids whose bit is set in ``m``, in order."""
    return [
        [rule_id for i, rule_id in enumerate(rule_ids) if m >> i & 1]
        for m in range(1 << len(rule_ids))
    ]


def _bits(conditions: Sequence[pl.Expr]) -> pl.Expr:
    return pl.sum_horizontal(
        [c.fill_null(False).cast(pl.Int32) * (1 << i) for i, c in enumerate(conditions)]
    )


_C_IDS = tuple(r[0] for r in _C)
_SCORE_IDS = tuple(r[0] for r in (*_SCORE, *_RECENT))


@cache
def _reason_lists() -> pl.Series:
    """Every possible ``class_reasons``: the subsets of the D reasons, then of the C reasons,
    then of the score and recent reasons. A row picks its list by index, which is much
    cheaper than building a list per row."""
    lists = [*_subsets([r[0] for r in _D]), *_subsets(_C_IDS), *_subsets(_SCORE_IDS)]
    return pl.Series("class_reasons", lists, dtype=pl.List(pl.String()))


_WEIGHTS = (
    "weight_general_penalty",
    "weight_minor_penalty",
    "weight_tax_arrears",
    "weight_judgment_case",
    "commendation_bonus",
    "commendation_cap",
    "threshold_a",
    "threshold_b",
    "threshold_c",
    "active_penalties_for_c",
)


def grade(ctx: RunContext) -> list[list[pl.Expr]]:
    """``credit_class``, ``class_reasons``, ``score`` and ``suggested_inspection_ratio`` from
    the fact columns of :func:`credit_ledger_packs._classes.facts`, as layers of expressions
    (each reads the columns of the layers before it; ``__``-columns are scratch)."""
    w = {k: _settings.get(ctx, f"classes.{k}", int) for k in _WEIGHTS}
    bonus = pl.min_horizontal(
        pl.col("commendations") * w["commendation_bonus"], pl.lit(w["commendation_cap"])
    )
    score = (
        100
        - w["weight_general_penalty"] * pl.col("general_penalties")
        - w["weight_minor_penalty"] * pl.col("minor_penalties")
        - w["weight_tax_arrears"] * pl.col("tax_arrears_active").cast(pl.Int64)
        - w["weight_judgment_case"] * pl.col("judgment_case_open").cast(pl.Int64)
        + bonus
    ).cast(pl.Int64)
    many = pl.col("active_penalties") >= w["active_penalties_for_c"]
    first = [
        score.alias("score"),
        pl.any_horizontal([pl.col(f) for _, _, f, _ in _D]).alias("__d"),
        (pl.col("abnormal_active") | pl.col("arrears_overdue") | many).alias("__c"),
        (pl.any_horizontal([pl.col(f) for _, _, f, _ in _RECENT]) | pl.col("recent_other")).alias(
            "__recent"
        ),
    ]
    d_any, c_any, recent, points = pl.col("__d"), pl.col("__c"), pl.col("__recent"), pl.col("score")
    cls = (
        pl.when(d_any)
        .then(pl.lit("D"))
        .when(c_any)
        .then(pl.lit("C"))
        .when((points >= w["threshold_a"]) & ~recent)
        .then(pl.lit("A"))
        .when(points >= w["threshold_b"])
        .then(pl.lit("B"))
        .when(points >= w["threshold_c"])
        .then(pl.lit("C"))
        .otherwise(pl.lit("D"))
    )
    blocked_a = (points >= w["threshold_a"]) & recent
    d_count, c_count = 1 << len(_D), 1 << len(_C_IDS)
    index = (
        pl.when(d_any)
        .then(_bits([_fired(f) for _, _, f, _ in _D]))
        .when(c_any)
        .then(d_count + _bits([*(_fired(f) for _, _, f, _ in _C[:2]), many]))
        .otherwise(
            d_count
            + c_count
            + _bits(
                [
                    *(_fired(f) for _, _, f, _ in _SCORE),
                    *(_fired(f) & blocked_a for _, _, f, _ in _RECENT),
                ]
            )
        )
    )
    reasons = pl.lit(_reason_lists()).gather(index)
    ratios = dict(e.split("=") for e in _settings.get(ctx, "classes.inspection_ratios", tuple))
    ratio: pl.Expr = pl.lit(None, dtype=pl.Decimal(38, 2))
    for letter, value in ratios.items():
        ratio = (
            pl.when(pl.col("credit_class") == letter.strip())
            .then(pl.lit(Decimal(value.strip()), dtype=pl.Decimal(38, 2)))
            .otherwise(ratio)
        )
    second = [cls.alias("credit_class"), reasons.alias("class_reasons")]
    return [first, second, [ratio.alias("suggested_inspection_ratio")]]


def credit_classes(
    frames: Mapping[str, pl.DataFrame | pl.LazyFrame],
    *,
    as_of: dt.date,
    settings: _settings.SettingsSource = None,
) -> pl.DataFrame:
    """The credit class of every organisation in ``frames`` at ``as_of``.

    Args:
        frames: valid records by kind; penalties, dishonest debtors, judgment-debtor cases,
            arrears and licences are read, and the optional kinds of
            :data:`~credit_ledger_packs._classes.OPTIONAL_KINDS` when given.
        as_of: run date.
        settings: settings mapping or context (defaults for missing ones).

    Returns:
        One row per credit code, sorted, with :data:`CLASS_SCHEMA`; ``name_conflict`` marks a
        code seen under more than one name.

    Example:
        >>> listing = pl.DataFrame(
        ...     {"id_or_uscc": ["91110000600037341L"], "party_type": ["legal_entity"],
        ...      "debtor_name": ["某公司"], "published_on": [dt.date(2024, 2, 1)],
        ...      "removed_on": [None]}, schema_overrides={"removed_on": pl.Date}
        ... )
        >>> credit_classes({"dishonest_debtor": listing}, as_of=dt.date(2024, 6, 30)).select(
        ...     "credit_class", "class_reasons", "suggested_inspection_ratio").row(0)
        ('D', ['classes.d_dishonest_debtor'], Decimal('1.00'))
    """
    ctx = (
        settings
        if isinstance(settings, RunContext)
        else RunContext(as_of=as_of, settings=dict(settings or {}))
    )
    graded = facts(ctx, {k: v.lazy() for k, v in frames.items()})
    for layer in grade(ctx):
        graded = graded.with_columns(layer)
    return (
        graded.with_columns(
            pl.col("name_count").cast(pl.Int64), (pl.col("name_count") > 1).alias("name_conflict")
        )
        .select(CLASS_SCHEMA.names())
        .sort(CODE)
        .collect()
    )


def _rule(rule_id: str, kind: str, fact: str, title: str) -> Rule:
    def check(ctx: RuleContext) -> pl.Expr:
        # Penalties read the publicity plugin's derived columns and arrears the arrears
        # plugin's, computed once per run.
        agg = kind_facts(ctx, kind, ctx.kind.columns)[fact]
        if fact == "active_penalties":
            return agg < _settings.get(ctx, "classes.active_penalties_for_c", int)
        return agg == 0 if fact in _COUNTS else ~agg

    refs = (
        (SAMR_2022, DOMAIN_43)
        if not rule_id.startswith("classes.score_commendation")
        else (DOMAIN_43,)
    )
    return Rule(
        id=rule_id,
        title=title,
        violation=VIOLATIONS[rule_id],
        kind=kind,
        check=check,
        scope=Scope.ENTITY,
        entity_key=None
        if kind in ("admin_penalty", "dishonest_debtor", "judgment_debtor_case", "arrears_case")
        else "subject_uscc",
        severity=Severity.INFO,
        references=(*refs, DAQING),
        tags=("classes",),
        description="A reason a credit class can give (class_reasons); thresholds and weights"
        " are settings classes.* [A].",
    )


RULES: tuple[Rule, ...] = tuple(_rule(*r) for r in REASONS)
"""One entity rule per class reason; ids are API."""


def _summary(ctx: RunContext, frames: Mapping[str, pl.LazyFrame]) -> pl.DataFrame:
    return credit_classes(frames, as_of=ctx.as_of, settings=ctx)


@hookimpl
def credit_ledger_settings() -> Sequence[Setting]:
    """Weights, thresholds, look-back window, inspection ratios."""
    return _settings.CLASSES


@hookimpl
def credit_ledger_rules() -> Sequence[Rule]:
    """One entity rule per class reason (severity info)."""
    return RULES


@hookimpl
def credit_ledger_summaries() -> Sequence[Summary]:
    """The class of every subject (needs penalties, listings, cases and arrears in the run)."""
    return [
        Summary(
            name="classes.credit_class",
            kinds=("admin_penalty", "dishonest_debtor", "judgment_debtor_case", "arrears_case"),
            compute=_summary,
            description="credit_class, class_reasons, score and suggested_inspection_ratio"
            " per subject",
        )
    ]


OPTIONAL = OPTIONAL_KINDS
