"""lstm_core.variants: the peephole LSTM, the coupled input-forget gate LSTM and the GRU.

Each forward against a plain per-step loop written here from the equations; every gradient
against central finite differences (float64, relative error < 1e-6); the peephole cell with zero
peepholes against lstm_forward; the coupled cell against the LSTM's own building blocks with the
input gate forced to 1 - f; the GRU against torch.nn.GRU from tests/golden/gru.npz (written by
tools/make_golden_gru.py; torch is not needed here); bad input; float32.
"""

from pathlib import Path

import numpy as np
import pytest

import lstm_core as L
from lstm_core.variants import (VARIANTS, CoupledParams, GRUParams, PeepholeParams,
                                coupled_forward, gru_backward, gru_forward,
                                peephole_backward, peephole_forward)

SIZES = [(1, 1, 1, 1), (2, 3, 4, 5), (3, 5, 2, 3), (1, 6, 3, 2)]  # (B, T, D, H)
GOLDEN = Path(__file__).parent / "golden" / "gru.npz"
TOL = dict(rtol=1e-10, atol=1e-12)


def sig(z):
    """A plain sigmoid for moderate arguments (the tests' values stay well inside +-30)."""
    return 1.0 / (1.0 + np.exp(-z))


def random_params(cls, D, H, rng, scale=0.7):
    """Every array random and nonzero (peepholes and both GRU biases included)."""
    shapes = {k: v.shape for k, v in cls.init(D, H).arrays().items()}
    return cls(**{k: rng.uniform(-scale, scale, s) for k, s in shapes.items()})


def blocks(p, order):
    """Per-gate (W_x (H, D), W_h (H, H), b (H,) or (b_x, b_h)) sliced by hand from the fused arrays."""
    H = p.hidden_size
    out = {}
    for k, name in enumerate(order):
        s = slice(k * H, (k + 1) * H)
        bias = (p.bias_x[s], p.bias_h[s]) if isinstance(p, GRUParams) else p.bias[s]
        out[name] = (p.weight_x[s], p.weight_h[s], bias)
    return out


# --- plain references: one sample, one step at a time, straight from the equations ---------------

def ref_peephole(p, xs, h0, c0):
    W = blocks(p, "fiog")
    B, T, _ = xs.shape
    out = {k: np.zeros((B, T, p.hidden_size)) for k in "figoch"}
    for n in range(B):
        h, c = h0[n], c0[n]
        for t in range(T):
            x = xs[n, t]
            lin = {k: W[k][0] @ x + W[k][1] @ h + W[k][2] for k in "fiog"}
            f = sig(lin["f"] + p.p_f * c)
            i = sig(lin["i"] + p.p_i * c)
            g = np.tanh(lin["g"])
            c = f * c + i * g
            o = sig(lin["o"] + p.p_o * c)
            h = o * np.tanh(c)
            for k, v in zip("figoch", (f, i, g, o, c, h)):
                out[k][n, t] = v
    return out


def ref_coupled(p, xs, h0, c0):
    W = blocks(p, "fog")
    B, T, _ = xs.shape
    out = {k: np.zeros((B, T, p.hidden_size)) for k in "figoch"}
    for n in range(B):
        h, c = h0[n], c0[n]
        for t in range(T):
            x = xs[n, t]
            f = sig(W["f"][0] @ x + W["f"][1] @ h + W["f"][2])
            o = sig(W["o"][0] @ x + W["o"][1] @ h + W["o"][2])
            g = np.tanh(W["g"][0] @ x + W["g"][1] @ h + W["g"][2])
            c = f * c + (1 - f) * g
            h = o * np.tanh(c)
            for k, v in zip("figoch", (f, 1 - f, g, o, c, h)):
                out[k][n, t] = v
    return out


