"""The worked demonstrations behind the notebooks, one module per topic: numpy and lstm_core only."""
