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

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from credit_ledger.errors import OutputError, UsageError
from credit_ledger.ingest import OVERFLOW, ROW, SOURCE
from credit_ledger.ingest._readers import READERS
from credit_ledger.kinds import RecordKind
from credit_ledger.reasons import explain, label_zh
from credit_ledger.validate import REASONS

__all__ = ["FOR_PEOPLE", "SUFFIXES", "check_path", "for_people", "write_quarantine"]

FOR_PEOPLE = (".csv", ".xlsx")
SUFFIXES = (".parquet", *FOR_PEOPLE)
ROW_ZH = "行号"
CODES_ZH = "原因代码"
REASONS_ZH = "原因说明"
OVERFLOW_ZH = "多出的字段"
SOURCE_ZH = "来源"
XLSX_EXTRA = "xlsx-write"


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
        import xlsxwriter  # noqa: F401, PLC0415 - only to learn whether the extra is there
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
    if source is None:
        shown = [c for c in quarantine.columns if c not in (ROW, REASONS, OVERFLOW, SOURCE)]
        body = quarantine.select(
            pl.col(ROW),
            *(pl.col(c).cast(pl.String).alias(label_zh(kind, c)) for c in shown),
            *([pl.col(OVERFLOW).alias(OVERFLOW_ZH)] if OVERFLOW in quarantine.columns else []),
        )
    else:
        raw = READERS[source.suffix.lower()](source, encoding, sheet)
        wanted = quarantine.select(pl.col(ROW).cast(pl.Int64)).lazy()
        body = (
            raw.with_columns(pl.col(ROW).cast(pl.Int64))
            .join(wanted, on=ROW, how="semi")
            .select(pl.exclude(ROW).cast(pl.String), pl.col(ROW))
            .rename({OVERFLOW: OVERFLOW_ZH}, strict=False)
            .collect()
        )
    if OVERFLOW_ZH in body.columns and body[OVERFLOW_ZH].null_count() == body.height:
        body = body.drop(OVERFLOW_ZH)  # no ragged row: no empty column to puzzle over
    return (
        reasons.join(body, on=ROW, how="left")
        .sort(ROW)
        .rename({ROW: ROW_ZH})
        .with_columns(pl.col(ROW_ZH).cast(pl.String))
    )


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
    suffix = path.suffix.lower()
    frame = (
        quarantine
        if suffix == ".parquet"
        else for_people(quarantine, kind, source=source, encoding=encoding, sheet=sheet)
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
        os.close(fd)
        try:
            if suffix == ".parquet":
                frame.write_parquet(tmp)
            elif suffix == ".csv":
                frame.write_csv(tmp, include_bom=True)
            else:
                frame.write_excel(tmp, worksheet="quarantine", autofit=True)
            os.chmod(tmp, 0o600)  # a writer may have created the file anew
            Path(tmp).replace(path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
