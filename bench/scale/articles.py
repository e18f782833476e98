"""An article of the scale dataset with everything on its page: updates, quotes, related
posts, references, embeds and editions."""

import datetime as dt

from timeline import body_anchors
from timeline.models import (
    Article,
    Edition,
    EditionKind,
    EditionStatus,
    Embed,
    Placement,
    QuotePlacement,
    Reference,
    RelatedLink,
    Status,
    Update,
    UpdateKind,
)
from timeline.text import render_markdown

from .text import cut_to, paragraphs_html, word_count
from .writer import EPOCH, MONTHS, Writer


class ArticleWriter(Writer):
    """Needs the loader's `category_ids`, `quote_ids`, `tag_ids` and `article_id_range`."""

    def pick_tags(self, count):
        return sorted(set(self.rng.choices(self.tag_ids, weights=self.tag_weights, k=count)))

    def random_published_at(self):
        days = self.rng.randint(0, 20 * 365)
        return EPOCH - dt.timedelta(days=days, minutes=self.rng.randint(0, 24 * 60))

    def put_article(self, n, *, story_id, event_date, published_at=None, slug=None, title=None,
                    body=None, updates=None, update_paragraphs=None, quotes=None, tags=None,
                    related=None, references=None, embeds=None, anniversaries=None):  # fmt: skip
        """
        An article with its children; `published_at` given: published then, else dice. The
        named benchmark articles give their shape: `quotes` (epigraphs, pull quotes after which
        body paragraphs), `update_paragraphs` (paragraphs of 67 words per update), `tags`,
        `anniversaries` (editions after the first, all before EPOCH).
        """
        rng, text = self.rng, self.text
        roll = rng.random()
        if published_at:
            status = Status.PUBLISHED
        else:
            status = (
                Status.PUBLISHED
                if roll < 0.96
                else Status.DRAFT
                if roll < 0.98
                else (Status.SCHEDULED)
            )
            published_at = self.random_published_at() if status == Status.PUBLISHED else None
        created = (published_at or EPOCH) - dt.timedelta(days=1)
        dateline = f"{MONTHS[event_date.month]} {event_date.day} {event_date.year}"
        lede_text = text.sentences(2)
        if body is None:
            paragraphs = [text.sentences(rng.randint(3, 5)) for _ in range(rng.randint(3, 5))]
            body, body_html = "\n\n".join(paragraphs), paragraphs_html(paragraphs)
        else:
            body_html = render_markdown(body)
        row = {
            "story_id": story_id,
            "slug": slug or f"scale-article-{n}",
            "title": title or text.title(4, 10),
            "kicker": "On This Day",
            "byline": ", ".join(text.words(2, 2).title() for _ in range(rng.randint(1, 2))),
            "summary": text.sentences(1)[:300],
            "lede": f"**{dateline}** — {lede_text}",
            "lede_html": f"<p><strong>{dateline}</strong> — {lede_text}</p>",
            "body": body,
            "body_html": body_html,
            "timeline_until": None,
            "status": status,
            "publish_at": EPOCH + dt.timedelta(days=rng.randint(1, 300))
            if status == Status.SCHEDULED
            else None,
            "published_at": published_at,
            "featured_at": published_at,
            "comments_open": rng.random() < 0.9,
            "recurring": rng.random() < 0.8,
            "created_at": created,
            "updated_at": created,
        }
        # The newest published update, if later, is when the article was last featured.
        update_rows = self.article_updates(
            published_at or created,
            rng.randint(0, 40) if updates is None else updates,
            paragraphs=update_paragraphs,
        )
        last = max((u["published_at"] for u in update_rows if u["published_at"]), default=None)
        if published_at and last and last > published_at:
            row["featured_at"] = last
        article_id, history_id = self.put(Article, row, when=created)
        chosen_tags = (
            self.pick_tags(rng.randint(1, 5))
            if tags is None
            else sorted(rng.sample(self.tag_ids, tags))
        )
        self.put_tags(Article, "tags", article_id, history_id, chosen_tags)
        self.put_tags(
            Article, "categories", article_id, history_id, [rng.choice(self.category_ids)]
        )
        for update in update_rows:
            update["article_id"] = article_id
            self.put(Update, update, when=update["published_at"] or created)
        self.put_placements(article_id, created, quotes, body_html)
        if related is None:
            self.put_related(article_id, created, rng.randint(0, 4))
        else:  # a named article's related posts: all on the site, as the peer's are
            self.put_related(article_id, created, related, external_share=0.0)
        self.put_references(
            article_id, created, rng.randint(0, 4) if references is None else references
        )
        for order in range(int(rng.random() < 0.1) if embeds is None else embeds):
            self.put(
                Embed,
                {
                    "article_id": article_id,
                    "kind": "video",
                    "provider": "YouTube",
                    "url": f"https://www.youtube.com/watch?v={rng.randint(10**10, 10**11)}",
                    "title": text.title(3, 7),
                    "caption": "",
                    "order": order,
                },
                when=created,
            )
        if published_at:
            self.put_editions(article_id, row["title"], published_at, anniversaries)
        return article_id

    def update_body(self, paragraphs):
        """Markdown and HTML of an update: 2-4 sentences, or that many paragraphs of 67 words."""
        text = self.text
        if paragraphs is None:
            sentences = text.sentences(self.rng.randint(2, 4))
            if self.rng.random() < 0.2:
                return (
                    f"**Flashback —** {sentences}",
                    f"<p><strong>Flashback —</strong> {sentences}</p>",
                )
            return sentences, f"<p>{sentences}</p>"
        parts = []
        for _ in range(paragraphs):
            paragraph = text.sentences(1)
            while word_count(paragraph) < 67:
                paragraph += " " + text.sentences(1)
            parts.append(cut_to(paragraph, 67))
        return "\n\n".join(parts), paragraphs_html(parts)

    def article_updates(self, since, count, *, paragraphs=None):
        rng, text = self.rng, self.text
        # Spread between publication and EPOCH, as an article gathers updates over its life.
        span = max((EPOCH - since).total_seconds(), 3600)
        stamps = sorted(
            since + dt.timedelta(seconds=int(rng.uniform(60, span))) for _ in range(count)
        )
        rows, anchors = [], set()
        for index, dated_at in enumerate(stamps):
            scheduled = index == count - 1 and rng.random() < 0.02
            base = anchor = f"update-{dated_at.astimezone(self.zone):%Y-%m-%d}"
            suffix = 1
            while anchor in anchors:
                suffix += 1
                anchor = f"{base}-{suffix}"
            anchors.add(anchor)
            body, body_html = self.update_body(paragraphs)
            kind = rng.choices(
                [UpdateKind.UPDATE, UpdateKind.CORRECTION, UpdateKind.NOTE], [90, 7, 3]
            )[0]
            rows.append(
                {
                    "kind": kind,
                    "dated_at": dated_at,
                    "headline": text.title(3, 8) if rng.random() < 0.5 else "",
                    "body": body,
                    "body_html": body_html,
                    "status": Status.SCHEDULED if scheduled else Status.PUBLISHED,
                    "publish_at": EPOCH + dt.timedelta(days=30) if scheduled else None,
                    "published_at": None if scheduled else dated_at,
                    "anchor": anchor,
                }
            )
        return rows

    def put_placements(self, article_id, created, quotes, body_html):
        rng = self.rng
        if quotes is None:
            epigraphs, inline = rng.randint(1, 2), rng.randint(0, 2)
            after = [rng.randint(1, 3) for _ in range(inline)]
        else:
            epigraphs, after = quotes
            inline = len(after)
        places = [body_anchors.anchor_of_paragraph(body_html, n) for n in after]
        chosen = rng.sample(self.quote_ids, epigraphs + inline)
        for order, quote_id in enumerate(chosen):
            is_inline = order >= epigraphs
            self.put(
                QuotePlacement,
                {
                    "article_id": article_id,
                    "quote_id": quote_id,
                    "placement": Placement.BODY if is_inline else Placement.TOP,
                    "anchor": places[order - epigraphs] if is_inline else "",
                    "order": order,
                },
                when=created,
            )

    def put_related(self, article_id, created, count, external_share=0.2):
        rng = self.rng
        low, high = self.article_id_range
        for order in range(count):
            external = rng.random() < external_share or high <= low
            self.put(
                RelatedLink,
                {
                    "article_id": article_id,
                    "target_id": None if external else rng.randint(low, high),
                    "url": f"https://example.org/news/{rng.randint(1, 10**9)}" if external else "",
                    "label": self.text.title(3, 8) if external else "",
                    "order": order,
                },
                when=created,
            )

    def put_references(self, article_id, created, count):
        rng = self.rng
        for order in range(count):
            year = rng.randint(1960, 2025)
            self.put(
                Reference,
                {
                    "article_id": article_id,
                    "title": self.text.title(3, 9),
                    "outlet": rng.choice(["Example Gazette", "The Daily Example", "Example Wire"]),
                    "published_on": rng.choice([f"{year}", f"{year}-{rng.randint(1, 12):02d}"]),
                    "url": f"https://example.org/sources/{rng.randint(1, 10**9)}",
                    "accessed_on": dt.date(2025, rng.randint(1, 12), rng.randint(1, 28)),
                    "order": order,
                },
                when=created,
            )

    def put_editions(self, article_id, title, published_at, anniversaries=None):
        """The first publication, then for some articles one to three anniversary editions."""
        rng = self.rng
        first_year = published_at.astimezone(self.zone).year
        go_lives = [(EditionKind.ORIGINAL, first_year, published_at)]
        if anniversaries is None and rng.random() < 0.3:
            anniversaries = rng.randint(2, 4) - 1
        if anniversaries:
            for offset in range(1, anniversaries + 1):
                moment = published_at + dt.timedelta(days=365 * offset)
                if moment < EPOCH:
                    go_lives.append((EditionKind.ANNIVERSARY, first_year + offset, moment))
        for index, (kind, year, moment) in enumerate(go_lives):
            following = go_lives[index + 1][2] if index + 1 < len(go_lives) else None
            self.put(
                Edition,
                {
                    "article_id": article_id,
                    "kind": kind,
                    "year": year,
                    "key": f"{year}",
                    "title": title if kind == EditionKind.ORIGINAL else f"{title} ({year})",
                    "go_live_at": moment,
                    "status": EditionStatus.SUPERSEDED if following else EditionStatus.LIVE,
                    "approved_at": None,
                    "approved_by_id": None,
                    "went_live_at": moment,
                    "superseded_at": following,
                    "frozen_at": following,
                    "is_late": False,
                    "created_at": moment,
                },
                when=moment,
            )