def ref_gru(p, xs, h0):
    W = blocks(p, "rzn")
    B, T, _ = xs.shape
    out = {k: np.zeros((B, T, p.hidden_size)) for k in "rznh"}
    for n in range(B):
        h = h0[n]
        for t in range(T):
            x = xs[n, t]
            (Wir, Whr, (bir, bhr)), (Wiz, Whz, (biz, bhz)), (Win, Whn, (bin_, bhn)) = W["r"], W["z"], W["n"]
            r = sig(Wir @ x + bir + Whr @ h + bhr)
            z = sig(Wiz @ x + biz + Whz @ h + bhz)
            nn = np.tanh(Win @ x + bin_ + r * (Whn @ h + bhn))
            h = (1 - z) * nn + z * h
            for k, v in zip("rznh", (r, z, nn, h)):
                out[k][n, t] = v
    return out


@pytest.mark.parametrize("B,T,D,H", SIZES)
def test_forwards_match_the_plain_loops(rng, B, T, D, H):
    xs, h0, c0 = rng.normal(size=(B, T, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
    cases = [(PeepholeParams, peephole_forward, ref_peephole, "figoch"),
             (CoupledParams, coupled_forward, ref_coupled, "figoch")]
    for cls, forward, ref, names in cases:
        p = random_params(cls, D, H, rng)
        tr, want = forward(p, xs, h0, c0), ref(p, xs, h0, c0)
        for k in names:
            assert getattr(tr, k).shape == (B, T, H)
            np.testing.assert_allclose(getattr(tr, k), want[k], rtol=1e-12, atol=1e-14, err_msg=f"{cls.__name__}.{k}")
        np.testing.assert_array_equal(tr.h_last, tr.h[:, -1])
        np.testing.assert_array_equal(tr.c_last, tr.c[:, -1])
    p = random_params(GRUParams, D, H, rng)
    tr, want = gru_forward(p, xs, h0), ref_gru(p, xs, h0)
    for k in "rznh":
        assert getattr(tr, k).shape == (B, T, H)
        np.testing.assert_allclose(getattr(tr, k), want[k], rtol=1e-12, atol=1e-14, err_msg=f"GRU.{k}")
    np.testing.assert_array_equal(tr.h_last, tr.h[:, -1])


# --- gradients by central finite differences ----------------------------------------------------

@pytest.mark.parametrize("kind", ["peephole", "coupled", "gru"])
@pytest.mark.parametrize("B,T,D,H", SIZES)
def test_every_gradient_matches_finite_differences(rng, kind, B, T, D, H):
    cls, forward, backward = VARIANTS[kind]
    lstm_like = kind != "gru"
    p = random_params(cls, D, H, rng)
    xs, h0, c0 = rng.normal(size=(B, T, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
    dh, dc = rng.normal(size=(B, T, H)), rng.normal(size=(B, H))

    def loss(params=p, xs=xs, h0=h0, c0=c0):
        if not lstm_like:
            return float(np.sum(forward(params, xs, h0).h * dh))
        tr = forward(params, xs, h0, c0)
        return float(np.sum(tr.h * dh) + np.sum(tr.c_last * dc))

    g = backward(forward(p, xs, h0, c0), dh, dc) if lstm_like else backward(forward(p, xs, h0), dh)
    assert type(g.params) is cls
    checks = {"xs": L.gradcheck(lambda v: loss(xs=v), xs, g.xs),
              "h0": L.gradcheck(lambda v: loss(h0=v), h0, g.h0)}
    if lstm_like:
        checks["c0"] = L.gradcheck(lambda v: loss(c0=v), c0, g.c0)
    else:
        assert g.c0 is None
    grads = g.params.arrays()
    for name, value in p.arrays().items():
        def f(v, name=name):
            arrays = p.arrays()
            arrays[name] = v
            return loss(params=cls(**arrays))
        checks[name] = L.gradcheck(f, value, grads[name])
    assert set(checks) >= set(p.arrays()) | {"xs", "h0"}
    for name, res in checks.items():
        assert res.rel_error < 1e-6, f"{kind} {name}: {res}"


@pytest.mark.parametrize("kind", ["peephole", "coupled"])
def test_backward_without_dc_last(rng, kind):
    cls, forward, backward = VARIANTS[kind]
    p = random_params(cls, 2, 3, rng)
    xs = rng.normal(size=(2, 4, 2))
    dh = np.zeros((2, 4, 3))
    dh[:, -1] = 1.0                                       # a loss on the last step only
    g = backward(forward(p, xs), dh)
    res = L.gradcheck(lambda v: float(forward(p, v).h_last.sum()), xs, g.xs)
    assert res.rel_error < 1e-6, str(res)


# --- the variants against the LSTM ----------------------------------------------------------------

def test_peephole_with_zero_peepholes_is_the_lstm(rng):
    lstm = L.LSTMParams.init(3, 4, seed=5)
    lstm.bias[:] = rng.normal(size=16)
    peep = PeepholeParams(**lstm.copy().arrays())         # p_f = p_i = p_o = 0
    assert not (peep.p_f.any() or peep.p_i.any() or peep.p_o.any())
    xs, h0, c0 = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    dh, dc = rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 4))
    a, b = L.lstm_forward(lstm, xs, h0, c0), peephole_forward(peep, xs, h0, c0)
    for k in "figoch":
        np.testing.assert_allclose(getattr(b, k), getattr(a, k), rtol=1e-13, atol=1e-15)
    ga, gb = L.lstm_backward(a, dh, dc), peephole_backward(b, dh, dc)
    for k in ("weight_x", "weight_h", "bias"):
        np.testing.assert_allclose(getattr(gb.params, k), getattr(ga.params, k), rtol=1e-12, atol=1e-14)
    for k in ("xs", "h0", "c0"):
        np.testing.assert_allclose(getattr(gb, k), getattr(ga, k), rtol=1e-12, atol=1e-14)
    # and a nonzero peephole does change the cell
    peep.p_o[:] = 0.5
    assert not np.allclose(peephole_forward(peep, xs, h0, c0).h, a.h)


def test_peephole_init_starts_from_the_lstms_draws():
    lstm, peep = L.LSTMParams.init(3, 4, seed=11), PeepholeParams.init(3, 4, seed=11)
    for k in ("weight_x", "weight_h", "bias"):
        np.testing.assert_array_equal(getattr(peep, k), getattr(lstm, k))
    assert peep.p_f.any() and peep.p_i.any() and peep.p_o.any()


def test_coupled_is_an_lstm_whose_input_gate_is_one_minus_f(rng):
    p = random_params(CoupledParams, 3, 4, rng)
    xs, h0, c0 = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    tr = coupled_forward(p, xs, h0, c0)
    h, c = h0, c0
    for t in range(5):
        # the LSTM's own pieces: each gate from its [x, h] matrix, then c and h
        gv = {k: L.gate_value(np.concatenate([p.gate(k).W_x, p.gate(k).W_h], axis=1), xs[:, t], h,
                              p.gate(k).b, order="xh", activation="tanh" if k == "g" else "sigmoid").a
              for k in "fog"}
        i = 1.0 - gv["f"]                                 # the input gate, forced
        c = L.cell_state_update(gv["f"], i, gv["g"], c)
        h = L.hidden_state(gv["o"], c)
        np.testing.assert_allclose(tr.i[:, t], i, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(tr.c[:, t], c, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(tr.h[:, t], h, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(tr.f + tr.i, 1.0, rtol=0, atol=1e-15)


# --- the GRU against torch.nn.GRU -----------------------------------------------------------------

def golden_cases():
    g = np.load(GOLDEN)
    return [(str(c), {k.split("__", 1)[1]: g[k] for k in g.files if k.startswith(f"{c}__")}) for c in g["cases"]]


def test_golden_file_is_there_and_from_torch_2_13():
    g = np.load(GOLDEN)
    assert str(g["torch_version"]).startswith("2.13.0")
    assert len(g["cases"]) >= 3 and "B1_T1_D1_H1" in list(g["cases"])


@pytest.mark.parametrize("name,g", golden_cases(), ids=[c for c, _ in golden_cases()])
def test_gru_matches_torch(name, g):
    p = GRUParams.from_torch(g["weight_ih"], g["weight_hh"], g["bias_ih"], g["bias_hh"])
    tr = gru_forward(p, g["xs"], g["h0"])
    np.testing.assert_allclose(tr.h, g["h"], **TOL)
    np.testing.assert_allclose(tr.h_last, g["h_last"], **TOL)
    np.testing.assert_allclose(np.sum(tr.h * g["dh"]), g["loss"], **TOL)
    grads = gru_backward(tr, g["dh"])
    for mine, key in zip(grads.params.to_torch(), ("weight_ih", "weight_hh", "bias_ih", "bias_hh")):
        np.testing.assert_allclose(mine, g[f"grad_{key}"], err_msg=key, **TOL)
    np.testing.assert_allclose(grads.xs, g["grad_xs"], **TOL)
    np.testing.assert_allclose(grads.h0, g["grad_h0"], **TOL)
    # the parameter count: ours, torch's, the formula and count_params all agree
    B, T, D, H = (int(s[1:]) for s in name.split("_"))
    assert p.num_params == int(g["num_params"]) == 3 * (H * D + H * H + 2 * H)
    assert p.num_params == L.count_params(D, H, convention="torch", cell="gru")


def test_gru_biases_are_not_interchangeable():
    """b_hn sits inside r * (...): moving the candidate's bias to the input side changes the GRU."""
    _, g = golden_cases()[1]
    bi, bh = g["bias_ih"].copy(), g["bias_hh"].copy()
    H = bh.size // 3
    bi[2 * H:] += bh[2 * H:]
    bh[2 * H:] = 0
    moved = gru_forward(GRUParams.from_torch(g["weight_ih"], g["weight_hh"], bi, bh), g["xs"], g["h0"]).h
    assert np.abs(moved - g["h"]).max() > 1e-3
    # while for r and z only the sum matters
    bi, bh = g["bias_ih"].copy(), g["bias_hh"].copy()
    bi[:2 * H] += bh[:2 * H]
    bh[:2 * H] = 0
    same = gru_forward(GRUParams.from_torch(g["weight_ih"], g["weight_hh"], bi, bh), g["xs"], g["h0"]).h
    np.testing.assert_allclose(same, g["h"], **TOL)


def test_gru_torch_layout_round_trip_and_views():
    p = GRUParams.init(3, 4, seed=2)
    q = GRUParams.from_torch(*p.to_torch())
    for k, v in p.arrays().items():
        np.testing.assert_array_equal(q.arrays()[k], v)
    assert q.weight_x is not p.weight_x                  # from_torch copies
    np.testing.assert_array_equal(p.gate("z").W_h, p.weight_h[4:8])
    np.testing.assert_array_equal(p.gate("n").b_h, p.bias_h[8:])
    z = GRUParams.from_torch(*p.to_torch()[:2])           # no biases: zeros
    assert not z.bias_x.any() and not z.bias_h.any()


# --- the params interface -------------------------------------------------------------------------

@pytest.mark.parametrize("kind,count", [
    ("peephole", lambda D, H: 4 * (H * D + H * H + H) + 3 * H),
    ("coupled", lambda D, H: 3 * (H * D + H * H + H)),
    ("gru", lambda D, H: 3 * (H * D + H * H + 2 * H)),
])
def test_params_interface(kind, count):
    cls, forward, _ = VARIANTS[kind]
    D, H = 3, 4
    p = cls.init(D, H, seed=7)
    assert (p.input_size, p.hidden_size, p.dtype) == (D, H, np.float64)
    assert p.num_params == count(D, H) == sum(a.size for a in p.arrays().values())
    assert repr(p) == f"{cls.__name__}(input_size=3, hidden_size=4, dtype=float64)"
    # seeded; uniform in (-1/sqrt(H), 1/sqrt(H)); forget bias 1.0 where there is a forget gate
    np.testing.assert_array_equal(cls.init(D, H, seed=7).weight_h, p.weight_h)
    assert not np.array_equal(cls.init(D, H, seed=8).weight_h, p.weight_h)
    assert np.abs(p.weight_x).max() <= 0.5 and np.abs(p.weight_h).max() <= 0.5
    if kind != "gru":
        assert (p.gate("f").b == 1.0).all() and np.abs(p.gate("o").b).max() <= 0.5
        assert (cls.init(D, H, forget_bias=0.0).gate("f").b == 0.0).all()
    # arrays() are the live arrays: editing them in place changes what the cell computes
    xs = np.random.default_rng(0).normal(size=(1, 3, D))
    before = forward(p, xs).h.copy()
    rebuilt = cls(**p.arrays())
    for a in p.arrays().values():
        a *= 0.5
    np.testing.assert_array_equal(rebuilt.weight_h, p.weight_h)
    assert not np.allclose(forward(p, xs).h, before)
    # copy is independent; astype casts every array
    c = p.copy()
    c.weight_x[0, 0] = 99.0
    assert p.weight_x[0, 0] != 99.0
    q = p.astype(np.float32)
    assert q.dtype == np.float32 and all(a.dtype == np.float32 for a in q.arrays().values())
    assert cls.init(D, H, dtype=np.float32).dtype == np.float32


def test_gate_views_write_through():
    p = CoupledParams.init(2, 3)
    p.gate("o").b[:] = 7.0
    np.testing.assert_array_equal(p.bias[3:6], 7.0)
    peep = PeepholeParams.init(2, 3)
    np.testing.assert_array_equal(peep.gate("g").W_x, peep.weight_x[9:12])


@pytest.mark.parametrize("kind", ["peephole", "coupled", "gru"])
def test_float32_in_gives_float32_out(rng, kind):
    cls, forward, backward = VARIANTS[kind]
    p = cls.init(3, 4, seed=1)
    xs = rng.normal(size=(2, 5, 3))
    tr64, tr32 = forward(p, xs), forward(p.astype(np.float32), xs.astype(np.float32))
    names = "rznh" if kind == "gru" else "figoch"
    for k in names:
        assert getattr(tr32, k).dtype == np.float32, k
        np.testing.assert_allclose(getattr(tr32, k), getattr(tr64, k), atol=1e-5)
    g32, g64 = backward(tr32, np.ones((2, 5, 4), np.float32)), backward(tr64, np.ones((2, 5, 4)))
    for k, v in g32.params.arrays().items():
        assert v.dtype == np.float32, k
        np.testing.assert_allclose(v, g64.params.arrays()[k], atol=1e-4)
    assert g32.xs.dtype == g32.h0.dtype == np.float32


@pytest.mark.parametrize("kind", ["peephole", "coupled", "gru"])
def test_forward_and_backward_leave_their_inputs_alone(rng, kind):
    cls, forward, backward = VARIANTS[kind]
    p = random_params(cls, 2, 3, rng)
    xs, h0, c0, dh, dc = (rng.normal(size=s) for s in ((2, 4, 2), (2, 3), (2, 3), (2, 4, 3), (2, 3)))
    keep = [a.copy() for a in (xs, h0, c0, dh, dc, *p.arrays().values())]
    if kind == "gru":
        backward(forward(p, xs, h0), dh)
    else:
        backward(forward(p, xs, h0, c0), dh, dc)
    for old, new in zip(keep, (xs, h0, c0, dh, dc, *p.arrays().values())):
        np.testing.assert_array_equal(old, new)


def test_gates_stay_in_range_for_large_inputs(strict_warnings):
    xs = np.random.default_rng(3).normal(scale=50.0, size=(2, 6, 3))
    for kind, (cls, forward, _) in VARIANTS.items():
        tr = forward(cls.init(3, 4, seed=0), xs)
        for k in ("rz" if kind == "gru" else "fio"):
            v = getattr(tr, k)
            assert ((v >= 0) & (v <= 1)).all(), (kind, k)
        assert np.isfinite(tr.h).all() and (np.abs(tr.h) <= 1).all()


# --- bad input --------------------------------------------------------------------------------------

def raises(exc, match):
    return pytest.raises(exc, match=match)


@pytest.mark.parametrize("kind", ["peephole", "coupled", "gru"])
def test_bad_forward_and_backward_input(kind):
    cls, forward, backward = VARIANTS[kind]
    p = cls.init(3, 4, seed=0)
    xs = np.zeros((2, 5, 3))
    with raises(TypeError, f"params must be a {cls.__name__}"):
        forward(L.LSTMParams.init(3, 4), xs)
    with raises(ValueError, r"xs must have shape \(B, T, 3\)"):
        forward(p, np.zeros((2, 5, 2)))
    with raises(ValueError, "xs must have 3 dimension"):
        forward(p, np.zeros((5, 3)))
    with raises(ValueError, "xs must hold at least one sequence"):
        forward(p, np.zeros((2, 0, 3)))
    with raises(ValueError, "xs must be finite"):
        forward(p, np.full((2, 5, 3), np.nan))
    with raises(TypeError, "xs must be an array of real numbers"):
        forward(p, np.zeros((2, 5, 3), complex))
    with raises(TypeError, "xs must be an array of numbers"):
        forward(p, "abc")
    with raises(ValueError, r"h0 must have shape \(B, H\) = \(2, 4\)"):
        forward(p, xs, np.zeros((2, 3)))
    other = VARIANTS["gru" if kind != "gru" else "peephole"]
    with raises(TypeError, f"trace must be the {'GRUTrace' if kind == 'gru' else cls.__name__[:-6] + 'Trace'}"):
        backward(other[1](other[0].init(3, 4), xs), np.zeros((2, 5, 4)))
    tr = forward(p, xs)
    with raises(ValueError, r"dh must have shape \(2, 5, 4\)"):
        backward(tr, np.zeros((2, 4, 4)))
    with raises(ValueError, "dh must be finite"):
        backward(tr, np.full((2, 5, 4), np.inf))
    if kind != "gru":
        with raises(ValueError, r"c0 must have shape \(B, H\) = \(2, 4\)"):
            forward(p, xs, None, np.zeros(4))
        with raises(ValueError, "c0 must be finite"):
            forward(p, xs, None, np.full((2, 4), np.nan))
        with raises(ValueError, r"dc_last must have shape \(B, H\) = \(2, 4\)"):
            backward(tr, np.zeros((2, 5, 4)), np.zeros((4, 2)))


def test_bad_params():
    with raises(ValueError, r"weight_h must have shape \(4\*H, H\) for a peephole LSTM"):
        PeepholeParams(np.zeros((16, 3)), np.zeros((12, 4)), np.zeros(16))
    with raises(ValueError, r"weight_x must have shape \(12, D\)"):
        CoupledParams(np.zeros((16, 3)), np.zeros((12, 4)), np.zeros(12))
    with raises(ValueError, r"bias must have shape \(12\)"):
        CoupledParams(np.zeros((12, 3)), np.zeros((12, 4)), np.zeros(16))
    with raises(ValueError, r"p_o must have shape \(4\)"):
        PeepholeParams(np.zeros((16, 3)), np.zeros((16, 4)), np.zeros(16), p_o=np.zeros(5))
    with raises(ValueError, "p_f must be finite"):
        PeepholeParams(np.zeros((16, 3)), np.zeros((16, 4)), np.zeros(16), p_f=[0, np.nan, 0, 0])
    with raises(ValueError, r"bias_h must have shape \(12\)"):
        GRUParams(np.zeros((12, 3)), np.zeros((12, 4)), np.zeros(12), np.zeros(4))
    with raises(TypeError, "bias_x must hold numbers, not booleans"):
        GRUParams(np.zeros((12, 3)), np.zeros((12, 4)), np.zeros(12, bool), np.zeros(12))
    with raises(TypeError, "missing"):
        GRUParams(np.zeros((12, 3)), np.zeros((12, 4)), np.zeros(12))
    with raises(ValueError, r"weight_hh must have shape \(3\*H, H\)"):
        GRUParams.from_torch(np.zeros((16, 3)), np.zeros((16, 4)))
    with raises(ValueError, r"weight_ih must have shape \(12, any\)"):
        GRUParams.from_torch(np.zeros((16, 3)), np.zeros((12, 4)))
    with raises(ValueError, r"bias_hh must have shape \(12\)"):
        GRUParams.from_torch(np.zeros((12, 3)), np.zeros((12, 4)), np.zeros(12), np.zeros(3))
    with raises(ValueError, "name must be one of the gates 'f', 'o', 'g'; got 'i'"):
        CoupledParams.init(2, 3).gate("i")                # the coupled cell has no input-gate weights
    with raises(ValueError, "name must be one of the gates 'r', 'z', 'n'; got 'f'"):
        GRUParams.init(2, 3).gate("f")
    for cls in (PeepholeParams, CoupledParams, GRUParams):
        with raises(ValueError, "hidden_size must be a positive integer"):
            cls.init(3, 0)
        with raises(TypeError, "input_size must be a positive integer"):
            cls.init(2.5, 3)
        with raises(TypeError, "seed must be an int"):
            cls.init(2, 3, seed="x")
        with raises(ValueError, "dtype must be float32 or float64"):
            cls.init(2, 3, dtype=np.int32)
    with raises(ValueError, "forget_bias must be finite"):
        PeepholeParams.init(2, 3, forget_bias=np.inf)


def test_the_package_imports_nothing_but_numpy_and_lstm_core():
    import re

    allowed = {"numpy", "__future__", "dataclasses", "typing"}
    for path in (Path(L.__file__).parent / "variants").glob("*.py"):
        for line in path.read_text().splitlines():
            m = re.match(r"^(?:from|import) (\.*)([a-zA-Z_]\w*)?", line)
            if m:
                assert m.group(1) or m.group(2) in allowed, f"{path.name}: {line}"


# --- hardening (issue 12) -------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["peephole", "coupled", "gru"])
def test_backward_is_unchanged_by_changing_the_inputs_and_weights_after_forward(rng, kind):
    """The forwards used to keep the caller's xs and h0 and read them again in the backward: a
    refilled batch buffer gave weight gradients off by several units, with no error."""
    cls, forward, backward = VARIANTS[kind]
    p = random_params(cls, 3, 4, rng)
    xs, h0, c0 = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    states = (h0,) if kind == "gru" else (h0, c0)
    dh = rng.normal(size=(2, 5, 4))
    want = backward(forward(p.copy(), xs.copy(), *(s.copy() for s in states)), dh)
    trace = forward(p, xs, *states)
    for a in (xs, *states, *p.arrays().values()):
        a += 1.0                                    # a refilled buffer; an optimiser step
    got = backward(trace, dh)
    for name, a in want.params.arrays().items():
        np.testing.assert_array_equal(got.params.arrays()[name], a, err_msg=name)
    for name in ("xs", "h0", "c0"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)


@pytest.mark.parametrize("kind", ["peephole", "coupled", "gru"])
def test_an_overflowing_gradient_is_reported_as_such(kind):
    cls, forward, backward = VARIANTS[kind]
    H, T = 2, 1500
    p = cls(**{k: np.zeros_like(v) for k, v in cls.init(1, H).arrays().items()})
    # zero input and biases keep every state at 0; a large recurrent weight into the candidate
    # multiplies the gradient at every step back
    p.weight_h[p._block("n" if kind == "gru" else "g")] = 8.0 * np.eye(H)
    trace = forward(p, np.zeros((1, T, 1)))
    with np.errstate(over="raise", invalid="raise"):        # no raw numpy warning on the way
        with pytest.raises(FloatingPointError, match=f"{kind}_backward: the gradient overflowed"):
            backward(trace, np.ones((1, T, H)))
