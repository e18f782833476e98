"""
{% responsive_image image sizes="..." loading="lazy" %}: a <picture> with WebP and JPEG srcsets,
width and height (no layout shift), and a <figcaption> with the caption and credit.

The markup is in templates/images/_picture.html; this only gathers what it prints.
"""

import logging

from django import template

from images import renditions

register = template.Library()
logger = logging.getLogger(__name__)


@register.inclusion_tag("images/_picture.html#figure")
def responsive_image(
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
