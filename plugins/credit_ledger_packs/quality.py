"""Plugin ``quality``: the warnings of validation as findings.

Validation keeps every usable record (docs/domain.md §8: real lists carry masked codes, older
case numbers, free text and missing columns) and says what it noticed in ``_warnings`` on the
valid row. This pack turns the same warnings into findings of severity *warning*, from the
typed columns (:func:`credit_ledger.kinds.warning_checks`), so they also reach records that
carry no ``_warnings`` (a ledger's state):

* ``quality.warning.<kind>.<column>.<check>`` (row scope), one rule per warning: e.g. a blank
  standard value
  (``duty:incomplete``; a text naming none of the statutory situations is blank once parsed),
  a value outside a free-text list, a case number in the style before 2016.
* ``quality.standard_column.<kind>.<column>`` (grouped by ``_source``): a file without a
  standard column of the 双公示 / SPC list (or with the column blank throughout) gives one
  finding for the file, not one per row.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from credit_ledger.kinds import warning_checks
from credit_ledger.kinds.builtin import BUILTIN_KINDS
from credit_ledger_packs._api import DerivedColumn, Rule, Scope, Severity, hookimpl

__all__ = ["QUALITY_RULES"]

_SOURCE = "_source"
_FILE = "source_file"  # the grouping key of the per-file rules (the engine keeps _source apart)


def _row_rule(kind: str, reason: str, failed: pl.Expr) -> Rule:
    return Rule(
        id=f"quality.warning.{kind}.{reason.replace(':', '.')}",
        title=f"the record meets the publication standard ({reason})",
        kind=kind,
        check=~failed,
        severity=Severity.WARNING,
        message=f"validation warning {reason}",
        tags=("quality",),
        description="A valid record that validation flagged: a blank standard value, free "
        "text outside the known list, a legacy format. The record is kept and counted.",
    )


def _column_rule(kind: str, column: str, header: str) -> Rule:
    return Rule(
        id=f"quality.standard_column.{kind}.{column}",
        title=f"the file carries the standard column {column} ({header})",
        kind=kind,
        check=pl.col(column).is_not_null().any(),
        scope=Scope.ENTITY,
        entity_key=_FILE,
        severity=Severity.WARNING,
        message=f"standard column {column} ({header}) is missing or blank in this file",
        tags=("quality", "completeness"),
        description="One finding per file and column: the records stay valid, but the "
        "publication is incomplete (双公示 / SPC list).",
    )


QUALITY_RULES: tuple[Rule, ...] = tuple(
    rule
    for kind in BUILTIN_KINDS
    for rule in (
        *(_row_rule(kind.name, reason, failed) for reason, failed in warning_checks(kind)),
        *(
            _column_rule(kind.name, f.name, f.aliases[0] if f.aliases else f.name)
            for f in kind.fields
            if f.standard
        ),
    )
)


@hookimpl
def credit_ledger_rules() -> Sequence[Rule]:
    """Warning-level findings from validation's warnings, per row and per file."""
    return QUALITY_RULES


@hookimpl
def credit_ledger_derived_columns() -> Sequence[DerivedColumn]:
    """``source_file``: the file a record came from, the key of the per-file rules."""
    return [
        DerivedColumn(
            name=_FILE,
            kind=kind.name,
            expr=pl.col(_SOURCE).cast(pl.String),
            description="the source file of the record (_source)",
        )
        for kind in BUILTIN_KINDS
    ]
