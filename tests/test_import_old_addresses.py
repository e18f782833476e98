"""
After the move, readers' old WordPress links still work: a post's old address, with or
without its trailing slash, is a permanent redirect to its article once that is published;
WordPress's category and tag archives go to ours; everything else stays a 404, and a page of
ours always wins over an old address. And what a post's editors wrote beside its text, its
excerpt, comes along as the article's summary.
"""

import importlib

import pytest
from django.apps import apps
from django.test import Client

from tests.wordpress import run, write_export
from timeline import services
from timeline.models import Article, ImportedPost
from timeline.services.import_rows import link_path

pytestmark = pytest.mark.django_db

ITEM = """<item><title>{title}</title><link>{link}</link><dc:creator>ed</dc:creator>
<content:encoded><![CDATA[<p>{title}: what the harbour remembers.</p>]]></content:encoded>
<wp:post_id>{wp_id}</wp:post_id><wp:post_date_gmt>2021-05-04 08:00:00</wp:post_date_gmt>
<wp:post_name>{slug}</wp:post_name><wp:status>{status}</wp:status>
<wp:post_type>post</wp:post_type>{excerpt}
<category domain="category" nicename="harbour-life"><![CDATA[Harbour life]]></category>
<category domain="post_tag" nicename="cranes"><![CDATA[Cranes]]></category>
</item>"""


POSTS = [
    # (wp id, title, link, slug, status)
    (
        10,
        "Harbour day",
        "https://harbour.example/2021/05/04/harbour-day/",
        "harbour-day",
        "publish",
    ),
    (11, "Crane café", "https://www.harbour.example/caf%C3%A9-crane/", "cafe-crane", "publish"),
    (12, "Quay notes", "https://harbour.example/quay-notes/", "quay-notes", "draft"),
    (13, "Plain link", "https://harbour.example/?p=13", "plain-link", "publish"),
    (14, "Search clash", "https://harbour.example/search/", "search-clash", "publish"),
]


def export(tmp_path, posts=POSTS, excerpts=None):
    excerpts = excerpts or {}
    items = [
        ITEM.format(
            wp_id=wp_id,
            title=title,
            link=link,
            slug=slug,
            status=status,
            excerpt=f"<excerpt:encoded><![CDATA[{excerpts[wp_id]}]]></excerpt:encoded>"
            if wp_id in excerpts
            else "",
        )
        for wp_id, title, link, slug, status in posts
    ]
    return write_export(tmp_path / "export.xml", items)


def article(wp_id):
    return Article.objects.get(imported__wp_id=wp_id)


def test_a_post_s_old_address_is_a_permanent_redirect_to_its_article(tmp_path):
    run(export(tmp_path))
    client = Client()
    harbour = article(10).get_absolute_url()
    for old in ("/2021/05/04/harbour-day/", "/2021/05/04/harbour-day"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == harbour
    assert client.head("/2021/05/04/harbour-day/").status_code == 301
    assert client.get(harbour).status_code == 200
    # An address WordPress kept percent-encoded is found as a browser asks for it.
    response = client.get("/café-crane/")
    assert (response.status_code, response["Location"]) == (301, article(11).get_absolute_url())


def test_what_is_not_an_old_published_post_stays_a_404(tmp_path):
    run(export(tmp_path))
    client = Client()
    assert client.get("/quay-notes/").status_code == 404  # a draft here: nothing to show yet
    assert client.get("/2021/05/04/no-such-post/").status_code == 404
    assert client.get("/").status_code == 200
    assert client.post("/2021/05/04/harbour-day/").status_code == 404  # only reads move
    # A page of ours wins over an old address that is also one of ours.
    assert client.get("/search/").status_code == 200
    assert ImportedPost.objects.get(wp_id=13).path == ""  # ?p=13 is no path to find again
    # Published later, the draft's old address leads to it.
    services.publish_article(article=article(12))
    assert client.get("/quay-notes/")["Location"] == article(12).get_absolute_url()


def test_wordpress_category_and_tag_archives_go_to_ours(tmp_path):
    run(export(tmp_path))
    client = Client()
    response = client.get("/category/harbour-life/")
    assert (response.status_code, response["Location"]) == (301, "/categories/harbour-life/")
    assert client.get("/category/news/harbour-life/")["Location"] == "/categories/harbour-life/"
    assert client.get("/tag/cranes/")["Location"] == "/tags/cranes/"
    assert client.get("/tag/no-such-tag/").status_code == 404
    assert client.get("/categories/harbour-life/").status_code == 200


def test_a_404_costs_one_query_and_a_page_of_ours_none(tmp_path, django_assert_num_queries):
    run(export(tmp_path))
    client = Client()
    client.get("/")  # the site's settings cached
    with django_assert_num_queries(1):
        assert client.get("/2021/05/04/no-such-post/").status_code == 404
    with django_assert_num_queries(0):
        assert client.get("/static/no-such-file.css").status_code == 404


def test_a_re_import_keeps_the_old_address_current(tmp_path):
    run(export(tmp_path))
    moved = [
        (
            10,
            "Harbour day, again",
            "https://harbour.example/harbour-day-2/",
            "harbour-day",
            "publish",
        )
    ]
    run(export(tmp_path, moved + POSTS[1:]))
    assert ImportedPost.objects.get(wp_id=10).path == "/harbour-day-2"
    assert Client().get("/harbour-day-2/")["Location"] == article(10).get_absolute_url()


def test_link_path():
    assert link_path("https://harbour.example/2021/05/04/harbour-day/") == "/2021/05/04/harbour-day"
    assert link_path("https://harbour.example/caf%C3%A9/") == "/café"
    assert link_path("https://harbour.example/?p=13") == ""
    assert link_path("https://harbour.example/") == ""
    assert link_path("") == ""


def test_posts_imported_before_get_their_path_from_their_link(tmp_path):
    run(export(tmp_path))
    ImportedPost.objects.update(path="")
    migration = importlib.import_module("timeline.migrations.0018_importedpost_path")
    migration.paths_from_links(apps, None)
    paths = dict(ImportedPost.objects.values_list("wp_id", "path"))
    assert paths == {
        10: "/2021/05/04/harbour-day",
        11: "/café-crane",
        12: "/quay-notes",
        13: "",
        14: "/search",
    }


def test_a_posts_excerpt_is_its_articles_summary_and_an_old_digest_stays(tmp_path):
    run(export(tmp_path))
    before = dict(ImportedPost.objects.values_list("wp_id", "digest"))
    excerpts = {
        10: "<p>The harbour&#8217;s <em>longest</em> day, told hour by hour.</p>",
        11: "A café by the crane. " * 30,
    }
    run(export(tmp_path, excerpts=excerpts))
    after = dict(ImportedPost.objects.values_list("wp_id", "digest"))
    # Posts without an excerpt keep their digest (nothing to re-import); the others change.
    assert [wp_id for wp_id in before if before[wp_id] != after[wp_id]] == [10, 11]
    harbour, cafe = article(10), article(11)
    assert harbour.summary == "The harbour\u2019s longest day, told hour by hour."
    assert len(cafe.summary) <= 300 and cafe.summary.endswith("\u2026")
    page = Client().get(harbour.get_absolute_url()).content.decode()
    assert (
        '<meta name="description" content="The harbour\u2019s longest day, told hour by hour.">'
        in page
    )
    assert article(12).summary == ""
