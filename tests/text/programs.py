"""Text programs run under both TensorFlow (tools/tfref/record_text.py) and graphflow
(tests/text/test_text.py): each takes the `tf` module and a scratch directory and returns
plain Python values (lists, str, numbers) to compare."""
import gzip
import os

import numpy as np

TEXTS = ["The cat sat.", "The dog sat on the mat!", "A cat, a dog.", "  Ünïcode   words  ", "The the THE"]


def _py(x):
    x = x.numpy() if hasattr(x, "numpy") else x
    if isinstance(x, np.ndarray):
        return [_py(v) for v in x] if x.ndim else _py(x[()])
    if isinstance(x, bytes):
        return x.decode("utf-8", errors="replace")
    if isinstance(x, (np.floating, float)):
        return round(float(x), 5)
    if isinstance(x, (np.integer, np.bool_)):
        return x.item()
    if isinstance(x, (list, tuple)):
        return [_py(v) for v in x]
    if isinstance(x, dict):
        return {k: _py(v) for k, v in x.items()}
    return x


def string_ops(tf, tmp):
    s = tf.constant(TEXTS)
    return {
        "lower": _py(tf.strings.lower(s)), "upper_utf8": _py(tf.strings.upper(s, encoding="utf-8")),
        "strip": _py(tf.strings.strip(s)), "length": _py(tf.strings.length(s)),
        "length_chars": _py(tf.strings.length(s, unit="UTF8_CHAR")),
        "regex_replace": _py(tf.strings.regex_replace(s, r"[aeiou]", "_")),
        "regex_first": _py(tf.strings.regex_replace(s, r"(\w+) (\w+)", r"\2 \1", replace_global=False)),
        "full_match": _py(tf.strings.regex_full_match(s, r"The.*")),
        "to_number": _py(tf.strings.to_number(["1.5", "-2", "3e2"])),
        "to_int": _py(tf.strings.to_number(["7", "-12"], out_type=tf.int64)),
        "as_string": _py(tf.strings.as_string([1.5, -2.0])), "as_string_int": _py(tf.strings.as_string([3, -4])),
        "as_string_prec": _py(tf.strings.as_string([1.23456], precision=2)),
        "as_string_bool": _py(tf.strings.as_string([True, False])),
        "join": _py(tf.strings.join([s, "!"], separator="-")),
        "reduce_join": _py(tf.strings.reduce_join([["a", "b"], ["c", "d"]], axis=1, separator=",")),
        "reduce_join_all": _py(tf.strings.reduce_join(["a", "b", "c"])),
        "substr": _py(tf.strings.substr(s, 1, 3)),
        "equal": _py(tf.equal(s, "The cat sat.")), "gather": _py(tf.gather(s, [2, 0])),
        "reshape": _py(tf.reshape(s[:4], [2, 2])), "concat": _py(tf.concat([s[:1], s[1:2]], 0)),
        "where": _py(tf.where(tf.equal(s, "The the THE"), s, "other")),
    }


def string_ops_in_function(tf, tmp):
    @tf.function
    def clean(x):
        return tf.strings.regex_replace(tf.strings.lower(x), r"[^a-z ]", ""), tf.strings.length(x)
    return _py(clean(tf.constant(TEXTS)))


def lookup_table(tf, tmp):
    table = tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer(["cat", "dog", "mat"], [1, 2, 3], value_dtype=tf.int64), -1)
    return {"lookup": _py(table.lookup(tf.constant([["cat", "cow"], ["mat", "dog"]]))), "size": _py(table.size())}


def _write_files(tmp):
    plain = os.path.join(tmp, "a.txt")
    with open(plain, "w", newline="") as f:
        f.write("first line\nsecond, with comma\r\n\nlast without newline")
    other = os.path.join(tmp, "b.txt")
    with open(other, "w") as f:
        f.write("b1\nb2\nb3\n")
    packed = os.path.join(tmp, "c.txt.gz")
    with gzip.open(packed, "wb") as f:
        f.write(b"zipped one\nzipped two\n")
    csv_path = os.path.join(tmp, "rows.csv")
    with open(csv_path, "w") as f:
        f.write("name,age,city\nann,31,Paris\nbob,,Rome\ncy,25,\n")
    return plain, other, packed, csv_path


