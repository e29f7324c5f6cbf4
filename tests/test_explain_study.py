"""Tests of s2s.explain_study: content words, a word's translation, the presets; and on the shipped
checkpoints, blocked columns exactly 0 and the block/remove and agreement figures of docs/explain.md
reproduced."""

from pathlib import Path

import numpy as np
import pytest

from s2s.checkpoint import CHECKPOINTS_DIR, list_checkpoints, load
from s2s.errors import InputError
from s2s.explain_study import (agreement_over_test, agreement_table, block_table, block_vs_remove, content_words,
                               split_sources, spread, subject_positions, word_translation, wrong_word)
from s2s.translate import translate

DOC = Path(__file__).resolve().parent.parent / "docs" / "explain.md"
PIECES = ["▁The", "▁blue", "▁bird", "▁sing", "s", ".", "</s>"]


def test_content_words_and_subject():
    assert content_words(PIECES, "eng") == [[1], [2], [3, 4]]  # "The", "." and </s> are not content words
    assert subject_positions(PIECES, "eng") == [1]  # the first word after the determiner
    assert subject_positions(["▁Tom", "▁sings", ".", "</s>"], "eng") == [0]
    assert subject_positions(["▁Mi", "▁hermana", "▁canta", ".", "</s>"], "spa") == [1]
    assert subject_positions([".", "</s>"], "eng") == []


def test_spread_takes_every_part_of_the_pool():
    assert spread(list(range(10)), 3) == [0, 3, 6]
    assert spread(list(range(10)), 4) == [0, 2, 5, 7]
    assert spread(list(range(5)), 9) == [0, 1, 2, 3, 4]  # all of them, once
    for bad in (0, -2, 1.5, True):
        with pytest.raises(InputError, match="positive integer"):
            spread([1, 2], bad)


def test_word_translation_follows_the_attention_peaks():
    target = ["▁El", "▁pájaro", "▁azul", "▁canta", ".", "</s>"]
    attention = np.zeros((6, 7))
    for t, j in enumerate([0, 2, 1, 3, 5, 6]):
        attention[t, j] = 1.0
    assert dict(word_translation(attention, target, [1])) == {"azul": 1}
    assert dict(word_translation(attention, target, [3, 4])) == {"canta": 1}
    assert not word_translation(attention, target, [6])  # </s> is nobody's translation


def test_wrong_word_preset():
    attention = np.zeros((6, 7))
    for t, j in enumerate([0, 2, 1, 3, 5, 6]):
        attention[t, j] = 1.0
    step, position = wrong_word(attention, PIECES, "eng")
    assert step == 2 and position == 1  # step 2 attends to "bird"; farthest: "blue" and "sings", the first wins
    assert wrong_word(attention[:, :3], ["▁The", "▁bird", "</s>"], "eng") is None  # one content word only


SHIPPED = [n for n in list_checkpoints(CHECKPOINTS_DIR) if "vanilla" not in n]
SENTENCES = ["Tom bought a red car yesterday.", "The blue bird sings.", "I am hungry.", "I like cats."]


@pytest.mark.skipif(not SHIPPED, reason="no shipped attention checkpoints")
@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_blocked_columns_exactly_zero_at_every_step(name):
    ckpt = load(CHECKPOINTS_DIR / name)
    for text in SENTENCES[:2] if ckpt.pair[0] == "eng" else ["Tom compró un coche rojo ayer.", "El pájaro azul canta."]:
        n = len(translate(ckpt, text).source_pieces)
        for block in ([1], [0, n - 2]):
            for beam in (1, 4):
                for h in translate(ckpt, text, beam=beam, block=block).hypotheses:
                    assert (h.attention[:, block] == 0).all(), (name, text, block, beam)
                    assert np.allclose(h.attention.sum(1), 1.0, atol=1e-5)


@pytest.mark.skipif("eng-spa/bahdanau" not in SHIPPED, reason="no shipped Bahdanau checkpoint")
def test_shipped_sample_spans_the_lengths_of_the_split():
    """The study's sentences are spread over the random part (short to long), not its first, shortest ones."""
    sample = split_sources(load(CHECKPOINTS_DIR / "eng-spa" / "bahdanau"), 100)
    words = [len(s.split()) for s in sample]
    assert len(set(sample)) == 100 and max(words) >= 12 and np.mean(words) > 5, words


def _documented(command: str) -> str:
    """The output block that follows `$ command` in docs/explain.md."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"$ {command}\n") + len(command) + 3
    return text[start:text.index("```", start)].strip()


@pytest.mark.skipif("eng-spa/bahdanau" not in SHIPPED, reason="no shipped Bahdanau checkpoint")
def test_shipped_block_remove_figures_are_reproduced():
    ckpt = load(CHECKPOINTS_DIR / "eng-spa" / "bahdanau")
    got = block_table("eng-spa/bahdanau", block_vs_remove(ckpt, 20))
    assert got == _documented("python -m s2s explain checkpoints/eng-spa/bahdanau --block-test 20")


def _numbers(table: str) -> list[float]:
    return [float(x) for line in table.splitlines()[2:] for x in line.split()[1:]]


@pytest.mark.skipif("eng-spa/bahdanau" not in SHIPPED, reason="no shipped Bahdanau checkpoint")
def test_shipped_agreement_figures_are_reproduced():
    """The agreement table's header as printed, its numbers to float tolerance (another CPU may round
    the last digit of a mean the other way)."""
    doc = _documented("python -m s2s explain checkpoints/eng-spa/bahdanau --test 5")
    means, words = agreement_over_test(load(CHECKPOINTS_DIR / "eng-spa" / "bahdanau"), 5)
    got = agreement_table("eng-spa/bahdanau", means, words)
    assert got.splitlines()[:2] == doc.splitlines()[:2]
    assert len(_numbers(got)) == len(_numbers(doc)) == 12
    assert np.allclose(_numbers(got), _numbers(doc), atol=0.0015)
