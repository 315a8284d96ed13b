"""Exercises of notebook 12 (LSTM vs RNN on a long-range task)."""

import numpy as np

from lstm_core.activations import sigmoid
from ..demos.long_range import chance
from lstm_core.params import LSTMParams
from lstm_core.models import SequenceModel
from lstm_core.sequence import lstm_forward
from . import Exercise, Hint, register


def _kept_after(bias, k):
    """Product of the forget gates f_2..f_{k+1} of a one-unit LSTM with zero weights and forget bias
    ``bias``: the share of c_1 still in c_{k+1} (computed by running the cell)."""
    p = LSTMParams(np.zeros((4, 1)), np.zeros((4, 1)), np.zeros(4))
    p.gate("f").b[:] = bias
    return float(np.prod(lstm_forward(p, np.zeros((1, k + 1, 1))).f[0, 1:, 0]))


register("12-kept-after-40", Exercise(
    question="An LSTM unit's forget gate has zero weights and bias 4, so f = sigmoid(4) at every step. "
             "What share of the cell state c_1 is still in c_41, forty steps later (a number)?",
    expected=lambda: _kept_after(4.0, 40),
    sig=3,
    explain="sigmoid(4) = 0.982, and forty steps multiply it forty times: 0.982 ** 40 = 0.484. With the "
            "usual bias 1 the same gap leaves 0.731 ** 40, about 4e-6: nothing a gradient could follow.",
    hints=[
        Hint(lambda: sigmoid(4.0), "That is one step. Each of the forty steps multiplies the cell state by f again."),
        Hint(lambda: 40 * sigmoid(4.0), "The forget gate multiplies: c_41 = f * f * ... * f * c_1 (forty factors "
                                        "of sigmoid(4)), it does not add."),
        Hint(4.0 ** 40, "The power applies to the gate f = sigmoid(4), not to the bias 4."),
        Hint(lambda: sigmoid(4.0) ** 39, "One factor too few: from c_1 to c_41 there are exactly forty forget "
                                         "gates, f_2 ... f_41."),
        Hint(lambda: sigmoid(4.0) ** 41, "One factor too many: from c_1 to c_41 there are exactly forty forget "
                                         "gates, f_2 ... f_41."),
        Hint(lambda: (1 - sigmoid(4.0)) ** 40, "f is the share KEPT at each step (not the share forgotten); raise "
                                               "f itself to the 40th power."),
        Hint(lambda: 1 - sigmoid(4.0) ** 40, "That is the share lost over the forty steps; the question asks for "
                                             "the share kept."),
        Hint(lambda: sigmoid(1.0) ** 40, "That is what the usual bias of 1 would keep. Here the bias is 4: "
                                         "f = sigmoid(4)."),
        Hint(lambda: sigmoid(3.0) ** 40, "That uses sigmoid(3). With a bias of 4, f = sigmoid(4) = 0.982."),
    ],
    fallback="Compute f = 1 / (1 + exp(-4)), then f ** 40.",
))


register("12-chance-6", Exercise(
    question="The same task with an alphabet of 6 symbols instead of 4: what test accuracy does a model "
             "that has forgotten the symbol reach on average (a number)?",
    expected=lambda: chance(6),
    sig=2,
    explain="A model that knows nothing can only guess; with 6 equally likely symbols it is right 1/6 = 0.167 "
            "of the time. That is the floor the RNN's curve sinks to when it forgets.",
    hints=[
        Hint(lambda: chance(4), "That is chance for 4 symbols. With 6 symbols one guess in six is right."),
        Hint(lambda: 100 * chance(6), "Give it as a fraction between 0 and 1, not in percent."),
        Hint(lambda: 1 - chance(6), "That is how often a guess is WRONG."),
        Hint(0.0, "A guess is still right sometimes: one time in six on average."),
    ],
    fallback="Guessing among n equally likely symbols is right 1/n of the time.",
))


def _rnn_params(H, n_in=4, n_out=4):
    """Parameters of a plain RNN with a linear read-out, counted from the model itself."""
    return SequenceModel("rnn", n_in, H, n_out, seed=0).num_params


def _largest_rnn_within(budget):
    """The largest H whose plain RNN (4 inputs, read-out to 4 classes) has at most ``budget`` parameters."""
    H = 1
    while _rnn_params(H + 1) <= budget:
        H += 1
    return H


_LSTM_COUNT = SequenceModel("lstm", 4, 32, 4, seed=0).num_params

