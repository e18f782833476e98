"""The editors' admin, driven through its real views with a logged-in superuser."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.factories import (
    make_article,
    make_category,
    make_embed,
    make_entry,
    make_quote,
    make_reference,
    make_related,
    make_story,
    make_tag,
    make_update,
    make_user,
    place_quote,
)
from timeline import dates
from timeline.models import Article, Status, Story, Tag, TimelineEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = make_user(is_superuser=True)
    assert client.login(username=user.username, password=user.raw_password)
    return user


def url(model, view="changelist", *args):
    return reverse(f"admin:timeline_{model}_{view}", args=args)


def inline(prefix, *rows, initial=0):
    """POST data of one inline formset: its management form, then each row's fields."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{name}": value for name, value in row.items()})
    return data


def article_data(**overrides):
    """A valid add-article POST with every inline formset present and empty."""
    data = {
        "kicker": "On This Day",
        "title": "The night of 13 November",
        "slug": "the-night-of-13-november",
        "byline": "Ada Reporter",
        "status": Status.DRAFT,
        "publish_at_0": "",
        "publish_at_1": "",
        "lede": "**November 13 2015** — It began on a Friday night.",
        "body": "The original article.",
        "comments_open": "on",
        **inline("updates"),
        **inline("quote_placements"),
        **inline("related_links"),
        **inline("embeds"),
        **inline("references"),
    }
    return {**data, **overrides}


def story_data(dates_typed, **overrides):
    data = {
        "title": "The attacks of 13 November",
        "slug": "attacks-13-november",
        "event_date": "2015-11-13",
        "event_time": "21:16",
        "time_zone": "Europe/Paris",
        "summary": "Coordinated attacks in Paris and Saint-Denis.",
        "publish_time": "09:00",
        "lead_days": "7",
        "title_pattern": "On This Day — {story} ({event_date})",
        "milestone_patterns": '{"5": "Five Years Ago — {story}"}',
        **inline("timeline_entries", *({"date": d, "text": f"Typed {d}."} for d in dates_typed)),
    }
    return {**data, **overrides}


class TestChangelists:
    # Queries per changelist page, whatever the number of rows.
    QUERIES = {"article": 10, "update": 8, "story": 6, "timelineentry": 7, "quote": 5}
    QUERIES |= {"category": 5, "tag": 5}

    @pytest.mark.parametrize("model", list(QUERIES))
    def test_each_changelist_lists_its_rows(
        self, client, editor, model, django_assert_max_num_queries
    ):
        """Five of everything; the pinned count guards against a query per row (N+1)."""
        tag, category = make_tag(name="Paris"), make_category(name="Attacks")
        for n in range(5):
            story = make_story(title=f"Story {n}", time_zone="Europe/Paris")
            make_entry(story, "2015-11-13T21:16:00", text=f"Entry {n}.")
            article = make_article(title=f"Article {n}", story=story, category=category)
            article.tags.add(tag)
            make_update(article, headline=f"Update {n}")
            place_quote(article, make_quote(speaker=f"Speaker {n}"))
        with django_assert_max_num_queries(self.QUERIES[model]):
            response = client.get(url(model))
        assert response.status_code == 200
        assert response.context["cl"].result_count == (1 if model in {"tag", "category"} else 5)

    def test_timeline_entries_show_the_date_in_house_style(self, client, editor):
        make_entry(make_story(time_zone="Europe/Paris"), "2015-11-13T21:16:00")
        assert "2015 November 13, 21:16 CET" in client.get(url("timelineentry")).text

    def test_quotes_show_date_in_house_style_and_number_of_placements(self, client, editor):
        quote = make_quote(speaker="Jane Speaker", said_on="2016-04")
        place_quote(make_article(), quote)
        place_quote(make_article(), quote)
        response = client.get(url("quote"))
        row = response.context["cl"].result_list[0]
        assert row.placement_count == 2
        assert "2016 April" in response.text


