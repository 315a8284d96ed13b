"""Forecasting an epidemic: the SIR model, supervised pairs from a time series, scaling,
naive baselines and forecasts with a trained ``SequenceModel`` (notebook 14).

The SIR model splits a population of N people into Susceptible, Infectious and Recovered:

    dS/dt = -beta S I / N
    dI/dt =  beta S I / N - gamma I
    dR/dt =  gamma I

beta: contacts that pass the disease on, per infectious person per day; gamma: the share of the
infectious who recover per day (1 / gamma is the mean number of days someone stays infectious);
R0 = beta / gamma: how many people one case infects in a fully susceptible population. The
equations are integrated with the classical Runge-Kutta method (RK4) with a step of
1 / steps_per_day days and read once a day. Every derivative sums to zero, so S + I + R = N
stays true (to rounding), and dS/dt <= 0, so S never rises.

What a health office would see, the daily count of infectious people, is I times a little
multiplicative noise, rounded to whole people:  observed_t = round(I_t * exp(noise * z_t)),
z_t ~ N(0, 1) from a seeded generator.

Forecasting, with x_t the scaled count on day t and w the window length:

    many-to-one  (at="last"):  x_{t-w+1} .. x_t        ->  x_{t+1}      one window, one answer
    many-to-many (at="all"):   x_1 .. x_T              ->  x_2 .. x_{T+1}  an answer every day
    rollout over k days: append each forecast to the history and forecast again.

Baselines: persistence (tomorrow = today: x_{t+h} = x_t) and the linear trend
(x_{t+h} = x_t + h (x_t - x_{t-1})).

A small model trained briefly depends on its seed, so notebook 14 trains each forecaster once per
seed of ``SEEDS`` (``train_over_seeds``) and reports the spread (``compare_over_seeds`` ->
``SeedResults``: errors per seed, min - max tables, gains over the better naive forecast).

Shapes: a series is (T,); windows are (n, w, 1) with targets (n, 1); a batch of sequences for
many-to-many is (B, T, 1) with targets (B, T, 1).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from lstm_core import _checks

ROOT = Path(__file__).resolve().parents[2]           # the project: lstm_course/demos/ is two below it
DATA_DIR = ROOT / "data" / "epidemic"
CSV_PATH = DATA_DIR / "sir.csv"
WEIGHTS_PATH = DATA_DIR / "forecaster.npz"

# The data set of notebook 14: (name, split, beta, gamma). R0 from 2.1 to 3.2, infectious for
# 5 to 10 days on average. The held-out epidemics lie inside the training range of R0 and gamma.
EPIDEMICS = (
    ("A", "train", 0.30, 0.10),
    ("B", "train", 0.45, 0.20),
    ("C", "train", 0.40, 0.125),
    ("D", "train", 0.25, 0.10),
    ("E", "train", 0.50, 0.1667),
    ("F", "train", 0.36, 0.15),
    ("G", "train", 0.28, 0.125),
    ("H", "train", 0.42, 0.14),
    ("P", "held-out", 0.35, 0.125),
    ("Q", "held-out", 0.32, 0.15),
    ("U", "held-out", 0.44, 0.16),
)
POPULATION = 100_000      # N
FIRST_CASES = 10          # I on day 0
DAYS = 120                # days simulated after day 0
NOISE = 0.04              # size of the observation noise (about 4% of the count)
STEPS_PER_DAY = 4         # RK4 steps per day (a step of 6 hours)
CSV_COLUMNS = ("epidemic", "split", "beta", "gamma", "day", "S", "I", "R", "observed")


def _nonneg_int(name, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer; got {_checks.describe(value)}")
    return int(value)


# --- the SIR model ------------------------------------------------------------------------------

def r0(beta, gamma) -> float:
    """The basic reproduction number R0 = beta / gamma."""
    return _checks.finite_number("beta", beta, 0.0) / _checks.finite_number("gamma", gamma, 0.0, low_open=True)


def sir_derivative(S, I, R, beta, gamma, N):
    """(dS/dt, dI/dt, dR/dt) for arrays or numbers S, I, R (any shape, the same for all three)."""
    new = beta * S * I / N               # new infections per day
    rec = gamma * I                      # recoveries per day
    return -new, new - rec, rec


@dataclass(frozen=True)
class SIRCurve:
    """One simulated epidemic, read once a day: each array has shape (days + 1,)."""

    day: np.ndarray
    S: np.ndarray
    I: np.ndarray
    R: np.ndarray
    beta: float
    gamma: float
    N: float

    @property
    def r0(self) -> float:
        return self.beta / self.gamma


def simulate_sir(beta, gamma, N=POPULATION, I0=FIRST_CASES, days=DAYS, steps_per_day=STEPS_PER_DAY) -> SIRCurve:
    """Integrate the SIR equations with RK4 (step 1 / steps_per_day days) from S = N - I0, I = I0, R = 0.

    beta >= 0, gamma > 0 (per day); N > 0 people; 0 < I0 <= N; days >= 1; steps_per_day >= 1.
    Returns an ``SIRCurve`` with the values at days 0, 1, ..., days."""
    beta = _checks.finite_number("beta", beta, 0.0, 10.0)
    gamma = _checks.finite_number("gamma", gamma, 0.0, 10.0, low_open=True)
    N = _checks.finite_number("N", N, 0.0, low_open=True)
    I0 = _checks.finite_number("I0", I0, 0.0, N, low_open=True)
    days = _checks.positive_int("days", days)
    k = _checks.positive_int("steps_per_day", steps_per_day)
    dt = 1.0 / k
    out = np.empty((days + 1, 3))
    S, I, R = N - I0, float(I0), 0.0            # plain floats: a 3-number state is faster without arrays
    out[0] = S, I, R

    def f(S, I, R):
        return sir_derivative(S, I, R, beta, gamma, N)

    for d in range(1, days + 1):
        for _ in range(k):                        # one RK4 step of dt days
            a = f(S, I, R)
            b = f(S + 0.5 * dt * a[0], I + 0.5 * dt * a[1], R + 0.5 * dt * a[2])
            c = f(S + 0.5 * dt * b[0], I + 0.5 * dt * b[1], R + 0.5 * dt * b[2])
            e = f(S + dt * c[0], I + dt * c[1], R + dt * c[2])
            S += dt / 6.0 * (a[0] + 2 * b[0] + 2 * c[0] + e[0])
            I += dt / 6.0 * (a[1] + 2 * b[1] + 2 * c[1] + e[1])
            R += dt / 6.0 * (a[2] + 2 * b[2] + 2 * c[2] + e[2])
        out[d] = S, I, R
    return SIRCurve(np.arange(days + 1), out[:, 0], out[:, 1], out[:, 2], beta, gamma, N)


def observe(I, noise=NOISE, seed=0) -> np.ndarray:
    """Noisy whole-number counts round(I * exp(noise * z)), z ~ N(0, 1) from default_rng(seed).

    I: (T,) non-negative counts; noise >= 0 (0 gives round(I))."""
    I = _checks.array("I", I, ndim=1)
    if (I < 0).any():
        raise ValueError(f"I must be non-negative counts; its smallest value is {I.min()}")
    noise = _checks.finite_number("noise", noise, 0.0, 1.0)
    z = np.random.default_rng(seed).standard_normal(I.shape)
    return np.round(I * np.exp(noise * z))


@dataclass(frozen=True)
class Epidemic:
    """One row group of ``sir.csv``: an epidemic's parameters, its curves and its observed counts."""

    name: str
    split: str            # "train" or "held-out"
    curve: SIRCurve
    observed: np.ndarray  # (days + 1,) noisy whole-number counts of infectious people

    @property
    def beta(self):
        return self.curve.beta

    @property
    def gamma(self):
        return self.curve.gamma


