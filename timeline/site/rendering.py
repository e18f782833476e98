"""
The lists that make a long page long, as HTML built in Python: timeline entries (an article
shows its story's whole timeline: 200 entries on the heaviest article, 500 on an average
story at newsroom scale), updates (50 on the heaviest article) and article cards (every list
of articles: home, archives, a story's articles, on this day).

Rendered through the template engine, one {% include %} per item, they cost 60-140 µs an item
and most of a cold page (profiles in README, "Performance"); built here they cost a tenth of
that. The markup is the one the partial templates had, kept in one place per item (ENTRY,
UPDATE, CARD); every value is escaped as autoescaping would, and the only unescaped values are the
*_html fields made safe by timeline/text.py. Templates use them through the timeline_lists tags.
"""

import datetime as dt
import html
from functools import lru_cache

from django.utils import dateformat, timezone
from django.utils.dates import MONTHS
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

from timeline import dates
from timeline.formatting import (
    machine_date,
    provenance,
    safe_url,
    update_label,
)

# Autoescaping's own function, without its lazy-string and SafeString wrapping: the same output
# (& < > " ' escaped), a fifth of the cost over thousands of values.
escape = html.escape

YEAR = (
    '<li class="timeline__year" aria-hidden="true">'
    '<span class="timeline__year-label">{year:04d}</span></li>\n'
)
ENTRY = (
    '<li id="entry-{pk}" class="timeline__entry{key_class}">\n'
    '  <time class="timeline__date" datetime="{machine}">{display}</time>\n'
    "{key_label}"
    '  <div class="timeline__text">{text}</div>\n'
    "{story}"
    "{source}"
    "</li>\n"
)
KEY_LABEL = '  <strong class="timeline__key-label">Key moment</strong>\n'
STORY = '  <p class="timeline__story">From the timeline of <a href="{href}">{title}</a></p>\n'
SOURCE = '  <p class="timeline__source"><a href="{href}" rel="noopener">{title}</a></p>\n'

UPDATE = (
    '<article id="{anchor}" class="update update--{kind}{unpublished}">\n'
    '  <p class="update__start">\n'
    '    <strong class="update__marker">{label} (<time datetime="{iso}">{day}</time>) —</strong>\n'
    "{status}"
    '    <a class="update__permalink" href="#{anchor}"'
    ' aria-label="Link to this {kind_name}">#</a>\n'
    "  </p>\n"
    "{headline}"
    '  <div class="update__body">{body}</div>\n'
    '  <p class="update__end">END of {label}</p>\n'
    "</article>\n"
)
CARD = (
    '<article class="card">\n'
    "{kicker}"
    '  <{heading} class="card__title"><a href="{href}">{title}</a></{heading}>\n'
    "{summary}"
    '  <p class="card__meta">\n'
    "{published}"
    "{category}"
    "  </p>\n"
    "</article>\n"
)
HEADLINE = '  <h3 class="update__headline">{headline}</h3>\n'
SCHEDULED = '    <span class="status-label">Scheduled for {when}: not published</span>\n'
DRAFT = '    <span class="status-label">Draft: not published</span>\n'


@lru_cache(maxsize=16384)
def _entry_dates(edtf, time_zone):
    """(machine, house style) for a stored date: the same few thousand values recur."""
    try:
        value = dates.from_edtf(edtf)
    except dates.InvalidDate:
        return "", edtf
    return machine_date(value, time_zone), dates.format_date(value, tz=time_zone)


