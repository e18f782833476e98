"""
A post written as one anniversary edition of a longer story: its title names the edition
("Six Years Ago — The Paris Attacks (November 13 2015)"), its lede's dateline is the day of that
edition, not of the event, and its list of earlier editions names them the same way. The import
recovers the story's own name and day from them, and never takes the story's year for an
edition's.
"""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from timeline.imports import lines, plan, provenance, structure
from timeline.imports.titles import TitleParts, is_edition_title, read_title
from timeline.models import Article, EditionKind
from timeline.text import html_to_text

FIXTURE = Path(__file__).parent / "fixtures" / "wordpress" / "anniversary_edition.xml"


EDITION = {"edition_words": True}


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Six Years Ago — The Paris Attacks (November 13 2015)",
            TitleParts("The Paris Attacks", datetime.date(2015, 11, 13), 6, **EDITION),
        ),
        (
            "On This Day — The fall of the Berlin Wall (9 November 1989)",
            TitleParts("The fall of the Berlin Wall", datetime.date(1989, 11, 9), **EDITION),
        ),
        ("Twenty-Five Years Ago — Chernobyl", TitleParts("Chernobyl", None, 25, **EDITION)),
        ("One Year Ago \u2013 The flood", TitleParts("The flood", None, 1, **EDITION)),
        ("10 Years Ago: The flood", TitleParts("The flood", None, 10, **EDITION)),
        ("A Century Ago — The Great Fire", TitleParts("The Great Fire", None, 100, **EDITION)),
        (
            "30th Anniversary — Chernobyl (April 26 1986)",
            TitleParts("Chernobyl", datetime.date(1986, 4, 26), 30, **EDITION),
        ),
        (
            "The Paris Attacks [UPDATE: the trial begins]",
            TitleParts("The Paris Attacks", **EDITION),
        ),
        # Not an edition's words, or not a day: the title stays whole.
        ("Voices from the checkpoint", TitleParts("Voices from the checkpoint")),
        ("Many Years Ago — A memoir", TitleParts("Many Years Ago — A memoir")),
        ("Market day (2015)", TitleParts("Market day (2015)")),
    ],
)
def test_an_editions_title_read(title, expected):
    assert read_title(title) == expected
    assert is_edition_title(title) == expected.edition_words


def planned(content, title=""):
    return plan.plan(structure.recover(content), title)


class TestTheStorysDay:
    def test_from_the_title_before_the_ledes_dateline(self):
        post = planned("<p><strong>November 13 2021 —</strong> Six years ago tonight…</p>",
                       "Six Years Ago — The Paris Attacks (November 13 2015)")  # fmt: skip
        assert post.event_date == datetime.date(2015, 11, 13)
        assert post.story_title == "The Paris Attacks"

    def test_years_ago_counted_back_from_the_ledes_dateline(self):
        post = planned("<p><strong>April 26 2011 —</strong> It is a quarter century…</p>",
                       "Twenty-Five Years Ago — Chernobyl")  # fmt: skip
        assert post.event_date == datetime.date(1986, 4, 26)

    def test_the_same_day_in_an_earlier_year_named_in_the_body(self):
        content = (
            "<p><strong>November 13 2021 —</strong> Six years ago tonight…</p>\n"
            "<h2>The attacks</h2>\n"
            "<p><strong>Friday November 13 2015 —</strong> Beginning at 21:16 CET, …</p>"
        )
        assert planned(content, "The Paris Attacks").event_date == datetime.date(2015, 11, 13)

    def test_only_the_ledes_dateline(self):
        post = planned("<p><strong>May 4 2020 —</strong> A day to remember.</p>", "A day")
        assert post.event_date == datetime.date(2020, 5, 4)

    @pytest.mark.parametrize("place", ["PARIS, ", "Harbourtown, ", "SAINT-DENIS, France, "])
    def test_a_dateline_that_names_its_place_first(self, place):
        lede = f"<p><strong>{place}November 13 2021 —</strong> Six years ago tonight.</p>"
        post = planned(f"{lede}\n<p>The text.</p>", "Six Years Ago — The Paris Attacks")
        assert post.lede == lede
        assert post.event_date == datetime.date(2015, 11, 13)


