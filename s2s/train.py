"""Training: `python -m s2s train CONFIG.toml`.

Teacher forcing with label-smoothed cross-entropy, Adam, gradient clipping, bf16 autocast
(on the CPU, or on CUDA with `device = "cuda"` or `--device cuda`), length-bucketed batches.
Dev BLEU (greedy) every `eval_minutes` and at every epoch's end; the best model so far is the
checkpoint. The learning rate is multiplied by `lr_decay` after an evaluation without a new best,
and at every epoch's end from `decay_from_epoch` on; `patience` ends a run after that many
evaluations without a new best (converged); `init_from` starts from a checkpoint's weights with a
fresh optimiser. The whole training state is saved every `state_minutes`, on Ctrl-C and on
SIGTERM, and a new run with the same config resumes from it (same batches, same random state),
so an interruption loses minutes.
"""

from __future__ import annotations

import ctypes
import dataclasses
import platform
import signal
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import torch
from tqdm import tqdm

from . import checkpoint as ckpt_io
from . import device as dev
from .batches import Batch, collate, epoch_batches, joined_pairs
from .config import ModelConfig
from .data import DATA_ROOT, load_pairs, load_split
from .errors import ConfigError
from .evaluate import corpus_scores, translate_all
from .loss import SmoothedCrossEntropy
from .model import Seq2Seq
from .tokenizer import Tokenizer

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class TrainConfig:
    name: str
    src: str = "eng"
    tgt: str = "spa"
    output: str = ""  # checkpoint directory (relative to the repo)
    state_dir: str = ""  # resumable state (default runs/<name>)
    tokenizer: str = "data/eng-spa/spm8000.model"
    seed: int = 1
    batch_size: int = 64
    lr: float = 2e-3
    lr_decay: float = 0.5  # factor applied when dev BLEU stops improving (and by decay_from_epoch)
    min_lr: float = 1e-4
    decay_from_epoch: int = 0  # from the end of this epoch on, lr *= lr_decay at every epoch's end (0: never)
    patience: int = 0  # stop after this many dev evaluations without a new best (0: never)
    init_from: str = ""  # a checkpoint directory whose weights start the run (same model config; fresh optimiser)
    epochs: int = 10
    max_minutes: float = 0.0  # stop after this much training time (0: no limit)
    max_steps: int = 0  # stop after this many updates in all (0: no limit)
    train_split: str = "train"  # the split trained on (tests use the small committed "dev")
    eval_minutes: float = 10.0
    state_minutes: float = 2.0
    dev_sources: int = 2000  # dev sentences scored during training
    label_smoothing: float = 0.1
    clip: float = 1.0
    bf16: bool = True
    threads: int = 0  # 0: all cores
    max_pieces: int = 80  # longer training pairs are skipped
    joined: float = 0.0  # extra examples per epoch made of 2-4 pairs joined, as a fraction of the pairs
    device: str = "auto"  # auto | cpu | cuda (s2s.device); `--device` overrides it

    @classmethod
    def load(cls, path: Path) -> tuple["TrainConfig", ModelConfig]:
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read {path}: {exc}") from None
        model = ModelConfig.from_dict(raw.pop("model", {}))
        known = {f.name for f in dataclasses.fields(cls)}
        flat = {**{k: v for k, v in raw.items() if k != "train"}, **raw.get("train", {})}
        if unknown := set(flat) - known:
            raise ConfigError(f"unknown training settings: {', '.join(sorted(unknown))}")
        cfg = cls(**flat)
        if not cfg.output:
            cfg = dataclasses.replace(cfg, output=f"checkpoints/{cfg.src}-{cfg.tgt}/{cfg.name}")
        if not cfg.state_dir:
            cfg = dataclasses.replace(cfg, state_dir=f"runs/{cfg.src}-{cfg.tgt}/{cfg.name}")
        return cfg, model


