"""ScheduledSamplingExplorer, BeamExplorer and the figures of notebook 17.

The sweep the explorer shows is made up here (known curves and accuracies), so every readout and
artist is compared with numbers written in the test; the beam explorer's model is stepped by hand
(the LSTM equations in numpy, softmax by hand), never through the explorer's code."""

import re

import numpy as np
import pytest

from lstm_core import seq2seq as S
from lstm_core import tasks
from lstm_course.demos import seq2seq as E
from lstm_course.explorers.seq2seq import (BeamExplorer, ScheduledSamplingExplorer, plot_curves, plot_position_errors,
                                           spread_apart)

RATIOS = (1.0, 0.75, 0.5, 0.25, 0.0)
SEEDS = (0, 1, 2)
STEPS = [0, 50, 100]
LENGTHS = (2, 3, 4)


def fake_value(r, s, j):
    """A made-up accuracy for ratio r, seed s, point j: distinct for every triple."""
    return round(0.1 + 0.5 * r + 0.07 * s + 0.02 * j, 4)


@pytest.fixture(scope="module")
def sweep():
    runs = {}
    for r in RATIOS:
        for s in SEEDS:
            runs[r, s] = E.Run(r, s, None, None, list(STEPS), [fake_value(r, s, j) for j in range(3)],
                               {L: fake_value(r, s, L) for L in LENGTHS})
    return E.Sweep(RATIOS, SEEDS, runs, {})


@pytest.fixture(scope="module")
def ss(sweep):
    return ScheduledSamplingExplorer(sweep)


def numbers(text):
    return [float(v) for v in re.findall(r"-?\d+\.\d+", text)]


@pytest.mark.parametrize("r", RATIOS)
def test_each_ratio_shows_its_runs(ss, r):
    ss.ratio_slider.value = r
    assert ss.status.value == ""
    curves = np.array([[fake_value(r, s, j) for j in range(3)] for s in SEEDS])
    for line, row in zip(ss.seed_lines, curves):
        np.testing.assert_allclose(line.get_ydata(), row)
    np.testing.assert_allclose(ss.mean_line.get_ydata(), curves.mean(0))
    tests = np.array([[fake_value(r, s, L) for L in LENGTHS] for s in SEEDS])
    np.testing.assert_allclose(sorted(ss.dots.get_offsets()[:, 1]), sorted(tests.ravel()))
    np.testing.assert_allclose(ss.len_line.get_ydata(), tests.mean(0))
    final = tests.mean(1)                                   # each run's accuracy: the mean over lengths
    tf = np.array([[fake_value(1.0, s, L) for L in LENGTHS] for s in SEEDS])
    lines = ss.readout_text.splitlines()
    assert numbers(lines[1]) == pytest.approx([final.min(), final.mean(), final.max()], abs=5e-4)
    assert numbers(lines[2]) == pytest.approx([tf.mean(1).min(), tf.mean(1).mean(), tf.mean(1).max()], abs=5e-4)
    assert numbers(lines[3]) == pytest.approx([tests[:, -1].mean(), tf[:, -1].mean()], abs=5e-4)
    assert f"{r:.2f}" in lines[0]


def test_the_slider_snaps_to_the_nearest_trained_ratio(ss):
    ss.ratio_slider.value = 0.3
    assert "r = 0.25" in ss.readout_text


def test_presets(ss):
    for label, r in (("teacher forcing", 1.0), ("half and half", 0.5), ("free running", 0.0)):
        ss.preset_buttons[label].click()
        assert ss.ratio_slider.value == r
        want = np.array([[fake_value(r, s, j) for j in range(3)] for s in SEEDS]).mean(0)
        np.testing.assert_allclose(ss.mean_line.get_ydata(), want)


def test_the_default_shows_the_shipped_sweep():
    ex = ScheduledSamplingExplorer()
    shipped = E.load_sweep()
    assert ex.sweep.ratios == shipped.ratios == E.SWEEP_17["ratios"]
    assert ex.sweep.seeds == E.SWEEP_17["seeds"]


