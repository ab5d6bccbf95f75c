"""Which reader reads a file: the format named in the call, else the one its suffix belongs to.

Built-in formats are the readers of :mod:`credit_ledger.ingest._readers`; plugins add formats
through the ``credit_ledger_source_formats`` hook. Ingest sits below the plugin layer, so those
formats arrive as a value (``formats=``) from the facade or a job, never from a plugin manager.
A plugin format's frame then goes through the same header mapping, 万元 conversion and
``_source``/``_row`` provenance as a built-in one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from credit_ledger.errors import ConfigError, CreditLedgerError, FormatError, PluginError, describe
from credit_ledger.ingest._readers import (
    READERS,
    ROW,
    Reader,
    ReadOptions,
    Sheet,
    read_csv,
    read_excel,
    read_ipc,
    read_json,
    read_ndjson,
    read_parquet,
    unshaped,
)

if TYPE_CHECKING:
    from credit_ledger.contracts import SourceFormat

BUILTIN: dict[str, Reader] = {
    "csv": read_csv,
    "parquet": read_parquet,
    "arrow": read_ipc,
    "ndjson": read_ndjson,
    "json": read_json,
    "excel": read_excel,
}
"""Built-in formats by the name ``format=`` takes (a suffix picks them otherwise)."""


def reader_for(path: Path, format: str | None, formats: Sequence[SourceFormat]) -> Reader:
    """The reader of ``path``: ``format`` by name (built-in or contributed), else by suffix, a
    built-in suffix before a contributed one.

    Raises:
        ConfigError: ``format`` names no known format (the message lists them).
        FormatError: no format reads the suffix, or several contributed ones do.
    """
    if format is not None:
        if format in BUILTIN:
            return BUILTIN[format]
        named = [f for f in formats if f.name == format]
        if not named:
            known = ", ".join(sorted({*BUILTIN, *(f.name for f in formats)}))
            raise ConfigError(f"{path.name}: unknown source format {format!r} (known: {known})")
        return _plugin_reader(named[0])
    suffix = path.suffix.lower()
    if suffix in READERS:
        return READERS[suffix]
    claiming = [f for f in formats if suffix in f.extensions]
    if len(claiming) > 1:
        names = ", ".join(f.name for f in claiming)
        raise FormatError(
            f"{path.name}: {suffix!r} is read by several source formats ({names}); choose one "
            "with format=... (CLI: --format, job: format = ...)"
        )
    if not claiming:
        known = ", ".join(sorted({*READERS, *(e for f in formats for e in f.extensions)}))
        raise FormatError(f"{path.name}: unknown file type {suffix!r} (known: {known})")
    return _plugin_reader(claiming[0])


def suffixes(formats: Sequence[SourceFormat]) -> frozenset[str]:
    """Every suffix some format reads (to list a directory's readable files)."""
    return frozenset({*READERS, *(e for f in formats for e in f.extensions)})


def _plugin_reader(fmt: SourceFormat) -> Reader:
    """``fmt.read(path, encoding)`` as a reader; what it raises or returns wrongly becomes one
    :class:`PluginError` naming the plugin (a plugin's bug is not a traceback of ours)."""

    def read(path: Path, options: ReadOptions) -> Sheet:
        who = f"plugin {fmt.plugin}: " if fmt.plugin else ""
        try:
            got = fmt.read(path, options.encoding)
            if not isinstance(got, pl.DataFrame | pl.LazyFrame):
                raise TypeError(f"read returned {type(got).__name__}, not a Polars frame")
            frame = got.lazy()
            names = frame.collect_schema().names()
        except CreditLedgerError:
            raise
        except Exception as exc:
            raise PluginError(
                f"{who}source format {fmt.name!r} failed reading {path.name}: "
                f"{describe(exc, typed=True)}"
            ) from None
        if ROW in names:
            frame = frame.drop(ROW)
        return Sheet(frame=unshaped(frame))

    return read
