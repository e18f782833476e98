"""
The demo: one real story, told in our own words, with every part an "On This Day" post has.

The facts are of public record (the Chernobyl disaster of 26 April 1986). The newsroom, its
writers, every person quoted and every link are fictional: speakers are people of The Daily
Example's world, and addresses live on example.org / example.com.

`load_demo()` is idempotent. It finds each object by its natural key (a slug, a username, an
article and a date...), saves only what differs from the data below, and stamps each save with
the demo editor and the reason "Loaded demo content", so a second run writes nothing at all,
not even a history row.

Its revision history tells the story's real chronology: each object is dated when it would have
been written (an update at its date, a timeline entry the morning after the event), and the
main article's editions are replayed year by year, so every past edition's frozen snapshot
shows the page as it stood then.
"""

import datetime as dt
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from timeline import dates
from timeline.models import (
    Article,
    Category,
    Edition,
    EditionKind,
    EditionStatus,
    Embed,
    EmbedKind,
    Placement,
    Quote,
    QuotePlacement,
    Reference,
    RelatedLink,
    Status,
    Story,
    Tag,
    TimelineEntry,
    Update,
    UpdateKind,
)

REASON = "Loaded demo content"
# Replayed editions: approved the day before they go live; a frozen snapshot shows the page as
# it stood the moment before its successor went live (an update dated at the go-live belongs
# to the new edition, not the frozen one).
APPROVED_BEFORE = dt.timedelta(days=1)
FROZEN_BEFORE = dt.timedelta(seconds=1)
EDITOR_USERNAME = "editor"
DEFAULT_PASSWORD = "newsroom-demo"

_PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _paris(year, month, day, hour=9, minute=0):
    """The newsroom publishes anniversary pieces at nine in the morning, Paris time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=_PARIS)


# --- Taxonomy ------------------------------------------------------------------------------

CATEGORY = {
    "slug": "world",
    "name": "World",
    "description": "International news and the stories we follow year after year.",
}

TAGS = {
    "nuclear": "Nuclear",
    "ukraine": "Ukraine",
    "energy": "Energy",
    "disasters": "Disasters",
    "exclusion-zone": "Exclusion zone",
}

# --- The story and its timeline -------------------------------------------------------------

STORY = {
    "slug": "chernobyl",
    "title": "The Chernobyl nuclear disaster",
    "event_date": dt.date(1986, 4, 26),
    "event_time": dt.time(1, 23),
    "time_zone": "Europe/Kyiv",
    "summary": (
        "In the early hours of 26 April 1986, reactor No. 4 of the Chernobyl nuclear power "
        "station, in Soviet Ukraine, was destroyed during a safety test. The nearby town of "
        "Pripyat was evacuated the next day, and the land around the station is still closed."
    ),
    "tags": ["nuclear", "ukraine", "energy", "disasters"],
}

_ARCHIVE = "https://example.org/archive"


def _entry(date, text, *, key=False, tags=(), reference=None):
    ref_title, ref_url = reference or ("", "")
    return {
        "date": date,
        "text": text,
        "is_key_moment": key,
        "tags": list(tags),
        "reference_title": ref_title,
        "reference_url": ref_url,
    }


# Dates are written the way an editor types them and parsed with timeline.dates.parse.
TIMELINE = [
    _entry(
        "circa 1970",
        "Building work on a nuclear power station begins beside the Pripyat river in northern "
        "Soviet Ukraine, about 100 kilometres north of Kyiv.",
        tags=["nuclear", "energy"],
    ),
    _entry(
        "1970",
        "Pripyat is founded a few kilometres from the building site, as a new town for the "
        "station's workers and their families.",
        tags=["ukraine"],
    ),
    _entry(
        "1977",
        "Unit 1, an RBMK-1000 reactor, starts supplying electricity to the grid.",
        tags=["energy"],
    ),
    _entry("1978", "Unit 2 comes into service.", tags=["energy"]),
    _entry("1981", "Unit 3 comes into service.", tags=["energy"]),
    _entry("1983", "Unit 4, the newest of the station's reactors, comes into service."),
    _entry(
        "1986 April 25",
        "Staff begin lowering the power of unit 4 ahead of a planned shutdown, during which a "
        "test of the equipment that powers safety systems is due to be run.",
        tags=["nuclear"],
    ),
    _entry(
        "1986 April 26, 01:23",
        "During the test, a sudden surge of power destroys reactor No. 4. Explosions wreck the "
        "reactor building and throw radioactive material into the air.",
        key=True,
        tags=["nuclear", "disasters"],
        reference=(
            "The Daily Example archive: the night of the explosion",
            f"{_ARCHIVE}/1986/04/26/reactor-4",
        ),
    ),
    _entry(
        "1986 April 26",
        "Firefighters from the station and from Pripyat fight fires on the roofs of the "
        "reactor and turbine buildings through the night.",
        tags=["disasters"],
    ),
    _entry(
        "1986 April 27",
        "Pripyat is evacuated. Its residents leave by bus in the afternoon, told they will be "
        "away for only a few days.",
        key=True,
        tags=["ukraine", "exclusion-zone"],
        reference=(
            "The Daily Example archive: a town leaves by bus",
            f"{_ARCHIVE}/1986/04/27/pripyat",
        ),
    ),
    _entry(
        "1986 April 28",
        "Instruments at a nuclear power station in Sweden pick up raised radiation that is "
        "traced to the Soviet Union. That evening, Soviet television reads a short statement "
        "acknowledging an accident.",
        tags=["nuclear"],
    ),
    _entry(
        "1986 (Spring)",
        "Helicopter crews drop sand, clay, lead and boron compounds onto the ruined reactor to "
        "smother the fire and limit what escapes.",
        tags=["disasters"],
    ),
    _entry(
        "1986 May",
        "People are moved out of the towns and villages within roughly 30 kilometres of the "
        "station: the area that becomes the exclusion zone.",
        key=True,
        tags=["exclusion-zone", "ukraine"],
    ),
    _entry(
        "1986 May 14",
        "Mikhail Gorbachev, the Soviet leader, speaks about the accident on national television "
        "for the first time.",
    ),
    _entry(
        "1986 (Summer)",
        "Work starts on a concrete and steel enclosure to cover the remains of unit 4.",
        tags=["nuclear"],
    ),
    _entry(
        "1986 August",
        "Soviet specialists present their account of the accident to experts from other "
        "countries at a review meeting convened by the IAEA in Vienna.",
        key=True,
        tags=["nuclear"],
        reference=(
            "Example Science Review: what the Vienna meeting heard",
            f"{_ARCHIVE}/1986/09/vienna-review",
        ),
    ),
    _entry(
        "1986 (Autumn)",
        "Units 1 and 2 are restarted after decontamination work.",
        tags=["energy"],
    ),
    _entry(
        "1986 November",
        "The enclosure, officially the Object Shelter and widely called the sarcophagus, is "
        "completed around the ruin of unit 4.",
        key=True,
        tags=["nuclear"],
    ),
    _entry(
        "1986/1990",
        "Workers sent from across the Soviet Union, later known as liquidators, contain and "
        "clean up the contamination at the station and in the zone around it.",
        tags=["disasters", "exclusion-zone"],
    ),
    _entry(
        "1987",
        "Unit 3, which shares a building with the destroyed unit, is restarted.",
        tags=["energy"],
    ),
    _entry(
        "1988",
        "Belarus sets aside the contaminated land on its side of the border as a nature "
        "reserve, the Polesie State Radioecological Reserve.",
        tags=["exclusion-zone"],
    ),
    _entry(
        "1990",
        "The IAEA introduces an international scale for rating nuclear events. The Chernobyl "
        "accident is placed at its highest level, 7.",
        tags=["nuclear"],
        reference=(
            "Example Science: how the scale for nuclear events works",
            "https://example.org/explainers/ines-scale",
        ),
    ),
    _entry(
        "1991 August 24",
        "Ukraine declares independence. As the Soviet Union breaks up, the station passes "
        "into Ukrainian hands.",
        tags=["ukraine"],
    ),
    _entry(
        "1991 October",
        "Fire breaks out in the turbine hall of unit 2. The unit is shut down and never runs "
        "again.",
        key=True,
        tags=["energy"],
    ),
    _entry(
        "1995",
        "Ukraine and the G7 countries sign a memorandum of understanding on closing the "
        "station by 2000.",
        tags=["energy", "ukraine"],
    ),
    _entry("1996 November", "Unit 1 is shut down for good.", tags=["energy"]),
    _entry(
        "1997",
        "A plan to make the Object Shelter safe is agreed, with an international fund managed "
        "by the European Bank for Reconstruction and Development to pay for it.",
        tags=["nuclear"],
    ),
    _entry(
        "1999?",
        "The government settles that unit 2, idle since the 1991 fire, will not be restarted. "
        "The year of the decision is uncertain.",
        tags=["energy"],
    ),
    _entry(
        "2000 December 15",
        "Unit 3, the last working reactor, is shut down, and the Chernobyl station stops "
        "generating electricity.",
        key=True,
        tags=["energy", "nuclear"],
        reference=(
            "The Daily Example archive: the last reactor goes quiet",
            f"{_ARCHIVE}/2000/12/15/last-reactor",
        ),
    ),
    _entry(
        "2007",
        "A contract to design and build the New Safe Confinement, a steel arch to cover the "
        "Object Shelter, is signed with the Novarka consortium.",
        tags=["nuclear"],
    ),
    _entry(
        "circa 2011",
        "Organised visits to the exclusion zone by tourists become officially permitted.",
        tags=["exclusion-zone"],
    ),
    _entry(
        "2011 March 11",
        "An earthquake and tsunami lead to the accident at the Fukushima Daiichi nuclear "
        "power station in Japan, later also rated at level 7.",
        tags=["nuclear", "disasters"],
    ),
    _entry(
        "2011 April",
        "At a conference in Kyiv marking the 25th anniversary, donor countries pledge more "
        "money to complete the New Safe Confinement.",
        tags=["nuclear"],
    ),
    _entry(
        "2012/2016",
        "The arch is assembled in two halves on cleaned ground beside the station, away from "
        "the ruined unit, so that the people building it receive less radiation.",
        tags=["nuclear"],
    ),
    _entry(
        "2013 February",
        "Part of the roof and wall of the turbine hall next to unit 4 gives way under the "
        "weight of snow. The authorities report no change in radiation levels.",
    ),
    _entry(
        "2016 April 26",
        "Thirtieth anniversary of the accident. The Daily Example publishes the first edition "
        "of this article.",
    ),
    _entry(
        "2016 November",
        "The New Safe Confinement is slid on rails over the Object Shelter, closing the ruin of "
        "unit 4 off from wind and rain.",
        key=True,
        tags=["nuclear"],
        reference=(
            "The Daily Example: the arch slides into place",
            "https://example.org/2016/11/30/new-safe-confinement",
        ),
    ),
    _entry(
        "2018",
        "A small solar power station opens beside the old plant, on land that cannot be farmed.",
        tags=["energy"],
    ),
    _entry(
        "2019 May",
        "Chernobyl, a five-part television miniseries about the disaster, begins broadcasting.",
    ),
    _entry(
        "2019 (Summer)",
        "Visitor numbers in the exclusion zone climb steeply in the months after the series "
        "is shown.",
        tags=["exclusion-zone"],
    ),
    _entry(
        "2019 July",
        "The New Safe Confinement is formally handed over to Ukraine.",
        key=True,
        tags=["nuclear", "ukraine"],
    ),
    _entry(
        "2020 April",
        "Wildfires burn through forest in the exclusion zone for weeks before they are put out.",
        tags=["exclusion-zone", "disasters"],
    ),
    _entry(
        "2022 February 24",
        "On the first day of Russia's full-scale invasion of Ukraine, Russian forces take "
        "control of the station and the exclusion zone.",
        key=True,
        tags=["ukraine"],
    ),
    _entry(
        "2022 March",
        "The site loses its outside power supply for several days; diesel generators keep "
        "essential systems running until the connection is restored.",
        tags=["nuclear"],
    ),
    _entry(
        "2022 March 31",
        "Russian forces leave the station and the exclusion zone.",
        tags=["ukraine"],
    ),
    _entry(
        "2022 April 26",
        "On the 36th anniversary, the IAEA's director general visits the station with a team "
        "of experts.",
        tags=["nuclear"],
    ),
    _entry(
        "2025 February 14",
        "A drone strikes the New Safe Confinement, damaging its outer cladding and setting its "
        "insulation alight. The IAEA reports that radiation levels stay normal.",
        tags=["nuclear", "ukraine"],
    ),
]

# --- Articles ------------------------------------------------------------------------------

MAIN_SLUG = "chernobyl-reactor-4"
NSC_SLUG = "new-safe-confinement"
FUKUSHIMA_SLUG = "fukushima-daiichi-ten-years"

_MAIN_BODY = """\
**Saturday April 26 1986** — At 01:23 local time, reactor No. 4 of the Chernobyl nuclear power \
station was destroyed during a safety test that had been planned for a routine shutdown. A \
sudden surge of power set off explosions that wrecked the reactor building, started fires on \
the roofs around it and carried radioactive material high into the air.

