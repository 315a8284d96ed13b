"""The course around lstm_core: worked demonstrations, explorers, exercises, plots.

``show`` (from ``lstm_course.formatting``) writes an array as text in a fixed format, for the
notebooks' printed numbers.
"""

from .formatting import show

__all__ = ["show"]
