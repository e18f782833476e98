"""
Roles: what a Contributor, an Editor and a superuser may do in the admin, through its real
views, actions and forms (timeline.permissions, enforced by editorial.admin_mixins).
"""

import datetime as dt
import io
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from editorial import roles
from tests.factories import (
    authored_by,
    make_article,
    make_role_user,
    make_story,
    make_update,
    make_user,
)
from timeline import services
from timeline.models import Article, Quote, Status, TimelineEntry, Update

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------- posting real forms


class _FormParser(HTMLParser):
    """What a browser would submit from one form: enabled fields with their current values."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside = form_id, False
        self.pairs, self._textarea, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
            return
        name = a.get("name")
        if not self.inside or "disabled" in a:
            return
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.pairs.append((name, a.get("value", "on")))
            elif kind not in {"submit", "button", "image", "file", "reset"}:
                self.pairs.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in a, "chosen": [], "first": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.pairs.append((name, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            chosen = select["chosen"]
            if not chosen and not select["multiple"] and select["first"] is not None:
                chosen = [select["first"]]
            self.pairs.extend((select["name"], value) for value in chosen)


def form_data(html, form_id):
    """The POST a browser would send for the form `form_id` of this page, as a dict."""
    parser = _FormParser(form_id)
    parser.feed(html)
    data = {}
    for name, value in parser.pairs:
        if "__prefix__" in name:
            continue
        if name in data:
            data[name] = (
                [*data[name], value] if isinstance(data[name], list) else [data[name], value]
            )
        else:
            data[name] = value
    return data


def submit(client, url, form_id, **changes):
    """GET the admin form at `url`, change some fields, POST it back like a browser."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    data = form_data(page.content.decode(), form_id)
    data.update(changes)
    return client.post(url, data)


def admin_url(model, view="changelist", *args):
    return reverse(f"admin:timeline_{model}_{view}", args=args)


# --------------------------------------------------------------------- the cast


@pytest.fixture
def contributor():
    return make_role_user(roles.CONTRIBUTOR, username="carla")


@pytest.fixture
def editor():
    return make_role_user(roles.EDITOR, username="edith")


@pytest.fixture
def superuser():
    return make_user(username="root", is_superuser=True)


@pytest.fixture
def cast(contributor, editor, superuser):
    return {"contributor": contributor, "editor": editor, "superuser": superuser}


def own_draft(user, **fields):
    return authored_by(make_article(status=Status.DRAFT, **fields), user)


def someone_elses_published(**fields):
    return authored_by(make_article(**fields), make_role_user(roles.EDITOR))


class TestGroups:
    def test_the_data_migration_made_both_groups_with_their_permissions(self):
        editor = set(
            Group.objects.get(name="Editor").permissions.values_list("codename", flat=True)
        )
        contributor = set(
            Group.objects.get(name="Contributor").permissions.values_list("codename", flat=True)
        )
        assert {"publish", "change_article", "change_quote", "change_story"} <= editor
        assert {"change_timelineentry", "delete_article", "change_edition"} <= editor
        assert {"add_article", "change_article", "add_update", "view_story"} <= contributor
        assert not {"publish", "change_quote", "change_story", "change_timelineentry"} & contributor
        assert not {"change_edition", "add_timelineentry"} & contributor

    def test_editors_get_every_permission_of_the_comments_app(self):
        """Apps migrated after the roles reach the Editor group through post_migrate."""
        comments = Permission.objects.filter(content_type__app_label="comments")
        assert comments.exists()
        assert set(comments) <= set(Group.objects.get(name="Editor").permissions.all())

    def test_sync_roles_is_idempotent_and_exact_removes_hand_granted_permissions(self):
        contributor = Group.objects.get(name="Contributor")
        before = set(contributor.permissions.all())
        call_command("sync_roles", stdout=io.StringIO())
        call_command("sync_roles", stdout=io.StringIO())
        assert set(contributor.permissions.all()) == before

        publish = Permission.objects.get(codename="publish")
        contributor.permissions.add(publish)
        call_command("sync_roles", stdout=io.StringIO())
        assert publish in contributor.permissions.all()  # kept: granted by hand
        call_command("sync_roles", "--exact", stdout=io.StringIO())
        assert set(contributor.permissions.all()) == before

    def test_sync_roles_recreates_a_deleted_group(self):
        Group.objects.filter(name="Editor").delete()
        call_command("sync_roles", stdout=io.StringIO())
        assert Group.objects.get(name="Editor").permissions.filter(codename="publish").exists()


