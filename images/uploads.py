"""
What an uploaded file must be before it is stored, and the clean copy that is stored instead.

- The type is read from the content by Pillow, never from the name or the browser's word:
  JPEG, PNG, WebP and GIF only.
- Size and pixel limits: a small file can unpack into gigapixels (a decompression bomb), so
  the pixel count is checked from the header before any pixel is decoded, and Pillow's own
  `DecompressionBombError` is turned into the same form error.
- Not an image, a truncated file, a 0-byte file: a form error, and nothing reaches storage.
- The original is re-encoded from its pixels: EXIF (GPS position, camera, serial numbers),
  XMP and comments stay behind, the orientation EXIF asked for is applied first, and the
  name is generated (images.models.original_path).
"""

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from PIL import Image as PILImage
from PIL import ImageOps

MAX_BYTES = 20 * 1024 * 1024
# 50 megapixels: more than any newsroom camera, far less than a bomb's billions.
MAX_PIXELS = 50_000_000

# Pillow's format name -> (extension, MIME type) of what we store.
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
    "GIF": ("gif", "image/gif"),
}


def _error(message, code, **params):
    return ValidationError(message, code=code, params=params or None)


def _open(data):
    """Decode the whole picture under the pixel limit; every failure is a ValidationError."""
    try:
        with warnings.catch_warnings():
            # Past MAX_PIXELS Pillow warns, past twice that it raises: both are refusals here.
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            picture = PILImage.open(io.BytesIO(data))
            if picture.format not in FORMATS:
                raise _error(
                    "This file is a %(format)s picture. Upload a JPEG, PNG, WebP or GIF.",
                    "unsupported_type",
                    format=picture.format,
                )
            width, height = picture.size
            if width * height > MAX_PIXELS:
                raise _bomb(width, height)
            picture.load()
            return picture
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        raise _error(
            "This picture unpacks to more pixels than we accept (%(limit)s megapixels).",
            "too_many_pixels",
            limit=MAX_PIXELS // 1_000_000,
        ) from exc
    except PILImage.UnidentifiedImageError as exc:
        raise _error("This file is not a picture we can read.", "not_an_image") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        # Truncated or corrupt data: Pillow only notices while decoding it.
        raise _error("This picture is damaged or incomplete.", "damaged_image") from exc


def _bomb(width, height):
    return _error(
        "This picture is %(w)s x %(h)s pixels, more than we accept (%(limit)s megapixels).",
        "too_many_pixels",
        w=width,
        h=height,
        limit=MAX_PIXELS // 1_000_000,
    )


def _without_metadata(picture):
    """The pixels alone, turned the way the camera's orientation tag said."""
    turned = ImageOps.exif_transpose(picture)
    if turned.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
        turned = turned.convert("RGBA" if "A" in turned.getbands() else "RGB")
    clean = turned.copy()
    clean.info = {k: v for k, v in turned.info.items() if k in {"transparency"}}
    return clean


def _encode(picture, format_name, source):
    """The stored original: re-encoded from clean pixels, so no metadata survives."""
    out = io.BytesIO()
    clean = _without_metadata(picture)
    if format_name == "JPEG":
        clean.convert("RGB").save(out, "JPEG", quality=92, optimize=True)
    elif format_name == "GIF" and getattr(source, "n_frames", 1) > 1:
        # Keep the animation; GIF frames carry no EXIF, only the pixels are copied.
        frames = list(_frames(source))
        frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], loop=0)
    else:
        clean.save(out, format_name, **({"lossless": True} if format_name == "WEBP" else {}))
    return out.getvalue()


def _frames(picture):
    """An animation's frames, each with its timing and nothing else."""
    for index in range(picture.n_frames):
        picture.seek(index)
        frame = picture.convert("RGBA")
        frame.info = {"duration": picture.info.get("duration", 100)}
        yield frame


def clean_upload(uploaded):
    """
    The checked, metadata-free copy of an uploaded file, ready for `Image.file`.

    Raises ValidationError (with a code per failure) for everything we refuse.
    """
    if uploaded is None:
        raise _error("Choose a picture to upload.", "required")
    if uploaded.size == 0:
        raise _error("This file is empty (0 bytes).", "empty")
    if uploaded.size > MAX_BYTES:
        raise _error(
            "This file is %(size)s; the limit is %(limit)s.",
            "too_large",
            size=filesizeformat(uploaded.size),
            limit=filesizeformat(MAX_BYTES),
        )
    uploaded.seek(0)
    data = uploaded.read()
    picture = _open(data)
    format_name = picture.format
    # Pillow's verify() looks for the damage load() may skip (PNG checksums, for one).
    try:
        PILImage.open(io.BytesIO(data)).verify()
    except Exception as exc:
        raise _error("This picture is damaged or incomplete.", "damaged_image") from exc
    extension, content_type = FORMATS[format_name]
    return SimpleUploadedFile(
        f"upload.{extension}", _encode(picture, format_name, picture), content_type=content_type
    )


def title_from_name(name):
    """A starting title from the uploaded file's name (text only: it never becomes a path)."""
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    return " ".join(stem.replace("_", " ").replace("-", " ").split())[:200] or "Untitled picture"
