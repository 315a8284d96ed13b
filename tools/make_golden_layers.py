"""Write the PyTorch reference files for notebook 16's layers (tests/test_layers.py reads them):
nn.Embedding, a stacked nn.LSTM (num_layers=3), a bidirectional two-layer nn.LSTM, and the same
bidirectional LSTM on a padded batch through pack_padded_sequence.

Run with torch installed in a scratch environment (torch is never a dependency of the course):

    python tools/make_golden_layers.py

Every weight and both biases are random and nonzero. The loss is L = sum(out * dh) over the real
steps (padding excluded), so every stored gradient is dL/d(that array).
"""

from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).resolve().parents[1] / "tests" / "golden"


def t(v):
    return v.detach().numpy().copy()


def embedding_case(seed=200):
    rng = np.random.default_rng(seed)
    emb = torch.nn.Embedding(7, 3).double()
    with torch.no_grad():
        emb.weight.copy_(torch.from_numpy(rng.normal(size=(7, 3))))
    ids = rng.integers(0, 7, size=(4, 5))
    ids[0, :3] = 2                                   # a repeated id: its gradients must add up
    out = emb(torch.from_numpy(ids))
    d_out = rng.normal(size=out.shape)
    (out * torch.from_numpy(d_out)).sum().backward()
    return {"ids": ids, "table": t(emb.weight), "out": t(out), "d_out": d_out, "grad_table": t(emb.weight.grad)}


def lstm_case(num_layers, bidirectional, lengths, seed, B=3, T=6, D=4, H=5):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = torch.nn.LSTM(D, H, num_layers=num_layers, bidirectional=bidirectional, batch_first=True).double()
    with torch.no_grad():
        for prm in net.parameters():
            prm.copy_(torch.from_numpy(rng.uniform(-0.8, 0.8, tuple(prm.shape))))
    xs = torch.from_numpy(rng.normal(size=(B, T, D))).requires_grad_()
    mask = (np.arange(T)[None, :] < np.array(lengths)[:, None]).astype(float)
    if min(lengths) < T:
        packed = torch.nn.utils.rnn.pack_padded_sequence(xs, torch.tensor(lengths), batch_first=True,
                                                         enforce_sorted=False)
        out, _ = net(packed)
        out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=T)
    else:
        out, _ = net(xs)
    dh = rng.normal(size=tuple(out.shape)) * mask[:, :, None]
    loss = (out * torch.from_numpy(dh)).sum()
    loss.backward()
    data = {"xs": t(xs), "lengths": np.array(lengths), "mask": mask, "dh": dh, "out": t(out),
            "grad_xs": t(xs.grad), "loss": np.array(loss.item())}
    for name, prm in net.named_parameters():
        data[name] = t(prm)
        data["grad_" + name] = t(prm.grad)
    return data


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    cases = {
        # named layers_*, not torch_*: tests/test_torch_golden.py reads every torch_*lstm* file as one layer
        "layers_embedding": embedding_case(),
        "layers_stacked_N3": lstm_case(3, False, (6, 6, 6), seed=201),
        "layers_bidirectional_N2": lstm_case(2, True, (6, 6, 6), seed=202),
        "layers_bidirectional_N2_packed": lstm_case(2, True, (6, 2, 4), seed=203),
        "layers_stacked_N2_packed": lstm_case(2, False, (3, 6, 1), seed=204),
    }
    for stem, data in cases.items():
        path = OUT / f"{stem}.npz"
        np.savez(path, torch_version=np.array(torch.__version__), **data)
        print("wrote", path.relative_to(OUT.parents[1]))


if __name__ == "__main__":
    main()