class TestAddArticle:
    def test_every_inline_is_saved_with_who_and_why_in_history(self, client, editor):
        story, tag, category = make_story(), make_tag(), make_category()
        quote, other = make_quote(), make_article(title="Five years on")
        reason = "First draft for the tenth anniversary"
        data = article_data(
            story=story.pk,
            categories=[category.pk],
            tags=[tag.pk],
            change_reason=reason,
            **inline(
                "updates",
                {"kind": "update", "headline": "Ten years on", "body": "The memorial opened."}
                | {"dated_at_0": "2025-11-13", "dated_at_1": "09:00", "status": Status.DRAFT},
            ),
            **inline("quote_placements", {"quote": quote.pk, "placement": "top", "order": 0}),
            **inline(
                "related_links",
                {"target": other.pk, "order": 0},
                {"url": "https://example.org/inquiry", "label": "The report", "order": 1},
            ),
            **inline(
                "references",
                {"title": "Inquiry report", "published_on": "2016 April 11", "order": 0},
            ),
            **inline(
                "embeds",
                {"kind": "video", "provider": "Example News", "title": "Special report"}
                | {"url": "https://www.youtube.com/watch?v=abcdefghijk", "order": 0},
            ),
        )
        response = client.post(url("article", "add"), data)
        assert response.status_code == 302, response.context and response.context["errors"]

        article = Article.objects.get(slug="the-night-of-13-november")
        assert (article.story, list(article.categories.all())) == (story, [category])
        assert list(article.tags.all()) == [tag]
        update = article.updates.get()
        assert (update.headline, update.anchor) == ("Ten years on", "update-2025-11-13")
        assert article.quote_placements.get().quote == quote
        assert {(r.target, r.url) for r in article.related_links.all()} == {
            (other, ""),
            (None, "https://example.org/inquiry"),
        }
        assert article.references.get().published_on == "2016-04-11"
        assert article.embeds.get().title == "Special report"

        rows = [
            article,
            update,
            *article.quote_placements.all(),
            *article.related_links.all(),
            *article.references.all(),
            *article.embeds.all(),
        ]
        for row in rows:
            records = list(row.history.all())
            assert records, row
            assert {(r.history_user, r.history_change_reason) for r in records} == {
                (editor, reason)
            }, row

    def test_published_on_the_form_goes_through_the_services(self, client, editor):
        """Article and inline update both get their publication dates from the services."""
        update = {"kind": "update", "body": "Ten years on.", "status": Status.PUBLISHED}
        update |= {"dated_at_0": "2025-11-13", "dated_at_1": "09:00"}
        data = article_data(status=Status.PUBLISHED, **inline("updates", update))
        response = client.post(url("article", "add"), data)
        assert response.status_code == 302
        article = Article.objects.get()
        assert article.published_at is not None
        assert article.featured_at == article.published_at
        assert article.updates.get().published_at is not None
        record = article.history.earliest()
        assert (record.history_user, record.history_change_reason) == (editor, "Created in admin")

    def test_scheduling_on_the_form_goes_through_the_service(self, client, editor):
        data = article_data(
            status=Status.SCHEDULED, publish_at_0="2026-11-13", publish_at_1="07:00"
        )
        assert client.post(url("article", "add"), data).status_code == 302
        article = Article.objects.get()
        assert (article.status, article.published_at) == (Status.SCHEDULED, None)
        assert article.publish_at == dt.datetime(2026, 11, 13, 6, 0, tzinfo=dt.UTC)  # Paris time

    def test_scheduled_without_a_time_is_a_form_error_that_keeps_the_input(self, client, editor):
        response = client.post(url("article", "add"), article_data(status=Status.SCHEDULED))
        assert response.status_code == 200
        assert "Give the date and time it goes live" in response.text
        assert 'value="The night of 13 November"' in response.text
        assert not Article.objects.exists()

    def test_duplicate_slug_is_a_form_error(self, client, editor):
        make_article(slug="the-night-of-13-november")
        response = client.post(url("article", "add"), article_data())
        assert response.status_code == 200
        assert "Article with this Slug already exists." in response.text
        assert Article.objects.count() == 1


