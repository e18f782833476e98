"""
No lost edits: two editors with the same change form open, through the real admin views.

Each editor has a session of their own; the forms are read from the pages and posted back the
way a browser sends them (tests.admin_forms), inlines and all.
"""

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.admin_forms import form_data, read_form
from tests.factories import (
    make_article,
    make_entry,
    make_reference,
    make_story,
    make_update,
    make_user,
)
from timeline import revisions
from timeline.models import Article, Story
from timeline.revisions import presence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # presence lives there
    yield
    cache.clear()


def editor(first_name, last_name):
    user = make_user(is_superuser=True, first_name=first_name, last_name=last_name)
    client = Client()
    assert client.login(username=user.username, password=user.raw_password)
    client.user = user
    return client


@pytest.fixture
def anna():
    return editor("Anna", "Keller")


@pytest.fixture
def ben():
    return editor("Ben", "Osei")


def change_url(obj):
    return reverse(f"admin:timeline_{obj._meta.model_name}_change", args=[obj.pk])


def open_form(client, obj, query=""):
    response = client.get(change_url(obj) + query)
    assert response.status_code == 200
    return read_form(response.text)


def local_time(moment):
    return f"{timezone.localtime(moment):%H:%M}"


class TestArticleForm:
    @pytest.fixture
    def article(self):
        article = make_article(title="The night the grid failed", body="The original text.")
        make_update(article, headline="One year on", body="The grid held this winter.")
        make_reference(article, title="Inquiry report")
        return article

    def test_the_second_save_is_refused_naming_who_saved_and_keeping_every_input(
        self, anna, ben, article
    ):
        # Ben has the article's links and media open for editing (?edit=links), Anna not.
        anna_form, ben_form = open_form(anna, article), open_form(ben, article, "?edit=links")
        ben_update = next(
            f.name for f in ben_form if f.name.endswith("-body") and "updates-2" in f.name
        )
        ben_reference = next(f.name for f in ben_form if f.name.endswith("references-0-title"))

        saved = anna.post(
            change_url(article),
            form_data(anna_form, title="The night the lights went out", change_reason="Title"),
        )
        assert saved.status_code == 302
        anna_saved_at = article.history.latest().history_date

        refused = ben.post(
            change_url(article) + "?edit=links",
            form_data(
                ben_form,
                body="Ben rewrote the whole article.",
                **{ben_update: "Ben's update.", ben_reference: "Ben's reference"},
            ),
        )

        assert refused.status_code == 200
        page = refused.text
        assert (
            f"Anna Keller saved this article at {local_time(anna_saved_at)} while you were "
            "editing. Your changes are below and have not been saved; review the differences, "
            "then save again to keep yours."
        ) in page
        kept = {f.name: f.value for f in read_form(page)}
        assert kept["body"] == "Ben rewrote the whole article."
        assert kept[ben_update] == "Ben's update."
        assert kept[ben_reference] == "Ben's reference"
        assert kept["title"] == "The night the grid failed"  # what Ben had, not Anna's
        # What Anna changed, shown to Ben.
        assert "What changed while you were editing" in page
        assert "<ins>The night the lights went out</ins>" in page
        article.refresh_from_db()
        assert (article.title, article.body) == (
            "The night the lights went out",
            "The original text.",
        )
        assert article.updates.get().body == "The grid held this winter."

    def test_saving_again_after_the_refusal_keeps_the_second_editors_changes(
        self, anna, ben, article
    ):
        anna_form, ben_form = open_form(anna, article), open_form(ben, article)
        anna.post(change_url(article), form_data(anna_form, title="Anna's title"))
        refused = ben.post(change_url(article), form_data(ben_form, body="Ben's body."))
        assert refused.status_code == 200

        again = ben.post(change_url(article), form_data(read_form(refused.text)))

        assert again.status_code == 302
        article.refresh_from_db()
        assert article.body == "Ben's body."
        assert article.title == "The night the grid failed"  # Ben chose to keep his version
        assert article.history.latest().history_user == ben.user
        # Both versions stay in the history.
        assert "Anna's title" in set(article.history.values_list("title", flat=True))

    def test_a_change_to_an_inline_by_someone_else_also_refuses_the_save(self, anna, ben, article):
        """Updates, quotes, links, references and embeds are all part of the version."""
        ben_form = open_form(ben, article)
        anna_form = open_form(anna, article)
        update_body = next(f.name for f in anna_form if f.name == "updates-2-0-body")
        assert (
            anna.post(
                change_url(article), form_data(anna_form, **{update_body: "Anna's correction."})
            ).status_code
            == 302
        )

        refused = ben.post(change_url(article), form_data(ben_form, summary="Ben's summary"))

        assert refused.status_code == 200
        assert "Anna Keller saved this article" in refused.text
        assert "Anna&#x27;s correction." in refused.text  # in the diff of the update
        article.refresh_from_db()
        assert article.summary == ""

    def test_a_form_without_concurrent_saves_goes_through_and_carries_no_error(self, anna, article):
        response = anna.post(change_url(article), form_data(open_form(anna, article), kicker="x"))
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.kicker == "x"

    def test_a_tampered_version_is_refused_with_the_input_kept_and_can_be_resaved(
        self, anna, article
    ):
        data = form_data(open_form(anna, article), body="Typed.", version="1.2.3:forged")
        refused = anna.post(change_url(article), data)
        assert refused.status_code == 200
        assert "version stamp is damaged" in refused.text
        assert {f.name: f.value for f in read_form(refused.text)}["body"] == "Typed."
        again = anna.post(change_url(article), form_data(read_form(refused.text)))
        assert again.status_code == 302
        assert Article.objects.get(pk=article.pk).body == "Typed."

    def test_the_scheduler_saving_meanwhile_is_named_as_someone_else(self, anna, article):
        form = open_form(anna, article)
        article.title = "On This Day — the grid"
        article.save()  # no user: the scheduler taking a new edition live
        refused = anna.post(change_url(article), form_data(form, body="Mine."))
        assert "Someone else saved this article at" in refused.text


