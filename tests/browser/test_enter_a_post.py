"""
A whole "On This Day" post entered through the admin by an editor, as a newsroom moving in
would: a story with a pasted 29-line timeline, an article filed under two categories with a
related link to an article not yet published, three dated updates, quotes between them with
their provenance as written. Then the public page is read back element by element: every
label as typed, every quote in its place.

The test counts what the editor did (form submissions; clicks on "add another", lookups and
choices) and prints it: the closing note of issue 12 quotes it (22 submissions and ~40 clicks
before).
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from editorial import roles
from tests.browser.test_editor_flow import shoot, sign_in
from tests.factories import make_article, make_category, make_role_user, make_tag
from timeline import services
from timeline.models import Article, Quote, Status, Story

pytestmark = pytest.mark.django_db(transaction=True)

EM = "\N{EM DASH}"

# Our own lines, in the mixed precision such timelines have: a season typed two ways, a span,
# a month, a bare year, two entries on one day, a second dash inside the text.
TIMELINE = [
    f"1952 March 3 {EM} The first levee of the lower town is finished.",
    f"1961 {EM} The river authority is founded.",
    f"1969 Spring {EM} A survey warns of silt behind the weir.",
    f"1975 May 4 {EM} Flood gates are added at the mill race.",
    f"1985 May 4 {EM} The spring flood reaches the market square.",
    f"1985 May 5 {EM} The army builds a sandbag wall overnight.",
    f"1990 {EM} The weir is rebuilt in concrete.",
    f"1999/2000 {EM} Two wet winters in a row; the levee is raised.",
    f"2003 August {EM} The river falls to its lowest level on record.",
    f"2006 May {EM} Engineers report cracks in the east levee.",
    f"2006 {EM} The town council delays the repair to the next budget.",
    f"2008 October 2 {EM} A repair contract is signed.",
    f"2009 {EM} Work starts on the east levee.",
    f"2010 Summer {EM} Work stops: the contractor goes bankrupt.",
    f"2011 January 14 {EM} Heavy rain for six days upstream.",
    f"2011 January 19 {EM} Evening: water tops the east levee.",
    f"2011 January 19 {EM} Night: the lower town is evacuated {EM} 4,000 people by boat.",
    f"2011 January 20 {EM} The levee breaks at 03:40; the market square is under two metres.",
    f"2011 January 23 {EM} The water begins to fall.",
    f"2011 February {EM} The first families return.",
    f"2011 (Summer) {EM} A public inquiry opens.",
    f"2012 March 1 {EM} The inquiry report blames the stopped works.",
    f"2013 {EM} A new levee is built a metre higher.",
    f"2014 April 11 {EM} The memorial by the weir is unveiled.",
    f"2015 (Summer) {EM} A flood museum opens in the old mill.",
    f"2016 January 20 {EM} Fifth anniversary: a walk along the new levee.",
    f"2018 {EM} The river authority publishes flood maps for every street.",
    f"2020 November {EM} The levee holds through the highest water since 2011.",
    f"2021 January 20 {EM} Tenth anniversary: the names of the dead are read at the weir.",
]

LEDE = "Ten years ago tonight the east levee broke and the lower town went under."
BODY = (
    "## The night of the breach\n\n"
    "The water came over the top of the levee a little after nine.\n\n"
    "## What the inquiry found\n\n"
    "The repair had been stopped for a year when the rain came.\n"
)
UPDATES = [  # oldest first, as they are added year after year
    ("2019-01-20", "January 20 2019", "Eight years on", "The museum adds a room of letters."),
    ("2020-01-20", "January 20 2020", "Nine years on", "The flood maps go online."),
    ("2021-01-20", "January 20 2021", "Ten years on", "The names are read at the weir."),
]


class Tally:
    """What the editor did, counted as a usability figure."""

    def __init__(self):
        self.submissions = 0
        self.clicks = 0

    def submit(self, locator):
        self.submissions += 1
        locator.click()

    def click(self, locator):
        self.clicks += 1
        locator.click()


def choose(page, tally, select_id, text):
    """An autocomplete field (select2): open it, type, pick the match."""
    tally.click(page.locator(f"#{select_id}").locator("xpath=..").locator(".select2-selection"))
    page.locator(".select2-container--open .select2-search__field").fill(text)
    option = page.locator(".select2-results__option", has_text=text).first
    tally.click(option)


def add_row(page, tally, field_id, link_name):
    """An inline's row, added with its "Add another" link unless the page already has it."""
    if page.locator(f"#{field_id}").count() == 0:
        tally.click(page.get_by_role("button", name=re.compile(link_name, re.I)))