def timeline_entries(entries, *, show_story=False, years=True):
    """<li> items of a timeline (with a year marker each time the year changes)."""
    parts, last_year, story_urls = [], None, {}
    for entry in entries:
        story = entry.story
        year = entry.date_lower.year
        if years and year != last_year:
            parts.append(YEAR.format(year=year))
            last_year = year
        machine, display = _entry_dates(entry.date, story.time_zone)
        story_html = ""
        if show_story:
            if story.pk not in story_urls:
                story_urls[story.pk] = story.get_absolute_url()
            story_html = STORY.format(
                href=escape(f"{story_urls[story.pk]}#entry-{entry.pk}"), title=escape(story.title)
            )
        source = safe_url(entry.reference_url)
        parts.append(
            ENTRY.format(
                pk=entry.pk,
                key_class=" timeline__entry--key" if entry.is_key_moment else "",
                machine=escape(machine),
                display=escape(display),
                key_label=KEY_LABEL if entry.is_key_moment else "",
                text=entry.text_html,  # sanitised on save (timeline/text.py)
                story=story_html,
                source=SOURCE.format(
                    href=escape(source), title=escape(entry.reference_title or "Source")
                )
                if source
                else "",
            )
        )
    return mark_safe("".join(parts))  # every value above is escaped or sanitised HTML


def updates(items):
    """The <article> blocks of an article's updates, as _update.html made them."""
    parts = []
    for update in items:
        label = escape(update_label(update))
        local = timezone.localtime(update.dated_at)
        if update.status == "scheduled":
            when = dateformat.format(timezone.localtime(update.publish_at), "F j Y, H:i T")
            status = SCHEDULED.format(when=escape(when))
        else:
            status = "" if update.status == "published" else DRAFT
        parts.append(
            UPDATE.format(
                anchor=escape(update.anchor),
                kind=escape(update.kind),
                unpublished="" if update.status == "published" else " update--unpublished",
                label=label,
                iso=_iso(local),
                day=f"{MONTHS[local.month]} {local.day} {local.year}",
                status=status,
                kind_name=escape(str(update.get_kind_display()).lower()),
                headline=HEADLINE.format(headline=escape(update.headline))
                if update.headline
                else "",
                body=update.body_html,  # sanitised on save (timeline/text.py)
            )
        )
    return mark_safe("".join(parts))  # every value above is escaped or sanitised HTML


def _iso(moment: dt.datetime):
    """The date filter's "c" format."""
    return moment.isoformat()


def article_card(article, *, level=2):
    """One article's card, as _article_card.html made it (h2, or h3 with level=3)."""
    published = ""
    if article.published_at:
        local = timezone.localtime(article.published_at)
        published = (
            f'    <time datetime="{_iso(local)}">'
            f"{MONTHS[local.month]} {local.day} {local.year}</time>\n"
        )
    category = article.category  # select_related by every list that shows cards
    return mark_safe(  # every value is escaped
        CARD.format(
            kicker=f'  <p class="kicker">{escape(article.kicker)}</p>\n' if article.kicker else "",
            heading="h3" if level == 3 else "h2",
            href=escape(article.get_absolute_url()),
            title=escape(article.title),
            summary=f'  <p class="card__summary">{escape(article.summary)}</p>\n'
            if article.summary
            else "",
            published=published,
            category=f'    <span class="card__category">{escape(category.name)}</span>\n'
            if category
            else "",
        )
    )


# ---------------------------------------------------------------------- the article's sections
# The short lists of an article page (quotes, related posts, references, embeds, editions):
# a few items each, but a dozen {% for %} / {% include %} nodes between them cost more than the
# rest of the page's template (profiled: README, "Performance").

QUOTE = (
    '<figure class="quote quote--{variant}">\n'
    "  <blockquote{cite}>{text}</blockquote>\n"
    '  <figcaption class="quote__provenance">— <cite>{provenance}</cite>{source}</figcaption>\n'
    "</figure>\n"
)
EMBED_PLAYER = (
    '<div class="embed__frame">\n'
    '    <iframe src="{src}" title="{title} ({provider})" loading="lazy"'
    ' sandbox="allow-scripts allow-same-origin allow-presentation allow-popups"'
    ' allow="encrypted-media; fullscreen; picture-in-picture"'
    ' referrerpolicy="strict-origin-when-cross-origin"></iframe>\n'
    "  </div>"
)
EMBED = (
    '<figure class="embed embed--{kind}">\n'
    "  {media}\n"
    '  <figcaption class="embed__caption"><cite>{title}</cite> ({provider}){caption}</figcaption>\n'
    "</figure>\n"
)


