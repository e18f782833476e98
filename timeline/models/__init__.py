"""
Content of a recurring "On This Day" post, as structured data with full revision history.

A Story is the subject being followed (an attack, a trial); its TimelineEntry rows are the
dated facts. An Article is the living post about it, at one permanent URL, with its dated
Updates, epigraph and inline Quotes (reusable, placed through QuotePlacement), RelatedLinks,
References and Embeds. Every model keeps django-simple-history records; every editorial write
goes through timeline.services so each historical row has a user and a reason.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.text import Truncator
from simple_history.models import HistoricalRecords

from timeline import dates, links
from timeline.editions import anniversaries
from timeline.text import render_inline, render_markdown


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "“%(value)s” is not a time zone name. Use an IANA name such as Europe/Paris.",
            params={"value": value},
            code="invalid_time_zone",
        )


def validate_edtf(value):
    """The stored form of a mixed-precision date must be one we can read back."""
    try:
        dates.from_edtf(value)
    except dates.InvalidDate as exc:
        raise ValidationError(str(exc), code="invalid_date") from exc


def default_time_zone():
    return settings.TIME_ZONE


def validate_title_pattern(value):
    try:
        anniversaries.validate_pattern(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid_pattern") from exc


def default_milestone_patterns():
    return {str(years): p for years, p in anniversaries.DEFAULT_MILESTONE_PATTERNS.items()}


def validate_milestone_patterns(value):
    if not isinstance(value, dict):
        raise ValidationError('Give milestone titles as {"years": "pattern"}.')
    for years, pattern in value.items():
        if not str(years).isdigit() or int(years) < 1:
            raise ValidationError("“%(years)s” is not a number of years.", params={"years": years})
        validate_title_pattern(str(pattern))


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


def status_constraints(prefix):
    """The rules every publishable model shares, pinned in the database."""
    return [
        models.CheckConstraint(
            condition=Q(status__in=Status.values), name=f"{prefix}_status_valid"
        ),
        models.CheckConstraint(
            condition=~Q(status=Status.SCHEDULED) | Q(publish_at__isnull=False),
            name=f"{prefix}_scheduled_has_publish_at",
        ),
        models.CheckConstraint(
            condition=~Q(status=Status.PUBLISHED) | Q(published_at__isnull=False),
            name=f"{prefix}_published_has_published_at",
        ),
    ]


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def due(self, now):
        """Scheduled and whose time has come: what the scheduler publishes."""
        return self.filter(status=Status.SCHEDULED, publish_at__lte=now)


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [models.UniqueConstraint(fields=["slug"], name="category_slug_unique")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return links.url("timeline:category", self.slug)


class Tag(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["slug"], name="tag_slug_unique")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return links.url("timeline:tag", self.slug)


class Story(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    event_date = models.DateField(help_text="The day it happened: its anniversary.")
    event_time = models.TimeField(null=True, blank=True, help_text="Local time, if known.")
    time_zone = models.CharField(
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text="Where it happened, as an IANA zone name (Europe/Paris).",
    )
    summary = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="stories")
    # The anniversary series: when and how each year's edition of its articles goes out.
    publish_time = models.TimeField(
        "anniversary go-live time",
        default=datetime.time(9, 0),
        help_text="Local time in the newsroom's zone when each anniversary edition goes live.",
    )
    lead_days = models.PositiveSmallIntegerField(
        default=7, help_text="Prepare the next anniversary edition this many days ahead."
    )
    requires_approval = models.BooleanField(
        default=False,
        help_text="Anniversary editions go live only after an editor approves them.",
    )
    title_pattern = models.CharField(
        max_length=300,
        default=anniversaries.DEFAULT_TITLE_PATTERN,
        validators=[validate_title_pattern],
        help_text="Plain years. Placeholders: {story} {event_date} {years} {years_words} "
        "{ordinal}.",
    )
    milestone_patterns = models.JSONField(
        default=default_milestone_patterns,
        blank=True,
        validators=[validate_milestone_patterns],
        help_text='Milestone years with their own wording: {"5": "Five Years Ago — {story}"}.',
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[tags])

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "stories"
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="story_slug_unique"),
            models.CheckConstraint(condition=Q(lead_days__lte=300), name="story_lead_days_range"),
        ]
        indexes = [models.Index(fields=["event_date"], name="story_event_date_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return links.url("timeline:story", self.slug)

    def anniversary_go_live(self, year):
        return anniversaries.go_live_at(
            self.event_date, year, self.publish_time, settings.TIME_ZONE
        )

    def edition_title(self, year):
        return anniversaries.edition_title(
            story_title=self.title,
            event_date=self.event_date,
            year=year,
            pattern=self.title_pattern,
            milestones=self.milestone_patterns,
        )


class ArticleQuerySet(PublishableQuerySet):
    def latest_first(self):
        return self.order_by("-featured_at", "-pk")


class Article(models.Model):
    story = models.ForeignKey(
        Story, on_delete=models.PROTECT, null=True, blank=True, related_name="articles"
    )
    slug = models.SlugField(
        max_length=200, help_text="Part of the permanent URL: do not change it once published."
    )
    title = models.CharField(max_length=300)
    kicker = models.CharField(
        max_length=100, blank=True, help_text="Series label above the title (On This Day)."
    )
    byline = models.CharField(max_length=200, blank=True, help_text="Authors, separated by commas.")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="articles"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    summary = models.CharField(
        max_length=300, blank=True, help_text="One or two sentences for cards and share previews."
    )
    lede = models.TextField(
        blank=True, help_text="Markdown. Open with the dateline in bold: **November 13 2020** —"
    )
    lede_html = models.TextField(blank=True, editable=False)
    body = models.TextField(blank=True, help_text="Markdown: the original article.")
    body_html = models.TextField(blank=True, editable=False)
    timeline_until = models.DateField(
        null=True,
        blank=True,
        help_text="Show only the story's timeline entries up to this date (empty: all).",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="When a scheduled article goes live."
    )
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="First publication; never moves."
    )
    featured_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Last time it went (back) on top."
    )
    comments_open = models.BooleanField(default=True)
    recurring = models.BooleanField(
        "anniversary editions",
        default=True,
        help_text="Re-publish on every anniversary of its story (see the story's series settings).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[tags])

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="article_slug_unique"),
            *status_constraints("article"),
            models.CheckConstraint(
                condition=~Q(status=Status.PUBLISHED) | Q(featured_at__isnull=False),
                name="article_published_is_featured",
            ),
        ]
        indexes = [
            # Home, archives and feeds: newest first, ties by pk, read straight off the index.
            models.Index(fields=["status", "-featured_at", "-id"], name="article_featured_idx"),
            models.Index(fields=["status", "publish_at"], name="article_due_idx"),
            models.Index(fields=["status", "published_at"], name="article_published_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.lede_html = render_markdown(self.lede)
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return links.url("timeline:article", self.slug)

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    @property
    def authors(self):
        return [name.strip() for name in self.byline.split(",") if name.strip()]


class UpdateKind(models.TextChoices):
    UPDATE = "update", "Update"
    CORRECTION = "correction", "Correction"
    NOTE = "note", "Editor's note"


# How many anchors an update tries when colleagues take each one first (see Update.save).
ANCHOR_ATTEMPTS = 5


class UpdateQuerySet(PublishableQuerySet):
    pass


class Update(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=12, choices=UpdateKind.choices, default=UpdateKind.UPDATE)
    dated_at = models.DateTimeField(
        default=timezone.now, help_text="The date and time printed on the update."
    )
    headline = models.CharField(max_length=300, blank=True)
    body = models.TextField(
        help_text="Markdown. Sub-sections: **Flashback —** …; a Q&A as **Name:** lines."
    )
    body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="When a scheduled update goes live."
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    anchor = models.SlugField(
        max_length=40, blank=True, editable=False, help_text="Stable fragment: update-2021-11-13."
    )

    objects = UpdateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-dated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=UpdateKind.values), name="update_kind_valid"
            ),
            *status_constraints("update"),
            models.UniqueConstraint(
                fields=["article", "anchor"],
                condition=~Q(anchor=""),
                name="update_anchor_unique_per_article",
            ),
        ]
        indexes = [
            models.Index(
                "article", "status", F("dated_at").desc(), name="update_article_status_idx"
            ),
            models.Index(fields=["status", "publish_at"], name="update_due_idx"),
        ]

    def __str__(self):
        label = self.headline or Truncator(self.body).words(8)
        return f"{self.get_kind_display()} ({self.local_date:%d %b %Y}): {label}"

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        # The anchor is what readers share; once the update is public it never changes.
        if self.anchor and self.status == Status.PUBLISHED:
            return super().save(*args, **kwargs)
        # Editors adding updates to one article on the same day would all find the same anchor
        # free: locking the article's row makes them take turns (PostgreSQL); where a row
        # cannot be locked, the unique constraint turns a clash into another try.
        for attempt in range(ANCHOR_ATTEMPTS):
            try:
                with transaction.atomic():
                    Article.objects.select_for_update().filter(pk=self.article_id).exists()
                    self.anchor = self._free_anchor()
                    return super().save(*args, **kwargs)
            except IntegrityError as exc:
                taken = "anchor" in str(exc)  # PostgreSQL names the constraint, SQLite the column
                if not taken or attempt == ANCHOR_ATTEMPTS - 1:
                    raise

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    @property
    def local_date(self):
        return timezone.localtime(self.dated_at).date()

    def _free_anchor(self):
        base = f"update-{self.local_date:%Y-%m-%d}"
        taken = set(
            Update.objects.filter(article_id=self.article_id, anchor__startswith=base)
            .exclude(pk=self.pk)
            .values_list("anchor", flat=True)
        )
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        return candidate


class Quote(models.Model):
    text = models.TextField()
    speaker = models.CharField(max_length=200)
    speaker_role = models.CharField(
        max_length=300, blank=True, help_text="The speaker's role at the time."
    )
    work = models.CharField(
        max_length=300, blank=True, help_text="Where it appeared: an article, a speech, a hearing."
    )
    outlet = models.CharField(max_length=200, blank=True, help_text="The Daily Example")
    said_on = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_edtf],
        help_text="When it was said, as precisely as known: April 11 2016, Oct. 2021, 2016.",
    )
    source_url = models.URLField(max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["speaker", "pk"]
        indexes = [models.Index(fields=["speaker"], name="quote_speaker_idx")]

    def __str__(self):
        return f"{Truncator(self.text).words(10)} — {self.speaker}"

    @property
    def said_on_date(self):
        return dates.from_edtf(self.said_on) if self.said_on else None


class Placement(models.TextChoices):
    EPIGRAPH = "epigraph", "Epigraph (before the text)"
    INLINE = "inline", "Inline (inside the body)"


class QuotePlacement(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quote_placements")
    quote = models.ForeignKey(Quote, on_delete=models.PROTECT, related_name="placements")
    placement = models.CharField(
        max_length=10, choices=Placement.choices, default=Placement.EPIGRAPH
    )
    after_paragraph = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Inline quotes: show after this body paragraph."
    )
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["placement", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(placement__in=Placement.values), name="quoteplacement_placement_valid"
            ),
            models.UniqueConstraint(
                fields=["article", "quote", "placement"], name="quoteplacement_unique"
            ),
        ]

    def __str__(self):
        return f"{self.get_placement_display()}: {self.quote}"


class RelatedLink(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    target = models.ForeignKey(
        Article,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="linked_from",
        help_text="Another article of this site…",
    )
    url = models.URLField(max_length=500, blank=True, help_text="…or an external address.")
    label = models.CharField(
        max_length=300, blank=True, help_text="Shown instead of the target's title."
    )
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(target__isnull=False) & Q(url=""))
                | (Q(target__isnull=True) & ~Q(url="") & ~Q(label="")),
                name="relatedlink_article_xor_url",
                violation_error_message=(
                    "Link either to an article of this site, or to an external URL with a label."
                ),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def title(self):
        return self.label or (self.target.title if self.target_id else self.url)

    @property
    def href(self):
        return self.target.get_absolute_url() if self.target_id else self.url


class Reference(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    title = models.CharField(max_length=300)
    outlet = models.CharField(max_length=200, blank=True)
    published_on = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_edtf],
        help_text="Date of the source, as precisely as known.",
    )
    url = models.URLField(max_length=500, blank=True)
    accessed_on = models.DateField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

    @property
    def published_on_date(self):
        return dates.from_edtf(self.published_on) if self.published_on else None


class EmbedKind(models.TextChoices):
    VIDEO = "video", "Video"
    AUDIO = "audio", "Audio"


class Embed(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="embeds")
    kind = models.CharField(max_length=10, choices=EmbedKind.choices, default=EmbedKind.VIDEO)
    provider = models.CharField(max_length=100, help_text="Example News, YouTube…")
    url = models.URLField(max_length=500)
    title = models.CharField(max_length=300)
    caption = models.CharField(max_length=500, blank=True)
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EmbedKind.values), name="embed_kind_valid")
        ]

    def __str__(self):
        return f"{self.title} ({self.provider})"

    @property
    def player_url(self):
        """An embeddable player address for known providers; None means render a link."""
        from timeline.embeds import player_url

        return player_url(self.url)


class TimelineEntryQuerySet(models.QuerySet):
    def chronological(self):
        return self.order_by(
            "date_lower", "-date_upper", F("date_time").asc(nulls_first=True), "pk"
        )

    def overlapping(self, start=None, end=None):
        """Entries whose (fuzzy) date range meets [start, end]; either end may be open."""
        qs = self
        if start is not None:
            qs = qs.filter(date_fuzzy_upper__gte=start)
        if end is not None:
            qs = qs.filter(date_fuzzy_lower__lte=end)
        return qs

    def on_day(self, month, day):
        """Day-precision entries on this calendar date, any year."""
        return self.filter(date_precision=dates.Precision.DAY, date_month=month, date_day=day)


class TimelineEntry(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="timeline_entries")
    date = models.CharField(
        max_length=64,
        validators=[validate_edtf],
        help_text="Canonical EDTF; editors type it the way they write it.",
    )
    date_precision = models.CharField(
        max_length=8, choices=[(p.value, p.name.title()) for p in dates.Precision], editable=False
    )
    date_lower = models.DateField(editable=False)
    date_upper = models.DateField(editable=False)
    date_fuzzy_lower = models.DateField(editable=False)
    date_fuzzy_upper = models.DateField(editable=False)
    date_time = models.TimeField(null=True, blank=True, editable=False)
    # Filled for day-precision entries only, so "on this day" is one indexed lookup.
    date_month = models.PositiveSmallIntegerField(null=True, editable=False)
    date_day = models.PositiveSmallIntegerField(null=True, editable=False)
    text = models.TextField(help_text="Markdown, one or two sentences.")
    text_html = models.TextField(blank=True, editable=False)
    is_key_moment = models.BooleanField("key moment", default=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="timeline_entries")
    reference_url = models.URLField(max_length=500, blank=True)
    reference_title = models.CharField(max_length=300, blank=True)

    objects = TimelineEntryQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[tags])

    class Meta:
        ordering = ["date_lower", "-date_upper", F("date_time").asc(nulls_first=True), "pk"]
        verbose_name_plural = "timeline entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(date_precision__in=[p.value for p in dates.Precision]),
                name="timelineentry_precision_valid",
            ),
            models.CheckConstraint(
                condition=Q(date_lower__lte=F("date_upper"))
                & Q(date_fuzzy_lower__lte=F("date_lower"))
                & Q(date_upper__lte=F("date_fuzzy_upper")),
                name="timelineentry_bounds_ordered",
            ),
        ]
        indexes = [
            models.Index(
                fields=["story", "date_lower", "date_upper"], name="timelineentry_story_date_idx"
            ),
            models.Index(
                fields=["story", "date_fuzzy_lower", "date_fuzzy_upper"],
                name="timelineentry_story_fuzzy_idx",
            ),
            # On this day: a calendar day's entries, the key moments first, then by date, so
            # the page reads its first rows off the index however busy the day.
            models.Index(
                "date_month",
                "date_day",
                F("is_key_moment").desc(),
                "date_lower",
                condition=Q(date_precision="day"),
                name="timelineentry_on_day_idx",
            ),
            # ... and "this month in history": month-precision entries of a month, the same way.
            models.Index(
                ExtractMonth("date_lower"),
                F("is_key_moment").desc(),
                "date_lower",
                condition=Q(date_precision="month"),
                name="timelineentry_in_month_idx",
            ),
        ]

    def __str__(self):
        return f"{self.date_display}: {Truncator(self.text).words(10)}"

    def save(self, *args, **kwargs):
        self.set_date(dates.from_edtf(self.date))
        self.text_html = render_inline(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.story.get_absolute_url()}#entry-{self.pk}"

    def set_date(self, value):
        self.date = value.edtf
        self.date_precision = value.precision
        self.date_lower, self.date_upper = value.lower, value.upper
        self.date_fuzzy_lower, self.date_fuzzy_upper = value.fuzzy_lower, value.fuzzy_upper
        self.date_time = value.time
        is_day = value.precision == dates.Precision.DAY
        self.date_month = value.lower.month if is_day else None
        self.date_day = value.lower.day if is_day else None

    @property
    def mixed_date(self):
        return dates.from_edtf(self.date)

    @property
    def date_display(self):
        return dates.format_date(self.mixed_date, tz=self.story.time_zone)


class EditionKind(models.TextChoices):
    ORIGINAL = "original", "First publication"
    ANNIVERSARY = "anniversary", "Anniversary"
    MANUAL = "manual", "Manual"


class EditionStatus(models.TextChoices):
    PREPARED = "prepared", "Prepared"
    OVERDUE = "overdue", "Overdue: awaiting approval"
    LIVE = "live", "Live"
    SUPERSEDED = "superseded", "Superseded"


class EditionQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status__in=[EditionStatus.PREPARED, EditionStatus.OVERDUE])

    def due(self, now):
        return self.waiting().filter(go_live_at__lte=now)

    def shown(self):
        """Editions readers can see: the live one and the frozen ones."""
        return self.filter(status__in=[EditionStatus.LIVE, EditionStatus.SUPERSEDED])


class Edition(models.Model):
    """
    One re-publication of an article: the first publication, an anniversary, or one cut by
    hand. When the next one goes live this one is superseded and frozen: its page is rebuilt
    from revision history as it stood at `superseded_at`.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="editions")
    kind = models.CharField(max_length=12, choices=EditionKind.choices)
    year = models.PositiveSmallIntegerField(help_text="Calendar year it goes live.")
    key = models.SlugField(max_length=20, help_text="Its part of the snapshot URL: 2019, 2019-2.")
    title = models.CharField(max_length=300)
    go_live_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=EditionStatus.choices, default=EditionStatus.PREPARED
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    went_live_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    # The wall-clock moment its snapshot is rebuilt from: revision history is stamped with the
    # real clock, while superseded_at follows the scheduler's --now.
    frozen_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_late = models.BooleanField(
        default=False, help_text="Went live after its time (the scheduler was catching up)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EditionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-go_live_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EditionKind.values), name="edition_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=EditionStatus.values), name="edition_status_valid"
            ),
            models.UniqueConstraint(fields=["article", "key"], name="edition_key_unique"),
            # The scheduler's safety net: two runners can never both prepare the same year.
            models.UniqueConstraint(
                fields=["article", "year"],
                condition=Q(kind="anniversary"),
                name="edition_one_anniversary_per_year",
            ),
            models.UniqueConstraint(
                fields=["article"], condition=Q(status="live"), name="edition_one_live"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["live", "superseded"]) | Q(went_live_at__isnull=False),
                name="edition_live_has_went_live_at",
            ),
        ]
        indexes = [models.Index(fields=["status", "go_live_at"], name="edition_due_idx")]

    def __str__(self):
        return f"{self.title} ({self.key})"

    def get_absolute_url(self):
        if self.status == EditionStatus.SUPERSEDED:
            return links.url("timeline:edition", self.article.slug, self.key)
        return self.article.get_absolute_url()

    def is_overdue(self, now):
        return self.status in (EditionStatus.PREPARED, EditionStatus.OVERDUE) and (
            self.go_live_at <= now
        )
