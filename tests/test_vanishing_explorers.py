"""GradientFlowExplorer, ClippingExplorer, the helpers behind them, and notebook 10's exercises.

The references here are written out by hand (a step-by-step tanh RNN forward and its chain rule,
plain gradient descent with clipping spelled out) and checked against central finite
differences; they never call the code under test."""

import re

import numpy as np
import pytest

from lstm_course.exercises import check
from lstm_course.explorers.vanishing import (CLIFF_KICK, CLIFF_LR, CLIFF_STEPS, CLIFF_T, CLIFF_TARGET,
                                         HIDDEN, T_MAX, Y_LIMITS, ClippingExplorer, GradientFlowExplorer,
                                         cliff_loss_and_grads, cliff_surface, descend, flow_inputs, gradient_flow,
                                         recurrent_matrix, step_bounds, verdict)


# --- hand-written references ------------------------------------------------------------------------

def ref_forward(W, xs, h0=None):
    """h_1..h_T of h_t = tanh(x_t + W h_{t-1}) (W_xh = I, b = 0), xs (T, H)."""
    h = np.zeros(W.shape[0]) if h0 is None else h0
    hs = []
    for x in xs:
        h = np.tanh(x + W @ h)
        hs.append(h)
    return np.array(hs)


def ref_dh(W, xs, u):
    """dL/dh_t for L = u . h_T, rows t = 1..T, by the chain rule one step at a time."""
    hs = ref_forward(W, xs)
    T = len(xs)
    out = np.zeros((T, W.shape[0]))
    out[-1] = u
    for t in range(T - 1, 0, -1):
        out[t - 1] = W.T @ ((1 - hs[t] ** 2) * out[t])
    return out


def readout_u():
    """u, recovered from the explorer's own definition: dL/dh_T = u is the last row of any flow."""
    return gradient_flow(1.0, 5, 0.0).dh[-1]


def ref_cliff(w, b):
    """Loss and (dL/dw, dL/db) of the one-unit RNN, by hand."""
    xs = np.zeros(CLIFF_T)
    xs[0] = CLIFF_KICK
    h, hs = 0.0, [0.0]
    for x in xs:
        h = np.tanh(w * h + b + x)
        hs.append(h)
    loss = (h - CLIFF_TARGET) ** 2
    d, gw, gb = 2 * (h - CLIFF_TARGET), 0.0, 0.0
    for t in range(CLIFF_T, 0, -1):
        dz = d * (1 - hs[t] ** 2)
        gw += dz * hs[t - 1]
        gb += dz
        d = dz * w
    return loss, np.array([gw, gb])


def ref_descend(w, b, steps, lr, max_norm=None):
    ws, bs, losses, norms = [], [], [], []
    for k in range(steps + 1):
        loss, g = ref_cliff(w, b)
        n = np.sqrt(g @ g)
        ws.append(w), bs.append(b), losses.append(loss), norms.append(n)
        if k == steps:
            break
        if max_norm is not None and n > max_norm:
            g = g * (max_norm / n)
        w, b = w - lr * g[0], b - lr * g[1]
    return np.array(ws), np.array(bs), np.array(losses), np.array(norms)


def number_after(text, prefix):
    m = re.search(re.escape(prefix) + r"\s*([-+0-9.e]+)", text)
    assert m, f"{prefix!r} not in the readout:\n{text}"
    return float(m.group(1).rstrip("."))


# --- the math -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("radius", [0.1, 0.8, 1.0, 2.5])
def test_recurrent_matrix_has_the_asked_spectral_radius(radius):
    W = recurrent_matrix(radius)
    assert W.shape == (HIDDEN, HIDDEN)
    assert np.max(np.abs(np.linalg.eigvals(W))) == pytest.approx(radius, rel=1e-10)


