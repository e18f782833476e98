from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = "Newsroom"

    def ready(self):
        # Cache invalidation (every content write bumps the page cache), not domain logic.
        from timeline import caching

        caching.connect_signals()