def text_files(tf, tmp):
    plain, other, packed, csv_path = _write_files(tmp)
    lines = tf.data.TextLineDataset(plain)
    both = tf.data.TextLineDataset([plain, other], num_parallel_reads=2)
    zipped = tf.data.TextLineDataset(packed, compression_type="GZIP")
    words = lines.map(lambda line: tf.strings.length(line))
    csv = tf.data.experimental.make_csv_dataset(csv_path, batch_size=3, shuffle=False, num_epochs=1)
    rows = tf.data.experimental.CsvDataset(csv_path, [tf.string, tf.constant(0, tf.int32), ""], header=True)
    listed = tf.data.Dataset.list_files(os.path.join(tmp, "*.txt"), shuffle=False)
    return {
        "lines": _py(list(lines.as_numpy_iterator())), "interleaved": _py(list(both.as_numpy_iterator())),
        "gzip": _py(list(zipped.as_numpy_iterator())), "lengths": _py(list(words.as_numpy_iterator())),
        "csv": _py([dict(b) for b in csv.as_numpy_iterator()]), "csv_rows": _py(list(rows.as_numpy_iterator())),
        "listed": [os.path.basename(p) for p in _py(list(listed.as_numpy_iterator()))],
        "batched": _py(list(lines.batch(3).as_numpy_iterator())),
    }


def string_lookup(tf, tmp):
    keras = tf.keras
    out = {}
    given = keras.layers.StringLookup(vocabulary=["a", "b", "c"])
    out["given"] = _py(given(tf.constant([["a", "z"], ["c", "b"]])))
    out["given_vocab"] = given.get_vocabulary()
    learnt = keras.layers.StringLookup(max_tokens=4)
    learnt.adapt(["x", "y", "y", "z", "z", "z", "w", "w", "w"])
    out["learnt_vocab"] = learnt.get_vocabulary()
    out["learnt"] = _py(learnt(tf.constant(["z", "q", "x"])))
    masked = keras.layers.StringLookup(vocabulary=["a", "b"], mask_token="", num_oov_indices=1)
    out["masked"] = _py(masked(tf.constant(["", "a", "q"])))
    out["masked_vocab"] = masked.get_vocabulary()
    out["multi_hot"] = _py(keras.layers.StringLookup(vocabulary=["a", "b", "c"], output_mode="multi_hot")(
        tf.constant([["a", "c"], ["q", "q"]])))
    out["count"] = _py(keras.layers.StringLookup(vocabulary=["a", "b"], output_mode="count")(
        tf.constant([["a", "a", "b"]])))
    out["one_hot"] = _py(keras.layers.StringLookup(vocabulary=["a", "b"], output_mode="one_hot")(
        tf.constant(["b", "z"])))
    out["inverted"] = _py(keras.layers.StringLookup(vocabulary=["a", "b", "c"], invert=True)(tf.constant([1, 3, 0])))
    tfidf = keras.layers.StringLookup(output_mode="tf_idf")
    tfidf.adapt(tf.constant([["a", "b"], ["a", "c"], ["a", "a"]]))
    out["tf_idf_vocab"] = tfidf.get_vocabulary()
    out["tf_idf"] = _py(tfidf(tf.constant([["a", "c"], ["b", "q"]])))
    return out


