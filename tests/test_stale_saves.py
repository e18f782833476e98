"""
Standing test: no lost saves on any admin change form.

For every model the project registers in the admin, the change form is opened twice, the
first copy saved, then the second (now stale) saved: it must be refused with who saved
meanwhile, the second editor's input still in the form, and the database holding the first
save. A model registered without an entry in CHANGES fails the test, so a new admin form
cannot slip through.
"""

import datetime as dt

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.admin_forms import form_data, read_form
from tests.factories import (
    make_article,
    make_category,
    make_entry,
    make_quote,
    make_story,
    make_tag,
    make_update,
    make_user,
)
from tests.test_comments import make_comment
from tests.test_images_support import make_image, memory_media
from timeline import services
from timeline.models import SiteSettings, Status

media = pytest.fixture(memory_media, name="media")
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

PROJECT_APPS = {"timeline", "comments", "editorial", "images"}


def make_prepared_edition():
    day = timezone.localdate() + dt.timedelta(days=5)
    story = make_story(event_date=day.replace(year=2000), requires_approval=True)
    article = make_article(story=story, status=Status.DRAFT)
    services.publish_article(article=article, now=timezone.now() - dt.timedelta(days=400))
    return services.prepare_anniversary_edition(article=article, year=day.year, now=timezone.now())


# model label: (how to make one, the text field both editors change)
CHANGES = {
    "timeline.Article": (make_article, "title"),
    "timeline.Update": (lambda: make_update(make_article()), "headline"),
    "timeline.Edition": (make_prepared_edition, "title"),
    "timeline.Story": (make_story, "title"),
    "timeline.TimelineEntry": (lambda: make_entry(make_story()), "text"),
    "timeline.Quote": (make_quote, "text"),
    "timeline.Category": (make_category, "name"),
    "timeline.Tag": (make_tag, "name"),
    "comments.Comment": (lambda: make_comment(make_article()), "body"),
    "images.Image": (make_image, "title"),
    "timeline.Author": (lambda: make_author(), "name"),
    "timeline.SiteSettings": (lambda: SiteSettings.get_or_create_row(), "name"),
}
# Registered to be read, never edited through a change form (decisions go through their views).
READ_ONLY = {"timeline.ReviewRequest", "timeline.ImportRun"}


def make_author():
    from timeline.models import Author

    return Author.objects.create(name="Ada Reporter", slug="ada-reporter")


def registered():
    return sorted(
        model._meta.label for model in admin.site._registry if model._meta.app_label in PROJECT_APPS
    )


def test_every_registered_model_is_covered():
    assert registered() == sorted([*CHANGES, *READ_ONLY])


@pytest.mark.parametrize("label", sorted(CHANGES))
def test_a_stale_second_save_is_refused_with_the_input_kept(label):
    make, field = CHANGES[label]
    obj = make()
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    first_editor = make_user(is_superuser=True, first_name="Ann", last_name="First")
    first, second = Client(), Client()
    first.force_login(first_editor)
    second.force_login(make_user(is_superuser=True))
    first_form = read_form(first.get(url).content.decode())
    second_form = read_form(second.get(url).content.decode())
    assert any(f.name == "version" and f.value for f in first_form), label

    saved = first.post(url, form_data(first_form, **{field: "Saved first"}))
    assert saved.status_code == 302, saved.content.decode()[:3000]
    stale = second.post(url, form_data(second_form, **{field: "Typed second"}))

    assert stale.status_code == 200, label
    html = stale.content.decode()
    assert "while you were editing" in html, label
    assert "Ann First" in html, label
    assert "Typed second" in html, label  # the input is kept
    obj.refresh_from_db()
    assert getattr(obj, field) == "Saved first", label
