"""
import_wordpress brings a post's pictures into the library (from a copy of wp-content/uploads,
or downloaded from the export's own site) and places them where the post had them; a picture
it cannot bring stays a link to where it was, and nothing else is fetched from anywhere.
"""

import functools
import http.server
import io
import threading
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage

from images.models import Image
from tests.factories import make_role_user
from timeline.imports import pictures
from timeline.models import Article, ImportRun
from timeline.text import html_to_text

pytestmark = pytest.mark.django_db

POST = """<!-- wp:paragraph -->
<p><strong>May 4 2021 —</strong> A day the harbour remembers.</p>
<!-- /wp:paragraph -->

<!-- wp:image {{"id":55}} -->
<figure class="wp-block-image size-large"><img
 src="{site}/wp-content/uploads/2021/05/quay-1024x683.jpg" alt="The quay at dawn"
 class="wp-image-55"/><figcaption>The quay at dawn, <em>May 2021</em></figcaption></figure>
<!-- /wp:image -->

<!-- wp:paragraph -->
<p>[caption id="attachment_56" align="aligncenter" width="640"]<img
 src="{site}/wp-content/uploads/crane.png" alt="" width="640"
 height="427" /> The old crane[/caption]</p>
<!-- /wp:paragraph -->

<!-- wp:paragraph -->
<p><img src="https://elsewhere.example/wp-content/uploads/boat.jpg" alt="A boat" /></p>
<!-- /wp:paragraph -->

<!-- wp:paragraph -->
<p>The end of the day.</p>
<!-- /wp:paragraph -->"""

