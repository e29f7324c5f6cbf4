"""Which tensors does s2s code make, and on which device? For the `--device` tests on a CPU-only machine.

`made_tensors()` watches torch's tensor constructors (a TorchFunctionMode, the mechanism of
`torch.set_default_device`) and records each call made directly by a file of the s2s package:
where, which constructor, and the device it named (None: it named none, so on CUDA it would sit
on the CPU beside a model on the GPU and the computation would fail). Two exceptions by design:
building a module (its parameters are made on the CPU and the model is moved, as `s2s train`
does) and `collate` (batches are built on the CPU and moved, `Batch.to`: s2s/batches.py).
Constructors that torch or Captum call for their own purposes are theirs, not watched.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import torch
from torch.overrides import TorchFunctionMode

S2S = Path(__file__).resolve().parent.parent / "s2s"
BUILT_ON_THE_CPU = {S2S / "batches.py"}  # collate: moved by its callers
CONSTRUCTORS = {torch.tensor, torch.as_tensor, torch.full, torch.zeros, torch.ones, torch.empty, torch.arange,
                torch.eye, torch.linspace, torch.rand, torch.randn, torch.randint, torch.scalar_tensor}


@dataclass(frozen=True)
class Made:
    where: str  # s2s/file.py:line
    constructor: str
    device: torch.device | None  # None: no device named


class _Watch(TorchFunctionMode):
    def __init__(self):
        super().__init__()
        self.made: list[Made] = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func in CONSTRUCTORS:
            frame = sys._getframe(1)  # the caller of the constructor
            file = Path(frame.f_code.co_filename).resolve()
            if file.is_relative_to(S2S) and file not in BUILT_ON_THE_CPU and not _building_a_module(frame):
                named = kwargs.get("device")
                self.made.append(Made(f"{file.relative_to(S2S.parent)}:{frame.f_lineno}", func.__name__,
                                      None if named is None else torch.device(named)))
        return func(*args, **kwargs)


def _building_a_module(frame) -> bool:
    """Is this call part of some nn.Module's __init__ (parameters, built on the CPU, then moved)?"""
    while frame is not None:
        if frame.f_code.co_name == "__init__" and isinstance(frame.f_locals.get("self"), torch.nn.Module):
            return True
        frame = frame.f_back
    return False


@contextmanager
def made_tensors():
    """with made_tensors() as made: ...  -> made: list[Made], the constructor calls of s2s code."""
    watch = _Watch()
    with watch:
        yield watch.made


def off_device(made: list[Made], device: torch.device) -> list[Made]:
    """The calls that did not name `device` (the model's): each one a tensor left behind on CUDA."""
    return [m for m in made if m.device is None or m.device.type != device.type]
