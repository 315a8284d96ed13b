"""What every explorer must do: build, survive every slider at both ends, and never warn.

Explorers are found automatically: every subclass of ``Explorer`` defined in a module of
``lstm_course.explorers`` that can be built with no arguments.
"""

import importlib
import re
import pkgutil
import warnings

import ipywidgets as widgets
import numpy as np
import pytest

import lstm_course.explorers as W
from lstm_course.explorers import Explorer


def all_explorers():
    for mod in pkgutil.iter_modules(W.__path__):
        importlib.import_module(f"lstm_course.explorers.{mod.name}")
    found, todo = [], list(Explorer.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("lstm_course.explorers"):
            found.append(cls)
    return sorted(found, key=lambda c: c.__name__)


EXPLORERS = all_explorers()
VALUE_CONTROLS = (widgets.FloatSlider, widgets.IntSlider, widgets.Dropdown, widgets.ToggleButtons,
                  widgets.Checkbox, widgets.RadioButtons, widgets.SelectionSlider)


def value_controls(ex):
    """Every control with a value, including those nested in boxes."""
    return [c for c in ex.leaf_controls() if isinstance(c, VALUE_CONTROLS)]


def ends(control):
    if isinstance(control, (widgets.FloatSlider, widgets.IntSlider)):
        return [control.min, control.max, control.min]
    if isinstance(control, widgets.Checkbox):
        return [True, False]
    options = list(control.options)
    values = [o[1] if isinstance(o, tuple) else o for o in options]
    return values + values[:1]


def test_some_explorers_exist():
    assert any(c.__name__ == "ActivationExplorer" for c in EXPLORERS)


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_every_control_to_both_ends_without_warnings(cls):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="ignore"):
            ex = cls()
            ex.widget  # the layout builds
            controls = value_controls(ex)
            assert controls, f"{cls.__name__} has no controls"
            for control in controls:
                for value in ends(control):
                    control.value = value
                    assert ex.status.value == "", f"{cls.__name__}: {control.description}={value}: {ex.status.value}"
                    text = ex.readout_text
                    assert not re.search(r"\b(nan|[+-]?inf)\b", text, re.I), text  # "infectious" is fine
            for button in [c for c in ex.controls if isinstance(c, widgets.Button)]:
                button.click()
                assert ex.status.value == ""
            ex.fig.canvas.draw()  # every artist renders with the final values


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_figures_are_titled_and_labelled(cls):
    ex = cls()
    for ax in ex.fig.axes:
        if not ax.axison:
            continue
        assert ax.get_title(), f"{cls.__name__}: an axes has no title"
        assert ax.get_xlabel() or ax.get_ylabel(), f"{cls.__name__}: axes {ax.get_title()!r} has no labels"


def test_an_error_in_update_is_shown_not_raised():
    class Broken(Explorer):
        def build(self):
            self.s = widgets.FloatSlider(value=0, min=0, max=1)
            self.controls = [self.s]

        def update(self):
            if self.s.value > 0.5:
                raise ValueError("x must be small")

    ex = Broken()
    ex.s.value = 0.9
    assert "x must be small" in ex.status.value
    ex.s.value = 0.1
    assert ex.status.value == ""



def _pixels(fig):
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int).copy()


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_cached_frame_picture_equals_a_full_draw(cls):
    """With the frame drawn once as an image, the picture after each move must equal an
    ordinary full draw of the same state, so no changed label or tick is left stale. The two
    differ only where grid lines cross data (the frame image sits under the data): at most
    0.2% of the pixels here."""
    ex = cls()
    if ex._frame is None:
        pytest.skip(f"{cls.__name__} does not cache its frame")
    for control in value_controls(ex)[:5]:
        for value in ends(control)[:2]:
            control.value = value
            cached = _pixels(ex.fig)
            ex._frame.release()
            ex.fig.canvas.draw()
            full = _pixels(ex.fig)
            ex._frame.refresh()
            ex.fig.canvas.draw()
            differ = (np.abs(cached - full).max(axis=-1) > 60).mean()
            assert differ < 0.004, f"{cls.__name__} {control.description}={value}: {differ:.2%} of pixels differ"
