"""Search: ranking, what is found and where it links, facets, safe snippets, bad input."""

import datetime as dt

import pytest
from django.contrib.postgres.search import SearchVectorExact
from django.db import DataError, connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.urls import reverse

from tests.factories import (
    NOW,
    make_article,
    make_entry,
    make_quote,
    make_story,
    make_tag,
    make_update,
    place_quote,
)
from tests.pages import elements, text_of
from timeline import search
from timeline.models import Article, Status

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search needs PostgreSQL"
)


@pytest.fixture(params=["database", "fallback"])
def engine(request, monkeypatch):
    """Each ranking test runs with the database's own search and with the plain fallback."""
    if request.param == "database" and connection.vendor != "postgresql":
        pytest.skip("full-text search needs PostgreSQL; the fallback run covers SQLite")
    if request.param == "fallback":
        monkeypatch.setattr(search.sources, "uses_full_text", lambda: False)
    return request.param


def found(query, **filters):
    return search.search(query=query, **filters)


def titles(page):
    return [result.title for result in page.results]


def results_of(response):
    return [text for _attrs, text in elements(response).find("h2", class_="result__title")]


class TestRanking:
    def test_title_hit_ranks_above_lede_hit_above_body_hit(self, engine):
        make_article(title="Body", lede="Nothing here.", body="The sarcophagus was built.")
        make_article(title="Sarcophagus", lede="Nothing here.", body="Nothing here.")
        make_article(title="Lede", lede="The sarcophagus leaks.", body="Nothing here.")
        make_article(title="Unrelated", lede="Nothing here.", body="Nothing here.")
        assert titles(found("sarcophagus")) == ["Sarcophagus", "Lede", "Body"]

    def test_every_word_must_match(self, engine):
        make_article(title="Reactor four", body="The roof burned.")
        make_article(title="Reactor three", body="Still running.")
        assert titles(found("reactor roof")) == ["Reactor four"]

    @on_postgres
    def test_words_are_stemmed_and_phrases_and_exclusions_work(self):
        make_article(title="Reactors were evacuated", body="Nothing.")
        make_article(title="A reactor and a town", body="Nothing.")
        assert sorted(titles(found("reactor evacuate"))) == ["Reactors were evacuated"]
        assert titles(found('"and a town"')) == ["A reactor and a town"]
        assert titles(found("reactor -town")) == ["Reactors were evacuated"]


class TestWhatIsFound:
    @pytest.fixture
    def content(self):
        tag = make_tag(name="Nuclear", slug="nuclear")
        story = make_story(title="Chernobyl", slug="chernobyl")
        article = make_article(title="The night of the explosion", slug="night", story=story)
        article.tags.add(tag)
        update = make_update(article, headline="Cleanup continues", body="Graphite cleared.")
        quote = make_quote(text="The graphite glowed red.", speaker="A. Witness", work="Memoir")
        later = make_article(title="Later article", published_at=NOW, featured_at=NOW)
        place_quote(later, quote)
        place_quote(article, quote)
        entry = make_entry(story, "1986-04-26", text="Graphite burns for days.")
        return {"article": article, "update": update, "quote": quote, "entry": entry}

    def test_each_kind_links_to_where_it_is_read(self, content, engine):
        page = found("graphite")
        by_kind = {result.kind: result for result in page.results}
        assert set(by_kind) == {"update", "quote", "timeline"}
        assert by_kind["update"].url == f"/articles/night/#{content['update'].anchor}"
        assert by_kind["timeline"].url == f"/stories/chernobyl/#entry-{content['entry'].pk}"
        # The quote opens the article it was first placed on: the earliest published.
        assert by_kind["quote"].url == "/articles/night/"
        assert by_kind["quote"].title == "A. Witness"

    def test_quote_is_found_by_speaker_and_work(self, content, engine):
        assert titles(found("witness")) == ["A. Witness"]
        assert titles(found("memoir")) == ["A. Witness"]

    def test_only_published_content_is_found(self, engine):
        story = make_story()
        live = make_article(title="Live zebra", story=story)
        make_article(title="Draft zebra", status=Status.DRAFT)
        draft_article = make_article(title="Hidden", status=Status.DRAFT)
        make_update(live, headline="Draft zebra update", status=Status.DRAFT)
        make_update(draft_article, headline="Zebra update of a draft article")
        place_quote(draft_article, make_quote(text="Zebra said only in a draft."))
        unpublished_story = make_story()
        make_article(story=unpublished_story, status=Status.SCHEDULED, publish_at=NOW)
        make_entry(unpublished_story, "2000", text="Zebra in a story nobody may read yet.")
        make_entry(story, "2001", text="A zebra in a public story.")

        assert set(titles(found("zebra"))) == {live.story.title, "Live zebra"}

    def test_generated_document_follows_every_write(self, engine):
        """Even a write that bypasses save() is searchable at once (the database keeps it)."""
        article = make_article(title="Before")
        assert found("afterwards").total == 0
        Article.objects.filter(pk=article.pk).update(title="Afterwards")
        assert titles(found("afterwards")) == ["Afterwards"]


