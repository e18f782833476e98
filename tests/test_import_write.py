"""import_wordpress writes: both editor styles as records, nothing lost, idempotent, safe."""

import datetime
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from comments.models import Comment
from timeline.imports import structure, wxr
from timeline.models import (
    Article,
    Edition,
    EditionKind,
    ImportedPost,
    Quote,
    RelatedLink,
    Story,
    TimelineEntry,
    Update,
)
from timeline.services import imports
from timeline.text import html_to_text

FIXTURES = Path(__file__).parent / "fixtures" / "wordpress"
REASON = "Imported from WordPress"
# Words of the post's own scaffolding, which the page prints its own way (or as headings).
SCAFFOLDING = re.compile(
    r"\b(?:UPDATE|Update|END of UPDATE|TIMELINE|REFERENCES|RELATED POST:?|Earlier editions)\b"
)

pytestmark = pytest.mark.django_db


def run(*files, **options):
    out = StringIO()
    for name in files:
        call_command("import_wordpress", str(FIXTURES / name), stdout=out, **options)
    return out.getvalue()


def history_rows():
    models = (Article, Update, TimelineEntry, Quote, Story, Edition, RelatedLink)
    return sum(model.history.count() for model in models)


def page_text(article):
    response = Client().get(article.get_absolute_url())
    assert response.status_code == 200
    return html_to_text(response.content.decode())


class TestRecords:
    def test_block_editor_post_as_records(self):
        assert "3 created" in run("block_editor.xml")
        paris = Article.objects.get(slug="paris-attacks")
        assert paris.title.startswith("On This Day — The Paris attacks")
        assert paris.byline == "Lucie Moreau"
        assert paris.status == "published"
        assert paris.published_at.year == 2016
        if hasattr(paris, "categories"):
            names = sorted(paris.categories.values_list("name", flat=True))
            assert names == ["Europe", "On This Day"]
        else:
            assert paris.category.name == "Europe"
        assert sorted(paris.tags.values_list("slug", flat=True)) == ["paris", "terrorism"]
        assert "One year ago tonight" in paris.lede_html
        updates = list(paris.updates.order_by("-dated_at"))
        assert [u.date_label for u in updates] == ["June 29 2022", "Sept. 8 2021"]
        assert "special court" in updates[0].body
        labels = list(paris.story.timeline_entries.values_list("date_label", flat=True))
        assert "2015 November 13, 21:16 CET" in labels
        # Two entries on the same date keep the order they were written in.
        assert labels.count("2015 November 13") == 2
        speakers = {p.quote.speaker for p in paris.quote_placements.select_related("quote")}
        assert "Hélène Roux" in speakers
        assert paris.references.count() == 2
        assert paris.embeds.get().url.startswith("https://www.youtube.com/")
        assert ImportedPost.objects.get(article=paris).wp_id == 101

    def test_classic_editor_post_as_records(self):
        run("classic_editor.xml")
        wall = Article.objects.get(slug="berlin-wall")
        update = wall.updates.get(date_label="")  # "UPDATE :" has no date as written
        assert "lit balloons" in update.body and "END of UPDATE" not in update.body
        assert wall.story.timeline_entries.count() == 3
        assert wall.embeds.count() == 3
        link = wall.related_links.get()
        assert link.target is None and link.url == "https://archive.example.net/wall-museum"
        assert link.label == "A museum of the wall, seen from both sides"
        # A Q&A's "Name — …" lines and a "Flashback — …" paragraph stay in the body.
        voices = Article.objects.get(slug="voices")
        assert "Anna Keller — We stood at the checkpoint all night." in html_to_text(
            voices.body_html
        )
        assert "Flashback — In 1963" in html_to_text(voices.body_html)
        assert voices.story.timeline_entries.count() == 0
        # Not published in WordPress: a draft here.
        assert Article.objects.get(slug="market-day").status == "draft"

    def test_history_rows_say_imported_from_wordpress(self):
        run("block_editor.xml")
        paris = Article.objects.get(slug="paris-attacks")
        assert {h.history_change_reason for h in paris.history.all()} == {REASON}
        entry = paris.story.timeline_entries.first()
        assert entry.history.first().history_change_reason == REASON

    def test_approved_comments_without_emails(self):
        run("block_editor.xml")
        comments = Comment.objects.filter(article__slug="paris-attacks").order_by("created_at")
        assert [c.name for c in comments] == ["Nadia", "Omar"]
        assert all(c.email == "" and c.status == "approved" for c in comments)

    def test_a_comments_paragraphs_and_line_breaks_are_kept_and_a_reimport_adds_none(
        self, tmp_path
    ):
        text = (FIXTURES / "block_editor.xml").read_text(encoding="utf-8")
        shaped = tmp_path / "shaped.xml"
        shaped.write_text(
            text.replace(
                "Thank you for remembering them.",
                "<p>Thank you for remembering them.</p><p>I was there.<br>I still am.</p>",
            ),
            encoding="utf-8",
        )
        call_command("import_wordpress", str(shaped), stdout=StringIO())
        nadia = Comment.objects.get(article__slug="paris-attacks", name="Nadia")
        assert nadia.body == "Thank you for remembering them.\n\nI was there.\nI still am."
        page = Client().get(nadia.article.get_absolute_url()).content.decode()
        assert "<p>Thank you for remembering them.</p>" in page
        assert "<p>I was there.<br>I still am.</p>" in page
        # Imported before with its lines run together: the post changed, the comment is not
        # added a second time.
        Comment.objects.filter(pk=nadia.pk).update(
            body="Thank you for remembering them. I was there. I still am."
        )
        ImportedPost.objects.update(digest="")
        call_command("import_wordpress", str(shaped), stdout=StringIO())
        assert Comment.objects.filter(article__slug="paris-attacks", name="Nadia").count() == 1

    def test_related_post_in_the_same_file_points_at_it(self, tmp_path):
        # Paris links to Chernobyl, which comes later in the file; the other link stays out.
        text = (FIXTURES / "block_editor.xml").read_text(encoding="utf-8")
        linked = tmp_path / "linked.xml"
        linked.write_text(
            text.replace(
                "https://daily.example.org/2016/06/12/the-trial-explained/",
                "https://daily.example.org/2016/04/26/chernobyl",
            )
        )
        call_command("import_wordpress", str(linked), stdout=StringIO())
        links = list(Article.objects.get(slug="paris-attacks").related_links.order_by("order"))
        assert links[0].target == Article.objects.get(slug="chernobyl")
        assert links[0].url == "" and links[0].label == "The trial, explained"
        assert links[1].target is None
        assert links[1].url == "https://elsewhere.example.net/memorial-garden"


