"""The shape of a source around its records: where the header is, and which rows are not
records (blank lines, title and footer rows, a repeated header) or are damaged.

Rows that are not records are marked in ``_skip`` (the validator counts them per kind and
drops them); damage confined to one row is a Boolean ``_fault:<reason>`` column (the validator
quarantines the row with that reason). Either way the file is read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from credit_ledger.errors import FormatError
from credit_ledger.ingest._headers import _Hit, header_score

__all__ = [
    "FAULT",
    "HEADER_SCAN_ROWS",
    "SKIP",
    "find_header",
    "skip_expr",
]

SKIP = "_skip"
"""Why a row is not a record: ``blank_line``, ``title_row`` or ``repeated_header`` (else null)."""
FAULT = "_fault:"
"""Prefix of the Boolean columns that quarantine a row with the reason after the prefix."""
HEADER_SCAN_ROWS = 50
"""Rows searched for the header line below a title or a profile block."""

_TITLE_MIN_COLUMNS = 4
_HEADER_COMPARED = 8


def find_header(
    rows: Sequence[Sequence[str | None]],
    lookup: Mapping[str, _Hit],
    source: str,
    header_row: int | None,
) -> int:
    """The 0-based index of the header among the first ``rows``: the given ``header_row``
    (1-based), else the first row naming the most columns of the kind (row 0 when none does;
    the header mapping then says what was looked for).

    Raises:
        FormatError: ``header_row`` is beyond the rows given or not a positive number.
    """
    if header_row is not None:
        if header_row < 1 or header_row > len(rows):
            raise FormatError(
                f"{source}: header row {header_row} is out of range (the file has "
                f"{len(rows)} row(s) at the top)"
            )
        return header_row - 1
    scores = [header_score(r, lookup) for r in rows[:HEADER_SCAN_ROWS]]
    if not scores:
        return 0
    best = max(scores)
    return scores.index(best) if best > 0 else 0


def skip_expr(columns: Sequence[str], header: Sequence[str]) -> pl.Expr:
    """``_skip`` for text sources: a row with no value is a blank line; a row repeating at
    least half of the header (multi-page exports print it on every page) a repeated header; a
    row with one value in its first two columns of a wide table a title or footer row."""
    if not columns:
        return pl.lit(None, dtype=pl.String).alias(SKIP)
    filled = pl.sum_horizontal(pl.col(columns).is_not_null())
    # A repeated header repeats its first columns too; comparing those is cheap on any width.
    first = list(zip(columns, header, strict=True))[:_HEADER_COMPARED]
    same = pl.sum_horizontal((pl.col(c) == h).fill_null(value=False) for c, h in first)
    lead = pl.coalesce(pl.col(c) for c in columns[:2])
    title = (filled == 1) & lead.is_not_null() if len(columns) >= _TITLE_MIN_COLUMNS else False
    space = (filled == 1) & lead.str.contains(r"^\s*$").fill_null(value=False)
    return (
        pl.when((filled == 0) | space)
        .then(pl.lit("blank_line"))
        .when(same >= max(2, (len(first) + 1) // 2))
        .then(pl.lit("repeated_header"))
        .when(title)
        .then(pl.lit("title_row"))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias(SKIP)
    )
