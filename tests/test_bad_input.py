"""
Bad input, everywhere: never a 500.

Public side: every URL pattern of newsroom.urls outside the admin is found by walking the
resolver (routes added later are covered with no change here). Each gets a working address
from a crawl of the demo site, then malformed, oversized, unicode, NUL, CRLF and injection
strings in its path parameters, in every query parameter its pages use or a reader could
try, and in every field of the forms it posts. The answer must be one of ALLOWED, and no
script sent in the request may come back as markup.

Admin side: every add form of the admin site's registry is posted with script payloads,
malformed dates, over-long values and duplicate slugs: the editor gets the form back with
an error and the input kept (escaped), never a crash; a 2 MB article body saves, a bigger
request is refused with a 400.
"""

import html
import itertools
import re
from contextlib import contextmanager
from io import StringIO
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib import admin
from django.core.cache import cache
from django.core.management import call_command
from django.db import models
from django.http import QueryDict
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import get_converters
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.admin_forms import form_data, read_form, without_inline_rows
from tests.factories import make_user
from timeline.models import Article

pytestmark = pytest.mark.django_db

ALLOWED = {200, 301, 302, 303, 304, 400, 403, 404, 405, 410, 413, 429}
SCRIPT = "<script>alert(1)</script>"

# name -> raw value (already what the server decodes); lists are a repeated parameter.
VALUES = {
    "empty": "",
    "blank": "   ",
    "zero": "0",
    "negative": "-1",
    "huge_int": "9" * 40,
    "float": "1e309",
    "not_a_number": "NaN",
    "oversized": "a" * 10_000,
    "unicode": "Чорнобиль 🌻 ﷽ \u202e\u200b\ufeff",
    "nul": "a\x00b",
    "crlf": "x\r\nSet-Cookie: injected=1",
    "sql": "' OR '1'='1' --",
    "sql_stacked": "1; DROP TABLE timeline_article; --",
    "xss": SCRIPT,
    "xss_attribute": '"><img src=x onerror=alert(1)>',
    "traversal": "../../../../etc/passwd",
    "format": "%s%s%n%x{0}{self.__class__}${{7*7}}",
    "like_wildcards": "%_%\\",
    "regex_bomb": "(((a+)+)+)$",
    "tsquery": "!!(&|:* <-> 'a",
    "bad_date": "2026-02-30",
    "far_date": "99999-12-31",
    "odd_date": "2026-13-45",
    "repeated": ["1", "2"],
}
# The values that matter most, for the routes that read MANY parameters.
CORE = ["empty", "negative", "huge_int", "oversized", "unicode", "crlf", "sql", "xss"]
CORE += ["format", "tsquery", "bad_date", "repeated"]
# Raw query strings a client can send that no form would: broken escapes, invalid UTF-8.
RAW_QUERIES = ["%", "%ZZ", "%FF%FE", "%C0%AF", "q=%00", "=&=&&", "a[]=1&a[b]=2", "q=" + "%" * 50]
# Values for one parameter at a time, on every parameter: the parsing that breaks most often.
TYPED = ["huge_int", "negative", "bad_date", "xss"]
# Path parameters.
PATH_VALUES = [
    "no-such-thing",
    "a" * 2000,
    "\x00",
    "../../etc/passwd",
    SCRIPT,
    "' OR 1=1 --",
    "Чорнобиль",
    "x\r\nSet-Cookie: a=1",
    "%s%n",
    "-1",
    "0",
    "00",
    "99",
    "9" * 30,
    "2026",
    "13",
]
# Query parameters a reader could try on any page, besides those the pages themselves use.
PARAMETERS = [
    "q",
    "page",
    "from",
    "to",
    "precision",
    "tag",
    "type",
    "kind",
    "year",
    "month",
    "day",
    "key_moments",
    "category",
    "story",
    "sort",
    "o",
    "date",
    "format",
    "preview",
    "next",
]
# A route whose view reads this many parameters or more (search, a filtered timeline) gets the
# CORE values in each: it builds big pages, and the file must run in well under a minute.
MANY = 4
CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
LINK = re.compile(r'href="([^"]*)"|<loc>([^<]*)</loc>')


