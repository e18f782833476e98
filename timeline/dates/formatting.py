"""Writing dates back in house style, with the zone abbreviation after a time of day."""

import datetime
from zoneinfo import ZoneInfo

from timeline.dates.parsing import from_edtf
from timeline.dates.values import (
    MONTH_NAMES,
    SEASON_NAMES,
    SEASON_START_MONTH,
    MixedDate,
    Precision,
)


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
        text += f" {MONTH_NAMES[lower.month]}"
    elif value.precision == Precision.SEASON:
        season = {month: code for code, month in SEASON_START_MONTH.items()}[lower.month]
        text += f" ({SEASON_NAMES[season]})"
    elif value.precision == Precision.DAY:
        text += f" {MONTH_NAMES[lower.month]} {lower.day}"
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
