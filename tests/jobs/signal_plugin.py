"""A plugin module that meets a stop signal the way native libraries and careless plugins do
(loaded through the job file's ``[plugins] modules``; ``SIGNAL_PLUGIN`` says what it does).

- ``convert:INT`` / ``convert:TERM``: its ``.sig`` reader sends the process the signal and
  turns the exception into an error of its own (as Polars did when a KeyboardInterrupt came
  inside a callback from Rust);
- ``drop:INT``: its run-started notification sends SIGINT and swallows the exception;
- anything else: a plain reader (the ``.sig`` file is CSV) and a silent notification.
"""

from __future__ import annotations

import contextlib
import os
import signal

import polars as pl

from credit_ledger.contracts import RunInfo
from credit_ledger.plugins import SourceFormat, hookimpl


def _signal(action: str) -> None:
    what, _, name = os.environ.get("SIGNAL_PLUGIN", "").partition(":")
    if what == action:
        signal.raise_signal(getattr(signal, f"SIG{name}"))


def _read(path: str, encoding: str) -> pl.LazyFrame:
    try:
        _signal("convert")
    except BaseException as exc:
        raise OSError("device not ready") from exc
    return pl.scan_csv(path, infer_schema=False, encoding="utf8")


@hookimpl
def credit_ledger_source_formats() -> list[SourceFormat]:
    """CSV under the suffix ``.sig``."""
    return [SourceFormat(name="testsig.sig", extensions=(".sig",), read=_read)]


@hookimpl
def credit_ledger_run_started(run: RunInfo) -> None:
    """Sends SIGINT and drops the KeyboardInterrupt when told to."""
    del run
    with contextlib.suppress(KeyboardInterrupt):
        _signal("drop")
