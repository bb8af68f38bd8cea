"""Text preprocessing: StringLookup (strings to contiguous ids) and TextVectorization (raw text
to token ids or bag-of-words vectors), with vocabularies learnt by `adapt` as Keras 3 learns them.

Both look tokens up in a static hash table (ops/lookup.py) riding on one registry op, so the same
layer runs in eager, graph and gf.function; strings never reach compiled kernels.
"""
from __future__ import annotations

import collections

import numpy as np

from .... import dtypes
from ....ops import api
from ....ops.api import strings as text_ops
from ....ops.dispatch import apply
from ....ops.lookup import StaticTable
from ....ops.registry import get as get_op
from ....ops.strings import split_tokens
from ..base import Layer
from .categorical import _encoded_shape, encode
from .numeric import _batches
from .vocabulary_assets import VocabularyAssets

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
# Keras's default punctuation: what "strip_punctuation" removes.
PUNCTUATION = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'


def _as_bytes(token) -> bytes:
    return token if isinstance(token, bytes) else str(token).encode("utf-8")


def _as_text(token) -> str:
    return token.decode("utf-8", errors="replace") if isinstance(token, bytes) else str(token)


def _read_vocabulary(vocabulary) -> list:
    """A vocabulary given as a list/array/tensor of tokens, or a path to a file of one per line."""
    if isinstance(vocabulary, str):
        with open(vocabulary, "rb") as f:
            return [line.rstrip(b"\r\n") for line in f if line.rstrip(b"\r\n")]
    if hasattr(vocabulary, "numpy"):
        vocabulary = vocabulary.numpy()
    return [_as_bytes(t) for t in np.ravel(np.asarray(vocabulary, dtype=object))]


def _text_batches(data):
    for batch in _batches(data):
        yield dtypes.to_bytes_array(batch) if batch.dtype.kind in "SUO" else batch


def learn_vocabulary(documents, max_learned, with_document_counts):
    """Tokens by descending count (ties: the larger token first, as Keras sorts), and for TF-IDF
    each one's inverse document frequency log(1 + documents / (1 + documents with the token))."""
    counts, doc_counts, n_docs = collections.Counter(), collections.Counter(), 0
    for tokens in documents:
        counts.update(tokens)
        if with_document_counts:
            doc_counts.update(set(tokens))
            n_docs += 1
    ordered = sorted(counts, key=lambda t: (counts[t], t), reverse=True)
    if max_learned is not None:
        ordered = ordered[:max(max_learned, 0)]
    idf = None
    if with_document_counts:
        idf = np.log(1 + n_docs / (1 + np.array([doc_counts[t] for t in ordered], np.float64)))
    return ordered, idf


def _depth(lookup) -> int:
    """The width of an encoded (non-"int") output: the vocabulary with its special tokens, or
    max_tokens with pad_to_max_tokens."""
    if lookup.pad_to_max_tokens and lookup.max_tokens:
        return lookup.max_tokens
    return lookup.vocabulary_size()


