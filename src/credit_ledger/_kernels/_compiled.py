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
from credit_ledger._kernels._arrays import arrow_array
from credit_ledger._kernels._flags import ALL, EMPTY, SLOW
from credit_ledger._kernels._fold import CLEANING, Mode

_USCC_LEVEL = {"format": 0, "checksum": 1, "strict": 2}
_RIC = 3

Chunk = tuple[int, int, int, int, int]
"""(views, data buffer addresses, validity or 0, offset, length) of one string-view chunk."""


def _chunks(series: pl.Series) -> Iterator[tuple[int, pa.StringViewArray, Chunk]]:
    """(first row, array, address arguments) of each chunk; the buffers stay alive while the
    caller uses one chunk's arguments (the generator holds them)."""
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
            chunk,
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
    for start, _, chunk in _chunks(series):
        _native.text_flags(*chunk, _address(out, start))
    return out


def _identifiers(series: pl.Series, kind: int) -> pl.Series:
    out = np.zeros(len(series), dtype=np.bool_)
    for start, _, chunk in _chunks(series):
        _native.identifiers(*chunk, kind, _address(out, start))
    result = pl.Series(series.name, out, dtype=pl.Boolean)
    if series.null_count():
        result = pl.select(pl.when(series.is_not_null()).then(result)).to_series()
    return result.alias(series.name)


def uscc_valid(series: pl.Series, level: Literal["format", "checksum", "strict"]) -> pl.Series:
    """USCC validity of each (normalised) value; null in, null out."""
    return _identifiers(series, _USCC_LEVEL[level])


def _identifier(value: str, kind: int) -> bool:
    """The identifier check of one value, through one hand-built string view (a Series of
    one value costs ten times more, and scalar checks run per value in masking)."""
    data = np.frombuffer(value.encode(), dtype=np.uint8)
    view = np.zeros(16, dtype=np.uint8)
    view[:4] = np.array([len(data)], dtype=np.int32).view(np.uint8)
    if len(data) <= 12:
        view[4 : 4 + len(data)] = data
    else:  # prefix, then buffer 0 at offset 0 (zeros)
        view[4:8] = data[:4]
    addresses = np.array([data.ctypes.data if len(data) else 0], dtype=np.uint64)
    out = np.zeros(1, dtype=np.bool_)
    _native.identifiers(view.ctypes.data, addresses.ctypes.data, 0, 0, 1, kind, out.ctypes.data)
    return bool(out[0])


def uscc_is_valid(value: str, level: Literal["format", "checksum", "strict"]) -> bool:
    """USCC validity of one (normalised) value."""
    return _identifier(value, _USCC_LEVEL[level])


def ric_is_valid(value: str) -> bool:
    """Validity of one unmasked resident ID number."""
    return _identifier(value, _RIC)


def ric_valid(series: pl.Series) -> pl.Series:
    """Validity of each unmasked resident ID number (format, birth date, check character)."""
    return _identifiers(series, _RIC)


def iso_dates(series: pl.Series) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.bool_]]:
    """Parse ``YYYY-MM-DD``, ``YYYYMMDD`` and ``YYYY年MM月DD日``; returns (day numbers, parsed)."""
    days = np.zeros(len(series), dtype=np.int32)
    parsed = np.zeros(len(series), dtype=np.bool_)
    for start, _, chunk in _chunks(series):
        _native.dates(*chunk, _address(days, start), _address(parsed, start))
    return days, parsed


_MODES: dict[Mode, int] = {"trim": 0, "fold_width": 1, "code": 2}


def cleaned(series: pl.Series, mode: Mode) -> tuple[pl.Series, npt.NDArray[np.uint8]]:
    """See :func:`credit_ledger._kernels.cleaned`.

    The C kernel writes the new views. A trimmed value is a shorter view of the same bytes;
    folded values are written to one new data buffer (or into the view, up to 12 bytes). Rows
    whose characters it does not fold are marked ``SLOW``; Polars folds them and their views
    are pointed at the result's buffers. A column that needs no cleaning is returned as it is.
    """
    if series.n_chunks() > 1:
        series = series.rechunk()
    n = len(series)
    flags = np.empty(n, dtype=np.uint8)
    # Written only if a value changes: untouched, their pages are never even mapped.
    views = np.empty((n, 4), dtype=np.uint32)
    valid = np.empty(n, dtype=np.bool_)
    data: list[pa.Buffer] = []
    changed = False
    for start, chunk, args in _chunks(series):  # one chunk, or none
        own = chunk.buffers()[2:]
        written, changed = _native.clean(
            *args,
            _MODES[mode],
            len(own),
            _address(flags, start),
            _address(views, start),
            _address(valid, start),
        )
        data.extend(own)
        if written:
            data.append(pa.py_buffer(written))
    if not changed:
        return series, flags
    cleaning = CLEANING[mode]
    if not np.any(flags & cleaning.rewrites):
        # Only empty values become null: a Polars mask gives a column whose buffers Polars
        # owns. Columns built from our views keep them (and the input's) alive as long as
        # anything derived from them lives.
        kept = pl.Series((flags & EMPTY) == 0)
        return pl.select(pl.when(kept).then(series)).to_series().alias(series.name), flags
    rows = np.flatnonzero(flags & SLOW)
    if cleaning.fold is not None and len(rows):
        _splice(cleaning.fold(series.gather(rows)), rows, views, valid, data)
    array = arrow_array(pa.string_view(), valid, [pa.py_buffer(views), *data])
    return pl.Series(series.name, array, dtype=pl.String), flags


def _splice(
    new: pl.Series,
    rows: npt.NDArray[np.int64],
    views: npt.NDArray[np.uint32],
    valid: npt.NDArray[np.bool_],
    data: list[pa.Buffer],
) -> None:
    """Point the views of ``rows`` at the values of ``new`` (empty ones null), adding its data
    buffers to ``data``."""
    array = new.rechunk().to_arrow(compat_level=pl.CompatLevel.newest())
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if array.type != pa.string_view():
        array = array.cast(pa.string_view())
    new_views = np.frombuffer(array.buffers()[1], dtype=np.uint32).reshape(-1, 4)
    new_views = new_views[array.offset : array.offset + len(array)].copy()
    new_valid = new.is_not_null().to_numpy() & (new_views[:, 0] > 0)
    new_views[new_views[:, 0] > 12, 2] += len(data)
    new_views[~new_valid] = 0
    views[rows] = new_views
    valid[rows] = new_valid
    data.extend(array.buffers()[2:])