def text_vectorization(tf, tmp):
    keras = tf.keras
    out = {}
    docs = np.array(TEXTS)
    ints = keras.layers.TextVectorization(max_tokens=10, output_sequence_length=6)
    ints.adapt(docs)
    out["int_vocab"] = ints.get_vocabulary()
    out["int"] = _py(ints(docs))
    out["int_column"] = _py(ints(tf.constant([["Cat UNSEEN dog"]])))
    ragged_len = keras.layers.TextVectorization()
    ragged_len.adapt(docs)
    out["padded_to_longest"] = _py(ragged_len(docs[:2]))
    for mode in ("multi_hot", "count", "tf_idf"):
        layer = keras.layers.TextVectorization(output_mode=mode, ngrams=2)
        layer.adapt(tf.data.Dataset.from_tensor_slices(docs).batch(2))
        out[f"{mode}_vocab"] = layer.get_vocabulary()
        out[mode] = _py(layer(docs[:3]))
    chars = keras.layers.TextVectorization(split="character", standardize="lower", output_sequence_length=8)
    chars.adapt(["abc ab", "ba"])
    out["char_vocab"] = chars.get_vocabulary()
    out["char"] = _py(chars(tf.constant(["cab", "a b"])))
    given = keras.layers.TextVectorization(vocabulary=["sat", "cat", "the"], output_sequence_length=4,
                                           standardize=None)
    out["given"] = _py(given(tf.constant(["the cat sat", "The cat"])))
    return out


def text_directory(tf, tmp):
    for label, words in (("pos", ["good", "great", "fine", "nice"]), ("neg", ["bad", "awful", "poor"])):
        os.makedirs(os.path.join(tmp, "reviews", label))
        for i, w in enumerate(words):
            with open(os.path.join(tmp, "reviews", label, f"{i}.txt"), "w") as f:
                f.write(f"a {w} film number {i}")
    root = os.path.join(tmp, "reviews")
    plain = tf.keras.utils.text_dataset_from_directory(root, batch_size=3, shuffle=False, max_length=8,
                                                        verbose=False)
    train, val = tf.keras.utils.text_dataset_from_directory(root, batch_size=None, seed=5, validation_split=0.3,
                                                            subset="both", label_mode="binary", verbose=False)
    return {"class_names": plain.class_names, "plain": _py(list(plain.as_numpy_iterator())),
            "train": sorted(_py(list(train.as_numpy_iterator()))), "val": sorted(_py(list(val.as_numpy_iterator())))}


