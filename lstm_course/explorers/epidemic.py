"""ForecastExplorer (notebook 14): a new simulated epidemic, an LSTM's 14-day forecast of it and the
naive forecast "every day stays like today", with their errors.

The epidemic: SIR with R0 and the mean number of days infectious from the sliders
(gamma = 1 / days, beta = R0 * gamma), N = 100,000, 10 cases on day 0, observed with 4% seeded
noise (``lstm_course.demos.epidemic``). The forecast starts on the chosen day: the model sees days
0 .. start - 1 and forecasts days start .. start + horizon - 1 by feeding each forecast back in.
"""

from __future__ import annotations

import numpy as np

from ..demos import epidemic as E
from ..plotting import OKABE_ITO, freeze_layout, new_figure, style_axes
from .kit import Explorer, float_slider, int_slider

TRAIN_R0 = (2.1, 3.2)          # the training epidemics' range of R0 ...
TRAIN_DAYS = (5.0, 10.0)       # ... and of 1 / gamma (see data/epidemic/README.md)
# The panels' tops (% of the town) move in steps, to the first step above what is drawn: a slow
# epidemic that peaks at 7% still fills its panel, and most slider moves keep the drawn frame
# (ticks, labels; see kit.py). A rollout far outside training can reach 100%.
Y_STEPS = (2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
ERR_STEPS = (0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0)


def axis_top(highest, steps, current=None):
    """The first of ``steps`` that leaves 5% of room above ``highest`` (the last one at most), or
    the ``current`` top while ``highest`` still fits under it and fills a quarter of it: the limits
    then change on few slider moves, and each change re-renders the drawn frame (about 60 ms)."""
    need = next((top for top in steps if top >= 1.05 * highest), steps[-1])
    if current is not None and need <= current and 4 * highest >= current:
        return current
    return need


class ForecastExplorer(Explorer):
    """Sliders for R0, days infectious and the forecast's start day; the true counts, the LSTM's
    rollout and the naive forecast, and how far off each one is.

    model, scaler: a trained forecaster (input and output size 1) and the Scaler of its training
                   data; by default the shipped many-to-many model (``epidemic.load_forecaster``).
    kind:          "m2m" (reads the history carrying its state) or "m2o" (reads the last ``window`` days).
    horizon:       days forecast.
    """

    title = "Forecasting a new epidemic"
    options = dict(model=None, scaler=None, kind="m2m", window=E.RECIPE.window, horizon=14)
    presets = {
        "like held-out P": {"r0": 2.8, "days": 8.0, "start": 35},
        "before the peak": {"r0": 2.6, "days": 7.0, "start": 25},
        "outside training: R0 = 4": {"r0": 4.0, "days": 4.0, "start": 10},
        "slow epidemic": {"r0": 1.6, "days": 10.0, "start": 60},
    }

    def check_options(self):
        if self.model is None:
            self.model, shipped_scaler = E.load_forecaster()
            self.scaler = shipped_scaler if self.scaler is None else self.scaler
        if self.scaler is None:
            raise ValueError("scaler must be given with model (the Scaler of the model's training data)")
        E._check_model(self.model)
        self.kind = E._checks.choice("kind", self.kind, ("m2o", "m2m"))
        self.window = E._checks.positive_int("window", self.window)
        self.horizon = E._checks.positive_int("horizon", self.horizon)
        if self.window + self.horizon > E.DAYS:
            raise ValueError(f"window + horizon must be at most {E.DAYS} days; got {self.window + self.horizon}")
        self._sim_key, self._sim = None, None

    def build(self):
        self.r0 = float_slider("R0 (people one case infects)", 2.6, 1.5, 4.0, step=0.05)
        self.days = float_slider(r"days infectious ($1/\gamma$)", 7.0, 4.0, 12.0, step=0.5, readout_format=".1f")
        self.start = int_slider("forecast from day", 30, self.window, E.DAYS + 1 - self.horizon)
        self.controls = [self.r0, self.days, self.start]

        self.fig, (ax, ax_e) = new_figure(8.6, 3.7, ncols=2, gridspec_kw={"width_ratios": [1.8, 1]})
        days = np.arange(E.DAYS + 1)
        self.observed, = ax.plot(days, np.zeros(days.size), color=OKABE_ITO["grey"], linestyle="-", marker=".",
                                 markersize=3, linewidth=0.8, label="observed (true) count")
        self.lstm, = ax.plot([], [], color=OKABE_ITO["blue"], linestyle="--", marker="o", markersize=3.5,
                             linewidth=1.6, label="LSTM forecast")
        self.naive, = ax.plot([], [], color=OKABE_ITO["vermillion"], linestyle=":", marker="s", markersize=3.5,
                              linewidth=1.6, label="naive: stays like today")
        self.start_line = ax.axvline(30, color=OKABE_ITO["black"], linewidth=0.8, linestyle="-.")
        self.start_text = ax.text(30, 0.97, "", fontsize=8, ha="left", va="top", transform=ax.get_xaxis_transform(),
                                  bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1})
        ax.set_xlim(0, E.DAYS)
        ax.set_ylim(0, Y_STEPS[-1])
        style_axes(ax, "Infectious people in a town of 100,000", "day", "% of the town infectious")

        ahead = np.arange(1, self.horizon + 1)
        self.err_lstm, = ax_e.plot(ahead, np.zeros(self.horizon), color=OKABE_ITO["blue"], linestyle="--",
                                   marker="o", markersize=3.5, label="LSTM")
        self.err_naive, = ax_e.plot(ahead, np.zeros(self.horizon), color=OKABE_ITO["vermillion"], linestyle=":",
                                    marker="s", markersize=3.5, label="naive")
        ax_e.set_xlim(0.5, self.horizon + 0.5)
        ax_e.set_ylim(0, ERR_STEPS[-1])
        ax_e.set_xticks([1, 4, 7, 10, 14] if self.horizon == 14 else ahead)
        style_axes(ax_e, "How far off, by days ahead", "days ahead", "error, % of the town")
        # one legend under both panels (the curves can fill any corner of either)
        self.fig.legend(handles=[self.observed, self.lstm, self.naive], loc="outside lower center", ncols=3,
                        fontsize=8)
        self.ax, self.ax_e = ax, ax_e
        freeze_layout(self.fig)      # laid out at the highest tops (widest tick labels), kept for every later one

    def simulate(self):
        """(SIRCurve, observed counts) of the sliders' epidemic (cached while they do not move)."""
        key = (float(self.r0.value), float(self.days.value))
        if key != self._sim_key:
            gamma = 1.0 / key[1]
            curve = E.simulate_sir(key[0] * gamma, gamma)
            self._sim_key, self._sim = key, (curve, E.observe(curve.I, seed=0))
        return self._sim

    def forecasts(self):
        """(days, truth, lstm, naive) for the forecast window, in people."""
        curve, obs = self.simulate()
        s = int(self.start.value)
        history = obs[:s]
        days = np.arange(s, s + self.horizon)
        lstm = self.scaler.inverse(E.rollout(self.model, self.scaler.transform(history), self.horizon,
                                             self.window, self.kind))
        naive = E.naive_forecast(history, self.horizon)
        return days, obs[days], lstm, naive

    def update(self):
        curve, obs = self.simulate()
        days, truth, lstm, naive = self.forecasts()
        pct = 100.0 / curve.N
        s = int(days[0])
        self.observed.set_ydata(obs * pct)
        self.lstm.set_data(days, lstm * pct)
        self.naive.set_data(days, naive * pct)
        self.start_line.set_xdata([s - 0.5, s - 0.5])
        self.start_text.set_position((s + 0.5, 0.97))
        self.start_text.set_text(f"day {s}:\nforecast ->")
        e_lstm, e_naive = np.abs(lstm - truth), np.abs(naive - truth)
        self.err_lstm.set_ydata(e_lstm * pct)
        self.err_naive.set_ydata(e_naive * pct)
        shown = np.concatenate([obs, lstm, naive]) * pct
        for ax, highest, steps in ((self.ax, float(np.nanmax(shown)), Y_STEPS),
                                   (self.ax_e, float(max(e_lstm.max(), e_naive.max())) * pct, ERR_STEPS)):
            top = axis_top(highest, steps, ax.get_ylim()[1])
            if top != ax.get_ylim()[1]:      # (setting equal limits would still mark the axes stale)
                ax.set_ylim(0, top)

        r0, d = float(self.r0.value), float(self.days.value)
        peak_day = int(np.argmax(curve.I))
        m_lstm, m_naive = float(e_lstm.mean()), float(e_naive.mean())
        lines = [
            f"R0 = {r0:.2f}: beta = {r0 / d:.3f} and gamma = {1 / d:.3f} per day (contagious for {d:.1f} days). "
            f"Without noise the count peaks on day {peak_day} at {curve.I[peak_day]:,.0f} people "
            f"({curve.I[peak_day] * pct:.1f}% of the town).",
            f"Forecast of days {s} to {s + self.horizon - 1} from days 0 to {s - 1}: on day {s} there are "
            f"{truth[0]:,.0f} ill people, on day {s + self.horizon - 1} {truth[-1]:,.0f}.",
            f"Mean error over the {self.horizon} days: LSTM (blue, dashed, circles) {m_lstm:,.0f} people, "
            f"naive (orange-red, dotted, squares) {m_naive:,.0f} people.",
            f"On the last day ({self.horizon} days ahead): LSTM off by {e_lstm[-1]:,.0f}, naive off by "
            f"{e_naive[-1]:,.0f}.",
        ]
        if m_naive > 0 and m_lstm < m_naive:
            lines.append(f"Here the LSTM's mean error is {100 * (1 - m_lstm / m_naive):.0f}% smaller than the naive one's.")
        elif m_naive > 0:
            lines.append(f"Here the naive forecast wins: the LSTM's mean error is {m_lstm / m_naive:.1f} times the naive one's.")
        else:
            lines.append("Here the count does not change at all, so the naive forecast is exact.")
        inside = TRAIN_R0[0] <= r0 <= TRAIN_R0[1] and TRAIN_DAYS[0] <= d <= TRAIN_DAYS[1]
        lines.append("These settings lie inside the range the LSTM was trained on "
                     f"(R0 {TRAIN_R0[0]}-{TRAIN_R0[1]}, {TRAIN_DAYS[0]:.0f}-{TRAIN_DAYS[1]:.0f} days contagious)."
                     if inside else
                     "Careful: these settings lie OUTSIDE the range the LSTM was trained on "
                     f"(R0 {TRAIN_R0[0]}-{TRAIN_R0[1]}, {TRAIN_DAYS[0]:.0f}-{TRAIN_DAYS[1]:.0f} days contagious): "
                     "it has never seen such an epidemic.")
        self.set_readout(lines)


