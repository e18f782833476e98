"""
Issue 17 in a real browser: a contributor submits an update for review, an editor is told
(admin home panel and e-mail), sees the diff and approves, and a reader who had the article
open is told "1 new update" without reloading.
"""

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from editorial import roles
from tests.browser.test_editor_flow import sign_in
from tests.factories import authored_by, make_article, make_role_user
from timeline import services
from timeline.models import Status, Update

pytestmark = pytest.mark.django_db(transaction=True)


def test_submit_review_approve_and_the_open_page_is_told(page, browser, live_server, settings):
    settings.NEW_UPDATES_POLL_SECONDS = 1
    contributor = make_role_user(roles.CONTRIBUTOR, username="cora")
    editor = make_role_user(roles.EDITOR, username="edith", email="edith@example.org")
    article = make_article(title="The night the reactor burned", slug="reactor")
    update = authored_by(
        services.add_update(
            article=article, headline="Forty years on", body="The zone is quiet.", user=contributor
        ),
        contributor,
    )

    # A reader has the article open all along.
    reader = browser.new_context(base_url=live_server.url).new_page()
    reader.goto(article.get_absolute_url())
    expect(reader.locator(".new-updates")).to_be_hidden()

    # The contributor submits the update for review from its page.
    sign_in(page, contributor, reverse("admin:timeline_update_change", args=[update.pk]))
    page.get_by_role("link", name="Submit for review").click()
    page.fill("#id_note", "Checked with two sources.")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messagelist")).to_contain_text("is waiting for review")
    assert [m.to for m in mail.outbox] == [["edith@example.org"]]
    assert "cora asks for a review" in mail.outbox[0].subject

    # The editor sees it on the admin's home page, opens it, sees the diff, approves.
    editor_page = browser.new_context(base_url=live_server.url).new_page()
    sign_in(editor_page, editor, reverse("admin:index"))
    panel = editor_page.locator("#notices-panel")
    expect(panel).to_contain_text("cora asks for a review")
    panel.get_by_role("link", name="cora asks for a review", exact=False).click()
    expect(editor_page.locator(".revision-diff")).to_contain_text("The zone is quiet.")
    editor_page.get_by_role("button", name="Approve").click()
    expect(editor_page.locator(".messagelist")).to_contain_text("approved and published")
    assert Update.objects.get(pk=update.pk).status == Status.PUBLISHED

    # The reader's open page is told, and shows it without a reload.
    notice = reader.locator(".new-updates")
    expect(notice).to_contain_text("1 new update", timeout=10_000)
    notice.get_by_role("button", name="show").click()
    expect(reader.locator(f"#{update.anchor}")).to_contain_text("The zone is quiet.")
