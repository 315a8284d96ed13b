"""The math of notebooks 09 and 10 lives in numpy-only modules, ``lstm_core.bptt`` and
``lstm_core.flow``; the widget modules only draw it and re-export it under the old names.

The numbers themselves are tested against hand-written references in
``test_widgets_bptt.py`` and ``test_widgets_vanishing.py``; here: where the code lives, that the
old import paths give the very same objects and constants, and ``truncation_errors`` (new as a
function) against a backward pass written out by hand."""

import subprocess
import sys

import numpy as np
import pytest

import lstm_core.bptt as bptt
import lstm_core.flow as flow
import lstm_core.widgets.bptt as widget_bptt
import lstm_core.widgets.highway as widget_highway
import lstm_core.widgets.vanishing as widget_vanishing

VANISHING_MATH = ["recurrent_matrix", "flow_inputs", "GradientFlow", "gradient_flow", "step_bounds", "verdict",
                  "cliff_loss_and_grads", "cliff_surface", "Trajectory", "descend"]


# --- where the math lives -------------------------------------------------------------------------

def test_math_modules_load_without_matplotlib_or_ipywidgets():
    code = ("import sys, lstm_core.bptt, lstm_core.flow; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'IPython') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name", ["bptt_chain", "chain_params", "chain_inputs", "rotation", "BPTTChain",
                                  "truncation_errors"])
def test_bptt_math_is_defined_in_lstm_core_bptt(name):
    assert getattr(bptt, name).__module__ == "lstm_core.bptt"


@pytest.mark.parametrize("name", VANISHING_MATH)
def test_vanishing_math_is_defined_in_lstm_core_flow(name):
    assert getattr(flow, name).__module__ == "lstm_core.flow"


def test_every_public_name_of_the_math_modules_exists():
    for module in (bptt, flow):
        missing = [n for n in module.__all__ if not hasattr(module, n)]
        assert not missing, f"{module.__name__}.__all__ names {missing}"
        assert len(set(module.__all__)) == len(module.__all__)


# --- the old import paths -------------------------------------------------------------------------

def test_widget_bptt_re_exports_the_same_objects():
    for name in bptt.__all__:
        assert getattr(widget_bptt, name) is getattr(bptt, name), name
    assert widget_bptt.T_MAX == 12
    np.testing.assert_array_equal(widget_bptt.READOUT, [1.0, -0.5])


def test_widget_vanishing_re_exports_the_same_objects():
    for name in VANISHING_MATH + ["CLIFF_T", "CLIFF_KICK", "CLIFF_TARGET", "CLIFF_LR", "CLIFF_STEPS",
                                  "VANISH", "EXPLODE"]:
        assert getattr(widget_vanishing, name) is getattr(flow, name), name


def test_old_constant_names_keep_their_values():
    # notebook 10's network: 16 units, 100 steps, seed 10; its plot's fixed log axis
    assert (widget_vanishing.HIDDEN, widget_vanishing.T_MAX, widget_vanishing.SEED) == (16, 100, 10)
    assert (flow.FLOW_HIDDEN, flow.FLOW_T_MAX, flow.FLOW_SEED) == (16, 100, 10)
    assert widget_vanishing.Y_LIMITS == (1e-20, 1e20)
    assert (flow.CLIFF_T, flow.CLIFF_KICK, flow.CLIFF_TARGET, flow.CLIFF_LR, flow.CLIFF_STEPS) == \
        (50, 0.5, -0.6, 0.5, 25)
    assert (flow.VANISH, flow.EXPLODE) == (0.1, 10.0)
    # notebook 11's constants, which share flow.py, are untouched by notebook 10's
    assert (widget_highway.HIDDEN, widget_highway.T_MAX, widget_highway.Y_LIMITS) == (8, 100, (1e-16, 1e4))
    assert flow.HIDDEN == 8 and flow.Y_LIMITS == (1e-16, 1e4)


def test_gradient_flow_has_the_width_of_the_old_module():
    fl = flow.gradient_flow(1.0, 5, 0.1)
    assert fl.dh.shape == (5, 16) and fl.params.weight_h.shape == (16, 16)
    assert flow.flow_inputs(100, 1.0).shape == (1, 100, 16)
    with pytest.raises(ValueError, match=r"T must be in 1..100; got 101"):
        flow.flow_inputs(101, 1.0)


# --- truncation_errors ------------------------------------------------------------------------------

def hand_truncation_errors(scale, T, s):
    """Relative error of truncated BPTT for k = 1..T, with the chain's network written out by hand."""
    c, sn = np.cos(0.5), np.sin(0.5)
    W = scale * np.array([[c, -sn], [sn, c]])
    w_x, b, u = np.array([0.8, -0.5]), np.array([0.1, -0.2]), np.array([1.0, -0.5])
    hs = [np.zeros(2)]
    for t in range(1, T + 1):
        hs.append(np.tanh(w_x * np.sin(0.9 * t) + W @ hs[-1] + b))

    def grad(k):                                    # the backward loop, stopped after k steps
        g, d = np.zeros((2, 2)), u.copy()
        for t in range(s, max(s - k, 0), -1):
            dz = d * (1 - hs[t] ** 2)
            g += np.outer(dz, hs[t - 1])
            d = W.T @ dz
        return g

    full = grad(T)
    out = []
    for k in range(1, T + 1):
        diff = np.linalg.norm(grad(k) - full)
        out.append(0.0 if diff == 0 else diff / np.linalg.norm(full))
    return np.array(out)


@pytest.mark.parametrize("scale,T,s", [(0.9, 8, 8), (1.8, 12, 9), (0.5, 6, 3), (1.0, 3, 1), (0.0, 5, 5)])
def test_truncation_errors_match_the_hand_backward(scale, T, s):
    chain = bptt.bptt_chain(bptt.chain_params(scale), bptt.chain_inputs(T), s, bptt.READOUT, truncate=2)
    errs = bptt.truncation_errors(chain)
    want = hand_truncation_errors(scale, T, s)
    assert errs.shape == (T,)
    np.testing.assert_allclose(errs, want, rtol=1e-9, atol=1e-12)
    assert np.all(errs[s - 1:] < 1e-12)             # keeping s or more steps is exact (up to rounding)
    if s > 1 and scale > 0:
        assert errs[0] > 0.0
    # the chain's own error for its k, and the explorer's method, are the same numbers
    assert chain.rel_error == pytest.approx(errs[1], abs=1e-12)
    ex = widget_bptt.BPTTExplorer()
    np.testing.assert_array_equal(ex.truncation_errors(chain), errs)


def test_truncation_errors_bad_input():
    with pytest.raises(TypeError, match="chain must be the BPTTChain that bptt_chain returned"):
        bptt.truncation_errors(np.zeros((3, 2, 2)))
    with pytest.raises(TypeError, match="chain must be the BPTTChain"):
        bptt.truncation_errors(None)
