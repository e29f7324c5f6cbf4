"""The training lab: train a small seq2seq model on a toy task and watch it learn.

`LabRun(settings, stop)` trains with the project's one update step (`s2s.train.train_step`,
`make_optimizer`, `make_loss`) on fresh batches of a toy task (s2s/toy.py) and yields a
snapshot every `every` steps (and one at step 0 and one at the end):

    {"step", "elapsed" (wall seconds since the start, evaluation included), "loss" (mean
     training loss since the previous snapshot), "exact_match": {length: fraction},
     "token_accuracy": {length: fraction}, "probe": {"source", "target", "output",
     "attention": [T][S] teacher-forced on the probe's right output, or None for vanilla}}

Exact match and token accuracy come from greedy decoding of a fixed seeded test set with
every length from min_len to 2 x max_len. Snapshots are bounded: past `max_snapshots`
every other one is dropped and the interval doubles, so a long run still spans its whole
history in few snapshots. `time_to_95` is the first elapsed time at which the mean exact
match over the training lengths reached 0.95 (checked at every snapshot, kept or not).

`LabRun(..., device=)` trains and evaluates there (`python -m s2s lab --device`; the app's worker
pool trains on the CPU): the model is initialised on the CPU (the same weights for the same seed)
and moved; batches are collated on the CPU and moved. On CUDA the update step autocasts to bf16
(as `s2s train` does); evaluation and the probe stay fp32.
"""

from __future__ import annotations

import dataclasses
import io
import random
import threading
import time
from dataclasses import dataclass

import torch

from . import device as dev
from . import toy
from .batches import collate
from .config import ModelConfig
from .errors import ConfigError
from .model import Seq2Seq
from .search import greedy_search
from .train import make_loss, make_optimizer, train_step

KINDS = ("vanilla", "bahdanau", "dot", "general", "concat")
CELLS = ("gru", "lstm")
TARGET = 0.95
# name: (lowest, highest) allowed value
LIMITS = {
    "emb_dim": (4, 128),
    "hidden": (8, 256),
    "min_len": (1, 20),
    "max_len": (1, 20),
    "seconds": (1.0, 600.0),
    "steps": (1, 100_000),
    "batch_size": (1, 256),
    "lr": (1e-5, 0.1),
    "every": (1, 10_000),
    "test_per_length": (1, 500),
    "max_snapshots": (4, 1000),
}


@dataclass(frozen=True)
class LabSettings:
    task: str = "reverse"
    model: str = "bahdanau"  # KINDS
    cell: str = "gru"
    emb_dim: int = 32
    hidden: int = 64  # decoder state; the encoder is bidirectional with hidden/2 per direction
    min_len: int = 3
    max_len: int = 10
    seconds: float = 60.0  # wall-clock budget
    steps: int = 3000  # update budget
    seed: int = 0
    batch_size: int = 64
    lr: float = 3e-3
    every: int = 50  # steps between snapshots (doubles when snapshots are thinned)
    test_per_length: int = 25
    max_snapshots: int = 120

    def __post_init__(self) -> None:
        if self.task not in toy.TASKS:
            raise ConfigError(f"unknown task {self.task!r}; valid: {', '.join(toy.TASKS)}")
        if self.model not in KINDS:
            raise ConfigError(f"unknown model {self.model!r}; valid: {', '.join(KINDS)}")
        if self.cell not in CELLS:
            raise ConfigError(f"unknown cell {self.cell!r}; valid: {', '.join(CELLS)}")
        for name, (lo, hi) in LIMITS.items():
            value = getattr(self, name)
            whole = isinstance(lo, int)
            if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)) or not lo <= value <= hi:
                kind = "a whole number" if whole else "a number"
                raise ConfigError(f"{name} must be {kind} from {lo:g} to {hi:g}, got {value!r}")
        if self.hidden % 2:
            raise ConfigError(f"hidden must be even (two encoder directions of hidden/2), got {self.hidden}")
        if self.min_len > self.max_len:
            raise ConfigError(f"min_len ({self.min_len}) must not exceed max_len ({self.max_len})")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2**31:
            raise ConfigError(f"seed must be a whole number from 0 to {2**31 - 1}, got {self.seed!r}")

    @property
    def train_lengths(self) -> range:
        return range(self.min_len, self.max_len + 1)

    @property
    def test_lengths(self) -> range:
        return range(self.min_len, 2 * self.max_len + 1)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "LabSettings":
        known = {f.name for f in dataclasses.fields(cls)}
        if unknown := set(data) - known:
            raise ConfigError(f"unknown lab settings: {', '.join(sorted(unknown))}")
        return cls(**data)


