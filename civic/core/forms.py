"""Small helpers for reading and validating form posts into field -> message maps."""

from __future__ import annotations

import re

from starlette.datastructures import FormData
from starlette.requests import Request

Errors = dict[str, str]
LINK_RE = re.compile(r"(https?://|www\.|\.[a-z]{2,}/)", re.IGNORECASE)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


async def read_form(request: Request) -> FormData:
    return await request.form(max_files=5, max_fields=200)


def text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def check_length(
    errors: Errors, field: str, value: str, label: str, *, maximum: int, required: bool = True
) -> None:
    if required and not value:
        errors.setdefault(field, f"Enter {label}")
    elif len(value) > maximum:
        errors.setdefault(field, f"{label[0].upper()}{label[1:]} must be {maximum} characters or fewer")


def check_no_formula(errors: Errors, field: str, value: str, label: str) -> None:
    """Refuse values a spreadsheet would run as a formula when our CSV exports are opened."""
    if value.startswith(FORMULA_START):
        errors.setdefault(field, f"{label[0].upper()}{label[1:]} must not start with = + - or @")


def check_no_link(errors: Errors, field: str, value: str, label: str) -> None:
    if LINK_RE.search(value):
        errors.setdefault(field, f"{label[0].upper()}{label[1:]} must not contain a web link")


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_email(errors: Errors, field: str, value: str) -> None:
    if not value:
        errors.setdefault(field, "Enter your email address")
    elif len(value) > 254 or not EMAIL_RE.match(value):
        errors.setdefault(field, "Enter an email address in the correct format, like name@example.com")


def error_list(errors: Errors) -> list[dict[str, str]]:
    """The GOV.UK error summary's `errorList`."""
    return [{"text": message, "href": f"#{field}"} for field, message in errors.items()]


def safe_next(target: str | None, default: str = "/staff") -> str:
    """Only same-site relative paths, so a login link cannot bounce people to another website."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default
