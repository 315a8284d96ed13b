"""LongRangeExplorer and the figures of notebook 12.

The references are written out here: the LSTM and the RNN run step by step from their weights in
plain numpy, softmax by hand, running means by np.convolve. They never call the explorer's code."""

import re

import numpy as np
import pytest

from lstm_course.demos import long_range as E
from lstm_course.explorers.long_range import C_LIMIT, LongRangeExplorer, plot_accuracy_vs_k, plot_losses

N_SEQ = 5
MODELS = {"rnn": ("rnn", 6), "big rnn": ("rnn", 9), "lstm": ("lstm", 6)}
SEEDS = (0, 3)


@pytest.fixture(scope="module")
def sweep():
    return E.long_range_accuracy(MODELS, ks=(3, 6), seeds=SEEDS, steps={3: 60, 6: 40}, n_test=40)


@pytest.fixture(scope="module")
def ex(sweep):
    return LongRangeExplorer(sweep, n_sequences=N_SEQ)


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def ref_lstm(cell, x):
    """f, i, c of one sequence x (T, D), by the LSTM equations, gate by gate: each (T, H)."""
    W = {g: cell.gate(g) for g in "fiog"}
    H = cell.hidden_size
    h, c = np.zeros(H), np.zeros(H)
    fs, is_, cs = [], [], []
    for xt in x:
        z = {g: W[g].W_x @ xt + W[g].W_h @ h + W[g].b for g in "fiog"}
        f, i, o, g = sig(z["f"]), sig(z["i"]), sig(z["o"]), np.tanh(z["g"])
        c = f * c + i * g
        h = o * np.tanh(c)
        fs.append(f), is_.append(i), cs.append(c)
    return np.array(fs), np.array(is_), np.array(cs), h


def ref_rnn(cell, x):
    h = np.zeros(cell.hidden_size)
    hs = []
    for xt in x:
        h = np.tanh(cell.weight_x @ xt + cell.weight_h @ h + cell.bias)
        hs.append(h)
    return np.array(hs), h


def probs(model, h):
    y = model.W_hy @ h + model.b_y
    e = np.exp(y - y.max())
    return e / e.sum()


def num(text, pattern):
    m = re.search(pattern, text)
    assert m, f"{pattern!r} not in the readout:\n{text}"
    return [float(v) if "." in v else int(v) for v in m.groups()]


