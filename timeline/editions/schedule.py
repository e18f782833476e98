"""
The scheduler behind `manage.py run_schedule`: publishes what is due, prepares the coming
anniversary editions and makes due editions live, each exactly once.

It is safe to run from cron on every app server at once:
- on PostgreSQL a session advisory lock lets one run work while the others say so and stop;
- each action is its own transaction that re-checks its row under a lock, and unique
  constraints (one anniversary edition per article and year, one live edition per article)
  make a duplicate impossible even without the advisory lock;
- a run killed midway leaves whole actions behind, and the next run does the rest;
- after downtime it catches up: an anniversary missed in the last 30 days still gets its
  edition, marked late; older ones, and years missed before the latest, are not published.
"""

import datetime as dt
import functools
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from timeline import services
from timeline.models import EARLIEST_MOMENT, Article, Edition, EditionKind, EditionStatus, Update

# How long after a missed anniversary (scheduler down) its edition still goes out, late.
CATCH_UP = dt.timedelta(days=30)
# Any constant shared by all runners; "NEWS" in ASCII.
ADVISORY_LOCK_KEY = 0x4E455753


@dataclass
class Report:
    now: dt.datetime
    dry_run: bool = False
    lines: list = field(default_factory=list)
    counts: dict = field(
        default_factory=lambda: {"published": 0, "prepared": 0, "live": 0, "overdue": 0}
    )
    failures: list = field(default_factory=list)
    busy: bool = False

    def add(self, count, line):
        self.counts[count] += 1
        self.lines.append(line)

    @property
    def summary(self):
        done = ", ".join(f"{n} {name}" for name, n in self.counts.items())
        mode = " (dry run: nothing changed)" if self.dry_run else ""
        failed = f", {len(self.failures)} failed" if self.failures else ""
        return f"run_schedule at {self.now:%Y-%m-%d %H:%M} UTC: {done}{failed}{mode}"


