"""BLEU and chrF (sacrebleu) against all references: overall, by source length, concatenated.

- overall: the test split's random part (it follows the corpus's length distribution);
- by length: both parts, bucketed by source words (1-5, 6-10, 11-15, 16-20, 21+);
- concat.k: k consecutive random-part sources joined with a space, their references joined
  likewise (reference j of the group joins reference j mod n_i of each sentence i): a probe
  of how a model copes with inputs longer than it saw in training;
- slice: the first SLICE sentences of the random part, so a test can check a card's numbers
  against a fresh evaluation in seconds.
"""

from __future__ import annotations

from typing import Callable, Iterable

from sacrebleu.metrics import BLEU, CHRF

from . import device
from .checkpoint import Checkpoint
from .data import LENGTH_BUCKETS, Example, length_bucket, load_split, word_count
from .fast import frozen
from .translate import translate

CONCAT_SIZES = (2, 3, 4)
SLICE = 50  # the first SLICE random-part sentences: a quick re-check of a card's numbers

Progress = Callable[[int, int], None]  # (done, total)


def _streams(refs: list[tuple[str, ...]]) -> list[list[str | None]]:
    """Reference streams for sacrebleu: stream j holds each sentence's j-th reference or None."""
    width = max(len(r) for r in refs)
    return [[r[j] if j < len(r) else None for r in refs] for j in range(width)]


def corpus_scores(hyps: list[str], refs: list[tuple[str, ...]], signature: bool = False) -> dict:
    """BLEU and chrF of `hyps` against a variable number of references per sentence.

    With `signature`, also sacrebleu's signature strings of exactly this scoring.
    """
    if not hyps:
        return {"bleu": 0.0, "chrf": 0.0, "n": 0}
    streams = _streams(refs)
    bleu, chrf = BLEU(), CHRF()
    result = {
        "bleu": round(bleu.corpus_score(hyps, streams).score, 2),
        "chrf": round(chrf.corpus_score(hyps, streams).score, 2),
        "n": len(hyps),
    }
    if signature:
        result["signature"] = {"bleu": str(bleu.get_signature()), "chrf": str(chrf.get_signature())}
    return result


def concat_examples(examples: list[Example], k: int, limit: int | None = None) -> list[Example]:
    """Join consecutive groups of k examples into one longer example each."""
    groups = [examples[i : i + k] for i in range(0, len(examples) - k + 1, k)][:limit]
    joined = []
    for group in groups:
        width = max(len(ex.references) for ex in group)
        refs = tuple(" ".join(ex.references[j % len(ex.references)] for ex in group) for j in range(width))
        joined.append(Example(" ".join(ex.source for ex in group), refs, f"concat{k}"))
    return joined


def translate_all(
    ckpt: Checkpoint, sources: Iterable[str], beam: int = 1, length_penalty: float = 1.0, progress: Progress | None = None
) -> list[str]:
    sources = list(sources)
    out = []
    for i, src in enumerate(sources):
        out.append(translate(ckpt, src, beam=beam, length_penalty=length_penalty).best.text)
        if progress:
            progress(i + 1, len(sources))
    return out


def evaluate(
    ckpt: Checkpoint,
    beam: int = 1,
    length_penalty: float = 1.0,
    split: str = "test",
    concat_limit: int | None = 500,
    limit: int | None = None,
    progress: Progress | None = None,
) -> tuple[dict, list[tuple[str, str, str]]]:
    """All metrics of one checkpoint on `split` (test by default): the card's `metrics.test`,
    and the (source, part, hypothesis) of every sentence of the split.

    `limit` keeps only the first `limit` examples of each part (for quick checks).
    """
    src_lang, tgt_lang = ckpt.pair
    examples = load_split(split, src_lang, tgt_lang)
    random_part = [ex for ex in examples if ex.part != "long"][:limit]
    long_part = [ex for ex in examples if ex.part == "long"][:limit]
    concat = {k: concat_examples(random_part, k, concat_limit) for k in CONCAT_SIZES}
    todo = random_part + long_part + [ex for k in CONCAT_SIZES for ex in concat[k]]
    hyps = dict(zip((id(ex) for ex in todo), translate_all(ckpt, (ex.source for ex in todo), beam, length_penalty, progress)))

    def scores(exs: list[Example], signature: bool = False) -> dict:
        return corpus_scores([hyps[id(ex)] for ex in exs], [ex.references for ex in exs], signature)

    result = scores(random_part, signature=True)
    result["slice"] = scores(random_part[:SLICE])
    buckets = {b: [] for b in LENGTH_BUCKETS}
    for ex in random_part + long_part:
        buckets[length_bucket(word_count(ex.source))].append(ex)
    result["by_length"] = {b: scores(exs) for b, exs in buckets.items()}
    result["concat"] = {str(k): scores(exs) for k, exs in concat.items()}
    result.update(split=split, beam=beam, length_penalty=length_penalty, weights="int8" if frozen(ckpt.model) else "fp32",
                  device=device.of(ckpt.model).type)
    outputs = [(ex.source, ex.part, hyps[id(ex)]) for ex in random_part + long_part]
    return result, outputs


def baseline_record(metrics: dict, baseline: dict, name: str) -> dict:
    """What a shipped card keeps (as `metrics.baseline`) about the run it is measured against, e.g.
    the reversed LSTM against the same model without reversal: the baseline's test BLEU and chrF
    and the differences, shipped minus baseline, overall, by source length and on joined inputs.
    Both must come from the same decoding (beam, length penalty, weights), else ValueError."""
    setting = ("beam", "length_penalty", "weights")
    if [metrics.get(k) for k in setting] != [baseline.get(k) for k in setting]:
        raise ValueError(f"decoded differently: {[metrics.get(k) for k in setting]} against {[baseline.get(k) for k in setting]}")

    def delta(a: dict, b: dict, key: str = "bleu") -> float:
        return round(a[key] - b[key], 2)

    return {
        "checkpoint": name,
        "bleu": baseline["bleu"],
        "chrf": baseline["chrf"],
        "delta_bleu": delta(metrics, baseline),
        "delta_chrf": delta(metrics, baseline, "chrf"),
        "delta_bleu_by_length": {b: delta(m, baseline["by_length"][b]) for b, m in metrics["by_length"].items()},
        "delta_bleu_concat": {k: delta(m, baseline["concat"][k]) for k, m in metrics["concat"].items()},
    }
