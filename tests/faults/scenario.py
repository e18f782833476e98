"""
A newsroom on the morning of an anniversary, for the fault tests and scripts: many recurring
articles whose edition is due, and scheduled articles and updates whose time has come.
"""

import datetime as dt

from tests.factories import make_article, make_story, make_update
from timeline import services
from timeline.models import Article, Edition, EditionKind, EditionStatus, Status, Update

EVENT = dt.date(1986, 4, 26)
# 09:00 in Paris (CEST) on the 40th anniversary, plus one minute: everything is due.
NOW = dt.datetime(2026, 4, 26, 7, 1, tzinfo=dt.UTC)
FIRST_PUBLISHED = dt.datetime(2016, 4, 26, 7, tzinfo=dt.UTC)
RUN = ["run_schedule", "--now", NOW.isoformat()]


def build(*, recurring, scheduled):
    """`recurring` articles with an anniversary due, `scheduled` articles and updates due."""
    for n in range(recurring):
        story = make_story(title=f"Disaster {n}", event_date=EVENT)
        article = make_article(story=story, title=f"Disaster {n}: the night", status=Status.DRAFT)
        services.publish_article(article=article, now=FIRST_PUBLISHED)
    for _ in range(scheduled):
        due = NOW - dt.timedelta(minutes=30)
        make_article(status=Status.SCHEDULED, publish_at=due, story=None)
        make_update(Article.objects.published().first(), status=Status.SCHEDULED, publish_at=due)


def duplicates():
    """Everything that must exist at most once after any number of runs, killed or not."""
    found = []
    for article in Article.objects.filter(recurring=True, story__isnull=False):
        anniversaries = article.editions.filter(kind=EditionKind.ANNIVERSARY, year=NOW.year)
        live = article.editions.filter(status=EditionStatus.LIVE)
        if anniversaries.count() > 1 or live.count() > 1:
            found.append(f"{article.slug}: {anniversaries.count()} editions, {live.count()} live")
    for model in (Article, Update):
        for obj in model.objects.filter(status=Status.PUBLISHED, publish_at__isnull=False):
            published = obj.history.filter(history_change_reason="Published on schedule").count()
            if published > 1:
                found.append(f"{model.__name__} {obj.pk} published {published} times")
    return found


def unfinished():
    """What a complete run leaves at zero."""
    return {
        "articles due": Article.objects.due(NOW).count(),
        "updates due": Update.objects.due(NOW).count(),
        "editions waiting": Edition.objects.due(NOW).count(),
        "anniversaries missing": Article.objects.filter(
            recurring=True, status=Status.PUBLISHED, story__isnull=False
        )
        .exclude(editions__kind=EditionKind.ANNIVERSARY, editions__year=NOW.year)
        .count(),
    }
