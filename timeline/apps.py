from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = "Newsroom"

    def ready(self):
        # Cache invalidation (every content write bumps the page cache), not domain logic.
        from timeline.site import page_cache as caching

        caching.connect_signals()
