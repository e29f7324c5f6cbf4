"""--device: auto/cpu/cuda resolution, the refusal without a GPU, and the CPU paths of the commands."""

import json
import subprocess
import sys

import pytest
import torch

from s2s import device
from s2s.__main__ import main
from s2s.checkpoint import load
from s2s.fast import frozen
from s2s.train import train
from test_train import write_config
from tiny import make_checkpoint

no_gpu = pytest.mark.skipif(torch.cuda.is_available(), reason="checks the refusal on a machine without CUDA")


def test_cpu_and_auto_resolve(monkeypatch):
    assert device.resolve("cpu") == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert device.resolve("auto") == torch.device("cpu") == device.resolve(None)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert device.resolve("auto") == torch.device("cuda")


def test_unknown_device_is_refused():
    with pytest.raises(device.DeviceError, match="unknown device 'tpu'"):
        device.resolve("tpu")


@no_gpu
def test_cuda_without_a_gpu_is_a_clear_error(tmp_path):
    with pytest.raises(device.DeviceError, match="no CUDA GPU is available"):
        device.resolve("cuda")
    ckpt = make_checkpoint(tmp_path / "b")
    for args in (["translate", str(ckpt), "Hello.", "--device", "cuda"],
                 ["evaluate", str(ckpt), "--limit", "1", "--device", "cuda"],
                 ["train", str(write_config(tmp_path, "c", max_steps=1)), "--device", "cuda"],
                 ["explain", str(ckpt), "Hello.", "--device", "cuda"],
                 ["lab", "--steps", "1", "--device", "cuda"]):
        out = subprocess.run([sys.executable, "-m", "s2s", *args], capture_output=True, text=True)
        assert out.returncode == 2, args
        assert "no CUDA GPU is available" in out.stderr and "Traceback" not in out.stderr
        assert out.stderr.count("\n") == 1 and not out.stdout, args  # one line, nothing computed
    assert not (tmp_path / "c" / "ckpt").exists()  # refused before training started


def test_autocast_follows_the_device_type():
    with device.autocast(torch.device("cpu")):
        assert torch.is_autocast_enabled("cpu") and torch.get_autocast_dtype("cpu") == torch.bfloat16
    assert not torch.is_autocast_enabled("cpu")


def test_translate_on_cpu_and_auto_decode_with_int8(tmp_path, capsys):
    ckpt = make_checkpoint(tmp_path / "b")
    outs = []
    for name in ("cpu", "auto"):
        assert main(["translate", str(ckpt), "--json", "--device", name, "Hello there."]) == 0
        outs.append(json.loads(capsys.readouterr().out)["hypotheses"][0]["tokens"])
    if not torch.cuda.is_available():
        assert outs[0] == outs[1]
    assert frozen(load(ckpt, device=torch.device("cpu")).model)


def test_train_device_option_overrides_the_config_and_is_recorded(tmp_path):
    path = write_config(tmp_path, "d", max_steps=2, device="cuda")  # the config asks for a GPU ...
    out = train(path, quiet=True, device="cpu")  # ... the command line overrides it
    card = json.loads((out / "card.json").read_text())
    assert card["training"]["device"] == "cpu" and card["training"]["settings"]["device"] == "cpu"


def test_evaluate_records_the_device(tmp_path, monkeypatch):
    from s2s import evaluate

    metrics, _ = evaluate.evaluate(load(make_checkpoint(tmp_path / "b")), limit=1, concat_limit=1)
    assert metrics["device"] == "cpu" and metrics["weights"] == "int8"


def test_every_command_lists_device():
    for command in ("train", "evaluate", "translate", "bench", "lab", "explain"):
        out = subprocess.run([sys.executable, "-m", "s2s", command, "--help"], capture_output=True, text=True)
        assert out.returncode == 0 and "--device {auto,cpu,cuda}" in out.stdout, command


def test_the_device_watch_catches_a_tensor_made_without_a_device():
    """tests/device_watch.py, which the lab, explain and intervene tests use, can fail: a constructor
    called from an s2s file without a device is reported, one that names the model's device is not."""
    from device_watch import S2S, made_tensors, off_device

    code = "import torch\nstray = torch.zeros(2)\nkept = torch.tensor([1], device=torch.device('cpu'))\n"
    with made_tensors() as made:
        exec(compile(code, str(S2S / "made_up.py"), "exec"), {})
        torch.ones(1)  # from a test file: not watched
    assert [(m.where, m.constructor, m.device) for m in made] == [
        ("s2s/made_up.py:2", "zeros", None), ("s2s/made_up.py:3", "tensor", torch.device("cpu"))]
    assert [m.where for m in off_device(made, torch.device("cpu"))] == ["s2s/made_up.py:2"]
    assert len(off_device(made, torch.device("cuda"))) == 2