class TestEditArticle:
    def test_updates_are_listed_newest_first_below_one_empty_form(self, client, editor):
        article = make_article()
        make_update(
            article, headline="Nine years on", dated_at=dt.datetime(2024, 11, 13, tzinfo=dt.UTC)
        )
        make_update(
            article, headline="Ten years on", dated_at=dt.datetime(2025, 11, 13, tzinfo=dt.UTC)
        )
        html = client.get(url("article", "change", article.pk)).text
        empty_form = html.index('name="updates-0-body"')
        assert empty_form < html.index("Ten years on") < html.index("Nine years on")
        assert '<textarea name="updates-0-body"' in html
        # A new update (no id), then the existing ones in a list of their own.
        assert '<input type="hidden" name="updates-0-id" id="id_updates-0-id">' in html
        assert 'name="updates-2-0-id"' in html

    def test_publishing_on_the_form_features_the_article_with_the_reason(self, client, editor):
        article = make_article(status=Status.DRAFT, slug="draft-one", title="Draft one")
        data = article_data(title="Draft one", slug="draft-one", status=Status.PUBLISHED)
        data.update(change_reason="Anniversary edition", **inline("updates-2"))
        assert client.post(url("article", "change", article.pk), data).status_code == 302
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        assert article.featured_at == article.published_at is not None
        record = article.history.latest()
        assert (record.history_user, record.history_change_reason) == (
            editor,
            data["change_reason"],
        )

    def test_a_draft_has_a_working_view_on_site_link(self, client, editor):
        article = make_article(status=Status.DRAFT)
        html = client.get(url("article", "change", article.pk)).text
        assert f'href="{article.get_absolute_url()}"' in html
        assert client.get(article.get_absolute_url()).status_code == 200

    def test_history_view_shows_who_and_why_and_a_version_can_be_opened(self, client, editor):
        article = make_article()
        data = article_data(title=article.title, slug=article.slug, status=Status.PUBLISHED)
        data.update(change_reason="Fixed the byline", **inline("updates-2"))
        client.post(url("article", "change", article.pk), data)
        response = client.get(url("article", "history", article.pk))
        assert response.status_code == 200
        assert "Fixed the byline" in response.text
        first = article.history.earliest()
        version = url("article", "simple_history", article.pk, first.history_id)
        assert client.get(version).status_code == 200


class TestArticleActions:
    def run_action(self, client, action, *articles):
        pks = [a.pk for a in articles]
        return client.post(url("article"), {"action": action, "_selected_action": pks}, follow=True)

    def test_publish_now_goes_through_the_service_and_writes_history(self, client, editor):
        draft = make_article(status=Status.DRAFT)
        response = self.run_action(client, "publish_now", draft)
        draft.refresh_from_db()
        assert draft.status == Status.PUBLISHED
        assert draft.published_at and draft.featured_at
        record = draft.history.latest()
        assert (record.history_user, record.history_change_reason) == (editor, "Published")
        assert "1 article published." in response.text

    def test_unpublish_goes_through_the_service_and_keeps_the_first_date(self, client, editor):
        article = make_article()
        first = article.published_at
        response = self.run_action(client, "unpublish", article)
        article.refresh_from_db()
        assert (article.status, article.published_at) == (Status.DRAFT, first)
        record = article.history.latest()
        assert (record.history_user, record.history_change_reason) == (editor, "Unpublished")
        assert "1 article unpublished." in response.text

    def test_publishing_leaves_already_published_articles_alone(self, client, editor):
        article = make_article()
        featured = article.featured_at
        response = self.run_action(client, "publish_now", article)
        article.refresh_from_db()
        assert article.featured_at == featured
        assert "1 already published" in response.text

    def test_update_actions_use_the_services(self, client, editor):
        update = make_update(make_article(), status=Status.DRAFT)
        client.post(url("update"), {"action": "publish_now", "_selected_action": [update.pk]})
        update.refresh_from_db()
        assert update.status == Status.PUBLISHED and update.published_at
        assert update.history.latest().history_change_reason == "Published update"