# ----------------------------------------------------------------------------- the site


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo story, loaded once for the module and removed after it."""
    with django_db_blocker.unblock():
        call_command("load_demo", stdout=StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", "--no-input", verbosity=0)


def public_routes(patterns=None, prefix=""):
    """Every route outside the admin, as the route text (`articles/<slug:slug>/`)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":
                yield from public_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def route_of(path):
    try:
        return resolve(urlsplit(path).path).route
    except Resolver404:
        return None


def fill(route, values):
    """The address of `route` with its parameters replaced by `values` (name -> raw text)."""

    def one(match):
        return quote(str(values[match["name"]]), safe="")

    return "/" + CONVERTER.sub(one, route)


class Site:
    """
    The demo site as a reader finds it: a working address for each route, the query
    parameters each route's view really reads, and the public forms that POST.
    """

    def __init__(self, client):
        self.client = client
        self.examples = {}  # route -> a working address
        self.offered = {}  # route -> query parameter names its pages' links and forms use
        self.posts = {}  # route of the form's target -> (action, fields)
        self._crawl()
        for route in public_routes():
            if route not in self.examples:
                self._guess(route)
        self.reads = {route: self._reads(route) for route in self.examples}

    def _crawl(self, limit=60):
        starts = ["/"]
        for model in apps.get_models():
            if hasattr(model, "get_absolute_url"):
                for obj in model._default_manager.all()[:2]:
                    try:
                        starts.append(obj.get_absolute_url().split("#")[0])
                    except Exception:  # an object with no public address
                        continue
        queue, seen = list(dict.fromkeys(starts)), set()
        while queue and len(seen) < limit:
            url = queue.pop(0)
            route = route_of(url)
            # One page a route is enough (editions are many, and heavy); links with a
            # query string still tell which parameters the route takes.
            if url in seen or route is None:
                continue
            offered = self.offered.setdefault(route, set())
            offered.update(name for name, _ in parse_qsl(urlsplit(url).query))
            if route in self.examples:
                continue
            seen.add(url)
            response = self.client.get(url)
            if response.status_code != 200:
                continue
            self.examples[route] = urlsplit(url).path
            page = response.content.decode()
            if "html" in response.get("Content-Type", ""):
                for form in read_forms(page):
                    action = form["action"] or url
                    if form["method"] == "get":
                        offered.update(f.name for f in form["fields"])
                    elif action.startswith("/") and not action.startswith("/admin"):
                        self.posts.setdefault(route_of(action), (action, form["fields"]))
            for a, b in LINK.findall(page):
                href = local(html.unescape(a or b))
                if href and not href.startswith(("/admin", "/static")):
                    queue.append(href)

    def _guess(self, route):
        """No page links here: try the site's own slugs, keys and numbers in its parameters."""
        pool = known_values()
        converters = get_converters()
        options = []
        for match in CONVERTER.finditer(route):
            regex = converters[match["converter"] or "str"].regex
            options.append(
                (match["name"], [v for v in pool if re.fullmatch(regex, v)][:8] or ["x"])
            )
        fallback = None
        for combination in itertools.islice(
            itertools.product(*(values for _, values in options)), 20
        ):
            url = fill(route, dict(zip((name for name, _ in options), combination, strict=True)))
            if route_of(url) != route:
                continue
            fallback = fallback or url
            if self.client.get(url).status_code in (200, 302, 405):
                self.examples[route] = url
                return
        self.examples[route] = fallback or fill(route, {})

    def _reads(self, route):
        """The query parameters the view looks at, offered every name a reader could try."""
        names = sorted(self.offered.get(route, set()) | set(PARAMETERS))
        with reading_the_query() as read:
            self.client.get(self.examples[route] + "?" + "&".join(f"{n}=1" for n in names))
        return sorted(read)

    def values_in(self, route):
        """The path parameters of this route's working address."""
        converters = get_converters()
        regex = CONVERTER.sub(
            lambda m: f"(?P<{m['name']}>{converters[m['converter'] or 'str'].regex})", route
        )
        match = re.fullmatch("/" + regex, urlsplit(self.examples[route]).path)
        return match.groupdict() if match else {}


