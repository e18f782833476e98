"""
Pictures in a real browser: an editor uploads a picture, describes it (alt text, credit), sets
its focal point by clicking it, makes it the article's lead picture and places another in an
update; the public page shows both responsive with their credits, and its og:image is the
1200x630 crop.
"""

import io
from urllib.parse import urlparse

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image as PILImage
from playwright.sync_api import expect

from editorial import roles
from images.models import Image
from tests.browser.test_editor_flow import shoot, sign_in
from tests.factories import make_article, make_role_user, make_update
from tests.test_images_support import make_image, picture_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_editor_places_pictures_and_the_page_and_its_card_show_them(page, media_root):
    editor = make_role_user(roles.EDITOR, username="pia")
    article = make_article(title="The harbour", slug="harbour")
    update = make_update(article, headline="Ten years on", body="The boats came back.")
    other = make_image(title="Market", credit="Marc Placed")

    sign_in(page, editor, reverse("admin:images_image_add"))
    page.set_input_files(
        "#id_file",
        files=[{"name": "harbour.jpg", "mimeType": "image/jpeg",
                "buffer": picture_bytes((1600, 1000))}],
    )  # fmt: skip
    page.fill("#id_title", "Harbour at dawn")
    page.fill("#id_alt_text", "Fishing boats in the harbour at dawn")
    page.fill("#id_credit", "Lena Lead")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist li.success")).to_be_visible()

    # The focal point: a click on the picture, a quarter across and a third down.
    picture = page.locator(".images-focal img")
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.34})
    page.click("input[name=_save]")
    lead = Image.objects.get(title="Harbour at dawn")
    assert abs(lead.focal_x - 0.25) < 0.03 and abs(lead.focal_y - 0.34) < 0.03
    assert lead.credit == "Lena Lead"

    page.goto(reverse("admin:timeline_article_change", args=[article.pk]))
    page.fill("#id_lead_image", str(lead.pk))
    body = page.locator("textarea[name$='-body']").filter(has_text="The boats came back.")
    body.fill(f"The boats came back.\n\n[image {other.pk}]")
    shoot(page, "editor-images-article-form")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist li.success")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert article.lead_image_id == lead.pk

    page.goto(article.get_absolute_url())
    lead_img = page.locator(".lead-image img")
    expect(lead_img).to_have_attribute("fetchpriority", "high")
    placed = page.locator(f"#{update.anchor} figure.image")
    expect(placed).to_contain_text("Marc Placed")
    expect(page.locator(".lead-image")).to_contain_text("Lena Lead")
    for img in (lead_img, placed.locator("img")):
        for attribute in ("srcset", "width", "height", "sizes"):
            assert img.get_attribute(attribute)
    expect(placed.locator("img")).to_have_attribute("loading", "lazy")
    shoot(page, "editor-images-public-page")

    card = page.locator("meta[property='og:image']").get_attribute("content")
    assert page.locator("meta[name='twitter:image']").get_attribute("content") == card
    name = urlparse(card).path.removeprefix("/media/")
    with default_storage.open(name) as f:
        assert PILImage.open(io.BytesIO(f.read())).size == (1200, 630)
