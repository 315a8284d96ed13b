"""BPTTExplorer, bptt_chain and the exercises of notebook 09.

The reference numbers are computed here, independently: the forward pass by a plain loop, the
Jacobians' spectral norms from eigenvalues, dL/dW_hh by central finite differences, and
truncated BPTT by a backward loop that simply stops after k steps."""

import numpy as np
import pytest
from readout import shown

from lstm_course.exercises import check, check_code
from lstm_course.exercises.backpropagation import _rnn_cases
from lstm_core.params import RNNParams
from lstm_course.demos.backpropagation import bptt_chain, chain_inputs, chain_params
from lstm_course.explorers.backpropagation import BPTTExplorer

U = np.array([1.0, -0.5])


def model(scale):
    c, s = np.cos(0.5), np.sin(0.5)
    return np.array([0.8, -0.5]), scale * np.array([[c, -s], [s, c]]), np.array([0.1, -0.2])


def forward(W_hh, T, scale=None):
    w_x, _, b = model(1.0)
    x = np.sin(0.9 * np.arange(1, T + 1))
    hs = [np.zeros(2)]
    for t in range(T):
        hs.append(np.tanh(w_x * x[t] + W_hh @ hs[-1] + b))
    return np.array(hs)                     # (T + 1, 2): h_0 .. h_T


def reference(scale, T, s, k):
    """Everything the explorer shows, from scratch."""
    _, W, _ = model(scale)
    hs = forward(W, T)
    jac_norms = []
    for t in range(1, T + 1):
        J = np.diag(1 - hs[t] ** 2) @ W
        jac_norms.append(np.sqrt(np.linalg.eigvalsh(J.T @ J).max()))
    # backward, by hand, remembering each step's term and the gradient at each state
    dh = U.copy()
    dh_norms, terms = {s: np.linalg.norm(U)}, {}
    for t in range(s, 0, -1):
        dz = dh * (1 - hs[t] ** 2)
        terms[t] = np.outer(dz, hs[t - 1])
        dh = W.T @ dz
        dh_norms[t - 1] = np.linalg.norm(dh)
    full = sum(terms.values())
    norms = np.array([np.linalg.norm(terms[t]) if t in terms else 0.0 for t in range(1, T + 1)])
    shares = norms / norms.sum() if norms.sum() > 0 else norms

    def truncated(kk):                       # the same loop, stopped after kk steps
        g, d = np.zeros((2, 2)), U.copy()
        for t in range(s, max(s - kk, 0), -1):
            dz = d * (1 - hs[t] ** 2)
            g += np.outer(dz, hs[t - 1])
            d = W.T @ dz
        return g

    def err(kk):
        diff = np.linalg.norm(truncated(kk) - full)
        return 0.0 if diff == 0 else diff / np.linalg.norm(full)

    return {"jac": np.array(jac_norms), "dh": dh_norms, "full": full, "shares": shares, "norms": norms,
            "errors": np.array([err(kk) for kk in range(1, T + 1)])}


def finite_difference_dW(scale, T, s, eps=1e-6):
    _, W, _ = model(scale)
    g = np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            up, down = W.copy(), W.copy()
            up[i, j] += eps
            down[i, j] -= eps
            g[i, j] = (U @ forward(up, T)[s] - U @ forward(down, T)[s]) / (2 * eps)
    return g


# --- bptt_chain ---------------------------------------------------------------------------------

@pytest.mark.parametrize("scale,T,s,k", [(0.9, 8, 8, 4), (1.8, 12, 9, 3), (0.3, 5, 2, 1), (1.0, 3, 1, 2)])
def test_chain_matches_hand_backward_and_finite_differences(scale, T, s, k):
    ch = bptt_chain(chain_params(scale), chain_inputs(T), s, U, truncate=k)
    ref = reference(scale, T, s, k)
    np.testing.assert_allclose(ch.jacobian_norms, ref["jac"], atol=1e-12)
    np.testing.assert_allclose(ch.term_norms, ref["norms"], atol=1e-12)
    np.testing.assert_allclose(ch.dW_hh, finite_difference_dW(scale, T, s), atol=1e-8)
    np.testing.assert_allclose(ch.terms.sum(axis=0), ch.dW_hh, atol=1e-12)   # a sum over steps
    assert ch.rel_error == pytest.approx(ref["errors"][min(k, T) - 1], abs=1e-12)
    assert list(ch.kept) == [s - k < t <= s for t in range(1, T + 1)]


def test_chain_bad_input():
    p = chain_params(0.5)
    with pytest.raises(TypeError, match="params must be an RNNParams"):
        bptt_chain("W", chain_inputs(4), 2, U)
    with pytest.raises(ValueError, match=r"xs must have shape \(any, 1\)"):
        bptt_chain(p, np.zeros((4, 3)), 2, U)
    with pytest.raises(ValueError, match=r"loss_step must be in 1..T = 1..4; got 5"):
        bptt_chain(p, chain_inputs(4), 5, U)
    with pytest.raises(ValueError, match="loss_step must be a positive integer"):
        bptt_chain(p, chain_inputs(4), 0, U)
    with pytest.raises(ValueError, match=r"readout must have shape \(2\)"):
        bptt_chain(p, chain_inputs(4), 2, np.ones(3))
    with pytest.raises(TypeError, match="truncate must be a positive integer"):
        bptt_chain(p, chain_inputs(4), 2, U, truncate=1.5)
    with pytest.raises(ValueError, match="scale must be finite"):
        chain_params(np.nan)
    with pytest.raises(ValueError, match="T must be a positive integer"):
        chain_inputs(0)
    with pytest.raises(TypeError, match="params must be an RNNParams"):
        bptt_chain(RNNParams.init(1, 2).weight_h, chain_inputs(4), 2, U)