@on_postgres
class TestDatabaseDocument:
    """The search document is PostgreSQL's own: generated from the row and GIN-indexed."""

    TABLES = ["timeline_article", "timeline_quote", "timeline_timelineentry", "timeline_update"]

    def test_every_searchable_table_has_a_stored_generated_document_with_a_gin_index(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attrelid::regclass::text FROM pg_attribute"
                " WHERE attname = 'search_vector' AND attgenerated = 's' ORDER BY 1"
            )
            assert [row[0] for row in cursor.fetchall()] == self.TABLES
            cursor.execute(
                "SELECT tablename FROM pg_indexes WHERE indexname LIKE '%%search_idx'"
                " AND indexdef LIKE '%%USING gin (search_vector)' ORDER BY 1"
            )
            assert [row[0] for row in cursor.fetchall()] == self.TABLES

    def test_matching_uses_the_gin_index(self):
        make_article(title="Reactor")
        query = search.Terms("reactor").query
        rows = Article.objects.filter(SearchVectorExact(search.SearchDocument(), query))
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table is scanned anyway
        assert "timeline_article_search_idx" in rows.explain()


class TestFacets:
    @pytest.fixture
    def content(self):
        energy, nuclear = make_tag(name="Energy", slug="energy"), make_tag(name="Nuclear")
        old = make_article(
            title="Turbine one",
            published_at=dt.datetime(2016, 4, 26, 9, tzinfo=dt.UTC),
            featured_at=NOW,
        )
        old.tags.add(energy, nuclear)
        new = make_article(
            title="Turbine two",
            published_at=dt.datetime(2021, 4, 26, 9, tzinfo=dt.UTC),
            featured_at=NOW,
        )
        new.tags.add(energy)
        make_update(new, headline="Turbine update", dated_at=dt.datetime(2021, 5, 1, tzinfo=dt.UTC))
        entry = make_entry(make_story(), "1986-04-26", text="The turbine test.")
        make_article(story=entry.story, title="Unrelated")
        entry.tags.add(nuclear)
        place_quote(old, make_quote(text="The turbine slowed.", said_on="1986-04-26"))
        place_quote(old, make_quote(text="A turbine, undated.", said_on=""))

    def facet(self, options):
        return {option.label: option.count for option in options}

    def test_counts_by_type_tag_and_year(self, content, engine):
        page = found("turbine")
        assert page.total == 6
        assert self.facet(page.kinds) == {
            "Articles": 2,
            "Updates": 1,
            "Quotes": 2,
            "Timeline entries": 1,
        }
        # The update carries its article's tags; each quote those of its article.
        assert self.facet(page.tags) == {"Energy": 5, "Nuclear": 4}
        assert self.facet(page.years) == {"2021": 2, "2016": 1, "1986": 2}
        assert [option.label for option in page.years] == ["2021", "2016", "1986"]

    def test_each_filter_narrows_results_and_the_other_facets_but_not_its_own(
        self, content, engine
    ):
        page = found("turbine", kind="article")
        assert sorted(titles(page)) == ["Turbine one", "Turbine two"]
        assert self.facet(page.kinds)["Updates"] == 1  # other types still offered
        assert self.facet(page.years) == {"2021": 1, "2016": 1}
        assert self.facet(page.tags) == {"Energy": 2, "Nuclear": 1}

        page = found("turbine", year=2021)
        assert sorted(titles(page)) == ["Turbine two", "Turbine update"]
        assert self.facet(page.years)["1986"] == 2

        page = found("turbine", tag="energy")
        assert page.total == 5
        assert self.facet(page.tags) == {"Energy": 5, "Nuclear": 4}
        assert self.facet(page.kinds) == {"Articles": 2, "Updates": 1, "Quotes": 2}

    def test_a_quote_carries_only_the_tags_of_published_articles(self, engine):
        hidden = make_tag(name="Hidden")
        draft = make_article(status=Status.DRAFT)
        draft.tags.add(hidden)
        quote = make_quote(text="Lonely words.")
        place_quote(make_article(), quote)
        place_quote(draft, quote)
        page = found("lonely")
        assert page.total == 1 and page.tags == []
        assert found("lonely", tag=hidden.slug).total == 0

    def test_only_the_most_frequent_tags_are_offered_and_the_chosen_one(self, monkeypatch):
        monkeypatch.setattr(search.facets, "TAGS_SHOWN", 2)
        tags = [make_tag(name=name) for name in ("Alpha", "Beta", "Gamma")]
        for i, tag in enumerate(tags):
            for _ in range(3 - i):
                make_article(title="Zebra").tags.add(tag)
        assert [o.label for o in found("zebra").tags] == ["Alpha", "Beta"]
        chosen = found("zebra", tag=tags[2].slug)
        assert [(o.label, o.count, o.selected) for o in chosen.tags] == [
            ("Alpha", 3, False),
            ("Beta", 2, False),
            ("Gamma", 1, True),
        ]

    def test_facet_links_keep_the_query_and_drop_the_page(self, client, content):
        response = client.get(reverse("timeline:search"), {"q": "turbine", "page": "1"})
        hrefs = [attrs["href"] for attrs, _ in elements(response).find("a", class_="facet__link")]
        assert "?q=turbine&type=quote" in hrefs
        assert "?q=turbine&tag=energy" in hrefs
        assert "?q=turbine&year=1986" in hrefs
        selected = client.get(reverse("timeline:search"), {"q": "turbine", "type": "quote"})
        [(attrs, text)] = elements(selected).find("a", class_="facet__link--selected")
        assert attrs["href"] == "?q=turbine" and "Quotes 2" in text


