"""
The demo's second story: the first edition of The Daily Example, the demo's own newsroom.

The paper is invented, and so is its history, which lets the demo do what no real event can:
its anniversary falls a few days after the day the demo is loaded, whatever that day is. So the
upcoming-anniversaries page always lists it, its next edition waits for an editor's approval
(the story requires one), and today's on-this-day page shows its trial edition, printed five
days before the first. No date of public record is moved: only the invented paper's are chosen.

The day is chosen once, when the story is created; a later run reads it from the story, so it
writes nothing new. `plan` turns the words of data/founding.json into the loader's values.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from timeline.demo import content
from timeline.editions import anniversaries

DATA = content.FOUNDING
STORY_SLUG = DATA["story"]["slug"]
ARTICLE_SLUG = DATA["article"]["slug"]


@dataclass
class Plan:
    story: dict
    timeline: list
    next_year: int  # the year of the next anniversary after `now`


def event_date_for(now):
    """The first edition's day: `days_ahead` after today (newsroom time), in the founding year."""
    target = timezone.localtime(now).date() + dt.timedelta(days=DATA["days_ahead"])
    # The founding year is a leap year, so a load on 24 February of one still has its day.
    return target.replace(year=DATA["founding_year"])


def plan(*, now, event_date=None):
    """The story and its timeline, for `event_date` (a new story: the day chosen for `now`)."""
    event_date = event_date or event_date_for(now)
    trial = event_date - dt.timedelta(days=DATA["trial_days_before"])
    story = {
        **{k: v for k, v in DATA["story"].items() if k != "summary"},
        "summary": DATA["story"]["summary"].format(event_date=_day(event_date)),
        "event_date": event_date,
    }
    days = {"trial": trial, "event": event_date}
    timeline = [
        {**{k: v for k, v in entry.items() if k != "when"}, "date": _typed(days[entry["when"]])}
        if "when" in entry
        else entry
        for entry in DATA["timeline"]
    ]
    local_now = timezone.localtime(now)
    year = local_now.year
    if anniversaries.anniversary_on(event_date, year) <= local_now.date():
        year += 1
    return Plan(story=story, timeline=timeline, next_year=year)


def article(*, published_at):
    """The recurring article, first published at `published_at` (an anniversary's go-live)."""
    data = DATA["article"]
    published_on = timezone.localtime(published_at).date()
    lede = data["lede"].format(published_on=_day(published_on), founding_year=DATA["founding_year"])
    return {
        **data,
        "lede": lede,
        "body": content.markdown(data["body"]),
        "story": True,
        "recurring": True,
        "published_at": published_at,
        "featured_at": published_at,
        "rewritten_by_edition": {},
    }


def _day(day):
    """As the newsroom writes a date: April 26 1986."""
    return anniversaries.format_event_date(day)


def _typed(day):
    """As an editor types a timeline date: 1986 April 26."""
    return f"{day.year} {day:%B} {day.day}"
