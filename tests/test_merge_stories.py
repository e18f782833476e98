"""
Two stories that are one event are merged: the one kept gets the others' articles and timeline
lines (a line it has already is not repeated), the others are deleted with a history row saying
into what, and readers' links to them lead to the story kept.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_article, make_entry, make_role_user, make_story
from timeline import services
from timeline.models import Article, ImportedPost, Story, StoryAlias, TimelineEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def two():
    kept = make_story(title="The Harbour Fire", slug="harbour-fire")
    again = make_story(title="The harbour fire", slug="harbour-fire-2019")
    make_entry(kept, "2017-05-04", text="Fire breaks out in the grain store.")
    make_entry(again, "2017-05-04", text="Fire  breaks out in the grain store.")  # a repeat
    make_entry(again, "2018-03", text="The inquiry opens.")
    first = make_article(story=kept, slug="one-year-ago")
    second = make_article(story=again, slug="two-years-ago")
    ImportedPost.objects.create(
        site="https://harbour.example", wp_id=2, article=second, story=again, digest="x"
    )
    return kept, again, first, second


def lines(story):
    return list(story.timeline_entries.order_by("date_lower").values_list("date", "text"))


def test_the_kept_story_gets_the_others_articles_and_lines_once(two):
    kept, again, _first, second = two
    done = services.merge_stories(into=kept, others=[kept, again])
    assert done == {"stories": 1, "articles": 1, "entries": 1, "repeats": 1}
    assert not Story.objects.filter(pk=again.pk).exists()
    assert set(Article.objects.filter(story=kept).values_list("slug", flat=True)) == {
        "one-year-ago",
        "two-years-ago",
    }
    assert lines(kept) == [
        ("2017-05-04", "Fire breaks out in the grain store."),
        ("2018-03", "The inquiry opens."),
    ]
    assert ImportedPost.objects.get().story == kept
    assert StoryAlias.objects.get(slug="harbour-fire-2019").story == kept
    reason = "Merged into “The Harbour Fire”"
    assert second.history.first().history_change_reason == reason
    gone = Story.history.filter(id=again.pk).first()
    assert (gone.history_type, gone.history_change_reason) == ("-", reason)
    moved = TimelineEntry.objects.get(text="The inquiry opens.")
    assert moved.history.first().history_change_reason == reason


def test_readers_links_to_a_merged_story_lead_to_the_story_kept(two):
    kept, again, _first, _second = two
    services.merge_stories(into=kept, others=[again])
    client = Client()
    for old, new in [
        ("/stories/harbour-fire-2019/", "/stories/harbour-fire/"),
        ("/stories/harbour-fire-2019/timeline/", "/stories/harbour-fire/timeline/"),
        ("/stories/harbour-fire-2019/feed/", "/stories/harbour-fire/feed/"),
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
    assert client.get("/stories/no-such-story/").status_code == 404
    # Merged again, into a third: the first alias follows on.
    third = make_story(title="Harbour fire", slug="harbour-fire-three")
    services.merge_stories(into=third, others=[kept])
    assert client.get("/stories/harbour-fire-2019/")["Location"] == "/stories/harbour-fire-three/"


def test_an_editor_chooses_the_story_to_keep_then_merges(two, client):
    kept, again, _first, _second = two
    client.force_login(make_role_user("Editor"))
    url = reverse("admin:timeline_story_changelist")
    chosen = {"action": "merge_stories", "_selected_action": [kept.pk, again.pk]}
    page = client.post(url, chosen)
    assert page.status_code == 200
    html = page.content.decode()
    assert "The Harbour Fire" in html and "The harbour fire" in html
    assert f'value="{kept.pk}" id="merge-into-{kept.pk}" checked' in html  # the oldest
    assert "1 article, 1 timeline entry" in html and "1 article, 2 timeline entries" in html
    assert Story.objects.count() == 2  # nothing merged before it is confirmed
    done = client.post(url, {**chosen, "post": "yes", "into": again.pk}, follow=True)
    assert "Merged 1 story into “The harbour fire”" in done.content.decode()
    assert list(Story.objects.all()) == [again]
    assert Article.objects.filter(story=again).count() == 2


def test_one_story_is_nothing_to_merge(two, client):
    kept, _again, _first, _second = two
    client.force_login(make_role_user("Editor"))
    url = reverse("admin:timeline_story_changelist")
    done = client.post(url, {"action": "merge_stories", "_selected_action": [kept.pk]}, follow=True)
    assert "Choose two stories or more to merge." in done.content.decode()
    assert Story.objects.count() == 2


def test_a_contributor_cannot_merge(two, client):
    kept, again, _first, _second = two
    client.force_login(make_role_user("Contributor"))
    url = reverse("admin:timeline_story_changelist")
    chosen = {"action": "merge_stories", "_selected_action": [kept.pk, again.pk]}
    listing = client.get(url)
    assert listing.status_code == 200
    assert 'value="merge_stories"' not in listing.content.decode()  # not offered
    client.post(url, {**chosen, "post": "yes", "into": kept.pk})
    assert Story.objects.count() == 2
