"""Record TensorFlow 2.21's outputs for the programs of tests/ops/image_io_programs.py (tf.image's codecs
on the files of tests/data/image_io/, JPEG re-compression, resize methods, random flips) into
tests/data/tf_reference/image_io.{json,npz}, which tests/ops/test_image_io.py replays in graphflow.

    /work/tfvenv/bin/python tools/tfref/record_image_io.py [-v]

The fixture files come from tools/tfref/make_image_io_fixtures.py (run with the project's Python: this
venv has no Pillow). Animated WebP is not recorded: TensorFlow 2.21's DecodeWebP aborts the process
(heap corruption) on the animation Pillow writes.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import record_ops as R  # noqa: E402

tf = R.tf
FILES = os.path.join(R.ROOT, "tests", "data", "image_io")
OUT = os.path.join(R.OUT_DIR, "image_io")


def _read(name):
    with open(os.path.join(FILES, name), "rb") as f:
        return f.read()


def main():
    sys.path.insert(0, os.path.join(R.ROOT, "tests", "ops"))
    from image_io_programs import ERRORS, PROGRAMS
    programs, errors, arrays = {}, {}, {}
    for name, (files, fn) in sorted(PROGRAMS.items()):
        out = fn(tf, *[tf.constant(_read(f)) for f in files])
        programs[name] = {}
        for key, t in sorted(out.items()):
            arrays["%s/%s" % (name, key)] = t.numpy()
            programs[name][key] = {"dtype": t.dtype.name, "shape": t.shape.as_list()}
    for name, (files, fn) in sorted(ERRORS.items()):
        try:
            fn(tf, *[tf.constant(_read(f)) for f in files])
            errors[name] = None
        except Exception as e:  # noqa: BLE001 -- the class name is the record
            errors[name] = type(e).__name__
            if "-v" in sys.argv:
                print("  %s -> %s: %s" % (name, type(e).__name__, str(e).splitlines()[0][:160]))
    R._atomic_write_bytes(OUT + ".json", R._json_bytes({"tensorflow": tf.__version__, "programs": programs,
                                                        "errors": errors}))
    R._atomic_write_bytes(OUT + ".npz", R._npz_bytes(arrays))
    print("programs: %d, arrays: %d, errors: %d" % (len(programs), len(arrays), len(errors)))


if __name__ == "__main__":
    main()
