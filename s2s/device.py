"""Where a command computes: `--device auto|cpu|cuda`, shared by train, evaluate, translate, bench.

- `auto` picks CUDA when torch sees a GPU, else the CPU; `cuda` on a machine without one is a
  clear `DeviceError`, never a crash deep inside torch.
- Training autocasts to bf16 on either device (`autocast`): the same configs and checkpoints.
- Decoding on the CPU uses the int8 weights of `s2s.fast` (fbgemm, a CPU-only path); on CUDA it
  uses the fp32 model as loaded (checkpoints hold fp16 weights, widened to fp32).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import S2SError

if TYPE_CHECKING:  # torch is imported where used: `s2s --help` needs no torch
    import torch

CHOICES = ("auto", "cpu", "cuda")


class DeviceError(S2SError, ValueError):
    """A device that was asked for and is not there (or is not a known name)."""


def resolve(name: str | None = "auto") -> torch.device:
    """'auto' | 'cpu' | 'cuda' (or 'cuda:N') -> the torch.device to compute on."""
    import torch

    name = (name or "auto").strip().lower()
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name == "cuda" or name.startswith("cuda:"):
        if not torch.cuda.is_available():
            raise DeviceError(f"--device {name}: no CUDA GPU is available to torch {torch.__version__} "
                              f"(built for CUDA: {torch.version.cuda or 'no'}); use --device cpu or auto")
        try:
            device = torch.device(name)
        except RuntimeError as exc:
            raise DeviceError(f"--device {name}: {exc}") from None
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise DeviceError(f"--device {name}: only {torch.cuda.device_count()} CUDA device(s) here")
        return device
    raise DeviceError(f"unknown device {name!r}; valid: {', '.join(CHOICES)}")


def autocast(device: torch.device, enabled: bool = True) -> torch.autocast:
    """bf16 autocast for the device's type (the training step's mixed precision)."""
    import torch

    return torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=enabled)


def of(model: torch.nn.Module) -> torch.device:
    """The device a model's parameters live on (the CPU for a model without parameters)."""
    import torch

    return next((p.device for p in model.parameters()), torch.device("cpu"))


def describe(device: torch.device) -> str:
    """'cpu' or 'cuda:0 (NVIDIA H200)': what a card records."""
    import torch

    if device.type != "cuda":
        return device.type
    index = device.index if device.index is not None else torch.cuda.current_device()
    return f"cuda:{index} ({torch.cuda.get_device_name(index)})"


def add_argument(parser, default: str | None = "auto", default_text: str = "auto") -> None:
    """The `--device` option, the same on every command."""
    parser.add_argument("--device", default=default, choices=CHOICES,
                        help=f"where to compute: auto (CUDA when available, else the CPU), cpu or cuda (default "
                             f"{default_text}; int8 decoding is a CPU path, CUDA decodes with fp32 weights)")
