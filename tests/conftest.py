"""Shared fixtures. Figures are drawn off screen (Agg): explorers work with any backend."""

import os
import sys
import warnings
from pathlib import Path

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


@pytest.fixture(scope="session")
def executed_notebooks():
    """Every course notebook run once by tools/execute.py, as the site and the slides run them:
    {file name: Executed}. test_site.py, test_slides.py and test_determinism.py read this one run,
    so that each notebook runs twice per test command (here and under nbval). Tests using it are slow."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    import execute
    from notebooks import course_notebooks

    sys.path.pop(0)
    return {ran.path.name: ran for ran in execute.execute_all(course_notebooks())}


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
