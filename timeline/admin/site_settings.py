"""
The newsroom's settings (timeline.models.site): one row, edited on its change page with the
history of every save. No add or delete; the list goes straight to the row, written from the
server's settings the first time it is opened. Editors hold the permission through their role
(editorial.roles), superusers always.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from timeline.admin.common import HistoryAdmin
from timeline.admin.forms import VersionedForm
from timeline.models import SiteSettings


class SiteSettingsForm(VersionedForm):
    class Meta:
        model = SiteSettings
        fields = ["name", "follow_line", "social_handle", "social_url", "time_zone"]
        # A sentence: shown whole, not cut off in a one-line box.
        widgets = {"follow_line": forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"})}


@admin.register(SiteSettings)
class SiteSettingsAdmin(HistoryAdmin):
    form = SiteSettingsForm
    fieldsets = [
        ("The newsroom", {"fields": ["name", "follow_line", "social_handle", "social_url"]}),
        ("Editors", {"fields": ["time_zone"]}),
        ("History", {"fields": ["change_reason"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        row = SiteSettings.get_or_create_row()
        return redirect("admin:timeline_sitesettings_change", row.pk)
