"""Exercises of notebook 14 (forecasting an epidemic)."""

import numpy as np

from ..demos import epidemic as E
from . import Exercise, Hint, register

_BETA, _GAMMA = 0.3, 0.125          # infectious for 8 days


register("14-r0", Exercise(
    question="An epidemic spreads with beta = 0.3 new infections per infectious person per day, and people "
             "stay infectious for 8 days on average. What is its R0 (one number)?",
    expected=lambda: E.r0(_BETA, _GAMMA),
    sig=3,
    explain="gamma = 1 / 8 = 0.125 per day, and R0 = beta / gamma = 0.3 / 0.125 = 2.4: one case infects "
            "0.3 people a day for 8 days.",
    hints=[
        Hint(_BETA * _GAMMA, "That is beta * gamma (the same as beta divided by the 8 days). gamma = 1 / 8 "
                             "per day, so dividing by gamma multiplies by 8: R0 = beta / gamma."),
        Hint(_GAMMA / _BETA, "Upside down: R0 = beta / gamma, infections per day times days infectious."),
        Hint(_BETA, "That is one day's infections. A case stays infectious for 8 days: R0 = beta / gamma."),
    ],
    fallback="gamma is 1 / (days infectious); R0 = beta / gamma.",
))


_HISTORY = np.array([1200.0, 1500.0, 1800.0])


def _linear():
    return E.naive_forecast(_HISTORY, 3, kind="linear")


register("14-naive", Exercise(
    question="The last three daily counts were 1200, 1500, 1800. Give the linear-trend forecast for the "
             "next three days (three numbers, e.g. [1.0, 2.0, 3.0]).",
    expected=_linear,
    sig=4,
    explain="The last day-to-day change is +300, continued in a straight line: 2100, 2400, 2700.",
    hints=[
        Hint(lambda: E.naive_forecast(_HISTORY, 3, kind="persistence"),
             "That is the persistence forecast (tomorrow = today). The linear trend keeps the last day-to-day "
             "change going."),
        Hint(lambda: np.full(3, _linear()[0]),
             "The change was added once. A straight line adds it again every day, so each day further ahead "
             "adds it once more."),
        Hint(lambda: _HISTORY[-1] * (_HISTORY[-1] / _HISTORY[-2]) ** np.arange(1, 4),
             "That continues the growth in proportion (x1.2 a day): an exponential trend, not a straight line."),
    ],
    fallback="Forecast for h days ahead = last + h * (last - the day before).",
))


def _scaled_peak():
    return E.Scaler(top=float(np.log1p(30000.0))).transform(np.array([30000.0, 0.0, 173.0]))


register("14-scale", Exercise(
    question="The largest count in the training epidemics is M = 30,000, and counts are scaled with "
             "x = log(1 + count) / log(1 + M). What are the scaled values of the counts 30,000, 0 and 173 "
             "(three numbers)?",
    expected=_scaled_peak,
    sig=2,
    explain="30,000 -> 1 and 0 -> 0 by construction; 173 -> log(174) / log(30001) = 0.50: on the log scale "
            "173 people lie halfway between none and the peak, so the first weeks are not squashed to zero.",
    hints=[
        Hint(lambda: np.array([30000.0, 0.0, 173.0]) / 30000.0,
             "That is the plain count / M scale. The notebook's scale takes logarithms first."),
        Hint(lambda: np.log1p([30000.0, 0.0, 173.0]),
             "Those are the logarithms log(1 + count) before the division by log(1 + M), which brings the "
             "largest count to 1."),
        Hint(lambda: np.log10(1 + np.array([30000.0, 0.0, 173.0])) / np.log(30001.0),
             "The two logarithms must have the same base (log10 on top and ln below mixes them)."),
    ],
    fallback="Compute log(1 + count) / log(1 + 30000) for each count.",
))