def test_an_editor_enters_a_whole_post_and_readers_see_it_as_typed(page, browser):
    editor = make_role_user(roles.EDITOR, username="nina")
    make_category(name="On this day", slug="on-this-day")
    make_category(name="Floods", slug="floods")
    make_tag(name="River", slug="river")
    unpublished = make_article(
        title="The inquiry, a year on", slug="inquiry-year-on", status=Status.DRAFT
    )
    tally = Tally()

    # 1. The story: its event date typed as a reader would write it.
    sign_in(page, editor, reverse("admin:timeline_story_add"))
    page.fill("#id_title", "The lower town flood")
    page.fill("#id_summary", "The night the east levee broke.")
    page.fill("#id_event_date", "20 January 2011")
    tally.submit(page.locator("input[name=_continue]"))
    expect(page.locator(".messagelist li.success")).to_have_count(1)
    story = Story.objects.get(title="The lower town flood")
    assert story.event_date.isoformat() == "2011-01-20"

    # 2. Its timeline, pasted as the post has it: 29 lines, read, checked, added.
    tally.click(page.get_by_role("link", name="Paste a list of timeline entries"))
    page.fill("textarea[name=lines]", "\n".join(TIMELINE))
    tally.submit(page.get_by_role("button", name="Read the lines"))
    expect(page.locator("table.paste-rows tbody tr")).to_have_count(29)
    expect(page.locator("tr.paste-unread")).to_have_count(0)
    tally.submit(page.get_by_role("button", name="Add these 29 timeline entries"))
    expect(page.locator(".messagelist li")).to_contain_text("29 timeline entries added")
    assert story.timeline_entries.count() == 29

    # 3. The article, filed under two categories, linked to an unpublished article.
    page.goto(reverse("admin:timeline_article_add"))
    page.fill("#id_title", "The night the levee broke")
    choose(page, tally, "id_story", "The lower town flood")
    page.fill("#id_lede", LEDE)
    page.fill("#id_body", BODY)
    choose(page, tally, "id_categories", "On this day")
    choose(page, tally, "id_categories", "Floods")
    choose(page, tally, "id_tags", "River")
    add_row(page, tally, "id_related_links-0-target", "Add another related")
    choose(page, tally, "id_related_links-0-target", "The inquiry, a year on")
    tally.submit(page.get_by_role("button", name="Save and continue editing"))
    expect(page.locator(".messagelist li.success")).to_have_count(1)
    article = Article.objects.get(title="The night the levee broke")
    assert {c.name for c in article.categories.all()} == {"On this day", "Floods"}
    assert article.related_links.get().target == unpublished

    # 4. Three updates, this year's last, each with its date as the post prints it.
    for dated, label, headline, body in UPDATES:
        page.fill("#id_updates-0-dated_at_0", dated)
        page.fill("#id_updates-0-date_label", label)
        page.fill("#id_updates-0-headline", headline)
        page.fill("#id_updates-0-body", body)
        page.select_option("#id_updates-0-status", Status.PUBLISHED)
        tally.submit(page.get_by_role("button", name="Save the article with this update"))
        expect(page.locator(".messagelist li.success")).to_have_count(1)
    assert article.updates.count() == 3

    # 5. Quotes between the updates, with their provenance as written.
    quotes = [
        ("We heard it before we saw it.", "A boatman", "Oct. 2021"),
        ("The levee was a promise we stopped keeping.", "An inquiry member", "April 11 2016"),
    ]
    for text, speaker, said in quotes:
        page.goto(reverse("admin:timeline_quote_add"))
        page.fill("#id_text", text)
        page.fill("#id_speaker", speaker)
        page.fill("#id_said_on", said)
        tally.submit(page.locator("input[name=_save]"))
        expect(page.locator(".messagelist li.success")).to_have_count(1)
    page.goto(reverse("admin:timeline_article_change", args=[article.pk]))
    nine_years = article.updates.get(headline="Nine years on")
    for n, (text, _, _) in enumerate(quotes):
        add_row(page, tally, f"id_quote_placements-{n}-quote", "Add another quote")
        choose(page, tally, f"id_quote_placements-{n}-quote", text[:20])
    page.select_option("#id_quote_placements-0-placement", value="before_update")
    page.select_option("#id_quote_placements-0-update", value=str(nine_years.pk))
    page.select_option("#id_quote_placements-1-placement", value="body")
    place = page.locator("#id_quote_placements-1-anchor option", has_text="What the inquiry found")
    page.select_option("#id_quote_placements-1-anchor", value=place.get_attribute("value"))
    tally.submit(page.get_by_role("button", name="Save and continue editing"))
    expect(page.locator(".messagelist li.success")).to_have_count(1)
    shoot(page, "enter-a-post-admin")

    print(f"\nEntering the post took {tally.submissions} submissions and {tally.clicks} clicks.")
    # Before this page was reworked: 22 submissions and about 40 clicks (issue 12).
    assert tally.submissions <= 10 and tally.clicks <= 18

    # 6. Published, and read back as a reader reads it.
    page.goto(reverse("admin:timeline_article_change", args=[article.pk]))
    page.select_option("#id_status", Status.PUBLISHED)
    page.get_by_role("button", name="Save and continue editing").click()
    reader = browser.new_context(base_url=page.url.split("/admin/")[0])
    try:
        public = reader.new_page()
        public.goto(article.get_absolute_url())
        text = public.locator("main").inner_text()
        for line in TIMELINE:
            label = line.split(f" {EM} ", 1)[0]
            assert label in text, f"timeline label {label!r} not shown as typed"
        assert "2010 (Summer)" not in text  # the editor's words, not house style
        assert "Oct. 2021" in text and "April 11 2016" in text
        for _, label, _, _ in UPDATES:
            assert label in text
        # The epigraph stands between this year's update and last year's... (before "Nine")
        order = [text.index(s) for s in ("Ten years on", "We heard it", "Nine years on")]
        assert order == sorted(order), "the quote is not before the update it was placed by"
        inquiry = text.index("What the inquiry found")
        assert inquiry < text.index("The levee was a promise") < text.index("repair had been")
        # The related post to an unpublished article is kept, not shown…
        assert "The inquiry, a year on" not in text
        services.publish_article(article=unpublished, user=editor)
        public.goto(article.get_absolute_url())
        # …and appears once its target is published.
        expect(public.get_by_role("link", name="The inquiry, a year on")).to_have_count(1)
        shoot(public, "enter-a-post-public")
    finally:
        reader.close()
    assert Quote.objects.count() == 2
