"""
`manage.py load_scale`: a deterministic synthetic newsroom at scale, for benchmarks.

By default 100,000 articles (20 updates and 3 quote placements each on average, tags, related
posts, references, editions), 2,000 stories with 1,000,000 timeline entries across every date
precision, and 50,000 comments (when the comments app is installed), each with its revision
history row (type "+", reason "Loaded scale data", by the `scale-loader` user). The text is
generated from a fixed seed: the same options always load the same rows.

Also two articles the benchmark names by slug: PEER_SLUG, the size of the article a leading
CMS was measured with (3 quotes, 6 related posts, 5 updates, a 2,500-word body, 60 timeline
entries, 8 references), and HEAVIEST_SLUG (50 updates, 200 timeline entries).

On PostgreSQL rows go in with COPY, in one transaction, then VACUUM ANALYZE; elsewhere with
bulk_create (small counts, for tests). Writes go straight to the tables: no save(), no signals,
so the derived columns (rendered HTML, date bounds) are filled here the way save() fills them,
and the page cache is told about the change at the end. A database that already holds the
benchmark articles is left as it is.
"""

import datetime as dt
import json
import queue
import random
import sys
import threading
import time
from operator import attrgetter, itemgetter
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.core.management.color import no_style
from django.db import connection, models, transaction

from timeline import dates
from timeline.editions import anniversaries
from timeline.models import (
    Article,
    Category,
    Edition,
    EditionKind,
    EditionStatus,
    Embed,
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
from timeline.site import page_cache as caching
from timeline.text import render_inline, render_markdown

PEER_SLUG = "bench-peer-sized"
HEAVIEST_SLUG = "bench-heaviest"
LOADER_USERNAME = "scale-loader"
REASON = "Loaded scale data"
# Every generated date is reckoned from here, not from the clock: the same seed, the same rows.
EPOCH = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)
BATCH = 50_000

WORDS = """
about above across act action after again against age agency agreed aid air alarm all
already also among announced answer appeal area army arrived asked attack authorities
autumn away back bank based became before began behind believed below bill board boat
body border bridge brief brought budget building called came camp capital cars case
cause ceasefire centre chair change charges children church citizens city civil claims
closed coast cold commission committee community company court crew crisis crowd damage
day days death decision declared defence delegates described despite disaster discovered
district doctors down early earthquake east economy election emergency end energy engineers
evening event evidence explosion families farmers fire first flood following force
foreign former found free fuel funds general given government ground group guards harbour
health hearing held help high history homes hospital hours house hundreds inquiry island
judge jury killed known lake land large last later law leaders left letter line local
long made major march market mayor meeting memorial men miles minister months morning
mountain museum nation national near network news night north number officers official
open order outside parliament party passengers people plant police port power press
prison protest public published question railway reactor record region released relief
report rescue residents river road ruling safety said school sea season second security
senate service ship shore signed site soldiers south speech spring stadium staff station
storm street strike study summer survivors talks team terms thousands tide times today
town trade train trial troops tunnel union valley vote voters wall war water weather
week west wind winter witnesses women workers world year years young zone
""".split()
CATEGORIES = [
    "Disasters", "Politics", "Justice", "Science", "Conflict", "Sport", "Culture", "Business",
    "Health", "Environment", "Transport", "Technology", "Religion", "Education", "Labour",
    "Space", "Maritime", "Aviation", "Crime", "Society",
]  # fmt: skip
TIME_ZONES = [
    "Europe/Paris", "Europe/London", "Europe/Kyiv", "America/New_York", "America/Chicago",
    "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney", "Africa/Nairobi", "America/Sao_Paulo",
]  # fmt: skip
MONTHS = [None, *(dt.date(2000, m, 1).strftime("%B") for m in range(1, 13))]


