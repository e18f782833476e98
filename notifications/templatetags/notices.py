from django import template

from notifications import services

register = template.Library()


@register.inclusion_tag("notifications/_panel.html", takes_context=True)
def notices_panel(context):
    """The signed-in user's notices not dismissed, for the admin's home page."""
    request = context["request"]
    return {"notices": services.inbox(request.user), "request": request}
