"""
A sitemap opened in a browser (people do, to check one) shows under the site's Content
Security Policy: a stylesheet from 'self' lays its XML out, so the browser's own XML viewer
(whose inline style the policy refuses) is not needed, and nothing inline is.
"""

import pytest
from django.urls import reverse
from django.utils.timezone import now

from tests.factories import make_article, make_story
from timeline.models import Status

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "address",
    [
        reverse("sitemap"),
        reverse("sitemap_section", kwargs={"section": "articles"}),
        reverse("sitemap_news"),
    ],
)
def test_a_sitemap_in_a_browser_needs_nothing_the_policy_refuses(page, violations, address):
    article = make_article(
        story=make_story(), title="Forty years on", status=Status.PUBLISHED, published_at=now()
    )
    page.goto(address)
    first = page.locator("loc").first
    # Laid out by timeline/sitemap.css: each address on a line of its own.
    assert first.evaluate("loc => getComputedStyle(loc).display") == "block"
    text = page.evaluate("document.documentElement.textContent")
    if address == reverse("sitemap"):
        assert reverse("sitemap_section", kwargs={"section": "articles"}) in text
    else:
        assert article.get_absolute_url() in text
    assert violations == []
