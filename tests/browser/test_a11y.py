"""
Accessibility as a test: axe-core (axe-playwright-python) in Debian's chromium on every public
page type and on the admin's revisions, compare and upcoming-anniversaries pages, with the demo
loaded (an article with every element: quotes between updates, a timeline, related posts,
embeds, references, editions, the comment form). No critical or serious violation may remain;
a failure lists each rule broken with the elements it found.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from tests.factories import make_user
from timeline import demo
from timeline.models import Article, Author

pytestmark = pytest.mark.django_db(transaction=True)

BLOCKING = {"critical", "serious"}


@pytest.fixture(autouse=True)
def own_cache(settings):
    """Rows come and go with each transactional test: cached pages and settings must too."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "browser-a11y",
        }
    }


@pytest.fixture
def loaded():
    demo.load_demo()
    return Article.objects.select_related("story").get(slug=demo.MAIN_SLUG)


def public_pages(article):
    story = article.story
    tag = article.tags.order_by("pk").first()
    category = article.categories.order_by("pk").first()
    author = Author.objects.order_by("pk").first()
    edition = article.editions.order_by("go_live_at").first()
    event = story.event_date
    return {
        "home": reverse("timeline:home"),
        "article": article.get_absolute_url(),
        "story": story.get_absolute_url(),
        "story timeline filtered": reverse("timeline:story_timeline", args=[story.slug])
        + f"?date_from={event.year}&date_to={event.year + 10}",
        "edition snapshot": reverse("timeline:edition", args=[article.slug, edition.key]),
        "on this day": reverse("timeline:on_this_day", args=[event.month, event.day]),
        "tag": tag.get_absolute_url(),
        "category": category.get_absolute_url(),
        "author": author.get_absolute_url(),
        "search with results": reverse("timeline:search") + "?q=reactor",
        "search without results": reverse("timeline:search") + "?q=zzqxjv",
        "archive by year": reverse("timeline:archive_year", args=[article.published_at.year]),
        "not found": "/no-such-page/",
    }


def blocking(page):
    """The critical and serious violations on the page as loaded, one line each."""
    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [", ".join(node["target"]) for node in violation["nodes"]]
            found.append(f"{violation['id']} ({violation['impact']}): {targets[:8]}")
    return found


def check(page, name, url, report):
    response = page.goto(url)
    assert response is not None
    page.wait_for_load_state("networkidle")
    for line in blocking(page):
        report.append(f"{name} {url}: {line}")


# Every element an article can carry, so each one's markup is checked.
ARTICLE_PARTS = (
    ".epigraphs .quote",
    ".update",
    ".article__body .quote, .update ~ .quote, .updates .quote",
    ".story-timeline",
    ".related__list a",
    ".embed",
    ".references__list",
    ".editions__list",
    ".follow a",
    "form textarea",
)


def test_every_public_page_type_has_no_critical_or_serious_violation(page, loaded):
    report = []
    for name, url in public_pages(loaded).items():
        check(page, name, url, report)
        if name == "article":
            missing = [part for part in ARTICLE_PARTS if not page.locator(part).count()]
            assert not missing, f"the demo article lacks {missing}: axe did not check them"
    # On a phone the layout changes (navigation, tables, embeds): the densest pages again.
    page.set_viewport_size({"width": 390, "height": 844})
    for name in ("home", "article", "story timeline filtered"):
        check(page, f"{name} (390 px)", public_pages(loaded)[name], report)
    assert not report, "axe-core found:\n" + "\n".join(report)


def test_the_admins_revisions_compare_and_upcoming_pages_have_none(page, loaded):
    user = make_user(is_superuser=True)
    page.goto(reverse("admin:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.raw_password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")

    report = []
    check(page, "revisions", reverse("admin:timeline_article_revisions", args=[loaded.pk]), report)
    page.click("form[action$='/revisions/compare/'] [type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/revisions/compare/" in page.url
    for line in blocking(page):
        report.append(f"compare {page.url}: {line}")
    check(page, "upcoming anniversaries", reverse("admin:timeline_edition_upcoming"), report)
    check(page, "site settings", reverse("admin:timeline_sitesettings_changelist"), report)
    paste = reverse("admin:timeline_article_paste", args=[loaded.pk, "related"])
    check(page, "paste related posts", paste, report)
    page.fill("textarea", "RELATED POST: Elsewhere — https://elsewhere.example/a\nNo such title")
    page.click("input[name=check]")
    page.wait_for_load_state("networkidle")
    for line in blocking(page):
        report.append(f"paste related posts, rows read: {line}")
    assert not report, "axe-core found:\n" + "\n".join(report)


def test_a_known_violation_is_reported(page, live_server):
    """The check can fail: a page with an unlabelled input and low contrast is caught."""
    page.goto(live_server.url + "/no-such-page/")
    page.evaluate(
        "() => { const i = document.createElement('input'); document.body.appendChild(i); }"
    )
    assert any(line.startswith("label ") for line in blocking(page))
