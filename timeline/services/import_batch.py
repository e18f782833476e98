"""
New WordPress posts written many at a time: the bulk path of :mod:`timeline.services.imports`.

A batch of posts (built by :mod:`.import_rows`) is written in one transaction: what needs the
database is looked up once for the whole batch (free slugs, terms, authors, reused quotes,
related posts' targets), each kind of row goes in with one ``bulk_create`` and its history rows
with another (``bulk_create_with_history``; the history of an article's categories and tags
as simple-history's m2m signal would write it), and the keys of every page the batch made
stale are scheduled for purge once, after commit (bulk_create sends no signal). The rows and
history rows are the ones the per-post path writes; only pks and moments differ.

If the database refuses the batch (a constraint), the batch is rolled back and written again
post by post, each in its own savepoint: the post it refuses is rolled back alone and
reported, the others are kept.
"""

from collections import Counter, defaultdict

from django.apps import apps
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from httpcache import purge, signals
from timeline.models import (
    Article,
    ArticleCredit,
    Author,
    Category,
    Edition,
    Embed,
    ImportedPost,
    Quote,
    QuotePlacement,
    Reference,
    RelatedLink,
    Story,
    Tag,
    TimelineEntry,
    Update,
)
from timeline.services.import_rows import REASON, link_key, link_path, same_stories, story_key
from timeline.services.stories import entry_key
from timeline.typed_text import clean_text_fields

SIZE = 500  # rows per INSERT statement (every backend's parameter limit holds)


def write(posts, *, rebuild, user=None, on_comments=None):
    """
    Write `posts` (NewPost) in one transaction; returns (written posts, [(slug, error)]).
    `rebuild(post)` builds a post's rows afresh (a refused batch left pks on the old ones).
    """
    try:
        with transaction.atomic():
            _write(posts, user, on_comments)
        return posts, []
    except DatabaseError:
        posts = [rebuild(post) for post in posts]
    written, failed = [], []
    with transaction.atomic():
        for post in posts:
            try:
                with transaction.atomic():  # a savepoint: this post alone is rolled back
                    _write([post], user, on_comments)
                written.append(post)
            except DatabaseError as exc:
                failed.append((post.item.slug or str(post.item.wp_id), str(exc).strip()))
    return written, failed


def _write(posts, user, on_comments):
    now = timezone.now()

    def create(model, rows, reason=REASON):
        if rows:
            bulk_create_with_history(
                rows,
                model,
                batch_size=SIZE,
                default_user=user,
                default_change_reason=reason,
                default_date=now,
            )

    terms = {
        Category: _terms(Category, [t for p in posts for t in p.item.categories], create),
        Tag: _terms(Tag, [t for p in posts for t in p.item.tags], create),
    }
    authors = _authors({name for p in posts for name in p.authors}, create)
    _join_stories(posts)
    founding = list({id(p.story): p for p in posts if p.story.pk is None}.values())
    _free_slugs(Story, founding, lambda p: p.story)
    _free_slugs(Article, posts, lambda p: p.article)
    create(Story, [p.story for p in founding])
    create(Article, [p.article for p in posts])
    _article_terms(posts, terms, user, now)
    credits = []
    for post in posts:
        credited = dict.fromkeys(authors[name.casefold()] for name in post.authors)
        credits += [
            ArticleCredit(article=post.article, author=author, position=n)
            for n, author in enumerate(credited)
        ]
    ArticleCredit.objects.bulk_create(credits, batch_size=SIZE)
    create(Update, [u for p in posts for u in p.updates])
    create(QuotePlacement, _placements(posts, create))
    create(TimelineEntry, [e for p in posts for e in p.entries])
    create(Reference, [r for p in posts for r in p.references])
    create(Embed, [e for p in posts for e in p.embeds])
    create(RelatedLink, _related(posts))
    create(Edition, [e for p in posts for e in p.editions])
    ImportedPost.objects.bulk_create(
        [
            ImportedPost(
                site=p.item.site,
                wp_id=p.item.wp_id,
                link=link_key(p.item.link),
                path=link_path(p.item.link),
                article=p.article,
                story=p.story,
                digest=p.digest,
            )
            for p in posts
        ],
        batch_size=SIZE,
    )
    for post in posts:
        if on_comments and post.item.comments:
            on_comments(post.article, post.item.comments)
    if purge.enabled():  # once, after commit; the keys as each row's signal would give them
        # An article's keys name its listings, tags and categories, and cover its parts
        # (quotes, links, references, embeds, editions); updates and entries add their days.
        rows = [row for p in posts for row in (p.story, p.article, *p.updates, *p.entries)]
        purge.schedule(signals.keys_of(rows))