# --- notebook 14's comparison over seeds --------------------------------------------------------

# one look per forecaster: colour (Okabe-Ito), line style and marker, so no line depends on colour alone
ERROR_STYLE = {
    "persistence": {"color": OKABE_ITO["vermillion"], "linestyle": ":", "marker": "s"},
    "linear trend": {"color": OKABE_ITO["orange"], "linestyle": "-.", "marker": "^"},
    "LSTM many-to-one": {"color": OKABE_ITO["green"], "linestyle": "--", "marker": "v"},
    "LSTM many-to-many": {"color": OKABE_ITO["blue"], "linestyle": "-", "marker": "o"},
}


def plot_errors_by_horizon(results, metric="mae"):
    """The error of every forecaster against the number of days ahead, on a log scale.

    results: an ``epidemic.SeedResults`` (compare over several seeds, with the horizons to plot);
             the naive forecasts need no training and get one thick line each, each LSTM one thin
             line per seed.
    metric:  "mae" or "rmse".
    Returns (fig, ax); the first line of each forecaster carries its label."""
    E._checks.choice("metric", metric, ("mae", "rmse"))
    if not getattr(results, "per_seed", None):
        raise ValueError("results must be a SeedResults with at least one seed (epidemic.compare_over_seeds)")
    first = results.per_seed[results.seeds[0]]
    hs = sorted(first["persistence"][metric])
    fig, ax = new_figure(7.6, 3.4)
    for name in E.NAIVE:
        ax.plot(hs, [first[name][metric][h] for h in hs], linewidth=2.2, markersize=4,
                label=f"{name} (no training)", **ERROR_STYLE[name])
    for name in E.LSTMS:
        for k, s in enumerate(results.seeds):
            ax.plot(hs, [results.per_seed[s][name][metric][h] for h in hs], linewidth=1.0, markersize=3,
                    alpha=0.8, label=f"{name}, one line per seed" if k == 0 else None, **ERROR_STYLE[name])
    ax.set_yscale("log")
    ax.set_xticks(hs if len(hs) <= 14 else hs[::2])
    what = "Mean absolute error" if metric == "mae" else "Root mean squared error"
    style_axes(ax, f"{what} on the held-out epidemics, {len(results.seeds)} seeds", "days ahead",
               "people (log scale)")
    ax.legend(fontsize=8, loc="lower right")
    return fig, ax
