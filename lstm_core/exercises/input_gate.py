"""Exercises of notebook 04."""

from . import Exercise, register  # noqa: F401
