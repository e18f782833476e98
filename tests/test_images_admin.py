"""
The image library's admin through the test client: upload one and many, search, the change
page (focal point picker, where it is used), history rows, and no deleting a picture in use.
"""

import re

import pytest
from django.apps import apps
from django.db import connection, models
from django.urls import reverse

from images import usage
from images.models import Image
from tests.factories import make_role_user, make_tag, make_user
from tests.test_images_support import make_image, memory_media, picture_bytes, stored_names, upload

media = pytest.fixture(memory_media, name="media")
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

CHANGELIST = "admin:images_image_changelist"
BULK = "admin:images_image_bulk_upload"


@pytest.fixture
def editor(client):
    user = make_user(is_superuser=True)
    client.force_login(user)
    return user


def add_form(**overrides):
    data = {
        "file": upload(picture_bytes((1200, 800))),
        "title": "Market day",
        "alt_text": "Stalls of fruit in the square",
        "credit": "Jane Doe",
        "focal_x": "0.3",
        "focal_y": "0.6",
    }
    data.update(overrides)
    return data


class TestUpload:
    def test_one_picture_through_the_add_form(self, client, editor, media):
        response = client.post(reverse("admin:images_image_add"), add_form())
        assert response.status_code == 302, response.context["adminform"].form.errors
        image = Image.objects.get()
        assert image.uploaded_by == editor
        assert image.focal_point == (0.3, 0.6)
        assert (image.width, image.height) == (1200, 800)
        assert stored_names(media) == [image.file.name]

    def test_bad_file_is_a_form_error_and_stores_nothing(self, client, editor, media):
        response = client.post(
            reverse("admin:images_image_add"),
            add_form(file=upload(picture_bytes((800, 600))[:3000], name="x.jpg")),
        )
        assert response.status_code == 200
        assert "damaged or incomplete" in response.text
        assert Image.objects.count() == 0 and stored_names(media) == []

    def test_several_pictures_at_once(self, client, editor, media):
        tag = make_tag()
        files = [
            upload(picture_bytes((800, 600)), name="harbour_at_dawn.jpg"),
            upload(
                picture_bytes((600, 800), fmt="PNG", exif=False),
                name="Old-map.png",
                content_type="image/png",
            ),
        ]
        response = client.post(
            reverse(BULK),
            {
                "files": files,
                "alt_text": "Archive pictures",
                "credit": "Archives",
                "tags": [tag.pk],
            },
        )
        assert response.status_code == 302
        assert response["Location"].startswith(reverse(CHANGELIST) + "?id__in=")
        images = list(Image.objects.order_by("title"))
        assert [i.title for i in images] == ["Old map", "harbour at dawn"]
        assert all(i.credit == "Archives" and i.uploaded_by == editor for i in images)
        assert all(list(i.tags.all()) == [tag] for i in images)
        assert len(stored_names(media)) == 2
        listing = client.get(response["Location"])
        assert listing.status_code == 200 and "Old map" in listing.text

    def test_one_bad_file_stops_the_whole_batch(self, client, editor, media):
        files = [
            upload(picture_bytes((800, 600)), name="good.jpg"),
            upload(b"not a picture", name="evil.jpg"),
        ]
        response = client.post(reverse(BULK), {"files": files, "alt_text": "Pictures"})
        assert response.status_code == 200
        assert "evil.jpg: This file is not a picture we can read." in response.text
        assert Image.objects.count() == 0 and stored_names(media) == []

    def test_batch_needs_alt_text_or_decorative(self, client, editor, media):
        files = [upload(picture_bytes((300, 200)), name="a.jpg")]
        response = client.post(reverse(BULK), {"files": files})
        assert response.status_code == 200
        assert "mark it decorative" in response.text
        assert Image.objects.count() == 0
        response = client.post(
            reverse(BULK), {"files": [upload(picture_bytes((300, 200)))], "is_decorative": "on"}
        )
        assert response.status_code == 302
        assert Image.objects.get().alt == ""

    def test_contributor_may_upload_but_not_delete(self, client, media):
        client.force_login(make_role_user("Contributor"))
        assert client.get(reverse(BULK)).status_code == 200
        image = make_image()
        assert client.get(reverse("admin:images_image_delete", args=[image.pk])).status_code == 403