def hardware(device=None) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    where = "" if device is None or device.type == "cpu" else f"{dev.describe(device)}, "
    return f"{where}{cpu}, {torch.get_num_threads()} threads, torch {torch.__version__}"


def train_step(model: Seq2Seq, opt, batch: Batch, loss_fn, bf16: bool, clip: float) -> float:
    """One teacher-forced update on `batch`; returns the loss."""
    pad = model.cfg.pad_id
    on = dev.of(model)
    batch = batch.to(on, non_blocking=True)  # collated on the CPU
    with dev.autocast(on, enabled=bf16):
        out, _ = model(batch.src, batch.src_len, batch.tgt_in)  # [B, T, E]
        keep = batch.tgt_out != pad  # [B, T]
        logits = model.logits(out[keep])  # only the real tokens: [N, V]
        loss = loss_fn(logits, batch.tgt_out[keep])  # bf16 logits, fp32 within (s2s.loss)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    opt.step()
    return loss.item()


def make_optimizer(model: Seq2Seq, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(model.parameters(), lr=lr, fused=True)


def make_loss(label_smoothing: float) -> torch.nn.Module:
    return SmoothedCrossEntropy(label_smoothing)


def keep_freed_memory() -> bool:
    """Make glibc keep freed large blocks for reuse instead of handing them back to the OS.

    Every training step allocates and frees the same multi-megabyte tensors (the [V, E]
    embedding gradient, fp32 chunks of the logits). By default glibc maps fresh pages for
    them and the first touch of each page faults: profiled over 8 batches, zero-filling the
    embedding gradient took 7.1 ms a batch, and 1.4 ms with this set. Process-wide; the heap
    is reused, not grown. Returns False where there is no glibc mallopt (nothing changes).
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # malloc.h
    return bool(mallopt(m_mmap_threshold, 1 << 30)) and bool(mallopt(m_trim_threshold, 1 << 30))


class Trainer:
    def __init__(self, tcfg: TrainConfig, mcfg: ModelConfig, quiet: bool = False):
        self.t, self.quiet = tcfg, quiet
        keep_freed_memory()
        torch.manual_seed(tcfg.seed)
        if tcfg.threads:
            torch.set_num_threads(tcfg.threads)
        self.tok_path = REPO / tcfg.tokenizer
        self.tokenizer = Tokenizer.load(self.tok_path)
        self.device = dev.resolve(tcfg.device)
        self.model = Seq2Seq(mcfg).to(self.device)
        self.opt = make_optimizer(self.model, tcfg.lr)
        self.state_path = REPO / tcfg.state_dir / "state.pt"
        self.out_dir = REPO / tcfg.output
        self.progress = {"epoch": 0, "batch": 0, "step": 0, "tokens": 0, "seconds": 0.0, "best_bleu": -1.0,
                         "since_best": 0}
        self.init_card: dict = {}
        self.curve: list[dict] = []
        self.stop = ""  # why the loop stops early: "limit" (max_minutes/max_steps) or "interrupt"

    # ----- data -----------------------------------------------------------------------------
    def _encode(self, split: str) -> list[tuple[list[int], list[int]]]:
        pairs = load_pairs(split, self.t.src, self.t.tgt)
        enc = self.tokenizer.encode
        data = [(enc(s), enc(t)) for s, t in pairs]
        return [(s, t) for s, t in data if 0 < len(s) <= self.t.max_pieces and 0 < len(t) <= self.t.max_pieces]

    # ----- state ----------------------------------------------------------------------------
    def save_state(self) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        torch.save(
            {
                "model": self.model.state_dict(),
                "opt": self.opt.state_dict(),
                "progress": self.progress,
                "curve": self.curve,
                "rng": torch.get_rng_state(),
                "init": self.init_card,
            },
            tmp,
        )
        tmp.replace(self.state_path)

    def load_state(self) -> bool:
        if not self.state_path.is_file():
            return False
        state = torch.load(self.state_path, weights_only=True, map_location=self.device)  # tensors and plain data only
        self.model.load_state_dict(state["model"])
        self.opt.load_state_dict(state["opt"])
        self.progress, self.curve = state["progress"], state["curve"]
        torch.set_rng_state(state["rng"].cpu())
        self.init_card = state.get("init", {})
        return True

    def init_weights(self) -> None:
        """Start from `init_from`'s fp32 weights; its model config must be this run's."""
        start = ckpt_io.load(REPO / self.t.init_from, fast=False)
        if start.cfg != self.model.cfg:
            raise ConfigError(f"init_from {self.t.init_from}: its model config differs from this run's")
        self.model.load_state_dict(start.model.state_dict())
        training = start.card.get("training", {})
        self.init_card = {"path": self.t.init_from, "steps": training.get("steps"),
                          "epochs": training.get("epochs"), "wall_time_s": training.get("wall_time_s"),
                          "hardware": training.get("hardware"), "dev": start.card.get("metrics", {}).get("dev")}

    # ----- evaluation and checkpoints ---------------------------------------------------------
    def dev_bleu(self) -> dict:
        examples = load_split("dev", self.t.src, self.t.tgt, DATA_ROOT)[: self.t.dev_sources]
        self.model.eval()
        live = ckpt_io.Checkpoint(self.t.name, self.out_dir, self.model, self.tokenizer, {"pair": {"src": self.t.src, "tgt": self.t.tgt}})
        hyps = translate_all(live, (ex.source for ex in examples))
        self.model.train()
        return corpus_scores(hyps, [ex.references for ex in examples])

    def card(self) -> dict:
        p = self.progress
        return {
            "name": self.t.name,
            "pair": {"src": self.t.src, "tgt": self.t.tgt},
            "data": _split_info(),
            "training": {
                "settings": dataclasses.asdict(self.t),
                "curve": self.curve,
                "epochs": p["epoch"] + p["batch"] / max(1, p.get("batches_per_epoch", 1)),
                "steps": p["step"],
                "target_tokens": p["tokens"],
                "wall_time_s": round(p["seconds"], 1),
                "tokens_per_s": round(p["tokens"] / max(p["seconds"], 1e-9), 1),
                "hardware": hardware(self.device),
                "device": self.device.type,
                **({"initialised_from": self.init_card} if self.init_card else {}),
            },
            "metrics": {"dev": self.curve[-1]["dev"] if self.curve else {}},
        }

    def evaluate_and_keep(self) -> None:
        dev = self.dev_bleu()
        p = self.progress
        self.curve.append({"step": p["step"], "epoch": p["epoch"], "minutes": round(p["seconds"] / 60, 2),
                           "lr": self.opt.param_groups[0]["lr"], "loss": p.get("loss"), "dev": dev})
        self.say(f"step {p['step']} epoch {p['epoch']}: dev BLEU {dev['bleu']:.2f} chrF {dev['chrf']:.2f}")
        if dev["bleu"] > p["best_bleu"]:
            p["best_bleu"], p["since_best"] = dev["bleu"], 0
            card = self.card()
            card["metrics"]["dev"] = dev
            ckpt_io.save(self.model, self.tok_path, card, self.out_dir)
            self.say(f"saved best checkpoint to {self.out_dir}")
        else:
            p["since_best"] = p.get("since_best", 0) + 1
            self.decay_lr()
            if self.t.patience and p["since_best"] >= self.t.patience:
                p["converged"] = True

    def decay_lr(self) -> None:
        for group in self.opt.param_groups:
            group["lr"] = max(self.t.min_lr, group["lr"] * self.t.lr_decay)

    def say(self, msg: str) -> None:
        if not self.quiet:
            tqdm.write(msg)

    # ----- the loop -------------------------------------------------------------------------
    def run(self) -> Path:
        resumed = self.load_state()
        if not resumed and self.t.init_from:
            self.init_weights()
        self.say(f"{'resumed' if resumed else 'starting'} {self.t.name}: {self.model.num_parameters():,} parameters")
        pairs = self._encode(self.t.train_split)
        cfg = self.model.cfg
        loss_fn = make_loss(self.t.label_smoothing)
        p = self.progress
        old_handlers = {s: signal.signal(s, self._interrupt) for s in (signal.SIGINT, signal.SIGTERM)}
        last_state = last_eval = time.monotonic()
        try:
            while p["epoch"] < self.t.epochs and not self.stop and not self._limit_reached() and not p.get("converged"):
                data = pairs + joined_pairs(pairs, self.t.joined, self.t.seed, p["epoch"], self.t.max_pieces)
                lengths = [(len(s), len(t)) for s, t in data]
                batches = epoch_batches(lengths, self.t.batch_size, self.t.seed, p["epoch"])
                p["batches_per_epoch"] = len(batches)
                bar = tqdm(total=len(batches), initial=p["batch"], desc=f"epoch {p['epoch'] + 1}", disable=self.quiet,
                           mininterval=1.0 if sys.stderr.isatty() else 60.0)
                self.model.train()
                while p["batch"] < len(batches) and not self.stop and not p.get("converged"):
                    t0 = time.perf_counter()
                    b = collate([data[i] for i in batches[p["batch"]]], cfg.pad_id, cfg.bos_id, cfg.eos_id)
                    loss = train_step(self.model, self.opt, b, loss_fn, self.t.bf16, self.t.clip)
                    dt = time.perf_counter() - t0
                    p["batch"] += 1
                    p["step"] += 1
                    p["tokens"] += b.tokens
                    p["seconds"] += dt
                    p["loss"] = round(loss, 4)
                    bar.update(1)
                    bar.set_postfix(loss=f"{p['loss']:.3f}", tok_s=f"{b.tokens / dt:.0f}", refresh=False)
                    if self._limit_reached():
                        self.stop = "limit"
                    now = time.monotonic()
                    if now - last_eval >= self.t.eval_minutes * 60:
                        self.evaluate_and_keep()
                        last_eval = now = time.monotonic()
                    if now - last_state >= self.t.state_minutes * 60:
                        self.save_state()
                        last_state = now
                bar.close()
                if p["batch"] >= len(batches):
                    p["epoch"], p["batch"] = p["epoch"] + 1, 0
                    self.evaluate_and_keep()
                    if self.t.decay_from_epoch and p["epoch"] >= self.t.decay_from_epoch:
                        self.decay_lr()
                    last_eval = time.monotonic()
            if self.stop == "limit" or (p["step"] and not self.curve):
                self.evaluate_and_keep()
        finally:
            self.save_state()
            for sig, handler in old_handlers.items():
                signal.signal(sig, handler)
        why = f"stopped ({self.stop})" if self.stop else "converged" if p.get("converged") else "finished"
        self.say(f"{why}: best dev BLEU {p['best_bleu']:.2f}, state in {self.state_path}")
        return self.out_dir

    def _limit_reached(self) -> bool:
        p = self.progress
        return bool(self.t.max_steps and p["step"] >= self.t.max_steps) or bool(
            self.t.max_minutes and p["seconds"] >= self.t.max_minutes * 60
        )

    def _interrupt(self, signum, frame) -> None:
        self.say("interrupted: saving state after this batch")
        self.stop = "interrupt"


def _split_info() -> dict:
    import json

    info = json.loads((DATA_ROOT / "eng-spa" / "splits.json").read_text())
    return {"corpus_sha256": info["corpus"]["sha256"], "split_sha256": info["split_sha256"]}


def train(config_path: Path, quiet: bool = False, device: str | None = None) -> Path:
    """Train from a TOML config; `device` (auto/cpu/cuda) overrides the config's."""
    tcfg, mcfg = TrainConfig.load(config_path)
    if device is not None:
        tcfg = dataclasses.replace(tcfg, device=device)
    return Trainer(tcfg, mcfg, quiet).run()
