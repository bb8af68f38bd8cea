"""Record TensorFlow's gf.config.threading semantics for tests/test_threading_config.py.

Run with TF 2.21: `/path/to/tf/bin/python tools/tfref/record_threading.py`; writes
tests/data/threading/tf_threading.json (the defaults, the errors after the runtime started, and
ConfigProto's defaults and unknown-field error).
"""
import json
import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "threading" / "tf_threading.json"


def error_of(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return str(e)
    return None


def main():
    t = tf.config.threading
    rec = {"tensorflow": tf.__version__,
           "defaults": [t.get_intra_op_parallelism_threads(), t.get_inter_op_parallelism_threads()]}
    t.set_intra_op_parallelism_threads(2)
    t.set_inter_op_parallelism_threads(3)
    rec["set_before_init"] = [t.get_intra_op_parallelism_threads(), t.get_inter_op_parallelism_threads()]
    _ = tf.constant(1.0) + 1.0                       # the runtime starts
    rec["same_value_after_init"] = error_of(lambda: t.set_intra_op_parallelism_threads(2))
    rec["after_init_intra"] = error_of(lambda: t.set_intra_op_parallelism_threads(1))
    rec["after_init_inter"] = error_of(lambda: t.set_inter_op_parallelism_threads(1))
    rec["config_proto_default"] = tf.compat.v1.ConfigProto().intra_op_parallelism_threads
    rec["config_proto_unknown_field"] = error_of(lambda: tf.compat.v1.ConfigProto(intra_threads=1))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(json.dumps(rec, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, OUT)
    print(json.dumps(rec, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