def test_a_sweep_without_teacher_forcing_is_refused(sweep):
    part = E.Sweep((0.5,), SEEDS, {k: v for k, v in sweep.runs.items() if k[0] == 0.5}, {})
    with pytest.raises(ValueError, match="sweep must hold runs at ratio 1.0"):
        ScheduledSamplingExplorer(part)
    with pytest.raises(TypeError, match="sweep must be the Sweep"):
        ScheduledSamplingExplorer({"runs": {}})


# --- beam search ------------------------------------------------------------------------------------
def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def hand_log_probs(m, src, fed):
    """Log-probabilities (K,) after feeding ``fed`` (BOS first) to the decoder, by the LSTM equations."""
    def run(p, tokens, h, c):
        H = p.hidden_size
        for tok in tokens:
            z = p.weight_x[:, tok] + p.weight_h @ h + p.bias
            f, i, o, g = sig(z[:H]), sig(z[H:2 * H]), sig(z[2 * H:3 * H]), np.tanh(z[3 * H:])
            c = f * c + i * g
            h = o * np.tanh(c)
        return h, c
    H = m.hidden_size
    h, c = run(m.encoder, src, np.zeros(H), np.zeros(H))
    h, c = run(m.decoder, fed, h, c)
    y = m.W_hy @ h + m.b_y
    return y - np.log(np.sum(np.exp(y)))


@pytest.fixture(scope="module")
def model():
    m = S.Seq2Seq(n_digits=4, hidden_size=6, seed=3)
    rng = np.random.default_rng(3)
    for v in m.params.values():
        v += rng.normal(scale=0.6, size=v.shape)
    return m


@pytest.fixture(scope="module")
def beam(model):
    return BeamExplorer(model, length=3, n_strings=6)


def hand_greedy(m, src, max_len):
    fed, out = [m.bos], []
    for _ in range(max_len):
        lp = hand_log_probs(m, src, fed)
        k = int(np.argmax(lp))
        out.append((k, lp[k]))
        if k == m.eos:
            break
        fed.append(k)
    return out


def spell(m, toks):
    return "".join("." if t == m.eos else str(t) for t in toks) or "-"


@pytest.mark.parametrize("width", [1, 2, 3, 5])
@pytest.mark.parametrize("string", [0, 5])
def test_beam_readout_against_stepping_by_hand(beam, model, width, string):
    beam.set_values(width_slider=width, string_slider=string)
    assert beam.status.value == ""
    src, tgt = tasks.reverse_digits(6, 3, 4, seed=[E.TEST_STREAM, 3])
    lines = beam.readout_text.splitlines()
    assert lines[0] == f"input {spell(model, src[string])}   right answer {spell(model, tgt[string])}"
    g = hand_greedy(model, src[string], 6)
    digits = [k for k, _ in g if k != model.eos]
    assert lines[1].startswith(f"greedy: {spell(model, digits)}  score {sum(lp for _, lp in g):.3f}")
    # step 1 keeps the `width` most probable first tokens, with their log-probabilities
    lp1 = hand_log_probs(model, src[string], [model.bos])
    top = np.argsort(-lp1, kind="stable")[:width]
    assert lines[3] == "step 1: " + ";  ".join(f"{spell(model, [k])} {lp1[k]:.2f}" for k in top)
    # the answer's score is the summed log-probability of its tokens, fed them one by one
    m = re.match(r"beam search, width (\d+): (\S+)  score (-?\d+\.\d+)", lines[2])
    assert int(m.group(1)) == width
    best = [int(ch) for ch in m.group(2)] if m.group(2) != "-" else []
    toks = best + [model.eos] if len(best) < 6 else best
    score = sum(hand_log_probs(model, src[string], [model.bos, *toks[:j]])[toks[j]] for j in range(len(toks)))
    assert float(m.group(3)) == pytest.approx(score, abs=5e-4)
    if width == 1:
        assert m.group(2) == spell(model, digits)
    # one edge and one point per kept beam
    kept = sum(len(line.split(";")) for line in lines[3:])
    assert len(beam.live.get_offsets()) + len(beam.ended.get_offsets()) == kept
    assert sum(len(e.get_xdata()) > 0 for e in beam.edges) == kept


