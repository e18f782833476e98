"""
Renditions: the sizes and formats a page asks for, made once from the stored original.

The library is django-imagekit (6.1, with pilkit on Pillow). Compared, September 2026:

- django-imagekit: maintained, releases for current Django; a spec is a plain class whose
  processors may depend on the image (our focal point), and its output goes through Django's
  storage API under a name hashed from the source and the processors. Whether a file exists
  is remembered in Django's cache, so a page asks storage once per rendition, then never.
- sorl-thumbnail: also maintained, but it keeps its own key-value table and is driven from a
  template tag with string geometry ("800x600", crop="30% 70%"): a query per thumbnail unless
  its cache is warm, and the crop rules would live in templates.
- easy-thumbnails: fewer releases (the last in 2025), thumbnails recorded in two database
  tables (again queries per picture), aliases configured in settings.
- django-versatileimagefield: no release since early 2024; it replaces the model field.

pilkit's ResizeToFill takes the anchor as fractions: the crop box starts at
(W - w) * focal_x, so the focal point is inside every crop (and centred when the margins allow).

Every rendition is re-encoded from pixels by StripMetadata first: no EXIF (GPS, camera) in any.
"""

import dataclasses
import os

from imagekit import ImageSpec, register
from imagekit.cachefiles import ImageCacheFile
from pilkit.processors import ResizeToFill

# The widths a srcset offers; narrower originals stop at their own width (never upscaled).
WIDTHS = (480, 800, 1200, 1600)
# The <img src> for browsers without srcset.
FALLBACK_WIDTH = 800
SOCIAL_CARD = (1200, 630)

_FORMATS = {
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpeg": ("JPEG", {"quality": 82, "progressive": True, "optimize": True}),
}


class StripMetadata:
    """A processor: the pixels only (EXIF, XMP, comments and ICC left behind)."""

    def process(self, img):
        clean = img.copy()
        clean.info = {}
        return clean

    def __reduce__(self):
        # Stable pickling: the spec's hash (and so the file name) depends on its processors.
        return (StripMetadata, ())


class Rendition(ImageSpec):
    """One size of one picture in one format, cropped around its focal point."""

    autoconvert = True

    def __init__(self, source, *, width, height, focal, kind):
        super().__init__(source)
        self.width, self.height, self.kind = width, height, kind
        self.format, self.options = _FORMATS[kind]
        self.processors = [
            StripMetadata(),
            ResizeToFill(width, height, anchor=tuple(round(v, 4) for v in focal)),
        ]

    @property
    def cachefile_name(self):
        # Under the original's generated name, so the files of one picture sit together.
        stem = os.path.splitext(os.path.basename(self.source.name))[0]
        extension = "jpg" if self.kind == "jpeg" else self.kind
        return (
            f"images/renditions/{stem}/{self.width}x{self.height}-{self.get_hash()[:12]}"
            f".{extension}"
        )


# Registered, so imagekit's just-in-time strategy makes the file when its url is first asked for.
register.generator("images:rendition", Rendition)


@dataclasses.dataclass(frozen=True)
class Size:
    width: int
    height: int


def _height_for(image, width, ratio):
    if ratio:
        return max(1, round(width / ratio))
    return max(1, round(width * image.height / image.width))


def widths_for(image, *, ratio=None):
    """The srcset widths this picture can fill: up to its own width, at least one."""
    limit = image.width
    if ratio:
        # A crop narrower than the picture's ratio is limited by the height instead.
        limit = min(limit, round(image.height * ratio))
    chosen = [w for w in WIDTHS if w <= limit]
    return chosen or [max(1, limit)]


def rendition(image, *, width, height, kind="webp"):
    """The cached file (an imagekit ImageCacheFile): made on first use of .url, then reused."""

    spec = Rendition(image.file, width=width, height=height, focal=image.focal_point, kind=kind)
    return ImageCacheFile(spec)


def url(image, *, width, height, kind="webp"):
    return rendition(image, width=width, height=height, kind=kind).url


def picture(image, *, ratio=None):
    """Everything the <picture> partial prints: srcsets per format, the fallback and its size."""
    widths = widths_for(image, ratio=ratio)
    sizes = [Size(w, _height_for(image, w, ratio)) for w in widths]
    fallback = max(
        (s for s in sizes if s.width <= FALLBACK_WIDTH), key=lambda s: s.width, default=sizes[0]
    )

    def srcset(kind):
        return ", ".join(
            f"{url(image, width=s.width, height=s.height, kind=kind)} {s.width}w" for s in sizes
        )

    return {
        "image": image,
        "webp_srcset": srcset("webp"),
        "jpeg_srcset": srcset("jpeg"),
        "src": url(image, width=fallback.width, height=fallback.height, kind="jpeg"),
        "width": fallback.width,
        "height": fallback.height,
    }


def social_card(image):
    """The 1200x630 JPEG for og:image, twitter:image and JSON-LD, cropped around the focus."""
    width, height = SOCIAL_CARD
    return {
        "url": url(image, width=width, height=height, kind="jpeg"),
        "width": width,
        "height": height,
        "alt": image.alt,
    }


def parse_ratio(value):
    """ "16:9" or "1.5" -> a float; empty -> None (the picture's own ratio)."""
    if not value:
        return None
    if ":" in str(value):
        w, h = str(value).split(":", 1)
        return float(w) / float(h)
    return float(value)