@pytest.mark.parametrize("k", [3, 6])
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", [0, N_SEQ - 1])
def test_figure_and_readout_match_a_hand_written_forward_pass(ex, sweep, k, seed, n):
    ex.k_buttons.value = k
    ex.seed_buttons.value = seed
    ex.seq_slider.value = n
    assert ex.status.value == ""
    xs, ts = E.noisy_first_symbol(N_SEQ, k, 4, 2.0, seed=[seed, k, E.TEST_STREAM])
    lstm, rnn = sweep.runs["lstm", k, seed].model, sweep.runs["rnn", k, seed].model
    f, i, c, h_l = ref_lstm(lstm.cell, xs[n])
    hs, h_r = ref_rnn(rnn.cell, xs[n])
    T, full = k + 1, max(sweep.ks) + 1
    # left panel: mean gates over units, then NaN past the end of the sequence
    np.testing.assert_allclose(ex.line_f.get_ydata()[:T], f.mean(axis=1), rtol=1e-10)
    np.testing.assert_allclose(ex.line_i.get_ydata()[:T], i.mean(axis=1), rtol=1e-10)
    assert np.isnan(ex.line_f.get_ydata()[T:]).all() and len(ex.line_f.get_ydata()) == full
    np.testing.assert_array_equal(ex.line_f.get_xdata(), np.arange(1, full + 1))
    # middle and right panels: units x steps
    img_c, img_h = np.asarray(ex.img_c.get_array()), np.asarray(ex.img_h.get_array())
    np.testing.assert_allclose(img_c[:, :T], np.clip(c.T, -C_LIMIT, C_LIMIT), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(img_h[:, :T], hs.T, rtol=1e-10, atol=1e-12)
    assert np.isnan(img_c[:, T:]).all() and np.isnan(img_h[:, T:]).all()
    # the readout
    text = ex.readout_text
    s = int(ts[n])
    p_l, p_r = probs(lstm, h_l), probs(rnn, h_r)
    assert num(text, r"k = (\d+), seed (\d+), test sequence (\d+): the symbol is (\d+)") == [k, seed, n, s]
    a_l, q_l = num(text, r"LSTM answers (\d+) \(\w+\), p\(symbol \d\) = (\d+\.\d+)")
    a_r, q_r = num(text, r"RNN answers (\d+) \(\w+\), p\(symbol \d\) = (\d+\.\d+)")
    assert (a_l, a_r) == (int(np.argmax(p_l)), int(np.argmax(p_r)))
    assert ("LSTM answers %d (right)" % a_l in text) == (a_l == s)
    assert q_l == pytest.approx(p_l[s], abs=6e-4) and q_r == pytest.approx(p_r[s], abs=6e-4)
    mf, mi, f1, i1 = num(text, r"mean forget gate (\d+\.\d+), mean input gate (\d+\.\d+) \(at step 1: f = (\d+\.\d+), "
                               r"i = (\d+\.\d+)\)")
    assert mf == pytest.approx(f[1:].mean(), abs=6e-4) and mi == pytest.approx(i[1:].mean(), abs=6e-4)
    assert f1 == pytest.approx(f[0].mean(), abs=6e-4) and i1 == pytest.approx(i[0].mean(), abs=6e-4)
    kept = np.prod(f[1:], axis=0)
    kmean, kmin = num(text, r"keeps the product of its forget gates: (\d+\.\d+) on average over the units, (\d+\.\d+) at least")
    assert kmean == pytest.approx(kept.mean(), abs=6e-4) and kmin == pytest.approx(kept.min(), abs=6e-4)
    assert num(text, r"Largest \|c\| at the last step: (\d+\.\d+)")[0] == pytest.approx(np.abs(c[-1]).max(), abs=6e-3)
    accs = num(text, r"at k = \d+, seed \d+ \(40 sequences\): plain RNN \(H = 6\) (\d+\.\d+), "
                     r"big RNN \(H = 9\) (\d+\.\d+), LSTM \(H = 6\) (\d+\.\d+); chance 0.250")
    for a, label in zip(accs, ("rnn", "big rnn", "lstm")):
        assert a == pytest.approx(sweep.runs[label, k, seed].accuracy, abs=6e-4)
    assert "demo" not in text


def test_controls_offer_the_trained_gaps_seeds_and_sequences(ex, sweep):
    assert [v for _, v in ex.k_buttons.options] == list(sweep.ks)
    assert [v for _, v in ex.seed_buttons.options] == list(SEEDS)
    assert (ex.seq_slider.min, ex.seq_slider.max) == (0, N_SEQ - 1)


def test_the_default_explorer_trains_a_quick_demo():
    d = LongRangeExplorer()
    assert d.demo and d.sweep.ks == (3, 6) and d.sweep.seeds == (0,)
    assert "quick demo training" in d.readout_text


def test_bad_input(sweep):
    with pytest.raises(TypeError, match="sweep must be the Sweep"):
        LongRangeExplorer(sweep={"lstm": 1})
    only_lstm = E.Sweep(sweep.ks, {"lstm": MODELS["lstm"]}, sweep.seeds,
                        {key: r for key, r in sweep.runs.items() if key[0] == "lstm"})
    with pytest.raises(ValueError, match="sweep must hold 'lstm' and 'rnn' runs"):
        LongRangeExplorer(only_lstm)
    with pytest.raises(ValueError, match="n_sequences must be a positive integer"):
        LongRangeExplorer(sweep, n_sequences=0)
    with pytest.raises(ValueError, match=r"k must be one of the trained gaps \(3, 6\)"):
        plot_losses(sweep, 40)
    with pytest.raises(TypeError, match="sweep must be the Sweep"):
        plot_accuracy_vs_k([0.5, 0.6])


def acc_of(sweep, label):
    """(len(ks), len(seeds)) accuracies, read run by run."""
    return np.array([[sweep.runs[label, k, s].accuracy for s in SEEDS] for k in (3, 6)])


NAMES = {"rnn": "plain RNN (H = 6)", "big rnn": "big RNN (H = 9)", "lstm": "LSTM (H = 6)"}


def test_accuracy_plot_shows_every_seed_the_mean_and_the_range(sweep):
    ax = plot_accuracy_vs_k(sweep)
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    dots = [c for c in ax.collections if c.get_label() == "_seeds"]
    bars = [c for c in ax.collections if c.get_label() == "_range"]
    assert len(dots) == len(bars) == 3
    xs = []
    for j, label in enumerate(("rnn", "big rnn", "lstm")):
        acc = acc_of(sweep, label)
        line = lines[NAMES[label]]
        x = line.get_xdata()
        xs.append(x)
        np.testing.assert_allclose(x - [0, 1], x[0])                 # gaps at 0 and 1, shifted alike
        np.testing.assert_allclose(line.get_ydata(), acc.mean(axis=1), rtol=1e-12)
        # one dot per seed, at its model's place
        pts = dots[j].get_offsets()
        np.testing.assert_allclose(pts[:, 0], np.repeat(x, len(SEEDS)))
        np.testing.assert_allclose(pts[:, 1], acc.ravel(), rtol=1e-12)
        # the bar spans the lowest to the highest seed
        segs = bars[j].get_segments()
        np.testing.assert_allclose([sg[:, 1] for sg in segs], np.c_[acc.min(axis=1), acc.max(axis=1)], rtol=1e-12)
    assert xs[0][0] < xs[1][0] < xs[2][0]                              # side by side, never on top
    assert [t.get_text() for t in ax.get_xticklabels()] == ["3", "6"]
    markers = {lines[n].get_marker() for n in NAMES.values()}
    styles = {str(lines[n].get_linestyle()) for n in NAMES.values()}
    assert len(markers) == len(styles) == 3
    chance = [ln for ln in ax.get_lines() if ln.get_label().startswith("_")]
    assert any(np.allclose(ln.get_ydata(), 0.25) for ln in chance)
    assert any("chance = 1/4 = 0.25" in t.get_text() for t in ax.texts)
    assert "2 seeds" in ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_loss_plot_draws_each_seed_as_a_running_mean(sweep):
    ax = plot_losses(sweep, 6, window=5)
    curves = [ln for ln in ax.get_lines() if len(ln.get_ydata()) == 40]      # 40 steps at k = 6
    assert len(curves) == 3 * len(SEEDS)
    for j, label in enumerate(("rnn", "big rnn", "lstm")):
        for n, seed in enumerate(SEEDS):
            ln = curves[j * len(SEEDS) + n]
            assert ln.get_label() == (NAMES[label] if n == 0 else "_seed")
            loss = np.array(sweep.runs[label, 6, seed].history.loss)
            want = np.convolve(loss, np.ones(5) / 5, mode="valid")     # full windows from step 4 on
            np.testing.assert_allclose(ln.get_ydata()[4:], want, rtol=1e-12)
            assert ln.get_ydata()[0] == pytest.approx(loss[0])
    assert any(np.allclose(ln.get_ydata(), np.log(4)) for ln in ax.get_lines() if len(ln.get_ydata()) == 2)
    assert "k = 6" in ax.get_title()


def test_the_learners_training_curve_is_drawn_only_once_written(capsys):
    """Notebook 12's curve of the learner's own loop (12-train-loop): a sentence while my_train is
    a skeleton, the losses as given and the guessing line at ln 4 once it returns them."""
    from lstm_course.explorers.long_range import show_training_curve

    assert show_training_curve(None) is None
    assert "not written yet" in capsys.readouterr().out
    losses = [1.39, 0.9, 0.4, 0.06]
    fig = show_training_curve(losses)
    ax = fig.axes[0]
    mine, guess = ax.lines
    assert list(mine.get_ydata()) == losses and list(mine.get_xdata()) == [1, 2, 3, 4]
    assert guess.get_ydata()[0] == pytest.approx(1.3862943611198906)    # ln 4, by hand
    assert "1.390 at the first step, 0.060 at the last" in capsys.readouterr().out
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