class TestStoryTimeline:
    TYPED = {
        "1985 May 4": ("1985-05-04", dt.date(1985, 5, 4), dt.date(1985, 5, 4)),
        "2006 May": ("2006-05", dt.date(2006, 5, 1), dt.date(2006, 5, 31)),
        "1999/2000": ("1999/2000", dt.date(1999, 1, 1), dt.date(2000, 12, 31)),
        "2015 (Summer)": ("2015-22", dt.date(2015, 6, 1), dt.date(2015, 8, 31)),
        "circa 2004": ("2004~", dt.date(2004, 1, 1), dt.date(2004, 12, 31)),
        "2005?": ("2005?", dt.date(2005, 1, 1), dt.date(2005, 12, 31)),
        "13 November 2015 21:16": (
            "2015-11-13T21:16:00",
            dt.date(2015, 11, 13),
            dt.date(2015, 11, 13),
        ),
    }

    def test_entries_typed_as_editors_write_them_are_stored_as_edtf(self, client, editor):
        data = story_data(list(self.TYPED), change_reason="Timeline from the archive")
        response = client.post(url("story", "add"), data)
        assert response.status_code == 302, response.context and response.context["errors"]
        story = Story.objects.get()
        stored = {e.date: (e.date_lower, e.date_upper) for e in story.timeline_entries.all()}
        assert stored == {edtf: (lower, upper) for edtf, lower, upper in self.TYPED.values()}
        timed = story.timeline_entries.get(date_time__isnull=False)
        assert timed.date_time == dt.time(21, 16)
        for entry in story.timeline_entries.all():
            record = entry.history.get()
            assert (record.history_user, record.history_change_reason) == (
                editor,
                "Timeline from the archive",
            )

    def test_change_form_lists_entries_chronologically_in_house_style(self, client, editor):
        story = make_story(time_zone="Europe/Paris")
        for edtf in ["2015-11-13T21:16:00", "1985-05-04", "1999/2000", "2004~"]:
            make_entry(story, edtf)
        html = client.get(url("story", "change", story.pk)).text
        shown = ["1985 May 4", "1999/2000", "circa 2004", "2015 November 13, 21:16 CET"]
        positions = [html.index(f'value="{text}"') for text in shown]
        assert positions == sorted(positions)

    def test_saving_unchanged_entries_does_not_version_them_again(self, client, editor):
        story = make_story(title="Unchanged", slug="unchanged", time_zone="Europe/Paris")
        entry = make_entry(story, "2015-11-13T21:16:00")
        data = story_data([], title="Unchanged", slug="unchanged", event_time="")
        shown = {"id": entry.pk, "date": "2015 November 13, 21:16 CET", "text": entry.text}
        data.update(inline("timeline_entries", shown, initial=1))
        response = client.post(url("story", "change", story.pk), data)
        assert response.status_code == 302
        assert entry.history.count() == 1

    def test_a_bad_date_shows_the_error_and_keeps_what_was_typed(self, client, editor):
        with pytest.raises(dates.InvalidDate) as expected:
            dates.parse("2015 Febtember 31")
        response = client.post(url("story", "add"), story_data(["1985 May 4", "2015 Febtember 31"]))
        assert response.status_code == 200
        assert escape(str(expected.value)) in response.text
        assert 'value="2015 Febtember 31"' in response.text
        assert 'value="1985 May 4"' in response.text
        assert not Story.objects.exists() and not TimelineEntry.objects.exists()

    def test_unknown_time_zone_is_a_form_error(self, client, editor):
        response = client.post(url("story", "add"), story_data([], time_zone="Europe/Atlantis"))
        assert response.status_code == 200
        assert "is not a time zone name" in response.text


