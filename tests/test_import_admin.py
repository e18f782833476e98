"""The admin's "Import from WordPress" page and "Record a past edition", through the client."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_role_user
from timeline.models import Article, EditionKind, ImportRun, Story

FIXTURES = Path(__file__).parent / "fixtures" / "wordpress"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, name):
    data = (FIXTURES / name).read_bytes()
    return client.post(
        reverse("admin:timeline_importrun_upload"),
        {"export": SimpleUploadedFile(name, data, content_type="text/xml")},
    )


def test_upload_dry_run_confirm_and_progress(client):
    client.force_login(make_role_user("Editor"))
    page = client.get(reverse("admin:timeline_importrun_upload"))
    assert page.status_code == 200 and b"Read the file (dry run)" in page.content
    response = upload(client, "block_editor.xml")
    assert response.status_code == 302
    run = ImportRun.objects.get()
    report = client.get(response.url)
    assert b"Import 3 posts" in report.content
    assert b"paris-attacks (WordPress post 101, publish)" in report.content
    assert not Article.objects.exists()  # the dry run writes nothing
    confirmed = client.post(response.url)
    assert confirmed.status_code == 302
    # The tests' task backend is immediate: the run is over when the answer comes.
    status = client.get(reverse("admin:timeline_importrun_status", args=[run.pk])).json()
    assert status["status"] == "done" and status["finished"]
    assert (status["done"], status["total"], status["created"]) == (3, 3, 3)
    assert Article.objects.count() == 3
    progress = client.get(response.url)
    assert b"import-progress.js" in progress.content and b"data-status-url" in progress.content
    assert b"<script>" not in progress.content  # no inline script: strict CSP


def test_a_post_left_out_is_named_on_the_run_page(client, tmp_path):
    """The other posts are imported; the one refused is rolled back alone and named."""
    client.force_login(make_role_user("Editor"))
    text = (FIXTURES / "block_editor.xml").read_text(encoding="utf-8")
    broken = text.replace("Update (Sept. 8 2021)", "Update (Sept. 8 1850)").encode()
    response = client.post(
        reverse("admin:timeline_importrun_upload"),
        {"export": SimpleUploadedFile("broken.xml", broken, content_type="text/xml")},
    )
    client.post(response.url)
    run = ImportRun.objects.get()
    assert run.status == "done" and run.created == 2
    assert "1 not imported (paris-attacks: Update.dated_at: " in run.error
    assert "1 not imported (paris-attacks" in client.get(response.url).content.decode()
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["archive-note", "chernobyl"]


def test_a_bad_file_is_a_form_error_and_changes_nothing(client):
    client.force_login(make_role_user("Editor"))
    response = upload(client, "truncated.xml")
    assert response.status_code == 200
    assert b"The file is not well-formed XML" in response.content
    assert not ImportRun.objects.exists() and not Story.objects.exists()


def test_only_editors_import(client):
    client.force_login(make_role_user("Contributor"))
    assert client.get(reverse("admin:timeline_importrun_upload")).status_code == 403
    assert upload(client, "block_editor.xml").status_code == 403
    assert not ImportRun.objects.exists()


def test_record_a_past_edition_in_the_admin(client):
    client.force_login(make_role_user("Editor"))
    upload(client, "classic_editor.xml")
    client.post(reverse("admin:timeline_importrun_run", args=[ImportRun.objects.get().pk]))
    article = Article.objects.get(slug="voices")
    change = client.get(reverse("admin:timeline_article_change", args=[article.pk]))
    url = reverse("admin:timeline_record_past_edition", args=[article.pk])
    assert url.encode() in change.content
    response = client.post(
        url,
        {
            "year": 2019,
            "title": "Voices, thirty years on",
            "went_live_on": "2019-11-09",
            "archive_url": "https://web.archive.example/2019/voices",
        },
    )
    assert response.status_code == 302
    edition = article.editions.get(kind=EditionKind.PAST)
    assert (edition.title, edition.day_known) == ("Voices, thirty years on", True)
    page = client.get(article.get_absolute_url())
    assert b"Voices, thirty years on" in page.content
    record = client.get(edition.get_absolute_url())
    assert b"https://web.archive.example/2019/voices" in record.content
    wrong = client.post(url, {"year": 2019, "title": "x", "went_live_on": "2018-01-01"})
    assert wrong.status_code == 200 and b"not in the year above" in wrong.content
