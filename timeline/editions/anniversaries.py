"""
Anniversary arithmetic and edition titles. Pure Python: no ORM.

An event on 29 February has its anniversary on 28 February in common years, so the edition
still goes out every year, on the last day of February.
"""

import calendar
import datetime as dt
import string
import zoneinfo

PLACEHOLDERS = ("story", "event_date", "years", "years_words", "ordinal")

DEFAULT_TITLE_PATTERN = "On This Day — {story} ({event_date})"
DEFAULT_MILESTONE_PATTERNS = {
    1: "One Year Ago — {story}",
    5: "Five Years Ago — {story}",
    10: "Ten Years Ago — {story}",
    15: "Fifteen Years Ago — {story}",
    20: "Twenty Years Ago — {story}",
    25: "Twenty-Five Years Ago — {story}",
    30: "Thirty Years Ago — {story}",
    40: "Forty Years Ago — {story}",
    50: "Fifty Years Ago — {story}",
    75: "Seventy-Five Years Ago — {story}",
    100: "A Century Ago — {story}",
}

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def anniversary_on(event_date, year):
    """The anniversary of `event_date` in `year` (29 February falls on 28 February)."""
    day = event_date.day
    if event_date.month == 2 and day == 29 and not calendar.isleap(year):
        day = 28
    return dt.date(year, event_date.month, day)


def go_live_at(event_date, year, at, tz):
    """The aware moment the `year` edition goes live: `at` local time in zone `tz`."""
    local = dt.datetime.combine(anniversary_on(event_date, year), at)
    return local.replace(tzinfo=zoneinfo.ZoneInfo(tz)).astimezone(dt.UTC)


def _number_words(n):
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + (f"-{_ONES[n % 10]}" if n % 10 else "")
    rest = n % 100
    return f"{_ONES[n // 100]} hundred" + (f" and {_number_words(rest)}" if rest else "")


def years_words(n):
    """12 -> 'Twelve', 25 -> 'Twenty-Five', 101 -> 'One Hundred and One'."""
    if not 0 <= n < 1000:
        return str(n)
    return " ".join(
        word if word == "and" else "-".join(part.capitalize() for part in word.split("-"))
        for word in _number_words(n).split()
    )


def ordinal(n):
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def format_event_date(day):
    return f"{day:%B} {day.day} {day.year}"


def validate_pattern(pattern):
    """Raise ValueError naming the first placeholder we do not know, or a broken brace."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as exc:
        raise ValueError(f"The title pattern has a stray brace: {exc}.") from exc
    for name in fields:
        if name not in PLACEHOLDERS:
            known = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
            raise ValueError(f"Unknown placeholder {{{name}}} in the title. Use {known}.")


def edition_title(*, story_title, event_date, year, pattern=None, milestones=None):
    """The title of the `year` anniversary edition, from the milestone or the plain pattern."""
    years = year - event_date.year
    milestones = DEFAULT_MILESTONE_PATTERNS if milestones is None else milestones
    chosen = milestones.get(years) or milestones.get(str(years)) or pattern
    return (chosen or DEFAULT_TITLE_PATTERN).format(
        story=story_title,
        event_date=format_event_date(event_date),
        years=years,
        years_words=years_words(years),
        ordinal=ordinal(years),
    )
