"""
The review queue: what contributors submitted (who, what, since when), the diff against what
is live, approve (publish now or schedule) or send back with a note. Contributors submit from
the submit view, linked from their draft's page. Every decision goes through
timeline.services.review; nothing here writes a status.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from timeline import permissions
from timeline.models import Article, ReviewRequest, ReviewState, Update
from timeline.services import review

SUBMITTABLE = {"article": Article, "update": Update}


class SubmitForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Note to the editor"
    )


class DecisionForm(forms.Form):
    decision_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Note to the author"
    )
    publish_at = forms.DateTimeField(
        required=False, label="Schedule for (empty: publish now)", help_text="YYYY-MM-DD HH:MM"
    )


@admin.register(ReviewRequest)
class ReviewRequestAdmin(SimpleHistoryAdmin):
    list_display = ["subject_label", "submitted_by", "submitted_at", "state", "note"]
    list_filter = ["state"]
    list_select_related = ["article", "update__article", "submitted_by"]
    readonly_fields = [f.name for f in ReviewRequest._meta.fields]

    @admin.display(description="What")
    def subject_label(self, obj):
        return str(obj.subject)

    def changelist_view(self, request, extra_context=None):
        if "state__exact" not in request.GET and not request.GET.get("_changelist_filters"):
            query = request.GET.copy()
            query["state__exact"] = ReviewState.OPEN
            request.GET = query
            request.META["QUERY_STRING"] = query.urlencode()
        return super().changelist_view(request, extra_context)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        user = request.user
        if permissions.can_publish(user):
            return True
        return user.is_active and user.is_staff and (obj is None or obj.submitted_by_id == user.pk)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if permissions.can_publish(request.user) else qs.filter(submitted_by=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/review/", view(self.review_view), name="timeline_reviewrequest_review"),
            path(
                "submit/<str:model>/<int:pk>/",
                view(self.submit_view),
                name="timeline_reviewrequest_submit",
            ),
            *super().get_urls(),
        ]

    def review_view(self, request, pk):
        obj = get_object_or_404(
            ReviewRequest.objects.select_related("article", "update__article", "submitted_by"),
            pk=pk,
        )
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        can_decide = permissions.can_publish(request.user) and obj.state == ReviewState.OPEN
        form = DecisionForm(request.POST or None)
        if request.method == "POST":
            if not can_decide:
                raise PermissionDenied
            if form.is_valid():
                try:
                    self._decide(request, obj, form.cleaned_data)
                except ValidationError as exc:
                    form.add_error(None, exc.messages)
                else:
                    return redirect("admin:timeline_reviewrequest_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review: {obj.subject}",
            "opts": self.model._meta,
            "review": obj,
            "comparison": review.live_comparison(obj),
            "form": form,
            "can_decide": can_decide,
        }
        return TemplateResponse(request, "admin/timeline/reviewrequest/review.html", context)

    def _decide(self, request, obj, data):
        note = data["decision_note"]
        if "send_back" in request.POST:
            review.return_review(request=obj, user=request.user, note=note)
            self.message_user(request, f"“{obj.subject}” sent back.", messages.SUCCESS)
            return
        publish_at = data["publish_at"]
        if publish_at and publish_at <= timezone.now():
            publish_at = None
        review.approve_review(request=obj, user=request.user, note=note, publish_at=publish_at)
        done = f"scheduled for {publish_at:%Y-%m-%d %H:%M}" if publish_at else "published"
        self.message_user(request, f"“{obj.subject}” approved and {done}.", messages.SUCCESS)

    def submit_view(self, request, model, pk):
        if model not in SUBMITTABLE:
            raise PermissionDenied
        item = get_object_or_404(SUBMITTABLE[model], pk=pk)
        if not permissions.can_edit(request.user, item):
            raise PermissionDenied
        form = SubmitForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                review.submit_for_review(
                    item=item, user=request.user, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                self.message_user(request, f"“{item}” is waiting for review.", messages.SUCCESS)
                return redirect(reverse(f"admin:timeline_{model}_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Submit for review: {item}",
            "opts": self.model._meta,
            "item": item,
            "form": form,
        }
        return TemplateResponse(request, "admin/timeline/reviewrequest/submit.html", context)
