"""The count fragment as sent, prepared once per cache period instead of once per poll.

Every open petition page polls its count; between refreshes each poll returned the same HTML with the
same headers, yet encoded the body and built, lower-cased and encoded the headers again each time.
"""

from __future__ import annotations

from starlette.responses import HTMLResponse, Response

from civic.core.fastpath import FastPaths

COUNT_ROUTE = "petitions:count"  # the route's name in civic/petitions/routes.py, for metrics and logs


def count_path(petition_id: int) -> str:
    return f"/petitions/{petition_id}/count"


def count_headers(shared: bool, seconds: int) -> dict[str, str]:
    """Shared caches may keep the fragment only if the response sets no cookie, that is, if the visitor
    already had the CSRF cookie; otherwise only the browser may keep it."""
    scope = "public" if shared else "private"
    return {
        "Cache-Control": f"{scope}, max-age={seconds}, stale-while-revalidate={seconds * 6}",
        "Vary": "HX-Request",
    }


class PreparedResponse(Response):
    """A response whose body and headers were encoded in advance."""

    def __init__(self, body: bytes, raw_headers: list[tuple[bytes, bytes]]) -> None:
        self.status_code, self.background, self.body = 200, None, body
        self.raw_headers = list(raw_headers)  # middlewares may add to the list: never share it


class PreparedFragment:
    def __init__(self, html: str, seconds: int) -> None:
        self._raw_headers = {
            shared: HTMLResponse(html, headers=count_headers(shared, seconds)).raw_headers
            for shared in (True, False)
        }
        self._body = html.encode()

    def response(self, *, shared: bool) -> Response:
        return PreparedResponse(self._body, self._raw_headers[shared])

    def share(self, paths: FastPaths, path: str, seconds: float) -> None:
        """Offers the shared form (the visitor has the CSRF cookie, so none is set) to the fast path,
        which answers the same polls with it before the middleware stack (civic/core/fastpath.py)."""
        paths.put(path, COUNT_ROUTE, self._body, self._raw_headers[True], seconds)
