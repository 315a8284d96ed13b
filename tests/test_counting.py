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
    assert L.count_params(3, 5, cell="gru") == 3 * (5 * 8 + 5)


def test_stacking_feeds_hidden_size_to_upper_layers():
    assert L.count_params(10, 20, layers=2) == L.count_params(10, 20) + L.count_params(20, 20)
