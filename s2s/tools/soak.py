"""`python -m s2s soak`: many fuzzed inputs through the translate path, with counts.

Every input must either translate or raise the one documented input error (InputError);
anything else is a crash. Each call is bounded by the input limits (s2s.text), so the
slowest call is printed too: a hang would show as a huge figure (or never finish).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from ..checkpoint import Checkpoint
from ..errors import InputError
from ..text import MAX_CHARS
from ..translate import translate

SAMPLES = [
    "I love you.", "Where is the station?", "¿Dónde está la estación?", "John admires Mary.",
    "<script>alert('x')</script>", "<b>bold</b> & <i>italic</i>", "**bold** _it_ [link](http://x) # title",
    "```code```", "$x^2$", "| a | b |", "😀🎉👍🏽", "안녕하세요, 저는 학생입니다.", "مرحبا بالعالم", "שלום עולם",
    "e\u0301e\u0301", "\u200f\u200e\u202e", "a\u0000b", "\x07bell", "tab\tand\nnewline", "\ud800", "\udfff lone",
    "   ", "", "\u00a0\u2003", "Ω≈ç√∫˜µ≤≥÷", "𝕳𝖊𝖑𝖑𝖔", "\ufeffBOM", "ＦＵＬＬＷＩＤＴＨ",
]
ALPHABETS = [
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ .,;:!?¿¡'\"-()",
    "áéíóúñüÁÉÍÓÚÑ ",
    "😀🎉👍🏽🚀❤️🇪🇸",
    "안녕하세요학생입니다 ",
    "مرحبابالعالم ",
    "\u0300\u0301\u0302\u0308\u0327",
    "<>/&;=\"' scriptalert",
    "\x00\x01\x07\x1b\x7f\u0085",
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2066",
]


def fuzz_text(rng: random.Random) -> str:
    """One fuzzed input: a sample, a random mix of alphabets, or a sample blown up in size."""
    kind = rng.random()
    if kind < 0.2:
        return rng.choice(SAMPLES)
    if kind < 0.3:  # huge: past the character limit
        return rng.choice(SAMPLES[:4]) * rng.randint(MAX_CHARS // 10, 10_000 // 10)
    if kind < 0.35:  # lone surrogates where Python allows them
        return "".join(chr(rng.randint(0xD800, 0xDFFF)) for _ in range(rng.randint(1, 5)))
    length = int(rng.expovariate(1 / 30)) + 1
    pools = rng.sample(ALPHABETS, rng.randint(1, 3))
    alphabet = "".join(pools)
    return "".join(rng.choice(alphabet) for _ in range(length))


@dataclass
class SoakReport:
    tried: int = 0
    translated: int = 0
    refused: int = 0
    crashed: int = 0
    slowest_s: float = 0.0
    crashes: list[tuple[str, str]] = field(default_factory=list)  # (input repr, error)

    def line(self) -> str:
        return (f"tried {self.tried}, translated {self.translated}, refused {self.refused}, "
                f"crashed {self.crashed}, slowest call {self.slowest_s * 1000:.0f} ms")


def soak(ckpt: Checkpoint, n: int, seed: int = 0, beam: int = 1) -> SoakReport:
    """Translate n fuzzed inputs; count translations, refusals (InputError) and crashes."""
    rng = random.Random(seed)
    report = SoakReport()
    for _ in range(n):
        text = fuzz_text(rng)
        start = time.perf_counter()
        try:
            translate(ckpt, text, beam=beam)
            report.translated += 1
        except InputError:
            report.refused += 1
        except Exception as exc:  # noqa: BLE001 - counting every other failure is the point
            report.crashed += 1
            report.crashes.append((repr(text)[:200], f"{type(exc).__name__}: {exc}"))
        report.tried += 1
        report.slowest_s = max(report.slowest_s, time.perf_counter() - start)
    return report
