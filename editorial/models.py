"""
The editorial workflow's own data: autosaved drafts, and the newsroom-wide permissions.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from timeline.models import Article


class Rights(models.Model):
    """
    No table: the home of the permissions that belong to no single model. `publish` is what
    separates an Editor from a Contributor (see timeline.permissions).
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("publish", "Can publish, schedule and unpublish; approve and cut editions"),
        ]
        verbose_name_plural = "rights"

    def __str__(self):
        return "Editorial rights"


class AutosaveDraft(models.Model):
    """
    What one editor was typing into the new-update form of one article, saved every few
    seconds by the browser and offered back when the form is opened again. Scratch data:
    no revision history; the form's save removes it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict, help_text="Form field name → the text typed.")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"], name="autosavedraft_one_per_user_article"
            )
        ]

    def __str__(self):
        return f"Unsaved update by {self.user} on “{self.article}”"

    def get_absolute_url(self):
        return reverse("admin:timeline_article_change", args=[self.article_id]) + "#updates-group"
