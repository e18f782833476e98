"""
Structured logs: one JSON object a line, each stamped with the id of the request it belongs to.

RequestIdMiddleware (newsroom.middleware) puts the id in a context variable for the length of
the request; RequestIdFilter copies it onto every record, whichever logger wrote it, so a
support ticket quoting the X-Request-ID response header finds every line of that request.
"""

import contextvars
import json
import logging
import time

request_id_var = contextvars.ContextVar("request_id", default="-")

# LogRecord attributes every record has; anything else was passed with extra={...}.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """time, level, logger, request_id, message, the record's extra fields, then exc."""

    def format(self, record):
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", request_id_var.get()),
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: Django puts the request object and sockets in extra; log their repr.
        return json.dumps(entry, default=str, ensure_ascii=False)
