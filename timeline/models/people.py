"""
The people who write here: authors, credited in order on articles and on updates.

An author may be linked to a user account (someone who writes in the admin) or not (a
correspondent, a byline from an import). `Article.byline`, the free text it replaces, stays
for now as what an import or an older editor typed; the page shows the credited authors when
there are any, the byline's names otherwise (the 0009 data migration credited every byline).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from timeline.models.articles import Article, Update


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, help_text="Part of the author's page address.")
    bio = models.TextField("short bio", blank=True, max_length=600)
    photo = models.ForeignKey(
        "images.Image", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    links = models.TextField(
        blank=True, help_text="One address a line: the author's site, profiles elsewhere."
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text="The account this author writes with here, if any.",
    )
    articles = models.ManyToManyField(
        Article, through="ArticleCredit", related_name="credited_authors", blank=True
    )
    updates = models.ManyToManyField(
        Update, through="UpdateCredit", related_name="credited_authors", blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["slug"], name="author_slug_unique")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("timeline:author", kwargs={"slug": self.slug})

    @property
    def link_list(self):
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class ArticleCredit(models.Model):
    """One author credited on an article, in byline order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="credits")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="article_credits")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="articlecredit_once_per_article"
            )
        ]

    def __str__(self):
        return f"{self.author} on {self.article}"


class UpdateCredit(models.Model):
    """One author credited on an update, in byline order."""

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="credits")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="update_credits")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["update", "author"], name="updatecredit_once_per_update"
            )
        ]

    def __str__(self):
        return f"{self.author} on {self.update}"
