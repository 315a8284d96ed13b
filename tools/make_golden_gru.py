"""Write tests/golden/gru.npz, the torch.nn.GRU reference that tests/test_variants.py compares
lstm_core.variants.gru with (torch is needed only here, never by the course or its tests):

    python tools/make_golden_gru.py        # in an environment with torch==2.13.0

For each case (B, T, D, H) it draws random inputs, an initial state and weights (bias_ih and
bias_hh both nonzero and different: the GRU's two biases play different roles in the candidate,
so a layout that merges or swaps them is caught), runs torch.nn.GRU in float64, takes the loss
L = sum(h * dh), and stores every input, output and gradient in one file, under keys
"<case>__<name>" with <case> = "B{B}_T{T}_D{D}_H{H}"; the key "cases" lists the case names.
"""

from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).resolve().parents[1] / "tests" / "golden" / "gru.npz"
CASES = [(1, 1, 1, 1), (2, 4, 3, 5), (3, 7, 4, 6)]  # (B, T, D, H)


def gru_case(B, T, D, H, seed):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = torch.nn.GRU(D, H, batch_first=True).double()
    with torch.no_grad():
        for prm in net.parameters():
            prm.copy_(torch.from_numpy(rng.uniform(-0.8, 0.8, tuple(prm.shape))))
    xs = torch.from_numpy(rng.normal(size=(B, T, D))).requires_grad_()
    h0 = torch.from_numpy(rng.normal(scale=0.5, size=(1, B, H))).requires_grad_()
    dh = rng.normal(size=(B, T, H))
    out, hn = net(xs, h0)
    loss = (out * torch.from_numpy(dh)).sum()
    loss.backward()
    t = lambda v: v.detach().numpy().copy()  # noqa: E731
    return {
        "xs": t(xs), "h0": t(h0[0]), "dh": dh,
        "weight_ih": t(net.weight_ih_l0), "weight_hh": t(net.weight_hh_l0),
        "bias_ih": t(net.bias_ih_l0), "bias_hh": t(net.bias_hh_l0),
        "h": t(out), "h_last": t(hn[0]), "loss": np.array(loss.item()),
        "grad_weight_ih": t(net.weight_ih_l0.grad), "grad_weight_hh": t(net.weight_hh_l0.grad),
        "grad_bias_ih": t(net.bias_ih_l0.grad), "grad_bias_hh": t(net.bias_hh_l0.grad),
        "grad_xs": t(xs.grad), "grad_h0": t(h0.grad[0]),
        "num_params": np.array(sum(p.numel() for p in net.parameters())),
    }


def main():
    OUT.parent.mkdir(parents=True, exist_ok=True)
    data, names = {}, []
    for k, (B, T, D, H) in enumerate(CASES):
        name = f"B{B}_T{T}_D{D}_H{H}"
        names.append(name)
        for key, value in gru_case(B, T, D, H, seed=200 + k).items():
            data[f"{name}__{key}"] = value
    np.savez(OUT, torch_version=np.array(torch.__version__), cases=np.array(names), **data)
    print("wrote", OUT.relative_to(OUT.parents[2]))


if __name__ == "__main__":
    main()
