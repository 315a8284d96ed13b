"""ForecastExplorer: the plotted curves, the forecasts and the readout follow the sliders and
presets, checked against an SIR integration, noise and rollout written out here."""

import numpy as np
import pytest

from lstm_course.demos import epidemic as E
from lstm_core.models import SequenceModel
from lstm_course.explorers.epidemic import ForecastExplorer


def rk4_infectious(r0, days_ill, N=100_000, I0=10, days=120, per_day=4):
    """I on days 0..days for beta = r0 / days_ill, gamma = 1 / days_ill (written out here)."""
    g = 1.0 / days_ill
    b = r0 * g

    def f(y):
        new = b * y[0] * y[1] / N
        return np.array([-new, new - g * y[1], g * y[1]])
    y, out, h = np.array([N - I0, I0, 0.0]), [I0], 1.0 / per_day
    for _ in range(days):
        for _ in range(per_day):
            k1 = f(y)
            k2 = f(y + h / 2 * k1)
            k3 = f(y + h / 2 * k2)
            k4 = f(y + h * k3)
            y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        out.append(y[1])
    return np.array(out)


def expected(ex, r0, days_ill, start):
    I = rk4_infectious(r0, days_ill)
    obs = np.round(I * np.exp(0.04 * np.random.default_rng(0).standard_normal(I.size)))
    top = ex.scaler.top
    x = np.log1p(obs[:start]) / top
    # many-to-many rollout: read the history, then feed each forecast back one day at a time
    out = ex.model.forward(x[None, :, None], at="last")
    lstm = []
    for _ in range(14):
        y = out.y[0, 0]
        lstm.append(y)
        out = ex.model.forward(np.array([[[y]]]), at="last", **out.state)
    lstm = np.minimum(np.expm1(np.clip(lstm, 0, 2) * top), 100_000)
    naive = np.full(14, obs[start - 1])
    return I, obs, lstm, naive, obs[start:start + 14]


@pytest.fixture(scope="module")
def ex():
    return ForecastExplorer()


@pytest.mark.parametrize("r0, days_ill, start", [(2.6, 7.0, 30), (3.1, 9.5, 18), (1.5, 12.0, 107), (4.0, 4.0, 10)])
def test_curves_forecasts_and_readout_follow_the_sliders(ex, r0, days_ill, start):
    with ex.hold():
        ex.r0.value, ex.days.value, ex.start.value = r0, days_ill, start
    I, obs, lstm, naive, truth = expected(ex, r0, days_ill, start)
    np.testing.assert_allclose(ex.observed.get_ydata(), obs / 1000, atol=1e-9)        # % of 100,000
    dx, dy = ex.lstm.get_data()
    np.testing.assert_array_equal(dx, np.arange(start, start + 14))
    np.testing.assert_allclose(dy, lstm / 1000, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ex.naive.get_data()[1], naive / 1000)
    np.testing.assert_allclose(ex.err_lstm.get_ydata(), np.abs(lstm - truth) / 1000, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ex.err_naive.get_ydata(), np.abs(naive - truth) / 1000)
    assert list(ex.start_line.get_xdata()) == [start - 0.5, start - 0.5]
    text = ex.readout_text
    peak = int(np.argmax(I))
    assert f"peaks on day {peak} at {I[peak]:,.0f} people" in text
    assert f"beta = {r0 / days_ill:.3f} and gamma = {1 / days_ill:.3f}" in text
    m_l, m_n = np.abs(lstm - truth).mean(), np.abs(naive - truth).mean()
    assert f"LSTM (blue, dashed, circles) {m_l:,.0f} people" in text
    assert f"naive (orange-red, dotted, squares) {m_n:,.0f} people" in text
    assert f"on day {start} there are {truth[0]:,.0f} ill people, on day {start + 13} {truth[-1]:,.0f}." in text
    if m_l < m_n:
        assert f"{100 * (1 - m_l / m_n):.0f}% smaller" in text
    else:
        assert "the naive forecast wins" in text
    inside = 2.1 <= r0 <= 3.2 and 5 <= days_ill <= 10
    assert ("OUTSIDE" in text) != inside


@pytest.mark.parametrize("label", list(ForecastExplorer.presets))
def test_presets_set_the_sliders(label):
    ex = ForecastExplorer()
    ex.preset_buttons[label].click()
    want = ForecastExplorer.presets[label]
    assert (ex.r0.value, ex.days.value, ex.start.value) == (want["r0"], want["days"], want["start"])
    assert ex.status.value == ""


