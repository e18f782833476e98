"""
The editors' admin in a real browser: an editor adds this year's update and publishes it on
one screen (with autosave and Markdown preview on the way); a contributor cannot publish.
"""

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from editorial import roles
from editorial.models import AutosaveDraft
from tests.browser.conftest import SCREENSHOTS
from tests.factories import authored_by, make_article, make_role_user, make_update
from timeline.models import Article, Status

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, user, then):
    """Through the real admin sign-in form."""
    page.goto(f"{reverse('admin:login')}?next={then}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.raw_password)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{then}")


def shoot(page, name):
    """The visible part of the page (admin forms are too long for one image)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def wait_for_draft(user, *, headline, seconds=5):
    """The browser saves in the background: poll the server's copy for a little while."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        draft = AutosaveDraft.objects.filter(user=user).first()
        if draft is not None and draft.data.get("headline") == headline:
            return True
        time.sleep(0.1)
    return False


def test_editor_adds_an_update_publishes_it_and_sees_it_on_the_public_page(page, browser):
    editor = make_role_user(roles.EDITOR, username="edith")
    article = make_article(title="The night the reactor burned", slug="reactor")
    make_update(article, headline="Thirty-nine years on", body="Last year's words.")

    sign_in(page, editor, reverse("admin:timeline_article_changelist"))
    page.get_by_role("link", name="Add this year\N{RIGHT SINGLE QUOTATION MARK}s update").click()

    # Lands on the article's own form with the cursor in the new update's body.
    body = page.locator("#id_updates-0-body")
    expect(body).to_be_focused()
    page.fill("#id_updates-0-headline", "Forty years on")
    body.fill("**Flashback —** The town was emptied in 36 hours.\n\nThe zone is quiet.")

    # Markdown preview: what readers will get.
    page.locator("#id_updates-0-body ~ .editorial-preview-button").click()
    preview = page.locator("#id_updates-0-body-preview")
    expect(preview.locator("strong")).to_have_text("Flashback —")
    shoot(page, "editor-markdown-preview")

    # Leaving a field keeps a draft on the server…
    page.fill("#id_updates-0-headline", "Forty years on, the zone")
    page.locator("#id_updates-0-headline").blur()
    expect(page.locator(".editorial-status")).to_contain_text("Draft of your new update kept at")
    assert wait_for_draft(editor, headline="Forty years on, the zone")

    # …so closing the tab loses nothing: the form offers it back.
    page.goto(reverse("admin:timeline_article_change", args=[article.pk]))
    offer = page.locator(".editorial-offer")
    expect(offer).to_contain_text(re.compile(r"Restore your unsaved update from \d\d:\d\d\?"))
    offer.scroll_into_view_if_needed()
    shoot(page, "editor-restore-offer")
    offer.get_by_role("button", name="Restore it").click()
    expect(body).to_have_value(re.compile(r"^\*\*Flashback —\*\* The town was emptied"))
    expect(page.locator("#id_updates-0-headline")).to_have_value("Forty years on, the zone")

    page.select_option("#id_updates-0-status", Status.PUBLISHED)
    shoot(page, "editor-new-update")
    page.get_by_role("button", name="Save the article with this update").click()
    expect(page.locator(".messagelist li.success")).to_contain_text("was changed successfully")
    assert not AutosaveDraft.objects.exists()

    update = article.updates.get(headline="Forty years on, the zone")
    assert update.status == Status.PUBLISHED and update.published_at is not None

    page.goto(article.get_absolute_url())
    block = page.locator(f"#{update.anchor}")
    expect(block).to_contain_text("The town was emptied in 36 hours.")
    expect(block.locator("strong", has_text="Flashback —")).to_have_count(1)
    expect(block).to_contain_text("Forty years on, the zone")
    shoot(page, "editor-public-page")

    # A reader (no account) sees it too.
    reader = browser.new_context(base_url=page.url.split("/articles/")[0])
    try:
        reader_page = reader.new_page()
        reader_page.goto(article.get_absolute_url())
        expect(reader_page.locator(f"#{update.anchor}")).to_contain_text("The zone is quiet.")
        expect(reader_page.locator(".preview-banner")).to_have_count(0)
    finally:
        reader.close()


def test_a_contributor_cannot_publish(page):
    contributor = make_role_user(roles.CONTRIBUTOR, username="carla")
    article = authored_by(
        make_article(status=Status.DRAFT, title="My first draft", slug="my-first-draft"),
        contributor,
    )
    changelist = reverse("admin:timeline_article_changelist")
    sign_in(page, contributor, changelist)

    # No publish action on the list.
    actions = page.locator("select[name=action] option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert "publish_now" not in actions and "unpublish" not in actions

    # On the form the status is text, not a choice — for the article and the new update.
    page.goto(reverse("admin:timeline_article_change", args=[article.pk]))
    expect(page.locator(".field-status .readonly").first).to_have_text("Draft")
    expect(page.locator("select[name=status]")).to_have_count(0)
    expect(page.locator("select[name='updates-0-status']")).to_have_count(0)
    shoot(page, "contributor-form")

    # A crafted form: the inputs put back by hand are ignored by the server.
    page.fill("#id_updates-0-body", "A draft update for the desk.")
    page.evaluate(
        """() => {
            const form = document.getElementById("article_form");
            for (const name of ["status", "updates-0-status"]) {
                const input = document.createElement("input");
                input.type = "hidden"; input.name = name; input.value = "published";
                form.appendChild(input);
            }
        }"""
    )
    page.get_by_role("button", name="Save the article with this update").click()
    expect(page.locator(".messagelist li.success")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Status.DRAFT, None)
    assert article.updates.get().status == Status.DRAFT

    # A crafted "Publish now" action: refused, nothing published.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    response = page.request.post(
        changelist,
        form={"csrfmiddlewaretoken": token, "action": "publish_now"}
        | {"_selected_action": article.pk},
    )
    assert response.ok  # back on the list, with "No action selected."
    assert "No action selected." in response.text()
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT

    # Someone else's published article is view-only, and posting to it is forbidden.
    theirs = make_article(title="Published by the desk")
    page.goto(reverse("admin:timeline_article_change", args=[theirs.pk]))
    expect(page.locator("h1").first).to_have_text("View article")
    response = page.request.post(
        reverse("admin:timeline_article_change", args=[theirs.pk]),
        form={"csrfmiddlewaretoken": token, "title": "Hijacked", "slug": theirs.slug},
    )
    assert response.status == 403
    assert Article.objects.get(pk=theirs.pk).title == "Published by the desk"
    shoot(page, "contributor-view-only")
