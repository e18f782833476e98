from django.urls import path, register_converter

from timeline.site import feeds, people, people_feeds, views

app_name = "timeline"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("articles/<slug:slug>/editions/<slug:key>/", views.edition_detail, name="edition"),
    path("stories/<slug:slug>/", views.story_detail, name="story"),
    path("tags/<slug:slug>/", views.TagArchiveView.as_view(), name="tag"),
    path("categories/<slug:slug>/", views.CategoryArchiveView.as_view(), name="category"),
]

# Feeds: RSS 2.0 at feed/, Atom at feed/atom/.
urlpatterns += [
    path("feed/", feeds.SiteFeed(), name="feed"),
    path("feed/atom/", feeds.SiteAtomFeed(), name="feed_atom"),
    path("tags/<slug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tags/<slug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    path("categories/<slug:slug>/feed/", feeds.CategoryFeed(), name="category_feed"),
    path("categories/<slug:slug>/feed/atom/", feeds.CategoryAtomFeed(), name="category_feed_atom"),
    path("stories/<slug:slug>/feed/", feeds.StoryFeed(), name="story_feed"),
    path("stories/<slug:slug>/feed/atom/", feeds.StoryAtomFeed(), name="story_feed_atom"),
]

# Reader discovery: a story's timeline filtered, on this day, date archives, search.
register_converter(views.MonthDayConverter, "dd")
urlpatterns += [
    path(
        "stories/<slug:slug>/timeline/",
        views.StoryTimelineView.as_view(),
        name="story_timeline",
    ),
    path("on-this-day/", views.on_this_day, name="on_this_day_today"),
    path("on-this-day/<dd:month>-<dd:day>/", views.on_this_day, name="on_this_day"),
    path("archive/", views.ArchiveIndexPageView.as_view(), name="archive"),
    path("archive/<int:year>/", views.ArchiveYearView.as_view(), name="archive_year"),
    path(
        "archive/<int:year>/<dd:month>/",
        views.ArchiveMonthView.as_view(),
        name="archive_month",
    ),
    path("search/", views.search_page, name="search"),
]

# People, and what is new on an article: author pages and feeds, an article's own feed, and
# the small JSON an open article page polls (static/timeline/new-updates.js).
urlpatterns += [
    path("authors/<slug:slug>/", people.author_detail, name="author"),
    path("authors/<slug:slug>/feed/", people_feeds.AuthorFeed(), name="author_feed"),
    path("authors/<slug:slug>/feed/atom/", people_feeds.AuthorAtomFeed(), name="author_feed_atom"),
    path("articles/<slug:slug>/feed/", people_feeds.ArticleUpdatesFeed(), name="article_feed"),
    path(
        "articles/<slug:slug>/feed/atom/",
        people_feeds.ArticleUpdatesAtomFeed(),
        name="article_feed_atom",
    ),
    path("articles/<slug:slug>/updates.json", people.article_updates, name="article_updates"),
]
