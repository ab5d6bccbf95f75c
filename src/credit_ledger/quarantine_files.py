"""The quarantine written for people: the rows a clerk must correct, as ``.csv`` or ``.xlsx``.

Parquet keeps the machine form (canonical columns, ``_reasons`` as a list). A ``.csv`` (UTF-8
with BOM, so Excel opens it) or ``.xlsx`` file holds, per quarantined row: its row number in
the source, the reason codes, the reasons in Chinese, then the source's own columns under their
original headers with the values as read (before 万元 amounts are converted or text cleaned).

The original headers and values come from reading the source again with the reader that
ingest used (header mapping is deterministic: the same file gives the same columns), keeping
only the quarantined rows by their row number. Without a source file (a frame from a
database), the quarantine's columns are written under their Chinese headers.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from credit_ledger.errors import OutputError, UsageError
from credit_ledger.ingest import FAULT, OVERFLOW, ROW, SKIP, SOURCE, HeaderMap, read_sheet
from credit_ledger.ingest._readers import READERS
from credit_ledger.kinds import RecordKind
from credit_ledger.reasons import explain, label_zh
from credit_ledger.validate import REASONS

__all__ = [
    "FOR_PEOPLE",
    "RUN_OUTPUTS",
    "SUFFIXES",
    "Delivered",
    "check_path",
    "for_people",
    "require_xlsxwriter",
    "run_for_people",
    "source_rows",
    "write_quarantine",
    "write_run_quarantine",
]

FOR_PEOPLE = (".csv", ".xlsx")
SUFFIXES = (".parquet", *FOR_PEOPLE)
ROW_ZH = "行号"
CODES_ZH = "原因代码"
REASONS_ZH = "原因说明"
OVERFLOW_ZH = "多出的字段"
SOURCE_ZH = "来源"
XLSX_EXTRA = "xlsx-write"
RUN_OUTPUTS = ("quarantine.csv", "quarantine.xlsx")
"""Names a job's ``[outputs] write`` may list besides ``quarantine`` (Parquet)."""


