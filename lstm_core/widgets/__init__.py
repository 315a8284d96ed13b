"""Interactive explorers for the notebooks (ipywidgets + matplotlib; not imported by
``import lstm_core``).

Each explorer is a class built on ``Explorer``: sliders and presets in, readouts and plot
artists updated in place out. A notebook shows one in one line::

    from lstm_core.widgets import ActivationExplorer
    ActivationExplorer()

Run ``%matplotlib widget`` first (ipympl) for plots that update in place; with any other
backend the figure is redrawn as an image, which works but is slower.
"""

from ._base import Explorer, float_slider
from .activations import ActivationExplorer

__all__ = ["Explorer", "float_slider", "ActivationExplorer"]
