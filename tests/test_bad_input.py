"""Every public function rejects bad input with a ValueError or TypeError that names the
argument (and says what was expected), never with a numpy broadcasting error or a silent NaN."""

import numpy as np
import pytest

import lstm_core as L

P = L.LSTMParams.init(3, 4, seed=0)
R = L.RNNParams.init(3, 4, seed=0)
XS = np.zeros((2, 5, 3))
NAN = np.array([0.0, np.nan, 0.0])


def raises(exc, match):
    return pytest.raises(exc, match=match)


@pytest.mark.parametrize("fn", [L.sigmoid, L.dsigmoid, L.tanh, L.dtanh, L.relu, L.drelu])
def test_activations(fn):
    with raises(TypeError, "x must be an array of"):
        fn("3")
    with raises(TypeError, "x must be an array of real numbers"):
        fn(np.array([1 + 2j]))
    with raises(TypeError, "x must be an array of"):
        fn(None)


def test_lstm_params_constructor():
    with raises(ValueError, r"weight_h must have shape \(4\*H, H\)"):
        L.LSTMParams(np.zeros((16, 3)), np.zeros((16, 5)), np.zeros(16))
    with raises(ValueError, r"weight_x must have shape \(16, D\)"):
        L.LSTMParams(np.zeros((12, 3)), np.zeros((16, 4)), np.zeros(16))
    with raises(ValueError, r"bias must have shape \(16\)"):
        L.LSTMParams(np.zeros((16, 3)), np.zeros((16, 4)), np.zeros(15))
    with raises(ValueError, "weight_x must be finite"):
        L.LSTMParams(np.full((16, 3), np.inf), np.zeros((16, 4)), np.zeros(16))


def test_init():
    with raises(ValueError, "hidden_size must be a positive integer"):
        L.LSTMParams.init(3, 0)
    with raises(TypeError, "input_size must be a positive integer"):
        L.LSTMParams.init(2.5, 3)
    with raises(TypeError, "seed must be an int"):
        L.LSTMParams.init(2, 3, seed="x")
    with raises(ValueError, "dtype must be float32 or float64"):
        L.LSTMParams.init(2, 3, dtype=np.int32)
    with raises(ValueError, "forget_bias must be finite"):
        L.LSTMParams.init(2, 3, forget_bias=np.nan)
    with raises(ValueError, "hidden_size must be a positive integer"):
        L.RNNParams.init(2, -1)


def test_gate_and_order_names():
    with raises(ValueError, "name must be one of the gates 'f', 'i', 'g', 'o'; got 'c'"):
        P.gate("c")
    with raises(ValueError, "order must be one of 'xh', 'hx'; got 'xy'"):
        P.concatenated("f", order="xy")


def test_from_gates():
    W = {g: np.zeros((4, 7)) for g in "figo"}
    with raises(ValueError, "order must be given"):
        L.LSTMParams.from_gates(W=W)
    with raises(ValueError, "order must be one of"):
        L.LSTMParams.from_gates(W=W, order="x,h")
    with raises(ValueError, "unknown gate name"):
        L.LSTMParams.from_gates(W={**W, "c": np.zeros((4, 7))}, order="xh")
    with raises(ValueError, "missing gate"):
        L.LSTMParams.from_gates(W={g: W[g] for g in "fig"}, order="xh")
    with raises(ValueError, r"W\['o'\] must have shape \(4, 7\)"):
        L.LSTMParams.from_gates(W={**W, "o": np.zeros((4, 6))}, order="xh")
    with raises(ValueError, r"b\['f'\] must have shape \(4\)"):
        L.LSTMParams.from_gates(W=W, order="xh", b={g: np.zeros(3) for g in "figo"})
    with raises(TypeError, "W_x must be a dict"):
        L.LSTMParams.from_gates(W_x=np.zeros((4, 3)), W_h={g: np.zeros((4, 4)) for g in "figo"})
    with raises(ValueError, r"W_h\['i'\] must have shape \(4, 4\)"):
        L.LSTMParams.from_gates(W_x={g: np.zeros((4, 3)) for g in "figo"},
                                W_h={**{g: np.zeros((4, 4)) for g in "figo"}, "i": np.zeros((4, 3))})
    with raises(ValueError, "either W"):
        L.LSTMParams.from_gates(W=W, W_x=W, order="xh")


