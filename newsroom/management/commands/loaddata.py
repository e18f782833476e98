"""
`manage.py loaddata`, restoring revision history exactly as it was dumped.

Django saves loaded rows "raw", which django-simple-history already leaves alone, but it sets
many-to-many fields (tags) the ordinary way, and each of those would add a made-up "changed"
row to the history of every restored article, story and timeline entry. The dump already
holds the real history, so none is recorded while loading.
"""

from django.core.management.commands import loaddata
from django.test.utils import override_settings


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            return super().handle(*fixture_labels, **options)
