"""The import contract: layers as packages, no cycles, no private names across modules.

Every module's imports are read with :mod:`ast`, *including imports inside
functions* (they hide upward edges otherwise).  The layer of a module is the
first package under ``symgrad`` (the folder name says it):

    base (0) < core (1) < numeric (2) < present (3) < analysis (4) < interfaces (5) < api (6)

where ``api`` is the top-level package itself (``symgrad/__init__.py``,
``__main__``, ``testing``).  A module may import its own layer and the layers
below it, never above.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "symgrad"
LAYERS = ("base", "core", "numeric", "present", "analysis", "interfaces", "api")
STDLIB = set(sys.stdlib_module_names) | {"__future__"}
# third-party packages each layer may import (besides the standard library)
THIRD_PARTY = {
    "base": set(),
    "core": {"sympy"},
}


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    return "api"


def resolve(name: str) -> str | None:
    """The symgrad module an imported dotted name refers to (a module, or the module holding it)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports(module: str) -> list[tuple[str, list[str], int]]:
    """(imported module, imported names, line) for every import statement, nested ones included."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, [], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module}:{node.lineno}: relative import"
            base = node.module or ""
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in MODULES:
                    found.append((sub, [], node.lineno))
                else:
                    found.append((base, [alias.name], node.lineno))
    return found


def edges() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for m in MODULES:
        for name, _, _ in imports(m):
            target = resolve(name) if name.startswith("symgrad") else None
            if target and target != m:
                graph[m].add(target)
    return graph


def test_modules_exist_in_known_layers():
    for m in MODULES:
        parts = m.split(".")
        assert len(parts) <= 2 or parts[1] in LAYERS, f"{m} is not under a layer package"


def test_no_upward_import():
    bad = []
    for m, targets in edges().items():
        for t in targets:
            if LAYERS.index(layer(t)) > LAYERS.index(layer(m)):
                bad.append(f"{m} ({layer(m)}) imports {t} ({layer(t)})")
    assert not bad, "upward imports:\n" + "\n".join(sorted(bad))


def test_no_import_cycle():
    graph = edges()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []
    counter = [0]

    def connect(v: str) -> None:  # Tarjan, iterative over successors
        work = [(v, iter(sorted(graph[v])))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        while work:
            node, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    break
                if w in on_stack:
                    low[node] = min(low[node], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == node:
                            break
                    if len(comp) > 1:
                        cycles.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_no_private_name_across_modules():
    bad = []
    for m in MODULES:
        for name, names, line in imports(m):
            if not name.startswith("symgrad"):
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            private_module = [p for p in name.split(".")
                              if p.startswith("_") and not p.startswith("__")]
            owner = resolve(name)
            if private and owner != m:
                bad.append(f"{m}:{line} imports {', '.join(private)} from {name}")
            package = owner.rpartition(".")[0] if owner else ""
            if private_module and owner and not (m == package or m.startswith(package + ".")):
                bad.append(f"{m}:{line} imports the private module {name}")
    assert not bad, "private names across modules:\n" + "\n".join(bad)


@pytest.mark.parametrize("lay", sorted(THIRD_PARTY))
def test_low_layers_import_only_their_libraries(lay):
    bad = []
    for m in MODULES:
        if layer(m) != lay:
            continue
        for name, _, line in imports(m):
            top = name.split(".")[0]
            if top in STDLIB or top == "symgrad" or top in THIRD_PARTY[lay]:
                continue
            bad.append(f"{m}:{line} imports {name}")
    allowed = sorted(THIRD_PARTY[lay])
    assert not bad, f"the {lay} layer imports more than {allowed}:\n" + "\n".join(bad)


def test_showing_a_core_object_loads_no_numeric_or_interface_module():
    """Jupyter display of a core result goes through the presentation layer only.

    (SymPy itself imports mpmath, and python-flint as its ground types when installed,
    so those two are not counted.)"""
    import subprocess

    code = (
        "import sys\n"
        "from symgrad.core.chain import Chain\n"
        "from symgrad.core.derive import derive_layerwise\n"
        "html = derive_layerwise(Chain(3))._repr_html_()\n"
        "assert '<math' in html, html\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('numpy', 'jax', 'torch',"
        " 'matplotlib') or m.startswith(('symgrad.numeric', 'symgrad.analysis',"
        " 'symgrad.interfaces'))]\n"
        "print(' '.join(sorted(loaded)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"showing a core object loaded: {out.stdout.strip()}"


MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60  # code lines of one function, its docstring not counted


def test_modules_and_functions_are_small():
    big, long = [], []
    for m, path in MODULES.items():
        source = path.read_text(encoding="utf-8")
        if source.count("\n") > MAX_MODULE_LINES:
            big.append(f"{m}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            lines = node.end_lineno - node.lineno + 1
            doc = node.body[0] if node.body else None
            if isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant) \
                    and isinstance(doc.value.value, str):
                lines -= doc.end_lineno - doc.lineno + 1
            if lines > MAX_FUNCTION_LINES:
                long.append(f"{m}.{node.name} (line {node.lineno}): {lines} lines")
    assert not big and not long, "\n".join(big + long)