def quotes(items, *, variant="epigraph"):
    """Epigraphs or pull quotes: the quote, its provenance and a link to its source."""
    parts = []
    for quote in items:
        source = escape(safe_url(quote.source_url))
        parts.append(
            QUOTE.format(
                variant=escape(variant),
                cite=f' cite="{source}"' if source else "",
                text=linebreaks(quote.text, autoescape=True),
                provenance=escape(provenance(quote)),
                source=f' <a class="quote__source" href="{source}" rel="noopener">Source</a>'
                if source
                else "",
            )
        )
    return mark_safe("".join(parts))  # every value above is escaped


def body(blocks):
    """The article body (sanitised on save) with its pull quotes pinned after their paragraphs."""
    parts = []
    for block in blocks:
        parts.append(block.html)  # sanitised on save (timeline/text.py)
        if block.quotes:
            parts.append("\n")
            parts.append(quotes(block.quotes, variant="pull"))
    return mark_safe("".join(parts))


def related_links(links):
    parts = []
    for link in links:
        rel = "" if link.target_id else ' rel="noopener"'
        parts.append(
            f'<li>RELATED POST: <a href="{escape(safe_url(link.href))}"{rel}>'
            f"{escape(link.title)}</a></li>\n"
        )
    return mark_safe("".join(parts))  # every value is escaped


def references(items):
    parts = []
    for ref in items:
        url = escape(safe_url(ref.url))
        title = escape(ref.title)
        line = f'<a href="{url}" rel="noopener">{title}</a>' if url else title
        if ref.outlet:
            line += f', <cite class="references__outlet">{escape(ref.outlet)}</cite>'
        if ref.published_on:
            machine, display = _entry_dates(ref.published_on, None)
            line += f', <time datetime="{escape(machine)}">{escape(display)}</time>'
        if ref.accessed_on:
            day = ref.accessed_on
            line += (
                f' (accessed <time datetime="{day.isoformat()}">'
                f"{MONTHS[day.month]} {day.day} {day.year}</time>)"
            )
        parts.append(f"<li>{line}</li>\n")
    return mark_safe("".join(parts))  # every value is escaped


def embeds(items):
    parts = []
    for embed in items:
        title, provider = escape(embed.title), escape(embed.provider)
        player, link = embed.player_url, safe_url(embed.url)
        if player:
            media = EMBED_PLAYER.format(src=escape(player), title=title, provider=provider)
        elif link:
            verb = "Listen" if embed.kind == "audio" else "Watch"
            media = (
                f'<p class="embed__link"><a href="{escape(link)}" rel="noopener">'
                f"{verb}: {title}</a></p>"
            )
        else:
            media = ""
        parts.append(
            EMBED.format(
                kind=escape(embed.kind),
                media=media,
                title=title,
                provider=provider,
                caption=f'<span class="embed__note"> — {escape(embed.caption)}</span>'
                if embed.caption
                else "",
            )
        )
    return mark_safe("".join(parts))  # every value is escaped


def editions(items, *, viewing=None):
    """The <li> items of an article's editions: the one being viewed is not a link."""
    parts = []
    for edition in items:
        title = escape(edition.title)
        if viewing is not None and edition.pk == viewing.pk:
            name = f'<span aria-current="page">{title}</span>'
        else:
            name = f'<a href="{escape(edition.get_absolute_url())}">{title}</a>'
        when = ""
        if edition.went_live_at:
            local = timezone.localtime(edition.went_live_at)
            when = (
                f' <time datetime="{_iso(local)}">'
                f"{MONTHS[local.month]} {local.day} {local.year}</time>"
            )
        if edition.status == "live":
            note = ' <span class="editions__current">(current edition)</span>'
        elif edition.is_late:
            note = ' <span class="editions__late">(published late)</span>'
        else:
            note = ""
        parts.append(f"<li>{name}{when}{note}</li>\n")
    return mark_safe("".join(parts))  # every value is escaped
