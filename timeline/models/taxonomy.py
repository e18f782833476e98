"""Categories and tags: how articles, stories and timeline entries are grouped."""

from django.db import models
from simple_history.models import HistoricalRecords

from timeline import links


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