# --- the explorer ---------------------------------------------------------------------------------

def assert_shows(ex, scale, T, s, k):
    ref = reference(scale, T, s, k)
    text = ex.readout_text
    # arrows: one Jacobian norm each, for the T steps; the rest hidden
    for t in range(1, 13):
        assert ex.arrow_texts[t - 1].get_visible() == (t <= T)
        assert ex.boxes[t].get_visible() == (t <= T)
        if t <= T:
            assert ex.arrow_texts[t - 1].get_text() == f"{ref['jac'][t - 1]:.2f}"
            assert ex.bars[t - 1].get_height() == pytest.approx(ref["shares"][t - 1], abs=1e-12)
            cut = t <= s - k
            assert (ex.bars[t - 1].get_hatch() == "///") == cut
            assert (ex.boxes[t].get_hatch() == "///") == cut
        else:
            assert ex.bars[t - 1].get_height() == 0
    # the fill of each box is ||dL/dh_t||, relative to the largest (0 after the loss)
    grad = np.array([ref["dh"].get(t, 0.0) for t in range(T + 1)])
    fills = np.array([ex.gauges[t].get_height() for t in range(T + 1)])
    np.testing.assert_allclose(fills / fills.max(), grad / grad.max(), atol=1e-12)
    assert all(not g.get_visible() for g in ex.gauges[T + 1:])
    # the arrows' shafts and heads: T of them, ending at boxes 1..T
    heads_x, _ = ex.heads.get_data()
    np.testing.assert_allclose(np.round(heads_x), np.arange(1, T + 1))
    # the loss marker sits on step s
    assert ex.loss_text.get_position()[0] == s
    assert list(ex.loss_line.get_xdata()) == [s, s]
    assert ex.loss_text.get_text().startswith("L = u·h")
    # the truncation curve and the slider's point
    xs, ys = ex.err_line.get_data()
    np.testing.assert_array_equal(xs, np.arange(1, T + 1))
    np.testing.assert_allclose(ys, np.minimum(ref["errors"], 1.2), atol=1e-12)
    kk = min(k, T)
    assert ex.err_dot.get_data()[1][0] == pytest.approx(min(ref["errors"][kk - 1], 1.2), abs=1e-12)
    # the readout: the same numbers, and the words
    np.testing.assert_allclose(shown(text, "Jacobian norms"), ref["jac"], rtol=5e-3)
    np.testing.assert_allclose(shown(text, "Gradient norms"), [ref["dh"][t] for t in range(1, s + 1)],
                               rtol=5e-3)
    np.testing.assert_allclose(shown(text, "Terms"), ref["norms"], rtol=5e-3, atol=1e-12)
    if ref["shares"].any():
        top = int(np.argmax(ref["shares"])) + 1
        assert f"step {top} contributes most ({ref['shares'][top - 1]:.0%} of the total)" in text
    else:
        assert "dL/dW_hh is zero" in text
    if k >= s:
        assert "the gradient is exact" in text
    else:
        assert f"off by {ref['errors'][k - 1]:.1%}" in text
        assert f"only steps {s - k + 1}..{s} are kept" in text


def test_default_state():
    ex = BPTTExplorer()
    assert (ex.scale_slider.value, ex.T_slider.value, ex.loss_slider.value, ex.k_slider.value) == (0.9, 8, 8, 4)
    assert_shows(ex, 0.9, 8, 8, 4)


@pytest.mark.parametrize("scale", [0.0, 0.45, 1.3, 2.0])
def test_scale_slider(scale):
    ex = BPTTExplorer()
    ex.scale_slider.value = scale
    assert_shows(ex, scale, 8, 8, 4)


@pytest.mark.parametrize("k", [1, 3, 7, 12])
def test_truncation_slider(k):
    ex = BPTTExplorer()
    ex.k_slider.value = k
    assert_shows(ex, 0.9, 8, 8, k)


@pytest.mark.parametrize("s", [1, 2, 5])
def test_loss_step_slider(s):
    ex = BPTTExplorer()
    ex.loss_slider.value = s
    assert_shows(ex, 0.9, 8, s, 4)
    if s == 1:
        assert "dL/dW_hh is zero" in ex.readout_text