def model_config(s: LabSettings) -> ModelConfig:
    return ModelConfig(
        vocab_size=toy.tokenizer().vocab_size, emb_dim=s.emb_dim, cell=s.cell, enc_hidden=s.hidden // 2,
        enc_layers=1, bidirectional=True, dec_hidden=s.hidden, dec_layers=1,
        attention="none" if s.model == "vanilla" else s.model, attn_dim=s.hidden, dropout=0.0,
    )


class Timeline:
    """Snapshots in step order, at most `cap`: when one more arrives, every other one goes
    (the first and the newest stay)."""

    def __init__(self, cap: int):
        self.cap, self.items = cap, []

    def add(self, snap: dict) -> bool:
        """Append; True when the list was thinned."""
        self.items.append(snap)
        if len(self.items) <= self.cap:
            return False
        newest = self.items[-1]
        self.items = self.items[::2]
        if self.items[-1] is not newest:
            self.items.append(newest)
        return True


@torch.inference_mode()
def greedy_batch(model: Seq2Seq, sources: list[list[int]], max_steps: int) -> list[list[int]]:
    """Greedy outputs (ids, without </s>) of many sources at once."""
    cfg, on = model.cfg, dev.of(model)
    b = collate([(s, []) for s in sources], cfg.pad_id, cfg.bos_id, cfg.eos_id).to(on)
    memory = model.encode(b.src, b.src_len)
    state = model.init_state(memory)
    prev = torch.full((len(sources),), cfg.bos_id, dtype=torch.long, device=on)  # [B]
    done = torch.zeros(len(sources), dtype=torch.bool, device=on)
    steps = []
    for _ in range(max_steps):
        logp, out = model.step(prev, state, memory)  # [B, V]
        prev, state = logp.argmax(-1), out.state  # [B]
        steps.append(prev)
        done |= prev == cfg.eos_id
        if bool(done.all()):
            break
    ids = torch.stack(steps, 1).tolist()  # [B, T]
    return [row[: row.index(cfg.eos_id)] if cfg.eos_id in row else row for row in ids]


def score(model: Seq2Seq, tests: dict[int, list]) -> tuple[dict[int, float], dict[int, float]]:
    """(exact match, token accuracy) per length: greedy outputs against the targets (+ </s>)."""
    pairs = [p for n in tests for p in tests[n]]
    outs = greedy_batch(model, [s for s, _ in pairs], max(len(t) for _, t in pairs) + 2)
    exact, tokens, i = {}, {}, 0
    eos = model.cfg.eos_id
    for n, group in tests.items():
        hit = right = total = 0
        for _, tgt in group:
            out, want = outs[i] + [eos], tgt + [eos]
            hit += out == want
            right += sum(a == b for a, b in zip(out, want))
            total += len(want)
            i += 1
        exact[n], tokens[n] = hit / len(group), right / total
    return exact, tokens


@torch.inference_mode()
def probe_attention(model: Seq2Seq, src: list[int], tgt: list[int]):
    """Teacher-forced attention on the probe's right output: [len(tgt)+1][len(src)+1] or None."""
    cfg = model.cfg
    b = collate([(src, tgt)], cfg.pad_id, cfg.bos_id, cfg.eos_id).to(dev.of(model))
    _, weights = model(b.src, b.src_len, b.tgt_in)  # [1, T, S] | None
    return None if weights is None else [[round(w, 4) for w in row] for row in weights[0].float().cpu().tolist()]


