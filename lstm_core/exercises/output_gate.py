"""Exercises of notebook 06."""

from . import Exercise, register  # noqa: F401
