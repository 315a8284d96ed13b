"""Losses, optimisers, clipping, the model, the training loop, saving and the synthetic tasks.

Gradients are checked by central finite differences; optimiser steps against the update rules
written out by hand here; the tasks against what their definitions say."""

import numpy as np
import pytest

from lstm_core import gradcheck
from lstm_core import tasks
from lstm_core.losses import mean_squared_error, softmax_cross_entropy
from lstm_core.models import CELLS, SequenceModel, one_hot
from lstm_core.optim import SGD, Adam, clip_grad_norm, global_norm
from lstm_core.training import History, accuracy, fit


# --- losses -------------------------------------------------------------------------------------

def test_cross_entropy_by_hand():
    # two positions, three classes: L = mean(-log softmax(z)[t])
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    t = np.array([2, 1])
    p0 = np.exp(3) / (np.exp(1) + np.exp(2) + np.exp(3))
    want = (-np.log(p0) - np.log(1 / 3)) / 2
    assert softmax_cross_entropy(z, t).value == pytest.approx(want, rel=1e-14)


@pytest.mark.parametrize("shape", [(4,), (3, 5), (2, 3, 4)])
def test_cross_entropy_gradient_by_finite_differences(rng, shape):
    z = rng.normal(size=shape) * 3
    t = rng.integers(0, shape[-1], size=shape[:-1])
    mask = (rng.uniform(size=shape[:-1]) < 0.7).astype(float) if len(shape) > 1 else None
    if mask is not None:
        mask.flat[0] = 1.0
    res = gradcheck(lambda zz: softmax_cross_entropy(zz, t, mask).value, z,
                    softmax_cross_entropy(z, t, mask).grad)
    assert res.ok, str(res)


def test_cross_entropy_mask_ignores_positions():
    z = np.array([[5.0, 0.0], [0.0, 5.0]])
    t = np.array([0, 0])          # the second position is wrong, but masked out
    full = softmax_cross_entropy(z, t)
    masked = softmax_cross_entropy(z, t, mask=np.array([1, 0]))
    assert masked.value == pytest.approx(np.log(1 + np.exp(-5.0)), rel=1e-12)
    assert masked.value < full.value
    np.testing.assert_array_equal(masked.grad[1], 0.0)


