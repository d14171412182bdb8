"""Logs an operator's log system can read, with nothing personal in them.

`LOG_FORMAT=json` writes one JSON object per line (time, level, logger, message, request id, route
name, and for each request its status and duration); `text` (the default) writes the same as plain
lines. Every line passes through `redact()` last, whatever logged it (our code, a library, an
exception's text): email addresses become `[email]` and IP addresses lose their host part. A log
line is copied into systems with wider access than the database, so it must never be where a
resident's address turns up; an SMTP server's refusal that quotes the recipient is the usual way.

The request id comes from the request's `X-Request-ID` when a proxy set a plausible one, otherwise it
is made here; it is returned in the response's `X-Request-ID` and is in every line logged while the
request runs (a context variable, so tasks the request starts carry it too).
"""

from __future__ import annotations

import logging
import re
import sys
from contextvars import ContextVar
from typing import Any, Final

from pythonjsonlogger.json import JsonFormatter

REQUEST_ID: ContextVar[str] = ContextVar("civic_request_id", default="-")
ROUTE: ContextVar[str] = ContextVar("civic_route", default="-")

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
# Loopback (127.x) is left alone: it is the machine itself (a local mail relay), never a person.
IPV4 = re.compile(r"(?<![\d.])(?!127\.)(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}(?![\d.])")
# Four or more hex groups joined by colons (or an address with "::"): keep the first three groups.
IPV6 = re.compile(r"(?<![\w:])([0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){2})(?::[0-9a-fA-F]{0,4}){1,5}(?![\w:])")
TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(route)s]: %(message)s"
JSON_FIELDS: Final = ("asctime", "levelname", "name", "message", "request_id", "route")
RENAMED: Final = {"asctime": "time", "levelname": "level", "name": "logger"}


def redact(line: str) -> str:
    """The line without email addresses or full IP addresses."""
    line = EMAIL.sub("[email]", line)
    line = IPV4.sub(r"\1.x", line)
    return IPV6.sub(r"\1::x", line)


class RequestContext(logging.Filter):
    """Adds the running request's id and route name to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        record.route = ROUTE.get()
        return True


class Redacting(logging.Formatter):
    """Formats with `inner`, then redacts the whole line (message, extras and traceback alike)."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.inner.format(record))


def formatter(log_format: str) -> logging.Formatter:
    """The formatter Civic's handler uses: `text` or `json`, redacted."""
    return Redacting(plain_formatter(log_format))


def plain_formatter(log_format: str) -> logging.Formatter:
    """The same without redaction (the tests use it to find code that logs personal data at all)."""
    if log_format == "json":
        return JsonFormatter(list(JSON_FIELDS), rename_fields=RENAMED, datefmt="%Y-%m-%dT%H:%M:%S%z")
    return logging.Formatter(TEXT_FORMAT)


class CivicHandler(logging.StreamHandler[Any]):
    """The one handler Civic installs on the root logger (found again and replaced on reconfigure)."""


def configure_logging(level: str, log_format: str, stream: Any = None) -> logging.Handler:
    """Install Civic's handler on the root logger, replacing one installed before (each app factory
    call reconfigures; handlers others installed, such as a test runner's, are left alone)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, CivicHandler)]:
        root.removeHandler(old)
    handler = CivicHandler(stream or sys.stderr)
    handler.addFilter(RequestContext())
    handler.setFormatter(formatter(log_format))
    root.addHandler(handler)
    root.setLevel(level)
    return handler
