"""Interactive explorers for the notebooks (ipywidgets + matplotlib).

Each explorer is a class built on ``Explorer`` (``kit.py``, with the parts they share): sliders
and presets in, readouts and plot artists updated in place out. A notebook shows one in one line::

    from lstm_course.explorers import ForgetGateExplorer
    ForgetGateExplorer()

Run ``%matplotlib widget`` first (ipympl) for plots that update in place; with any other
backend the figure is redrawn as an image, which works but is slower.

One module per topic, named as the notebook's topic, in course order: squashing (00, 02),
recurrence (01), forget_gate (03), input_gate (04), cell_state (05), output_gate (06),
whole_cell (07), shapes (08), backpropagation (09), vanishing (10), highway (11), long_range (12),
language_model (13), epidemic (14), variants (15), layers (16), seq2seq (17), attention (18). The
math they draw lives in
``lstm_core`` and in ``lstm_course.demos`` under the same topic names.
"""

from .kit import Explorer, float_slider, int_slider
from .attention import AttentionMapExplorer, plot_length_sweep
from .backpropagation import BPTTExplorer
from .cell_state import CellStateExplorer, SentenceMemoryExplorer
from .language_model import CellViewer, ForgetBoundaryExplorer, SamplingExplorer
from .epidemic import ForecastExplorer, plot_errors_by_horizon
from .forget_gate import ForgetGateExplorer
from .highway import HighwayExplorer
from .input_gate import InputGateExplorer
from .shapes import LayoutExplorer, ParamCountExplorer
from .layers import EmbeddingExplorer, MaskingExplorer, plot_accuracy, plot_dropout
from .long_range import LongRangeExplorer, plot_accuracy_vs_k, plot_losses, show_training_curve
from .output_gate import OutputGateExplorer
from .recurrence import UnrollExplorer
from .seq2seq import BeamExplorer, ScheduledSamplingExplorer, plot_curves, plot_position_errors
from .squashing import ActivationExplorer, SaturationExplorer
from .variants import VariantExplorer, plot_race, plot_runs
from .vanishing import ClippingExplorer, GradientFlowExplorer
from .whole_cell import SequenceExplorer, WholeCellExplorer

__all__ = [
    "Explorer", "float_slider", "int_slider", "ActivationExplorer", "UnrollExplorer",
    "SaturationExplorer", "ForgetGateExplorer", "InputGateExplorer", "CellStateExplorer",
    "SentenceMemoryExplorer", "OutputGateExplorer", "WholeCellExplorer", "SequenceExplorer",
    "LayoutExplorer", "ParamCountExplorer", "BPTTExplorer", "HighwayExplorer",
    "GradientFlowExplorer", "ClippingExplorer", "SamplingExplorer", "CellViewer", "ForgetBoundaryExplorer",
    "ForecastExplorer", "LongRangeExplorer", "VariantExplorer", "EmbeddingExplorer", "MaskingExplorer",
    "plot_accuracy", "plot_dropout",
    "ForecastExplorer", "LongRangeExplorer", "VariantExplorer", "ScheduledSamplingExplorer", "BeamExplorer",
    "plot_accuracy_vs_k", "plot_losses", "show_training_curve", "plot_runs", "plot_race", "plot_errors_by_horizon",
    "plot_curves", "plot_position_errors",
    "AttentionMapExplorer", "plot_length_sweep",
]
