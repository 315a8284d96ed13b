"""A small training loop: batches in, optimiser steps, a history of losses out.

    for step in 1..steps:
        xs, targets = batches(step)
        loss, grads = model.loss_and_grads(xs, targets, loss, at)
        norm = clip_grad_norm(grads, clip)          # when clip is given
        optimizer.step(grads)

The loop reports progress through ``progress``: False (silent), True (a tqdm progress bar, which
shows as a bar in a notebook), or any object with ``update(n)`` and ``set_postfix`` (a bar you made).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from . import _checks
from .optim import Adam, clip_grad_norm, global_norm


@dataclass
class History:
    """Per-step training loss and gradient norm (before clipping)."""

    loss: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)

    def smoothed(self, window=20) -> np.ndarray:
        """Running mean of the loss over ``window`` steps (for plotting noisy curves)."""
        w = _checks.positive_int("window", window)
        x = np.asarray(self.loss, float)
        if x.size == 0:
            return x
        c = np.cumsum(np.insert(x, 0, 0.0))
        n = np.minimum(np.arange(1, x.size + 1), w)
        return (c[1:] - c[np.arange(1, x.size + 1) - n]) / n


def _progress_bar(progress, steps, desc):
    if progress is True:
        from tqdm.auto import tqdm  # imported here: the math modules import only numpy
        return tqdm(total=steps, desc=desc, leave=True), True
    if progress is False or progress is None:
        return None, False
    if not (callable(getattr(progress, "update", None)) and callable(getattr(progress, "set_postfix", None))):
        raise TypeError(f"progress must be True, False or a progress bar with update() and set_postfix(); "
                        f"got {_checks.describe(progress)}")
    return progress, False


def fit(model, batches, steps, optimizer=None, *, loss="ce", at="all", clip=1.0, lr=1e-2,
        progress=False, desc="training", history=None) -> History:
    """Train ``model`` for ``steps`` optimiser steps.

    batches:   a function step -> (xs, targets) (step counts from 0), or an iterable of such pairs
    optimizer: e.g. ``Adam(model.params, lr=...)``; when None, Adam with ``lr``
    loss, at:  as in ``SequenceModel.loss_and_grads`` ("ce" or "mse"; "all" or "last")
    clip:      max global gradient norm (None: no clipping)
    history:   a History to append to (to continue a training run)
    """
    if not (hasattr(model, "loss_and_grads") and isinstance(getattr(model, "params", None), dict)):
        raise TypeError(f"model must be a SequenceModel (something with loss_and_grads and a params dict); "
                        f"got {_checks.describe(model)}")
    steps = _checks.positive_int("steps", steps)
    if clip is not None:
        if isinstance(clip, bool) or not isinstance(clip, numbers.Real) or not 0 < clip < np.inf:
            raise ValueError(f"clip must be a positive number, finite, or None; got {clip!r}")
    if optimizer is None:
        optimizer = Adam(model.params, lr=lr)
    elif not (hasattr(optimizer, "step") and hasattr(optimizer, "params")):
        raise TypeError(f"optimizer must be an optimiser such as Adam(model.params) or SGD(model.params); "
                        f"got {_checks.describe(optimizer)}")
    elif optimizer.params is not model.params:
        raise ValueError("optimizer must be built on this model's params (Adam(model.params, ...))")
    if history is not None and not isinstance(history, History):
        raise TypeError(f"history must be a History (from an earlier fit) or None; got {_checks.describe(history)}")
    get = _batch_source(batches, steps)
    hist = History() if history is None else history
    bar, own = _progress_bar(progress, steps, desc)
    try:
        for step in range(steps):
            xs, targets = get(step)
            try:
                value, grads = model.loss_and_grads(xs, targets, loss=loss, at=at)
            except FloatingPointError as err:      # the gradient overflowed in backpropagation through time
                raise FloatingPointError(f"training failed at step {step}: {err} Lower the learning rate "
                                         "or clip the gradients (clip=...).") from err
            if not np.isfinite(value):
                raise FloatingPointError(f"the loss became {value} at step {step}: lower the learning rate "
                                         "or clip the gradients")
            norm = clip_grad_norm(grads, clip) if clip is not None else global_norm(grads)
            optimizer.step(grads)
            hist.loss.append(value)
            hist.grad_norm.append(norm)
            if bar is not None:
                bar.update(1)
                if step % 10 == 0 or step == steps - 1:
                    bar.set_postfix(loss=f"{value:.4f}", refresh=False)
    finally:
        if own:
            bar.close()
    return hist


def _batch_source(batches, steps):
    """A function step -> (xs, targets) from ``fit``'s batches (a function or an iterable)."""
    if callable(batches):
        source = batches
    elif hasattr(batches, "__iter__"):
        it = iter(batches)

        def source(step):
            try:
                return next(it)
            except StopIteration:
                raise ValueError(f"batches ran out after {step} batch(es), but steps={steps}: give at least "
                                 "as many batches as steps, or a function step -> (xs, targets)") from None
    else:
        raise TypeError(f"batches must be a function step -> (xs, targets) or an iterable of such pairs; "
                        f"got {_checks.describe(batches)}")

    def get(step):
        batch = source(step)
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            raise TypeError(f"batches must give (xs, targets) pairs; for step {step} it gave {_checks.describe(batch)}")
        return batch
    return get


def accuracy(model, xs, targets) -> float:
    """Fraction of sequences whose last-step prediction (argmax of y) equals the target class.

    targets: (B,) integer class indices in [0, K), one per sequence of xs."""
    if not hasattr(model, "predict"):
        raise TypeError(f"model must be a SequenceModel; got {_checks.describe(model)}")
    y = model.predict(xs, at="last")
    t = _checks.as_ndarray("targets", targets)
    if t.dtype.kind not in "iu":
        raise TypeError(f"targets must be integer class indices; got {_checks.describe(targets)}")
    if t.shape != y.shape[:1]:
        raise ValueError(f"targets must have shape ({y.shape[0]},), one class per sequence; got {t.shape}")
    K = y.shape[-1]
    if t.size and (t.min() < 0 or t.max() >= K):
        raise ValueError(f"targets must be class indices in [0, {K - 1}]; got values from {t.min()} to {t.max()}")
    return float(np.mean(np.argmax(y, axis=-1) == t))