def make_epidemics(specs=EPIDEMICS, noise=NOISE, seed=0, days=DAYS) -> list:
    """Simulate every (name, split, beta, gamma) of ``specs``; epidemic k's noise uses seed (seed, k)."""
    out = []
    for k, spec in enumerate(specs):
        if len(spec) != 4:
            raise ValueError(f"specs must hold (name, split, beta, gamma) tuples; item {k} is {spec!r}")
        name, split, beta, gamma = spec
        _checks.choice("split", split, ("train", "held-out"))
        curve = simulate_sir(beta, gamma, days=days)
        out.append(Epidemic(str(name), split, curve, observe(curve.I, noise, seed=[seed, k])))
    return out


def to_csv_text(epidemics) -> str:
    """The CSV text of a list of ``Epidemic`` (one line per epidemic and day; fixed number formats)."""
    lines = [",".join(CSV_COLUMNS)]
    for e in epidemics:
        c = e.curve
        for d in range(c.day.size):
            lines.append(f"{e.name},{e.split},{c.beta:.4f},{c.gamma:.4f},{d},"
                         f"{c.S[d]:.3f},{c.I[d]:.3f},{c.R[d]:.3f},{e.observed[d]:.0f}")
    return "\n".join(lines) + "\n"


def load_epidemics(path=None) -> list:
    """Read ``sir.csv`` (default: the committed ``data/epidemic/sir.csv``) back into Epidemics."""
    path = Path(CSV_PATH if path is None else path)
    if not path.exists():
        raise ValueError(f"path must be an existing CSV file (run data/epidemic/make_data.py); got {path}")
    rows = [line.split(",") for line in path.read_text().splitlines()]
    if not rows or tuple(rows[0]) != CSV_COLUMNS:
        raise ValueError(f"{path} must start with the header {','.join(CSV_COLUMNS)}")
    out, body = [], rows[1:]
    names = list(dict.fromkeys(r[0] for r in body))
    for name in names:
        mine = [r for r in body if r[0] == name]
        num = np.array([[float(v) for v in r[4:]] for r in mine])
        curve = SIRCurve(num[:, 0].astype(int), num[:, 1], num[:, 2], num[:, 3], float(mine[0][2]),
                         float(mine[0][3]), float(POPULATION))
        out.append(Epidemic(name, mine[0][1], curve, num[:, 4]))
    return out


