"""
What a cold render of the timeline partial shows, now that it looks its optional flags up once
per list and prints ids without the locale's number format (templates/timeline/_timeline.html).
"""

import pytest
from django.template.loader import render_to_string
from django.test import override_settings

from tests.factories import make_article, make_entry, make_story
from timeline.selectors import story_timeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    story = make_story(title="The flood")
    make_entry(story, "1953-01-31", text="The storm surge")
    make_entry(story, "1953-02-01", text="Dikes break", reference_url="https://example.org/a")
    make_entry(story, "1954", text="The Delta Plan", reference_url="javascript:alert(1)")
    return story


def timeline_html(story, **flags):
    return render_to_string(
        "timeline/_timeline.html", {"entries": list(story_timeline(story)), **flags}
    )


class TestFlags:
    def test_leaving_the_flags_out_shows_the_same_as_passing_their_defaults(self, story):
        assert timeline_html(story) == timeline_html(story, show_story=False, years=True)

    def test_without_flags_years_head_their_entries_and_no_story_line_is_shown(self, story):
        html = timeline_html(story)
        assert html.count('class="timeline__year"') == 2
        assert "From the timeline of" not in html

    def test_years_false_hides_the_year_headings(self, story):
        assert 'class="timeline__year"' not in timeline_html(story, years=False)

    def test_show_story_names_each_entry_s_story(self, story):
        assert timeline_html(story, show_story=True).count("From the timeline of") == 3

    def test_only_a_safe_source_is_linked(self, story):
        html = timeline_html(story)
        assert html.count('class="timeline__source"') == 1
        assert 'href="https://example.org/a"' in html
        assert "javascript:" not in html


@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_entry_ids_are_printed_whole_whatever_the_number_format(client):
    """An entry's anchor is its id as digits: a locale's thousands separator would break every
    link to it (`#entry-1,234,567`)."""
    story = make_story()
    entry = make_entry(story, "1953-01-31", id=1_234_567)
    article = make_article(story=story)
    html = timeline_html(story, show_story=True)
    assert 'id="entry-1234567"' in html
    assert f'href="{story.get_absolute_url()}#entry-1234567"' in html
    page = client.get(article.get_absolute_url())
    assert f'id="entry-{entry.pk}"' in page.content.decode()
