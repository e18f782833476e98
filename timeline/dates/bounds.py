"""From the parts of a date to a MixedDate: strict and fuzzy bounds, and the rules of spans."""

import calendar
import datetime
from typing import NamedTuple

from timeline.dates.values import (
    MONTH_NAMES,
    SEASON_START_MONTH,
    InvalidDate,
    MixedDate,
    Precision,
)


class Part(NamedTuple):
    """One date before qualifiers: a single date or one side of a span."""

    precision: Precision
    year: int
    month: int | None = None  # 1..12
    day: int | None = None
    season: int | None = None  # 21..24
    time: datetime.time | None = None

    def bounds(self) -> tuple[datetime.date, datetime.date]:
        year = self.year
        if self.precision is Precision.YEAR:
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        if self.precision is Precision.MONTH:
            last = calendar.monthrange(year, self.month)[1]
            return datetime.date(year, self.month, 1), datetime.date(year, self.month, last)
        if self.precision is Precision.SEASON:
            start = SEASON_START_MONTH[self.season]
            end_year, end_month = (year + 1, 2) if start == 12 else (year, start + 2)
            end_day = calendar.monthrange(end_year, end_month)[1]
            return datetime.date(year, start, 1), datetime.date(end_year, end_month, end_day)
        day = datetime.date(year, self.month, self.day)
        return day, day

    def edtf(self) -> str:
        text = f"{self.year:04d}"
        if self.season:
            return f"{text}-{self.season}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        if self.time is not None:
            text += "T" + self.time.isoformat("seconds")
        return text


def _check_year(year: int, written: str) -> None:
    if not 1 <= year <= 9999:
        raise InvalidDate(f"Years must be between 1 and 9999, not {written}.")


def year_part(year: int, written: str) -> Part:
    _check_year(year, written)
    return Part(Precision.YEAR, year)


def month_part(year: int, month: int, written: str) -> Part:
    _check_year(year, written)
    return Part(Precision.MONTH, year, month)


def season_part(year: int, season: int, written: str) -> Part:
    _check_year(year, written)
    if season == 24 and year == 9999:
        raise InvalidDate("Winter 9999 ends after the last date we can store.")
    return Part(Precision.SEASON, year, season=season)


def day_part(year: int, month: int, day: int, written: str) -> Part:
    _check_year(year, written)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise InvalidDate(f"There is no {day} {MONTH_NAMES[month]} {year}.")
    return Part(Precision.DAY, year, month, day)


def _shift_days(day: datetime.date, days: int) -> datetime.date:
    ordinal = day.toordinal() + days
    ordinal = min(max(ordinal, 1), datetime.date.max.toordinal())
    return datetime.date.fromordinal(ordinal)


def _month_start(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    if index < 12:
        return datetime.date.min
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_end(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    if year > 9999:
        return datetime.date.max
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _fuzzy(part: Part, lower: datetime.date, upper: datetime.date):
    if part.precision is Precision.DAY:
        return _shift_days(lower, -7), _shift_days(upper, 7)
    months = 1 if part.precision is Precision.MONTH else 12
    return _month_start(lower, -months), _month_end(upper, months)


def single_date(part: Part, approximate: bool, uncertain: bool) -> MixedDate:
    qualified = approximate or uncertain
    if qualified and part.time is not None:
        raise InvalidDate(
            "A date with a time of day cannot be marked circa or uncertain; "
            "drop the time or the qualifier."
        )
    if qualified and part.precision is Precision.SEASON:
        raise InvalidDate(
            "A season cannot be marked circa or uncertain; "
            "use the year or a month instead, such as circa 2015."
        )
    lower, upper = part.bounds()
    fuzzy_lower, fuzzy_upper = _fuzzy(part, lower, upper) if qualified else (lower, upper)
    suffix = "%" if approximate and uncertain else "~" if approximate else "?" * uncertain
    return MixedDate(
        edtf=part.edtf() + suffix,
        precision=part.precision,
        lower=lower,
        upper=upper,
        fuzzy_lower=fuzzy_lower,
        fuzzy_upper=fuzzy_upper,
        approximate=approximate,
        uncertain=uncertain,
        time=part.time,
    )


def span_date(start: tuple[Part, bool, bool], end: tuple[Part, bool, bool]) -> MixedDate:
    (first, *first_flags), (last, *last_flags) = start, end
    if any(first_flags) or any(last_flags):
        raise InvalidDate(
            "A span cannot be marked circa or uncertain; "
            "give its two dates without qualifiers, such as 1999/2000."
        )
    if first.time is not None or last.time is not None:
        raise InvalidDate("A span cannot include a time of day; give the two days only.")
    if first == last:
        return single_date(first, False, False)
    start_lower, start_upper = first.bounds()
    end_lower, end_upper = last.bounds()
    if end_lower < start_lower or end_upper < start_upper:
        raise InvalidDate("The span ends before it starts.")
    return MixedDate(
        edtf=f"{first.edtf()}/{last.edtf()}",
        precision=Precision.SPAN,
        lower=start_lower,
        upper=end_upper,
        fuzzy_lower=start_lower,
        fuzzy_upper=end_upper,
    )


def overlaps(value: MixedDate, start: datetime.date | None, end: datetime.date | None) -> bool:
    """Whether the fuzzy bounds of ``value`` meet the closed range [start, end].

    ``None`` leaves that end open. A range with ``start`` after ``end`` is
    empty and meets nothing.
    """
    if start is not None and end is not None and start > end:
        return False
    if start is not None and value.fuzzy_upper < start:
        return False
    return end is None or value.fuzzy_lower <= end
