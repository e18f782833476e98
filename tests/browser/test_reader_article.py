"""A reader's visit in a real browser: home page, the article, an update's anchor, a comment."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from comments.models import Comment, CommentStatus
from tests.factories import NOW, make_article, make_story, make_update

pytestmark = pytest.mark.django_db(transaction=True)

DAY = dt.timedelta(days=1)
BODY = "\n\n".join(
    f"Paragraph {n}: the night shift ran a test that should have been routine." for n in range(12)
)


@pytest.fixture(autouse=True)
def own_cache(settings):
    """The comment rate limit lives in the cache: this test gets an empty one of its own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "browser-reader-article",
        }
    }


@pytest.fixture
def article():
    story = make_story(title="Chernobyl", event_date=dt.date(1986, 4, 26))
    make_article(
        title="Fukushima: ten years after",
        summary="The clean-up will take decades.",
        featured_at=NOW - 30 * DAY,
    )
    article = make_article(
        story=story,
        title="The night reactor 4 exploded",
        kicker="On This Day",
        byline="Ada Reporter, Ben Writer",
        summary="How a safety test ended in the worst nuclear accident in history.",
        lede="**April 26 1986** — At 01:23 local time, reactor No. 4 exploded.",
        body=BODY,
        featured_at=NOW,
    )
    make_update(
        article,
        headline="The arch is in place",
        body="A new steel arch now covers the ruin.",
        dated_at=NOW - 365 * DAY,
        published_at=NOW - 365 * DAY,
    )
    make_update(
        article,
        headline="Forty years on",
        body="Visitors return to Pripyat.",
        dated_at=NOW - DAY,
        published_at=NOW - DAY,
    )
    Comment.objects.create(
        article=article,
        name="Olena",
        email="olena@example.org",
        body="My father worked the night shift.\n\nHe never talked about it.",
        status=CommentStatus.APPROVED,
        created_at=NOW - 2 * DAY,
    )
    return article


def test_reader_reads_the_article_jumps_to_an_update_and_leaves_a_comment(
    page, screenshot, article
):
    older = article.updates.get(headline="The arch is in place")

    page.goto("/")
    expect(page.locator("h1")).to_have_text("Latest")
    screenshot("reader-home")
    page.get_by_role("link", name="The night reactor 4 exploded").click()

    page.wait_for_url(f"**{article.get_absolute_url()}")
    expect(page.locator("h1")).to_have_text("The night reactor 4 exploded")
    expect(page.locator("#comments")).to_contain_text("Olena")
    expect(page.locator("#comments")).to_contain_text("He never talked about it.")

    page.locator(f'a.update__permalink[href="#{older.anchor}"]').click()
    page.wait_for_url(f"**#{older.anchor}")
    target = page.locator(f"#{older.anchor}")
    expect(target).to_contain_text("A new steel arch now covers the ruin.")
    assert target.evaluate("el => el.matches(':target')")
    assert target.evaluate("el => el.getBoundingClientRect().top < window.innerHeight")

    # The honeypot is in the form but nowhere a person could see it.
    trap = page.locator("#id_website").bounding_box()
    assert trap is None or trap["x"] + trap["width"] <= 0

    page.get_by_label("Name", exact=True).fill("Jo Reader")
    page.get_by_label("E-mail", exact=True).fill("jo@example.org")
    page.get_by_label("Comment", exact=True).fill("I was nine and remember the rain.")
    page.get_by_role("button", name="Post comment").click()

    page.wait_for_url(f"**{article.get_absolute_url()}#comments")
    expect(page.get_by_role("status")).to_have_text(
        "Thank you — your comment is awaiting moderation."
    )
    expect(page.locator("#comments")).not_to_contain_text("I was nine")
    assert page.locator("#comments").evaluate(
        "el => el.getBoundingClientRect().top < window.innerHeight"
    )
    pending = Comment.objects.get(name="Jo Reader")
    assert pending.status == CommentStatus.PENDING
    screenshot("reader-article")


def test_another_site_cannot_post_a_comment_in_a_readers_name(page, live_server, article):
    """
    The comment form has no CSRF token (the page is public and cached): a page on another
    site that makes the reader's browser post the form is refused on the browser's own
    Origin / Sec-Fetch-Site headers, which no page can forge.
    """
    action = f"{live_server.url}{article.get_absolute_url()}comments/"
    attacker = (
        f'<form id="f" method="post" action="{action}">'
        '<input name="name" value="Spam"><input name="email" value="s@example.org">'
        '<input name="body" value="Buy now"></form>'
        "<script>document.getElementById('f').submit()</script>"
    )
    page.route(
        "http://attacker.test/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=attacker),
    )
    with page.expect_response(action) as posted:
        page.goto("http://attacker.test/page")
    assert posted.value.status == 403
    expect(page.locator("h1")).to_have_text("This form has expired")
    assert not Comment.objects.filter(name="Spam").exists()
