"""Exercises of notebook 14 (forecasting an epidemic)."""

import numpy as np

from ..demos import epidemic as E
from . import Exercise
from . import register

_BETA, _GAMMA = 0.3, 0.125          # infectious for 8 days


register("14-r0", Exercise(
    question="An epidemic spreads with beta = 0.3 new infections per infectious person per day, and people "
             "stay infectious for 8 days on average. What is its R0 (one number)?",
    expected=lambda: E.r0(_BETA, _GAMMA),
    tol=0.01,
    explain="gamma = 1 / 8 = 0.125 per day, and R0 = beta / gamma = 0.3 / 0.125 = 2.4: one case infects "
            "0.3 people a day for 8 days.",
    hints=[
        (lambda a, w: abs(a - _BETA * _GAMMA) < 0.01,
         "That is beta * gamma. R0 is beta divided by gamma: infections per day times days infectious."),
        (lambda a, w: abs(a - _GAMMA / _BETA) < 0.01, "That is gamma / beta, upside down: R0 = beta / gamma."),
        (lambda a, w: abs(a - _BETA / 8) < 0.01,
         "You divided beta by the number of days. gamma = 1 / 8 per day, so dividing by gamma multiplies by 8."),
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
    tol=0.5,
    explain="The last day-to-day change is +300, continued in a straight line: 2100, 2400, 2700.",
    hints=[
        (lambda a, w: np.allclose(a, 1800.0, atol=0.5),
         "That is the persistence forecast (tomorrow = today). The linear trend keeps the last day-to-day "
         "change going."),
        (lambda a, w: np.allclose(a, [2100.0, 2100.0, 2100.0], atol=0.5),
         "You added the change once. A straight line adds it again every day, so each day further ahead "
         "adds it once more."),
        (lambda a, w: np.allclose(a, [2160.0, 2592.0, 3110.4], atol=1.0),
         "You continued the growth in proportion (x1.2 a day): that is an exponential trend, not a straight line."),
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
    tol=0.005,
    explain="30,000 -> 1 and 0 -> 0 by construction; 173 -> log(174) / log(30001) = 0.50: on the log scale "
            "173 people lie halfway between none and the peak, so the first weeks are not squashed to zero.",
    hints=[
        (lambda a, w: np.allclose(a, [1.0, 0.0, 173 / 30000], atol=0.005),
         "That is the plain count / M scale. The notebook's scale takes logarithms first."),
        (lambda a, w: np.allclose(a, np.log(np.array([30000.0, 1.0, 173.0])) / np.log(30000.0), atol=0.005)
         or np.allclose(a[[0, 2]], np.log([30000.0, 173.0]) / np.log(30000.0), atol=0.005),
         "Close: use log(1 + count), so that a count of 0 gives 0 (log(0) is not a number)."),
    ],
    fallback="Compute log(1 + count) / log(1 + 30000) for each count.",
))
