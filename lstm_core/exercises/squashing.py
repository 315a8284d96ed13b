"""Exercises of notebook 02."""

from . import Exercise, register  # noqa: F401
