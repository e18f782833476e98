from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"

    def ready(self):
        from newsroom import database  # noqa: F401  (connects its signal receiver)
