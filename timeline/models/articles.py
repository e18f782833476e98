"""The living post about a story, at one permanent URL, and its dated updates."""

from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import Truncator
from simple_history.models import HistoricalRecords

from timeline import links
from timeline.models.common import (
    HISTORICAL_YEARS,
    PUBLICATION_YEARS,
    PublishableQuerySet,
    Status,
    status_constraints,
)
from timeline.models.stories import Story
from timeline.models.taxonomy import Category, Tag
from timeline.text import render_markdown

# Pictures are placed by number, so a caption or credit corrected in the library is corrected
# on every page that shows them (timeline.text turns these lines into placeholders).
IMAGE_HELP = (
    "Pictures from the library, by number, each on a line of its own: [image 12] shows one, "
    "[gallery 12 13 14] a row of them."
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
    categories = models.ManyToManyField(
        Category, blank=True, related_name="articles", help_text="Sections it is filed under."
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    summary = models.CharField(
        max_length=300, blank=True, help_text="One or two sentences for cards and share previews."
    )
    lede = models.TextField(
        blank=True, help_text="Markdown. Open with the dateline in bold: **November 13 2020** —"
    )
    lede_html = models.TextField(blank=True, editable=False)
    body = models.TextField(
        blank=True,
        help_text="Markdown: the original article. " + IMAGE_HELP,
    )
    body_html = models.TextField(blank=True, editable=False)
    lead_image = models.ForeignKey(
        "images.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_of_articles",
        help_text="At the top of the page and on share cards; empty: the story's picture.",
    )
    timeline_until = models.DateField(
        null=True,
        blank=True,
        validators=[HISTORICAL_YEARS],
        help_text="Show only the story's timeline entries up to this date (empty: all).",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        null=True,
        blank=True,
        validators=[PUBLICATION_YEARS],
        help_text="When a scheduled article goes live.",
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
    history = HistoricalRecords(m2m_fields=[tags, categories])

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
        default=timezone.now,
        validators=[PUBLICATION_YEARS],
        help_text="When it is dated: orders the updates and names its anchor.",
    )
    date_label = models.CharField(
        "printed date",
        max_length=64,
        blank=True,
        help_text="The date printed on the update, as written (Sept. 8 2021); empty: "
        "the date above in house style.",
    )
    has_time = models.BooleanField(
        "time of day known",
        default=True,
        help_text="Off for a date-only update: its time is not printed or given to machines.",
    )
    headline = models.CharField(max_length=300, blank=True)
    body = models.TextField(
        help_text="Markdown. Sub-sections: **Flashback —** …; a Q&A as **Name:** lines. "
        + IMAGE_HELP
    )
    body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        null=True,
        blank=True,
        validators=[PUBLICATION_YEARS],
        help_text="When a scheduled update goes live.",
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
