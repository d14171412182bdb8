"""Small helpers for reading and validating form posts into field -> message maps."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict
from urllib.parse import parse_qsl

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from civic.core.i18n import Text, gettext
from civic.core.inputs import clean_fields
from civic.core.publish import FORMULA_START

Errors = dict[str, str]


class FormContext(TypedDict, total=False):
    values: Mapping[str, object]
    errors: Errors
    error_list: list[dict[str, str]]


MAX_FIELDS = 500
# Where the CSRF middleware leaves a urlencoded form it has already parsed (see parse_urlencoded).
PARSED_FORM = "civic.form"
LINK_RE = re.compile(r"(https?://|www\.|\.[a-z]{2,}/)", re.IGNORECASE)


@dataclass(frozen=True)
class UploadedFile:
    """An uploaded file read into memory (bodies are capped at MAX_BODY_BYTES) and already closed."""

    filename: str
    content_type: str
    data: bytes

    def text(self) -> str:
        """The file as text; UTF-8 with or without a byte-order mark, else Windows-1252 (Excel)."""
        try:
            return self.data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return self.data.decode("cp1252", errors="replace")


def parse_urlencoded(body: bytes) -> list[tuple[str, str]] | None:
    """A urlencoded body as Starlette's form parser reads it (fields split on "&" only, bytes taken as
    Latin-1, then percent-escapes decoded as UTF-8), or None with more than MAX_FIELDS fields."""
    try:
        return parse_qsl(body.decode("latin-1"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        return None


async def read_form(request: Request) -> FormData:
    """The posted form under the input rule (civic/core/inputs.py: NFC, LF line endings, no control
    characters; otherwise BadInput, a 422 naming the fields), with any uploaded files read into
    `UploadedFile`s and their temp files closed.

    A urlencoded form the CSRF middleware has already parsed is not parsed again."""
    parsed: list[tuple[str, str | UploadFile]] | None = request.scope.get(PARSED_FORM)
    if parsed is not None:
        return FormData(clean_fields(parsed))
    form = await request.form(max_files=5, max_fields=MAX_FIELDS)
    items: list[tuple[str, str | UploadedFile]] = []
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            data = await value.read()
            await value.close()
            items.append((key, UploadedFile(value.filename or "", value.content_type or "", data)))
        else:
            items.append((key, value))
    await form.close()
    return FormData(clean_fields(items))  # type: ignore[arg-type]


def text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def sentence(text: str) -> str:
    """A message whose first word is a field's label ("your name must ..."), begun with a capital."""
    return text[:1].upper() + text[1:]


# Messages name a field by its label ("your name"), translated (labels are lazy strings) and put in a
# sentence written whole in each language, so Welsh can order and mutate it as Welsh needs.
def check_length(
    errors: Errors, field: str, value: str, label: Text, *, maximum: int, required: bool = True
) -> None:
    if required and not value:
        errors.setdefault(field, gettext("Enter %(label)s", label=label))
    elif len(value) > maximum:
        message = gettext("%(label)s must be %(maximum)s characters or fewer", label=label, maximum=maximum)
        errors.setdefault(field, sentence(message))


def check_no_formula(errors: Errors, field: str, value: str, label: Text) -> None:
    """Refuse values a spreadsheet would run as a formula when our CSV exports are opened (the exports
    defuse them anyway; refusing here keeps names readable in every spreadsheet)."""
    if value.startswith(FORMULA_START):
        errors.setdefault(field, sentence(gettext("%(label)s must not start with = + - or @", label=label)))


def check_no_link(errors: Errors, field: str, value: str, label: Text) -> None:
    if LINK_RE.search(value):
        errors.setdefault(field, sentence(gettext("%(label)s must not contain a web link", label=label)))


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_email(errors: Errors, field: str, value: str) -> None:
    if not value:
        errors.setdefault(field, gettext("Enter your email address"))
    elif len(value) > 254 or not EMAIL_RE.match(value):
        errors.setdefault(
            field, gettext("Enter an email address in the correct format, like name@example.com")
        )


def error_list(errors: Errors) -> list[dict[str, str]]:
    """The GOV.UK error summary's `errorList`: one link per message, to the id the message is keyed
    by (templates/_macros/forms.html gives each field that id)."""
    return [{"text": message, "href": f"#{field}"} for field, message in errors.items()]


def form_context(errors: Errors | None = None, values: Mapping[str, object] | None = None) -> FormContext:
    """What every form page renders with: the values to show again, the message beside each field
    (`errors`, keyed by the field's id) and the error summary at the top of the page (`error_list`,
    read by base.html). One helper, so the summary and the fields can never disagree. Without
    `values` the context leaves the page's own values alone."""
    found = dict(errors or {})
    context: FormContext = {"errors": found, "error_list": error_list(found)}
    if values is not None:
        context["values"] = values
    return context


def safe_next(target: str | None, default: str = "/staff") -> str:
    """Only same-site relative paths, so a login link cannot bounce people to another website."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default
