"""
Write a WordPress export's posts as the app's own records (see timeline.imports for reading).

A post imported before, one transaction: :func:`import_post` writes a post's story, article
and every part of it, or nothing. Each post is keyed by its site and WordPress post id
(ImportedPost), so a second import of the same export finds it: an unchanged post (same digest)
is skipped without a write; a changed one has its article brought in line and each kind of part
rewritten only when it differs. Every history row says "Imported from WordPress".

A story per event: a WordPress "On This Day" post is about one event, and its TIMELINE is that
event's. A newsroom that published each year's edition as a post of its own has one story for
them all (the same name and day, read from the posts: import_rows.story_key), each post an
article of it; the story's timeline holds each line once, however many posts repeat it.

:func:`import_file` reads the whole file once to check it (a bad file changes nothing), then
imports it batch by batch (:mod:`.import_pipeline`): new posts are built in Python
(:mod:`.import_rows`) and written a few hundred at a time (:mod:`.import_batch`: the same rows
and history rows as import_post writes, with a savepoint per post when the database refuses
a batch), posts imported before go through import_post; then related links are pointed at
posts imported later in the same file.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from timeline import body_anchors
from timeline.imports import pictures, structure, wxr
from timeline.imports import plan as plan_module
from timeline.models import (
    Article,
    Category,
    EditionKind,
    EditionStatus,
    ImportedPost,
    Quote,
    Status,
    Story,
    Tag,
)
from timeline.services import content, import_batch, import_pipeline, import_rows, stories
from timeline.services.base import save
from timeline.services.editions import free_edition_key

REASON = import_rows.REASON
_link_key = import_rows.link_key


Totals = import_pipeline.Totals
check_file = import_pipeline.check_file


def import_file(
    path,
    *,
    user=None,
    only=frozenset(),
    on_comments=None,
    progress=None,
    parallel=None,
    media=None,
) -> Totals:
    """
    Check the whole file, then import its posts batch by batch (import_pipeline): new ones
    written together, those imported before through import_post; see the module doc.
    ``media`` (import_pictures.Options): where to find the pictures to bring in first.
    """
    return import_pipeline.import_file(
        path,
        update=import_post,
        user=user,
        only=only,
        on_comments=on_comments,
        progress=progress,
        parallel=parallel,
        media=media,
    )


@transaction.atomic
def import_post(item: wxr.Item, *, user=None, on_comments=None, placements=pictures.NONE) -> str:
    """Write one post; returns "created", "updated" or "unchanged"."""
    record = (
        ImportedPost.objects.select_related("article", "story")
        .filter(site=item.site, wp_id=item.wp_id)
        .first()
    )
    digest = plan_module.digest(item, placements)
    if record and record.digest == digest:
        return "unchanged"
    content = placements.place(item.content)
    planned = plan_module.plan(structure.recover(content), item.title)
    story = _story(item, planned, record, user)
    article = _article(item, planned, story, record, user, placements.featured(item.thumbnail_id))
    _categories_and_tags(article, item, user)
    _updates(article, planned, item, user)
    _quotes(article, planned, user)
    _entries(story, planned, user, article)
    _parts(article, planned, user)
    _editions(article, planned, user)
    if on_comments:
        on_comments(article, item.comments)
    if record is None:
        ImportedPost.objects.create(
            site=item.site,
            wp_id=item.wp_id,
            link=_link_key(item.link),
            path=import_rows.link_path(item.link),
            article=article,
            story=story,
            digest=digest,
        )
        return "created"
    ImportedPost.objects.filter(pk=record.pk).update(
        digest=digest,
        link=_link_key(item.link),
        path=import_rows.link_path(item.link),
        story=story,
        updated_at=timezone.now(),
    )
    return "updated"


def _free_slug(model, wanted: str, keep=None) -> str:
    base = slugify(wanted)[:190] or "post"
    taken = model.objects.filter(slug__startswith=base)
    if keep is not None:
        taken = taken.exclude(pk=keep.pk)
    taken = set(taken.values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _story(item, planned, record, user):
    moment = item.published or timezone.now()
    values = {
        "title": planned.story_title[:200] or item.slug,
        "event_date": planned.event_date or timezone.localtime(moment).date(),
    }
    story = record.story if record else None
    if story is None and planned.event_date:  # each year's post of one event: one story
        wanted = Story(**values)
        joined = import_rows.same_stories([wanted])
        key = import_rows.story_key(wanted)
        story = next((s for s in joined if import_rows.story_key(s) == key), None)
        if story is not None:
            return story
    if story is None:
        slug = _free_slug(Story, item.slug or f"wordpress-{item.wp_id}")
        return content.create_story(slug=slug, user=user, reason=REASON, **values)
    content.save_changes(obj=story, values=values, user=user, reason=REASON)
    return story


def _article(item, planned, story, record, user, lead_image_id=None):
    published = item.status == "publish" and item.published is not None
    values = {
        "story": story,
        "title": item.title[:300] or item.slug,
        "byline": item.author[:200],
        "summary": import_rows.summary(item),
        "lede": planned.lede,
        "body": planned.body,
        "status": Status.PUBLISHED if published else Status.DRAFT,
        "published_at": item.published,
        "featured_at": (item.modified or item.published) if published else None,
    }
    if lead_image_id is not None:  # never clears a picture an editor chose since
        values["lead_image_id"] = lead_image_id
    if record is None:
        slug = _free_slug(Article, item.slug or f"wordpress-{item.wp_id}")
        return content.create_article(slug=slug, user=user, reason=REASON, **values)
    article = record.article
    content.save_changes(obj=article, values=values, user=user, reason=REASON)
    return article


def _term(model, term, user):
    slug = slugify(term.slug or term.name)[:100] or "term"
    found = model.objects.filter(slug=slug).first()
    if found:
        return found
    create = content.create_category if model is Category else content.create_tag
    return create(slug=slug, name=(term.name or slug)[:100], user=user, reason=REASON)


def _categories_and_tags(article, item, user):
    """Every category of the post (several per article where the model has them), and tags."""
    categories = [_term(Category, term, user) for term in item.categories]
    fields = {field.name for field in Article._meta.get_fields()}
    if "category" in fields:  # one category per article: the post's first
        first = categories[0] if categories else None
        content.save_changes(obj=article, values={"category": first}, user=user, reason=REASON)
    if "categories" in fields:
        wanted = {c.pk for c in categories}
        if set(article.categories.values_list("pk", flat=True)) != wanted:
            article._history_user, article._change_reason = user, REASON
            article.categories.set(wanted)
    tags = [_term(Tag, term, user) for term in item.tags]
    content.set_tags(obj=article, tags=tags, user=user, reason=REASON)


def _replace(existing, wanted, keys, create):
    """Rewrite a kind of part only when it differs from what is wanted (compared on `keys`)."""
    rows = list(existing)
    have = [{key: getattr(row, key) for key in keys} for row in rows]
    if have == [{key: values.get(key) for key in keys} for values in wanted]:
        return False
    for row in rows:
        row._change_reason = REASON
        row.delete()
    for values in wanted:
        create(values)
    return True


def _quote(planned, user):
    fields = {
        "speaker_role": planned.speaker_role,
        "work": planned.work,
        "outlet": planned.outlet,
        "said_on": planned.said_on,
        "said_on_label": planned.said_on_label,
    }
    found = Quote.objects.filter(text=planned.text, speaker=planned.speaker, **fields).first()
    return found or content.create_quote(
        text=planned.text, speaker=planned.speaker, user=user, reason=REASON, **fields
    )


def _quotes(article, planned, user):
    """Each quote where it stood; rewritten only when a placement differs."""
    updates = list(article.updates.order_by("pk").values_list("pk", flat=True))
    places = body_anchors.blocks(article.body_html)
    wanted = []
    for quote in planned.quotes:
        for placement, update, blocks_before in quote.placements:
            anchor = ""
            if placement == "body":
                named = [b.anchor for b in places[:blocks_before] if b.anchor]
                placement, anchor = ("body", named[-1]) if named else ("top", "")
            wanted.append(
                {
                    "plan": quote,
                    "text": quote.text,
                    "placement": placement,
                    "update_id": updates[update] if update is not None else None,
                    "anchor": anchor,
                    "order": len(wanted),
                }
            )
    keys = ("text", "placement", "update_id", "anchor", "order")
    existing = list(article.quote_placements.select_related("quote").order_by("order", "pk"))
    have = [{**{k: getattr(p, k) for k in keys[1:]}, "text": p.quote.text} for p in existing]
    if have == [{k: v[k] for k in keys} for v in wanted]:
        return
    for row in existing:
        row._change_reason = REASON
        row.delete()
    for values in wanted:
        content.place_quote(
            article=article,
            quote=_quote(values["plan"], user),
            placement=values["placement"],
            update_id=values["update_id"],
            anchor=values["anchor"],
            order=values["order"],
            user=user,
            reason=REASON,
        )


_moment = import_rows.moment


def _updates(article, planned, item, user):
    fallback = item.modified or item.published or timezone.now()
    wanted = []
    for update in planned.updates:
        dated_at, has_time = _moment(update["date"], fallback)
        wanted.append(
            {
                "kind": update["kind"],
                "date_label": update["date_label"],
                "body": update["body"],
                "dated_at": dated_at,
                "has_time": has_time,
            }
        )
    published = article.status == Status.PUBLISHED

    def create(values):
        content.create_update(
            article=article,
            published_at=values["dated_at"] if published else None,
            user=user,
            reason=REASON,
            **values,
        )

    keys = ("kind", "date_label", "body", "dated_at", "has_time")
    existing = article.updates.order_by("pk")
    _replace(existing, wanted, keys, create)


def _entries(story, planned, user, article):
    wanted = [
        {**entry, "edtf": entry["date"].edtf, "text": entry["text"]} for entry in planned.entries
    ]

    def create(values):
        content.create_timeline_entry(
            story=story,
            date=values["date"],
            text=values["text"],
            date_label=values["date_label"],
            position=values["position"],
            user=user,
            reason=REASON,
        )

    existing = story.timeline_entries.order_by("pk")
    if ImportedPost.objects.filter(story=story).exclude(article=article).exists():
        # Another post's story too (or this post's, joined by another): its lines are added
        # to the story's, never rewritten, and a line the story has already is not repeated.
        told = {stories.entry_key(e.date, e.text) for e in existing}
        for values in wanted:
            if stories.entry_key(values["edtf"], values["text"]) not in told:
                told.add(stories.entry_key(values["edtf"], values["text"]))
                create(values)
        return
    have = [
        {"edtf": e.date, "date_label": e.date_label, "text": e.text, "position": e.position}
        for e in existing
    ]
    keys = ("edtf", "date_label", "text", "position")
    if have != [{k: v[k] for k in keys} for v in wanted]:
        for row in existing:
            row._change_reason = REASON
            row.delete()
        for values in wanted:
            create(values)


def _parts(article, planned, user):
    def reference(values):
        content.add_reference(article=article, user=user, reason=REASON, **values)

    keys = ("title", "outlet", "published_on", "published_on_label", "url", "order")
    _replace(article.references.order_by("order", "pk"), planned.references, keys, reference)

    def embed(values):
        content.add_embed(article=article, user=user, reason=REASON, **values)

    keys = ("url", "title", "order", "kind")
    _replace(article.embeds.order_by("order", "pk"), planned.embeds, keys, embed)

    targets = dict(
        ImportedPost.objects.filter(
            link__in=[_link_key(link["url"]) for link in planned.related]
        ).values_list("link", "article_id")
    )
    wanted = []
    for order, link in enumerate(planned.related):
        target = targets.get(_link_key(link["url"]))
        url = "" if target else link["url"]
        wanted.append({"target_id": target, "url": url, "label": link["label"], "order": order})

    def related(values):
        content.add_related_link(article=article, user=user, reason=REASON, **values)

    keys = ("target_id", "url", "label", "order")
    _replace(article.related_links.order_by("order", "pk"), wanted, keys, related)


def link_imported_targets(*, user=None):
    """Related links to a post imported after the post that links to it: point them at it."""
    return import_batch.link_imported_targets(user=user)


def _editions(article, planned, user):
    """The post's earlier editions, recorded (kind past), and its current one, live."""
    existing = list(article.editions.order_by("go_live_at", "pk"))
    past = [e for e in existing if e.kind == EditionKind.PAST]
    have = [(e.title, e.year, e.archive_url) for e in past]
    wanted = [(e["title"], e["year"], e["url"]) for e in planned.editions]
    if have != wanted:
        for edition in past:
            edition._change_reason = REASON
            edition.delete()
        for title, year, url in wanted:
            record_past_edition(
                article=article, year=year, title=title, archive_url=url, user=user, reason=REASON
            )
    live = article.editions.filter(status=EditionStatus.LIVE).exists()
    if article.status == Status.PUBLISHED and not live and article.published_at:
        at = import_rows.went_live(article, [year for _, year, _ in wanted])
        key = free_edition_key(article, timezone.localtime(at).year)
        save(import_rows.original_edition(article, at, key), user=user, reason=REASON)


@transaction.atomic
def record_past_edition(
    *,
    article,
    year,
    title,
    went_live_on=None,
    archive_url="",
    user=None,
    reason="Recorded a past edition",
):
    """An edition that went out before this app: recorded with what is known, not replayed.

    `went_live_on` (a date) when the day is known, else only the year is shown.
    """
    edition = import_rows.past_edition(
        article=article,
        year=year,
        key=free_edition_key(article, year),
        title=title,
        went_live_on=went_live_on,
        archive_url=archive_url,
    )
    return save(edition, user=user, reason=reason)
