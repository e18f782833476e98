"""What an article shows around its text: quotes, related links, references and embeds."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import Truncator
from simple_history.models import HistoricalRecords

from timeline import body_anchors, dates, embeds
from timeline.models.articles import Article, Update
from timeline.models.common import PUBLICATION_YEARS, validate_edtf


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
    said_on_label = models.CharField(
        max_length=64, blank=True, help_text="The date as the editor typed it: shown as written."
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
    TOP = "top", "At the top (epigraph)"
    BEFORE_UPDATE = "before_update", "Before an update"
    AFTER_UPDATE = "after_update", "After an update"
    BODY = "body", "In the body, after a heading or paragraph"


class QuotePlacement(models.Model):
    """
    Where a quote stands in its article's flow. Places in the body are named by a heading's
    text or a paragraph's opening words (timeline.body_anchors), so edits elsewhere in the body
    leave the quote where the editor put it; a place no longer found shows the quote at the end
    of the body (and the admin says so).
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quote_placements")
    quote = models.ForeignKey(Quote, on_delete=models.PROTECT, related_name="placements")
    placement = models.CharField(max_length=16, choices=Placement.choices, default=Placement.TOP)
    update = models.ForeignKey(
        Update,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Before or after an update: which one.",
    )
    anchor = models.CharField(
        "after",
        max_length=body_anchors.ANCHOR_MAX_LENGTH,
        blank=True,
        help_text="In the body: the heading or paragraph it follows.",
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

    def clean(self):
        needs_update = self.placement in (Placement.BEFORE_UPDATE, Placement.AFTER_UPDATE)
        if needs_update and not self.update_id:
            raise ValidationError({"update": "Choose the update this quote goes with."})
        if self.update_id and self.update.article_id != self.article_id:
            raise ValidationError({"update": "Choose an update of this article."})
        if self.placement == Placement.BODY and not self.anchor:
            raise ValidationError({"anchor": "Choose the heading or paragraph it follows."})

    def is_found(self, body_html=None):
        """
        Whether its place is still there (the update exists; the heading or paragraph is still
        in the body). `body_html`: the article's, when the caller has it already.
        """
        if self.placement == Placement.TOP:
            return True
        if self.placement != Placement.BODY:
            return self.update_id is not None
        html = self.article.body_html if body_html is None else body_html
        return any(block.anchor == self.anchor for block in body_anchors.blocks(html))


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
    published_on_label = models.CharField(
        max_length=64, blank=True, help_text="The date as the editor typed it: shown as written."
    )
    url = models.URLField(max_length=500, blank=True)
    accessed_on = models.DateField(null=True, blank=True, validators=[PUBLICATION_YEARS])
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
    provider = models.CharField(
        max_length=100,
        blank=True,
        help_text="Example News, YouTube… Empty: found from the address.",
    )
    url = models.URLField(max_length=500)
    title = models.CharField(max_length=300)
    caption = models.CharField(max_length=500, blank=True)
    poster = models.ForeignKey(
        "images.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="poster_of_embeds",
        help_text="Shown until the reader asks for the player (nothing loads from the "
        "provider before).",
    )
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EmbedKind.values), name="embed_kind_valid")
        ]

    def __str__(self):
        return f"{self.title} ({self.provider})"

    def save(self, *args, **kwargs):
        self.provider = self.provider or embeds.provider_name(self.url)[:100]
        super().save(*args, **kwargs)

    @property
    def player_url(self):
        """An embeddable player address for known providers; None means render a link."""
        return embeds.player_url(self.url)
