"""
Builders shared by the image tests (no tests here): pictures drawn with Pillow, an in-memory
storage per test (each module: `media = pytest.fixture(memory_media, name="media")`), and a
saved Image. No binary fixtures: every file is made as it is needed.
"""

import io

from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from PIL import ImageDraw

from images import uploads
from images.models import Image

CAMERA = "Example Camera Co."
GPS_IFD = 0x8825


def picture_bytes(size=(1600, 1000), fmt="JPEG", *, exif=True, mode="RGB", dot=None):
    """A picture with a gradient (and a red dot at `dot`, as fractions) and, for JPEG, EXIF."""
    width, height = size
    img = PILImage.new(mode, size, "white")
    draw = ImageDraw.Draw(img)
    for x in range(0, width, max(1, width // 16)):
        draw.line([(x, 0), (x, height)], fill=(x * 255 // width, 80, 160)[: len(mode)] or 0)
    if dot is not None:
        cx, cy = round(dot[0] * width), round(dot[1] * height)
        r = max(4, min(size) // 30)
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(255, 0, 0)[: len(mode)])
    out = io.BytesIO()
    options = {}
    if exif and fmt in {"JPEG", "WEBP", "PNG"}:
        data = PILImage.Exif()
        data[0x010F] = CAMERA  # Make
        data[0x0110] = "Model X100"  # Model
        gps = data.get_ifd(GPS_IFD)
        gps[1] = "N"
        gps[2] = (48.0, 51.0, 24.0)
        gps[3] = "E"
        gps[4] = (2.0, 21.0, 7.0)
        options["exif"] = data.tobytes()
    img.save(out, fmt, **options)
    return out.getvalue()


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def memory_media(settings):
    """Pictures and renditions in memory for this test only; the rendition state cache emptied."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    caches["default"].clear()
    from django.core.files.storage import storages

    yield storages["default"]
    caches["default"].clear()


def make_image(*, size=(1600, 1000), focal=(0.5, 0.5), dot=None, **overrides):
    data = picture_bytes(size, dot=dot)
    fields = {
        "title": "Harbour at dawn",
        "alt_text": "Fishing boats in the harbour at dawn",
        "caption": "The harbour before the market opens.",
        "credit": "Jane Doe",
        "copyright": "© The Daily Example",
        "focal_x": focal[0],
        "focal_y": focal[1],
    }
    fields.update(overrides)
    image = Image(file=uploads.clean_upload(upload(data)), **fields)
    image.save()
    return image


def stored_names(storage, top="images"):
    """Every file under `top` in the storage, recursively (none when nothing was stored)."""
    if not storage.exists(top):
        return []
    dirs, files = storage.listdir(top)
    names = [f"{top}/{f}" for f in files]
    for d in dirs:
        names += stored_names(storage, f"{top}/{d}")
    return sorted(names)
