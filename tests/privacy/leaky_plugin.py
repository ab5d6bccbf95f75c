"""A plugin whose code raises on personal values, for the privacy tests (registered by a job
file's ``[plugins] modules``, the public way to add a plugin module to a run).

Its rule converts debtors' names to integers in Python, as a careless plugin might: Python's
``int()`` puts the value in its message (``invalid literal for int() with base 10: '张晓燕'``).
Its summary raises with a name and an ID number in the text.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from credit_ledger.plugins import hookimpl
from credit_ledger.rules import Rule, RunContext, Summary

KIND = "dishonest_debtor"


def _as_ints(names: pl.Series) -> pl.Series:
    return pl.Series([int(v) for v in names.drop_nulls()], dtype=pl.Int64)


def _boom(ctx: RunContext, frames: Mapping[str, pl.LazyFrame]) -> pl.DataFrame:
    persons = (
        frames[KIND].filter(pl.col("subject_kind") == "natural_person").head(1).collect().row(0)
    )
    row = dict(zip(frames[KIND].collect_schema().names(), persons, strict=True))
    raise ValueError(f"cannot total {row['debtor_name']} ({row['id_or_uscc']})")


@hookimpl
def credit_ledger_rules() -> list[Rule]:
    """A rule that raises on the first debtor's name."""
    return [
        Rule(
            id="leaky.name_as_int",
            title="debtors' names are numbers",
            violation="a debtor's name is not a number",
            kind=KIND,
            check=pl.col("debtor_name").map_batches(_as_ints, return_dtype=pl.Int64).max() > 0,
            scope="dataset",
        )
    ]


@hookimpl
def credit_ledger_summaries() -> list[Summary]:
    """A summary that raises with a person's name and ID number in its message."""
    return [Summary(name="leaky.totals", kinds=(KIND,), compute=_boom)]
