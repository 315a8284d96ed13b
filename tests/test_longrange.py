"""The long-range experiment of notebook 12 (lstm_core.experiments) and its exercises.

The notebook states what its run shows ("the LSTM still answers at k = 40, the RNN is at chance
from k = 20"); ``test_the_notebook_sentence_is_what_the_run_shows`` re-runs the same function with
the same seeds and asserts those facts, and that the notebook's text states them."""

import json
import pathlib
import types

import numpy as np
import pytest

from lstm_core import experiments as E
from lstm_core.exercises import check
from lstm_core.models import CELLS

NOTEBOOK = pathlib.Path(__file__).resolve().parents[1] / "notebooks" / "12-lstm-vs-rnn-long-range.ipynb"


# --- the task ----------------------------------------------------------------------------------------

def test_task_shapes_and_first_step_one_hot():
    xs, ts = E.noisy_first_symbol(50, 7, n_symbols=5, noise=1.5, seed=3)
    assert xs.shape == (50, 8, 5) and xs.dtype == np.float64
    assert ts.shape == (50,) and ts.dtype.kind == "i"
    assert set(np.unique(ts)) <= set(range(5))
    want = np.zeros((50, 5))
    want[np.arange(50), ts] = 1.0
    np.testing.assert_array_equal(xs[:, 0], want)      # step 1: the symbol, one-hot, no noise


def test_task_noise_has_the_asked_spread_and_no_trace_of_the_symbol():
    xs, ts = E.noisy_first_symbol(4000, 10, n_symbols=4, noise=2.0, seed=0)
    rest = xs[:, 1:]
    assert abs(rest.mean()) < 0.02
    assert rest.std() == pytest.approx(2.0, rel=0.01)
    # the noise does not depend on the symbol: per-symbol means of the later steps are all ~0
    for s in range(4):
        assert np.abs(rest[ts == s].mean(axis=(0, 1))).max() < 0.05
    # symbols are equally likely
    assert np.bincount(ts, minlength=4).min() > 900


def test_task_without_noise_is_zero_after_the_symbol():
    xs, _ = E.noisy_first_symbol(6, 4, noise=0.0, seed=1)
    np.testing.assert_array_equal(xs[:, 1:], 0.0)


def test_task_is_seeded():
    a = E.noisy_first_symbol(5, 3, seed=[0, 3, 7])
    b = E.noisy_first_symbol(5, 3, seed=[0, 3, 7])
    c = E.noisy_first_symbol(5, 3, seed=[0, 3, 8])
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_chance():
    assert E.chance(4) == 0.25
    assert E.chance(6) == pytest.approx(1 / 6)


# --- training one model ------------------------------------------------------------------------------

def test_forget_bias_is_set_before_training():
    # one Adam step moves each parameter by at most about lr, so the bias is still ~4 afterwards
    run = E.train_and_score("lstm", 2, seed=0, steps=1, hidden=4, lr=1e-6, n_test=8)
    np.testing.assert_allclose(run.model.cell.gate("f").b, 4.0, atol=2e-6)
    run = E.train_and_score("lstm", 2, seed=0, steps=1, hidden=4, lr=1e-6, n_test=8, forget_bias=None)
    np.testing.assert_allclose(run.model.cell.gate("f").b, 1.0, atol=2e-6)   # LSTMParams.init's default
    assert E.has_forget_gate("lstm") and not E.has_forget_gate("rnn")
    E.train_and_score("rnn", 2, seed=0, steps=1, hidden=4, n_test=8)       # no forget gate: nothing set


def test_accuracy_is_on_the_test_set_the_run_reports():
    run = E.train_and_score("rnn", 3, seed=1, steps=30, hidden=8, n_test=64)
    xs, ts = run.test_set()
    assert xs.shape == (64, 4, 4)
    h = np.zeros((64, 8))                                  # the RNN written out by hand
    Wx, Wh, b = run.model.cell.weight_x, run.model.cell.weight_h, run.model.cell.bias
    for t in range(xs.shape[1]):
        h = np.tanh(xs[:, t] @ Wx.T + h @ Wh.T + b)
    y = h @ run.model.W_hy.T + run.model.b_y
    assert run.accuracy == pytest.approx(np.mean(np.argmax(y, axis=1) == ts), abs=1e-12)
    assert len(run.history.loss) == 30
    assert run.final_loss == pytest.approx(np.mean(run.history.loss[-20:]))
    assert "rnn" in repr(run) and "k=3" in repr(run)


