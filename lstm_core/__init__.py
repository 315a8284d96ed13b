"""lstm_core: the numpy math behind the interactive LSTM course.

Every number the notebooks show comes from here. This package imports only numpy; what the
notebooks need beyond the math (demonstrations, explorers, exercises, plots) is ``lstm_course``.

Modules: activations, params (LSTMParams, RNNParams and framework layouts), cell (one LSTM
step, forward and backward), loop (a sequence as a plain loop over the step: read it first),
sequence (lstm_forward / lstm_backward, the fast version of that loop), rnn (Elman and Jordan),
output (projection and softmax), counting (count_params), gradcheck; for training: losses
(cross-entropy, squared error), optim (SGD, Adam, clipping), models (SequenceModel: a cell plus a
read-out, saved to .npz), training (fit), tasks (synthetic long-range tasks and digit
reversal); variants (the peephole LSTM, the coupled input-forget gate, the GRU); for real inputs
and deeper models: embedding (lookup tables), masking (padded batches, the masked LSTM layer),
layers (stacked and bidirectional LSTMs, TaggerModel), dropout (naive, variational, zoneout);
seq2seq (an encoder-decoder LSTM, teacher forcing, scheduled sampling, greedy decoding and beam
search); attention (additive attention, and the encoder-decoder that uses it).
"""

from .activations import drelu, dsigmoid, dtanh, relu, sigmoid, tanh
from .attention import AttentionParams, AttentionSeq2Seq, additive_attention, additive_attention_backward
from .cell import (GateValue, LSTMStep, LSTMStepGradients, cell_state_update, gate_value, hidden_state,
                   lstm_step, lstm_step_backward)
from .counting import count_params
from .gradcheck import GradcheckResult, gradcheck, numerical_gradient
from .loop import lstm_backward_loop, lstm_forward_loop
from .losses import Loss, mean_squared_error, softmax_cross_entropy
from .models import ModelOutput, SequenceModel, one_hot
from .optim import SGD, Adam, clip_grad_norm, global_norm
from .output import project, project_backward, softmax
from .params import GATE_NAMES, GATES, GateParams, LSTMGradients, LSTMParams, RNNGradients, RNNParams
from .rnn import RNN, RNNTrace, jordan_forward, rnn_backward, rnn_forward, rnn_step
from .sequence import LSTMSequenceGradients, LSTMTrace, lstm_backward, lstm_forward
from .training import History, accuracy, fit
from . import attention, dropout, embedding, layers, masking, seq2seq, tasks, variants
from .dropout import dropout_mask, dropout_noise
from .embedding import embedding_backward, embedding_forward, init_embedding
from .layers import (BidirectionalTrace, StackedGradients, StackedTrace, TaggerModel, TaggerOutput,
                     bidirectional_backward, bidirectional_forward, init_layers, stacked_backward, stacked_forward)
from .masking import (MaskedGradients, MaskedTrace, lengths_to_mask, masked_lstm_backward, masked_lstm_forward,
                      masked_mean, pad_sequences)
from .variants import (CoupledParams, GRUParams, PeepholeParams, coupled_backward, coupled_forward, gru_backward,
                       gru_forward, peephole_backward, peephole_forward)

__version__ = "0.1.0"

__all__ = [
    "sigmoid", "dsigmoid", "tanh", "dtanh", "relu", "drelu",
    "GATES", "GATE_NAMES", "GateParams", "LSTMParams", "LSTMGradients", "RNNParams", "RNNGradients",
    "GateValue", "gate_value", "cell_state_update", "hidden_state",
    "LSTMStep", "LSTMStepGradients", "lstm_step", "lstm_step_backward",
    "LSTMTrace", "LSTMSequenceGradients", "lstm_forward", "lstm_backward", "lstm_forward_loop", "lstm_backward_loop",
    "RNN", "RNNTrace", "rnn_step", "rnn_forward", "rnn_backward", "jordan_forward",
    "project", "project_backward", "softmax",
    "count_params", "gradcheck", "numerical_gradient", "GradcheckResult",
    "Loss", "softmax_cross_entropy", "mean_squared_error",
    "SGD", "Adam", "clip_grad_norm", "global_norm",
    "SequenceModel", "ModelOutput", "one_hot", "fit", "History", "accuracy", "tasks", "variants",
    "seq2seq",
    "PeepholeParams", "peephole_forward", "peephole_backward", "CoupledParams", "coupled_forward",
    "coupled_backward", "GRUParams", "gru_forward", "gru_backward",
    "embedding", "masking", "layers", "dropout",
    "init_embedding", "embedding_forward", "embedding_backward",
    "lengths_to_mask", "pad_sequences", "masked_mean", "MaskedTrace", "MaskedGradients", "masked_lstm_forward",
    "masked_lstm_backward", "init_layers", "BidirectionalTrace", "bidirectional_forward", "bidirectional_backward",
    "StackedTrace", "StackedGradients", "stacked_forward", "stacked_backward", "TaggerModel", "TaggerOutput",
    "dropout_mask", "dropout_noise",
    "attention", "AttentionParams", "additive_attention", "additive_attention_backward", "AttentionSeq2Seq",
]
