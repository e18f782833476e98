"""`manage.py load_demo`: the demo story has every part of a post, and loading it is idempotent."""

import datetime as dt
import io
import zoneinfo

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from timeline import dates, demo
from timeline.models import (
    Article,
    Embed,
    Placement,
    Quote,
    QuotePlacement,
    Status,
    Story,
    TimelineEntry,
    Update,
    UpdateKind,
)

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def load(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def row_counts():
    """Rows in every table the demo can touch, historical and through tables included."""
    models = [*apps.get_app_config("timeline").get_models(include_auto_created=True)]
    models.append(get_user_model())
    return {model._meta.label: model._default_manager.count() for model in models}


@pytest.fixture
def main_article():
    load()
    return Article.objects.get(slug=demo.MAIN_SLUG)


class TestEditorAccount:
    def test_creates_a_staff_editor_with_the_default_password(self, monkeypatch):
        monkeypatch.delenv("DEMO_EDITOR_PASSWORD", raising=False)
        output = load()
        user = get_user_model().objects.get(username="editor")
        assert user.is_staff and user.is_superuser and user.is_active
        assert user.check_password("newsroom-demo")
        assert (
            "Demo editor: http://127.0.0.1:8000/admin/  user: editor  password: newsroom-demo"
            in output
        )

    def test_password_comes_from_the_option_before_the_environment(self, monkeypatch):
        monkeypatch.setenv("DEMO_EDITOR_PASSWORD", "from-the-environment")
        load("--password", "from-the-command-line")
        assert (
            get_user_model().objects.get(username="editor").check_password("from-the-command-line")
        )

    def test_password_comes_from_the_environment(self, monkeypatch):
        monkeypatch.setenv("DEMO_EDITOR_PASSWORD", "from-the-environment")
        load()
        assert (
            get_user_model().objects.get(username="editor").check_password("from-the-environment")
        )

    def test_a_changed_password_is_kept_unless_a_reset_is_asked_for(self):
        load()
        user = get_user_model().objects.get(username="editor")
        user.set_password("chosen-by-the-editor")
        user.save()

        output = load()
        user.refresh_from_db()
        assert user.check_password("chosen-by-the-editor")
        assert "password: newsroom-demo" not in output
        assert "--reset-password" in output

        load("--reset-password")
        user.refresh_from_db()
        assert user.check_password("newsroom-demo")

    def test_a_weak_password_is_refused_and_nothing_is_loaded(self):
        with pytest.raises(CommandError, match="password"):
            load("--password", "123")
        assert not get_user_model().objects.exists()
        assert not Story.objects.exists()


class TestStory:
    def test_story_happened_in_kyiv_at_01_23(self):
        load()
        story = Story.objects.get(slug="chernobyl")
        assert story.event_date == dt.date(1986, 4, 26)
        assert story.event_time == dt.time(1, 23)
        assert story.time_zone == "Europe/Kyiv"
        assert story.summary
        assert {t.slug for t in story.tags.all()} >= {"nuclear", "ukraine", "energy", "disasters"}

    def test_timeline_uses_every_date_form(self):
        load()
        entries = list(TimelineEntry.objects.filter(story__slug="chernobyl").chronological())
        assert len(entries) >= 40
        assert {e.date_precision for e in entries} == set(dates.Precision)
        forms = [e.mixed_date for e in entries]
        assert any(d.approximate for d in forms)
        assert any(d.uncertain for d in forms)
        assert [e.date_display for e in entries if e.date_time] == ["1986 April 26, 01:23 MSD"]

    def test_timeline_marks_key_moments_and_carries_links_and_tags(self):
        load()
        entries = TimelineEntry.objects.filter(story__slug="chernobyl")
        assert entries.filter(is_key_moment=True).count() >= 5
        linked = entries.exclude(reference_url="")
        assert linked.exists()
        assert all(e.reference_url.startswith("https://example.org/") for e in linked)
        assert entries.filter(tags__slug="exclusion-zone").exists()

    def test_timeline_is_in_date_order_across_precisions(self):
        load()
        entries = list(TimelineEntry.objects.filter(story__slug="chernobyl").chronological())
        lowers = [e.date_lower for e in entries]
        assert lowers == sorted(lowers)
        assert entries[0].date_display == "circa 1970"


class TestArticle:
    def test_has_its_title_byline_category_tags_and_first_publication(self, main_article):
        a = main_article
        assert a.title == "Chernobyl: the night reactor No. 4 exploded"
        assert a.kicker == "On This Day"
        assert a.authors == ["Mara Lind", "Tomas Reyes"]
        assert a.category.name == "World"
        assert {t.slug for t in a.tags.all()} >= {"nuclear", "ukraine", "energy", "disasters"}
        assert a.status == Status.PUBLISHED
        assert a.published_at == dt.datetime(2016, 4, 26, 9, tzinfo=PARIS)
        assert a.story.slug == "chernobyl"
        assert a.summary

    def test_lede_and_body_carry_datelines_headings_and_a_link(self, main_article):
        a = main_article
        assert a.lede.startswith("**April 26 2021** — ")
        assert "<strong>April 26 2021</strong>" in a.lede_html
        assert "<h2>Quick Analysis</h2>" in a.body_html
        assert "<strong>Saturday April 26 1986</strong> — At 01:23 local time" in a.body_html
        assert 'href="https://example.org/' in a.body_html
        assert a.body_html.count("<p>") >= 5

    def test_opens_with_three_quotes_of_varied_provenance(self, main_article):
        epigraphs = [
            p.quote
            for p in main_article.quote_placements.filter(placement=Placement.EPIGRAPH)
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
        inline = main_article.quote_placements.get(placement=Placement.INLINE)
        assert inline.after_paragraph == 2

    def test_a_quote_opens_one_article_and_reappears_in_another(self):
        load()
        shared = [
            q for q in Quote.objects.all() if q.placements.values("article").distinct().count() >= 2
        ]
        assert shared
        places = QuotePlacement.objects.filter(quote=shared[0])
        assert {p.placement for p in places} == {Placement.EPIGRAPH, Placement.INLINE}

    def test_has_yearly_updates_a_correction_a_note_and_this_years_draft(self, main_article):
        published = main_article.updates.published()
        assert published.count() >= 5
        years = {u.dated_at.astimezone(PARIS).year for u in published}
        assert years >= {2017, 2019, 2021, 2022, 2024}
        assert published.filter(kind=UpdateKind.CORRECTION).exists()
        assert published.filter(kind=UpdateKind.NOTE).exists()
        assert all(u.headline for u in published)
        assert published.filter(anchor="update-2021-04-26").exists()

        draft = main_article.updates.get(dated_at__year=2027)
        assert draft.status == Status.DRAFT
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


class TestIdempotence:
    def test_second_run_creates_and_changes_nothing(self):
        load()
        before = row_counts()
        output = load()
        assert row_counts() == before
        assert "already up to date" in output

    def test_every_history_row_names_the_editor_and_the_reason(self):
        load()
        editor = get_user_model().objects.get(username="editor")
        for model in (Article, Story, TimelineEntry, Update, Quote, Embed):
            rows = model.history.all()
            assert rows.exists()
            assert set(rows.values_list("history_change_reason", flat=True)) == {demo.REASON}
            assert set(rows.values_list("history_user", flat=True)) == {editor.pk}

    def test_rerun_restores_an_edited_field_with_one_history_row(self):
        load()
        article = Article.objects.get(slug=demo.MAIN_SLUG)
        article.title = "Edited by hand"
        article.save()
        history = article.history.count()

        output = load()
        article.refresh_from_db()
        assert article.title == "Chernobyl: the night reactor No. 4 exploded"
        assert article.history.count() == history + 1
        assert article.history.first().history_change_reason == demo.REASON
        assert "updated 1 article" in output

    def test_rerun_leaves_an_edited_draft_update_alone(self):
        load()
        draft = Update.objects.get(article__slug=demo.MAIN_SLUG, status=Status.DRAFT)
        draft.body = "This year's update, as the editor wrote it."
        draft.save()

        assert "already up to date" in load()
        draft.refresh_from_db()
        assert draft.body == "This year's update, as the editor wrote it."

    def test_a_failure_rolls_everything_back_with_one_clear_line(self, monkeypatch):
        broken = [*demo.TIMELINE, demo._entry("1986 Smarch 40", "Not a date.")]
        monkeypatch.setattr(demo, "TIMELINE", broken)
        with pytest.raises(CommandError) as caught:
            load()
        message = str(caught.value)
        assert message.startswith("Could not load the demo content: ")
        assert "\n" not in message
        assert not Story.objects.exists()
        assert not get_user_model().objects.exists()


def test_public_article_page_shows_the_demo(client, main_article):
    response = client.get(main_article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chernobyl: the night reactor No. 4 exploded" in page
    assert "1986 April 26, 01:23 MSD" in page
    assert "Forty-one years on" not in page  # the draft waits for the anniversary