def test_framework_layouts():
    wi, wh, bi, bh = P.to_torch()
    with raises(ValueError, r"weight_hh must have shape \(4\*H, H\)"):
        L.LSTMParams.from_torch(wi, wh[:, :3])
    with raises(ValueError, r"weight_ih must have shape \(16, any\)"):
        L.LSTMParams.from_torch(wi[:8], wh)
    with raises(ValueError, r"bias_hh must have shape \(16\)"):
        L.LSTMParams.from_torch(wi, wh, bi, bh[:4])
    k, rk, b = P.to_keras()
    with raises(ValueError, r"recurrent_kernel must have shape \(H, 4H\)"):
        L.LSTMParams.from_keras(k, rk.T)
    with raises(ValueError, r"kernel must have shape \(any, 16\)"):
        L.LSTMParams.from_keras(k[:, :8], rk)
    with raises(ValueError, r"weight_hh must have shape \(1\*H, H\)"):
        L.RNNParams.from_torch(np.zeros((8, 3)), np.zeros((8, 4)))


def test_step():
    with raises(TypeError, "params must be an LSTMParams"):
        L.lstm_step(R, np.zeros(3))
    with raises(ValueError, "x must have 3 features"):
        L.lstm_step(P, np.zeros(4))
    with raises(ValueError, r"x must have 1 or 2 dimension"):
        L.lstm_step(P, XS)
    with raises(ValueError, r"h_prev must have shape \(2, 4\)"):
        L.lstm_step(P, np.zeros((2, 3)), np.zeros(4))
    with raises(ValueError, r"c_prev must have shape \(4,\)"):
        L.lstm_step(P, np.zeros(3), np.zeros(4), np.zeros(5))
    with raises(ValueError, "x must be finite"):
        L.lstm_step(P, NAN)
    s = L.lstm_step(P, np.zeros(3))
    with raises(ValueError, r"dh must have shape \(4\)"):
        L.lstm_step_backward(P, s, np.zeros(3))
    with raises(TypeError, "step must be the LSTMStep"):
        L.lstm_step_backward(P, "s", np.zeros(4))


def test_gate_value_and_cell_helpers():
    W = np.zeros((3, 6))
    with raises(ValueError, "x must have 3 features"):
        L.gate_value(W, [1, 2], [1, 2, 3])
    with raises(ValueError, r"h_prev must have shape \(3\)"):
        L.gate_value(W, [1, 2, 3], [1, 2])
    with raises(ValueError, "activation must be one of"):
        L.gate_value(W, [1, 2, 3], [1, 2, 3], activation="relu")
    with raises(ValueError, r"W must have shape \(H, D\+H\)"):
        L.gate_value(np.zeros((3, 3)), [1, 2, 3], [1, 2, 3])
    with raises(ValueError, r"f must lie in \[0, 1\]"):
        L.cell_state_update([1.5], [0], [0], [1])
    with raises(ValueError, r"i must have shape \(2\)"):
        L.cell_state_update([1, 1], [0], [0, 0], [1, 1])
    with raises(ValueError, r"o must lie in \[0, 1\]"):
        L.hidden_state([2.0], [1.0])


