"""Articles with their inlines (updates, quotes, related posts, embeds, references), updates."""

from adminsortable2.admin import SortableInlineAdminMixin
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from editorial.admin_mixins import ArticleEditorTools, RoleRulesInline, viewer_of
from timeline import permissions, services
from timeline.admin.common import HistoryAdmin, PublishActions, TextInputs, admin_date
from timeline.admin.forms import ArticleForm, ManualEditionForm, ReferenceForm, UpdateForm
from timeline.admin.paste import PasteAList
from timeline.admin.quotes import QuotePlacementInline
from timeline.admin.rows import NamedCellsInline, NewestRows, QuietRowsAdmin, SortableRows
from timeline.models import Article, Embed, Reference, RelatedLink, Update
from timeline.revisions.admin import RecentlyDeletedAdmin, RevisionsAdmin

# ---------------------------------------------------------------- article inlines


class NewUpdateInline(TextInputs, RoleRulesInline, admin.StackedInline):
    """
    One empty update form, placed above the existing updates: this year's update is one click.

    A formset of its own (rather than the extra form of the list below) puts it first in the
    page itself, for keyboards and screen readers too, without reordering the rows that the
    admin's inline script numbers.
    """

    model = Update
    form = UpdateForm
    extra = 1
    max_num = 1  # one at a time: no "add another", so no hidden template form to render
    template = "admin/timeline/article/new_update_inline.html"
    verbose_name = "new update"
    section = "Updates"  # its heading in the page's section nav
    verbose_name_plural = "new update"
    fields = ["kind", "dated_at", "date_label", "headline", "body", "status", "publish_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).none()


class NewestUpdates(NewestRows, BaseInlineFormSet):
    open_rows = 3


class UpdateInline(TextInputs, RoleRulesInline, admin.StackedInline):
    """
    The article's newest updates, open; older ones are listed with a link to their own page
    (the page renders what the editor works on). New ones are added in NewUpdateInline above.
    """

    model = Update
    form = UpdateForm
    formset = NewestUpdates
    template = "admin/timeline/article/updates_inline.html"
    extra = 0
    ordering = ["-dated_at", "-pk"]
    fields = [
        *("kind", "dated_at", "date_label", "headline", "body", "status", "publish_at"),
        "anchor",
    ]
    readonly_fields = ["anchor"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class RelatedLinkInline(
    SortableInlineAdminMixin, NamedCellsInline, TextInputs, RoleRulesInline, admin.TabularInline
):
    model = RelatedLink
    fk_name = "article"
    extra = 0
    autocomplete_fields = ["target"]
    plain_keys = ["target"]  # an article of this site, looked up as typed
    fields = ["target", "url", "label", "order"]
    verbose_name_plural = "related posts"
    section = "Links and media"  # its heading in the page's section nav (embeds follow)

    def get_queryset(self, request):
        # Each row is named by its target's title: read with the row, not one query each.
        return super().get_queryset(request).select_related("target")


class EmbedInline(
    SortableInlineAdminMixin, NamedCellsInline, TextInputs, RoleRulesInline, admin.TabularInline
):
    model = Embed
    extra = 0
    fields = ["kind", "provider", "url", "title", "caption", "poster", "order"]
    raw_id_fields = ["poster"]  # a picture's number in the library (the lookup opens it)
    verbose_name_plural = "embedded media"


class ReferenceInline(
    SortableInlineAdminMixin, NamedCellsInline, TextInputs, RoleRulesInline, admin.TabularInline
):
    model = Reference
    form = ReferenceForm
    extra = 0
    fields = ["title", "outlet", "published_on", "url", "accessed_on", "order"]


# ------------------------------------------------------------------- articles

LINKS_FLAG = "links"
SAVE_AND_OPEN_LINKS = "_open_links"


def links_open(request, obj):
    """Whether the page edits the links and media rows (always on a new article's page)."""
    return obj is None or request.GET.get("edit") == LINKS_FLAG


def with_query(request, **params):
    query = request.GET.copy()
    for name, value in params.items():
        query[name] = value
    return f"?{query.urlencode()}"


def links_summary(article):
    """The links and media section as lists of what each row is: no form field, no widget."""
    return [
        ("Related posts", [link.title for link in article.related_links.select_related("target")]),
        ("Embedded media", [embed.title for embed in article.embeds.all()]),
        ("References", [ref.title for ref in article.references.all()]),
    ]


@admin.register(Article)
class ArticleAdmin(
    SortableRows,
    PasteAList,
    QuietRowsAdmin,
    PublishActions,
    RevisionsAdmin,
    RecentlyDeletedAdmin,
    ArticleEditorTools,
    HistoryAdmin,
):
    publish_service = staticmethod(
        lambda article, **kw: services.publish_article(article=article, **kw)
    )
    unpublish_service = staticmethod(
        lambda article, **kw: services.unpublish_article(article=article, **kw)
    )
    paste_kinds = ("references", "related")
    form = ArticleForm
    list_display = ["title", "story", "status", "published", "featured"]
    list_filter = ["status", "categories", "tags", "story"]
    list_select_related = ["story"]
    search_fields = ["title", "lede", "body", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["story", "categories", "tags"]
    raw_id_fields = ["lead_image"]  # a picture's number in the library (the lookup opens it)
    readonly_fields = ["published", "featured", "site_link", "editions_list"]
    change_form_template = "admin/timeline/article/change_form.html"
    # The page's sections, in its order (the inlines come between content and timeline: see
    # the template): the section nav at the top links to each; `late` ones follow the inlines.
    fieldsets = [
        (
            "Content",
            {
                "fields": [
                    *("kicker", "title", "slug", "byline", "story", "site_link"),
                    *("summary", "lede", "body", "lead_image", "categories", "tags"),
                ]
            },
        ),
        ("Timeline", {"fields": ["timeline_until"], "classes": ["late"]}),
        ("Editions", {"fields": ["editions_list"], "classes": ["late"]}),
        (
            "Publishing",
            {
                "fields": [
                    *("status", "publish_at", "published", "featured", "recurring"),
                    *("comments_open", "change_reason"),
                ],
                "classes": ["late"],
            },
        ),
    ]
    inlines = [
        NewUpdateInline,
        UpdateInline,
        QuotePlacementInline,
        RelatedLinkInline,
        EmbedInline,
        ReferenceInline,
    ]
    actions = ["publish_now", "unpublish"]
    # Shown as a list until the editor opens them (`?edit=links`): their rows are a third of
    # the page's form fields, for a section edited far less often than the rest.
    links_inlines = (RelatedLinkInline, EmbedInline, ReferenceInline)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/cut-edition/",
                self.admin_site.admin_view(self.cut_edition_view),
                name="timeline_article_cut_edition",
            ),
            *super().get_urls(),
        ]

    def cut_edition_view(self, request, object_id):
        """A manual edition between anniversaries: `<title> [UPDATE: …]`, live at once."""
        article = self.get_object(request, object_id)
        if article is None or not self.has_publish_permission(request):
            raise PermissionDenied
        form = ManualEditionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if not article.is_published:
                form.add_error(None, "Publish the article before cutting a new edition of it.")
            else:
                try:
                    edition = services.cut_manual_edition(
                        article=article, suffix=form.cleaned_data["suffix"], user=request.user
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    message = f"Edition “{edition.title}” is live."
                    self.message_user(request, message, messages.SUCCESS)
                    return redirect("admin:timeline_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Cut a new edition of “{article}”",
            "article": article,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/timeline/cut_edition.html", context)

    @admin.display(description="Published", ordering="published_at")
    def published(self, obj):
        return admin_date(obj.published_at)

    @admin.display(description="Featured", ordering="featured_at")
    def featured(self, obj):
        return admin_date(obj.featured_at)

    @admin.display(description="On the site")
    def site_link(self, obj):
        if obj is None or obj.pk is None:
            return "Save first to preview it."
        # The public view shows staff the article whatever its status: a preview for drafts.
        label = "View on site" if obj.is_published else "Preview on site (not public yet)"
        link = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), label
        )
        if not obj.is_published or not permissions.can_publish(viewer_of(obj)):
            return link
        return format_html(
            '{} · <a href="{}">Cut a new edition</a>',
            link,
            reverse("admin:timeline_article_cut_edition", args=[obj.pk]),
        )

    @admin.display(description="Editions, newest first")
    def editions_list(self, obj):
        """Made by the scheduler and by "Cut a new edition"; each links to its own page."""
        editions = list(obj.editions.all()) if obj and obj.pk else []
        if not (obj and obj.pk):
            return "None yet: the first is made when the article is published."
        record = format_html(
            '<p><a href="{}">Record a past edition</a> (one that went out before this site)</p>',
            reverse("admin:timeline_record_past_edition", args=[obj.pk]),
        )
        if not editions:
            return format_html("<p>None yet: the first is made when published.</p>{}", record)
        return format_html(
            "{}<ul>{}</ul>",
            record,
            format_html_join(
                "",
                '<li><a href="{}">{}</a> — {}, {}{}</li>',
                (
                    (
                        reverse("admin:timeline_edition_change", args=[e.pk]),
                        e.title,
                        e.get_kind_display(),
                        e.get_status_display().lower(),
                        f" (goes live {admin_date(e.go_live_at)})"
                        if e.went_live_at is None
                        else f" ({admin_date(e.went_live_at)})",
                    )
                    for e in editions
                ),
            ),
        )

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        # A new article has no updates to list yet.
        inlines = [i for i in inlines if obj is not None or not isinstance(i, UpdateInline)]
        if links_open(request, obj):
            return inlines
        # Neither rendered nor expected back: the page posts to its own address, flag and all,
        # so a save from the page without them leaves those rows as they are.
        return [i for i in inlines if not isinstance(i, self.links_inlines)]

    def response_change(self, request, obj):
        # "Save and edit links and media": what the editor typed is saved, then the page
        # opens again with those rows (a plain link would have dropped the unsaved changes).
        if SAVE_AND_OPEN_LINKS in request.POST:
            self.message_user(request, f"“{obj}” was saved.", messages.SUCCESS)
            opened = with_query(request, edit=LINKS_FLAG)
            return redirect(f"{request.path}{opened}#related_links-group")
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not links_open(request, obj):
            context["links_summary"] = links_summary(obj)
            context["links_edit_url"] = with_query(request, edit=LINKS_FLAG)
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Update)
class UpdateAdmin(PublishActions, HistoryAdmin):
    publish_service = staticmethod(
        lambda update, **kw: services.publish_update(update=update, **kw)
    )
    unpublish_service = staticmethod(
        lambda update, **kw: services.unpublish_update(update=update, **kw)
    )
    form = UpdateForm
    list_display = ["__str__", "article", "kind", "status", "dated_at", "published_at"]
    list_filter = ["kind", "status", "article"]
    list_select_related = ["article"]
    search_fields = ["headline", "body", "article__title"]
    date_hierarchy = "dated_at"
    autocomplete_fields = ["article"]
    readonly_fields = ["anchor", "published_at"]
    fields = [
        "article",
        "kind",
        "dated_at",
        "date_label",
        "headline",
        "body",
        "status",
        "publish_at",
        "published_at",
        "anchor",
    ]
    actions = ["publish_now", "unpublish"]
