from django.urls import path

from editorial import views

app_name = "editorial"

urlpatterns = [
    path("preview/<str:token>/", views.shared_preview, name="shared_preview"),
    path("editorial/markdown/", views.markdown_preview, name="markdown_preview"),
    path("editorial/autosave/<int:article_id>/", views.autosave, name="autosave"),
    path("editorial/editions/<int:pk>/preview/", views.edition_preview, name="edition_preview"),
]
