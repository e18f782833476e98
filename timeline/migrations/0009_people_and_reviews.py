"""
Authors credited in order on articles and updates, and review requests; every free-text
byline becomes authors credited on its article ("A, B and C" is three), the byline kept.
"""

import re

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils.text import slugify


def split_byline(byline):
    """ "A, B and C" -> ["A", "B", "C"]; also "&" and a leading "By"."""
    text = re.sub(r"^\s*by\s+", "", byline or "", flags=re.IGNORECASE)
    parts = re.split(r",|\s+and\s+|\s*&\s*", text)
    return [p.strip() for p in parts if p.strip()]


def credit_bylines(apps, schema_editor):
    Article = apps.get_model("timeline", "Article")
    Author = apps.get_model("timeline", "Author")
    ArticleCredit = apps.get_model("timeline", "ArticleCredit")
    by_name = {}
    taken = set(Author.objects.values_list("slug", flat=True))
    for article in Article.objects.exclude(byline="").only("pk", "byline").iterator():
        for position, name in enumerate(split_byline(article.byline)):
            author = by_name.get(name.casefold())
            if author is None:
                base = slugify(name)[:130] or "author"
                slug, n = base, 1
                while slug in taken:
                    n += 1
                    slug = f"{base}-{n}"
                taken.add(slug)
                author = by_name[name.casefold()] = Author.objects.create(name=name, slug=slug)
            ArticleCredit.objects.get_or_create(
                article_id=article.pk, author=author, defaults={"position": position}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0001_initial"),
        ("timeline", "0008_labels_as_written"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleCredit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="credits",
                        to="timeline.article",
                    ),
                ),
            ],
            options={
                "ordering": ["position", "pk"],
            },
        ),
        migrations.CreateModel(
            name="Author",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120)),
                (
                    "slug",
                    models.SlugField(
                        help_text="Part of the author's page address.", max_length=140
                    ),
                ),
                ("bio", models.TextField(blank=True, max_length=600, verbose_name="short bio")),
                (
                    "links",
                    models.TextField(
                        blank=True,
                        help_text="One address a line: the author's site, profiles elsewhere.",
                    ),
                ),
                (
                    "articles",
                    models.ManyToManyField(
                        blank=True,
                        related_name="credited_authors",
                        through="timeline.ArticleCredit",
                        to="timeline.article",
                    ),
                ),
                (
                    "photo",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="images.image",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        blank=True,
                        help_text="The account this author writes with here, if any.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="author",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["name", "pk"],
            },
        ),
        migrations.AddField(
            model_name="articlecredit",
            name="author",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="article_credits",
                to="timeline.author",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalAuthor",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120)),
                (
                    "slug",
                    models.SlugField(
                        help_text="Part of the author's page address.", max_length=140
                    ),
                ),
                ("bio", models.TextField(blank=True, max_length=600, verbose_name="short bio")),
                (
                    "links",
                    models.TextField(
                        blank=True,
                        help_text="One address a line: the author's site, profiles elsewhere.",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "photo",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="images.image",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The account this author writes with here, if any.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical author",
                "verbose_name_plural": "historical authors",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalReviewRequest",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("note", models.TextField(blank=True, help_text="What the editor should know.")),
                ("submitted_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("open", "Waiting for review"),
                            ("approved", "Approved"),
                            ("returned", "Sent back"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decision_note", models.TextField(blank=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="timeline.article",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "update",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="timeline.update",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical review request",
                "verbose_name_plural": "historical review requests",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ReviewRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("note", models.TextField(blank=True, help_text="What the editor should know.")),
                ("submitted_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("open", "Waiting for review"),
                            ("approved", "Approved"),
                            ("returned", "Sent back"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decision_note", models.TextField(blank=True)),
                (
                    "article",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_requests",
                        to="timeline.article",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "update",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_requests",
                        to="timeline.update",
                    ),
                ),
            ],
            options={
                "ordering": ["submitted_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="UpdateCredit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="update_credits",
                        to="timeline.author",
                    ),
                ),
                (
                    "update",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="credits",
                        to="timeline.update",
                    ),
                ),
            ],
            options={
                "ordering": ["position", "pk"],
            },
        ),
        migrations.AddField(
            model_name="author",
            name="updates",
            field=models.ManyToManyField(
                blank=True,
                related_name="credited_authors",
                through="timeline.UpdateCredit",
                to="timeline.update",
            ),
        ),
        migrations.AddConstraint(
            model_name="articlecredit",
            constraint=models.UniqueConstraint(
                fields=("article", "author"), name="articlecredit_once_per_article"
            ),
        ),
        migrations.AddIndex(
            model_name="reviewrequest",
            index=models.Index(fields=["state", "submitted_at"], name="reviewrequest_queue_idx"),
        ),
        migrations.AddConstraint(
            model_name="reviewrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(("state__in", ["open", "approved", "returned", "withdrawn"])),
                name="reviewrequest_state_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("article__isnull", False), ("update__isnull", True)),
                    models.Q(("article__isnull", True), ("update__isnull", False)),
                    _connector="OR",
                ),
                name="reviewrequest_one_subject",
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewrequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("article__isnull", False), ("state", "open")),
                fields=("article",),
                name="reviewrequest_one_open_per_article",
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewrequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "open"), ("update__isnull", False)),
                fields=("update",),
                name="reviewrequest_one_open_per_update",
            ),
        ),
        migrations.AddConstraint(
            model_name="updatecredit",
            constraint=models.UniqueConstraint(
                fields=("update", "author"), name="updatecredit_once_per_update"
            ),
        ),
        migrations.AddConstraint(
            model_name="author",
            constraint=models.UniqueConstraint(fields=("slug",), name="author_slug_unique"),
        ),
        migrations.RunPython(credit_bylines, migrations.RunPython.noop),
    ]
