"""Tests for timeline.dates: parsing, EDTF output, bounds, order and house style.

The ``edtf`` package serves as an oracle for the canonical strings. It bounds
a winter season by 1-31 December of its year where we use the meteorological
December-February, so strict bounds are compared for every precision except
seasons (and spans with a season side).
"""

import datetime
import itertools
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


# edtf reads optional settings from Django whenever it can import it. Unless
# Django is already loaded (the full suite), block it to stay Django-free.
_django_blocked = sys.modules.setdefault("django", None) is None
import edtf  # noqa: E402

if _django_blocked:
    del sys.modules["django"]

from timeline.dates import (  # noqa: E402
    InvalidDate,
    Precision,
    format_date,
    from_edtf,
    overlaps,
    parse,
    parse_or_none,
    zone_abbreviation,
)

D = datetime.date

# typed text                    | canonical EDTF        | prec.  | lower      | upper
PARSED_TABLE = """
1985 May 4                      | 1985-05-04            | day    | 1985-05-04 | 1985-05-04
4 May 1985                      | 1985-05-04            | day    | 1985-05-04 | 1985-05-04
May 4, 1985                     | 1985-05-04            | day    | 1985-05-04 | 1985-05-04
May 4 1985                      | 1985-05-04            | day    | 1985-05-04 | 1985-05-04
1985-05-04                      | 1985-05-04            | day    | 1985-05-04 | 1985-05-04
13 Nov. 2015                    | 2015-11-13            | day    | 2015-11-13 | 2015-11-13
Sept 4 1985                     | 1985-09-04            | day    | 1985-09-04 | 1985-09-04
4 Sep 1985.                     | 1985-09-04            | day    | 1985-09-04 | 1985-09-04
November 13th, 2015             | 2015-11-13            | day    | 2015-11-13 | 2015-11-13
Friday November 13 2015         | 2015-11-13            | day    | 2015-11-13 | 2015-11-13
Friday 13 November 2015         | 2015-11-13            | day    | 2015-11-13 | 2015-11-13
Fri., 13 NOVEMBER 2015          | 2015-11-13            | day    | 2015-11-13 | 2015-11-13
2016 Feb 29                     | 2016-02-29            | day    | 2016-02-29 | 2016-02-29
2006 May                        | 2006-05               | month  | 2006-05-01 | 2006-05-31
May 2006                        | 2006-05               | month  | 2006-05-01 | 2006-05-31
2006-05                         | 2006-05               | month  | 2006-05-01 | 2006-05-31
2016 February                   | 2016-02               | month  | 2016-02-01 | 2016-02-29
2002                            | 2002                  | year   | 2002-01-01 | 2002-12-31
0985                            | 0985                  | year   | 0985-01-01 | 0985-12-31
1999/2000                       | 1999/2000             | span   | 1999-01-01 | 2000-12-31
1999-2000                       | 1999/2000             | span   | 1999-01-01 | 2000-12-31
1999\u20132000                   | 1999/2000             | span   | 1999-01-01 | 2000-12-31
1999 to 2000                    | 1999/2000             | span   | 1999-01-01 | 2000-12-31
2001 May/2002 June              | 2001-05/2002-06       | span   | 2001-05-01 | 2002-06-30
4 May 1985 - 10 May 1985        | 1985-05-04/1985-05-10 | span   | 1985-05-04 | 1985-05-10
2001 January/2001               | 2001-01/2001          | span   | 2001-01-01 | 2001-12-31
Spring 2015 to 2015 Autumn      | 2015-21/2015-23       | span   | 2015-03-01 | 2015-11-30
1999/1999                       | 1999                  | year   | 1999-01-01 | 1999-12-31
2015 (Summer)                   | 2015-22               | season | 2015-06-01 | 2015-08-31
Summer 2015                     | 2015-22               | season | 2015-06-01 | 2015-08-31
2015 Summer                     | 2015-22               | season | 2015-06-01 | 2015-08-31
2015-22                         | 2015-22               | season | 2015-06-01 | 2015-08-31
2015 (Spring)                   | 2015-21               | season | 2015-03-01 | 2015-05-31
fall 2015                       | 2015-23               | season | 2015-09-01 | 2015-11-30
2015 (Winter)                   | 2015-24               | season | 2015-12-01 | 2016-02-29
circa 2004                      | 2004~                 | year   | 2004-01-01 | 2004-12-31
c. 2004                         | 2004~                 | year   | 2004-01-01 | 2004-12-31
ca. 2004                        | 2004~                 | year   | 2004-01-01 | 2004-12-31
about 2004                      | 2004~                 | year   | 2004-01-01 | 2004-12-31
around 2004                     | 2004~                 | year   | 2004-01-01 | 2004-12-31
2004~                           | 2004~                 | year   | 2004-01-01 | 2004-12-31
circa 2006 May                  | 2006-05~              | month  | 2006-05-01 | 2006-05-31
2005?                           | 2005?                 | year   | 2005-01-01 | 2005-12-31
2006 May?                       | 2006-05?              | month  | 2006-05-01 | 2006-05-31
1985 May 4?                     | 1985-05-04?           | day    | 1985-05-04 | 1985-05-04
circa 2005?                     | 2005%                 | year   | 2005-01-01 | 2005-12-31
2005%                           | 2005%                 | year   | 2005-01-01 | 2005-12-31
13 November 2015 21:16          | 2015-11-13T21:16:00   | day    | 2015-11-13 | 2015-11-13
2015 November 13, 21:16         | 2015-11-13T21:16:00   | day    | 2015-11-13 | 2015-11-13
2015 November 13, 21:16 CET     | 2015-11-13T21:16:00   | day    | 2015-11-13 | 2015-11-13
2015 November 13, 21:16 UTC+1   | 2015-11-13T21:16:00   | day    | 2015-11-13 | 2015-11-13
2015 November 13, 21:16:05      | 2015-11-13T21:16:05   | day    | 2015-11-13 | 2015-11-13
1985-05-04T09:30                | 1985-05-04T09:30:00   | day    | 1985-05-04 | 1985-05-04
13 November 2015 9:30 pm        | 2015-11-13T21:30:00   | day    | 2015-11-13 | 2015-11-13
13 November 2015 at 12 a.m.     | 2015-11-13T00:00:00   | day    | 2015-11-13 | 2015-11-13
2015-11-13T21:16:00             | 2015-11-13T21:16:00   | day    | 2015-11-13 | 2015-11-13
"""
PARSED = [
    tuple(cell.strip() for cell in row.split("|")) for row in PARSED_TABLE.strip().splitlines()
]


