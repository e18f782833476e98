"""
The probe kept as a standing test (issue 16): every add and change form of the timeline admin,
for each role, posted back with hostile values (calendar edges, huge and empty values, bidi and
control characters, wrong types). The answer is a form error (200), a save (302) or a refusal
(403), never a 500; and a form error saves nothing (row counts unchanged).

Run with -s to see the counts: forms, inputs, answers by status.
"""

from collections import Counter

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.admin_forms import form_data, read_form, without_inline_rows
from tests.factories import make_article, make_entry, make_quote, make_role_user, make_story

pytestmark = pytest.mark.django_db(transaction=False)

ROLES = ["Editor", "Contributor"]
FORMS = [
    ("article", "add"), ("article", "change"), ("update", "add"), ("story", "add"),
    ("story", "change"), ("timelineentry", "change"), ("quote", "change"),
]  # fmt: skip
DATES = ["0001-01-01", "9999-12-31", "1899-12-31", "2200-12-31", "1970-01-01", "31/02/2020"]
NASTY = st.one_of(
    st.sampled_from(
        ["", " ", "x" * 5000, "\u202egnp.exe", "a\u200fb\u2066c", "null", "[]", "1e309"]
    ),
    st.sampled_from(DATES),
    st.text(max_size=40),
    st.integers().map(str),
)
ANSWERS = Counter()


def counts():
    return {m._meta.label: m.objects.count() for m in apps.get_app_config("timeline").get_models()}


@pytest.fixture
def objects():
    story = make_story()
    article = make_article(story=story)
    return {"story": story, "article": article, "timelineentry": make_entry(story),
            "quote": make_quote()}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("model", "action"), FORMS)
def test_hostile_input_is_a_form_error_or_a_save(client, objects, role, model, action):
    client.force_login(make_role_user(role))
    if action == "add":
        url = reverse(f"admin:timeline_{model}_add")
    else:
        url = reverse(f"admin:timeline_{model}_change", args=[objects[model].pk])
    page = client.get(url)
    if page.status_code == 403:
        ANSWERS[403] += 1
        return
    fields = [f for f in read_form(page.text) if f.kind not in ("hidden",)]
    names = [f.name for f in fields if "-" not in f.name]
    base = without_inline_rows(form_data(read_form(page.text)))
    if not names:  # a view-only page: posting to it is refused
        ANSWERS[(model, action, client.post(url, base).status_code)] += 1
        assert client.post(url, base).status_code == 403
        return

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.dictionaries(st.sampled_from(names), NASTY, min_size=1, max_size=4))
    def one(values):
        before = counts()
        with transaction.atomic():
            response = client.post(url, {**base, **values})
            ANSWERS[(model, action, response.status_code)] += 1
            assert response.status_code in (200, 302, 403), (values, response.status_code)
            if response.status_code == 200:
                assert counts() == before, values
            transaction.set_rollback(True)

    one()


def test_zz_report():
    """Prints what the fuzzing above answered (pytest -s)."""
    total = sum(ANSWERS.values())
    print(f"\nadmin fuzz: {len(FORMS)} forms x {len(ROLES)} roles, {total} posts")
    for key, n in sorted(ANSWERS.items(), key=str):
        print(f"  {key}: {n}")
