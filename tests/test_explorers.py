"""What every explorer must do: build, survive every slider at both ends, and never warn.

Explorers are found automatically: every subclass of ``Explorer`` defined in a module of
``lstm_course.explorers`` that can be built with no arguments.
"""

import importlib
import inspect
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
            for button in [c for c in ex.leaf_controls() if isinstance(c, widgets.Button)]:   # presets too
                button.click()
                assert ex.status.value == "", f"{cls.__name__}: {button.description}: {ex.status.value}"
            ex.fig.canvas.draw()  # every artist renders with the final values


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_figures_are_titled_and_labelled(cls):
    ex = cls()
    for ax in ex.fig.axes:
        if not ax.axison:
            continue
        assert ax.get_title(), f"{cls.__name__}: an axes has no title"
        assert ax.get_xlabel() or ax.get_ylabel(), f"{cls.__name__}: axes {ax.get_title()!r} has no labels"


def _tree(widget):
    """Every widget inside ``widget`` (itself included)."""
    out = [widget]
    for child in getattr(widget, "children", ()):
        out += _tree(child)
    return out


@pytest.mark.parametrize("cls", [c for c in EXPLORERS if c.presets], ids=lambda c: c.__name__)
def test_preset_buttons_sit_in_one_row_that_the_layout_shows(cls):
    ex = cls()
    assert list(ex.preset_buttons) == list(ex.presets)
    assert ex.preset_row.children[1:] == tuple(ex.preset_buttons.values())
    assert ex.preset_row in _tree(ex.widget), f"{cls.__name__}.control_box() leaves out self.preset_row"
    assert all(b.description == label for label, b in ex.preset_buttons.items())


class Dial(Explorer):
    """A small explorer of the kit's own: options, presets, one slider and a readout."""
    options = dict(x=0.5, top=2.0)
    presets = {"zero": {"slider": 0.0}, "top": {"slider": 2.0}}
    preset_tips = {"top": "the largest value"}

    def check_options(self):
        if not self.top > 0:
            raise ValueError(f"top must be positive; got {self.top}")

    def build(self):
        self.slider = widgets.FloatSlider(value=self.x, min=0.0, max=self.top)
        self.controls = [self.slider]
        self.updates = 0

    def update(self):
        self.updates += 1
        self.set_readout([f"x = {self.slider.value:.2f}"])


def test_options_are_keywords_with_defaults_or_positional_in_order():
    assert str(inspect.signature(Dial)) == "(x=0.5, top=2.0)"
    assert (Dial().x, Dial().top) == (0.5, 2.0)
    assert Dial(top=4.0, x=3.0).slider.value == 3.0
    assert Dial(1.5).slider.value == 1.5
    with pytest.raises(TypeError, match="Dial has no option 'y'; its options are x, top"):
        Dial(y=1.0)
    with pytest.raises(TypeError, match="Dial got two values for x"):
        Dial(1.0, x=2.0)
    with pytest.raises(TypeError, match="at most 2 positional"):
        Dial(1.0, 2.0, 3.0)
    with pytest.raises(ValueError, match="top must be positive"):
        Dial(top=0.0)


def test_a_preset_sets_its_controls_with_one_update():
    ex = Dial()
    before = ex.updates
    ex.preset_buttons["top"].click()
    assert ex.slider.value == 2.0 and ex.readout_text == "x = 2.00" and ex.updates == before + 1
    assert ex.preset_buttons["top"].tooltip == "the largest value"
    ex.apply_preset("zero")
    assert ex.slider.value == 0.0 and ex.updates == before + 2
    ex.set_values(slider=1.0)
    assert ex.readout_text == "x = 1.00" and ex.updates == before + 3
    assert ex.leaf_controls() == [ex.slider, *ex.preset_buttons.values()]


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