# --- scaling and supervised pairs --------------------------------------------------------------

@dataclass(frozen=True)
class Scaler:
    """Counts to the network's range and back:  x = log(1 + count) / log(1 + M),  M = the largest
    count in the TRAINING series only (the held-out ones must not leak into the model).

    The logarithm matters: counts run from 10 to 30,000, and on a plain count / M scale the first
    weeks of every epidemic would all look like 0. On the log scale steady growth is a straight line."""

    top: float                    # log(1 + M)
    cap: float = float("inf")     # the largest count possible (the population): forecasts stop there

    @classmethod
    def fit(cls, series, cap=POPULATION) -> "Scaler":
        """series: a (T,) array or a list of them (the training epidemics), counts >= 0;
        cap: the largest count a forecast may reach (default: the town's population N)."""
        arrays = [_checks.array(f"series[{k}]", s, ndim=1) for k, s in enumerate(_series_list(series))]
        if any((a < 0).any() for a in arrays):
            raise ValueError("series must hold counts >= 0")
        m = max(float(np.max(a)) for a in arrays)
        if m <= 0:
            raise ValueError("series must hold some count above 0 to scale by")
        cap = _checks.finite_number("cap", cap, m)
        return cls(float(np.log1p(m)), cap)

    def transform(self, counts):
        """counts (any shape, >= 0) -> scaled values, 0 for no cases and 1 for the training maximum."""
        c = _checks.array("counts", counts)
        if (c < 0).any():
            raise ValueError(f"counts must be >= 0; got a smallest value of {c.min()}")
        return np.log1p(c) / self.top

    def inverse(self, x):
        """scaled values (any shape) -> counts, clipped to [0, cap] (a forecast can stray outside)."""
        x = _checks.array("x", x)
        return np.minimum(np.expm1(np.clip(x, 0.0, 2.0) * self.top), self.cap)


def _series_list(series):
    if isinstance(series, np.ndarray) and series.ndim == 1:
        return [series]
    if not isinstance(series, (list, tuple)) or not len(series):
        raise TypeError(f"series must be a (T,) array or a non-empty list of them; got {_checks.describe(series)}")
    return list(series)


def windows(series, window):
    """Many-to-one pairs: every run of ``window`` days and the day after it.

    series: a (T,) array or a list of them.  Returns X (n, window, 1) and y (n, 1), with
    n = sum over the series of T - window."""
    w = _checks.positive_int("window", window)
    X, y = [], []
    for k, s in enumerate(_series_list(series)):
        s = _checks.array(f"series[{k}]", s, ndim=1)
        if s.size <= w:
            raise ValueError(f"each series must be longer than window={w}; series[{k}] has {s.size} days")
        idx = np.arange(w)[None, :] + np.arange(s.size - w)[:, None]     # (n, w) day numbers
        X.append(s[idx])
        y.append(s[w:])
    return np.concatenate(X)[..., None], np.concatenate(y)[:, None]


