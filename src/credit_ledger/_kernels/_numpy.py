"""The text and date kernels in numpy over Arrow string buffers: the alternative to ``_native``
(``CREDIT_LEDGER_KERNELS=numpy``). The identifier checks have one fast kernel, the C one.

Fixed-width values (dates) are gathered into a ``uint8`` matrix, in chunks of 65,536 rows so no
temporary grows with the input, and checked with table look-ups and vector arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from credit_ledger._kernels._flags import (
    ALL,
    CONTROL,
    EDGE_SPACE,
    EMPTY,
    NON_ASCII,
    REPLACEMENT,
    UNCLEAN,
    WIDE,
)
from credit_ledger._kernels._fold import CLEANING, Mode

_CHUNK = 1 << 16


def _large_string(series: pl.Series) -> pa.LargeStringArray:
    arr = series.to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    return arr


Buffers = tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8], npt.NDArray[np.bool_]]
"""(offsets, UTF-8 bytes, validity) of a String Series, as numpy arrays over its Arrow buffers."""
Text = pl.Series | Buffers
"""A String Series, or its buffers when several kernels read the same column."""


def buffers(text: Text) -> Buffers:
    """(offsets, UTF-8 bytes, validity) of a String Series (converted once; pass the result to
    several kernels instead of the Series)."""
    if not isinstance(text, pl.Series):
        return text
    series = text
    arr = _large_string(series)
    _, offsets_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int64)[arr.offset : arr.offset + len(arr) + 1]
    data = (
        np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.empty(0, np.uint8)
    )
    valid = (
        arr.is_valid().to_numpy(zero_copy_only=False)
        if arr.null_count
        else np.ones(len(arr), dtype=np.bool_)
    )
    return offsets, data, valid


def _columns(
    starts: npt.NDArray[np.int64], data: npt.NDArray[np.uint8], width: int
) -> npt.NDArray[np.uint8]:
    """Byte ``j`` of every row in row ``j`` of a ``(width, rows)`` matrix.

    Column-major, so each character position is one contiguous vector and every step below
    is a flat SIMD operation rather than a short reduction per row.
    """
    if len(starts) == 0:
        return np.empty((width, 0), dtype=np.uint8)
    # A strided view: row i of `windows` is data[i : i + width], so no index matrix is built.
    windows = np.lib.stride_tricks.as_strided(
        data, shape=(len(data) - width + 1, width), strides=(1, 1), writeable=False
    )
    return np.ascontiguousarray(windows[starts].T)


def _is_digit(cols: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    digit: npt.NDArray[np.bool_] = (cols - np.uint8(48)) < 10
    return digit


def _day_exists(
    year: npt.NDArray[np.int16], month: npt.NDArray[np.int16], day: npt.NDArray[np.int16]
) -> npt.NDArray[np.bool_]:
    """Whether each (year 0-9999, month, day) is a real date."""
    _, month, leap = _calendar(year, month)
    length = _MONTH_LENGTH[leap, month]
    exists: npt.NDArray[np.bool_] = (day >= 1) & (day <= length)
    return exists


_YEAR = "年".encode()
_MONTH = "月".encode()
_DAY = "日".encode()
#: byte width → (positions of the 8 digits YYYYMMDD, {position: separator bytes})
_DATE_LAYOUTS: dict[int, tuple[list[int], dict[int, bytes]]] = {
    10: ([0, 1, 2, 3, 5, 6, 8, 9], {4: b"-", 7: b"-"}),
    8: (list(range(8)), {}),
    17: ([0, 1, 2, 3, 7, 8, 12, 13], {4: _YEAR, 9: _MONTH, 14: _DAY}),
}


def _dates_chunk(
    cols: npt.NDArray[np.uint8], width: int
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int32]]:
    positions, separators = _DATE_LAYOUTS[width]
    ok = np.asarray(_is_digit(cols[positions]).all(axis=0))
    for at, sep in separators.items():
        for k, byte in enumerate(sep):
            ok &= cols[at + k] == byte
    d = cols[positions].astype(np.int16) - 48
    year = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3]
    month = d[4] * 10 + d[5]
    day = d[6] * 10 + d[7]
    ok &= _day_exists(year, month, day)
    year_at, month_at, leap = _calendar(year, month)
    days = np.take(_JAN_FIRST, year_at) + _MONTH_START[leap, month_at] + day - 1
    return ok, days


def _days_from_civil(
    year: npt.NDArray[np.int64], month: npt.NDArray[np.int64], day: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm)."""
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days: npt.NDArray[np.int64] = era * 146097 + doe - 719468
    return days