class TestSnippets:
    def test_snippet_marks_the_hits_and_escapes_everything_else(self, engine):
        quote = make_quote(text='The reactor <script>alert("x")</script> & the town.')
        place_quote(make_article(), quote)
        [result] = found("reactor").results
        assert "<mark>reactor</mark>" in result.snippet
        assert "&lt;script&gt;" in result.snippet and "<script" not in result.snippet
        assert "&amp;" in result.snippet

    def test_markup_is_never_taken_from_the_text(self):
        marked = f"{search.MARK_START}<b>x</b>{search.MARK_END} {search.MARK_START}open"
        assert search.highlight(marked) == "<mark>&lt;b&gt;x&lt;/b&gt;</mark> <mark>open</mark>"
        html = "<p>A <em>reactor</em> &amp; <a href='x'>more</a></p>"
        assert search.highlight(html, is_html=True) == "A reactor &amp; more"

    def test_fallback_excerpt_is_cut_around_the_first_hit(self):
        text = " ".join(["word"] * 200 + ["reactor"] + ["word"] * 200)
        excerpt = search.excerpt(text, ["reactor"], size=100)
        assert excerpt.startswith("… word") and excerpt.endswith("word …")
        assert f"{search.MARK_START}reactor{search.MARK_END}" in excerpt
        assert len(excerpt) < 110

    def test_page_shows_snippets_with_marks_and_no_script(self, client):
        make_article(title="Night", body='The reactor burned. <script>alert("x")</script>')
        response = client.get(reverse("timeline:search"), {"q": "reactor"})
        html = response.content.decode()
        assert "<mark>reactor</mark>" in html
        assert "<script>alert" not in html

    @on_postgres
    def test_postgres_highlights_stemmed_words_with_search_headline(self):
        make_article(title="Night", body="Both reactors burned.")
        [result] = found("reactor").results
        assert "<mark>reactors</mark>" in result.snippet


