"""s2s: RNN encoder-decoder translation with and without attention, built to be inspected."""

__version__ = "0.1.0"