def check_path(path: Path) -> None:
    """Refuse a quarantine path whose type cannot be written, before any data is read.

    Raises:
        UsageError: an unknown suffix, or ``.xlsx`` without the ``xlsx-write`` extra (exit 2).
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(
            f"{path.name}: cannot write a quarantine as {suffix or 'a file without suffix'!r} "
            f"(use {', '.join(SUFFIXES)})"
        )
    if suffix == ".xlsx":
        require_xlsxwriter()


def require_xlsxwriter() -> None:
    """Raise a clear error when the optional .xlsx writer is not installed."""
    try:
        import xlsxwriter  # type: ignore[import-untyped]  # noqa: F401, PLC0415 - is it there?
    except ImportError:
        raise UsageError(
            f"writing .xlsx needs the {XLSX_EXTRA!r} extra: "
            f"pip install 'credit-ledger[{XLSX_EXTRA}]' (or write .csv)"
        ) from None


def _reason_columns(quarantine: pl.DataFrame, kinds: Iterable[RecordKind]) -> pl.DataFrame:
    pool = list(kinds)
    codes = quarantine[REASONS].explode().drop_nulls().unique().to_list()
    zh = {c: explain(c, pool).zh for c in codes}
    return quarantine.select(
        pl.col(ROW),
        pl.col(REASONS).list.join("; ").alias(CODES_ZH),
        pl.col(REASONS)
        .list.eval(pl.element().replace_strict(zh, return_dtype=pl.String))
        .list.join("；")
        .alias(REASONS_ZH),
    )


def for_people(
    quarantine: pl.DataFrame,
    kind: RecordKind,
    *,
    source: Path | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> pl.DataFrame:
    """The quarantine as a clerk reads it: row number, reason codes, reasons in Chinese, then
    the source's columns under their original headers with their values as read (all text).

    Args:
        quarantine: ``ValidationResult.quarantine`` of one source.
        kind: the record kind validated.
        source: the file validated; None writes the quarantine's own columns under Chinese
            headers.
        encoding, sheet: as given to :func:`credit_ledger.read` for ``source``.
    """
    reasons = _reason_columns(quarantine, [kind])
    reader = READERS.get(source.suffix.lower()) if source is not None else None
    if reader is None or source is None:  # no file, or a format a plugin reads
        # The rows themselves: side by side, without matching row numbers (which repeat when
        # rows of several inputs are kept together).
        shown = [c for c in quarantine.columns if c not in (ROW, REASONS, OVERFLOW, SOURCE)]
        body = quarantine.select(
            *(pl.col(c).cast(pl.String).alias(label_zh(kind, c)) for c in shown),
            *([pl.col(OVERFLOW).alias(OVERFLOW_ZH)] if OVERFLOW in quarantine.columns else []),
        )
        table = pl.concat([reasons, _without_empty_overflow(body)], how="horizontal")
    else:
        body = source_rows(quarantine, kind, source, encoding=encoding, sheet=sheet)[0]
        table = reasons.join(_without_empty_overflow(body), on=ROW, how="left").sort(ROW)
    return table.rename({ROW: ROW_ZH}).with_columns(pl.col(ROW_ZH).cast(pl.String))


def source_rows(
    rows: pl.DataFrame,
    kind: RecordKind,
    source: Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    **options: Any,
) -> tuple[pl.DataFrame, HeaderMap]:
    """The rows of ``source`` numbered ``rows[_row]``, under the source's own headers with
    their values as read (all text; a ragged row's surplus under ``多出的字段``), ``_row``
    last; and how those headers map onto ``kind``.

    The same reader and header detection as the validated read (header mapping is
    deterministic: the same file gives the same columns). ``options`` are the other keyword
    arguments of :func:`credit_ledger.read` the source was read with.
    """
    got, mapping = read_sheet(source, kind=kind, encoding=encoding, sheet=sheet, **options)
    raw = got.frame
    shape = [c for c in raw.collect_schema().names() if c == SKIP or c.startswith(FAULT)]
    wanted = rows.select(pl.col(ROW).cast(pl.Int64)).lazy()
    body = (
        raw.drop(shape)
        .with_columns(pl.col(ROW).cast(pl.Int64))
        .join(wanted, on=ROW, how="semi")
        .select(pl.exclude(ROW).cast(pl.String), pl.col(ROW))
        .rename({OVERFLOW: OVERFLOW_ZH}, strict=False)
        .collect()
    )
    return body, mapping


def _without_empty_overflow(body: pl.DataFrame) -> pl.DataFrame:
    if OVERFLOW_ZH in body.columns and body[OVERFLOW_ZH].null_count() == body.height:
        return body.drop(OVERFLOW_ZH)  # no ragged row: no empty column to puzzle over
    return body


def write_quarantine(
    quarantine: pl.DataFrame,
    path: Path,
    kind: RecordKind,
    *,
    source: Path | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> None:
    """Write ``quarantine`` to ``path`` atomically, by suffix: ``.parquet`` as is, ``.csv``
    (UTF-8 with BOM) and ``.xlsx`` for people (see :func:`for_people`). The file is 0600:
    the quarantine keeps personal data as the source had it.

    Raises:
        UsageError: an unknown suffix or a missing extra (exit 2).
        OutputError: the file could not be written (exit 4).
    """
    path = Path(path)
    check_path(path)
    if path.suffix.lower() == ".parquet":
        _atomic(path, quarantine.write_parquet)
        return
    frame = for_people(quarantine, kind, source=source, encoding=encoding, sheet=sheet)
    _atomic(path, lambda tmp: _write_people([(source.name if source else kind.name, frame)], tmp))


@dataclass(frozen=True, kw_only=True)
class Delivered:
    """One input of a run as the quarantine for people needs it.

    Attributes:
        name: its ``_source`` value (a file's name; a database source's name).
        kind: its record kind.
        path: the file read, or None (a database result).
        encoding, sheet: as the job's source declares them.
    """

    name: str
    kind: RecordKind
    path: Path | None
    encoding: str | None = None
    sheet: str | None = None


def run_for_people(
    quarantine: pl.DataFrame | pl.LazyFrame, delivered: Sequence[Delivered]
) -> list[tuple[str, pl.DataFrame]]:
    """A run's quarantine (the ledger's schema: ``kind``, ``_source``, ``_row``, ``_reasons``,
    ``values`` as JSON) for people, one table per input: original headers and values read
    again from the input's file; for a database result or two files of one name, the values
    the ledger kept, under Chinese headers."""
    rows = quarantine.collect() if isinstance(quarantine, pl.LazyFrame) else quarantine
    by_name: dict[str, list[Delivered]] = {}
    for d in delivered:
        by_name.setdefault(d.name, []).append(d)
    tables: list[tuple[str, pl.DataFrame]] = []
    for (name,), part in rows.sort(SOURCE, ROW).partition_by(SOURCE, as_dict=True).items():
        found = by_name.get(str(name), [])
        kind = found[0].kind if found else None
        if kind is None:
            continue  # every input of the run is delivered; a stray name has no kind
        if len(found) == 1 and found[0].path is not None:
            d = found[0]
            table = for_people(
                part.select(ROW, REASONS), kind, source=d.path, encoding=d.encoding, sheet=d.sheet
            )
        else:
            # One input's rows share one set of columns: the first row names them.
            names = json.loads(part["values"][0])
            as_text = pl.Struct(dict.fromkeys(names, pl.String))
            values = part.select(pl.col("values").str.json_decode(as_text)).unnest("values")
            kept = pl.concat([part.select(ROW, REASONS), values], how="horizontal")
            table = for_people(kept, kind)
        tables.append((str(name), table))
    return tables


def write_run_quarantine(
    quarantine: pl.DataFrame | pl.LazyFrame, path: Path, delivered: Sequence[Delivered]
) -> None:
    """Write a run's quarantine for people to ``path`` (``.csv``: one table with a ``来源``
    column; ``.xlsx``: one sheet per input), 0600."""
    tables = run_for_people(quarantine, delivered)
    if path.suffix.lower() == ".csv":
        tables = [
            (
                "quarantine",
                pl.concat(
                    [t.select(pl.lit(n).alias(SOURCE_ZH), pl.all()) for n, t in tables],
                    how="diagonal",
                )
                if tables
                else pl.DataFrame(
                    schema=dict.fromkeys([SOURCE_ZH, ROW_ZH, CODES_ZH, REASONS_ZH], pl.String)
                ),
            )
        ]
    _atomic(path, lambda tmp: _write_people(tables, tmp))


_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _write_people(tables: Sequence[tuple[str, pl.DataFrame]], path: Path) -> None:
    if path.suffix.lower() == ".csv":
        (frame,) = (t for _, t in tables)
        frame.write_csv(path, include_bom=True)
        return
    import xlsxwriter  # noqa: PLC0415 - an optional extra, checked by require_xlsxwriter

    # a source's text is text: "=…" is no formula, "http…" no link (it reaches a clerk)
    with xlsxwriter.Workbook(
        path, {"strings_to_formulas": False, "strings_to_urls": False}
    ) as book:
        if not tables:
            book.add_worksheet("quarantine")
        used: set[str] = set()
        for name, table in tables:
            sheet = _SHEET_CHARS.sub("_", name)[:28] or "quarantine"
            while sheet in used:
                sheet = f"{sheet[:26]}_{len(used)}"
            used.add(sheet)
            table.write_excel(book, worksheet=sheet, autofit=True)


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
        os.close(fd)
        try:
            write(Path(tmp))
            os.chmod(tmp, 0o600)  # a writer may have created the file anew
            Path(tmp).replace(path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
