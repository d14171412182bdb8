"""An in-process HTTP client that behaves like a browser with cookies and forms."""

from __future__ import annotations

import re
from typing import Any

import httpx

from civic.core.csrf import COOKIE, token_for

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


class WebClient:
    """Wraps httpx.AsyncClient: `post_form` adds the CSRF token a real form would carry."""

    def __init__(self, client: httpx.AsyncClient, secret: str) -> None:
        self.http = client
        self.secret = secret

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.http.get(url, **kwargs)

    async def csrf_token(self) -> str:
        cookie = self.http.cookies.get(COOKIE)
        if cookie is None:
            await self.http.get("/accessibility")
            cookie = self.http.cookies.get(COOKIE)
        assert cookie is not None
        return token_for(self.secret, cookie)

    async def post_form(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        form = dict(data or {})
        form.setdefault("csrf_token", await self.csrf_token())
        return await self.http.post(url, data=form, **kwargs)

    async def post_htmx(self, url: str, data: dict[str, Any] | None = None) -> httpx.Response:
        headers = {"HX-Request": "true", "X-CSRF-Token": await self.csrf_token()}
        return await self.http.post(url, data=data or {}, headers=headers)

    async def login(self, email: str, password: str) -> httpx.Response:
        response = await self.post_form("/login", {"email": email, "password": password})
        assert response.status_code == 303, response.text
        return response

    async def logout(self) -> httpx.Response:
        return await self.post_form("/logout")


def csrf_from_page(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)
