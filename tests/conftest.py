"""Shared fixtures. Figures are drawn off screen (Agg): explorers work with any backend."""

import os
import warnings

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


def pytest_collection_modifyitems(config, items):
    """What trains a model is slow too: `course.py test --fast` leaves out every test marked slow."""
    for item in items:
        if item.get_closest_marker("trains"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture
def strict_warnings():
    """Turn every warning (numpy overflow, matplotlib, ...) into an error inside the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            yield


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