class TestNothingLost:
    @pytest.mark.parametrize(
        "name",
        [
            "block_editor.xml",
            "classic_editor.xml",
            "anniversary_edition.xml",
            "anniversary_variants.xml",
        ],
    )
    def test_every_sentence_of_the_source_is_on_the_page(self, name):
        run(name)
        for item in wxr.read(FIXTURES / name):
            article = Article.objects.get(imported__wp_id=item.wp_id)
            if article.status != "published":
                continue
            shown = " ".join(page_text(article).split())
            recovered = structure.recover(item.content)
            pieces = [html_to_text(recovered.lede)]
            pieces += [q.words for q in recovered.quotes]
            pieces += [html_to_text(h) for u in recovered.updates for h in u.body]
            pieces += [p.text for p in recovered.body]
            pieces += [html_to_text(e.text) for e in recovered.timeline]
            pieces += [e.label for e in recovered.timeline]
            pieces += [r.title for r in recovered.references]
            pieces += [e.title for e in recovered.editions]
            pieces += [r.text for r in recovered.related]
            for piece in pieces:
                for sentence in re.split(r"(?<=[.!?])\s+", SCAFFOLDING.sub(" ", piece)):
                    sentence = " ".join(sentence.split()).strip(" —")
                    if sentence:
                        assert sentence in shown, (item.slug, sentence)