The first to respond were the operators on shift and the station's own fire crew, joined \
within minutes by firefighters from Pripyat, the town of plant workers a few kilometres away. \
Pripyat itself was emptied the next afternoon. Its residents boarded buses believing they \
would be home within days; the town has stood empty ever since.

## The days after

Outside the Soviet Union, the first sign of trouble came on April 28, when instruments at a \
nuclear power station in Sweden registered radiation that did not come from the plant itself. \
A brief statement on Soviet television followed that evening. For weeks, helicopter crews \
dropped sand, clay, lead and boron compounds onto the ruin, and the people of every settlement \
within roughly 30 kilometres of the station were moved out.

By November 1986 the wrecked unit had been closed inside concrete and steel: the Object \
Shelter, known to most people as the sarcophagus. The station's three other reactors were \
brought back into service and then shut down one by one, the last of them on December 15 2000.

## Quick Analysis

The accident is one of only two rated at level 7, the top of the international scale for \
nuclear events; the other is Fukushima Daiichi, in 2011 \
([how the scale works](https://example.org/explainers/ines-scale)). Soviet specialists first \
set out its causes at a review meeting held by the IAEA in Vienna in August 1986. Later \
reviews gave more weight to weaknesses in the reactor's design, alongside the way the test \
was run.

Thirty years on, the site is still a workplace. Its staff look after the shelter, the spent \
fuel and the closed reactors, while beside the station a steel arch, the New Safe \
Confinement, waits to be slid over the old shelter.
"""

_NSC_BODY = """\
This month the New Safe Confinement, a steel arch assembled beside the Chernobyl station, was \
pushed along rails until it stood over the Object Shelter, the enclosure built in haste around \
the destroyed reactor No. 4 in 1986.

The arch was put together away from the ruined unit so that the people building it would \
receive as little radiation as possible, then moved into place in one piece. It is among the \
largest structures ever moved on land.

## Why a new shelter

The 1986 shelter went up in months, in conditions no one would choose, and was never meant to \
last for ever. The new arch is designed to keep the weather out for about a hundred years, and \
it carries cranes that will let engineers take the old shelter apart.

The work was paid for through an international fund managed by the European Bank for \
Reconstruction and Development. Ukraine is due to take formal charge of the arch once it has \
been sealed and its equipment tested.
"""

_FUKUSHIMA_BODY = """\
In the days after the tsunami, three of the station's reactors suffered meltdowns, and the \
people living around the station were evacuated. The accident was later rated at level 7, the \
highest on the international scale; the only other accident given that rating is Chernobyl, \
in 1986.

Ten years on, the work of taking the damaged reactors apart is expected to last for decades.
"""

_MAIN_LEDE = (
    "**April 26 2021** — Thirty-five years ago today, explosions destroyed reactor No. 4 of the "
    "Chernobyl nuclear power station, in what was then Soviet Ukraine. This is our running "
    "account of that night and of what followed, updated on every anniversary: the newest "
    "update comes first and the original article follows."
)

ARTICLES = [
    {
        "slug": NSC_SLUG,
        "title": "The New Safe Confinement slides into place",
        "kicker": "Explainer",
        "byline": "Tomas Reyes",
        "story": None,
        "tags": ["nuclear", "ukraine", "energy"],
        "summary": (
            "A steel arch built beside the Chernobyl station now stands over the ruined "
            "reactor No. 4, taking over from the hurried shelter of 1986."
        ),
        "lede": (
            "**November 30 2016** — The ruin of Chernobyl's reactor No. 4 has a new roof, "
            "thirty years after the first one was built."
        ),
        "body": _NSC_BODY,
        "published_at": _paris(2016, 11, 30),
        "featured_at": _paris(2016, 11, 30),
    },
    {
        "slug": FUKUSHIMA_SLUG,
        "title": "Fukushima Daiichi: ten years after",
        "kicker": "Ten Years Ago",
        "byline": "Mara Lind",
        "story": None,
        "tags": ["nuclear", "energy", "disasters"],
        "summary": (
            "Ten years after the earthquake and tsunami that disabled the Fukushima Daiichi "
            "station, the clean-up is measured in decades."
        ),
        "lede": (
            "**March 11 2021** — Ten years ago today, an earthquake off the coast of Japan and "
            "the tsunami that followed it knocked out the cooling of the Fukushima Daiichi "
            "nuclear power station."
        ),
        "body": _FUKUSHIMA_BODY,
        "published_at": _paris(2021, 3, 11),
        "featured_at": _paris(2021, 3, 11),
    },
    {
        "slug": MAIN_SLUG,
        "title": "Chernobyl: the night reactor No. 4 exploded",
        "kicker": "On This Day",
        "byline": "Mara Lind, Tomas Reyes",
        "story": STORY["slug"],
        "tags": ["nuclear", "ukraine", "energy", "disasters"],
        "summary": (
            "How a safety test at the Chernobyl nuclear power station ended in explosions that "
            "emptied a town and closed a region, and what has happened at the site since."
        ),
        "lede": _MAIN_LEDE,
        "body": _MAIN_BODY,
        "published_at": _paris(2016, 4, 26),
        # The title and the front-page moment are the first edition's here: from then on they
        # belong to the editions (each one that goes live gives the article its own).
        "featured_at": _paris(2016, 4, 26),
    },
]

# The main article as it first went out: the lede was rewritten for the 35th anniversary
# (EDITION_CHANGES); ARTICLES holds the article as it reads today.
MAIN_FIRST_VERSION = {
    "lede": (
        "**April 26 2016** — Thirty years ago today, explosions destroyed reactor No. 4 of the "
        "Chernobyl nuclear power station, in what was then Soviet Ukraine. This is our account "
        "of that night and of what followed; we will add to it on every anniversary."
    ),
}

# What else changed in the main article when an anniversary edition went live, by year.
EDITION_CHANGES = {2021: {"lede": _MAIN_LEDE}}

ARTICLES_BY_SLUG = {data["slug"]: data for data in ARTICLES}

# --- Quotes --------------------------------------------------------------------------------

# Everyone quoted is a fictional person of The Daily Example's world.
QUOTES = {
    "petrenko": {
        "text": (
            "You learn the sound of a plant the way you learn a voice. That night it was a "
            "voice none of us had heard before."
        ),
        "speaker": "Olena Petrenko",
        "speaker_role": "Retired shift engineer",
        "work": "The engineers who stayed (interview)",
        "outlet": "The Daily Example",
        "said_on": "2016 April 11",
        "source_url": "",
    },
    "koval": {
        "text": (
            "Visitors expect a ruin. What they find is a place that is looked after every "
            "day, by people who know each building by name."
        ),
        "speaker": "Dmytro Koval",
        "speaker_role": "Guide in the exclusion zone",
        "work": "",
        "outlet": "",
        "said_on": "2021 October",
        "source_url": "",
    },
    "vasquez": {
        "text": (
            "The accident lasted one night. The work it left behind is measured in generations."
        ),
        "speaker": "Ines Vasquez",
        "speaker_role": "Radiation-safety researcher",
        "work": "Notes on a long clean-up (lecture)",
        "outlet": "",
        "said_on": "2016",
        "source_url": "https://example.org/lectures/notes-on-a-long-clean-up",
    },
    "hrytsenko": {
        "text": (
            "We were told to pack for three days. I took my keys, because of course we would "
            "be coming back."
        ),
        "speaker": "Anna Hrytsenko",
        "speaker_role": "Former schoolteacher in Pripyat",
        "work": "Letters from Pripyat",
        "outlet": "The Daily Example",
        "said_on": "2019 April",
        "source_url": "https://example.com/letters-from-pripyat",
    },
}

PLACEMENTS = [
    # (article slug, quote key, placement, after paragraph, order)
    (MAIN_SLUG, "petrenko", Placement.EPIGRAPH, None, 0),
    (MAIN_SLUG, "koval", Placement.EPIGRAPH, None, 1),
    (MAIN_SLUG, "vasquez", Placement.EPIGRAPH, None, 2),
    (MAIN_SLUG, "hrytsenko", Placement.INLINE, 2, 0),
    # The same words open one article and reappear inside another.
    (NSC_SLUG, "vasquez", Placement.INLINE, 2, 0),
]

# --- Updates -------------------------------------------------------------------------------

UPDATES = [
    {
        "dated_at": _paris(2017, 4, 26),
        "kind": UpdateKind.UPDATE,
        "headline": "A new arch over the ruin",
        "body": """\
In November 2016 the New Safe Confinement, a steel arch assembled beside the station, was slid \
on rails over the old Object Shelter. For the first time since 1986 the ruin of unit 4 is \
closed off from wind and rain. Engineers are now fitting out the arch, including the heavy \
cranes that will one day be used to take the old shelter apart.

**Flashback —** When this article first appeared, a year ago today, the arch still stood \
beside the station, waiting to be moved.

**Q (Mara Lind):** What changes for the people who work at the site?

**A (Olena Petrenko):** For thirty years the question was whether the old shelter would hold. \
Now it is how to take it apart safely. That is a better question to have.
""",
    },
    {
        "dated_at": _paris(2017, 4, 28, 11),
        "kind": UpdateKind.CORRECTION,
        "headline": "Correction to the update of April 26 2017",
        "body": """\
An earlier version of our update of April 26 2017 said that the New Safe Confinement was moved \
over the reactor in December 2016. It was moved in November 2016. The update has been \
corrected.
""",
    },
    {
        "dated_at": _paris(2019, 4, 26),
        "kind": UpdateKind.UPDATE,
        "headline": "The arch is almost ready",
        "body": """\
Work inside the New Safe Confinement is nearing its end, and Ukraine is expected to take formal \
charge of the arch later this year. The old Object Shelter beneath it still has to be \
dismantled, a task with no fixed end date.

**Flashback —** On December 15 2000 the station's last working reactor, unit 3, was shut \
down. Chernobyl has produced no electricity since, but a large workforce still runs the site.

**Q (Tomas Reyes):** Who comes to the zone these days?

**A (Dmytro Koval):** Students, scientists, photographers, people whose families came from \
here. Every year there are more of them, and every year they ask better questions.
""",
    },
    {
        "dated_at": _paris(2021, 4, 26),
        "kind": UpdateKind.UPDATE,
        "headline": "Thirty-five years on",
        "body": """\
The New Safe Confinement was handed over to Ukraine in July 2019 and now covers the remains of \
unit 4. Last April, wildfires burned for weeks in the forests of the exclusion zone before \
firefighters put them out.

**Flashback —** Thirty-five years ago tomorrow, the people of Pripyat left their town by bus, \
most of them carrying only what they needed for a few days.

**Q (Tomas Reyes):** After thirty-five years, what is still unknown?

**A (Ines Vasquez):** Less about what happened than about how long it will take to finish. \
The damaged fuel inside the ruin still has to be removed, and that work has barely begun.
""",
    },
    {
        "dated_at": _paris(2022, 2, 25),
        "kind": UpdateKind.NOTE,
        "headline": "The station under occupation",
        "body": """\
Russian forces took control of the Chernobyl station and the exclusion zone yesterday, on the \
first day of Russia's full-scale invasion of Ukraine. We will add to this article only what we \
can confirm, and the timeline will be brought up to date as facts are established.
""",
    },
    {
        "dated_at": _paris(2022, 4, 26),
        "kind": UpdateKind.UPDATE,
        "headline": "After five weeks of occupation",
        "body": """\
The Russian forces that took the station on February 24 left at the end of March. While they \
held it, the staff on duty kept the site running through shifts far longer than usual, and in \
March the station was cut off from outside power for several days, with diesel generators \
keeping essential systems going. Today, on the 36th anniversary, the IAEA's director general \
visited the station with a team of experts.

**Flashback —** Thirty-six years ago, the first word of the accident to reach the outside \
world came from Sweden, two days after the explosion.

**Q (Mara Lind):** How did the people on shift cope?

**A (Olena Petrenko):** The way shift workers always cope: they did the next task, and then \
the one after that. None of them had ever imagined doing it under guard.
""",
    },
    {
        "dated_at": _paris(2024, 4, 26),
        "kind": UpdateKind.UPDATE,
        "headline": "Thirty-eight years on",
        "body": """\
Tourist visits to the exclusion zone, a growing business before 2022, remain suspended. Work at \
the station goes on: the closed reactors are being decommissioned, and the New Safe \
Confinement keeps the ruin of unit 4 sealed.

**Flashback —** In October 1991 a fire in the turbine hall of unit 2 put that reactor out of \
service for good, five years after the accident next door.

**Q (Tomas Reyes):** What do you tell people who ask when they can visit again?

**A (Dmytro Koval):** That the zone is not going anywhere. It has waited thirty-eight years; it \
can wait a little longer.
""",
    },
    {
        "dated_at": _paris(2025, 4, 26),
        "kind": UpdateKind.UPDATE,
        "headline": "A drone strike on the arch",
        "body": """\
On February 14 a drone struck the New Safe Confinement, damaging the arch's outer cladding and \
starting a fire in its insulation that took weeks to put out completely. The IAEA, which has \
experts stationed at the site, said radiation levels inside and outside the arch stayed normal.

**Flashback —** The arch was slid over the old shelter in November 2016, after years of \
construction beside the station.

**Q (Mara Lind):** Is the ruin still sealed?

**A (Ines Vasquez):** The old shelter underneath was not touched, and that matters most. But \
the arch was built to keep the weather out for a century, and a hole in its roof has to be \
mended.
""",
    },
]

# This year's update waits, as a draft, for the anniversary. Once created it belongs to the
# editors: a second run never overwrites or unpublishes it.
DRAFT_UPDATE = {
    "dated_at": _paris(2027, 4, 26),
    "kind": UpdateKind.UPDATE,
    "headline": "Forty-one years on",
    "body": """\
*Draft: to be finished and published on the anniversary.*

**Flashback —** Forty-one years ago today, reactor No. 4 exploded at 01:23 local time.

**Q (Mara Lind):** …

**A (Olena Petrenko):** …
""",
}

# --- Related posts, references, embeds ----------------------------------------------------

RELATED = [
    # (from slug, to slug or None, external URL, label override, order)
    (MAIN_SLUG, NSC_SLUG, "", "", 0),
    (MAIN_SLUG, FUKUSHIMA_SLUG, "", "Fukushima, ten years on: the other level 7 accident", 1),
    (
        MAIN_SLUG,
        None,
        "https://example.org/explainers/ines-scale",
        "How the international scale for nuclear events works (Example Science)",
        2,
    ),
    (
        MAIN_SLUG,
        None,
        "https://example.com/photo-essays/pripyat",
        "Photo essay: Pripyat, a town on pause",
        3,
    ),
    (NSC_SLUG, MAIN_SLUG, "", "", 0),
]

REFERENCES = [
    {
        "title": "What the Vienna review meeting heard",
        "outlet": "Example Science Review",
        "published_on": "1986 September",
        "url": f"{_ARCHIVE}/1986/09/vienna-review",
        "accessed_on": dt.date(2016, 4, 20),
    },
    {
        "title": "Inside the Object Shelter",
        "outlet": "The Daily Example",
        "published_on": "2006 April 26",
        "url": "https://example.com/2006/04/26/inside-the-object-shelter",
        "accessed_on": dt.date(2024, 4, 20),
    },
    {
        "title": "The exclusion zone: an atlas",
        "outlet": "Example Atlas",
        "published_on": "2019",
        "url": "https://example.org/atlas/exclusion-zone",
        "accessed_on": dt.date(2021, 4, 19),
    },
    {
        "title": "Moving the arch: an engineering note",
        "outlet": "Example Engineering Weekly",
        "published_on": "2016 (Autumn)",
        "url": "https://example.org/engineering/moving-the-arch",
        "accessed_on": dt.date(2017, 4, 20),
    },
]

EMBEDS = [
    {
        "kind": EmbedKind.VIDEO,
        "provider": "Example News",
        "url": "https://www.youtube.com/watch?v=abcdefghijk",
        "title": "Special report: inside the exclusion zone",
        "caption": "Filmed in the zone and at the station, with the site's permission.",
    },
    {
        "kind": EmbedKind.AUDIO,
        "provider": "Example Radio",
        "url": "https://audio.example.org/programmes/voices-from-pripyat",
        "title": "Voices from Pripyat",
        "caption": "A radio documentary about the town and the people who left it.",
    },
]


# --- Loader --------------------------------------------------------------------------------


@dataclass
class DemoResult:
    created: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    password: str | None = None  # shown to the operator only when we know it is current

    @property
    def up_to_date(self):
        return not self.created and not self.changed

    def summary(self):
        if self.up_to_date:
            return "Demo content already up to date: nothing to change."
        parts = []
        for verb, counts in (("created", self.created), ("updated", self.changed)):
            if counts:
                parts.append(f"{verb} {', '.join(_count(m, n) for m, n in counts.items())}")
        return f"Demo content loaded: {'; '.join(parts)}."

    def editor_line(self, admin_url):
        password = self.password or "(unchanged; run with --reset-password to set it)"
        return f"Demo editor: {admin_url}  user: {EDITOR_USERNAME}  password: {password}"


def _count(model, n):
    meta = model._meta
    return f"{n} {meta.verbose_name if n == 1 else meta.verbose_name_plural}"


@transaction.atomic
def load_demo(*, password=DEFAULT_PASSWORD, reset_password=False, now=None):
    """
    Create or bring up to date the demo content; returns what it created and changed.

    `now` is the moment of loading (default: the clock): the anniversaries already past then
    get their editions, and nothing is dated after it.
    """
    loader = _Loader(now=now or timezone.now())
    loader.load(password=password, reset_password=reset_password)
    return loader.result


class _Loader:
    """
    Objects created here get a backdated history row: the moment they were plausibly written
    (`_written`), so frozen edition snapshots show the page as it really stood. Fixes made by a
    later run are history of today and keep the real clock.
    """

    def __init__(self, *, now):
        self.now = now
        self.result = DemoResult()
        self.user = None
        self.tags = {}
        self.articles = {}
        self.quotes = {}
        self.published = {data["slug"]: data["published_at"] for data in ARTICLES}
        self.first_published = self.published[MAIN_SLUG]
        self._created = set()
        self._changed = set()

    def load(self, *, password, reset_password):
        self.user = self._editor(password, reset_password)
        origin = self.first_published  # before the main article, there was no demo newsroom
        category = self._sync(
            Category,
            {"slug": CATEGORY["slug"]},
            {k: v for k, v in CATEGORY.items() if k != "slug"},
            at=origin,
        )
        for slug, name in TAGS.items():
            self.tags[slug] = self._sync(Tag, {"slug": slug}, {"name": name}, at=origin)
        story = self._story(at=origin)
        self._timeline(story)
        for data in ARTICLES:
            self.articles[data["slug"]] = self._article(
                data, story=story if data["story"] else None, category=category
            )
        self._quotes()
        self._updates(self.articles[MAIN_SLUG])
        for slug, target, url, label, order in RELATED:
            self._sync(
                RelatedLink,
                {
                    "article": self.articles[slug],
                    "target": self.articles[target] if target else None,
                    "url": url,
                },
                {"label": label, "order": order},
                # A link to another article is written once both are out.
                at=self._written(self.published[slug], target and self.published[target]),
            )
        main = self.articles[MAIN_SLUG]
        for order, data in enumerate(REFERENCES):
            values = {**data, "published_on": _edtf(data["published_on"]), "order": order}
            # Cited once it was out and read: the access date says when someone looked.
            written = self._written(
                self.first_published,
                _morning_after(data["published_on"]),
                data["accessed_on"] and _morning(data["accessed_on"]),
            )
            self._sync(Reference, {"article": main, "url": values.pop("url")}, values, at=written)
        for order, data in enumerate(EMBEDS):
            values = {**data, "order": order}
            self._sync(
                Embed, {"article": main, "url": values.pop("url")}, values, at=self.first_published
            )
        self._editions(main, story)

    # -- the parts that need more than a plain sync

    def _editor(self, password, reset_password):
        """The demo login. An existing account keeps its password unless asked to reset it."""
        user_model = get_user_model()
        user = user_model.objects.filter(username=EDITOR_USERNAME).first()
        wanted = {"is_staff": True, "is_superuser": True, "is_active": True}
        if user is None:
            user = user_model(
                username=EDITOR_USERNAME,
                email="editor@example.org",
                first_name="Demo",
                last_name="Editor",
                **wanted,
            )
            self._set_password(user, password)
            user.save()
            self.result.created[user_model] += 1
            self.result.password = password
            return user
        dirty = [name for name, value in wanted.items() if getattr(user, name) != value]
        for name in dirty:
            setattr(user, name, wanted[name])
        if reset_password and not check_password(password, user.password):
            self._set_password(user, password)
            dirty.append("password")
        if dirty:
            user.save()
            self.result.changed[user_model] += 1
        # hashers.check_password, not user.check_password: the latter may re-hash and save.
        if check_password(password, user.password):
            self.result.password = password
        return user

    @staticmethod
    def _set_password(user, password):
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError(
                f"the demo editor's password is not acceptable: {' '.join(exc.messages)}"
            ) from exc
        user.set_password(password)

    def _story(self, *, at):
        values = {k: v for k, v in STORY.items() if k not in {"slug", "tags"}}
        story, is_new = self._sync_object(Story, {"slug": STORY["slug"]}, values, at=at)
        self._sync_tags(story, STORY["tags"], is_new=is_new)
        return story

    def _timeline(self, story):
        """
        Entries have no slug: each is found by its date, and entries sharing a date by their
        position among those (oldest first), so a wording fix here updates the entry in place.

        The timeline grew as events happened: an entry is written the morning after its date
        (at the earliest when the article first went out).
        """
        existing = {}
        for entry in TimelineEntry.objects.filter(story=story).order_by("pk"):
            existing.setdefault(entry.date, []).append(entry)
        seen = Counter()
        for data in TIMELINE:
            when = dates.parse(data["date"])
            position = seen[when.edtf]
            seen[when.edtf] += 1
            same_day = existing.get(when.edtf, [])
            values = {k: v for k, v in data.items() if k not in {"date", "tags"}}
            if position < len(same_day):
                entry, is_new = same_day[position], False
                self._save_if_changed(entry, values)
            else:
                entry, is_new = TimelineEntry(story=story, **values), True
                entry.set_date(when)
                written = self._written(self.first_published, _morning_after(when))
                self._save(entry, created=True, at=written)
            self._sync_tags(entry, data["tags"], is_new=is_new)

    def _article(self, data, *, story, category):
        slug = data["slug"]
        values = {k: v for k, v in data.items() if k not in {"slug", "tags"}}
        values.update(
            story=story,
            # Only the living post is re-published on each anniversary of its story.
            recurring=slug == MAIN_SLUG,
            category=category,
            status=Status.PUBLISHED,
            publish_at=None,
            timeline_until=None,
        )
        article = Article.objects.filter(slug=slug).first()
        if article is None:
            first = MAIN_FIRST_VERSION if slug == MAIN_SLUG else {}
            article = Article(slug=slug, **{**values, **first})
            self._save(article, created=True, at=data["published_at"])
            self._sync_tags(article, data["tags"], is_new=True)
            return article
        if slug == MAIN_SLUG:
            # Its title and front-page moment belong to its editions (see _editions).
            values = {k: v for k, v in values.items() if k not in {"title", "featured_at"}}
        self._save_if_changed(article, values)
        self._sync_tags(article, data["tags"], is_new=False)
        return article

    def _quotes(self):
        """
        A placement is written when its article first went out, or once the words were said
        if that was later; a quote, with its first placement.
        """
        written = [
            self._written(self.published[slug], _morning_after(QUOTES[key]["said_on"]))
            for slug, key, *_ in PLACEMENTS
        ]
        for key, data in QUOTES.items():
            values = {**data, "said_on": _edtf(data["said_on"])}
            lookup = {"speaker": values.pop("speaker"), "said_on": values.pop("said_on")}
            first_placed = min(
                (at for (_, k, *_), at in zip(PLACEMENTS, written, strict=True) if k == key),
                default=self.first_published,
            )
            self.quotes[key] = self._sync(Quote, lookup, values, at=first_placed)
        for (slug, key, placement, after, order), at in zip(PLACEMENTS, written, strict=True):
            self._sync(
                QuotePlacement,
                {"article": self.articles[slug], "quote": self.quotes[key], "placement": placement},
                {"after_paragraph": after, "order": order},
                at=at,
            )

    def _updates(self, article):
        for data in UPDATES:
            values = {k: v for k, v in data.items() if k != "dated_at"}
            values.update(status=Status.PUBLISHED, published_at=data["dated_at"], publish_at=None)
            self._sync(
                Update,
                {"article": article, "dated_at": data["dated_at"]},
                values,
                at=data["dated_at"],
            )
        draft = Update.objects.filter(article=article, dated_at=DRAFT_UPDATE["dated_at"]).first()
        if draft is None:
            # Being written now, for the coming anniversary.
            draft = Update(article=article, status=Status.DRAFT, **DRAFT_UPDATE)
            self._save(draft, created=True, at=self.now)

    def _editions(self, article, story):
        """
        Replay the article's life as a series: the first publication, then every anniversary
        already past, each prepared a few days ahead, approved, and made live at its time,
        superseding (and freezing) the one before, the article taking its title each time.

        Runs once: an article with editions has its own history from then on.
        """
        if article.editions.exists():
            return
        first = self.first_published
        live = Edition(
            article=article,
            kind=EditionKind.ORIGINAL,
            year=timezone.localtime(first).year,
            key=str(timezone.localtime(first).year),
            title=ARTICLES_BY_SLUG[MAIN_SLUG]["title"],
            go_live_at=first,
            status=EditionStatus.LIVE,
            went_live_at=first,
        )
        self._save(live, created=True, at=first, reason="First publication")
        year = live.year + 1
        while (go_live := story.anniversary_go_live(year)) <= self.now:
            edition = Edition(
                article=article,
                kind=EditionKind.ANNIVERSARY,
                year=year,
                key=str(year),
                title=story.edition_title(year),
                go_live_at=go_live,
            )
            prepared = go_live - dt.timedelta(days=story.lead_days)
            self._save(edition, created=True, at=prepared, reason="Prepared anniversary edition")
            edition.approved_at, edition.approved_by = go_live - APPROVED_BEFORE, self.user
            self._save(edition, created=False, at=edition.approved_at, reason="Approved edition")

            live.status, live.superseded_at = EditionStatus.SUPERSEDED, go_live
            live.frozen_at = go_live - FROZEN_BEFORE
            self._save(
                live, created=False, at=go_live, reason=f"Superseded by edition {edition.key}"
            )
            edition.status, edition.went_live_at = EditionStatus.LIVE, go_live
            self._save(edition, created=False, at=go_live, reason="Edition went live")
            article.title, article.featured_at = edition.title, go_live
            for name, value in EDITION_CHANGES.get(year, {}).items():
                setattr(article, name, value)
            self._save(
                article, created=False, at=go_live, reason=f"Edition {edition.key} went live"
            )
            live, year = edition, year + 1

    # -- generic find-or-create, saving only what differs

    def _sync(self, model, lookup, values, *, at=None):
        return self._sync_object(model, lookup, values, at=at)[0]

    def _sync_object(self, model, lookup, values, *, at=None):
        """`at`: when a newly created object was written (its history row's date)."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            self._save(obj, created=True, at=at)
            return obj, True
        self._save_if_changed(obj, values)
        return obj, False

    def _save_if_changed(self, obj, values):
        dirty = [name for name, value in values.items() if _differs(obj, name, value)]
        for name in dirty:
            setattr(obj, name, values[name])
        if dirty:
            self._save(obj, created=False)

    def _save(self, obj, *, created, at=None, reason=REASON):
        try:
            obj.full_clean()
        except ValidationError as exc:
            raise ValidationError(f"{obj._meta.verbose_name} “{obj}”: {_describe(exc)}") from exc
        self._stamp(obj, at=at, reason=reason)
        obj.save()
        self._tally(obj, created=created)

    def _sync_tags(self, obj, slugs, *, is_new):
        """A new object's tags are dated with it (its stamp is still on it)."""
        wanted = {self.tags[slug].pk for slug in slugs}
        if is_new and not wanted:
            return
        if not is_new and set(obj.tags.values_list("pk", flat=True)) == wanted:
            return
        if not is_new:
            self._stamp(obj)
        obj.tags.set(wanted)
        if not is_new:
            self._tally(obj, created=False)

    def _stamp(self, obj, *, at=None, reason=REASON):
        obj._history_user = self.user
        obj._change_reason = reason
        if at is not None:
            obj._history_date = min(at, self.now)
        else:
            obj.__dict__.pop("_history_date", None)

    def _written(self, *moments):
        """The latest of these moments (None ignored), never later than now."""
        return min(max(m for m in moments if m), self.now)

    def _tally(self, obj, *, created):
        key = (type(obj), obj.pk)
        if created:
            self._created.add(key)
            self.result.created[type(obj)] += 1
        elif key not in self._created and key not in self._changed:
            self._changed.add(key)
            self.result.changed[type(obj)] += 1


def _morning_after(value):
    """Nine the next morning, Paris time, after a mixed-precision date (or its text) ends."""
    if not value:
        return None
    if isinstance(value, str):
        value = dates.parse(value)
    return _morning(value.upper + dt.timedelta(days=1))


def _morning(day):
    return _paris(day.year, day.month, day.day)


def _edtf(text):
    return dates.parse(text).edtf if text else ""


def _differs(obj, name, value):
    model_field = obj._meta.get_field(name)
    if model_field.many_to_one or model_field.one_to_one:
        return getattr(obj, model_field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def _describe(exc):
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)