def test_beam_presets(beam):
    for label, w in (("greedy (width 1)", 1), ("width 3", 3), ("width 5", 5)):
        beam.preset_buttons[label].click()
        assert beam.width_slider.value == w
        assert f"width {w}:" in beam.readout_text


def test_beam_explorer_refuses_what_is_not_a_model():
    with pytest.raises(TypeError, match="model must be a Seq2Seq"):
        BeamExplorer(model="trained")
    with pytest.raises(ValueError, match="length must be a positive integer"):
        BeamExplorer(model=S.Seq2Seq(3, 4), length=0)


def test_the_demo_model_says_when_it_shortens_the_strings():
    """Without a model the explorer trains one on 2-4 digits; a longer length is cut to 4 and the
    readout says so (it was cut silently); a length it learnt is kept, with no note."""
    long = BeamExplorer(length=6)
    assert long.src.shape[1] == 4
    assert "not the 6 asked for" in long.readout_text
    short = BeamExplorer(length=3)
    assert short.src.shape[1] == 3 and "asked for" not in short.readout_text
    trained = BeamExplorer(model=long.model, length=6)       # a model passed in: the length is the caller's
    assert trained.src.shape[1] == 6 and "asked for" not in trained.readout_text


def test_figures_draw_every_seed(model):
    sw = E.ratio_sweep((1.0, 0.0), (0, 1), n_digits=3, hidden=4, lengths=(2, 3), steps=20, every=10, n_val=4,
                       n_test=4)
    ax = plot_curves(sw)
    seed_lines = [ln for ln in ax.get_lines() if ln.get_label() == "_seed"]
    assert len(seed_lines) == 4
    np.testing.assert_allclose(seed_lines[0].get_ydata(), sw.runs[1.0, 0].curve)
    errs = [E.position_errors(model, 3, n=30, seed=s) for s in (0, 1)]
    ax1, ax2 = plot_position_errors(errs)
    assert len([ln for ln in ax1.get_lines() if ln.get_label() == "_seed"]) == 4
    means = [ln for ln in ax1.get_lines() if ln.get_label() == "fed its own guesses"]
    np.testing.assert_allclose(means[0].get_ydata(), (errs[0].own_fed + errs[1].own_fed) / 2)


def test_spread_apart_keeps_order_and_gap_and_moves_least():
    # by hand: 0, 1, 2 are 10 apart at best around their mean 1 -> -9, 1, 11; 50, 51 -> 45.5, 55.5
    np.testing.assert_allclose(spread_apart([51, 0, 2, 50, 1], 10, -100, 100), [55.5, -9, 11, 45.5, 1])
    np.testing.assert_allclose(spread_apart([3.0, 40.0], 10, 0, 100), [3.0, 40.0])        # apart already
    np.testing.assert_allclose(spread_apart([0, 0, 0], 10, 5, 100), [5, 15, 25])        # pushed inside
    np.testing.assert_allclose(spread_apart([100, 100], 10, 0, 100), [90, 100])
    # a second method: least squares over a fine grid for two points
    y = np.array([4.0, 7.0])
    grid = np.linspace(-20, 30, 501)
    a, b = np.meshgrid(grid, grid, indexing="ij")
    ok = b - a >= 10 - 1e-9
    cost = np.where(ok, (a - y[0]) ** 2 + (b - y[1]) ** 2, np.inf)
    i, j = np.unravel_index(np.argmin(cost), cost.shape)
    np.testing.assert_allclose(spread_apart(y, 10, -100, 100), [grid[i], grid[j]], atol=0.1)


def test_beam_tokens_point_at_their_beams(beam):
    beam.set_values(width_slider=3, string_slider=0)
    xy = np.vstack([beam.live.get_offsets(), beam.ended.get_offsets()])
    shown = [t for t in beam.labels if t.get_text()]
    assert len(shown) == len(xy)
    assert {tuple(np.round(t.xy, 9)) for t in shown} == {tuple(np.round(p, 9)) for p in xy}
