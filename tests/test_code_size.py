"""Size limits of the app code (issue 15): no function over 60 lines and no module
over 400, so a newcomer can read any one of them whole. Read from the source with
an AST walk, migrations left out (Django writes them). Each exception is named
below with the reason it is one. Models modules get none: past 400 lines they
become packages by concern like any other module, their `__init__` importing
every model."""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("grapevyne", "profiles", "introductions", "matching", "insights")
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 400

# A numba kernel is one loop nest compiled for speed, its state (buffers, cursors,
# the running best entries) live across the whole nest: cut into helpers, that
# state would travel through dozens of arguments. Recognised by their decorator.
KERNEL_DECORATORS = {"numba.njit", "numba.jit"}

# Modules that are data rather than code: their length is the vocabulary or the
# demo cast they spell out, read as tables, not as logic.
DATA_MODULES = {
    "profiles/taxonomy_data.py": "the shipped taxonomy: specialties, interest "
    "categories and tags, goal kinds, resources, tag aliases",
    "profiles/demo_data.py": "the demo members' cities, "
    "personas and what each kind of member seeks",
}


@dataclass(frozen=True)
class Function:
    path: str
    name: str
    lineno: int
    lines: int
    kernel: bool


def _app_modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _imported_names(tree: ast.Module) -> dict[str, str]:
    """Each name an import binds, mapped to what it names: `njit` → `numba.njit`."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.expr, imported: dict[str, str]) -> str | None:
    if isinstance(node, ast.Call):
        return _dotted(node.func, imported)
    if isinstance(node, ast.Name):
        return imported.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, imported)
        return f"{base}.{node.attr}" if base else None
    return None


def _functions(source: str, path: str) -> list[Function]:
    tree = ast.parse(source, filename=path)
    imported = _imported_names(tree)
    return [
        Function(
            path=path,
            name=node.name,
            lineno=node.lineno,
            lines=(node.end_lineno or node.lineno) - node.lineno + 1,
            kernel=any(
                _dotted(decorator, imported) in KERNEL_DECORATORS
                for decorator in node.decorator_list
            ),
        )
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def _module_lines(path: Path) -> int:
    return len(path.read_text().splitlines())


def test_no_function_is_over_60_lines_except_the_numba_kernels():
    too_long = [
        f"{f.path}:{f.lineno} {f.name} ({f.lines} lines)"
        for path in _app_modules()
        for f in _functions(path.read_text(), _relative(path))
        if f.lines > MAX_FUNCTION_LINES and not f.kernel
    ]

    assert not too_long, "functions over 60 lines:\n" + "\n".join(too_long)


def test_no_module_is_over_400_lines_except_data():
    too_long = [
        f"{_relative(path)} ({lines} lines)"
        for path in _app_modules()
        if (lines := _module_lines(path)) > MAX_MODULE_LINES
        and _relative(path) not in DATA_MODULES
    ]

    assert not too_long, "modules over 400 lines:\n" + "\n".join(too_long)


@pytest.mark.parametrize("module", sorted(DATA_MODULES))
def test_each_data_module_allowed_exists_and_needs_the_allowance(module):
    # A stale entry would let a future module of that name grow unchecked.
    assert _module_lines(ROOT / module) > MAX_MODULE_LINES


def test_kernels_are_recognised_by_their_numba_decorator_whatever_their_name():
    source = (
        "import numba\n"
        "from numba import njit as compile_me\n"
        "@compile_me(cache=True)\n"
        "def a(): pass\n"
        "@numba.jit\n"
        "def b(): pass\n"
        "@functools.cache\n"
        "def _kernel(): pass\n"
    )
    kernels = {f.name: f.kernel for f in _functions(source, "example.py")}

    assert kernels == {"a": True, "b": True, "_kernel": False}
