"""
"Paste a list": the story's timeline, the article's references and related posts typed as the
post has them (``2010 October 9 — …``, ``RELATED POST: Title — https://…``, one per line), read
with the import's parser (timeline.imports.lines), shown row by row with the lines that did not
parse marked, then written through the services. A related post is matched to an article of
this site (timeline.admin.related_lines), else kept as an external link with its text.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from timeline import dates, services
from timeline.admin import related_lines
from timeline.imports import lines


class PasteForm(forms.Form):
    lines = forms.CharField(
        label="Lines, one per entry, as the post has them",
        widget=forms.Textarea(attrs={"rows": 16, "class": "vLargeTextField"}),
    )


def _timeline_rows(text, obj):
    return [{"ok": isinstance(row, lines.DatedLine), "row": row} for row in lines.parse_list(text)]


def _reference_rows(text, obj):
    found = []
    for raw in text.splitlines():
        if raw.strip():
            ref = lines.parse_reference(raw)
            found.append({"ok": bool(ref.title), "row": ref})
    return found


def _write_timeline(story, rows, user):
    for row in rows:
        services.add_timeline_entry(
            story=story,
            date=row.date,
            text=row.text,
            date_label=row.label,
            user=user,
            reason="Pasted timeline",
        )


def _write_references(article, rows, user):
    start = article.references.count()
    for n, ref in enumerate(rows):
        services.add_reference(
            article=article,
            url=ref.url,
            title=ref.title,
            outlet=ref.outlet,
            published_on=dates.parse(ref.date_label).edtf if ref.date_label else "",
            published_on_label=ref.date_label,
            order=start + n,
            user=user,
            reason="Pasted references",
        )


def _write_related(article, rows, user):
    start = article.related_links.count()
    for n, row in enumerate(rows):
        services.add_related_link(
            article=article,
            target=row.target,
            url=row.href,
            label=row.label,
            order=start + n,
            user=user,
            reason="Pasted related posts",
        )


KINDS = {
    "timeline": ("timeline entries", _timeline_rows, _write_timeline),
    "references": ("references", _reference_rows, _write_references),
    "related": ("related posts", related_lines.rows, _write_related),
}


class PasteAList:
    """Mixed into a ModelAdmin; `paste_kinds` names what its objects take a pasted list of."""

    paste_kinds = ()

    def get_urls(self):
        return [
            path(
                "<path:object_id>/paste/<str:kind>/",
                self.admin_site.admin_view(self.paste_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_paste",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        kinds = self.paste_kinds if obj is not None else ()
        context["paste_kinds"] = [(kind, KINDS[kind][0]) for kind in kinds]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def paste_view(self, request, object_id, kind):
        obj = self.get_object(request, object_id)
        if obj is None or kind not in self.paste_kinds:
            raise PermissionDenied
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        noun, read, write = KINDS[kind]
        form = PasteForm(request.POST or None)
        rows = []
        if request.method == "POST" and form.is_valid():
            rows = read(form.cleaned_data["lines"], obj)
            if "confirm" in request.POST and rows and all(r["ok"] for r in rows):
                with transaction.atomic():
                    write(obj, [r["row"] for r in rows], request.user)
                self.message_user(request, f"{len(rows)} {noun} added.")
                return redirect(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_change", obj.pk
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Paste a list of {noun} into “{obj}”",
            "opts": self.opts,
            "original": obj,
            "form": form,
            "rows": rows,
            "kind": kind,
            "noun": noun,
            "unread": sum(1 for r in rows if not r["ok"]),
        }
        return TemplateResponse(request, "admin/timeline/paste/paste.html", context)
