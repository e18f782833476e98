"""
Autosave of the update being written, and the Markdown preview endpoint (editorial.views).
"""

import datetime as dt
import json
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from editorial import roles, services
from editorial.models import AutosaveDraft
from tests.factories import authored_by, make_article, make_role_user, make_update
from tests.test_roles import form_data
from timeline.models import Status

pytestmark = pytest.mark.django_db

TYPED = {
    "kind": "update",
    "dated_at_0": "13/11/2026",
    "dated_at_1": "09:00:00",
    "headline": "Forty years on",
    "body": "**Flashback —** The town was evacuated in 36 hours.",
}


@pytest.fixture
def editor():
    return make_role_user(roles.EDITOR, username="edith")


@pytest.fixture
def article():
    return make_article(title="The night of the reactor")


def autosave_url(article):
    return reverse("editorial:autosave", args=[article.pk])


def change_url(article):
    return reverse("admin:timeline_article_change", args=[article.pk])


def post_json(client, url, payload, **extra):
    return client.post(url, json.dumps(payload), content_type="application/json", **extra)


def offered_draft(html):
    """The draft the change form offers to restore (its data-draft attribute), or None."""
    marker = 'class="editorial-offer" data-draft="'
    if marker not in html:
        return None
    start = html.index(marker) + len(marker)
    return json.loads(unescape(html[start : html.index('"', start)]))


class TestRoundTrip:
    def test_saved_draft_is_offered_back_and_cleared_by_saving_the_form(
        self, client, editor, article
    ):
        client.force_login(editor)
        response = post_json(client, autosave_url(article), {"fields": TYPED})
        assert response.status_code == 200
        assert response.json()["saved"] is True

        # The tab was closed; the editor opens the article again.
        html = client.get(change_url(article)).content.decode()
        assert "Restore your unsaved update from " in html
        assert offered_draft(html) == TYPED

        # They restore it (the script fills the new-update form from the offer) and save.
        data = form_data(html, "article_form")
        data.update({f"updates-0-{name}": value for name, value in offered_draft(html).items()})
        data["updates-0-status"] = Status.PUBLISHED
        response = client.post(change_url(article), data)
        assert response.status_code == 302
        update = article.updates.get()
        assert (update.headline, update.status) == ("Forty years on", Status.PUBLISHED)
        assert update.body == TYPED["body"]
        assert not AutosaveDraft.objects.exists()
        assert "Restore your unsaved update" not in client.get(change_url(article)).text

    def test_the_offer_names_the_time_of_the_draft(self, client, editor, article):
        at = timezone.localtime().replace(hour=10, minute=42)
        services.save_draft(user=editor, article=article, data=TYPED, now=at)
        client.force_login(editor)
        assert "Restore your unsaved update from 10:42?" in client.get(change_url(article)).text

    def test_an_older_draft_names_its_day(self, client, editor, article):
        at = timezone.localtime().replace(hour=10, minute=42) - dt.timedelta(days=2)
        services.save_draft(user=editor, article=article, data=TYPED, now=at)
        client.force_login(editor)
        html = client.get(change_url(article)).text
        assert f"Restore your unsaved update from {at:%d %b} 10:42?" in html

    def test_each_editor_only_gets_their_own_draft(self, client, editor, article):
        services.save_draft(user=editor, article=article, data=TYPED)
        client.force_login(make_role_user(roles.EDITOR))
        assert "Restore your unsaved update" not in client.get(change_url(article)).text

    def test_a_second_save_replaces_the_first(self, client, editor, article):
        client.force_login(editor)
        post_json(client, autosave_url(article), {"fields": {"body": "First words."}})
        post_json(client, autosave_url(article), {"fields": {"body": "First words, more."}})
        draft = AutosaveDraft.objects.get()
        assert draft.data == {"body": "First words, more."}

    def test_emptying_the_form_removes_the_draft(self, client, editor, article):
        client.force_login(editor)
        post_json(client, autosave_url(article), {"fields": {"body": "Words."}})
        response = post_json(client, autosave_url(article), {"fields": {"body": ""}})
        assert response.json() == {"saved": False}
        assert not AutosaveDraft.objects.exists()

    def test_discarding_removes_the_draft(self, client, editor, article):
        client.force_login(editor)
        post_json(client, autosave_url(article), {"fields": {"body": "Words."}})
        assert client.delete(autosave_url(article)).status_code == 200
        assert not AutosaveDraft.objects.exists()

    def test_a_draft_already_saved_as_an_update_is_not_offered(self, client, editor, article):
        """The last autosave can land just after the form that saved the same text."""
        make_update(article, body=TYPED["body"])
        services.save_draft(user=editor, article=article, data=TYPED)
        client.force_login(editor)
        assert "Restore your unsaved update" not in client.get(change_url(article)).text
        assert not AutosaveDraft.objects.exists()

    def test_only_the_new_update_fields_are_kept(self, client, editor, article):
        client.force_login(editor)
        fields = {"body": "Words.", "status": "published", "title": "Hijacked"}
        post_json(client, autosave_url(article), {"fields": fields})
        assert AutosaveDraft.objects.get().data == {"body": "Words."}

    def test_the_form_carries_the_endpoint_for_the_script(self, client, editor, article):
        client.force_login(editor)
        html = client.get(change_url(article)).text
        assert f'data-autosave-url="{autosave_url(article)}"' in html
        assert 'data-prefix="updates-0-"' in html
        assert "editorial/editor.js" in html


