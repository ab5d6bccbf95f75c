"""Working days and calendar months, as vectorised Polars expressions.

Chinese statutory deadlines count *working days* (工作日): Monday to Friday, minus public
holidays, plus the weekend days declared working days to make up for a holiday (调休). Polars'
``add_business_days`` knows weekends and holidays but not make-up days, so the calendar here
is a sorted table of working days and "``n`` working days after ``d``" is one binary search and
one gather, for every row at once.

The State Council publishes the holidays each year. :data:`OFFICIAL` ships the notices for
2024-2026 (docs/domain.md §9 [V]), used by default; a date in a year it does not cover falls back to
weekends only, and the packs report that as a warning. Adding a year is one entry in
:data:`OFFICIAL` and a test.

A period whose last day is a rest day ends on the next working day (Civil Code Art. 203):
:meth:`WorkCalendar.roll_forward_expr`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

__all__ = [
    "CN_HOLIDAYS_2024_2025",
    "CN_MAKEUP_WORKDAYS_2024_2025",
    "OFFICIAL",
    "WorkCalendar",
    "add_months",
    "parse_dates",
]

FIRST_DAY = dt.date(1970, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)

OFFICIAL: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # year: (holidays, weekend days worked 调休), 国务院办公厅 notices (docs/domain.md §9 [V])
    2024: (
        (
            "2024-01-01",
            "2024-02-10..2024-02-17",
            "2024-04-04..2024-04-06",
            "2024-05-01..2024-05-05",
            "2024-06-10",
            "2024-09-15..2024-09-17",
            "2024-10-01..2024-10-07",
        ),
        (
            "2024-02-04",
            "2024-02-18",
            "2024-04-07",
            "2024-04-28",
            "2024-05-11",
            "2024-09-14",
            "2024-09-29",
            "2024-10-12",
        ),
    ),
    2025: (
        (
            "2025-01-01",
            "2025-01-28..2025-02-04",
            "2025-04-04..2025-04-06",
            "2025-05-01..2025-05-05",
            "2025-05-31..2025-06-02",
            "2025-10-01..2025-10-08",
        ),
        ("2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"),
    ),
    2026: (
        (
            "2026-01-01..2026-01-03",
            "2026-02-15..2026-02-23",
            "2026-04-04..2026-04-06",
            "2026-05-01..2026-05-05",
            "2026-06-19..2026-06-21",
            "2026-09-25..2026-09-27",
            "2026-10-01..2026-10-07",
        ),
        ("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"),
    ),
}
"""The official calendars shipped: 国办发明电〔2023〕7号 (2024), 国办发明电〔2024〕12号 (2025),
the notice of 2025-11-04 (2026) [V]."""

CN_HOLIDAYS_2024_2025: tuple[str, ...] = (*OFFICIAL[2024][0], *OFFICIAL[2025][0])
"""Public holidays 2024-2025 (kept for callers of the earlier preset) [V]."""

CN_MAKEUP_WORKDAYS_2024_2025: tuple[str, ...] = (*OFFICIAL[2024][1], *OFFICIAL[2025][1])
"""Weekend days worked 2024-2025 (调休) [V]."""


def parse_dates(items: Iterable[str]) -> frozenset[dt.date]:
    """Dates from ISO strings; ``"A..B"`` is the inclusive range from A to B.

    Raises:
        ValueError: an item is not an ISO date or range.

    Example:
        >>> sorted(parse_dates(["2024-10-01..2024-10-03", "2024-12-25"]))[-1]
        datetime.date(2024, 12, 25)
        >>> len(parse_dates(["2024-10-01..2024-10-07"]))
        7
    """
    out: set[dt.date] = set()
    for item in items:
        text = item.strip()
        if not text:
            continue
        first, _, last = text.partition("..")
        start = dt.date.fromisoformat(first.strip())
        end = dt.date.fromisoformat(last.strip()) if last else start
        if end < start:
            raise ValueError(f"date range {text!r} ends before it starts")
        out.update(start + dt.timedelta(days=i) for i in range((end - start).days + 1))
    return frozenset(out)


@dataclass(frozen=True)
class WorkCalendar:
    """Working days: weekdays minus ``holidays`` plus ``makeup_workdays``.

    Attributes:
        holidays: days off that fall on weekdays (weekend holidays change nothing).
        makeup_workdays: weekend days that are working days (调休).

    Example:
        >>> cal = WorkCalendar.from_strings(["2024-10-01..2024-10-07"], ["2024-10-12"])
        >>> cal.add(dt.date(2024, 9, 30), 3)
        datetime.date(2024, 10, 10)
        >>> df = pl.DataFrame({"d": [dt.date(2024, 9, 30)]})
        >>> df.select(cal.add_expr(pl.col("d"), 3)).item()
        datetime.date(2024, 10, 10)
    """

    holidays: frozenset[dt.date] = frozenset()
    makeup_workdays: frozenset[dt.date] = frozenset()

    @classmethod
    def from_strings(
        cls, holidays: Iterable[str], makeup_workdays: Iterable[str] = ()
    ) -> WorkCalendar:
        """A calendar from ISO dates or ``A..B`` ranges (the settings' format)."""
        return cls(holidays=parse_dates(holidays), makeup_workdays=parse_dates(makeup_workdays))

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day.

        Example:
            >>> WorkCalendar().is_working_day(dt.date(2024, 6, 1))  # a Saturday
            False
        """
        if day in self.makeup_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (scalar twin of :meth:`add_expr`)."""
        if n < 1:
            raise ValueError("n must be ≥ 1")
        current = day
        while n:
            current += dt.timedelta(days=1)
            n -= self.is_working_day(current)
        return current

    def workdays(self) -> pl.Series:
        """Every working day from 1970-01-01 to 2199-12-31, sorted."""
        return _workdays(self)

    def add_expr(self, day: pl.Expr, n: int | pl.Expr) -> pl.Expr:
        """The ``n``-th working day strictly after ``day`` (``n`` ≥ 1), per row.

        A deadline "within 3 working days after D" is ``add_expr(D, 3)``; a ``D`` on a day off
        counts from the next working day. Null ``day`` or dates outside 1970-2199 give null.
        """
        days = self.workdays()
        # Working days ≤ d, so index k + n - 1 is the n-th working day after d.
        target = self._through_expr(day) + n - 1
        inside = day.is_not_null() & day.is_between(FIRST_DAY, LAST_DAY) & (target < len(days))
        safe = pl.when(inside).then(target).otherwise(0).cast(pl.UInt32)
        name = day.meta.output_name(raise_if_undetermined=False) or "workday"
        return pl.when(inside).then(pl.lit(days).gather(safe)).alias(name)

    def roll_forward_expr(self, day: pl.Expr) -> pl.Expr:
        """``day`` if it is a working day, else the next working day (Civil Code Art. 203).

        Example:
            >>> cal = WorkCalendar.from_strings(*OFFICIAL[2024])
            >>> df = pl.DataFrame({"d": [dt.date(2024, 10, 1), dt.date(2024, 10, 12)]})
            >>> df.select(cal.roll_forward_expr(pl.col("d")))["d"].to_list()
            [datetime.date(2024, 10, 8), datetime.date(2024, 10, 12)]
        """
        return self.add_expr(day - pl.duration(days=1), 1)

    def count_expr(self, start: pl.Expr, end: pl.Expr) -> pl.Expr:
        """Working days in ``(start, end]`` (negative when ``end`` is before ``start``)."""
        hi, lo = self._through_expr(end), self._through_expr(start)
        return pl.when(start.is_not_null() & end.is_not_null()).then(hi - lo)

    def _through_expr(self, day: pl.Expr) -> pl.Expr:
        """Working days from 1970-01-01 through ``day`` (0 before, all after 2199).

        A look-up by day number in a table of running counts, not a binary search per row.
        """
        through = _workdays_through(self)
        index = (day - pl.lit(FIRST_DAY)).dt.total_days()
        last = len(through) - 1
        clamped = pl.min_horizontal(pl.max_horizontal(index, 0), last).cast(pl.UInt32)
        counts = pl.lit(through).gather(clamped).cast(pl.Int64)
        return pl.when(index < 0).then(0).otherwise(counts)


@functools.cache
def _workdays(calendar: WorkCalendar) -> pl.Series:
    days = pl.date_range(FIRST_DAY, LAST_DAY, interval="1d", eager=True)
    weekday = days.dt.weekday() <= 5
    holiday = days.is_in(sorted(calendar.holidays))
    makeup = days.is_in(sorted(calendar.makeup_workdays))
    return days.filter((weekday & ~holiday) | makeup).alias("workday")


@functools.cache
def _workdays_through(calendar: WorkCalendar) -> pl.Series:
    """Per calendar day from 1970-01-01 to 2199-12-31: working days up to and including it."""
    days = pl.date_range(FIRST_DAY, LAST_DAY, interval="1d", eager=True)
    return days.is_in(_workdays(calendar).implode()).cast(pl.UInt32).cum_sum()


def add_months(day: pl.Expr, months: int | pl.Expr) -> pl.Expr:
    """``day`` plus calendar months, clamped to the end of a shorter month (docs/domain.md §0).

    Example:
        >>> df = pl.DataFrame({"d": [dt.date(2024, 2, 29), dt.date(2024, 5, 31)]})
        >>> df.select(add_months(pl.col("d"), 12))["d"].to_list()
        [datetime.date(2025, 2, 28), datetime.date(2025, 5, 31)]
        >>> df.select(add_months(pl.col("d"), 3))["d"].to_list()
        [datetime.date(2024, 5, 29), datetime.date(2024, 8, 31)]
    """
    if isinstance(months, int):
        return day.dt.offset_by(f"{months}mo")
    return day.dt.offset_by(pl.format("{}mo", months.cast(pl.Int64)))
