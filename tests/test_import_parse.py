"""The WordPress import's reading half: structure recovered from both editors' markup."""

import datetime as dt
import re
from pathlib import Path

import pytest

from timeline.imports import lines, plan, wxr
from timeline.imports.structure import recover
from timeline.text import html_to_text

FIXTURES = Path(__file__).parent / "fixtures" / "wordpress"


def posts(name):
    return {item.slug: item for item in wxr.read(FIXTURES / name)}


@pytest.fixture(scope="module")
def block():
    return posts("block_editor.xml")


@pytest.fixture(scope="module")
def classic():
    return posts("classic_editor.xml")


def _normal(text):
    return re.sub(r"[\W_]+", "", text).lower()


# Markers the importer turns into structure (an Update's kind, a section) rather than text.
_MARKERS = re.compile(
    r"END of (UPDATE|CORRECTION|EDITOR'S NOTE)|RELATED POST:|\[/?embed\]|\[youtube|\]", re.I
)


@pytest.mark.parametrize("fixture", ["block_editor.xml", "classic_editor.xml"])
def test_every_sentence_of_every_post_is_recovered(fixture):
    """The never-lose-text rule: each sentence of the source is in the structure or the body."""
    for item in wxr.read(FIXTURES / fixture):
        recovered = _normal(recover(item.content).text())
        source = re.sub(r"<br\s*/?>|</(p|li|h\d|cite|blockquote)>|\n", " ¶ ", item.content)
        source = _MARKERS.sub(" ", html_to_text(source))
        for sentence in re.split(r"(?<=[.!?])\s+|¶", source):
            assert _normal(sentence) in recovered, (item.slug, sentence)


