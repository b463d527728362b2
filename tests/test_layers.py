"""Dependencies point one way: notifications → sharing → review → exports → projects → media_assets → config (the shared layer).

Every module of the layered packages is parsed (not imported) and each import
it makes is checked, wherever it sits: at the top, inside a function, under
`if TYPE_CHECKING:`, or as a string given to `importlib.import_module`,
Django's `import_string` or `include`. A package may import itself and the
packages below it, never one above. Naming a higher model through
`django.apps.apps.get_model("projects", "Project")` is not an import and is
how a lower app refers to one where it must (a File belongs to a project).

Two parts must stay free of Django: the renderer (`exports/renderer/`),
which takes plain data and returns plain data, and `config/media/`, the
pure media vocabulary the renderer shares with the apps. And no app
imports the test suite.

`config.urls` is the composition root: it includes every app's routes,
so it is the one module of the shared layer that names the apps.
Cycles inside one app are that app's business and are not checked here.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: lowest first; a package may import itself and the ones before it
LAYERS = ("config", "media_assets", "projects", "exports", "review", "sharing", "notifications")
DIRECTION = " → ".join(reversed(LAYERS))
#: modules allowed to import any app: the root URLconf includes them all
COMPOSITION_ROOTS = frozenset({"config.urls"})
#: pure parts: what each may import of this project (besides itself); nothing of Django
PURE = {
    "exports.renderer": ("exports.renderer", "config.media"),
    "config.media": ("config.media",),
}
#: the Django world a pure part may not import
DJANGO_PACKAGES = frozenset({
    "rest_framework", "drf_spectacular", "drf_spectacular_sidecar", "storages", "simple_history",
    "environ", "whitenoise",
})
#: calls whose first argument, a literal string, names a module that gets imported
STRING_IMPORTERS = frozenset({"import_module", "import_string", "include", "__import__"})


@dataclass(frozen=True)
class Import:
    line: int
    target: str  # the dotted name imported (for `from a.b import c`: "a.b.c")
    how: str  # the source text of the statement or call


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    target: str
    how: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.how!r} imports {self.target}: {self.rule}"


def module_name(path: Path) -> tuple[str, bool]:
    """The dotted module name of a file under ROOT, and whether it is a package's __init__."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def _resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (level - 1)] if level > 1 else package
    return ".".join([*base, name] if name else base)


