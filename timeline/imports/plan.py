"""
A recovered post (:mod:`.structure`) as the field values of the app's own records.

Pure: no database. :mod:`timeline.services.imports` writes what :func:`plan` returns. The rules
that decide where a part goes when the app has no place for it as written:

- the body keeps each passage in its place: headings as Markdown headings, passages as the
  sanitised HTML they were (Markdown passes it through and the cleaner sanitises it again);
- a quote stands where it stood: at the top; before or after the update it was next to (or
  after the update it was inside); in the body after the heading or passage it followed (named
  by its words, :mod:`timeline.body_anchors`, once the body is rendered);
- a quote with no provenance stays in the body, in its place, as a blockquote: the app's quotes
  need a speaker and none is made up;
- a part whose values do not fit the app's columns (an overlong credit, an address that is not
  one) stays in the body as the line it was, so no words are lost;
- a ``RELATED POST:`` line with no link stays in the body as written.
"""

import dataclasses
import datetime as dt
import hashlib
import html as html_lib
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from timeline import dates
from timeline.editions.anniversaries import anniversary_on
from timeline.imports import pictures, wxr
from timeline.imports import structure as structure_module
from timeline.imports.titles import read_title

_URL = URLValidator(schemes=["http", "https"])
_AUDIO_PROVIDERS = {"SoundCloud", "Spotify"}
_AUDIO_FILE = re.compile(r"\.(?:mp3|m4a|ogg|oga|wav|aac|flac)(?:\?|$)", re.I)
UPDATE_KINDS = {"update": "update", "correction": "correction", "editors_note": "note"}
LIMITS = {"speaker": 200, "role": 300, "work": 300, "outlet": 200, "title": 300, "url": 500}


@dataclasses.dataclass
class QuotePlan:
    text: str
    speaker: str
    speaker_role: str = ""
    work: str = ""
    outlet: str = ""
    said_on: str = ""
    said_on_label: str = ""
    # (placement, update index or None, number of body blocks before it)
    placements: list[tuple[str, int | None, int]] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class PostPlan:
    lede: str
    body: str
    event_date: dt.date | None
    story_title: str  # the post's title without an edition's words ("Six Years Ago — …")
    quotes: list[QuotePlan]
    updates: list[dict]
    entries: list[dict]  # date (MixedDate), date_label, text, position
    references: list[dict]
    embeds: list[dict]
    related: list[dict]  # url (resolved against imported posts by the writer), label
    editions: list[dict]  # title, year, archive_url


def digest(item: wxr.Item, placements: pictures.Placements = pictures.NONE) -> str:
    """What the post holds, hashed: the same export gives the same digest. The pictures of the
    library it would show count too: imported first without them, a post is imported again
    once they are brought in."""
    values = dataclasses.astuple(item)
    if not item.excerpt:  # as before excerpts were read: unchanged posts stay unchanged
        values = values[:-1]
    if item.thumbnail_id is None and not item.excerpt:  # as before featured images were read
        values = values[:-1]
    if placed := placements.placed(item.content, item.thumbnail_id):
        values += (placed,)
    return hashlib.sha256(repr(values).encode()).hexdigest()


def plan(recovered: structure_module.Structure, title: str = "") -> PostPlan:
    return _Planner(recovered, title).run()


def is_url(value: str) -> bool:
    if not value or len(value) > LIMITS["url"]:
        return False
    try:
        _URL(value)
    except ValidationError:
        return False
    return True


_BLOCK_TAG = re.compile(r"<(p|ul|ol|h[1-6]|blockquote|table|pre)\b", re.I)


def _fits(**values) -> bool:
    return all(len(value or "") <= LIMITS[name] for name, value in values.items())


def _edtf(label: str) -> str:
    found = dates.parse_or_none(label)
    return found.edtf if found else ""