def next_day_pairs(series):
    """Many-to-many pairs: inputs x_0 .. x_{T-2} and targets x_1 .. x_{T-1}, each (B, T - 1, 1).

    series: a list of (T,) arrays of one length (or a (B, T) array)."""
    S = np.stack([_checks.array(f"series[{k}]", s, ndim=1) for k, s in enumerate(_series_list(series))]) \
        if not (isinstance(series, np.ndarray) and series.ndim == 2) else _checks.array("series", series)
    if S.shape[1] < 2:
        raise ValueError(f"series must have at least 2 days; got {S.shape[1]}")
    return S[:, :-1, None], S[:, 1:, None]


def window_batches(X, y, batch_size=64, seed=0):
    """A function step -> (xs, targets): ``batch_size`` pairs drawn at random (seeded) from X, y."""
    X = _checks.array("X", X, ndim=3)
    y = _checks.array("y", y, ndim=2)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one row per window of X ({X.shape[0]}); got {y.shape[0]}")
    B = _checks.positive_int("batch_size", batch_size)
    rng = np.random.default_rng(seed)

    def batch(_step):
        pick = rng.integers(0, X.shape[0], size=B)
        return X[pick], y[pick]
    return batch


# --- baselines and forecasts --------------------------------------------------------------------

def _history(history, min_len=1):
    h = _checks.array("history", history, ndim=1)
    if h.size < min_len:
        raise ValueError(f"history must hold at least {min_len} day(s); got {h.size}")
    return h


def naive_forecast(history, horizon, kind="persistence"):
    """The next ``horizon`` days from a (T,) history without any learning.

    kind="persistence": every future day equals the last day;  kind="linear": continue the last
    day-to-day change in a straight line (never below 0). Returns (horizon,)."""
    _checks.choice("kind", kind, ("persistence", "linear"))
    h = _history(history, 1 if kind == "persistence" else 2)
    k = np.arange(1, _checks.positive_int("horizon", horizon) + 1)
    if kind == "persistence":
        return np.full(k.size, h[-1])
    return np.maximum(h[-1] + k * (h[-1] - h[-2]), 0.0)


def _check_model(model, window=None):
    if not all(hasattr(model, a) for a in ("forward", "input_size", "output_size")):
        raise TypeError(f"model must be a SequenceModel; got {_checks.describe(model)}")
    if model.input_size != 1 or model.output_size != 1:
        raise ValueError(f"model must read and predict one number per day (input_size = output_size = 1); "
                         f"got {model.input_size} and {model.output_size}")


def one_step_forecasts(model, series, window, kind="m2o"):
    """The model's next-day forecast for days window .. T-1 of a scaled (T,) series: (T - window,).

    kind="m2o": each forecast reads only the last ``window`` days (as trained, at="last");
    kind="m2m": the model reads the series from day 0 once, carrying its state (at="all")."""
    _check_model(model)
    _checks.choice("kind", kind, ("m2o", "m2m"))
    s = _checks.array("series", series, ndim=1)
    w = _checks.positive_int("window", window)
    if s.size <= w:
        raise ValueError(f"series must be longer than window={w}; got {s.size} days")
    if kind == "m2o":
        X, _ = windows(s, w)
        return model.forward(X, at="last").y[:, 0]
    y = model.forward(s[None, :-1, None], at="all").y[0, :, 0]      # y[t] forecasts day t + 1
    return y[w - 1:]