# Years 0-9999: the day number of 1 January and whether the year is leap. A date is then two
# look-ups and an addition.
_YEARS = np.arange(10_000, dtype=np.int64)
_JAN_FIRST = _days_from_civil(_YEARS, np.ones_like(_YEARS), np.ones_like(_YEARS)).astype(np.int32)
_LEAP = (_YEARS % 4 == 0) & ((_YEARS % 100 != 0) | (_YEARS % 400 == 0))
_MONTH_LENGTH = np.array(  # [leap, month]; months 0 and 13 have no days
    [
        [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0],
        [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0],
    ],
    dtype=np.int32,
)
_MONTH_START = np.zeros_like(_MONTH_LENGTH)  # [leap, month] → days before the month
_MONTH_START[:, 1:] = np.cumsum(_MONTH_LENGTH[:, :-1], axis=1)


def _calendar(
    year: npt.NDArray[np.int16], month: npt.NDArray[np.int16]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int16], npt.NDArray[np.intp]]:
    """(year and month clipped to the tables, leap-year index) for look-ups; rows outside the
    tables are already rejected by the caller's format checks."""
    # np.minimum/np.maximum: np.clip is several times slower on these arrays.
    year = np.maximum(np.minimum(year, 9999), 0)
    month = np.maximum(np.minimum(month, 13), 0)
    return year.astype(np.int64), month, np.take(_LEAP, year).astype(np.intp)


def iso_dates(series: pl.Series) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.bool_]]:
    """Parse ``YYYY-MM-DD``, ``YYYYMMDD`` and ``YYYY年MM月DD日`` values; returns (day numbers,
    parsed) where ``parsed`` is False for the values left to a slower parser (other spellings,
    invalid dates, nulls)."""
    days = np.zeros(len(series), dtype=np.int32)
    parsed = np.zeros(len(series), dtype=np.bool_)
    offsets, data, valid = buffers(series)
    lengths = np.diff(offsets)
    for width in _DATE_LAYOUTS:
        positions = np.flatnonzero((lengths == width) & valid)
        starts = offsets[positions]
        for lo in range(0, len(starts), _CHUNK):
            ok, values = _dates_chunk(_columns(starts[lo : lo + _CHUNK], data, width), width)
            where = positions[lo : lo + _CHUNK]
            days[where] = values
            parsed[where] = ok
    return days, parsed