EXPORT = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Harbour</title><link>{site}</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Harbour day</title><link>{site}/harbour-day/</link><dc:creator>ed</dc:creator>
<content:encoded><![CDATA[{post}]]></content:encoded>
<wp:post_id>10</wp:post_id><wp:post_date_gmt>2021-05-04 08:00:00</wp:post_date_gmt>
<wp:post_name>harbour-day</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>57</wp:meta_value></wp:postmeta>
</item>
<item><title>The quay</title><wp:post_id>55</wp:post_id><wp:post_type>attachment</wp:post_type>
<wp:attachment_url>{site}/wp-content/uploads/2021/05/quay.jpg</wp:attachment_url>
<excerpt:encoded><![CDATA[The quay at dawn]]></excerpt:encoded></item>
<item><title>Lighthouse &amp; pier</title><wp:post_id>57</wp:post_id>
<wp:post_type>attachment</wp:post_type>
<wp:attachment_url>{site}/wp-content/uploads/2020/lighthouse.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>
<wp:meta_value>The lighthouse at the end of the pier</wp:meta_value></wp:postmeta>
</item>
</channel></rss>"""


def picture_bytes(kind="JPEG", colour=(30, 90, 160)):
    out = io.BytesIO()
    PILImage.new("RGB", (64, 48), colour).save(out, kind)
    return out.getvalue()


def uploads(root):
    files = {
        "2021/05/quay.jpg": picture_bytes(),
        "crane.png": picture_bytes("PNG", (200, 40, 40)),
        "2020/lighthouse.jpg": picture_bytes(colour=(240, 240, 200)),
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def export(tmp_path, site="https://harbour.example"):
    path = tmp_path / "export.xml"
    path.write_text(EXPORT.format(site=site, post=POST.format(site=site)), encoding="utf-8")
    return path


def run(path, **options):
    out = StringIO()
    call_command("import_wordpress", str(path), stdout=out, **options)
    return out.getvalue()


def page(article):
    response = Client().get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


class TestFromACopyOfUploads:
    def test_pictures_come_into_the_library_and_stand_where_they_stood(self, tmp_path):
        root = uploads(tmp_path / "uploads")
        summary = run(export(tmp_path), media_root=str(root))
        assert "Pictures: 3 brought in, 0 already here, 1 not brought in" in summary

        quay = Image.objects.get(
            source_url="https://harbour.example/wp-content/uploads/2021/05/quay.jpg"
        )
        assert (quay.title, quay.alt_text, quay.caption) == (
            "The quay",
            "The quay at dawn",
            "The quay at dawn, May 2021",
        )
        crane = Image.objects.get(source_url__endswith="/crane.png")
        assert crane.alt_text == "The old crane"  # no alt text: its caption stands in
        article = Article.objects.get(slug="harbour-day")
        lighthouse = article.lead_image
        assert lighthouse.alt_text == "The lighthouse at the end of the pier"
        assert lighthouse.title == "Lighthouse & pier"

        body = article.body
        assert body.index(f"[image {quay.pk}]") < body.index(f"[image {crane.pk}]")
        assert body.index(f"[image {crane.pk}]") < body.index("The end of the day.")
        html = page(article)
        assert 'alt="The quay at dawn"' in html and 'alt="The old crane"' in html
        assert 'alt="The lighthouse at the end of the pier"' in html
        # The picture on another host is not fetched from a folder: a link to where it is.
        assert 'href="https://elsewhere.example/wp-content/uploads/boat.jpg"' in html
        assert "Picture: A boat" in html_to_text(html)

    def test_importing_again_brings_nothing_twice(self, tmp_path):
        root = uploads(tmp_path / "uploads")
        path = export(tmp_path)
        run(path, media_root=str(root))
        again = run(path, media_root=str(root))
        assert Image.objects.count() == 3
        assert "0 brought in, 3 already here" in again

    def test_imported_first_without_them_the_pictures_come_in_a_second_run(self, tmp_path):
        path = export(tmp_path)
        run(path)
        body = Article.objects.get().body
        assert "Picture: The old crane" in html_to_text(body)
        assert "<p><p>" not in body.replace("\n", "")  # the picture's paragraph, not one inside
        summary = run(path, media_root=str(uploads(tmp_path / "uploads")))
        assert "1 updated" in summary
        article = Article.objects.get()
        crane = Image.objects.get(source_url__endswith="/crane.png")
        assert f"[image {crane.pk}]" in article.body
        assert "Picture: The old crane" not in html_to_text(article.body)
        assert "<p><p>" not in article.body.replace("\n", "")
        assert article.lead_image.title == "Lighthouse & pier"
        assert "1 unchanged" in run(path, media_root=str(tmp_path / "uploads"))

    def test_a_changed_post_imported_again_keeps_its_pictures_in_place(self, tmp_path):
        root = uploads(tmp_path / "uploads")
        path = export(tmp_path)
        run(path, media_root=str(root))
        path.write_text(path.read_text().replace("The end of the day.", "The day ends."))
        assert "1 updated" in run(path, media_root=str(root))
        article = Article.objects.get(slug="harbour-day")
        quay = Image.objects.get(source_url__endswith="/quay.jpg")
        assert f"[image {quay.pk}]" in article.body and "The day ends." in article.body
        assert article.lead_image.title == "Lighthouse & pier"
        assert Image.objects.count() == 3

    def test_a_file_that_is_not_a_picture_is_named_and_the_post_still_comes(self, tmp_path):
        root = uploads(tmp_path / "uploads")
        (root / "crane.png").write_text("not a picture at all")
        summary = run(export(tmp_path), media_root=str(root))
        assert "crane.png (" in summary
        article = Article.objects.get(slug="harbour-day")
        assert "Picture: The old crane" in html_to_text(page(article))
        assert Image.objects.count() == 2

    def test_nothing_outside_the_folder_is_read(self, tmp_path):
        root = uploads(tmp_path / "uploads")
        (tmp_path / "secret.jpg").write_bytes(picture_bytes())
        path = tmp_path / "export.xml"
        sneaky = POST.replace("2021/05/quay-1024x683.jpg", "../../secret.jpg")
        site = "https://harbour.example"
        path.write_text(EXPORT.format(site=site, post=sneaky.format(site=site)))
        run(path, media_root=str(root))
        assert not Image.objects.filter(source_url__contains="secret").exists()

    def test_a_missing_folder_is_one_clear_error(self, tmp_path):
        with pytest.raises(CommandError, match=r"--media-root .*: no such folder"):
            run(export(tmp_path), media_root=str(tmp_path / "nowhere"))


class TestWithoutPictures:
    def test_each_picture_stays_a_link_with_its_caption(self, tmp_path):
        run(export(tmp_path))
        assert Image.objects.count() == 0
        article = Article.objects.get(slug="harbour-day")
        assert article.lead_image is None
        text = html_to_text(page(article))
        assert "Picture: The quay at dawn, May 2021" in text
        assert "Picture: The old crane" in text

    def test_the_dry_run_counts_them_and_does_not_list_them_as_left_over(self, tmp_path):
        report = run(export(tmp_path), dry_run=True)
        assert "pictures 4" in report  # three in the text, one featured
        assert "left in the body: 1" in report  # "The end of the day."


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def old_site(tmp_path):
    root = uploads(tmp_path / "site" / "wp-content" / "uploads")
    handler = functools.partial(_Quiet, directory=str(root.parent.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class TestDownloaded:
    def test_from_the_exports_own_site_only(self, tmp_path, old_site):
        summary = run(export(tmp_path, site=old_site), fetch_media=True)
        assert "Pictures: 3 brought in" in summary
        assert "https://elsewhere.example/wp-content/uploads/boat.jpg (not on the site" in summary
        assert Image.objects.count() == 3

    def test_resized_copies_are_one_picture(self):
        assert pictures.key("https://a.example/up/quay-1024x683.jpg") == pictures.key(
            "http://a.example/up/quay.jpg"
        )
        assert pictures.key("https://a.example/up/quay-scaled.jpg") == pictures.key(
            "https://A.example/up/quay.jpg?ver=2"
        )


class TestFromTheAdmin:
    @pytest.fixture(autouse=True)
    def media(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path / "media"

    def test_ticked_the_pictures_are_downloaded_and_the_run_says_so(
        self, client, tmp_path, old_site
    ):
        client.force_login(make_role_user("Editor"))
        data = export(tmp_path, site=old_site).read_bytes()
        upload = SimpleUploadedFile("export.xml", data, content_type="text/xml")
        response = client.post(reverse("admin:timeline_importrun_upload"), {"export": upload})
        report = client.get(response.url).text
        assert "pictures 4" in report and 'name="fetch_media"' in report
        client.post(response.url, {"fetch_media": "1"})
        run = ImportRun.objects.get()
        status = client.get(reverse("admin:timeline_importrun_status", args=[run.pk])).json()
        assert status["status"] == "done"
        assert "Pictures: 3 brought in" in status["summary"]
        assert "Pictures: 3 brought in" in client.get(response.url).text
        assert Article.objects.get(slug="harbour-day").lead_image.title == "Lighthouse & pier"

    def test_left_unticked_nothing_is_downloaded(self, client, tmp_path, old_site):
        client.force_login(make_role_user("Editor"))
        data = export(tmp_path, site=old_site).read_bytes()
        upload = SimpleUploadedFile("export.xml", data, content_type="text/xml")
        response = client.post(reverse("admin:timeline_importrun_upload"), {"export": upload})
        client.post(response.url)
        assert Image.objects.count() == 0
        assert "Picture: The old crane" in html_to_text(page(Article.objects.get()))


GALLERY_POST = """<p><strong>May 4 2021 —</strong> A day the harbour remembers.</p>