class TestBlockEditor:
    def test_quotes_with_provenance_as_written(self, block):
        quotes = recover(block["paris-attacks"].content).quotes
        cafe, naming = quotes
        assert cafe.provenance.written == (
            "Hélène Roux — The Empty Tables (Example Weekly, November 2016)"
        )
        assert (cafe.provenance.speaker, cafe.provenance.work) == (
            "Hélène Roux",
            "The Empty Tables",
        )
        assert (cafe.provenance.outlet, cafe.provenance.date_label) == (
            "Example Weekly",
            "November 2016",
        )
        assert naming.provenance.outlet == "Example Gazette"
        assert naming.provenance.date_label == "Nov. 2017"

    def test_same_quote_twice_is_one_quote_placed_twice(self, block):
        naming = recover(block["paris-attacks"].content).quotes[1]
        first, second = naming.placements
        assert first.area == "top"
        assert second.area == "updates"
        assert second.after == "update June 29 2022"
        assert second.before == "update Sept. 8 2021"

    def test_lede_related_and_updates(self, block):
        structure = recover(block["paris-attacks"].content)
        assert html_to_text(structure.lede).startswith("November 13 2016 — One year ago")
        assert [(r.text, r.url) for r in structure.related] == [
            ("The trial, explained", "https://daily.example.org/2016/06/12/the-trial-explained/"),
            (
                "A memorial garden opens near the canal",
                "https://elsewhere.example.net/memorial-garden",
            ),
        ]
        newest, older = structure.updates
        assert (newest.marker, newest.label, newest.date.edtf) == (
            "UPDATE",
            "June 29 2022",
            "2022-06-29",
        )
        assert (older.marker, older.label, older.date.edtf) == (
            "Update",
            "Sept. 8 2021",
            "2021-09-08",
        )
        assert newest.ended and older.ended
        assert len(newest.body) == 4
        assert html_to_text(newest.body[0]).startswith("The special court delivered")
        assert (
            html_to_text(older.body[0])
            == "The trial began today and is expected to last many months."
        )

    def test_look_alike_lines_stay_update_text(self, block):
        """A Q&A's `Name — …` lines and a `Flashback — …` paragraph are not quotes or entries."""
        structure = recover(block["paris-attacks"].content)
        body = [html_to_text(p) for p in structure.updates[0].body]
        assert body[1].startswith("Flashback — In September 2021")
        assert body[2] == "Marc Petit — I listened to every hearing from the public gallery."
        assert len(structure.quotes) == 2
        assert not any("Flashback" in e.label or "Marc" in e.label for e in structure.timeline)

    def test_timeline_labels_as_written(self, block):
        structure = recover(block["paris-attacks"].content)
        assert [e.label for e in structure.timeline] == [
            "2015 January 7",
            "2015 November 13, 21:16 CET",
            "2015 November 13",
            "2015 November 13",
            "2021 September 8",
        ]
        second_dash = structure.timeline[1]
        assert html_to_text(second_dash.text) == (
            "The first explosion at the stadium — a second follows minutes later."
        )
        assert second_dash.date.edtf == "2015-11-13T21:16:00"
        unread = [p for p in structure.body if p.note]
        assert [p.text for p in unread] == [
            "Later that winter — Memorials of flowers cover the squares."
        ]

    def test_body_embed_references_editions(self, block):
        structure = recover(block["paris-attacks"].content)
        assert [(p.kind, p.text[:15]) for p in structure.body[:3]] == [
            ("heading", "Quick Analysis"),
            ("paragraph", "Friday November"),
            ("paragraph", "Within the hour"),
        ]
        (embed,) = structure.embeds
        assert embed.url == "https://www.youtube.com/watch?v=AbCdEfGhIjK"
        assert embed.provider == "YouTube"
        assert embed.title == "Special report: the night of the attacks (Example News)"
        inquiry, court = structure.references
        assert inquiry.url == "https://records.example.org/inquiry-report"
        assert (inquiry.title, inquiry.outlet, inquiry.date_label) == (
            "Report of the parliamentary inquiry",
            "National Assembly",
            "July 5 2016",
        )
        assert (court.title, court.outlet, court.date_label) == (
            "Ten months in court",
            "Example Weekly",
            "June 2022",
        )
        assert [(e.title, e.year, e.url) for e in structure.editions] == [
            ("One Year On — The Paris attacks", 2017, "https://archive.example.org/2017/paris"),
            ("Five Years Ago — The Paris attacks", 2020, "https://archive.example.org/2020/paris"),
        ]

    def test_provenance_forms_and_a_quote_without_one(self, block):
        structure = recover(block["chernobyl"].content)
        engineer, guide, silence = structure.quotes
        assert (engineer.provenance.speaker, engineer.provenance.role) == (
            "Irina Vasko",
            "Former shift engineer",
        )
        assert engineer.provenance.date_label == "Oct. 2021"
        assert (guide.provenance.speaker, guide.provenance.role) == (
            "Pavel Dorn",
            "Guide in the exclusion zone",
        )
        assert guide.provenance.date_label == ""
        assert silence.provenance is None

    def test_corrections_notes_and_every_date_form(self, block):
        structure = recover(block["chernobyl"].content)
        assert [(u.kind, u.label) for u in structure.updates] == [
            ("correction", "April 27 2016"),
            ("editors_note", "May 2016"),
        ]
        assert [(e.label, e.date.edtf) for e in structure.timeline] == [
            ("1986 April 26", "1986-04-26"),
            ("1986 May", "1986-05"),
            ("1999/2000", "1999/2000"),
            ("circa 2004", "2004~"),
            ("2005?", "2005?"),
            ("2006 May", "2006-05"),
            ("2009", "2009"),
            ("2010 Summer", "2010-22"),
            ("2015 (Summer)", "2015-22"),
            ("2016 November", "2016-11"),
        ]
        (iframe,) = structure.embeds
        assert (iframe.provider, iframe.title) == ("Vimeo", "Inside the arch (Example Films)")

    def test_a_post_with_no_structure_is_all_body(self, block):
        structure = recover(block["archive-note"].content)
        assert set(structure.counts().values()) == {0}
        assert [p.text[:20] for p in structure.left_in_body()] == [
            "Our archive now goes",
            "Readers who spot a m",
        ]

    def test_a_pull_quote_is_a_quote_with_its_caption_or_cite_as_provenance(self):
        content = (
            '<!-- wp:pullquote --><figure class="wp-block-pullquote"><blockquote>'
            "<p>We lost everything that night.</p><cite>Ann Berg — Shop owner (May 2017)</cite>"
            "</blockquote></figure><!-- /wp:pullquote -->\n"
            '<figure class="wp-block-pullquote"><blockquote><p>The smoke hung for days.</p>'
            "</blockquote><figcaption>Karl Moe — Harbour master (Oct. 2017)</figcaption></figure>"
            "\n<p>After them, the text.</p>"
        )
        planned = plan.plan(recover(content))
        assert [(q.text, q.speaker, q.speaker_role, q.said_on_label) for q in planned.quotes] == [
            ("We lost everything that night.", "Ann Berg", "Shop owner", "May 2017"),
            ("The smoke hung for days.", "Karl Moe", "Harbour master", "Oct. 2017"),
        ]
        assert [p.text for p in recover(content).left_in_body()] == ["After them, the text."]

    def test_the_sites_own_audio_and_video_are_embeds(self):
        content = (
            "<p>The text.</p>\n"
            '<!-- wp:audio {"id":70} --><figure class="wp-block-audio"><audio controls '
            'src="https://harbour.example/wp-content/uploads/interview.mp3"></audio>'
            "<figcaption>Interview with the harbour master</figcaption></figure>"
            "<!-- /wp:audio -->\n"
            '<figure class="wp-block-video"><video controls><source '
            'src="https://harbour.example/wp-content/uploads/quay.webm"></video></figure>\n'
            '<p>[audio mp3="https://harbour.example/wp-content/uploads/old.mp3"][/audio]</p>\n'
            '<p>[video width="640" height="360" mp4="https://harbour.example/old.mp4"][/video]</p>'
        )
        planned = plan.plan(recover(content))
        assert [(e["url"].rsplit("/", 1)[-1], e["title"], e["kind"]) for e in planned.embeds] == [
            ("interview.mp3", "Interview with the harbour master", "audio"),
            ("quay.webm", "Video: quay.webm", "video"),
            ("old.mp3", "Audio: old.mp3", "audio"),
            ("old.mp4", "Video: old.mp4", "video"),
        ]
        assert planned.body == "<p>The text.</p>"  # no shortcode left, no caption lost

    def test_a_quote_of_two_paragraphs_keeps_them_apart(self):
        content = (
            "<blockquote><p>Nobody slept.</p><p>Nobody spoke.<br>Not a word.</p></blockquote>\n"
            "<p>— Ann Holt, Mayor (May 5 2017)</p>"
        )
        (quote,) = plan.plan(recover(content)).quotes
        assert quote.text == "Nobody slept.\n\nNobody spoke.\nNot a word."
        assert quote.speaker == "Ann Holt"

    def test_a_short_sentence_after_a_quote_is_not_its_credit(self):
        content = "<blockquote><p>Nobody slept.</p></blockquote>\n<p>After it.</p>"
        assert plan.plan(recover(content)).quotes == []  # no credit: it stays in the text

    def test_a_quote_without_a_credit_stays_in_the_text_with_no_paragraph_in_a_paragraph(self):
        content = (
            '<blockquote class="wp-block-quote"><p>Nobody slept.</p><p>Nobody spoke.</p>'
            "</blockquote>\n<p>After it.</p>"
        )
        planned = plan.plan(recover(content))
        assert planned.quotes == []
        assert planned.body == (
            "<blockquote><p>Nobody slept.</p><p>Nobody spoke.</p></blockquote>\n\n<p>After it.</p>"
        )

    def test_a_timeline_written_as_a_table_and_a_table_in_the_text(self):
        content = (
            "<p>Intro paragraph.</p>\n"
            '<figure class="wp-block-table"><table><thead><tr><th>Year</th><th>Visitors</th>'
            "</tr></thead><tbody><tr><td>2019</td><td>1,200</td></tr></tbody></table>"
            "<figcaption>Visitors to the memorial</figcaption></figure>\n"
            "<h2>Timeline</h2>\n<table><tbody><tr><td>2017 May 4</td><td>Fire breaks out.</td>"
            "</tr><tr><td><strong>2018</strong></td><td>The inquiry opens.</td></tr></tbody>"
            "</table>"
        )
        planned = plan.plan(recover(content))
        assert [(e["date_label"], e["text"]) for e in planned.entries] == [
            ("2017 May 4", "Fire breaks out."),
            ("2018", "The inquiry opens."),
        ]
        # The table in the text stays a table (its cells ran together before), its caption
        # under it.
        assert planned.body == (
            "<p>Intro paragraph.</p>\n\n<table><thead><tr><th>Year</th><th>Visitors</th></tr>"
            "</thead><tbody><tr><td>2019</td><td>1,200</td></tr></tbody></table>\n\n"
            "<p>Visitors to the memorial</p>"
        )