def rollouts(model, series, starts, horizon, window, kind="m2o"):
    """Forecasts of days start .. start + horizon - 1 for each start, from days 0 .. start - 1 of a
    scaled (T,) series, each forecast fed back in as the next day's input.

    kind="m2o": each step reads the last ``window`` days (observed, then forecast);
    kind="m2m": the model reads days 0 .. start - 1 carrying its state, then its own forecasts.
    starts: (n,) day numbers with window <= start <= T. Returns (n, horizon), all starts at once."""
    _check_model(model)
    _checks.choice("kind", kind, ("m2o", "m2m"))
    s = _checks.array("series", series, ndim=1)
    w = _checks.positive_int("window", window)
    n = _checks.positive_int("horizon", horizon)
    st = np.atleast_1d(np.asarray(starts))
    if st.dtype.kind not in "iu" or st.ndim != 1 or st.size == 0:
        raise TypeError(f"starts must be a non-empty (n,) array of day numbers; got {_checks.describe(starts)}")
    if st.min() < w or st.max() > s.size:
        raise ValueError(f"starts must lie in [window={w}, T={s.size}]; got {st.min()} to {st.max()}")
    out = np.empty((st.size, n))
    if kind == "m2o":
        buf = np.zeros((st.size, w + n))
        buf[:, :w] = s[st[:, None] - w + np.arange(w)[None, :]]             # (n_starts, w) last days seen
        for k in range(n):
            out[:, k] = model.forward(buf[:, k:k + w, None], at="last").y[:, 0]
            buf[:, w + k] = out[:, k]
        return out
    full = model.forward(s[None, :, None], at="all")                        # one pass over the series
    tr = full.trace
    state = {"h0": tr.h[0, st - 1], "c0": tr.c[0, st - 1]}                  # (n_starts, H): after day start-1
    y = full.y[0, st - 1, 0]                                                # forecast of day start
    for k in range(n):
        out[:, k] = y
        res = model.forward(y[:, None, None], at="last", **state)
        y, state = res.y[:, 0], res.state
    return out


def rollout(model, history, horizon, window, kind="m2o"):
    """Forecast ``horizon`` days after a scaled (T,) history (``rollouts`` with one start = T): (horizon,)."""
    h = _history(history, 1)
    return rollouts(model, h, np.array([h.size]), horizon, window, kind)[0]


def naive_rollouts(counts, starts, horizon, kind="persistence"):
    """``naive_forecast`` for many starts at once: (n, horizon) forecasts of days start .. start+horizon-1."""
    _checks.choice("kind", kind, ("persistence", "linear"))
    c = _checks.array("counts", counts, ndim=1)
    st = np.atleast_1d(np.asarray(starts))
    if st.dtype.kind not in "iu" or st.ndim != 1 or st.size == 0 or st.min() < 2 or st.max() > c.size:
        raise ValueError(f"starts must be day numbers in [2, {c.size}]; got {_checks.describe(starts)}")
    k = np.arange(1, _checks.positive_int("horizon", horizon) + 1)[None, :]
    last, before = c[st - 1][:, None], c[st - 2][:, None]
    if kind == "persistence":
        return np.repeat(last, k.size, axis=1)
    return np.maximum(last + k * (last - before), 0.0)


@dataclass(frozen=True)
class Recipe:
    """How notebook 14 trains its two forecasters, once per seed of ``SEEDS`` (data/epidemic/forecaster.npz
    is the many-to-many model of seed 0)."""

    window: int = 10          # w: days a many-to-one forecaster reads
    hidden: int = 16          # H: LSTM units
    lr: float = 0.01          # Adam's learning rate
    batch: int = 64           # windows per many-to-one step
    steps_m2o: int = 800      # optimiser steps, many-to-one (random batches of windows)
    steps_m2m: int = 300      # optimiser steps, many-to-many (every training epidemic each step)
    seed: int = 0             # initial weights and the order of the windows


RECIPE = Recipe()


def train_forecaster(kind, train_scaled, recipe=RECIPE, progress=False):
    """Train a forecaster as notebook 14 does; returns (model, History).

    kind: "m2o" (windows -> next day, at="last") or "m2m" (next day at every step, at="all");
    train_scaled: list of scaled (T,) training series (all of one length for "m2m")."""
    from lstm_core.models import SequenceModel          # here, so that importing this module stays light
    from lstm_core.optim import Adam
    from lstm_core.training import fit
    _checks.choice("kind", kind, ("m2o", "m2m"))
    r = recipe
    model = SequenceModel("lstm", 1, r.hidden, 1, seed=r.seed)
    opt = Adam(model.params, lr=r.lr)
    if kind == "m2o":
        X, y = windows(train_scaled, r.window)
        hist = fit(model, window_batches(X, y, r.batch, seed=r.seed), r.steps_m2o, opt, loss="mse",
                   at="last", progress=progress, desc="many-to-one")
    else:
        xs, ys = next_day_pairs(train_scaled)
        hist = fit(model, lambda _step: (xs, ys), r.steps_m2m, opt, loss="mse", at="all",
                   progress=progress, desc="many-to-many")
    return model, hist


