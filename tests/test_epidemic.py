"""lstm_core.epidemic: the SIR simulation against independent references, the committed data set,
windows, scaling, baselines and rollouts written out by hand, the trained forecasters' comparison
that notebook 14 prints, and bad input."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lstm_core import epidemic as E
from lstm_core.exercises import check
from lstm_core.models import SequenceModel

ROOT = Path(__file__).resolve().parents[1]


# --- the SIR model -------------------------------------------------------------------------------

def euler(beta, gamma, N, I0, days, per_day=2000):
    """A fine forward-Euler integration, written out here (a different method from RK4)."""
    S, I, R = N - I0, float(I0), 0.0
    out = [(S, I, R)]
    dt = 1.0 / per_day
    for _ in range(days):
        for _ in range(per_day):
            new, rec = beta * S * I / N * dt, gamma * I * dt
            S, I, R = S - new, I + new - rec, R + rec
        out.append((S, I, R))
    return np.array(out)


def test_rk4_agrees_with_a_fine_euler_integration():
    c = E.simulate_sir(0.4, 0.125, days=60)
    ref = euler(0.4, 0.125, 100_000, 10, 60)
    np.testing.assert_allclose(c.I, ref[:, 1], rtol=2e-3, atol=0.5)
    np.testing.assert_allclose(c.S, ref[:, 0], rtol=1e-3)


def test_early_growth_is_exponential_at_rate_beta_minus_gamma():
    c = E.simulate_sir(0.3, 0.1, days=10)         # S/N is still 0.999...: I' = (beta - gamma) I
    np.testing.assert_allclose(c.I, 10 * np.exp(0.2 * np.arange(11)), rtol=2e-3)


def test_final_size_relation():
    # the share never infected s solves  log(s) = -R0 (1 - s)  (for a vanishing first case count)
    c = E.simulate_sir(0.3, 0.1, I0=1, days=600)
    s = c.S[-1] / c.N
    assert c.I[-1] < 1e-3
    assert np.log(s) == pytest.approx(-3.0 * (1 - s), abs=2e-4)


@pytest.mark.parametrize("beta, gamma", [(0.3, 0.1), (1.0, 0.25), (0.2, 0.25)])
def test_invariants(beta, gamma):
    c = E.simulate_sir(beta, gamma)
    np.testing.assert_allclose(c.S + c.I + c.R, c.N, rtol=0, atol=1e-8)
    assert (np.diff(c.S) <= 0).all() and (np.diff(c.R) >= 0).all() and (c.I >= 0).all()
    assert c.r0 == pytest.approx(beta / gamma) == E.r0(beta, gamma)


def test_observation_noise_is_seeded_and_multiplicative():
    I = np.array([0.0, 10.0, 1000.0, 20000.0])
    z = np.random.default_rng(3).standard_normal(4)
    np.testing.assert_array_equal(E.observe(I, 0.04, seed=3), np.round(I * np.exp(0.04 * z)))
    np.testing.assert_array_equal(E.observe(I, 0.0), I)


# --- the committed data set -------------------------------------------------------------------------

def test_committed_csv_equals_a_fresh_build():
    sys.path.insert(0, str(ROOT / "data" / "epidemic"))
    try:
        import make_data
    finally:
        sys.path.pop(0)
    assert E.CSV_PATH.read_text() == make_data.csv_text()
    out = subprocess.run([sys.executable, str(ROOT / "data" / "epidemic" / "make_data.py"), "--check"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr


def test_csv_rows_obey_the_sir_invariants():
    eps = E.load_epidemics()
    assert [e.split for e in eps].count("train") == 8 and [e.split for e in eps].count("held-out") == 3
    for e in eps:
        c = e.curve
        assert c.day.tolist() == list(range(E.DAYS + 1))
        np.testing.assert_allclose(c.S + c.I + c.R, E.POPULATION, atol=0.002)   # 3 decimals each
        assert (np.diff(c.S) <= 0).all(), f"S rises in epidemic {e.name}"
        assert (e.observed >= 0).all() and (e.observed == np.round(e.observed)).all()
        assert np.abs(e.observed - c.I).max() < 0.25 * c.I.max()


# --- pairs, scaling, baselines ----------------------------------------------------------------------

def test_windows_and_next_day_pairs_by_hand():
    s = np.arange(6.0)
    X, y = E.windows(s, 3)
    np.testing.assert_array_equal(X[..., 0], [[0, 1, 2], [1, 2, 3], [2, 3, 4]])
    np.testing.assert_array_equal(y[:, 0], [3, 4, 5])
    X2, _ = E.windows([s, s + 10], 3)
    assert X2.shape == (6, 3, 1) and X2[3, 0, 0] == 10
    xs, ys = E.next_day_pairs([s, s * 2])
    assert xs.shape == ys.shape == (2, 5, 1)
    np.testing.assert_array_equal(ys[1, :, 0], [2, 4, 6, 8, 10])


def test_scaler_is_log1p_over_log1p_of_the_training_max():
    sc = E.Scaler.fit([np.array([0.0, 99.0]), np.array([999.0])])
    c = np.array([0.0, 9.0, 999.0])
    np.testing.assert_allclose(sc.transform(c), np.log(1 + c) / np.log(1000.0))
    np.testing.assert_allclose(sc.inverse(sc.transform(c)), c)
    assert sc.inverse(np.array([-0.5]))[0] == 0.0
    assert sc.inverse(np.array([1.9]))[0] == E.POPULATION          # capped at the town's size


def test_naive_forecasts_by_hand():
    h = np.array([5.0, 8.0, 10.0])
    np.testing.assert_array_equal(E.naive_forecast(h, 3), [10, 10, 10])
    np.testing.assert_array_equal(E.naive_forecast(h, 3, "linear"), [12, 14, 16])
    np.testing.assert_array_equal(E.naive_forecast([10.0, 4.0], 3, "linear"), [0, 0, 0])
    c = np.array([1.0, 2.0, 4.0, 7.0, 11.0])
    np.testing.assert_array_equal(E.naive_rollouts(c, np.array([3, 5]), 2, "linear"), [[6, 8], [15, 19]])


# --- rollouts with a (random, untrained) model ------------------------------------------------------

@pytest.fixture
def model():
    m = SequenceModel("lstm", 1, 5, 1, seed=7)
    m.b_y[:] = 0.3
    return m


def test_m2o_rollout_slides_the_window_over_its_own_forecasts(model):
    s = np.linspace(0.1, 0.6, 12)
    got = E.rollout(model, s, 4, window=5, kind="m2o")
    buf = list(s[-5:])
    for k in range(4):
        y = model.predict(np.array(buf[-5:])[None, :, None])[0, 0]
        assert got[k] == pytest.approx(y, abs=1e-12)
        buf.append(y)


def test_m2m_rollout_equals_reading_history_and_forecasts_in_one_pass(model):
    s = np.linspace(0.1, 0.6, 12)
    got = E.rollout(model, s, 4, window=5, kind="m2m")
    seq = list(s)
    for k in range(4):        # the model reads everything from day 0 again each time: no state carried
        y = model.forward(np.array(seq)[None, :, None], at="last").y[0, 0]
        assert got[k] == pytest.approx(y, abs=1e-12)
        seq.append(y)
    many = E.rollouts(model, s, np.array([5, 9, 12]), 3, 5, kind="m2m")
    np.testing.assert_allclose(many[1], E.rollout(model, s[:9], 3, 5, kind="m2m"), atol=1e-12)
    np.testing.assert_allclose(E.one_step_forecasts(model, s, 5, "m2m"),
                               [E.rollout(model, s[:t], 1, 5, "m2m")[0] for t in range(5, 12)], atol=1e-12)


def test_compare_baselines_by_hand(model):
    eps = E.load_epidemics()[8:9]
    res = E.compare(eps, E.Scaler.fit([eps[0].observed]), {"m": (model, "m2o")}, window=10, horizons=(1, 3))
    o = eps[0].observed
    starts = np.arange(10, o.size - 3 + 1)
    assert res["persistence"]["mae"][1] == pytest.approx(np.mean(np.abs(o[starts] - o[starts - 1])))
    lin3 = np.maximum(o[starts - 1] + 3 * (o[starts - 1] - o[starts - 2]), 0)
    assert res["linear trend"]["rmse"][3] == pytest.approx(np.sqrt(np.mean((lin3 - o[starts + 2]) ** 2)))


# --- the trained forecasters: what notebook 14 prints and claims ------------------------------------

@pytest.fixture(scope="module")
def trained():
    eps = E.load_epidemics()
    train = [e.observed for e in eps if e.split == "train"]
    scaler = E.Scaler.fit(train)
    scaled = [scaler.transform(s) for s in train]
    m2o, _ = E.train_forecaster("m2o", scaled)
    m2m, _ = E.train_forecaster("m2m", scaled)
    held = [e for e in eps if e.split == "held-out"]
    res = E.compare(held, scaler, {"LSTM many-to-one": (m2o, "m2o"), "LSTM many-to-many": (m2m, "m2m")},
                    E.RECIPE.window, horizons=(1, 7, 14))
    return m2m, res


def test_both_lstms_beat_both_baselines_on_held_out_epidemics(trained):
    _, res = trained
    for name in ("LSTM many-to-one", "LSTM many-to-many"):
        for h in (1, 7, 14):
            best = min(res["persistence"]["mae"][h], res["linear trend"]["mae"][h])
            assert res[name]["mae"][h] < best, (name, h)
        assert res[name]["rmse"][1] < min(res["persistence"]["rmse"][1], res["linear trend"]["rmse"][1])
        gain1 = 1 - res[name]["mae"][1] / min(res["persistence"]["mae"][1], res["linear trend"]["mae"][1])
        assert 0.2 <= gain1 <= 1 / 3 + 0.01, (name, gain1)       # "between a fifth and a third"
    m2m = res["LSTM many-to-many"]["mae"]
    best = {h: min(res["persistence"]["mae"][h], res["linear trend"]["mae"][h]) for h in (1, 7, 14)}
    gains = [1 - m2m[h] / best[h] for h in (1, 7, 14)]
    assert gains[0] < gains[1] < gains[2] and 0.7 <= gains[2] <= 0.8     # "grows, to about three quarters"
    for h in (1, 7, 14):
        assert m2m[h] < res["LSTM many-to-one"]["mae"][h]


def test_shipped_weights_are_the_recipe_s_many_to_many_model(trained):
    m2m, _ = trained
    shipped, _ = E.load_forecaster()
    for k, v in m2m.params.items():
        np.testing.assert_allclose(shipped.params[k], v, rtol=1e-6, atol=1e-9, err_msg=k)


# --- exercises ---------------------------------------------------------------------------------------

def test_exercises_accept_the_answer_and_hint_at_the_usual_mistakes():
    assert check("14-r0", 2.4)
    assert "beta * gamma" in check("14-r0", 0.0375).message
    assert "upside down" in check("14-r0", 1 / 2.4).message
    assert check("14-naive", [2100, 2400, 2700])
    assert "persistence" in check("14-naive", [1800, 1800, 1800]).message
    assert "once" in check("14-naive", [2100, 2100, 2100]).message
    want = np.log1p([30000.0, 0.0, 173.0]) / np.log1p(30000.0)
    assert check("14-scale", want)
    assert "plain count" in check("14-scale", [1.0, 0.0, 173 / 30000]).message


# --- bad input ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda: E.simulate_sir(0.3, 0.0), "gamma must be > 0"),
    (lambda: E.simulate_sir(-0.1, 0.1), "beta must be >= 0"),
    (lambda: E.simulate_sir(0.3, 0.1, I0=200_000), "I0 must be <= "),
    (lambda: E.simulate_sir("a", 0.1), "beta must be a finite number"),
    (lambda: E.simulate_sir(0.3, 0.1, days=0), "days must be a positive integer"),
    (lambda: E.observe(np.array([-1.0, 2.0])), "I must be non-negative"),
    (lambda: E.observe(np.ones(3), noise=-0.1), "noise must be >= 0"),
    (lambda: E.windows(np.ones(3), 3), "longer than window=3"),
    (lambda: E.windows(np.ones((3, 2)), 1), "series must be a \\(T,\\) array"),
    (lambda: E.next_day_pairs([np.ones(1)]), "at least 2 days"),
    (lambda: E.Scaler.fit([np.zeros(3)]), "above 0"),
    (lambda: E.Scaler(1.0).transform([-1.0]), "counts must be >= 0"),
    (lambda: E.naive_forecast([1.0], 2, "linear"), "history must hold at least 2"),
    (lambda: E.naive_forecast([1.0], 2, "mean"), "kind must be one of"),
    (lambda: E.naive_forecast([1.0], 0), "horizon must be a positive integer"),
    (lambda: E.rollout(SequenceModel("lstm", 2, 3, 1), np.ones(5), 2, 3), "input_size = output_size = 1"),
    (lambda: E.rollout("model", np.ones(5), 2, 3), "model must be a SequenceModel"),
    (lambda: E.rollouts(SequenceModel("lstm", 1, 3, 1), np.ones(5), np.array([2]), 2, 3), "starts must lie in"),
    (lambda: E.mae(np.ones(3), np.ones(4)), "one non-empty shape"),
    (lambda: E.window_batches(np.ones((4, 3, 1)), np.ones((5, 1))), "one row per window"),
    (lambda: E.train_forecaster("seq2seq", [np.ones(5)]), "kind must be one of"),
    (lambda: E.load_epidemics("/nonexistent.csv"), "path must be an existing CSV"),
    (lambda: E.make_epidemics([("A", "test", 0.3, 0.1)]), "split must be one of"),
])
def test_bad_input(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()
