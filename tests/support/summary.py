"""Prints the closing lines for all of `make test`'s suites, from their JUnit XML reports: the test
totals, the fuzz requests each suite sent (a `fuzz_cases` suite property) and, when given with
`--coverage`, the SQLite suite's coverage total."""

from __future__ import annotations

import argparse
import xml.etree.ElementTree as ET
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--coverage", help="the total from `coverage report --format=total`")
    parser.add_argument("reports", nargs="+")
    args = parser.parse_args(argv)
    tests = failures = errors = skipped = fuzz_cases = 0
    for path in args.reports:
        root = ET.parse(Path(path)).getroot()  # noqa: S314
        for suite in root.iter("testsuite"):
            tests += int(suite.get("tests", 0))
            failures += int(suite.get("failures", 0))
            errors += int(suite.get("errors", 0))
            skipped += int(suite.get("skipped", 0))
            for prop in suite.iter("property"):
                if prop.get("name") == "fuzz_cases":
                    fuzz_cases += int(prop.get("value", 0))
    passed = tests - failures - errors - skipped
    if fuzz_cases:
        print(f"Fuzz: {fuzz_cases} generated requests to every route (paths, query strings, forms)")
    if args.coverage:
        print(f"Coverage of civic (SQLite suite): {args.coverage}%")
    print(f"Total: {passed} passed, {failures + errors} failed, {skipped} skipped")
    return 1 if failures + errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
