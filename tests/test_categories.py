"""Several categories per article: each one shown, archived, fed, described to machines and
purged when the article's list of them changes."""

import json
import re

import pytest

from tests.factories import make_article, make_category, make_tag
from timeline import services
from timeline.site import surrogate_keys as keys

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed():
    world, europe = make_category(name="World"), make_category(name="Europe")
    article = make_article(categories=[world, europe])
    article.tags.add(make_tag(name="Paris"))
    return article, world, europe


def test_filed_under_names_each_category_then_the_tags(client, filed):
    article, world, _ = filed
    html = client.get(article.get_absolute_url()).content.decode()
    line = re.search(r'<p class="filed-under">(.*?)</p>', html).group(1)
    assert re.sub(r"<[^>]+>", "", line) == "Filed under Europe, World, Paris"
    assert f'href="{world.get_absolute_url()}" rel="category"' in line


def test_each_category_archive_and_feed_lists_the_article(client, filed):
    article, world, europe = filed
    for category in (world, europe):
        assert article.title in client.get(category.get_absolute_url()).content.decode()
        feed = client.get(f"{category.get_absolute_url()}feed/").content.decode()
        assert article.title in feed and "<category>World</category>" in feed


def test_json_ld_lists_every_section(client, filed):
    article, *_ = filed
    html = client.get(article.get_absolute_url()).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = [json.loads(block) for block in blocks]
    graph = [d for item in data for d in (item if isinstance(item, list) else [item])]
    news = next(d for d in graph if d.get("@type") == "NewsArticle")
    assert sorted(news["articleSection"]) == ["Europe", "World"]


def test_the_article_page_names_each_category_key_when_filed(filed):
    article, world, europe = filed
    shown = keys.keys_of_article(article)
    assert {keys.category(world.pk), keys.category(europe.pk)} <= shown


def test_changing_the_list_purges_the_categories_left_and_joined(filed):
    article, *_ = filed
    other = make_category()
    purged = keys.keys_of_article_categories(article, {other.pk}, reverse=False)
    assert {keys.category(other.pk), keys.article(article.pk), "home"} <= purged


def test_set_categories_writes_history_once(filed):
    article, world, europe = filed
    assert not services.set_categories(article=article, categories=[world, europe], reason="x")
    assert services.set_categories(article=article, categories=[world], reason="Narrowed")
    assert list(article.categories.all()) == [world]
    latest = article.history.first()
    assert latest.history_change_reason == "Narrowed"
    assert {c.category_id for c in latest.categories.all()} == {world.pk}