register("12-rnn-size", Exercise(
    question="A plain RNN with 4 inputs, H hidden units and a read-out to 4 classes has H*H + 9*H + 4 "
             "parameters. What is the largest H that keeps it at or below the LSTM's 4,868 parameters "
             "(a whole number)?",
    expected=lambda: _largest_rnn_within(_LSTM_COUNT),
    sig=None,
    explain="H = 65 gives 65 * 65 + 9 * 65 + 4 = 4,814 parameters, 54 fewer than the LSTM; H = 66 would give "
            "4,954, too many. That is the big RNN of the notebook.",
    hints=[
        Hint(lambda: _largest_rnn_within(_LSTM_COUNT) + 1,
             "One too many: H = 66 gives 66 * 66 + 9 * 66 + 4 = 4,954 parameters, more than the LSTM's 4,868."),
        Hint(32, "32 is the small RNN: 1,316 parameters. Look for the H whose count comes closest to 4,868 "
                 "from below."),
        Hint(lambda: (-9 + np.sqrt(81 - 4 * (4 - _LSTM_COUNT))) / 2,
             "That solves H*H + 9*H + 4 = 4,868 exactly; H counts units, so take the largest whole number "
             "below it."),
        *(Hint(root, "H*H alone is not the count: the input weights (4H), the bias (H) and the read-out "
                     "(4H + 4) add 9H + 4.")
          for root in (lambda: np.sqrt(_LSTM_COUNT), lambda: np.floor(np.sqrt(_LSTM_COUNT)))),
        Hint(4 * 32, "4 * 32 counts the LSTM's four gate blocks as units, but an RNN's count grows with H*H: "
                     "H = 128 gives 17,540 parameters, far more than 4,868."),
    ],
    fallback=lambda a, w: ("That fits, but a larger H fits too. Try the next few values of H*H + 9*H + 4."
                           if a < w and a == np.round(a) else
                           "Try values of H near the square root of 4,868 and count H*H + 9*H + 4 for each."),
))


# --- coding exercises: 12-adam-step and 12-train-loop -------------------------------------------------
import lstm_core as L  # noqa: E402
from lstm_core.optim import SGD, Adam  # noqa: E402
from lstm_core.training import fit  # noqa: E402
from .coding import CodeExercise  # noqa: E402
from . import Hint  # noqa: E402


def my_adam_step(w, g, m, v, t, lr, beta1, beta2, eps):
    """One Adam step for one parameter array.

    w: the parameter, g: its gradient, m and v: Adam's running means of g and g**2 (all the same
    shape); t: this step's number, 1 for the first step. Returns new arrays (w, m, v)."""
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat = m / (1 - beta1 ** t)              # bias correction: m and v start at 0
    v_hat = v / (1 - beta2 ** t)
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w, m, v


def _adam_cases():
    rng = np.random.default_rng(121)
    out = []
    for shape, t, scale, eps in (((3, 2), 1, 1.0, 1e-8), ((4,), 3, 0.5, 1e-8), ((2, 5), 50, 2.0, 1e-8),
                                 ((1, 3), 2, 1e-4, 1e-3)):
        first = t == 1
        out.append(dict(w=rng.normal(0, scale, shape), g=rng.normal(0, scale, shape),
                        m=np.zeros(shape) if first else rng.normal(0, 0.3 * scale, shape),
                        v=np.zeros(shape) if first else rng.uniform(0, scale ** 2, shape),
                        t=t, lr=0.01, beta1=0.9, beta2=0.999, eps=eps))
    return out


