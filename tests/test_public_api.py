"""Two promises every public name of lstm_core keeps, checked systematically on generated input.

1. Bad input is refused with a TypeError or ValueError whose message names the argument. Every
   function and method reachable from ``lstm_core.__all__`` (and ``lstm_core.tasks``) has a CASE
   below: a valid call and the kind of each argument. Each argument in turn gets values of the
   wrong kind, the others staying valid: None, text, bytes, dicts, bools, complex numbers,
   object arrays, ragged nested lists, NaN and inf, arrays of the wrong rank or size, numbers out
   of range, objects of another class. Every listed bad value is tried, then hypothesis generates
   more (NaN or inf at random places, random wrong sizes, random text).
2. A backward pass depends only on its forward pass: refilling the inputs, the initial states and
   the weights after the forward pass (in place, as a reused batch buffer or an optimiser step
   does) changes nothing in what the backward returns. Checked for the LSTM, the RNN, the
   peephole, coupled and GRU cells, the LSTM step and SequenceModel, on generated sizes and values.

test_every_public_name_has_a_case fails when a public name is added without a case here, so the
promise stays systematic. tests/test_bad_input.py keeps hand-written cases with exact messages.
"""

from __future__ import annotations

import copy
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lstm_core as L
from lstm_core import tasks
from lstm_core import variants as V

