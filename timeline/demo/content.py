"""
The demo's content, read from the JSON files in data/ into Python values.

The files hold the words as an editor would write them: dates as typed (mixed-precision dates
are parsed by the loader), moments as the newsroom's local time ("2016-04-26T09:00"), and each
Markdown text of several paragraphs as a list of them.

newsroom.json  the newsroom's time zone, its category and tags
story.json     the story, with its timeline
articles.json  the articles; the recurring one carries its first version and the fields its
               anniversary editions rewrote (the newest is its current text)
quotes.json    the quotes and where each is placed
updates.json   the main article's published updates, and the wording of an anniversary's
               update and of the next one's draft, for the years the data does not cover
links.json     related links, references, embeds
"""

import datetime as dt
import json
import zoneinfo
from pathlib import Path

from timeline.editions import anniversaries

DATA = Path(__file__).parent / "data"


def _read(name):
    with (DATA / f"{name}.json").open(encoding="utf-8") as f:
        return json.load(f)


def markdown(value):
    """A list is a text's paragraphs; saved as the editor would type them, ending a line."""
    return "\n\n".join(value) + "\n" if isinstance(value, list) else value


_NEWSROOM = _read("newsroom")
ZONE = zoneinfo.ZoneInfo(_NEWSROOM["time_zone"])


def local(text):
    """A moment written in the newsroom's own time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZONE)


def _article(data):
    rewrites = {int(year): fields for year, fields in data.get("rewritten_by_edition", {}).items()}
    current = {}
    for year in sorted(rewrites):
        current.update(rewrites[year])
    return {
        **data,
        **current,
        "rewritten_by_edition": rewrites,
        "body": markdown(data["body"]),
        "published_at": local(data["published_at"]),
        "featured_at": local(data["featured_at"]),
        "recurring": data.get("recurring", False),
    }


def _update(data):
    return {**data, "dated_at": local(data["dated_at"]), "body": markdown(data["body"])}


CATEGORY = _NEWSROOM["category"]
TAGS = _NEWSROOM["tags"]

STORY = _read("story")
TIMELINE = STORY.pop("timeline")
STORY["event_date"] = dt.date.fromisoformat(STORY["event_date"])
STORY["event_time"] = dt.time.fromisoformat(STORY["event_time"])

ARTICLES = [_article(data) for data in _read("articles")]

_QUOTES = _read("quotes")
QUOTES = _QUOTES["quotes"]
PLACEMENTS = _QUOTES["placements"]

_UPDATES = _read("updates")
UPDATES = [_update(data) for data in _UPDATES["published"]]
ANNIVERSARY_UPDATE = _UPDATES["anniversary"]
DRAFT_UPDATE = _UPDATES["draft"]


def as_of_edition(article, year):
    """The recurring article's rewritten fields as its `year` edition left them."""
    values = dict(article.get("first_version", {}))
    for edition_year, fields in sorted(article["rewritten_by_edition"].items()):
        if edition_year <= year:
            values.update(fields)
    return values


def anniversary_update(template, *, years):
    """An update's wording (ANNIVERSARY_UPDATE, DRAFT_UPDATE) for the `years`-th anniversary."""
    words = anniversaries.years_words(years).lower()
    fill = {"years": years, "years_words": words, "Years_words": words.capitalize()}
    return {
        **template,
        "headline": template["headline"].format(**fill),
        "body": markdown([paragraph.format(**fill) for paragraph in template["body"]]),
    }


_LINKS = _read("links")
RELATED = _LINKS["related"]
REFERENCES = [
    {**data, "accessed_on": dt.date.fromisoformat(data["accessed_on"])}
    for data in _LINKS["references"]
]
EMBEDS = _LINKS["embeds"]

# The second story, our own newsroom's first edition (its day is chosen at load: founding.py).
FOUNDING = _read("founding")
