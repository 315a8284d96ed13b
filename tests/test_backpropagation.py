"""The math of notebook 09 (lstm_course.demos.backpropagation): ``truncation_errors`` against a
backward pass written out by hand. The explorer's numbers are in
``test_backpropagation_explorers.py``."""

import numpy as np
import pytest

import lstm_course.demos.backpropagation as bptt
import lstm_course.explorers.backpropagation as widget_bptt


@pytest.mark.parametrize("name", ["bptt_chain", "chain_params", "chain_inputs", "rotation", "BPTTChain",
                                  "truncation_errors"])
def test_the_math_is_defined_in_its_demo_module(name):
    assert getattr(bptt, name).__module__ == "lstm_course.demos.backpropagation"


# --- truncation_errors ------------------------------------------------------------------------------

def hand_truncation_errors(scale, T, s):
    """Relative error of truncated BPTT for k = 1..T, with the chain's network written out by hand."""
    c, sn = np.cos(0.5), np.sin(0.5)
    W = scale * np.array([[c, -sn], [sn, c]])
    w_x, b, u = np.array([0.8, -0.5]), np.array([0.1, -0.2]), np.array([1.0, -0.5])
    hs = [np.zeros(2)]
    for t in range(1, T + 1):
        hs.append(np.tanh(w_x * np.sin(0.9 * t) + W @ hs[-1] + b))

    def grad(k):                                    # the backward loop, stopped after k steps
        g, d = np.zeros((2, 2)), u.copy()
        for t in range(s, max(s - k, 0), -1):
            dz = d * (1 - hs[t] ** 2)
            g += np.outer(dz, hs[t - 1])
            d = W.T @ dz
        return g

    full = grad(T)
    out = []
    for k in range(1, T + 1):
        diff = np.linalg.norm(grad(k) - full)
        out.append(0.0 if diff == 0 else diff / np.linalg.norm(full))
    return np.array(out)


@pytest.mark.parametrize("scale,T,s", [(0.9, 8, 8), (1.8, 12, 9), (0.5, 6, 3), (1.0, 3, 1), (0.0, 5, 5)])
def test_truncation_errors_match_the_hand_backward(scale, T, s):
    chain = bptt.bptt_chain(bptt.chain_params(scale), bptt.chain_inputs(T), s, bptt.READOUT, truncate=2)
    errs = bptt.truncation_errors(chain)
    want = hand_truncation_errors(scale, T, s)
    assert errs.shape == (T,)
    np.testing.assert_allclose(errs, want, rtol=1e-9, atol=1e-12)
    assert np.all(errs[s - 1:] < 1e-12)             # keeping s or more steps is exact (up to rounding)
    if s > 1 and scale > 0:
        assert errs[0] > 0.0
    # the chain's own error for its k, and the explorer's method, are the same numbers
    assert chain.rel_error == pytest.approx(errs[1], abs=1e-12)
    ex = widget_bptt.BPTTExplorer()
    np.testing.assert_array_equal(ex.truncation_errors(chain), errs)


def test_truncation_errors_bad_input():
    with pytest.raises(TypeError, match="chain must be the BPTTChain that bptt_chain returned"):
        bptt.truncation_errors(np.zeros((3, 2, 2)))
    with pytest.raises(TypeError, match="chain must be the BPTTChain"):
        bptt.truncation_errors(None)


