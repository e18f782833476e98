"""
Renditions (images.renditions, django-imagekit): made once and kept in storage, cropped around
the focal point, metadata-free, the 1200x630 social card, and the {% responsive_image %} markup.
"""

import io
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from PIL import Image as PILImage

from images import renditions
from tests.test_images_support import CAMERA, make_image, memory_media, stored_names

media = pytest.fixture(memory_media, name="media")
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def open_rendition(media, url):
    name = url.removeprefix("/media/")
    with media.open(name) as f:
        data = f.read()
    return data, PILImage.open(io.BytesIO(data))


def red_centre(picture):
    """Where the red dot is, as fractions of the picture's size (None if it was cropped out)."""
    rgb = picture.convert("RGB")
    w, h = rgb.size
    hits = [
        (x, y)
        for y in range(0, h, 2)
        for x in range(0, w, 2)
        if (p := rgb.getpixel((x, y)))[0] > 200 and p[1] < 60 and p[2] < 60
    ]
    if not hits:
        return None
    return (sum(x for x, _ in hits) / len(hits) / w, sum(y for _, y in hits) / len(hits) / h)


class TestCaching:
    def test_generated_once_then_read_from_storage(self, media, monkeypatch):
        image = make_image()
        first = renditions.url(image, width=800, height=500)
        assert first.endswith(".webp")
        assert len([n for n in stored_names(media) if "/renditions/" in n]) == 1

        saves = []
        monkeypatch.setattr(media, "save", lambda *a, **k: saves.append(a) or a[0])
        again = renditions.url(image, width=800, height=500)
        assert again == first
        assert saves == []

    def test_known_after_a_restart_without_re_encoding(self, media, monkeypatch):
        """The state cache emptied (a new process): storage says it exists, nothing re-encodes."""
        from django.core.cache import caches

        image = make_image()
        first = renditions.url(image, width=480, height=300, kind="jpeg")
        caches["default"].clear()
        encoded = []
        original = renditions.Rendition.generate
        monkeypatch.setattr(
            renditions.Rendition, "generate", lambda self: encoded.append(1) or original(self)
        )
        assert renditions.url(image, width=480, height=300, kind="jpeg") == first
        assert encoded == []

    def test_moving_the_focal_point_makes_a_new_file(self, media):
        image = make_image()
        before = renditions.url(image, width=480, height=480)
        image.focal_x = 0.1
        after = renditions.url(image, width=480, height=480)
        assert before != after


class TestCrops:
    @pytest.mark.parametrize("focal", [(0.1, 0.5), (0.9, 0.5), (0.5, 0.15), (0.8, 0.85)])
    def test_square_crop_keeps_the_focal_point(self, media, focal):
        image = make_image(size=(1600, 1000), focal=focal, dot=focal)
        _, square = open_rendition(media, renditions.url(image, width=400, height=400))
        assert square.size == (400, 400)
        assert red_centre(square) is not None

    def test_centred_crop_loses_an_edge_subject(self, media):
        """The control: without the focal point, the same crop cuts the subject out."""
        image = make_image(size=(1600, 800), focal=(0.5, 0.5), dot=(0.05, 0.5))
        _, square = open_rendition(media, renditions.url(image, width=400, height=400))
        assert red_centre(square) is None

    def test_social_card_is_1200_by_630_and_keeps_the_subject(self, media):
        image = make_image(size=(1000, 1600), focal=(0.5, 0.9), dot=(0.5, 0.9))
        card = renditions.social_card(image)
        assert (card["width"], card["height"]) == (1200, 630)
        data, picture = open_rendition(media, card["url"])
        assert picture.format == "JPEG"
        assert picture.size == (1200, 630)
        assert red_centre(picture) is not None
        assert CAMERA.encode() not in data

    def test_no_rendition_carries_exif(self, media):
        image = make_image()
        for kind in ("webp", "jpeg"):
            data, picture = open_rendition(
                media, renditions.url(image, width=480, height=300, kind=kind)
            )
            assert not picture.getexif()
            assert b"Exif" not in data and CAMERA.encode() not in data

    def test_srcset_widths_stop_at_the_original_width(self, media):
        image = make_image(size=(1000, 700))
        assert renditions.widths_for(image) == [480, 800]
        small = make_image(size=(300, 200))
        assert renditions.widths_for(small) == [300]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def render(source, **context):
    html = Template("{% load images %}" + source).render(Context(context))
    parser = _Tags()
    parser.feed(html)
    return html, parser.tags


class TestTemplateTag:
    def test_picture_markup(self, media):
        image = make_image(size=(1600, 1000))
        html, tags = render(
            '{% responsive_image image sizes="(min-width: 60em) 50vw, 100vw" %}', image=image
        )
        names = [t for t, _ in tags]
        assert names[:4] == ["figure", "picture", "source", "img"]
        source = dict(tags)["source"]
        img = dict(tags)["img"]
        assert source["type"] == "image/webp"
        assert [part.split()[-1] for part in source["srcset"].split(", ")] == [
            "480w",
            "800w",
            "1200w",
            "1600w",
        ]
        assert img["srcset"].count(".jpg") == 4
        assert img["sizes"] == "(min-width: 60em) 50vw, 100vw"
        assert (img["width"], img["height"]) == ("800", "500")
        assert img["alt"] == "Fishing boats in the harbour at dawn"
        assert img["loading"] == "lazy" and img["decoding"] == "async"
        assert "<figcaption>" in html and "Jane Doe" in html and "before the market" in html

    def test_decorative_picture_has_empty_alt_and_eager_loading(self, media):
        image = make_image(alt_text="", is_decorative=True, caption="", credit="")
        html, tags = render('{% responsive_image image loading="eager" ratio="1:1" %}', image=image)
        img = dict(tags)["img"]
        assert img["alt"] == ""
        assert img["loading"] == "eager" and img["decoding"] == "auto"
        assert img["width"] == img["height"]
        assert "<figcaption>" not in html

    def test_nothing_for_no_image(self):
        html, tags = render("{% responsive_image image %}", image=None)
        assert tags == []
        assert html.strip() == ""

    def test_missing_original_shows_nothing_instead_of_failing(self, media, caplog):
        image = make_image()
        media.delete(image.file.name)
        _, tags = render("{% responsive_image image %}", image=image)
        assert tags == []
        assert "cannot be read" in caplog.text

    def test_escapes_what_editors_type(self, media):
        image = make_image(alt_text='"><script>x</script>', caption="<b>bold</b>")
        html, _ = render("{% responsive_image image %}", image=image)
        assert "<script>" not in html and "<b>" not in html