def test_training_is_deterministic_and_learns_a_short_gap():
    a = E.train_and_score("lstm", 2, seed=0, steps=120, hidden=8, n_test=200)
    b = E.train_and_score("lstm", 2, seed=0, steps=120, hidden=8, n_test=200)
    assert a.history.loss == b.history.loss and a.accuracy == b.accuracy
    assert a.accuracy > 0.9                                # two noisy steps are easy
    assert a.history.loss[0] == pytest.approx(np.log(4), abs=0.15)   # it starts out guessing


def test_training_prints_a_progress_bar(capsys):
    E.train_and_score("rnn", 2, seed=0, steps=3, hidden=4, n_test=8, progress=True)
    assert "rnn k=2" in capsys.readouterr().err


@pytest.mark.parametrize("kind", [k for k in ("peephole", "coupled", "gru") if k in CELLS])
def test_variants_train_too(kind):
    run = E.train_and_score(kind, 2, seed=0, steps=2, hidden=4, n_test=8)
    assert 0.0 <= run.accuracy <= 1.0
    if E.has_forget_gate(kind):
        assert abs(run.model.cell.gate("f").b - 4.0).max() < 0.05


# --- sweeps --------------------------------------------------------------------------------------------

def fake_sweep(acc):
    """A Sweep whose runs only carry accuracies: {kind: [acc per k]} over ks 1, 2, 3, ..."""
    ks = tuple(range(1, len(next(iter(acc.values()))) + 1))
    runs = {(kind, k): types.SimpleNamespace(accuracy=a) for kind, v in acc.items() for k, a in zip(ks, v)}
    return E.Sweep(ks, tuple(acc), runs, 4)


def test_at_chance_from():
    s = fake_sweep({"rnn": [1.0, 0.3, 0.6, 0.3, 0.2], "lstm": [1.0, 1.0, 1.0, 0.9, 0.4]})
    assert s.at_chance_from("rnn") == 4          # 0.3 at k=2 is not "from": k=3 climbs back
    assert s.at_chance_from("lstm") is None      # 0.4 >= chance + 0.1
    assert s.at_chance_from("lstm", margin=0.2) == 5
    assert fake_sweep({"rnn": [0.2, 0.3]}).at_chance_from("rnn") == 1


def test_table_is_fixed_format():
    s = fake_sweep({"rnn": [1.0, 0.25], "lstm": [0.5, 0.125]})
    assert s.table() == ("k:           1      2\n"
                         "rnn      1.000  0.250\n"
                         "lstm     0.500  0.125\n"
                         "chance   0.250")


@pytest.fixture(scope="module")
def notebook_sweep():
    return E.long_range_accuracy(**E.NOTEBOOK_12)


def test_the_notebook_sentence_is_what_the_run_shows(notebook_sweep):
    s = notebook_sweep
    assert s.ks == (5, 10, 20, 40)
    lstm, rnn = s.accuracy["lstm"], s.accuracy["rnn"]
    # "the LSTM still answers at k = 40": near-perfect at every gap, 40 included
    assert lstm.min() >= 0.95, s.table()
    # "the RNN copes with a short gap (k = 5) ... is at chance from k = 20"
    assert rnn[0] >= 0.95, s.table()
    assert s.at_chance_from("rnn") == 20, s.table()
    assert s.chance + 0.1 < rnn[1] < 0.9, s.table()          # k = 10: in between
    # the notebook says so in its own words
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    text = " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "still answers at k = 40" in text
    assert "at chance from k = 20" in text


def test_inside_the_lstm_at_k_40(notebook_sweep):
    # what the notebook says about the explorer: forget gates near 1 during the gap, input gates not
    # closed, cell-state units that keep their sign and grow
    run = notebook_sweep.runs["lstm", 40]
    xs, _ = run.test_set(100)
    tr = run.model.forward(xs).trace
    assert tr.f[:, 1:].mean() > 0.9
    assert tr.i[:, 1:].mean() > 0.3
    assert np.abs(tr.c[:, -1]).mean() > 5 * np.abs(tr.c[:, 1]).mean()
    assert (np.sign(tr.c[:, -1]) == np.sign(tr.c[:, 20])).mean() > 0.9


def test_the_loss_curves_at_k_40(notebook_sweep):
    # the notebook's loss figure: the RNN's loss stays at guessing level, the LSTM's falls
    rnn = notebook_sweep.runs["rnn", 40].history.smoothed(20)
    lstm = notebook_sweep.runs["lstm", 40].history.smoothed(20)
    assert np.all(np.abs(rnn[50:] - np.log(4)) < 0.1)
    assert lstm[-1] < 0.2


