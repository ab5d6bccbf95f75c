"""Expressions shared by the packs: government bodies, optional columns, money in fen.

Money stays exact: amounts are ``Decimal(38, 2)`` yuan, whose physical value is an integer
number of fen; interest is computed on those integers (Int128) and rounded half up to the fen
once, at the end. No binary float ever holds money.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl

from credit_ledger_packs import _settings
from credit_ledger_packs._calendar import OFFICIAL, WorkCalendar

__all__ = [
    "GOV_SUBJECT_KINDS",
    "calendar",
    "covered_years",
    "fen",
    "from_fen",
    "gov_code_expr",
    "normalized_name",
    "optional_bool",
    "optional_date",
    "optional_text",
    "roll_forward",
    "yuan",
]

GOV_SUBJECT_KINDS = ("government_organ", "public_institution")
"""``subject_kind`` values of government bodies (:func:`credit_ledger.ids.subject_kind_expr`)."""

MONEY = pl.Decimal(38, 2)
_TRUE_WORDS = ("true", "t", "1", "yes", "y", "是", "有", "√")


def _optional(name: str) -> pl.Expr:
    # A regex selection matches nothing when the column is absent: the expression then falls
    # back to the literal, so rules can read columns a source may or may not carry.
    return pl.col(f"^{name}$")


def optional_text(name: str) -> pl.Expr:
    """Column ``name`` as text if the frame has it, else null.

    Example:
        >>> pl.DataFrame({"a": [1]}).select(optional_text("sector").alias("s")).item() is None
        True
    """
    return pl.coalesce(_optional(name).cast(pl.String), pl.lit(None, dtype=pl.String))


def yes(column: pl.Expr) -> pl.Expr:
    """A yes/no column (Boolean, or text ``true``, ``1``, ``是``...) as Boolean; null → False.

    Example:
        >>> pl.DataFrame({"f": ["是", "否", None]}).select(yes(pl.col("f")))["f"].to_list()
        [True, False, False]
    """
    text = column.cast(pl.String).str.strip_chars().str.to_lowercase()
    return text.is_in(_TRUE_WORDS).fill_null(False)


def optional_bool(name: str) -> pl.Expr:
    """Column ``name`` read as a yes/no flag (``true``, ``1``, ``是``...) if present, else False.

    Example:
        >>> df = pl.DataFrame({"flag": ["是", "否", None]})
        >>> df.select(optional_bool("flag"))["flag"].to_list()
        [True, False, False]
    """
    text = _optional(name).cast(pl.String).str.strip_chars().str.to_lowercase()
    return pl.coalesce(text.is_in(_TRUE_WORDS), pl.lit(False))


def optional_date(name: str) -> pl.Expr:
    """Column ``name`` as a date (``Date``, ISO or ``YYYYMMDD`` text) if present, else null."""
    text = _optional(name).cast(pl.String).str.strip_chars()
    return pl.coalesce(
        text.str.to_date("%Y-%m-%d", strict=False),
        text.str.to_date("%Y%m%d", strict=False),
        pl.lit(None, dtype=pl.Date),
    )


# A character NFKC may change, or white space: anything but visible ASCII and CJK ideographs.
_NOT_PLAIN = r"[^\x21-\x7e\x{4e00}-\x{9fff}]"


def _fold_names(names: pl.Series) -> pl.Series:
    # NFKC costs about 0.6 µs a value: only the names holding anything else are folded.
    rows = names.str.contains(_NOT_PLAIN).fill_null(False).arg_true()
    if len(rows) == 0:
        return names
    if 2 * len(rows) > len(names):
        return names.str.normalize("NFKC").str.replace_all(r"\s+", "")
    folded = names.gather(rows).str.normalize("NFKC").str.replace_all(r"\s+", "")
    return names.clone().scatter(rows, folded)


def normalized_name(name: pl.Expr) -> pl.Expr:
    """A name folded for comparison: NFKC (full-width brackets → ASCII), no whitespace.

    Example:
        >>> pl.select(normalized_name(pl.lit("某 公司（北京）"))).item()
        '某公司(北京)'
    """
    return name.map_batches(_fold_names, return_dtype=pl.String, is_elementwise=True)


def gov_code_expr(code: pl.Expr, source: _settings.SettingsSource) -> pl.Expr:
    """Whether a credit code belongs to a government body (docs/domain.md §4.1).

    True when its first two characters are a government prefix (11 organ, 12 public
    institution; masked codes keep their prefix), it starts with an extra prefix, or it is one
    of the extra codes from the settings. Only 18-character codes are read by prefix, so a
    9-character organisation code is a government body only if listed.

    Example:
        >>> df = pl.DataFrame({"c": ["11140800558745220K", "91110000600037341L", None]})
        >>> df.select(gov_code_expr(pl.col("c"), None))["c"].to_list()
        [True, False, False]
    """
    prefixes = _settings.get(source, "packs.gov_prefixes", tuple)
    extra_prefixes = _settings.get(source, "packs.extra_gov_prefixes", tuple)
    extra_codes = _settings.get(source, "packs.extra_gov_codes", tuple)
    clean = code.str.strip_chars().str.to_uppercase()
    by_prefix = (clean.str.len_chars() == 18) & clean.str.slice(0, 2).is_in(list(prefixes))
    out = by_prefix.fill_null(False)
    for p in extra_prefixes:
        out = out | clean.str.starts_with(str(p).upper()).fill_null(False)
    if extra_codes:
        out = out | clean.is_in([str(c).upper() for c in extra_codes]).fill_null(False)
    return out


def fen(amount: pl.Expr) -> pl.Expr:
    """A yuan amount as an exact integer number of fen (Int128).

    Example:
        >>> df = pl.DataFrame({"a": [Decimal("200000.00")]}, schema={"a": pl.Decimal(38, 2)})
        >>> df.select(fen(pl.col("a"))).item()
        20000000
    """
    return amount.cast(MONEY).to_physical().cast(pl.Int128)


def from_fen(value: pl.Expr) -> pl.Expr:
    """An integer number of fen back to ``Decimal(38, 2)`` yuan, exactly."""
    return value.cast(pl.Decimal(38, 0)) * pl.lit(Decimal("0.01"), dtype=MONEY)


def yuan(value: Decimal | int | str) -> pl.Expr:
    """A money literal."""
    return pl.lit(Decimal(str(value)), dtype=MONEY)


def div_half_up(numerator: pl.Expr, denominator: int) -> pl.Expr:
    """``numerator / denominator`` rounded half up, for integers ``numerator ≥ 0`` and
    ``denominator > 0`` (money and days are never negative here)."""
    return (numerator * 2 + denominator) // (2 * denominator)


def calendar(source: _settings.SettingsSource) -> WorkCalendar:
    """The working-day calendar: the shipped official calendars (``packs.official_calendar``)
    plus the ``packs.holidays``/``packs.makeup_workdays`` settings."""
    holidays = list(_settings.get(source, "packs.holidays", tuple))
    makeup = list(_settings.get(source, "packs.makeup_workdays", tuple))
    if _settings.get(source, "packs.official_calendar", bool):
        for official_holidays, official_makeup in OFFICIAL.values():
            holidays += official_holidays
            makeup += official_makeup
    return WorkCalendar.from_strings(holidays, makeup)


def covered_years(source: _settings.SettingsSource) -> list[int]:
    """Years whose holidays the calendar knows (shipped or configured)."""
    years = set(OFFICIAL) if _settings.get(source, "packs.official_calendar", bool) else set()
    for item in _settings.get(source, "packs.holidays", tuple):
        if item.strip():
            years.add(int(item.strip()[:4]))
    return sorted(years)


def roll_forward(day: pl.Expr, source: _settings.SettingsSource) -> pl.Expr:
    """The last day of a period counted in days: moved to the next working day when it is a
    rest day (Civil Code Art. 203), unless ``packs.roll_forward`` is off (Art. 204)."""
    if not _settings.get(source, "packs.roll_forward", bool):
        return day
    return calendar(source).roll_forward_expr(day)


def as_of_lit(as_of: dt.date) -> pl.Expr:
    """``as_of`` as a date literal."""
    return pl.lit(as_of, dtype=pl.Date)