@pytest.mark.parametrize(("text", "canonical", "precision", "lower", "upper"), PARSED)
def test_parse_accepts_every_editor_form(text, canonical, precision, lower, upper):
    value = parse(text)
    assert (value.edtf, value.precision, value.lower, value.upper) == (
        canonical,
        Precision(precision),
        D.fromisoformat(lower),
        D.fromisoformat(upper),
    )
    assert from_edtf(canonical) == value


def test_parse_ignores_surrounding_and_pasted_whitespace():
    assert parse("  1985\u00a0May\t4.  \n") == parse("1985 May 4")


@pytest.mark.parametrize("canonical", sorted({row[1] for row in PARSED}))
def test_canonical_strings_are_accepted_by_the_edtf_oracle(canonical):
    _assert_oracle_agrees(from_edtf(canonical))


def _assert_oracle_agrees(value):
    oracle = edtf.parse_edtf(value.edtf)  # raises if not valid EDTF
    if any(
        len(side) == 7 and side[5:] in ("21", "22", "23", "24") for side in value.edtf.split("/")
    ):
        return  # seasons: winter bounds differ by design, see the module docstring
    assert D(*oracle.lower_strict()[:3]) == value.lower
    assert D(*oracle.upper_strict()[:3]) == value.upper


@pytest.mark.parametrize(
    ("text", "oracle_upper"),
    [
        ("2015 (Spring)", None),
        ("2015 (Summer)", None),
        ("2015 (Autumn)", None),
        ("2015-21/2015-23", None),
        ("2015 (Winter)", D(2015, 12, 31)),  # ours ends 2016-02-29
    ],
)
def test_seasons_agree_with_the_oracle_except_where_winter_ends(text, oracle_upper):
    value = parse(text)
    oracle = edtf.parse_edtf(value.edtf)
    assert D(*oracle.lower_strict()[:3]) == value.lower
    assert D(*oracle.upper_strict()[:3]) == (oracle_upper or value.upper)


