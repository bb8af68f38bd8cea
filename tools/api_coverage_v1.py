"""Measure graphflow.compat.v1 against TensorFlow 2.21's tf.compat.v1 names and write the
"compat.v1" section of docs/api_coverage.md.

    python tools/api_coverage_v1.py            # rewrite the section
    python tools/api_coverage_v1.py --check    # exit 1 if the section is stale

TensorFlow's names come from tests/data/compat_v1/tf_names.json (tools/tfref/record_v1_names.py).
A name counts as present when graphflow.compat.v1 resolves it, and as tested when a test under
tests/compat/ uses it as `tf.<namespace>.<name>` (those tests compare with TensorFlow's recorded
outputs). No TensorFlow import.
"""
from __future__ import annotations

import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMES = os.path.join(ROOT, "tests", "data", "compat_v1", "tf_names.json")
TESTS = os.path.join(ROOT, "tests", "compat")
DOC = os.path.join(ROOT, "docs", "api_coverage.md")
BEGIN = "<!-- compat.v1 coverage: written by tools/api_coverage_v1.py, do not edit by hand -->"
END = "<!-- end of compat.v1 coverage -->"

# The v1-only machinery issue 12 lists (item 1): the target is 85% of these implemented and tested.
V1_ONLY = (
    "variable_scope get_variable get_variable_scope AUTO_REUSE VariableScope zeros_initializer ones_initializer "
    "constant_initializer glorot_uniform_initializer glorot_normal_initializer truncated_normal_initializer "
    "random_normal_initializer random_uniform_initializer variance_scaling_initializer orthogonal_initializer "
    "GraphKeys add_to_collection get_collection get_collection_ref global_variables trainable_variables "
    "local_variables Dimension layers.dense layers.conv2d layers.max_pooling2d layers.average_pooling2d "
    "layers.dropout layers.batch_normalization layers.flatten losses.softmax_cross_entropy "
    "losses.sparse_softmax_cross_entropy losses.mean_squared_error losses.absolute_difference "
    "losses.sigmoid_cross_entropy losses.huber_loss losses.log_loss losses.Reduction "
    "nn.softmax_cross_entropy_with_logits nn.softmax_cross_entropy_with_logits_v2 "
    "nn.sigmoid_cross_entropy_with_logits nn.sparse_softmax_cross_entropy_with_logits nn.dropout nn.softmax "
    "nn.l2_normalize nn.moments train.GradientDescentOptimizer train.MomentumOptimizer train.AdamOptimizer "
    "train.RMSPropOptimizer train.AdagradOptimizer train.AdadeltaOptimizer train.FtrlOptimizer "
    "train.get_or_create_global_step train.exponential_decay train.polynomial_decay train.piecewise_constant "
    "train.cosine_decay train.inverse_time_decay train.natural_exp_decay train.ExponentialMovingAverage "
    "metrics.accuracy metrics.mean assign assign_add scatter_update scatter_add Print to_float to_int32 "
    "enable_tensor_equality disable_tensor_equality disable_v2_behavior InteractiveSession placeholder "
    "placeholder_with_default global_variables_initializer local_variables_initializer").split()

LEFT_OUT = {
    "compat.v1": "string, sparse and ragged tensors, queues and readers, TF protos (GraphDef, "
                 "MetaGraphDef, ...), summaries, devices and distribution; the TF2 ops missing from graphflow",
    "train": "MonitoredSession and hooks, queue runners and input producers, "
             "distributed training (Server, ClusterSpec, SyncReplicasOptimizer), tf.Example protos",
    "nn": "RNN cells and rnn functions, CTC, candidate samplers, quantized ops; convolutions and pools "
          "other than 2-D NHWC",
    "layers": "1-D/3-D, transposed and separable layers, InputSpec",
    "metrics": "the thresholded and top-k metrics (auc, precision, recall, ...)",
}


def _resolve(module, dotted):
    for part in dotted.split("."):
        if not hasattr(module, part):
            return False
        module = getattr(module, part)
    return True


def _tested_paths():
    used = set()
    for name in sorted(os.listdir(TESTS)):
        if name.endswith(".py"):
            with open(os.path.join(TESTS, name)) as f:
                used.update(re.findall(r"\btf\.([A-Za-z_][A-Za-z0-9_.]*)", f.read()))
    paths = set()
    for u in used:
        parts = u.split(".")
        paths.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return paths


def _get(module, dotted):
    for part in dotted.split("."):
        module = getattr(module, part)
    return module


def section() -> str:
    sys.path.insert(0, ROOT)
    import graphflow as gf
    import graphflow.compat.v1 as v1
    with open(NAMES) as f:
        recorded = json.load(f)
    tested = _tested_paths()
    lines = [BEGIN, "", f"### tf.compat.v1 (TensorFlow {recorded['tensorflow']})", "",
             "Per namespace: TensorFlow's public names; those `graphflow.compat.v1` has; those a test under "
             "tests/compat/ uses (those tests compare with TensorFlow's recorded outputs); and, of the rest, "
             "those that are the very same object as graphflow's TF2 name (`gf.add`, `gf.math.exp`...), "
             "checked by the TF2 parity suites. Generated by `python tools/api_coverage_v1.py`.", "",
             "| namespace | TF names | present | tested in tests/compat | same object as the TF2 name | "
             "left out (why) |", "|---|---|---|---|---|---|"]
    all_tested = []
    for ns, names in recorded["namespaces"].items():
        prefix = "" if ns == "compat.v1" else ns + "."
        present = [n for n in names if _resolve(v1, prefix + n)]
        done = [prefix + n for n in present if prefix + n in tested]
        shared = [n for n in present if prefix + n not in tested and _resolve(gf, prefix + n)
                  and _get(gf, prefix + n) is _get(v1, prefix + n)]
        all_tested += done
        lines.append(f"| `{ns}` | {len(names)} | {len(present)} | {len(done)} | {len(shared)} | "
                     f"{LEFT_OUT.get(ns, '')} |")
    done = [n for n in V1_ONLY if _resolve(v1, n) and n in tested]
    untested = [n for n in V1_ONLY if n not in done]
    lines += ["", f"**The v1-only names issue 12 lists**: {len(done)} of {len(V1_ONLY)} implemented and tested "
              f"({100 * len(done) // len(V1_ONLY)}%)" + (f"; not yet: {', '.join(untested)}." if untested else "."),
              "", "Names tested in tests/compat: " + ", ".join(f"`{n}`" for n in sorted(all_tested)) + ".",
              "", END]
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
            print("docs/api_coverage.md: the compat.v1 section is stale; run python tools/api_coverage_v1.py")
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