class TestPage:
    def url(self, **params):
        return reverse("timeline:search"), params

    def test_results_page_lists_results_with_a_count(self, client):
        make_article(title="Sarcophagus")
        response = client.get(*self.url(q="sarcophagus"))
        assert response.status_code == 200
        assert results_of(response) == ["Sarcophagus"]
        assert "1 result for “sarcophagus”." in text_of(response)

    def test_empty_query_asks_for_words(self, client):
        for params in ({}, {"q": "   "}):
            response = client.get(*self.url(**params))
            assert response.status_code == 200
            assert "Type a word or two" in text_of(response)

    def test_nothing_found_says_so_and_offers_to_drop_filters(self, client):
        response = client.get(*self.url(q="zebra", type="quote"))
        text = text_of(response)
        assert "0 results for “zebra” with these filters." in text
        assert "Search everything instead" in text

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"q": "x" * 201}, "Search for at most 200 characters: try fewer words."),
            ({"q": "x", "type": "podcast"}, "Type: Select a valid choice."),
            ({"q": "x", "year": "last"}, "Year: Enter a whole number."),
            ({"q": "x", "tag": "no spaces/allowed"}, "Tag: Enter a valid “slug”"),
        ],
    )
    def test_bad_input_is_a_400_with_a_clear_message(self, client, params, message):
        response = client.get(*self.url(**params))
        assert response.status_code == 400
        assert message in text_of(response)

    def test_nul_character_is_refused(self, client):
        assert client.get(*self.url(q="a\x00b")).status_code == 400
        form = search.SearchForm({"q": "a\x00b"})
        assert not form.is_valid() and "Null characters are not allowed." in form.errors["q"]

    def test_pages_past_the_end_show_the_last_and_junk_is_not_found(self, client, monkeypatch):
        monkeypatch.setattr(search, "PER_PAGE", 2)
        for i in range(5):
            make_article(title=f"Zebra {i}")
        response = client.get(*self.url(q="zebra", page="99"))
        assert "page 3 of 3" in text_of(response)
        assert client.get(*self.url(q="zebra", page="abc")).status_code == 404


class TestCandidates:
    """
    Each kind contributes at most CANDIDATES matches, its most recently added: only those are
    ranked and counted, and the page says so.
    """

    @pytest.fixture(autouse=True)
    def small_cap(self, monkeypatch):
        monkeypatch.setattr(search.candidates, "CANDIDATES", 3)

    def test_each_kind_is_capped_at_its_most_recently_added_matches(self, engine):
        first = make_article(title="Zebra 0")
        for i in range(1, 5):
            make_article(title=f"Zebra {i}")
        place_quote(first, make_quote(text="A zebra quote."))
        page = found("zebra")
        articles = [result.title for result in page.results if result.kind == "article"]
        assert sorted(articles) == ["Zebra 2", "Zebra 3", "Zebra 4"]  # added last
        assert page.total == 4 and page.capped and page.candidates == 3
        assert {o.label: (o.count, o.capped) for o in page.kinds} == {
            "Articles": (3, True),
            "Quotes": (1, False),
        }

    def test_exactly_the_cap_is_not_capped(self, engine):
        for i in range(3):
            make_article(title=f"Zebra {i}")
        page = found("zebra")
        assert page.total == 3 and not page.capped

    def test_page_says_the_count_is_a_lower_bound_and_how_to_narrow(self, client):
        tag = make_tag(name="Savanna", slug="savanna")
        for i in range(5):
            make_article(title=f"Zebra {i}").tags.add(tag)
        response = client.get(reverse("timeline:search"), {"q": "zebra"})
        text = text_of(response)
        assert "3+ results for “zebra”." in text
        assert (
            "Showing the most relevant of the 3 most recently added matches of each kind"
            " — add words or pick a year or tag to narrow." in text
        )
        counts = [text for _attrs, text in elements(response).find("span", class_="facet__count")]
        assert counts == ["3+", "3+", "3+"]  # type, tag and year

    def test_page_without_a_cap_says_nothing_about_it(self, client):
        make_article(title="Zebra")
        text = text_of(client.get(reverse("timeline:search"), {"q": "zebra"}))
        assert "1 result for “zebra”." in text and "most recently added" not in text

    def test_filters_apply_before_the_cap(self, engine):
        """Narrowing reaches matches the cap left out of the unfiltered search."""
        tag = make_tag(name="Old", slug="old")
        for i in range(2):
            published_at = dt.datetime(2016, 5, i + 1, tzinfo=dt.UTC)
            make_article(title=f"Early zebra {i}", published_at=published_at).tags.add(tag)
        for i in range(4):
            make_article(
                title=f"Late zebra {i}", published_at=dt.datetime(2021, 5, 1, tzinfo=dt.UTC)
            )
        assert all(title.startswith("Late") for title in titles(found("zebra")))

        by_tag = found("zebra", tag="old")
        assert sorted(titles(by_tag)) == ["Early zebra 0", "Early zebra 1"]
        assert by_tag.total == 2 and not by_tag.capped
        # A chosen tag or year counts what the search found: exact, as it was not capped.
        assert [(o.label, o.count_text) for o in by_tag.tags] == [("Old", "2")]
        assert [(o.label, o.count_text) for o in by_tag.years] == [("2016", "2")]

        by_year = found("zebra", year=2016)
        assert sorted(titles(by_year)) == ["Early zebra 0", "Early zebra 1"]
        assert [(o.label, o.count_text, o.selected) for o in by_year.years] == [
            ("2021", "3+", False),
            ("2016", "2", True),
        ]

    def test_an_unknown_tag_finds_nothing(self, engine):
        make_article(title="Zebra")
        page = found("zebra", tag="no-such-tag")
        assert page.total == 0 and page.results == []


