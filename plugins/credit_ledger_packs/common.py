"""Plugin ``packs``: what the built-in packs share: government bodies and the calendar.

It declares the shared settings (``packs.*``) and the derived column ``is_gov_body`` on every
kind the packs read, so zeroing, arrears and classes agree on who is a government body.

``is_gov_body`` (DOMAIN.md §4.1): the subject's credit code starts with 11 (organ) or 12
(public institution), which is what ``subject_kind`` (derived at validation) reads as
``government_organ``/``public_institution``, or the code or its prefix is in the extra lists
(villagers' committees, state-owned platforms: their prefix is not verified, DOMAIN.md §7
item 2 [A]); for arrears also a ``debtor_kind`` of
``organ`` or ``public_institution``. Natural persons are never government bodies (a resident ID
number may start with 11 or 12: Beijing and Tianjin).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from credit_ledger import ids
from credit_ledger_packs import _settings
from credit_ledger_packs._api import DerivedColumn, Rule, RuleContext, Setting, Severity, hookimpl
from credit_ledger_packs._exprs import gov_code_expr

__all__ = ["GOV_KINDS", "SUBJECT_CODE", "is_gov_body_expr"]

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
        "registration, DOMAIN.md §1.1). A warning: divisions change, and the validator does "
        "not reject records for it (DOMAIN.md §5 [A]).",
    )
    for kind in REGION_KINDS
)


@hookimpl
def credit_ledger_rules() -> Sequence[Rule]:
    """Warning-level region-code rules on every built-in kind."""
    return REGION_RULES


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
            " (DOMAIN.md §4.1; extra codes in packs.extra_gov_codes)",
        )

    return [build(kind) for kind in GOV_KINDS]


def _gov(ctx: RuleContext, kind: str) -> pl.Expr:
    return is_gov_body_expr(kind, ctx)
