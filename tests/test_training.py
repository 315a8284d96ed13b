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
    with pytest.raises(ValueError, match=r"xs must lie in \[0, 1\]"):
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


# --- hardening (issue 12) -------------------------------------------------------------------------

def test_clipping_huge_finite_gradients_keeps_their_direction():
    # the sum of squares overflows above about 1.3e154: clipping used to scale by 0 and return inf
    g = {"a": np.array([3e160, 4e160])}
    assert clip_grad_norm(g, 1.0) == pytest.approx(5e160)
    np.testing.assert_allclose(g["a"], [0.6, 0.8], rtol=1e-12)
    huge = {"w": np.full((3, 2), 1e308), "b": np.full(2, -1e308)}       # the norm itself > float max
    assert clip_grad_norm(huge, 2.0) == np.inf
    assert global_norm(huge) == pytest.approx(2.0, rel=1e-12)
    np.testing.assert_allclose(huge["w"], np.sqrt(0.5), rtol=1e-12)
    assert global_norm({"a": np.array([3e-170, 4e-170])}) == pytest.approx(5e-170)    # no underflow to 0


def test_an_exploding_rnn_gradient_is_clipped_not_zeroed():
    m = SequenceModel("rnn", 1, 4, 1, seed=0)
    m.params["cell.weight_h"][...] = 1.5 * np.eye(4)                   # h stays 0: tanh' = 1
    m.params["cell.weight_x"][...] = 0.0
    m.params["cell.bias"][...] = 0.0
    _, grads = m.loss_and_grads(np.zeros((1, 1000, 1)), np.ones((1, 1)), loss="mse", at="last")
    assert global_norm(grads) > 1e170
    clip_grad_norm(grads, 1.0)
    assert global_norm(grads) == pytest.approx(1.0)


@pytest.mark.parametrize("grad, kind", [
    (np.array([3, 4]), "int64"),
    (np.array([1 + 2j, 2]), "complex128"),
    (np.array([None, 2.0]), "object"),
    (np.array([True, False]), "bool"),
])
def test_gradients_must_be_real_floats(grad, kind):
    # ints crashed clip_grad_norm, complex crashed SGD, objects raised numpy's isfinite error,
    # bools were applied silently and global_norm dropped imaginary parts
    for call in (lambda: clip_grad_norm({"w": grad.copy()}, 1.0), lambda: global_norm({"w": grad}),
                 lambda: SGD({"w": np.zeros(2)}).step({"w": grad}), lambda: Adam({"w": np.zeros(2)}).step({"w": grad})):
        with pytest.raises(TypeError, match=rf"grads\['w'\] must be an array of real floats .*dtype {kind}"):
            call()


def test_model_seed_may_be_a_generator_and_is_checked():
    a = SequenceModel("lstm", 2, 3, 2, seed=np.random.default_rng(0))
    b = SequenceModel("lstm", 2, 3, 2, seed=np.random.default_rng(0))
    np.testing.assert_array_equal(a.W_hy, b.W_hy)
    np.testing.assert_array_equal(SequenceModel("gru", 2, 3, 2, seed=7).W_hy, SequenceModel("gru", 2, 3, 2, seed=7).W_hy)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        SequenceModel("lstm", 2, 3, 2, seed=-1)
    with pytest.raises(TypeError, match="seed must be an int"):
        SequenceModel("rnn", 2, 3, 2, seed="0")


@pytest.mark.parametrize("task", [lambda s: tasks.first_symbol(3, 4, seed=s), lambda s: tasks.adding(3, 4, seed=s)])
def test_task_seeds_give_the_same_data_or_an_error(task):
    for bad in (None, True, "1", 1.5, np.random.default_rng(0)):
        with pytest.raises(TypeError, match="seed must be an int >= 0 or a list of them"):
            task(bad)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        task(-3)
    np.testing.assert_array_equal(task([1, 2])[0], task([1, 2])[0])


