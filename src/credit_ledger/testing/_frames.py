"""Typed frames from plain records, shaped like ``validate(...).valid``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

import polars as pl

from credit_ledger.ids import subject_kind_expr
from credit_ledger.kinds import Field, RecordKind
from credit_ledger.plugins import get_kind

__all__ = ["make_frame", "make_text_frame", "to_text_frame"]


def _value(f: Field, v: object) -> object:  # noqa: PLR0911 - one branch per declared dtype
    if v is None:
        return None
    if f.dtype == "date":
        if isinstance(v, dt.date):
            return v
        return dt.date.fromisoformat(str(v))
    if f.dtype in {"decimal", "rate"}:
        return v if isinstance(v, Decimal) else Decimal(str(v))
    if f.dtype == "int":
        return int(str(v))
    if f.dtype == "bool":
        if isinstance(v, str):
            return v.strip().lower() in {"true", "1", "yes", "是"}
        return bool(v)
    return str(v)


def make_frame(
    kind: str | RecordKind,
    records: Sequence[Mapping[str, object]],
    *,
    source: str = "test",
) -> pl.DataFrame:
    """A typed frame of ``kind`` from plain records, as ``validate(...).valid`` gives it.

    Every canonical column is present (missing values are null) with the kind's dtype; dates
    may be ISO strings and amounts ints, floats or strings. Keys that are not columns of the
    kind are kept (e.g. a derived input). ``subject_kind`` is derived from the subject code
    as validation does, and ``_source``/``_row`` (1-based) are added.

    Example:
        >>> df = make_frame("admin_penalty", [{"fine_yuan": 500, "decision_date": "2024-03-01"}])
        >>> df.schema["fine_yuan"], df.schema["decision_date"], df["_row"].to_list()
        (Decimal(precision=38, scale=2), Date, [1])
    """
    k = get_kind(kind)
    n = len(records)
    columns: dict[str, pl.Series] = {}
    for f in k.fields:
        values = [_value(f, r.get(f.name)) for r in records]
        columns[f.name] = pl.Series(f.name, values, dtype=f.polars_dtype)
    extras: list[str] = []
    for r in records:
        extras.extend(key for key in r if key not in columns and key not in extras)
    for key in extras:
        columns[key] = pl.Series(key, [r.get(key) for r in records], strict=False)
    frame = pl.DataFrame(list(columns.values())) if columns else pl.DataFrame(height=n)
    if k.subject_code is not None and "subject_kind" not in frame.columns:
        frame = frame.with_columns(subject_kind_expr(pl.col(k.subject_code)).alias("subject_kind"))
    return frame.with_columns(
        pl.lit(source, pl.String).alias("_source"),
        pl.int_range(1, n + 1, dtype=pl.Int64).alias("_row"),
    )


def to_text_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The records as a reader gives them: every column as text (dates ISO, amounts plain),
    without derived columns, with ``_source`` and ``_row``. Use it to feed typed test records
    back through :func:`credit_ledger.validate`.

    Example:
        >>> df = make_frame("admin_penalty", [{"fine_yuan": 500, "decision_date": "2024-03-01"}])
        >>> text = to_text_frame(df)
        >>> text["fine_yuan"].to_list(), text.schema["decision_date"]
        (['500.00'], String)
    """
    data = [c for c in frame.columns if not c.startswith("_") and c != "subject_kind"]
    out = frame.select(pl.col(data).cast(pl.String))
    source = frame["_source"] if "_source" in frame.columns else pl.Series(["test"] * frame.height)
    return out.with_columns(
        source.cast(pl.String).alias("_source"),
        pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias("_row"),
    )


def make_text_frame(
    kind: str | RecordKind,
    records: Sequence[Mapping[str, object]],
    *,
    source: str = "test",
) -> pl.DataFrame:
    """A frame of ``kind`` as a reader gives it (every canonical column as text, missing values
    null, ``_source`` and ``_row``), ready for :func:`credit_ledger.validate`.

    Example:
        >>> make_text_frame("admin_penalty", [{"fine_yuan": "12.5"}]).schema["fine_yuan"]
        String
    """
    k = get_kind(kind)
    columns = {
        f.name: pl.Series(
            f.name,
            [None if r.get(f.name) is None else str(r.get(f.name)) for r in records],
            dtype=pl.String,
        )
        for f in k.fields
    }
    n = len(records)
    frame = pl.DataFrame(list(columns.values())) if columns else pl.DataFrame(height=n)
    return frame.with_columns(
        pl.lit(source, pl.String).alias("_source"),
        pl.int_range(1, n + 1, dtype=pl.Int64).alias("_row"),
    )
