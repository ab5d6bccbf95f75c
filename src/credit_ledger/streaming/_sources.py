"""The files of a streamed source: one path, a directory, a glob, or several of these."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from os import PathLike
from pathlib import Path

from credit_ledger.errors import SourceNotFoundError
from credit_ledger.ingest._readers import READERS

__all__ = ["Source", "source_files"]

Source = str | PathLike[str] | Sequence[str | PathLike[str]]


def _expand(item: str | PathLike[str]) -> list[Path]:
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
            if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in READERS
        )
        if not files:
            raise SourceNotFoundError(f"{path}: no readable file in the directory")
        return files
    return [path]  # read() reports a missing file with its usual message


def source_files(source: Source) -> list[Path]:
    """The files of ``source`` in order: a glob's matches and a directory's readable files
    sorted by name, a list in the order given.

    Raises:
        SourceNotFoundError: a glob or directory with no file.
    """
    items = [source] if isinstance(source, str | PathLike) else list(source)
    if not items:
        raise SourceNotFoundError("no source file given")
    return [f for item in items for f in _expand(item)]
