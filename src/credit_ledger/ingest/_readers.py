"""Readers per source format. Each returns a :class:`Sheet`: a LazyFrame with the source's own
headers (made unique), every physical record as one row, ``_row`` (1-based data row number,
header excluded), and the warnings about the file's shape.

Text formats (CSV, workbooks, JSON) find their header below a title or a profile block and
mark the rows that are not records (see :mod:`credit_ledger.ingest._shape`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fastexcel
import polars as pl

from credit_ledger.errors import FormatError, describe
from credit_ledger.ingest._encoding import (
    SNIFF_BYTES,
    canonical_encoding,
    closed_quote,
    detect_encoding,
    read_head_text,
    refuse_non_text,
    to_utf8,
)
from credit_ledger.ingest._headers import _Hit, deduplicated, header_score
from credit_ledger.ingest._shape import (
    FAULT,
    HEADER_SCAN_ROWS,
    SKIP,
    find_header,
    skip_expr,
)

ROW = "_row"
OVERFLOW = "_overflow"
"""Holds the first surplus field of a CSV record that has more fields than the header."""
JSON_FAULT = f"{FAULT}row:json"


@dataclass(frozen=True, kw_only=True)
class ReadOptions:
    """What a reader is told besides the path.

    Attributes:
        encoding: declared text encoding (CSV).
        sheet: sheet name (workbooks).
        header_row: 1-based row of the header (text formats); found when None.
        records_path: where a JSON document keeps its records (``data.0.result``).
        lookup: header key → canonical column, to find the header row.
    """

    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    records_path: str | None = None
    lookup: Mapping[str, _Hit] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Sheet:
    """A source's rows under its own (unique) headers, and what was decided reading it."""

    frame: pl.LazyFrame
    warnings: tuple[str, ...] = ()
    header_row: int | None = None
    """1-based row of the header (text formats with a header row)."""


Reader = Callable[[Path, ReadOptions], Sheet]


def _header_at(index: int, cells: Sequence[str | None], path: Path) -> tuple[list[str], list[str]]:
    """The header row's ``cells`` made unique, and the warnings about where it was found."""
    header, warnings = deduplicated(cells, path.name)
    if index:
        warnings.insert(
            0,
            f"{path.name}: {index} row(s) above the header skipped (a title or profile "
            f"block); the header is row {index + 1}",
        )
    return header, warnings


def _shaped(lf: pl.LazyFrame, header: list[str]) -> pl.LazyFrame:
    return lf.with_columns(skip_expr(header, header))


def _head_rows(lines: list[str], separator: str, wanted: int) -> list[list[str]]:
    """The first ``wanted`` rows of the file's start, or those before a field too long for
    the csv module (the header is among the first rows, and short)."""
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO("".join(lines)), delimiter=separator)
    try:
        for row in reader:
            rows.append(row)
            if len(rows) == wanted:
                break
    except csv.Error:
        pass
    return rows


def _open_quote(path: Path) -> bool:
    """Whether the file holds an odd number of ``"``: a quoted field left open at the end,
    which would make the CSV parser fail the whole file (escaped quotes come in pairs)."""
    quotes = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_SCAN_CHUNK):
            quotes += chunk.count(b'"')
    return quotes % 2 == 1


def read_csv(path: Path, options: ReadOptions) -> Sheet:
    """Scan a delimited text file (UTF-8, UTF-8 with BOM, GBK/GB18030) as all-String columns."""
    separator = "\t" if path.suffix.lower() in {".tsv", ".tab"} else ","
    enc = canonical_encoding(options.encoding) if options.encoding else detect_encoding(path)
    head = read_head_text(path, enc, SNIFF_BYTES).removeprefix("\ufeff")
    if not head.strip():
        raise FormatError(f"{path.name}: empty file (no header line)")
    lines = head.splitlines(keepends=True)
    if len(head.encode()) >= SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut at the sniffed length
    rows = _head_rows(lines, separator, max(HEADER_SCAN_ROWS, options.header_row or 0))
    index = find_header(rows, options.lookup, path.name, options.header_row)
    header, warnings = _header_at(index, rows[index] if rows else [], path)
    positional = [f"__c{i}" for i in range(len(header))]
    text = to_utf8(path, enc)
    if _open_quote(text):
        text = closed_quote(text)
        warnings.append(
            f"{path.name}: a quote opened near the end is never closed; the rest of the file "
            "was read as one field of the last record"
        )
    lf = pl.scan_csv(
        text,
        has_header=False,
        skip_rows=index + 1,
        separator=separator,
        schema=dict.fromkeys([*positional, OVERFLOW], pl.String),
        missing_columns="insert",
        truncate_ragged_lines=True,
        encoding="utf8-lossy",
        row_index_name=ROW,
        row_index_offset=1,
        raise_if_empty=False,
    ).rename(dict(zip(positional, header, strict=True)))
    return Sheet(
        frame=_shaped(lf, header),
        warnings=tuple(warnings),
        header_row=index + 1,
    )


