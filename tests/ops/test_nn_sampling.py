"""tf.nn's candidate sampling: what each draw must satisfy (TensorFlow's random streams differ from
graphflow's), and the sampled losses running on their own draws, eagerly and in a TF1 graph. The
losses' values and gradients for given samples are checked against TensorFlow by the parity replay."""
from __future__ import annotations

import numpy as np
import pytest

import graphflow as gf


def run(mode, fn):
    if mode == "eager":
        out = fn()
        return [t.numpy() for t in out] if isinstance(out, (list, tuple)) else out.numpy()
    graph = gf.Graph()
    with graph.as_default():
        out = fn()
    with gf.compat.v1.Session(graph=graph) as sess:
        return sess.run(list(out) if isinstance(out, (list, tuple)) else out)


@pytest.mark.parametrize("mode", ["eager", "graph"])
@pytest.mark.parametrize("unique", [True, False])
def test_fixed_unigram_sampler_draws_only_weighted_classes(mode, unique):
    gf.random.set_seed(1)
    unigrams = [0.0, 5.0, 1.0, 0.0, 3.0, 1.0]
    sampled, true_count, sampled_count = run(mode, lambda: gf.nn.fixed_unigram_candidate_sampler(
        np.array([[1], [4]], np.int64), 1, 4, unique, 6, unigrams=unigrams))
    assert sampled.dtype == np.int64 and sampled.shape == (4,)
    assert set(sampled.tolist()) <= {1, 2, 4, 5}
    if unique:
        assert len(set(sampled.tolist())) == 4
    else:
        np.testing.assert_allclose(true_count, [[4 * 5 / 10], [4 * 3 / 10]], rtol=1e-6)
    assert true_count.shape == (2, 1) and sampled_count.shape == (4,) and (sampled_count > 0).all()


@pytest.mark.parametrize("mode", ["eager", "graph"])
@pytest.mark.parametrize("loss", ["nce_loss", "sampled_softmax_loss"])
def test_sampled_losses_draw_their_own_classes(mode, loss):
    gf.random.set_seed(2)
    rng = np.random.default_rng(0)
    w, b, x = (rng.standard_normal(s).astype(np.float32) for s in ((20, 4), (20,), (3, 4)))
    out = run(mode, lambda: getattr(gf.nn, loss)(w, b, np.array([[1], [7], [19]], np.int64), x, 5, 20))
    assert out.shape == (3,) and np.isfinite(out).all() and (out > 0).all()


def test_fixed_unigram_sampler_checks_its_counts():
    with pytest.raises(ValueError, match="unigrams"):
        gf.nn.fixed_unigram_candidate_sampler(np.array([[1]], np.int64), 1, 2, True, 6, unigrams=[1.0, 2.0])
    with pytest.raises(OSError, match="no-such-vocab.txt"):
        gf.nn.fixed_unigram_candidate_sampler(np.array([[1]], np.int64), 1, 2, True, 6, vocab_file="no-such-vocab.txt")


def test_nn_and_random_share_one_candidate_sampler():
    assert gf.nn.fixed_unigram_candidate_sampler is gf.random.fixed_unigram_candidate_sampler
    assert gf.nn.all_candidate_sampler is gf.random.all_candidate_sampler