@on_postgres
class TestTimeout:
    """A search PostgreSQL cancels tells the reader to be more specific; it is never a 500."""

    @pytest.fixture
    def slow(self, monkeypatch):
        monkeypatch.setattr(search, "STATEMENT_TIMEOUT_MS", 20)
        monkeypatch.setattr(search.candidates, "_COMPILED", {})  # the slow query is another query
        sleep = RawSQL("(SELECT true FROM pg_sleep(0.5))", [], output_field=BooleanField())
        monkeypatch.setitem(
            search.sources.VISIBLE,
            search.Kind.ARTICLE,
            lambda: Article.objects.published().filter(sleep),
        )
        make_article(title="Zebra")

    def test_search_that_takes_too_long_comes_back_timed_out(self, slow):
        page = search.search(query="zebra")
        assert page.timed_out and page.results == [] and page.total == 0

    def test_page_asks_for_more_specific_words(self, client, slow):
        response = client.get(reverse("timeline:search"), {"q": "zebra"})
        assert response.status_code == 200
        text = text_of(response)
        assert "This search took too long — try more specific words." in text
        assert "results for" not in text and results_of(response) == []

    def test_other_database_errors_are_not_hidden(self, monkeypatch):
        monkeypatch.setattr(search.candidates, "_COMPILED", {})
        broken = RawSQL("(SELECT 1 / 0 = 1)", [], output_field=BooleanField())
        monkeypatch.setitem(
            search.sources.VISIBLE,
            search.Kind.ARTICLE,
            lambda: Article.objects.published().filter(broken),
        )
        make_article(title="Zebra")
        with pytest.raises(DataError):
            search.search(query="zebra")


@pytest.mark.parametrize("engine_name", ["database", "fallback"])
@pytest.mark.parametrize("filters", [{}, {"tag": "savanna", "year": "2021", "type": "article"}])
def test_queries_are_pinned(
    client, django_assert_max_num_queries, monkeypatch, engine_name, filters
):
    """Guards against N+1 queries: the candidates of every kind, their facets and the total
    in one query (with PostgreSQL's settings and the tag's id in one more, in a transaction),
    then one query per kind shown, however many results there are."""
    if engine_name == "fallback":
        monkeypatch.setattr(search.sources, "uses_full_text", lambda: False)
    tag = make_tag(name="Savanna", slug="savanna")
    story = make_story()
    for i in range(8):  # 32 results: more than a page
        article = make_article(
            title=f"Zebra {i}", story=story, published_at=dt.datetime(2021, 4, 1, tzinfo=dt.UTC)
        )
        article.tags.add(tag)
        make_update(article, headline=f"Zebra update {i}")
        place_quote(article, make_quote(text=f"Zebra quote {i}"))
        make_entry(story, f"{1950 + i}", text=f"Zebra entry {i}")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("timeline:search"), {"q": "zebra", **filters})
    assert len(results_of(response)) == (8 if filters else search.PER_PAGE)
