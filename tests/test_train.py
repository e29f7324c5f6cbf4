"""Training: config loading, a tiny run that writes a checkpoint, exact resume after a stop."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from s2s import train as train_mod
from s2s.checkpoint import load
from s2s.errors import ConfigError
from s2s.train import TrainConfig, Trainer

MODEL = """
[model]
attention = "bahdanau"
emb_dim = 16
enc_hidden = 16
enc_layers = 1
dec_hidden = 32
attn_dim = 16
dropout = 0.1
"""


def write_config(tmp_path: Path, tag: str, **train) -> Path:
    settings = {"epochs": 1, "batch_size": 16, "dev_sources": 4, "train_split": "dev", "eval_minutes": 1000, **train}
    lines = [f'name = "tiny-{tag}"', f'output = "{tmp_path / tag / "ckpt"}"', f'state_dir = "{tmp_path / tag / "state"}"']
    lines += [MODEL, "[train]"] + [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
    path = tmp_path / f"{tag}.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def run(path: Path) -> Trainer:
    tcfg, mcfg = TrainConfig.load(path)
    trainer = Trainer(tcfg, mcfg, quiet=True)
    trainer.run()
    return trainer


def test_config_defaults_and_errors(tmp_path):
    tcfg, mcfg = TrainConfig.load(Path("configs/eng-spa/bahdanau.toml"))
    assert tcfg.output == "checkpoints/eng-spa/bahdanau"
    assert tcfg.state_dir == "runs/eng-spa/bahdanau"
    assert mcfg.attention == "bahdanau"
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[train]\nlearning_rate = 1\n')
    with pytest.raises(ConfigError, match="learning_rate"):
        TrainConfig.load(bad)
    bad.write_text('name = "x"\n[model]\nattention = "luong"\n')
    with pytest.raises(ConfigError, match="bahdanau"):
        TrainConfig.load(bad)
    bad.write_text("name = \n")
    with pytest.raises(ConfigError):
        TrainConfig.load(bad)


def test_every_config_loads_and_writes_where_it_should():
    configs = sorted(Path("configs").glob("*/*.toml"))
    assert len(configs) >= 8
    for path in configs:
        tcfg, mcfg = TrainConfig.load(path)
        assert path.parent.name == f"{tcfg.src}-{tcfg.tgt}" and path.stem == tcfg.name
        # shipped models go to checkpoints/<pair>/<name>; comparison runs stay in runs/
        assert tcfg.output in (f"checkpoints/{tcfg.src}-{tcfg.tgt}/{tcfg.name}", f"runs/{tcfg.src}-{tcfg.tgt}/{tcfg.name}/checkpoint")


RECIPE = ("init_from", "epochs", "lr", "lr_decay", "min_lr", "decay_from_epoch", "patience")


def test_convergence_configs_continue_each_model_with_one_recipe():
    """configs/converge/<pair>/<name>.toml: every shipped model and the reversal baseline, each its
    own config (same model, data and batches) continued from its own 5-epoch output, and the
    continuation the same for all: one recipe keeps the comparison fair."""
    shipped = sorted(Path("configs").glob("*/*.toml"))
    converge = sorted(Path("configs/converge").glob("*/*.toml"))
    assert [c.relative_to("configs/converge") for c in converge] == [c.relative_to("configs") for c in shipped]
    recipes = set()
    for first, then in zip(shipped, converge):
        (a, model_a), (b, model_b) = TrainConfig.load(first), TrainConfig.load(then)
        assert model_a == model_b and b.init_from == a.output and b.output == f"runs/converge/{b.src}-{b.tgt}/{b.name}/checkpoint"
        same = {k: v for k, v in vars(a).items() if k not in (*RECIPE, "output", "state_dir", "max_minutes")}
        assert same == {k: v for k, v in vars(b).items() if k in same}, then  # the data, batches and loss of the model's run
        recipes.add(tuple(getattr(b, k) for k in RECIPE[1:]))
    assert recipes == {(4, 0.001, 0.5, 0.0001, 1, 2)}


def test_tiny_run_writes_a_loadable_checkpoint(tmp_path):
    trainer = run(write_config(tmp_path, "a", max_steps=4))
    assert trainer.progress["step"] == 4
    ckpt = load(tmp_path / "a" / "ckpt")
    training = ckpt.card["training"]
    assert training["steps"] == 4 and training["target_tokens"] > 0 and training["tokens_per_s"] > 0
    assert training["curve"] and "bleu" in training["curve"][-1]["dev"]
    assert ckpt.card["data"]["split_sha256"] == json.loads(Path("data/eng-spa/splits.json").read_text())["split_sha256"]
    assert "threads" in training["hardware"]
    assert (tmp_path / "a" / "state" / "state.pt").is_file()


def test_resume_after_interrupt_matches_an_uninterrupted_run(tmp_path, monkeypatch):
    handler = signal.getsignal(signal.SIGINT)  # Python's default, or SIG_IGN under nohup
    straight = run(write_config(tmp_path, "straight", max_steps=8))

    real_step = train_mod.train_step
    calls = {"n": 0}

    def interrupted_step(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            signal.raise_signal(signal.SIGINT)  # Ctrl-C during the third batch
        return real_step(*args, **kwargs)

    monkeypatch.setattr(train_mod, "train_step", interrupted_step)
    first = run(write_config(tmp_path, "resumed", max_steps=8))
    assert first.stop == "interrupt" and first.progress["step"] == 3
    monkeypatch.setattr(train_mod, "train_step", real_step)
    resumed = run(write_config(tmp_path, "resumed", max_steps=8))
    assert resumed.progress["step"] == 8
    a, b = straight.model.state_dict(), resumed.model.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert signal.getsignal(signal.SIGINT) is handler  # handlers restored


FAULTS_SCRIPT = """
import resource, sys, torch
from s2s.train import keep_freed_memory
kept = sys.argv[1] == "kept" and keep_freed_memory()
torch.zeros(10_000_000)  # 40 MB: above glibc's largest automatic mmap threshold (32 MB)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(30):
    torch.zeros(10_000_000)  # zero-filled, freed: every page touched
