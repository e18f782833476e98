"""
`manage.py load_demo`: the demo story has every part of a post, its revision history follows the
story's real chronology (so every past edition reads as it stood), and loading it is idempotent.

Loading the demo takes about a second, so the classes that only read it share one load
(`demo`); what a test writes on top rolls back after it.
"""

import datetime as dt
import io
import itertools
import zoneinfo

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from editorial import roles
from timeline import body_anchors, dates, demo, services
from timeline.demo import content
from timeline.models import (
    Article,
    Edition,
    EditionKind,
    EditionStatus,
    Embed,
    Placement,
    Quote,
    QuotePlacement,
    RelatedLink,
    Status,
    Story,
    TimelineEntry,
    Update,
    UpdateKind,
)

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
ORIGINAL_TITLE = "Chernobyl: the night reactor No. 4 exploded"
FIRST_PUBLISHED = dt.datetime(2016, 4, 26, 9, tzinfo=PARIS)


def load(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def run_schedule(now):
    out = io.StringIO()
    call_command("run_schedule", "--now", now.isoformat(), stdout=out)
    return out.getvalue()


def row_counts():
    """Rows in every table the demo can touch, historical and through tables included."""
    models = [*apps.get_app_config("timeline").get_models(include_auto_created=True)]
    models.append(get_user_model())
    return {model._meta.label: model._default_manager.count() for model in models}


@pytest.fixture(scope="class")
def demo_loaded(django_db_setup, django_db_blocker):
    """
    One load for a whole class, inside a transaction that each test's own (nested) one rolls
    back to, and that is rolled back itself when the class is done.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        started = timezone.now()
        load()
        yield started
        transaction.set_rollback(True)


@pytest.fixture
def loaded_at(demo_loaded):
    return demo_loaded


@pytest.fixture
def main_article(demo_loaded):
    return Article.objects.get(slug=demo.MAIN_SLUG)


@pytest.fixture
def editor(demo_loaded):
    return get_user_model().objects.get(username="editor")


@pytest.fixture
def story(demo_loaded):
    return Story.objects.get(slug="chernobyl")


def passed_anniversaries(story, now):
    return [year for year in range(2017, now.year + 1) if story.anniversary_go_live(year) <= now]


def history_dates(queryset):
    return set(queryset.values_list("history_date", flat=True))


def test_a_failure_rolls_everything_back_with_one_clear_line(monkeypatch):
    broken = [*content.TIMELINE, {"date": "1986 Smarch 40", "text": "Not a date."}]
    monkeypatch.setattr(content, "TIMELINE", broken)
    with pytest.raises(CommandError) as caught:
        load()
    message = str(caught.value)
    assert message.startswith("Could not load the demo content: ")
    assert "\n" not in message
    assert not Story.objects.exists()
    assert not get_user_model().objects.exists()


def test_loaded_before_an_anniversary_the_editions_stop_at_the_last_one_past():
    """The replay follows the clock it is loaded at, so the demo is right in any year."""
    story_2019 = Story(event_date=dt.date(1986, 4, 26))
    now = story_2019.anniversary_go_live(2019) - dt.timedelta(minutes=1)
    demo.load_demo(now=now)
    article = Article.objects.get(slug=demo.MAIN_SLUG)
    assert list(article.editions.values_list("key", "status")) == [
        ("2018", EditionStatus.LIVE),
        ("2017", EditionStatus.SUPERSEDED),
        ("2016", EditionStatus.SUPERSEDED),
    ]
    assert article.featured_at == story_2019.anniversary_go_live(2018)


@pytest.mark.usefixtures("demo_loaded")
class TestContent:
    def test_story_happened_in_kyiv_at_01_23(self, story):
        assert story.event_date == dt.date(1986, 4, 26)
        assert story.event_time == dt.time(1, 23)
        assert story.time_zone == "Europe/Kyiv"
        assert story.summary
        assert {t.slug for t in story.tags.all()} >= {"nuclear", "ukraine", "energy", "disasters"}

    def test_timeline_uses_every_date_form(self):
        entries = list(TimelineEntry.objects.filter(story__slug="chernobyl").chronological())
        assert len(entries) >= 40
        assert {e.date_precision for e in entries} == set(dates.Precision)
        forms = [e.mixed_date for e in entries]
        assert any(d.approximate for d in forms)
        assert any(d.uncertain for d in forms)
        assert [e.date_display for e in entries if e.date_time] == ["1986 April 26, 01:23 MSD"]

    def test_timeline_marks_key_moments_and_carries_links_and_tags(self):
        entries = TimelineEntry.objects.filter(story__slug="chernobyl")
        assert entries.filter(is_key_moment=True).count() >= 5
        linked = entries.exclude(reference_url="")
        assert linked.exists()
        assert all(e.reference_url.startswith("https://example.org/") for e in linked)
        assert entries.filter(tags__slug="exclusion-zone").exists()

    def test_timeline_is_in_date_order_across_precisions(self):
        entries = list(TimelineEntry.objects.filter(story__slug="chernobyl").chronological())
        lowers = [e.date_lower for e in entries]
        assert lowers == sorted(lowers)
        assert entries[0].date_display == "circa 1970"

    def test_has_its_byline_category_tags_and_first_publication(self, main_article):
        a = main_article
        assert a.kicker == "On This Day"
        assert a.authors == ["Mara Lind", "Tomas Reyes"]
        assert [c.name for c in a.categories.all()] == ["World"]
        assert {t.slug for t in a.tags.all()} >= {"nuclear", "ukraine", "energy", "disasters"}
        assert a.status == Status.PUBLISHED
        assert a.published_at == FIRST_PUBLISHED
        assert a.story.slug == "chernobyl"
        assert a.summary

    def test_lede_and_body_carry_datelines_headings_and_a_link(self, main_article):
        a = main_article
        # The lede as the fortieth anniversary's edition rewrote it (speaking of forty years).
        assert a.lede.startswith("**April 26 2026** — Forty years ago today, ")
        assert "<strong>April 26 2026</strong>" in a.lede_html
        assert "<h2>Quick Analysis</h2>" in a.body_html
        assert "<strong>Saturday April 26 1986</strong> — At 01:23 local time" in a.body_html
        assert 'href="https://example.org/' in a.body_html
        assert a.body_html.count("<p>") >= 5

    def test_opens_with_three_quotes_of_varied_provenance(self, main_article):
        epigraphs = [
            p.quote
            for p in main_article.quote_placements.filter(placement=Placement.TOP)
            .select_related("quote")
            .order_by("order")
        ]
        assert len(epigraphs) >= 3
        precisions = {q.said_on_date.precision for q in epigraphs}
        assert precisions == {dates.Precision.DAY, dates.Precision.MONTH, dates.Precision.YEAR}
        assert any(q.work and q.outlet for q in epigraphs)
        assert any(q.speaker_role and not q.work and not q.outlet for q in epigraphs)
        assert any(q.source_url for q in epigraphs)
        urls = [q.source_url for q in Quote.objects.exclude(source_url="")]
        assert all(u.startswith(("https://example.org/", "https://example.com/")) for u in urls)

    def test_has_an_inline_quote_after_the_second_paragraph(self, main_article):
        inline = main_article.quote_placements.get(placement=Placement.BODY)
        assert inline.anchor == body_anchors.anchor_of_paragraph(main_article.body_html, 2)
        assert inline.is_found()

    def test_a_quote_opens_one_article_and_reappears_in_another(self, demo_loaded):
        shared = [
            q for q in Quote.objects.all() if q.placements.values("article").distinct().count() >= 2
        ]
        assert shared
        places = QuotePlacement.objects.filter(quote=shared[0])
        assert {p.placement for p in places} == {Placement.TOP, Placement.BODY}

    def test_has_yearly_updates_a_correction_a_note_and_this_years_draft(self, main_article):
        published = main_article.updates.published()
        assert published.count() >= 5
        years = {u.dated_at.astimezone(PARIS).year for u in published}
        assert years >= {2017, 2019, 2021, 2022, 2024}
        assert published.filter(kind=UpdateKind.CORRECTION).exists()
        assert published.filter(kind=UpdateKind.NOTE).exists()
        assert all(u.headline for u in published)
        assert published.filter(anchor="update-2021-04-26").exists()

        live = main_article.editions.get(status=EditionStatus.LIVE)
        draft = main_article.updates.get(status=Status.DRAFT)
        assert draft.dated_at == main_article.story.anniversary_go_live(live.year + 1)
        assert draft.published_at is None

    def test_updates_have_flashbacks_and_named_questions_and_answers(self, main_article):
        bodies = [u.body_html for u in main_article.updates.published()]
        assert any("<strong>Flashback —</strong>" in b for b in bodies)
        assert any("<strong>Q (Mara Lind):</strong>" in b for b in bodies)
        assert any("<strong>A (Olena Petrenko):</strong>" in b for b in bodies)

    def test_links_related_posts_inside_and_outside_the_site(self, main_article):
        links = list(main_article.related_links.select_related("target"))
        assert len(links) >= 4
        internal = [link for link in links if link.target_id]
        external = [link for link in links if not link.target_id]
        assert any(link.label for link in internal)
        assert any(not link.label for link in internal)
        assert all(link.target.is_published for link in internal)
        assert external
        assert all(
            link.url.startswith(("https://example.org/", "https://example.com/"))
            for link in external
        )

    def test_the_second_article_shares_a_tag_and_links_back(self, main_article):
        second = Article.objects.get(slug=demo.NSC_SLUG)
        assert second.is_published
        assert set(second.tags.all()) & set(main_article.tags.all())
        assert second.related_links.filter(target=main_article).exists()

    def test_lists_references_and_embeds_a_video_and_an_audio_item(self, main_article):
        references = list(main_article.references.all())
        assert len(references) >= 3
        assert all(r.url and r.outlet and r.accessed_on for r in references)
        assert len({r.published_on_date.precision for r in references}) >= 3

        video = main_article.embeds.get(kind="video")
        assert video.provider == "Example News"
        assert video.title == "Special report: inside the exclusion zone"
        assert video.player_url.startswith("https://www.youtube-nocookie.com/embed/")
        audio = main_article.embeds.get(kind="audio")
        assert audio.player_url is None

    def test_public_article_page_shows_the_demo(self, client, main_article, story):
        response = client.get(main_article.get_absolute_url())
        assert response.status_code == 200
        page = response.content.decode()
        assert main_article.title in page
        assert "1986 April 26, 01:23 MSD" in page
        draft = main_article.updates.get(status=Status.DRAFT)
        assert draft.headline not in page  # the draft waits for the anniversary


class TestEditions:
    def test_first_publication_and_every_past_anniversary_are_editions(
        self, main_article, story, loaded_at
    ):
        years = passed_anniversaries(story, loaded_at)
        editions = list(main_article.editions.all())  # newest first
        assert [e.year for e in editions] == [*reversed(years), 2016]
        assert [e.kind for e in editions] == [EditionKind.ANNIVERSARY] * len(years) + [
            EditionKind.ORIGINAL
        ]
        assert [e.status for e in editions] == [EditionStatus.LIVE] + [
            EditionStatus.SUPERSEDED
        ] * len(years)

        original = editions[-1]
        assert (original.title, original.go_live_at, original.went_live_at) == (
            ORIGINAL_TITLE,
            FIRST_PUBLISHED,
            FIRST_PUBLISHED,
        )
        for edition in editions[:-1]:
            go_live = story.anniversary_go_live(edition.year)
            assert edition.title == story.edition_title(edition.year)
            assert edition.go_live_at == edition.went_live_at == go_live
            assert edition.approved_at is not None and not edition.is_late

    def test_each_edition_is_superseded_when_the_next_goes_live(self, main_article):
        editions = list(main_article.editions.order_by("go_live_at"))
        for previous, following in itertools.pairwise(editions):
            assert previous.superseded_at == following.went_live_at
            # Frozen the moment before: what went out with the next edition is not in it.
            assert following.went_live_at - dt.timedelta(seconds=1) == previous.frozen_at
        assert editions[-1].superseded_at is None

    def test_the_article_carries_the_live_editions_title(self, main_article):
        live = main_article.editions.get(status=EditionStatus.LIVE)
        assert main_article.title == live.title
        assert main_article.featured_at == live.went_live_at
        assert main_article.published_at == FIRST_PUBLISHED

    def test_article_page_lists_the_editions_newest_first(
        self, client, main_article, django_assert_max_num_queries
    ):
        """Guards against N+1 queries: all the demo's editions and content in a fixed number."""
        with django_assert_max_num_queries(10):
            html = client.get(main_article.get_absolute_url()).content.decode()
        editions = html[html.index('id="editions-title"') :]
        live = main_article.editions.get(status=EditionStatus.LIVE)
        assert editions.index(f"{live.went_live_at:%Y}") < editions.index(ORIGINAL_TITLE)
        assert editions.count("(current edition)") == 1
        assert f"/articles/{demo.MAIN_SLUG}/editions/2016/" in editions
        assert f"/articles/{demo.MAIN_SLUG}/editions/2019/" in editions

    def test_the_2019_edition_reads_as_it_stood_in_2019(
        self, client, story, django_assert_max_num_queries
    ):
        """Guards against N+1 queries: the snapshot is rebuilt from history in a fixed number
        (17: one reads its pictures as they were when it was frozen, one its categories)."""
        with django_assert_max_num_queries(17):
            response = client.get(f"/articles/{demo.MAIN_SLUG}/editions/2019/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "You are reading an earlier edition" in html
        assert f'<h1 id="article-title" class="article__title">{story.edition_title(2019)}' in html
        assert "The arch is almost ready" in html  # the 2019 update
        assert "Thirty-five years on" not in html  # the 2021 one
        assert "The New Safe Confinement is formally handed over to Ukraine." in html  # 2019
        assert "Russian forces take control of the station" not in html  # 2022
        assert "Visitors expect a ruin." not in html  # said in October 2021
        assert "Fukushima, ten years on" not in html  # a related post of 2021

    def test_the_original_edition_has_the_first_title_and_lede(self, client):
        html = client.get(f"/articles/{demo.MAIN_SLUG}/editions/2016/").content.decode()
        assert f">{ORIGINAL_TITLE}</h1>" in html
        assert "<strong>April 26 2016</strong> — Thirty years ago today" in html
        assert "A new arch over the ruin" not in html  # the first update came a year later
        assert "What the Vienna review meeting heard" in html

    def test_run_schedule_prepares_and_publishes_the_next_anniversary(
        self, client, main_article, story, loaded_at
    ):
        current = main_article.editions.get(status=EditionStatus.LIVE)
        year = current.year + 1
        go_live = story.anniversary_go_live(year)

        out = io.StringIO()
        call_command(
            "run_schedule", "--now", (go_live - dt.timedelta(days=1)).isoformat(), stdout=out
        )
        assert "1 prepared, 0 live" in out.getvalue()
        call_command("run_schedule", "--now", go_live.isoformat(), stdout=out)
        assert "0 prepared, 1 live" in out.getvalue()

        main_article.refresh_from_db()
        current.refresh_from_db()
        assert main_article.title == story.edition_title(year)
        assert main_article.editions.get(status=EditionStatus.LIVE).year == year
        assert current.status == EditionStatus.SUPERSEDED
        snapshot = client.get(current.get_absolute_url())
        assert snapshot.status_code == 200
        assert f">{current.title}</h1>" in snapshot.content.decode()
        page = client.get(main_article.get_absolute_url()).content.decode()
        assert f">{story.edition_title(year)}</h1>" in page

    # Every history row is dated when it would have been written, not when the demo was loaded.

    def test_updates_are_written_at_their_date_and_the_draft_now(self, main_article, loaded_at):
        for update in main_article.updates.published():
            assert history_dates(update.history.all()) == {update.dated_at}
        draft = main_article.updates.get(status=Status.DRAFT)
        (written,) = history_dates(draft.history.all())
        assert written >= loaded_at

    def test_the_timeline_grows_as_events_happen(self, story):
        entries = {e.date: e for e in story.timeline_entries.all()}
        invasion = entries[dates.parse("2022 February 24").edtf]
        assert history_dates(invasion.history.all()) == {dt.datetime(2022, 2, 25, 9, tzinfo=PARIS)}
        summer = entries[dates.parse("2019 (Summer)").edtf]
        assert history_dates(summer.history.all()) == {dt.datetime(2019, 9, 1, 9, tzinfo=PARIS)}
        before = entries[dates.parse("circa 1970").edtf]
        assert history_dates(before.history.all()) == {FIRST_PUBLISHED}

    def test_article_rows_follow_its_editions(self, main_article):
        rows = list(main_article.history.order_by("history_date", "history_id"))
        assert {r.history_date for r in rows[:2]} == {FIRST_PUBLISHED}  # created, tagged
        assert rows[0].title == ORIGINAL_TITLE
        assert rows[0].lede.startswith("**April 26 2016** — ")
        went_live = [r for r in rows if r.history_change_reason.endswith("went live")]
        anniversaries = main_article.editions.filter(kind=EditionKind.ANNIVERSARY)
        assert [(r.history_date, r.title, r.history_change_reason) for r in went_live] == [
            (e.went_live_at, e.title, f"Edition {e.key} went live")
            for e in anniversaries.order_by("go_live_at")
        ]
        rewritten = next(r for r in went_live if r.lede.startswith("**April 26 2021**"))
        assert rewritten.history_change_reason == "Edition 2021 went live"

    def test_editions_are_prepared_approved_and_made_live_on_time(self, main_article, story):
        edition = main_article.editions.get(year=2019)
        go_live = story.anniversary_go_live(2019)
        rows = edition.history.order_by("history_date", "history_id")
        assert [(r.history_date, r.history_change_reason) for r in rows] == [
            (go_live - dt.timedelta(days=story.lead_days), "Prepared anniversary edition"),
            (go_live - dt.timedelta(days=1), "Approved edition"),
            (go_live, "Edition went live"),
            (story.anniversary_go_live(2020), "Superseded by edition 2020"),
        ]

    def test_quotes_and_links_are_written_once_both_ends_exist(self, main_article):
        koval = QuotePlacement.objects.get(article=main_article, quote__speaker="Dmytro Koval")
        assert history_dates(koval.history.all()) == {dt.datetime(2021, 11, 1, 9, tzinfo=PARIS)}
        fukushima = RelatedLink.objects.get(article=main_article, target__slug=demo.FUKUSHIMA_SLUG)
        assert history_dates(fukushima.history.all()) == {dt.datetime(2021, 3, 11, 9, tzinfo=PARIS)}
        for embed in main_article.embeds.all():
            assert history_dates(embed.history.all()) == {FIRST_PUBLISHED}

    def test_every_history_row_names_the_editor_and_the_reason(self, demo_loaded):
        editor = get_user_model().objects.get(username="editor")
        for model in (Article, Story, TimelineEntry, Update, Quote, Embed, Edition):
            rows = model.history.all()
            assert rows.exists()
            assert set(rows.values_list("history_user", flat=True)) == {editor.pk}
        for model in (Story, TimelineEntry, Update, Quote, Embed):
            assert set(model.history.values_list("history_change_reason", flat=True)) == {
                demo.REASON
            }
        assert set(Edition.history.values_list("history_change_reason", flat=True)) >= {
            "First publication",
            "Prepared anniversary edition",
            "Approved edition",
            "Edition went live",
            "Superseded by edition 2017",
        }


class TestRerun:
    """Runs on top of a loaded demo: what an operator does with it later."""

    def test_second_run_creates_and_changes_nothing(self, demo_loaded):
        before = row_counts()
        output = load()
        assert row_counts() == before
        assert "already up to date" in output

    def test_recreates_a_deleted_editor_with_the_default_password(self, monkeypatch, editor):
        monkeypatch.delenv("DEMO_EDITOR_PASSWORD", raising=False)
        editor.delete()
        output = load()
        user = get_user_model().objects.get(username="editor")
        assert user.is_staff and not user.is_superuser and user.is_active
        assert user.groups.filter(name=roles.EDITOR).exists()
        assert user.check_password("newsroom-demo")
        assert "created 1 user." in output
        assert (
            "Demo editor (Editor role): http://127.0.0.1:8000/admin/  user: editor  "
            "password: newsroom-demo" in output
        )

    def test_password_comes_from_the_option_before_the_environment(self, monkeypatch, editor):
        monkeypatch.setenv("DEMO_EDITOR_PASSWORD", "from-the-environment")
        editor.delete()
        load("--password", "from-the-command-line")
        assert (
            get_user_model().objects.get(username="editor").check_password("from-the-command-line")
        )

    def test_password_comes_from_the_environment(self, monkeypatch, editor):
        monkeypatch.setenv("DEMO_EDITOR_PASSWORD", "from-the-environment")
        editor.delete()
        load()
        assert (
            get_user_model().objects.get(username="editor").check_password("from-the-environment")
        )

    def test_a_changed_password_is_kept_unless_a_reset_is_asked_for(self, editor):
        editor.set_password("chosen-by-the-editor")
        editor.save()

        output = load()
        editor.refresh_from_db()
        assert editor.check_password("chosen-by-the-editor")
        assert "user: editor  password: newsroom-demo" not in output
        assert "--reset-password" in output

        load("--reset-password")
        editor.refresh_from_db()
        assert editor.check_password("newsroom-demo")

    def test_a_weak_password_is_refused_and_nothing_is_written(self, editor):
        editor.delete()
        before = row_counts()
        with pytest.raises(CommandError, match="password"):
            load("--password", "123")
        assert row_counts() == before

    def test_restores_an_edited_field_with_one_history_row_of_today(self, main_article):
        main_article.kicker = "Edited by hand"
        main_article.save()
        history = main_article.history.count()
        started = timezone.now()

        output = load()
        main_article.refresh_from_db()
        assert main_article.kicker == "On This Day"
        assert main_article.history.count() == history + 1
        fix = main_article.history.order_by("-history_date").first()
        assert fix.history_change_reason == demo.REASON
        assert fix.history_date >= started
        assert "updated 1 article" in output

    def test_leaves_the_title_to_the_editions(self, main_article, editor):
        services.cut_manual_edition(
            article=main_article, suffix="the arch is repaired", user=editor
        )
        main_article.refresh_from_db()
        assert main_article.title.endswith("[UPDATE: the arch is repaired]")

        assert "already up to date" in load()
        main_article.refresh_from_db()
        assert main_article.title.endswith("[UPDATE: the arch is repaired]")

    def test_leaves_an_edited_draft_update_alone(self, demo_loaded):
        draft = Update.objects.get(article__slug=demo.MAIN_SLUG, status=Status.DRAFT)
        draft.body = "This year's update, as the editor wrote it."
        draft.save()

        assert "already up to date" in load()
        draft.refresh_from_db()
        assert draft.body == "This year's update, as the editor wrote it."
