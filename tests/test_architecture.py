"""The house's shape: imports point down only, no two modules import each other, modules stay small.

The layers are written once, here, highest first. A module belongs to the layer naming it or, the
most specific name winning, one of its packages; it may import from its own layer (without a
cycle) and from lower layers.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "depomi_learn"

LAYERS = (
    ("depomi_learn",),  # the factory: create_app
    ("depomi_learn.views",),  # thin blueprints, the request layer
    ("depomi_learn.operations",),  # backups, demo data, reference regions
    ("depomi_learn.authoring",),  # the editor, and `flask courses`
    ("depomi_learn.sessions",),  # blended training, and `flask sessions`
    ("depomi_learn.accounts",),
    ("depomi_learn.offline",),  # course copies and work queued on a phone
    ("depomi_learn.learning",),
    ("depomi_learn.certificates",),
    ("depomi_learn.reports",),
    ("depomi_learn.content",),  # the course format
    ("depomi_learn.accounts.demographics",),  # a profile's reference lists: the reports name them
    ("depomi_learn.permissions", "depomi_learn.audit"),
    ("depomi_learn.models",),
    (
        "depomi_learn.extensions",
        "depomi_learn.database",
        "depomi_learn.i18n",
        "depomi_learn.errors",
        "depomi_learn.logs",
    ),
)
MAX_LINES = 400
MAX_TOP_LEVEL_MODULES = 8


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Return the depomi_learn modules that `name` imports, at any depth of its code."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                full = f"{module}.{alias.name}"
                targets.add(full if full in MODULES else module)
        elif isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
    return {target for target in targets if target in MODULES and target != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def layer_of(module: str) -> int:
    owners = [
        (len(owner), index)
        for index, layer in enumerate(LAYERS)
        if index
        for owner in layer
        if module == owner or module.startswith(owner + ".")
    ]
    if owners:
        return max(owners)[1]
    assert module.count(".") == 0, f"{module} is in no layer: add it to LAYERS"
    return 0


def test_every_module_has_a_layer():
    for module in MODULES:
        layer_of(module)


def test_no_import_reaches_up():
    upward = [
        f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})"
        for module, targets in GRAPH.items()
        for target in targets
        if layer_of(target) < layer_of(module)
    ]
    assert upward == []


def _cycles() -> list[list[str]]:
    """Return the strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(GRAPH[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return groups


def test_no_import_cycle():
    assert _cycles() == []


def test_a_cycle_would_be_found(monkeypatch):
    monkeypatch.setitem(
        GRAPH, "depomi_learn.models", GRAPH["depomi_learn.models"] | {"depomi_learn.permissions"}
    )
    assert ["depomi_learn.models", "depomi_learn.permissions"] in _cycles()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_is_short(module):
    lines = len(MODULES[module].read_text("utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module}: {lines} lines; split it by meaning"


def test_few_modules_at_the_top():
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


# views/ modules that are the request layer, not blueprints
REQUEST_HELPERS = ("assets", "forms", "inputs", "security", "transactions")


def test_blueprints_do_not_import_each_other():
    crossing = []
    for module, targets in GRAPH.items():
        parts = module.split(".")
        if parts[:2] != ["depomi_learn", "views"] or len(parts) < 3:
            continue  # views/__init__ registers every blueprint
        for target in targets:
            tparts = target.split(".")
            if tparts[:2] != ["depomi_learn", "views"] or tparts[2] in REQUEST_HELPERS:
                continue
            if tparts[2] != parts[2]:
                crossing.append(f"{module} imports {target}")
    assert crossing == []


def test_test_files_have_unique_names():
    # Without __init__.py files pytest imports test modules by basename: two equal names in
    # different folders stop the whole collection.
    names = [path.name for path in Path(__file__).resolve().parent.rglob("test_*.py")]
    assert sorted({n for n in names if names.count(n) > 1}) == []


TESTS = Path(__file__).resolve().parent


def _test_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


def _imports_a_test_module_or_conftest(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return module.startswith("tests.") and (last == "conftest" or last.startswith("test_"))


def test_tests_import_helpers_not_conftest_or_other_tests():
    offenders = [
        f"{path.relative_to(TESTS.parent)} imports {module}"
        for path in sorted(TESTS.rglob("*.py"))
        for module in _test_imports(path)
        if _imports_a_test_module_or_conftest(module)
    ]
    assert offenders == []


def test_the_offence_is_recognised():
    assert _imports_a_test_module_or_conftest("tests.conftest")
    assert _imports_a_test_module_or_conftest("tests.e2e.test_learner_journey")
    assert not _imports_a_test_module_or_conftest("tests.helpers.people")


def test_helpers_live_in_tests_helpers():
    loose = [
        p.name
        for p in TESTS.glob("*.py")
        if p.name != "conftest.py" and not p.name.startswith("test_") and p.name != "__init__.py"
    ]
    assert loose == []
