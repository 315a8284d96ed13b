"""count_params against the seeds' hand-worked numbers and against the arrays themselves."""

import pytest

import lstm_core as L


def test_seed_numbers():
    assert L.count_params(128, 64) == ((128 + 64) * 64 + 64) * 4 == 49_408
    assert L.count_params(4096, 256) == 4 * ((4096 + 1) * 256 + 256 ** 2) == 4_457_472
    assert L.count_params(128, 64, convention="torch") == 4 * (64 * (128 + 64) + 2 * 64) == 49_664


@pytest.mark.parametrize("D,H,layers", [(1, 1, 1), (3, 5, 1), (7, 4, 3), (10, 20, 2)])
def test_counts_equal_the_sizes_of_real_parameter_arrays(D, H, layers):
    keras = torch = 0
    d = D
    for _ in range(layers):
        p = L.LSTMParams.init(d, H)
        keras += sum(a.size for a in p.to_keras())
        torch += sum(a.size for a in p.to_torch())
        d = H
    assert L.count_params(D, H, "keras", layers) == keras
    assert L.count_params(D, H, "torch", layers) == torch


def test_rnn_and_gru_counts():
    assert L.count_params(3, 5, cell="rnn") == L.RNNParams.init(3, 5).num_params == 5 * 3 + 5 * 5 + 5
    assert L.count_params(3, 5, "torch", cell="rnn") == sum(a.size for a in L.RNNParams.init(3, 5).to_torch())
    # Keras' GRU keeps two biases by default (reset_after=True), one with reset_after=False
    assert L.count_params(3, 5, cell="gru") == 3 * (5 * 8 + 2 * 5)
    assert L.count_params(3, 5, cell="gru", reset_after=False) == 3 * (5 * 8 + 5)
    assert L.count_params(3, 5, "torch", cell="gru") == L.GRUParams.init(3, 5).num_params == 3 * (5 * 8 + 2 * 5)


def test_stacking_feeds_hidden_size_to_upper_layers():
    assert L.count_params(10, 20, layers=2) == L.count_params(10, 20) + L.count_params(20, 20)


def test_keras_counts_are_what_keras_reports_for_its_default_layers():
    """The numbers Keras' model.summary() gives for LSTM(64), GRU(64), GRU(64, reset_after=False) and
    SimpleRNN(64) on 128 features, worked by hand: H * D input weights, H * H recurrent weights and
    one or two bias vectors of H, per gate block."""
    D, H = 128, 64
    assert H * D == 8_192 and H * H == 4_096
    # LSTM: 4 blocks, one bias each: 4 * (8,192 + 4,096 + 64) = 4 * 12,352
    assert L.count_params(D, H, "keras") == 4 * 12_352 == 49_408
    # GRU, reset_after=True (Keras' default): 3 blocks, two biases each: 3 * (8,192 + 4,096 + 128) = 3 * 12,416
    assert L.count_params(D, H, "keras", cell="gru") == 3 * 12_416 == 37_248
    assert L.count_params(D, H, "keras", cell="gru", reset_after=True) == 37_248
    # GRU, reset_after=False: 3 blocks, one bias each: 3 * (8,192 + 4,096 + 64) = 3 * 12,352
    assert L.count_params(D, H, "keras", cell="gru", reset_after=False) == 3 * 12_352 == 37_056
    # SimpleRNN: 1 block, one bias: 8,192 + 4,096 + 64
    assert L.count_params(D, H, "keras", cell="rnn") == 12_352
    # PyTorch: two biases for every cell; its GRU has the same count as Keras' default GRU
    assert L.count_params(D, H, "torch", cell="gru") == 37_248
    assert L.count_params(D, H, "torch", cell="rnn") == 8_192 + 4_096 + 128 == 12_416


def test_reset_after_false_in_a_stack():
    # layer 1: 3 * (20 * 10 + 20 * 20 + 20) = 3 * 620 = 1,860; layer 2: 3 * (20 * 20 + 20 * 20 + 20) = 3 * 820 = 2,460
    assert L.count_params(10, 20, "keras", layers=2, cell="gru", reset_after=False) == 1_860 + 2_460 == 4_320
    # with two biases: 3 * 640 + 3 * 840
    assert L.count_params(10, 20, "keras", layers=2, cell="gru") == 1_920 + 2_520 == 4_440


@pytest.mark.parametrize("convention,cell", [("keras", "lstm"), ("keras", "rnn"), ("torch", "gru"),
                                             ("torch", "lstm"), ("torch", "rnn")])
def test_reset_after_false_only_for_keras_gru(convention, cell):
    with pytest.raises(ValueError, match="reset_after=False is an option of Keras' GRU only"):
        L.count_params(3, 4, convention, cell=cell, reset_after=False)
    # True (the default) is accepted everywhere: it changes nothing but Keras' GRU
    assert L.count_params(3, 4, convention, cell=cell, reset_after=True) == L.count_params(3, 4, convention, cell=cell)


def test_an_absurd_number_of_layers_is_refused_at_once():
    # the count loops over the layers: 10**30 of them never returned (so this runs in a child
    # process with a time limit, to fail rather than hang if the bound goes)
    import subprocess
    import sys
    from pathlib import Path

    code = "import lstm_core as L\ntry:\n    L.count_params(3, 4, layers=10 ** 30)\nexcept ValueError as e:\n    print(e)"
    root = Path(__file__).resolve().parents[1]            # the child imports this checkout's lstm_core
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=root)
    assert "layers must be at most 1000" in out.stdout, out.stdout + out.stderr
    assert L.count_params(3, 4, layers=1000) > 0
