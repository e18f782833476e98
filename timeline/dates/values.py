"""A mixed-precision date as the rest of the site holds it, and the names of its parts."""

import dataclasses
import datetime
import enum


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


# Names in house style, shared by parsing (what editors type) and formatting.
MONTH_NAMES = [
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

SEASON_NAMES = {21: "Spring", 22: "Summer", 23: "Autumn", 24: "Winter"}
SEASON_START_MONTH = {21: 3, 22: 6, 23: 9, 24: 12}