class TestFinding:
    def test_search_by_title_credit_and_tag(self, client, editor):
        tag = make_tag(name="Elections")
        harbour = make_image(title="Harbour", credit="Jane Doe")
        vote = make_image(
            title="Polling station", credit="Agency Photo", alt_text="Queue", caption=""
        )
        vote.tags.add(tag)
        url = reverse(CHANGELIST)

        def found(q):
            response = client.get(url, {"q": q})
            return set(response.context["cl"].result_list)

        assert found("harbour") == {harbour}
        assert found("agency") == {vote}
        assert found("elections") == {vote}

    def test_list_has_thumbnails_and_a_date_hierarchy(self, client, editor):
        make_image(title="Harbour")
        response = client.get(reverse(CHANGELIST))
        assert re.search(
            r'<img class="images-thumb" src="/media/images/renditions/[^"]+\.webp"', response.text
        )
        assert "xfull" not in response.text
        assert response.context["cl"].date_hierarchy == "uploaded_at"

    def test_change_page_loads_the_focal_script_without_inline_code(self, client, editor):
        image = make_image(focal=(0.25, 0.75))
        response = client.get(reverse("admin:images_image_change", args=[image.pk]))
        html = response.text
        assert re.search(r'<script src="/static/images/focal\.js"[^>]* defer>', html)
        assert 'data-focal-x="0.25" data-focal-y="0.75"' in html
        assert 'name="focal_x"' in html and 'type="hidden"' in html
        assert "Not used anywhere yet." in html


class TestHistory:
    def test_each_save_is_a_history_row(self, editor):
        image = make_image(credit="J. Doe")
        image.credit = "Jane Doe"
        image.save()
        rows = list(image.history.order_by("history_date"))
        assert [r.credit for r in rows] == ["J. Doe", "Jane Doe"]
        assert [r.history_type for r in rows] == ["+", "~"]

    def test_admin_edit_records_who(self, client, editor):
        image = make_image()
        data = add_form(title="Renamed")
        data.pop("file")
        response = client.post(reverse("admin:images_image_change", args=[image.pk]), data)
        assert response.status_code == 302
        latest = image.history.latest()
        assert latest.title == "Renamed" and latest.history_user == editor


@pytest.fixture
def image_user_model(transactional_db):
    """
    A model that points at Image, as an article's lead image will: registered for this test
    only (so Image._meta.related_objects sees it) with a table of its own.
    """

    class Poster(models.Model):
        name = models.CharField(max_length=50)
        picture = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="+poster")

        class Meta:
            app_label = "images"

        def __str__(self):
            return self.name

    with connection.schema_editor() as editor:
        editor.create_model(Poster)
    yield Poster
    with connection.schema_editor() as editor:
        editor.delete_model(Poster)
    del apps.all_models["images"]["poster"]
    apps.clear_cache()


class TestInUse:
    def test_where_used_and_delete_refused(self, client, image_user_model, media):
        client.force_login(make_user(is_superuser=True))
        image = make_image(title="Harbour")
        spare = make_image(title="Spare")
        image_user_model.objects.create(name="Lead of the election story", picture=image)

        assert [u.label for u in usage.uses_of(image)] == ["poster: Lead of the election story"]
        assert usage.is_used(image) and not usage.is_used(spare)

        page = client.get(reverse("admin:images_image_change", args=[image.pk]))
        assert "Lead of the election story" in page.text

        delete_url = reverse("admin:images_image_delete", args=[image.pk])
        refusal = client.get(delete_url)
        assert "remove it there first" in refusal.text
        client.post(delete_url, {"post": "yes"})
        assert Image.objects.filter(pk=image.pk).exists()

        client.post(
            reverse(CHANGELIST),
            {"action": "delete_selected", "_selected_action": [image.pk, spare.pk], "post": "yes"},
        )
        assert set(Image.objects.all()) == {image, spare}

        client.post(reverse("admin:images_image_delete", args=[spare.pk]), {"post": "yes"})
        assert set(Image.objects.all()) == {image}
