"""The article as a reader's browser shows it."""

import pytest

from tests.factories import make_article, make_update

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_jumps_to_an_update_by_its_anchor(page, screenshot):
    article = make_article(title="The night the lights went out")
    update = make_update(article, headline="A year later", body="The grid held this winter.")

    page.goto(f"{article.get_absolute_url()}#{update.anchor}")

    assert page.locator("h1").inner_text() == "The night the lights went out"
    target = page.locator(f"#{update.anchor}")
    assert "The grid held this winter." in target.inner_text()
    assert target.evaluate("el => el.getBoundingClientRect().top < window.innerHeight")
    assert screenshot("article-anchor").stat().st_size > 0
