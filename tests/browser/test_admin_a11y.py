"""
The article's admin page in a browser, as editors and assistive technology meet it: axe-core
finds no critical or serious violation on the change page (as it opens, and with its links and
media opened for editing) and the add-update page; at 1280 px and on a 390 px phone every
row's delete box and drag handle are on screen (nothing scrolls sideways); dragging a related
post to the top changes the order that is saved.

The run at 1280 px takes the README's screenshot of the change page: into test-output/, or
into docs/admin-article.png with DOCS_SCREENSHOTS=1 (so a test run leaves the tree clean).
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from tests import factories as f
from tests.browser.conftest import SCREENSHOTS
from timeline.models import RelatedLink

pytestmark = pytest.mark.django_db(transaction=True)

DOCS = Path(__file__).resolve().parents[2] / "docs"
SHORT_LISTS = ["related_links", "embeds", "references"]
ROW_GROUPS = ["quote_placements", *SHORT_LISTS]


def demo_sized_article():
    """The demo's shape: updates, quotes by an update and at the top, links, embeds, refs."""
    story = f.make_story(title="The night of the reactor", slug="reactor-night")
    article = f.make_article(
        story=story,
        title="Forty years after the reactor burned",
        slug="forty-years",
        body="## The night\n\nThe alarm rang at 01:23.\n\n## The morning\n\nThe town woke.",
    )
    updates = [
        f.make_update(
            article,
            headline=f"{n} years on",
            body="**Flashback —** The square was quiet again.",
            dated_at=f.NOW.replace(year=f.NOW.year - 10 + n),
        )
        for n in range(10)
    ]
    f.place_quote(article, f.make_quote(text="We did not know."), order=0)
    f.place_quote(
        article,
        f.make_quote(text="It is still there."),
        placement="after_update",
        update=updates[-1],
        order=1,
    )
    for n in range(4):
        target = f.make_article(title=f"Related story number {n}", slug=f"related-{n}")
        f.make_related(article, target=target, order=n)
    f.make_related(article, url="https://example.org/elsewhere", label="Elsewhere", order=4)
    f.make_embed(article, order=0)
    f.make_embed(article, url="https://vimeo.com/123456", title="Second film", order=1)
    for n in range(4):
        f.make_reference(
            article,
            title=f"Inquiry report, part {n}",
            order=n,
            url=f"https://example.org/report-{n}",
            published_on="2016-04-11",
        )
    return article


def links_open(article):
    """The change page with links and media open for editing (listed until then)."""
    return reverse("admin:timeline_article_change", args=[article.pk]) + "?edit=links"


def sign_in(page, user, then):
    page.goto(f"{reverse('admin:login')}?next={then}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.raw_password)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{then}")


def serious(results):
    """The critical and serious violations, as `rule: n elements (first targets)`."""
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in ("critical", "serious"):
            targets = [node["target"] for node in violation["nodes"][:3]]
            found.append(f"{violation['id']}: {len(violation['nodes'])} {targets}")
    return found


@pytest.fixture
def editor():
    return f.make_user(is_superuser=True, username="ada")


def test_the_article_change_page_has_no_critical_or_serious_violation(page, editor):
    """As it opens (links and media listed), then with links and media opened for editing."""
    article = demo_sized_article()
    errors = []  # the page's scripts run with or without the sortable lists on the page
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, editor, reverse("admin:timeline_article_change", args=[article.pk]))
    # The page's script has named the autocomplete boxes (article.js).
    page.locator("#quote_placements-group .select2-selection[aria-label]").first.wait_for()
    found = serious(Axe().run(page))
    assert found == [], "\n".join(found)

    page.get_by_role("button", name="Save and edit links and media").click()
    page.locator("#related_links-group .select2-selection[aria-label]").first.wait_for()
    assert "edit=links" in page.url
    found = serious(Axe().run(page))
    assert found == [], "\n".join(found)
    assert errors == []


def test_the_add_update_page_has_no_critical_or_serious_violation(page, editor):
    article = demo_sized_article()
    sign_in(page, editor, f"{reverse('admin:timeline_update_add')}?article={article.pk}")

    found = serious(Axe().run(page))
    assert found == [], "\n".join(found)


def on_screen(page, selector):
    """Boxes of the visible elements matching `selector` that reach past the viewport's width."""
    width = page.viewport_size["width"]
    outside = []
    for element in page.locator(selector).all():
        if not element.is_visible():
            continue
        box = element.bounding_box()
        if box["x"] < 0 or box["x"] + box["width"] > width:
            outside.append((selector, box))
    return outside


@pytest.mark.parametrize("width", [1280, 390])
def test_every_rows_delete_box_and_handle_are_on_screen(page, editor, width):
    article = demo_sized_article()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, editor, links_open(article))

    checked = 0
    outside = []
    for group in ROW_GROUPS:
        rows = f"#{group}-group tr.has_original"
        checked += page.locator(f"{rows} td.delete input[type=checkbox]").count()
        outside += on_screen(page, f"{rows} td.delete input[type=checkbox]")
    for group in SHORT_LISTS:
        outside += on_screen(page, f"#{group}-group tr.has_original .drag-handle")
    assert checked == 2 + 5 + 2 + 4  # quotes, related posts, embeds, references
    assert outside == []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls {overflow} px sideways at {width} px"
    # The section nav jumps to the short lists, and stays on screen above them.
    page.get_by_role("navigation", name="Sections of this article").get_by_role(
        "link", name="Links and media"
    ).click()
    assert page.get_by_role("navigation", name="Sections of this article").is_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    if width == 1280 and os.environ.get("DOCS_SCREENSHOTS"):
        page.screenshot(path=str(DOCS / "admin-article.png"))
    else:
        page.screenshot(path=str(SCREENSHOTS / f"admin-article-{width}.png"))


def test_dragging_a_related_post_to_the_top_saves_that_order(page, editor, violations):
    article = demo_sized_article()
    url = links_open(article)
    sign_in(page, editor, url)

    handles = page.locator("#related_links-group tr.has_original .drag-handle")
    assert page.locator("#related_links-group fieldset.sortable").count() == 1
    handles.nth(4).drag_to(handles.nth(0))
    orders = page.locator("#related_links-group tr.has_original input._reorder_")
    assert orders.first.input_value() == "1"

    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url(f"**{url}")

    titles = [link.title for link in RelatedLink.objects.filter(article=article)]
    assert titles[0] == "Elsewhere"
    assert titles[1:] == [f"Related story number {n}" for n in range(4)]
    assert violations == []  # the drag script runs under the strict CSP


def test_a_row_is_sent_first_from_the_keyboard(page, editor):
    article = demo_sized_article()
    url = links_open(article)
    sign_in(page, editor, url)

    rows = page.locator("#references-group tr.has_original")
    rows.nth(3).locator(".move-begin").focus()
    page.keyboard.press("Enter")
    assert rows.first.locator("input._reorder_").input_value() == "1"
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url(f"**{url}")

    titles = list(article.references.values_list("title", flat=True))
    assert titles == [f"Inquiry report, part {n}" for n in (3, 0, 1, 2)]
