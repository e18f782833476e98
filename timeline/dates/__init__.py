"""Mixed-precision dates for timeline entries and quotes.

Editors type dates by hand and at whatever precision they know. This module
turns what they type into a :class:`MixedDate`: a canonical EDTF string
(Library of Congress EDTF / ISO 8601-2, level 1) for storage, plus the bounds
the database indexes for sorting and filtering, and it formats a value back in
house style. Runtime needs only the standard library.

Forms
-----
``parse`` accepts (case-insensitive, surrounding whitespace and one trailing
full stop ignored):

==========  ==============================================  =====================
precision   typed                                           canonical EDTF
==========  ==============================================  =====================
day         1985 May 4, 4 May 1985, May 4, 1985, 1985-05-04  1985-05-04
            (month abbreviations, an optional weekday that
            must match the date, ordinals like 13th)
day + time  2015 November 13, 21:16 CET, 1985-05-04T09:30,  2015-11-13T21:16:00
            13 November 2015 9:16 pm (a trailing zone
            abbreviation or UTC offset is ignored: the zone
            comes from the story)
month       2006 May, May 2006, 2006-05                     2006-05
season      2015 (Summer), Summer 2015, 2015 Summer,        2015-22
            2015-22 (spring 21, summer 22, autumn/fall 23,
            winter 24)
year        2002                                            2002
span        1999/2000, 1999-2000 (hyphen or en dash),       1999/2000
            1999 to 2000, 2001 May/2002 June (any           2001-05/2002-06
            precision each side)
==========  ==============================================  =====================

Qualifiers: ``circa``/``c.``/``ca.``/``about``/``around`` before a date or
``~`` after it mark it approximate (``2004~``); ``?`` after it marks it
uncertain (``2005?``); both give EDTF ``%`` (``circa 2005?`` is ``2005%``).
The canonical strings themselves are accepted too, and ``from_edtf`` reads
only those.

Qualifiers apply to a year, a month or a day without a time. Everything else
is refused with an explanation, because EDTF level 1 cannot store it
(``python-edtf`` rejects ``2015-22~`` and ``2015-11-13T21:16:00?``) or because
one pair of flags cannot say which side of a span is approximate. A span
whose sides are equal is that single date; a span whose end side starts or
ends before its start side is refused. Years run from 1 to 9999 and are
printed with four digits, so that year 985 reads back as ``0985`` and never
as a day of the month.

Bounds
------
``lower``/``upper`` are the first and last day covered (a span: the first day
of its start side to the last day of its end side). Seasons are
meteorological, northern hemisphere: spring 1 March - 31 May, summer 1 June -
31 August, autumn 1 September - 30 November, winter 1 December of the year to
the last day of February of the next year. (``python-edtf`` ends winter on 31
December of the same year; the other seasons agree.)

``fuzzy_lower``/``fuzzy_upper`` widen an approximate or uncertain date by one
unit of its precision each side, clamped to ``date.min``/``date.max``: a day
by 7 days, a month by a month, a year by a year, so ``circa 2004`` covers
2003-01-01 to 2005-12-31 for filtering. Otherwise they equal the strict bounds.

Order
-----
``MixedDate.sort_key`` is ``(lower, -upper ordinal, (has time, time),
approximate, uncertain, edtf)``: earlier start first; on the same start the
wider range first (the year 2015 heads its months, a month heads its days);
on the same day an entry without a time before those with one, then by time;
the canonical string breaks the remaining ties, so the order is total and
agrees with equality. The database orders the same way with
``date_lower ASC, date_upper DESC, time ASC NULLS FIRST``.
"""

import calendar
import dataclasses
import datetime
import enum
import re
from typing import NamedTuple
from zoneinfo import ZoneInfo

__all__ = [
    "InvalidDate",
    "MixedDate",
    "Precision",
    "format_date",
    "from_edtf",
    "overlaps",
    "parse",
    "zone_abbreviation",
]


class Precision(enum.StrEnum):
    DAY = "day"
    MONTH = "month"
    SEASON = "season"
    YEAR = "year"
    SPAN = "span"


class InvalidDate(ValueError):
    """A date an editor typed (or a stored string) that cannot be used.

    ``str(exc)`` is one sentence meant to be shown to the editor.
    """


