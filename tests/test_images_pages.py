"""
Pictures where they go on the public site: the lead picture (the article's, else its story's),
pictures placed by number in the body and in updates, galleries, video posters with
click-to-load players, the social card, surrogate keys, and the page's query count.
"""

import re
import time

import pytest
from django.core.cache import cache
from django.db import connection

from images import renditions
from tests.factories import make_article, make_embed, make_entry, make_update
from tests.test_images_renditions import open_rendition
from tests.test_images_support import make_image, memory_media
from tests.test_views import Tags, html_of
from timeline.models import SiteSettings
from timeline.site import surrogate_keys
from timeline.text import image_ids, render_markdown

media = pytest.fixture(memory_media, name="media")
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def meta(html, name):
    tags = Tags(html).find("meta", property=name) or Tags(html).find("meta", name=name)
    return tags[0]["content"]


def figures(html):
    return re.findall(r'<figure class="image">.*?</figure>', html, flags=re.S)


class TestPlacedInText:
    def test_a_line_of_its_own_becomes_a_placeholder_and_nothing_else_does(self):
        html = render_markdown("Intro\n\n[image 12]\n\n[gallery 3 4  5]\n\nSee [image 7] here.")
        assert '<div class="image-slot" data-kind="image" data-ids="12"></div>' in html
        assert '<div class="image-slot" data-kind="gallery" data-ids="3 4 5"></div>' in html
        assert "See [image 7] here." in html
        assert image_ids(html) == [12, 3, 4, 5]

    def test_body_and_update_pictures_show_the_current_caption_and_credit(self, client):
        body_pic, update_pic = make_image(credit="Ann Body"), make_image(credit="Bob Update")
        article = make_article(body=f"Before.\n\n[image {body_pic.pk}]\n\nAfter.")
        make_update(article, body=f"News.\n\n[image {update_pic.pk}]")
        update_pic.caption, update_pic.credit = "Corrected caption", "Bob Corrected"
        update_pic.save()
        html = html_of(client, article.get_absolute_url())
        assert "Ann Body" in html and "Bob Corrected" in html and "Corrected caption" in html
        for figure in figures(html):
            (img,) = Tags(figure).find("img")
            assert img["loading"] == "lazy" and img["width"] and img["height"] and img["srcset"]

    def test_a_gallery_shows_each_picture_cropped_alike(self, client):
        pics = [make_image(title=f"P{i}") for i in range(3)]
        article = make_article(body="[gallery " + " ".join(str(p.pk) for p in pics) + "]")
        html = html_of(client, article.get_absolute_url())
        (gallery,) = re.findall(r'<div class="gallery">.*?</div>', html, flags=re.S)
        sizes = {(i["width"], i["height"]) for i in Tags(gallery).find("img")}
        assert len(Tags(gallery).find("img")) == 3 and len(sizes) == 1
        width, height = map(int, sizes.pop())
        assert round(width / height, 1) == 1.5

    def test_a_number_not_in_the_library_shows_nothing(self, client):
        article = make_article(body="Text.\n\n[image 999999]")
        html = html_of(client, article.get_absolute_url())
        assert figures(html) == [] and "image-slot" not in html


class TestLeadPictureAndSocialCard:
    def test_the_lead_picture_is_eager_and_high_priority_with_its_credit(self, client):
        article = make_article(lead_image=make_image(credit="Lead Credit"))
        html = html_of(client, article.get_absolute_url())
        lead = html.split('<div class="lead-image">', 1)[1]
        img = Tags(lead).find("img")[0]
        assert img["loading"] == "eager" and img["fetchpriority"] == "high"
        assert "Lead Credit" in lead.split("</figure>")[0]

    def test_og_twitter_and_json_ld_carry_the_1200x630_crop(self, client, media):
        article = make_article(lead_image=make_image())
        html = html_of(client, article.get_absolute_url())
        url = meta(html, "og:image")
        assert meta(html, "twitter:image") == url
        assert (meta(html, "og:image:width"), meta(html, "og:image:height")) == ("1200", "630")
        assert f'"url": "{url}"' in html.replace("\\u0026", "&")
        _, picture = open_rendition(media, "/" + url.split("://", 1)[1].split("/", 1)[1])
        assert picture.size == (1200, 630)

    def test_without_its_own_the_article_takes_the_story_picture_else_the_site_card(self, client):
        article = make_article()
        assert meta(html_of(client, article.get_absolute_url()), "og:image").endswith(
            "share-default.png"
        )
        article.story.default_image = make_image()
        article.story.save()
        html = html_of(client, article.get_absolute_url())
        assert "/media/images/renditions/" in meta(html, "og:image")
        assert '<div class="lead-image">' in html