@pytest.mark.parametrize(
    ("text", "fuzzy_lower", "fuzzy_upper"),
    [
        ("circa 2004", D(2003, 1, 1), D(2005, 12, 31)),
        ("2005%", D(2004, 1, 1), D(2006, 12, 31)),
        ("circa 2006 May", D(2006, 4, 1), D(2006, 6, 30)),
        ("2006 January?", D(2005, 12, 1), D(2006, 2, 28)),
        ("1985 May 4?", D(1985, 4, 27), D(1985, 5, 11)),
        ("circa 0001", D(1, 1, 1), D(2, 12, 31)),
        ("9999 December?", D(9999, 11, 1), D(9999, 12, 31)),
        ("9999-12-30~", D(9999, 12, 23), D(9999, 12, 31)),
    ],
)
def test_qualified_dates_widen_by_one_unit_clamped(text, fuzzy_lower, fuzzy_upper):
    value = parse(text)
    assert (value.fuzzy_lower, value.fuzzy_upper) == (fuzzy_lower, fuzzy_upper)


@pytest.mark.parametrize(
    ("text", "flags"),
    [("circa 2004", (True, False)), ("2005?", (False, True)), ("2005%", (True, True))],
)
def test_qualifiers_set_the_flags(text, flags):
    assert (parse(text).approximate, parse(text).uncertain) == flags


# rejected text -> a fragment the message must contain
REJECTED = [
    ("", "Enter a date"),
    ("   .", "Enter a date"),
    ("2015 Smmer", "“2015 Smmer” is not a date we understand. Try forms like 1985 May 4"),
    ("hello", "“hello”"),
    ("May 4", "“May 4”"),
    ("1999/2000/2001", "“1999/2000/2001”"),
    ("2015 February 30", "There is no 30 February 2015."),
    ("2015 Feb 29", "There is no 29 February 2015."),
    ("2015-04-31", "There is no 31 April 2015."),
    ("2015-13", "There is no month 13"),
    ("0000", "between 1 and 9999, not 0000"),
    ("10000", "between 1 and 9999, not 10000"),
    ("May 4 12345", "between 1 and 9999"),
    ("9999 (Winter)", "Winter 9999"),
    ("2015 May, 21:16", "A time can only follow a full date"),
    ("13 November 2015 25:00", "“25:00” is not a time of day"),
    ("13 November 2015 13 pm", "“13 pm” is not a time of day"),
    ("2000/1999", "The span ends before it starts."),
    ("2001 May/2001", "The span ends before it starts."),
    ("2001/2001 May", "The span ends before it starts."),
    ("circa 1999/2000", "A span cannot be marked circa or uncertain"),
    ("1999/2000?", "A span cannot be marked circa or uncertain"),
    ("1999~/2000", "A span cannot be marked circa or uncertain"),
    ("2015-11-13T21:16:00/2015-11-14", "A span cannot include a time of day"),
    ("circa 2015 (Summer)", "A season cannot be marked circa or uncertain"),
    ("2015-22~", "A season cannot be marked circa or uncertain"),
    ("2015 November 13, 21:16?", "A date with a time of day cannot be marked"),
    ("Thursday 13 November 2015", "13 November 2015 was a Friday, not a Thursday."),
    ("Friday 2015", "A weekday can only go with a full date"),
]


@pytest.mark.parametrize(("text", "message"), REJECTED)
def test_parse_rejects_with_a_message_an_editor_can_act_on(text, message):
    with pytest.raises(InvalidDate) as caught:
        parse(text)
    assert message in str(caught.value)
    assert str(caught.value).endswith((".", "?"))


@pytest.mark.parametrize("value", ["2015-11-13T21:16:00?", "2015-22~"])
def test_refused_qualified_forms_are_not_level_1_edtf_either(value):
    with pytest.raises(Exception):  # noqa: B017 - any parser error
        edtf.parse_edtf(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1985 May 4", "“1985 May 4” is not a stored date format"),
        ("1985-5-4", "is not a stored date format"),
        ("2015-02-29", "There is no 29 February 2015."),
        ("", "Enter a date."),
    ],
)
def test_from_edtf_reads_only_canonical_strings(value, message):
    with pytest.raises(InvalidDate, match=message):
        from_edtf(value)