def test_the_default_view_shows_the_lstm_beating_the_naive_forecast_before_the_peak(ex):
    ex.apply_preset("before the peak")
    assert "smaller than the naive" in ex.readout_text
    ex.apply_preset("outside training: R0 = 4")
    assert "OUTSIDE" in ex.readout_text


@pytest.mark.parametrize("label", list(ForecastExplorer.presets))
def test_both_panels_rescale_so_every_preset_fills_them(ex, label):
    """The tops move in steps: what is drawn reaches past a quarter of each panel (a slow epidemic
    peaking at 7% of the town once filled 13% of a panel fixed at 50%) and is never cut off."""
    ex.apply_preset(label)
    for ax, lines in ((ex.ax, (ex.observed, ex.lstm, ex.naive)), (ex.ax_e, (ex.err_lstm, ex.err_naive))):
        highest = max(np.nanmax(line.get_ydata()) for line in lines)
        bottom, top = ax.get_ylim()
        assert bottom == 0 and highest <= top, (ax.get_title(), highest, top)
        assert highest >= top / 4, (ax.get_title(), highest, top)


def test_a_many_to_one_model_and_bad_arguments():
    m = SequenceModel("lstm", 1, 4, 1, seed=1)
    sc = E.Scaler.fit([np.array([1.0, 30000.0])])
    ex = ForecastExplorer(model=m, scaler=sc, kind="m2o", window=5, horizon=7)
    s = int(ex.start.value)
    obs = ex.simulate()[1]
    x = list(np.log1p(obs[:s]) / sc.top)
    for k in range(7):          # slide a 5-day window over the forecasts
        x.append(m.forward(np.array(x[-5:])[None, :, None], at="last").y[0, 0])
    np.testing.assert_allclose(ex.lstm.get_ydata(), sc.inverse(np.array(x[-7:])) / 1000, rtol=1e-9)
    with pytest.raises(ValueError, match="scaler must be given"):
        ForecastExplorer(model=m)
    with pytest.raises(ValueError, match="kind must be one of"):
        ForecastExplorer(kind="seq")
    with pytest.raises(ValueError, match="input_size = output_size = 1"):
        ForecastExplorer(model=SequenceModel("lstm", 2, 3, 1), scaler=sc)


# --- plot_errors_by_horizon (notebook 14's figure over seeds) -----------------------------------------

def _seed_results():
    def errs(scale):
        return {"mae": {h: scale * h for h in (1, 2, 3)}, "rmse": {h: 2 * scale * h for h in (1, 2, 3)}}
    return E.SeedResults({s: {"persistence": errs(10.0), "linear trend": errs(8.0),
                              "LSTM many-to-one": errs(5.0 + s), "LSTM many-to-many": errs(1.0 + s)}
                          for s in (0, 1)})


def test_plot_errors_by_horizon_draws_one_line_per_naive_forecast_and_per_seed():
    from lstm_course.explorers.epidemic import plot_errors_by_horizon
    fig, ax = plot_errors_by_horizon(_seed_results())
    lines = ax.get_lines()
    assert len(lines) == 2 + 2 * 2                      # two naive forecasts, two LSTMs x two seeds
    by_label = {ln.get_label(): ln for ln in lines if not ln.get_label().startswith("_")}
    assert set(by_label) == {"persistence (no training)", "linear trend (no training)",
                             "LSTM many-to-one, one line per seed", "LSTM many-to-many, one line per seed"}
    np.testing.assert_array_equal(by_label["persistence (no training)"].get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(by_label["persistence (no training)"].get_ydata(), [10, 20, 30])
    np.testing.assert_allclose(by_label["LSTM many-to-many, one line per seed"].get_ydata(), [1, 2, 3])   # seed 0
    np.testing.assert_allclose(lines[-1].get_ydata(), [2, 4, 6])                                         # m2m, seed 1
    assert ax.get_yscale() == "log" and ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    _, ax_r = plot_errors_by_horizon(_seed_results(), metric="rmse")
    np.testing.assert_allclose(ax_r.get_lines()[0].get_ydata(), [20, 40, 60])
    with pytest.raises(ValueError, match="metric must be one of"):
        plot_errors_by_horizon(_seed_results(), metric="mape")
    with pytest.raises(ValueError, match="results must be a SeedResults"):
        plot_errors_by_horizon(E.SeedResults({}))
