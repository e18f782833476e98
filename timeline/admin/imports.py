"""
"Import from WordPress" (upload, dry-run report, confirm, progress) and "Record a past edition".

Only editors import: the publish permission and the right to add import runs. The upload is
read whole at once for the dry-run report, so a bad file is a form error and changes nothing;
confirming queues the import as a background task (timeline.tasks), and the run's page polls a
small status view (static/timeline/admin/import-progress.js; no inline script).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from timeline import permissions, tasks
from timeline.imports import report, wxr
from timeline.models import Article, ImportRun, ImportRunStatus
from timeline.services import imports

UPLOAD_MAX_BYTES = wxr.DEFAULT_MAX_BYTES


class UploadForm(forms.Form):
    export = forms.FileField(
        label="WordPress export (.xml)",
        help_text="The file WordPress's Tools → Export writes (All content, or Posts).",
    )


class PastEditionForm(forms.Form):
    year = forms.IntegerField(min_value=1900, max_value=2200)
    title = forms.CharField(max_length=300, label="Title as it was")
    went_live_on = forms.DateField(
        required=False,
        label="Date it went live",
        help_text="Leave empty if only the year is known.",
    )
    archive_url = forms.URLField(
        required=False, max_length=500, label="Archived copy", assume_scheme="https"
    )

    def clean(self):
        data = super().clean()
        day = data.get("went_live_on")
        if day and data.get("year") and day.year != data["year"]:
            self.add_error("went_live_on", "The date is not in the year above.")
        return data


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "done", "total", "created_at", "requested_by"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def may_import(self, request):
        user = request.user
        return permissions.can_publish(user) and user.has_perm("timeline.add_importrun")

    def has_add_permission(self, request):
        return self.may_import(request)

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="timeline_importrun_upload"),
            path("<int:pk>/run/", view(self.run_view), name="timeline_importrun_run"),
            path("<int:pk>/status/", view(self.status_view), name="timeline_importrun_status"),
            path(
                "past-edition/<int:article_id>/",
                view(self.past_edition_view),
                name="timeline_record_past_edition",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:timeline_importrun_upload")

    def context(self, request, title, **extra):
        return {**self.admin_site.each_context(request), "title": title, "opts": self.opts, **extra}

    def upload_view(self, request):
        """Upload, then the dry-run report (read from the whole file) before anything is written."""
        if not self.may_import(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["export"]
            run = ImportRun(name=upload.name[:255], requested_by=request.user)
            run.upload.save(upload.name, upload, save=False)
            try:
                run.report = "\n".join(report.report(wxr.read(run.upload.path)))
            except wxr.WXRError as exc:
                run.upload.delete(save=False)
                form.add_error("export", str(exc))
            else:
                run.total = sum(1 for _ in wxr.read(run.upload.path))
                run.save()
                return redirect("admin:timeline_importrun_run", run.pk)
        context = self.context(request, "Import from WordPress", form=form)
        return TemplateResponse(request, "admin/timeline/importrun/upload.html", context)

    def run_view(self, request, pk):
        """The report with a confirm button; once confirmed, the run's progress."""
        if not self.may_import(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=pk)
        if request.method == "POST" and run.status == ImportRunStatus.CHECKED:
            fetch_media = bool(request.POST.get("fetch_media"))
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportRunStatus.QUEUED, fetch_media=fetch_media
            )
            tasks.import_wordpress.enqueue(run.pk)
            self.message_user(request, "The import has started.", messages.SUCCESS)
            return redirect("admin:timeline_importrun_run", run.pk)
        context = self.context(
            request,
            f"Import from WordPress: {run.name}",
            run=run,
            status_url=reverse("admin:timeline_importrun_status", args=[run.pk]),
        )
        return TemplateResponse(request, "admin/timeline/importrun/run.html", context)

    def status_view(self, request, pk):
        if not self.may_import(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=pk)
        return JsonResponse(
            {
                "status": run.status,
                "label": run.get_status_display(),
                "done": run.done,
                "total": run.total,
                "created": run.created,
                "updated": run.updated,
                "error": run.error,
                "summary": run.summary,
                "finished": run.status in (ImportRunStatus.DONE, ImportRunStatus.FAILED),
            }
        )

    def past_edition_view(self, request, article_id):
        """Record an edition that went out before this app (year, title, date, archived copy)."""
        article = get_object_or_404(Article, pk=article_id)
        if not permissions.can_publish(request.user):
            raise PermissionDenied
        form = PastEditionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            edition = imports.record_past_edition(
                article=article,
                year=data["year"],
                title=data["title"],
                went_live_on=data["went_live_on"],
                archive_url=data["archive_url"],
                user=request.user,
            )
            self.message_user(request, f"Past edition “{edition.title}” recorded.")
            return redirect("admin:timeline_article_change", article.pk)
        context = self.context(
            request, f"Record a past edition of “{article}”", form=form, article=article
        )
        return TemplateResponse(request, "admin/timeline/importrun/past_edition.html", context)
