"""
Whole-page revisions: the merged history of an article and everything on its page, comparing
two points of it, restoring it (and undoing the restore), and recovering deleted content.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    authored_by,
    make_article,
    make_embed,
    make_entry,
    make_quote,
    make_reference,
    make_related,
    make_role_user,
    make_story,
    make_tag,
    make_update,
    make_user,
    place_quote,
)
from timeline import revisions, services
from timeline.models import (
    Article,
    Embed,
    Quote,
    QuotePlacement,
    Reference,
    RelatedLink,
    Status,
    TimelineEntry,
    Update,
)

pytestmark = pytest.mark.django_db

BODY = (
    "Beginning at 21:16 the grid failed across the region, and the night that followed "
    "was the longest the city had known."
)


@pytest.fixture
def anna(client):
    user = make_user(is_superuser=True, first_name="Anna", last_name="Keller")
    assert client.login(username=user.username, password=user.raw_password)
    return user


def saved(obj, user, reason, **changes):
    """Change and save `obj` as an editor would: with who and why on its history row."""
    for name, value in changes.items():
        setattr(obj, name, value)
    obj._history_user, obj._change_reason = user, reason
    obj.save()
    return obj


def deleted(obj, user, reason):
    pk = obj.pk
    obj._history_user, obj._change_reason = user, reason
    obj.delete()
    obj.pk = pk  # the test still needs to know which one it was


def admin_url(view, *args):
    return reverse(f"admin:timeline_article_{view}", args=args)


def newest_point(article):
    return revisions.changes_of(article)[0].key


@pytest.fixture
def page():
    """An article with one of everything its page can hold."""
    story = make_story(title="The blackout", time_zone="Europe/Paris")
    article = make_article(title="The night the grid failed", story=story, body=BODY)
    tag = make_tag(name="Energy")
    article.tags.add(tag)
    return SimpleNamespace(
        story=story,
        article=article,
        tag=tag,
        update=make_update(article, headline="One year on", body="The grid held this winter."),
        quote=(quote := make_quote(text="We will not forget.", speaker="Jane Speaker")),
        placement=place_quote(article, quote),
        related=make_related(article, url="https://example.org/inquiry", label="The inquiry"),
        reference=make_reference(article, title="Inquiry report"),
        embed=make_embed(article, title="Special report"),
        entry=make_entry(story, "2015-11-13T21:16:00", text="The grid failed."),
    )


# ----------------------------------------------------------------- aggregated history


class TestRevisionsPage:
    def test_every_part_of_the_page_appears_with_who_and_why(self, client, anna, page):
        ben = make_user(first_name="Ben", last_name="Osei")
        saved(page.article, anna, "Sharper title", title="The night the lights went out")
        saved(page.update, ben, "Fixed the update", body="The grid held, barely.")
        saved(page.quote, ben, "Corrected the quote", text="We shall not forget.")
        saved(page.placement, anna, "Moved the quote", order=3)
        deleted(page.related, anna, "Dead link")
        saved(page.reference, ben, "Better title", title="The inquiry's report")
        saved(page.embed, anna, "Renamed the video", title="Special report, part one")
        saved(page.entry, ben, "More precise", text="The grid failed at 21:16.")
        services.cut_manual_edition(article=page.article, suffix="the inquiry reports", user=anna)
        other = make_article(title="Another article")
        saved(make_update(other), anna, "Not on this page")

        response = client.get(admin_url("revisions", page.article.pk))

        assert response.status_code == 200
        listed = {
            (c.kind.key, c.symbol, c.user, c.reason): c.changed for c in response.context["changes"]
        }
        assert listed[("article", "~", anna, "Sharper title")] == ["Title"]
        assert listed[("update", "~", ben, "Fixed the update")] == ["Body"]
        assert listed[("quote", "~", ben, "Corrected the quote")] == ["Text"]
        assert listed[("placement", "~", anna, "Moved the quote")] == ["Order"]
        assert ("related", "-", anna, "Dead link") in listed
        assert listed[("reference", "~", ben, "Better title")] == ["Title"]
        assert listed[("embed", "~", anna, "Renamed the video")] == ["Title"]
        assert listed[("entry", "~", ben, "More precise")] == ["Text"]
        assert ("edition", "+", anna, "Cut manual edition") in listed
        assert "Not on this page" not in {reason for _, _, _, reason in listed}
        html = response.text
        for text in [
            "Ben Osei",
            "Anna Keller",
            "Timeline entry changed: 2015 November 13, 21:16 CET: The grid failed at 21:16.",
            "Related link deleted: The inquiry",
            "Quote placement changed: At the top (epigraph): We shall not forget.",
        ]:
            assert text in html

    def test_changes_are_listed_newest_first_fifty_a_page(self, client, anna, page):
        for n in range(60):
            saved(page.update, anna, f"Edit {n}", headline=f"Headline {n}")
        first = client.get(admin_url("revisions", page.article.pk))
        reasons = [c.reason for c in first.context["changes"]]
        assert len(reasons) == 50
        assert reasons[:2] == ["Edit 59", "Edit 58"]
        second = client.get(admin_url("revisions", page.article.pk) + "?page=2")
        assert [c.reason for c in second.context["changes"]][:1] == ["Edit 9"]
        assert "Page 2 of 2" in second.text

    def test_the_change_form_links_to_the_revisions(self, client, anna, page):
        html = client.get(admin_url("change", page.article.pk)).text
        assert f'href="{admin_url("revisions", page.article.pk)}"' in html

    def test_page_queries_are_bounded_however_long_the_history(
        self, client, anna, page, django_assert_max_num_queries
    ):
        """Guards against N+1 queries: one per history table and tag table, one for names."""
        for n in range(40):
            saved(page.update, anna, f"Update {n}", body=f"Body {n}")
            saved(page.entry, anna, f"Entry {n}", text=f"Entry text {n}")
            saved(page.placement, anna, f"Placement {n}", order=n)
            saved(page.reference, anna, f"Reference {n}", title=f"Reference {n}")
            page.article.tags.add(make_tag())
        with django_assert_max_num_queries(15):
            response = client.get(admin_url("revisions", page.article.pk))
        assert response.status_code == 200
        with django_assert_max_num_queries(15):
            assert (
                client.get(admin_url("revisions", page.article.pk) + "?page=3").status_code == 200
            )

    def test_a_staff_member_without_view_permission_is_refused(self, client, page):
        client.force_login(make_user())
        assert client.get(admin_url("revisions", page.article.pk)).status_code == 403


# ------------------------------------------------------------------------ comparing


class TestWordDiff:
    def test_changed_words_are_marked_and_everything_is_escaped(self):
        html = revisions.word_diff(
            "The <b>grid</b> failed at night.", "The <b>grid</b> held at night <script>."
        )
        assert html == (
            "The &lt;b&gt;grid&lt;/b&gt; <del>failed</del> <ins>held</ins> at "
            "<del>night.</del> <ins>night &lt;script&gt;.</ins>"
        )

    def test_line_breaks_of_the_newer_text_are_kept(self):
        assert revisions.word_diff("One.\n\nTwo.", "One.\n\nTwo. Three.") == (
            "One.\n\nTwo. <ins>Three.</ins>"
        )


class TestCompare:
    def test_field_by_field_word_level_and_children_added_changed_removed(self, client, anna, page):
        before = newest_point(page.article)
        saved(page.article, anna, "Edit", title="The night the lights went out")
        saved(page.article, anna, "Edit", body=BODY.replace("longest", "darkest"))
        make_update(page.article, headline="Ten years on", body="A memorial opened.")
        saved(page.reference, anna, "Edit", title="The inquiry's final report")
        deleted(page.embed, anna, "Gone")
        saved(page.quote, anna, "Edit", text="We shall not forget.")
        make_entry(page.story, "2025-11-13", text="A memorial opened.")
        after = newest_point(page.article)

        response = client.get(admin_url("compare", page.article.pk), {"from": after, "to": before})

        assert response.status_code == 200
        comparison = response.context["comparison"]
        fields = {f.label: f for f in comparison.fields}
        assert (fields["Title"].before, fields["Title"].after) == (
            "The night the grid failed",
            "The night the lights went out",
        )
        assert "was the <del>longest</del> <ins>darkest</ins> the city" in fields["Body"].diff
        parts = {p.kind.key: p for p in comparison.parts}
        assert [c.label for c in parts["update"].added] == ["13 Nov 2026: Ten years on"]
        assert [c.label for c in parts["reference"].changed] == ["The inquiry's final report"]
        assert [c.label for c in parts["embed"].removed] == ["Special report (Example News)"]
        assert [f.label for f in parts["placement"].changed[0].fields] == ["Quote text"]
        assert [c.label for c in parts["entry"].added] == ["2025 November 13: A memorial opened."]
        html = response.text
        assert "<td><del>The night the grid failed</del></td>" in html
        assert "<ins>darkest</ins>" in html
        assert "Updates" in html and "1 added" in html
        assert "Embedded media" in html and "1 removed" in html

    def test_unknown_points_are_a_404_and_missing_ones_a_message(self, client, anna, page):
        url = admin_url("compare", page.article.pk)
        assert client.get(url, {"from": "update-999999", "to": "x"}).status_code == 404
        other = make_article()
        foreign = newest_point(other)
        assert (
            client.get(url, {"from": foreign, "to": newest_point(page.article)}).status_code == 404
        )
        response = client.get(url, {"from": newest_point(page.article)}, follow=True)
        assert "Choose two revisions to compare." in response.text


# ------------------------------------------------------------------------ restoring


def page_state(article):
    """What the page holds, by id: enough to tell two states apart."""
    article = Article.objects.get(pk=article.pk)
    return {
        "article": (article.title, article.body, set(article.tags.values_list("pk", flat=True))),
        "updates": dict(Update.objects.filter(article=article).values_list("pk", "body")),
        "placements": dict(
            QuotePlacement.objects.filter(article=article).values_list("pk", "order")
        ),
        "related": set(RelatedLink.objects.filter(article=article).values_list("pk", flat=True)),
        "references": dict(Reference.objects.filter(article=article).values_list("pk", "title")),
        "embeds": set(Embed.objects.filter(article=article).values_list("pk", flat=True)),
        "timeline": dict(
            TimelineEntry.objects.filter(story=article.story).values_list("pk", "text")
        ),
    }


def restore(client, article, point, **data):
    return client.post(admin_url("restore", article.pk, point), data)


class TestRestore:
    @pytest.fixture
    def edited(self, anna, page):
        """The page at a point, then edited in every way: returns (point, state then)."""
        point, then = newest_point(page.article), page_state(page.article)
        saved(page.article, anna, "Rewrite", title="Rewritten", body="All new.")
        page.article.tags.clear()
        deleted(page.update, anna, "Removed the update")
        make_update(page.article, body="An update added later.")
        deleted(page.placement, anna, "Dropped the quote")
        deleted(page.related, anna, "Dead link")
        saved(page.reference, anna, "Retitled", title="Another title")
        make_embed(page.article, title="A later video")
        saved(page.entry, anna, "Reworded", text="Reworded entry.")
        make_entry(page.story, "2020", text="A later entry.")
        return point, then

    def test_the_whole_page_comes_back_with_the_original_ids(self, client, anna, page, edited):
        point, then = edited
        published_at = page.article.published_at

        response = restore(client, page.article, point, include_timeline="on")

        assert response.status_code == 302
        assert page_state(page.article) == then
        article = Article.objects.get(pk=page.article.pk)
        assert (article.status, article.slug, article.published_at) == (
            Status.PUBLISHED,
            page.article.slug,
            published_at,
        )  # the address and the publication state are not part of a restore

    def test_every_write_of_the_restore_is_a_revision_stamped_with_who_and_when(
        self, client, anna, page, edited
    ):
        point, _ = edited
        moment = revisions.find_change(page.article, point).when
        reason = f"Restored to {timezone.localtime(moment):%Y-%m-%d %H:%M}"
        started = timezone.now()

        response = restore(client, page.article, point, include_timeline="on")

        restored = [c for c in revisions.changes_of(page.article) if c.when >= started]
        assert {(c.kind.key, c.symbol) for c in restored} == {
            ("article", "~"),
            ("update", "+"),
            ("update", "-"),
            ("placement", "+"),
            ("related", "+"),
            ("reference", "~"),
            ("embed", "-"),
            ("entry", "~"),
            ("entry", "-"),
        }
        assert {(c.user, c.reason) for c in restored} == {(anna, reason)}
        messages = [str(m) for m in response.wsgi_request._messages]
        assert messages[0].startswith(reason + ": ")
        assert "1 update brought back" in messages[0]

    def test_restoring_the_restore_gets_the_edits_back(self, client, anna, page, edited):
        point, _ = edited
        before_restore, edits = newest_point(page.article), page_state(page.article)
        restore(client, page.article, point, include_timeline="on")

        response = restore(client, page.article, before_restore, include_timeline="on")

        assert response.status_code == 302
        assert page_state(page.article) == edits

    def test_the_story_timeline_is_left_alone_when_the_option_is_off(
        self, client, anna, page, edited
    ):
        point, then = edited
        timeline_now = page_state(page.article)["timeline"]
        restore(client, page.article, point)  # the checkbox unticked
        state = page_state(page.article)
        assert state["timeline"] == timeline_now != then["timeline"]
        assert state["updates"] == then["updates"]

    def test_a_quotes_words_stay_as_they_are_and_a_deleted_quote_comes_back(
        self, client, anna, page
    ):
        point = newest_point(page.article)
        saved(page.quote, anna, "Corrected the quote", text="We shall not forget.")
        second = make_quote(text="Never again.")
        place_quote(page.article, second, order=1)
        before = newest_point(page.article)
        deleted(page.placement, anna, "Dropped")
        deleted(page.quote, anna, "No longer used")

        restore(client, page.article, before)

        assert Quote.objects.get(pk=page.quote.pk).text == "We shall not forget."
        assert page.article.quote_placements.filter(pk=page.placement.pk).exists()
        restore(client, page.article, point)
        assert Quote.objects.get(pk=page.quote.pk).text == "We shall not forget."
        assert not page.article.quote_placements.filter(quote=second).exists()

    def test_the_confirmation_page_shows_what_will_change(self, client, anna, page, edited):
        point, _ = edited
        saved(page.article, anna, "Featured again", featured_at=timezone.now())
        saved(page.quote, anna, "Corrected the quote", text="We shall not forget.")
        response = client.get(admin_url("restore", page.article.pk, point))
        assert response.status_code == 200
        html = response.text
        assert "Quote texts are shared between articles" in html
        # Only what the restore will change: not the publication state, not the quote's words.
        assert "Featured at" not in html and "We shall not forget" not in html
        assert 'name="include_timeline"' in html and "checked" in html
        assert "<del>Rewritten</del>" in html and "<ins>The night the grid failed</ins>" in html
        assert 'method="post"' in html and "csrfmiddlewaretoken" in html
        assert page_state(page.article)["article"][0] == "Rewritten"  # a GET changes nothing

    def test_restore_needs_post_csrf_and_change_permission(self, anna, page, edited):
        point, _ = edited
        url = admin_url("restore", page.article.pk, point)
        careful = Client(enforce_csrf_checks=True)
        careful.force_login(anna)
        assert careful.post(url, {"include_timeline": "on"}).status_code == 403
        viewer = make_role_user("Contributor")
        reader = Client()
        reader.force_login(viewer)
        assert reader.get(admin_url("revisions", page.article.pk)).status_code == 200
        assert reader.post(url, {"include_timeline": "on"}).status_code == 403
        assert "Restore to here" not in reader.get(admin_url("revisions", page.article.pk)).text
        assert page_state(page.article)["article"][0] == "Rewritten"


def test_restoring_and_recovering_are_for_editors_not_contributors(client, anna):
    """A restore brings statuses back and removes published work: a publishing decision."""
    contributor = make_role_user("Contributor")
    draft = authored_by(make_article(status=Status.DRAFT, title="My draft"), contributor)
    point = newest_point(draft)
    saved(draft, contributor, "Second thoughts", title="My draft, again")
    deleted(make_update(draft, status=Status.DRAFT), contributor, "Not needed")
    writer = Client()
    writer.force_login(contributor)

    assert "Restore to here" not in writer.get(admin_url("revisions", draft.pk)).text
    assert writer.post(admin_url("restore", draft.pk, point)).status_code == 403
    listing = writer.get(reverse("admin:timeline_article_recently_deleted"))
    assert listing.status_code == 200 and "Recover</button>" not in listing.text
    update = listing.context["items"][0].row
    recover = {"kind": "update", "id": update.id}
    assert writer.post(reverse("admin:timeline_article_recover"), recover).status_code == 403

    editor = Client()
    editor.force_login(make_role_user("Editor"))
    assert editor.post(admin_url("restore", draft.pk, point)).status_code == 302
    assert Article.objects.get(pk=draft.pk).title == "My draft"


# ----------------------------------------------------------------- recently deleted


class TestRecentlyDeleted:
    URL = "admin:timeline_article_recently_deleted"

    def test_deleted_content_is_listed_newest_first_for_ninety_days(self, client, anna, page):
        deleted(page.entry, anna, "Wrong entry")
        deleted(page.update, anna, "Duplicate")
        deleted(page.placement, anna, "Dropped")
        deleted(page.quote, anna, "Unused")
        old = make_update(page.article, headline="Long gone")
        deleted(old, anna, "Years ago")
        Update.history.filter(id=old.pk, history_type="-").update(
            history_date=timezone.now() - dt.timedelta(days=91)
        )

        response = client.get(reverse(self.URL))

        assert response.status_code == 200
        listed = [(item.kind.key, item.row.id) for item in response.context["items"]]
        assert listed == [
            ("quote", page.quote.pk),
            ("update", page.update.pk),
            ("entry", page.entry.pk),
        ]
        assert "One year on (in “The night the grid failed”)" in response.text

    def test_recover_brings_an_update_back_with_its_id(self, client, anna, page):
        deleted(page.update, anna, "Duplicate")
        response = client.post(
            reverse("admin:timeline_article_recover"),
            {"kind": "update", "id": page.update.pk},
            follow=True,
        )
        update = Update.objects.get(pk=page.update.pk)
        assert (update.body, update.anchor) == (page.update.body, page.update.anchor)
        record = update.history.latest()
        assert record.history_type == "+" and record.history_user == anna
        assert record.history_change_reason.startswith("Recovered (deleted ")
        assert "Open it" in response.text
        assert response.context["items"] == []

    def test_an_article_comes_back_with_everything_on_its_page(self, client, anna, page):
        then = page_state(page.article)
        deleted(Article.objects.get(pk=page.article.pk), anna, "Deleted by mistake")

        listing = client.get(reverse(self.URL)).text
        assert "Its article is deleted too: recover the article first" in listing
        client.post(
            reverse("admin:timeline_article_recover"), {"kind": "article", "id": page.article.pk}
        )

        assert page_state(page.article) == then
        assert "Its article is deleted too" not in client.get(reverse(self.URL)).text

    def test_recover_is_post_only_with_csrf(self, anna, page):
        deleted(page.update, anna, "Duplicate")
        careful = Client(enforce_csrf_checks=True)
        careful.force_login(anna)
        url = reverse("admin:timeline_article_recover")
        assert careful.get(url).status_code == 405
        assert careful.post(url, {"kind": "update", "id": page.update.pk}).status_code == 403
        assert not Update.objects.filter(pk=page.update.pk).exists()

    def test_bad_recover_requests_are_a_404_not_an_error(self, client, anna):
        url = reverse("admin:timeline_article_recover")
        assert client.post(url, {"kind": "category", "id": "1"}).status_code == 404
        assert client.post(url, {"kind": "update", "id": "x"}).status_code == 404
        assert client.post(url, {"kind": "update", "id": "424242"}).status_code == 404

    def test_page_queries_are_bounded(self, client, anna, django_assert_max_num_queries):
        """Guards against N+1 queries: one query per kind, whatever was deleted."""
        for n in range(12):
            article = make_article(title=f"Article {n}")
            deleted(make_update(article, headline=f"U{n}"), anna, "x")
            deleted(make_entry(make_story(), "2001", text=f"E{n}"), anna, "x")
            deleted(make_quote(text=f"Q{n}"), anna, "x")
            if n % 3 == 0:
                deleted(article, anna, "x")
        with django_assert_max_num_queries(8):
            response = client.get(reverse(self.URL))
        assert len(response.context["items"]) > 36


class TestStoryRevisions:
    def test_a_story_and_its_timeline_are_listed_compared_and_restored_as_one(self, client, anna):
        story = make_story(title="The blackout", summary="Before the inquiry.")
        entry = make_entry(story, "2015-11-13", text="The grid failed.")
        point = revisions.changes_of(story)[0].key
        saved(story, anna, "New summary", summary="After the inquiry.")
        saved(entry, anna, "Reworded", text="The grid failed at night.")
        make_entry(story, "2020", text="A later entry.")

        listing = client.get(reverse("admin:timeline_story_revisions", args=[story.pk]))
        assert [c.reason for c in listing.context["changes"]][1:3] == ["Reworded", "New summary"]
        compared = client.get(
            reverse("admin:timeline_story_compare", args=[story.pk]),
            {"from": point, "to": newest_point(story)},
        )
        assert "<ins>After</ins>" in compared.text and "A later entry." in compared.text
        restored = client.post(reverse("admin:timeline_story_restore", args=[story.pk, point]))

        assert restored.status_code == 302
        story.refresh_from_db()
        assert story.summary == "Before the inquiry."
        texts = dict(story.timeline_entries.values_list("pk", "text"))
        assert texts == {entry.pk: "The grid failed."}


def test_what_editors_typed_is_escaped_on_every_revisions_page(client, anna, page):
    attack = '<img src=x onerror="alert(1)">'
    point = newest_point(page.article)
    saved(page.article, anna, attack, title=f"Title {attack}", body=f"{BODY} {attack}")
    saved(page.update, anna, attack, headline=attack, body=attack)
    saved(page.quote, anna, attack, text=attack)
    make_entry(page.story, "2020", text=attack)
    urls = [
        admin_url("revisions", page.article.pk),
        admin_url("compare", page.article.pk) + f"?from={point}&to={newest_point(page.article)}",
        admin_url("restore", page.article.pk, point),
    ]
    for url in urls:
        html = client.get(url).text
        assert "<img src=x" not in html, url
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html, url