class TestClassicEditor:
    def test_parts_recovered_without_p_tags(self, classic):
        structure = recover(classic["berlin-wall"].content)
        (quote,) = structure.quotes
        assert quote.words.startswith("The checkpoint guard simply lifted")
        assert quote.provenance.written == (
            "Greta Vogel — Night of the Open Gate (Example Review, November 10 1989)"
        )
        assert html_to_text(structure.lede).startswith("November 9 2014 — Twenty-five years")
        assert structure.related[0].url == "https://archive.example.net/wall-museum"

    def test_update_markers_as_written(self, classic):
        colon, dated = recover(classic["berlin-wall"].content).updates
        assert (colon.marker, colon.label, colon.date, colon.ended) == ("UPDATE", "", None, True)
        assert html_to_text(colon.body[0]).endswith("The balloons were released at dusk.")
        assert (dated.label, dated.date.edtf, dated.ended) == ("Nov. 9 2019", "2019-11-09", False)

    def test_wpautop_paragraphs_and_line_breaks(self, classic):
        structure = recover(classic["berlin-wall"].content)
        heading, first, second = structure.body
        assert first.text.startswith("The announcement at the evening press conference")
        assert (heading.kind, heading.text) == ("heading", "How it happened")
        assert "<br>" in second.html
        assert second.text == (
            "Crowds gathered at the checkpoints and the guards, without orders, opened the gates."
        )

    def test_shortcodes_and_bare_urls_are_embeds(self, classic):
        embeds = recover(classic["berlin-wall"].content).embeds
        assert [(e.url, e.provider) for e in embeds] == [
            ("https://www.youtube.com/watch?v=ZyXwVuTsRqP", "YouTube"),
            ("https://vimeo.com/987654321", "Vimeo"),
            ("https://youtu.be/QwErTyUiOpA", "YouTube"),
        ]

    def test_timeline_references_and_editions_as_lines(self, classic):
        structure = recover(classic["berlin-wall"].content)
        assert [e.label for e in structure.timeline] == [
            "1961 August 13",
            "1989 November 9",
            "1990 October 3",
        ]
        assert html_to_text(structure.timeline[1].text) == (
            "The crossings open — first at Bornholmer Strasse."
        )
        (reference,) = structure.references
        assert reference.url == "https://books.example.com/wall-documents"
        assert (reference.title, reference.outlet, reference.date_label) == (
            "The Wall in Documents",
            "Example Archive Press",
            "2009",
        )
        assert [(e.year, e.title) for e in structure.editions] == [
            (2019, "Thirty Years Ago — The fall of the Berlin Wall"),
            (2014, "Twenty-Five Years Ago — The fall of the Berlin Wall"),
        ]

    def test_qa_lines_after_a_quote_are_not_its_provenance(self, classic):
        structure = recover(classic["voices"].content)
        (quote,) = structure.quotes
        assert quote.provenance is None
        assert structure.timeline == []
        assert [p.text.split(" —")[0] for p in structure.left_in_body()] == [
            "Anna Keller",
            "Tomas Weber",
            "Anna Keller",
            "Flashback",
            "Note",
        ]


class TestPasteAList:
    def test_dated_lines_and_unread_lines(self):
        found = lines.parse_list(
            "1985 May 4 — First\n\n1999\u20132000 — A span — with a dash\nno date"
        )
        first, span, unread = found
        assert (first.label, first.date.edtf, first.text) == ("1985 May 4", "1985-05-04", "First")
        assert (span.label, span.text) == ("1999\u20132000", "A span — with a dash")
        assert isinstance(unread, lines.UnreadLine)
        assert unread.text == "no date"

    def test_a_time_alone_is_on_the_day_of_the_line_before(self):
        found = lines.parse_list(
            "2015 November 13, 21:16 CET — The first explosion.\n"
            "21:20 CET — The second.\n9:45pm — Later.\n2015 — A year.\n22:00 — No day."
        )
        first, second, later, year, unread = found
        assert (second.label, second.date.lower, second.date.time) == (
            "21:20 CET",
            first.date.lower,
            dt.time(21, 20),
        )
        assert (later.label, later.date.time) == ("9:45pm", dt.time(21, 45))
        assert year.label == "2015"
        assert isinstance(unread, lines.UnreadLine)  # after a year: no day to put it on