def io_ops(tf, tmp):
    import base64
    import hashlib
    path = os.path.join(tmp, "sub", "blob.bin")
    tf.io.write_file(path, b"\x01\x00\x02\x00hello")
    blob = tf.io.read_file(path)
    records = os.path.join(tmp, "data.tfrecord")
    with tf.io.TFRecordWriter(records) as writer:
        for r in (b"first", b"", b"third record"):
            writer.write(r)
    with open(records, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    serialized = tf.io.serialize_tensor(tf.constant([[1.5, -2.0], [0.25, 8.0]]))
    ints = tf.io.serialize_tensor(tf.constant([3, 4], tf.int64))
    texts = tf.io.serialize_tensor(tf.constant(["a", "bc"]))
    fields = tf.io.decode_csv(["1,2.5,x", "4,,y"], [[0], [1.0], ["z"]])
    with tf.io.gfile.GFile(os.path.join(tmp, "g.txt"), "w") as f:
        f.write("gfile text\nline two\n")
    with tf.io.gfile.GFile(os.path.join(tmp, "g.txt")) as f:
        lines = f.readlines()
    return {
        "read": _py(blob), "raw": _py(tf.io.decode_raw(blob, tf.uint8)),
        "raw16": _py(tf.io.decode_raw(tf.strings.substr(blob, 0, 4), tf.int16)),
        "base64": _py(tf.io.encode_base64(["hello world?", "ÿþ"])),
        "base64_pad": _py(tf.io.encode_base64(["hi"], pad=True)),
        "unbase64": _py(tf.io.decode_base64(tf.io.encode_base64(["round trip"]))),
        "tfrecord_sha256": digest, "tfrecords": _py(list(tf.data.TFRecordDataset(records).as_numpy_iterator())),
        "serialized": base64.b64encode(serialized.numpy()).decode(),
        "serialized_int64": base64.b64encode(ints.numpy()).decode(),
        "serialized_text": base64.b64encode(texts.numpy()).decode(),
        "parsed": _py(tf.io.parse_tensor(serialized, tf.float32)),
        "parsed_text": _py(tf.io.parse_tensor(texts, tf.string)),
        "csv": [_py(f) for f in fields],
        "matching": [os.path.basename(p) for p in _py(tf.io.matching_files(os.path.join(tmp, "*.t*")))],
        "gfile_lines": lines, "gfile_exists": tf.io.gfile.exists(os.path.join(tmp, "g.txt")),
        "gfile_glob": [os.path.basename(p) for p in tf.io.gfile.glob(os.path.join(tmp, "*.txt"))],
        "gfile_isdir": tf.io.gfile.isdir(os.path.join(tmp, "sub")),
    }


def v1_text_io(tf, tmp):
    v1 = tf.compat.v1
    path = os.path.join(tmp, "records.tfr")
    with v1.python_io.TFRecordWriter(path) as writer:
        writer.write(b"one")
        writer.write(b"two")
    with v1.gfile.GFile(os.path.join(tmp, "n.txt"), "w") as f:
        f.write("3.5")
    return {
        "records": _py(list(v1.python_io.tf_record_iterator(path))),
        "exists": v1.gfile.Exists(path), "listed": sorted(v1.gfile.ListDirectory(tmp)),
        "number": _py(v1.string_to_number(v1.read_file(os.path.join(tmp, "n.txt")))),
        "joined": _py(v1.string_join([["a", "b"], "c"], separator="+")), "sub": _py(v1.substr("hello", 1, 3)),
        "csv": [_py(t) for t in v1.decode_csv(["7,x"], [[0], [""]])],
    }


def image_codecs(tf, tmp):
    rgb = tf.constant(np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3) * 13)
    png = tf.io.encode_png(rgb)
    gray = tf.io.encode_png(rgb[:, :, :1])
    return {
        "png_roundtrip": _py(tf.io.decode_png(png)), "png_as_gray": _py(tf.io.decode_png(png, channels=1)),
        "image": _py(tf.io.decode_image(png)), "gray_to_rgb": _py(tf.io.decode_image(gray, channels=3)),
        "float": _py(tf.io.decode_image(png, dtype=tf.float32)[0, 1]), "gray_shape": list(tf.io.decode_png(gray).shape),
        "jpeg_shape": list(tf.io.decode_jpeg(tf.io.encode_jpeg(rgb)).shape),
    }


def image_directory(tf, tmp):
    rng = np.random.default_rng(5)
    for label, count in (("cats", 3), ("dogs", 2)):
        os.makedirs(os.path.join(tmp, "pets", label))
        for i in range(count):
            pixels = rng.integers(0, 256, (6, 8, 3)).astype(np.uint8)
            with open(os.path.join(tmp, "pets", label, f"{i}.png"), "wb") as f:
                f.write(tf.io.encode_png(tf.constant(pixels)).numpy())
    root = os.path.join(tmp, "pets")
    plain = tf.keras.utils.image_dataset_from_directory(root, image_size=(4, 4), batch_size=2, shuffle=False,
                                                         verbose=False)
    gray = tf.keras.utils.image_dataset_from_directory(root, image_size=(3, 5), batch_size=None, shuffle=False,
                                                        color_mode="grayscale", label_mode="categorical",
                                                        verbose=False)
    train, val = tf.keras.utils.image_dataset_from_directory(root, image_size=(2, 2), seed=9, validation_split=0.4,
                                                             subset="both", verbose=False)
    return {"class_names": plain.class_names, "plain": _py(list(plain.as_numpy_iterator())),
            "gray_first": _py(next(iter(gray.as_numpy_iterator()))),
            "train_files": sorted(os.path.basename(os.path.dirname(p)) + "/" + os.path.basename(p)
                                  for p in train.file_paths),
            "val_files": sorted(os.path.basename(os.path.dirname(p)) + "/" + os.path.basename(p)
                                for p in val.file_paths)}


PROGRAMS = {f.__name__: f for f in (string_ops, string_ops_in_function, lookup_table, text_files, string_lookup,
                                     text_vectorization, text_directory, io_ops,
                                     v1_text_io, image_codecs, image_directory)}