def test_sequences():
    with raises(ValueError, r"xs must have 3 dimension"):
        L.lstm_forward(P, np.zeros((5, 3)))
    with raises(ValueError, r"xs must have shape \(B, T, 3\)"):
        L.lstm_forward(P, np.zeros((2, 5, 4)))
    with raises(ValueError, r"h0 must have shape \(B, H\) = \(2, 4\)"):
        L.lstm_forward(P, XS, np.zeros(4))
    with raises(ValueError, r"c0 must have shape"):
        L.lstm_forward(P, XS, None, np.zeros((3, 4)))
    with raises(ValueError, "at least one"):
        L.lstm_forward(P, np.zeros((2, 0, 3)))
    bad = XS.copy()
    bad[1, 2, 0] = np.inf
    with raises(ValueError, r"xs must be finite; it holds inf at index \(1, 2, 0\)"):
        L.lstm_forward(P, bad)
    tr = L.lstm_forward(P, XS)
    with raises(ValueError, r"dh must have shape \(2, 5, 4\)"):
        L.lstm_backward(tr, np.zeros((2, 4)))
    with raises(ValueError, r"dc_last must have shape"):
        L.lstm_backward(tr, np.zeros((2, 5, 4)), np.zeros(4))
    with raises(TypeError, "trace must be the LSTMTrace"):
        L.lstm_backward(L.rnn_forward(R, XS), np.zeros((2, 5, 4)))
    with raises(TypeError, "params must be an RNNParams"):
        L.rnn_forward(P, XS)
    with raises(ValueError, r"xs must have shape \(B, T, 3\)"):
        L.rnn_forward(R, np.zeros((1, 1, 2)))
    with raises(ValueError, r"h_prev must have shape \(4,\)"):
        L.rnn_step(R, np.zeros(3), np.zeros(3))
    with raises(TypeError, "trace must be the RNNTrace"):
        L.rnn_backward(tr, np.zeros((2, 5, 4)))
    with raises(ValueError, r"dh must have shape"):
        L.rnn_backward(L.rnn_forward(R, XS), np.zeros((2, 5, 3)))


def test_rnn_class_and_jordan():
    with raises(ValueError, r"W_hy must have shape \(K, 4\)"):
        L.RNN(R, np.zeros((2, 3)))
    with raises(ValueError, r"W_yh must have shape \(2, 3\)"):
        L.jordan_forward(np.zeros((2, 1)), np.zeros((2, 2)), np.zeros(2), np.zeros((3, 2)), np.zeros(3),
                         np.zeros((1, 2, 1)))


def test_output_layer():
    with raises(ValueError, "h must have 3 features"):
        L.project(np.zeros((2, 3)), np.zeros(2), np.zeros(4))
    with raises(ValueError, r"b_y must have shape \(2\)"):
        L.project(np.zeros((2, 3)), np.zeros(3), np.zeros(3))
    with raises(ValueError, r"dy must have shape \(5, 2\)"):
        L.project_backward(np.zeros((2, 3)), np.zeros(2), np.zeros((5, 3)), np.zeros((5, 3)))
    with raises(ValueError, "y must have at least one dimension"):
        L.softmax(1.0)
    with raises(ValueError, "axis must be an int"):
        L.softmax([1.0, 2.0], axis=1)
    with raises(ValueError, "y must be finite"):
        L.softmax([1.0, np.nan])


def test_count_params():
    with raises(ValueError, "convention must be one of 'keras', 'torch'; got 'tf'"):
        L.count_params(3, 4, "tf")
    with raises(ValueError, "layers must be a positive integer"):
        L.count_params(3, 4, layers=0)
    with raises(ValueError, "cell must be one of"):
        L.count_params(3, 4, cell="transformer")
    with raises(TypeError, "input_size must be a positive integer"):
        L.count_params(True, 4)
    with raises(TypeError, "reset_after must be True or False; got int 0"):
        L.count_params(3, 4, cell="gru", reset_after=0)
    with raises(ValueError, "reset_after=False is an option of Keras' GRU only"):
        L.count_params(3, 4, cell="lstm", reset_after=False)


def test_params_astype():
    with raises(ValueError, "dtype must be float32 or float64"):
        P.astype(np.float16)


def test_exercise_ids():
    from lstm_course.exercises import check
    with raises(ValueError, "exercise_id must be one of"):
        check("99-nope", 1.0)


