"""Static files: hashed names through one helper, immutable caching, brotli and gzip; compressed pages."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import httpx
import pytest

from civic.core import assets
from civic.core.security import STATIC_HEADERS
from civic.core.templating import ROOT, TEMPLATE_DIR, static_manifest
from tests.support.web import WebClient

ASSET_REFS = re.compile(r"""(?:href|src)="(/static/[^"]+)\"""")


class Raw:
    """A response's headers and its body as sent, not decoded by the client."""

    def __init__(self, response: httpx.Response, content: bytes) -> None:
        self.status_code, self.headers, self.content = response.status_code, response.headers, content


async def _raw(web: WebClient, url: str, encoding: str) -> Raw:
    request = web.http.build_request("GET", url, headers={"Accept-Encoding": encoding})
    response = await web.http.send(request, stream=True)
    content = b"".join([chunk async for chunk in response.aiter_raw()])
    await response.aclose()
    return Raw(response, content)


async def test_every_asset_on_a_page_has_a_hashed_name_cached_for_a_year(web: WebClient) -> None:
    page = (await web.get("/")).text
    refs = ASSET_REFS.findall(page)
    assert {"css", "js", "images"} <= {ref.split("/")[2] for ref in refs} | {"images"}
    assert len(refs) >= 4
    for ref in refs:
        assert assets.HASHED.search(ref), ref
        response = await web.get(ref)
        assert response.status_code == 200, ref
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        for name, value in STATIC_HEADERS.items():  # the security headers are kept on static files
            assert response.headers.get_list(name) == [value], name


@pytest.mark.parametrize(("encoding", "decode"), [("br", brotli.decompress), ("gzip", gzip.decompress)])
async def test_the_stylesheet_is_sent_compressed(web: WebClient, encoding: str, decode: object) -> None:
    url = static_manifest().url("css/civic.css")
    response = await _raw(web, url, encoding)
    assert response.headers["content-encoding"] == encoding
    assert "accept-encoding" in response.headers["vary"].lower()
    source = (await _raw(web, url, "identity")).content
    assert decode(response.content) == source  # type: ignore[operator]
    assert len(response.content) < len(source) / 3


async def test_an_unhashed_name_still_works_but_is_revalidated(web: WebClient) -> None:
    response = await web.get("/static/govuk/images/favicon.ico")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    again = await web.get(
        "/static/govuk/images/favicon.ico", headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304


async def test_a_missing_static_file_is_the_site_404(web: WebClient) -> None:
    response = await web.get("/static/css/nothing.css")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert (await web.get("/static/scss/civic.scss")).status_code == 404  # sources are not served


async def test_the_stylesheet_and_the_module_name_other_files_by_their_hashed_names(web: WebClient) -> None:
    manifest = static_manifest()
    for name in ("css/civic.css", "js/civic.js"):
        text = (await web.get(manifest.url(name))).text
        folder = name.rpartition("/")[0]
        refs = [
            ref.removeprefix("/static/") if ref.startswith("/") else f"{folder}/{ref[2:]}"
            for ref in re.findall(r"/static/[\w./-]+|\./[\w.-]+\.js", text)
        ]
        assert [ref for ref in refs if ref in manifest.hashed] == [], name  # each by its hashed name
    module = (await web.get(manifest.url("js/civic.js"))).text
    assert manifest.hashed["js/govuk-frontend-6.3.0.min.js"].rpartition("/")[2] in module


def test_templates_name_static_files_only_through_the_helper() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in TEMPLATE_DIR.rglob("*.html")
        if re.search(r"""["'(]/static/""", path.read_text("utf-8"))
    ]
    assert offenders == []


def test_an_unknown_name_is_a_mistake_not_a_broken_link() -> None:
    with pytest.raises(LookupError):
        static_manifest().url("css/missing.css")


def test_a_changed_file_gets_a_new_name_and_fresh_compressed_copies(tmp_path: Path) -> None:
    source, target = tmp_path / "static", tmp_path / "built"
    (source / "css").mkdir(parents=True)
    (source / "css" / "site.css").write_text("body { color: black; }\n" * 100)
    first = assets.build(source, target)
    (source / "css" / "site.css").write_text("body { color: navy; }\n" * 100)
    second = assets.build(source, target)
    assert first.hashed["css/site.css"] != second.hashed["css/site.css"]
    plain = (target / "css" / "site.css").read_bytes()
    assert brotli.decompress((target / "css" / "site.css.br").read_bytes()) == plain
    assert gzip.decompress((target / "css" / "site.css.gz").read_bytes()) == plain
    assert b"navy" in plain


async def test_pages_are_gzipped_and_small_fragments_are_not(web: WebClient) -> None:
    page = await _raw(web, "/petitions/", "gzip, br")
    assert page.headers["content-encoding"] == "gzip"
    assert "<html" in gzip.decompress(page.content).decode()
    plain = await _raw(web, "/petitions/", "identity")
    assert "content-encoding" not in plain.headers


async def test_csv_downloads_are_compressed_and_still_whole(web: WebClient) -> None:
    catalogue = (await web.get("/data")).text
    link = re.search(r'href="(/[^"]+\.csv)"', catalogue)
    assert link, "no CSV listed on /data"
    response = await _raw(web, link.group(1), "gzip")
    assert response.status_code == 200
    body = response.content
    text = (gzip.decompress(body) if response.headers.get("content-encoding") else body).decode()
    plain = await web.get(link.group(1), headers={"Accept-Encoding": "identity"})
    assert text == plain.text
