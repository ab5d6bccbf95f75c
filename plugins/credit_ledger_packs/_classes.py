"""Facts per subject for credit-class grading (docs/domain.md §4.3), one aggregate per kind.

Every fact is an aggregate over one subject's records of one kind at ``as_of``; the grade
joins them on the credit code. Nothing depends on other subjects' rows, so grading the data
split by credit code gives the same classes as grading it whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

import polars as pl

from credit_ledger_packs import _settings
from credit_ledger_packs._api import RunContext
from credit_ledger_packs._arrears import lazy_arrears_columns
from credit_ledger_packs._exprs import as_of_lit, normalized_name, optional_text
from credit_ledger_packs._publicity import PUBLISHED_STATES, lazy_publicity_columns

__all__ = ["CODE", "FACTS", "facts", "subject_filter"]

CODE = "credit_code"
FACTS = {
    "serious_dishonest_active": pl.Boolean,
    "dishonest_active": pl.Boolean,
    "serious_penalty_active": pl.Boolean,
    "abnormal_active": pl.Boolean,
    "arrears_overdue": pl.Boolean,
    "active_penalties": pl.Int64,
    "general_penalties": pl.Int64,
    "minor_penalties": pl.Int64,
    "tax_arrears_active": pl.Boolean,
    "judgment_case_open": pl.Boolean,
    "commendations": pl.Int64,
    "recent_penalty": pl.Boolean,
    "recent_listing": pl.Boolean,
    "recent_case": pl.Boolean,
    "recent_arrears": pl.Boolean,
    "recent_other": pl.Boolean,
}
"""The facts a grade is decided by, and their types (missing facts are False / 0)."""

NAME_COLUMN = {
    "admin_penalty": "subject_name",
    "admin_license": "subject_name",
    "dishonest_debtor": "debtor_name",
    "judgment_debtor_case": "debtor_name",
    "arrears_case": "debtor_name",
}
CODE_COLUMN = {
    "admin_penalty": "subject_uscc",
    "admin_license": "subject_uscc",
    "dishonest_debtor": "id_or_uscc",
    "judgment_debtor_case": "debtor_uscc",
    "arrears_case": "debtor_uscc",
}
OPTIONAL_KINDS = ("serious_dishonest_list", "abnormal_operation", "tax_arrears", "commendation")
"""Kinds not built in (docs/domain.md §2): read when a plugin contributes them, with the subject in
``subject_uscc``, the start in the first of ``listed_on``, ``published_on``, ``decision_date``,
``start_on`` and the end in the first of ``removed_on``, ``end_on``, ``valid_to`` [A]."""
_STARTS = ("listed_on", "published_on", "decision_date", "start_on")
_ENDS = ("removed_on", "end_on", "valid_to")


def subject_filter(kind: str, source: _settings.SettingsSource = None) -> pl.Expr:
    """Rows whose subject is graded: an organisation with a readable credit code starting with
    one of ``classes.graded_prefixes`` (enterprises by default: organs and public
    institutions are not graded)."""
    code = pl.col(CODE_COLUMN.get(kind, "subject_uscc"))
    prefixes = [str(p) for p in _settings.get(source, "classes.graded_prefixes", tuple)]
    graded = pl.any_horizontal([code.str.starts_with(p) for p in prefixes]) if prefixes else False
    ok = code.is_not_null() & ~code.str.contains("*", literal=True) & graded
    if kind == "dishonest_debtor":
        ok = ok & (pl.col("party_type") != "natural_person").fill_null(True)
    elif kind in ("admin_penalty", "admin_license"):
        ok = ok & (pl.col("subject_category") != "自然人").fill_null(True)
    return ok


def window_start(ctx: RunContext) -> dt.date:
    """First day of the look-back window (as_of minus ``classes.lookback_years``, clamped)."""
    years = _settings.get(ctx, "classes.lookback_years", int)
    t = ctx.as_of
    try:
        return t.replace(year=t.year - years)
    except ValueError:  # 29 February
        return t.replace(year=t.year - years, day=28)


def _recent(ctx: RunContext, column: pl.Expr) -> pl.Expr:
    return column.is_between(
        pl.lit(window_start(ctx), dtype=pl.Date), as_of_lit(ctx.as_of), closed="right"
    ).fill_null(False)


def _active(ctx: RunContext, start: pl.Expr, end: pl.Expr) -> pl.Expr:
    t = as_of_lit(ctx.as_of)
    return ((start <= t) & (end.is_null() | (end > t))).fill_null(False)


def _first(columns: Collection[str], candidates: tuple[str, ...]) -> pl.Expr:
    for name in candidates:
        if name in columns:
            return pl.col(name).cast(pl.Date)
    return pl.lit(None, dtype=pl.Date)


def kind_facts(  # noqa: PLR0911 - one branch per kind read
    ctx: RunContext, kind: str, columns: Collection[str]
) -> dict[str, pl.Expr]:
    """The per-subject aggregates of ``kind`` by fact name (for ``group_by(code).agg``).

    ``columns`` are the columns the frame has: penalties need the publicity columns
    (``publicity_state``, ``publicity_severity``), arrears ``overdue_days``; optional kinds
    use their first present start and end columns. Rows whose subject cannot be graded
    (natural persons, masked codes) never count.
    """
    keep = subject_filter(kind, ctx)

    def anyof(cond: pl.Expr) -> pl.Expr:
        return (cond.fill_null(False) & keep).any()

    def count(cond: pl.Expr) -> pl.Expr:
        return (cond.fill_null(False) & keep).sum().cast(pl.Int64)

    if kind == "admin_penalty":
        active = pl.col("publicity_state").is_in(PUBLISHED_STATES)
        severity = pl.col("publicity_severity")
        return {
            "serious_penalty_active": anyof(active & (severity == "严重")),
            "active_penalties": count(active),
            "general_penalties": count(active & (severity == "一般")),
            "minor_penalties": count(active & (severity == "轻微")),
            "recent_penalty": anyof(_recent(ctx, pl.col("decision_date"))),
        }
    if kind == "dishonest_debtor":
        return {
            "dishonest_active": anyof(_active(ctx, pl.col("published_on"), pl.col("removed_on"))),
            "recent_listing": anyof(_recent(ctx, pl.col("published_on"))),
        }
    if kind == "judgment_debtor_case":
        return {
            "judgment_case_open": anyof(_active(ctx, pl.col("filed_on"), pl.col("closed_on"))),
            "recent_case": anyof(_recent(ctx, pl.col("filed_on"))),
        }
    if kind == "arrears_case":
        limit = _settings.get(ctx, "classes.arrears_overdue_days", int)
        return {
            "arrears_overdue": anyof(pl.col("overdue_days") > limit),
            "recent_arrears": anyof(_recent(ctx, pl.col("reported_on"))),
        }
    start = _first(columns, _STARTS)
    end = _first(columns, _ENDS)
    if kind == "commendation":
        return {"commendations": count(_recent(ctx, start))}
    fact = {
        "serious_dishonest_list": "serious_dishonest_active",
        "abnormal_operation": "abnormal_active",
        "tax_arrears": "tax_arrears_active",
    }.get(kind)
    if fact is None:
        return {}
    return {fact: anyof(_active(ctx, start, end)), "recent_other": anyof(_recent(ctx, start))}


def facts(ctx: RunContext, frames: Mapping[str, pl.LazyFrame]) -> pl.LazyFrame:
    """One row per subject: ``credit_code``, every fact of :data:`FACTS`, ``name_count``."""
    parts: list[pl.LazyFrame] = []
    names: list[pl.LazyFrame] = []
    for kind in sorted(frames):
        code_col = CODE_COLUMN.get(kind, "subject_uscc")
        lf = frames[kind]
        schema = lf.collect_schema().names()
        if code_col not in schema:  # not a kind the grade reads
            continue
        if kind == "admin_penalty" and "publicity_state" not in schema:
            lf = lazy_publicity_columns(lf, ctx)
        elif kind == "arrears_case" and "overdue_days" not in schema:
            lf = lazy_arrears_columns(lf, ctx)
        rows = lf.filter(subject_filter(kind, ctx)).with_columns(pl.col(code_col).alias(CODE))
        aggs = [e.alias(n) for n, e in kind_facts(ctx, kind, schema).items()]
        parts.append(rows.group_by(CODE).agg(aggs) if aggs else rows.select(CODE).unique())
        name = pl.col(NAME_COLUMN[kind]) if kind in NAME_COLUMN else optional_text("subject_name")
        names.append(rows.select(CODE, name.alias("name")).unique())
    subjects = pl.concat([p.select(CODE) for p in parts]).unique() if parts else None
    if subjects is None:
        return pl.LazyFrame(schema={CODE: pl.String, **FACTS, "name_count": pl.UInt32})
    out = subjects
    for p, part in enumerate(parts):
        present = [c for c in part.collect_schema().names() if c != CODE]
        renamed = part.rename({c: f"{c}__{p}" for c in present})
        out = out.join(renamed, on=CODE, how="left")
    combined = []
    schema = out.collect_schema().names()
    for fact, dtype in FACTS.items():
        cols = [c for c in schema if c.split("__")[0] == fact]
        if dtype == pl.Boolean:
            expr = (
                pl.any_horizontal([pl.col(c).fill_null(False) for c in cols])
                if cols
                else pl.lit(False)
            )
        else:
            expr = pl.sum_horizontal([pl.col(c).fill_null(0) for c in cols]) if cols else pl.lit(0)
        combined.append(expr.cast(dtype).alias(fact))
    # Fold names only once per distinct (code, name) pair: NFKC over every row is costly.
    name_count = (
        pl.concat(names)
        .unique()
        .with_columns(normalized_name(pl.col("name")))
        .filter(pl.col("name").is_not_null())
        .group_by(CODE)
        .agg(pl.col("name").n_unique().alias("name_count"))
    )
    return (
        out.select(CODE, *combined)
        .join(name_count, on=CODE, how="left")
        .with_columns(pl.col("name_count").fill_null(0))
    )
