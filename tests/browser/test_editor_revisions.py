"""
Revisions in a real browser: two editors save the same article and the second is refused with
their text kept; a deleted update is brought back by restoring the article.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.factories import make_article, make_update, make_user
from timeline import revisions
from timeline.models import Article
from timeline.revisions import presence

pytestmark = pytest.mark.django_db(transaction=True)


def editor(first_name, last_name):
    return make_user(is_superuser=True, first_name=first_name, last_name=last_name)


def sign_in(page, user, then):
    """Through the real admin sign-in form."""
    page.goto(f"{reverse('admin:login')}?next={then}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.raw_password)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{then}")


def shoot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def test_two_editors_save_the_same_article_and_the_second_keeps_their_text(
    page, browser, live_server, monkeypatch
):
    # Pages check in every second instead of every 30, so the test sees the notice appear.
    monkeypatch.setattr(presence, "CHECK_IN_EVERY", 1)
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Security Policy" in m.text else None)
    anna, ben = editor("Anna", "Keller"), editor("Ben", "Osei")
    article = make_article(title="The night the grid failed", body="The original text.")
    make_update(article, headline="One year on", body="The grid held this winter.")
    form = reverse("admin:timeline_article_change", args=[article.pk])
    bens = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    ben_page = bens.new_page()
    ben_page.set_default_timeout(15_000)

    sign_in(page, anna, form)
    sign_in(ben_page, ben, form)
    # Ben opened the form after Anna: he is told she is editing it too.
    expect(ben_page.locator(".presence")).to_contain_text(
        "Anna Keller has been editing this article since"
    )
    # Anna's page learns about Ben from its script checking in.
    expect(page.locator(".presence")).to_contain_text("Ben Osei has been editing this article")
    shoot(page, "revisions-presence")

    page.fill("#id_title", "The night the lights went out")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    ben_text = "Ben rewrote the opening.\n\nAnd a second paragraph."
    ben_page.fill("#id_body", ben_text)
    ben_page.fill("#id_updates-2-0-body", "Ben's correction to the update.")
    ben_page.click("input[name=_save]")

    expect(ben_page.locator(".errorlist")).to_contain_text("Anna Keller saved this article at")
    expect(ben_page.locator("#id_body")).to_have_value(ben_text)
    expect(ben_page.locator("#id_updates-2-0-body")).to_have_value(
        "Ben's correction to the update."
    )
    conflict = ben_page.locator(".revision-conflict")
    expect(conflict.locator("ins")).to_contain_text(["The night the lights went out"])
    conflict.scroll_into_view_if_needed()
    shoot(ben_page, "revisions-conflict-refused")
    assert Article.objects.get(pk=article.pk).body == "The original text."

    # Having seen Anna's change, Ben saves again on purpose.
    ben_page.click("input[name=_save]")
    expect(ben_page.locator(".messagelist")).to_contain_text("was changed successfully")
    # Stored with \n line endings, whatever the browser posted (forms.PlainTextField).
    assert Article.objects.get(pk=article.pk).body == ben_text
    assert blocked == []
    bens.close()


def test_restoring_the_article_brings_back_a_deleted_update(page, browser, live_server):
    anna = editor("Anna", "Keller")
    article = make_article(title="The night the grid failed")
    make_update(article, headline="One year on", body="The grid held this winter.")
    form = reverse("admin:timeline_article_change", args=[article.pk])

    sign_in(page, anna, form)
    before_deletion = revisions.changes_of(article)[0].key
    page.check("#id_updates-2-0-DELETE")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert not article.updates.exists()

    reader = browser.new_context(base_url=live_server.url).new_page()
    reader.goto(article.get_absolute_url())
    expect(reader.locator("h1")).to_have_text("The night the grid failed")
    expect(reader.locator("body")).not_to_contain_text("The grid held this winter.")

    page.goto(reverse("admin:timeline_article_revisions", args=[article.pk]))
    expect(page.locator("#revisions")).to_contain_text("Update deleted: 13 Nov 2026: One year on")
    shoot(page, "revisions-list")
    page.locator(f'a[href$="/revisions/{before_deletion}/restore/"]').click()
    expect(page.locator(".revision-diff")).to_contain_text("One year on")
    shoot(page, "revisions-restore-confirm")
    page.get_by_role("button", name="Restore to this point").click()
    expect(page.locator(".messagelist")).to_contain_text("1 update brought back")

    reader.goto(article.get_absolute_url())
    expect(reader.locator("body")).to_contain_text("The grid held this winter.")
    reader.context.close()
