"""Files as pipeline inputs, for the callers that are given files rather than a job
(``check``, ``demo``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import polars as pl

from credit_ledger.ingest import read
from credit_ledger.kinds import RecordKind

__all__ = ["FileInput", "read_files"]


@dataclass(frozen=True, kw_only=True)
class FileInput:
    """A file read as records of one kind (an :class:`~credit_ledger.pipeline.Input`); its
    content is not hashed (nothing is committed from it)."""

    source: str
    kind: str
    location: str
    sha256: str
    bytes: int
    frame: pl.LazyFrame


def read_files(
    files: Iterable[str | PathLike[str]],
    *,
    kind: RecordKind,
    encoding: str | None = None,
    sheet: str | None = None,
    read_options: Mapping[str, Any] | None = None,
) -> list[FileInput]:
    """Each file read with :func:`credit_ledger.read` as records of ``kind``.

    Raises:
        InputError: a file cannot be read (missing, wrong format or encoding).
    """
    inputs = []
    for file in files:
        path = Path(file)
        frame = read(path, kind=kind, encoding=encoding, sheet=sheet, **(read_options or {}))
        inputs.append(
            FileInput(
                source=path.name,
                kind=kind.name,
                location=str(path),
                sha256="",
                bytes=path.stat().st_size if path.is_file() else 0,
                frame=frame,
            )
        )
    return inputs