def compare(epidemics, scaler, models, window, horizons=(1, 7, 14)):
    """Errors (in people) of every forecaster on ``epidemics`` (e.g. the held-out ones).

    models: {name: (model, kind)} with kind "m2o" or "m2m"; the two naive baselines are added
    as "persistence" and "linear trend". A forecast starts on every day from ``window`` to
    T - max(horizons); "h days ahead" is the forecast of day start + h - 1 (1 = tomorrow).
    Returns {name: {"mae": {h: ...}, "rmse": {h: ...}}}."""
    hs = tuple(_checks.positive_int("horizons", h) for h in horizons)
    far = max(hs)
    errs = {"persistence": [], "linear trend": [], **{name: [] for name in models}}
    for e in epidemics:
        counts = e.observed
        starts = np.arange(window, counts.size - far + 1)
        truth = counts[starts[:, None] + np.arange(far)[None, :]]              # (n, far)
        errs["persistence"].append(naive_rollouts(counts, starts, far) - truth)
        errs["linear trend"].append(naive_rollouts(counts, starts, far, "linear") - truth)
        scaled = scaler.transform(counts)
        for name, (model, kind) in models.items():
            errs[name].append(scaler.inverse(rollouts(model, scaled, starts, far, window, kind)) - truth)
    out = {}
    for name, parts in errs.items():
        d = np.concatenate(parts)
        out[name] = {"mae": {h: float(np.mean(np.abs(d[:, h - 1]))) for h in hs},
                     "rmse": {h: float(np.sqrt(np.mean(d[:, h - 1] ** 2))) for h in hs}}
    return out


# --- several seeds: what notebook 14 trains and prints -------------------------------------------

SEEDS = (0, 1, 2, 3, 4)      # notebook 14 trains both forecasters once per seed (RECIPE with seed=s)
LSTMS = {"LSTM many-to-one": "m2o", "LSTM many-to-many": "m2m"}     # compare()'s name -> kind
NAIVE = ("persistence", "linear trend")


def train_over_seeds(train_scaled, seeds=SEEDS, recipe=RECIPE, progress=False):
    """Both forecasters for every seed, each made by ``train_forecaster`` with ``recipe`` and
    seed=seed (the initial weights and the order of the windows).

    progress: False, True (one progress bar for all the runs) or a bar with update().
    Returns (models, histories): {seed: {"m2o": model, "m2m": model}} and the same for the
    training Histories."""
    from lstm_core.training import _progress_bar
    if isinstance(seeds, numbers.Integral) or not len(seeds):
        raise ValueError(f"seeds must be a non-empty list of integers such as (0, 1, 2); got {seeds!r}")
    seeds = tuple(_nonneg_int("seeds[i]", s) for s in seeds)
    total = len(seeds) * (recipe.steps_m2o + recipe.steps_m2m)
    bar, own = _progress_bar(progress, total, f"{len(seeds)} seeds x 2 forecasters")
    models, histories = {}, {}
    try:
        for s in seeds:
            r = replace(recipe, seed=s)
            models[s], histories[s] = {}, {}
            for kind in ("m2o", "m2m"):
                models[s][kind], histories[s][kind] = train_forecaster(kind, train_scaled, r,
                                                                       progress=False if bar is None else bar)
    finally:
        if own:
            bar.close()
    return models, histories


