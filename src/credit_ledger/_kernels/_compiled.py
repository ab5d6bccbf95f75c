"""The kernels through the compiled ``_native`` module, over Polars' own string views.

``Series.to_arrow`` at the newest compatibility level hands over the string-view buffers
without a copy; the C functions read the views, the data buffers and the validity bitmap by
address and write one result per row into numpy arrays.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from credit_ledger._kernels import _native
from credit_ledger._kernels._flags import ALL

_USCC_LEVEL = {"format": 0, "checksum": 1, "strict": 2}
_RIC = 3

Chunk = tuple[int, int, int, int, int]
"""(views, data buffer addresses, validity or 0, offset, length) of one string-view chunk."""


def _chunks(series: pl.Series) -> Iterator[tuple[int, Chunk]]:
    """(first row, address arguments) of each chunk; the buffers stay alive while the caller
    uses one chunk's arguments (the generator holds them)."""
    arr = series.to_arrow(compat_level=pl.CompatLevel.newest())
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    start = 0
    for given in chunks:
        if len(given) == 0:
            continue
        chunk = given if given.type == pa.string_view() else given.cast(pa.string_view())
        validity, views, *data = chunk.buffers()
        addresses = np.array([b.address for b in data] or [0], dtype=np.uint64)
        has_nulls = validity is not None and chunk.null_count > 0
        yield (
            start,
            (
                views.address,
                addresses.ctypes.data,
                validity.address if has_nulls else 0,
                chunk.offset,
                len(chunk),
            ),
        )
        start += len(chunk)


def _address(out: npt.NDArray[np.generic], start: int) -> int:
    return int(out.ctypes.data) + start * out.itemsize


def text_flags(series: pl.Series, wanted: int = ALL) -> npt.NDArray[np.uint8]:  # noqa: ARG001
    """Per-row flags (see :mod:`credit_ledger._kernels`); 0 for nulls. All flags are computed
    in the same pass whatever is ``wanted``."""
    out = np.zeros(len(series), dtype=np.uint8)
    for start, chunk in _chunks(series):
        _native.text_flags(*chunk, _address(out, start))
    return out


def _identifiers(series: pl.Series, kind: int) -> pl.Series:
    out = np.zeros(len(series), dtype=np.bool_)
    for start, chunk in _chunks(series):
        _native.identifiers(*chunk, kind, _address(out, start))
    result = pl.Series(series.name, out, dtype=pl.Boolean)
    if series.null_count():
        result = pl.select(pl.when(series.is_not_null()).then(result)).to_series()
    return result.alias(series.name)


def uscc_valid(series: pl.Series, level: Literal["format", "checksum", "strict"]) -> pl.Series:
    """USCC validity of each (normalised) value; null in, null out."""
    return _identifiers(series, _USCC_LEVEL[level])


def ric_valid(series: pl.Series) -> pl.Series:
    """Validity of each unmasked resident ID number (format, birth date, check character)."""
    return _identifiers(series, _RIC)


def iso_dates(series: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Parse ``YYYY-MM-DD``, ``YYYYMMDD`` and ``YYYY年MM月DD日``; returns (dates, parsed)."""
    days = np.zeros(len(series), dtype=np.int32)
    parsed = np.zeros(len(series), dtype=np.bool_)
    for start, chunk in _chunks(series):
        _native.dates(*chunk, _address(days, start), _address(parsed, start))
    dates = pl.Series(series.name, days, dtype=pl.Int32).cast(pl.Date)
    return dates, pl.Series(series.name, parsed, dtype=pl.Boolean)
