"""
The newsroom's roles as data: which permissions each group holds.

`apply_roles` is the one place that writes them. The data migration calls it with the
historical app registry; `manage.py sync_roles` and the post_migrate hook call it with the
live one, so apps and models added later (reader comments, say) reach the Editor group too.
"""

from django.apps import apps as global_apps
from django.db.models import Q

EDITOR = "Editor"
CONTRIBUTOR = "Contributor"

ALL_ACTIONS = ("add", "change", "delete", "view")
# Editors hold every permission of these apps (those installed), publish included.
EDITOR_APPS = ("timeline", "comments", "editorial", "images")
CONTRIBUTOR_PERMISSIONS = {
    "timeline": {
        # Their own drafts only: timeline.permissions narrows these to the object.
        "article": ALL_ACTIONS,
        "update": ALL_ACTIONS,
        # The parts of an article's page follow the article.
        "quoteplacement": ALL_ACTIONS,
        "relatedlink": ALL_ACTIONS,
        "reference": ALL_ACTIONS,
        "embed": ALL_ACTIONS,
        # What they pick from (and autocomplete needs), without managing it.
        "story": ("view",),
        "timelineentry": ("view",),
        "quote": ("view",),
        "tag": ("view",),
        "category": ("view",),
        "edition": ("view",),
    },
    # They upload and describe pictures for their drafts; removing one is an editor's call.
    "images": {"image": ("add", "change", "view")},
}


def role_permissions(name):
    """A filter on auth.Permission: everything the role holds."""
    if name == EDITOR:
        return Q(content_type__app_label__in=EDITOR_APPS)
    query = Q(pk__in=[])
    for app_label, models in CONTRIBUTOR_PERMISSIONS.items():
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        query |= Q(content_type__app_label=app_label, codename__in=codenames)
    return query


def apply_roles(apps=global_apps, *, using="default", exact=False):
    """
    Make sure each role's group exists and holds its permissions; idempotent.

    Additive by default, so permissions an administrator granted by hand stay; `exact`
    also removes what the definition above does not list. Returns {group name: count}.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    counts = {}
    for name in (EDITOR, CONTRIBUTOR):
        group, _ = Group.objects.using(using).get_or_create(name=name)
        wanted = list(Permission.objects.using(using).filter(role_permissions(name)))
        if exact:
            group.permissions.set(wanted)
        else:
            group.permissions.add(*wanted)
        counts[name] = group.permissions.count()
    return counts


def sync_after_migrate(sender, using="default", **kwargs):
    """post_migrate: once, after the last app, when every app's permissions exist."""
    configs = [c for c in global_apps.get_app_configs() if c.models_module is not None]
    if configs and sender.label == configs[-1].label:
        apply_roles(global_apps, using=using)