def _saved(tmp_path, kind="lstm"):
    m = SequenceModel(kind, 2, 3, 2, seed=1)
    m.save(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz") as z:
        return m, {k: z[k] for k in z.files}


def test_load_finds_the_npz_that_save_wrote(tmp_path):
    m = SequenceModel("gru", 2, 3, 2, seed=1)
    m.save(tmp_path / "model")                        # np.savez writes model.npz
    again = SequenceModel.load(tmp_path / "model")
    np.testing.assert_array_equal(again.W_hy, m.W_hy)
    with pytest.raises(FileNotFoundError, match="no model file .*nothere"):
        SequenceModel.load(tmp_path / "nothere")


def test_load_names_the_file_and_what_is_wrong_with_it(tmp_path):
    _, arrays = _saved(tmp_path)
    bad = {}
    (tmp_path / "empty.npz").write_bytes(b"")
    bad["empty.npz"] = "not a readable SequenceModel file"
    (tmp_path / "cut.npz").write_bytes((tmp_path / "m.npz").read_bytes()[:200])
    bad["cut.npz"] = "not a readable SequenceModel file"
    (tmp_path / "text.npz").write_text("hello, these are not weights\n")
    bad["text.npz"] = "not a readable SequenceModel file"
    np.save(tmp_path / "one.npy", np.zeros(3))
    bad["one.npy"] = "single numpy array"
    np.savez(tmp_path / "missing.npz", **{k: v for k, v in arrays.items() if k != "W_hy"})
    bad["missing.npz"] = r"does not hold a whole 'lstm' model: missing \['W_hy'\]"
    gru = dict(arrays, kind=np.array("gru"))
    np.savez(tmp_path / "other.npz", **gru)          # LSTM arrays labelled as a GRU
    bad["other.npz"] = r"does not hold a whole 'gru' model: missing \['cell.bias_h', 'cell.bias_x'\]"
    np.savez(tmp_path / "shapes.npz", **dict(arrays, W_hy=np.zeros((2, 5))))
    bad["shapes.npz"] = "holds arrays that do not make a 'lstm' model: W_hy must have shape"
    np.savez(tmp_path / "nan.npz", **dict(arrays, b_y=np.array([np.nan, 0.0])))
    bad["nan.npz"] = "holds arrays that do not make a 'lstm' model: b_y must be finite"
    for name, match in bad.items():
        with pytest.raises(ValueError, match=match) as err:
            SequenceModel.load(tmp_path / name)
        assert name in str(err.value), "the message names the file"


def test_fit_names_what_is_wrong_with_its_arguments():
    m = SequenceModel("rnn", 2, 4, 1, seed=0)
    batch = tasks.adding(2, 4)
    with pytest.raises(TypeError, match="optimizer must be an optimiser such as Adam"):
        fit(m, lambda s: batch, 1, optimizer="adam", loss="mse", at="last")
    with pytest.raises(TypeError, match="model must be a SequenceModel"):
        fit("model", lambda s: batch, 1)
    with pytest.raises(TypeError, match="history must be a History"):
        fit(m, lambda s: batch, 1, loss="mse", at="last", history=[])
    with pytest.raises(ValueError, match=r"batches ran out after 2 batch\(es\), but steps=3"):
        fit(m, [batch, batch], 3, loss="mse", at="last")
    with pytest.raises(TypeError, match=r"batches must give \(xs, targets\) pairs; for step 0 it gave"):
        fit(m, lambda s: batch[0], 1, loss="mse", at="last")
    with pytest.raises(TypeError, match="batches must be a function step"):
        fit(m, 5, 1, loss="mse", at="last")


def test_fit_says_the_gradient_overflowed_and_what_to_do():
    m = SequenceModel("rnn", 1, 4, 1, seed=0)
    m.params["cell.weight_h"][...] = 2.0 * np.eye(4)
    m.params["cell.weight_x"][...] = 0.0
    m.params["cell.bias"][...] = 0.0
    batch = (np.zeros((1, 1100, 1)), np.ones((1, 1)))
    with np.errstate(over="raise", invalid="raise"):         # no raw numpy warning on the way
        with pytest.raises(FloatingPointError, match="training failed at step 0: rnn_backward: the gradient "
                                                     "overflowed .* Lower the learning rate"):
            fit(m, lambda s: batch, 1, loss="mse", at="last")


@pytest.mark.parametrize("targets, err, match", [
    ([np.nan, 1.0], TypeError, "targets must be integer class indices"),
    (["a", "b"], TypeError, "targets must be integer class indices"),
    ([True, False], TypeError, "targets must be integer class indices"),
    ([7, 9], ValueError, r"targets must be class indices in \[0, 1\]; got values from 7 to 9"),
    ([[0, 1], [1]], ValueError, "targets must be a regular array"),
])
def test_accuracy_rejects_targets_it_cannot_score(targets, err, match):
    # NaN, text and out-of-range targets scored 0.0 and booleans 0.5, silently
    m = SequenceModel("lstm", 2, 3, 2, seed=0)
    with pytest.raises(err, match=match):
        accuracy(m, np.zeros((2, 4, 2)), targets)


def test_model_backward_is_unchanged_by_changing_the_model_after_forward(rng):
    m = SequenceModel("lstm", 2, 3, 2, seed=0)
    xs, dy = rng.normal(size=(2, 4, 2)), rng.normal(size=(2, 4, 2))
    want = SequenceModel("lstm", 2, 3, 2, seed=0).backward(m.forward(xs.copy()), dy)
    out = m.forward(xs)
    xs += 1.0
    for a in m.params.values():
        a += 1.0                                      # an optimiser step between forward and backward
    got = m.backward(out, dy)
    for k, v in want.items():
        np.testing.assert_array_equal(got[k], v, err_msg=k)
    with pytest.raises(ValueError, match="out must come from this model's forward"):
        SequenceModel("lstm", 2, 5, 2).backward(out, dy)
