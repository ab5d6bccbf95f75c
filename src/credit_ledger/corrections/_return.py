"""A returned correction workbook as a source: our columns dropped, masked cells restored."""

from __future__ import annotations

import polars as pl

from credit_ledger._redact import mask_code_expr, mask_name_expr, unmasked
from credit_ledger.corrections._write import CODES_ZH, OUR_COLUMNS
from credit_ledger.ingest import FAULT
from credit_ledger.kinds import RecordKind
from credit_ledger.ledger import LedgerState

__all__ = ["is_returned", "returned"]

_PRIOR = "_prior"
_OUR_FAULTS = tuple(f"{FAULT}{c}:" for c in OUR_COLUMNS)


def is_returned(frame: pl.LazyFrame) -> bool:
    """Whether ``frame`` was read from a correction workbook (it has our reason-code column)."""
    return CODES_ZH in frame.collect_schema().names()


def returned(frame: pl.LazyFrame, kind: RecordKind, state: LedgerState) -> pl.LazyFrame:
    """``frame`` read from a returned correction workbook, as the records it holds.

    The workbook's own columns (:data:`OUR_COLUMNS`) are dropped. A personal cell the
    department returned still masked (``张*``, ``130105********1234``) would otherwise replace
    the real value: where it is exactly the mask of the value the ledger quarantined under the
    row's record id, the quarantined value is put back. A frame not read from a workbook is
    returned unchanged.
    """
    names = frame.collect_schema().names()
    if CODES_ZH not in names:
        return frame
    ours = [c for c in names if c in OUR_COLUMNS or c.startswith(_OUR_FAULTS)]
    frame = frame.drop(ours)
    personal = [c for c in kind.personal_columns if c in names]
    if not personal or state.run is None or "record_id" not in names:
        return frame
    prior = (
        state.quarantine(all_runs=True)
        .filter(pl.col("kind") == kind.name)
        .select(
            pl.col("record_id").cast(pl.String),
            pl.col("values")
            .str.json_decode(pl.Struct(dict.fromkeys(personal, pl.String)))
            .alias(_PRIOR),
        )
        .unique("record_id", keep="last", maintain_order=True)
    )
    with unmasked(False):  # compare with the mask the workbook was written with
        restored = []
        for column in personal:
            was = pl.col(_PRIOR).struct.field(column)
            now = pl.col(column)
            masked = now.str.contains("*", literal=True) & (
                (mask_code_expr(was) == now) | (mask_name_expr(was) == now)
            )
            restored.append(pl.when(masked).then(was).otherwise(now).alias(column))
    return (
        frame.with_columns(pl.col("record_id").cast(pl.String))
        .join(prior, on="record_id", how="left", maintain_order="left")
        .with_columns(restored)
        .drop(_PRIOR)
    )
