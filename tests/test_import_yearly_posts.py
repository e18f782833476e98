"""
A newsroom that published each year's edition as a WordPress post of its own ("Four Years Ago —
The Harbour Fire (May 4 2017)", then "Five Years Ago — …") gets one story for them, each post
an article of it, and the story's timeline holds each line once however many posts repeat it:
on this day shows the event once, not once per post. Whether the posts come in one file, one
by one, or again, the result is the same.
"""

import pytest
from django.test import Client

from tests.wordpress import run, write_export
from timeline.imports import wxr
from timeline.models import Article, ImportedPost, Story, TimelineEntry
from timeline.services import imports

pytestmark = pytest.mark.django_db

POST = """<item><title>{title}</title><link>https://harbour.example/{slug}/</link>
<dc:creator>ed</dc:creator>
<content:encoded><![CDATA[<strong>May 4 {year} —</strong> {lede}

<h2>TIMELINE</h2>
{timeline}]]></content:encoded>
<wp:post_id>{wp_id}</wp:post_id><wp:post_date_gmt>{year}-05-04 08:00:00</wp:post_date_gmt>
<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
</item>"""


FIRE = "2017 May 4 — Fire breaks out in the grain store on the east quay."
CREWS = "2017 May 5 — Crews from three towns bring the fire under control."
INQUIRY = "2018 March — The inquiry opens."
REPORT = "2019 (Summer) — The inquiry's report blames the wiring."
REBUILT = "2021 May 4 — The rebuilt store opens."

POSTS = {
    # wp id: (title, slug, year, lede, timeline lines)
    1: ("One Year Ago — The Harbour Fire (May 4 2017)", "one-year-ago-harbour-fire", 2018,
        "A year ago today the grain store burned.", [FIRE, CREWS, INQUIRY]),
    2: ("Two Years Ago — The Harbour Fire (May 4 2017)", "two-years-ago-harbour-fire", 2019,
        "Two years on, the inquiry has reported.", [FIRE, CREWS, INQUIRY, REPORT]),
    # The same lines retyped: spacing and case aside, they are the lines the story has.
    3: ("Four Years Ago — The harbour fire (May 4 2017)", "four-years-ago-harbour-fire", 2021,
        "Four years on, the store stands again.",
        [FIRE.replace(" — ", "  —  "), CREWS.upper().replace("2017 MAY 5", "2017 May 5"),
         INQUIRY, REPORT, REBUILT]),
    # Another event of the same name: another day, another story.
    4: ("One Year Ago — The Harbour Fire (June 1 1999)", "harbour-fire-1999", 2000,
        "A year ago the old harbour burned.", ["1999 June 1 — The old harbour burns."]),
}  # fmt: skip


def export(tmp_path, posts=POSTS, name="export.xml"):
    return write_export(tmp_path / name, [
        POST.format(wp_id=wp_id, title=title, slug=slug, year=year, lede=lede,
                    timeline="\n".join(lines))
        for wp_id, (title, slug, year, lede, lines) in posts.items()
    ])  # fmt: skip


def fire_story():
    return Story.objects.get(event_date="2017-05-04")


def lines(story):
    return [(e.date_label, e.text) for e in story.timeline_entries.order_by("date_lower", "pk")]


EXPECTED = [
    ("2017 May 4", "Fire breaks out in the grain store on the east quay."),
    ("2017 May 5", "Crews from three towns bring the fire under control."),
    ("2018 March", "The inquiry opens."),
    ("2019 (Summer)", "The inquiry's report blames the wiring."),
    ("2021 May 4", "The rebuilt store opens."),
]


def check_one_story_per_event():
    story = fire_story()
    assert story.title == "The Harbour Fire"
    assert Story.objects.count() == 2
    assert set(Article.objects.filter(story=story).values_list("imported__wp_id", flat=True)) == {
        1,
        2,
        3,
    }
    assert set(ImportedPost.objects.filter(story=story).values_list("wp_id", flat=True)) == {
        1,
        2,
        3,
    }
    assert lines(story) == EXPECTED
    other = Story.objects.get(event_date="1999-06-01")
    assert lines(other) == [("1999 June 1", "The old harbour burns.")]