# derandomized: the same examples on every run and machine, so a failure reproduces
GENERATED = settings(max_examples=6, deadline=None, derandomize=True, database=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- the kinds of argument and their bad values ----------------------------------------------------

class Unreadable:
    """An object whose conversion to an array fails (a learner's half-written class)."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("not ready")


JUNK = ["", "abc", b"1", {}, {"a": 1}, object(), Unreadable()]


def _ragged(v):
    """A nested list like v whose last row is one element short."""
    rows = np.atleast_1d(v).reshape(-1).tolist() or [0.0]
    return [rows, rows[:-1] or [0.0, 0.0]] if len(rows) > 1 else [rows, []]


class Kind:
    """An argument's kind: ``fixed(valid)`` lists bad values, ``generated(valid)`` is a hypothesis
    strategy for more (None when there is nothing random to add)."""

    optional = False

    def fixed(self, valid):
        return ([] if self.optional else [None]) + JUNK

    def generated(self, valid):
        return None


@dataclass
class Arr(Kind):
    """A float array. axes: the axes whose size the other arguments fix ("all", or a tuple);
    ndims: the ranks allowed (None: any); finite: NaN and inf are errors; optional: None is
    allowed; extra: more bad values (out of range)."""

    axes: object = "all"
    ndims: object = None
    finite: bool = True
    optional: bool = False
    extra: list = field(default_factory=list)
    bools_ok: bool = False              # a 0/1 mask may come as booleans

    def fixed(self, valid):
        v = np.asarray(valid, dtype=float)
        out = super().fixed(valid) + [v + 1j, v.astype(object), _ragged(v), [Unreadable()], np.full(v.shape, "1.0"),
                                      *self.extra]
        if not self.bools_ok:
            out.append(np.ones(v.shape, bool))
        if self.finite:
            out += [np.full(v.shape, np.nan), np.full(v.shape, -np.inf)]
        if self.ndims is not None:
            out += [np.ones((2,) * n) for n in range(5) if n not in self.ndims]
        for axis in self._axes(v):
            shape = list(v.shape)
            shape[axis] += 1
            out.append(np.zeros(shape))
        return out

    def _axes(self, v):
        return range(v.ndim) if self.axes == "all" else self.axes

    def generated(self, valid):
        v = np.asarray(valid, dtype=float)
        parts = []
        if self.finite and v.size:
            bad = st.sampled_from([np.nan, np.inf, -np.inf])
            parts.append(st.tuples(st.integers(0, v.size - 1), bad).map(lambda p: _poke(v, *p)))
            parts.append(st.tuples(st.integers(0, v.size - 1), bad).map(lambda p: _poke(v, *p).tolist()))
        axes = list(self._axes(v))
        if axes:
            parts.append(st.tuples(st.sampled_from(axes), st.integers(1, 3)).map(lambda p: _resize(v, *p)))
        parts.append(st.text(max_size=6))
        return st.one_of(parts)


def _poke(v, index, value):
    out = v.copy()
    out.reshape(-1)[index] = value
    return out


def _resize(v, axis, more):
    shape = list(v.shape)
    shape[axis] += more
    return np.zeros(shape)


@dataclass
class Ints(Kind):
    """An array of integers (class indices, symbols) below ``top``, shaped like the valid one."""

    top: int = 2
    optional: bool = False
    shape_fixed: bool = True

    def fixed(self, valid):
        v = np.asarray(valid)
        return super().fixed(valid) + [v.astype(float) + 0.5, v.astype(bool), v + 1j, np.full(v.shape, "a"),
                                       v.astype(object), _ragged(v), np.full(v.shape, self.top),
                                       np.full(v.shape, -1)] + ([np.zeros(v.shape + (2,), int)] if self.shape_fixed else [])

    def generated(self, valid):
        v = np.asarray(valid)
        return st.integers(0, v.size - 1).map(lambda i: _poke(v.astype(float), i, np.nan))


@dataclass
class Int(Kind):
    """An int >= lo (a size, a count)."""

    lo: int = 1
    hi: int = None
    optional: bool = False

    def fixed(self, valid):
        too_big = [] if self.hi is None else [self.hi + 1]
        return super().fixed(valid) + [self.lo - 1, self.lo - 2, *too_big, 2.5, "3", True, np.nan, [3], 3 + 0j,
                                       np.float64(2.0)]

    def generated(self, valid):
        bad = [st.integers(max_value=self.lo - 1), st.floats().filter(lambda f: not np.isfinite(f) or f != int(f))]
        if self.hi is not None:
            bad.append(st.integers(min_value=self.hi + 1))
        return st.one_of(bad)


@dataclass
class Num(Kind):
    """A finite real number; ``out`` lists values out of its range."""

    out: list = field(default_factory=list)
    optional: bool = False

    def fixed(self, valid):
        return super().fixed(valid) + [np.nan, np.inf, -np.inf, "0.1", 1j, [0.1, 0.2], *self.out]

    def generated(self, valid):
        return st.sampled_from([np.nan, np.inf, -np.inf] + self.out) if self.out else None


@dataclass
class Choice(Kind):
    """One of a few strings, ``options``."""

    options: tuple = ()
    optional: bool = False

    def fixed(self, valid):
        return super().fixed(valid) + ["nope", 3, [valid], valid.upper() + "x"]

    def generated(self, valid):
        return st.text(max_size=8).filter(lambda s: s not in self.options)


@dataclass
class Obj(Kind):
    """A library object (params, a trace, a model, a callable); ``others`` are wrong ones."""

    others: list = field(default_factory=list)
    optional: bool = False

    def fixed(self, valid):
        return super().fixed(valid) + [3, np.zeros(3), *self.others]


class Seed(Kind):
    def fixed(self, valid):
        return [-1, True, "0", 1.5, None, [1, -2], ["a"], np.nan]


class DType(Kind):
    optional = True

    def fixed(self, valid):
        return [np.int32, np.complex128, np.float16, "float16", object, bool, "nonsense", 3]


@dataclass
class Dict(Kind):
    """A dict name -> float array like ``valid`` (optimiser parameters or gradients); ``matched``:
    its keys and shapes must be those of the optimiser's parameters."""

    matched: bool = False

    def fixed(self, valid):
        (k, v), = valid.items()
        out = super().fixed(valid) + [[], {}, {k: v.tolist()}, {k: v.astype(int)}, {k: v.astype(bool)},
                                      {k: v + 1j}, {k: v.astype(object)}, {k: np.full(v.shape, np.nan)}]
        return out + ([{k: np.zeros(v.shape + (1,))}, {"other": v}] if self.matched else [])


class FilePath(Kind):
    """A file name (text that is a valid name is not bad: it would be written)."""

    def fixed(self, valid):
        return [None, "", 3, b"model.npz", object(), {}, ["model.npz"], Unreadable()]


class Bool(Kind):
    def fixed(self, valid):
        return [0, 1, "True", None, np.nan, [True]]


# --- valid things to call with ---------------------------------------------------------------------

RNG = np.random.default_rng(12)
P = L.LSTMParams.init(3, 4, seed=0)
R = L.RNNParams.init(3, 4, seed=0)
PP, CP, GP = V.PeepholeParams.init(3, 4, seed=0), V.CoupledParams.init(3, 4, seed=0), V.GRUParams.init(3, 4, seed=0)
XS, H0, C0 = RNG.normal(size=(2, 5, 3)), RNG.normal(size=(2, 4)), RNG.normal(size=(2, 4))
DH = RNG.normal(size=(2, 5, 4))
STEP = L.lstm_step(P, XS[0, 0], H0[0], C0[0])
STEPS = L.lstm_forward_loop(P, XS)
MODEL = L.SequenceModel("lstm", 3, 4, 2, seed=0)
OUT = MODEL.forward(XS)
TARGETS = np.array([[0, 1, 1, 0, 1], [1, 1, 0, 0, 0]])
W = {"w": np.ones(2)}
_DIR = tempfile.TemporaryDirectory()
SAVED = Path(_DIR.name) / "model.npz"
MODEL.save(SAVED)

ORDERS, AT = ("xh", "hx"), ("all", "last")
LSTM_ARRAYS = {"weight_x": (0,), "weight_h": "all", "bias": "all"}


def params_case(label, cls, p, **extra):
    """The constructor of a params class, every array checked."""
    kinds = {k: Arr(axes=LSTM_ARRAYS.get(k, "all"), ndims={np.ndim(v)}) for k, v in p.arrays().items()}
    for k in extra:
        kinds[k] = extra[k]
    return (label, cls, dict(p.arrays()), kinds)


def init_case(label, init, forget_bias=True, scale=False):
    kinds = {"input_size": Int(), "hidden_size": Int(), "seed": Seed(), "dtype": DType()}
    args = {"input_size": 3, "hidden_size": 4, "seed": 0}
    if forget_bias:
        kinds["forget_bias"], args["forget_bias"] = Num(out=[[1.0], 1e309]), 1.0
    if scale:
        kinds["scale"], args["scale"] = Num(out=[0.0, -1.0], optional=True), 0.5
    return (label, init, args, kinds)


def torch_case(label, from_torch, p):
    """from_torch of PyTorch's four arrays, as p.to_torch() gives them."""
    names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    return (label, from_torch, dict(zip(names, p.to_torch())),
            {"weight_ih": Arr(axes=(0,), ndims={2}), "weight_hh": Arr(ndims={2}), "bias_ih": Arr(ndims={1}, optional=True),
             "bias_hh": Arr(ndims={1}, optional=True)})


def seq_cases(name, forward, backward, p, with_c):
    trace = forward(p, XS, H0, C0) if with_c else forward(p, XS, H0)
    states = {"h0": H0, "c0": C0} if with_c else {"h0": H0}
    state_kinds = {k: Arr(ndims={2}, optional=True) for k in states}
    others = [q for q in (P, R, PP, CP, GP) if type(q) is not type(p)]
    bwd_args = {"trace": trace, "dh": DH, **({"dc_last": C0} if with_c else {})}
    bwd_kinds = {"trace": Obj(others=[STEP, OUT]), "dh": Arr(ndims={3}),
                 **({"dc_last": Arr(ndims={2}, optional=True)} if with_c else {})}
    return [
        (f"{name}_forward", forward, {"params": p, "xs": XS, **states},
         {"params": Obj(others=others), "xs": Arr(axes=(2,), ndims={3}), **state_kinds}),
        (f"{name}_backward", backward, bwd_args, bwd_kinds),
    ]


def method(obj, name):
    """A bound method as a function of keyword arguments (a fresh copy of obj for every call)."""
    def call(**kw):
        return getattr(copy.deepcopy(obj), name)(**kw)
    call.__qualname__ = f"{type(obj).__name__}.{name}"
    return call


def fresh_sgd(**kw):
    return L.SGD({"w": np.zeros(2)}, lr=0.1).step(**kw)


def fresh_adam(**kw):
    return L.Adam({"w": np.zeros(2)}).step(**kw)


def fit_model(**kw):
    return L.fit(**{**kw, "model": copy.deepcopy(kw["model"])}) if isinstance(kw.get("model"), L.SequenceModel) \
        else L.fit(**kw)


class OwnOptimizer:
    """Stands for an SGD built on the (copied) model's own params: the valid optimizer."""


def fit_with_optimizer(optimizer, **kw):
    model = copy.deepcopy(MODEL)
    return L.fit(model, optimizer=L.SGD(model.params) if optimizer is OwnOptimizer else optimizer, **kw)


AP = L.AttentionParams.init(4, 3, 2, seed=0)
QUERY, KEYS = RNG.normal(size=(2, 5, 4)), RNG.normal(size=(2, 6, 3))
MASK = np.ones((2, 6))
MASK[1, 4:] = 0
ATT = L.additive_attention(AP, QUERY[:, 0], KEYS, MASK)
S2S = L.AttentionSeq2Seq(4, 3, attention_size=2, seed=0)
SRC, TGT = RNG.integers(0, 4, (2, 3)), RNG.integers(0, 4, (2, 3))
S2S_OUT = S2S.forward(SRC, TGT)

BATCH = (XS, TARGETS[:, -1])
NOT_PAIRS = [lambda s: XS, lambda s: (XS,), lambda s: "batch", [], 3, None, "abc"]

CASES = [
    # activations: any shape, NaN allowed (sigmoid(nan) is nan)
    *[(f.__name__, f, {"x": np.array([-1.0, 0.5])}, {"x": Arr(axes=(), finite=False)})
      for f in (L.sigmoid, L.dsigmoid, L.tanh, L.dtanh, L.relu, L.drelu)],
    # parameters
    params_case("LSTMParams", L.LSTMParams, P),
    params_case("LSTMGradients", L.LSTMGradients, P),
    params_case("RNNParams", L.RNNParams, R),
    params_case("RNNGradients", L.RNNGradients, R),
    params_case("PeepholeParams", V.PeepholeParams, PP, p_f=Arr(ndims={1}, optional=True),
                p_i=Arr(ndims={1}, optional=True), p_o=Arr(ndims={1}, optional=True)),
    params_case("CoupledParams", V.CoupledParams, CP),
    params_case("GRUParams", V.GRUParams, GP),
    init_case("LSTMParams.init", L.LSTMParams.init),
    init_case("RNNParams.init", L.RNNParams.init, forget_bias=False, scale=True),
    init_case("PeepholeParams.init", V.PeepholeParams.init),
    init_case("CoupledParams.init", V.CoupledParams.init),
    init_case("GRUParams.init", V.GRUParams.init, forget_bias=False),
    torch_case("LSTMParams.from_torch", L.LSTMParams.from_torch, P),
    torch_case("RNNParams.from_torch", L.RNNParams.from_torch, R),
    torch_case("GRUParams.from_torch", V.GRUParams.from_torch, GP),
    ("LSTMParams.from_keras", L.LSTMParams.from_keras, dict(zip(("kernel", "recurrent_kernel", "bias"), P.to_keras())),
     {"kernel": Arr(axes=(1,), ndims={2}), "recurrent_kernel": Arr(ndims={2}), "bias": Arr(ndims={1}, optional=True)}),
    ("LSTMParams.from_gates", L.LSTMParams.from_gates,
     {"W": {g: P.concatenated(g) for g in L.GATES}, "b": {g: P.gate(g).b for g in L.GATES}, "order": "xh"},
     {"W": Obj(others=[[1.0], {"f": np.zeros((4, 7))}, {g: np.zeros((4, 7)) for g in "figc"},
                       {g: np.full((4, 7), np.nan) for g in L.GATES}, {g: [[1.0], [1.0, 2.0]] for g in L.GATES},
                       {g: np.zeros((4, 3)) for g in L.GATES}]),
      "b": Obj(optional=True, others=[{g: np.zeros(5) for g in L.GATES}, {g: "b" for g in L.GATES}, [0.0]]),
      "order": Choice(ORDERS)}),
    ("LSTMParams.gate", method(P, "gate"), {"name": "f"}, {"name": Choice(L.GATES)}),
    ("LSTMParams.concatenated", method(P, "concatenated"), {"name": "f", "order": "xh"},
     {"name": Choice(L.GATES), "order": Choice(ORDERS)}),
    ("LSTMParams.astype", method(P, "astype"), {"dtype": np.float32}, {"dtype": DType()}),
    ("GRUParams.gate", method(GP, "gate"), {"name": "r"}, {"name": Choice(V.GRUParams.GATE_ORDER)}),
    ("PeepholeParams.astype", method(PP, "astype"), {"dtype": np.float32}, {"dtype": DType()}),
    # one gate, the cell state, one step
    ("gate_value", L.gate_value, {"W": P.concatenated("f"), "x": XS[0, 0], "h_prev": H0[0], "b": P.gate("f").b,
                                  "order": "xh", "activation": "sigmoid"},
     {"W": Arr(axes=(), ndims={2}), "x": Arr(axes=(-1,), ndims={1, 2}), "h_prev": Arr(ndims={1}),
      "b": Arr(ndims={1}, optional=True), "order": Choice(ORDERS), "activation": Choice(("sigmoid", "tanh"))}),
    ("cell_state_update", L.cell_state_update, {"f": STEP.f, "i": STEP.i, "g": STEP.g, "c_prev": C0[0]},
     {"f": Arr(extra=[np.full(4, 1.5)]), "i": Arr(extra=[np.full(4, -0.5)]), "g": Arr(extra=[np.full(4, 2.0)]),
      "c_prev": Arr(axes=())}),
    ("hidden_state", L.hidden_state, {"o": STEP.o, "c": STEP.c}, {"o": Arr(extra=[np.full(4, 1.5)]), "c": Arr(axes=())}),
    ("lstm_step", L.lstm_step, {"params": P, "x": XS[0, 0], "h_prev": H0[0], "c_prev": C0[0]},
     {"params": Obj(others=[R, PP]), "x": Arr(axes=(-1,), ndims={1, 2}), "h_prev": Arr(ndims={1}, optional=True),
      "c_prev": Arr(ndims={1}, optional=True)}),
    ("lstm_step_backward", L.lstm_step_backward, {"params": P, "step": STEP, "dh": DH[0, 0], "dc": C0[0]},
     {"params": Obj(others=[R, PP]), "step": Obj(others=[STEPS, OUT, L.lstm_forward(P, XS)]), "dh": Arr(ndims={1}),
      "dc": Arr(ndims={1}, optional=True)}),
    # sequences
    *seq_cases("lstm", L.lstm_forward, L.lstm_backward, P, True),
    *seq_cases("rnn", L.rnn_forward, L.rnn_backward, R, False),
    *seq_cases("peephole", V.peephole_forward, V.peephole_backward, PP, True),
    *seq_cases("coupled", V.coupled_forward, V.coupled_backward, CP, True),
    *seq_cases("gru", V.gru_forward, V.gru_backward, GP, False),
    ("lstm_forward_loop", L.lstm_forward_loop, {"params": P, "xs": XS, "h0": H0, "c0": C0},
     {"params": Obj(others=[R, PP]), "xs": Arr(axes=(2,), ndims={3}), "h0": Arr(ndims={2}, optional=True),
      "c0": Arr(ndims={2}, optional=True)}),
    ("lstm_backward_loop", L.lstm_backward_loop, {"params": P, "steps": STEPS, "dh": DH, "dc_last": C0},
     {"params": Obj(others=[R]), "steps": Obj(others=[[], [STEP, "x"], STEP, [OUT]]), "dh": Arr(ndims={3}),
      "dc_last": Arr(ndims={2}, optional=True)}),
    ("rnn_step", L.rnn_step, {"params": R, "x": XS[0, 0], "h_prev": H0[0]},
     {"params": Obj(others=[P]), "x": Arr(axes=(-1,), ndims={1, 2}), "h_prev": Arr(ndims={1}, optional=True)}),
    ("RNN", L.RNN, {"params": R, "W_hy": np.ones((2, 4)), "b_y": np.zeros(2)},
     {"params": Obj(others=[P]), "W_hy": Arr(axes=(1,), ndims={2}, optional=True), "b_y": Arr(ndims={1}, optional=True)}),
    ("RNN.step", method(L.RNN(R), "step"), {"x": XS[0, 0]}, {"x": Arr(axes=(-1,), ndims={1, 2})}),
    ("jordan_forward", L.jordan_forward,
     {"W_xh": R.weight_x, "W_yh": np.ones((4, 2)), "b": R.bias, "W_hy": np.ones((2, 4)), "b_y": np.zeros(2), "xs": XS,
      "y0": np.zeros((2, 2))},
     {"W_xh": Arr(axes=(), ndims={2}), "W_yh": Arr(ndims={2}), "b": Arr(ndims={1}), "W_hy": Arr(axes=(1,), ndims={2}),
      "b_y": Arr(ndims={1}), "xs": Arr(axes=(2,), ndims={3}), "y0": Arr(ndims={2}, optional=True)}),
    # the read-out, losses, gradient checking, counting
    ("project", L.project, {"W_hy": np.ones((2, 4)), "b_y": np.zeros(2), "h": H0},
     {"W_hy": Arr(axes=(), ndims={2}), "b_y": Arr(ndims={1}), "h": Arr(axes=(-1,), ndims={1, 2, 3, 4})}),
    ("project_backward", L.project_backward, {"W_hy": np.ones((2, 4)), "b_y": np.zeros(2), "h": H0, "dy": np.ones((2, 2))},
     {"W_hy": Arr(axes=(), ndims={2}), "b_y": Arr(ndims={1}), "h": Arr(axes=(-1,), ndims={1, 2, 3, 4}),
      "dy": Arr(ndims={2})}),
    ("softmax", L.softmax, {"y": H0, "axis": -1},
     {"y": Arr(axes=(), ndims={1, 2, 3, 4}), "axis": Int(lo=-2, hi=1)}),
    ("softmax_cross_entropy", L.softmax_cross_entropy,
     {"logits": np.zeros((2, 5, 3)), "targets": TARGETS, "mask": np.ones((2, 5))},
     {"logits": Arr(axes=()), "targets": Ints(top=3),
      "mask": Arr(ndims={2}, optional=True, bools_ok=True, extra=[-np.ones((2, 5))])}),
    ("mean_squared_error", L.mean_squared_error, {"pred": H0, "target": C0}, {"pred": Arr(axes=()), "target": Arr()}),
    ("count_params", L.count_params, {"input_size": 3, "hidden_size": 4, "convention": "keras", "layers": 2,
                                      "cell": "gru", "reset_after": True},
     {"input_size": Int(), "hidden_size": Int(), "convention": Choice(("keras", "torch")), "layers": Int(),
      "cell": Choice(("lstm", "gru", "rnn")),
      "reset_after": Bool()}),
    ("gradcheck", L.gradcheck, {"fn": lambda v: float(np.sum(v ** 2)), "x": H0, "analytic": 2 * H0, "eps": 1e-6,
                                "tol": 1e-6},
     {"fn": Obj(others=["f"]), "x": Arr(axes=()), "analytic": Arr(), "eps": Num(out=[0.0, -1e-6]),
      "tol": Num(out=[0.0, -1.0, 1.0, 5.0])}),
    ("numerical_gradient", L.numerical_gradient, {"fn": lambda v: float(np.sum(v ** 2)), "x": H0, "eps": 1e-6},
     {"fn": Obj(others=["f", lambda v: "loss", lambda v: v]), "x": Arr(axes=()), "eps": Num(out=[0.0, -1e-6])}),
    # training
    ("SGD", L.SGD, {"params": {"w": np.zeros(2)}, "lr": 0.1, "momentum": 0.5},
     {"params": Dict(), "lr": Num(out=[0.0, -0.1]), "momentum": Num(out=[-0.1, 1.0, 1.5])}),
    ("Adam", L.Adam, {"params": {"w": np.zeros(2)}, "lr": 0.1, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8},
     {"params": Dict(), "lr": Num(out=[0.0, -0.1]), "beta1": Num(out=[-0.1, 1.0]), "beta2": Num(out=[1.0, 2.0]),
      "eps": Num(out=[0.0, -1.0])}),
    ("SGD.step", fresh_sgd, {"grads": W}, {"grads": Dict(matched=True)}),
    ("Adam.step", fresh_adam, {"grads": W}, {"grads": Dict(matched=True)}),
    ("clip_grad_norm", L.clip_grad_norm, {"grads": W, "max_norm": 1.0}, {"grads": Dict(), "max_norm": Num(out=[0.0, -1.0])}),
    ("global_norm", L.global_norm, {"grads": W}, {"grads": Dict()}),
    ("SequenceModel", L.SequenceModel,
     {"kind": "lstm", "input_size": 3, "hidden_size": 4, "output_size": 2, "seed": 0, "dtype": np.float64, "cell": P,
      "W_hy": MODEL.W_hy, "b_y": MODEL.b_y},
     {"kind": Choice(("lstm", "rnn", "peephole", "coupled", "gru")), "input_size": Int(), "hidden_size": Int(),
      "output_size": Int(), "seed": Seed(), "dtype": DType(),
      "cell": Obj(optional=True, others=[R, L.LSTMParams.init(3, 5)]), "W_hy": Arr(ndims={2}, optional=True),
      "b_y": Arr(ndims={1}, optional=True)}),
    ("SequenceModel.forward", method(MODEL, "forward"), {"xs": XS, "at": "all", "h0": H0},
     {"xs": Arr(axes=(2,), ndims={3}), "at": Choice(AT), "h0": Arr(ndims={2}, optional=True)}),
    ("SequenceModel.backward", method(MODEL, "backward"), {"out": OUT, "dy": OUT.y},
     {"out": Obj(others=[L.lstm_forward(P, XS), L.SequenceModel("gru", 3, 4, 2).forward(XS)]), "dy": Arr(ndims={3})}),
    ("SequenceModel.loss_and_grads", method(MODEL, "loss_and_grads"),
     {"xs": XS, "targets": TARGETS, "loss": "ce", "at": "all", "mask": np.ones((2, 5))},
     {"xs": Arr(axes=(2,), ndims={3}), "targets": Ints(top=2), "loss": Choice(("ce", "mse")), "at": Choice(AT),
      "mask": Arr(ndims={2}, optional=True, bools_ok=True)}),
    ("SequenceModel.loss_and_grads(mse)", method(MODEL, "loss_and_grads"),
     {"xs": XS, "targets": np.zeros((2, 2)), "loss": "mse", "at": "last"}, {"targets": Arr(ndims={2})}),
    ("SequenceModel.predict", method(MODEL, "predict"), {"xs": XS, "at": "last"},
     {"xs": Arr(axes=(2,), ndims={3}), "at": Choice(AT)}),
    ("SequenceModel.inputs", method(MODEL, "inputs"), {"xs": TARGETS}, {"xs": Ints(top=3)}),
    ("SequenceModel.save", method(MODEL, "save"), {"path": Path(_DIR.name) / "again.npz", "dtype": np.float32},
     {"path": FilePath(), "dtype": DType()}),
    ("SequenceModel.load", L.SequenceModel.load, {"path": SAVED, "dtype": np.float32},
     {"path": FilePath(), "dtype": DType()}),
    ("one_hot", L.one_hot, {"symbols": TARGETS, "n": 2}, {"symbols": Ints(top=2, shape_fixed=False), "n": Int()}),
    ("fit", fit_model, {"model": MODEL, "batches": lambda s: BATCH, "steps": 1, "loss": "ce", "at": "last",
                        "clip": 1.0, "lr": 0.01, "progress": False, "history": L.History()},
     {"model": Obj(others=[P, OUT]), "batches": Obj(others=NOT_PAIRS), "steps": Int(), "loss": Choice(("ce", "mse")),
      "at": Choice(AT), "clip": Num(optional=True, out=[0.0, -1.0, True]), "lr": Num(out=[0.0, -1.0]),
      "progress": Obj(optional=True, others=["yes", object()]),
      "history": Obj(optional=True, others=[[], {"loss": []}])}),
    ("fit(optimizer)", fit_with_optimizer, {"batches": lambda s: BATCH, "steps": 1, "at": "last",
                                            "optimizer": OwnOptimizer},
     {"optimizer": Obj(optional=True, others=["adam", L.Adam({"w": np.zeros(1)})])}),
    ("History.smoothed", method(L.History(loss=[1.0, 2.0]), "smoothed"), {"window": 2}, {"window": Int()}),
    ("accuracy", L.accuracy, {"model": MODEL, "xs": XS, "targets": TARGETS[:, -1]},
     {"model": Obj(others=[P]), "xs": Arr(axes=(2,), ndims={3}), "targets": Ints(top=2)}),
    # attention
    ("AttentionParams", L.AttentionParams, dict(AP.arrays()),
     {"W_q": Arr(axes=(0,), ndims={2}), "W_k": Arr(axes=(0,), ndims={2}), "v": Arr(ndims={1})}),
    ("AttentionParams.init", L.AttentionParams.init,
     {"query_size": 4, "key_size": 3, "attention_size": 2, "seed": 0, "dtype": np.float64},
     {"query_size": Int(), "key_size": Int(), "attention_size": Int(), "seed": Seed(), "dtype": DType()}),
    ("additive_attention", L.additive_attention, {"params": AP, "query": QUERY, "keys": KEYS, "mask": MASK},
     {"params": Obj(others=[P, R]), "query": Arr(axes=(0, 2), ndims={2, 3}), "keys": Arr(ndims={3}),
      "mask": Arr(ndims={2}, optional=True, bools_ok=True, extra=[np.full((2, 6), 0.5), np.zeros((2, 6))])}),
    ("additive_attention_backward", L.additive_attention_backward,
     {"trace": ATT, "dcontext": np.ones((2, 3)), "dweights": np.ones((2, 6))},
     {"trace": Obj(others=[STEP, OUT, S2S_OUT]), "dcontext": Arr(ndims={2}), "dweights": Arr(ndims={2}, optional=True)}),
    ("AttentionSeq2Seq", L.AttentionSeq2Seq,
     {"n_digits": 4, "hidden_size": 3, "attention_size": 2, "seed": 0, "dtype": np.float64},
     {"n_digits": Int(lo=2), "hidden_size": Int(), "attention_size": Int(optional=True), "seed": Seed(),
      "dtype": DType()}),
    ("AttentionSeq2Seq.forward", method(S2S, "forward"), {"src": SRC, "targets": TGT, "teacher_forcing": 0.5, "seed": 0},
     {"src": Ints(top=4), "targets": Ints(top=4), "teacher_forcing": Num(out=[-0.1, 1.5])}),
    ("AttentionSeq2Seq.backward", method(S2S, "backward"), {"out": S2S_OUT, "dlogits": S2S_OUT.logits},
     {"out": Obj(others=[OUT, ATT, L.seq2seq.Seq2Seq(4, 3).forward(SRC, TGT)]), "dlogits": Arr(ndims={3})}),
    ("AttentionSeq2Seq.attend", method(S2S, "attend"), {"src": SRC, "steps": 3},
     {"src": Ints(top=4), "steps": Int(optional=True)}),
    ("tasks.first_symbol", tasks.first_symbol, {"n": 3, "length": 4, "n_symbols": 3, "seed": 0},
     {"n": Int(), "length": Int(), "n_symbols": Int(lo=2), "seed": Seed()}),
    ("tasks.adding", tasks.adding, {"n": 3, "length": 4, "seed": 0}, {"n": Int(), "length": Int(lo=2), "seed": Seed()}),
    ("tasks.reverse_digits", tasks.reverse_digits, {"n": 3, "length": 4, "n_digits": 3, "seed": 0},
     {"n": Int(), "length": Int(), "n_digits": Int(lo=2), "seed": Seed()}),
]

# notebook 16: embeddings, masking, stacked and bidirectional layers, dropout
EMB_TABLE, EMB_IDS = RNG.normal(size=(6, 3)), np.array([[0, 5, 2], [1, 1, 4]])
MASK = np.array([[1.0, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
MTRACE = L.masked_lstm_forward(P, XS, MASK)
LAYERS2, BI = L.init_layers(3, 4, 2, seed=0), L.init_layers(3, 4, 1, bidirectional=True, seed=0)
STRACE, BTRACE = L.stacked_forward(LAYERS2, XS, MASK), L.bidirectional_forward(*BI[0], XS, MASK)
TAGGER = L.TaggerModel(6, 3, 4, 2, seed=0, dropout=("variational", 0.2))
TAGS = np.array([[0, 1, 1], [1, 0, 0]])
MASK_KIND = dict(ndims={2}, bools_ok=True, extra=[np.full((2, 5), 0.5), -np.ones((2, 5))])
IDS_MASK = dict(ndims={2}, optional=True, bools_ok=True, extra=[np.full((2, 3), 0.5)])

CASES += [
    ("init_embedding", L.init_embedding, {"vocab_size": 6, "embed_size": 3, "seed": 0, "scale": 1.0, "dtype": np.float64},
     {"vocab_size": Int(), "embed_size": Int(), "seed": Seed(), "scale": Num(out=[-1.0]), "dtype": DType()}),
    ("embedding_forward", L.embedding_forward, {"table": EMB_TABLE, "ids": EMB_IDS},
     {"table": Arr(axes=(), ndims={2}), "ids": Ints(top=6, shape_fixed=False)}),
    ("embedding_backward", L.embedding_backward, {"ids": EMB_IDS, "d_out": RNG.normal(size=(2, 3, 3)), "vocab_size": 6},
     {"ids": Ints(top=6), "d_out": Arr(axes=(0, 1), ndims={3}), "vocab_size": Int(lo=6)}),
    ("lengths_to_mask", L.lengths_to_mask, {"lengths": np.array([3, 1]), "T": 4},
     {"lengths": Ints(top=5), "T": Int(lo=3, optional=True)}),
    ("pad_sequences", L.pad_sequences, {"seqs": [[1, 2], [3]], "pad": 0},
     {"seqs": Obj(others=[[], [[1.5]], [[]], [[[1]]]]), "pad": Int(lo=0)}),
    ("masked_mean", L.masked_mean, {"values": np.ones((2, 5)), "mask": MASK},
     {"values": Arr(axes=(), ndims={2}), "mask": Arr(**{**MASK_KIND, "extra": MASK_KIND["extra"] + [np.zeros((2, 5))]})}),
    ("masked_lstm_forward", L.masked_lstm_forward,
     {"params": P, "xs": XS, "mask": MASK, "h0": H0, "c0": C0, "x_scale": np.ones((2, 5, 3)),
      "h_scale": np.ones((2, 5, 4)), "zoneout": np.zeros((2, 5, 4))},
     {"params": Obj(others=[R, PP]), "xs": Arr(axes=(2,), ndims={3}), "mask": Arr(optional=True, **MASK_KIND),
      "h0": Arr(ndims={2}, optional=True), "c0": Arr(ndims={2}, optional=True),
      "x_scale": Arr(ndims={3}, optional=True, extra=[-np.ones((2, 5, 3))]),
      "h_scale": Arr(ndims={3}, optional=True, extra=[-np.ones((2, 5, 4))]),
      "zoneout": Arr(ndims={3}, optional=True, extra=[np.full((2, 5, 4), 1.5), -np.ones((2, 5, 4))])}),
    ("masked_lstm_backward", L.masked_lstm_backward, {"trace": MTRACE, "dh": DH, "dc_last": C0},
     {"trace": Obj(others=[STEP, OUT, L.lstm_forward(P, XS)]), "dh": Arr(ndims={3}),
      "dc_last": Arr(ndims={2}, optional=True)}),
    ("init_layers", L.init_layers, {"input_size": 3, "hidden_size": 4, "num_layers": 2, "bidirectional": True,
                                    "seed": 0, "dtype": np.float64},
     {"input_size": Int(), "hidden_size": Int(), "num_layers": Int(), "bidirectional": Bool(), "seed": Seed(),
      "dtype": DType()}),
    ("bidirectional_forward", L.bidirectional_forward, {"fwd": BI[0][0], "bwd": BI[0][1], "xs": XS, "mask": MASK},
     {"fwd": Obj(others=[R, L.LSTMParams.init(2, 4)]), "bwd": Obj(others=[R, L.LSTMParams.init(3, 5)]),
      "xs": Arr(axes=(2,), ndims={3}), "mask": Arr(optional=True, **MASK_KIND)}),
    ("bidirectional_backward", L.bidirectional_backward, {"trace": BTRACE, "dh": RNG.normal(size=(2, 5, 8))},
     {"trace": Obj(others=[MTRACE, STEP]), "dh": Arr(ndims={3})}),
    ("stacked_forward", L.stacked_forward,
     {"layers": LAYERS2, "xs": XS, "mask": MASK, "bidirectional": False, "between": [np.ones((2, 5, 4))]},
     {"layers": Obj(others=[[], [P, P], [(P, P)], [R]]), "xs": Arr(axes=(2,), ndims={3}),
      "mask": Arr(optional=True, **MASK_KIND), "bidirectional": Bool(),
      "between": Obj(optional=True, others=[[], [np.ones((2, 5, 3))], [np.ones((2, 5, 4))] * 2, ["x"]])}),
    ("stacked_backward", L.stacked_backward, {"trace": STRACE, "dh": DH},
     {"trace": Obj(others=[MTRACE, BTRACE]), "dh": Arr(ndims={3})}),
    ("TaggerModel", L.TaggerModel,
     {"vocab_size": 6, "embed_size": 3, "hidden_size": 4, "num_classes": 2, "num_layers": 1, "bidirectional": False,
      "seed": 0, "dropout": ("variational", 0.2), "dtype": np.float64},
     {"vocab_size": Int(), "embed_size": Int(), "hidden_size": Int(), "num_classes": Int(), "num_layers": Int(),
      "bidirectional": Bool(), "seed": Seed(), "dtype": DType(),
      "dropout": Obj(optional=True, others=[("x", 0.1), ("naive", 1.0), ("naive",), "naive", ("naive", "0.1")])}),
    ("TaggerModel.forward", method(TAGGER, "forward"), {"ids": EMB_IDS, "mask": np.ones((2, 3)), "train": True},
     {"ids": Ints(top=6), "mask": Arr(**IDS_MASK), "train": Bool()}),
    ("TaggerModel.loss_and_grads", method(TAGGER, "loss_and_grads"),
     {"ids": EMB_IDS, "targets": TAGS, "mask": np.ones((2, 3)), "train": True},
     {"ids": Ints(top=6), "targets": Ints(top=2), "mask": Arr(**IDS_MASK), "train": Bool()}),
    ("TaggerModel.predict", method(TAGGER, "predict"), {"ids": EMB_IDS, "mask": np.ones((2, 3))},
     {"ids": Ints(top=6), "mask": Arr(**IDS_MASK)}),
    ("TaggerModel.accuracy", method(TAGGER, "accuracy"), {"ids": EMB_IDS, "targets": TAGS, "mask": np.ones((2, 3))},
     {"ids": Ints(top=6), "targets": Ints(top=2), "mask": Arr(**IDS_MASK)}),
    ("dropout_mask", L.dropout_mask, {"shape": (2, 3), "p": 0.5, "rng": 0},
     {"shape": Obj(others=[(), (2, 0), (2.5,), [2, 3]]), "p": Num(out=[1.0, -0.1, 2.0]), "rng": Seed()}),
    ("dropout_noise", L.dropout_noise, {"kind": "naive", "p": 0.5, "layers": [P], "B": 2, "T": 5, "rng": 0, "train": True},
     {"kind": Choice(("naive", "variational", "zoneout")), "p": Num(out=[1.0, -0.1]),
      "layers": Obj(others=[[], [R], P, [(P, P, P)]]), "B": Int(), "T": Int(), "rng": Seed(), "train": Bool()}),
]

# what lstm_core returns, never takes from a learner (their fields are filled in by the library)
RESULTS = {"GateParams", "GateValue", "LSTMStep", "LSTMStepGradients", "LSTMTrace", "LSTMSequenceGradients", "RNNTrace",
           "GradcheckResult", "Loss", "ModelOutput", "MaskedTrace", "MaskedGradients", "StackedTrace", "StackedGradients",
           "BidirectionalTrace", "TaggerOutput"}
CONSTANTS = {"GATES", "GATE_NAMES"}
MODULES = {"tasks", "variants", "embedding", "masking", "layers", "dropout", "seq2seq",
           "attention"}   # their public functions are cases of their own

PAIRS = [(label, arg) for label, _, _, kinds in CASES for arg in kinds]


def _call(label, fn, args, arg, value):
    kwargs = copy.deepcopy({k: v for k, v in args.items()})
    kwargs[arg] = value
    return fn(**kwargs)


def _names(message, arg):
    """Whether ``message`` names ``arg`` as a word ('xs must ...', "grads['w'] ...", ...)."""
    return re.search(rf"(?<![\w.]){re.escape(arg)}(?!\w)", message) is not None


def assert_refused(label, fn, args, arg, value):
    with np.errstate(all="raise"):                 # a numpy warning on the way is a failure too
        try:
            _call(label, fn, args, arg, value)
        except (TypeError, ValueError) as err:
            assert _names(str(err), arg), f"{label}({arg}={value!r:.60}): the message does not name {arg!r}: {err}"
            return
        except Exception as err:                   # noqa: BLE001  (what we are hunting for)
            pytest.fail(f"{label}({arg}={value!r:.60}) raised {type(err).__name__}: {err}")
    pytest.fail(f"{label}({arg}={value!r:.60}) was accepted")


# --- promise 1: bad input is named ------------------------------------------------------------------

def _public():
    names = set(L.__all__)
    names |= {f"tasks.{n}" for n in dir(tasks) if callable(getattr(tasks, n)) and not n.startswith("_")
              and getattr(getattr(tasks, n), "__module__", "") == tasks.__name__}
    return names


def test_every_public_name_has_a_case():
    covered = {label.split("(")[0] for label, *_ in CASES}
    covered |= {label.split(".")[0] for label in covered}           # a class is covered by its methods' cases
    missing = sorted(_public() - covered - RESULTS - CONSTANTS - MODULES)
    assert not missing, f"public names without a bad-input case in tests/test_public_api.py: {missing}"
    assert set(V.__all__) - set(L.__all__) <= {"PeepholeTrace", "CoupledTrace", "GRUTrace", "GRUGateParams",
                                               "VariantGradients", "VARIANTS"}, "a new public variant name"


@pytest.mark.parametrize("label", [c[0] for c in CASES])
def test_every_case_runs_with_its_valid_arguments(label):
    _, fn, args, _ = _case(label)
    with np.errstate(all="raise"):
        fn(**copy.deepcopy(args))


@pytest.mark.parametrize("label, arg", PAIRS, ids=[f"{lab}-{arg}" for lab, arg in PAIRS])
def test_listed_bad_values_are_refused_naming_the_argument(label, arg):
    _, fn, args, kinds = _case(label)
    for value in kinds[arg].fixed(args.get(arg)):
        assert_refused(label, fn, args, arg, value)


def _case(label):
    return next(c for c in CASES if c[0] == label)


GENERATED_PAIRS = [(lab, arg) for lab, arg in PAIRS if _case(lab)[3][arg].generated(_case(lab)[2].get(arg)) is not None]


@pytest.mark.parametrize("label, arg", GENERATED_PAIRS, ids=[f"{lab}-{arg}" for lab, arg in GENERATED_PAIRS])
@GENERATED
@given(data=st.data())
def test_generated_bad_values_are_refused_naming_the_argument(label, arg, data):
    _, fn, args, kinds = _case(label)
    value = data.draw(kinds[arg].generated(args.get(arg)), label=arg)
    assert_refused(label, fn, args, arg, value)


# --- promise 2: a backward pass depends only on its forward pass ------------------------------------

SEQUENCE_PAIRS = {
    "lstm": (L.LSTMParams, L.lstm_forward, L.lstm_backward, True),
    "rnn": (L.RNNParams, L.rnn_forward, L.rnn_backward, False),
    "peephole": (V.PeepholeParams, V.peephole_forward, V.peephole_backward, True),
    "coupled": (V.CoupledParams, V.coupled_forward, V.coupled_backward, True),
    "gru": (V.GRUParams, V.gru_forward, V.gru_backward, False),
}


def _gradients(g):
    """Everything a backward returned, as {name: array} (the lazy LSTM .xs included)."""
    out = {f"params.{k}": v for k, v in g.params.arrays().items()}
    for name in ("xs", "h0", "c0"):
        v = getattr(g, name, None)
        if v is not None:
            out[name] = v
    return out


def _assert_same(got, want, what):
    assert got.keys() == want.keys()
    for k in want:
        np.testing.assert_array_equal(got[k], want[k], err_msg=f"{what}: {k} changed")


sizes = st.tuples(st.integers(1, 3), st.integers(1, 6), st.integers(1, 4), st.integers(1, 5))   # B, T, D, H


@pytest.mark.parametrize("kind", sorted(SEQUENCE_PAIRS))
@settings(max_examples=15, deadline=None, derandomize=True, database=None)
@given(size=sizes, seed=st.integers(0, 2 ** 32 - 1), scale=st.sampled_from([0.1, 1.0, 3.0]),
       mutate=st.sets(st.sampled_from(["xs", "h0", "c0", "params"]), min_size=1), dtype=st.sampled_from(["f8", "f4"]))
def test_changing_the_inputs_after_forward_changes_nothing_in_backward(kind, size, seed, scale, mutate, dtype):
    cls, forward, backward, with_c = SEQUENCE_PAIRS[kind]
    B, T, D, H = size
    rng = np.random.default_rng(seed)
    p = cls.init(D, H, seed=rng, dtype=dtype)
    for a in p.arrays().values():
        a[...] = rng.normal(0, scale, a.shape)
    xs, h0, c0, dh, dc = (rng.normal(0, scale, s).astype(dtype) for s in ((B, T, D), (B, H), (B, H), (B, T, H), (B, H)))
    states = (h0, c0) if with_c else (h0,)
    extra = (dc,) if with_c else ()
    want = _gradients(backward(forward(p.copy(), xs.copy(), *(s.copy() for s in states)), dh, *extra))
    trace = forward(p, xs, *states)
    inputs = {"xs": [xs], "h0": [h0], "c0": [c0] if with_c else [], "params": list(p.arrays().values())}
    for name in mutate:
        for a in inputs[name]:
            a[...] = rng.normal(0, 10 * scale, a.shape)
    first = _gradients(backward(trace, dh, *extra))
    _assert_same(first, want, f"{kind} after changing {sorted(mutate)}")
    _assert_same(_gradients(backward(trace, dh, *extra)), want, f"{kind}, a second backward on the same trace")


@settings(max_examples=20, deadline=None, derandomize=True, database=None)
@given(batched=st.booleans(), D=st.integers(1, 4), H=st.integers(1, 5), seed=st.integers(0, 2 ** 32 - 1),
       mutate=st.sets(st.sampled_from(["x", "h_prev", "c_prev", "params"]), min_size=1))
def test_changing_the_inputs_after_a_step_changes_nothing_in_its_backward(batched, D, H, seed, mutate):
    rng = np.random.default_rng(seed)
    p = L.LSTMParams.init(D, H, seed=rng)
    lead = (3,) if batched else ()
    x, h, c, dh, dc = (rng.normal(size=lead + (n,)) for n in (D, H, H, H, H))
    want = L.lstm_step_backward(p, L.lstm_step(p.copy(), x.copy(), h.copy(), c.copy()), dh, dc)
    step = L.lstm_step(p, x, h, c)
    inputs = {"x": [x], "h_prev": [h], "c_prev": [c], "params": list(p.arrays().values())}
    for name in mutate:
        for a in inputs[name]:
            a[...] = rng.normal(0, 5, a.shape)
    got = L.lstm_step_backward(p, step, dh, dc)
    for name in ("x", "h_prev", "c_prev"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)
    for name, a in want.params.arrays().items():
        np.testing.assert_array_equal(got.params.arrays()[name], a, err_msg=name)


@pytest.mark.parametrize("kind", ["lstm", "rnn", "gru"])
@settings(max_examples=8, deadline=None, derandomize=True, database=None)
@given(seed=st.integers(0, 2 ** 32 - 1), at=st.sampled_from(["all", "last"]))
def test_changing_the_model_after_forward_changes_nothing_in_backward(kind, seed, at):
    rng = np.random.default_rng(seed)
    m = L.SequenceModel(kind, 3, 4, 2, seed=rng)
    xs = rng.normal(size=(2, 5, 3))
    want_model = copy.deepcopy(m)
    out = m.forward(xs, at=at)
    dy = rng.normal(size=out.y.shape)
    want = want_model.backward(want_model.forward(xs.copy(), at=at), dy)
    xs[...] = rng.normal(size=xs.shape)
    for a in m.params.values():                   # an optimiser step between forward and backward
        a -= 0.5 * rng.normal(size=a.shape)
    got = m.backward(out, dy)
    for k, v in want.items():
        np.testing.assert_array_equal(got[k], v, err_msg=k)
