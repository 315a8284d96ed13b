"""Shared by the notebooks' nbval run and tests/: what each notebook printed under nbval.

nbval runs every notebook once (``course.py test`` runs ``notebooks`` before ``tests``). The
outputs of its cells are kept on ``config.nbval_outputs`` ({notebook path: {code cell number:
outputs}}) so that ``tests/test_determinism.py`` needs one more run of each notebook to compare
with, instead of two of its own.
"""


def pytest_configure(config):
    config.nbval_outputs = {}


def pytest_runtest_makereport(item, call):
    """After an nbval cell ran, keep its outputs (None for a failed cell: the determinism test then
    sees the run is incomplete and runs the notebook twice itself)."""
    if call.when != "call" or not hasattr(item, "cell_num") or not hasattr(item, "test_outputs"):
        return
    cells = item.config.nbval_outputs.setdefault(str(item.path), {})
    cells[item.cell_num] = None if call.excinfo else list(item.test_outputs or [])
