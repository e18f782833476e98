"""
Reading moments PostgreSQL can store and Python cannot: a row can never break a page.

PostgreSQL's timestamps reach from 4713 BC to 294276 AD; Python's datetime from year 1 to
9999. A year-one date typed in a zone east of UTC (before forms bounded the years, see
timeline.models.common.YearRange) is stored as 1 BC, and psycopg refuses to load it: every
query that reads the row fails, so every page that lists it answers 500 for everyone. Loaded
here as the first or last moment Python has instead, the row shows as an obviously wrong date
that an editor can correct, and the scheduler reports it (PublishableQuerySet.due skips it).
"""

import datetime as dt

from django.db.backends.signals import connection_created
from django.dispatch import receiver

# A day in from each end, so that showing it in any time zone stays inside Python's range.
FLOOR = dt.datetime(1, 1, 2)
CEILING = dt.datetime(9999, 12, 30)


@receiver(connection_created)
def load_out_of_range_timestamps(sender, connection, **kwargs):
    if connection.vendor != "postgresql":
        return
    from psycopg import DataError, adapt, postgres
    from psycopg.pq import Format

    adapters = connection.connection.adapters
    # timestamp too: what date_hierarchy and dates() read back after AT TIME ZONE.
    for name in ("timestamptz", "timestamp"):
        oid = postgres.types[name].oid
        # Django's loader (it sets the connection's zone); this one only catches its failures.
        wrapped = adapters.get_loader(oid, Format.TEXT)

        class ClampingLoader(adapt.Loader):
            loader_class = wrapped
            timezone = getattr(wrapped, "timezone", None)  # Django compares it per cursor

            def __init__(self, oid, context=None):
                super().__init__(oid, context)
                self.loader = self.loader_class(oid, context)

            def load(self, data):
                try:
                    return self.loader.load(data)
                except DataError:
                    moment = FLOOR if bytes(data).endswith(b"BC") else CEILING
                    return moment.replace(tzinfo=self.timezone)

        adapters.register_loader(oid, ClampingLoader)
