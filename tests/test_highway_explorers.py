"""HighwayExplorer, the gradient helpers behind it, and the exercises of notebook 11.

The references here are written out by hand from the LSTM and RNN equations (a per-gate forward
pass and its chain rule, one step at a time) and checked against central finite differences;
they never call the code under test."""

import re

import numpy as np
import pytest

import lstm_core as L
from lstm_course.exercises import check
from lstm_course.demos.highway import (HIDDEN, T_MAX, cell_gradients, cell_path_gradients, highway_gradients,
                                      highway_inputs, highway_params, orthogonal, rnn_hidden_gradients, steps_above)
from lstm_course.explorers.highway import HighwayExplorer


# --- hand-written references ------------------------------------------------------------------------

def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def weights(p):
    return {g: (p.gate(g).W_x.copy(), p.gate(g).W_h.copy(), p.gate(g).b.copy()) for g in "figo"}


def ref_lstm(p, xs, h0=None, c0=None):
    """Per-step dicts of one sequence xs (T, D), written out gate by gate."""
    W = weights(p)
    H = p.hidden_size
    h = np.zeros(H) if h0 is None else h0
    c = np.zeros(H) if c0 is None else c0
    out = []
    for x in xs:
        z = {g: W[g][0] @ x + W[g][1] @ h + W[g][2] for g in "figo"}
        f, i, o, g = sig(z["f"]), sig(z["i"]), sig(z["o"]), np.tanh(z["g"])
        c_new = f * c + i * g
        h_new = o * np.tanh(c_new)
        out.append(dict(f=f, i=i, o=o, g=g, c=c_new, h=h_new, c_prev=c, h_prev=h))
        h, c = h_new, c_new
    return out


def ref_lstm_grads(p, steps, dh_loss, dc_last):
    """Total dL/dc_t and dL/dh_t for t = 0..T (rows), by the chain rule written out."""
    W = weights(p)
    T, H = len(steps), p.hidden_size
    dc_out, dh_out = np.zeros((T + 1, H)), np.zeros((T + 1, H))
    dh_later, dc_carry = np.zeros(H), dc_last.copy()
    for t in range(T, 0, -1):
        s = steps[t - 1]
        dh = dh_loss[t - 1] + dh_later
        dc = dc_carry + dh * s["o"] * (1 - np.tanh(s["c"]) ** 2)
        dc_out[t], dh_out[t] = dc, dh
        dz = {"f": dc * s["c_prev"] * s["f"] * (1 - s["f"]), "i": dc * s["g"] * s["i"] * (1 - s["i"]),
              "g": dc * s["i"] * (1 - s["g"] ** 2), "o": dh * np.tanh(s["c"]) * s["o"] * (1 - s["o"])}
        dh_later = sum(W[g][1].T @ dz[g] for g in "figo")
        dc_carry = dc * s["f"]
    dc_out[0], dh_out[0] = dc_carry, dh_later
    return dc_out, dh_out


def ref_rnn_grads(p, xs, dh_loss):
    Wx, Wh, b = p.weight_x, p.weight_h, p.bias
    h, hs = np.zeros(p.hidden_size), []
    for x in xs:
        h = np.tanh(Wx @ x + Wh @ h + b)
        hs.append(h)
    T = len(xs)
    out = np.zeros((T + 1, p.hidden_size))
    later = np.zeros(p.hidden_size)
    for t in range(T, 0, -1):
        dh = dh_loss[t - 1] + later
        out[t] = dh
        later = Wh.T @ (dh * (1 - hs[t - 1] ** 2))
    out[0] = later
    return out


def reach(norms, thr=1e-3):
    k = -1
    for v in norms:
        if v > thr:
            k += 1
        else:
            break
    return k


def reference(fb, T, s, loss):
    """What the explorer should show, rows indexed by steps back k = 0..T."""
    lstm, rnn = highway_params(fb, s)
    xs = highway_inputs(T)[0]
    u = np.ones(HIDDEN) / np.sqrt(HIDDEN)
    dh = np.zeros((T, HIDDEN))
    dh[-1] = u
    steps = ref_lstm(lstm, xs)
    dc, _ = ref_lstm_grads(lstm, steps, dh if loss == "h" else np.zeros((T, HIDDEN)),
                           np.zeros(HIDDEN) if loss == "h" else u)
    path = np.empty((T + 1, HIDDEN))
    for t in range(T + 1):                      # dL/dc_T times the forget gates f_{t+1} .. f_T
        v = dc[T].copy()
        for k in range(t + 1, T + 1):
            v = v * steps[k - 1]["f"]
        path[t] = v
    fs = np.array([st["f"] for st in steps])
    return dict(full=dc[::-1], path=path[::-1], rnn=ref_rnn_grads(rnn, xs, dh)[::-1], f=fs)


