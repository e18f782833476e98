"""
Text as an editor typed it, as stored: one normaliser for every text field of every write.

- Line endings are \\n: browsers post textareas with \\r\\n.
- Control characters are dropped (C0 and C1, except newline and tab), and so are the bidi
  embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): invisible, they reorder
  what a reader sees ("\\u202egnp.exe" reads "exe.png") in titles, feeds and the admin alike.
  The bidi *marks* (LRM, RLM, ALM) stay: they are how mixed right-to-left text is written, and
  they reorder nothing beyond their neighbours.

The admin's text fields clean with it (admin.forms.PlainTextField), and every service save
(services.base.save) cleans each text field of the object it saves.
"""

from django.db import models

_DROPPED = dict.fromkeys(
    [
        *range(0x00, 0x09),
        0x0B,
        0x0C,
        *range(0x0E, 0x20),
        *range(0x7F, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ]
)


def one_newline(value):
    """Line endings as stored: browsers post textareas with \\r\\n, the site keeps \\n."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def typed_text(value):
    """`value` with \\n line endings, without control characters or bidi overrides."""
    return one_newline(value).translate(_DROPPED)


def clean_text_fields(obj):
    """Every text field of the model instance `obj`, through typed_text."""
    for field in obj._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)):
            value = getattr(obj, field.attname)
            if isinstance(value, str):
                setattr(obj, field.attname, typed_text(value))