print(kept, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def test_keep_freed_memory_reuses_large_blocks_instead_of_faulting_them_in_again():
    def faults(mode: str) -> tuple[bool, int]:
        out = subprocess.run([sys.executable, "-c", FAULTS_SCRIPT, mode], capture_output=True, text=True, check=True)
        kept, count = out.stdout.split()
        return kept == "True", int(count)

    _, default = faults("default")
    kept, reused = faults("kept")
    if not kept:
        pytest.skip("no glibc mallopt on this platform")
    block_pages = 10_000_000 * 4 // os.sysconf("SC_PAGE_SIZE")
    assert default >= 25 * block_pages  # by default each of the 30 rounds maps the block afresh
    assert reused <= 10 * block_pages  # kept: a few fresh blocks while the heap's layout settles (1-6 seen)


def test_init_from_starts_from_the_checkpoints_weights_with_a_fresh_optimiser(tmp_path):
    first = run(write_config(tmp_path, "first"))
    start = load(first.out_dir, fast=False)
    tcfg, mcfg = TrainConfig.load(write_config(tmp_path, "second", init_from=str(first.out_dir), max_steps=2))
    second = Trainer(tcfg, mcfg, quiet=True)
    second.init_weights()
    for name, tensor in start.model.state_dict().items():
        assert torch.equal(second.model.state_dict()[name], tensor), name
    assert not second.opt.state  # fresh optimiser
    second.run()
    card = json.loads((second.out_dir / "card.json").read_text())
    assert card["training"]["initialised_from"]["path"] == str(first.out_dir)
    assert card["training"]["initialised_from"]["steps"] == first.progress["step"]
    other = write_config(tmp_path, "other", init_from=str(first.out_dir)).read_text().replace("dec_hidden = 32", "dec_hidden = 24")
    (tmp_path / "other.toml").write_text(other)
    with pytest.raises(ConfigError, match="model config differs"):
        Trainer(*TrainConfig.load(tmp_path / "other.toml"), quiet=True).init_weights()


def test_decay_from_epoch_halves_the_rate_at_every_epochs_end(tmp_path):
    trainer = run(write_config(tmp_path, "decay", epochs=3, lr=0.004, lr_decay=0.5, min_lr=1e-9, decay_from_epoch=1))
    curve = trainer.curve
    assert [c["epoch"] for c in curve] == [1, 2, 3]
    best, plateaus = -1.0, 0
    for c in curve:  # an evaluation without a new best halves it once more
        plateaus += c["dev"]["bleu"] <= best
        best = max(best, c["dev"]["bleu"])
    assert trainer.opt.param_groups[0]["lr"] == pytest.approx(0.004 * 0.5 ** (3 + plateaus))
    assert curve[1]["lr"] < curve[0]["lr"] and curve[2]["lr"] < curve[1]["lr"]


def test_patience_stops_a_run_that_no_longer_improves_and_resume_keeps_it_stopped(tmp_path):
    path = write_config(tmp_path, "patience", epochs=5, lr=0.0, patience=1)  # lr 0: dev BLEU cannot change
    trainer = run(path)
    assert trainer.progress["converged"] and len(trainer.curve) == 2 and trainer.progress["epoch"] == 2
    again = run(path)
    assert again.progress["step"] == trainer.progress["step"] and len(again.curve) == 2
