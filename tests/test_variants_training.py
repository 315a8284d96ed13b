"""Notebook 15's training race, re-run on the same seeds: what the notebook's prose says about the run
must be what the run shows.

The experiment code is the notebook's own cell tagged "experiment" (read from the notebook file and
executed here), so the notebook and this test cannot run different code. That cell must also give,
step for step, the run of ``lstm_core.experiments.train_and_score`` (notebook 12's experiment).
"""

from pathlib import Path

import nbformat
import numpy as np
import pytest

import lstm_core as L
from lstm_core.experiments import train_and_score

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "15-lstm-variants.ipynb"
CHANCE = 0.25


def _notebook():
    return nbformat.read(NOTEBOOK, as_version=4)


def _prose():
    return "\n".join(c.source for c in _notebook().cells if c.cell_type == "markdown")


@pytest.fixture(scope="module")
def experiment():
    """The names the notebook's experiment cell defines (train_tracked, RUNS, K, STEPS, ...)."""
    cells = [c for c in _notebook().cells if "experiment" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "the notebook must have exactly one code cell tagged 'experiment'"
    ns = {"np": np, "L": L, "tqdm": None}
    exec(compile(cells[0].source, "15-lstm-variants.ipynb[experiment]", "exec"), ns)
    return ns


@pytest.fixture(scope="module")
def race(experiment):
    """{label: (model, History, curve)} for the notebook's runs, seed 0."""
    return {label: experiment["train_tracked"](kind, bias) for label, (kind, bias) in experiment["RUNS"].items()}


def first_at(curve, level=0.9):
    """The first measured step with test accuracy >= level (None if never)."""
    return next((int(s) for s, a in curve if a >= level), None)


def pct(a):
    return f"{100 * a:.0f}%"


def test_the_setting_is_the_one_the_notebook_describes(experiment):
    ns = experiment
    assert (ns["K"], ns["STEPS"], ns["NOISE"], ns["HIDDEN"], ns["BATCH"]) == (30, 150, 0.5, 32, 32)
    assert (ns["LR"], ns["CLIP"], ns["KEEP_BIAS"], ns["N_TEST"]) == (0.01, 1.0, 3.0, 256)
    assert set(ns["RUNS"]) == {"lstm", "peephole", "coupled", "gru", "gru, default init", "rnn"}
    prose = _prose()
    for words in ("$k = 30$", "150 steps", "standard deviation 0.5", "256 held-out", "$H = 32$"):
        assert words in prose


@pytest.mark.parametrize("kind, bias", [("lstm", 3.0), ("coupled", 3.0), ("gru", None), ("rnn", None)])
def test_the_tracked_run_is_train_and_score_step_for_step(experiment, kind, bias):
    ns = experiment
    _, hist, curve = ns["train_tracked"](kind, bias, steps=30)
    run = train_and_score(kind, ns["K"], seed=0, steps=30, hidden=ns["HIDDEN"], batch=ns["BATCH"],
                          noise=ns["NOISE"], lr=ns["LR"], clip=ns["CLIP"], n_test=ns["N_TEST"],
                          forget_bias=3.0 if bias is None else bias)
    np.testing.assert_array_equal(hist.loss, run.history.loss)
    assert curve[-1, 1] == run.accuracy
    assert list(curve[:, 0]) == [0, 15, 30]


def test_the_gru_keep_bias_lands_on_the_update_gate(experiment):
    m, _, _ = experiment["train_tracked"]("gru", 3.0, steps=1)
    fresh = L.SequenceModel("gru", 4, 32, 4, seed=0)
    # after one Adam step (lr 0.01) z's input bias is 3 +- 0.01, r's and n's are still small
    assert np.allclose(m.cell.gate("z").b_x, 3.0, atol=0.011)
    assert np.abs(m.cell.gate("r").b_x).max() < 0.2 and np.abs(fresh.cell.gate("z").b_x).max() < 0.2


def test_three_cells_end_above_95_percent_and_the_gru_is_later(race):
    for label in ("lstm", "peephole", "gru"):
        assert race[label][2][-1, 1] >= 0.95, label
    firsts = {label: first_at(race[label][2]) for label in ("peephole", "lstm", "gru")}
    assert max(firsts["peephole"], firsts["lstm"]) < firsts["gru"]     # "clearly later": at least one
    prose = _prose()                                                  # measurement (15 steps) apart
    assert "end above **95%** test accuracy" in prose
    assert "The\n  peephole LSTM and the LSTM pass 90% first, the GRU clearly later" in prose


def test_the_coupled_lstm_is_last_and_still_climbing(race):
    curve = race["coupled"][2]
    assert first_at(curve) is None                                    # never reached 90% in 150 steps
    assert curve[-1, 1] > 0.6                                         # well above chance (0.25)
    assert curve[-1, 1] == curve[:, 1].max() and curve[-1, 1] > curve[-3, 1]   # still climbing
    assert "it never reaches 90% within the 150 steps, but its accuracy is still\n  climbing" in _prose()


def test_the_default_gru_and_the_rnn_stay_at_chance(race):
    for label in ("gru, default init", "rnn"):
        curve = race[label][2]
        assert np.all(np.abs(curve[:, 1] - CHANCE) < 0.1), (label, curve[:, 1])
        assert np.mean(race[label][1].loss[-15:]) > 1.3          # ln 4 = 1.386: guessing
    assert "stays at **chance** for all 150 steps, and so does the plain\n  RNN" in _prose()


def test_the_keep_share_arithmetic_in_the_prose():
    assert L.sigmoid(0.0) ** 30 == pytest.approx(9.31e-10, rel=1e-3)
    assert "0.5^{30} \\approx 10^{-9}" in _prose()
    assert 1 - L.sigmoid(3.0) == pytest.approx(0.047, abs=5e-4)
