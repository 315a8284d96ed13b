"""Notebook 16's trained claims (``lstm_course.demos.layers``), re-run on the notebook's seeds: what
the prose says about depth, direction and dropout must be what a fresh run shows, in every seed.

Measured on seeds 0-4 at the four CPU levels of issue 10 (numpy with and without AVX-512 and at its
SSE baseline, OpenBLAS Haswell, default and Nehalem kernels; every level gave the same numbers to the
last digit). Held-out accuracy: depth, 1 layer of 8 from 0.659 to 0.727, 2 layers of 8 from 0.792 to
0.884, 3 layers from 0.707 to 0.886, 1 layer of 13 from 0.875 to 0.941 (smallest margins: two over
one layer 0.085, wide over two layers 0.028, both per seed); direction, one-way 0.339-0.357,
bidirectional 0.728-0.889; dropout, none 0.632-0.681 with train 0.917 or more, naive 0.705-0.742,
variational 0.698-0.744 (train and held-out within 0.057; held-out above no dropout's by 0.041 or
more in every seed), zoneout 0.600-0.633 with train at most 0.634.
"""

from pathlib import Path

import nbformat
import numpy as np
import pytest

from lstm_course.demos import layers as E

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "16-real-inputs-deep-and-two-way.ipynb"
C = E.NOTEBOOK_16


def _prose():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    return " ".join(" ".join(c.source for c in nb.cells if c.cell_type == "markdown").split())


@pytest.fixture(scope="module")
def depth():
    return E.depth_experiment(**C["depth"])


@pytest.fixture(scope="module")
def direction():
    return E.direction_experiment(**C["direction"])


@pytest.fixture(scope="module")
def dropout():
    return E.dropout_experiment(**C["dropout"])


def final(sweep, label):
    """(train, held-out) accuracy per seed at the last recorded step."""
    return np.array([run.curve[max(run.curve)] for run in sweep.runs[label]]).T


def test_the_settings_are_the_ones_the_notebook_describes():
    assert len(C["depth"]["seeds"]) == len(C["direction"]["seeds"]) == len(C["dropout"]["seeds"]) == 5
    d = C["dropout"]
    assert (d["hidden"], d["n_train"], d["noise"], d["p"]) == (32, 48, 0.3, 0.5)
    assert list(C["depth"]["models"].values()) == [(1, 8), (2, 8), (3, 8), (1, 13)]
    prose = _prose()
    for words in ("from the same 5 seeds", "modulo 5", "symbol two steps **later**", "48 sequences",
                  "30% of the tags were replaced by random classes", "$p = 0.5$", "(32 units)"):
        assert words in prose, words


@pytest.mark.trains
def test_two_layers_beat_one_and_one_wide_layer_beats_two(depth):
    one, two = depth.accuracy("1 layer, H=8"), depth.accuracy("2 layers, H=8")
    three, wide = depth.accuracy("3 layers, H=8"), depth.accuracy("1 layer, H=13")
    assert np.all(two > one + 0.03), (one, two)
    assert np.all(wide > two + 0.02), (two, wide)
    # "does not help reliably": its worst seed is below the worst seed of two layers
    assert three.min() < two.min() - 0.03, (two, three)
    prose = _prose()
    assert "In every seed, two layers of 8 score higher than one layer of 8." in prose
    assert "the single layer of 13 units beats the two layers of 8" in prose
    assert "its worst is below the worst seed of two layers" in prose
    # about as many parameters: within 10%
    n2, nw = depth.runs["2 layers, H=8"][0].num_params, depth.runs["1 layer, H=13"][0].num_params
    assert abs(nw - n2) / n2 < 0.1


@pytest.mark.trains
def test_bidirectional_reads_the_future(direction):
    one, bi = direction.accuracy("one-way"), direction.accuracy("bidirectional")
    assert np.all(one < 0.4 - 0.03), one
    assert np.all(bi > 0.6 + 0.05), bi
    prose = _prose()
    assert "the one-way model stays below 0.4" in prose and "passes 0.6 in every seed" in prose


@pytest.mark.trains
def test_dropout_keeps_train_and_held_out_together(dropout):
    tr0, te0 = final(dropout, "no dropout")
    assert np.all(tr0 > 0.9 + 0.01) and np.all(tr0 - te0 > 0.2 + 0.02), (tr0, te0)
    for label in ("naive", "variational"):
        tr, te = final(dropout, label)
        assert np.all(np.abs(tr - te) < 0.1 - 0.02), (label, tr, te)
        assert np.all(te > te0 + 0.02), (label, te, te0)
    trz, _ = final(dropout, "zoneout")
    assert np.all(trz < 0.7 - 0.03), trz
    prose = _prose()
    for words in ("train accuracy passes 0.9 while held-out trails it by more than 0.2", "end within 0.1 of each other",
                  "held-out ends higher than without dropout in every seed", "its train accuracy stays below 0.7"):
        assert words in prose, words
