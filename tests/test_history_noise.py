"""
History noise: a browser posts every textarea with \r\n line endings. Saving a page unchanged
must change nothing and record nothing; fold_history_noise removes the noise already recorded.
"""

import io

import pytest
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from tests.admin_forms import form_data, read_form
from tests.factories import make_article, make_entry, make_story, make_update, make_user
from timeline.admin.forms import PlainTextField
from timeline.models import Update

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"timeline", "comments", "editorial", "images"}


@pytest.fixture
def editor(client):
    user = make_user(is_superuser=True)
    client.force_login(user)
    return user


def as_browser_posts(data):
    """Textareas come back with \r\n line endings, as every browser sends them."""
    return {
        name: value.replace("\n", "\r\n") if isinstance(value, str) else value
        for name, value in data.items()
    }


def history_count(*objects):
    return sum(obj.history.count() for obj in objects)


def test_saving_the_article_form_unchanged_adds_no_history_rows(client, editor):
    article = make_article(lede="First line.\n\nSecond line.", body="One.\nTwo.\n\nThree.")
    updates = [make_update(article, body=f"Update {n}.\n\nMore.") for n in range(3)]
    url = reverse("admin:timeline_article_change", args=[article.pk])
    before = history_count(article, *updates)

    data = as_browser_posts(form_data(read_form(client.get(url).content.decode())))
    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert history_count(article, *updates) == before
    for update in updates:
        update.refresh_from_db()
        assert "\r" not in update.body


def test_a_real_change_typed_with_crlf_is_stored_with_newlines(client, editor):
    article = make_article(body="One.")
    update = make_update(article, body="Old.")
    url = reverse("admin:timeline_update_change", args=[update.pk])
    data = form_data(read_form(client.get(url).content.decode()), body="New.\r\n\r\nLine.")
    assert client.post(url, data).status_code == 302
    update.refresh_from_db()
    assert update.body == "New.\n\nLine."
    assert update.history.count() == 2


def test_saving_the_story_form_unchanged_adds_no_history_rows(client, editor):
    story = make_story(summary="One.\nTwo.")
    entries = [make_entry(story, "2015-11-13", text="A.\n\nB.") for _ in range(2)]
    url = reverse("admin:timeline_story_change", args=[story.pk])
    before = history_count(story, *entries)
    data = as_browser_posts(form_data(read_form(client.get(url).content.decode())))
    assert client.post(url, data).status_code == 302
    assert history_count(story, *entries) == before


def test_every_admin_text_field_keeps_newlines(rf, editor):
    """Every textarea of every admin form (inlines too) is a PlainTextField."""
    request = rf.get("/")
    request.user = editor
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        admins = [model_admin, *model_admin.get_inline_instances(request, None)]
        for each in admins:
            form = each.get_formset(request).form if each is not model_admin else None
            form = form or model_admin.get_form(request)
            for name, field in form.base_fields.items():
                db_field = _db_field(each.model, name)
                if isinstance(db_field, models.TextField) and not db_field.choices:
                    assert isinstance(field, PlainTextField), f"{each}: {name}"
                    checked += 1
    assert checked >= 8


def _db_field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a form-only field
        return None


# ----------------------------------------------------------------- fold_history_noise


def fold(*args):
    out = io.StringIO()
    call_command("fold_history_noise", *args, stdout=out)
    return out.getvalue()


def save(obj, *, user=None, reason="Edited in admin", **changes):
    for name, value in changes.items():
        setattr(obj, name, value)
    obj._history_user, obj._change_reason = user, reason
    obj.save()


def test_fold_removes_line_ending_noise_and_keeps_real_changes():
    editor = make_user()
    article = make_article(body="One.\nTwo.")
    update = make_update(article, body="A.\nB.")
    save(article, user=editor, body="One.\r\nTwo.")  # noise: line endings only
    save(update, user=editor, body="A.\r\nB.")  # noise
    save(update, user=editor, body="A.\nB.")  # noise back again
    save(update, user=editor, body="A.\r\nB, changed.")  # real
    save(article, user=editor, body="One.\r\nTwo.", reason="Checked")  # a reason of its own
    assert article.history.count() == 3 and update.history.count() == 4

    assert "would fold 3" in fold("--dry-run").lower()
    assert article.history.count() == 3

    report = fold()
    assert "Folded 3" in report
    assert "timeline.Update: folded 2" in report
    assert article.history.count() == 2
    bodies = list(update.history.order_by("history_date").values_list("body", flat=True))
    assert bodies == ["A.\nB.", "A.\r\nB, changed."]
    assert "Folded 0" in fold()  # idempotent


def test_fold_keeps_creations_and_deletions():
    update = make_update(make_article(), body="A.")
    save(update, body="A.")
    update_id = update.pk
    update._history_user = None
    update.delete()
    fold()
    types = list(
        Update.history.filter(id=update_id)
        .order_by("history_date")
        .values_list("history_type", flat=True)
    )
    assert types == ["+", "-"]