@dataclass(frozen=True)
class SeedResults:
    """``compare`` for each seed's two LSTMs; the naive forecasts need no training, so they are the
    same in every seed.  per_seed: {seed: compare(...) result}."""

    per_seed: dict

    @property
    def seeds(self) -> tuple:
        return tuple(self.per_seed)

    def _values(self, name, metric, h):
        return np.array([r[name][metric][h] for r in self.per_seed.values()])

    def mae(self, name, h) -> np.ndarray:
        """(n_seeds,) mean absolute error of forecaster ``name`` h days ahead, in people."""
        return self._values(name, "mae", h)

    def rmse(self, name, h) -> np.ndarray:
        """(n_seeds,) root mean squared error of forecaster ``name`` h days ahead, in people."""
        return self._values(name, "rmse", h)

    def best_naive(self, h, metric="mae") -> float:
        """The better (smaller) of the two naive forecasts' errors h days ahead."""
        first = next(iter(self.per_seed.values()))
        return min(first[n][metric][h] for n in NAIVE)

    def gain(self, name, h, metric="mae") -> np.ndarray:
        """(n_seeds,) how much smaller the error is than the better naive forecast's:
        1 - error / best naive error (0.25 = a quarter below it; negative = worse than it)."""
        return 1.0 - self._values(name, metric, h) / self.best_naive(h, metric)

    def table(self, horizons=(1, 7, 14)) -> str:
        """The errors as fixed-format text: the naive forecasts' values, each LSTM's min - max over
        the seeds; MAE at every horizon and RMSE at the first."""
        h1 = horizons[0]
        cols = [("mae", h1), ("rmse", h1)] + [("mae", h) for h in horizons[1:]]
        head = [f"{h} day{'s' if h > 1 else ''} {m.upper()}" for m, h in cols]
        lines = [f"{'forecaster':<18} " + " ".join(f"{t:>15}" for t in head)]
        first = next(iter(self.per_seed.values()))
        for name in NAIVE:
            lines.append(f"{name:<18} " + " ".join(f"{first[name][m][h]:15,.0f}" for m, h in cols))
        for name in LSTMS:
            cells = []
            for m, h in cols:
                v = self._values(name, m, h)
                cells.append(f"{f'{v.min():,.0f} - {v.max():,.0f}':>15}")
            lines.append(f"{name:<18} " + " ".join(cells))
        return "\n".join(lines)

    def gain_table(self, horizons=(1, 7, 14)) -> str:
        """``gain`` (MAE) of each LSTM per seed, as fixed-format percentages, one row per seed."""
        short = {"LSTM many-to-one": "many-to-one", "LSTM many-to-many": "many-to-many"}
        hs = "".join(f" {f'{h} d':>6}" for h in horizons)
        lines = ["     " + "".join(f"{short[n]:>{7 * len(horizons)}}" for n in LSTMS),
                 "seed " + hs * len(LSTMS)]
        g = {(n, h): self.gain(n, h) for n in LSTMS for h in horizons}
        for k, s in enumerate(self.seeds):
            lines.append(f"{s:<5}" + "".join(f" {g[n, h][k]:+6.0%}" for n in LSTMS for h in horizons))
        return "\n".join(lines)


def compare_over_seeds(epidemics, scaler, models, window, horizons=(1, 7, 14)) -> SeedResults:
    """``compare`` for each seed's models ({seed: {"m2o": model, "m2m": model}}, as
    ``train_over_seeds`` returns them) on ``epidemics``; returns a ``SeedResults``."""
    if not isinstance(models, dict) or not models:
        raise TypeError(f"models must be a non-empty dict {{seed: {{'m2o': model, 'm2m': model}}}}; "
                        f"got {_checks.describe(models)}")
    out = {}
    for s, pair in models.items():
        out[s] = compare(epidemics, scaler, {name: (pair[kind], kind) for name, kind in LSTMS.items()},
                         window, horizons)
    return SeedResults(out)


def mae(pred, target) -> float:
    """Mean absolute error."""
    p, t = _pair(pred, target)
    return float(np.mean(np.abs(p - t)))


def rmse(pred, target) -> float:
    """Root mean squared error."""
    p, t = _pair(pred, target)
    return float(np.sqrt(np.mean((p - t) ** 2)))


def _pair(pred, target):
    p = _checks.array("pred", pred)
    t = _checks.array("target", target)
    if p.shape != t.shape or p.size == 0:
        raise ValueError(f"pred and target must have one non-empty shape; got {p.shape} and {t.shape}")
    return p, t


def load_forecaster(path=None):
    """The shipped many-to-many forecaster and the Scaler fitted on the training epidemics:
    (model, scaler). path defaults to data/epidemic/forecaster.npz (made by make_data.py --train)."""
    from lstm_core.models import SequenceModel
    path = Path(WEIGHTS_PATH if path is None else path)
    if not path.exists():
        raise ValueError(f"path must be an existing weights file (run data/epidemic/make_data.py --train); got {path}")
    train = [e.observed for e in load_epidemics() if e.split == "train"]
    return SequenceModel.load(path), Scaler.fit(train)
