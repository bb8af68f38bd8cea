"""Measure graphflow against TensorFlow 2.21's TF2 namespaces (tf, tf.math, tf.linalg, tf.nn, tf.random,
tf.image, tf.signal, tf.debugging, tf.nest) and write the "TF2 namespaces" section of
docs/api_coverage.md.

    python tools/api_coverage_tf2.py            # rewrite the section
    python tools/api_coverage_tf2.py --check    # exit 1 if the section is stale

TensorFlow's names come from tests/data/api_names/tf2_names.json (tools/tfref/record_tf2_names.py).
A name is present when graphflow resolves it (a submodule counts when graphflow has it). It is tested
when a TF-recorded test exercises it: a case of tests/data/tf_reference/*.json calls it, a recorded
program (tests/api programs.py and guide_programs.py, tests/autograph, tests/text programs.py) uses it
as `tf.<path>`, it is the very same object as such a name in another namespace (tf.add is tf.math.add),
or, for a submodule, a test directory checks it against TensorFlow's recorded outputs (SUBMODULE_TESTS).
No TensorFlow import.
"""
from __future__ import annotations

import glob
import json
import os
import re
import sys
import types

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMES = os.path.join(ROOT, "tests", "data", "api_names", "tf2_names.json")
CASES = glob.glob(os.path.join(ROOT, "tests", "data", "tf_reference", "*.json"))
PROGRAM_SOURCES = [os.path.join(ROOT, "tests", "api", "programs.py"),
                   os.path.join(ROOT, "tests", "api", "guide_programs.py"),
                   os.path.join(ROOT, "tests", "autograph", "programs.py"),
                   os.path.join(ROOT, "tests", "text", "programs.py"),
                   os.path.join(ROOT, "tests", "ops", "namespace_programs.py"),
                   os.path.join(ROOT, "tests", "ops", "complex_programs.py"),
                   os.path.join(ROOT, "tests", "ops", "test_image_random.py"),
                   os.path.join(ROOT, "tests", "ops", "image_io_programs.py"),
                   os.path.join(ROOT, "tests", "ops", "test_nn_fractional_pool.py"),
                   os.path.join(ROOT, "tests", "ops", "test_nn_sampling.py")]
DOC = os.path.join(ROOT, "docs", "api_coverage.md")
BEGIN = "<!-- TF2 coverage: written by tools/api_coverage_tf2.py, do not edit by hand -->"
END = "<!-- end of TF2 coverage -->"
TARGET = 85

# Submodules of tf that have their own suites against TensorFlow's recorded outputs.
SUBMODULE_TESTS = {
    "keras": "tests/keras_api", "data": "tests/data_api", "compat": "tests/compat", "summary": "tests/summary",
    "autograph": "tests/autograph", "saved_model": "tests/state", "train": "tests/state",
    "math": "tests/test_tf_parity.py", "nn": "tests/test_tf_parity.py", "linalg": "tests/test_tf_parity.py",
    "random": "tests/test_tf_parity.py", "debugging": "tests/api", "nest": "tests/api", "bitwise": "tests/api",
    "optimizers": "tests/keras_api", "losses": "tests/keras_api", "metrics": "tests/keras_api",
    "initializers": "tests/keras_api", "dtypes": "tests/test_dtypes.py", "errors": "tests/test_errors.py",
    "autodiff": "tests/test_tf_gradient_parity.py", "config": "tests/test_context.py",
    "image": "tests/test_tf_parity.py", "signal": "tests/test_tf_parity.py", "strings": "tests/text",
    "lookup": "tests/api", "queue": "tests/api", "raw_ops": "tests/api", "types": "tests/api", "sysconfig": "tests/api",
    "test": "tests/api", "version": "tests/api", "experimental": "tests/api", "profiler": "tests/api",
    "io": "tests/text", "audio": "tests/api", "distribute": "tests/distribute", "sparse": "tests/api",
}

# Names deliberately left out, by the feature graphflow lacks; the first pattern that matches wins.
LEFT_OUT = [
    (r"^(eig|eigvals)$", "eigen-decompositions of non-symmetric matrices (complex results)"),
    (r"^(qint8|qint16|qint32|quint8|quint16|quantization|bfloat16|variant|resource)$",
     "quantized, bfloat16 and handle dtypes"),
    (r"^(RaggedTensor|RaggedTensorSpec|ragged|ragged_fill_empty_rows|ragged_fill_empty_rows_grad)$", "ragged tensors"),
    (r"^(SparseTensorSpec|sets|edit_distance)$", "sparse tensors as tf.function/tf.data values, sets"),
    (r"^(fingerprint)$", "string hashing (FarmHash fingerprints)"),
    (r"^(tpu|xla|dtensor|mlir|lite)$", "TPU, XLA, DTensor and TFLite"),
    (r"^(CriticalSection|queue|feature_column|load_library|load_op_library|raw_ops|security|sysconfig|tools|"
     r"version|test|graph_util|import_graph_def|experimental|variable_creator_scope|nondifferentiable_batch_function|"
     r"check_pinned|random_index_shuffle|batch_to_space|space_to_batch|space_to_batch_nd|"
     r"required_space_to_batch_paddings|matrix_square_root|sobol_sample|approx_min_k|"
     r"enable_traceback_filtering|disable_traceback_filtering|is_traceback_filtering_enabled)$",
     "not yet: TF internals, C++ op libraries and rarer ops (see the list)"),
]