class TestSlugsAndAutocomplete:
    def test_duplicate_tag_slug_is_a_form_error_not_an_integrity_error(self, client, editor):
        make_tag(name="Paris", slug="paris")
        response = client.post(url("tag", "add"), {"name": "Paris again", "slug": "paris"})
        assert response.status_code == 200
        assert "Tag with this Slug already exists." in response.text
        assert Tag.objects.count() == 1

    def test_quote_autocomplete_finds_quotes_by_their_words_and_speaker(self, client, editor):
        wanted = make_quote(text="We will not forget.", speaker="Jane Speaker")
        make_quote(text="Something else entirely.", speaker="John Other")
        params = "app_label=timeline&model_name=quoteplacement&field_name=quote"
        for term in ["forget", "Jane"]:
            response = client.get(f"/admin/autocomplete/?{params}&term={term}")
            assert response.status_code == 200
            assert [r["id"] for r in response.json()["results"]] == [str(wanted.pk)]

    def test_article_change_form_renders_with_every_inline(self, client, editor):
        article = make_article()
        make_update(article)
        place_quote(article)
        make_related(article)
        make_related(article, url="https://example.org/x", label="Elsewhere")
        make_reference(article, published_on="2016-04")
        make_embed(article)
        response = client.get(url("article", "change", article.pk) + "?edit=links")
        assert response.status_code == 200
        assert 'value="2016 April"' in response.text


class TestArticlePageFitsTheJob:
    """The change page in sections, compact named rows, one zone note (issue 12, item 5)."""

    def test_the_nav_links_every_section_in_the_pages_order(self, client, editor):
        article = make_article()
        make_update(article)
        html = client.get(url("article", "change", article.pk)).text
        start = html.index('<nav class="article-sections"')
        nav = html[start : html.index("</nav>", start)]
        names = ["Content", "Updates", "Quotes", "Links and media", "Timeline", "Editions"]
        places = [nav.index(f">{name}</a>") for name in [*names, "Publishing"]]
        assert places == sorted(places)
        # Each link lands on a heading of the page, and the sections come in the nav's order.
        targets = [part.split('"')[0] for part in nav.split('href="#')[1:]]
        assert len(targets) == 7, targets
        anchors = [html.index(f'id="{target}"') for target in targets]
        assert anchors == sorted(anchors)

    def test_the_zone_is_stated_once_and_dates_read_day_month_year(self, client, editor):
        article = make_article(published_at=dt.datetime(2021, 11, 13, 20, 16, tzinfo=dt.UTC))
        html = client.get(url("article", "change", article.pk)).text
        assert html.count("Dates and times on this page are in Europe/Paris time.") == 1
        assert "13 Nov 2021, 21:16" in html
        listing = client.get(url("article")).text
        assert "13 Nov 2021, 21:16" in listing

    def test_each_input_of_a_row_is_named_for_screen_readers(self, client, editor):
        article = make_article()
        make_reference(article, title="Inquiry report")
        make_related(article)
        html = client.get(url("article", "change", article.pk) + "?edit=links").text
        assert 'aria-label="Title, reference 1"' in html
        assert 'aria-label="Delete, reference 1"' in html
        assert 'aria-label="Target, related link 1"' in html
        # The short lists are drag-ordered: the order travels as a hidden field.
        assert 'name="references-0-order"' in html and 'class="_reorder_"' in html

    def test_errors_show_beside_their_field_and_row(self, client, editor):
        """Errors are rendered only where there are some (templates/admin/includes)."""
        data = article_data(
            status=Status.SCHEDULED,
            **inline("references", {"title": "Report", "published_on": "the 45th of May"}),
        )
        html = client.post(url("article", "add"), data).text
        publish_at = html[: html.index('name="publish_at_0"')]
        row = html[html.index('name="references-0-title"') : html.index("references-empty")]
        assert "Give the date and time it goes live" in publish_at[publish_at.rindex("<div") :]
        assert 'class="flex-container errors' in publish_at
        assert 'class="errorlist' in row and "the 45th of May" in row
        assert html.count('class="errorlist') == 2  # the field's and the row's, no empty ones
