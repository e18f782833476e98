"""The timeline filter page: a story's timeline narrowed by dates of any precision and more."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tests.factories import make_article, make_entry, make_story, make_tag
from tests.pages import elements, link, text_of
from timeline import dates
from timeline.models import TimelineEntry
from timeline.site import views
from timeline.site.filters import TimelineFilter

pytestmark = pytest.mark.django_db

# One entry per precision and qualifier, named by what it says.
ENTRIES = {
    "1986-04-26T01:23": "The explosion",
    "1986-04-26": "Firefighters on the roof",
    "1986 May": "The evacuation zone widens",
    "1999/2000": "The last reactor winds down",
    "2002": "A new plan is agreed",
    "circa 2004": "Work on the arch is designed",
    "2005?": "Funding may have been pledged",
    "2015 (Summer)": "Wildfires in the zone",
    "2001 May/2002 June": "Talks about the shelter",
}


@pytest.fixture
def story():
    story = make_story(title="Chernobyl", slug="chernobyl", time_zone="Europe/Kyiv")
    for date, text in ENTRIES.items():
        make_entry(story, date, text=text)
    return story


def url(story, **params):
    return reverse("timeline:story_timeline", kwargs={"slug": story.slug}), params


def shown(client, story, **params):
    """The texts of the entries the page lists, in order."""
    response = client.get(*url(story, **params))
    assert response.status_code == 200, response.status_code
    return [text for _attrs, text in elements(response).find("div", class_="timeline__text")]


class TestOverlap:
    """A range of any precision meets an entry of any precision when their ranges overlap."""

    @pytest.mark.parametrize(
        ("date_from", "date_to", "expected"),
        [
            # A day finds the entries of that day, and the entries spanning it.
            ("1986-04-26", "1986-04-26", ["Firefighters on the roof", "The explosion"]),
            # A day inside a month finds the month.
            ("1986-05-17", "1986-05-17", ["The evacuation zone widens"]),
            # The span 1999/2000 runs to the end of 2000: a range 2000-2001 finds it.
            ("2000", "2001", ["The last reactor winds down", "Talks about the shelter"]),
            # circa 2004 covers 2003-2005 when fuzzy; 2005? covers 2004-2006.
            ("2003", "2003", ["Work on the arch is designed"]),
            ("2006", "2006", ["Funding may have been pledged"]),
            (
                "2004",
                "2004",
                ["Work on the arch is designed", "Funding may have been pledged"],
            ),
            # A season is June to August; the last day of August is still summer.
            ("2015-08-31", "", ["Wildfires in the zone"]),
            ("2015-09-01", "", []),
            # A span typed as the range, both ends open in turn.
            ("1999/2000", "1999/2000", ["The last reactor winds down"]),
            (
                "",
                "1986",
                ["Firefighters on the roof", "The explosion", "The evacuation zone widens"],
            ),
            ("2015", "", ["Wildfires in the zone"]),
        ],
    )
    def test_range_matches_entries_whose_dates_overlap_it(
        self, client, story, date_from, date_to, expected
    ):
        params = {"date_from": date_from, "date_to": date_to}
        assert sorted(shown(client, story, **params)) == sorted(expected)

    def test_filter_agrees_with_dates_overlaps_for_every_precision(self, story):
        """The SQL filter and the pure-Python rule in timeline.dates give the same answers."""
        ranges = [("1985", "1986"), ("1986 April", "1986 May"), ("2000", "2003"), ("2005", "2007")]
        for typed_from, typed_to in ranges:
            start, end = dates.parse(typed_from).lower, dates.parse(typed_to).upper
            data = {"date_from": typed_from, "date_to": typed_to}
            entries = TimelineEntry.objects.filter(story=story)
            found = set(TimelineFilter(data, queryset=entries, story=story).qs)
            expected = {e for e in entries if dates.overlaps(e.mixed_date, start, end)}
            assert found == expected, (typed_from, typed_to)

    def test_entries_stay_in_timeline_order(self, client, story):
        texts = shown(client, story, date_to="2002")
        assert texts == [
            "Firefighters on the roof",
            "The explosion",
            "The evacuation zone widens",
            "The last reactor winds down",
            "Talks about the shelter",
            "A new plan is agreed",
        ]


class TestOtherFilters:
    def test_precision_keeps_only_entries_dated_that_precisely(self, client, story):
        assert sorted(shown(client, story, precision="year")) == [
            "A new plan is agreed",
            "Funding may have been pledged",
            "Work on the arch is designed",
        ]
        assert shown(client, story, precision="season") == ["Wildfires in the zone"]

    def test_key_moments_only(self, client, story):
        make_entry(story, "1986-04-27", text="Pripyat is evacuated", is_key_moment=True)
        assert shown(client, story, key="1") == ["Pripyat is evacuated"]
        assert len(shown(client, story, key="")) == len(ENTRIES) + 1

    def test_tag_offers_only_this_storys_tags_and_filters_by_slug(self, client, story):
        fire, elsewhere = make_tag(name="Fire", slug="fire"), make_tag(name="Elsewhere")
        entry = make_entry(story, "1986-04-27", text="The fire is out")
        entry.tags.add(fire)
        make_entry(make_story(), "1986", text="Another story").tags.add(elsewhere)

        response = client.get(*url(story))
        options = [text for _attrs, text in elements(response).find("option")]
        assert "Fire" in options and "Elsewhere" not in options
        assert shown(client, story, tag="fire") == ["The fire is out"]

    def test_words_must_all_appear_in_any_case(self, client, story):
        assert shown(client, story, words="ROOF fire") == ["Firefighters on the roof"]
        assert shown(client, story, words="roof arch") == []

    def test_filters_combine(self, client, story):
        assert shown(client, story, date_from="1986", date_to="1986", words="the") == [
            "Firefighters on the roof",
            "The explosion",
            "The evacuation zone widens",
        ]


class TestInvalidInput:
    """Bad input is shown back with a clear message, never a 500."""

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"date_from": "next Tuesday"}, "“next Tuesday” is not a date we understand."),
            ({"date_to": "2015-02-30"}, "There is no 30 February 2015."),
            ({"date_from": "2001", "date_to": "2000"}, "“From” is after “To”: swap the two dates."),
            ({"precision": "century"}, "Select a valid choice."),
            ({"tag": "no-such-tag"}, "Select a valid choice."),
            ({"words": "x" * 201}, "at most 200 characters"),
        ],
    )
    def test_invalid_filter_is_a_400_with_the_error_and_the_input_kept(
        self, client, story, params, message
    ):
        response = client.get(*url(story, **params))
        assert response.status_code == 400
        text = text_of(response)
        assert message in text
        assert "Fix the highlighted filter to see the timeline." in text
        assert elements(response).find("li", class_="timeline__entry") == []
        if "date_from" in params:
            assert elements(response).find("input", name="date_from", value=params["date_from"])

    def test_nul_character_is_a_400_and_never_reaches_the_database(self, client, story):
        # The site's middleware refuses NUL in any address; the form refuses it on its own too.
        assert client.get(*url(story, words="a\x00b")).status_code == 400
        entries = TimelineEntry.objects.filter(story=story)
        form = TimelineFilter({"words": "a\x00b"}, queryset=entries, story=story).form
        assert form.errors["words"] == ["Null characters are not allowed."]

    def test_page_that_is_not_a_number_is_not_found(self, client, story):
        assert client.get(*url(story, page="abc")).status_code == 404
        assert client.get(*url(story, page="0")).status_code == 404

    def test_page_past_the_end_shows_the_last_page(self, client, story, monkeypatch):
        monkeypatch.setattr(views.StoryTimelineView, "paginate_by", 4)
        response = client.get(*url(story, page="99999"))
        assert response.status_code == 200
        assert "Page 3 of 3" in text_of(response)

    def test_unknown_story_is_not_found(self, client):
        response = client.get(reverse("timeline:story_timeline", kwargs={"slug": "nope"}))
        assert response.status_code == 404


class TestPagesAndStates:
    def test_page_links_keep_the_filters_and_drop_empty_ones(self, client, story, monkeypatch):
        monkeypatch.setattr(views.StoryTimelineView, "paginate_by", 2)
        params = {"date_from": "1986", "date_to": "2005", "words": "", "precision": ""}
        first = client.get(*url(story, **params))
        next_href = link(first, "Next →")
        assert parse_qs(urlsplit(next_href).query) == {
            "date_from": ["1986"],
            "date_to": ["2005"],
            "page": ["2"],
        }

        second = client.get(f"{url(story)[0]}{next_href}")
        assert "Page 2 of 4" in text_of(second)
        previous = parse_qs(urlsplit(link(second, "← Previous")).query)
        assert previous == {"date_from": ["1986"], "date_to": ["2005"]}

    def test_nothing_matching_says_so_and_offers_the_whole_timeline(self, client, story):
        response = client.get(*url(story, words="zebra"))
        assert response.status_code == 200
        assert "No entries match these filters." in text_of(response)
        assert link(response, "See the whole timeline") == url(story)[0]

    def test_story_without_entries_says_so(self, client):
        empty = make_story()
        response = client.get(*url(empty))
        assert "This story has no timeline entries yet." in text_of(response)

    def test_filtered_page_is_not_indexed_and_canonical_to_the_whole_timeline(self, client, story):
        filtered = elements(client.get(*url(story, words="fire")))
        assert filtered.find("meta", name="robots", content="noindex")
        [(canonical, _text)] = filtered.find("link", rel="canonical")
        assert canonical["href"].endswith(url(story)[0])
        assert not elements(client.get(*url(story))).find("meta", name="robots")

    def test_story_and_article_pages_link_to_it(self, client, story):
        article = make_article(story=story)
        target = url(story)[0]
        assert link(client.get(story.get_absolute_url()), "Filter this timeline") == target
        assert link(client.get(article.get_absolute_url()), "Filter this timeline") == target


def test_queries_are_pinned(client, django_assert_max_num_queries):
    """Guards against N+1 queries: story, tags offered, tag check, count, one page of entries."""
    story = make_story()
    tags = [make_tag() for _ in range(5)]
    for i in range(60):
        entry = make_entry(story, f"{1950 + i}", text=f"Entry {i}", is_key_moment=i % 2 == 0)
        entry.tags.add(*tags[: i % 5 + 1])
    with django_assert_max_num_queries(5):
        response = client.get(*url(story, date_from="1950", tag=tags[0].slug, key="1"))
    assert response.status_code == 200
    assert len(elements(response).find("li", class_="timeline__entry")) == 25
