"""Writing outputs atomically: to a temporary file beside the target, then renamed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import polars as pl

from credit_ledger._files import make_dirs
from credit_ledger.errors import OutputError


def write_parquet(frame: pl.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path`` atomically (readers never see a half-written file).

    Raises:
        OutputError: the file could not be written (exit code 4).
    """
    path = Path(path)
    try:
        make_dirs(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        os.close(fd)
        try:
            frame.write_parquet(tmp)
            Path(tmp).replace(path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