def test_a_credit_may_begin_with_a_but_an_interviews_answer_is_no_credit():
    credit = provenance.parse_provenance(
        "A neighbour — Letter to the city (Radio Example, Nov. 16 2015)", strict=True
    )
    assert (credit.speaker, credit.work, credit.outlet, credit.date_label) == (
        "A neighbour",
        "Letter to the city",
        "Radio Example",
        "Nov. 16 2015",
    )
    assert provenance.parse_provenance("A — Because we were late.", strict=True) is None
    assert provenance.parse_provenance("Q — Were you there?", strict=True) is None


@pytest.mark.parametrize(
    ("text", "link", "expected"),
    [
        ("Inside the night, Example News, November 20 2015", "Inside the night",
         ("Inside the night", "Example News", "November 20 2015")),
        ("Parliamentary inquiry report, National Assembly, July 5 2016", "",
         ("Parliamentary inquiry report", "National Assembly", "July 5 2016")),
        ("The Wall in Documents — Example Archive Press, 2009", "",
         ("The Wall in Documents", "Example Archive Press", "2009")),
        # A comma that is not before a date leaves the title whole.
        ("Paris, a city in mourning", "", ("Paris, a city in mourning", "", "")),
    ],
)  # fmt: skip
def test_a_reference_line_split_into_title_outlet_and_date(text, link, expected):
    found = lines.parse_reference(text, "", link)
    assert (found.title, found.outlet, found.date_label) == expected


@pytest.mark.django_db
class TestImported:
    @pytest.fixture
    def article(self):
        call_command("import_wordpress", str(FIXTURE), stdout=StringIO())
        return Article.objects.get(slug="paris-attacks")

    def test_titles_and_names_are_characters_not_entities(self, article):
        assert article.title == "Six Years Ago — The Paris Attacks (November 13 2015)"
        assert sorted(c.name for c in article.categories.all()) == ["Europe & World", "On This Day"]
        text = html_to_text(Client().get(article.get_absolute_url()).content.decode())
        assert "&#8212;" not in text and "&amp;" not in text
        assert "Six Years Ago — The Paris Attacks" in text

    def test_the_story_is_named_and_dated_as_the_event(self, article):
        assert article.story.title == "The Paris Attacks"
        assert article.story.event_date == datetime.date(2015, 11, 13)

    def test_earlier_editions_get_the_years_their_titles_count(self, article):
        past = article.editions.filter(kind=EditionKind.PAST).order_by("year")
        assert [(e.year, e.title) for e in past] == [
            (2016, "One Year Ago — The Paris Attacks"),
            (2020, "Five Years Ago — The Paris Attacks (November 13 2015)"),
        ]
        live = article.editions.get(status="live")
        assert live.year == 2021
        # The story's year is not an edition's: that line stays in the text, where it was.
        assert not article.editions.filter(year=2015).exists()
        assert "On This Day — The Paris Attacks (November 13 2015)" in html_to_text(article.body)

    def test_references_keep_title_outlet_and_date_apart(self, article):
        found = [(r.title, r.outlet, r.published_on) for r in article.references.all()]
        assert found == [
            ("Inside the night of the attacks", "Example News", "2015-11-20"),
            ("Parliamentary inquiry report", "National Assembly", "2016-07-05"),
        ]

    def test_every_quote_with_its_credit(self, article):
        credits = sorted(p.quote.speaker for p in article.quote_placements.all())
        assert credits == ["A neighbour", "Claire Dubois", "Jean Exemple"]
        assert "A neighbour —" not in html_to_text(article.lede + article.body)
        assert article.lede.startswith("<p><strong>November 13 2021 —</strong>")


