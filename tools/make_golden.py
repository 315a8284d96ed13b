"""Write the PyTorch reference files that tests/test_torch_golden.py compares lstm_core with.

Run with torch installed (``pip install torch==2.13.0``; torch is never a dependency of the
course or of its tests):

    python tools/make_golden.py

For each case it draws random inputs, initial states and weights (both PyTorch biases nonzero
and different, so a layout that drops or duplicates one is caught), runs torch.nn.LSTM /
torch.nn.RNN in float64, takes the loss L = sum(h * dh) + sum(c_T * dc_last) (LSTM) or
sum(h * dh) (RNN), and stores every input, output and gradient in tests/golden/*.npz.
"""

from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).resolve().parents[1] / "tests" / "golden"
CASES = [(1, 1, 1, 1), (2, 4, 3, 5), (3, 7, 4, 6)]  # (B, T, D, H)


def lstm_case(B, T, D, H, seed):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = torch.nn.LSTM(D, H, batch_first=True).double()
    with torch.no_grad():
        for prm in net.parameters():
            prm.copy_(torch.from_numpy(rng.uniform(-0.8, 0.8, tuple(prm.shape))))
    xs = torch.from_numpy(rng.normal(size=(B, T, D))).requires_grad_()
    h0 = torch.from_numpy(rng.normal(scale=0.5, size=(1, B, H))).requires_grad_()
    c0 = torch.from_numpy(rng.normal(scale=0.5, size=(1, B, H))).requires_grad_()
    dh = rng.normal(size=(B, T, H))
    dc_last = rng.normal(size=(B, H))
    out, (hn, cn) = net(xs, (h0, c0))
    loss = (out * torch.from_numpy(dh)).sum() + (cn[0] * torch.from_numpy(dc_last)).sum()
    loss.backward()
    t = lambda v: v.detach().numpy().copy()
    return {
        "xs": t(xs), "h0": t(h0[0]), "c0": t(c0[0]), "dh": dh, "dc_last": dc_last,
        "weight_ih": t(net.weight_ih_l0), "weight_hh": t(net.weight_hh_l0),
        "bias_ih": t(net.bias_ih_l0), "bias_hh": t(net.bias_hh_l0),
        "h": t(out), "h_last": t(hn[0]), "c_last": t(cn[0]), "loss": np.array(loss.item()),
        "grad_weight_ih": t(net.weight_ih_l0.grad), "grad_weight_hh": t(net.weight_hh_l0.grad),
        "grad_bias_ih": t(net.bias_ih_l0.grad), "grad_bias_hh": t(net.bias_hh_l0.grad),
        "grad_xs": t(xs.grad), "grad_h0": t(h0.grad[0]), "grad_c0": t(c0.grad[0]),
    }


def rnn_case(B, T, D, H, seed):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = torch.nn.RNN(D, H, batch_first=True, nonlinearity="tanh").double()
    with torch.no_grad():
        for prm in net.parameters():
            prm.copy_(torch.from_numpy(rng.uniform(-0.8, 0.8, tuple(prm.shape))))
    xs = torch.from_numpy(rng.normal(size=(B, T, D))).requires_grad_()
    h0 = torch.from_numpy(rng.normal(scale=0.5, size=(1, B, H))).requires_grad_()
    dh = rng.normal(size=(B, T, H))
    out, hn = net(xs, h0)
    loss = (out * torch.from_numpy(dh)).sum()
    loss.backward()
    t = lambda v: v.detach().numpy().copy()
    return {
        "xs": t(xs), "h0": t(h0[0]), "dh": dh,
        "weight_ih": t(net.weight_ih_l0), "weight_hh": t(net.weight_hh_l0),
        "bias_ih": t(net.bias_ih_l0), "bias_hh": t(net.bias_hh_l0),
        "h": t(out), "h_last": t(hn[0]), "loss": np.array(loss.item()),
        "grad_weight_ih": t(net.weight_ih_l0.grad), "grad_weight_hh": t(net.weight_hh_l0.grad),
        "grad_bias_ih": t(net.bias_ih_l0.grad), "grad_bias_hh": t(net.bias_hh_l0.grad),
        "grad_xs": t(xs.grad), "grad_h0": t(h0.grad[0]),
    }


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for kind, make in (("lstm", lstm_case), ("rnn", rnn_case)):
        for k, (B, T, D, H) in enumerate(CASES):
            data = make(B, T, D, H, seed=100 + k)
            path = OUT / f"torch_{kind}_B{B}_T{T}_D{D}_H{H}.npz"
            np.savez(path, torch_version=np.array(torch.__version__), **data)
            print("wrote", path.relative_to(OUT.parents[1]))


if __name__ == "__main__":
    main()
