"""
{% timeline_entries entries %}, {% update_list updates %}, {% article_card article %} and the
article's sections (quotes, body, related posts, references, embeds, editions): the lists of a
page, built in Python (timeline/site/rendering.py) rather than one {% include %} per item.
"""

from django import template

from timeline.site import rendering

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


@register.simple_tag
def quote_list(quotes, variant="epigraph"):
    return rendering.quotes(quotes, variant=variant)


@register.simple_tag
def article_body(blocks):
    return rendering.body(blocks)


@register.simple_tag
def related_list(links):
    return rendering.related_links(links)


@register.simple_tag
def reference_list(references):
    return rendering.references(references)


@register.simple_tag
def embed_list(embeds):
    return rendering.embeds(embeds)


@register.simple_tag
def edition_list(editions, viewing=None):
    return rendering.editions(editions, viewing=viewing)
