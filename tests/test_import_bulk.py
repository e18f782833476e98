"""
The bulk path of the WordPress import writes what the per-post path writes, in a number of
queries that does not grow with the posts, and one post the database refuses costs only itself.
"""

from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction

from bench import import_wxr
from comments.imports import import_comments
from httpcache import purge
from timeline.imports import wxr
from timeline.models import (
    Article,
    Author,
    Category,
    Edition,
    ImportedPost,
    Quote,
    Story,
    Tag,
    TimelineEntry,
    Update,
)
from timeline.services import import_batch, import_rows, imports

FIXTURES = Path(__file__).parent / "fixtures" / "wordpress"
FILES = ("block_editor.xml", "classic_editor.xml")
# Moments of the write (and pks, mapped to what they point at) differ between two runs.
MOMENTS = {"created_at", "updated_at", "imported_at", "history_date"}

pytestmark = pytest.mark.django_db


def per_post(*paths):
    """The per-post path: import_post for each post in file order, then the related links."""
    for path in paths:
        for item in wxr.read(path):
            imports.import_post(item, on_comments=import_comments)
        imports.link_imported_targets()


def bulk(*paths, **options):
    for path in paths:
        imports.import_file(path, on_comments=import_comments, **options)


def _labels():
    """What each pk stands for, so rows of two runs compare whatever pks they got."""
    labels = {
        model: dict(model.objects.values_list("pk", "slug"))
        for model in (Story, Article, Category, Tag, Author)
    }
    slugs = labels[Article]
    labels[Update] = {
        u.pk: f"{slugs[u.article_id]}#{u.anchor}" for u in Update.objects.only("article", "anchor")
    }
    labels[Quote] = {q.pk: f"{q.speaker}: {q.text}" for q in Quote.objects.all()}
    labels[Edition] = {
        e.pk: f"{slugs[e.article_id]}/{e.key}" for e in Edition.objects.only("article", "key")
    }
    history = Article.history.model
    seen = Counter()
    labels[history] = {}
    for pk, article in history.objects.order_by("history_id").values_list("history_id", "id"):
        seen[article] += 1
        labels[history][pk] = f"{slugs[article]} version {seen[article]}"
    return labels


def _base(model):
    """The model a historical model keeps the history of (itself for the others)."""
    return getattr(model, "instance_type", model)


def snapshot():
    """Every row of the import's tables, pks replaced by what they point at, sorted."""
    labels = _labels()
    tables = {}
    for model in apps.get_app_config("timeline").get_models(include_auto_created=True):
        if model._meta.label in ("timeline.ImportRun", "timeline.SiteSettings"):
            continue
        rows = []
        for row in model.objects.values():
            values = {}
            for field in model._meta.concrete_fields:
                value = row[field.attname]
                if field.name in MOMENTS or field.name == "m2m_history_id":
                    continue
                if field.name == "id" and "m2m_history_id" in row:  # the through row's pk
                    continue
                if (field.primary_key and field.name != "id") or field.name == "history_id":
                    continue
                if field.is_relation:
                    values[field.name] = labels.get(field.related_model, {}).get(value, value)
                elif field.name == "id":  # a history row's: the row it is the history of
                    values["id"] = labels.get(_base(model), {}).get(value, "-")
                else:
                    values[field.name] = value
            rows.append(repr(sorted(values.items())))
        tables[model._meta.label] = sorted(rows)
    comments = apps.get_model("comments", "Comment")
    tables["comments"] = sorted(
        repr((labels[Article][c["article_id"]], c["name"], c["body"], c["created_at"]))
        for c in comments.objects.values()
    )
    return tables


def written_by(run, *paths, **options):
    """What `run` writes, then rolled back (so both paths start from an empty database)."""
    with transaction.atomic():
        run(*paths, **options)
        found = snapshot()
        transaction.set_rollback(True)
    return found


def _assert_same(expected, found):
    for table in expected:
        assert found[table] == expected[table], table
    assert found.keys() == expected.keys()


def test_bulk_path_writes_exactly_what_the_per_post_path_writes():
    """Rows, history rows (with their m2m snapshots), ImportedPost keys, credits, comments."""
    paths = [FIXTURES / name for name in FILES]
    expected = written_by(per_post, *paths)
    assert expected["timeline.HistoricalArticle_categories"]  # the comparison has teeth
    assert len(expected["timeline.HistoricalTimelineEntry"]) == TimelineEntry.objects.count() + 18
    _assert_same(expected, written_by(bulk, *paths))


def test_building_in_a_second_process_writes_the_same(tmp_path):
    export = tmp_path / "export.xml"
    import_wxr.generate(export, 12)
    expected = written_by(bulk, export, parallel=False)
    _assert_same(expected, written_by(bulk, export, parallel=True))


