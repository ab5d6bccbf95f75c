"""A plugin module for CLI tests (loaded through the job file's ``[plugins] modules``)."""

from __future__ import annotations

import polars as pl

from credit_ledger.plugins import hookimpl
from credit_ledger.rules import Rule, Severity


@hookimpl
def credit_ledger_rules() -> list[Rule]:
    """A warning for every listed government organ."""
    return [
        Rule(
            id="testpack.organ_listed",
            title="no government organ is listed",
            kind="dishonest_debtor",
            severity=Severity.WARNING,
            check=~pl.col("id_or_uscc").str.starts_with("11"),
        )
    ]
