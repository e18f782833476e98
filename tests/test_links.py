"""timeline.links: reversed URLs remembered, keyed by everything an address depends on."""

from unittest import mock

from django.urls import reverse, set_script_prefix

from timeline import links


def test_the_same_address_as_reverse_and_reversed_once():
    links._reverse.cache_clear()
    expected = reverse("timeline:article", kwargs={"slug": "chernobyl"})
    with mock.patch("timeline.links.reverse", wraps=reverse) as reversing:
        assert links.url("timeline:article", "chernobyl") == expected
        assert links.url("timeline:article", "chernobyl") == expected
    assert reversing.call_count == 1
    assert links.url("timeline:edition", "chernobyl", "2026") == reverse(
        "timeline:edition", kwargs={"slug": "chernobyl", "key": "2026"}
    )


def test_a_site_mounted_under_a_prefix_gets_its_own_addresses():
    assert links.url("timeline:home") == "/"
    set_script_prefix("/news/")
    try:
        assert links.url("timeline:home") == "/news/"
    finally:
        set_script_prefix("/")
    assert links.url("timeline:home") == "/"
