"""
{% timeline_entries entries %}, {% update_list updates %} and {% article_card article %}: the
long lists of a page, built in Python (timeline/rendering.py) rather than one {% include %}
per item.
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


@register.simple_tag
def article_card(article, level=2):
    return rendering.article_card(article, level=level)
