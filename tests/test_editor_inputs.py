"""What editors used to invent values for: providers of embeds, event days typed as written,
related links to articles not published yet."""

import datetime as dt

import pytest

from tests.factories import make_article, make_embed, make_related
from timeline import embeds, services
from timeline.admin.forms import DayField
from timeline.models import Status
from timeline.site import surrogate_keys

pytestmark = pytest.mark.django_db


class TestEmbedProvider:
    @pytest.mark.parametrize(
        ("url", "provider"),
        [
            ("https://www.youtube.com/watch?v=abcdefghijk", "YouTube"),
            ("https://youtu.be/abcdefghijk", "YouTube"),
            ("https://vimeo.com/123", "Vimeo"),
            ("https://www.dailymotion.com/video/x7", "Dailymotion"),
            ("https://soundcloud.com/a/b", "SoundCloud"),
            ("https://media.example.org/v/1", "media.example.org"),
            ("not a url", ""),
        ],
    )
    def test_found_from_the_address(self, url, provider):
        assert embeds.provider_name(url) == provider

    def test_left_empty_it_is_filled_on_save_and_shown(self, client):
        article = make_article()
        embed = make_embed(article, provider="", url="https://vimeo.com/123", title="Report")
        assert embed.provider == "Vimeo"
        assert "<cite>Report</cite> (Vimeo)" in client.get(article.get_absolute_url()).text

    def test_a_provider_given_is_kept(self):
        embed = make_embed(make_article(), provider="Example News", url="https://vimeo.com/1")
        assert embed.provider == "Example News"


class TestEventDay:
    @pytest.mark.parametrize("typed", ["13 November 2015", "2015 November 13", "2015-11-13"])
    def test_days_as_written(self, typed):
        assert DayField().clean(typed) == dt.date(2015, 11, 13)

    @pytest.mark.parametrize("typed", ["November 2015", "2015", "circa 2015-11-13"])
    def test_less_than_a_day_is_refused(self, typed):
        with pytest.raises(Exception, match="day itself"):
            DayField().clean(typed)

    def test_a_time_belongs_in_its_own_field(self):
        with pytest.raises(Exception, match="own field"):
            DayField().clean("13 November 2015 21:16")

    def test_shown_back_as_editors_write_it(self):
        assert DayField().prepare_value(dt.date(2015, 11, 13)) == "13 November 2015"


class TestRelatedToUnpublished:
    def test_kept_hidden_until_its_target_is_published_then_shown(self, client):
        article = make_article()
        target = make_article(title="Coming later", status=Status.DRAFT)
        make_related(article, target=target)
        assert "Coming later" not in client.get(article.get_absolute_url()).text
        services.publish_article(article=target)
        assert "RELATED POST: <a" in client.get(article.get_absolute_url()).text
        assert "Coming later" in client.get(article.get_absolute_url()).text

    def test_publishing_the_target_purges_the_linking_page(self):
        article = make_article()
        target = make_article(status=Status.DRAFT)
        make_related(article, target=target)
        assert surrogate_keys.article(article.pk) in surrogate_keys.keys_of_article(target)

    def test_an_external_link_has_its_own_text(self, client):
        article = make_article()
        make_related(article, url="https://example.org/post", label="The original post")
        html = client.get(article.get_absolute_url()).text
        assert 'href="https://example.org/post" rel="noopener">The original post</a>' in html
