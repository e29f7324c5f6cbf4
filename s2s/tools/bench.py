"""`python -m s2s bench`: the figures behind docs/performance.md.

- training throughput (target tokens/s) at the default size, on real batches of the
  committed dev split (same length distribution as train), with the training step itself;
- greedy and beam-5 latency for one 8-word sentence, on 1 thread, median of N runs, with
  the int8 weights every translation uses (s2s.fast) and, for reference, fp32 weights;
- peak resident memory of the process;
- the same figures for a plain per-step PyTorch loop of the same size (`reference`: the PyTorch
  tutorial's seq2seq, fp32, unbucketed batches), timed in the same run, and each model's
  throughput and latency as a ratio to it (ratios measured side by side hold on a loaded machine).

These are measurements, not tests: nothing here passes or fails.
"""

from __future__ import annotations

import resource
import statistics
import time

import torch

from . import reference
from .. import device
from ..batches import collate, epoch_batches
from ..checkpoint import CHECKPOINTS_DIR, Checkpoint, load
from ..config import ModelConfig
from ..fast import freeze, frozen
from ..data import DATA_ROOT, load_pairs
from ..model import Seq2Seq
from ..tokenizer import Tokenizer
from ..train import keep_freed_memory, make_loss, make_optimizer, train_step
from ..translate import translate

SENTENCE = "I would like to visit my grandmother tomorrow."  # 8 words
TOKENIZER = DATA_ROOT / "eng-spa" / "spm8000.model"
CPU = torch.device("cpu")


def training_throughput(cfg: ModelConfig, tokenizer: Tokenizer, seconds: float, threads: int,
                        device: torch.device = CPU) -> dict:
    """Target tokens/s of `train_step` on dev-split batches of 64, after 5 warm-up batches."""
    torch.set_num_threads(threads)
    keep_freed_memory()  # as `s2s train` does
    torch.manual_seed(0)
    data = [(tokenizer.encode(s), tokenizer.encode(t)) for s, t in load_pairs("dev", "eng", "spa")]
    batches = epoch_batches([(len(s), len(t)) for s, t in data], 64, seed=0, epoch=0)
    model = Seq2Seq(cfg).to(device).train()
    opt, loss_fn = make_optimizer(model, 1e-3), make_loss(0.1)
    tokens, spent, done = 0, 0.0, 0
    while spent < seconds:
        batch = collate([data[i] for i in batches[done % len(batches)]], cfg.pad_id, cfg.bos_id, cfg.eos_id)
        start = time.perf_counter()
        train_step(model, opt, batch, loss_fn, bf16=True, clip=1.0)
        if done >= 5:
            spent += time.perf_counter() - start
            tokens += batch.tokens
        done += 1
    return {"tokens_per_s": tokens / spent, "batches": done - 5, "seconds": spent}


def _bench_model(name: str, cfg: ModelConfig, tokenizer: Tokenizer, int8: bool,
                 device: torch.device = CPU) -> tuple[Checkpoint, str]:
    """The shipped checkpoint of that name if there is one, else an untrained default-size model."""
    path = CHECKPOINTS_DIR / "eng-spa" / name
    if (path / "card.json").is_file():
        return load(path, fast=int8, device=device), f"checkpoint {path.relative_to(CHECKPOINTS_DIR.parent)}"
    torch.manual_seed(0)
    model = Seq2Seq(cfg).eval().requires_grad_(False).to(device)
    if int8 and device.type == "cpu":
        freeze(model)
    return Checkpoint(name, path, model, tokenizer, {"pair": {"src": "eng", "tgt": "spa"}}), "untrained (same size)"


def latency(ckpt: Checkpoint, beam: int, runs: int) -> dict:
    """Median and p90 milliseconds of translate(SENTENCE) on one thread."""
    torch.set_num_threads(1)
    for _ in range(5):
        translate(ckpt, SENTENCE, beam=beam)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = translate(ckpt, SENTENCE, beam=beam)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": statistics.median(times),
        "p90_ms": statistics.quantiles(times, n=10, method="inclusive")[8],  # linear, as numpy's default
        "output_tokens": len(result.best.ids),
    }


def models() -> dict[str, ModelConfig]:
    """The benchmarked models, at the shipped size."""
    return {
        "bahdanau": ModelConfig(attention="bahdanau"),
        "vanilla-gru": ModelConfig(attention="none"),
        "luong-general": ModelConfig(attention="general", input_feeding=True),
    }