def test_cross_entropy_is_stable_for_huge_logits():
    z = np.array([[1e6, 0.0, -1e6]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        L = softmax_cross_entropy(z, np.array([2]))
    assert L.value == pytest.approx(2e6)
    assert np.isfinite(L.grad).all()


def test_mse_and_its_gradient(rng):
    y, t = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    L = mean_squared_error(y, t)
    assert L.value == pytest.approx(((y - t) ** 2).sum() / 12, rel=1e-14)
    assert gradcheck(lambda yy: mean_squared_error(yy, t).value, y, L.grad).ok


@pytest.mark.parametrize("call, match", [
    (lambda: softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3])), r"targets must be class indices in \[0, 2\]"),
    (lambda: softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0])), "targets must be integer"),
    (lambda: softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1, 2])), r"targets must have shape \(2,\)"),
    (lambda: softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1]), mask=np.zeros(2)), "at least one"),
    (lambda: softmax_cross_entropy(np.full((1, 2), np.nan), np.array([0])), "logits must be finite"),
    (lambda: mean_squared_error(np.zeros(3), np.zeros(4)), "same shape"),
])
def test_losses_reject_bad_input(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()


# --- clipping and optimisers --------------------------------------------------------------------

def test_global_norm_and_clipping_by_hand():
    g = {"a": np.array([3.0, 0.0]), "b": np.array([[0.0, 4.0]])}      # norm 5
    assert global_norm(g) == 5.0
    before = clip_grad_norm(g, 1.0)
    assert before == 5.0
    np.testing.assert_allclose(g["a"], [0.6, 0.0])
    np.testing.assert_allclose(g["b"], [[0.0, 0.8]])
    assert global_norm(g) == pytest.approx(1.0)
    small = {"a": np.array([0.3, 0.4])}
    assert clip_grad_norm(small, 1.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(small["a"], [0.3, 0.4])            # below the limit: untouched


def test_sgd_with_momentum_by_hand():
    w = {"w": np.array([1.0, -2.0])}
    opt = SGD(w, lr=0.1, momentum=0.5)
    opt.step({"w": np.array([1.0, 1.0])})          # v = g = 1;      w = w - 0.1
    np.testing.assert_allclose(w["w"], [0.9, -2.1])
    opt.step({"w": np.array([1.0, 1.0])})          # v = 0.5 + 1;   w = w - 0.15
    np.testing.assert_allclose(w["w"], [0.75, -2.25])


def test_adam_first_steps_by_hand():
    # with bias correction, Adam's first step is lr * g / (|g| + eps): a step of lr against the sign
    w = {"w": np.array([1.0, 1.0, 1.0])}
    opt = Adam(w, lr=0.01, eps=1e-8)
    g1 = np.array([2.0, -0.5, 1e-3])
    opt.step({"w": g1})
    np.testing.assert_allclose(w["w"], 1.0 - 0.01 * g1 / (np.abs(g1) + 1e-8), rtol=1e-12)
    # the second step from the recurrences written out
    g2 = np.array([-1.0, 0.5, 2.0])
    m = 0.9 * (0.1 * g1) + 0.1 * g2
    v = 0.999 * (0.001 * g1 ** 2) + 0.001 * g2 ** 2
    expect = w["w"] - 0.01 * (m / (1 - 0.9 ** 2)) / (np.sqrt(v / (1 - 0.999 ** 2)) + 1e-8)
    opt.step({"w": g2})
    np.testing.assert_allclose(w["w"], expect, rtol=1e-12)


def test_adam_minimises_a_quadratic():
    w = {"w": np.array([5.0, -3.0])}
    opt = Adam(w, lr=0.1)
    for _ in range(500):
        opt.step({"w": 2 * w["w"]})
    assert np.abs(w["w"]).max() < 1e-2


@pytest.mark.parametrize("call, match", [
    (lambda: Adam({"w": np.zeros(2)}, lr=-1), "lr must be > 0"),
    (lambda: Adam({"w": np.zeros(2)}, beta1=1.0), r"beta1 must be in \[0, 1\)"),
    (lambda: SGD({"w": np.zeros(2)}, momentum=1.5), r"momentum must be in \[0, 1\)"),
    (lambda: SGD({"w": [0.0]}), "must be a float32 or float64 numpy array"),
    (lambda: SGD({"w": np.zeros(2)}).step({"w": np.zeros(3)}), r"grads\['w'\] must have the shape"),
    (lambda: SGD({"w": np.zeros(2)}).step({"v": np.zeros(2)}), "not a parameter"),
    (lambda: SGD({"w": np.zeros(2)}).step({"w": np.array([np.nan, 0])}), "NaN or inf"),
    (lambda: clip_grad_norm({"w": np.ones(2)}, 0), "max_norm must be > 0"),
])
def test_optimisers_reject_bad_input(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()


# --- the model ----------------------------------------------------------------------------------

KINDS = sorted(CELLS)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("at, loss", [("all", "ce"), ("last", "ce"), ("all", "mse"), ("last", "mse")])
def test_model_gradients_by_finite_differences(kind, at, loss):
    rng = np.random.default_rng(3)
    B, T, D, H, K = 2, 4, 3, 3, 3
    m = SequenceModel(kind, D, H, K, seed=1)
    xs = rng.normal(size=(B, T, D))
    if loss == "ce":
        targets = rng.integers(0, K, size=(B, T) if at == "all" else (B,))
    else:
        targets = rng.normal(size=(B, T, K) if at == "all" else (B, K))
    _, grads = m.loss_and_grads(xs, targets, loss=loss, at=at)
    for name, p in m.params.items():
        def f(v, name=name):
            old = m.params[name].copy()
            m.params[name][...] = v
            try:
                return m.loss_and_grads(xs, targets, loss=loss, at=at)[0]
            finally:
                m.params[name][...] = old
        res = gradcheck(f, p.copy(), grads[name])
        assert res.ok, f"{kind} {name}: {res}"


def test_model_readout_is_the_projection_of_the_cell_output():
    m = SequenceModel("lstm", 2, 3, 4, seed=0)
    xs = np.random.default_rng(0).normal(size=(2, 5, 2))
    out = m.forward(xs)
    np.testing.assert_allclose(out.y, out.trace.h @ m.W_hy.T + m.b_y, rtol=1e-14)
    np.testing.assert_allclose(m.predict(xs), out.y[:, -1], rtol=1e-14)


def test_integer_symbols_are_one_hot_inputs():
    m = SequenceModel("rnn", 3, 4, 3, seed=0)
    s = np.array([[0, 2, 1]])
    np.testing.assert_array_equal(one_hot(s, 3)[0], np.eye(3)[[0, 2, 1]])
    np.testing.assert_allclose(m.predict(s), m.predict(np.eye(3)[[0, 2, 1]][None]), rtol=0, atol=0)


def test_state_carries_over_between_calls():
    m = SequenceModel("lstm", 2, 3, 2, seed=0)
    xs = np.random.default_rng(1).normal(size=(1, 6, 2))
    whole = m.forward(xs).y
    first = m.forward(xs[:, :3])
    second = m.forward(xs[:, 3:], **first.state).y
    np.testing.assert_allclose(np.concatenate([first.y, second], axis=1), whole, rtol=1e-13)


@pytest.mark.parametrize("kind", KINDS)
def test_save_then_load_gives_identical_outputs(tmp_path, kind):
    m = SequenceModel(kind, 3, 5, 2, seed=4)
    fit(m, lambda s: (np.random.default_rng(s).normal(size=(2, 3, 3)), np.zeros((2, 1), int)[:, 0]),
        3, loss="ce", at="last")
    path = tmp_path / "m.npz"
    m.save(path)
    m2 = SequenceModel.load(path)
    assert m2.kind == kind and m2.num_params == m.num_params
    xs = np.random.default_rng(0).normal(size=(2, 4, 3))
    np.testing.assert_array_equal(m2.forward(xs).y, m.forward(xs).y)
    m.save(tmp_path / "m32.npz", dtype=np.float32)
    m3 = SequenceModel.load(tmp_path / "m32.npz")
    assert m3.dtype == np.float32 and m3.forward(xs.astype(np.float32)).y.dtype == np.float32


def test_model_rejects_bad_input(tmp_path):
    with pytest.raises(ValueError, match="kind must be one of"):
        SequenceModel("transformer", 1, 1, 1)
    with pytest.raises(ValueError, match="hidden_size must be a positive integer"):
        SequenceModel("lstm", 1, 0, 1)
    m = SequenceModel("lstm", 2, 3, 2)
    with pytest.raises(ValueError, match="xs must"):
        m.forward(np.zeros((1, 4, 5)))
    with pytest.raises(ValueError, match=r"symbols must lie in \[0, 1\]"):
        m.forward(np.array([[0, 2]]))
    with pytest.raises(ValueError, match="takes initial states"):
        SequenceModel("rnn", 2, 3, 2).forward(np.zeros((1, 2, 2)), c0=np.zeros((1, 3)))
    np.savez(tmp_path / "x.npz", a=np.zeros(2))
    with pytest.raises(ValueError, match="not a SequenceModel file"):
        SequenceModel.load(tmp_path / "x.npz")


# --- the training loop and the tasks ------------------------------------------------------------

def test_first_symbol_task_targets_are_the_first_symbols():
    xs, t = tasks.first_symbol(50, 7, n_symbols=3, seed=5)
    assert xs.shape == (50, 7) and t.shape == (50,)
    np.testing.assert_array_equal(t, xs[:, 0])
    assert set(np.unique(xs)) == {0, 1, 2}
    np.testing.assert_array_equal(tasks.first_symbol(50, 7, 3, seed=5)[0], xs)     # deterministic


def test_adding_task_marks_one_step_in_each_half():
    xs, t = tasks.adding(40, 10, seed=2)
    marks = xs[..., 1]
    np.testing.assert_array_equal(marks.sum(axis=1), 2)
    assert (marks[:, :5].sum(axis=1) == 1).all() and (marks[:, 5:].sum(axis=1) == 1).all()
    np.testing.assert_allclose(t[:, 0], (xs[..., 0] * marks).sum(axis=1))
    assert ((xs[..., 0] >= 0) & (xs[..., 0] < 1)).all()


def test_training_reduces_the_loss_on_a_short_task():
    m = SequenceModel("lstm", 3, 16, 3, seed=0)
    hist = fit(m, lambda s: tasks.first_symbol(32, 4, 3, seed=100 + s), 150, loss="ce", at="last", lr=0.02)
    assert isinstance(hist, History) and len(hist.loss) == 150
    assert np.mean(hist.loss[-10:]) < 0.2 * np.mean(hist.loss[:10])
    xs, t = tasks.first_symbol(300, 4, 3, seed=1)
    assert accuracy(m, xs, t) > 0.95


def test_training_reports_progress_and_accepts_an_iterable():
    class Bar:
        n = 0

        def update(self, k):
            self.n += k

        def set_postfix(self, **kw):
            self.last = kw
    bar = Bar()
    m = SequenceModel("rnn", 2, 4, 1, seed=0)
    data = [tasks.adding(8, 6, seed=s) for s in range(5)]
    hist = fit(m, data, 5, loss="mse", at="last", progress=bar)
    assert bar.n == 5 and "loss" in bar.last and len(hist.grad_norm) == 5


def test_clipping_bounds_every_update():
    m = SequenceModel("rnn", 2, 4, 1, seed=0)
    m.params["cell.weight_h"][...] *= 20            # an exploding RNN
    before = {k: v.copy() for k, v in m.params.items()}
    from lstm_core.optim import SGD as S
    fit(m, lambda s: tasks.adding(8, 30, seed=s), 1, S(m.params, lr=0.1), loss="mse", at="last", clip=0.5)
    step = np.sqrt(sum(((m.params[k] - before[k]) ** 2).sum() for k in before))
    assert step == pytest.approx(0.1 * 0.5, rel=1e-9) or step < 0.05


def test_fit_rejects_bad_arguments():
    m = SequenceModel("rnn", 2, 4, 1)
    with pytest.raises(ValueError, match="clip must be a positive number"):
        fit(m, lambda s: tasks.adding(2, 4), 1, clip=0)
    with pytest.raises(ValueError, match="optimizer must be built on this model"):
        fit(m, lambda s: tasks.adding(2, 4), 1, Adam({"w": np.zeros(1)}))
    with pytest.raises(ValueError, match="n_symbols must be at least 2"):
        tasks.first_symbol(2, 3, n_symbols=1)