class TestStoryForm:
    def test_a_story_with_its_timeline_is_protected_the_same_way(self, anna, ben):
        story = make_story(title="The blackout", time_zone="Europe/Paris")
        make_entry(story, "2015-11-13", text="The grid failed.")
        anna_form, ben_form = open_form(anna, story), open_form(ben, story)
        anna_entry = next(f.name for f in anna_form if f.name == "timeline_entries-0-text")
        assert (
            anna.post(
                change_url(story), form_data(anna_form, **{anna_entry: "The grid failed at 21:16."})
            ).status_code
            == 302
        )

        refused = ben.post(
            change_url(story),
            form_data(ben_form, summary="Ben's summary", **{anna_entry: "Ben's wording."}),
        )

        assert refused.status_code == 200
        assert "Anna Keller saved this story at" in refused.text
        kept = {f.name: f.value for f in read_form(refused.text)}
        assert (kept["summary"], kept[anna_entry]) == ("Ben's summary", "Ben's wording.")
        assert "<del>failed.</del> <ins>failed at 21:16.</ins>" in refused.text
        assert story.timeline_entries.get().text == "The grid failed at 21:16."
        again = ben.post(change_url(story), form_data(read_form(refused.text)))
        assert again.status_code == 302
        assert Story.objects.get(pk=story.pk).summary == "Ben's summary"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_save_waits_for_the_row_lock_then_sees_the_newer_version():
    """
    Two saves of forms loaded at the same version: the second waits on the article's row
    lock until the first commits, then finds the newer version. Neither can slip past.
    """
    article = make_article()
    loaded = revisions.version_of(article)
    first_has_lock, first_may_save = threading.Event(), threading.Event()
    outcome = {}

    def first_editor():
        try:
            with transaction.atomic():
                outcome["first"] = revisions.check_version(article, loaded)
                first_has_lock.set()
                first_may_save.wait(5)
                Article.objects.filter(pk=article.pk).get().save()
        finally:
            connection.close()

    def second_editor():
        try:
            with transaction.atomic():
                outcome["second"] = revisions.check_version(article, loaded)
        finally:
            connection.close()

    first = threading.Thread(target=first_editor)
    first.start()
    assert first_has_lock.wait(5)
    second = threading.Thread(target=second_editor)
    second.start()
    time.sleep(0.3)
    assert second.is_alive(), "the second check should be waiting for the row lock"
    first_may_save.set()
    first.join(5)
    second.join(5)
    assert outcome["first"] is None
    assert outcome["second"] is not None