class _Planner:
    def __init__(self, recovered: structure_module.Structure, title: str = ""):
        self.s = recovered
        self.title = read_title(title)
        self.body: list[str] = []
        self.paragraphs = 0
        self.quotes: dict[int, QuotePlan] = {}
        self.related: list[dict] = []
        self.references: list[dict] = []
        self.editions: list[dict] = []
        self.embeds: list[dict] = []

    def run(self) -> PostPlan:
        self.event = self.event_date()
        for at, (kind, index) in enumerate(self.s.order):
            self.at = at
            getattr(self, f"add_{kind}", self.skip)(index)
        return PostPlan(
            lede=f"<p>{self.s.lede}</p>" if self.s.lede else "",
            body="\n\n".join(self.body),
            event_date=self.event,
            story_title=self.title.story,
            quotes=list(self.quotes.values()),
            updates=[self.update(u) for u in self.s.updates],
            entries=self.entries(),
            references=self.references,
            embeds=self.embeds,
            related=self.related,
            editions=self.editions,
        )

    def skip(self, index: int) -> None:
        """Lede and updates are read whole (see run); timeline entries too."""

    def paragraph(self, html: str) -> None:
        self.body.append(f"<p>{html}</p>")
        self.paragraphs += 1

    def add_body(self, index: int) -> None:
        passage = self.s.body[index]
        if passage.kind == "heading":
            level = min(max(passage.level, 2), 4)
            self.body.append(f"<h{level}>{passage.html}</h{level}>")
        elif passage.kind == "table" and passage.html:
            self.body.append(passage.html)  # a block of its own, as a paragraph is
            self.paragraphs += 1
        elif passage.html:
            self.paragraph(passage.html)

    def add_quote(self, index: int) -> None:
        quote = self.s.quotes[index]
        found = quote.provenance
        speaker = found.speaker or found.outlet if found else ""
        outlet = found.outlet if found and found.speaker else ""
        credit = {"speaker": speaker, "role": found.role if found else "", "outlet": outlet}
        if not speaker or not _fits(**credit, work=found.work):
            inner = quote.html if _BLOCK_TAG.search(quote.html) else f"<p>{quote.html}</p>"
            self.body.append(f"<blockquote>{inner}</blockquote>")  # no paragraph in a paragraph
            if found:
                self.paragraph(html_lib.escape(found.written))
            return
        planned = self.quotes.get(index)
        if planned is None:
            planned = self.quotes[index] = QuotePlan(
                text=quote.words,
                speaker=speaker,
                speaker_role=found.role,
                work=found.work,
                outlet=outlet,
                said_on=_edtf(found.date_label),
                said_on_label=found.date_label if _edtf(found.date_label) else "",
            )
        where = self.where_quote_stands()
        if not any(p[0] == where[0] for p in planned.placements):  # once per kind of place
            planned.placements.append(where)

    def where_quote_stands(self) -> tuple[str, int | None, int]:
        order = self.s.order
        before = next((i for i in reversed(order[: self.at]) if i[0] != "quote"), None)
        after = next((i for i in order[self.at + 1 :] if i[0] != "quote"), None)
        if before and before[0] == "update":
            return ("after_update", before[1], 0)
        if after and after[0] == "update":
            return ("before_update", after[1], 0)
        if self.body:
            return ("body", None, len(self.body))
        return ("top", None, 0)

    def add_related(self, index: int) -> None:
        link = self.s.related[index]
        if is_url(link.url) and _fits(title=link.text):
            self.related.append({"url": link.url, "label": link.text or link.url})
        else:
            written = f"RELATED POST: {link.text} {link.url}".strip()
            self.paragraph(html_lib.escape(written))

    def add_reference(self, index: int) -> None:
        found = self.s.references[index]
        url = found.url if is_url(found.url) else ""
        if not found.title or not _fits(title=found.title, outlet=found.outlet):
            self.paragraph(html_lib.escape(f"{found.title} {found.outlet} {found.url}".strip()))
            return
        title = found.title if url or not found.url else f"{found.title} {found.url}"
        edtf = _edtf(found.date_label)
        self.references.append(
            {
                "title": title[:300],
                "outlet": found.outlet,
                "published_on": edtf,
                "published_on_label": found.date_label if edtf else "",
                "url": url,
                "order": len(self.references),
            }
        )
        if found.date_label and not edtf:
            self.paragraph(html_lib.escape(found.date_label))

    def add_edition(self, index: int) -> None:
        edition = self.s.editions[index]
        read = read_title(edition.title)
        year = edition.year if edition.year_apart else None  # "2019 — …", "… (2019)"
        if year is None and read.years_ago is not None and self.event is not None:
            year = self.event.year + read.years_ago  # "Five Years Ago — …": the fifth
        elif year is None and read.event_date is None:
            year = edition.year  # a year in the title; not one in "(November 13 2015)"
        if year and 1900 <= year <= 2100 and _fits(title=edition.title):
            url = edition.url if is_url(edition.url) else ""
            self.editions.append({"title": edition.title, "year": year, "url": url})
        else:
            self.paragraph(html_lib.escape(edition.written))

    def update(self, update: structure_module.Update) -> dict:
        unread = (
            [f"<p>({html_lib.escape(update.label)})</p>"]
            if update.label and not update.date
            else []
        )
        return {
            "kind": UPDATE_KINDS.get(update.kind, "update"),
            "date": update.date,
            "date_label": update.label if update.date else "",
            # A label that is not a date stays in the text, as written.
            "body": "\n\n".join(unread + [f"<p>{html}</p>" for html in update.body]),
        }

    def entries(self) -> list[dict]:
        found, positions = [], {}
        for entry in self.s.timeline:
            year = entry.date.lower.year
            positions[year] = positions.get(year, -1) + 1
            found.append(
                {
                    "date": entry.date,
                    "date_label": entry.label,
                    "text": entry.text,
                    "position": positions[year],
                }
            )
        return found

    def add_embed(self, index: int) -> None:
        embed = self.s.embeds[index]
        if not is_url(embed.url):
            self.paragraph(html_lib.escape(f"{embed.title} {embed.url}".strip()))
            return
        audio = embed.provider in _AUDIO_PROVIDERS or _AUDIO_FILE.search(embed.url)
        kind = "audio" if audio else "video"
        # With no title of its own, what it is and where (the page names the provider too),
        # or, for a file of the site's own, its name.
        file_name = embed.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        title = embed.title or (f"{kind.capitalize()} on {embed.provider}" if embed.provider
                                else f"{kind.capitalize()}: {file_name}")  # fmt: skip
        self.embeds.append(
            {"url": embed.url, "title": title[:300], "order": len(self.embeds), "kind": kind}
        )

    def event_date(self) -> dt.date | None:
        """The day the story happened. The lede's dateline is the day of the edition it opened
        (``November 13 2021 —``), so first what the title says (``… (November 13 2015)``, or
        ``Six Years Ago —`` from that dateline), then the earliest day on the same date in
        an earlier year that the body's datelines or the timeline name, then the dateline."""
        if self.title.event_date:
            return self.title.event_date
        lede = _dateline(self.s.lede or "")
        if lede is None:
            return None
        if self.title.years_ago is not None and self.title.years_ago < lede.year:
            return anniversary_on(lede, lede.year - self.title.years_ago)
        named = [_dateline(p.html) for p in self.s.body if p.kind == "paragraph"]
        named += [e.date.lower for e in self.s.timeline if e.date.precision == dates.Precision.DAY]
        earlier = [
            day
            for day in named
            if day and (day.month, day.day) == (lede.month, lede.day) and day.year < lede.year
        ]
        return min(earlier, default=lede)


def _dateline(html: str) -> dt.date | None:
    """The day a bold dateline opening ``html`` names (``<strong>November 13 2020 —</strong>``)."""
    match = structure_module._DATELINE.match(html)
    if not match:
        return None
    found = structure_module.dateline_date(structure_module.html_to_text(match.group(2)))
    return found.lower if found and found.precision == dates.Precision.DAY else None