class Command(BaseCommand):
    help = "Load a deterministic synthetic dataset at newsroom scale (for the benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--stories", type=int, default=2_000)
        parser.add_argument("--entries", type=int, default=1_000_000)
        parser.add_argument("--comments", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--no-vacuum",
            action="store_true",
            help="Skip VACUUM ANALYZE after loading (PostgreSQL only; ANALYZE still runs).",
        )

    def handle(self, *args, **options):
        if Article.objects.filter(slug=HEAVIEST_SLUG).exists():
            self.stdout.write(
                f"Scale data already loaded ({Article.objects.count():,} articles, "
                f"{TimelineEntry.objects.count():,} timeline entries): nothing to do."
            )
            return
        started = time.monotonic()
        loader = Loader(
            articles=max(options["articles"], 0),
            stories=max(options["stories"], 1),
            entries=max(options["entries"], 0),
            comments=max(options["comments"], 0) if apps.is_installed("comments") else 0,
            seed=options["seed"],
            progress=Progress(sys.stderr),
        )
        with transaction.atomic():
            loader.load()
        if connection.vendor == "postgresql":
            tables = sorted({model._meta.db_table for model in loader.written})
            with connection.cursor() as cursor:
                # VACUUM also folds the pending full-text index entries in: give it memory.
                cursor.execute("SET maintenance_work_mem = '512MB'")
                verb = "ANALYZE" if options["no_vacuum"] else "VACUUM (ANALYZE)"
                for table in tables:
                    cursor.execute(f"{verb} {connection.ops.quote_name(table)}")
        # Straight table writes send no signals: tell the page cache, once.
        caching.content_changed()
        self.stdout.write(
            f"Loaded {loader.rows:,} rows (history included) in "
            f"{time.monotonic() - started:.0f} s: {options['articles']:,} articles, "
            f"{options['stories']:,} stories, {options['entries']:,} timeline entries, "
            f"{loader.comment_count:,} comments; benchmark articles "
            f"/articles/{PEER_SLUG}/ and /articles/{HEAVIEST_SLUG}/."
        )


class Progress:
    """A one-line progress bar on stderr (a line per 10% when stderr is not a terminal)."""

    def __init__(self, stream, width=30):
        self.stream, self.width = stream, width
        self.total, self.done, self.label = 1, 0, ""
        self.started = time.monotonic()
        self.tty = stream.isatty()
        self.last_tenth = -1

    def start(self, total):
        self.total, self.done = max(total, 1), 0
        self.started = time.monotonic()

    def advance(self, rows, label):
        self.done += rows
        self.label = label
        fraction = min(self.done / self.total, 1.0)
        tenth = int(fraction * 10)
        if not self.tty and tenth == self.last_tenth:
            return
        self.last_tenth = tenth
        filled = int(fraction * self.width)
        elapsed = time.monotonic() - self.started
        bar = "#" * filled + "-" * (self.width - filled)
        line = f"[{bar}] {fraction:4.0%} {self.done:>11,} rows {elapsed:5.0f} s  {label:<24}"
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        self.stream.flush()

    def finish(self):
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


SYLLABLES = (
    "ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu "
    "na ne ni no nu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu"
).split()
RARE_WORDS = 20_000


def rare_word(rank):
    """The made-up word of that frequency rank (0 the most frequent): names, places, terms."""
    number, parts = rank + len(SYLLABLES), []
    while number:
        number, digit = divmod(number, len(SYLLABLES))
        parts.append(SYLLABLES[digit])
    return "".join(parts)