@dataclasses.dataclass(frozen=True)
class MixedDate:
    """A date of day, month, season, year or span precision.

    Build it with :func:`parse` or :func:`from_edtf`; the fields are derived
    from ``edtf`` and stored alongside it for indexing.
    """

    edtf: str
    precision: Precision
    lower: datetime.date
    upper: datetime.date
    fuzzy_lower: datetime.date
    fuzzy_upper: datetime.date
    approximate: bool = False
    uncertain: bool = False
    time: datetime.time | None = None

    @property
    def sort_key(self) -> tuple:
        # One element per database ORDER BY column; (has time, time) is
        # "time ASC NULLS FIRST".
        return (
            self.lower,
            -self.upper.toordinal(),
            (self.time is not None, self.time or datetime.time.min),
            self.approximate,
            self.uncertain,
            self.edtf,
        )

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, MixedDate):
            return NotImplemented
        return self.sort_key < other.sort_key

    def __le__(self, other: object) -> bool:
        if not isinstance(other, MixedDate):
            return NotImplemented
        return self.sort_key <= other.sort_key

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, MixedDate):
            return NotImplemented
        return self.sort_key > other.sort_key

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, MixedDate):
            return NotImplemented
        return self.sort_key >= other.sort_key


# ---------------------------------------------------------------- vocabulary

_MONTH_NAMES = [
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTHS = {name.lower(): number for number, name in enumerate(_MONTH_NAMES) if name}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTHS["sept"] = 9

_SEASON_NAMES = {21: "Spring", 22: "Summer", 23: "Autumn", 24: "Winter"}
_SEASONS = {name.lower(): code for code, name in _SEASON_NAMES.items()}
_SEASONS["fall"] = 23
_SEASON_START_MONTH = {21: 3, 22: 6, 23: 9, 24: 12}

_WEEKDAY_NAMES = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
]
_WEEKDAYS = {name.lower(): number for number, name in enumerate(_WEEKDAY_NAMES)}
_WEEKDAYS.update({name[:3]: number for name, number in list(_WEEKDAYS.items())})
_WEEKDAYS.update({"tues": 1, "thur": 3, "thurs": 3})

_FORMS_HINT = (
    "Try forms like 1985 May 4, 2006 May, 2002, 1999/2000, 2015 (Summer), circa 2004, 2005?"
)

# ----------------------------------------------------------------- patterns

_EDTF_SIDE = re.compile(
    r"(?P<y>[0-9]{4})(?:-(?P<m>[0-9]{2})(?:-(?P<d>[0-9]{2})"
    r"(?:T(?P<H>[0-9]{2}):(?P<M>[0-9]{2}):(?P<S>[0-9]{2}))?)?)?(?P<q>[?~%])?",
    re.ASCII,
)
_ISO_DATE = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})(?:-(?P<d>[0-9]{2}))?", re.ASCII)
_CIRCA = re.compile(r"(?:circa|ca\b\.?|c\b\.?|about|around)\s*")
_SPAN_SEPARATOR = re.compile(
    # A bare hyphen separates a span only between two year-length numbers,
    # so 2006-05 and 1985-05-04 stay single dates.
    r"\s*(?:/|\u2013|\u2014|\s+to\s+|\s+-\s+|(?<=[0-9]{3})-(?=[0-9]{3}))\s*",
    re.ASCII,
)
_AM_PM = r"[ap]\.?\s*m\b\.?"
_TIME = re.compile(
    r"(?:\s*,\s*(?:at\s+)?|\s+(?:at\s+)?|(?<=[0-9])t)"
    rf"(?P<time>(?P<h>[0-9]{{1,2}})(?=:|\s*{_AM_PM})"
    r"(?::(?P<m>[0-9]{2})(?::(?P<s>[0-9]{2}))?)?"
    rf"\s*(?P<ampm>{_AM_PM})?)"
    r"(?:\s*(?:[a-z]{1,5}(?:\s*[+-][0-9]{1,2}(?::?[0-9]{2})?)?|[+-][0-9]{1,2}(?::?[0-9]{2})?))?"
    r"$",
    re.ASCII,
)
_WEEKDAY = re.compile(
    r"(?P<name>" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")\b\.?,?\s*"
)
_NUMBER = re.compile(r"(?P<n>[0-9]+)(?P<ordinal>st|nd|rd|th)?", re.ASCII)


# ------------------------------------------------------------ single dates


class _Part(NamedTuple):
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
            start = _SEASON_START_MONTH[self.season]
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


def _year(year: int, written: str) -> _Part:
    _check_year(year, written)
    return _Part(Precision.YEAR, year)


def _month(year: int, month: int, written: str) -> _Part:
    _check_year(year, written)
    return _Part(Precision.MONTH, year, month)


def _season(year: int, season: int, written: str) -> _Part:
    _check_year(year, written)
    if season == 24 and year == 9999:
        raise InvalidDate("Winter 9999 ends after the last date we can store.")
    return _Part(Precision.SEASON, year, season=season)


def _day(year: int, month: int, day: int, written: str) -> _Part:
    _check_year(year, written)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise InvalidDate(f"There is no {day} {_MONTH_NAMES[month]} {year}.")
    return _Part(Precision.DAY, year, month, day)


