import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import NOW, make_article, make_entry, make_story, make_update
from timeline import dates
from timeline.models import (
    Article,
    RelatedLink,
    Status,
    Story,
    TimelineEntry,
    Update,
    validate_time_zone,
)
from timeline.text import render_markdown, text_with_breaks

pytestmark = pytest.mark.django_db


def violates(**kwargs):
    """Saving this must be refused by the database itself, not only by forms."""
    model = kwargs.pop("model")
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**kwargs)


class TestConstraints:
    def test_article_slug_is_unique(self):
        make_article(slug="same")
        violates(model=Article, slug="same", title="Other", status=Status.DRAFT)

    def test_story_slug_is_unique(self):
        story = make_story()
        violates(model=Story, slug=story.slug, title="Other", event_date=dt.date(2000, 1, 1))

    def test_status_outside_choices_is_refused(self):
        violates(model=Article, slug="x", title="X", status="archived")

    def test_published_article_needs_a_first_publication_date(self):
        violates(model=Article, slug="x", title="X", status=Status.PUBLISHED, published_at=None)

    def test_scheduled_article_needs_a_publish_time(self):
        violates(model=Article, slug="x", title="X", status=Status.SCHEDULED, publish_at=None)

    def test_update_kind_outside_choices_is_refused(self):
        article = make_article()
        violates(model=Update, article=article, kind="rumour", body="b", dated_at=NOW)

    def test_related_link_is_either_internal_or_external_with_label(self):
        article, target = make_article(), make_article()
        violates(model=RelatedLink, article=article, target=target, url="https://example.org/")
        violates(model=RelatedLink, article=article, url="https://example.org/", label="")
        violates(model=RelatedLink, article=article)
        RelatedLink.objects.create(article=article, url="https://example.org/", label="Elsewhere")
        RelatedLink.objects.create(article=article, target=target)
        assert article.related_links.count() == 2

    def test_time_zone_must_be_an_iana_name(self):
        validate_time_zone("Europe/Kyiv")
        with pytest.raises(ValidationError, match="not a time zone"):
            validate_time_zone("Mars/Olympus")

    def test_timeline_entry_with_unreadable_date_fails_validation(self):
        entry = TimelineEntry(story=make_story(), date="not a date", text="x")
        with pytest.raises(ValidationError) as info:
            entry.full_clean(
                exclude=[
                    "date_precision",
                    "date_lower",
                    "date_upper",
                    "date_fuzzy_lower",
                    "date_fuzzy_upper",
                ]
            )
        assert "date" in info.value.message_dict


