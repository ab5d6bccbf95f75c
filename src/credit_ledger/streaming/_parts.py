"""Part files of a streamed validation, written in the background, published together.

Parts are written by one background thread while the next batch is validated (validation
keeps one core busy; Parquet encoding takes a good share of the other), at most one batch
behind. They go to a hidden staging directory inside the output directory and are moved to
``valid/`` and ``quarantine/`` only at the end, so a reader never mixes the parts of an
interrupted run with those of an earlier one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

import polars as pl

from credit_ledger._files import make_dirs, private
from credit_ledger.errors import OutputError

__all__ = ["OUTPUTS", "SUMMARY_FILE", "PartWriter"]

OUTPUTS = ("valid", "quarantine")
SUMMARY_FILE = "summary.json"
"""Written into the output directory by :meth:`PartWriter.publish`, after the parts."""
# Level 1 writes the parts about a quarter faster than the default level 3 and, on credit
# records, about as small.
_ZSTD_LEVEL = 1


def _output_error(exc: OSError, path: Path) -> OutputError:
    return OutputError(f"cannot write {path}: {exc.strerror or exc}")


class PartWriter:
    """Writes numbered Parquet parts of each output; :meth:`publish` makes them visible.

    Use as a context manager: on an exception the staged parts are removed and the output
    directory keeps what it held before.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        try:
            make_dirs(self.out_dir)
            self.staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.out_dir))
            for name in OUTPUTS:
                (self.staging / name).mkdir()
        except OSError as exc:
            raise _output_error(exc, self.out_dir) from None
        self.written = dict.fromkeys(OUTPUTS, 0)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="credit-ledger-parts")
        self._pending: Future[None] | None = None

    def __enter__(self) -> PartWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.staging, ignore_errors=True)

    def write(
        self, number: int, frames: Mapping[str, pl.DataFrame], *, empty: bool = False
    ) -> None:
        """Queue part ``number`` of each output in ``frames`` (by output name). A frame with
        no rows is skipped unless ``empty``: an output with no rows at all still gets one
        part holding its columns.

        Waits for the previous part to be written first, so at most one batch is held.

        Raises:
            OutputError: the previous part could not be written.
        """
        kept = {name: f for name, f in frames.items() if f.height or empty}
        if not kept:
            return
        self.wait()
        for name in kept:
            self.written[name] += 1
        self._pending = self._pool.submit(self._write, number, kept)

    def _write(self, number: int, frames: Mapping[str, pl.DataFrame]) -> None:
        for name, frame in frames.items():
            path = self.staging / name / f"part-{number:05d}.parquet"
            try:
                frame.write_parquet(path, compression="zstd", compression_level=_ZSTD_LEVEL)
                private(path)
            except OSError as exc:
                raise _output_error(exc, self.out_dir / name / path.name) from None

    def wait(self) -> None:
        """Wait until every queued part is written.

        Raises:
            OutputError: a part could not be written.
        """
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def publish(self, summary: Mapping[str, object]) -> dict[str, Path]:
        """Replace ``valid/`` and ``quarantine/`` of the output directory with the new parts,
        then write ``summary`` as ``summary.json``. The old summary is removed first, so when
        one is there it describes the parts beside it.

        Returns:
            The directory of each output.

        Raises:
            OutputError: a part, the directories or the summary could not be written.
        """
        self.wait()
        summary_path = self.out_dir / SUMMARY_FILE
        try:
            summary_path.unlink(missing_ok=True)
        except OSError as exc:
            raise _output_error(exc, summary_path) from None
        out = {}
        for name in OUTPUTS:
            target = self.out_dir / name
            try:
                if target.exists():
                    old = Path(tempfile.mkdtemp(prefix=f".old-{name}-", dir=self.out_dir))
                    target.replace(old / name)
                    shutil.rmtree(old)
                (self.staging / name).replace(target)
            except OSError as exc:
                raise _output_error(exc, target) from None
            out[name] = target
        try:  # one rename, so a reader never sees half of it
            fd, tmp = tempfile.mkstemp(prefix=".summary-", suffix=".json", dir=self.out_dir)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(summary, fh, ensure_ascii=False, indent=2)
            Path(tmp).replace(summary_path)
        except OSError as exc:
            raise _output_error(exc, summary_path) from None
        return out