@pytest.mark.parametrize("posts", [3, 60])
def test_queries_do_not_grow_with_the_posts(tmp_path, posts, django_assert_max_num_queries):
    """Guards against a query per row: 3 posts and 60 cost the same few queries per batch."""
    export = tmp_path / "export.xml"
    import_wxr.generate(export, posts)
    with django_assert_max_num_queries(55):
        totals = imports.import_file(export, parallel=False)
    assert totals.created == posts
    assert Update.objects.count() == 2 * ((posts + 2) // 3)
    with django_assert_max_num_queries(6):
        again = imports.import_file(export, parallel=False)
    assert again.unchanged == posts


def test_a_post_the_database_refuses_is_rolled_back_alone(monkeypatch):
    """The batch is written again post by post, each in a savepoint; the others are kept."""
    create = import_batch.bulk_create_with_history

    def refuse_chernobyl(rows, model, **options):
        if model is Story and any(row.slug == "chernobyl" for row in rows):
            Story.objects.create(slug="chernobyl-clash", title="x", event_date="2000-01-01")
            Story.objects.create(slug="chernobyl-clash", title="x", event_date="2000-01-01")
        return create(rows, model, **options)

    monkeypatch.setattr(import_batch, "bulk_create_with_history", refuse_chernobyl)
    totals = imports.import_file(FIXTURES / "block_editor.xml")
    assert totals.created == 2
    assert [slug for slug, _ in totals.failed] == ["chernobyl"]
    assert "1 not imported (chernobyl: " in totals.line()
    assert set(ImportedPost.objects.values_list("article__slug", flat=True)) == {
        "paris-attacks",
        "archive-note",
    }
    assert not Story.objects.filter(slug__startswith="chernobyl").exists()
    paris = Article.objects.get(slug="paris-attacks")
    assert paris.updates.count() == 2 and paris.story.timeline_entries.exists()


def test_a_post_that_fails_its_checks_is_reported_and_the_rest_imported(tmp_path):
    """What full_clean refuses (an update dated before 1900) costs only its post, named."""
    text = (FIXTURES / "block_editor.xml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.xml"
    broken.write_text(text.replace("Update (Sept. 8 2021)", "Update (Sept. 8 1850)"))
    totals = imports.import_file(broken)
    assert totals.created == 2
    [(slug, why)] = totals.failed
    assert slug == "paris-attacks" and why.startswith("Update.dated_at: ")
    assert not Article.objects.filter(slug="paris-attacks").exists()
    assert not Story.objects.filter(slug="paris-attacks").exists()
    assert Article.objects.filter(slug="chernobyl").exists()


def test_what_a_batch_created_is_purged_once_after_commit(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    """bulk_create sends no signal: the batch schedules its keys itself, in one delivery."""
    settings.HTTP_CACHE = {**settings.HTTP_CACHE, "BACKEND": "varnish"}
    settings.HTTP_CACHE["PURGE_URLS"] = ["http://127.0.0.1:9/"]
    sent = []
    monkeypatch.setattr(purge, "send", lambda keys: sent.append(set(keys)))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        imports.import_file(FIXTURES / "block_editor.xml")
    assert len(callbacks) == 1 and len(sent) == 1
    paris = Article.objects.get(slug="paris-attacks")
    tags = [f"tag-{pk}" for pk in paris.tags.values_list("pk", flat=True)]
    categories = [f"category-{pk}" for pk in paris.categories.values_list("pk", flat=True)]
    story = paris.story_id
    assert {f"article-{paris.pk}", f"story-{story}", f"timeline-{story}", "home"} <= sent[0]
    assert {*tags, *categories, "otd-11-13"} <= sent[0]


def test_slugs_taken_in_the_database_and_twice_in_the_batch(tmp_path, monkeypatch):
    """Two posts wanting one slug, base-2 already taken: base and base-3, written first time."""
    text = (FIXTURES / "block_editor.xml").read_text(encoding="utf-8")
    same = tmp_path / "same.xml"
    same.write_text(
        text.replace(
            "<wp:post_name><![CDATA[chernobyl]]>", "<wp:post_name><![CDATA[paris-attacks]]>"
        )
    )

    def taken():
        for model in (Story, Article):
            model.objects.create(
                slug="paris-attacks-2",
                title="Taken",
                **({"event_date": "2000-01-01"} if model is Story else {}),
            )

    def then(run):
        def both(*paths, **options):
            taken()
            run(*paths, **options)

        return both

    expected = written_by(then(per_post), same)
    builds = []
    build = import_rows.build
    monkeypatch.setattr(
        import_rows, "build", lambda item, **kw: builds.append(item) or build(item, **kw)
    )
    _assert_same(expected, written_by(then(bulk), same))
    assert len(builds) == 3  # no batch refused and built again
    assert "paris-attacks-3" in expected["timeline.Article"][0] + " ".join(
        expected["timeline.Article"]
    )
