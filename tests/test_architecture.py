"""The layering holds and docs/architecture.md agrees with the code.

Pure static checks: the modules are parsed with `ast`, never imported, so this runs in a blink and
needs no app or database. Each failure names the module and the rule it breaks, so the fix is either
in that module or in the document, never a guess.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CIVIC = ROOT / "civic"
DOC = ROOT / "docs" / "architecture.md"
FEATURES_MODULE = CIVIC / "core" / "features.py"

# Packages under civic/ that are parts of the app, not features (the document says why).
APP_PACKAGES = frozenset({"core", "migrations", "site", "demo"})
# Top-level modules below core that a feature may import, besides civic.core.*.
SHARED_MODULES = frozenset({"civic.config"})
# What no pure domain module may import: the web framework, the database, the engines.
IMPURE_ROOTS = frozenset({"starlette", "sqlalchemy", "sqlmodel"})
IMPURE_MODULES = frozenset({"civic.core.db"})


# --- reading the code -----------------------------------------------------------------------------


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    """Whether a dotted name under civic is a module or package of this project."""
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


@cache
def imports_of(path: Path) -> tuple[str, ...]:
    """Every module `path` imports, anywhere in it (lazy imports inside functions count too).

    `from civic.responses import notify` names the module civic.responses.notify, not the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.append(candidate if base.startswith("civic") and is_module(candidate) else base)
    return tuple(dict.fromkeys(found))


def civic_packages() -> list[str]:
    return sorted(p.name for p in CIVIC.iterdir() if (p / "__init__.py").is_file())


def feature_packages() -> list[str]:
    return [name for name in civic_packages() if name not in APP_PACKAGES]


def python_files(package: str) -> list[Path]:
    return sorted(p for p in (CIVIC / package).rglob("*.py") if "__pycache__" not in p.parts)


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


# --- reading the document -------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _cells(line: str) -> tuple[str, ...]:
    return tuple(cell.strip() for cell in line.strip().strip("|").split("|"))


@cache
def doc_tables() -> tuple[Table, ...]:
    assert DOC.is_file(), f"{rel(DOC)} is missing: it is the source of truth for file names and the contract"
    tables: list[Table] = []
    lines = DOC.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        is_start = lines[i].lstrip().startswith("|") and i + 1 < len(lines)
        if is_start and re.fullmatch(r"\s*\|[\s:|-]+\|\s*", lines[i + 1]):
            header = tuple(cell.lower() for cell in _cells(lines[i]))
            rows = []
            i += 2
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            tables.append(Table(header, tuple(rows)))
        else:
            i += 1
    return tuple(tables)


def doc_table(*header: str) -> Table:
    matches = [t for t in doc_tables() if t.header == header]
    assert len(matches) == 1, (
        f"{rel(DOC)} must hold exactly one table with the columns {' | '.join(header)}; found {len(matches)}"
    )
    return matches[0]


def ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def role_names() -> set[str]:
    """The roles of the file-name table: `web.py` -> "web"; `__init__.py` stays whole."""
    names = {name for row in doc_table("file", "role").rows for name in ticked(row[0])}
    assert names, f"the file-name table in {rel(DOC)} names no file"
    return {name.removesuffix(".py") for name in names}


def interface_modules() -> set[str]:
    """The responses modules other features may import, as the document lists them."""
    modules = {
        name
        for row in doc_table("interface module", "what features use it for").rows
        for name in ticked(row[0])
    }
    assert modules, f"the responses interface table in {rel(DOC)} names no module"
    return modules


# --- the checks -----------------------------------------------------------------------------------


def test_every_package_is_a_feature_or_a_named_part_of_the_app() -> None:
    """A new package is a feature (it has a feature.py) or is named here as part of the app."""
    strays = [
        f"civic/{name}/ has no feature.py: give it one (it is a feature) or list it in APP_PACKAGES "
        "and in the document (it is part of the app)"
        for name in feature_packages()
        if not (CIVIC / name / "feature.py").is_file()
    ]
    assert not strays, "\n".join(strays)


def test_every_feature_builds_its_feature_and_civic_features_lists_it() -> None:
    """Adding a feature is one line in civic/features.py: a feature left out would have no routes."""
    listing = CIVIC / "features.py"
    assert listing.is_file(), f"{rel(listing)} is missing: it must list every feature's FEATURE"
    listed = set(imports_of(listing))
    problems = []
    for name in feature_packages():
        path = CIVIC / name / "feature.py"
        if not path.is_file() or "FEATURE" not in _top_level_names(path):
            problems.append(f"{rel(path)} does not define FEATURE")
        if f"civic.{name}.feature" not in listed:
            problems.append(f"{rel(listing)} does not import civic.{name}.feature, so the app never sees it")
    assert not problems, "\n".join(problems)


def test_core_imports_no_feature_and_nothing_above_it() -> None:
    """core <- features <- app: core may import only core itself and the settings."""
    broken = [
        f"{rel(path)} imports {name}: civic/core must not import a feature or the app "
        "(only civic.core.* and civic.config)"
        for path in python_files("core")
        for name in imports_of(path)
        if within(name, "civic") and not within(name, "civic.core") and name not in SHARED_MODULES
    ]
    assert not broken, "\n".join(broken)