def _join_stories(posts):
    """
    Posts about an event with a story here already, or earlier in the batch, join it
    (import_rows.story_key; only a post whose event's day was read, not guessed from its
    publication), as import_post does; the timeline lines the story already has from
    another post are not added again.
    """
    dated = [p for p in posts if p.planned.event_date]
    if not dated:
        return
    stories, told = {}, defaultdict(set)  # by story_key: the story, the lines it has
    for story in same_stories(p.story for p in dated):
        stories.setdefault(story_key(story), story)  # the oldest of a name and day
    keys = {story.pk: key for key, story in stories.items()}
    entries = TimelineEntry.objects.filter(story__in=list(stories.values()))
    for story_id, edtf, text in entries.values_list("story_id", "date", "text"):
        told[keys[story_id]].add(entry_key(edtf, text))
    for post in dated:
        key = story_key(post.story)
        story = stories.setdefault(key, post.story)
        post.story = post.article.story = story
        seen = told[key]
        kept = [e for e in post.entries if entry_key(e.date, e.text) not in seen]
        seen.update(entry_key(e.date, e.text) for e in kept)
        for entry in kept:
            entry.story = story
        post.entries = kept


def _terms(model, wanted, create):
    """Categories or tags by slug: the ones there, the missing ones created (with history)."""
    names = {}
    for term in wanted:
        names.setdefault(slugify(term.slug or term.name)[:100] or "term", term.name)
    found = {t.slug: t for t in model.objects.filter(slug__in=list(names))}
    missing = [
        model(slug=slug, name=(name or slug)[:100])
        for slug, name in names.items()
        if slug not in found
    ]
    create(model, missing)
    found.update((t.slug, t) for t in missing)
    return found


def _authors(names, create):
    """Each byline name's author (case aside: the oldest of that name), created if missing."""
    if not names:
        return {}
    match = Q()
    for name in names:
        match |= Q(name__iexact=name)
    found = {}
    for author in Author.objects.filter(match).order_by("-pk"):
        found[author.name.casefold()] = author
    missing = {}
    for name in names:
        if name.casefold() not in found and name.casefold() not in missing:
            missing[name.casefold()] = Author(name=name)
    bases = [slugify(a.name)[:130] or "author" for a in missing.values()]
    taken = _taken(Author, bases)
    for author in missing.values():
        author.slug = _next_free(slugify(author.name)[:130] or "author", taken)
    create(Author, list(missing.values()), reason=None)  # as Author.objects.create: no reason
    found.update(missing)
    return found