def numbers_after(text, prefix):
    """The numbers that follow ``prefix`` on its line of the readout."""
    line = text.split(prefix, 1)[1].split("\n")[0]
    return [float(v) for v in re.findall(r"[-+]?\d+\.\d+(?:e[-+]\d+)?", line)]


# --- the gradient helpers -----------------------------------------------------------------------------

def small_case(B=2, T=7, D=3, H=4, seed=3):
    rng = np.random.default_rng(seed)
    p = L.LSTMParams(rng.normal(0, 0.6, (4 * H, D)), rng.normal(0, 0.6, (4 * H, H)), rng.normal(0, 0.5, 4 * H))
    xs = rng.normal(size=(B, T, D))
    h0, c0 = rng.normal(0, 0.5, (B, H)), rng.normal(0, 0.5, (B, H))
    dh, dc_last = rng.normal(size=(B, T, H)), rng.normal(size=(B, H))
    return p, xs, h0, c0, dh, dc_last


def test_cell_gradients_equal_the_written_out_chain_rule():
    p, xs, h0, c0, dh, dc_last = small_case()
    g = cell_gradients(L.lstm_forward(p, xs, h0, c0), dh, dc_last)
    assert g.dc.shape == g.dh.shape == (2, 8, 4)
    for b in range(2):
        want_dc, want_dh = ref_lstm_grads(p, ref_lstm(p, xs[b], h0[b], c0[b]), dh[b], dc_last[b])
        np.testing.assert_allclose(g.dc[b], want_dc, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(g.dh[b], want_dh, rtol=1e-10, atol=1e-12)


def test_index_zero_is_what_lstm_backward_returns():
    p, xs, h0, c0, dh, dc_last = small_case()
    trace = L.lstm_forward(p, xs, h0, c0)
    g = cell_gradients(trace, dh, dc_last)
    full = L.lstm_backward(trace, dh, dc_last)
    np.testing.assert_allclose(g.dc[:, 0], full.c0, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(g.dh[:, 0], full.h0, rtol=1e-12, atol=1e-14)


def test_every_step_agrees_with_lstm_step_backward():
    p, xs, h0, c0, dh, dc_last = small_case()
    g = cell_gradients(L.lstm_forward(p, xs, h0, c0), dh, dc_last)
    h, c = h0, c0
    for t in range(1, xs.shape[1] + 1):
        step = L.lstm_step(p, xs[:, t - 1], h, c)
        from_later = g.dc[:, t] - g.dh[:, t] * step.o * (1 - np.tanh(step.c) ** 2)   # dc without the route via h_t
        back = L.lstm_step_backward(p, step, g.dh[:, t], from_later)
        np.testing.assert_allclose(back.c_prev, g.dc[:, t] * step.f, rtol=1e-10, atol=1e-14)
        want_h = g.dh[:, 0] if t == 1 else g.dh[:, t - 1] - dh[:, t - 2]
        np.testing.assert_allclose(back.h_prev, want_h, rtol=1e-10, atol=1e-13)
        h, c = step.h, step.c


@pytest.mark.parametrize("t", [1, 3, 7])
def test_cell_gradients_by_finite_differences(t):
    """Nudge c_t (and let h_t = o_t tanh(c_t) follow), run the rest, and watch the loss."""
    p, xs, h0, c0, dh, dc_last = small_case(B=1)
    steps = ref_lstm(p, xs[0], h0[0], c0[0])
    st = steps[t - 1]

    def loss(c_t):
        h_t = st["o"] * np.tanh(c_t)
        total = dh[0, t - 1] @ h_t
        if t == len(steps):
            return total + dc_last[0] @ c_t
        rest = ref_lstm(p, xs[0, t:], h_t, c_t)
        return total + sum(dh[0, t + k] @ r["h"] for k, r in enumerate(rest)) + dc_last[0] @ rest[-1]["c"]

    num = L.numerical_gradient(loss, st["c"])
    g = cell_gradients(L.lstm_forward(p, xs, h0, c0), dh, dc_last)
    np.testing.assert_allclose(g.dc[0, t], num, rtol=1e-6, atol=1e-8)


def test_the_cell_path_is_the_product_of_forget_gates():
    p, xs, h0, c0, _, dc_last = small_case()
    trace = L.lstm_forward(p, xs, h0, c0)
    got = cell_path_gradients(trace, dc_last)
    for b in range(2):
        fs = [s["f"] for s in ref_lstm(p, xs[b], h0[b], c0[b])]
        for t in range(len(fs) + 1):
            want = dc_last[b].copy()
            for f in fs[t:]:
                want = want * f
            np.testing.assert_allclose(got[b, t], want, rtol=1e-12)


def test_one_step_back_the_full_gradient_adds_the_paths_through_h():
    """With dL/dh = 0, dL/dc_(T-1) = dL/dc_T * f_T + dL/dh_(T-1) * o_(T-1) * tanh'(c_(T-1))."""
    p, xs, h0, c0, _, dc_last = small_case(B=1)
    trace = L.lstm_forward(p, xs, h0, c0)
    g = cell_gradients(trace, dc_last=dc_last)
    path = cell_path_gradients(trace, dc_last)
    T = xs.shape[1]
    o, c = trace.o[0, T - 2], trace.c[0, T - 2]
    extra = g.dh[0, T - 1] * o * (1 - np.tanh(c) ** 2)
    np.testing.assert_allclose(g.dc[0, T - 1], path[0, T - 1] + extra, rtol=1e-12)
    assert np.abs(extra).max() > 1e-3                       # the extra term is not negligible here
    np.testing.assert_array_equal(g.dc[0, T], dc_last[0])   # at T itself there is nothing else


def test_rnn_hidden_gradients():
    rng = np.random.default_rng(5)
    p = L.RNNParams(rng.normal(0, 0.5, (4, 3)), rng.normal(0, 0.7, (4, 4)), rng.normal(0, 0.3, 4))
    xs, dh = rng.normal(size=(2, 6, 3)), rng.normal(size=(2, 6, 4))
    trace = L.rnn_forward(p, xs)
    got = rnn_hidden_gradients(trace, dh)
    for b in range(2):
        np.testing.assert_allclose(got[b], ref_rnn_grads(p, xs[b], dh[b]), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(got[:, 0], L.rnn_backward(trace, dh).h0, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("norms, want", [
    ([1.0, 0.5, 1e-4, 1.0], 1),           # stops at the first drop, even if it comes back
    ([1.0, 0.1, 0.01], 2),                # never below: all T = 2 steps
    ([1e-3, 1.0], -1),                    # equal to the threshold is not above it
    ([5.0], 0),
])
def test_steps_above(norms, want):
    assert steps_above(norms) == want == reach(norms)


def test_highway_params_are_what_the_docstring_says():
    lstm, rnn = highway_params(2.5, 0.7)
    assert lstm.input_size == rnn.input_size == 2 and lstm.hidden_size == rnn.hidden_size == HIDDEN
    np.testing.assert_array_equal(lstm.gate("f").b, np.full(HIDDEN, 2.5))
    for g in "figo":
        np.testing.assert_allclose(np.linalg.svd(lstm.gate(g).W_h, compute_uv=False), 0.7, rtol=1e-12)
    np.testing.assert_allclose(np.linalg.svd(rnn.weight_h, compute_uv=False), 0.7, rtol=1e-12)
    Q = orthogonal(5, 1)
    np.testing.assert_allclose(Q.T @ Q, np.eye(5), atol=1e-12)
    np.testing.assert_array_equal(highway_inputs(7), highway_inputs(T_MAX)[:, :7])


def test_bad_input():
    p, xs, h0, c0, dh, dc_last = small_case()
    trace = L.lstm_forward(p, xs)
    with pytest.raises(TypeError, match="trace must be the LSTMTrace"):
        cell_gradients(np.zeros((2, 7, 4)))
    with pytest.raises(ValueError, match=r"dh must have shape \(2, 7, 4\)"):
        cell_gradients(trace, dh=np.zeros((2, 6, 4)))
    with pytest.raises(ValueError, match=r"dc_last must have shape \(2, 4\)"):
        cell_gradients(trace, dc_last=np.zeros(4))
    with pytest.raises(ValueError, match=r"dc_last must have shape"):
        cell_path_gradients(trace, np.zeros((2, 5)))
    with pytest.raises(TypeError, match="trace must be the RNNTrace"):
        rnn_hidden_gradients(trace, dh)
    rnn_trace = L.rnn_forward(L.RNNParams.init(3, 4), xs)
    with pytest.raises(ValueError, match="dh must have shape"):
        rnn_hidden_gradients(rnn_trace, np.zeros((2, 7, 5)))
    with pytest.raises(ValueError, match="threshold must be positive"):
        steps_above([1.0], threshold=0)
    with pytest.raises(ValueError, match="norms must"):
        steps_above([])
    with pytest.raises(ValueError, match="norms must have 1 dimension"):
        steps_above(np.ones((2, 2)))
    with pytest.raises(ValueError, match="scale must be >= 0"):
        highway_params(1.0, -0.5)
    with pytest.raises(ValueError, match="T must be at most 100"):
        highway_inputs(101)
    with pytest.raises(ValueError, match="T must be a positive integer"):
        highway_inputs(0)
    with pytest.raises(ValueError, match="loss must be one of"):
        highway_gradients(loss="y")
    with pytest.raises(ValueError, match="n must be a positive integer"):
        orthogonal(0, 1)
    with pytest.raises(TypeError, match="n must be a positive integer"):
        orthogonal(2.5, 1)
    with pytest.raises(ValueError, match="loss must be one of"):
        HighwayExplorer(loss="y")


# --- the explorer -------------------------------------------------------------------------------------

def assert_shows(ex, fb, T, s, loss):
    want = reference(fb, T, s, loss)
    norms = {k: np.sqrt((want[k] ** 2).sum(axis=1)) for k in ("path", "full", "rnn")}
    for name, line in ex.lines.items():
        y = np.asarray(line.get_ydata(), dtype=float)
        assert y.shape == (T_MAX + 1,)
        np.testing.assert_allclose(y[:T + 1], np.maximum(norms[name], 1e-19), rtol=1e-9, err_msg=name)
        assert np.isnan(y[T + 1:]).all()
    img = ex.image.get_array()
    np.testing.assert_allclose(img[:, :T + 1], np.maximum(np.abs(want["full"].T), np.finfo(float).tiny),
                               rtol=1e-9)
    assert img.mask[:, T + 1:].all() and not img.mask[:, :T + 1].any()

    text = ex.readout_text
    assert f"T = {T} steps, forget bias b_f = {fb:+.1f}, recurrent weight scale s = {s:.2f}" in text
    assert ("L = u . c_T" if loss == "c" else "L = u . h_T") in text
    mean, lo, hi, alone = numbers_after(text, "Forget gates over the run:")
    assert mean == pytest.approx(want["f"].mean(), abs=6e-4)
    assert (lo, hi) == pytest.approx((want["f"].min(), want["f"].max()), abs=6e-4)
    assert alone == pytest.approx(1 / (1 + np.exp(-fb)), abs=6e-4)

    def said(k):
        if k < 0:
            return "below 1e-3 already at step T"
        if k >= T:
            return f"all {T} steps (never below 1e-3)"
        return f"{k} step" + ("s" if k != 1 else "")
    assert (f"LSTM full {said(reach(norms['full']))}; cell path only {said(reach(norms['path']))}; "
            f"RNN {said(reach(norms['rnn']))}.") in text
    at0 = numbers_after(text, f"At t = 0 ({T} steps back):")
    np.testing.assert_allclose(at0, [norms["path"][T], norms["full"][T], norms["rnn"][T]], rtol=6e-3)
    one = numbers_after(text, "One step back:")
    assert ("with s = 0 the gates do not read h" in text) == (s == 0)
    if s == 0:                                   # no recurrent weights: the cell path is the whole gradient
        np.testing.assert_allclose(norms["full"], norms["path"], rtol=1e-12)
    np.testing.assert_allclose(one, [norms["path"][1], norms["full"][1]], rtol=6e-4)
    k_max = max(range(T + 1), key=lambda k: norms["full"][k])
    grows = norms["full"][k_max] > 1.01 * norms["full"][0]
    assert ("The full LSTM gradient grows to" in text) == grows
    if grows:
        size, = numbers_after(text, "The full LSTM gradient grows to")
        assert size == pytest.approx(norms["full"][k_max], rel=6e-3)
        assert f" at {k_max} steps back" in text


@pytest.mark.parametrize("fb, T, s, loss", [
    (1.0, 60, 0.6, "c"),        # the defaults
    (-4.0, 5, 0.0, "c"),
    (0.0, 100, 2.0, "h"),
    (6.0, 37, 1.3, "c"),
    (6.0, 100, 1.0, "h"),       # loss on h_T with a saturated cell: the gradient barely gets in
    (2.7, 12, 0.45, "h"),
])
def test_artists_and_readout_follow_the_controls(fb, T, s, loss):
    ex = HighwayExplorer()
    with ex.hold():                     # one update for all four (each control's own wiring: below)
        ex.bias_slider.value = fb
        ex.length_slider.value = T
        ex.scale_slider.value = s
        ex.loss_toggle.value = loss
    assert ex.status.value == ""
    assert_shows(ex, fb, T, s, loss)


@pytest.mark.parametrize("label", list(HighwayExplorer.presets))
def test_presets(label):
    ex = HighwayExplorer(forget_bias=3.3, T=40, scale=0.8)
    ex.preset_buttons[label].click()
    fb = HighwayExplorer.presets[label]["bias_slider"]
    assert ex.bias_slider.value == fb
    assert_shows(ex, fb, 40, 0.8, "c")


def test_the_story_the_presets_tell():
    """Bias 0: the cell path dies within about ten steps; saturated: it reaches all 100 steps back,
    while the RNN's gradient is gone after a dozen."""
    ex = HighwayExplorer(T=100)
    ex.preset_buttons["forget bias 0 (plain init)"].click()
    assert re.search(r"cell path only (\d+) steps", ex.readout_text).group(1) in {str(k) for k in range(5, 15)}
    ex.preset_buttons["saturated forget gate"].click()
    assert "cell path only all 100 steps (never below 1e-3)" in ex.readout_text
    assert "The full LSTM gradient grows to" in ex.readout_text       # the routes through h amplify here
    assert int(re.search(r"RNN (\d+) steps", ex.readout_text).group(1)) < 20


def test_each_control_on_its_own_updates_the_figure():
    ex = HighwayExplorer()
    for control, value, args in [(ex.bias_slider, 2.5, (2.5, 60, 0.6, "c")), (ex.length_slider, 17, (2.5, 17, 0.6, "c")),
                                 (ex.scale_slider, 1.55, (2.5, 17, 1.55, "c")), (ex.loss_toggle, "h", (2.5, 17, 1.55, "h"))]:
        control.value = value
        assert_shows(ex, *args)


def test_axes_limits_stay_fixed():
    ex = HighwayExplorer()
    before = (ex.ax_l.get_xlim(), ex.ax_l.get_ylim(), ex.image.get_clim())
    for fb, T, s in [(-4.0, 5, 0.0), (6.0, 100, 2.0)]:
        ex.bias_slider.value, ex.length_slider.value, ex.scale_slider.value = fb, T, s
        assert (ex.ax_l.get_xlim(), ex.ax_l.get_ylim(), ex.image.get_clim()) == before


# --- exercises ----------------------------------------------------------------------------------------

def test_exercise_forget_product():
    assert check("11-forget-product", 0.9 ** 20)
    assert "multiplies" in check("11-forget-product", 18.0).message
    assert "One factor too many" in check("11-forget-product", 0.9 ** 21).message
    assert "not by 1 - f" in check("11-forget-product", 0.1 ** 20).message
    assert "share lost" in check("11-forget-product", 1 - 0.9 ** 20).message
    assert not check("11-forget-product", 0.5)


def test_exercise_bias_for_100_steps():
    f = 10 ** (-3 / 100)
    assert check("11-bias-for-100-steps", np.log(f / (1 - f)))
    assert check("11-bias-for-100-steps", 2.64)
    assert "invert the sigmoid" in check("11-bias-for-100-steps", 0.933).message
    assert "is ln(f), not f" in check("11-bias-for-100-steps", -0.069).message
    assert "Too small" in check("11-bias-for-100-steps", 1.0).message
