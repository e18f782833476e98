from django.urls import path

from timeline import views

app_name = "timeline"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("articles/<slug:slug>/editions/<slug:key>/", views.edition_detail, name="edition"),
    path("stories/<slug:slug>/", views.story_detail, name="story"),
    path("tags/<slug:slug>/", views.TagArchiveView.as_view(), name="tag"),
    path("categories/<slug:slug>/", views.CategoryArchiveView.as_view(), name="category"),
]
