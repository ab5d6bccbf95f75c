"""Text → typed values, as Polars expressions: the normalisation every source gets.

Every parser returns null where the text does not parse; the validator compares that with the
input to report ``<column>:<dtype>`` instead of silently accepting a null.
"""

from __future__ import annotations

import re

import polars as pl

from credit_ledger import _kernels, ids
from credit_ledger.kinds import Field

_TRUE = ["是", "true", "t", "yes", "y", "1", "有"]
_FALSE = ["否", "false", "f", "no", "n", "0", "无"]


def fold_width(series: pl.Series) -> pl.Series:
    """NFKC-fold the values holding full-width forms or ideographic spaces (the rest unchanged).

    Normalising only the rows that need it keeps clean columns at the cost of one scan.
    """
    rows = _kernels.full_width_rows(series)
    if len(rows) == 0:
        return series
    return series.clone().scatter(rows, series.gather(rows).str.normalize("NFKC"))


def trim(series: pl.Series) -> pl.Series:
    """Strip white space; empty text becomes null. Only rows that need it are touched."""
    rows = _kernels.untrimmed_rows(series)
    if len(rows) == 0:
        return series
    stripped = series.gather(rows).str.strip_chars()
    stripped = pl.select(pl.when(stripped.str.len_bytes() > 0).then(stripped)).to_series()
    return series.clone().scatter(rows, stripped)


def normalized_text(f: Field, col: pl.Expr) -> pl.Expr:
    """Cleaned text of a field: trimmed, empty → null; codes NFKC-folded and compacted."""
    text = col.cast(pl.String)
    if f.normalize == "none":
        return text
    if f.normalize == "code":
        return ids.normalize_code_expr(text)
    if f.normalize == "case_no" or f.dtype not in ("str", "date") or f.enum is not None:
        text = text.map_batches(fold_width, return_dtype=pl.String, is_elementwise=True)
    text = text.map_batches(trim, return_dtype=pl.String, is_elementwise=True)
    if f.normalize == "case_no":
        text = (
            text.str.replace_all(r"\s", "")
            .str.replace_all(r"[〔\[]", "(")
            .str.replace_all(r"[〕\]]", ")")
        )
    if f.multi is not None:
        separators = "".join(re.escape(c) for c in f.separators)
        text = text.str.replace_all(rf"[{separators}]\s*", f.multi)
    if f.value_map:
        text = text.replace(dict(f.value_map))
    if f.normalize == "case_no" or f.multi is not None or f.value_map:
        text = text.replace("", None)
    return text


def _date_slow(text: pl.Series) -> pl.Series:
    # 2024年3月1日, 2024/03/01, 2024.03.01 and full-width digits become 2024-3-1.
    folded = fold_width(text)
    dashed = folded.str.strip_suffix("日").str.replace_all(r"[年月/.]", "-")
    return dashed.str.to_date("%Y-%m-%d", strict=False)


def parse_dates(text: pl.Series) -> pl.Series:
    """Dates from normalised text: ISO and ``YYYYMMDD`` by a byte kernel, the other accepted
    spellings (``YYYY年MM月DD日``, slashes, dots, full-width digits) by Polars, row subset only."""
    dates, parsed = _kernels.iso_dates(text)
    rest = (~parsed & text.is_not_null()).arg_true()
    if len(rest):
        dates = dates.scatter(rest, _date_slow(text.gather(rest)))
    return pl.select(pl.when(parsed | text.is_not_null()).then(dates)).to_series().alias(text.name)


def _decimal(text: pl.Expr, scale: int) -> pl.Expr:
    cleaned = text.str.replace_all(r"[,¥￥元\s]", "")
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
