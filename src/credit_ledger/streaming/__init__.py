"""Validation of inputs larger than memory: batch by batch into Parquet part files.

:func:`validate_to_parquet` reaches the same verdicts as :func:`credit_ledger.validate` on the
whole input, uniqueness included, while holding about two batches in memory (one validated,
the one before it being written) plus, during a first pass, 8 bytes per row for the hashes of
the unique columns.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Final

import polars as pl

from credit_ledger.errors import UsageError
from credit_ledger.ingest import read
from credit_ledger.kinds import RecordKind, get_kind
from credit_ledger.streaming._deliveries import last_deliveries
from credit_ledger.streaming._duplicates import duplicated_values
from credit_ledger.streaming._parts import SUMMARY_FILE, PartWriter
from credit_ledger.streaming._sources import Source, batches, source_files
from credit_ledger.validate import ValidationSummary, validate

if TYPE_CHECKING:
    from credit_ledger.contracts import SourceFormat

__all__ = [
    "DEFAULT_BATCH_ROWS",
    "SUMMARY_FILE",
    "last_deliveries",
    "validate_frames_to_parquet",
    "validate_to_parquet",
]

log = logging.getLogger("credit_ledger.streaming")

DEFAULT_BATCH_ROWS: Final = 100_000
"""Rows per batch: about 350 MB of working memory for the widest built-in kind; larger batches
cost more memory and save no time (the fixed cost of one validation is already noise)."""


def _summary(
    kind: str,
    results: Counter[str],
    reasons: Counter[str],
    *,
    skipped: Counter[str] | None = None,
    warnings: Counter[str] | None = None,
    missing: Mapping[str, list[str]] | None = None,
) -> ValidationSummary:
    def ordered(counts: Counter[str]) -> dict[str, int]:
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    return ValidationSummary(
        kind=kind,
        rows_in=results["rows_in"],
        rows_valid=results["rows_valid"],
        rows_quarantined=results["rows_quarantined"],
        by_reason=ordered(reasons),
        skipped=dict(skipped or {}),
        warnings=ordered(warnings or Counter()),
        missing_standard=dict(missing or {}),
    )


def validate_to_parquet(
    source: Source,
    *,
    kind: str | RecordKind,
    out_dir: str | PathLike[str],
    batch_rows: int = DEFAULT_BATCH_ROWS,
    encoding: str | None = None,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    header_row: int | None = None,
    records_path: str | None = None,
    format: str | None = None,
    formats: Sequence[SourceFormat] = (),
) -> ValidationSummary:
    """Validate records of ``kind`` of any size, writing valid rows and quarantine as Parquet.

    Every file is read with :func:`credit_ledger.read` and scanned by Polars' streaming engine
    in batches of ``batch_rows``; each batch goes through :func:`credit_ledger.validate`. A
    first pass over the unique columns only (the record id) finds the values duplicated
    anywhere in the input, so a duplicate is caught even when its copies fall in different
    batches or files. Rows, reasons and counts equal those of ``validate`` on all files
    concatenated.

    Outputs, in ``out_dir``::

        valid/part-NNNNN.parquet        the valid rows of batch NNNNN (as ``result.valid``)
        quarantine/part-NNNNN.parquet   its quarantined rows, with ``_reasons``
        summary.json                    the summary, the files read, batches and seconds

    Batches without rows of an output write no part; an output with no rows at all gets one
    empty part, so it can always be scanned (``pl.scan_parquet(out_dir / "valid")``). Both
    directories are replaced when the run completes; an interrupted run leaves the previous
    ones untouched. ``summary.json`` is removed before they are replaced and written after,
    so when it is there it describes the parts beside it.

    Progress goes to the ``credit_ledger.streaming`` logger, one INFO record per batch.

    Memory: one batch's validation and the previous batch's outputs (written in the
    background), and 8 bytes per input row during the duplicate search. CSV, Parquet and
    Arrow sources stream; NDJSON and ``.xlsx`` are read whole.

    Args:
        source: a file, a directory (its readable files), a glob (``"exports/*.parquet"``),
            or a list of these. Each file keeps its own ``_source`` and ``_row``.
        kind: record kind name or declaration.
        out_dir: directory for ``valid/`` and ``quarantine/`` (created if needed).
        batch_rows: rows validated at a time.
        encoding: text encoding of CSV files (default: detected per file).
        sheet: sheet of ``.xlsx`` workbooks.
        columns, header_row, records_path, format, formats: as
            :func:`credit_ledger.ingest.read` takes them, for every file (a directory lists
            the files of the suffixes ``formats`` read too).

    Returns:
        The :class:`ValidationSummary` of the whole input
        (``rows_in == rows_valid + rows_quarantined``).

    Raises:
        SourceNotFoundError, FormatError, EncodingError, MissingColumnError: as
            :func:`credit_ledger.read` and :func:`credit_ledger.validate` raise them, before
            any output is written.
        UsageError: ``batch_rows`` below 1.
        OutputError: a part could not be written.

    Example:
        >>> s = validate_to_parquet("exports/*.parquet", kind="admin_penalty",
        ...                         out_dir="validated/admin_penalty")  # doctest: +SKIP
        >>> s.rows_in == s.rows_valid + s.rows_quarantined  # doctest: +SKIP
        True
    """
    if batch_rows < 1:
        raise UsageError(f"batch_rows must be at least 1 (got {batch_rows})")
    record_kind = get_kind(kind)
    paths = source_files(source, formats)
    frames = [
        read(
            path,
            kind=record_kind,
            encoding=encoding,
            sheet=sheet,
            columns=columns,
            header_row=header_row,
            records_path=records_path,
            format=format,
            formats=formats,
        )
        for path in paths
    ]
    return validate_frames_to_parquet(
        frames,
        kind=record_kind,
        out_dir=out_dir,
        batch_rows=batch_rows,
        described={"files": [str(path) for path in paths]},
    )


def validate_frames_to_parquet(
    frames: Sequence[pl.LazyFrame],
    *,
    kind: RecordKind,
    out_dir: str | PathLike[str],
    batch_rows: int = DEFAULT_BATCH_ROWS,
    described: Mapping[str, object] | None = None,
) -> ValidationSummary:
    """:func:`validate_to_parquet` of frames already read (e.g. by :func:`credit_ledger.read`
    or a job's source); ``described`` is added to ``summary.json``."""
    if batch_rows < 1:
        raise UsageError(f"batch_rows must be at least 1 (got {batch_rows})")
    record_kind = kind
    # On no rows first: bad input (a missing column, validation disabled) fails before any
    # work, and the columns of an output that gets no rows are known. Once per set of columns.
    columns = [list(lf.collect_schema().items()) for lf in frames]
    checked = [
        validate(lf.head(0), kind=record_kind)
        for i, lf in enumerate(frames)
        if i == 0 or columns[i] != columns[i - 1]
    ]
    empty = checked[-1]
    started = time.perf_counter()
    duplicates = duplicated_values(frames, kind=record_kind, batch_rows=batch_rows)
    log.info(
        "%s: %d file(s); uniqueness pass done in %.1f s",
        record_kind.name,
        len(frames),
        time.perf_counter() - started,
    )
    rows: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    missing: dict[str, list[str]] = {}
    with PartWriter(Path(out_dir)) as writer:
        number = 0
        for batch in batches(frames, batch_rows):
            result = validate(batch, kind=record_kind, duplicates=duplicates)
            writer.write(number, {"valid": result.valid, "quarantine": result.quarantine})
            rows.update(
                rows_in=result.summary.rows_in,
                rows_valid=result.summary.rows_valid,
                rows_quarantined=result.summary.rows_quarantined,
            )
            reasons.update(result.summary.by_reason)
            skipped.update(result.summary.skipped)
            warnings.update(result.summary.warnings)
            for source, lacking in result.summary.missing_standard.items():
                known = missing.setdefault(source, [])
                known.extend(c for c in lacking if c not in known)
            number += 1
            elapsed = time.perf_counter() - started
            log.info(
                "%s: batch %d, %d rows so far (%d quarantined), %.0f rows/s",
                record_kind.name,
                number,
                rows["rows_in"],
                rows["rows_quarantined"],
                rows["rows_in"] / max(elapsed, 1e-9),
            )
        unwritten = {"valid": empty.valid, "quarantine": empty.quarantine}
        writer.write(
            number, {k: v for k, v in unwritten.items() if not writer.written[k]}, empty=True
        )
        summary = _summary(
            record_kind.name, rows, reasons, skipped=skipped, warnings=warnings, missing=missing
        )
        writer.publish(
            {
                **summary.to_dict(),
                **(described or {}),
                "batches": number,
                "batch_rows": batch_rows,
                "seconds": round(time.perf_counter() - started, 3),
            }
        )
    return summary