def _call_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def imports_in(source: str, module: str, is_package: bool = False) -> list[Import]:
    """Every import in `source` (the text of `module`), at any depth."""
    tree = ast.parse(source)
    found = []
    lines = source.splitlines()
    for node in ast.walk(tree):
        how = lines[node.lineno - 1].strip() if isinstance(node, (ast.Import, ast.ImportFrom, ast.Call)) else ""
        if isinstance(node, ast.Import):
            found += [Import(node.lineno, alias.name, how) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_relative(module, is_package, node.level, node.module) if node.level else node.module
            found += [Import(node.lineno, base if alias.name == "*" else f"{base}.{alias.name}", how)
                      for alias in node.names]
        elif isinstance(node, ast.Call) and _call_name(node) in STRING_IMPORTERS and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value:
                target = first.value
                if target.startswith("."):  # relative to the `package` argument, else to this module's package
                    level = len(target) - len(target.lstrip("."))
                    package = next((kw.value.value for kw in node.keywords if kw.arg == "package"
                                    and isinstance(kw.value, ast.Constant)), None)
                    if package is None and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                        package = node.args[1].value
                    anchor, anchor_is_package = (package, True) if isinstance(package, str) else (module, is_package)
                    target = _resolve_relative(anchor, anchor_is_package, level, target.lstrip(".") or None)
                found.append(Import(node.lineno, target, how))
    return found


def _layer(name: str) -> int | None:
    top = name.split(".")[0]
    return LAYERS.index(top) if top in LAYERS else None


def _is_django(name: str) -> bool:
    top = name.split(".")[0]
    return top.startswith("django") or top in DJANGO_PACKAGES


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations_in(source: str, path: str) -> list[Violation]:
    """What `source`, the text of the file at `path` (relative to the project root), imports against the rules."""
    module, is_package = module_name(ROOT / path)
    own = _layer(module)
    pure = next((prefix for prefix in PURE if _within(module, prefix)), None)
    found = []
    for item in imports_in(source, module, is_package):
        target, rule = item.target, None
        layer = _layer(target)
        if layer is not None and own is not None and layer > own and module not in COMPOSITION_ROOTS:
            allowed = ", ".join(reversed(LAYERS[: own + 1]))
            rule = (f"{LAYERS[own]} may import only {allowed} (the direction is {DIRECTION}); move the code "
                    f"that needs {LAYERS[layer]} into {LAYERS[layer]}, or announce a hook it listens to; "
                    f"to name one of its models use django.apps.apps.get_model")
        elif target.split(".")[0] == "tests" or ("tests" in target.split(".")[1:] and layer not in (None, own)):
            rule = "the apps never import the test suite"
        elif pure is not None and _is_django(target):
            rule = f"{pure} is pure: it imports no Django"
        elif pure is not None and layer is not None and not any(_within(target, ok) for ok in PURE[pure]):
            rule = f"{pure} is pure: of this project it imports only {', '.join(PURE[pure])}"
        if rule:
            found.append(Violation(path, item.line, target, item.how, rule))
    return found


def project_modules() -> list[Path]:
    return sorted(path for package in LAYERS for path in (ROOT / package).rglob("*.py"))


# -- the project -------------------------------------------------------------------


def test_imports_point_one_way_and_pure_parts_stay_pure():
    violations = [
        violation
        for path in project_modules()
        for violation in violations_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    if violations:
        pytest.fail(
            f"{len(violations)} import(s) against the layers ({DIRECTION}; see docs/architecture.md):\n"
            + "\n".join(f"  {violation}" for violation in violations),
            pytrace=False,
        )


def test_every_package_is_walked():
    walked = {module_name(path)[0].split(".")[0] for path in project_modules()}
    assert walked == set(LAYERS)
    assert any(module_name(path)[0].startswith("exports.renderer.") for path in project_modules())


def test_renderer_and_media_vocabulary_load_without_django():
    """Importing every module of the pure parts leaves Django unloaded (imports made by imports count too)."""
    script = (
        "import importlib, pkgutil, sys\n"
        "for package in ('exports.renderer', 'config.media'):\n"
        "    root = importlib.import_module(package)\n"
        "    for info in pkgutil.walk_packages(root.__path__, package + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "loaded = sorted(name for name in sys.modules if name.split('.')[0].startswith('django')\n"
        "                or name.split('.')[0] in ('rest_framework', 'storages', 'simple_history'))\n"
        "print(' '.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"the pure parts loaded Django modules: {result.stdout}"


# -- the checker itself ---------------------------------------------------------------


def test_checker_reports_an_upward_import_inside_a_function():
    source = "def f():\n    from exports.models import Export\n"
    [violation] = violations_in(source, "media_assets/example.py")
    assert (violation.line, violation.target) == (2, "exports.models.Export")
    message = str(violation)
    assert message.startswith("media_assets/example.py:2: 'from exports.models import Export' imports exports.models.Export")
    assert "media_assets may import only media_assets, config" in message
    assert DIRECTION in message


def test_checker_reports_string_imports_and_type_checking_imports():
    source = (
        "import importlib\nfrom typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import projects.models\n"
        "def g():\n    return importlib.import_module('exports.tasks')\n"
    )
    assert [(v.line, v.target) for v in violations_in(source, "media_assets/example.py")] == [
        (4, "projects.models"), (6, "exports.tasks"),
    ]


def test_checker_allows_downward_imports_and_get_model():
    source = (
        "from django.apps import apps\nfrom config.api.fields import OwnedRelatedField\n"
        "from media_assets.models import File\nfrom . import sibling\n"
        "Project = apps.get_model('projects', 'Project')\n"
    )
    assert violations_in(source, "projects/example.py") == []
    assert violations_in(source.replace("media_assets.models", "projects.models"), "exports/example.py") == []


def test_checker_allows_the_composition_root_only():
    source = "from exports.api import urls\n"
    assert violations_in(source, "config/urls.py") == []
    assert len(violations_in(source, "config/worker.py")) == 1


def test_checker_keeps_the_renderer_pure():
    source = "from django.conf import settings\nfrom ..timeline import Clip\nfrom exports.models import Export\n"
    violations = violations_in(source, "exports/renderer/effect_filters/example.py")
    assert [(v.line, v.target) for v in violations] == [(1, "django.conf.settings"), (3, "exports.models.Export")]
    assert "exports.renderer is pure: it imports no Django" in str(violations[0])
    assert violations_in("from config.media.image_formats import IMAGE_FORMATS\n", "exports/renderer/example.py") == []
    assert len(violations_in("from rest_framework import serializers\n", "config/media/example.py")) == 1


def test_checker_resolves_relative_string_imports_against_their_package():
    source = "import importlib\nimportlib.import_module('.tasks', package='exports')\nimportlib.import_module('.fonts')\n"
    assert [(v.line, v.target) for v in violations_in(source, "media_assets/example.py")] == [(2, "exports.tasks")]


def test_checker_reports_imports_of_the_test_suite():
    [violation] = violations_in("from tests.factories import make_user\n", "projects/example.py")
    assert "never import the test suite" in violation.rule
    [violation] = violations_in("import media_assets.tests.helpers\n", "projects/example.py")
    assert "never import the test suite" in violation.rule
    assert violations_in("from media_assets import tests_of_fonts\n", "projects/example.py") == []
