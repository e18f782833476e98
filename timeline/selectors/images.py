"""
The pictures a page shows, in one query however many: the lead picture (the article's, else its
story's), the ones placed in its text and updates (`[image 12]`, see timeline.text) and the
posters of its videos. An edition snapshot reads them as they were when it was frozen.
"""

from images.models import Image
from timeline.revisions import history
from timeline.text import image_ids

# What the page prints of a picture (renditions need the file, its size and focal point).
IMAGE_FIELDS = [
    *("id", "file", "width", "height", "alt_text", "is_decorative", "caption", "credit"),
    *("copyright", "focal_x", "focal_y"),
]


def ids_on_page(article, updates, embeds):
    """Every picture id the page shows, the lead first (None left out)."""
    story = article.story if article.story_id else None
    ids = [article.lead_image_id, story.default_image_id if story else None]
    ids += image_ids(article.body_html, *(u.body_html for u in updates))
    ids += [embed.poster_id for embed in embeds]
    return list(dict.fromkeys(pk for pk in ids if pk))


def pictures(ids, *, moment=None):
    """{id: Image} as they are now, or as they were at `moment` (an edition snapshot)."""
    if not ids:
        return {}
    if moment is not None:
        return {image.pk: image for image in history.as_of(Image, moment, id__in=ids)}
    return Image.objects.only(*IMAGE_FIELDS).in_bulk(ids)


def lead_picture(article, images):
    """The article's own lead picture, else its story's default, else None."""
    story = article.story if article.story_id else None
    for pk in (article.lead_image_id, story.default_image_id if story else None):
        if pk and pk in images:
            return images[pk]
    return None