def _iso(year: str, month: str, day: str | None) -> _Part:
    """A date written YYYY-MM, YYYY-SS (season) or YYYY-MM-DD."""
    number = int(month)
    if day is None and number in _SEASON_NAMES:
        return _season(int(year), number, year)
    if not 1 <= number <= 12:
        raise InvalidDate(f"There is no month {month}; months run from 01 to 12.")
    if day is None:
        return _month(int(year), number, year)
    return _day(int(year), number, int(day), year)


def _clock(hour: int, minute: int, second: int, written: str) -> datetime.time:
    if hour > 23 or minute > 59 or second > 59:
        raise InvalidDate(f"“{written}” is not a time of day.")
    return datetime.time(hour, minute, second)


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


def _fuzzy(part: _Part, lower: datetime.date, upper: datetime.date):
    if part.precision is Precision.DAY:
        return _shift_days(lower, -7), _shift_days(upper, 7)
    months = 1 if part.precision is Precision.MONTH else 12
    return _month_start(lower, -months), _month_end(upper, months)


def _single(part: _Part, approximate: bool, uncertain: bool) -> MixedDate:
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


def _span(start: tuple[_Part, bool, bool], end: tuple[_Part, bool, bool]) -> MixedDate:
    (first, *first_flags), (last, *last_flags) = start, end
    if any(first_flags) or any(last_flags):
        raise InvalidDate(
            "A span cannot be marked circa or uncertain; "
            "give its two dates without qualifiers, such as 1999/2000."
        )
    if first.time is not None or last.time is not None:
        raise InvalidDate("A span cannot include a time of day; give the two days only.")
    if first == last:
        return _single(first, False, False)
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


# -------------------------------------------------------------- from EDTF


def _edtf_side(text: str) -> tuple[_Part, bool, bool] | None:
    match = _EDTF_SIDE.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, qualifier = match.group("y", "m", "d", "H", "q")
    part = _year(int(year), year) if month is None else _iso(year, month, day)
    if hour is not None:
        time = _clock(int(hour), int(match["M"]), int(match["S"]), text[11:19])
        part = part._replace(time=time)
    return part, qualifier in ("~", "%"), qualifier in ("?", "%")


def from_edtf(value: str) -> MixedDate:
    """Read a canonical EDTF string, as stored by this module."""
    text = value.strip()
    if not text:
        raise InvalidDate("Enter a date.")
    result = _from_edtf(text)
    if result is None:
        raise InvalidDate(
            f"“{text}” is not a stored date format; expected EDTF such as "
            "1985-05-04, 2006-05, 2002, 1999/2000, 2015-22, 2004~ or 2005?."
        )
    return result


def _from_edtf(text: str) -> MixedDate | None:
    start, slash, end = text.partition("/")
    first = _edtf_side(start)
    if first is None:
        return None
    if not slash:
        return _single(*first)
    second = _edtf_side(end)
    return None if second is None else _span(first, second)


# ------------------------------------------------------- from editor text


def parse(text: str) -> MixedDate:
    """Read a date as an editor typed it; see the module docstring for forms."""
    # Collapsing whitespace also turns pasted non-breaking spaces into spaces.
    raw = " ".join(text.split()).removesuffix(".").rstrip()
    if not raw:
        raise InvalidDate("Enter a date.")
    canonical = _from_edtf(raw)
    if canonical is not None:
        return canonical
    sides = _SPAN_SEPARATOR.split(raw.lower())
    if len(sides) == 1:
        return _single(*_typed(sides[0], raw))
    if len(sides) == 2:
        return _span(_typed(sides[0], raw), _typed(sides[1], raw))
    raise _not_understood(raw)


def _not_understood(raw: str) -> InvalidDate:
    return InvalidDate(f"“{raw}” is not a date we understand. {_FORMS_HINT}")


def _typed(text: str, raw: str) -> tuple[_Part, bool, bool]:
    """One date as typed (lower-cased), with its qualifiers."""
    approximate = uncertain = False
    circa = _CIRCA.match(text)
    if circa:
        approximate, text = True, text[circa.end() :]
    if text[-1:] in ("?", "~", "%"):
        approximate = approximate or text[-1] != "?"
        uncertain = text[-1] != "~"
        text = text[:-1].rstrip()

    time = None
    clock = _TIME.search(text)
    if clock:
        time = _typed_time(clock)
        text = text[: clock.start()]

    weekday = _WEEKDAY.match(text)
    if weekday:
        text = text[weekday.end() :]

    part = _typed_date(text, raw)
    if time is not None:
        if part.precision is not Precision.DAY:
            raise InvalidDate(
                "A time can only follow a full date, such as 2015 November 13, 21:16."
            )
        part = part._replace(time=time)
    if weekday:
        _check_weekday(part, _WEEKDAYS[weekday["name"]])
    return part, approximate, uncertain


