"""Measurements over the test split: does attribution agree with attention, and does attention
decide what gets translated?

- `agreement_over_test`: the mean per-sentence agreement (Kendall tau, JS, top-1) of every
  attribution method with attention, over N sentences spread over the test split's random part
  (`spread`).
- `block_vs_remove`: for each content word of N sentences spread over the random part,
  its translation is the target words whose pieces attend most to the word's pieces (argmax of
  their attention row). The word is then blocked (attention only) or removed (<unk> in the
  encoder's input) and the sentence decoded again (greedy, the checkpoint's own decoding): the
  translation counts as gone when every one of its target words occurs fewer times than before.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .checkpoint import Checkpoint
from .data import load_split
from .explain import ATTRIBUTIONS, attributions
from .errors import InputError
from .text import pieces_to_words
from .translate import translate

STOPWORDS = {
    "eng": set("""a an the and or but if of to in on at by for with from as is are was were be been being am do does
        did have has had i you he she it we they me him her us them my your his its our their this that these those
        there here not no yes what who whom which when where why how all any some can could will would shall should
        may might must so than too very just up down out off over into about s t don didn isn aren wasn weren won
        can't don't i'm it's that's let's""".split()),
    "spa": set("""el la los las un una unos unas y o pero si de del a al en con por para sin sobre como que qué es son
        era eran fue ser estar está están estoy estaba he ha han hay había yo tú tu él ella nosotros vosotros ellos
        ellas me te se nos le les lo mi mis su sus tus nuestro nuestra este esta estos estas ese esa eso esto no sí
        muy más ya cuando donde dónde quién cómo qué porque""".split()),
}
WORD = re.compile(r"[\w']+")


@dataclass
class BlockCounts:
    sentences: int = 0
    words: int = 0  # content words with a translation (some target piece attends to them most)
    no_translation: int = 0  # content words no target piece attends to most
    blocked_gone: int = 0
    removed_gone: int = 0
    both: int = 0  # gone either way
    seconds: float = 0.0
    source_words: list[int] = field(default_factory=list)  # words of each source sentence

    def share(self, n: int) -> float:
        return n / self.words if self.words else float("nan")


def spread(pool: list, n: int) -> list:
    """n items spread evenly over `pool`: those at positions floor(i * L / n), i = 0..n-1 (L = len(pool);
    all of them when n >= L)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError(f"the number of test sentences must be a positive integer, got {n!r}")
    return list(pool) if n >= len(pool) else [pool[i * len(pool) // n] for i in range(n)]


def split_sources(ckpt: Checkpoint, n: int) -> list[str]:
    """n sources spread over the test split's random part (`spread`), in this checkpoint's direction.

    The part keeps the corpus order, which runs from short sentences to long ones, so an even spread
    takes every length in its share (its first n would be the n shortest)."""
    spread([], n)  # the count is checked before the split is read
    src, tgt = ckpt.pair
    pool = [ex.source for ex in load_split("test", src, tgt) if ex.part == "random"]
    return spread(pool, n)


def _words(text: str) -> Counter:
    return Counter(w.lower() for w in WORD.findall(text))


def _word_pieces(pieces: list[str], index: list[int], w: int) -> list[int]:
    """Positions of word w's pieces that hold a letter or digit (not the "." glued to it)."""
    return [j for j, i in enumerate(index) if i == w and any(ch.isalnum() for ch in pieces[j])]


def content_words(pieces: list[str], lang: str) -> list[list[int]]:
    """Piece indices of each content word of a source (letters, not a stop word of `lang`)."""
    words, index = pieces_to_words(pieces)
    stop = STOPWORDS.get(lang, set())
    out = []
    for w, word in enumerate(words):
        plain = word.lower().strip(".,;:!?¿¡\"'()")
        if plain and any(ch.isalpha() for ch in plain) and plain not in stop and not word.startswith("<"):
            out.append(_word_pieces(pieces, index, w))
    return out


def word_translation(attention: np.ndarray, target_pieces: list[str], positions: list[int]) -> Counter:
    """Target words containing a piece whose attention row peaks on one of `positions`."""
    words, index = pieces_to_words(target_pieces)
    peaks = attention.argmax(1)  # [T]
    hit = {index[t] for t in range(len(target_pieces)) if peaks[t] in positions and target_pieces[t] != "</s>"}
    return Counter(w.lower() for i in sorted(hit) for w in WORD.findall(words[i]))


def block_vs_remove(ckpt: Checkpoint, n: int) -> BlockCounts:
    if ckpt.cfg.family == "vanilla":
        raise InputError("a vanilla model has no attention to block")
    counts, start = BlockCounts(), time.perf_counter()
    lang = ckpt.pair[0]
    for text in split_sources(ckpt, n):
        tr = translate(ckpt, text)
        counts.sentences += 1
        counts.source_words.append(len(text.split()))
        before = _words(tr.best.text)
        for positions in content_words(tr.source_pieces, lang):
            target = word_translation(tr.best.attention, tr.best.pieces, positions)
            if not target:
                counts.no_translation += 1
                continue
            counts.words += 1
            gone = []
            for kind in ("block", "remove"):
                after = _words(translate(ckpt, text, **{kind: positions}).best.text)
                gone.append(all(after[w] < before[w] for w in target))
            counts.blocked_gone += gone[0]
            counts.removed_gone += gone[1]
            counts.both += gone[0] and gone[1]
    counts.seconds = time.perf_counter() - start
    return counts


def agreement_over_test(ckpt: Checkpoint, n: int, n_steps: int = 32) -> tuple[dict[str, dict[str, float]], list[int]]:
    """{method: {metric: mean over sentences of the per-sentence mean}}, and the sentences' word counts."""
    if ckpt.cfg.family == "vanilla":
        raise InputError("a vanilla model has no attention to agree with; its attributions are in `explain TEXT`")
    sums: dict[str, dict[str, list[float]]] = {m: {} for m in ATTRIBUTIONS}
    words = []
    for text in split_sources(ckpt, n):
        tr = translate(ckpt, text)
        ex = attributions(ckpt.model, tr.source_ids, tr.best.ids, ATTRIBUTIONS, n_steps)
        words.append(len(text.split()))
        for method, metrics in ex.agreement.items():
            for name, value in metrics.items():
                if value is not None:
                    sums[method].setdefault(name, []).append(value)
    return {m: {k: float(np.mean(v)) for k, v in metrics.items()} for m, metrics in sums.items()}, words


def agreement_table(name: str, means: dict[str, dict[str, float]], words: list[int]) -> str:
    lines = [f"{name}: mean agreement with attention over {len(words)} test sentences spread over the random part"
             f" ({min(words)}-{max(words)} words, mean {np.mean(words):.1f}; per-sentence means)",
             f"{'method':<22} {'kendall_tau':>11} {'js':>7} {'top1':>7}"]
    for method, m in means.items():
        lines.append(f"{method:<22} {m.get('kendall_tau', float('nan')):>11.3f} {m.get('js', float('nan')):>7.3f}"
                     f" {m.get('top1', float('nan')):>7.3f}")
    return "\n".join(lines)


def block_table(name: str, c: BlockCounts) -> str:
    pct = lambda k: f"{100 * c.share(k):.1f}%"  # noqa: E731
    return "\n".join([
        f"{name}: {c.sentences} test sentences spread over the random part"
        f" ({min(c.source_words, default=0)}-{max(c.source_words, default=0)} words,"
        f" mean {np.mean(c.source_words) if c.source_words else 0:.1f}),"
        f" {c.words} content words with a translation ({c.no_translation} without one)",
        f"translation gone when blocked: {c.blocked_gone} ({pct(c.blocked_gone)})",
        f"translation gone when removed: {c.removed_gone} ({pct(c.removed_gone)})",
        f"gone both ways: {c.both} ({pct(c.both)}); only blocked: {c.blocked_gone - c.both};"
        f" only removed: {c.removed_gone - c.both}",
    ])


DETERMINERS = {"eng": {"the", "a", "an", "my", "your", "his", "her", "our", "their", "this", "that", "these", "those"},
               "spa": {"el", "la", "los", "las", "un", "una", "unos", "unas", "mi", "mis", "tu", "tus", "su", "sus",
                       "este", "esta", "estos", "estas", "ese", "esa"}}


def subject_positions(pieces: list[str], lang: str) -> list[int]:
    """Preset "block the subject": the pieces of the first word after any determiners (a heuristic:
    the subject of a plain declarative sentence such as "Tom bought a red car." or "My sister ...")."""
    words, index = pieces_to_words(pieces)
    for w, word in enumerate(words):
        plain = word.lower().strip(".,;:!?¿¡\"'()")
        if plain and any(ch.isalpha() for ch in plain) and not word.startswith("<") \
                and plain not in DETERMINERS.get(lang, set()):
            return _word_pieces(pieces, index, w)
    return []


def wrong_word(attention: np.ndarray, pieces: list[str], lang: str) -> tuple[int, int] | None:
    """Preset "force attention onto the wrong word": (step, source position). The step is the first
    whose attention peaks on a content word; all its weight goes to the first piece of the content
    word farthest from that one. None with fewer than two content words."""
    words = content_words(pieces, lang)
    if len(words) < 2:
        return None
    peaks = attention.argmax(1)  # [T]
    for t, j in enumerate(peaks):
        here = next((k for k, w in enumerate(words) if j in w), None)
        if here is not None:
            far = max(range(len(words)), key=lambda k: abs(k - here))
            return t + 1, words[far][0]
    return None