@contextmanager
def reading_the_query():
    """Collect the names a view asks of request.GET (any QueryDict) while this is open."""
    read = set()

    def tracking(original):
        def method(self, key, *args, **kwargs):
            read.add(key)
            return original(self, key, *args, **kwargs)

        return method

    with pytest.MonkeyPatch.context() as patch:
        # Not __contains__: building a QueryDict asks it of every key.
        for name in ("__getitem__", "get", "getlist"):
            patch.setattr(QueryDict, name, tracking(getattr(QueryDict, name)))
        yield read


def local(href):
    """A link to this site as a path (with its query), or None."""
    parts = urlsplit(href)
    ours = {"", "testserver", urlsplit(django_settings.SITE_URL).netloc}
    if parts.netloc not in ours or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def known_values():
    values = {"2026", "2016", "1986", "04", "26", "4", "1", "news", "articles", "stories"}
    for model in apps.get_models():
        slugs = [f.name for f in model._meta.fields if isinstance(f, models.SlugField)]
        for name in slugs:
            values.update(model._default_manager.values_list(name, flat=True)[:5])
    return sorted(v for v in values if v)


def read_forms(page):
    """Every form of a page: method, action and fields."""
    forms = []
    for match in re.finditer(r"<form\b([^>]*)>(.*?)</form>", page, re.S):
        attributes, body = match.groups()
        method = re.search(r'method="([^"]*)"', attributes)
        action = re.search(r'action="([^"]*)"', attributes)
        forms.append(
            {
                "method": (method.group(1) if method else "get").lower(),
                "action": html.unescape(action.group(1)) if action else "",
                "fields": read_form(f"<form>{body}</form>", form_id=None),
            }
        )
    return forms


@pytest.fixture(scope="module")
def site(demo, django_db_blocker):
    """Crawled once for the module; tests make their requests with their own client."""
    with django_db_blocker.unblock():
        return Site(Client())


# ------------------------------------------------------------------------- checking


class Findings:
    def __init__(self, client):
        self.client = client
        self.tried = 0
        self.problems = []

    def request(self, method, url, data=None):
        self.tried += 1
        try:
            if method == "post":
                cache.clear()  # no rate limit: every post must reach the validation
                response = self.client.post(url, data or {})
            else:
                response = self.client.get(url)
        except Exception as exc:
            self.problems.append(f"{method.upper()} {url[:160]!r}: {type(exc).__name__}: {exc}")
            return None
        if response.status_code not in ALLOWED:
            self.problems.append(f"{method.upper()} {url[:160]!r}: {response.status_code}")
        elif not response.streaming and SCRIPT in response.content.decode(errors="replace"):
            self.problems.append(f"{method.upper()} {url[:160]!r}: script sent back as markup")
        return response

    def query(self, path, pairs):
        parts = []
        for name, value in pairs:
            for one in value if isinstance(value, list) else [value]:
                parts.append(f"{quote(name)}={quote(one, safe='')}")
        return self.request("get", f"{path}?{'&'.join(parts)}")

    def report(self, what):
        print(f"\n{what}: {self.tried} requests, {len(self.problems)} outside {sorted(ALLOWED)}")
        assert not self.problems, "\n".join(self.problems[:30])


@pytest.fixture
def findings(client):
    client.raise_request_exception = True
    return Findings(client)


# ----------------------------------------------------------------------- public side


def test_every_public_route_was_reached(site, client):
    """
    Guards the suite itself: a route with no working address would be fuzzed blind.

    Reached: 200; 302 (staff only: to the login page); 405 (a form's target, POST only).
    A route whose parameters are all free text (a signed preview token) cannot be guessed:
    its 404 is the right answer, and the fuzzing still goes through its parsing.
    """
    converters = get_converters()

    def guessable(route):
        kinds = [m["converter"] or "str" for m in CONVERTER.finditer(route)]
        return not kinds or any(converters[k].regex not in (".+", "[^/]+") for k in kinds)

    unreached = [
        route
        for route in public_routes()
        if client.get(site.examples[route]).status_code not in (200, 302, 405) and guessable(route)
    ]
    assert unreached == [], f"no working address found for {unreached}"


