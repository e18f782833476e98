"""
{% responsive_image image sizes="..." loading="lazy" %}: a <picture> with WebP and JPEG srcsets,
width and height (no layout shift), and a <figcaption> with the caption and credit.

The markup is in templates/images/_picture.html; this only gathers what it prints.
"""

import logging

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from images import renditions
from timeline.text import split_image_slots

register = template.Library()
logger = logging.getLogger(__name__)


@register.inclusion_tag("images/_picture.html#figure")
def responsive_image(
    image, sizes="100vw", loading="lazy", ratio="", figure=True, css_class="", fetchpriority=""
):
    return _figure(image, sizes, loading, ratio, figure, css_class, fetchpriority)


# Pictures placed in a text: one across the column, a gallery as a row of 3:2 crops.
_PLACED = {
    "image": {"sizes": "(min-width: 48rem) 44rem, 100vw"},
    "gallery": {"sizes": "(min-width: 48rem) 15rem, 50vw", "ratio": "3:2"},
}


@register.filter
def with_images(html, pictures):
    """
    {{ update.body_html|with_images:page.images }}: the sanitised HTML with each placeholder of
    `[image 12]` / `[gallery 12 13]` (timeline.text) filled with its pictures, lazily loaded.
    A number that is not in `pictures` (a picture since deleted) shows nothing.
    """
    figure = get_template("images/_picture.html#figure")
    gallery = get_template("images/_picture.html#gallery")
    out = []
    for part, ids in split_image_slots(html or ""):
        if ids is None:
            out.append(part)  # already sanitised on save (timeline.text.render_markdown)
            continue
        options = _PLACED[part]
        shown = [pictures[pk] for pk in ids if pk in (pictures or {})]
        if part == "image":
            out.extend(figure.render(_figure(image, options["sizes"])) for image in shown)
        elif shown:
            figures = [
                figure.render(_figure(image, options["sizes"], ratio=options["ratio"]))
                for image in shown
            ]
            out.append(gallery.render({"figures": figures}))
    # The text was sanitised on save; the figures come from our templates (escaped there).
    return mark_safe("".join(out))


def _figure(
    image, sizes="100vw", loading="lazy", ratio="", figure=True, css_class="", fetchpriority=""
):
    if image is None or not image.file:
        return {"image": None}
    try:
        sources = renditions.picture(image, ratio=renditions.parse_ratio(ratio))
    except OSError:
        # The original is missing from storage (a partial restore): no picture, not a 500.
        logger.exception("Image %s: its original %s cannot be read", image.pk, image.file.name)
        return {"image": None}
    return {
        **sources,
        "sizes": sizes,
        "loading": loading,
        # An eager (above the fold) picture should be decoded with the page, not after it.
        "decoding": "async" if loading == "lazy" else "auto",
        "fetchpriority": fetchpriority,
        "figure": figure,
        "css_class": css_class,
    }


@register.simple_tag
def social_card(image):
    """{% social_card image as card %}: the 1200x630 rendition's url, width, height and alt."""
    if image is None or not image.file:
        return None
    return renditions.social_card(image)