def _taken(model, bases):
    """
    The slugs of `model` that are one of `bases` or start with one; looked up one by one only
    for a base already used, or wanted twice in the batch (the second gets base-2, -3…).
    """
    used = set(model.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    taken = set(used)
    twice = {base for base, count in Counter(bases).items() if count > 1}
    for base in used | twice:
        taken.update(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    return taken


def _next_free(base, taken):
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _free_slugs(model, posts, row_of):
    """Each row the slug services.imports._free_slug would give it, in the posts' order."""
    bases = [slugify(p.item.slug or f"wordpress-{p.item.wp_id}")[:190] or "post" for p in posts]
    taken = _taken(model, bases)
    for base, post in zip(bases, posts, strict=True):
        row_of(post).slug = _next_free(base, taken)


def _article_terms(posts, terms, user, now):
    """Categories, then tags, as Article.categories.set() and .tags.set() write them."""
    history = Article.history.model
    snapshot = {p.article.pk: {"categories": [], "tags": []} for p in posts}
    for field, model in (("categories", Category), ("tags", Tag)):
        through = getattr(Article, field).through
        column = f"{model._meta.model_name}_id"
        links, changed = [], []
        for post in posts:
            source = post.item.categories if model is Category else post.item.tags
            chosen = dict.fromkeys(
                terms[model][slugify(t.slug or t.name)[:100] or "term"].pk for t in source
            )
            if chosen:
                changed.append(post.article)
                links += [through(article_id=post.article.pk, **{column: pk}) for pk in chosen]
        through.objects.bulk_create(links, batch_size=SIZE)
        for link in links:
            snapshot[link.article_id][field].append(link)
        rows = history.objects.bulk_create(
            [_history_row(history, article, user, now) for article in changed], batch_size=SIZE
        )
        for field_name in ("categories", "tags"):
            m2m = apps.get_model("timeline", f"HistoricalArticle_{field_name}")
            other = "category_id" if field_name == "categories" else "tag_id"
            m2m.objects.bulk_create(
                [
                    m2m(
                        history=row,
                        id=link.pk,
                        article_id=link.article_id,
                        **{other: getattr(link, other)},
                    )
                    for row in rows
                    for link in snapshot[row.id][field_name]
                ],
                batch_size=SIZE,
            )


def _history_row(history, article, user, now):
    """A '~' history row of the article, as simple-history writes on an m2m change."""
    return history(
        history_date=now,
        history_user=user,
        history_change_reason=REASON,
        history_type="~",
        **{field.attname: getattr(article, field.attname) for field in history.tracked_fields},
    )


def _placements(posts, create):
    """Each quote placed where it stood; a quote already there (same words and credit) reused."""
    fields = ("text", "speaker", "speaker_role", "work", "outlet", "said_on", "said_on_label")

    def key(values):
        return tuple(getattr(values, name) for name in fields)

    plans = [q for p in posts for q, *_ in p.placements]
    existing = {}
    texts = list({q.text for q in plans})
    for quote in Quote.objects.filter(text__in=texts).order_by("-speaker", "-pk"):
        existing[key(quote)] = quote  # the first in the model's order wins, as .first()
    found, placements = {}, []
    for post in posts:
        for plan, placement, update, anchor, order in post.placements:
            quote = existing.get(key(plan))
            if quote is None:
                quote = Quote(**{name: getattr(plan, name) for name in fields})
                clean_text_fields(quote)
                # Found again by a later placement only if typed_text left it as planned.
                found[key(quote)] = existing[key(quote)] = quote
            placements.append(
                QuotePlacement(
                    article=post.article,
                    quote=quote,
                    placement=placement,
                    update=post.updates[update] if update is not None else None,
                    anchor=anchor,
                    order=order,
                )
            )
    create(Quote, list({id(q): q for q in found.values()}.values()))
    return placements


def _related(posts):
    """Related links: to a post imported before (in the database or earlier in this batch)."""
    keys = {link_key(link["url"]) for p in posts for link in p.related}
    imported = dict(
        ImportedPost.objects.filter(link__in=list(keys)).values_list("link", "article_id")
    )
    links = []
    for post in posts:
        for values in post.related:
            target = imported.get(link_key(values["url"]))
            links.append(
                RelatedLink(
                    article=post.article,
                    target_id=target,
                    url="" if target else values["url"],
                    label=values["label"],
                    order=values["order"],
                )
            )
        imported.setdefault(link_key(post.item.link), post.article.pk)
    return links


def link_imported_targets(*, user=None, size=SIZE):
    """Related links to a post imported after the post that links to it: point them at it."""
    imported = dict(ImportedPost.objects.values_list("link", "article_id"))
    waiting = RelatedLink.objects.filter(target__isnull=True, article__imported__isnull=False)
    found = []
    for link in waiting.order_by("pk"):
        target = imported.get(link_key(link.url))
        if target and target != link.article_id:
            link.target_id, link.url = target, ""
            found.append(link)
    for start in range(0, len(found), size):
        chunk = found[start : start + size]
        with transaction.atomic():
            bulk_update_with_history(
                chunk,
                RelatedLink,
                ["target", "url"],
                batch_size=size,
                default_user=user,
                default_change_reason=REASON,
            )
            if purge.enabled():
                purge.schedule(signals.keys_of(chunk))
    return len(found)
