"""Interactive explorers for the notebooks (ipywidgets + matplotlib; not imported by
``import lstm_core``).

Each explorer is a class built on ``Explorer``: sliders and presets in, readouts and plot
artists updated in place out. A notebook shows one in one line::

    from lstm_core.widgets import ForgetGateExplorer
    ForgetGateExplorer()

Run ``%matplotlib widget`` first (ipympl) for plots that update in place; with any other
backend the figure is redrawn as an image, which works but is slower.

One module per topic, in course order: activations (00, 02), recurrence (01), squashing (02),
forget_gate (03), input_gate (04), cell_state (05), output_gate (06), whole_cell (07),
layouts (08), bptt (09), vanishing (10), highway (11), longrange (12), charlm (13),
forecast (14), variants (15). The math behind bptt, vanishing and highway lives in
lstm_core.bptt and lstm_core.flow.
"""

from ._base import Explorer, float_slider, int_slider
from .activations import ActivationExplorer
from .bptt import BPTTExplorer
from .cell_state import CellStateExplorer, SentenceMemoryExplorer
from .charlm import CellViewer, ForgetBoundaryExplorer, SamplingExplorer
from .forecast import ForecastExplorer, plot_errors_by_horizon
from .forget_gate import ForgetGateExplorer
from .highway import HighwayExplorer
from .input_gate import InputGateExplorer
from .layouts import LayoutExplorer, ParamCountExplorer
from .longrange import LongRangeExplorer, plot_accuracy_vs_k, plot_losses
from .output_gate import OutputGateExplorer
from .recurrence import UnrollExplorer
from .squashing import SaturationExplorer
from .variants import VariantExplorer, plot_race, plot_runs
from .vanishing import ClippingExplorer, GradientFlowExplorer
from .whole_cell import SequenceExplorer, WholeCellExplorer

__all__ = [
    "Explorer", "float_slider", "int_slider", "ActivationExplorer", "UnrollExplorer",
    "SaturationExplorer", "ForgetGateExplorer", "InputGateExplorer", "CellStateExplorer",
    "SentenceMemoryExplorer", "OutputGateExplorer", "WholeCellExplorer", "SequenceExplorer",
    "LayoutExplorer", "ParamCountExplorer", "BPTTExplorer", "HighwayExplorer",
    "GradientFlowExplorer", "ClippingExplorer", "SamplingExplorer", "CellViewer", "ForgetBoundaryExplorer",
    "ForecastExplorer", "LongRangeExplorer", "VariantExplorer",
    "plot_accuracy_vs_k", "plot_losses", "plot_runs", "plot_race", "plot_errors_by_horizon",
]
