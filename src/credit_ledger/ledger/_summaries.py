"""Persisted summaries: the tables of ``Summary(persist=...)`` kept per run in one generic table.

A run's persisted summaries become rows of ``summaries`` (:data:`SUMMARIES_SCHEMA`), each
summary's table encoded as an Arrow IPC stream; :func:`decode` turns the rows of one summary
back into its typed table, with ``run_id``, ``as_of`` and ``summary`` in front.
"""

from __future__ import annotations

import datetime as dt
import io

import polars as pl

from credit_ledger.errors import RuleError
from credit_ledger.ledger._schema import RUN_ID, SUMMARIES_SCHEMA
from credit_ledger.rules import EvaluationResult

__all__ = ["PREFIX", "decode", "persisted_rows", "persisted_tables"]

PREFIX = (RUN_ID, "as_of", "summary")
"""Columns in front of every persisted summary's rows read back."""


def _ipc(table: pl.DataFrame) -> bytes:
    out = io.BytesIO()
    table.write_ipc_stream(out, compression="uncompressed")
    return out.getvalue()


def persisted_rows(evaluation: EvaluationResult, as_of: dt.date) -> pl.DataFrame | None:
    """The ``summaries`` rows of a run: one per summary ``evaluation`` computed that asks to
    be persisted (:attr:`EvaluationResult.persist`), without ``run_id``, which the commit
    adds; None when there is none, so a ledger without such summaries gets no table.

    Raises:
        RuleError: a summary's table lacks a column its ``persist.schema`` declares, or holds
            a value that does not fit the declared type.
    """
    rows = []
    for name, persist in sorted(evaluation.persist.items()):
        table = evaluation.summaries[name]
        missing = [c for c in persist.schema if c not in table.columns]
        if missing:
            raise RuleError(
                f"summary {name!r} declares persisted columns it does not compute:"
                f" {', '.join(missing)}"
            )
        try:
            typed = table.select(pl.col(c).cast(t, strict=True) for c, t in persist.schema.items())
        except pl.exceptions.PolarsError as exc:
            raise RuleError(f"summary {name!r}: not its persisted schema: {exc}") from None
        zh, en = persist.title
        rows.append(
            {
                "as_of": as_of,
                "summary": name,
                "title_zh": zh,
                "title_en": en,
                "periods": persist.periods,
                "rows": typed.height,
                "data": _ipc(typed),
            }
        )
    if not rows:
        return None
    return pl.DataFrame(
        rows, schema=pl.Schema({c: t for c, t in SUMMARIES_SCHEMA.items() if c != RUN_ID})
    )


def decode(stored: pl.DataFrame) -> pl.DataFrame:
    """The typed rows of the ``summaries`` rows in ``stored`` (one summary's, usually), each
    run's table with :data:`PREFIX` in front; columns a run lacks are null."""
    parts = [
        pl.read_ipc_stream(io.BytesIO(row["data"])).select(
            pl.lit(row[RUN_ID], pl.String).alias(RUN_ID),
            pl.lit(row["as_of"], pl.Date).alias("as_of"),
            pl.lit(row["summary"], pl.String).alias("summary"),
            pl.all(),
        )
        for row in stored.iter_rows(named=True)
    ]
    if not parts:
        return pl.DataFrame(schema={RUN_ID: pl.String, "as_of": pl.Date, "summary": pl.String})
    return pl.concat(parts, how="diagonal_relaxed")


def persisted_tables(stored: pl.DataFrame | None) -> dict[str, pl.DataFrame]:
    """Each summary's typed table among ``summaries`` rows (of one run), by name: what
    :func:`persisted_rows` stored, read back.

    Example:
        >>> persisted_tables(None)
        {}
    """
    if stored is None:
        return {}
    return {
        str(row["summary"]): pl.read_ipc_stream(io.BytesIO(row["data"]))
        for row in stored.iter_rows(named=True)
    }
