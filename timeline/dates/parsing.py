"""Reading dates: canonical EDTF as stored, and dates as editors type them."""

import datetime
import functools
import re

from timeline.dates.bounds import (
    Part,
    day_part,
    month_part,
    season_part,
    single_date,
    span_date,
    year_part,
)
from timeline.dates.values import MONTH_NAMES, SEASON_NAMES, InvalidDate, MixedDate, Precision

# ---------------------------------------------------------------- vocabulary

_MONTHS = {name.lower(): number for number, name in enumerate(MONTH_NAMES) if name}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTHS["sept"] = 9

_SEASONS = {name.lower(): code for code, name in SEASON_NAMES.items()}
_SEASONS["fall"] = 23

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


def _iso(year: str, month: str, day: str | None) -> Part:
    """A date written YYYY-MM, YYYY-SS (season) or YYYY-MM-DD."""
    number = int(month)
    if day is None and number in SEASON_NAMES:
        return season_part(int(year), number, year)
    if not 1 <= number <= 12:
        raise InvalidDate(f"There is no month {month}; months run from 01 to 12.")
    if day is None:
        return month_part(int(year), number, year)
    return day_part(int(year), number, int(day), year)


def _clock(hour: int, minute: int, second: int, written: str) -> datetime.time:
    if hour > 23 or minute > 59 or second > 59:
        raise InvalidDate(f"“{written}” is not a time of day.")
    return datetime.time(hour, minute, second)


# -------------------------------------------------------------- from EDTF


def _edtf_side(text: str) -> tuple[Part, bool, bool] | None:
    match = _EDTF_SIDE.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, qualifier = match.group("y", "m", "d", "H", "q")
    part = year_part(int(year), year) if month is None else _iso(year, month, day)
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


# Remembered: a page shows hundreds of stored dates, each read twice (its <time datetime> and
# its text), and the same few thousand strings recur; a MixedDate is frozen, so sharing is safe.
@functools.lru_cache(maxsize=16384)
def _from_edtf(text: str) -> MixedDate | None:
    start, slash, end = text.partition("/")
    first = _edtf_side(start)
    if first is None:
        return None
    if not slash:
        return single_date(*first)
    second = _edtf_side(end)
    return None if second is None else span_date(first, second)


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
        return single_date(*_typed(sides[0], raw))
    if len(sides) == 2:
        return span_date(_typed(sides[0], raw), _typed(sides[1], raw))
    raise _not_understood(raw)


def _not_understood(raw: str) -> InvalidDate:
    return InvalidDate(f"“{raw}” is not a date we understand. {_FORMS_HINT}")


def _typed(text: str, raw: str) -> tuple[Part, bool, bool]:
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


def _check_weekday(part: Part, weekday: int) -> None:
    if part.precision is not Precision.DAY:
        raise InvalidDate(
            "A weekday can only go with a full date, such as Friday 13 November 2015."
        )
    actual = datetime.date(part.year, part.month, part.day).weekday()
    if actual != weekday:
        raise InvalidDate(
            f"{part.day} {MONTH_NAMES[part.month]} {part.year} was a "
            f"{_WEEKDAY_NAMES[actual]}, not a {_WEEKDAY_NAMES[weekday]}."
        )


def _typed_date(text: str, raw: str) -> Part:
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
        return year_part(values[0], words[0])
    if kinds in ("YM", "MY"):
        year, month = (values[0], values[1]) if kinds == "YM" else (values[1], values[0])
        return month_part(year, month, words[kinds.index("Y")])
    if kinds in ("YS", "SY"):
        year, season = (values[0], values[1]) if kinds == "YS" else (values[1], values[0])
        return season_part(year, season, words[kinds.index("Y")])
    if kinds in ("YMD", "DMY", "MDY"):
        by_kind = dict(zip(kinds, values, strict=True))
        return day_part(by_kind["Y"], by_kind["M"], by_kind["D"], words[kinds.index("Y")])
    raise _not_understood(raw)


def parse_or_none(text: str) -> MixedDate | None:
    """:func:`parse`, or None for text that is not a date (or is empty): for readers that try
    a piece of text as a date and go on otherwise."""
    if not text:
        return None
    try:
        return parse(text)
    except InvalidDate:
        return None
