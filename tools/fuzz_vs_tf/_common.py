"""Where the fuzz scripts write (FUZZ_OUT, default /tmp/fuzz_vs_tf) and how they load a program
module against either framework: its `import graphflow as tf` becomes `import <module> as tf`."""

import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.environ.get("FUZZ_OUT", "/tmp/fuzz_vs_tf")
os.makedirs(OUT, exist_ok=True)


def load_programs(name: str, module: str) -> dict:
    """The namespace of program module `name` (ops_programs, int_programs) bound to `module`."""
    with open(os.path.join(HERE, name + ".py")) as f:
        source = f.read().replace("import graphflow as tf", f"import {module} as tf")
    namespace = {"__name__": "fuzz_" + name}
    exec(compile(source, name + ".py", "exec"), namespace)  # noqa: S102  our own file
    return namespace