@pytest.mark.parametrize(
    ("text", "house"),
    [
        ("1985-05-04", "1985 May 4"),
        ("2006-05", "2006 May"),
        ("2002", "2002"),
        ("0985", "0985"),
        ("1999/2000", "1999/2000"),
        ("2001-05/2002-06", "2001 May/2002 June"),
        ("1985-05-04/1985-05-10", "1985 May 4/1985 May 10"),
        ("2015-22", "2015 (Summer)"),
        ("2015-23", "2015 (Autumn)"),
        ("2004~", "circa 2004"),
        ("2005?", "2005?"),
        ("2005%", "circa 2005?"),
        ("2006-05~", "circa 2006 May"),
        ("2015-11-13T21:16:00", "2015 November 13, 21:16"),
        ("2015-11-13T21:16:05", "2015 November 13, 21:16:05"),
        ("2015-11-13T09:05:00", "2015 November 13, 09:05"),
    ],
)
def test_format_date_writes_house_style(text, house):
    assert format_date(from_edtf(text)) == house


@pytest.mark.parametrize(
    ("canonical", "house"),
    [
        ("2015-11-13T21:16:00", "2015 November 13, 21:16 CET"),
        ("2015-07-14T21:16:00", "2015 July 14, 21:16 CEST"),
        ("2015-03-29T01:59:00", "2015 March 29, 01:59 CET"),
        # 02:30 does not exist that night; zoneinfo (fold=0) still says CET.
        ("2015-03-29T02:30:00", "2015 March 29, 02:30 CET"),
        ("2015-03-29T03:00:00", "2015 March 29, 03:00 CEST"),
        # 02:30 happens twice on 25 October; fold=0 is the first, summer time.
        ("2015-10-25T02:30:00", "2015 October 25, 02:30 CEST"),
        ("2015-10-25T03:00:00", "2015 October 25, 03:00 CET"),
    ],
)
def test_format_date_names_the_paris_zone_across_dst(canonical, house):
    assert format_date(from_edtf(canonical), tz="Europe/Paris") == house


def test_format_date_ignores_the_zone_without_a_time():
    assert format_date(parse("2015 November 13"), tz="Europe/Paris") == "2015 November 13"


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        ("Europe/Paris", "CET"),
        ("Asia/Kolkata", "IST"),
        ("UTC", "UTC"),
        ("America/Sao_Paulo", "-03:00"),
        ("Asia/Dubai", "+04:00"),
        ("Asia/Kathmandu", "+05:45"),
    ],
)
def test_zone_abbreviation_falls_back_to_the_offset_for_numeric_names(tz, expected):
    assert zone_abbreviation(D(2020, 11, 13), datetime.time(21, 16), tz) == expected


DESIGN_LIST = [
    "1985 May 4",
    "2006 May",
    "2002",
    "1999/2000",
    "2015 (Summer)",
    "2015 November 13, 21:16",
    "circa 2004",
    "2005?",
    "2015",
    "2015 November",
]


def test_mixed_precisions_sort_by_start_then_widest_first():
    ordered = [format_date(value) for value in sorted(parse(text) for text in DESIGN_LIST)]
    assert ordered == [
        "1985 May 4",
        "1999/2000",
        "2002",
        "circa 2004",
        "2005?",
        "2006 May",
        "2015",
        "2015 (Summer)",
        "2015 November",
        "2015 November 13, 21:16",
    ]


def test_a_day_without_time_sorts_before_the_same_day_at_midnight():
    bare, midnight, later = (
        parse("2015-11-13?"),
        parse("2015-11-13T00:00:00"),
        parse("2015-11-13T21:16:00"),
    )
    assert sorted([later, midnight, bare]) == [bare, midnight, later]


def test_overlaps_uses_fuzzy_bounds_and_open_ends():
    circa = parse("circa 2004")
    assert overlaps(circa, D(2003, 1, 1), D(2003, 12, 31))
    assert overlaps(circa, D(2005, 12, 31), None)
    assert not overlaps(circa, D(2006, 1, 1), None)
    assert not overlaps(parse("2004"), D(2003, 1, 1), D(2003, 12, 31))
    assert overlaps(circa, None, None)
    assert not overlaps(circa, D(2004, 6, 1), D(2004, 5, 1))


# ------------------------------------------------------------ properties

YEARS = st.one_of(st.integers(1, 9999), st.integers(1995, 2020), st.sampled_from([1, 9999]))
TIMES = st.one_of(
    st.none(),
    st.builds(datetime.time, st.integers(0, 23), st.integers(0, 59)),
    st.times().map(lambda at: at.replace(microsecond=0)),
)