class Text:
    """
    Generated prose: sentences drawn from a fixed pool, so output is cheap and repeatable.

    A quarter of the words come from 20,000 made-up ones with Zipf frequencies (rare_word), the
    rest from a few hundred common words, so that a search for a word matches a realistic
    share of the documents rather than half of them.
    """

    def __init__(self, rng, pool_size=20_000):
        self.rng = rng
        total, self.rare_cumulative = 0.0, []
        for rank in range(RARE_WORDS):
            total += 1 / (rank + 1)
            self.rare_cumulative.append(total)
        self.rare = [rare_word(rank) for rank in range(RARE_WORDS)]
        self.pool = [self._sentence() for _ in range(pool_size)]

    def _word(self):
        if self.rng.random() < 0.25:
            return self.rng.choices(self.rare, cum_weights=self.rare_cumulative)[0]
        return self.rng.choice(WORDS)

    def _sentence(self):
        words = [self._word() for _ in range(self.rng.randint(7, 16))]
        words[0] = words[0].capitalize()
        if self.rng.random() < 0.3:
            words.insert(self.rng.randint(2, len(words) - 1), "and")
        return " ".join(words) + "."

    def sentences(self, count):
        return " ".join(self.rng.choices(self.pool, k=count))

    def words(self, low, high):
        return " ".join(self._word() for _ in range(self.rng.randint(low, high)))

    def title(self, low=3, high=8):
        return self.words(low, high).capitalize()


def paragraphs_html(paragraphs):
    """What render_markdown makes of plain paragraphs of generated words (checked in tests)."""
    return "\n".join(f"<p>{text}</p>" for text in paragraphs)