class TestUpdatesAndTimelinesWrittenOtherwise:
    def test_an_update_opened_by_a_heading_of_its_own_and_closed_in_capitals(self):
        found = structure.recover(
            "<h3>UPDATE (April 26, 2022)</h3>\n<p>The zone was occupied for five weeks.</p>\n"
            "<p>END OF UPDATE</p>\n<h2>What happened</h2>\n<p>A power surge.</p>"
        )
        (update,) = found.updates
        assert (update.label, update.date.edtf, update.ended) == (
            "April 26, 2022",
            "2022-04-26",
            True,
        )
        assert [html_to_text(h) for h in update.body] == ["The zone was occupied for five weeks."]
        assert [p.text for p in found.left_in_body()] == ["A power surge."]

    @pytest.mark.parametrize(
        ("opening", "label"),
        [
            ("UPDATE \u2013 April 26 2021:", "April 26 2021"),
            ("Update: November 13 2021 \u2014", "November 13 2021"),
            ("UPDATE November 13 2021 \u2014", "November 13 2021"),
            ("UPDATE (November 13 2021) \u2014", "November 13 2021"),
            # Numbered by the post: the number read past, a day's number kept.
            ("UPDATE 2 (November 13 2021):", "November 13 2021"),
            ("Update #3 \u2014 November 13 2021:", "November 13 2021"),
            ("Update 13 November 2021 \u2014", "13 November 2021"),
        ],
    )
    def test_the_date_after_the_word_as_well_as_in_brackets(self, opening, label):
        found = structure.recover(f"<p><strong>{opening}</strong> The site reopened.</p>")
        (update,) = found.updates
        assert update.label == label
        assert [html_to_text(h) for h in update.body] == ["The site reopened."]

    @pytest.mark.parametrize(
        "html",
        [
            "<p>Update your bookmarks: the archive moved.</p>",
            "<h2>Update on the investigation</h2>",
            "<p>Update 2022 was a year of repairs.</p>",
        ],
    )
    def test_words_that_merely_start_with_update_stay_text(self, html):
        found = structure.recover(html)
        assert found.updates == []
        assert len(found.body) == 1

    def test_timeline_lines_with_a_colon(self):
        found = structure.recover(
            "<p><strong>TIMELINE</strong></p>\n<ul><li><strong>1986 April 27</strong>: Pripyat is"
            " evacuated.</li><li>2015 November 13, 21:16 CET \u2014 First explosion.</li>"
            "<li>1986 April 28: Alarms in Sweden \u2014 far away.</li></ul>"
        )
        assert [(e.label, e.text) for e in found.timeline] == [
            ("1986 April 27", "Pripyat is evacuated."),
            ("2015 November 13, 21:16 CET", "First explosion."),
            ("1986 April 28", "Alarms in Sweden — far away."),
        ]


class TestRelatedAndCreditsWrittenOtherwise:
    def test_a_related_posts_line_over_a_list_of_links(self):
        found = structure.recover(
            "<p><strong>RELATED POSTS:</strong></p><ul><li><a href='https://a.example/x'>X story"
            "</a></li><li><a href='https://a.example/y'>Y story</a></li></ul><p>Body text.</p>"
        )
        assert [(r.text, r.url) for r in found.related] == [
            ("X story", "https://a.example/x"),
            ("Y story", "https://a.example/y"),
        ]
        assert [p.text for p in found.body] == ["Body text."]

    def test_a_related_posts_line_with_no_links_under_it_stays_text(self):
        found = structure.recover("<p>RELATED POSTS:</p><p>Nothing linked here.</p>")
        assert found.related == []
        assert [p.text for p in found.body] == ["RELATED POSTS:", "Nothing linked here."]

    @pytest.mark.parametrize(
        ("line", "expected"),
        [
            ("— Jane Roe, Mayor of Example (2019)", ("Jane Roe", "Mayor of Example", "", "2019")),
            ("— Jane Roe, Mayor", ("Jane Roe", "Mayor", "", "")),
            ("— Jane Roe, The Example Review (Example Press, May 2019)",
             ("Jane Roe", "", "The Example Review", "May 2019")),
        ],
    )  # fmt: skip
    def test_a_dash_led_credit_with_a_comma(self, line, expected):
        found = provenance.parse_provenance(line, strict=True)
        assert (found.speaker, found.role, found.work, found.date_label) == expected

    def test_a_sentence_after_a_quote_is_no_credit(self):
        line = "— Paris, a city in mourning, wrote the paper."
        assert provenance.parse_provenance(line, strict=True) is None