# --- hardening (issue 12) -------------------------------------------------------------------------

RAGGED = [[0.0, 1.0, 2.0], [3.0, 4.0]]


@pytest.mark.parametrize("call, name", [
    (lambda: L.sigmoid(RAGGED), "x"),
    (lambda: L.lstm_step(P, RAGGED), "x"),
    (lambda: L.lstm_step(P, np.zeros(3), [[1.0], [1.0, 2.0]]), "h_prev"),
    (lambda: L.lstm_forward(P, [RAGGED, RAGGED]), "xs"),
    (lambda: L.LSTMParams(RAGGED, np.zeros((16, 4)), np.zeros(16)), "weight_x"),
    (lambda: L.softmax_cross_entropy(np.zeros((2, 3)), [[0], [1, 2]]), "targets"),
    (lambda: L.one_hot([[0], [1, 2]], 3), "symbols"),
    (lambda: L.project(np.zeros((2, 3)), np.zeros(2), RAGGED), "h"),
    (lambda: L.gradcheck(lambda v: 0.0, RAGGED, RAGGED), "x"),
])
def test_a_ragged_nested_list_is_named(call, name):
    # numpy's own words were "setting an array element with a sequence", naming no argument
    with pytest.raises(ValueError, match=rf"^{name} must be a regular array: every row of a nested list the same length"):
        call()


class Unreadable:
    """An object whose conversion to an array fails (a learner's half-written class)."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("not ready")


def test_an_object_that_cannot_become_an_array_is_named():
    with pytest.raises(TypeError, match=r"x could not be read as an array \(RuntimeError: not ready\)"):
        L.tanh(Unreadable())
    with pytest.raises(TypeError, match="xs could not be read as an array"):
        L.rnn_forward(R, Unreadable())


# --- hardening (issue 12): parameters and seeds ----------------------------------------------------

def test_a_forget_bias_too_large_for_float32_is_refused_not_stored_as_inf():
    with pytest.raises(ValueError, match=r"forget_bias must fit in float32 .* got 1e\+39"):
        L.LSTMParams.init(2, 3, dtype=np.float32, forget_bias=1e39)
    with pytest.raises(ValueError, match="forget_bias must fit in float32"):
        L.variants.PeepholeParams.init(2, 3, dtype=np.float32, forget_bias=-1e39)
    with pytest.raises(ValueError, match="scale must fit in float32"):
        L.RNNParams.init(2, 3, dtype=np.float32, scale=1e39)
    assert L.LSTMParams.init(2, 3, dtype=np.float64, forget_bias=1e39).gate("f").b[0] == 1e39


def test_a_finite_value_too_large_for_float32_is_named_with_its_index():
    with pytest.raises(ValueError, match=r"xs holds 1e\+39 at index \(0, 1, 0\), too large for float32"):
        L.lstm_forward(L.LSTMParams.init(1, 2, dtype=np.float32), [[[0.0], [1e39]]])


@pytest.mark.parametrize("seed, err, match", [
    (-1, ValueError, "seed must be >= 0; got -1"),
    (True, TypeError, "seed must be an int >= 0, a list of them, or a numpy Generator; got bool"),
    ("0", TypeError, "seed must be an int"),
    (None, TypeError, "seed must be an int"),
    (1.5, TypeError, "seed must be an int"),
])
def test_init_seeds_are_checked_in_words(seed, err, match):
    with pytest.raises(err, match=match):
        L.LSTMParams.init(2, 3, seed=seed)


def test_init_accepts_a_generator_and_a_list_of_ints():
    a = L.LSTMParams.init(2, 3, seed=np.random.default_rng(5))
    b = L.LSTMParams.init(2, 3, seed=np.random.default_rng(5))
    np.testing.assert_array_equal(a.weight_h, b.weight_h)
    np.testing.assert_array_equal(L.RNNParams.init(2, 3, seed=[1, 2]).weight_h,
                                  L.RNNParams.init(2, 3, seed=[1, 2]).weight_h)
