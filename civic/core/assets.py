"""Static files: content-hashed names, pre-compressed copies, and the one way templates name them.

`build()` copies `static/` into `var/static/`, giving each file a second name with a hash of its
contents (`css/civic.3f2a9c0d1e4b.css`) and writing gzip and brotli copies beside it. A page names a
file only through `static_url("css/civic.css")`, which gives the hashed URL; a hashed URL never changes
meaning, so browsers may keep it for a year without asking again (`immutable`), and a new release is
a new name. The stylesheet's own `url(/static/...)` references are rewritten to hashed names first,
so the images it names are cached the same way.

The build runs when an app is created (`make run`, the tests, every `--workers` process). Hashed files
are named by their contents, so a file already built is kept, and every write is a rename of a
finished temporary file: processes building at the same moment write the same bytes and no reader sees
half a file. The files are served by servestatic (`ServeStaticASGI`), which picks the brotli or gzip
copy a browser accepts and answers conditional requests.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from wsgiref.headers import Headers

from servestatic.asgi import ServeStaticASGI
from servestatic.compress import Compressor
from starlette.types import Receive, Scope, Send

PREFIX = "/static/"
# Only what pages load is served: the stylesheet's sources are not.
SKIP_DIRS = frozenset({"scss"})
# The header hashed names get: a year, shared caches allowed, never revalidated.
IMMUTABLE = "public, max-age=31536000, immutable"
# Unhashed names (kept for links from outside, such as /static/govuk/images/favicon.ico) revalidate.
REVALIDATE = "no-cache"
HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
CSS_URL = re.compile(r"""url\((["']?)(/static/[^"')?#]+)([^"')]*)\1\)""")
# A module's relative import (`from "./govuk-frontend-6.3.0.min.js"`), rewritten to the hashed name
# so a repeat visit asks for nothing but the page.
JS_IMPORT = re.compile(r"""(\bfrom\s*)(["'])\./([^"']+)\2""")


@dataclass(frozen=True)
class Manifest:
    """Each source name (`css/civic.css`) and its hashed name (`css/civic.3f2a9c0d1e4b.css`)."""

    root: Path
    hashed: dict[str, str]

    def url(self, name: str) -> str:
        """The hashed URL of a file under static/; an unknown name is a mistake in a template."""
        try:
            return PREFIX + self.hashed[name]
        except KeyError:
            raise LookupError(f"no static file {name!r}") from None


def hashed_name(name: str, content: bytes) -> str:
    stem, dot, ext = name.rpartition(".")
    digest = hashlib.sha256(content).hexdigest()[:12]
    return f"{stem}.{digest}.{ext}" if dot else f"{name}.{digest}"


def _write(path: Path, content: bytes) -> bool:
    """Writes `content` at `path` unless it is already there; returns whether it wrote."""
    if path.is_file() and path.stat().st_size == len(content) and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.replace(temporary, path)
    return True


def _compress(path: Path, content: bytes, compressor: Compressor) -> None:
    """Brotli and gzip copies beside `path` when they save something and are not yet built."""
    if not compressor.should_compress(path.name):
        return
    for suffix, squeeze in ((".br", compressor.compress_brotli), (".gz", compressor.compress_gzip)):
        target = path.with_name(path.name + suffix)
        if target.is_file():
            continue
        smaller = squeeze(content)
        if len(smaller) <= 0.95 * len(content):
            _write(target, smaller)


def _sources(source: Path) -> list[str]:
    names = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_file() and relative.parts[0] not in SKIP_DIRS and not relative.name.startswith("."):
            names.append(relative.as_posix())
    # Files that name others (stylesheets, modules with imports) last, once those have hashed names.
    return sorted(names, key=lambda name: _names_others(source / name))


def _names_others(path: Path) -> bool:
    if path.suffix == ".css":
        return True
    return path.suffix == ".js" and JS_IMPORT.search(path.read_text("utf-8", errors="replace")) is not None


def _rewrite(name: str, content: bytes, hashed: dict[str, str]) -> bytes:
    """A stylesheet's url(/static/...) and a module's relative imports, pointed at hashed names."""
    if not name.endswith((".css", ".js")):
        return content
    folder = name.rpartition("/")[0]

    def css(match: re.Match[str]) -> str:
        found = hashed.get(match.group(2).removeprefix(PREFIX))
        if found is None:
            return match.group(0)
        return f"url({match.group(1)}{PREFIX}{found}{match.group(3)}{match.group(1)})"

    def module(match: re.Match[str]) -> str:
        found = hashed.get(f"{folder}/{match.group(3)}" if folder else match.group(3))
        if found is None:
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}./{found.rpartition('/')[2]}{match.group(2)}"

    text = content.decode("utf-8")
    text = CSS_URL.sub(css, text) if name.endswith(".css") else JS_IMPORT.sub(module, text)
    return text.encode("utf-8")


def build(source: Path, target: Path) -> Manifest:
    """Builds `target` from `source` (see the module docstring) and returns the manifest."""
    compressor = Compressor(use_zstd=False, quiet=True)
    hashed: dict[str, str] = {}
    for name in _sources(source):
        content = (source / name).read_bytes()
        content = _rewrite(name, content, hashed)
        hashed[name] = hashed_name(name, content)
        for served in (name, hashed[name]):
            path = target / served
            if _write(path, content):  # changed contents: its old compressed copies are stale
                for suffix in (".br", ".gz"):
                    path.with_name(path.name + suffix).unlink(missing_ok=True)
            _compress(path, content, compressor)
    return Manifest(root=target, hashed=hashed)


@cache
def manifest(source: Path, target: Path) -> Manifest:
    """The build, once per process for each pair of directories."""
    return build(source, target)


def _cache_control(headers: Headers, path: str, url: str) -> None:
    headers["Cache-Control"] = IMMUTABLE if HASHED.search(url) else REVALIDATE


async def _not_found(scope: Scope, receive: Receive, send: Send) -> None:
    # Imported here: error pages render templates, and templating imports this module for static_url.
    from civic.core.errors import error_response

    await error_response(scope, 404)(scope, receive, send)


def static_app(built: Manifest) -> ServeStaticASGI:
    """The ASGI app that serves the built files under /static/ (mounted in civic/app.py)."""
    return ServeStaticASGI(
        _not_found,
        root=built.root,
        prefix=PREFIX,
        max_age=None,
        allow_all_origins=False,  # same-origin only, like the Cross-Origin-Resource-Policy header
        add_headers_function=_cache_control,
    )