def test_path_parameters(site, findings):
    for route in public_routes():
        baseline = site.values_in(route)
        for name in baseline:
            for value in PATH_VALUES:
                findings.request("get", fill(route, {**baseline, name: value}))
    findings.report("path parameters")


def test_query_parameters(site, findings):
    """
    Each parameter a route's view reads gets every value alone (a rejected value in one must
    not hide a crash in another), then all of them at once, then malformed query strings.
    """
    for route in public_routes():
        path, names = site.examples[route], site.reads[route]
        # Filter pages read many parameters and build big pages: the core values there.
        values = VALUES if len(names) < MANY else {key: VALUES[key] for key in CORE}
        for name in names:
            for value in values.values():
                findings.query(path, [(name, value)])
        if len(names) > 1:
            for key in CORE:
                findings.query(path, [(name, VALUES[key]) for name in names])
        # Broken query strings matter where something parses them: the views that read the
        # query, and the middleware (on every route; one route stands for the rest).
        if names or route == "":
            for raw in RAW_QUERIES:
                findings.request("get", f"{path}?{raw}")
            for key in ("crlf", "oversized", "xss"):
                findings.query(path, [("unread", VALUES[key])])
        findings.query(path, [("unread", VALUES["nul"])])
    findings.report("query parameters")


def test_the_parameters_readers_use_are_read(site):
    """Guards the suite itself: the parameter tracking sees what the views read."""
    assert "page" in site.reads[""]  # the front page paginates
    reading = {name for names in site.reads.values() for name in names}
    assert {"page", "q"} <= reading


def test_public_forms(site, findings):
    assert site.posts, "the demo site shows no public form (comments?)"
    for action, fields in site.posts.values():
        for field in fields:
            if field.kind in ("hidden", "checkbox", "submit"):
                continue
            for value in VALUES.values():
                findings.request("post", action, form_data(fields, **{field.name: value}))
    findings.request("post", "/", {"a": "b"})
    findings.report("public forms")


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_text_in_any_parameter(site, findings, data):
    """Random text in what the views read, and in path parameters."""
    routes = sorted(route for route in site.examples if site.reads[route] or "<" in route)
    route = data.draw(st.sampled_from(routes), label="route")
    text = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
    if site.reads[route]:
        pairs = data.draw(
            st.lists(st.tuples(st.sampled_from(site.reads[route]), text), min_size=1, max_size=4)
        )
        findings.query(site.examples[route], pairs)
    baseline = site.values_in(route)
    if baseline:
        name = data.draw(st.sampled_from(sorted(baseline)), label="path parameter")
        findings.request("get", fill(route, {**baseline, name: data.draw(text)}))
    assert not findings.problems, findings.problems


# ------------------------------------------------------------------------ admin side


def addable(request):
    """Every model the admin lets a superuser add, with its add page address."""
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_add_permission(request)
    ]