class TestIdempotent:
    def test_second_import_changes_nothing(self):
        run("block_editor.xml", "classic_editor.xml")
        counts = {
            model: model.objects.count()
            for model in (Article, Story, Update, TimelineEntry, Quote, Edition, Comment)
        }
        rows = history_rows()
        out = run("block_editor.xml", "classic_editor.xml")
        assert "0 created, 0 updated, 3 unchanged" in out
        assert {model: model.objects.count() for model in counts} == counts
        assert history_rows() == rows

    def test_a_changed_post_is_updated_in_place(self, tmp_path):
        run("block_editor.xml")
        changed = tmp_path / "changed.xml"
        text = (FIXTURES / "block_editor.xml").read_text(encoding="utf-8")
        changed.write_text(text.replace("The trial opens.", "The trial opens in Paris."))
        out = StringIO()
        call_command("import_wordpress", str(changed), stdout=out)
        assert "1 updated" in out.getvalue()
        assert Article.objects.filter(slug__startswith="paris-attacks").count() == 1
        paris = Article.objects.get(slug="paris-attacks")
        texts = list(paris.story.timeline_entries.values_list("text", flat=True))
        assert "The trial opens in Paris." in texts and "The trial opens." not in texts
        assert paris.updates.count() == 2  # unchanged parts are not rewritten or doubled

    def test_only_some_slugs(self):
        run("block_editor.xml", only=["chernobyl"])
        assert list(Article.objects.values_list("slug", flat=True)) == ["chernobyl"]


class TestBadFiles:
    @pytest.mark.parametrize(
        "name",
        ["truncated.xml", "not_xml.xml", "not_wxr.xml", "entity.xml", "unknown_encoding.xml"],
    )
    def test_bad_file_changes_nothing(self, name):
        with pytest.raises(CommandError, match=re.escape(name)):
            run(name)
        assert not Article.objects.exists() and not Story.objects.exists()

    def test_a_post_that_fails_leaves_nothing_of_itself(self, monkeypatch):
        def broken(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(imports, "_editions", broken)
        item = next(wxr.read(FIXTURES / "block_editor.xml"))
        with pytest.raises(RuntimeError):
            imports.import_post(item)
        assert not Article.objects.exists() and not Story.objects.exists()
        assert not TimelineEntry.objects.exists() and not ImportedPost.objects.exists()

    def test_truncated_after_good_posts_writes_none_of_them(self, tmp_path):
        whole = (FIXTURES / "block_editor.xml").read_text(encoding="utf-8")
        cut = tmp_path / "cut.xml"
        cut.write_text(whole[: whole.index("<wp:post_id>103")])
        with pytest.raises(CommandError):
            call_command("import_wordpress", str(cut), stdout=StringIO())
        assert not Article.objects.exists()


class TestPastEditions:
    def test_recorded_from_the_list_and_shown(self):
        run("block_editor.xml")
        paris = Article.objects.get(slug="paris-attacks")
        past = list(paris.editions.filter(kind=EditionKind.PAST).order_by("year"))
        assert [(e.year, e.title) for e in past] == [
            (2017, "One Year On — The Paris attacks"),
            (2020, "Five Years Ago — The Paris attacks"),
        ]
        shown = page_text(paris)
        assert "Five Years Ago — The Paris attacks 2020" in shown
        response = Client().get(past[1].get_absolute_url())
        assert response.status_code == 200
        text = html_to_text(response.content.decode())
        assert "we do not hold its text" in text
        assert past[1].archive_url and past[1].archive_url in text
        assert paris.editions.filter(status="live").count() == 1

    def test_record_past_edition_service(self):
        run("block_editor.xml", only=["chernobyl"])
        article = Article.objects.get(slug="chernobyl")
        edition = imports.record_past_edition(
            article=article,
            year=2011,
            title="Twenty-five years after Chernobyl",
            went_live_on=datetime.date(2011, 4, 26),
        )
        assert edition.day_known and edition.history.first().history_change_reason
        assert "April 26 2011" in page_text(article)


def test_fixtures_are_untouched(tmp_path):
    # The import reads the file and never writes next to it.
    copy = tmp_path / "block_editor.xml"
    shutil.copy(FIXTURES / "block_editor.xml", copy)
    before = copy.read_bytes()
    call_command("import_wordpress", str(copy), stdout=StringIO())
    assert copy.read_bytes() == before
