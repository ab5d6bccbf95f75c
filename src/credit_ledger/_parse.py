"""Text → typed values, as Polars expressions: the normalisation every source gets.

Every parser returns null where the text does not parse; the validator compares that with the
input to report ``<column>:<dtype>`` instead of silently accepting a null.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from credit_ledger import _kernels
from credit_ledger.kinds import Field

_TRUE = ["是", "true", "t", "yes", "y", "1", "有"]
_FALSE = ["否", "false", "f", "no", "n", "0", "无"]


def _folds_width(f: Field) -> bool:
    return f.normalize == "case_no" or f.dtype not in ("str", "date") or f.enum is not None


def _clean(f: Field, series: pl.Series) -> tuple[pl.Series, npt.NDArray[np.uint8]]:
    """The byte-level cleaning of one column, and its :func:`credit_ledger._kernels.text_flags`:
    codes folded and compacted, or text width-folded (where the field asks) and trimmed."""
    if f.normalize == "none":
        return series, _kernels.text_flags(series, _kernels.REPLACEMENT | _kernels.CONTROL)
    if f.normalize == "code":
        return _kernels.cleaned(series, "code")
    return _kernels.cleaned(series, "fold_width" if _folds_width(f) else "trim")


def _finish(f: Field, text: pl.Expr) -> pl.Expr:
    """Field-specific clean-up after trimming: case numbers, multi-value separators, value
    maps; text left empty becomes null."""
    if f.normalize == "case_no":
        text = (
            text.str.replace_all(r"\s", "")
            .str.replace_all(r"[〔\[【]", "(")
            .str.replace_all(r"[〕\]】]", ")")
        )
    if f.multi is not None:
        separators = "".join(re.escape(c) for c in f.separators)
        text = text.str.replace_all(rf"[{separators}]\s*", f.multi)
    if f.value_map:
        text = text.replace(dict(f.value_map))
    if f.normalize == "case_no" or f.multi is not None or f.value_map:
        text = text.replace("", None)
    return text


def normalized_text(f: Field, col: pl.Expr) -> pl.Expr:
    """Cleaned text of a field: trimmed, empty → null; codes NFKC-folded and compacted."""
    text = col.cast(pl.String)
    if f.normalize == "none":
        return text
    cleaned = text.map_batches(
        lambda s: _clean(f, s)[0],
        return_dtype=pl.String,
        is_elementwise=True,
    )
    return cleaned if f.normalize == "code" else _finish(f, cleaned)


TEXT = "text"
UNDECODABLE = "undecodable"
CONTROL = "control"
INSPECTED = pl.Struct({TEXT: pl.String, UNDECODABLE: pl.Boolean, CONTROL: pl.Boolean})
"""What :func:`inspected_text` gives per row."""


def _inspect(f: Field, series: pl.Series) -> pl.Series:
    cleaned, flags = _clean(f, series)
    undecodable = (flags & _kernels.REPLACEMENT) != 0
    control = (flags & _kernels.CONTROL) != 0
    return pl.DataFrame({TEXT: cleaned, UNDECODABLE: undecodable, CONTROL: control}).to_struct(
        series.name
    )


def inspected_text(f: Field, col: pl.Expr) -> tuple[pl.Expr, Callable[[pl.Expr], pl.Expr]]:
    """One pass over a text column's bytes: a struct of the byte-level cleaned text, whether
    the value held U+FFFD and whether it held a control byte, plus the function that finishes
    the text from the struct column.

    Equivalent to :func:`normalized_text` and :func:`credit_ledger._kernels.flag_column`, with
    the column's bytes read once.
    """
    inspected = col.cast(pl.String).map_batches(
        partial(_inspect, f), return_dtype=INSPECTED, is_elementwise=True
    )

    def finish(struct: pl.Expr) -> pl.Expr:
        text = struct.struct.field(TEXT)
        return text if f.normalize in ("none", "code") else _finish(f, text)

    return inspected, finish


# 2024年3月1日, 2024/03/01, 2024.03.01, with a time of day after the date (with or without a
# space, as spreadsheets print 2003/04/1000:00:00.000); full-width digits are folded first.
_DATE_TIME = (
    r"^([0-9]{4})[-年/.]([0-9]{1,2})[-月/.]([0-9]{1,2})日?"
    r"(?:[ T]?[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$"
)
# Epoch seconds (10 digits) or milliseconds (13), as feeds print publishDateStamp (domain.md §8).
_EPOCH = r"^[0-9]{10}(?:[0-9]{3})?$"
_CHINA_OFFSET_S = 8 * 3600  # dates are China local time (docs/domain.md §0)


def _date_slow(text: pl.Series) -> pl.Series:
    t = pl.col("t")
    parts = t.str.extract_groups(_DATE_TIME)
    ymd = pl.concat_str([parts.struct.field(g) for g in ("1", "2", "3")], separator="-")
    digits = t.str.to_integer(strict=False)
    seconds = pl.when(t.str.len_bytes() == 13).then(digits // 1000).otherwise(digits)
    epoch = pl.from_epoch((seconds + _CHINA_OFFSET_S) // 86_400, time_unit="d")
    folded = _kernels.cleaned(text, "fold_width")[0]
    return (
        pl.DataFrame({"t": folded})
        .select(
            pl.when(t.str.contains(_EPOCH))
            .then(epoch)
            .otherwise(ymd.str.to_date("%Y-%m-%d", strict=False))
        )
        .to_series()
        .rename(text.name)
    )


def parse_dates(text: pl.Series) -> pl.Series:
    """Dates from normalised text: ISO and ``YYYYMMDD`` by a byte kernel, the other accepted
    spellings (``YYYY年MM月DD日``, slashes, dots, full-width digits) by Polars, row subset only."""
    days, valid = _kernels.iso_dates(text)
    given = text.is_not_null().to_numpy() if text.null_count() else np.ones(len(text), np.bool_)
    rest = np.flatnonzero(given & ~valid)
    if len(rest):
        slow = _date_slow(text.gather(rest))
        days[rest] = slow.cast(pl.Int32).fill_null(0).to_numpy()
        valid[rest] = slow.is_not_null().to_numpy()
    dates = _kernels.arrow_array(pa.date32(), valid, [pa.py_buffer(days)])
    return pl.Series(text.name, dates, dtype=pl.Date)


_MONEY_NOISE = r"[,¥￥元\s]"


def _decimal(text: pl.Expr, scale: int) -> pl.Expr:
    cleaned = text.str.replace_all(_MONEY_NOISE, "")
    if scale == 2:
        # Read finer than the fen, then round half away from zero (四舍五入), explicitly.
        fine = cleaned.str.to_decimal(scale=8)
        return fine.round(2, mode="half_away_from_zero")
    return cleaned.str.to_decimal(scale=scale)


def parsed(f: Field, text: pl.Expr) -> pl.Expr:
    """The typed value of a field from its normalised text (null where it does not parse).

    ``text`` should be a column reference: it may be used more than once.
    """
    if f.dtype == "str":
        return text
    if f.dtype == "date":
        return text.map_batches(parse_dates, return_dtype=pl.Date, is_elementwise=True)
    if f.dtype == "int":
        return text.str.to_integer(strict=False)
    if f.dtype == "decimal":
        return _decimal(text, 2)
    if f.dtype == "rate":
        return _decimal(text.str.strip_suffix("%"), 8) / pl.when(text.str.ends_with("%")).then(
            100
        ).otherwise(1)
    if f.dtype == "bool":
        low = text.str.to_lowercase()
        return pl.when(low.is_in(_TRUE)).then(True).when(low.is_in(_FALSE)).then(False)
    raise AssertionError(f.dtype)
