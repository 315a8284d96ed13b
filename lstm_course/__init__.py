"""The course around lstm_core: worked demonstrations, explorers, exercises, plots."""