@contextmanager
def single_runner():
    """Yield True if this process may run (always on SQLite, which serialises writers)."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])


def run(*, now, dry_run=False, user=None):
    report = Report(now=now, dry_run=dry_run)
    with single_runner() as acquired:
        if not acquired:
            report.busy = True
            report.lines.append("another run_schedule holds the lock; leaving the work to it")
            return report
        _prepare_editions(report, user)
        # Editions first: the edition going out freezes its predecessor before this run
        # publishes the updates scheduled for the anniversary, which belong to the new one.
        _go_live(report, user)
        _publish_due(report, user)
    return report


def _attempt(report, what, action):
    """Run one action; a failure is reported and the run goes on with the next one."""
    if report.dry_run:
        return None
    try:
        return action()
    except Exception as exc:  # one bad row must not stop the others; reported and exit 1
        report.failures.append(f"{what}: {exc}")
        report.lines.append(f"FAILED   {what}: {exc}")
        return None


def _publish_due(report, user):
    now = report.now
    for model, label in ((Article, "article"), (Update, "update")):
        # Only the pk: a year-one moment stored by PostgreSQL as BC cannot even be read.
        for pk in model.objects.unreadable_schedule().values_list("pk", flat=True):
            problem = f"{label} #{pk}: its publish_at is before {EARLIEST_MOMENT.year}; fix it"
            report.failures.append(problem)
            report.lines.append(f"SKIPPED  {problem}")
        for obj in model.objects.due(now).order_by("publish_at", "pk"):
            what = f"{label} {obj}"
            done = _attempt(
                report, what, lambda obj=obj, model=model: _publish_one(model, obj, now, user)
            )
            if done or report.dry_run:
                report.add("published", f"publish  {what} (due {obj.publish_at:%Y-%m-%d %H:%M})")


def _publish_one(model, obj, now, user):
    published = services.publish_due_item(model=model, pk=obj.pk, now=now, user=user)
    return published is not None


def anniversaries_to_prepare(now, skipped=None):
    """
    (article, year) pairs whose anniversary edition should exist now but does not: the next
    anniversary once inside the story's lead days, and the latest one already past if it was
    missed (after the article's first publication and after its newest edition).

    What is left out and why is appended to `skipped` as (article, year, why): an anniversary
    missed longer ago than CATCH_UP, and any for an article that still has an edition past
    its time awaiting approval (a new one each year would pile up behind it).
    """
    skipped = [] if skipped is None else skipped
    years = (now.year - 1, now.year, now.year + 1)
    articles = list(
        Article.objects.published()
        .filter(recurring=True, story__isnull=False)
        .select_related("story")
        .order_by("pk")
    )
    existing = set(
        Edition.objects.filter(kind=EditionKind.ANNIVERSARY, year__in=years).values_list(
            "article_id", "year"
        )
    )
    newest = dict(Edition.objects.values_list("article_id").annotate(newest=Max("go_live_at")))
    stuck = dict(
        Edition.objects.filter(approved_at__isnull=True, go_live_at__lte=now)
        .filter(status__in=(EditionStatus.PREPARED, EditionStatus.OVERDUE))
        .values_list("article_id", "key")
    )
    due = []
    for article in articles:
        story = article.story
        if article.pk in stuck:
            for year in years:
                if (article.pk, year) not in existing and year > story.event_date.year:
                    go_live = story.anniversary_go_live(year)
                    if go_live - dt.timedelta(days=story.lead_days) <= now:
                        why = f"edition {stuck[article.pk]} is overdue and still awaits approval"
                        skipped.append((article, year, why))
            continue
        for year in sorted(years, reverse=True):
            if year <= story.event_date.year:
                break
            go_live = story.anniversary_go_live(year)
            missing = (article.pk, year) not in existing
            if go_live > now:
                if missing and go_live - dt.timedelta(days=story.lead_days) <= now:
                    due.append((article, year))
                continue
            # The most recent anniversary already past: prepare it only if it was missed
            # lately; a year-old anniversary is history, not news.
            since = max(filter(None, [article.published_at, newest.get(article.pk)]))
            if missing and go_live > since:
                if now - go_live <= CATCH_UP:
                    due.append((article, year))
                else:
                    days = (now - go_live).days
                    why = f"missed by {days} days (more than {CATCH_UP.days}): not caught up"
                    skipped.append((article, year, why))
            break
    return due


def _prepare_editions(report, user):
    now = report.now
    skipped = []
    for article, year in anniversaries_to_prepare(now, skipped):
        go_live = article.story.anniversary_go_live(year)
        what = f"{article.slug} {year}"
        edition = _attempt(
            report,
            f"prepare {what}",
            lambda a=article, y=year: services.prepare_anniversary_edition(
                article=a, year=y, now=now, user=user
            ),
        )
        if edition or report.dry_run:
            local = timezone.localtime(go_live)
            late = " (missed: goes live now, marked late)" if go_live <= now else ""
            report.add(
                "prepared",
                f"prepare  {what} “{article.story.edition_title(year)}” for "
                f"{local:%Y-%m-%d %H:%M %Z}{late}",
            )
    for article, year, why in skipped:
        report.lines.append(f"SKIPPED  {article.slug} {year}: {why}")


def _go_live(report, user):
    now = report.now
    due = Edition.objects.due(now).filter(article__status="published")
    for edition in due.select_related("article__story").order_by("go_live_at", "pk"):
        story = edition.article.story
        what = f"{edition.article.slug} {edition.key}"
        needs_approval = (
            edition.kind == EditionKind.ANNIVERSARY
            and story is not None
            and story.requires_approval
            and edition.approved_at is None
        )
        if needs_approval:
            if edition.status == EditionStatus.PREPARED:
                _attempt(
                    report,
                    f"flag {what}",
                    lambda e=edition: services.flag_overdue(edition=e, user=user),
                )
            report.add(
                "overdue",
                f"OVERDUE  {what} “{edition.title}” was due "
                f"{timezone.localtime(edition.go_live_at):%Y-%m-%d %H:%M %Z}: awaiting approval",
            )
            continue
        live = _attempt(
            report,
            f"go live {what}",
            lambda e=edition: services.make_edition_live(edition=e, now=now, user=user),
        )
        if live or report.dry_run:
            late = " (late)" if live and live.is_late else ""
            report.add("live", f"live     {what} “{edition.title}”{late}")


STALE_WARNING = "no update since the last edition"


def no_update_since_last_edition(edition):
    """
    Whether `edition` would put the article back on top with nothing new: no update was
    published since its previous edition went live (the headline says "Forty Years Ago" above
    the lede of five years before). Two queries.
    """
    previous = (
        Edition.objects.filter(article_id=edition.article_id, went_live_at__isnull=False)
        .exclude(pk=edition.pk)
        .order_by("-went_live_at")
        .values_list("went_live_at", flat=True)
        .first()
    )
    if previous is None:
        return False
    return (
        not Update.objects.published()
        .filter(article_id=edition.article_id, published_at__gt=previous)
        .exists()
    )


@dataclass
class Upcoming:
    article: Article
    year: int
    day: dt.date
    go_live_at: dt.datetime
    edition: Edition | None
    overdue: bool

    @property
    def years(self):
        return self.year - self.article.story.event_date.year

    @functools.cached_property
    def stale(self):
        """An edition waiting to go live with no update since the last one (a warning)."""
        waiting = self.edition is not None and self.edition.went_live_at is None
        return waiting and no_update_since_last_edition(self.edition)

    @property
    def awaiting_approval(self):
        return (
            self.edition is not None
            and self.edition.approved_at is None
            and self.edition.status in (EditionStatus.PREPARED, EditionStatus.OVERDUE)
        )


def upcoming(*, now, days=60):
    """
    Anniversaries of recurring published articles in the next `days` days, with their
    edition if prepared, and every edition past its time still waiting: soonest first.
    """
    horizon = now + dt.timedelta(days=days)
    articles = (
        Article.objects.published()
        .filter(recurring=True, story__isnull=False)
        .select_related("story")
    )
    waiting = {
        (e.article_id, e.year): e
        for e in Edition.objects.filter(kind=EditionKind.ANNIVERSARY, year__gte=now.year - 1)
        .exclude(status=EditionStatus.SUPERSEDED)
        .order_by()
    }
    rows = []
    for article in articles:
        story = article.story
        for year in (now.year - 1, now.year, now.year + 1):
            if year <= story.event_date.year:
                continue
            edition = waiting.get((article.pk, year))
            go_live = edition.go_live_at if edition else story.anniversary_go_live(year)
            overdue = edition is not None and edition.is_overdue(now)
            if overdue or now < go_live <= horizon:
                rows.append(
                    Upcoming(
                        article=article,
                        year=year,
                        day=timezone.localtime(go_live).date(),
                        go_live_at=go_live,
                        edition=edition,
                        overdue=overdue,
                    )
                )
    rows.sort(key=lambda row: (not row.overdue, row.go_live_at, row.article.pk))
    return rows