[gallery ids="55,57" columns="2"]

<p>The end of the day.</p>"""


def gallery_export(tmp_path, site="https://harbour.example"):
    path = tmp_path / "gallery.xml"
    path.write_text(EXPORT.format(site=site, post=GALLERY_POST), encoding="utf-8")
    return path


def test_a_gallery_alone_in_a_paragraph_replaces_it():
    placed = pictures.place_galleries(
        '<p>Before.</p>\n<p>[gallery ids="55,57"]</p>\n<p>After.</p>', {55: 3, 57: 4}, {}
    )
    assert placed == "<p>Before.</p>\n\n\n<p>[gallery 3 4]</p>\n\n\n<p>After.</p>"


class TestAGallery:
    def test_its_pictures_come_in_and_it_is_a_gallery_of_ours(self, tmp_path):
        root = uploads(tmp_path / "uploads")
        assert "Pictures: 2 brought in" in run(gallery_export(tmp_path), media_root=str(root))
        quay = Image.objects.get(source_url__endswith="/2021/05/quay.jpg")
        lighthouse = Image.objects.get(source_url__endswith="/2020/lighthouse.jpg")
        article = Article.objects.get(slug="harbour-day")
        assert f"[gallery {quay.pk} {lighthouse.pk}]" in article.body
        shown = page(article)
        assert 'alt="The quay at dawn"' in shown
        assert 'alt="The lighthouse at the end of the pier"' in shown
        assert "[gallery" not in html_to_text(shown)

    def test_a_picture_it_cannot_bring_is_a_link_to_where_it_is(self, tmp_path):
        root = uploads(tmp_path / "uploads")
        (root / "2020" / "lighthouse.jpg").unlink()
        summary = run(gallery_export(tmp_path), media_root=str(root))
        assert "1 not brought in" in summary
        quay = Image.objects.get(source_url__endswith="/2021/05/quay.jpg")
        article = Article.objects.get(slug="harbour-day")
        assert f"[gallery {quay.pk}]" in article.body
        shown = page(article)
        assert 'href="https://harbour.example/wp-content/uploads/2020/lighthouse.jpg"' in shown

    def test_without_the_pictures_it_stays_as_written_and_the_dry_run_counts_them(self, tmp_path):
        path = gallery_export(tmp_path)
        report = run(path, dry_run=True)
        assert "pictures 3" in report  # the gallery's two and the featured one
        assert "[gallery" not in report  # not listed as left in the body
        run(path)
        assert '[gallery ids="55,57" columns="2"]' in Article.objects.get(slug="harbour-day").body
