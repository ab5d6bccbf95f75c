"""The files of a streamed source (one path, a directory, a glob, or several of these) and
their rows in batches.

Each file is read by :func:`credit_ledger.read`, so a streamed read handles the same shapes (a
header below a title, blank lines, title and repeated header rows, control bytes, broken
NDJSON lines). CSV, Parquet and Arrow files are scanned in batches; workbooks, JSON documents
and NDJSON files are read whole into memory first, then batched.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable, Iterator, Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from credit_ledger.errors import SourceNotFoundError
from credit_ledger.ingest import suffixes

if TYPE_CHECKING:
    from credit_ledger.contracts import SourceFormat

__all__ = ["Source", "batches", "source_files"]

Source = str | PathLike[str] | Sequence[str | PathLike[str]]


def _expand(item: str | PathLike[str], readable: frozenset[str]) -> list[Path]:
    path = Path(item)
    if glob.has_magic(str(path)):
        found = sorted(Path(p) for p in glob.glob(str(path), recursive=True))
        files = [p for p in found if p.is_file()]
        if not files:
            raise SourceNotFoundError(f"{path}: no file matches")
        return files
    if path.is_dir():
        files = sorted(
            p
            for p in path.iterdir()
            if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in readable
        )
        if not files:
            raise SourceNotFoundError(f"{path}: no readable file in the directory")
        return files
    return [path]  # read() reports a missing file with its usual message


def source_files(source: Source, formats: Sequence[SourceFormat] = ()) -> list[Path]:
    """The files of ``source`` in order: a glob's matches and a directory's readable files
    (of a built-in suffix or one of ``formats``) sorted by name, a list in the order given.

    Raises:
        SourceNotFoundError: a glob or directory with no file.
    """
    items = [source] if isinstance(source, str | PathLike) else list(source)
    if not items:
        raise SourceNotFoundError("no source file given")
    readable = suffixes(formats)
    return [f for item in items for f in _expand(item, readable)]


def batches(frames: Iterable[pl.LazyFrame], rows: int) -> Iterator[pl.DataFrame]:
    """The rows of ``frames`` in order, in batches of ``rows`` read by the streaming engine.

    A batch runs on across files with the same columns, so many small files still make full
    batches. (One streaming query per file: a query over all files at once reads further
    ahead, holding more memory.)
    """
    pending: list[pl.DataFrame] = []
    held = 0
    for lf in frames:
        for batch in lf.collect_batches(chunk_size=rows):
            if pending and batch.schema != pending[0].schema:
                yield pl.concat(pending)
                pending, held = [], 0
            rest = batch
            while rest.height:
                take = min(rows - held, rest.height)
                pending.append(rest.slice(0, take))
                held += take
                rest = rest.slice(take)
                if held == rows:
                    yield pl.concat(pending)
                    pending, held = [], 0
    if pending:
        yield pl.concat(pending)
