"""The house's shape: lower parts never import higher ones, nothing imports in a circle, the core has no Qt."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "suno_desktop"

#: each part of the house, lowest first; a module may import its own part and the parts below it
LAYERS = [
    ("errors", "model", "song_request", "time_formats", "retry_policy"),
    ("http_session",),
    ("relay",),
    ("media",),
    ("settings",),
    ("library",),
    (
        "demo",
        "cli_sync",
        "cli_create",
        "cli_rebuild",
        "cli_submissions",
        "cli_rate",
        "cli_edit",
        "cli_listing",
        "cli_playlist",
        "cli",
        "resources",
    ),
    ("playback",),
    ("ui",),
    ("app", "__main__", "self_test"),  # the self-test checks that the bundle's Qt, player and window load
]
CORE = (
    "errors",
    "retry_policy",
    "time_formats",
    "model",
    "song_request",
    "http_session",
    "relay",
    "media",
    "settings",
    "library",
    "cli",
    "cli_sync",
    "cli_create",
    "cli_rebuild",
    "cli_submissions",
    "cli_rate",
    "cli_edit",
    "cli_listing",
    "cli_playlist",
    "demo",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module *path* imports, wherever the statement stands: at the top, in a function, under TYPE_CHECKING."""
    return imports_in(path.read_text(encoding="utf-8"), module_name(path), is_package=path.name == "__init__.py")


def imports_in(source: str, module: str, *, is_package: bool = False) -> set[str]:
    package = module.split(".")
    if not is_package:
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def test_every_import_counts_wherever_it_stands():
    source = """
from typing import TYPE_CHECKING
from .a import thing
if TYPE_CHECKING:
    from .b import Other
def later():
    from ..c import helper
    import suno_desktop.d
class Holder:
    try:
        from . import e
    except ImportError:
        pass
"""
    found = imports_in(source, "suno_desktop.ui.x")
    assert {"suno_desktop.ui.a", "suno_desktop.ui.b", "suno_desktop.c", "suno_desktop.d", "suno_desktop.ui.e"} <= found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {
        name: {target for target in imports_of(path) if target in modules and target != name}
        for name, path in modules.items()
    }


def part_of(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def rank(module: str) -> int:
    part = part_of(module)
    for level, parts in enumerate(LAYERS):
        if part in parts:
            return level
    raise AssertionError(f"{module} belongs to no part of the house: add it to LAYERS")


def test_no_part_imports_a_part_above_it():
    wrong = [
        f"{importer} -> {imported}"
        for importer, targets in graph().items()
        if importer != "suno_desktop"
        for imported in targets
        if imported != "suno_desktop" and rank(imported) > rank(importer)
    ]
    assert not wrong, "\n".join(wrong)


def find_cycles(edges: dict[str, set[str]]) -> list[str]:
    """Every cycle a depth-first walk meets, of any length, as "a -> b -> ... -> a"."""
    state: dict[str, int] = {}
    cycles = []

    def walk(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges.get(module, ())):
            if target == "suno_desktop" or target.startswith(module + "."):
                continue  # a package importing its own submodules is how packages work
            if state.get(target) == 1:
                cycles.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                walk(target, [*trail, target])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            walk(module, [module])
    return cycles


def test_a_cycle_of_any_length_is_found():
    edges = {"p.a": {"p.b"}, "p.b": {"p.c"}, "p.c": {"p.d"}, "p.d": {"p.a"}, "p.e": {"p.a"}}
    assert find_cycles(edges) == ["p.a -> p.b -> p.c -> p.d -> p.a"]
    assert find_cycles({"p.a": {"p.b"}, "p.b": set()}) == []


def test_no_import_cycle():
    cycles = find_cycles(graph())
    assert not cycles, "\n".join(cycles)


def test_the_core_never_imports_qt():
    qt = [
        f"{module_name(p)} imports {name}"
        for p in PACKAGE.rglob("*.py")
        if part_of(module_name(p)) in CORE
        for name in imports_of(p)
        if name.split(".")[0] in ("PySide6", "shiboken6")
    ]
    assert not qt, "\n".join(qt)


def test_modules_and_functions_stay_small():
    """No module over 600 lines, no function over 80: the house's rule for anything a newcomer reads."""
    too_big = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if source.count("\n") > 600:
            too_big.append(f"{module_name(path)}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 80:
                too_big.append(f"{module_name(path)}.{node.name}: {node.end_lineno - node.lineno + 1} lines")
    assert not too_big, "\n".join(too_big)
