"""
The admin works under the same strict Content Security Policy as the public pages: its
scripts run (slug prepopulation, inline rows, the calendar) and the browser blocks nothing.
"""

import pytest

from tests.factories import make_story, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def violations(page):
    """What the browser refused under the policy, from the console and from the DOM event."""
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.log('Content Security Policy violation: ' + e.violatedDirective"
        " + ' ' + e.blockedURI))"
    )
    return found


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