class TestAutosaveIsGuarded:
    def test_anonymous_requests_are_refused(self, client, article):
        response = post_json(client, autosave_url(article), {"fields": {"body": "x"}})
        assert response.status_code == 403
        assert not AutosaveDraft.objects.exists()

    def test_a_contributor_cannot_autosave_onto_someone_elses_article(self, client, article):
        client.force_login(make_role_user(roles.CONTRIBUTOR))
        response = post_json(client, autosave_url(article), {"fields": {"body": "x"}})
        assert response.status_code == 403

    def test_a_contributor_autosaves_on_their_own_draft(self, client):
        contributor = make_role_user(roles.CONTRIBUTOR)
        mine = authored_by(make_article(status=Status.DRAFT), contributor)
        client.force_login(contributor)
        response = post_json(client, autosave_url(mine), {"fields": {"body": "Mine."}})
        assert response.status_code == 200

    def test_unknown_article_is_404(self, client, editor):
        client.force_login(editor)
        url = reverse("editorial:autosave", args=[999999])
        assert post_json(client, url, {"fields": {"body": "x"}}).status_code == 404

    @pytest.mark.parametrize(
        "body",
        [
            pytest.param("not json", id="not-json"),
            pytest.param("[1, 2]", id="not-an-object"),
            pytest.param('{"fields": "words"}', id="fields-not-an-object"),
            pytest.param('{"fields": {"body": 42}}', id="value-not-text"),
            pytest.param(json.dumps({"fields": {"body": "x" * 600_000}}), id="too-long"),
        ],
    )
    def test_bad_input_is_a_400_with_a_message(self, client, editor, article, body):
        client.force_login(editor)
        response = client.post(autosave_url(article), body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["error"]

    def test_get_is_not_allowed(self, client, editor, article):
        client.force_login(editor)
        assert client.get(autosave_url(article)).status_code == 405

    def test_csrf_token_is_required_and_the_forms_token_works(self, editor, article):
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor)
        payload = {"fields": {"body": "Words."}}
        assert post_json(client, autosave_url(article), payload).status_code == 403
        html = client.get(change_url(article)).text
        token = form_data(html, "article_form")["csrfmiddlewaretoken"]
        response = post_json(client, autosave_url(article), payload, HTTP_X_CSRFTOKEN=token)
        assert response.status_code == 200


class TestMarkdownPreview:
    url = "/editorial/markdown/"

    def test_the_url_is_the_named_route(self):
        assert reverse("editorial:markdown_preview") == self.url

    def test_returns_what_readers_would_get(self, client, editor):
        client.force_login(editor)
        text = "**Flashback —** it began.\n\n<script>alert(1)</script>"
        response = post_json(client, self.url, {"text": text})
        assert response.status_code == 200
        html = response.json()["html"]
        assert "<strong>Flashback —</strong>" in html
        assert "<script" not in html

    def test_refused_without_an_admin_account(self, client):
        assert post_json(client, self.url, {"text": "x"}).status_code == 403

    @pytest.mark.parametrize("body", ["nope", '{"text": 5}', "[]"])
    def test_bad_input_is_a_400(self, client, editor, body):
        client.force_login(editor)
        response = client.post(self.url, body, content_type="application/json")
        assert response.status_code == 400

    def test_get_is_not_allowed(self, client, editor):
        client.force_login(editor)
        assert client.get(self.url).status_code == 405
