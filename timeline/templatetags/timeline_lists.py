"""
{% timeline_entries entries %} and {% update_list updates %}: the long lists of a page, built
in Python (timeline/rendering.py) rather than one {% include %} per item.
"""

from django import template

from timeline import rendering

register = template.Library()


@register.simple_tag
def timeline_entries(entries, show_story=False, years=True):
    return rendering.timeline_entries(entries, show_story=show_story, years=years)


@register.simple_tag
def update_list(updates):
    return rendering.updates(updates)
