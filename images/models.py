"""
The library's one model: a picture with what must travel with it (alt text, caption, credit,
licence, focal point), so a correction made here reaches every page that shows it.

The stored original has already been checked and stripped of its metadata (images.uploads);
its renditions are made from it on demand and kept in storage (images.renditions).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from timeline.models import Tag


def original_path(instance, filename):
    """
    Where an original is stored: a generated name under the upload month.

    The uploaded name never reaches the path (only the extension of the format Pillow read
    from the content, which images.uploads puts on the name it hands over).
    """
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in {"jpg", "png", "webp", "gif"}:
        extension = "bin"
    return f"images/originals/{uuid.uuid4().hex}.{extension}"


class ImageQuerySet(models.QuerySet):
    def search(self, text):
        """Title, credit or tag name: what an editor remembers of a picture."""
        return self.filter(
            Q(title__icontains=text) | Q(credit__icontains=text) | Q(tags__name__icontains=text)
        ).distinct()


class Image(models.Model):
    file = models.ImageField(upload_to=original_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    title = models.CharField(
        max_length=200, help_text="For the library only; readers never see it."
    )
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="What the picture shows, for readers who cannot see it.",
    )
    is_decorative = models.BooleanField(
        "decorative",
        default=False,
        help_text="Adds nothing a reader needs: shown with empty alt text. Otherwise alt text is "
        "required.",
    )
    caption = models.TextField(blank=True)
    credit = models.CharField(max_length=200, blank=True, help_text="Photographer / agency.")
    copyright = models.CharField(
        "copyright / licence", max_length=200, blank=True, help_text="e.g. © AFP, or CC BY 4.0"
    )
    source_url = models.URLField("source link", blank=True)
    # Where the subject is, as fractions of the width and height: crops keep this point.
    focal_x = models.FloatField(default=0.5)
    focal_y = models.FloatField(default=0.5)
    tags = models.ManyToManyField(Tag, blank=True, related_name="images")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Part of the version of a cached story timeline that shows the picture (a corrected
    # caption or credit shows at once, see timeline.selectors.timelines).
    updated_at = models.DateTimeField(auto_now=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ImageQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[tags])

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_decorative=True) | ~Q(alt_text=""),
                name="image_alt_text_unless_decorative",
            ),
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
            ),
        ]
        indexes = [
            models.Index(fields=["-uploaded_at"], name="image_uploaded_at_idx"),
            models.Index(fields=["credit"], name="image_credit_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        # No page of its own: the original is its public address ("View on site" in the admin).
        return self.file.url

    @property
    def alt(self):
        """The alt attribute to print: empty, on purpose, for a decorative picture."""
        return "" if self.is_decorative else self.alt_text

    @property
    def focal_point(self):
        return (self.focal_x, self.focal_y)
