"""What building the expression interpreter costs, and how it grows with its opcodes.

Compiles the float32 interpreter's module (kernels/exprvm.py) keeping only its first N opcodes,
each variant in a new process with an empty cache, and prints the CPU seconds of the compile
(numba's one-time set-up in the process is measured apart). The full build is what a toolchain
pays once per register dtype before plans can use the interpreter.

    python benchmarks/exprvm_build_cost.py [N ...]      # default: 10 30 60
"""
import json
import os
import subprocess
import sys
import tempfile

CHILD = r'''
import importlib.util, json, os, re, sys, time
from numba import njit
from graphflow.kernels import exprvm
n = int(sys.argv[1])
c0 = time.process_time()
njit("void(float32[:])")(lambda a: None)           # numba's first-compile set-up, apart
setup = time.process_time() - c0
lines, keep = [], True
for line in exprvm.source("float32").source.split("\n"):
    m = re.match(r"            elif op == (\d+):", line)
    if m:
        keep = int(m.group(1)) < 2 + n                # opcodes are numbered from 2
    if keep:
        lines.append(line)
path = os.path.join(sys.argv[2], f"exprvm_first{n}.py")
with open(path, "w") as f:
    f.write("\n".join(lines).replace("cache=True", "cache=False") + "\n")
spec = importlib.util.spec_from_file_location(f"exprvm_first{n}", path)
mod = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = mod
c0 = time.process_time()
spec.loader.exec_module(mod)
print(json.dumps({"opcodes": min(n, len(exprvm.opcodes("float32"))), "compile_cpu_s": time.process_time() - c0,
                  "numba_setup_cpu_s": setup}))
'''


def main(counts) -> None:
    for n in counts:
        with tempfile.TemporaryDirectory(prefix="graphflow-exprvm-build-") as tmp:
            env = dict(os.environ, GRAPHFLOW_CACHE_DIR=tmp)
            out = subprocess.run([sys.executable, "-c", CHILD, str(n), tmp], env=env, capture_output=True,
                                 text=True, check=True).stdout
            fig = json.loads(out.strip().splitlines()[-1])
            print(f"{fig['opcodes']:3d} opcodes: compile {fig['compile_cpu_s']:.2f} s CPU "
                  f"(numba set-up {fig['numba_setup_cpu_s']:.2f} s apart); load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10, 30, 60])
