"""
Safe uploads (images.uploads through the admin's form): the type comes from the content, the
limits hold, every bad file gets its own error and nothing reaches storage, and no EXIF
(location, camera) survives in the stored original.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image as PILImage

from images import uploads
from images.forms import ImageForm
from images.models import Image
from tests.test_images_support import (
    CAMERA,
    make_image,
    memory_media,
    picture_bytes,
    stored_names,
    upload,
)

media = pytest.fixture(memory_media, name="media")
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

FIELDS = {"title": "A picture", "alt_text": "A described picture", "focal_x": 0.5, "focal_y": 0.5}


def submit(data, name="photo.jpg", **fields):
    return ImageForm(data={**FIELDS, **fields}, files={"file": upload(data, name)})


def assert_refused(form, code, media):
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["file"]] == [code]
    assert Image.objects.count() == 0
    assert stored_names(media) == []


class TestRefused:
    def test_not_an_image(self, media):
        form = submit(b"%PDF-1.7 this is not a picture at all", name="photo.jpg")
        assert_refused(form, "not_an_image", media)
        assert "not a picture we can read" in form.errors["file"][0]

    def test_empty_file(self, media):
        form = submit(b"", name="empty.jpg")
        assert not form.is_valid()
        assert "file" in form.errors
        assert Image.objects.count() == 0 and stored_names(media) == []

    def test_truncated_file(self, media):
        data = picture_bytes((800, 600))
        form = submit(data[: len(data) // 2])
        assert_refused(form, "damaged_image", media)
        assert "damaged or incomplete" in form.errors["file"][0]

    def test_unsupported_type_named_as_jpeg(self, media):
        """A BMP renamed .jpg is still a BMP: the name is not believed."""
        out = io.BytesIO()
        PILImage.new("RGB", (40, 30), "blue").save(out, "BMP")
        form = submit(out.getvalue(), name="holiday.jpg")
        assert_refused(form, "unsupported_type", media)
        assert "BMP" in form.errors["file"][0]

    def test_decompression_bomb(self, media, monkeypatch):
        """A header announcing more pixels than the limit is refused before decoding."""
        monkeypatch.setattr(uploads, "MAX_PIXELS", 100 * 100)
        form = submit(picture_bytes((200, 200), fmt="PNG", exif=False), name="bomb.png")
        assert_refused(form, "too_many_pixels", media)
        assert "megapixels" in form.errors["file"][0]

    def test_pillow_bomb_error_is_a_form_error(self, media, monkeypatch):
        """Pillow's own guard (MAX_IMAGE_PIXELS) also ends as the form error, not a 500."""
        monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", 1000)
        form = submit(picture_bytes((200, 200), fmt="PNG", exif=False), name="bomb.png")
        assert_refused(form, "too_many_pixels", media)

    def test_too_large(self, media, monkeypatch):
        monkeypatch.setattr(uploads, "MAX_BYTES", 1000)
        form = submit(picture_bytes((400, 300)))
        assert_refused(form, "too_large", media)

    def test_alt_text_required_unless_decorative(self, media):
        form = submit(picture_bytes((400, 300)), alt_text="")
        assert not form.is_valid()
        assert [e.code for e in form.errors.as_data()["alt_text"]] == ["alt_text_required"]
        assert stored_names(media) == []

    def test_decorative_needs_no_alt_text(self, media):
        form = submit(picture_bytes((400, 300)), alt_text="", is_decorative="on")
        assert form.is_valid(), form.errors
        image = form.save()
        assert image.alt == ""


class TestAccepted:
    @pytest.mark.parametrize(
        ("fmt", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif")]
    )
    def test_each_allowed_format_is_stored_under_a_generated_name(self, media, fmt, extension):
        form = submit(picture_bytes((300, 200), fmt=fmt), name="../../etc/My Holiday!.jpeg")
        assert form.is_valid(), form.errors
        image = form.save()
        assert image.file.name.startswith("images/originals/")
        assert image.file.name.endswith(f".{extension}")
        assert "Holiday" not in image.file.name and ".." not in image.file.name
        assert (image.width, image.height) == (300, 200)
        with media.open(image.file.name) as stored:
            assert PILImage.open(stored).format == fmt

    def test_exif_is_stripped_from_the_stored_original(self, media):
        data = picture_bytes((640, 480))
        assert CAMERA.encode() in data  # the test picture does carry a camera and a position
        assert PILImage.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
        image = make_image(size=(640, 480))
        with media.open(image.file.name) as stored:
            content = stored.read()
        assert CAMERA.encode() not in content
        stored_picture = PILImage.open(io.BytesIO(content))
        assert not stored_picture.getexif()
        assert "exif" not in stored_picture.info

    def test_camera_orientation_is_applied_before_stripping(self, media):
        """A portrait photo whose EXIF says "rotate" is stored the right way up."""
        img = PILImage.new("RGB", (400, 200), "green")
        exif = PILImage.Exif()
        exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
        out = io.BytesIO()
        img.save(out, "JPEG", exif=exif.tobytes())
        cleaned = uploads.clean_upload(upload(out.getvalue()))
        stored = PILImage.open(cleaned)
        assert stored.size == (200, 400)
        assert not stored.getexif()

    def test_validation_error_codes_from_the_module_directly(self):
        with pytest.raises(ValidationError) as caught:
            uploads.clean_upload(upload(b""))
        assert caught.value.code == "empty"