class TestEarlierEditionsWithNoHeading:
    def test_a_list_of_edition_titles_after_the_text(self):
        found = structure.recover(
            "<p><strong>November 13 2021 —</strong> Six years ago tonight…</p>\n"
            "<p>The attacks began at 21:16.</p>\n"
            "<ul><li><a href='https://old.example/2020/paris'>Five Years Ago — The Paris Attacks"
            "</a></li><li>On This Day — The Paris Attacks (November 13 2015) (2016)</li></ul>"
        )
        assert [(e.title, e.url) for e in found.editions] == [
            ("Five Years Ago — The Paris Attacks", "https://old.example/2020/paris"),
            ("On This Day — The Paris Attacks (November 13 2015)", ""),
        ]
        assert found.editions[1].year == 2016
        assert [p.text for p in found.left_in_body()] == ["The attacks began at 21:16."]

    def test_after_the_references(self):
        found = structure.recover(
            "<p>Text.</p><p><strong>REFERENCES</strong></p>"
            "<p>Inquiry report — National Assembly, July 5 2016<br>"
            "Five Years Ago — The Paris Attacks<br>One Year Ago — The Paris Attacks</p>"
        )
        assert [r.title for r in found.references] == ["Inquiry report"]
        assert [e.title for e in found.editions] == [
            "Five Years Ago — The Paris Attacks",
            "One Year Ago — The Paris Attacks",
        ]

    def test_a_sentence_that_opens_like_an_edition_stays_text(self):
        found = structure.recover(
            "<p>Text.</p><p>On This Day — in 1990, the city council met. It voted.</p>"
        )
        assert found.editions == []
        assert len(found.left_in_body()) == 2


def test_an_embed_with_no_title_is_named_by_what_and_where_it_is():
    post = planned(
        "<p>Text.</p>\n\n[embed]https://www.youtube.com/watch?v=AbCdEfGhIjK[/embed]\n\n"
        "https://soundcloud.com/example/the-night\n"
    )
    assert [(e["title"], e["kind"]) for e in post.embeds] == [
        ("Video on YouTube", "video"),
        ("Audio on SoundCloud", "audio"),
    ]


@pytest.mark.django_db
def test_an_embed_named_by_its_provider_does_not_name_it_twice(tmp_path):
    call_command("import_wordpress", str(FIXTURE.parent / "classic_editor.xml"), stdout=StringIO())
    article = Article.objects.get(slug="berlin-wall")
    text = html_to_text(Client().get(article.get_absolute_url()).content.decode())
    assert "Video on YouTube" in text
    assert "Video on YouTube (YouTube)" not in text
    assert "Video on Vimeo" in text and "(Vimeo)" not in text


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("<h2>TIMELINE</h2>", "timeline"),
        ("<h2>Timeline of events</h2>", "timeline"),
        ("<h3>Timeline: the night of the fire</h3>", "timeline"),
        ("<p><strong>KEY DATES</strong></p>", "timeline"),
        ("<h2>Chronology</h2>", "timeline"),
        ("<h2>Further reading</h2>", "references"),
        ("<p><strong>Sources and references</strong></p>", "references"),
        ("<h4>Reference</h4>", "references"),
        ("<p><strong>Previous editions of this post</strong></p>", "editions"),
        ("<h2>Past anniversaries</h2>", "editions"),
    ],
)
def test_a_section_heading_as_posts_word_it(heading, kind):
    lines = {
        "timeline": "<p>2017 May 4 — Fire breaks out in the grain store.</p>",
        "references": '<p><a href="https://news.example/fire">Fire at the harbour</a>, '
        "Example News, May 5 2017</p>",
        "editions": "<p>Four Years Ago — The Harbour Fire (May 4 2017)</p>",
    }
    found = structure.recover(f"<p>The text.</p>\n{heading}\n{lines[kind]}")
    assert found.counts()[kind] == 1
    assert [p.text for p in found.left_in_body()] == ["The text."]


@pytest.mark.parametrize(
    "heading", ["<h2>The timeline nobody checked</h2>", "<h2>Sources say the store was empty</h2>"]
)
def test_a_heading_that_merely_mentions_a_section_is_a_heading(heading):
    found = structure.recover(f"{heading}\n<p>2017 May 4 — The store burned.</p>")
    assert found.timeline == [] and found.references == []
    assert [p.kind for p in found.body] == ["heading", "paragraph"]