def _checked(lf: pl.LazyFrame, path: Path, what: str) -> pl.LazyFrame:
    try:
        lf.collect_schema()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise FormatError(f"{path.name}: not a readable {what} file ({describe(exc)})") from None
    return lf


def unshaped(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Every row a record: a binary format has no title, blank or repeated header rows."""
    return lf.with_row_index(ROW, offset=1).with_columns(pl.lit(None, dtype=pl.String).alias(SKIP))


def read_parquet(path: Path, options: ReadOptions) -> Sheet:
    """Scan a Parquet file (columns keep their types; text is parsed by the validator)."""
    del options
    return Sheet(frame=unshaped(_checked(pl.scan_parquet(path), path, "Parquet")))


def read_ipc(path: Path, options: ReadOptions) -> Sheet:
    """Scan an Arrow IPC (Feather v2) file."""
    del options
    return Sheet(frame=unshaped(_checked(pl.scan_ipc(path), path, "Arrow IPC")))


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _records_frame(items: Sequence[object], rows: Sequence[int]) -> pl.DataFrame:
    """Records (JSON objects) as String columns, keys in order of first appearance; an item
    that is not an object is a ``row:json`` fault."""
    keys: dict[str, None] = {}
    for item in items:
        if isinstance(item, dict):
            keys.update(dict.fromkeys(str(k) for k in item))
    objects = [item if isinstance(item, dict) else {} for item in items]
    columns: dict[str, list[str | None]] = {k: [_text(o.get(k)) for o in objects] for k in keys}
    return pl.DataFrame(
        [
            *(pl.Series(k, v, dtype=pl.String) for k, v in columns.items()),
            pl.Series(JSON_FAULT, [not isinstance(i, dict) for i in items], dtype=pl.Boolean),
            pl.Series(ROW, rows, dtype=pl.Int64),
        ]
    )


_BLANK_LINE = re.compile(rb"(^|\n)[ \t\r]*(\n|$)")


def read_ndjson(path: Path, options: ReadOptions) -> Sheet:
    """Read newline-delimited JSON; every value is kept as text. A line that is not a JSON
    object is a quarantined ``row:json``; blank lines are counted, not read."""
    del options
    data = path.read_bytes()
    if not data.strip():
        raise FormatError(f"{path.name}: empty file")
    refuse_non_text(path, data[:SNIFF_BYTES], "NDJSON text")
    lines = data.removesuffix(b"\n")  # the last line's end is no blank line
    if not _BLANK_LINE.search(lines):
        try:
            df = pl.read_ndjson(io.BytesIO(data), infer_schema_length=None)
            if df.height == lines.count(b"\n") + 1:
                text = df.select(pl.all().cast(pl.String))
                lf = text.lazy().with_row_index(ROW, offset=1)
                return Sheet(frame=lf.with_columns(pl.lit(None, dtype=pl.String).alias(SKIP)))
        except (pl.exceptions.PolarsError, ValueError):
            pass  # a damaged line: read line by line below, to keep the others
    items: list[object] = []
    rows: list[int] = []
    blank: list[int] = []
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        if not line.strip():
            blank.append(number)
            continue
        try:
            items.append(json.loads(line))
        except ValueError:
            items.append(None)
        rows.append(number)
    frame = _records_frame(items, rows).with_columns(pl.lit(None, dtype=pl.String).alias(SKIP))
    if blank:
        blanks = pl.DataFrame(
            {ROW: blank, SKIP: ["blank_line"] * len(blank)},
            schema={ROW: pl.Int64, SKIP: pl.String},
        )
        frame = pl.concat([frame, blanks], how="diagonal").sort(ROW)
    warnings = []
    if frame[JSON_FAULT].any():
        broken = frame.filter(pl.col(JSON_FAULT))[ROW].to_list()
        warnings.append(
            f"{path.name}: {len(broken)} line(s) are not JSON objects (line {broken[0]} first); "
            "quarantined as row:json"
        )
    return Sheet(frame=frame.lazy(), warnings=tuple(warnings))


def _records_at(document: object, path: Path, options: ReadOptions) -> tuple[list[object], str]:
    if options.records_path:
        node = document
        for step in options.records_path.split("."):
            if isinstance(node, list) and step.isdigit() and int(step) < len(node):
                node = node[int(step)]
            elif isinstance(node, dict) and step in node:
                node = node[step]
            else:
                raise FormatError(
                    f"{path.name}: no records at {options.records_path!r} (no {step!r})"
                )
        return (node if isinstance(node, list) else [node]), options.records_path
    # Without a path: the list of objects whose keys name the most columns of the kind (the
    # first such list breadth-first: an API's envelope also holds lists of objects).
    candidates: list[tuple[int, list[object], str]] = []
    queue: list[tuple[object, str]] = [(document, "")]
    while queue:
        node, where = queue.pop(0)
        if isinstance(node, list) and any(isinstance(i, dict) for i in node):
            keys = {str(k) for i in node[:HEADER_SCAN_ROWS] if isinstance(i, dict) for k in i}
            candidates.append((header_score(sorted(keys), options.lookup), node, where))
        children = (
            node.items()
            if isinstance(node, dict)
            else enumerate(node)
            if isinstance(node, list)
            else ()
        )
        queue.extend((v, f"{where}.{k}".lstrip(".")) for k, v in children)
    if candidates:
        best = max(c[0] for c in candidates)
        _, records, where = next(c for c in candidates if c[0] == best)
        return records, where
    if isinstance(document, dict):
        return [document], ""
    raise FormatError(f"{path.name}: no records (a list of JSON objects) in the document")


def read_json(path: Path, options: ReadOptions) -> Sheet:
    """Read a JSON document: a list of records, or records under a key (``records_path`` like
    ``data.0.result``; found when not given). Every value is kept as text."""
    data = path.read_bytes()
    if not data.strip():
        raise FormatError(f"{path.name}: empty file")
    refuse_non_text(path, data[:SNIFF_BYTES], "JSON text")
    try:
        document: Any = json.loads(data.decode("utf-8-sig", "replace"))
    except ValueError as exc:
        raise FormatError(f"{path.name}: not a readable JSON document ({exc})") from None
    records, where = _records_at(document, path, options)
    warnings = []
    if where and not options.records_path:
        warnings.append(f"{path.name}: records read from {where!r} (choose with --records-path)")
    frame = _records_frame(records, list(range(1, len(records) + 1)))
    if frame[JSON_FAULT].any():
        warnings.append(f"{path.name}: {frame[JSON_FAULT].sum()} item(s) are not JSON objects")
    return Sheet(
        frame=frame.lazy().with_columns(pl.lit(None, dtype=pl.String).alias(SKIP)),
        warnings=tuple(warnings),
    )


def _sheet_name(book: fastexcel.ExcelReader, path: Path, sheet: str | None) -> str:
    names = list(book.sheet_names)
    if sheet is not None:
        if sheet not in names:
            raise FormatError(f"{path.name}: no sheet {sheet!r} (sheets: {', '.join(names)})")
        return sheet
    filled = [
        n for n in names if book.load_sheet(n, header_row=None, n_rows=1, dtypes="string").height
    ]
    if len(filled) > 1:
        raise FormatError(
            f"{path.name}: the workbook has {len(filled)} sheets with data "
            f"({', '.join(filled)}); choose one with sheet=... (CLI: --sheet)"
        )
    return filled[0] if filled else names[0]


def read_excel(path: Path, options: ReadOptions) -> Sheet:
    """Read one sheet of an ``.xlsx`` or ``.xls`` (BIFF8) workbook as text.

    A workbook with several non-empty sheets needs ``sheet``: guessing would mix kinds.
    """
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_WORKBOOK)
    if not head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        refuse_non_text(path, head, "a workbook")  # an HTML page saved as .xls, most often
        raise FormatError(f"{path.name}: not an .xlsx or .xls workbook (text, not a workbook)")
    try:
        book = fastexcel.read_excel(path)
        name = _sheet_name(book, path, options.sheet)
        raw = book.load_sheet(name, header_row=None, dtypes="string").to_polars()
    except FormatError:
        raise
    except Exception as exc:  # fastexcel raises its own types for damaged books
        raise FormatError(f"{path.name}: not a readable workbook ({describe(exc)})") from None
    rows = raw.head(max(HEADER_SCAN_ROWS, options.header_row or 0)).rows()
    index = find_header(rows, options.lookup, path.name, options.header_row)
    data = raw.slice(index + 1)
    cells = rows[index] if rows else ()
    # Formatted but empty cells widen a sheet: a column without header and data is no column.
    keep = [
        c
        for c, h in zip(data.columns, cells, strict=False)
        if h is not None or data[c].null_count() < data.height
    ]
    header, warnings = _header_at(index, [cells[data.columns.index(c)] for c in keep], path)
    data = data.select(keep).rename(dict(zip(keep, header, strict=True)))
    lf = data.lazy().with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    return Sheet(frame=_shaped(lf, header), warnings=tuple(warnings), header_row=index + 1)


_SNIFF_WORKBOOK = 1 << 16
_SCAN_CHUNK = 8 << 20

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
    ".json": read_json,
    ".xlsx": read_excel,
    ".xls": read_excel,
}
"""Built-in readers by file suffix."""
