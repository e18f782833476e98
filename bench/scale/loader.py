"""
What the scale dataset holds: taxonomy, stories, quotes, articles (bench/scale/articles.py),
timeline entries across every date precision, comments, and the two benchmark articles.
"""

import datetime as dt
from operator import attrgetter

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models

from timeline import dates
from timeline.editions import anniversaries
from timeline.models import (
    Article,
    Category,
    Edition,
    Embed,
    Quote,
    QuotePlacement,
    Reference,
    RelatedLink,
    Status,
    Story,
    Tag,
    TimelineEntry,
    Update,
)
from timeline.text import render_inline

from .articles import ArticleWriter
from .text import cut_to, word_count
from .writer import EPOCH, LOADER_USERNAME, MONTHS, Copier

PEER_SLUG = "bench-peer-sized"
HEAVIEST_SLUG = "bench-heaviest"
CATEGORIES = [
    "Disasters", "Politics", "Justice", "Science", "Conflict", "Sport", "Culture", "Business",
    "Health", "Environment", "Transport", "Technology", "Religion", "Education", "Labour",
    "Space", "Maritime", "Aviation", "Crime", "Society",
]  # fmt: skip
TIME_ZONES = [
    "Europe/Paris", "Europe/London", "Europe/Kyiv", "America/New_York", "America/Chicago",
    "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney", "Africa/Nairobi", "America/Sao_Paulo",
]  # fmt: skip


