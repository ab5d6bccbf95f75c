"""Reporting periods: months, quarters and years up to a run date.

The zeroing ledgers are reported per period of the calendar year (or from a given start) up to
``as_of``; the period holding ``as_of`` ends on ``as_of``, so a rerun for the same date gives
the same figures whatever the data hold about later days.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import polars as pl

__all__ = ["PERIODS", "Period", "period_start", "periods"]

Period = Literal["month", "quarter", "year"]
PERIODS: tuple[Period, ...] = ("month", "quarter", "year")
_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def period_start(day: dt.date, period: Period) -> dt.date:
    """First day of the ``period`` holding ``day``.

    Example:
        >>> period_start(dt.date(2024, 8, 15), "quarter")
        datetime.date(2024, 7, 1)
    """
    step = _MONTHS[period]
    return dt.date(day.year, (day.month - 1) // step * step + 1, 1)


def _next(start: dt.date, period: Period) -> dt.date:
    total = start.year * 12 + start.month - 1 + _MONTHS[period]
    return dt.date(total // 12, total % 12 + 1, 1)


def periods(as_of: dt.date, period: Period, start: dt.date | None = None) -> pl.DataFrame:
    """The periods from ``start`` (default: 1 January of ``as_of``'s year) up to ``as_of``.

    Returns:
        A frame with ``period`` (label such as ``2024-03``, ``2024Q1`` or ``2024``),
        ``period_start`` and ``period_end`` (dates); the last period ends on ``as_of``.

    Raises:
        ValueError: unknown ``period`` or ``start`` after ``as_of``.

    Example:
        >>> periods(dt.date(2024, 5, 10), "quarter")["period_end"].to_list()
        [datetime.date(2024, 3, 31), datetime.date(2024, 5, 10)]
        >>> periods(dt.date(2024, 12, 31), "month").height
        12
    """
    if period not in _MONTHS:
        raise ValueError(f"unknown period {period!r}; use one of {', '.join(PERIODS)}")
    first = period_start(start if start is not None else dt.date(as_of.year, 1, 1), period)
    if first > as_of:
        raise ValueError(f"start {first} is after as_of {as_of}")
    labels: list[str] = []
    starts: list[dt.date] = []
    ends: list[dt.date] = []
    current = first
    while current <= as_of:
        following = _next(current, period)
        starts.append(current)
        ends.append(min(following - dt.timedelta(days=1), as_of))
        if period == "month":
            labels.append(f"{current.year}-{current.month:02d}")
        elif period == "quarter":
            labels.append(f"{current.year}Q{(current.month - 1) // 3 + 1}")
        else:
            labels.append(str(current.year))
        current = following
    return pl.DataFrame(
        {"period": labels, "period_start": starts, "period_end": ends},
        schema={"period": pl.String, "period_start": pl.Date, "period_end": pl.Date},
    )