class StringLookup(VocabularyAssets, Layer):
    """Map string tokens to contiguous int64 ids: with `mask_token` set it maps to 0, then
    `num_oov_indices` OOV ids (default 1, for tokens not in the vocabulary), then the vocabulary
    (given, or learnt by `adapt` in order of frequency). `invert=True` maps ids back to tokens;
    `output_mode` "one_hot", "multi_hot", "count" or "tf_idf" encodes the ids."""

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 encoding="utf-8", vocabulary_size=None, name=None, **kwargs):
        output_mode = "tf_idf" if output_mode == "tf-idf" else output_mode
        if output_mode not in _MODES:
            raise ValueError(f"StringLookup: output_mode must be one of {_MODES}, got {output_mode!r}")
        if num_oov_indices not in (0, 1):
            raise ValueError(f"StringLookup: num_oov_indices must be 0 or 1 here, got {num_oov_indices}")
        if invert and output_mode != "int":
            raise ValueError("StringLookup: invert=True needs output_mode='int'")
        if sparse:
            raise ValueError("StringLookup: sparse=True needs sparse tensors, which graphflow does not have")
        kwargs.pop("dtype", None)
        super().__init__(name=name, dtype="int64" if output_mode == "int" else None, **kwargs)
        self.max_tokens, self.num_oov_indices = max_tokens, int(num_oov_indices)
        self.mask_token = None if mask_token is None else _as_bytes(mask_token)
        self.oov_token = _as_bytes(oov_token)
        self.invert, self.output_mode, self.pad_to_max_tokens = invert, output_mode, pad_to_max_tokens
        self.encoding = encoding
        self.autocast = False
        self._vocabulary, self._idf, self._table = None, None, None
        # as Keras: a vocabulary given here is saved in the config, any other (adapted, or a file's)
        # as an asset; idf_weights without a vocabulary wait for the asset's tokens
        self._input_vocabulary = (None if vocabulary is None or isinstance(vocabulary, str)
                                  else [_as_text(t) for t in _read_vocabulary(vocabulary)])
        self._pending_idf, self._restored_size, self._saved_idf = idf_weights, vocabulary_size, None
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # ---- vocabulary ------------------------------------------------------------------------------------------
    def _reserved(self) -> int:
        return self.num_oov_indices + (self.mask_token is not None)

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        vocab = _read_vocabulary(vocabulary)
        special = {t for t in (self.mask_token, self.oov_token) if t is not None}
        if vocab[:self._reserved()] == self._special_tokens():
            vocab = vocab[self._reserved():]      # a vocabulary saved with its special tokens
        if len(set(vocab)) != len(vocab):
            repeated = sorted({_as_text(t) for t in vocab if vocab.count(t) > 1})
            raise ValueError(f"{type(self).__name__}: the vocabulary has repeated tokens: {repeated}")
        if special & set(vocab):
            raise ValueError(f"{type(self).__name__}: the vocabulary contains a reserved token "
                             f"{sorted(_as_text(t) for t in special & set(vocab))}")
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError(f"{type(self).__name__}: output_mode 'tf_idf' needs idf_weights with a given "
                                 "vocabulary")
            idf_weights = np.asarray(idf_weights, np.float64).reshape(-1)
            if len(idf_weights) != len(vocab):
                raise ValueError(f"idf_weights has {len(idf_weights)} values for {len(vocab)} tokens")
        elif idf_weights is not None:
            raise ValueError("idf_weights is only for output_mode 'tf_idf'")
        self._set(vocab, idf_weights)

    def _set(self, vocab, idf) -> None:
        self._vocabulary, self._idf = list(vocab), idf
        reserved = self._reserved()
        keys = list(self._vocabulary) + ([self.mask_token] if self.mask_token is not None else [])
        ids = list(range(reserved, reserved + len(self._vocabulary))) + ([0] if self.mask_token is not None else [])
        oov = reserved - 1 if self.num_oov_indices else -1
        self._table = StaticTable(keys, ids, np.int64(oov), dtypes.string, dtypes.int64)

    def _special_tokens(self) -> list:
        return ([self.mask_token] if self.mask_token is not None else []) + [self.oov_token] * self.num_oov_indices

    def tokens_of(self, batch: np.ndarray) -> list:
        """The documents of one adapt batch as token lists: each row of a 2-D batch, each string of a
        1-D one (each string is one token here)."""
        if batch.ndim <= 1:
            return [[t] for t in batch.reshape(-1)]
        return [list(row.reshape(-1)) for row in batch]

    def adapt(self, data, steps=None):
        documents = []
        for i, batch in enumerate(_text_batches(data)):
            if steps is not None and i >= steps:
                break
            documents.extend(self.tokens_of(batch))
        special = {t for t in (self.mask_token, self.oov_token) if t is not None}
        documents = [[t for t in doc if t not in special] for doc in documents]
        max_learned = None if not self.max_tokens else self.max_tokens - self._reserved()
        vocab, idf = learn_vocabulary(documents, max_learned, self.output_mode == "tf_idf")
        self._set(vocab, idf)

    def get_vocabulary(self, include_special_tokens=True) -> list:
        vocab = list(self._vocabulary or [])
        tokens = self._special_tokens() + vocab if include_special_tokens else vocab
        return [_as_text(t) for t in tokens]

    def vocabulary_size(self) -> int:
        return self._size_before_assets() or len(self._vocabulary or []) + self._reserved()

    def _vocabulary_from_asset(self, lines) -> None:
        idf = None
        if self.output_mode == "tf_idf":
            idf = self._pending_idf
            if self._saved_idf is not None:     # Keras's full-width weights: the tokens' follow the specials
                reserved = self._reserved() if lines[:self._reserved()] == [_as_text(t) for t in
                                                                           self._special_tokens()] else 0
                idf = self._saved_idf[reserved:len(lines)]
        self.set_vocabulary(lines, idf)

    def save_own_variables(self, store) -> None:
        """As Keras: the TF-IDF weights (special tokens' and padding included) as `idf_weights`."""
        if self.output_mode == "tf_idf" and self._idf is not None:
            store["idf_weights"] = self.idf_weights

    def load_own_variables(self, store) -> None:
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self._saved_idf = np.asarray(store["idf_weights"], np.float64)

    @property
    def idf_weights(self):
        if self._idf is None:
            return None
        mean = float(np.mean(self._idf)) if len(self._idf) else 0.0
        front = [0.0] * (self.mask_token is not None) + [mean] * self.num_oov_indices
        weights = np.concatenate([front, self._idf])
        if self.pad_to_max_tokens and self.max_tokens:
            weights = np.pad(weights, (0, self.max_tokens - len(weights)))
        return weights.astype(np.float32)

    # ---- call ------------------------------------------------------------------------------------------------
    def _require_vocabulary(self):
        if self._table is None:
            raise ValueError(f"{type(self).__name__} {self.name!r} has no vocabulary: pass vocabulary= or call "
                             "adapt()")

    def call(self, inputs):
        self._require_vocabulary()
        if self.invert:
            table = api.constant(np.array(self.get_vocabulary(), dtype=object), dtype=dtypes.string)
            return api.gather(table, api.cast(inputs, "int64"))
        x = api.convert_to_tensor(inputs)
        if x.dtype is not dtypes.string:
            raise TypeError(f"{type(self).__name__} {self.name!r} expects string inputs, got {x.dtype.name}")
        ids = apply(get_op("LookupTableFind"), (x,), {"table": self._table})
        return self._encode(ids)

    def _encode(self, ids):
        if self.output_mode == "int":
            return ids
        depth = _depth(self)
        if self.output_mode == "tf_idf":
            counts = encode(ids, "count", depth, "float32")
            return api.multiply(counts, api.constant(self.idf_weights))
        return encode(ids, self.output_mode, depth, "float32")

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        return _encoded_shape(input_shape, mode, _depth(self))

    def get_config(self):
        return {**super().get_config(), "max_tokens": self.max_tokens, "num_oov_indices": self.num_oov_indices,
                "mask_token": None if self.mask_token is None else _as_text(self.mask_token),
                "oov_token": _as_text(self.oov_token), "invert": self.invert, "output_mode": self.output_mode,
                "pad_to_max_tokens": self.pad_to_max_tokens, "sparse": False, "encoding": self.encoding,
                **vocabulary_config(self)}