def _typed_time(clock: re.Match) -> datetime.time:
    hour = int(clock["h"])
    minute = int(clock["m"] or 0)
    second = int(clock["s"] or 0)
    if clock["ampm"]:
        if not 1 <= hour <= 12:
            raise InvalidDate(f"“{clock['time']}” is not a time of day.")
        hour = hour % 12 + (12 if clock["ampm"][0] == "p" else 0)
    return _clock(hour, minute, second, clock["time"])


def _check_weekday(part: _Part, weekday: int) -> None:
    if part.precision is not Precision.DAY:
        raise InvalidDate(
            "A weekday can only go with a full date, such as Friday 13 November 2015."
        )
    actual = datetime.date(part.year, part.month, part.day).weekday()
    if actual != weekday:
        raise InvalidDate(
            f"{part.day} {_MONTH_NAMES[part.month]} {part.year} was a "
            f"{_WEEKDAY_NAMES[actual]}, not a {_WEEKDAY_NAMES[weekday]}."
        )


def _typed_date(text: str, raw: str) -> _Part:
    """A date without qualifiers, time or weekday."""
    text = text.strip()
    iso = _ISO_DATE.fullmatch(text)
    if iso:
        return _iso(*iso.group("y", "m", "d"))

    # Classify each word as Y(ear), D(ay), M(onth name) or S(eason name),
    # then accept only the orders editors use.
    kinds, values, words = "", [], []
    for word in text.replace(",", " ").split():
        word = word.rstrip(".")
        number = _NUMBER.fullmatch(word)
        if number:
            is_year = len(number["n"]) > 2 and not number["ordinal"]
            kinds += "Y" if is_year else "D"
            values.append(int(number["n"]))
        elif word in _MONTHS:
            kinds += "M"
            values.append(_MONTHS[word])
        elif word.strip("()") in _SEASONS and word.count("(") == word.count(")"):
            kinds += "S"
            values.append(_SEASONS[word.strip("()")])
        else:
            raise _not_understood(raw)
        words.append(word)

    if kinds == "Y":
        return _year(values[0], words[0])
    if kinds in ("YM", "MY"):
        year, month = (values[0], values[1]) if kinds == "YM" else (values[1], values[0])
        return _month(year, month, words[kinds.index("Y")])
    if kinds in ("YS", "SY"):
        year, season = (values[0], values[1]) if kinds == "YS" else (values[1], values[0])
        return _season(year, season, words[kinds.index("Y")])
    if kinds in ("YMD", "DMY", "MDY"):
        by_kind = dict(zip(kinds, values, strict=True))
        return _day(by_kind["Y"], by_kind["M"], by_kind["D"], words[kinds.index("Y")])
    raise _not_understood(raw)


# ------------------------------------------------------------------ output


def format_date(value: MixedDate, *, tz: str | None = None) -> str:
    """House style: 1985 May 4, 2006 May, 2015 (Summer), circa 2004, 2005?...

    ``tz`` (an IANA zone name, the story's) only adds the zone abbreviation
    after a time of day.
    """
    if value.precision == Precision.SPAN:
        return "/".join(format_date(from_edtf(side)) for side in value.edtf.split("/"))
    lower = value.lower
    text = f"{lower.year:04d}"
    if value.precision == Precision.MONTH:
        text += f" {_MONTH_NAMES[lower.month]}"
    elif value.precision == Precision.SEASON:
        season = {month: code for code, month in _SEASON_START_MONTH.items()}[lower.month]
        text += f" ({_SEASON_NAMES[season]})"
    elif value.precision == Precision.DAY:
        text += f" {_MONTH_NAMES[lower.month]} {lower.day}"
        if value.time is not None:
            clock = value.time
            text += f", {clock:%H:%M}" + (f":{clock:%S}" if clock.second else "")
            if tz:
                text += " " + zone_abbreviation(lower, clock, tz)
    if value.approximate:
        text = "circa " + text
    if value.uncertain:
        text += "?"
    return text


def zone_abbreviation(day: datetime.date, at: datetime.time, tz: str) -> str:
    """The abbreviation of zone ``tz`` in force at that local wall-clock time.

    Zones without a lettered abbreviation (tzdata names them "+04" or "-03")
    get the UTC offset instead, as "+04:00". Raises
    ``zoneinfo.ZoneInfoNotFoundError`` for an unknown zone.
    """
    moment = datetime.datetime.combine(day, at.replace(tzinfo=None), tzinfo=ZoneInfo(tz))
    name = moment.tzname() or ""
    if name.isalpha():
        return name
    minutes = int(moment.utcoffset().total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


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
