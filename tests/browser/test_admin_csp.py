"""
The admin works under the same strict Content Security Policy as the public pages: its
scripts run (slug prepopulation, inline rows, the calendar) and the browser blocks nothing.
"""

import pytest

from tests.factories import make_story, make_user
from timeline import services

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_signs_in_and_the_admin_scripts_run_under_the_policy(page, screenshot, violations):
    editor = make_user(is_superuser=True)
    make_story(title="Chernobyl")

    page.goto("/admin/login/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", editor.raw_password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")

    page.goto("/admin/timeline/article/add/")
    page.locator("#id_title").press_sequentially("Forty years after the explosion")
    # Prepopulated slug: the admin's own script, loaded from 'self'.
    page.locator("#id_slug").wait_for()
    assert page.input_value("#id_slug") == "forty-years-after-the-explosion"

    rows = page.locator("#references-group tbody tr.form-row:not(.empty-form)")
    before = rows.count()
    page.locator("#references-group .add-row a").click()
    assert rows.count() == before + 1

    page.locator("#id_timeline_until").scroll_into_view_if_needed()
    page.locator("#id_timeline_until + .datetimeshortcuts a", has_text="Today").click()
    assert page.input_value("#id_timeline_until") != ""

    screenshot("admin-article-add-under-csp")
    assert violations == []


def test_an_objects_history_page_needs_nothing_the_policy_refuses(page, violations):
    """simple-history's own pages (its paginator had an inline style)."""
    editor = make_user(is_superuser=True)
    story = make_story(title="Chernobyl")
    services.save_changes(obj=story, values={"summary": "Reactor 4."}, reason="Summary")

    page.goto("/admin/login/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", editor.raw_password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")

    page.goto(f"/admin/timeline/story/{story.pk}/history/")
    page.get_by_text("Summary").first.wait_for()
    # The style it had inline comes from timeline/admin/history.css now.
    paginator = page.locator("p.paginator")
    assert paginator.evaluate("p => getComputedStyle(p).borderTopStyle") == "none"
    assert violations == []
