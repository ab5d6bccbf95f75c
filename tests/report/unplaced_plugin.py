"""A plugin module for report tests (loaded through the job file's ``[plugins] modules``): a
zeroing ledger whose closing count is zero while two rows could not be placed in a period, as
the zeroing pack records them once it counts ``unplaced``."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from credit_ledger.plugins import hookimpl
from credit_ledger.rules import PERIOD_LEDGER_SCHEMA, Persist, RunContext, Summary

_SCHEMA = pl.Schema(
    {
        **PERIOD_LEDGER_SCHEMA,
        "zeroed": pl.Boolean(),
        "exit_rate": pl.Float64(),
        "unplaced": pl.Int64(),
        "distinct_bodies": pl.Int64(),
    }
)


def _ledger(ctx: RunContext, frames: Mapping[str, pl.LazyFrame]) -> pl.DataFrame:
    del frames
    start = ctx.as_of.replace(day=1)
    return pl.DataFrame(
        {
            "ledger": ["dishonest_debtor"],
            "group": pl.Series([None], dtype=pl.String),
            "period": [f"{start:%Y-%m}"],
            "period_start": [start],
            "period_end": [ctx.as_of],
            "opening": [0],
            "new": [0],
            "closed": [0],
            "closing": [0],
            "zeroed": [True],
            "exit_rate": [1.0],
            "unplaced": [2],
            "distinct_bodies": [0],
        },
        schema_overrides={"period_start": pl.Date, "period_end": pl.Date},
    )


@hookimpl
def credit_ledger_summaries() -> list[Summary]:
    """``testpack.unplaced_ledger``."""
    return [
        Summary(
            name="testpack.unplaced_ledger",
            kinds=("dishonest_debtor",),
            compute=_ledger,
            persist=Persist(schema=_SCHEMA, title=("动态清零", "Dynamic zeroing"), periods=True),
        )
    ]


__all__ = ["credit_ledger_summaries"]
