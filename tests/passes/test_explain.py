"""graphflow.explain and `graphflow explain`: passes, fusion groups, kernel sources, plan, DOT."""
import graphflow as gf
from graphflow.cli import main
from graphflow.explain import explain


def gelu(x):
    return 0.5 * x * (1.0 + gf.tanh(0.7978845608 * (x + 0.044715 * x * x * x)))


def test_explain_shows_every_pass_the_groups_and_the_kernel():
    e = explain(gelu, ((1024,), gf.float32))
    assert [s.name for s in e.stages][0] == "input" and "fusion" in [s.name for s in e.stages]
    assert e.stages[-1].op_counts.get("FusedElementwise") == 1
    assert e.groups[0]["members"].count("Tanh") == 1
    (name, source), = e.kernels
    assert "fast_tanh" in source and "def kernel(" in source
    assert "def run(feeds):" in e.plan_source
    assert e.dot.startswith("digraph") and "FusedElementwise" in e.dot
    text = str(e)
    assert "== fusion groups ==" in text and "== plan ==" in text


def test_explain_a_graph_with_fetches():
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.float32, [4, 3])
        y = gf.reduce_mean(gf.square(x), axis=0)
    e = explain(g, fetches=[y])
    assert e.groups[0]["reduce_axes"] == (0,)


def test_explain_honours_pass_switches():
    e = explain(gelu, ((16,), gf.float32), options={"fusion": False})
    assert "FusedElementwise" not in e.stages[-1].op_counts and not e.kernels


def test_the_cli_explains_a_built_in_example(capsys):
    assert main(["explain", "W2", "--final-only", "--no-kernels"]) == 0
    out = capsys.readouterr().out
    assert "merged=99" in out and "FusedElementwise" in out


def test_the_cli_explains_a_function_in_a_file(tmp_path, capsys):
    path = tmp_path / "model.py"
    path.write_text("import graphflow as gf\n\ndef f(x, y):\n    return gf.exp(x) * y\n")
    svg = tmp_path / "g.svg"
    assert main(["explain", f"{path}:f", "--input", "8:float32", "--input", "8", "--svg", str(svg)]) == 0
    assert "Exp" in capsys.readouterr().out
    assert svg.read_text().lstrip().startswith(("<", "digraph"))
