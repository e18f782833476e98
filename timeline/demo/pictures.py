"""
The demo's pictures: illustrations we draw ourselves with Pillow, so the demo needs no
photograph anyone else owns. Each is found by its title; a second run draws nothing.

A text places one by its key in braces (`[image {zone-map}]` in data/updates.json): the loader
puts the picture's number in its place (`fill`).
"""

import io
import math
import re

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image as Pillow
from PIL import ImageDraw

from images.models import Image

CREDIT = "Illustration: The Daily Example"
COPYRIGHT = "© The Daily Example"
SKY, GROUND, STEEL, RUIN, INK = "#c9dbe8", "#8a9a6b", "#b7c0c7", "#5b5049", "#1f2a33"


def _arch(width=1600, height=1000):
    """The New Safe Confinement: a steel arch over the ruined unit 4, its stack beside it."""
    img = Pillow.new("RGB", (width, height), SKY)
    draw = ImageDraw.Draw(img)
    horizon = int(height * 0.72)
    draw.rectangle([0, horizon, width, height], fill=GROUND)
    # The ruin and the old ventilation stack, left of the centre (the focal point sits there).
    draw.rectangle([520, horizon - 180, 900, horizon], fill=RUIN)
    draw.rectangle([950, horizon - 420, 990, horizon], fill=RUIN)
    # The arch: concentric half-ellipses, ribbed.
    box = [380, horizon - 460, 1240, horizon + 460]
    for inset in range(0, 60, 6):
        shrunk = [box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset]
        draw.arc(shrunk, 180, 360, fill=STEEL if inset % 12 else INK, width=6)
    for angle in range(190, 360, 12):
        x = 810 + 430 * math.cos(math.radians(angle))
        y = horizon + 460 * math.sin(math.radians(angle))
        draw.line([810 + 370 * math.cos(math.radians(angle)), horizon + 400 *
                   math.sin(math.radians(angle)), x, y], fill=INK, width=3)  # fmt: skip
    draw.line([0, horizon, width, horizon], fill=INK, width=4)
    return img


def _zone_map(width=1600, height=1200):
    """The exclusion zone: the 30 km circle, the river, the station, Pripyat and Chernobyl."""
    img = Pillow.new("RGB", (width, height), "#eef0e6")
    draw = ImageDraw.Draw(img)
    cx, cy, radius = 760, 600, 440
    draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill="#f6e3c8",
                 outline="#b04a2f", width=8)  # fmt: skip
    river = [(1180, 0), (1120, 260), (1000, 420), (980, 640), (1060, 860), (1020, 1200)]
    draw.line(river, fill="#5a8fc0", width=22, joint="curve")
    places = {"station": (760, 600, "#b04a2f"), "pripyat": (640, 470, INK),
              "chernobyl": (1030, 760, INK)}  # fmt: skip
    for x, y, colour in places.values():
        draw.ellipse([x - 22, y - 22, x + 22, y + 22], fill=colour)
    # A north arrow, top left.
    draw.polygon([(120, 80), (150, 180), (90, 180)], fill=INK)
    return img


PICTURES = [
    {
        "key": "arch",
        "draw": _arch,
        "title": "Demo: the New Safe Confinement over unit 4 (illustration)",
        "alt_text": "Drawing of a vast steel arch covering the ruined reactor building, with the "
        "old ventilation stack beside it.",
        "caption": "The New Safe Confinement, slid over the ruin of unit 4 in November 2016.",
        "focal": (0.45, 0.55),
    },
    {
        "key": "zone-map",
        "draw": _zone_map,
        "title": "Demo: map of the Chernobyl exclusion zone (illustration)",
        "alt_text": "Map of the 30-kilometre exclusion zone: the station at its centre, Pripyat "
        "to the north-west, the town of Chernobyl to the south-east on the river.",
        "caption": "The 30-kilometre exclusion zone around the station.",
        "focal": (0.47, 0.5),
    },
]


def _png(drawn):
    buffer = io.BytesIO()
    drawn.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@transaction.atomic
def ensure(*, user, history_date=None):
    """({key: Image}, [the ones drawn now]): the demo's pictures, drawn the first time only."""
    found, created = {}, []
    for picture in PICTURES:
        image = Image.objects.filter(title=picture["title"]).first()
        if image is None:
            image = Image(
                title=picture["title"],
                alt_text=picture["alt_text"],
                caption=picture["caption"],
                credit=CREDIT,
                copyright=COPYRIGHT,
                focal_x=picture["focal"][0],
                focal_y=picture["focal"][1],
                uploaded_by=user,
            )
            drawn = picture["draw"]()
            image.file.save(f"{picture['key']}.png", ContentFile(_png(drawn)), save=False)
            image.width, image.height = drawn.size  # after the file: saving it resets them
            image._history_user = user
            image._change_reason = "Demo illustration drawn"
            if history_date is not None:
                image._history_date = history_date
            image.save()
            created.append(image)
        found[picture["key"]] = image
    return found, created


_KEY = re.compile(r"\{([a-z-]+)\}")


def fill(text, pictures):
    """`[image {zone-map}]` -> `[image 12]`: a text's picture keys as library numbers."""
    return _KEY.sub(lambda m: str(pictures[m[1]].pk) if m[1] in pictures else m[0], text)
