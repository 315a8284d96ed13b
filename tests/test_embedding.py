"""Embeddings (lstm_core/embedding.py): the lookup equals a one-hot product, its backward equals
the one-hot product's gradient and finite differences, and both match nn.Embedding."""

from pathlib import Path

import numpy as np
import pytest

import lstm_core as L
from lstm_core.embedding import embedding_backward, embedding_forward, init_embedding

GOLDEN = Path(__file__).parent / "golden" / "layers_embedding.npz"


def test_lookup_equals_one_hot_product():
    rng = np.random.default_rng(0)
    table = rng.normal(size=(6, 3))
    ids = np.array([[0, 5, 5], [2, 1, 0]])
    onehot = np.eye(6)[ids]                               # (2, 3, 6), written out by hand
    np.testing.assert_allclose(embedding_forward(table, ids), onehot @ table, rtol=0, atol=1e-15)


def test_backward_is_the_one_hot_transpose_product_and_counts_repeats():
    rng = np.random.default_rng(1)
    ids = np.array([[1, 1, 1], [4, 1, 0]])
    d = rng.normal(size=(2, 3, 2))
    onehot = np.eye(5)[ids].reshape(-1, 5)
    expected = onehot.T @ d.reshape(-1, 2)
    got = embedding_backward(ids, d, 5)
    np.testing.assert_allclose(got, expected, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(got[1], d[0, 0] + d[0, 1] + d[0, 2] + d[1, 1])   # four uses of symbol 1
    assert np.all(got[[2, 3]] == 0)                                             # unused rows


def test_backward_by_finite_differences():
    rng = np.random.default_rng(2)
    table = rng.normal(size=(4, 3))
    ids = np.array([[0, 3, 3, 1]])
    w = rng.normal(size=(1, 4, 3))
    res = L.gradcheck(lambda v: float((embedding_forward(v, ids) ** 2 * w).sum()), table,
                      embedding_backward(ids, 2 * embedding_forward(table, ids) * w, 4))
    assert res.ok, res


def test_matches_torch():
    g = np.load(GOLDEN)
    np.testing.assert_allclose(embedding_forward(g["table"], g["ids"]), g["out"], rtol=0, atol=0)
    np.testing.assert_allclose(embedding_backward(g["ids"], g["d_out"], len(g["table"])), g["grad_table"],
                               rtol=1e-12, atol=1e-14)


def test_init_and_dtype():
    t = init_embedding(50, 4, seed=0, dtype=np.float32)
    assert t.shape == (50, 4) and t.dtype == np.float32
    assert embedding_forward(t, np.array([1, 2])).dtype == np.float32


@pytest.mark.parametrize("ids, word", [(np.array([0, 6]), "ids"), (np.array([0.0, 1.0]), "ids"), (np.array([-1]), "ids")])
def test_bad_ids(ids, word):
    with pytest.raises((TypeError, ValueError), match=word):
        embedding_forward(np.zeros((6, 2)), ids)


def test_bad_d_out():
    with pytest.raises(ValueError, match="d_out"):
        embedding_backward(np.array([[0, 1]]), np.zeros((2, 2, 3)), 4)
