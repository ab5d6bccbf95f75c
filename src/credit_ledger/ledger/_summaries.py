"""Persisted summaries: the tables of ``Summary(persist=...)`` kept per run in one generic table.

A run's persisted summaries become rows of ``summaries`` (:data:`SUMMARIES_SCHEMA`): one per
summary row, the row as JSON text beside the summary's schema; :func:`decode` turns them back
into typed tables, with ``run_id``, ``as_of`` and ``summary`` in front.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools

import polars as pl
import pyarrow as pa

from credit_ledger.errors import RuleError
from credit_ledger.ledger._schema import RUN_ID, SUMMARIES_SCHEMA
from credit_ledger.rules import EvaluationResult

__all__ = ["PREFIX", "decode", "persisted_rows", "persisted_tables"]

PREFIX = (RUN_ID, "as_of", "summary")
"""Columns in front of every persisted summary's rows read back."""

_STORED = pl.Schema({c: t for c, t in SUMMARIES_SCHEMA.items() if c != RUN_ID})


def _schema_text(schema: pl.Schema) -> str:
    arrow = pl.DataFrame(schema=schema).to_arrow().schema
    return base64.b64encode(arrow.serialize().to_pybytes()).decode("ascii")


@functools.lru_cache(maxsize=64)
def _schema_of(text: str) -> pl.Schema:
    arrow = pa.ipc.read_schema(pa.py_buffer(base64.b64decode(text)))
    return pl.DataFrame(arrow.empty_table()).schema


def persisted_rows(evaluation: EvaluationResult, as_of: dt.date) -> pl.DataFrame | None:
    """The ``summaries`` rows of a run: the rows of each summary ``evaluation`` computed that
    asks to be persisted (:attr:`EvaluationResult.persist`), without ``run_id``, which the
    commit adds; None when there is none, so a ledger without such summaries gets no table.

    Raises:
        RuleError: a summary's table lacks a column its ``persist.schema`` declares, or holds
            a value that does not fit the declared type.
    """
    parts = []
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
        parts.append(
            typed.select(
                pl.lit(as_of, pl.Date).alias("as_of"),
                pl.lit(name).alias("summary"),
                pl.lit(zh).alias("title_zh"),
                pl.lit(en).alias("title_en"),
                pl.lit(persist.periods).alias("periods"),
                pl.lit(_schema_text(persist.schema)).alias("schema"),
                pl.struct(pl.all()).struct.json_encode().alias("row"),
            )
        )
    if not parts:
        return None
    return pl.concat(parts, how="vertical").cast(dict(_STORED))  # type: ignore[arg-type]


def decode(stored: pl.DataFrame) -> pl.DataFrame:
    """The typed rows of the ``summaries`` rows in ``stored`` (one summary's, usually) with
    :data:`PREFIX` in front; columns one run's schema lacks are null in its rows."""
    parts = [
        group.select(
            *PREFIX,
            pl.col("row").str.json_decode(pl.Struct(_schema_of(str(text)))).struct.unnest(),
        )
        for (text,), group in stored.group_by("schema", maintain_order=True)
    ]
    if not parts:
        return pl.DataFrame(schema={c: SUMMARIES_SCHEMA[c] for c in PREFIX})
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
        str(name): decode(group).drop(PREFIX)
        for (name,), group in stored.with_columns(pl.lit(None, pl.String).alias(RUN_ID)).group_by(
            "summary", maintain_order=True
        )
    }
