"""Identifier kernels over Arrow string buffers, with numpy.

A credit code check written as Polars string expressions costs more than reading the file
(one string pass per step). Here the bytes of every 18-character value are gathered into a
fixed-width ``uint8`` matrix, in chunks of 65,536 rows so no temporary grows with the input,
and the format, GB 32100 and GB 11714 checks become table look-ups and one matrix product.

The functions take and return ``pl.Series`` and are used through ``Expr.map_batches`` by
:mod:`credit_ledger.ids`; the Polars-expression definitions there are the reference they are
tested against.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

_CHUNK = 1 << 16
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int32)
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int32)
_RIC_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int32)
_RIC_CHECKS = np.frombuffer(b"10X98765432", dtype=np.uint8)
_ORG_CHECKS = np.frombuffer(b"0123456789X0", dtype=np.uint8)  # index r = 11 - S % 11, 1..11
_DAYS = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _table(chars: str, values: list[int] | None = None) -> npt.NDArray[np.int8]:
    table = np.full(256, -1, dtype=np.int8)
    for i, ch in enumerate(chars):
        table[ord(ch)] = i if values is None else values[i]
    return table


_USCC_VALUE = _table(_USCC_ALPHABET)
_LATIN_VALUE = _table(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    [*range(10), *(ord(c) - 55 for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")],
)
_DIGIT = _table("0123456789")
_FIRST = _table("123456789ANY")


def _large_string(series: pl.Series) -> pa.LargeStringArray:
    arr = series.to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    return arr


_Buffers = tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8], npt.NDArray[np.bool_]]


def _buffers(series: pl.Series) -> _Buffers:
    """(offsets, UTF-8 bytes, validity) of a String Series."""
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


def _fixed_width(
    series: pl.Series | _Buffers, width: int
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64], npt.NDArray[np.uint8]]:
    """(has the width, byte offsets of those rows, the bytes) for one Series."""
    offsets, data, valid = _buffers(series) if isinstance(series, pl.Series) else series
    fits = (np.diff(offsets) == width) & valid
    return fits, offsets[:-1][fits], data


def _rows(
    starts: npt.NDArray[np.int64], data: npt.NDArray[np.uint8], width: int
) -> npt.NDArray[np.uint8]:
    if len(starts) == 0:
        return np.empty((0, width), dtype=np.uint8)
    # A strided view: row i of `windows` is data[i : i + width], so no index matrix is built.
    windows = np.lib.stride_tricks.as_strided(
        data, shape=(len(data) - width + 1, width), strides=(1, 1), writeable=False
    )
    rows: npt.NDArray[np.uint8] = windows[starts]
    return rows


def _result(series: pl.Series, fits: npt.NDArray[np.bool_], ok: npt.NDArray[np.bool_]) -> pl.Series:
    out = np.zeros(len(series), dtype=np.bool_)
    out[np.flatnonzero(fits)] = ok
    result = pl.Series(series.name, out, dtype=pl.Boolean)
    if series.null_count():
        result = (
            pl.select(pl.when(series.is_not_null()).then(result)).to_series().alias(series.name)
        )
    return result


def _uscc_chunk(rows: npt.NDArray[np.uint8], level: str) -> npt.NDArray[np.bool_]:
    values = np.take(_USCC_VALUE, rows)
    ok = (_FIRST[rows[:, 0]] >= 0) & (_DIGIT[rows[:, 1:8]] >= 0).all(axis=1)
    ok &= (values[:, 8:] >= 0).all(axis=1)
    if level == "format":
        return ok
    expected = (31 - (values[:, :17].astype(np.int32) @ _USCC_WEIGHTS) % 31) % 31
    ok &= expected == values[:, 17]
    if level == "strict":
        body = np.take(_LATIN_VALUE, rows[:, 8:16]).astype(np.int32)
        r = 11 - (body @ _ORG_WEIGHTS) % 11
        ok &= _ORG_CHECKS[r] == rows[:, 16]
    return ok


def uscc_valid(series: pl.Series, level: Literal["format", "checksum", "strict"]) -> pl.Series:
    """USCC validity of each (normalised) value; null in, null out."""
    fits, starts, data = _fixed_width(series, 18)
    ok = np.empty(len(starts), dtype=np.bool_)
    for lo in range(0, len(starts), _CHUNK):
        ok[lo : lo + _CHUNK] = _uscc_chunk(_rows(starts[lo : lo + _CHUNK], data, 18), level)
    return _result(series, fits, ok)


def _ric_chunk(rows: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    digits = np.take(_DIGIT, rows[:, :17]).astype(np.int32)
    ok = (digits >= 0).all(axis=1) & ((_DIGIT[rows[:, 17]] >= 0) | (rows[:, 17] == ord("X")))
    year = digits[:, 6:10] @ np.array([1000, 100, 10, 1])
    month = digits[:, 10:12] @ np.array([10, 1])
    day = digits[:, 12:14] @ np.array([10, 1])
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    days = np.where(month_ok, _DAYS[np.clip(month, 0, 12)], 0) - ((month == 2) & ~leap)
    ok &= (year >= 1900) & (year <= 2099) & month_ok & (day >= 1) & (day <= days)
    ok &= _RIC_CHECKS[(digits @ _RIC_WEIGHTS) % 11] == rows[:, 17]
    return ok  # type: ignore[no-any-return]


def ric_valid(series: pl.Series) -> pl.Series:
    """Validity of each unmasked resident ID number (format, birth date, check character)."""
    fits, starts, data = _fixed_width(series, 18)
    ok = np.empty(len(starts), dtype=np.bool_)
    for lo in range(0, len(starts), _CHUNK):
        ok[lo : lo + _CHUNK] = _ric_chunk(_rows(starts[lo : lo + _CHUNK], data, 18))
    return _result(series, fits, ok)


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
    rows: npt.NDArray[np.uint8], width: int
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    cols, separators = _DATE_LAYOUTS[width]
    digits = rows[:, cols].astype(np.int32) - ord("0")
    ok = ((digits >= 0) & (digits <= 9)).all(axis=1)
    for at, sep in separators.items():
        for k, byte in enumerate(sep):
            ok &= rows[:, at + k] == byte
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    month = digits[:, 4] * 10 + digits[:, 5]
    day = digits[:, 6] * 10 + digits[:, 7]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    days = _DAYS[np.clip(month, 0, 12)] - ((month == 2) & ~leap)
    ok &= month_ok & (day >= 1) & (day <= days)
    return ok, _days_from_civil(year.astype(np.int64), month.astype(np.int64), day.astype(np.int64))


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


def iso_dates(series: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Parse ``YYYY-MM-DD``, ``YYYYMMDD`` and ``YYYY年MM月DD日`` values; returns (dates, parsed)
    where ``parsed`` is False for the values left to a slower parser (other spellings, invalid
    dates, nulls)."""
    days = np.zeros(len(series), dtype=np.int64)
    parsed = np.zeros(len(series), dtype=np.bool_)
    buffers = _buffers(series)
    for width in _DATE_LAYOUTS:
        fits, starts, data = _fixed_width(buffers, width)
        positions = np.flatnonzero(fits)
        for lo in range(0, len(starts), _CHUNK):
            ok, values = _dates_chunk(_rows(starts[lo : lo + _CHUNK], data, width), width)
            where = positions[lo : lo + _CHUNK]
            days[where] = values
            parsed[where] = ok
    dates = pl.Series(series.name, days, dtype=pl.Int64).cast(pl.Int32).cast(pl.Date)
    return dates, pl.Series(series.name, parsed, dtype=pl.Boolean)