def _rows_of(
    positions: npt.NDArray[np.int64], offsets: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Row numbers holding the (sorted) byte ``positions``, each row once."""
    rows = np.searchsorted(offsets, positions, side="right") - 1
    if len(rows) > 1:
        rows = rows[np.concatenate([[True], rows[1:] != rows[:-1]])]
    return rows


def _any_of(values: npt.NDArray[np.uint8], allowed: tuple[int, ...]) -> npt.NDArray[np.bool_]:
    # Comparisons, not np.isin: over megabytes, a few SIMD passes beat a table look-up.
    hit: npt.NDArray[np.bool_] = values == allowed[0]
    for value in allowed[1:]:
        hit |= values == value
    return hit


def _sequence_rows(series: Text, *sequences: tuple[tuple[int, ...], ...]) -> npt.NDArray[np.int64]:
    """Rows holding any of ``sequences``; each is a tuple of allowed values per byte.

    Only the (rare) positions of a sequence's first byte are looked at further, so a clean
    column costs one comparison pass per sequence.
    """
    offsets, data, _ = buffers(series)
    lo, hi = int(offsets[0]), int(offsets[-1])
    found = []
    for first, *rest in sequences:
        at = lo + np.flatnonzero(_any_of(data[lo : hi - len(rest)], first))
        for k, allowed in enumerate(rest, start=1):
            at = at[_any_of(data[at + k], allowed)]
        found.append(at)
    positions = np.sort(np.concatenate(found)) if len(found) > 1 else found[0]
    return _rows_of(positions, offsets)


def full_width_rows(series: Text) -> npt.NDArray[np.int64]:
    """Rows holding a full-width form (U+FF00-U+FF7F) or an ideographic space (U+3000)."""
    return _sequence_rows(series, ((0xEF,), (0xBC, 0xBD)), ((0xE3,), (0x80,), (0x80,)))


def _rows_with_byte(
    series: Text, good: Callable[[npt.NDArray[np.uint8]], npt.NDArray[np.bool_]]
) -> npt.NDArray[np.int64]:
    """Rows holding a byte for which ``good`` is False."""
    offsets, data, valid = buffers(series)
    lo = offsets[0]
    text = data[lo : offsets[-1]]
    # One segment per row with bytes (null rows included, so no row absorbs their bytes).
    rows = np.flatnonzero(np.diff(offsets) > 0)
    if len(rows) == 0:
        return rows
    bad = np.logical_or.reduceat(~good(text), offsets[rows] - lo)
    found: npt.NDArray[np.int64] = rows[bad & valid[rows]]
    return found


def unclean_code_rows(series: Text) -> npt.NDArray[np.int64]:
    """Rows holding a byte other than 0-9, A-Z or '*' (not a clean code)."""
    return _rows_with_byte(
        series, lambda text: _is_digit(text) | ((text - np.uint8(65)) < 26) | (text == ord("*"))
    )


def non_ascii_rows(series: Text) -> npt.NDArray[np.int64]:
    """Rows holding a byte of 0x80 or more."""
    return _rows_with_byte(series, lambda text: text < 0x80)


def _byte_set(*values: int) -> npt.NDArray[np.bool_]:
    table = np.zeros(256, dtype=np.bool_)
    table[list(values)] = True
    return table


_CONTROL_BYTE = _byte_set(*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)


def control_rows(series: Text) -> npt.NDArray[np.int64]:
    """Rows holding a control byte (see :data:`credit_ledger._kernels.CONTROL`)."""
    return _rows_with_byte(series, lambda text: ~np.take(_CONTROL_BYTE, text))


_ASCII_SPACE = (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20)
# White space as Rust's `char::is_whitespace` (what `str.strip_chars()` strips) in UTF-8:
# U+0085 and U+00A0 are C2 85 / C2 A0; U+1680, U+2000-U+205F and U+3000 start with E1-E3.
_SPACE_FIRST = _byte_set(*_ASCII_SPACE, 0xC2, 0xE1, 0xE2, 0xE3)
_SPACE_LAST = _byte_set(*_ASCII_SPACE)
_SPACE_LAST_OF_2 = _byte_set(0x85, 0xA0)
_SPACE_LAST_OF_3 = _byte_set(*range(0x80, 0x8B), 0x9F, 0xA8, 0xA9, 0xAF)
_SPACE_LEAD_OF_3 = _byte_set(0xE1, 0xE2, 0xE3)


def untrimmed_rows(series: Text) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(rows that may start or end with white space, rows that are empty text).

    The first is a superset: the caller strips those rows and keeps what does not change.
    """
    offsets, data, valid = buffers(series)
    lengths = np.diff(offsets)
    empty: npt.NDArray[np.int64] = np.flatnonzero((lengths == 0) & valid)
    if len(data) == 0:
        return np.empty(0, dtype=np.int64), empty
    # Empty rows read a neighbour's bytes here; their length rules them out below.
    last = len(data) - 1
    ends = np.maximum(np.minimum(offsets[1:] - 1, last), 0)
    final = np.take(data, ends)
    suspect = np.take(_SPACE_FIRST, np.take(data, np.minimum(offsets[:-1], last)))
    suspect |= np.take(_SPACE_LAST, final)
    suspect |= np.take(_SPACE_LAST_OF_2, final) & (np.take(data, np.maximum(ends - 1, 0)) == 0xC2)
    suspect |= np.take(_SPACE_LAST_OF_3, final) & np.take(
        _SPACE_LEAD_OF_3, np.take(data, np.maximum(ends - 2, 0))
    )
    suspect &= lengths > 0
    rows: npt.NDArray[np.int64] = np.flatnonzero(suspect)
    return rows, empty


def replacement_rows(series: Text) -> npt.NDArray[np.int64]:
    """Rows holding U+FFFD, what lossy decoding leaves for undecodable bytes."""
    return _sequence_rows(series, ((0xEF,), (0xBF,), (0xBD,)))


def text_flags(series: pl.Series, wanted: int = ALL) -> npt.NDArray[np.uint8]:
    """Per-row flags (see :mod:`credit_ledger._kernels`), only those ``wanted`` besides
    ``EMPTY``; ``EDGE_SPACE`` may be set on rows that only look as if they start or end with
    white space."""
    text = buffers(series)
    flags = np.zeros(len(series), dtype=np.uint8)
    untrimmed, empty = untrimmed_rows(text)
    if wanted & EDGE_SPACE:
        flags[untrimmed] |= EDGE_SPACE
    if wanted & UNCLEAN:
        flags[unclean_code_rows(text)] |= UNCLEAN
    if wanted & NON_ASCII:
        flags[non_ascii_rows(text)] |= NON_ASCII
    if wanted & WIDE:
        flags[full_width_rows(text)] |= WIDE
    if wanted & REPLACEMENT:
        flags[replacement_rows(text)] |= REPLACEMENT
    if wanted & CONTROL:
        flags[control_rows(text)] |= CONTROL
    flags[empty] = EMPTY
    return flags


def cleaned(series: pl.Series, mode: Mode) -> tuple[pl.Series, npt.NDArray[np.uint8]]:
    """See :func:`credit_ledger._kernels.cleaned`: Polars string operations on the rows the
    flags point at."""
    cleaning = CLEANING[mode]
    flags = text_flags(series, EMPTY | REPLACEMENT | CONTROL | cleaning.rewrites)
    out = series
    if cleaning.trims and (stripped := np.flatnonzero(flags & EDGE_SPACE)).size:
        out = out.clone().scatter(stripped, series.gather(stripped).str.strip_chars())
    fold = cleaning.fold
    if fold is not None and (refolded := np.flatnonzero(flags & cleaning.refold)).size:
        out = out.clone().scatter(refolded, fold(series.gather(refolded)))
    keep = pl.Series((flags & EMPTY) == 0) & (out.str.len_bytes() > 0)
    return pl.select(pl.when(keep).then(out)).to_series().alias(series.name), flags