def test_yearly_posts_in_one_file_are_one_story_with_each_line_once(tmp_path):
    assert "4 created" in run(export(tmp_path))
    check_one_story_per_event()
    # On this day shows the fire once, not once per post.
    page = Client().get("/on-this-day/05-04/").content.decode()
    assert page.count("Fire breaks out in the grain store") == 1
    # Each post's article shows the story's timeline.
    newest = Article.objects.get(imported__wp_id=3)
    page = Client().get(newest.get_absolute_url()).content.decode()
    assert page.count("The inquiry opens.") == 1


def test_posts_imported_one_by_one_join_the_story_the_same_way(tmp_path):
    path = export(tmp_path)
    for slug in ("two-years-ago-harbour-fire", "one-year-ago-harbour-fire",
                 "four-years-ago-harbour-fire", "harbour-fire-1999"):  # fmt: skip
        run(path, "--only", slug)
    check_one_story_per_event()


def test_a_story_here_before_is_joined_by_the_posts_of_a_later_file(tmp_path):
    run(export(tmp_path, {1: POSTS[1]}, "first.xml"))
    story = fire_story()
    run(export(tmp_path))
    assert fire_story() == story
    check_one_story_per_event()


def test_a_second_import_changes_nothing_and_a_changed_post_adds_its_new_line(tmp_path):
    run(export(tmp_path))
    entries = TimelineEntry.objects.count()
    assert "4 unchanged" in run(export(tmp_path))
    assert TimelineEntry.objects.count() == entries
    title, slug, year, lede, timeline = POSTS[2]
    changed = {
        **POSTS,
        2: (title, slug, year, lede, [*timeline, "2019 May 4 — A memorial is unveiled."]),
    }
    assert "1 updated" in run(export(tmp_path, changed))
    assert ("2019 May 4", "A memorial is unveiled.") in lines(fire_story())
    assert len(lines(fire_story())) == len(EXPECTED) + 1  # the others kept, none repeated


def test_the_per_post_path_joins_the_story_as_the_bulk_path_does(tmp_path):
    for item in wxr.read(export(tmp_path)):
        imports.import_post(item)
    check_one_story_per_event()


def test_a_time_of_day_alone_is_on_the_day_of_the_line_before(tmp_path):
    timed = {
        1: ("The Harbour Fire", "harbour-fire", 2018, "A year ago today the grain store burned.",
            ["2017 May 4, 21:16 CET — Fire breaks out in the grain store on the east quay.",
             "21:40 CET — The first crews arrive.", "23:05 — The roof falls in."]),
    }  # fmt: skip
    run(export(tmp_path, timed))
    story = Story.objects.get()
    entries = list(story.timeline_entries.order_by("date_lower", "pk"))
    assert [(e.date_label, e.date) for e in entries] == [
        ("2017 May 4, 21:16 CET", entries[0].date),
        ("21:40 CET", entries[1].date),
        ("23:05", entries[2].date),
    ]
    assert all(e.date_lower.isoformat() == "2017-05-04" for e in entries)
    page = Client().get(story.get_absolute_url()).content.decode()
    assert ">21:40 CET</time>" in page and ">23:05</time>" in page


def test_the_sites_own_audio_is_listed_to_listen_to(tmp_path):
    post = POST.format(
        wp_id=5, title="The Harbour Fire", slug="harbour-fire", year=2018,
        lede="A year ago today.\n\n" + '<figure class="wp-block-audio"><audio controls '
        'src="https://harbour.example/wp-content/uploads/interview.mp3"></audio>'
        "<figcaption>Interview with the harbour master</figcaption></figure>",
        timeline=FIRE,
    )  # fmt: skip
    run(write_export(tmp_path / "audio.xml", [post]))
    article = Article.objects.get()
    (embed,) = article.embeds.all()
    assert (embed.url, embed.kind, embed.provider) == (
        "https://harbour.example/wp-content/uploads/interview.mp3",
        "audio",
        "harbour.example",  # named by its host, as an embed from an unknown provider is
    )
    page = Client().get(article.get_absolute_url()).content.decode()
    assert (
        '<a href="https://harbour.example/wp-content/uploads/interview.mp3" rel="noopener">'
        "Listen: Interview with the harbour master</a>"
    ) in page
