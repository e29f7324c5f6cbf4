"""The named errors of the package: what a caller may catch and show to a person."""


class S2SError(Exception):
    """Base of every error this package raises on purpose."""


class InputError(S2SError, ValueError):
    """Text that cannot be translated: empty, too long, or with forbidden characters."""


class ConfigError(S2SError, ValueError):
    """A model or training configuration that is not valid."""


class CheckpointError(S2SError):
    """A checkpoint directory that cannot be loaded."""


class CheckpointMissing(CheckpointError):
    """The directory or one of its files is not there."""


class CheckpointCorrupt(CheckpointError):
    """A file is truncated, unreadable, or does not match the hash its card records."""


class CheckpointMismatch(CheckpointError):
    """The weights do not fit the model the card describes."""


class TokenizerMismatch(CheckpointError):
    """The tokenizer file does not match the one the card names."""


class CheckpointLocationError(CheckpointError):
    """A checkpoint path that points outside the allowed folder."""
