"""Ingest: read a source into canonical columns with provenance, losing no row.

:func:`read` finds the header (below a title or a profile block too), maps Chinese or English
headers, feed keys and a user's mapping onto a record kind's canonical names, converts amounts
given in 万元 to yuan, and adds ``_source`` (the source's name) and ``_row`` (1-based data row
number in that source). Values stay text; :func:`credit_ledger.validate` normalises, parses and
checks them, and quarantines what does not parse.

A file is not rejected for its shape: rows that are not records (blank lines, title and footer
rows, a repeated header) are marked ``_skip`` and counted by the validator; damage confined to
a row (a broken JSON line) quarantines that row (``_fault:*`` columns), and so does a control
byte in a field (the validator finds it in its byte pass). Only a file from which no record can
be read is an error.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from credit_ledger.errors import SourceNotFoundError
from credit_ledger.ingest._formats import reader_for, suffixes
from credit_ledger.ingest._headers import (
    ColumnMatch,
    HeaderMap,
    check_columns,
    header_key,
    lookup_for,
    map_headers,
)
from credit_ledger.ingest._noise import quiet_libraries
from credit_ledger.ingest._readers import OVERFLOW, ROW, ReadOptions, Sheet
from credit_ledger.ingest._shape import FAULT, SKIP
from credit_ledger.kinds import RecordKind, get_kind

if TYPE_CHECKING:
    from credit_ledger.contracts import SourceFormat

__all__ = [
    "FAULT",
    "OVERFLOW",
    "ROW",
    "SKIP",
    "SOURCE",
    "ColumnMatch",
    "HeaderMap",
    "header_key",
    "map_headers",
    "quiet_libraries",
    "read",
    "read_frame",
    "read_sheet",
    "reader_for",
    "suffixes",
]

SOURCE = "_source"
_WAN = 10_000
log = logging.getLogger("credit_ledger.ingest")


def _wan_to_yuan(name: str) -> pl.Expr:
    """Amounts in 万元 → yuan, as text; text that does not parse is kept for the validator."""
    raw = pl.col(name).cast(pl.String)
    cleaned = raw.str.normalize("NFKC").str.strip_chars().str.replace_all(",", "", literal=True)
    yuan = (cleaned.str.to_decimal(scale=6) * _WAN).cast(pl.Decimal(38, 2)).cast(pl.String)
    return pl.when(yuan.is_not_null()).then(yuan).otherwise(raw).alias(name)


def read_sheet(
    source: str | PathLike[str],
    *,
    kind: str | RecordKind,
    encoding: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    records_path: str | None = None,
    columns: Mapping[str, str] | None = None,
    format: str | None = None,
    formats: Sequence[SourceFormat] = (),
) -> tuple[Sheet, HeaderMap]:
    """The source's rows under its own headers, and how those headers map onto ``kind``
    (what ``credit-ledger inspect`` shows). Arguments and errors as :func:`read`."""
    path = Path(source)
    record_kind = get_kind(kind)
    mapping = check_columns(columns, record_kind)
    if not path.is_file():
        raise SourceNotFoundError(f"{path}: no such file")
    reader = reader_for(path, format, formats)
    options = ReadOptions(
        encoding=encoding,
        sheet=sheet,
        header_row=header_row,
        records_path=records_path,
        lookup=lookup_for(record_kind, mapping),
    )
    with quiet_libraries():
        got = reader(path, options)
        headers = _headers(got.frame)
    return got, map_headers(headers, record_kind, path.name, mapping)


def read(
    source: str | PathLike[str],
    *,
    kind: str | RecordKind,
    encoding: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    records_path: str | None = None,
    columns: Mapping[str, str] | None = None,
    format: str | None = None,
    formats: Sequence[SourceFormat] = (),
) -> pl.LazyFrame:
    """Read one source file as records of ``kind``.

    Formats by suffix: ``.csv``/``.tsv``/``.txt`` (UTF-8, UTF-8 with BOM or GBK/GB18030,
    detected unless ``encoding`` is given), ``.xlsx`` and ``.xls`` (BIFF8), ``.json`` (a
    document), ``.ndjson``/``.jsonl``, ``.parquet``, ``.arrow``/``.feather``; then the
    suffixes of ``formats`` (source formats contributed by plugins), or the format named by
    ``format``. A contributed format's frame is mapped, converted and numbered like a
    built-in one.

    Headers are matched to the kind's columns by their names and aliases, by the header
    profiles of published feeds, and by ``columns``. What is decided about the file's shape
    (a header found on row 3, a repeated header renamed, a missing column) is logged as a
    warning of the ``credit_ledger.ingest`` logger.

    Args:
        source: path of the file.
        kind: record kind name (see :func:`credit_ledger.record_kinds`).
        encoding: declared text encoding of a CSV file (``utf-8``, ``gbk``, ``gb18030``...).
        sheet: sheet name for workbooks with several sheets.
        header_row: 1-based row of the header in a CSV file or a sheet; by default the row
            among the first 50 that names the most columns of ``kind``.
        records_path: where a JSON document keeps its records, keys and list indexes joined
            by dots (``data.0.result``); by default the first list of objects found.
        columns: source header → canonical column, over every other match
            (``{"企业名称": "subject_name"}``).
        format: read the file as this format, whatever its suffix: a built-in one (``csv``,
            ``parquet``, ``arrow``, ``ndjson``, ``json``, ``excel``) or one of ``formats``.
        formats: source formats contributed by plugins (:func:`credit_ledger.read` passes the
            installed ones).

    Returns:
        A LazyFrame with the kind's canonical columns in declaration order (absent optional
        columns as nulls; absent required columns and record id are left to the validator),
        then any unknown source columns under their own names, then ``_source``, ``_row`` and
        the shape columns the validator consumes (``_skip``, ``_fault:*``).

    Raises:
        SourceNotFoundError, FormatError, EncodingError: one clear message naming the file.
        MissingColumnError: no header names any column of ``kind``.
        ConfigError: ``columns`` names a column ``kind`` does not have (names the closest),
            or ``format`` names no known format (lists the known ones).
        PluginError: a contributed format's reader raised (names the plugin).

    Example:
        >>> lf = read("dishonest_debtor.csv", kind="dishonest_debtor")  # doctest: +SKIP
        >>> lf = read("penalties.json", kind="admin_penalty", records_path="data.0.result",
        ...           columns={"企业名称": "subject_name"})  # doctest: +SKIP
        >>> result = credit_ledger.validate(lf, kind="admin_penalty")  # doctest: +SKIP
    """
    record_kind = get_kind(kind)
    got, mapping = read_sheet(
        source,
        kind=record_kind,
        encoding=encoding,
        sheet=sheet,
        header_row=header_row,
        records_path=records_path,
        columns=columns,
        format=format,
        formats=formats,
    )
    for warning in (*got.warnings, *mapping.warnings):
        log.warning("%s", warning)
    return _canonical(got.frame, record_kind, Path(source).name, mapping)


def read_frame(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    kind: str | RecordKind,
    source: str,
    columns: Mapping[str, str] | None = None,
) -> pl.LazyFrame:
    """Map an in-memory frame (e.g. a database query result) onto ``kind`` like :func:`read`.

    Headers are matched the same way (``columns`` too), 万元 amounts converted, and
    ``_source`` set to ``source``; ``_row`` numbers the rows from 1.

    Example:
        >>> lf = read_frame(pl.read_database_uri(query, uri), kind="arrears_case",
        ...                 source="db:arrears")  # doctest: +SKIP
    """
    lf = frame.lazy()
    if ROW in lf.collect_schema():
        lf = lf.drop(ROW)
    record_kind = get_kind(kind)
    mapping = map_headers(_headers(lf), record_kind, source, columns)
    for warning in mapping.warnings:
        log.warning("%s", warning)
    return _canonical(lf.with_row_index(ROW, offset=1), record_kind, source, mapping)


def _headers(lf: pl.LazyFrame) -> list[str]:
    internal = (ROW, OVERFLOW, SKIP)
    return [c for c in lf.collect_schema().names() if c not in internal and not c.startswith(FAULT)]


def _canonical(
    lf: pl.LazyFrame,
    record_kind: RecordKind,
    source: str,
    mapping: HeaderMap,
) -> pl.LazyFrame:
    lf = lf.rename(mapping.renames)
    additions = [_wan_to_yuan(c) for c in sorted(mapping.wan)]
    # A missing record id is derived from the row's content by the validator; a missing
    # required column stays absent: the validator decides what its absence means.
    additions += [
        pl.lit(None, dtype=pl.String).alias(c)
        for c in mapping.missing
        if c != record_kind.key and not record_kind.field(c).required
    ]
    if additions:
        lf = lf.with_columns(additions)
    schema = lf.collect_schema()
    data = [*(c for c in record_kind.columns if c in schema), *mapping.extra]
    shape = [c for c in schema.names() if c in (OVERFLOW, SKIP) or c.startswith(FAULT)]
    return lf.select(
        *data,
        pl.lit(source).alias(SOURCE),
        pl.col(ROW).cast(pl.Int64),
        *shape,
    )
