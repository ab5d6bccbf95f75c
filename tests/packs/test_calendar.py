"""Working days, month arithmetic and reporting periods."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_ledger_packs._calendar import (
    CN_HOLIDAYS_2024_2025,
    CN_MAKEUP_WORKDAYS_2024_2025,
    OFFICIAL,
    WorkCalendar,
    add_months,
    parse_dates,
)
from credit_ledger_packs._exprs import calendar, covered_years, roll_forward
from credit_ledger_packs._periods import periods

D = dt.date


def _add(cal: WorkCalendar, day: dt.date, n: int) -> dt.date:
    return pl.DataFrame({"d": [day]}).select(cal.add_expr(pl.col("d"), n)).item()


def test_weekends_only_by_default() -> None:
    cal = WorkCalendar()
    assert _add(cal, D(2024, 5, 31), 3) == D(2024, 6, 5)  # Fri + 3 = Wed
    assert _add(cal, D(2024, 6, 1), 3) == D(2024, 6, 5)  # a Saturday counts from Monday


def test_holidays_and_makeup_days() -> None:
    cal = WorkCalendar.from_strings(CN_HOLIDAYS_2024_2025, CN_MAKEUP_WORKDAYS_2024_2025)
    # National Day 2024: 1-7 October off, Saturday 12 October worked.
    assert _add(cal, D(2024, 9, 30), 3) == D(2024, 10, 10)
    assert _add(cal, D(2024, 10, 10), 2) == D(2024, 10, 12)
    # Sunday 29 September 2024 is a make-up working day.
    assert _add(cal, D(2024, 9, 27), 1) == D(2024, 9, 29)


def test_null_and_out_of_range_dates() -> None:
    cal = WorkCalendar()
    df = pl.DataFrame({"d": [None, D(1960, 1, 1), D(2199, 12, 31)]}, schema={"d": pl.Date})
    assert df.select(cal.add_expr(pl.col("d"), 3))["d"].to_list() == [None, None, None]


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(D(2020, 1, 1), D(2030, 12, 31)),
    n=st.integers(1, 20),
    holidays=st.sets(st.dates(D(2020, 1, 1), D(2031, 3, 1)), max_size=30),
    makeup=st.sets(st.dates(D(2020, 1, 1), D(2031, 3, 1)), max_size=10),
)
def test_vectorised_matches_scalar(
    day: dt.date, n: int, holidays: set[dt.date], makeup: set[dt.date]
) -> None:
    cal = WorkCalendar(holidays=frozenset(holidays), makeup_workdays=frozenset(makeup))
    assert _add(cal, day, n) == cal.add(day, n)


def test_count_working_days() -> None:
    cal = WorkCalendar()
    df = pl.DataFrame({"a": [D(2024, 6, 3)], "b": [D(2024, 6, 10)]})
    assert df.select(cal.count_expr(pl.col("a"), pl.col("b"))).item() == 5


@settings(max_examples=60, deadline=None)
@given(
    a=st.dates(D(1965, 1, 1), D(2205, 12, 31)),
    span=st.integers(-40, 40),
    holidays=st.sets(st.dates(D(1969, 12, 1), D(2200, 2, 1)), max_size=10),
)
def test_count_matches_scalar_even_outside_the_table(
    a: dt.date, span: int, holidays: set[dt.date]
) -> None:
    cal = WorkCalendar(holidays=frozenset(holidays))
    b = a + dt.timedelta(days=span)

    def through(day: dt.date) -> int:  # working days from 1970-01-01 through day
        day = min(day, D(2199, 12, 31))
        n, current = 0, D(1970, 1, 1)
        while current <= day:
            n += cal.is_working_day(current)
            current += dt.timedelta(days=1)
        return n

    got = pl.DataFrame({"a": [a], "b": [b]}).select(cal.count_expr(pl.col("a"), pl.col("b")))
    assert got.item() == through(b) - through(a)


def test_parse_dates_rejects_reversed_range() -> None:
    with pytest.raises(ValueError, match="ends before"):
        parse_dates(["2024-10-07..2024-10-01"])


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # docs/domain.md §0
        (D(2024, 2, 29), 36, D(2027, 2, 28)),
        (D(2024, 5, 31), 3, D(2024, 8, 31)),
        (D(2024, 5, 31), 12, D(2025, 5, 31)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),
    ],
)
def test_add_months_clamps_at_month_end(start: dt.date, months: int, expected: dt.date) -> None:
    df = pl.DataFrame({"d": [start], "m": [months]})
    assert df.select(add_months(pl.col("d"), months)).item() == expected
    assert df.select(add_months(pl.col("d"), pl.col("m"))).item() == expected


def test_periods() -> None:
    months = periods(D(2024, 12, 31), "month")
    assert months.height == 12
    assert months["period"][1] == "2024-02"
    assert months["period_end"][1] == D(2024, 2, 29)
    quarters = periods(D(2024, 8, 15), "quarter")
    assert quarters["period"].to_list() == ["2024Q1", "2024Q2", "2024Q3"]
    assert quarters["period_end"].to_list()[-1] == D(2024, 8, 15)
    years = periods(D(2024, 8, 15), "year", start=D(2022, 3, 1))
    assert years["period"].to_list() == ["2022", "2023", "2024"]
    with pytest.raises(ValueError, match="unknown period"):
        periods(D(2024, 1, 1), "week")  # type: ignore[arg-type]


def test_official_calendars_are_shipped_and_on_by_default() -> None:
    cal = calendar(None)
    # Spring Festival 2026: 15-23 February off, Saturday 14 and Saturday 28 February worked
    assert _add(cal, D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert _add(cal, D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert _add(cal, D(2026, 2, 27), 1) == D(2026, 2, 28)
    # 2025 National Day runs to 8 October
    assert _add(cal, D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert covered_years(None) == [2024, 2025, 2026]
    assert covered_years({"packs.official_calendar": False}) == []
    assert _add(calendar({"packs.official_calendar": False}), D(2025, 9, 30), 1) == D(2025, 10, 1)


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_each_shipped_year_is_well_formed(year: int) -> None:
    """Adding a year is one entry in OFFICIAL: its holidays and make-up days lie in that year
    (a holiday range may not spill into the next), make-up days are weekend days, holidays
    are not."""
    holidays, makeup = OFFICIAL[year]
    days_off, worked = parse_dates(holidays), parse_dates(makeup)
    assert {d.year for d in days_off | worked} == {year}
    assert all(d.weekday() >= 5 for d in worked)
    assert not days_off & worked
    assert len(days_off) >= 20  # about four weeks of statutory holidays and bridged days


def test_roll_forward_moves_a_rest_day_to_the_next_working_day() -> None:
    df = pl.DataFrame(
        {"d": [D(2024, 10, 1), D(2024, 10, 8), D(2024, 3, 31), D(2024, 9, 29), None]},
        schema={"d": pl.Date},
    )
    assert df.select(roll_forward(pl.col("d"), None))["d"].to_list() == [
        D(2024, 10, 8),  # National Day → first working day after
        D(2024, 10, 8),  # a working day stays
        D(2024, 4, 1),  # a Sunday → Monday
        D(2024, 9, 29),  # a Sunday worked (调休) is a working day
        None,
    ]
    off = {"packs.roll_forward": False}
    assert df.select(roll_forward(pl.col("d"), off))["d"].to_list() == df["d"].to_list()