# -------------------------------------------------------------------- the matrix
#
# Each action is a function (client, user) -> (response, outcome), where `outcome` says
# whether the change it attempts really happened in the database.


def view_changelist(client, user):
    make_article()
    response = client.get(admin_url("article"))
    return response, response.status_code == 200


def add_article(client, user):
    response = submit(
        client, admin_url("article", "add"), "article_form", title="Brand new", slug="brand-new"
    )
    return response, Article.objects.filter(slug="brand-new").exists()


def change_own_draft(client, user):
    article = own_draft(user)
    url = admin_url("article", "change", article.pk)
    response = submit(client, url, "article_form", title="Retitled by its author")
    article.refresh_from_db()
    return response, article.title == "Retitled by its author"


def change_a_contributors_draft(client, user):
    article = own_draft(make_role_user(roles.CONTRIBUTOR))
    response = submit(
        client, admin_url("article", "change", article.pk), "article_form", title="Edited"
    )
    article.refresh_from_db()
    return response, article.title == "Edited"


def change_others_published(client, user):
    article = someone_elses_published()
    page = client.get(admin_url("article", "change", article.pk))
    data = form_data(page.content.decode(), "article_form")
    data.update(title="Overwritten", slug=article.slug)
    # A view-only form has no inputs: post what an edit form would.
    data.setdefault("status", Status.PUBLISHED)
    response = client.post(admin_url("article", "change", article.pk), data)
    article.refresh_from_db()
    return response, article.title == "Overwritten"