@pytest.mark.parametrize("radius, T, scale", [(0.7, 12, 0.0), (1.3, 30, 0.5), (2.5, 20, 2.0), (1.0, 1, 1.0)])
def test_gradient_flow_equals_the_chain_rule_by_hand(radius, T, scale):
    fl = gradient_flow(radius, T, scale)
    W = recurrent_matrix(radius)
    xs = flow_inputs(T, scale)[0]
    u = readout_u()
    want = ref_dh(W, xs, u)
    np.testing.assert_allclose(fl.dh, want, rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(fl.norms, np.linalg.norm(want, axis=1), rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(fl.h, ref_forward(W, xs), rtol=0, atol=1e-12)
    assert fl.spectral_norm == pytest.approx(np.linalg.svd(W, compute_uv=False)[0])
    assert fl.ratio == pytest.approx(np.linalg.norm(want[0]) / np.linalg.norm(want[-1]))


def test_gradient_flow_matches_finite_differences():
    """dL/dh_t: nudge h_t, run the rest of the sequence from it, and watch L = u . h_T."""
    radius, T, scale = 1.2, 8, 0.7
    fl = gradient_flow(radius, T, scale)
    W, xs, u = recurrent_matrix(radius), flow_inputs(T, scale)[0], readout_u()
    hs = ref_forward(W, xs)
    eps = 1e-6
    for t in (1, 4, 7):                                   # steps 1-based
        fd = np.zeros(HIDDEN)
        for i in range(HIDDEN):
            e = np.zeros(HIDDEN)
            e[i] = eps
            up = u @ ref_forward(W, xs[t:], hs[t - 1] + e)[-1]
            down = u @ ref_forward(W, xs[t:], hs[t - 1] - e)[-1]
            fd[i] = (up - down) / (2 * eps)
        np.testing.assert_allclose(fl.dh[t - 1], fd, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("radius, scale", [(0.5, 0.0), (1.5, 0.3), (3.0, 3.0)])
def test_the_step_bound_holds_and_is_the_norm_times_the_largest_slope(radius, scale):
    fl = gradient_flow(radius, 40, scale)
    W = recurrent_matrix(radius)
    hs = ref_forward(W, flow_inputs(40, scale)[0])
    want = np.linalg.norm(W, 2) * (1 - hs[1:] ** 2).max(axis=1)
    np.testing.assert_allclose(step_bounds(fl), want, rtol=1e-12)
    actual = fl.norms[:-1] / fl.norms[1:]
    assert np.all(actual <= want * (1 + 1e-12))


def test_verdict_words():
    assert verdict(0.05) == "vanishes"
    assert verdict(0.5) == "roughly kept"
    assert verdict(9.9) == "roughly kept"
    assert verdict(11.0) == "explodes"
    assert verdict(0.0) == "vanishes"


def test_cliff_gradients_match_the_hand_chain_rule_and_finite_differences():
    for w, b in [(1.5, -0.3), (0.8, 0.2), (1.318, -0.101)]:
        loss, g = cliff_loss_and_grads(w, b)
        want_loss, want_g = ref_cliff(w, b)
        assert loss == pytest.approx(want_loss, rel=1e-12)
        np.testing.assert_allclose([g["w"][0], g["b"][0]], want_g, rtol=1e-9)
        eps = 1e-7
        fd = [(ref_cliff(w + eps, b)[0] - ref_cliff(w - eps, b)[0]) / (2 * eps),
              (ref_cliff(w, b + eps)[0] - ref_cliff(w, b - eps)[0]) / (2 * eps)]
        np.testing.assert_allclose(want_g, fd, rtol=1e-4, atol=1e-7)


def test_cliff_surface_is_the_loss_at_every_grid_point():
    ws, bs = np.array([0.3, 1.0, 1.7, 2.4]), np.array([-0.8, -0.2, 0.5])
    grid = cliff_surface(ws, bs)
    assert grid.shape == (3, 4)
    for j, b in enumerate(bs):
        for i, w in enumerate(ws):
            assert grid[j, i] == pytest.approx(ref_cliff(w, b)[0], rel=1e-10, abs=1e-14)


@pytest.mark.parametrize("max_norm", [None, 1.0, 0.3])
def test_descend_is_gradient_descent_with_clipping_spelled_out(max_norm):
    tr = descend(1.5, -0.3, steps=8, lr=0.5, max_norm=max_norm)
    ws, bs, losses, norms = ref_descend(1.5, -0.3, 8, 0.5, max_norm)
    np.testing.assert_allclose(tr.w, ws, rtol=1e-7)
    np.testing.assert_allclose(tr.b, bs, rtol=1e-7)
    np.testing.assert_allclose(tr.loss, losses, rtol=1e-7)
    np.testing.assert_allclose(tr.norm, norms, rtol=1e-6)
    np.testing.assert_allclose(tr.step, np.diff(np.stack([ws, bs], axis=1), axis=0), rtol=1e-6, atol=1e-12)
    if max_norm is not None:
        assert np.all(np.hypot(*tr.step.T) <= 0.5 * max_norm * (1 + 1e-12))


def test_the_cliff_throws_plain_descent_away_and_clipping_keeps_it():
    raw = ref_descend(1.5, -0.3, CLIFF_STEPS, CLIFF_LR)
    clipped = ref_descend(1.5, -0.3, CLIFF_STEPS, CLIFF_LR, 1.0)
    assert raw[3].max() > 100                       # an exploding gradient on the edge
    assert abs(raw[0][-1]) > 50                     # w thrown far away
    assert clipped[2][-1] < 0.01 < raw[2][-1]


# --- bad input -------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, err, match", [
    (lambda: gradient_flow(radius=-1.0), ValueError, "radius"),
    (lambda: gradient_flow(radius="big"), TypeError, "radius"),
    (lambda: gradient_flow(T=0), ValueError, "T"),
    (lambda: gradient_flow(T=T_MAX + 1), ValueError, "T"),
    (lambda: gradient_flow(T=2.5), TypeError, "T"),
    (lambda: gradient_flow(input_scale=np.nan), ValueError, "input_scale"),
    (lambda: recurrent_matrix([1.0, 2.0]), TypeError, "radius"),
    (lambda: step_bounds(None), TypeError, "flow"),
    (lambda: verdict(-1.0), ValueError, "ratio"),
    (lambda: cliff_loss_and_grads("w", 0.0), TypeError, "w"),
    (lambda: cliff_surface([], [0.0]), ValueError, "ws"),
    (lambda: cliff_surface(np.ones((2, 2)), [0.0]), ValueError, "ws"),
    (lambda: descend(1.0, 0.0, steps=0), ValueError, "steps"),
    (lambda: descend(1.0, 0.0, max_norm=0.0), ValueError, "max_norm"),
    (lambda: descend(1.0, 0.0, lr=-0.1), ValueError, "lr"),
])
def test_bad_input_is_named(call, err, match):
    with pytest.raises(err, match=match):
        call()


# --- GradientFlowExplorer ------------------------------------------------------------------------------

@pytest.mark.parametrize("radius, T, scale", [(0.6, 30, 0.0), (1.0, 60, 0.1), (1.4, 80, 0.0), (3.0, 100, 0.0),
                                              (0.1, 100, 3.0), (2.0, 5, 1.5)])
def test_flow_explorer_plots_and_reads_out_the_hand_numbers(radius, T, scale):
    ex = GradientFlowExplorer()
    with ex.hold():
        ex.radius_slider.value = radius
        ex.length_slider.value = T
        ex.input_slider.value = scale
    W = recurrent_matrix(radius)
    xs = flow_inputs(T, scale)[0]
    dh = ref_dh(W, xs, readout_u())
    norms = np.linalg.norm(dh, axis=1)
    hs = ref_forward(W, xs)
    slope = 1 - hs ** 2
    lo, hi = Y_LIMITS

    y = np.asarray(ex.grad_line.get_ydata(), dtype=float)
    np.testing.assert_allclose(y[:T], np.clip(norms, lo, hi), rtol=1e-9)
    assert np.isnan(y[T:]).all()
    spec = np.linalg.norm(W, 2)
    bound = np.ones(T)
    for t in range(T - 2, -1, -1):                       # product over the later steps
        bound[t] = bound[t + 1] * spec * slope[t + 1].max()
    np.testing.assert_allclose(np.asarray(ex.bound_line.get_ydata(), float)[:T], np.clip(bound, lo, hi), rtol=1e-9)
    np.testing.assert_allclose(np.asarray(ex.radius_line.get_ydata(), float)[:T],
                               np.clip(radius ** np.arange(T - 1, -1, -1.0), lo, hi), rtol=1e-9)
    np.testing.assert_allclose(np.asarray(ex.mean_line.get_ydata(), float)[:T], slope.mean(axis=1), atol=1e-12)
    np.testing.assert_allclose(np.asarray(ex.max_line.get_ydata(), float)[:T], slope.max(axis=1), atol=1e-12)
    n_out = int(((norms < lo) | (norms > hi)).sum())
    assert len(ex.low_marks.get_xdata()) + len(ex.high_marks.get_xdata()) == n_out

    text = ex.readout_text
    ratio = norms[0] / norms[-1]
    assert f"||dL/dh_1|| / ||dL/dh_T|| = {ratio:.2e} over {T - 1} steps back" in text
    word = "vanishes" if ratio < 0.1 else "explodes" if ratio > 10 else "roughly kept"
    assert f"the gradient {word}" in text
    assert f"spectral norm ||W_hh|| = {spec:.2f}" in text
    assert f"mean {slope.mean():.3f}" in text
    if n_out:
        assert f"{n_out} of {T} points lie outside the plotted range" in text
    else:
        assert "outside the plotted range" not in text


def test_flow_presets_set_the_sliders_and_say_what_happens():
    ex = GradientFlowExplorer()
    for label, values in GradientFlowExplorer.presets.items():
        ex.preset_buttons[label].click()
        assert (ex.radius_slider.value, ex.length_slider.value, ex.input_slider.value) == tuple(values.values())
    ex.preset_buttons["linear, radius 0.8"].click()
    assert "vanishes" in ex.readout_text
    ex.preset_buttons["linear, radius 1.2"].click()
    assert "explodes" in ex.readout_text
    ex.preset_buttons["large weights, saturated"].click()
    assert "vanishes" in ex.readout_text                # saturation wins over the large weights


# --- ClippingExplorer ------------------------------------------------------------------------------

@pytest.mark.parametrize("max_norm, w0, b0", [(1.0, 1.5, -0.3), (0.3, 1.5, -0.3), (2.0, 1.2, -0.15), (5.0, 2.0, 0.0)])
def test_clipping_explorer_draws_both_runs(max_norm, w0, b0):
    ex = ClippingExplorer()
    with ex.hold():
        ex.clip_slider.value = max_norm
        ex.w_slider.value = w0
        ex.b_slider.value = b0
    raw = ref_descend(w0, b0, CLIFF_STEPS, CLIFF_LR)
    clipped = ref_descend(w0, b0, CLIFF_STEPS, CLIFF_LR, max_norm)
    np.testing.assert_allclose(ex.raw_path.get_xdata(), raw[0], rtol=1e-6)
    np.testing.assert_allclose(ex.raw_path.get_ydata(), raw[1], rtol=1e-6)
    np.testing.assert_allclose(ex.clip_path.get_xdata(), clipped[0], rtol=1e-6)
    np.testing.assert_allclose(ex.clip_path.get_ydata(), clipped[1], rtol=1e-6)
    np.testing.assert_allclose(ex.raw_loss.get_ydata(), np.maximum(raw[2], 1e-5), rtol=1e-6)
    np.testing.assert_allclose(ex.clip_loss.get_ydata(), np.maximum(clipped[2], 1e-5), rtol=1e-6)

    text = ex.readout_text
    assert number_after(text, "without clipping") == pytest.approx(raw[3][:-1].max(), rel=2e-3)
    k = int(np.argmax(clipped[3][:-1]))
    g = clipped[3][k]
    assert f"At step {k} clipping scales the gradient by {min(g, max_norm) / g:.4f}" in text
    assert "cosine between the raw and the clipped step 1.0000" in text
    assert f"with clipping {clipped[2][-1]:.4f}" in text
    assert f"without clipping {raw[2][-1]:.4f}" in text


def test_clipping_explorer_default_tells_the_cliff_story():
    ex = ClippingExplorer()
    text = ex.readout_text
    assert "leaves the plotted window" in text
    assert "final gradient is zero" in text
    assert ex.exit_text.get_text().startswith("no clipping ends at")
    ex.w_slider.value = 0.8                            # no cliff on the way: both runs agree
    assert ex.exit_text.get_text() == ""
    np.testing.assert_allclose(ex.raw_path.get_xdata(), ex.clip_path.get_xdata())


# --- exercises -------------------------------------------------------------------------------------

def test_exercises_accept_the_answer_and_hint_at_the_usual_mistakes():
    assert check("10-sigmoid-max", 0.25)
    fb = check("10-sigmoid-max", 1.0)
    assert not fb and "tanh" in fb.message
    assert not check("10-sigmoid-max", 0.5)

    assert check("10-bound-k-steps", 0.9 ** 10)
    fb = check("10-bound-k-steps", 1.5 ** 10)
    assert not fb and "left out tanh'" in fb.message
    fb = check("10-bound-k-steps", 9.0)
    assert not fb and "multiply" in fb.message
    fb = check("10-bound-k-steps", 0.9 ** 9)
    assert not fb and "Count the steps" in fb.message

    assert check("10-clip", [1.5, 2.0, 6.0])
    fb = check("10-clip", [3.0, 4.0, 6.5])
    assert not fb and "one common factor" in fb.message
    fb = check("10-clip", [3 / 13, 4 / 13, 12 / 13])
    assert not fb and "direction alone" in fb.message
    assert not check("10-clip", [3.0, 4.0, 12.0])