class TextVectorization(Layer):
    """Raw strings to token ids (output_mode "int": padded with 0 to `output_sequence_length`, or
    to the longest text of the batch) or to bag-of-words vectors ("multi_hot", "count",
    "tf_idf"). Each string is standardized (default: lowercased, punctuation removed), split
    (default: on whitespace), optionally turned into n-grams, then looked up in the vocabulary
    ("" = 0 and "[UNK]" = 1 in "int" mode; "[UNK]" = 0 otherwise)."""

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace", ngrams=None,
                 output_mode="int", output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", vocabulary_size=None, name=None,
                 **kwargs):
        output_mode = "tf_idf" if output_mode == "tf-idf" else output_mode
        if output_mode not in ("int", "multi_hot", "count", "tf_idf"):
            raise ValueError(f"TextVectorization: output_mode must be 'int', 'multi_hot', 'count' or 'tf_idf', "
                             f"got {output_mode!r}")
        if standardize not in (None, "lower_and_strip_punctuation", "lower", "strip_punctuation") \
                and not callable(standardize):
            raise ValueError(f"TextVectorization: unknown standardize {standardize!r}")
        if split not in (None, "whitespace", "character"):
            raise ValueError(f"TextVectorization: split must be None, 'whitespace' or 'character' (a custom split "
                             f"returns ragged tensors, which graphflow does not have), got {split!r}")
        if ragged or sparse:
            raise ValueError("TextVectorization: ragged and sparse outputs need tensor types graphflow does not have")
        if output_sequence_length is not None and output_mode != "int":
            raise ValueError("TextVectorization: output_sequence_length is only for output_mode 'int'")
        if isinstance(ngrams, int):
            ngrams = tuple(range(1, ngrams + 1))
        kwargs.pop("dtype", None)
        super().__init__(name=name, dtype="int64" if output_mode == "int" else None, **kwargs)
        self.max_tokens, self.standardize, self.split, self.ngrams = max_tokens, standardize, split, ngrams
        self.output_mode, self.output_sequence_length = output_mode, output_sequence_length
        self.pad_to_max_tokens, self.encoding = pad_to_max_tokens, encoding
        self.autocast = False
        self._lookup_layer = StringLookup(max_tokens=max_tokens, mask_token="" if output_mode == "int" else None,
                                    output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens,
                                    vocabulary=vocabulary, idf_weights=idf_weights, vocabulary_size=vocabulary_size,
                                    name=f"{self.name}_lookup")
        self._lookup_layer.tokens_of = self._tokens_of

    # ---- the text pipeline -----------------------------------------------------------------------------------
    def _standardized(self, x):
        if self.standardize in ("lower_and_strip_punctuation", "lower"):
            x = text_ops.lower(x)     # ASCII only, as Keras calls tf.strings.lower
        if self.standardize in ("lower_and_strip_punctuation", "strip_punctuation"):
            x = text_ops.regex_replace(x, PUNCTUATION, "")
        if callable(self.standardize):
            x = self.standardize(x)
        return x

    def _splitting(self) -> str:
        return self.split or "none"

    def _tokens_of(self, batch: np.ndarray) -> list:
        texts = self._standardized(api.constant(batch.reshape(-1), dtype=dtypes.string)).numpy()
        return [split_tokens(t, self._splitting(), self.ngrams or ()) for t in texts]

    def adapt(self, data, batch_size=None, steps=None):
        self._lookup_layer.adapt(data, steps=steps)

    def set_vocabulary(self, vocabulary, idf_weights=None):
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights)

    def get_vocabulary(self, include_special_tokens=True) -> list:
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        return self._lookup_layer.vocabulary_size()

    # Keras 3's saving walks private attributes too, so the inner lookup layer is saved as an
    # object of its own at `_lookup_layer` (its vocabulary asset and TF-IDF weights), and the
    # layer's own state is the lookup's again.
    def save_assets(self, dir_path) -> None:
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path) -> None:
        self._lookup_layer.load_assets(dir_path)

    def save_own_variables(self, store) -> None:
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store) -> None:
        self._lookup_layer.load_own_variables(store)

    def call(self, inputs):
        self._lookup_layer._require_vocabulary()
        x = api.convert_to_tensor(inputs)
        if x.dtype is not dtypes.string:
            raise TypeError(f"TextVectorization {self.name!r} expects string inputs, got {x.dtype.name}")
        dims = x.shape.dims
        if dims is not None and len(dims) == 2 and dims[-1] == 1:
            x = api.squeeze(x, [-1])
        elif dims is not None and len(dims) > 1:
            raise ValueError(f"TextVectorization expects a batch of strings of shape (batch,) or (batch, 1), got "
                             f"{x.shape}")
        x = self._standardized(x)
        int_mode = self.output_mode == "int"
        depth = 0 if int_mode else _depth(self._lookup_layer)
        out = apply(get_op("TokenizeLookup"), (x,),
                    {"table": self._lookup_layer._table, "split": self._splitting(), "ngrams": self.ngrams or (),
                     "mode": "int" if int_mode else "count", "sequence_length": self.output_sequence_length,
                     "depth": depth})
        if int_mode:
            return out
        if self.output_mode == "multi_hot":
            return api.cast(api.greater(out, 0.0), "float32")
        if self.output_mode == "tf_idf":
            return api.multiply(out, api.constant(self._lookup_layer.idf_weights))
        return out

    def compute_output_shape(self, input_shape):
        batch = tuple(input_shape)[:1] or (None,)
        if self.output_mode == "int":
            return batch + (self.output_sequence_length,)
        return batch + (_depth(self._lookup_layer),)

    def get_config(self):
        lookup = self._lookup_layer
        return {**super().get_config(), "max_tokens": self.max_tokens,
                "standardize": self.standardize if not callable(self.standardize) else None, "split": self.split,
                "ngrams": self.ngrams, "output_mode": self.output_mode,
                "output_sequence_length": self.output_sequence_length, "pad_to_max_tokens": self.pad_to_max_tokens,
                "sparse": False, "ragged": False, "encoding": self.encoding, **vocabulary_config(lookup)}


def vocabulary_config(lookup) -> dict:
    """The config's vocabulary entries, as Keras writes them: the constructor's vocabulary and
    TF-IDF weights (learnt ones are an asset and the weights file's `idf_weights`) and the size."""
    idf = lookup._pending_idf
    return {"vocabulary": lookup._input_vocabulary, "idf_weights": None if idf is None else np.asarray(idf).tolist(),
            "vocabulary_size": lookup.vocabulary_size()}

