"""No two modules of media_assets import each other, not even from inside a function.

An import hidden in a function body dodges a cycle at import time but
keeps the two modules welded together (media_assets.services and
media_assets.fonts did this for file thumbnails). This reads every module's
imports from its source, wherever they are written, and looks for cycles.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "media_assets"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in APP.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(APP.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _imports(name: str, source: str, modules, *, is_package: bool = False) -> set[str]:
    """The media_assets modules `source` imports, at any depth of its code."""
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in modules}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = {f"{target}.{alias.name}" for alias in node.names} & set(modules)
            found |= submodules
            if len(submodules) < len(node.names) and target in modules:
                found.add(target)  # a name defined in the module (not a submodule of a package)
    return found - {name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return cycles


def test_no_two_media_assets_modules_import_each_other():
    modules = _modules()
    graph = {name: _imports(name, path.read_text(), modules, is_package=path.name == "__init__.py")
             for name, path in modules.items()}
    assert _cycles(graph) == []


def test_the_cycle_finder_sees_an_import_inside_a_function():
    modules = {"media_assets.services", "media_assets.fonts", "media_assets.query", "media_assets.query.values"}
    services = "import logging\n\ndef thumbnail():\n    from media_assets.fonts import font_file_paths\n"
    fonts = "from media_assets.services import upload_local_path\n"
    graph = {
        "media_assets.services": _imports("media_assets.services", services, modules),
        "media_assets.fonts": _imports("media_assets.fonts", fonts, modules),
        "media_assets.query.values": _imports("media_assets.query.values", "from . import values\n", modules),
        "media_assets.query": set(),
    }
    assert graph["media_assets.services"] == {"media_assets.fonts"}
    assert graph["media_assets.query.values"] == set()  # a submodule, not its package
    assert _cycles(graph) == [["media_assets.fonts", "media_assets.services"]]
