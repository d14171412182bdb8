"""Client addresses. X-Forwarded-For is believed only when TRUST_PROXY_HEADERS says a proxy sets it."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from civic.core.state import state


def client_ip(conn: HTTPConnection) -> str:
    if state(conn).settings.trust_proxy_headers:
        forwarded = conn.headers.get("x-forwarded-for", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return conn.client.host if conn.client else "unknown"
