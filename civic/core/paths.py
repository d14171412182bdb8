"""Ids in paths, queries and forms, and links that carry a path back (the login page's `next`).

Every id column is a 32-bit INTEGER on PostgreSQL, and SQLite refuses numbers beyond 64 bits with an
OverflowError, so an id outside 1..MAX_ID can name no row: it must answer 404 (or a form error), never
reach the database. Routes say `{petition_id:id}`; the convertor's pattern matches only ids in range, so
any other value matches no route at all. Query and form values go through `parse_id`.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import quote

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import HTTPConnection

MAX_ID: Final = 2**31 - 1  # PostgreSQL's INTEGER, the type of every id column


def at_most(limit: int) -> str:
    """A regular expression matching exactly the decimal numbers 1..limit, without leading zeros."""
    digits = str(limit)
    shorter = f"[1-9][0-9]{{0,{len(digits) - 2}}}" if len(digits) > 1 else ""
    same_length = []
    for i, digit in enumerate(digits):
        low = "1" if i == 0 else "0"
        last = i == len(digits) - 1
        top = int(digit) if last else int(digit) - 1
        if top >= int(low):
            rest = len(digits) - i - 1
            tail = f"[0-9]{{{rest}}}" if rest else ""
            same_length.append(f"{digits[:i]}[{low}-{top}]{tail}")
    return "(?:" + "|".join(p for p in [shorter, *same_length] if p) + ")"


class IdConvertor(Convertor[int]):
    regex = at_most(MAX_ID)

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        number = parse_id(value)  # url_for() may be given the id as text
        if number is None:
            raise ValueError(f"{value!r} is not an id")
        return str(number)


register_url_convertor("id", IdConvertor())


def parse_id(raw: object) -> int | None:
    """A query, form or path value as an id of a row, or None when it cannot be one."""
    text = str(raw).strip() if raw is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)) or text.startswith("0"):
        return None  # the same values as the path pattern: no leading zeros, no other scripts' digits
    value = int(text)
    return value if value <= MAX_ID else None


# Characters left alone in a path or query copied into a Location header: what a URL may hold as is.
URL_SAFE: Final = ":/%#?=@[]!$&'()*+,;"  # the set Starlette's RedirectResponse keeps


def login_location(path: str, query: str = "") -> str:
    """The login page with `next` set to this path (and query), percent-encoded so the header is ASCII
    whatever the path held (non-Latin-1 letters, NUL) and `next` reads back as exactly the path."""
    target = path + ("?" + query if query else "")
    return "/login?next=" + quote(target, safe="/")


def path_id(conn: HTTPConnection, name: str) -> int:
    """The id a route's `{name:id}` matched; 404 for anything else (a route still using `{name}`)."""
    from civic.core.errors import NotFound  # errors renders pages; paths is imported below it

    value = parse_id(conn.path_params.get(name))
    if value is None:
        raise NotFound
    return value
