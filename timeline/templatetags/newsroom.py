"""
Template filters for the public pages: timeline.formatting's house-style dates, update markers,
quote provenance and safe links, adapted to templates, and JSON-LD. Everything returned as plain
text is autoescaped by the template.
"""

from django import template
from django.utils.safestring import mark_safe

from timeline import formatting, links
from timeline.site import structured_data

register = template.Library()

for _name in (
    "day_date", "entry_date", "entry_date_alone", "event_moment", "event_zone", "house_date",
    "iso_date", "join_names", "machine_date", "plain_text", "provenance", "reference_date",
    "safe_url", "update_date", "update_label", "update_machine_date",
):  # fmt: skip
    register.filter(_name, getattr(formatting, _name))


@register.filter
def json_ld(data):
    """Data as JSON escaped for a <script type="application/ld+json"> element."""
    # Safe: to_json escapes every <, > and & in the JSON text.
    return mark_safe(structured_data.to_json(data))


@register.simple_tag
def link(name, *args):
    """{% url %} for the public pages' links, remembered after the first time (timeline.links)."""
    return links.url(name, *args)
