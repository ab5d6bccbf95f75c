"""Ingest: read a source into canonical columns with provenance, losing no row.

:func:`read` maps Chinese or English headers onto a record kind's canonical names, converts
amounts given in 万元 to yuan, and adds ``_source`` (the source's name) and ``_row`` (1-based
data row number in that source). Values stay text; :func:`credit_ledger.validate` normalises,
parses and checks them, and quarantines what does not parse.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import polars as pl

from credit_ledger.errors import FormatError, SourceNotFoundError
from credit_ledger.ingest._headers import HeaderMap, header_key, map_headers
from credit_ledger.ingest._readers import OVERFLOW, READERS, ROW
from credit_ledger.kinds import RecordKind, get_kind

__all__ = [
    "OVERFLOW",
    "ROW",
    "SOURCE",
    "HeaderMap",
    "header_key",
    "map_headers",
    "read",
    "read_frame",
]

SOURCE = "_source"
_WAN = 10_000


def _wan_to_yuan(name: str) -> pl.Expr:
    """Amounts in 万元 → yuan, as text; text that does not parse is kept for the validator."""
    raw = pl.col(name).cast(pl.String)
    cleaned = raw.str.normalize("NFKC").str.strip_chars().str.replace_all(",", "", literal=True)
    yuan = (cleaned.str.to_decimal(scale=6) * _WAN).cast(pl.Decimal(38, 2)).cast(pl.String)
    return pl.when(yuan.is_not_null()).then(yuan).otherwise(raw).alias(name)


def read(
    source: str | PathLike[str],
    *,
    kind: str | RecordKind,
    encoding: str | None = None,
    sheet: str | None = None,
) -> pl.LazyFrame:
    """Read one source file as records of ``kind``.

    Formats by suffix: ``.csv``/``.tsv``/``.txt`` (UTF-8, UTF-8 with BOM or GBK/GB18030,
    detected unless ``encoding`` is given), ``.xlsx``, ``.parquet``, ``.ndjson``/``.jsonl``,
    ``.arrow``/``.feather``.

    Args:
        source: path of the file.
        kind: record kind name (see :func:`credit_ledger.record_kinds`).
        encoding: declared text encoding of a CSV file (``utf-8``, ``gbk``, ``gb18030``...).
        sheet: sheet name for workbooks with several sheets.

    Returns:
        A LazyFrame with the kind's canonical columns in declaration order (absent optional
        columns as nulls; an absent record id is left to the validator), then any unknown
        source columns under their own names, then ``_source`` and ``_row``.

    Raises:
        SourceNotFoundError, FormatError, EncodingError, MissingColumnError: with one clear
        message naming the file (and the kind and column where relevant).

    Example:
        >>> lf = read("dishonest_debtor.csv", kind="dishonest_debtor")  # doctest: +SKIP
        >>> result = credit_ledger.validate(lf, kind="dishonest_debtor")  # doctest: +SKIP
    """
    path = Path(source)
    record_kind = get_kind(kind)
    if not path.is_file():
        raise SourceNotFoundError(f"{path}: no such file")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise FormatError(f"{path.name}: unknown file type {path.suffix!r} (known: {known})")
    return _canonical(reader(path, encoding, sheet), record_kind, path.name)


def read_frame(
    frame: pl.DataFrame | pl.LazyFrame, *, kind: str | RecordKind, source: str
) -> pl.LazyFrame:
    """Map an in-memory frame (e.g. a database query result) onto ``kind`` like :func:`read`.

    Headers are matched the same way, 万元 amounts converted, and ``_source`` set to
    ``source``; ``_row`` numbers the rows from 1.

    Example:
        >>> lf = read_frame(pl.read_database_uri(query, uri), kind="arrears_case",
        ...                 source="db:arrears")  # doctest: +SKIP
    """
    lf = frame.lazy()
    if ROW in lf.collect_schema():
        lf = lf.drop(ROW)
    return _canonical(lf.with_row_index(ROW, offset=1), get_kind(kind), source)


def _canonical(lf: pl.LazyFrame, record_kind: RecordKind, source: str) -> pl.LazyFrame:
    headers = [c for c in lf.collect_schema().names() if c not in (ROW, OVERFLOW)]
    mapping = map_headers(headers, record_kind, source)
    lf = lf.rename(mapping.renames)
    additions = [_wan_to_yuan(c) for c in sorted(mapping.wan)]
    # A missing record id is derived from the row's content by the validator.
    additions += [
        pl.lit(None, dtype=pl.String).alias(c)
        for c in mapping.missing_optional
        if c != record_kind.key
    ]
    if additions:
        lf = lf.with_columns(additions)
    tail = [OVERFLOW] if OVERFLOW in lf.collect_schema() else []
    return lf.select(
        *(c for c in record_kind.columns if c in lf.collect_schema()),
        *mapping.extra,
        pl.lit(source).alias(SOURCE),
        pl.col(ROW).cast(pl.Int64),
        *tail,
    )
