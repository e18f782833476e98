"""
The article's change page renders what the editor works on (issue 18): the newest updates open
and older ones listed, each reachable on its own page; links and media listed until opened for
editing (`?edit=links`). A save from a page that did not show some rows leaves those rows as
they are, with no history row. Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial import roles
from tests import factories as f
from tests.admin_forms import form_data, read_form
from timeline.models import Embed, Reference, RelatedLink, Update

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(f.make_user(is_superuser=True))
    return client


def change_url(article, query=""):
    return reverse("admin:timeline_article_change", args=[article.pk]) + query


def history_of(model, article):
    return model.history.filter(article_id=article.pk).count()


class TestOlderUpdates:
    @pytest.fixture
    def article(self):
        article = f.make_article()
        for year in range(2015, 2021):
            f.make_update(
                article,
                headline=f"Year {year}",
                body=f"What happened in {year}.",
                dated_at=f.NOW.replace(year=year),
            )
        return article

    def older(self, article):
        return list(article.updates.order_by("dated_at")[:3])

    def test_each_older_update_is_listed_with_a_link_to_its_own_page(self, editor_client, article):
        html = editor_client.get(change_url(article)).text
        assert "Older updates (3), each on its own page" in html
        for update in self.older(article):
            link = reverse("admin:timeline_update_change", args=[update.pk])
            assert f'href="{link}"' in html
            assert f"{update.headline}</a>" in html
            assert f'value="{update.headline}"' not in html  # listed, not a form
            page = editor_client.get(link)
            assert page.status_code == 200
            fields = {field.name: field.value for field in read_form(page.text)}
            assert fields["headline"] == update.headline

    def test_an_older_update_is_edited_and_deleted_on_its_own_page(self, editor_client, article):
        first, second, _ = self.older(article)
        link = reverse("admin:timeline_update_change", args=[first.pk])
        fields = read_form(editor_client.get(link).text)
        saved = editor_client.post(link, form_data(fields, headline="Year 2015, corrected"))
        assert saved.status_code == 302
        first.refresh_from_db()
        assert first.headline == "Year 2015, corrected"

        delete = reverse("admin:timeline_update_delete", args=[second.pk])
        assert editor_client.post(delete, {"post": "yes"}).status_code == 302
        assert not Update.objects.filter(pk=second.pk).exists()
        assert "Older updates (2)" in editor_client.get(change_url(article)).text

    def test_a_save_of_the_page_leaves_the_hidden_updates_as_they_were(
        self, editor_client, article
    ):
        before = {u.pk: (u.headline, u.body, u.dated_at) for u in article.updates.all()}
        history = history_of(Update, article)
        fields = read_form(editor_client.get(change_url(article)).text)
        response = editor_client.post(change_url(article), form_data(fields, summary="New"))
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.summary == "New"
        after = {u.pk: (u.headline, u.body, u.dated_at) for u in article.updates.all()}
        assert after == before
        assert history_of(Update, article) == history

    def test_a_new_update_is_added_from_the_page_in_one_save(self, editor_client, article):
        fields = read_form(editor_client.get(change_url(article)).text)
        data = form_data(
            fields,
            **{
                "updates-0-kind": "update",
                "updates-0-dated_at_0": "2021-11-13",
                "updates-0-dated_at_1": "",
                "updates-0-headline": "Year 2021",
                "updates-0-body": "What happened in 2021.",
                "updates-0-status": "draft",
            },
        )
        assert editor_client.post(change_url(article), data).status_code == 302
        added = article.updates.get(headline="Year 2021")
        assert timezone.localdate(added.dated_at) == dt.date(2021, 11, 13)
        assert article.updates.count() == 7
        html = editor_client.get(change_url(article)).text
        assert 'value="Year 2021"' in html  # the newest, open
        assert "Older updates (4)" in html


class TestLinksAndMedia:
    @pytest.fixture
    def article(self):
        article = f.make_article()
        f.make_related(article, target=f.make_article(title="The inquiry, a year on"))
        f.make_related(article, url="https://example.org/x", label="Elsewhere", order=1)
        f.make_reference(article, title="Inquiry report")
        f.make_embed(article, title="The night in pictures")
        return article

    def test_they_are_listed_until_opened_for_editing(self, editor_client, article):
        html = editor_client.get(change_url(article)).text
        summary = html[html.index('id="links-group"') :]
        for shown in ("The inquiry, a year on", "Elsewhere", "Inquiry report"):
            assert shown in summary
        assert "The night in pictures" in summary
        assert "Related posts (2)" in summary and "References (1)" in summary
        assert '<a href="#links-group">Links and media</a>' in html  # in the section nav
        assert 'name="related_links-TOTAL_FORMS"' not in html
        assert 'name="references-TOTAL_FORMS"' not in html
        assert '<button type="submit" name="_open_links" value="1"' in html

        opened = editor_client.get(change_url(article, "?edit=links")).text
        assert 'name="related_links-TOTAL_FORMS" value="2"' in opened
        assert 'name="references-0-title"' in opened and 'value="Inquiry report"' in opened
        assert 'name="embeds-0-title"' in opened
        assert 'id="links-group"' not in opened

    def test_a_save_without_them_leaves_them_as_they_were(self, editor_client, article):
        history = [history_of(m, article) for m in (RelatedLink, Reference, Embed)]
        rows = [list(m.objects.filter(article=article).values()) for m in (RelatedLink, Reference)]
        fields = read_form(editor_client.get(change_url(article)).text)
        response = editor_client.post(change_url(article), form_data(fields, summary="New"))
        assert response.status_code == 302
        assert [history_of(m, article) for m in (RelatedLink, Reference, Embed)] == history
        after = [list(m.objects.filter(article=article).values()) for m in (RelatedLink, Reference)]
        assert after == rows

    def test_opened_they_are_edited_and_saving_to_continue_keeps_them_open(
        self, editor_client, article
    ):
        url = change_url(article, "?edit=links")
        fields = read_form(editor_client.get(url).text)
        data = form_data(
            fields, **{"references-0-title": "Inquiry report, final", "_continue": "1"}
        )
        data["related_links-1-DELETE"] = "on"
        response = editor_client.post(url, data)
        assert response.status_code == 302
        assert response["Location"] == url  # Django's "continue" comes back to the same page
        assert article.references.get().title == "Inquiry report, final"
        assert list(article.related_links.values_list("label", flat=True)) == [""]

    def test_opening_them_saves_what_was_typed_first(self, editor_client, article):
        fields = read_form(editor_client.get(change_url(article)).text)
        data = form_data(fields, summary="Typed before opening the links", _open_links="1")
        response = editor_client.post(change_url(article), data)
        assert response.status_code == 302
        assert response["Location"] == change_url(article, "?edit=links") + "#related_links-group"
        article.refresh_from_db()
        assert article.summary == "Typed before opening the links"
        opened = editor_client.get(response["Location"]).text
        assert 'name="related_links-TOTAL_FORMS" value="2"' in opened

    def test_a_save_that_fails_keeps_what_was_typed_and_stays(self, editor_client, article):
        fields = read_form(editor_client.get(change_url(article)).text)
        data = form_data(fields, title="", summary="Kept though the title is missing")
        data["_open_links"] = "1"
        response = editor_client.post(change_url(article), data)
        assert response.status_code == 200
        assert "Kept though the title is missing" in response.text
        assert "This field is required" in response.text

    def test_someone_who_may_only_view_the_article_is_offered_them_in_full(self, client, article):
        f.authored_by(article, f.make_role_user(roles.EDITOR))
        client.force_login(f.make_role_user(roles.CONTRIBUTOR))
        html = client.get(change_url(article)).text
        assert "Inquiry report" in html[html.index('id="links-group"') :]
        assert "Save and edit links and media" not in html
        assert 'href="?edit=links#related_links-group">Show links and media in full</a>' in html
        opened = client.get(change_url(article, "?edit=links")).text
        assert "Inquiry report" in opened and 'name="references-0-title"' not in opened
