"""`civic recount URL|FILE`: check a published count record and count its ballots again.

The record (`record.json`) is downloaded from its URL or read from a file; its ballots and result
files are fetched beside it (the same folder or URL path). The command checks every digest and the
audit entry, counts the ballots again with the engine the record names and prints, line by line,
what matched. It exits 0 when everything matches, 1 on any mismatch and 2 when the record cannot be
read at all. It needs no database: anyone with a copy of Civic can run it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from civic.budgets import recount as budgets_recount
from civic.config import Settings
from civic.core import recount
from civic.priorities import recount as priorities_recount

Engine = Callable[[Mapping[str, Any], Mapping[str, str]], Any]
ENGINES: dict[str, tuple[str, Engine]] = {
    "budgets": (budgets_recount.ENGINE, budgets_recount.recount),
    "priorities": (priorities_recount.ENGINE, priorities_recount.recount),
}
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
MAX_BYTES = 200 * 1024 * 1024  # a capital city's ballots are a few megabytes
TIMEOUT = 60


def add_arguments(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    made = sub.add_parser(
        "recount", help="check a published count record (URL or file), count it again, compare the digests"
    )
    made.add_argument("source", help="the record's URL (…/count/record.json) or a downloaded record.json")


def _fetch(url: str) -> bytes:
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise recount.RecordError(f"{url} is not an http or https address")
    request = urllib.request.Request(url, headers={"User-Agent": "civic-recount"})  # noqa: S310 - checked above
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - http(s) only
            data: bytes = response.read(MAX_BYTES + 1)
    except (urllib.error.URLError, OSError) as exc:
        raise recount.RecordError(f"cannot download {url}: {exc}") from None
    if len(data) > MAX_BYTES:
        raise recount.RecordError(f"{url} is larger than {MAX_BYTES:,} bytes")
    return data


def _names(doc: Mapping[str, Any]) -> list[str]:
    names = [str(f["name"]) for f in doc["files"]]
    for name in names:
        if not SAFE_NAME.match(name) or ".." in name:
            raise recount.RecordError(f"the record names a file {name!r}, which is not a plain file name")
    return names


def load(source: str, fetch: Callable[[str], bytes] = _fetch) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The record and whichever of its files can be found (a missing one is a mismatch, not an error)."""
    remote = urllib.parse.urlsplit(source).scheme in {"http", "https"}
    try:
        raw = fetch(source) if remote else Path(source).read_bytes()
    except OSError as exc:
        raise recount.RecordError(f"cannot read {source}: {exc.strerror}") from None
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise recount.RecordError(f"{source} is not JSON") from None
    recount.check_shape(doc)
    files: dict[str, bytes] = {}
    for name in _names(doc):
        if remote:
            try:
                files[name] = fetch(urllib.parse.urljoin(source, name))
            except recount.RecordError:
                continue
        elif (Path(source).parent / name).is_file():
            files[name] = (Path(source).parent / name).read_bytes()
    return doc, files


def _recounted(doc: Mapping[str, Any], files: Mapping[str, bytes]) -> recount.Check:
    kind = str(doc.get("kind"))
    if kind not in ENGINES:
        return recount.Check("the count made again", False, f"no engine counts records of kind {kind!r}")
    result_names = [str(f["name"]) for f in doc["files"] if f.get("role") == "result"]
    if not result_names or result_names[0] not in files:
        return recount.Check("the count made again", False, "the result file is missing")
    try:
        texts = {name: data.decode("utf-8") for name, data in files.items()}
        published = json.loads(texts[result_names[0]])
        again = ENGINES[kind][1](recount.manifest_of(doc), texts)
    except (
        UnicodeDecodeError,
        ValueError,
        KeyError,
        TypeError,
    ) as exc:  # the engines' file errors are ValueErrors
        return recount.Check("the count made again", False, f"the files cannot be counted: {exc}")
    return recount.compare_results(published, again)


def checks(doc: Mapping[str, Any], files: Mapping[str, bytes]) -> list[recount.Check]:
    return [
        *recount.check_files(doc, files),
        recount.check_record(doc),
        *recount.check_audit(doc),
        _recounted(doc, files),
    ]


def _engine_note(doc: Mapping[str, Any]) -> str:
    engine = doc.get("engine") or {}
    expected = ENGINES.get(str(doc.get("kind")), ("?", None))[0]
    mine = recount.engine_version()
    note = f"Counted with {expected} {mine}; the record was counted with {engine.get('name')} {engine.get('version')}."
    return note + (
        "" if engine.get("version") == mine else " The versions differ: a mismatch may come from that."
    )


async def recount_command(args: argparse.Namespace, settings: Settings) -> int:
    try:
        doc, files = load(args.source)
    except recount.RecordError as exc:
        print(f"civic recount: {exc}", file=sys.stderr)
        return 2
    found = checks(doc, files)
    print(f"Count record: {doc.get('title', '')}")
    print(f"Rule: {doc.get('rule')}; tie-break: {doc.get('tie_break')}")
    print(_engine_note(doc))
    for check in found:
        print(check.line())
    if all(c.ok for c in found):
        print("Result: match. The published count is reproduced from the published ballots.")
        return 0
    print("Result: MISMATCH. The published count is not reproduced; see the lines above.")
    return 1


HANDLERS = {"recount": recount_command}