class TestVideoPoster:
    def test_the_poster_shows_and_no_iframe_until_the_reader_asks(self, client):
        article = make_article()
        make_embed(article, poster=make_image(title="Poster"))
        html = html_of(client, article.get_absolute_url())
        frame = html.split('<div class="embed__frame"', 1)[1].split("</div>", 1)[0]
        assert "youtube-nocookie.com/embed/" in frame and "<iframe" not in html
        assert Tags(frame).find("img", **{"class": "embed__poster"})


class TestCacheAndQueries:
    def test_the_page_names_its_pictures_and_a_correction_purges_them(self, client, settings):
        settings.HTTP_CACHE = {**settings.HTTP_CACHE, "BACKEND": "varnish", "PURGE_URLS": []}
        lead, placed = make_image(), make_image()
        article = make_article(lead_image=lead, body=f"[image {placed.pk}]", comments_open=False)
        entry = make_entry(article.story, image=make_image())
        response = client.get(article.get_absolute_url())
        assert {f"image-{lead.pk}", f"image-{placed.pk}"} <= set(response["xkey"].split())
        assert surrogate_keys.keys_of_image(entry.image) == {
            f"image-{entry.image_id}",
            f"timeline-{article.story_id}",
        }

    def test_queries_stay_constant_however_many_pictures(
        self, client, django_assert_max_num_queries
    ):
        """Guards against N+1 queries: every picture of the page is read in one query (the
        article page: 8 at most, with the authors, the timeline and the comments)."""
        connection.features.supports_json_field  # noqa: B018 (SQLite checks it once, by query)

        def count(article):
            cache.clear()
            SiteSettings.load()  # cached apart, its one cold read pinned in test_site_settings
            with django_assert_max_num_queries(8) as captured:
                html_of(client, article.get_absolute_url())
            return len(captured)

        one = make_article(lead_image=make_image())
        make_entry(one.story, "1990")
        many = make_article(lead_image=make_image())
        pics = [make_image(title=f"P{i}") for i in range(6)]
        many.body = "\n\n".join(f"[image {p.pk}]" for p in pics[:3]) + f"\n\n[gallery {pics[3].pk}]"
        many.save()
        for pic in pics[4:]:
            make_update(many, body=f"[image {pic.pk}]")
            make_embed(many, poster=pic)
        for i in range(5):
            make_entry(many.story, f"{1990 + i}", image=pics[i])
        assert count(one) == count(many)


def test_rendition_timings_first_then_cached(capsys):
    """Not a pin, a measurement for the report (printed with -s): first render vs cached."""
    image = make_image(size=(3000, 2000))
    start = time.perf_counter()
    renditions.picture(image)
    first = time.perf_counter() - start
    start = time.perf_counter()
    renditions.picture(image)
    cached = time.perf_counter() - start
    print(f"\nrenditions of a 3000x2000 picture: first {first * 1000:.0f} ms, cached "
          f"{cached * 1000:.1f} ms")  # fmt: skip
    assert cached < first


def test_a_picture_placed_in_a_text_is_in_use():
    """The admin's "where used" and its refusal to delete count pictures placed by number."""
    from images import usage

    placed, unused = make_image(), make_image()
    article = make_article(body=f"[gallery 999 {placed.pk}]")
    update = make_update(make_article(), body=f"Text.\n\n[image {placed.pk}]")
    assert {use.obj for use in usage.uses_of(placed)} == {article, update}
    assert not usage.is_used(unused)
