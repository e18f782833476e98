"""
Structured logs: one JSON object a line, each stamped with the id of the request it belongs to.

RequestIdMiddleware (newsroom.middleware) puts the id in a context variable for the length of
the request; RequestIdFilter copies it onto every record, whichever logger wrote it, so a
support ticket quoting the X-Request-ID response header finds every line of that request.
The JSON itself is python-json-logger's.
"""

import contextvars
import logging
import time

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

request_id_var = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(BaseJsonFormatter):
    """time (UTC), level, logger, request_id, message, the record's extra fields, then exc."""

    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"

    def __init__(self):
        super().__init__(
            "{asctime}{levelname}{name}{request_id}{message}",
            style="{",
            rename_fields={
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "exc_info": "exc",
                "stack_info": "stack",
            },
            defaults={"request_id": "-"},
            # Django puts the request object and sockets in extra: log their repr.
            json_default=str,
            json_ensure_ascii=False,
        )
