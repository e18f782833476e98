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

Modules
-------
``values`` (MixedDate, Precision, InvalidDate), ``bounds`` (from a date's
parts to its strict and fuzzy bounds; ``overlaps``), ``parsing`` (``parse``,
``parse_or_none``, ``from_edtf``) and ``formatting`` (``format_date``, ``zone_abbreviation``).
Callers import from the package: ``from timeline.dates import parse``.
"""

from timeline.dates.bounds import overlaps
from timeline.dates.formatting import format_date, zone_abbreviation
from timeline.dates.parsing import from_edtf, parse, parse_or_none
from timeline.dates.values import InvalidDate, MixedDate, Precision

__all__ = [
    "InvalidDate",
    "MixedDate",
    "Precision",
    "format_date",
    "from_edtf",
    "overlaps",
    "parse",
    "parse_or_none",
    "zone_abbreviation",
]
