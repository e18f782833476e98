"""
The image library in the admin: upload one or many, find by title, tag, credit and date,
set the focal point by clicking the picture, see where it is used, and no deleting it then.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from images import renditions, usage
from images.forms import BulkUploadForm, ImageForm
from images.models import Image
from images.uploads import title_from_name
from timeline.admin.common import RefusesStaleSaves
from timeline.admin.forms import TEXT_INPUTS

THUMBNAIL = (160, 120)


def _admin_link(obj):
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except Exception:
        return ""


@admin.register(Image)
class ImageAdmin(RefusesStaleSaves, SimpleHistoryAdmin):
    form = ImageForm
    formfield_overrides = TEXT_INPUTS
    change_list_template = "images/admin/change_list.html"
    list_display = ["thumbnail", "title", "credit", "alt_status", "uploaded_at"]
    list_display_links = ["thumbnail", "title"]
    search_fields = ["title", "credit", "copyright", "caption", "alt_text", "tags__name"]
    list_filter = ["uploaded_at", "is_decorative", "tags"]
    date_hierarchy = "uploaded_at"
    autocomplete_fields = ["tags"]
    readonly_fields = ["focal_point_picker", "where_used", "dimensions", "uploaded_by"]
    fieldsets = [
        (None, {"fields": ["file", "title", "alt_text", "is_decorative", "caption"]}),
        ("Credit", {"fields": ["credit", "copyright", "source_url"]}),
        ("Focal point", {"fields": ["focal_point_picker", "focal_x", "focal_y"]}),
        ("Library", {"fields": ["tags", "dimensions", "uploaded_by", "where_used"]}),
    ]

    @property
    def media(self):
        script = forms.Script("images/focal.js", defer=True)
        return super().media + forms.Media(css={"all": ["images/admin.css"]}, js=[script])

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    # ------------------------------------------------------------------ display

    @admin.display(description="Picture")
    def thumbnail(self, image):
        if not image.file:
            return ""
        width, height = THUMBNAIL
        return format_html(
            '<img class="images-thumb" src="{}" width="{}" height="{}" alt="">',
            renditions.url(image, width=width, height=height, kind="webp"),
            width,
            height,
        )

    @admin.display(description="Alt text")
    def alt_status(self, image):
        return "decorative" if image.is_decorative else image.alt_text[:60]

    @admin.display(description="Size")
    def dimensions(self, image):
        return f"{image.width} x {image.height} px" if image.pk else "—"

    @admin.display(description="Click the picture where its subject is")
    def focal_point_picker(self, image):
        if not image.pk or not image.file:
            return "Save the picture first, then set its focal point here."
        width = min(800, image.width)
        height = max(1, round(width * image.height / image.width))
        return format_html(
            '<div class="images-focal" data-focal-x="{}" data-focal-y="{}">'
            '<img src="{}" width="{}" height="{}" alt="{}">'
            '<span class="images-focal__marker" aria-hidden="true"></span></div>'
            '<p class="help">Crops (the social card, narrow screens) keep this point in view.</p>',
            image.focal_x,
            image.focal_y,
            renditions.url(image, width=width, height=height, kind="jpeg"),
            width,
            height,
            image.alt,
        )

    @admin.display(description="Where it is used")
    def where_used(self, image):
        uses = usage.uses_of(image) if image.pk else []
        if not uses:
            return "Not used anywhere yet."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({})</li>',
                ((_admin_link(u.obj), u.label, u.field) for u in uses),
            ),
        )

    # ------------------------------------------------------------------ deleting

    def get_deleted_objects(self, objs, request):
        """A picture in use is protected, whatever on_delete its users chose."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for image in objs:
            for use in usage.uses_of(image):
                protected.append(
                    format_html("“{}” is shown on {} — remove it there first.", image, use.label)
                )
        return deleted, counts, perms_needed, protected

    # ------------------------------------------------------------------ uploading many

    def get_urls(self):
        upload = self.admin_site.admin_view(self.bulk_upload_view)
        return [path("upload/", upload, name="images_image_bulk_upload"), *super().get_urls()]

    def bulk_upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BulkUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            created = self._store_batch(request, form.cleaned_data)
            messages.success(request, f"{len(created)} pictures added to the library.")
            ids = ",".join(str(image.pk) for image in created)
            return redirect(f"{reverse('admin:images_image_changelist')}?id__in={ids}")
        context = {
            **self.admin_site.each_context(request),
            "title": "Upload pictures",
            "opts": self.model._meta,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "images/admin/bulk_upload.html", context)

    @transaction.atomic
    def _store_batch(self, request, data):
        created = []
        for name, upload in data["files"]:
            image = Image(
                file=upload,
                title=title_from_name(name),
                alt_text="" if data["is_decorative"] else data["alt_text"],
                is_decorative=data["is_decorative"],
                credit=data["credit"],
                copyright=data["copyright"],
                uploaded_by=request.user,
            )
            image.save()
            image.tags.set(data["tags"])
            created.append(image)
        return created