# --- bad input ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, err, match", [
    (lambda: E.noisy_first_symbol(0, 3), ValueError, "n must be a positive integer"),
    (lambda: E.noisy_first_symbol(2, 0), ValueError, "k must be a positive integer"),
    (lambda: E.noisy_first_symbol(2, 2.5), TypeError, "k must be a positive integer"),
    (lambda: E.noisy_first_symbol(2, 3, n_symbols=1), ValueError, "n_symbols must be at least 2"),
    (lambda: E.noisy_first_symbol(2, 3, noise=-1.0), ValueError, r"noise must lie in \[0.0"),
    (lambda: E.noisy_first_symbol(2, 3, noise=np.nan), TypeError, "noise must be a finite number"),
    (lambda: E.noisy_first_symbol(2, 3, seed=-1), ValueError, "seed must be an integer >= 0"),
    (lambda: E.noisy_first_symbol(2, 3, seed=1.5), ValueError, "seed must be an integer >= 0"),
    (lambda: E.chance(0), ValueError, "n_symbols must be a positive integer"),
    (lambda: E.train_and_score("gpt", 3), ValueError, "kind"),
    (lambda: E.train_and_score("lstm", 0), ValueError, "k must be a positive integer"),
    (lambda: E.train_and_score("lstm", 3, seed=-2), ValueError, "seed must be an integer >= 0"),
    (lambda: E.train_and_score("lstm", 3, steps=0), ValueError, "steps must be a positive integer"),
    (lambda: E.train_and_score("lstm", 3, hidden=0), ValueError, "hidden must be a positive integer"),
    (lambda: E.train_and_score("lstm", 3, lr=0.0), ValueError, r"lr must lie in \(0.0"),
    (lambda: E.train_and_score("lstm", 3, forget_bias=100.0), ValueError, r"forget_bias must lie in \[-20.0, 20.0\]"),
    (lambda: E.train_and_score("lstm", 3, n_symbols=1), ValueError, "n_symbols must be at least 2"),
    (lambda: E.train_and_score("lstm", 3, clip=-1.0), ValueError, "clip must be a positive number"),
    (lambda: E.long_range_accuracy("lstm"), ValueError, "kinds must be a non-empty list"),
    (lambda: E.long_range_accuracy(("lstm",), ks=5), ValueError, "ks must be a non-empty list"),
    (lambda: E.long_range_accuracy(("lstm",), ks=(5, 0)), ValueError, r"ks\[i\] must be a positive integer"),
    (lambda: E.has_forget_gate("gpt"), ValueError, "kind"),
])
def test_bad_input(call, err, match):
    with pytest.raises(err, match=match):
        call()


# --- exercises ------------------------------------------------------------------------------------------

def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_exercise_kept_after_40():
    assert check("12-kept-after-40", sig(4.0) ** 40)
    assert check("12-kept-after-40", 0.4838)
    assert "One factor too many" in check("12-kept-after-40", sig(4.0) ** 41).message
    assert "usual bias of 1" in check("12-kept-after-40", sig(1.0) ** 40).message
    assert "That is one step" in check("12-kept-after-40", sig(4.0)).message
    assert "multiplies" in check("12-kept-after-40", 40 * sig(4.0)).message
    assert "share KEPT" in check("12-kept-after-40", 1 - sig(4.0) ** 40).message
    assert not check("12-kept-after-40", 0.7)


def test_exercise_chance_6():
    assert check("12-chance-6", 1 / 6)
    assert "4 symbols" in check("12-chance-6", 0.25).message
    assert "percent" in check("12-chance-6", 100 / 6).message
    assert "WRONG" in check("12-chance-6", 5 / 6).message


def test_exercise_rnn_size():
    def count(H):                                     # W_xh, W_hh, b, then the read-out W_hy, b_y
        return 4 * H + H * H + H + 4 * H + 4
    assert count(65) <= 4868 < count(66)
    assert check("12-rnn-size", 65)
    assert "One too many" in check("12-rnn-size", 66).message
    assert "small RNN" in check("12-rnn-size", 32).message
    assert "whole number" in check("12-rnn-size", 65.4).message
    assert "9H + 4" in check("12-rnn-size", 69.8).message
    assert "17,540" in check("12-rnn-size", 128).message and count(128) == 17540
    assert "a larger H fits too" in check("12-rnn-size", 60).message
    assert not check("12-rnn-size", 64)


def test_verdicts_and_summary():
    s = fake_sweep({"rnn": [1.0, 0.5, 0.3], "lstm": [0.95, 0.9, 0.89]})
    assert [s.verdict("rnn", k) for k in s.ks] == ["solved", "in between", "at chance"]
    assert [s.verdict("lstm", k) for k in s.ks] == ["solved", "solved", "in between"]
    assert s.summary() == ("k             rnn        lstm\n"
                           "1          solved      solved\n"
                           "2      in between      solved\n"
                           "3       at chance  in between")
