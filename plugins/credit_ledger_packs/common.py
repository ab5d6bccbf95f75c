"""Plugin ``packs``: what the built-in packs share: government bodies and the calendar.

It declares the shared settings (``packs.*``) and the derived column ``is_gov_body`` on every
kind the packs read, so zeroing, arrears and classes agree on who is a government body.

``is_gov_body`` (docs/domain.md §4.1): the subject's credit code starts with 11 (organ) or 12
(public institution), which is what ``subject_kind`` (derived at validation) reads as
``government_organ``/``public_institution``, or the code or its prefix is in the extra lists
(villagers' committees, state-owned platforms: their prefix is not verified, docs/domain.md §7
item 2 [A]); for arrears also a ``debtor_kind`` of
``organ`` or ``public_institution``. Natural persons are never government bodies (a resident ID
number may start with 11 or 12: Beijing and Tianjin).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

from credit_ledger import ids
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
from credit_ledger_packs._exprs import covered_years, gov_code_expr, optional_text

__all__ = ["GOV_KINDS", "SUBJECT_CODE", "is_gov_body_expr", "raw_gov_body_expr"]

SUBJECT_CODE = {
    "dishonest_debtor": "id_or_uscc",
    "judgment_debtor_case": "debtor_uscc",
    "arrears_case": "debtor_uscc",
    "admin_penalty": "subject_uscc",
    "admin_license": "subject_uscc",
}
"""The column holding the subject's credit code, per kind the packs read."""

GOV_KINDS = tuple(SUBJECT_CODE)


def is_gov_body_expr(kind: str, source: _settings.SettingsSource = None) -> pl.Expr:
    """Boolean expression: the record's subject is a government body.

    Args:
        kind: one of :data:`GOV_KINDS`.
        source: a rule context or settings mapping (defaults apply for missing settings).

    Example:
        >>> df = pl.DataFrame({"debtor_uscc": ["12100000470095016Q", "91110000600037341L"],
        ...                    "debtor_kind": [None, "organ"]})
        >>> df.select(is_gov_body_expr("arrears_case"))["debtor_uscc"].to_list()
        [True, True]
    """
    gov = gov_code_expr(pl.col(SUBJECT_CODE[kind]), source)
    if kind == "dishonest_debtor":
        gov = gov & (pl.col("party_type") != "natural_person").fill_null(True)
    elif kind in ("admin_penalty", "admin_license"):
        gov = gov & (pl.col("subject_category") != "自然人").fill_null(True)
    elif kind == "arrears_case":
        gov = gov | pl.col("debtor_kind").is_in(["organ", "public_institution"]).fill_null(False)
    return gov


_RAW_PERSON = ("natural_person", "0", "自然人")
_RAW_GOV_KIND = ("organ", "public_institution", "机关", "事业单位")


def _raw_text(column: str) -> pl.Expr:
    # Quarantined values are as given: fold full-width characters and spacing the cheap way.
    return optional_text(column).str.normalize("NFKC").str.replace_all(r"[\s\-]", "")


def raw_gov_body_expr(kind: str, source: _settings.SettingsSource = None) -> pl.Expr:
    """Boolean expression over *quarantined* rows (values as given, text): the subject is a
    government body by its identifier, as :func:`is_gov_body_expr` reads valid rows.

    The code is read after NFKC folding, removing spaces and hyphens and upper-casing; a
    masked code keeps its prefix, so it counts by prefix whatever its length. A row whose
    party type says natural person is never in scope.

    Example:
        >>> q = pl.DataFrame({"id_or_uscc": [" １１140800558745220k", "91110000600037341L"],
        ...                   "party_type": ["法人或其他组织", None]})
        >>> q.select(raw_gov_body_expr("dishonest_debtor"))["id_or_uscc"].to_list()
        [True, False]
    """
    code = _raw_text(SUBJECT_CODE[kind]).str.to_uppercase()
    readable = (code.str.len_chars() == 18) | code.str.contains("*", literal=True)
    prefixes = [str(p) for p in _settings.get(source, "packs.gov_prefixes", tuple)]
    gov = (readable & code.str.slice(0, 2).is_in(prefixes)).fill_null(False)
    # The extra codes and prefixes: the same reading as for valid rows.
    gov = gov | gov_code_expr(code, {**_only_extras(source)}).fill_null(False)
    if kind == "dishonest_debtor":
        gov = gov & ~_raw_text("party_type").is_in(_RAW_PERSON).fill_null(False)
    elif kind in ("admin_penalty", "admin_license"):
        gov = gov & ~(_raw_text("subject_category") == "自然人").fill_null(False)
    elif kind == "arrears_case":
        gov = gov | _raw_text("debtor_kind").is_in(_RAW_GOV_KIND).fill_null(False)
    return gov.alias(SUBJECT_CODE[kind])