RACE_ON_SQLITE = """
import threading, time
import django
django.setup()
from django.core.management import call_command
from django.db import connection, transaction
call_command("migrate", verbosity=0, run_syncdb=True)
from tests.factories import make_article
from timeline import revisions
from timeline.models import Article

article = make_article()
loaded = revisions.version_of(article)
both_loaded, outcome = threading.Barrier(2), {}

def save(name):
    try:
        both_loaded.wait()
        with transaction.atomic():
            conflict = revisions.check_version(article, loaded)
            time.sleep(0.3)
            if conflict is None:
                Article.objects.get(pk=article.pk).save()
            outcome[name] = "refused" if conflict else "saved"
    except Exception as exc:
        outcome[name] = repr(exc)
    finally:
        connection.close()

editors = [threading.Thread(target=save, args=(n,)) for n in ("one", "two")]
[t.start() for t in editors]
[t.join() for t in editors]
print(sorted(outcome.values()))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own write lock")
def test_on_sqlite_two_simultaneous_saves_queue_up_and_the_second_is_refused(tmp_path):
    """
    SQLite has no row locks: transactions that begin IMMEDIATE (settings) take the write lock
    first, so the second save waits, then sees the first, rather than failing with "database
    is locked". Needs a database file shared by two connections, hence a process of its own.
    """
    # Tables straight from the models (no migration history to replay): a quicker start.
    (tmp_path / "race_settings.py").write_text(
        "from tests.settings import *\n"
        "MIGRATION_MODULES = {app.rsplit('.', 1)[-1]: None for app in INSTALLED_APPS}\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "race_settings",
        "PYTHONPATH": f"{tmp_path}{os.pathsep}{Path(__file__).resolve().parents[1]}",
    }
    run = subprocess.run(
        [sys.executable, "-c", RACE_ON_SQLITE], env=env, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "['refused', 'saved']"


class TestPresence:
    def test_the_form_says_who_else_is_editing_and_since_when(self, anna, ben):
        article = make_article()
        anna.get(change_url(article))
        opened = timezone.now()
        page = ben.get(change_url(article)).text
        assert f"Anna Keller has been editing this article since {local_time(opened)}" in page
        # Anna does not see herself, but she sees Ben when her page checks in.
        endpoint = reverse("admin:timeline_article_presence", args=[article.pk])
        checked = anna.post(endpoint).json()
        assert checked["notices"] == [
            f"Ben Osei has been editing this article since {local_time(opened)}"
        ]
        assert [e["name"] for e in checked["editors"]] == ["Ben Osei"]

    def test_leaving_the_form_removes_the_notice_at_once(self, anna, ben):
        article = make_article()
        endpoint = reverse("admin:timeline_article_presence", args=[article.pk])
        anna.post(endpoint)
        assert ben.get(endpoint).json()["notices"]
        anna.post(endpoint, {"leave": "1"})
        assert ben.get(endpoint).json()["notices"] == []

    def test_an_editor_who_stopped_checking_in_lapses(self, anna):
        article = make_article()
        other = make_user(first_name="Chloe", last_name="Lin")
        start = timezone.now()
        presence.check_in(article, other, now=start)
        later = start + dt.timedelta(seconds=presence.TTL - 1)
        assert [e.name for e in presence.others(article, anna.user, now=later)] == ["Chloe Lin"]
        lapsed = start + dt.timedelta(seconds=presence.TTL + 1)
        assert presence.others(article, anna.user, now=lapsed) == []

    def test_the_endpoint_is_for_logged_in_staff_only(self, client):
        article = make_article()
        endpoint = reverse("admin:timeline_article_presence", args=[article.pk])
        response = client.post(endpoint)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        reader = make_user(is_staff=False)
        client.force_login(reader)
        assert client.get(endpoint).status_code == 302
        assert presence.others(article, reader) == []

    def test_the_page_loads_its_script_as_a_file_under_the_strict_csp(self, anna):
        story = make_story()
        response = anna.get(change_url(story))
        assert '<script src="/static/timeline/admin/presence.js" defer></script>' in response.text
        assert 'data-presence-url="/admin/timeline/story/' in response.text
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
