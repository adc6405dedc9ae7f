"""The layout shows the architecture: layers that import only downwards, no
circles, no module too long to read, formats named only by the backends."""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "briefgen"

# Lower layers never import higher ones (an import inside a function counts too).
LAYERS = {
    "briefgen": 0, "briefgen.errors": 0, "briefgen.paths": 0, "briefgen.files": 0, "briefgen.__main__": 7,
    "briefgen.source": 1, "briefgen.compose": 2, "briefgen.render": 3, "briefgen.build": 4,
    "briefgen.api": 5, "briefgen.serve": 6, "briefgen.commands": 7,
}
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _layer(module: str) -> int:
    while module not in LAYERS:
        module = module.rsplit(".", 1)[0]
    return LAYERS[module]


def _imports(path: Path, modules) -> set[str]:
    """The briefgen modules `path` imports, anywhere in it."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("briefgen"):
            for alias in node.names:  # `from briefgen.compose import style` imports a module
                sub = f"{node.module}.{alias.name}"
                out.add(sub if sub in modules else node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("briefgen")}
    return {m for m in out if m in modules}


GRAPH = {name: _imports(path, _modules()) for name, path in _modules().items()}


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_import_runs_back_up_a_layer(module):
    upward = sorted(m for m in GRAPH[module] if _layer(m) > _layer(module) and m != "briefgen")
    assert not upward, f"{module} (layer {_layer(module)}) imports {upward} from a higher layer"


def test_no_import_circles():
    seen, stack, circles = set(), [], []

    def visit(name):
        if name in stack:
            circles.append(stack[stack.index(name):] + [name])
            return
        if name in seen:
            return
        seen.add(name)
        stack.append(name)
        for other in sorted(GRAPH[name] - {"briefgen"}):
            visit(other)
        stack.pop()

    for name in sorted(GRAPH):
        visit(name)
    assert not circles, "import circles: " + "; ".join(" -> ".join(c) for c in circles)


@pytest.mark.parametrize("module", sorted(_modules()))
def test_no_module_is_too_long_to_read(module):
    lines = len(_modules()[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it along a seam"


def test_output_formats_are_named_only_by_their_backends():
    """Adding a format means adding a backend module: no other module may
    test for a format by name."""
    pattern = re.compile(r"""["'](pdf|html)["']\s+(not\s+)?in\b|==\s*["'](pdf|html)["']|\(["']\.html["'],\s*["']\.pdf""")
    allowed = {"briefgen.render.backend", "briefgen.render.html", "briefgen.render.pdf"}
    offenders = [f"{name}: {m.group(0)}" for name, path in _modules().items() if name not in allowed
                 for m in pattern.finditer(path.read_text(encoding="utf-8"))]
    assert not offenders, offenders