def _adam_reference(w, g, m, v, t, lr, beta1, beta2, eps):
    """lstm_core.optim.Adam, its state set to m, v after t - 1 steps, then one step."""
    params = {"w": w.copy()}
    opt = Adam(params, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    opt.state()["m.w"][...] = m
    opt.state()["v.w"][...] = v
    opt.steps = t - 1
    opt.step({"w": g.copy()})
    return params["w"], opt.state()["m.w"], opt.state()["v.w"]


def _adam_variant(kind):
    def wrong(w, g, m, v, t, lr, beta1, beta2, eps):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * (g if kind == "v_of_g" else g ** 2)
        m_hat, v_hat = (m, v) if kind == "no_bias_correction" else (m / (1 - beta1 ** t), v / (1 - beta2 ** t))
        if kind == "eps_inside":
            step = m_hat / np.sqrt(v_hat + eps)
        elif kind == "no_sqrt":
            step = m_hat / (v_hat + eps)
        else:
            step = m_hat / (np.sqrt(v_hat) + eps)
        w = w + lr * step if kind == "ascent" else w - lr * step
        return (w, m_hat, v_hat) if kind == "returns_corrected" else (w, m, v)
    wrong.__name__ = f"adam_{kind}"
    wrong.__doc__ = {
        "no_bias_correction": "m and v used without dividing by 1 - beta**t.",
        "v_of_g": "v averages g instead of g**2.",
        "eps_inside": "eps inside the square root: sqrt(v_hat + eps).",
        "no_sqrt": "m_hat / (v_hat + eps): the square root left out.",
        "ascent": "w + lr * ...: a step uphill.",
        "returns_corrected": "The bias-corrected m_hat, v_hat returned as the new state.",
    }[kind]
    return wrong


register("12-adam-step", CodeExercise(
    question=("Write my_adam_step(w, g, m, v, t, lr, beta1, beta2, eps) -> (w, m, v): one Adam step for one "
              "parameter array w with gradient g and running means m (of g) and v (of g**2), all of one shape; "
              "t is the step's number, 1 for the first. Use the bias-corrected m_hat and v_hat for the update, "
              "and return the new uncorrected m and v as the state."),
    solution=my_adam_step,
    reference=_adam_reference,
    cases=_adam_cases,
    outputs=("w", "m", "v"),
    hints=[
        Hint(_adam_variant("v_of_g"), "v is the running mean of the SQUARED gradient, g**2 (it estimates the "
                                      "gradient's size, whatever its sign)."),
        Hint(_adam_variant("ascent"), "The step goes uphill: subtract the update from w."),
        Hint(_adam_variant("returns_corrected"), "w is right, but return the running means m and v themselves "
                                                 "as the state; m_hat and v_hat are only for this step's update."),
        Hint(_adam_variant("no_bias_correction"), "m and v start at zero, so early on they are too small: divide "
                                                  "them by 1 - beta1**t and 1 - beta2**t before the update (the "
                                                  "bias correction)."),
        Hint(_adam_variant("no_sqrt"), "The update divides by the square root of v_hat (the gradient's typical "
                                       "size), plus eps."),
        Hint(_adam_variant("eps_inside"), "eps is added after the square root: sqrt(v_hat) + eps. It matters where "
                                          "gradients are tiny, as in one of the cases."),
    ],
    explain="With bias correction, the first step moves every weight by about lr, whatever the "
            "gradient's scale: that is why one learning rate suits every parameter.",
))


def my_train(W_x, W_h, b, W_hy, b_y, xs, targets, steps, lr, max_norm):
    """Train an LSTM with a read-out at the last step by plain gradient descent, on one batch.

    W_x (4H, D), W_h (4H, H), b (4H,): the cell; W_hy (K, H), b_y (K,): the read-out y = W_hy h_T + b_y;
    xs (B, T, D) inputs; targets (B,) classes in [0, K). Each of the ``steps`` steps: forward,
    softmax cross-entropy of y against targets, backward, clip all five gradients by their global
    norm to max_norm, then w <- w - lr * dw for each array. Returns the losses, one per step,
    each computed before that step's update."""
    W_x, W_h, b, W_hy, b_y = (a.copy() for a in (W_x, W_h, b, W_hy, b_y))   # ours to update
    losses = []
    for _ in range(steps):
        trace = L.lstm_forward(L.LSTMParams(W_x, W_h, b), xs)                # forward through time
        y = L.project(W_hy, b_y, trace.h_last)                               # (B, K) at the last step
        loss = L.softmax_cross_entropy(y, targets)                           # value and dL/dy
        losses.append(loss.value)
        out = L.project_backward(W_hy, b_y, trace.h_last, loss.grad)         # back through the read-out
        dh = np.zeros_like(trace.h)
        dh[:, -1] = out.h                                                    # the loss reads only h_T
        cell = L.lstm_backward(trace, dh).params                             # back through time
        grads = [cell.weight_x, cell.weight_h, cell.bias, out.W_hy, out.b_y]
        norm = np.sqrt(sum(np.sum(d ** 2) for d in grads))
        scale = max_norm / norm if norm > max_norm else 1.0                  # clip by the global norm
        for w, d in zip((W_x, W_h, b, W_hy, b_y), grads):
            w -= lr * scale * d                                              # update in place
    return np.array(losses)


def _train_cases():
    out = []
    for B, T, D, H, K, seed in ((1, 3, 3, 2, 3, 0), (8, 4, 4, 3, 4, 1), (5, 2, 2, 4, 2, 2)):
        rng = np.random.default_rng([122, seed])
        cell = LSTMParams.init(D, H, seed=seed)
        symbols = rng.integers(0, D, (B, T))
        out.append(dict(W_x=cell.weight_x, W_h=cell.weight_h, b=cell.bias, W_hy=rng.normal(0, 0.5, (K, H)),
                        b_y=rng.normal(0, 0.1, K), xs=np.eye(D)[symbols], targets=symbols[:, 0] % K,
                        steps=6, lr=0.5, max_norm=0.5))
    return out


def _train_reference(W_x, W_h, b, W_hy, b_y, xs, targets, steps, lr, max_norm):
    """lstm_core.fit with plain SGD on a SequenceModel built from copies of the arrays."""
    model = SequenceModel("lstm", W_x.shape[1], W_h.shape[1], W_hy.shape[0],
                          cell=LSTMParams(W_x.copy(), W_h.copy(), b.copy()), W_hy=W_hy.copy(), b_y=b_y.copy())
    history = fit(model, lambda step: (xs, targets), steps, SGD(model.params, lr=lr), at="last", clip=max_norm)
    return np.array(history.loss)


def _train_variant(kind):
    def wrong(W_x, W_h, b, W_hy, b_y, xs, targets, steps, lr, max_norm):
        W_x, W_h, b, W_hy, b_y = (a.copy() for a in (W_x, W_h, b, W_hy, b_y))
        losses, total = [], None
        for _ in range(steps):
            trace = L.lstm_forward(L.LSTMParams(W_x, W_h, b), xs)
            y = L.project(W_hy, b_y, trace.h_last)
            loss = L.softmax_cross_entropy(y, targets)
            losses.append(loss.value)
            out = L.project_backward(W_hy, b_y, trace.h_last, loss.grad)
            dh = np.zeros_like(trace.h)
            dh[:, -1] = out.h
            cell = L.lstm_backward(trace, dh).params
            grads = [cell.weight_x, cell.weight_h, cell.bias, out.W_hy, out.b_y]
            if kind == "accumulated":                 # gradients never reset between steps
                total = grads if total is None else [a + d for a, d in zip(total, grads)]
                grads = total
            if kind == "clip_each":
                scales = [min(1.0, max_norm / np.sqrt(np.sum(d ** 2))) for d in grads]
            else:
                norm = np.sqrt(sum(np.sum(d ** 2) for d in grads))
                scales = [max_norm / norm if (norm > max_norm and kind != "no_clip") else 1.0] * 5
            arrays = (W_x, W_h, b, W_hy, b_y)
            if kind == "readout_only":
                arrays, grads, scales = arrays[3:], grads[3:], scales[3:]
            for w, d, s in zip(arrays, grads, scales):
                if kind == "ascent":
                    w += lr * s * d
                else:
                    w -= lr * s * d
        return np.array(losses)
    wrong.__name__ = f"train_{kind}"
    wrong.__doc__ = {
        "no_clip": "The gradients never clipped.",
        "clip_each": "Each gradient array clipped by its own norm instead of the global norm.",
        "ascent": "w += lr * dw: every step goes uphill.",
        "readout_only": "Only the read-out W_hy, b_y updated; the cell's weights never change.",
        "accumulated": "Gradients added up over the steps (never reset) instead of this step's alone.",
    }[kind]
    return wrong


register("12-train-loop", CodeExercise(
    question=("Write my_train(W_x, W_h, b, W_hy, b_y, xs, targets, steps, lr, max_norm) -> losses: train an LSTM "
              "(W_x (4H, D), W_h (4H, H), b (4H,)) with a read-out y = W_hy h_T + b_y at the last step on one "
              "batch xs (B, T, D), targets (B,), for `steps` steps of forward, softmax cross-entropy, backward, "
              "clipping of all five gradients by their global norm to max_norm, and w <- w - lr * dw. Return "
              "the loss of every step (computed before its update). Do not change the arrays passed in."),
    solution=my_train,
    reference=_train_reference,
    cases=_train_cases,
    outputs=("losses",),
    hints=[
        Hint(_train_variant("ascent"), "The loss rises: the update must go against the gradient, w - lr * dw."),
        Hint(_train_variant("readout_only"), "Only the read-out learns: update the cell's W_x, W_h and b with "
                                             "their gradients too."),
        Hint(_train_variant("accumulated"), "Each step must use only that step's gradients: yours add up the "
                                            "gradients of every step so far (reset them, or simply use the "
                                            "fresh ones the backward returns)."),
        Hint(_train_variant("clip_each"), "Clip by the GLOBAL norm: one norm over all five gradient arrays, one "
                                          "factor for all of them."),
        Hint(_train_variant("no_clip"), "The gradients are not clipped: when their global norm exceeds max_norm, "
                                        "scale all five by max_norm / norm before the update."),
    ],
    explain="That is lstm_core.fit's loop with plain gradient descent in place of Adam.",
))