def test_features_import_only_core_their_own_package_and_the_responses_interface() -> None:
    interface = interface_modules()
    unknown = sorted(name for name in interface if not is_module(name))
    assert not unknown, f"{rel(DOC)} lists responses interface modules that do not exist: {unknown}"
    broken = []
    for feature in feature_packages():
        own = f"civic.{feature}"
        for path in python_files(feature):
            for name in imports_of(path):
                allowed = (
                    not within(name, "civic")
                    or within(name, own)
                    or within(name, "civic.core")
                    or name in SHARED_MODULES
                    or name in interface
                )
                if not allowed:
                    broken.append(f"  {rel(path)} imports {name}")
    rule = (
        "A feature imports only civic.core.*, "
        + ", ".join(sorted(SHARED_MODULES))
        + ", its own package and the responses interface of "
        + f"{rel(DOC)} ({', '.join(sorted(interface))}). Broken by:"
    )
    assert not broken, "\n".join([rule, *broken])


def _has_role_name(stem: str, roles: set[str]) -> bool:
    return stem in roles or any(stem.startswith(f"{role}_") and stem != f"{role}_" for role in roles)


def test_every_feature_module_has_a_role_name_or_is_a_pure_domain_module() -> None:
    roles = role_names()
    broken = []
    for feature in feature_packages():
        for path in python_files(feature):
            if _has_role_name(path.stem, roles):
                continue
            impure = [
                name
                for name in imports_of(path)
                if name.split(".")[0] in IMPURE_ROOTS or any(within(name, m) for m in IMPURE_MODULES)
            ]
            if impure:
                broken.append(
                    f"{rel(path)} is named like a pure domain module but imports {', '.join(impure)}: "
                    "give it a name from the file table (a role, or <role>_<topic>.py) or take the IO out"
                )
    assert not broken, "\n".join(broken)


def _feature_fields() -> list[str]:
    assert FEATURES_MODULE.is_file(), (
        f"{rel(FEATURES_MODULE)} is missing: it must define the frozen dataclass Feature, "
        "the contract every feature's feature.py fills in"
    )
    tree = ast.parse(FEATURES_MODULE.read_text(encoding="utf-8"))
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Feature"]
    assert classes, f"{rel(FEATURES_MODULE)} defines no class Feature"
    return [
        node.target.id
        for node in classes[0].body
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and not (
            isinstance(node.annotation, ast.Subscript) and ast.unparse(node.annotation.value) == "ClassVar"
        )
    ]


def test_the_feature_contract_table_matches_the_feature_dataclass() -> None:
    in_code = _feature_fields()
    in_doc = [name for row in doc_table("field", "what").rows for name in ticked(row[0])]
    missing = [f for f in in_code if f not in in_doc]
    extra = [f for f in in_doc if f not in in_code]
    problems = [
        *(
            f"Feature.{f} (in {rel(FEATURES_MODULE)}) is not in the contract table of {rel(DOC)}"
            for f in missing
        ),
        *(f"the contract table of {rel(DOC)} names `{f}`, which Feature does not have" for f in extra),
    ]
    assert not problems, "\n".join(problems)


def _top_level_names(path: Path) -> set[str]:
    """What a module defines itself: functions, classes and assigned names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names  # imported names do not count: the index points at where a rule is written


def test_every_place_the_rule_index_names_exists() -> None:
    """Each `where` cell names paths (a glob such as civic/*/rules.py must match at least one file),
    each optionally followed by names that module must define."""
    rows = doc_table("rule", "where").rows
    assert rows, f"the rule index of {rel(DOC)} is empty"
    problems = []
    for rule, where in rows:
        current: list[Path] = []
        tokens = ticked(where)
        if not tokens or "/" not in tokens[0]:
            problems.append(f"rule index row {rule!r} must start its `where` with a path")
            continue
        for token in tokens:
            if "/" in token:
                current = sorted(ROOT.glob(token)) if "*" in token else [ROOT / token]
                if not current or not all(p.exists() for p in current):
                    problems.append(f"rule index row {rule!r} names {token}, which does not exist")
                    current = []
                continue
            for path in current:
                if path.suffix == ".py" and token not in _top_level_names(path):
                    problems.append(f"rule index row {rule!r} says {rel(path)} defines {token}; it does not")
    assert not problems, "\n".join(problems)


def test_every_new_path_in_the_moves_table_exists() -> None:
    """The "what moved where" table tells a reader where an old name went: the new name must be real."""
    missing = [
        f"{rel(DOC)} says {ticked(old)[0]} moved to {ticked(new)[0]}, which does not exist"
        for old, new in doc_table("old", "new").rows
        if not (ROOT / ticked(new)[0]).exists()
    ]
    assert not missing, "\n".join(missing)


def test_a_feature_package_holds_one_docstring_and_nothing_else() -> None:
    """The file table says `__init__.py` says what the feature is for: importing a package runs no code."""
    broken = []
    for feature in feature_packages():
        path = CIVIC / feature / "__init__.py"
        body = ast.parse(path.read_text(encoding="utf-8")).body
        if not body or ast.get_docstring(ast.Module(body=body, type_ignores=[])) is None:
            broken.append(f"{rel(path)} has no docstring saying what the feature is for")
        elif len(body) > 1:
            broken.append(f"{rel(path)} holds code besides its docstring (line {body[1].lineno})")
    assert not broken, "\n".join(broken)


def test_a_feature_routes_module_holds_only_the_url_table() -> None:
    """The file table says routes.py is the URL table only: a handler defined there hides from web.py/staff.py."""
    broken = [
        f"{rel(path)} defines {node.name} (line {node.lineno}): handlers belong in web.py or staff.py"
        for feature in feature_packages()
        if (path := CIVIC / feature / "routes.py").is_file()
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    assert not broken, "\n".join(broken)
