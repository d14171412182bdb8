"""Prints one closing line for all of `make test`'s suites, from their JUnit XML reports."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def main(paths: list[str]) -> int:
    tests = failures = errors = skipped = 0
    for path in paths:
        root = ET.parse(Path(path)).getroot()  # noqa: S314
        for suite in root.iter("testsuite"):
            tests += int(suite.get("tests", 0))
            failures += int(suite.get("failures", 0))
            errors += int(suite.get("errors", 0))
            skipped += int(suite.get("skipped", 0))
    passed = tests - failures - errors - skipped
    print(f"Total: {passed} passed, {failures + errors} failed, {skipped} skipped")
    return 1 if failures + errors else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