class LabRun:
    """One training run; iterate it for snapshots. After the loop: `summary`, `model`, `timeline`.

    `device`: where it computes (default the CPU; s2s.device.resolve turns `--device` into one)."""

    def __init__(self, settings: LabSettings, stop: threading.Event | None = None, device: torch.device | None = None):
        self.s, self.stop = settings, stop
        self.device = torch.device("cpu") if device is None else torch.device(device)
        self.timeline = Timeline(settings.max_snapshots)
        self.summary: dict | None = None
        self.model: Seq2Seq | None = None

    def __iter__(self):
        s = self.s
        start = time.monotonic()
        torch.manual_seed(s.seed)
        rng = random.Random(s.seed)
        on = self.device
        model = self.model = Seq2Seq(model_config(s)).to(on)  # initialised on the CPU, then moved
        opt, loss_fn = make_optimizer(model, s.lr), make_loss(0.0)
        tests = toy.test_set(s.task, s.test_lengths, s.test_per_length, s.seed)
        src, tgt = toy.probe(s.task, s.max_len, s.seed)
        probe = {"source": toy.symbols(src), "target": toy.symbols(tgt)}
        cfg, every, step, losses, time_to_95, why = model.cfg, s.every, 0, [], None, "steps"

        def snapshot() -> dict:
            nonlocal time_to_95
            model.eval()
            exact, tokens = score(model, tests)
            out = greedy_batch(model, [src], 2 * len(src) + 2)[0]
            attention = probe_attention(model, src, tgt)
            model.train()
            elapsed = time.monotonic() - start
            mean = sum(exact[n] for n in s.train_lengths) / len(s.train_lengths)
            if time_to_95 is None and mean >= TARGET:
                time_to_95 = round(elapsed, 3)
            snap = {"step": step, "elapsed": round(elapsed, 3),
                    "loss": round(sum(losses) / len(losses), 5) if losses else None,
                    "exact_match": exact, "token_accuracy": tokens,
                    "probe": {**probe, "output": toy.symbols(out), "attention": attention}}
            losses.clear()
            return snap

        snap = snapshot()
        self.timeline.add(snap)
        yield snap
        model.train()
        while step < s.steps:
            if self.stop is not None and self.stop.is_set():
                why = "stopped"
                break
            if time.monotonic() - start >= s.seconds:
                why = "seconds"
                break
            batch = collate(toy.sample(rng, s.task, s.batch_size, s.min_len, s.max_len), cfg.pad_id, cfg.bos_id, cfg.eos_id)
            losses.append(train_step(model, opt, batch, loss_fn, bf16=on.type == "cuda", clip=1.0))  # moves the batch
            step += 1
            if step % every == 0 and step < s.steps:
                snap = snapshot()
                if self.timeline.add(snap):
                    every *= 2
                yield snap
        if step != self.timeline.items[-1]["step"]:
            snap = snapshot()
            self.timeline.add(snap)
            yield snap
        model.eval().requires_grad_(False)
        last = self.timeline.items[-1]
        self.summary = {"task": s.task, "model": s.model, "cell": s.cell, "steps": step,
                        "seconds": round(time.monotonic() - start, 3), "exact_match": last["exact_match"],
                        "token_accuracy": last["token_accuracy"], "time_to_95": time_to_95, "ended": why,
                        "train_lengths": [s.min_len, s.max_len], "device": on.type}


def run(settings: LabSettings, stop: threading.Event | None = None):
    """Generator of the snapshots of one run (see LabRun for the summary and the model)."""
    yield from LabRun(settings, stop)


def model_bytes(model: Seq2Seq) -> bytes:
    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    return buf.getvalue()


def load_model(settings: LabSettings, data: bytes, device: torch.device | None = None) -> Seq2Seq:
    """A trained lab model from `model_bytes`, on `device` (default the CPU), whichever device saved it."""
    model = Seq2Seq(model_config(settings))
    model.load_state_dict(torch.load(io.BytesIO(data), weights_only=True, map_location="cpu"))
    return model.to(device or "cpu").eval().requires_grad_(False)


def decode(model: Seq2Seq, text: str) -> dict:
    """A typed sequence through a trained lab model: {"source", "output", "attention"} (symbols;
    attention [len(output)][len(source)] or None for vanilla). InputError for unknown symbols."""
    ids = toy.parse(text)
    eos = model.cfg.eos_id
    hyp = greedy_search(model, toy.tokenizer(), ids + [eos], max_len=2 * len(ids) + 5).hypotheses[0]
    return {"source": toy.symbols(ids + [eos]), "output": toy.symbols(hyp.ids),
            "attention": None if hyp.attention is None else hyp.attention.tolist()}


def train_mean(snap: dict, s: LabSettings) -> float:
    """Mean exact match over the training lengths of one snapshot."""
    return sum(snap["exact_match"][n] for n in s.train_lengths) / len(s.train_lengths)
