"""lstm_course.demos.seq2seq: the measurements of notebook 17 against plain loops written here, the
sweep's file round trip, and the shipped sweep's settings."""

import numpy as np
import pytest

import lstm_core as L
from lstm_core import seq2seq as S
from lstm_core import tasks
from lstm_course.demos import seq2seq as E


@pytest.fixture(scope="module")
def model():
    m = S.Seq2Seq(n_digits=3, hidden_size=5, seed=2)
    rng = np.random.default_rng(2)
    for v in m.params.values():
        v += rng.normal(scale=0.7, size=v.shape)
    return m


def step_by_hand(m, src, fed_fn, T):
    """Run the encoder, then T decoder steps; fed_fn(t, previous argmax) picks each input. Returns argmaxes (T,)."""
    V = m.input_size
    h = c = np.zeros((1, m.hidden_size))
    for tok in src:
        s = L.lstm_step(m.encoder, np.eye(V)[[tok]], h, c)
        h, c = s.h, s.c
    out, prev = [], None
    for t in range(T):
        s = L.lstm_step(m.decoder, np.eye(V)[[fed_fn(t, prev)]], h, c)
        h, c = s.h, s.c
        prev = int(np.argmax(s.h @ m.W_hy.T + m.b_y))
        out.append(prev)
    return np.array(out)


def test_position_errors_by_hand(model):
    n, Ln = 60, 3
    pe = E.position_errors(model, Ln, n=n, seed=5)
    src, tgt = tasks.reverse_digits(n, Ln, 3, seed=[5, Ln])
    want = np.concatenate([tgt, np.full((n, 1), model.eos)], axis=1)
    truth_in = np.concatenate([np.full((n, 1), model.bos), tgt], axis=1)
    tf = np.array([step_by_hand(model, src[b], lambda t, p, b=b: truth_in[b, t], Ln + 1) for b in range(n)])
    own = np.array([step_by_hand(model, src[b], lambda t, p: model.bos if t == 0 else p, Ln + 1) for b in range(n)])
    wrong_tf, wrong = tf != want, own != want
    np.testing.assert_allclose(pe.true_fed, wrong_tf.mean(0))
    np.testing.assert_allclose(pe.own_fed, wrong.mean(0))
    for t in range(Ln + 1):
        before = [b for b in range(n) if wrong[b, :t].any()]
        clean = [b for b in range(n) if not wrong[b, :t].any()]
        if before:
            assert pe.after_error[t] == pytest.approx(np.mean([wrong[b, t] for b in before]))
            assert pe.after_error_true_fed[t] == pytest.approx(np.mean([wrong_tf[b, t] for b in before]))
        else:
            assert np.isnan(pe.after_error[t]) and np.isnan(pe.after_error_true_fed[t])
        if clean:
            assert pe.after_none[t] == pytest.approx(np.mean([wrong[b, t] for b in clean]))
        else:
            assert np.isnan(pe.after_none[t])
    assert np.isnan(pe.after_error[0])                # nothing comes before the first output


def test_beam_counts_by_hand(model):
    n, Ln, W = 40, 3, 2
    count = E.beam_vs_greedy(model, W, Ln, n=n, seed=6)
    src, tgt = tasks.reverse_digits(n, Ln, 3, seed=[6, Ln])
    tally = dict(both_right=0, beam_only=0, greedy_only=0, higher_score=0, lower_score=0)
    for b in range(n):
        g = S.beam_search(model, src[b], 1, max_len=Ln + 3).best            # width 1 is greedy (tested)
        bm = S.beam_search(model, src[b], W, max_len=Ln + 3).best
        want = tuple(tgt[b].tolist()) + (model.eos,)
        g_ok, b_ok = g.tokens == want, bm.tokens == want
        tally["both_right"] += g_ok and b_ok
        tally["beam_only"] += b_ok and not g_ok
        tally["greedy_only"] += g_ok and not b_ok
        tally["higher_score"] += bm.score > g.score + 1e-9
        tally["lower_score"] += bm.score < g.score - 1e-9
    assert count == E.BeamCount(W, n, **tally)


def test_a_sweep_survives_its_file(tmp_path):
    sw = E.ratio_sweep((1.0, 0.0), (0, 1), n_digits=3, hidden=4, lengths=(2, 3), steps=20, every=10, n_val=4,
                       n_test=4)
    E.save_sweep(sw, tmp_path / "s.json")
    back = E.load_sweep(tmp_path / "s.json")
    assert back.ratios == sw.ratios and back.seeds == sw.seeds and back.lengths == sw.lengths
    for r in sw.ratios:
        np.testing.assert_array_equal(back.final[r], sw.final[r])
        np.testing.assert_array_equal(back.curves(r), sw.curves(r))
    assert back.table() == sw.table()
    with pytest.raises(ValueError, match="path must be a sweep file"):
        E.load_sweep(tmp_path / "missing.json")


def test_the_shipped_sweep_is_the_notebook_settings():
    sw = E.load_sweep()
    cfg = {k: v for k, v in E.SWEEP_17.items() if k not in ("ratios", "seeds")}
    assert sw.config == cfg
    assert sw.ratios == E.SWEEP_17["ratios"] and sw.seeds == E.SWEEP_17["seeds"]
    assert len(sw.runs) == len(sw.ratios) * len(sw.seeds)
    assert sw.lengths == tuple(range(cfg["lengths"][0], cfg["lengths"][1] + 1))
    np.testing.assert_array_equal(sw.curve_steps, np.arange(0, cfg["steps"] + 1, cfg["every"]))


def test_sweeps_refuse_bad_arguments():
    with pytest.raises(ValueError, match="ratios must be a non-empty list"):
        E.ratio_sweep(ratios=())
    with pytest.raises(ValueError, match="ratios\\[i\\] must be <= 1"):
        E.ratio_sweep(ratios=(1.5,))
    with pytest.raises(ValueError, match="seeds must hold integers >= 0"):
        E.ratio_sweep(seeds=(-1,))


def test_position_table_is_the_mean_over_models(model):
    errs = [E.position_errors(model, 3, n=40, seed=s) for s in (1, 2)]
    lines = E.position_table(errs).splitlines()
    assert lines[0].split()[-4:] == ["1", "2", "3", "EOS"]
    own = [float(v) for v in lines[2].split()[-4:]]
    np.testing.assert_allclose(own, (errs[0].own_fed + errs[1].own_fed) / 2, atol=5e-4)
    assert lines[3].split()[-4] == "-"                 # nothing comes before the first output
