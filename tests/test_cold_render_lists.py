"""
The article's updates, quotes and related posts ride along with its row as JSON
(timeline.selectors.embedded), made back into instances with Model.from_db: they must be the
rows the ORM would have loaded, in the page's order, with the related rows they show.
"""

import datetime as dt

import pytest
from django.db.models import F

from tests.factories import (
    NOW,
    make_article,
    make_quote,
    make_related,
    make_update,
    place_quote,
)
from timeline import selectors
from timeline.models import Placement, QuotePlacement, RelatedLink, Status, Tag, Update
from timeline.selectors.articles import QUOTE_FIELDS, RELATED_FIELDS, UPDATE_FIELDS
from timeline.selectors.embedded import JSONRow, instances, rows

pytestmark = pytest.mark.django_db


def values(obj, fields):
    return {name: getattr(obj, name) for name in fields if "__" not in name}


def test_updates_are_the_rows_the_orm_loads_newest_first():
    article = make_article()
    old = make_update(article, dated_at=NOW - dt.timedelta(days=2), headline="Old", has_time=False)
    new = make_update(article, dated_at=NOW, headline="New")
    make_update(article, status=Status.DRAFT, headline="Draft")
    page = selectors.article_page(slug=article.slug)
    assert [u.pk for u in page.updates] == [new.pk, old.pk]
    for shown in page.updates:
        loaded = Update.objects.get(pk=shown.pk)
        assert values(shown, UPDATE_FIELDS) == values(loaded, UPDATE_FIELDS)
    assert page.updates[1].has_time is False


def test_a_preview_also_shows_drafts():
    article = make_article()
    make_update(article, status=Status.DRAFT, headline="Draft")
    page = selectors.article_page(slug=article.slug, preview=True)
    assert [u.headline for u in page.updates] == ["Draft"]


def test_quotes_come_with_their_placements(django_assert_num_queries):
    article = make_article()
    update = make_update(article)
    quote = make_quote(said_on_label="Spring 2016")
    place_quote(article, quote, placement=Placement.TOP)
    place_quote(article, make_quote(text="After"), placement=Placement.AFTER_UPDATE, update=update)
    page = selectors.article_page(slug=article.slug)
    with django_assert_num_queries(0):
        (epigraph,) = page.epigraphs
        (after,) = page.updates[0].quotes_after
        shown = {name: getattr(epigraph, name) for name in QUOTE_FIELDS}
    assert shown == {name: getattr(quote, name) for name in QUOTE_FIELDS}
    assert after.text == "After"
    assert QuotePlacement.objects.count() == 2


def test_related_posts_internal_and_external_in_order(django_assert_num_queries):
    article = make_article()
    target = make_article(title="The target")
    make_related(article, url="https://example.org/x", label="Elsewhere", order=2)
    make_related(article, target=target, order=1)
    make_related(article, target=make_article(title="Draft", status=Status.DRAFT), order=0)
    page = selectors.article_page(slug=article.slug)
    with django_assert_num_queries(0):
        shown = [(link.title, link.href) for link in page.related_links]
    assert shown == [
        ("The target", target.get_absolute_url()),
        ("Elsewhere", "https://example.org/x"),
    ]
    internal = page.related_links[0]
    loaded = RelatedLink.objects.get(pk=internal.pk)
    assert values(internal, RELATED_FIELDS) == values(loaded, RELATED_FIELDS)
    assert page.related_links[1].target is None


def test_a_rows_keys_are_field_names_written_into_the_sql_and_nothing_else():
    for bad in ("name') || ('x", "a b", "1st", ""):
        with pytest.raises(ValueError, match="Not a field name"):
            JSONRow(**{bad: F("name")})
    article = make_article()
    tag = Tag.objects.create(name='Harbour\'s "fire"', slug="harbour-fire")
    article.tags.add(tag)
    row = (
        type(article)
        .objects.annotate(tag_rows=rows(Tag.objects.all(), "articles"))
        .get(pk=article.pk)
    )
    (read,) = instances(Tag.objects.all(), row.tag_rows)
    assert (read.pk, read.name, read.slug) == (tag.pk, 'Harbour\'s "fire"', "harbour-fire")