class Sink:
    """Rows of one model into its table: COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self, model, copier):
        self.model, self.copier = model, copier
        fields = model._meta.concrete_fields
        self.getter = itemgetter(*(field.attname for field in fields))
        self.json = [f.attname for f in fields if isinstance(f, models.JSONField)]
        quote = connection.ops.quote_name
        self.copy_sql = "COPY {} ({}) FROM STDIN".format(
            quote(model._meta.db_table), ", ".join(quote(field.column) for field in fields)
        )
        self.rows = []

    def add(self, row):
        self.rows.append(row)

    def flush(self):
        if not self.rows:
            return 0
        rows, self.rows = self.rows, []
        if self.copier is None:
            self.model.objects.bulk_create([self.model(**row) for row in rows], batch_size=500)
            return len(rows)
        for row in rows:
            for name in self.json:
                row[name] = json.dumps(row[name])
        self.copier.put(self.copy_sql, [self.getter(row) for row in rows])
        return len(rows)


class Copier:
    """
    COPYs batches on a thread of its own, on the same connection and transaction, so that
    PostgreSQL ingests one batch (on one core) while Python generates the next (on the other).
    The loader does not touch the database itself until close().
    """

    def __init__(self, pg_connection):
        self.connection = pg_connection
        self.batches = queue.Queue(maxsize=8)
        self.error = None
        self.thread = threading.Thread(target=self.run, name="load-scale-copy", daemon=True)
        self.thread.start()

    def run(self):
        while (batch := self.batches.get()) is not None:
            if self.error is not None:
                continue  # drain: the loader learns of the error at its next put()
            sql, rows = batch
            try:
                with self.connection.cursor() as cursor, cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            except BaseException as exc:  # handed over to the loader's thread
                self.error = exc

    def put(self, sql, rows):
        self.raise_error()
        self.batches.put((sql, rows))

    def close(self):
        self.batches.put(None)
        self.thread.join()
        self.raise_error()

    def raise_error(self):
        if self.error is not None:
            raise self.error


class Loader:
    def __init__(self, *, articles, stories, entries, comments, seed, progress):
        self.n_articles, self.n_stories, self.n_entries = articles, stories, entries
        self.n_comments = comments
        self.rng = random.Random(seed)
        self.text = Text(self.rng)
        self.progress = progress
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.sinks = {}
        self.history_models = {}
        self.throughs = {}
        self.copier = None
        self.next_ids = {}
        self.rows = 0
        self.written = set()
        self.comment_count = 0
        self.scratch_entry = TimelineEntry()

    # ------------------------------------------------------------------ plumbing

    def sink(self, model):
        if model not in self.sinks:
            self.sinks[model] = Sink(model, self.copier)
            self.written.add(model)
        return self.sinks[model]

    def through_models(self, model, field_name):
        """The many-to-many table of `field_name` and the table of its history."""
        if (model, field_name) not in self.throughs:
            self.throughs[model, field_name] = (
                model._meta.get_field(field_name).remote_field.through,
                getattr(self.history_model(model), field_name).model,
            )
        return self.throughs[model, field_name]

    def history_model(self, model):
        # Model.history builds a manager class on every access: look it up once.
        if model not in self.history_models:
            self.history_models[model] = model.history.model
        return self.history_models[model]

    def start_ids(self):
        """The first free primary key of every table written (read before the copy starts)."""
        tracked = [Category, Tag, Story, Article, Update, Quote, QuotePlacement, RelatedLink,
                   Reference, Embed, TimelineEntry, Edition]  # fmt: skip
        tables = [*tracked, *(self.history_model(model) for model in tracked)]
        for model, field_name in [(Story, "tags"), (Article, "tags"), (TimelineEntry, "tags")]:
            tables.extend(self.through_models(model, field_name))
        if self.n_comments:
            tables.append(apps.get_model("comments", "Comment"))
        for model in tables:
            last = model.objects.aggregate(last=models.Max(model._meta.pk.attname))["last"]
            self.next_ids[model] = (last or 0) + 1

    def new_id(self, model):
        value = self.next_ids[model]
        self.next_ids[model] += 1
        return value

    def put(self, model, row, *, when):
        """A row of a tracked model and its "+" history row, stamped `when`."""
        row["id"] = row.get("id") or self.new_id(model)
        self.sink(model).add(row)
        history = self.history_model(model)
        history_id = self.new_id(history)
        self.sink(history).add(
            {
                **row,
                "history_id": history_id,
                "history_date": when,
                "history_change_reason": REASON,
                "history_type": "+",
                "history_user_id": self.user_id,
            }
        )
        return row["id"], history_id

    def put_tags(self, model, field_name, owner_id, history_id, tag_ids):
        """The many-to-many rows for a tracked tags field, and their history."""
        through, history_through = self.through_models(model, field_name)
        source = model._meta.model_name  # the through model's column to the owner
        for tag_id in tag_ids:
            row = {"id": self.new_id(through), f"{source}_id": owner_id, "tag_id": tag_id}
            self.sink(through).add(row)
            self.sink(history_through).add(
                {
                    **row,
                    "m2m_history_id": self.new_id(history_through),
                    "history_id": history_id,
                }
            )

    def flush(self, label):
        written = sum(sink.flush() for sink in self.sinks.values())
        self.rows += written
        self.progress.advance(written, label)

    def maybe_flush(self, label):
        if sum(len(sink.rows) for sink in self.sinks.values()) >= BATCH:
            self.flush(label)

    # ------------------------------------------------------------------ the load

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

    def pick_tags(self, count):
        return sorted(set(self.rng.choices(self.tag_ids, weights=self.tag_weights, k=count)))

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

    # ------------------------------------------------------------------ articles

    def load_articles(self):
        first = self.next_ids[Article]
        self.article_id_range = (first, first + max(self.n_articles, 1) - 1)
        for n in range(self.n_articles):
            story_id, event_date, _ = self.stories[n % len(self.stories)]
            self.put_article(n, story_id=story_id, event_date=event_date)
            self.maybe_flush("articles and updates")
        self.flush("articles and updates")

    def random_published_at(self):
        days = self.rng.randint(0, 20 * 365)
        return EPOCH - dt.timedelta(days=days, minutes=self.rng.randint(0, 24 * 60))

    def put_article(self, n, *, story_id, event_date, published_at=None, slug=None, title=None,
                    body=None, updates=None, quotes=None, related=None, references=None,
                    embeds=None):  # fmt: skip
        """An article with its children; `published_at` given: published then, else dice."""
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
            "category_id": rng.choice(self.category_ids),
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
            published_at or created, rng.randint(0, 40) if updates is None else updates
        )
        last = max((u["published_at"] for u in update_rows if u["published_at"]), default=None)
        if published_at and last and last > published_at:
            row["featured_at"] = last
        article_id, history_id = self.put(Article, row, when=created)
        self.put_tags(Article, "tags", article_id, history_id, self.pick_tags(rng.randint(1, 5)))
        for update in update_rows:
            update["article_id"] = article_id
            self.put(Update, update, when=update["published_at"] or created)
        self.put_placements(article_id, created, quotes)
        self.put_related(article_id, created, rng.randint(0, 4) if related is None else related)
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
            self.put_editions(article_id, row["title"], published_at)
        return article_id

    def article_updates(self, since, count):
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
            sentences = text.sentences(rng.randint(2, 4))
            flashback = rng.random() < 0.2
            body = f"**Flashback —** {sentences}" if flashback else sentences
            body_html = (
                f"<p><strong>Flashback —</strong> {sentences}</p>"
                if flashback
                else f"<p>{sentences}</p>"
            )
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

    def put_placements(self, article_id, created, quotes):
        rng = self.rng
        if quotes is None:
            epigraphs, inline = rng.randint(1, 2), rng.randint(0, 2)
        else:
            epigraphs, inline = quotes, 0
        chosen = rng.sample(self.quote_ids, epigraphs + inline)
        for order, quote_id in enumerate(chosen):
            is_inline = order >= epigraphs
            self.put(
                QuotePlacement,
                {
                    "article_id": article_id,
                    "quote_id": quote_id,
                    "placement": Placement.INLINE if is_inline else Placement.EPIGRAPH,
                    "after_paragraph": rng.randint(1, 3) if is_inline else None,
                    "order": order,
                },
                when=created,
            )

    def put_related(self, article_id, created, count):
        rng = self.rng
        low, high = self.article_id_range
        for order in range(count):
            external = rng.random() < 0.2 or high <= low
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

    def put_editions(self, article_id, title, published_at):
        """The first publication, then for some articles one to three anniversary editions."""
        rng = self.rng
        first_year = published_at.astimezone(self.zone).year
        go_lives = [(EditionKind.ORIGINAL, first_year, published_at)]
        if rng.random() < 0.3:
            for offset in range(1, rng.randint(2, 4)):
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
        """The two articles the benchmark asks for by slug, each on a story of its own."""
        self.put_named(
            PEER_SLUG,
            title="A peer-sized article: five updates, sixty timeline entries",
            body_words=2500,
            updates=5,
            entries=60,
        )
        self.put_named(
            HEAVIEST_SLUG,
            title="The heaviest article: fifty updates, two hundred timeline entries",
            body_words=900,
            updates=50,
            entries=200,
        )

    def put_named(self, slug, *, title, body_words, updates, entries):
        story_id, event_date, created = self.put_story(f"{slug}-story", title=f"Story of {slug}")
        self.flush(slug)
        self.put_article(
            0,
            story_id=story_id,
            event_date=event_date,
            published_at=EPOCH - dt.timedelta(days=400),
            slug=slug,
            title=title,
            body=self.long_body(body_words, event_date),
            updates=updates,
            quotes=3,
            related=6,
            references=8,
            embeds=1,
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

    def long_body(self, words, event_date):
        """Markdown with sub-headings and bold datelines, about `words` words long."""
        parts, count = [], 0
        dateline = f"{MONTHS[event_date.month]} {event_date.day} {event_date.year}"
        while count < words:
            if len(parts) % 6 == 0:
                parts.append(f"## {self.text.title(2, 4)}")
            paragraph = self.text.sentences(self.rng.randint(3, 6))
            if len(parts) % 5 == 1:
                paragraph = f"**{dateline}** — {paragraph}"
            parts.append(paragraph)
            count += len(paragraph.split())
        return "\n\n".join(parts)


ENTRY_DATE_FIELDS = (
    "date", "date_precision", "date_lower", "date_upper", "date_fuzzy_lower", "date_fuzzy_upper",
    "date_time", "date_month", "date_day",
)  # fmt: skip
ENTRY_DATES = attrgetter(*ENTRY_DATE_FIELDS)
