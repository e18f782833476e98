"""What came from another system: each imported WordPress post, and each import run."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from timeline.models.articles import Article
from timeline.models.stories import Story


class ImportedPost(models.Model):
    """
    A WordPress post brought in, keyed by its site and post id: re-importing the same export
    finds it here and updates the article instead of making another. `digest` is a hash of
    what the post held when last imported; an unchanged post is skipped without a write.
    """

    site = models.CharField(max_length=300, help_text="The blog's address, from the export.")
    wp_id = models.PositiveBigIntegerField("WordPress post id")
    link = models.CharField(max_length=500, blank=True, help_text="The post's address there.")
    # The path of that address, decoded, no trailing slash ("/2021/11/13/six-years-ago"): a
    # reader following an old link to it is sent to the article (timeline.site.old_addresses).
    path = models.CharField(max_length=500, blank=True, db_index=True)
    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="imported")
    story = models.ForeignKey(Story, on_delete=models.SET_NULL, null=True, related_name="+")
    digest = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "wp_id"], name="importedpost_unique"),
        ]
        indexes = [models.Index(fields=["link"], name="importedpost_link_idx")]

    def __str__(self):
        return f"{self.site} #{self.wp_id}"


class ImportRunStatus(models.TextChoices):
    CHECKED = "checked", "Checked (dry run shown)"
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed: nothing after the failing post was written"


class ImportRun(models.Model):
    """One upload on the admin's "Import from WordPress" page, and how far its import got."""

    upload = models.FileField(upload_to="imports/%Y/%m/")
    name = models.CharField(max_length=255, help_text="The file's name as uploaded.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ImportRunStatus.choices, default=ImportRunStatus.CHECKED
    )
    report = models.TextField(blank=True, help_text="The dry run's report.")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    fetch_media = models.BooleanField(
        "bring the pictures",
        default=False,
        help_text="Download the posts' pictures from the site the export comes from.",
    )
    summary = models.TextField(blank=True, help_text="The import's summary line, once done.")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportRunStatus.values), name="importrun_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_status_display()})"
