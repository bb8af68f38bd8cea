"""The house's layers (docs/design.md): every import inside graphflow/, function-local ones too,
points down the floors below, and no group of modules imports itself in a circle."""
import ast
import pathlib

import networkx as nx

ROOT = pathlib.Path(__file__).resolve().parents[1] / "graphflow"

# Bottom to top. A module belongs to the floor of the longest prefix it starts with; a floor may
# import its own floor and those below. Three rooms stand apart from their folder's floor:
# `eager.tensor` is the EagerTensor value type that op dispatch creates (ground floor, with the
# Tensor base class); `eager.tape` records for and calls autodiff.backprop (autodiff floor), and
# `eager.jacobian` (GradientTape.jacobian) and `eager.forward_accumulator` (jvps) build on it;
# `graph.session` and `graph.func_graph` run plans built by the compiler driver (function floor,
# with gf.function, whose traces are FuncGraphs).
# `explain` reports what the compiler does to a gf.function and `Function.explain` calls it.
# `autograph` converts the functions gf.function traces; its operators build gf.cond/while_loop.
FLOORS = [
    ("dtypes", "shapes", "errors", "context", "config", "nest", "tensor", "tensor_spec", "eager.tensor", "atomic_file",
     "threading_config", "blas_threads", "host_memory", "cpu_load"),
    ("ops",),
    ("variables", "random_generator"),
    ("graph", "eager"),
    ("autodiff", "eager.tape", "eager.jacobian", "eager.forward_accumulator"),
    ("passes",),
    ("kernels",),
    ("compiler",),
    ("function", "autograph", "graph.func_graph", "graph.session", "explain", "namespaces"),
    ("data", "train", "checkpoint", "saved_model", "summary", "onnx", "distribute", "compat", "module", "testing"),
    ("keras_api",),
    ("bench", "cli", "profiler"),
]


def _floor(module: str) -> int:
    name = module.removeprefix("graphflow.")
    floors = [(len(p), i) for i, prefixes in enumerate(FLOORS) for p in prefixes
              if name == p or name.startswith(p + ".")]
    assert floors, f"{module} is on no floor: add it to FLOORS in {__file__}"
    return max(floors)[1]


def _modules() -> dict:
    """Every module but `graphflow/__init__.py`, the public namespace that re-exports every floor."""
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if name != "graphflow":
            found[name] = (path, parts[-1] == "__init__")
    return found


def _import_graph() -> nx.DiGraph:
    """module -> module it imports (a name imported from a package counts as its submodule)."""
    modules, graph = _modules(), nx.DiGraph()
    for name, (path, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package.rsplit(".", node.level - 1)[0] if node.level else node.module
                base = f"{base}.{node.module}" if node.level and node.module else base
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            else:
                continue
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph.add_edge(name, target)
    return graph


def test_imports_only_point_down_the_floors():
    graph = _import_graph()
    upward = {f"{a} -> {b}" for a, b in graph.edges if _floor(a) < _floor(b)}
    assert upward == set()


def test_no_module_imports_itself_in_a_circle():
    circles = {frozenset(c) for c in nx.simple_cycles(_import_graph())}
    assert circles == set()