@st.composite
def single_edtf(draw, qualified=True):
    year = draw(YEARS)
    kind = draw(st.sampled_from(["day", "month", "season", "year"]))
    if kind == "year":
        text = f"{year:04d}"
    elif kind == "month":
        text = f"{year:04d}-{draw(st.integers(1, 12)):02d}"
    elif kind == "season":
        return f"{year:04d}-{draw(st.integers(21, 23 if year == 9999 else 24))}"
    else:
        day = draw(st.dates(D(year, 1, 1), D(year, 12, 31)))
        text = day.isoformat()
        at = draw(TIMES) if not qualified else None
        if at is not None:
            return f"{text}T{at.isoformat('seconds')}"
    return text + (draw(st.sampled_from(["", "~", "?", "%"])) if qualified else "")


@st.composite
def mixed_dates(draw):
    if draw(st.booleans()):
        return from_edtf(draw(st.one_of(single_edtf(), single_edtf(qualified=False))))
    start, end = draw(single_edtf(qualified=False)), draw(single_edtf(qualified=False))
    assume("T" not in start + end)
    for text in (f"{start}/{end}", f"{end}/{start}"):
        try:
            return from_edtf(text)
        except InvalidDate:
            pass
    assume(False)


ZONES = st.sampled_from([None, "Europe/Paris", "America/Sao_Paulo", "Asia/Kathmandu"])


@given(mixed_dates(), ZONES)
def test_house_style_and_edtf_round_trip(value, tz):
    assert parse(format_date(value, tz=tz)) == value
    assert from_edtf(value.edtf) == value
    assert parse(value.edtf) == value


@settings(max_examples=60, deadline=None)
@given(mixed_dates())
def test_generated_values_agree_with_the_oracle(value):
    _assert_oracle_agrees(value)


@given(mixed_dates())
def test_fuzzy_bounds_contain_strict_bounds(value):
    assert value.fuzzy_lower <= value.lower <= value.upper <= value.fuzzy_upper
    qualified = value.approximate or value.uncertain
    assert qualified == ((value.fuzzy_lower, value.fuzzy_upper) != (value.lower, value.upper))


@given(mixed_dates(), mixed_dates(), mixed_dates())
def test_order_is_total_and_follows_the_bounds(a, b, c):
    assert [a < b, a == b, b < a].count(True) == 1
    assert (a == b) == (a.sort_key == b.sort_key)
    if a.lower < b.lower:
        assert a < b
    if a.lower == b.lower and a.upper > b.upper:
        assert a < b
    for x, y, z in itertools.permutations((a, b, c)):
        if x <= y and y <= z:
            assert x <= z
    assert sorted([a, b, c]) == sorted([c, b, a]) == sorted([b, c, a])


@st.composite
def filter_ranges(draw, value):
    near = st.sampled_from([value.fuzzy_lower, value.fuzzy_upper]).flatmap(
        lambda day: st.integers(-40, 40).map(
            lambda shift: D.fromordinal(min(max(day.toordinal() + shift, 1), D.max.toordinal()))
        )
    )
    bound = st.one_of(st.none(), st.dates(), near)
    return draw(bound), draw(bound)


@given(st.data())
def test_overlaps_agrees_with_brute_force(data):
    value = data.draw(mixed_dates())
    start, end = data.draw(filter_ranges(value))

    def in_filter(day):
        return (start is None or start <= day) and (end is None or day <= end)

    # Two closed ranges meet iff one of the four end points lies in both.
    points = [p for p in (start, end, value.fuzzy_lower, value.fuzzy_upper) if p is not None]
    expected = any(in_filter(p) and value.fuzzy_lower <= p <= value.fuzzy_upper for p in points)
    assert overlaps(value, start, end) == expected


def test_mixed_date_orders_only_against_mixed_dates():
    with pytest.raises(TypeError):
        assert parse("2002") < "2003"


def test_parse_or_none_is_parse_or_none_for_what_is_no_date():
    assert parse_or_none("2015 (Summer)") == parse("2015 (Summer)")
    assert parse_or_none("2015 Febtember 31") is None
    assert parse_or_none("21:40 CET") is None  # a time alone is no date
    assert parse_or_none("") is None