@pytest.fixture
def editor(client):
    user = make_user(is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def add_forms(rf, editor):
    request = rf.get("/admin/")
    request.user = editor
    return [
        (model, f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/")
        for model, _ in addable(request)
    ]


def post_form(client, url, data):
    response = client.post(url, data)
    assert response.status_code in (200, 302), f"{url}: {response.status_code}"
    return response


def assert_kept(response, value, url):
    """The form came back with an error and with the typed value, escaped."""
    assert response.status_code == 200, f"{url}: {response.status_code}, expected the form back"
    assert "errornote" in response.text or "errorlist" in response.text, url
    assert html.escape(value) in response.text or escaped_differently(value, response.text), (
        f"{url}: the typed value is not shown back"
    )


def escaped_differently(value, text):
    # Django escapes ' as &#x27;; html.escape uses &#x27; too, but " as &quot;: try both.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in text


def test_admin_registry_is_covered(add_forms):
    names = {model._meta.label for model, _ in add_forms}
    assert {"timeline.Article", "timeline.Story", "timeline.Quote", "timeline.Tag"} <= names


def test_script_and_malformed_dates_in_every_add_form(demo, client, add_forms, findings):
    payload = SCRIPT + ' "quoted" & more'
    for _model, url in add_forms:
        fields = read_form(client.get(url).text)
        values = {}
        for f in fields:
            if f.is_date:
                values[f.name] = "2026-02-30"
            elif f.is_time:
                values[f.name] = "25:61"
            elif f.is_typed_text and "-__prefix__-" not in f.name and not f.name.endswith("-id"):
                values[f.name] = payload
        response = findings.request("post", url, form_data(fields, **values))
        if response is not None and response.status_code == 200:
            assert "errorlist" in response.text, url
            assert SCRIPT not in response.text, f"{url}: script echoed as markup"
    findings.report("admin add forms with scripts and bad dates")


def test_over_long_values_get_an_error_and_are_kept(demo, client, add_forms, findings):
    """Every limited field of a form too long at once: one error each, each value kept."""
    for _model, url in add_forms:
        fields = read_form(client.get(url).text)
        # Main form fields only: inline rows are named prefix-N-field.
        limited = [f for f in fields if f.maxlength and f.is_typed_text and "-" not in f.name]
        if not limited:
            continue
        values = {f.name: f"{f.name[:1]}" * (f.maxlength + 1) for f in limited}
        response = findings.request("post", url, form_data(fields, **values))
        if response is not None:
            for name, value in values.items():
                assert_kept(response, value, f"{url} {name}")
            assert response.text.count("Ensure this value has at most") >= len(limited), url
    findings.report("admin over-long values")


def is_unique(model, field):
    return field.unique or any(
        constraint.fields == (field.name,) for constraint in model._meta.total_unique_constraints
    )


def test_duplicate_slugs_get_an_error_not_an_integrity_error(demo, client, add_forms, findings):
    """An existing object's own form, posted as a new one: every unique field collides."""
    checked = 0
    for model, url in add_forms:
        slug_fields = [
            f
            for f in model._meta.fields
            if isinstance(f, models.SlugField) and f.editable and is_unique(model, f)
        ]
        existing = model._default_manager.first()
        if not slug_fields or existing is None:
            continue
        change = client.get(url.replace("/add/", f"/{existing.pk}/change/"))
        if change.status_code != 200:
            continue
        data = without_inline_rows(form_data(read_form(change.text)))
        response = findings.request("post", url, data)
        if response is None:
            continue
        slug = getattr(existing, slug_fields[0].name)
        assert_kept(response, slug, url)
        assert "already exists" in response.text, url
        checked += 1
    assert checked >= 3
    findings.report("admin duplicate slugs")


class TestBigBodies:
    def article_form(self, client, **values):
        existing = Article.objects.first()
        # Every section open, as the add page has them (the change page lists links and
        # media until they are opened).
        change = client.get(f"/admin/timeline/article/{existing.pk}/change/?edit=links")
        data = without_inline_rows(form_data(read_form(change.text)))
        data.update(values)
        return data

    def test_a_two_megabyte_article_body_saves(self, demo, client, editor):
        body = ("Paragraph of the original report, long and careful. " * 40 + "\n\n") * 1000
        body = body[: 2 * 1024 * 1024]
        data = self.article_form(client, slug="a-very-long-article", title="Long", body=body)
        response = client.post("/admin/timeline/article/add/", data)
        assert response.status_code == 302, response.text[:2000]
        assert Article.objects.get(slug="a-very-long-article").body == body.strip()

    def test_a_request_over_the_limit_is_refused_with_a_400(self, demo, client, editor):
        client.raise_request_exception = False
        data = self.article_form(client, slug="too-long", title="Too long", body="x" * 4_000_000)
        response = client.post("/admin/timeline/article/add/", data)
        assert response.status_code in (400, 413)
        assert "Bad request" in response.text
        assert not Article.objects.filter(slug="too-long").exists()

    def test_too_many_fields_are_refused_with_a_400(self, demo, client, editor):
        client.raise_request_exception = False
        data = {f"field{n}": "x" for n in range(5000)}
        response = client.post("/admin/timeline/article/add/", data)
        assert response.status_code == 400

    def test_an_oversized_public_post_is_refused_with_a_400(self, site, client):
        client.raise_request_exception = False
        action, fields = next(iter(site.posts.values()))
        response = client.post(action, form_data(fields, body="x" * 4_000_000))
        assert response.status_code in (400, 413)