def test_length_slider_keeps_the_loss_step_inside_the_sequence():
    ex = BPTTExplorer()
    ex.T_slider.value = 5                    # the loss followed the last step: it stays there
    assert (ex.loss_slider.max, ex.loss_slider.value) == (5, 5)
    assert_shows(ex, 0.9, 5, 5, 4)
    ex.T_slider.value = 12
    assert (ex.loss_slider.max, ex.loss_slider.value) == (12, 12)
    assert_shows(ex, 0.9, 12, 12, 4)
    ex.loss_slider.value = 3                 # not the last step: it stays put when T grows
    ex.T_slider.value = 10
    assert ex.loss_slider.value == 3
    assert_shows(ex, 0.9, 10, 3, 4)
    ex.T_slider.value = 2
    assert ex.loss_slider.value == 2
    assert_shows(ex, 0.9, 2, 2, 4)


def test_presets():
    ex = BPTTExplorer()
    for label, scale in (("shrinking (0.5)", 0.5), ("near 1 (1.0)", 1.0), ("large (1.8)", 1.8)):
        ex.preset_buttons[label].click()
        assert ex.scale_slider.value == scale
        assert_shows(ex, scale, 8, 8, 4)


def test_readout_says_which_way_the_gradient_goes():
    ex = BPTTExplorer()
    ex.scale_slider.value = 0.5
    assert "the gradient shrinks" in ex.readout_text


# --- exercises ------------------------------------------------------------------------------------

def test_pulse_exercise():
    # h_t = tanh(x_t + 0.5 h_(t-1)), x = 1, 0, 0; L = h_3; dL/dw by the chain rule, written out
    w = 0.5
    h1 = np.tanh(1.0)
    h2 = np.tanh(w * h1)
    h3 = np.tanh(w * h2)
    dz3 = 1 - h3 ** 2
    dz2 = w * dz3 * (1 - h2 ** 2)
    want = dz3 * h2 + dz2 * h1
    assert check("09-pulse-dw", want)
    assert check("09-pulse-dw", round(want, 3))
    fb = check("09-pulse-dw", dz3 * h2)
    assert not fb and "only the last step's term" in str(fb)
    fb = check("09-pulse-dw", h2 + w * h1)
    assert not fb and "tanh' factors" in str(fb)


def good_backward(dh, x, h_prev, h, W_xh, W_hh):
    dz = dh * (1 - h ** 2)
    return W_xh.T @ dz, W_hh.T @ dz, np.outer(dz, x), np.outer(dz, h_prev), dz


def test_step_backward_right_answer_agrees_with_finite_differences():
    c = _rnn_cases()[0]
    b = np.arctanh(c["h"]) - c["W_xh"] @ c["x"] - c["W_hh"] @ c["h_prev"]
    dW_hh = good_backward(*c.values())[3]
    loss = lambda W: c["dh"] @ np.tanh(c["W_xh"] @ c["x"] + W @ c["h_prev"] + b)   # noqa: E731
    eps, num = 1e-6, np.zeros_like(c["W_hh"])
    for idx in np.ndindex(*c["W_hh"].shape):
        e = np.zeros_like(c["W_hh"])
        e[idx] = eps
        num[idx] = (loss(c["W_hh"] + e) - loss(c["W_hh"] - e)) / (2 * eps)
    np.testing.assert_allclose(dW_hh, num, atol=1e-8)
    assert check_code("09-step-backward", good_backward)


@pytest.mark.parametrize("mistake,hint", [
    ("no_slope", "tanh' factor"),
    ("slope_of_h_prev", "not at h_prev"),
    ("no_transpose", "W_hh.T, not W_hh"),
    ("outer_swapped", "row i of dW_hh"),
    ("db_is_dh", "before the tanh"),
    ("zeros", "Every gradient is zero"),
])
def test_step_backward_typical_mistakes_get_their_hint(mistake, hint):
    # written here again, independently of the exercise's own wrong versions
    def wrong(dh, x, h_prev, h, W_xh, W_hh):
        if mistake == "zeros":
            return np.zeros_like(x), np.zeros_like(h_prev), np.zeros_like(W_xh), np.zeros_like(W_hh), 0 * h
        dz = dh if mistake == "no_slope" else dh * (1 - (h_prev if mistake == "slope_of_h_prev" else h) ** 2)
        dhp = W_hh @ dz if mistake == "no_transpose" else W_hh.T @ dz
        dW = np.outer(h_prev, dz) if mistake == "outer_swapped" else np.outer(dz, h_prev)
        db = dh if mistake == "db_is_dh" else dz
        return W_xh.T @ dz, dhp, np.outer(dz, x), dW, db

    fb = check_code("09-step-backward", wrong)
    assert not fb
    assert hint in str(fb)


def test_step_backward_wrong_shapes_get_a_sentence():
    def transposed(dh, x, h_prev, h, W_xh, W_hh):
        dz = dh * (1 - h ** 2)
        return W_xh.T @ dz, W_hh.T @ dz, np.outer(x, dz), np.outer(dz, h_prev), dz

    fb = check_code("09-step-backward", transposed)
    assert fb.status == "error" and "dW_xh should have shape (3, 2)" in fb.message
    fb = check_code("09-step-backward", lambda *a: (1, 2))
    assert fb.status == "error" and "should return 5 values" in fb.message
    assert check_code("09-step-backward", 3).status == "error"