def reference_model(cfg: ModelConfig) -> reference.TutorialSeq2Seq:
    """The tutorial-style loop at `cfg`'s sizes (the Bahdanau model's)."""
    torch.manual_seed(0)
    return reference.TutorialSeq2Seq(cfg.vocab_size, cfg.emb_dim, cfg.enc_hidden, cfg.enc_layers,
                                     cfg.dec_hidden, cfg.attn_dim)


def reference_throughput(cfg: ModelConfig, tokenizer: Tokenizer, seconds: float, threads: int,
                         device: torch.device = CPU) -> dict:
    """Target tokens/s of the tutorial loop, fp32, on unbucketed batches of 64 of the same pairs."""
    torch.set_num_threads(threads)
    data = [(tokenizer.encode(s), tokenizer.encode(t)) for s, t in load_pairs("dev", "eng", "spa")]
    batches = []
    for idx in reference.unbucketed_batches(len(data), 64)[:50]:
        b = collate([data[i] for i in idx], cfg.pad_id, cfg.bos_id, cfg.eos_id)
        batches.append(b._replace(src=b.src.to(device), tgt_in=b.tgt_in.to(device), tgt_out=b.tgt_out.to(device)))
    return reference.throughput(reference_model(cfg).to(device), batches, seconds)


def reference_latency(cfg: ModelConfig, tokenizer: Tokenizer, steps: int, runs: int, device: torch.device = CPU) -> dict:
    """Median milliseconds of the tutorial loop's greedy decoding of SENTENCE, `steps` steps, one thread."""
    torch.set_num_threads(1)
    model = reference_model(cfg).to(device).eval()
    src = torch.tensor([tokenizer.encode(SENTENCE) + [cfg.eos_id]], device=device)
    for _ in range(5):
        model.greedy(src, steps)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        model.greedy(src, steps)
        times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": statistics.median(times)}


def main(args) -> int:
    on = device.resolve(getattr(args, "device", "auto"))
    threads = torch.get_num_threads()
    tokenizer = Tokenizer.load(TOKENIZER)
    configs = models()
    ref_cfg = configs["bahdanau"]
    print(f"torch {torch.__version__} on {device.describe(on)}, {threads} threads for training, 1 thread for decoding")
    print("\ntraining throughput (default size: emb 256, biGRU 2x256, GRU 512, vocab 8k, batch 64, bf16 autocast)")
    ref = reference_throughput(ref_cfg, tokenizer, args.seconds, threads, on)
    print(f"  {'reference':<14} {ref['tokens_per_s']:8.0f} target tokens/s  ({ref['batches']} batches, "
          f"{ref['seconds']:.1f} s; the PyTorch tutorial's per-step loop at Bahdanau's size, fp32, unbucketed)")
    trained = {}
    for name, cfg in configs.items():
        r = trained[name] = training_throughput(cfg, tokenizer, args.seconds, threads, on)
        print(f"  {name:<14} {r['tokens_per_s']:8.0f} target tokens/s  ({r['batches']} batches, {r['seconds']:.1f} s)")
    print("training throughput as a ratio to the reference loop (same run; goal for bahdanau: >= 2x)")
    for name, r in trained.items():
        print(f"  ratio {name:<14} {r['tokens_per_s'] / ref['tokens_per_s']:5.2f}x")
    print(f"\ndecoding latency, {len(SENTENCE.split())}-word sentence, median of {args.runs} runs (p90)")
    runs = [(name, cfg, True) for name, cfg in configs.items()] + [("bahdanau", configs["bahdanau"], False)]
    if on.type != "cpu":  # int8 decoding is a CPU path: one fp32 run per model on the GPU
        runs = [(name, cfg, False) for name, cfg in configs.items()]
    greedy = []
    for name, cfg, int8 in runs:
        ckpt, origin = _bench_model(name, cfg, tokenizer, int8, on)
        for beam in (1, 5):
            r = latency(ckpt, beam, args.runs)
            label = "greedy" if beam == 1 else f"beam {beam}"
            weights = "int8" if frozen(ckpt.model) else "fp32"
            print(f"  {name:<14} {label:<7} {weights} {r['median_ms']:6.2f} ms  "
                  f"(p90 {r['p90_ms']:.2f}; {r['output_tokens']} output tokens; {origin})")
            if beam == 1:
                greedy.append((f"{name} {weights}", r))
    print("greedy latency as a ratio to the reference loop decoding as many tokens (reference ms / model ms)")
    for label, r in greedy:
        ref_ms = reference_latency(ref_cfg, tokenizer, r["output_tokens"], args.runs, on)["median_ms"]
        print(f"  ratio {label:<19} {ref_ms / r['median_ms']:5.2f}x  (reference {ref_ms:.2f} ms for "
              f"{r['output_tokens']} tokens)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {peak:.0f} MiB")
    return 0