class Loader(ArticleWriter):
    def __init__(self, *, articles, stories, entries, comments, seed, progress):
        super().__init__(seed=seed, progress=progress)
        self.n_articles, self.n_stories, self.n_entries = articles, stories, entries
        self.n_comments = comments
        self.comment_count = 0
        self.scratch_entry = TimelineEntry()
        self.published_ids = []

    def put(self, model, row, *, when):
        ids = super().put(model, row, when=when)
        if model is Article and row["status"] == Status.PUBLISHED:
            self.published_ids.append(ids[0])
        return ids

    def put_related(self, article_id, created, count, external_share=0.2):
        """A named article's related posts (external_share 0) link published articles only."""
        if external_share or not self.published_ids:
            return super().put_related(article_id, created, count, external_share)
        for order, target in enumerate(self.rng.sample(self.published_ids, count)):
            row = {"article_id": article_id, "target_id": target, "url": "", "label": "",
                   "order": order}  # fmt: skip
            self.put(RelatedLink, row, when=created)
        return None

    def start_ids(self):
        """The first free primary key of every table written (read before the copy starts)."""
        tracked = [Category, Tag, Story, Article, Update, Quote, QuotePlacement, RelatedLink,
                   Reference, Embed, TimelineEntry, Edition]  # fmt: skip
        tables = [*tracked, *(self.history_model(model) for model in tracked)]
        m2m = [(Story, "tags"), (Article, "tags"), (Article, "categories"), (TimelineEntry, "tags")]
        for model, field_name in m2m:
            tables.extend(self.through_models(model, field_name))
        if self.n_comments:
            tables.append(apps.get_model("comments", "Comment"))
        for model in tables:
            last = model.objects.aggregate(last=models.Max(model._meta.pk.attname))["last"]
            self.next_ids[model] = (last or 0) + 1

    def load(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Losing the last commit of a benchmark load on a crash costs nothing.
                cursor.execute("SET LOCAL synchronous_commit = off")
                # Full-text (GIN) index entries are merged in bulk rather than row by row;
                # VACUUM at the end folds the rest in. A third less time, measured.
                cursor.execute("SET LOCAL gin_pending_list_limit = '256MB'")
        user, _ = get_user_model().objects.get_or_create(
            username=LOADER_USERNAME, defaults={"is_active": False}
        )
        self.user_id = user.pk
        self.start_ids()
        if connection.vendor == "postgresql":
            self.copier = Copier(connection.connection)
        per_article = 2 * (1 + 20 + 3 + 2 + 2 + 3 + 1.5)  # rows with their history
        self.progress.start(
            int(self.n_articles * per_article + self.n_entries * 2.2 + self.n_comments)
        )
        try:
            self.load_taxonomy()
            self.load_stories()
            self.load_quotes()
            self.load_articles()
            self.load_entries()
            self.load_comments()
            self.load_benchmark_articles()
            self.flush("done")
        finally:
            if self.copier is not None:
                self.copier.close()  # waits for the last batches (or re-raises its error)
        self.progress.finish()
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(self.written)):
                cursor.execute(sql)

    def load_taxonomy(self):
        created = EPOCH - dt.timedelta(days=7300)
        self.category_ids = []
        for name in CATEGORIES:
            row = {"name": name, "slug": f"scale-{name.lower()}", "description": ""}
            self.category_ids.append(self.put(Category, row, when=created)[0])
        self.tag_ids = []
        for n in range(500):
            row = {"name": f"{self.text.words(1, 2).title()} {n}", "slug": f"scale-tag-{n}"}
            self.tag_ids.append(self.put(Tag, row, when=created)[0])
        # A few tags carry most of the archive, as in a real newsroom: the Zipf-like weights.
        self.tag_weights = [1 / (rank + 1) for rank in range(len(self.tag_ids))]
        self.flush("tags")

    def load_stories(self):
        self.stories = []
        for n in range(self.n_stories):
            self.stories.append(self.put_story(f"scale-story-{n}"))
            self.maybe_flush("stories")
        self.flush("stories")

    def put_story(self, slug, *, title=None):
        rng = self.rng
        event_date = dt.date(rng.randint(1950, 2024), rng.randint(1, 12), rng.randint(1, 28))
        created = dt.datetime.combine(event_date, dt.time(12), tzinfo=dt.UTC)
        row = {
            "title": title or self.text.title(2, 6),
            "slug": slug,
            "event_date": event_date,
            "event_time": dt.time(rng.randint(0, 23), rng.choice([0, 15, 30, 45]))
            if rng.random() < 0.3
            else None,
            "time_zone": rng.choice(TIME_ZONES),
            "summary": self.text.sentences(2),
            "publish_time": dt.time(9, 0),
            "lead_days": 7,
            "requires_approval": rng.random() < 0.2,
            "title_pattern": anniversaries.DEFAULT_TITLE_PATTERN,
            "milestone_patterns": {
                str(years): pattern
                for years, pattern in anniversaries.DEFAULT_MILESTONE_PATTERNS.items()
            },
            "created_at": created,
            "updated_at": created,
        }
        story_id, history_id = self.put(Story, row, when=created)
        self.put_tags(Story, "tags", story_id, history_id, self.pick_tags(2))
        return story_id, event_date, created

    def load_quotes(self):
        self.quote_ids = []
        for _ in range(max(self.n_articles, 10)):
            self.quote_ids.append(self.put_quote())
            self.maybe_flush("quotes")
        self.flush("quotes")

    def put_quote(self, text=None):
        rng = self.rng
        said = rng.randint(1950, 2025)
        said_on = rng.choice(
            [f"{said}", f"{said}-{rng.randint(1, 12):02d}", f"{said}-03-{rng.randint(10, 28)}"]
        )
        row = {
            "text": text or self.text.sentences(rng.randint(1, 3)),
            "speaker": self.text.words(2, 2).title(),
            "speaker_role": self.text.title(2, 5) if rng.random() < 0.7 else "",
            "work": self.text.title(2, 6) if rng.random() < 0.6 else "",
            "outlet": rng.choice(["The Daily Example", "Example Gazette", "Radio Example", ""]),
            "said_on": said_on,
            "source_url": f"https://example.org/quotes/{rng.randint(1, 10**9)}"
            if rng.random() < 0.5
            else "",
        }
        return self.put(Quote, row, when=EPOCH - dt.timedelta(days=7300))[0]

    def load_articles(self):
        first = self.next_ids[Article]
        self.article_id_range = (first, first + max(self.n_articles, 1) - 1)
        for n in range(self.n_articles):
            story_id, event_date, _ = self.stories[n % len(self.stories)]
            self.put_article(n, story_id=story_id, event_date=event_date)
            self.maybe_flush("articles and updates")
        self.flush("articles and updates")

    # ------------------------------------------------------------------ timelines

    def load_entries(self):
        if not self.n_entries:
            return
        counts = self.entry_counts(self.n_entries, len(self.stories))
        for (story_id, event_date, created), count in zip(self.stories, counts, strict=True):
            for _ in range(count):
                self.put_entry(story_id, event_date, created)
            self.maybe_flush("timeline entries")
        self.flush("timeline entries")

    def entry_counts(self, total, stories):
        """`total` entries over `stories`, unevenly (half to twice the mean), summing exactly."""
        weights = [self.rng.uniform(0.5, 2.0) for _ in range(stories)]
        scale = total / sum(weights)
        counts = [int(w * scale) for w in weights]
        for index in range(total - sum(counts)):
            counts[index % stories] += 1
        return counts

    def random_edtf(self, around):
        """A canonical EDTF date near `around`, in the mix of precisions real timelines have."""
        rng = self.rng
        year = min(max(around.year + int(rng.gauss(0, 4)), 1900), 2025)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        kind = rng.random()
        if kind < 0.45:
            return f"{year:04d}-{month:02d}-{day:02d}"
        if kind < 0.55:
            return f"{year:04d}-{month:02d}-{day:02d}T{rng.randint(0, 23):02d}:{rng.choice([0, 16, 30, 45]):02d}:00"  # noqa: E501
        if kind < 0.70:
            return f"{year:04d}-{month:02d}"
        if kind < 0.80:
            return f"{year:04d}"
        if kind < 0.85:
            return f"{year:04d}-{rng.randint(21, 24)}"
        if kind < 0.90:
            return f"{year:04d}/{year + rng.randint(1, 3):04d}"
        return rng.choice([f"{year:04d}~", f"{year:04d}?", f"{year:04d}-{month:02d}~"])

    def put_entry(self, story_id, around, created, *, edtf=None, text=None, key=None):
        rng = self.rng
        entry = self.scratch_entry
        # set_date is what save() runs: the same bounds, precision and on-this-day columns.
        entry.set_date(dates.from_edtf(edtf or self.random_edtf(around)))
        sentence = text or self.text.sentences(rng.randint(1, 2))
        with_source = rng.random() < 0.2
        row = {
            "story_id": story_id,
            **dict(zip(ENTRY_DATE_FIELDS, ENTRY_DATES(entry), strict=True)),
            "text": sentence,
            "text_html": render_inline(sentence) if text else sentence,
            "is_key_moment": rng.random() < 0.05 if key is None else key,
            "reference_url": f"https://example.org/archive/{rng.randint(1, 10**9)}"
            if with_source
            else "",
            "reference_title": self.text.title(2, 6) if with_source else "",
            "updated_at": created,
        }
        entry_id, history_id = self.put(TimelineEntry, row, when=created)
        if rng.random() < 0.1:
            self.put_tags(TimelineEntry, "tags", entry_id, history_id, self.pick_tags(1))

    # ------------------------------------------------------------------ comments

    def load_comments(self):
        if not self.n_comments or not self.n_articles:
            return
        comment_model = apps.get_model("comments", "Comment")
        sink = self.sink(comment_model)
        low, high = self.article_id_range
        rng = self.rng
        for _ in range(self.n_comments):
            status = rng.choices(["approved", "pending", "spam"], [80, 15, 5])[0]
            created = self.random_published_at()
            sink.add(
                {
                    "id": self.new_id(comment_model),
                    "article_id": rng.randint(low, high),
                    "name": self.text.words(2, 2).title(),
                    "email": f"reader{rng.randint(1, 10**6)}@example.org",
                    "body": self.text.sentences(rng.randint(1, 4)),
                    "status": status,
                    "created_at": created,
                    "ip_hash": f"{rng.getrandbits(256):064x}",
                    "user_agent": "Mozilla/5.0 (scale data)",
                    "moderated_at": None if status == "pending" else created,
                    "moderated_by_id": None,
                }
            )
            self.comment_count += 1
            self.maybe_flush("comments")
        self.flush("comments")

    # ------------------------------------------------------------------ named articles

    def load_benchmark_articles(self):
        """
        The two articles the benchmark asks for by slug, each on a story of its own. The
        peer-sized one matches, counted in the served HTML, the article a leading CMS was
        measured with: a 2,530-word body in 6 sections with 2 pull quotes, 3 epigraphs, 5
        updates of 3 paragraphs (~1,000 words), 60 timeline entries, 8 references, 6 tags,
        6 related posts and 5 earlier editions (bench/_shape.py counts them).
        """
        self.put_named(
            PEER_SLUG,
            title="A peer-sized article: five updates, sixty timeline entries",
            body=(2530, 6),
            updates=5,
            update_paragraphs=3,
            quotes=(3, [9, 24]),
            anniversaries=5,
            entries=60,
        )
        self.put_named(
            HEAVIEST_SLUG,
            title="The heaviest article: fifty updates, two hundred timeline entries",
            body=(900, 3),
            updates=50,
            quotes=(3, []),
            anniversaries=1,
            entries=200,
        )

    def put_named(self, slug, *, title, body, entries, anniversaries, **shape):
        story_id, event_date, created = self.put_story(f"{slug}-story", title=f"Story of {slug}")
        self.flush(slug)
        self.put_article(
            0,
            story_id=story_id,
            event_date=event_date,
            # Early enough for every anniversary edition to have gone live before EPOCH.
            published_at=EPOCH - dt.timedelta(days=365 * anniversaries + 35),
            slug=slug,
            title=title,
            body=self.long_body(*body, event_date),
            tags=6,
            related=6,
            references=8,
            embeds=1,
            anniversaries=anniversaries,
            **shape,
        )
        forms = ["{y}-04-26", "{y}-04-26T01:23:00", "{y}-05", "{y}", "{y}-22", "{y}/{y1}",
                 "{y1}~", "{y2}?"]  # fmt: skip
        for n in range(entries):
            year = event_date.year - entries // 8 + n // 4
            edtf = forms[n % len(forms)].format(y=f"{year:04d}", y1=f"{year + 1:04d}",
                                                y2=f"{year + 2:04d}")  # fmt: skip
            self.put_entry(
                story_id,
                event_date,
                created,
                edtf=edtf,
                text=f"Entry {n + 1}: {self.text.sentences(1)} **Key detail** noted.",
                key=n % 10 == 0,
            )
        self.flush(slug)

    def long_body(self, words, sections, event_date):
        """Markdown: `sections` sections, each a sub-heading and paragraphs, `words` words in all
        (headings included), some paragraphs opening with a bold dateline."""
        parts, count = [], 0
        dateline = f"{MONTHS[event_date.month]} {event_date.day} {event_date.year}"
        for section in range(sections):
            heading = self.text.title(2, 4)
            parts.append(f"## {heading}")
            count += word_count(heading)
            target = words * (section + 1) // sections
            while count < target:
                paragraph = self.text.sentences(self.rng.randint(3, 6))
                if len(parts) % 5 == 1:
                    paragraph = f"**{dateline}** — {paragraph}"
                paragraph = cut_to(paragraph, target - count)  # the last one cut to fit
                parts.append(paragraph)
                count += word_count(paragraph)
        return "\n\n".join(parts)


# What TimelineEntry.set_date fills (date_year where the model has it).
ENTRY_DATE_FIELDS = tuple(
    name
    for name in ("date", "date_precision", "date_lower", "date_upper", "date_year",
                 "date_fuzzy_lower", "date_fuzzy_upper", "date_time", "date_month", "date_day")
    if name in {field.attname for field in TimelineEntry._meta.concrete_fields}
)  # fmt: skip
ENTRY_DATES = attrgetter(*ENTRY_DATE_FIELDS)
