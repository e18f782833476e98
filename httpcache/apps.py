from django.apps import AppConfig


class HttpCacheConfig(AppConfig):
    name = "httpcache"
    verbose_name = "Shared HTTP cache"
    default_auto_field = "django.db.models.BigAutoField"