def _only_extras(source: _settings.SettingsSource) -> dict[str, tuple[str, ...]]:
    return {
        "packs.gov_prefixes": (),
        "packs.extra_gov_codes": _settings.get(source, "packs.extra_gov_codes", tuple),
        "packs.extra_gov_prefixes": _settings.get(source, "packs.extra_gov_prefixes", tuple),
    }


@hookimpl
def credit_ledger_settings() -> Sequence[Setting]:
    """Government-body prefixes and extra codes; the working-day calendar."""
    return _settings.COMMON


REGION_KINDS = (
    "admin_license",
    "admin_penalty",
    "dishonest_debtor",
    "judgment_debtor_case",
    "arrears_case",
)

REGION_RULES = tuple(
    Rule(
        id=f"packs.region_code_known.{kind}",
        violation="the record's region code is not a GB/T 2260 code",
        title="the record's region code is a GB/T 2260 code (warning)",
        kind=kind,
        check=pl.col("region_code").is_null() | ids.region_code_expr(pl.col("region_code")),
        severity=Severity.WARNING,
        message=pl.format("region code {} is not a GB/T 2260 code", "region_code"),
        references=("GB/T 2260 中华人民共和国行政区划代码",),
        tags=("identifiers",),
        description="Six digits with a known province prefix, or 100000 (national "
        "registration, docs/domain.md §1.1). A warning: divisions change, and the validator does "
        "not reject records for it (docs/domain.md §5 [A]).",
    )
    for kind in REGION_KINDS
)


DEADLINE_FROM = {
    "dishonest_debtor": pl.col("removal_ground_on"),
    "arrears_case": pl.coalesce(pl.col("accepted_on"), pl.col("delivered_on")),
    "admin_penalty": pl.col("decision_date"),
    "admin_license": pl.col("decision_date"),
}
"""Per kind, the date its deadlines are counted from (working days, or a term that may end on
a rest day)."""


def _calendar_covers(start: pl.Expr) -> Callable[[RuleContext], pl.Expr]:
    def check(ctx: RuleContext) -> pl.Expr:
        years = covered_years(ctx)
        # A deadline may run into the next year (a term of up to 60 days, 7 working days).
        year = start.dt.year()
        uncovered = start.is_not_null() & ~(year.is_in(years) & (year + 1).is_in(years))
        return ~uncovered.any()

    return check


CALENDAR_RULES = tuple(
    Rule(
        id=f"packs.calendar_year_covered.{kind}",
        title="deadlines fall in years the holiday calendar covers (warning)",
        violation="deadlines fall in a year no shipped holiday calendar covers: weekends only",
        kind=kind,
        check=_calendar_covers(start),
        scope=Scope.DATASET,
        severity=Severity.WARNING,
        message=pl.format(
            "deadlines counted from dates in {}..{}; a year without a holiday calendar counts"
            " weekends only (packs.holidays)",
            start.dt.year().min(),
            start.dt.year().max(),
        ),
        references=("国务院办公厅 holiday notices (docs/domain.md §9)",),
        tags=("calendar",),
        description="Working days and the roll-forward of a period ending on a rest day (Civil"
        " Code Art. 203) need the year's official calendar: 2024-2026 are shipped"
        " (packs.official_calendar), other years count weekends only until their holidays are"
        " added to packs.holidays / packs.makeup_workdays.",
    )
    for kind, start in DEADLINE_FROM.items()
)


@hookimpl
def credit_ledger_rules() -> Sequence[Rule]:
    """Warning-level region-code and calendar-coverage rules on every built-in kind."""
    return (*REGION_RULES, *CALENDAR_RULES)


@hookimpl
def credit_ledger_derived_columns() -> Sequence[DerivedColumn]:
    """``is_gov_body`` on dishonest debtors, judgment-debtor cases, arrears, licences and
    penalties."""

    def build(kind: str) -> DerivedColumn:
        return DerivedColumn(
            name="is_gov_body",
            kind=kind,
            expr=lambda ctx: _gov(ctx, kind),
            description="the subject is a government organ or public institution"
            " (docs/domain.md §4.1; extra codes in packs.extra_gov_codes)",
        )

    return [build(kind) for kind in GOV_KINDS]


def _gov(ctx: RuleContext, kind: str) -> pl.Expr:
    return is_gov_body_expr(kind, ctx)