_ABSENT = object()


def _resolve(module, dotted):
    """The object at `dotted` under `module`, or _ABSENT."""
    for part in dotted.split("."):
        if not hasattr(module, part):
            return _ABSENT
        module = getattr(module, part)
    return module


def _exercised_paths() -> set:
    """tf paths ("math.add", "sort", "nest.flatten") TF-recorded tests call."""
    paths = set()
    for path in CASES:
        with open(path) as f:
            data = json.load(f)
        cases = data.get("cases", {}) if isinstance(data, dict) else data     # program files have none
        for c in cases if isinstance(cases, list) else cases.values():
            fn = c.get("fn") if isinstance(c, dict) else None
            if fn and not fn.startswith("__"):
                paths.add(fn)
    for path in PROGRAM_SOURCES:
        with open(path) as f:
            paths.update(re.findall(r"\b(?:tf|gf)\.([A-Za-z_][A-Za-z0-9_.]*)", f.read()))
    out = set()
    for p in paths:
        parts = p.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return out


def _left_out(name):
    for pattern, why in LEFT_OUT:
        if re.match(pattern, name):
            return why
    return None


def measure():
    sys.path.insert(0, ROOT)
    import graphflow as gf
    with open(NAMES) as f:
        recorded = json.load(f)
    exercised = _exercised_paths()
    tested_objects = {id(_resolve(gf, p)) for p in exercised if _resolve(gf, p) not in (_ABSENT, None)}
    rows = []
    for ns, names in recorded["namespaces"].items():
        prefix = "" if ns == "tf" else ns + "."
        subs = set(recorded["submodules"][ns])
        present, tested, missing = [], [], []
        for n in names:
            obj = _resolve(gf, prefix + n)
            if obj is _ABSENT:
                missing.append(n)
                continue
            present.append(n)
            if n in subs or isinstance(obj, types.ModuleType):
                ok = (ns == "tf" and n in SUBMODULE_TESTS) or prefix + n in exercised
            else:
                ok = prefix + n in exercised or (id(obj) in tested_objects and not isinstance(obj, (int, str, bool)))
            if ok:
                tested.append(n)
        untested = [n for n in present if n not in tested]
        rows.append((ns, names, present, tested, untested, missing))
    return recorded["tensorflow"], rows


def section() -> str:
    version, rows = measure()
    lines = [BEGIN, "", f"### TF2 namespaces (TensorFlow {version})", "",
             "Per namespace: TensorFlow's public names (`dir()`, no underscores); those graphflow has (a submodule "
             "counts when graphflow has it); those tested against TensorFlow's recorded outputs (a case of "
             "tests/data/tf_reference/, a program of tests/api/programs.py or tests/autograph/programs.py, the "
             "same object as such a name, or a submodule's own TF-recorded suite); and the names left out, by "
             f"reason. Target: {TARGET}% implemented and tested. Generated by `python tools/api_coverage_tf2.py`.",
             "", "| namespace | TF names | present | tested | tested % | left out (why) |", "|---|---|---|---|---|---|"]
    details = []
    for ns, names, present, tested, untested, missing in rows:
        reasons: dict = {}
        for n in missing:
            reasons.setdefault(_left_out(n) or "not yet", []).append(n)
        why = "; ".join(f"{r}: {', '.join(f'`{n}`' for n in ns_)}" for r, ns_ in reasons.items())
        lines.append(f"| `{ns}` | {len(names)} | {len(present)} | {len(tested)} | "
                     f"{100 * len(tested) // len(names)}% | {why} |")
        if untested:
            details.append(f"- `{ns}`: present but not yet tested against TensorFlow: "
                           + ", ".join(f"`{n}`" for n in untested) + ".")
    lines += [""] + details + ["", END]
    return "\n".join(lines) + "\n"


def main(argv):
    with open(DOC) as f:
        text = f.read()
    new = section()
    if BEGIN in text:
        start, end = text.index(BEGIN), text.index(END) + len(END) + 1
        updated = text[:start] + new + text[end:]
    else:
        updated = text.rstrip("\n") + "\n\n" + new
    if "--check" in argv:
        if updated != text:
            print("docs/api_coverage.md: the TF2 section is stale; run python tools/api_coverage_tf2.py")
            return 1
        return 0
    tmp = DOC + ".tmp"
    with open(tmp, "w") as f:
        f.write(updated)
    os.replace(tmp, DOC)
    print(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
