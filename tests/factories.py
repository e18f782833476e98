"""Small builders for test data: `make_x(**overrides)` returns a saved object."""

import datetime as dt
import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from timeline import dates
from timeline.models import (
    Article,
    Category,
    Embed,
    Quote,
    QuotePlacement,
    Reference,
    RelatedLink,
    Status,
    Story,
    Tag,
    TimelineEntry,
    Update,
)

_seq = itertools.count(1)
NOW = dt.datetime(2026, 11, 13, 9, 0, tzinfo=dt.UTC)


def make_user(**overrides):
    n = next(_seq)
    fields = {"username": f"editor{n}", "email": f"editor{n}@example.org", "is_staff": True}
    fields.update(overrides)
    password = fields.pop("password", "correct-horse-battery")
    user = get_user_model().objects.create_user(password=password, **fields)
    user.raw_password = password
    return user


def make_tag(**overrides):
    n = next(_seq)
    return Tag.objects.create(**{"name": f"Tag {n}", "slug": f"tag-{n}", **overrides})


def make_category(**overrides):
    n = next(_seq)
    return Category.objects.create(
        **{"name": f"Category {n}", "slug": f"category-{n}", **overrides}
    )


def make_story(**overrides):
    n = next(_seq)
    fields = {
        "title": f"Story {n}",
        "slug": f"story-{n}",
        "event_date": dt.date(2015, 11, 13),
        "time_zone": "Europe/Paris",
        "summary": "What happened, in one line.",
    }
    fields.update(overrides)
    return Story.objects.create(**fields)


def make_article(**overrides):
    n = next(_seq)
    fields = {
        "title": f"Article {n}",
        "slug": f"article-{n}",
        "kicker": "On This Day",
        "byline": "Ada Reporter",
        "lede": "**November 13 2020** — It began on a Friday night.",
        "body": "The original article.",
        "status": Status.PUBLISHED,
        "published_at": NOW - dt.timedelta(days=365),
        "featured_at": NOW - dt.timedelta(days=365),
    }
    fields.update(overrides)
    if fields["status"] != Status.PUBLISHED and "published_at" not in overrides:
        fields["published_at"] = None
    if "story" not in fields:
        fields["story"] = make_story()
    # `category=` (one) or `categories=[...]`: filed under them.
    categories = fields.pop("categories", None) or (
        [fields.pop("category")] if fields.get("category") else []
    )
    fields.pop("category", None)
    article = Article.objects.create(**fields)
    if categories:
        article.categories.set(categories)
    return article


def make_update(article, **overrides):
    fields = {
        "article": article,
        "body": "Something new happened.",
        "dated_at": NOW,
        "status": Status.PUBLISHED,
        "published_at": NOW,
    }
    fields.update(overrides)
    if fields["status"] != Status.PUBLISHED and "published_at" not in overrides:
        fields["published_at"] = None
    return Update.objects.create(**fields)


def make_quote(**overrides):
    fields = {
        "text": "We will not forget.",
        "speaker": "Jane Speaker",
        "speaker_role": "Chair of the oversight committee",
        "work": "Opening statement",
        "outlet": "The Daily Example",
        "said_on": "2016-04-11",
        "source_url": "https://example.org/statement",
    }
    fields.update(overrides)
    return Quote.objects.create(**fields)


def place_quote(article, quote=None, **overrides):
    return QuotePlacement.objects.create(article=article, quote=quote or make_quote(), **overrides)


def make_entry(story, date="2015-11-13", **overrides):
    entry = TimelineEntry(
        story=story, text=overrides.pop("text", "Something happened."), **overrides
    )
    entry.set_date(dates.parse(date))
    entry.save()
    return entry


def make_reference(article, **overrides):
    fields = {
        "title": "Inquiry report",
        "outlet": "Example Gazette",
        "url": "https://example.org/r",
    }
    return Reference.objects.create(article=article, **{**fields, **overrides})


def make_embed(article, **overrides):
    fields = {
        "provider": "Example News",
        "url": "https://www.youtube.com/watch?v=abcdefghijk",
        "title": "Special report",
    }
    return Embed.objects.create(article=article, **{**fields, **overrides})


def make_related(article, **overrides):
    if "target" not in overrides and "url" not in overrides:
        overrides["target"] = make_article()
    return RelatedLink.objects.create(article=article, **overrides)


def now():
    return timezone.now()


def make_role_user(role, **overrides):
    """A staff user in one of the editorial roles' groups: "Editor" or "Contributor"."""
    from django.contrib.auth.models import Group

    user = make_user(**overrides)
    user.groups.add(Group.objects.get(name=role))
    return user


def authored_by(obj, user):
    """Make `user` the creator of `obj`: the user of its first history row."""
    first = obj.history.order_by("history_date", "history_id").first()
    type(first).objects.filter(pk=first.pk).update(history_user=user)
    obj.__dict__.pop("editorial_creator_id", None)
    return obj
