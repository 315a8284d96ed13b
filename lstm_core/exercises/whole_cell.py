"""Exercises of notebook 07."""

from . import Exercise, register  # noqa: F401
