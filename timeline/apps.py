from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = "Newsroom"

    def ready(self):
        # Cache invalidation (each write purges the pages that show it), not domain logic.
        from timeline.site import people, surrogate_keys

        surrogate_keys.register()
        people.register()
