"""Readers per source format. Each returns a LazyFrame with the source's own headers, every
physical record as one row, and ``_row`` (1-based data row number, header excluded)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import fastexcel
import polars as pl

from credit_ledger.errors import FormatError, describe
from credit_ledger.ingest._encoding import (
    canonical_encoding,
    detect_encoding,
    read_head_text,
    to_utf8,
)

ROW = "_row"
OVERFLOW = "_overflow"
"""Holds the first surplus field of a CSV record that has more fields than the header."""

Reader = Callable[[Path, str | None, str | None], pl.LazyFrame]


def _csv_header(path: Path, encoding: str, separator: str) -> list[str]:
    head = read_head_text(path, encoding)
    if head.startswith("\ufeff"):
        head = head[1:]
    if not head.strip():
        raise FormatError(f"{path.name}: empty file (no header line)")
    header = next(csv.reader(io.StringIO(head), delimiter=separator))
    if not any(h.strip() for h in header):
        raise FormatError(f"{path.name}: the first line holds no column names")
    header = [h.strip() for h in header]
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise FormatError(f"{path.name}: duplicated header {dupes[0]!r}")
    blank = [i + 1 for i, h in enumerate(header) if not h]
    if blank:
        raise FormatError(f"{path.name}: header column(s) {blank} have no name")
    return header


def read_csv(path: Path, encoding: str | None, sheet: str | None) -> pl.LazyFrame:
    """Scan a delimited text file (UTF-8, UTF-8 with BOM, GBK/GB18030) as all-String columns."""
    del sheet
    separator = "\t" if path.suffix.lower() in {".tsv", ".tab"} else ","
    enc = canonical_encoding(encoding) if encoding else detect_encoding(path)
    header = _csv_header(path, enc, separator)
    source = to_utf8(path, enc)
    positional = [f"__c{i}" for i in range(len(header))]
    lf = pl.scan_csv(
        source,
        has_header=False,
        skip_rows=1,
        separator=separator,
        schema=dict.fromkeys([*positional, OVERFLOW], pl.String),
        missing_columns="insert",
        truncate_ragged_lines=True,
        encoding="utf8-lossy",
        row_index_name=ROW,
        row_index_offset=1,
        raise_if_empty=False,
    )
    return lf.rename(dict(zip(positional, header, strict=True)))


def _checked(lf: pl.LazyFrame, path: Path, what: str) -> pl.LazyFrame:
    try:
        lf.collect_schema()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise FormatError(f"{path.name}: not a readable {what} file ({describe(exc)})") from None
    return lf


def read_parquet(path: Path, encoding: str | None, sheet: str | None) -> pl.LazyFrame:
    """Scan a Parquet file (columns keep their types; text is parsed by the validator)."""
    del encoding, sheet
    return _checked(pl.scan_parquet(path), path, "Parquet").with_row_index(ROW, offset=1)


def read_ipc(path: Path, encoding: str | None, sheet: str | None) -> pl.LazyFrame:
    """Scan an Arrow IPC (Feather v2) file."""
    del encoding, sheet
    return _checked(pl.scan_ipc(path), path, "Arrow IPC").with_row_index(ROW, offset=1)


def read_ndjson(path: Path, encoding: str | None, sheet: str | None) -> pl.LazyFrame:
    """Read newline-delimited JSON; every value is kept as text."""
    del encoding, sheet
    if path.stat().st_size == 0:
        raise FormatError(f"{path.name}: empty file")
    try:
        df = pl.read_ndjson(path, infer_schema_length=None)
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise FormatError(f"{path.name}: not a readable NDJSON file ({describe(exc)})") from None
    text = df.select(pl.all().cast(pl.String))
    return text.lazy().with_row_index(ROW, offset=1)


def read_excel(path: Path, encoding: str | None, sheet: str | None) -> pl.LazyFrame:
    """Read one sheet of an ``.xlsx`` workbook as text.

    A workbook with several non-empty sheets needs ``sheet``: guessing would mix kinds.
    """
    del encoding
    try:
        book = fastexcel.read_excel(path)
    except Exception as exc:
        raise FormatError(f"{path.name}: not a readable .xlsx file ({describe(exc)})") from None
    names = list(book.sheet_names)
    if sheet is None:
        filled = [n for n in names if book.load_sheet(n, n_rows=1).height > 0 or len(names) == 1]
        if len(filled) > 1:
            raise FormatError(
                f"{path.name}: the workbook has {len(filled)} sheets with data "
                f"({', '.join(filled)}); choose one with sheet=... (CLI: --sheet)"
            )
        sheet = filled[0] if filled else names[0]
    elif sheet not in names:
        raise FormatError(f"{path.name}: no sheet {sheet!r} (sheets: {', '.join(names)})")
    df = pl.read_excel(path, sheet_name=sheet, engine="calamine", infer_schema_length=0)
    return df.select(pl.all().cast(pl.String)).lazy().with_row_index(ROW, offset=1)


READERS: dict[str, Reader] = {
    ".csv": read_csv,
    ".txt": read_csv,
    ".tsv": read_csv,
    ".parquet": read_parquet,
    ".pq": read_parquet,
    ".arrow": read_ipc,
    ".ipc": read_ipc,
    ".feather": read_ipc,
    ".ndjson": read_ndjson,
    ".jsonl": read_ndjson,
    ".xlsx": read_excel,
}
"""Built-in readers by file suffix."""
