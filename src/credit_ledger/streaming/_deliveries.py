"""Several deliveries of one kind as one set of records: the last delivery of an id wins."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from credit_ledger.streaming._duplicates import repeated_hashes

__all__ = ["last_deliveries"]


def last_deliveries(
    frames: Sequence[pl.LazyFrame], *, key: str, batch_rows: int
) -> tuple[pl.LazyFrame, int]:
    """The rows of ``frames`` (inputs in delivery order, each holding a record id once, as
    validation leaves them) with each id once, from the last input holding it; and how many
    rows that drops. Ids in several inputs are found by their hashes first (8 bytes a row),
    so only those are joined."""
    together = pl.concat(frames, how="diagonal_relaxed")
    if len(frames) < 2:
        return together, 0
    keys = (lf.select(key) for lf in frames)
    suspects = repeated_hashes(keys, columns=[key], batch_rows=batch_rows)[key].implode()
    if suspects.list.len().item() == 0:
        return together, 0
    holders = pl.concat(
        lf.select(key, pl.lit(i).alias("__input")).filter(pl.col(key).hash(seed=0).is_in(suspects))
        for i, lf in enumerate(frames)
    )
    repeated = (
        holders.group_by(key)
        .agg(pl.col("__input").max(), pl.len().alias("__copies"))
        .filter(pl.col("__copies") > 1)
        .collect(engine="streaming")
    )
    if not repeated.height:
        return together, 0
    latest = [
        lf.join(repeated.lazy().filter(pl.col("__input") != i).select(key), on=key, how="anti")
        for i, lf in enumerate(frames)
    ]
    dropped = int(repeated["__copies"].sum()) - repeated.height
    return pl.concat(latest, how="diagonal_relaxed"), dropped