class TestDerivedFields:
    def test_body_is_rendered_and_sanitised_on_save(self):
        article = make_article(body="Hello **world** <script>alert(1)</script>")
        assert "<strong>world</strong>" in article.body_html
        assert "<script" not in article.body_html

    def test_markdown_headings_never_compete_with_the_title(self):
        assert render_markdown("# Quick Analysis") == "<h2>Quick Analysis</h2>"

    def test_a_table_stays_a_table_without_attributes_that_could_run_or_style(self):
        html = render_markdown(
            '<table class="x"><tr><th scope="col">Year</th><th>Visitors</th></tr>'
            '<tr><td onclick="alert(1)">2019</td><td style="color:red" colspan="2">1,200</td>'
            "</tr></table>"
        )
        assert '<th scope="col">Year</th>' in html
        assert '<td>2019</td><td colspan="2">1,200</td>' in html
        assert not any(word in html for word in ("onclick", "style", "class="))

    def test_text_with_breaks_keeps_paragraphs_and_line_breaks(self):
        assert text_with_breaks("<p>One &amp; <em>two</em>.</p><p>Three<br/>four</p>") == (
            "One & two.\n\nThree\nfour"
        )
        assert text_with_breaks("Plain\r\n\r\ntext\nhere  ") == "Plain\n\ntext\nhere"
        assert text_with_breaks("<p> </p>") == ""

    def test_javascript_links_lose_their_href(self):
        assert "javascript:" not in render_markdown("[x](javascript:alert(1))")

    def test_timeline_entry_stores_canonical_date_and_bounds(self):
        entry = make_entry(make_story(), "circa 2004")
        entry.refresh_from_db()
        assert entry.date == "2004~"
        assert entry.date_precision == dates.Precision.YEAR
        assert (entry.date_lower, entry.date_upper) == (dt.date(2004, 1, 1), dt.date(2004, 12, 31))
        assert entry.date_fuzzy_lower < entry.date_lower
        assert (entry.date_month, entry.date_day) == (None, None)

    def test_day_entries_know_their_calendar_day(self):
        entry = make_entry(make_story(), "13 November 2015 21:16")
        assert (entry.date_month, entry.date_day, entry.date_time) == (11, 13, dt.time(21, 16))
        assert entry.date_display == "2015 November 13, 21:16 CET"

    def test_update_anchor_is_its_local_date_with_a_suffix_for_the_second(self):
        article = make_article()
        # 23:30 UTC on the 12th is already the 13th in Paris.
        first = make_update(article, dated_at=dt.datetime(2021, 11, 12, 23, 30, tzinfo=dt.UTC))
        second = make_update(article, dated_at=dt.datetime(2021, 11, 13, 18, 0, tzinfo=dt.UTC))
        assert first.anchor == "update-2021-11-13"
        assert second.anchor == "update-2021-11-13-2"
        assert second.get_absolute_url() == f"{article.get_absolute_url()}#update-2021-11-13-2"

    def test_published_update_keeps_its_anchor_when_its_date_is_corrected(self):
        update = make_update(make_article(), dated_at=dt.datetime(2021, 11, 13, 9, tzinfo=dt.UTC))
        update.dated_at = dt.datetime(2021, 11, 14, 9, tzinfo=dt.UTC)
        update.save()
        assert update.anchor == "update-2021-11-13"


class TestQuerySets:
    def test_timeline_sorts_across_precisions(self):
        story = make_story()
        for text in [
            "2015 November 13, 21:16",
            "2015 November 13",
            "2015",
            "2015 November",
            "2014/2016",
            "circa 2004",
            "2005?",
            "1985 May 4",
            "2015 (Summer)",
        ]:
            make_entry(story, text, text=text)
        order = list(TimelineEntry.objects.filter(story=story).values_list("text", flat=True))
        assert order == [
            "1985 May 4",
            "circa 2004",
            "2005?",
            "2014/2016",
            "2015",
            "2015 (Summer)",
            "2015 November",
            "2015 November 13",
            "2015 November 13, 21:16",
        ]

    def test_overlapping_matches_spans_and_approximate_dates(self):
        story = make_story()
        span = make_entry(story, "1999/2000")
        circa = make_entry(story, "circa 2004")
        day = make_entry(story, "1985 May 4")
        found = set(TimelineEntry.objects.overlapping(dt.date(2000, 1, 1), dt.date(2001, 12, 31)))
        assert found == {span}
        assert circa in TimelineEntry.objects.overlapping(dt.date(2005, 6, 1), dt.date(2005, 6, 30))
        assert set(TimelineEntry.objects.overlapping(end=dt.date(1990, 1, 1))) == {day}

    def test_on_day_matches_only_day_precision(self):
        story = make_story()
        day = make_entry(story, "2015 November 13")
        make_entry(story, "2015 November")
        make_entry(story, "2015")
        assert list(TimelineEntry.objects.on_day(11, 13)) == [day]

    def test_due_lists_only_scheduled_items_whose_time_has_come(self):
        due = make_article(status=Status.SCHEDULED, publish_at=NOW - dt.timedelta(minutes=1))
        make_article(status=Status.SCHEDULED, publish_at=NOW + dt.timedelta(minutes=1))
        make_article(status=Status.DRAFT)
        assert list(Article.objects.due(NOW)) == [due]

    def test_latest_first_puts_the_most_recently_featured_on_top(self):
        old = make_article(featured_at=NOW - dt.timedelta(days=30))
        new = make_article(featured_at=NOW)
        assert list(Article.objects.published().latest_first())[:2] == [new, old]
