"""Each user's notice settings (digest, kinds not e-mailed), and the notices themselves."""

from django import forms
from django.contrib import admin

from notifications.models import Kind, Notice, NoticePreference


class PreferenceForm(forms.ModelForm):
    unsubscribed = forms.MultipleChoiceField(
        label="No e-mail about",
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = NoticePreference
        fields = ["user", "digest", "unsubscribed"]


@admin.register(NoticePreference)
class NoticePreferenceAdmin(admin.ModelAdmin):
    """Staff edit their own settings; superusers everyone's."""

    form = PreferenceForm
    list_display = ["user", "digest", "last_digest_at"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["user"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self._own(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._own(request, obj)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def _own(self, request, obj):
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and (user.is_superuser or obj is None or obj.user_id == user.pk)
        )


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "recipient", "created_at", "emailed_at", "dismissed_at"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in Notice._meta.fields]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("recipient")
        return qs if request.user.is_superuser else qs.filter(recipient=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