def publish_action(client, user):
    article = own_draft(user)
    response = client.post(
        admin_url("article"), {"action": "publish_now", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    return response, article.status == Status.PUBLISHED


def schedule_via_form(client, user):
    article = own_draft(user)
    url = admin_url("article", "change", article.pk)
    response = submit(
        client,
        url,
        "article_form",
        status=Status.SCHEDULED,
        publish_at_0="2027-11-13",
        publish_at_1="09:00",
    )
    article.refresh_from_db()
    return response, article.status == Status.SCHEDULED


def delete_own_draft(client, user):
    article = own_draft(user)
    response = client.post(admin_url("article", "delete", article.pk), {"post": "yes"})
    return response, not Article.objects.filter(pk=article.pk).exists()


def delete_published(client, user):
    article = someone_elses_published()
    response = client.post(admin_url("article", "delete", article.pk), {"post": "yes"})
    return response, not Article.objects.filter(pk=article.pk).exists()


def _waiting_edition():
    day = timezone.localdate() + dt.timedelta(days=3)
    story = make_story(event_date=day.replace(year=2000), requires_approval=True)
    article = make_article(story=story, status=Status.DRAFT)
    services.publish_article(article=article, now=timezone.now() - dt.timedelta(days=400))
    return services.prepare_anniversary_edition(article=article, year=day.year, now=timezone.now())


def approve_edition(client, user):
    edition = _waiting_edition()
    response = client.post(reverse("admin:timeline_edition_approve", args=[edition.pk]))
    edition.refresh_from_db()
    return response, edition.approved_at is not None


def approve_edition_action(client, user):
    edition = _waiting_edition()
    response = client.post(
        reverse("admin:timeline_edition_changelist"),
        {"action": "approve", "_selected_action": [edition.pk]},
    )
    edition.refresh_from_db()
    return response, edition.approved_at is not None


def upcoming_anniversaries(client, user):
    response = client.get(reverse("admin:timeline_edition_upcoming"))
    return response, response.status_code == 200


def cut_edition(client, user):
    article = someone_elses_published()
    url = reverse("admin:timeline_article_cut_edition", args=[article.pk])
    response = client.post(url, {"suffix": "the trial begins"})
    return response, article.editions.filter(title__contains="the trial begins").exists()


def add_quote(client, user):
    response = client.post(
        admin_url("quote", "add"), {"text": "Never again.", "speaker": "A. Speaker"}
    )
    return response, Quote.objects.filter(text="Never again.").exists()


def add_timeline_entry(client, user):
    story = make_story()
    response = client.post(
        admin_url("timelineentry", "add"),
        {"story": story.pk, "date": "1986 April 26", "text": "The reactor exploded."},
    )
    return response, TimelineEntry.objects.filter(story=story).exists()


FORBIDDEN = (403, False)
MATRIX = {
    # action: {role: (status code, whether it happened)}
    view_changelist: {"contributor": (200, True), "editor": (200, True), "superuser": (200, True)},
    add_article: {"contributor": (302, True), "editor": (302, True), "superuser": (302, True)},
    change_own_draft: {"contributor": (302, True), "editor": (302, True), "superuser": (302, True)},
    change_a_contributors_draft: {
        "contributor": FORBIDDEN,
        "editor": (302, True),
        "superuser": (302, True),
    },
    change_others_published: {
        "contributor": FORBIDDEN,
        "editor": (302, True),
        "superuser": (302, True),
    },
    # An action the user does not have is "no action selected": back to the list, nothing done.
    publish_action: {"contributor": (302, False), "editor": (302, True), "superuser": (302, True)},
    # The status field is read-only for contributors: the posted value is ignored.
    schedule_via_form: {
        "contributor": (302, False),
        "editor": (302, True),
        "superuser": (302, True),
    },
    delete_own_draft: {"contributor": (302, True), "editor": (302, True), "superuser": (302, True)},
    delete_published: {"contributor": FORBIDDEN, "editor": (302, True), "superuser": (302, True)},
    approve_edition: {"contributor": FORBIDDEN, "editor": (302, True), "superuser": (302, True)},
    # No action at all is offered to a contributor on editions: the list is shown again.
    approve_edition_action: {
        "contributor": (200, False),
        "editor": (302, True),
        "superuser": (302, True),
    },
    upcoming_anniversaries: {
        "contributor": FORBIDDEN,
        "editor": (200, True),
        "superuser": (200, True),
    },
    cut_edition: {"contributor": FORBIDDEN, "editor": (302, True), "superuser": (302, True)},
    add_quote: {"contributor": FORBIDDEN, "editor": (302, True), "superuser": (302, True)},
    add_timeline_entry: {"contributor": FORBIDDEN, "editor": (302, True), "superuser": (302, True)},
}
CASES = [
    pytest.param(action, role, expected, id=f"{action.__name__}-{role}")
    for action, expected_by_role in MATRIX.items()
    for role, expected in expected_by_role.items()
]


@pytest.mark.parametrize(("action", "role", "expected"), CASES)
def test_role_matrix(client, cast, action, role, expected):
    user = cast[role]
    client.force_login(user)
    response, happened = action(client, user)
    assert (response.status_code, happened) == expected


def test_staff_without_a_role_sees_no_content_admin(client):
    client.force_login(make_user(is_staff=True))
    assert client.get(admin_url("article")).status_code == 403


# ------------------------------------------------------------- mass assignment


class TestContributorCannotPublish:
    def test_status_and_go_live_time_are_not_inputs_for_a_contributor(self, client, contributor):
        article = own_draft(contributor)
        client.force_login(contributor)
        html = client.get(admin_url("article", "change", article.pk)).content.decode()
        data = form_data(html, "article_form")
        assert "status" not in data and "publish_at_0" not in data
        assert "updates-0-status" not in data
        assert "Publish now" not in html

    def test_posted_status_published_on_the_change_form_is_ignored(self, client, contributor):
        article = own_draft(contributor)
        client.force_login(contributor)
        response = submit(
            client,
            admin_url("article", "change", article.pk),
            "article_form",
            status=Status.PUBLISHED,
            title="Still a draft",
            **{"updates-0-body": "My new update.", "updates-0-status": Status.PUBLISHED},
        )
        assert response.status_code == 302
        article.refresh_from_db()
        assert (article.title, article.status, article.published_at) == (
            "Still a draft",
            Status.DRAFT,
            None,
        )
        update = article.updates.get()
        assert (update.body, update.status, update.published_at) == (
            "My new update.",
            Status.DRAFT,
            None,
        )

    def test_posted_status_published_on_the_add_form_is_ignored(self, client, contributor):
        client.force_login(contributor)
        response = submit(
            client,
            admin_url("article", "add"),
            "article_form",
            title="Sneaky",
            slug="sneaky",
            status=Status.PUBLISHED,
        )
        assert response.status_code == 302
        article = Article.objects.get(slug="sneaky")
        assert (article.status, article.published_at) == (Status.DRAFT, None)
        # …and it is theirs, so they may go on editing it.
        assert article.history.earliest().history_user == contributor

    def test_a_standalone_update_posted_as_published_stays_a_draft(self, client, contributor):
        article = someone_elses_published()
        client.force_login(contributor)
        url = admin_url("update", "add") + f"?article={article.pk}"
        response = submit(
            client, url, "update_form", body="For the editor to check.", status=Status.PUBLISHED
        )
        assert response.status_code == 302
        update = article.updates.get()
        assert (update.status, update.published_at) == (Status.DRAFT, None)

    def test_publish_action_is_not_offered_and_a_crafted_one_does_nothing(
        self, client, contributor
    ):
        article = own_draft(contributor)
        client.force_login(contributor)
        html = client.get(admin_url("article")).content.decode()
        assert 'value="publish_now"' not in html and 'value="unpublish"' not in html
        response = client.post(
            admin_url("article"),
            {"action": "publish_now", "_selected_action": [article.pk]},
            follow=True,
        )
        assert "No action selected." in response.content.decode()
        article.refresh_from_db()
        assert article.status == Status.DRAFT

    def test_reverting_to_a_published_version_is_refused(self, client, contributor):
        """django-simple-history's revert form saves any version its viewer posts."""
        article = own_draft(contributor)
        services.publish_article(article=article)
        services.unpublish_article(article=article)
        published = article.history.filter(status=Status.PUBLISHED).first()
        client.force_login(contributor)
        url = admin_url("article", "simple_history", article.pk, published.history_id)
        response = client.post(url, {"title": article.title, "slug": article.slug})
        assert response.status_code == 403
        article.refresh_from_db()
        assert article.status == Status.DRAFT

    def test_reverting_someone_elses_article_is_refused(self, client, contributor):
        article = someone_elses_published(title="Theirs")
        article.title = "Theirs, edited"
        article.save()
        first = article.history.earliest()
        client.force_login(contributor)
        url = admin_url("article", "simple_history", article.pk, first.history_id)
        assert client.get(url).status_code == 200  # viewing an old version is fine
        response = client.post(url, {"title": "Theirs", "slug": article.slug})
        assert response.status_code == 403
        article.refresh_from_db()
        assert article.title == "Theirs, edited"

    def test_published_updates_on_a_contributors_draft_cannot_be_changed_or_deleted(
        self, client, contributor
    ):
        article = own_draft(contributor)
        theirs = make_update(article, body="Checked and published by the desk.")
        mine = authored_by(make_update(article, body="Mine.", status=Status.DRAFT), contributor)
        client.force_login(contributor)
        url = admin_url("article", "change", article.pk)
        html = client.get(url).content.decode()
        data = form_data(html, "article_form")
        rows = {data[f"updates-2-{n}-id"]: n for n in range(2)}
        theirs_row, mine_row = rows[str(theirs.pk)], rows[str(mine.pk)]
        # The published row is shown disabled, so a browser does not even send it.
        assert f"updates-2-{theirs_row}-body" not in data
        data.update(
            {
                f"updates-2-{theirs_row}-body": "Rewritten.",
                f"updates-2-{theirs_row}-DELETE": "on",
                f"updates-2-{mine_row}-body": "Mine, improved.",
            }
        )
        assert client.post(url, data).status_code == 302
        theirs.refresh_from_db()
        mine.refresh_from_db()
        assert theirs.body == "Checked and published by the desk."
        assert mine.body == "Mine, improved."

    def test_a_contributor_cannot_edit_their_own_article_once_published(self, client, contributor):
        article = own_draft(contributor)
        services.publish_article(article=article)
        client.force_login(contributor)
        response = submit(
            client, admin_url("article", "change", article.pk), "article_form", title="Changed"
        )
        assert response.status_code == 403


class TestAddThisYearsUpdate:
    def test_each_row_links_to_the_one_screen_update_form(self, client, editor):
        article = make_article()
        client.force_login(editor)
        html = client.get(admin_url("article")).content.decode()
        change = admin_url("article", "change", article.pk)
        assert f'<a href="{change}#updates-group">Add this year&rsquo;s update</a>' in html

    def test_contributors_add_to_others_articles_on_the_update_form(self, client, contributor):
        theirs, mine = someone_elses_published(), own_draft(contributor)
        client.force_login(contributor)
        html = client.get(admin_url("article")).content.decode()
        assert f"{admin_url('update', 'add')}?article={theirs.pk}#new-update" in html
        assert f"{admin_url('article', 'change', mine.pk)}#updates-group" in html

    def test_a_view_only_article_links_contributors_to_the_update_form(self, client, contributor):
        theirs = someone_elses_published()
        client.force_login(contributor)
        html = client.get(admin_url("article", "change", theirs.pk)).text
        assert f"{admin_url('update', 'add')}?article={theirs.pk}#new-update" in html
        assert "Write this year&rsquo;s update" in html
        assert "Cut a new edition" not in html

    def test_editors_get_the_cut_edition_link(self, client, editor):
        article = someone_elses_published()
        client.force_login(editor)
        assert "Cut a new edition" in client.get(admin_url("article", "change", article.pk)).text

    def test_contributors_changelist_costs_no_query_per_row(
        self, client, contributor, django_assert_max_num_queries
    ):
        """Guards against N+1 queries: each row's creator comes with the list."""
        for n in range(5):
            own_draft(contributor, title=f"Mine {n}")
            someone_elses_published(title=f"Theirs {n}")
        client.force_login(contributor)
        with django_assert_max_num_queries(14):
            response = client.get(admin_url("article"))
        assert response.context["cl"].result_count == 10

    @pytest.mark.parametrize("updates", [1, 8])
    def test_the_article_form_costs_no_query_per_update(
        self, client, contributor, updates, django_assert_max_num_queries
    ):
        """Guards against N+1 queries: whose each update is comes with the list of them."""
        article = own_draft(contributor)
        for n in range(updates):
            authored_by(make_update(article, headline=f"U{n}", status=Status.DRAFT), contributor)
        client.force_login(contributor)
        with django_assert_max_num_queries(18):
            response = client.get(admin_url("article", "change", article.pk))
        assert response.text.count('name="updates-2-') > updates

    def test_the_new_update_form_comes_first_on_the_article_page(self, client, editor):
        article = make_article()
        make_update(article, headline="Last year")
        client.force_login(editor)
        html = client.get(admin_url("article", "change", article.pk)).content.decode()
        assert html.index('id="updates-group"') < html.index("Last year")
        assert html.index('name="updates-0-body"') < html.index('id="updates-2-group"')


def test_a_draft_update_by_a_contributor_is_published_by_an_editor(client, contributor, editor):
    """The newsroom's loop: the contributor writes, the editor publishes."""
    article = someone_elses_published()
    update = authored_by(
        make_update(article, body="Draft for review.", status=Status.DRAFT), contributor
    )
    client.force_login(contributor)
    assert client.get(admin_url("update", "change", update.pk)).status_code == 200
    client.force_login(editor)
    response = client.post(
        admin_url("update"), {"action": "publish_now", "_selected_action": [update.pk]}
    )
    assert response.status_code == 302
    assert Update.objects.get(pk=update.pk).status == Status.PUBLISHED