def _rows_with(
    mask: npt.NDArray[np.bool_], offsets: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Row numbers of the byte positions set in ``mask`` (each row once)."""
    positions = np.flatnonzero(mask) + offsets[0]
    rows: npt.NDArray[np.int64] = np.unique(np.searchsorted(offsets, positions, side="right") - 1)
    return rows


def full_width_rows(series: pl.Series) -> npt.NDArray[np.int64]:
    """Rows holding a full-width form (U+FF01-U+FF5E) or an ideographic space (U+3000)."""
    offsets, data, _ = _buffers(series)
    data = data[offsets[0] : offsets[-1]]
    if len(data) < 3:
        return np.empty(0, dtype=np.int64)
    lead, second, third = data[:-2], data[1:-1], data[2:]
    hit = (lead == 0xEF) & ((second == 0xBC) | (second == 0xBD))
    hit |= (lead == 0xE3) & (second == 0x80) & (third == 0x80)
    return _rows_with(np.concatenate([hit, [False, False]]), offsets)


_CODE_BYTES = np.zeros(256, dtype=np.bool_)
_CODE_BYTES[[ord(c) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"]] = True


def unclean_code_rows(series: pl.Series) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(rows holding a byte other than 0-9, A-Z or '*', rows that are empty) of a code column."""
    offsets, data, valid = _buffers(series)
    bad = ~_CODE_BYTES[data[offsets[0] : offsets[-1]]]
    empty: npt.NDArray[np.int64] = np.flatnonzero((np.diff(offsets) == 0) & valid)
    return _rows_with(bad, offsets), empty


_SPACE_BYTES = np.zeros(256, dtype=np.bool_)
_SPACE_BYTES[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20]] = True
_SPACE_BYTES[[0x80, 0xA0]] = True  # last byte of U+3000 (E3 80 80) and of U+00A0 (C2 A0)
_SPACE_LEAD = np.zeros(256, dtype=np.bool_)
_SPACE_LEAD[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xC2, 0xE2, 0xE3, 0xEF]] = True


def untrimmed_rows(series: pl.Series) -> npt.NDArray[np.int64]:
    """Rows that are empty or may start or end with white space (a superset: the caller strips
    them and keeps what does not change)."""
    offsets, data, valid = _buffers(series)
    lengths = np.diff(offsets)
    filled = lengths > 0
    starts, ends = offsets[:-1][filled], offsets[1:][filled] - 1
    suspect = np.zeros(len(lengths), dtype=np.bool_)
    suspect[filled] = _SPACE_LEAD[data[starts]] | _SPACE_BYTES[data[ends]]
    suspect |= (lengths == 0) & valid
    rows: npt.NDArray[np.int64] = np.flatnonzero(suspect)
    return rows


def replacement_char_rows(series: pl.Series) -> pl.Series:
    """True for values holding U+FFFD, what lossy decoding leaves for undecodable bytes."""
    offsets, data, _ = _buffers(series)
    data = data[offsets[0] : offsets[-1]]
    out = np.zeros(len(series), dtype=np.bool_)
    if len(data) >= 3:
        hit = (data[:-2] == 0xEF) & (data[1:-1] == 0xBF) & (data[2:] == 0xBD)
        out[_rows_with(np.concatenate([hit, [False, False]]), offsets)] = True
    return pl.Series(series.name, out, dtype=pl.Boolean)
