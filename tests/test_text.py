"""Tests of s2s.text: what input is accepted, the beam and output bounds, pieces -> words."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from s2s.errors import InputError
from s2s.text import (MAX_BEAM, MAX_CHARS, MAX_OUTPUT, WORD_START, check_beam, clean_text, max_output_len,
                      pieces_to_words)


# ----- clean_text ----------------------------------------------------------------------------


def test_clean_text_normalises_space_and_unicode():
    assert clean_text("  The\tcat \n\n sat\u00a0down  ") == "The cat sat down"
    decomposed = "cafe\u0301"
    assert clean_text(decomposed) == unicodedata.normalize("NFC", decomposed) == "caf\u00e9"
    assert clean_text("고양이 😀") == "고양이 😀"  # any script and emoji are text


@pytest.mark.parametrize("text", ["", " ", "\t\n ", "\u00a0\u2003"])
def test_empty_text_is_refused(text):
    with pytest.raises(InputError, match="^text is empty$"):
        clean_text(text)


@pytest.mark.parametrize("ch", ["\x00", "\x07", "\x1b", "\x7f", "\x9b"])
def test_control_characters_are_refused(ch):
    with pytest.raises(InputError, match=f"control character U\\+{ord(ch):04X}"):
        clean_text(f"hello {ch} world")


@pytest.mark.parametrize("ch", ["\ud800", "\udfff"])
def test_lone_surrogates_are_refused(ch):
    with pytest.raises(InputError, match="surrogate"):
        clean_text("abc" + ch)


def test_whitespace_controls_are_allowed():
    assert clean_text("a\tb\nc\rd\x0be\x0cf") == "a b c d e f"


@pytest.mark.parametrize("value", [None, b"bytes", 42, ["a"]])
def test_non_text_is_refused(value):
    with pytest.raises(InputError, match=f"^expected text, got {type(value).__name__}$"):
        clean_text(value)


def test_length_limit_applies_after_normalisation():
    assert len(clean_text("x" * MAX_CHARS)) == MAX_CHARS
    with pytest.raises(InputError, match="too long"):
        clean_text("x" * (MAX_CHARS + 1))
    # extra whitespace does not count
    assert clean_text("   " + "a " * (MAX_CHARS // 2) + "   ") == ("a " * (MAX_CHARS // 2)).strip()
    with pytest.raises(InputError, match="too long"):
        clean_text("y" * (50 * MAX_CHARS))


def test_raw_size_limit_is_twenty_times_the_character_limit():
    """Past 20 x MAX_CHARS raw characters the text is refused before it is normalised (the count
    is the raw length); up to there, whitespace that normalisation removes does not count."""
    raw = 20 * MAX_CHARS
    assert clean_text("a" + " " * (raw - 1)) == "a"
    with pytest.raises(InputError, match=f"^text is too long: {raw + 1} characters \\(limit {MAX_CHARS}\\)$"):
        clean_text("a" + " " * raw)


# ----- bounds --------------------------------------------------------------------------------


@pytest.mark.parametrize("beam", [1, 2, MAX_BEAM])
def test_check_beam_accepts(beam):
    assert check_beam(beam) == beam


@pytest.mark.parametrize("beam", [0, -1, MAX_BEAM + 1, 2.0, "3", None, True])
def test_check_beam_refuses(beam):
    with pytest.raises(InputError, match=f"1 to {MAX_BEAM}"):
        check_beam(beam)


def test_max_output_len():
    assert max_output_len(1) == 12
    assert max_output_len(20) == 50
    assert max_output_len(10_000) == MAX_OUTPUT
    assert max_output_len(20, limit=7) == 7
    assert max_output_len(20, limit=500) == 50  # the limit cannot raise the bound
    assert max_output_len(20, limit=0) == 1  # always at least one step
    for n in range(1, 400, 7):
        assert 1 <= max_output_len(n) <= MAX_OUTPUT
        assert max_output_len(n) >= min(n, MAX_OUTPUT)  # room for a translation as long as the source


# ----- pieces_to_words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pieces, words, index",
    [
        ([], [], []),
        (["▁The", "▁ca", "t", "▁sat", "."], ["The", "cat", "sat."], [0, 1, 1, 2, 2]),
        (["▁hola", "</s>"], ["hola", "</s>"], [0, 1]),
        (["ab", "c", "▁d"], ["abc", "d"], [0, 0, 1]),  # a first piece without ▁ still starts a word
        # a special is a word of its own: the piece after it starts a new word
        (["▁a", "<unk>", "bc", "▁d"], ["a", "<unk>", "bc", "d"], [0, 1, 2, 3]),
        (["▁x", "</s>", "y"], ["x", "</s>", "y"], [0, 1, 2]),
        (["<s>", "▁hi"], ["<s>", "hi"], [0, 1]),
        # a bare ▁ opens a word its next piece fills
        (["▁", "¿", "Qué", "?"], ["¿Qué?"], [0, 0, 0, 0]),
        (["▁I", "▁", "<unk>", "▁today"], ["I", "<unk>", "today"], [0, 1, 1, 2]),
        (["▁", "<unk>", "D", "ó", "nde"], ["<unk>", "Dónde"], [0, 0, 1, 1, 1]),
        # a bare ▁ that nothing fills is shown as ▁, never as an empty word
        (["▁a", "▁", "▁b", "▁"], ["a", "▁", "b", "▁"], [0, 1, 2, 3]),
        (["</s>", "</s>"], ["</s>", "</s>"], [0, 1]),
        # special means <...> with something inside: "<>", "<a" and "b>" are ordinary pieces
        (["▁x", "<>", "y"], ["x<>y"], [0, 0, 0]),
        (["▁x", "<a", "y"], ["x<ay"], [0, 0, 0]),
        (["▁x", "b>", "y"], ["xb>y"], [0, 0, 0]),
    ],
)
def test_pieces_to_words_examples(pieces, words, index):
    assert pieces_to_words(pieces) == (words, index)


PIECES = st.sampled_from(["▁", "▁a", "▁bc", "d", "ef", "é", "<unk>", "</s>", "<s>", "?"])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=25))
def test_pieces_to_words_invariants(pieces):
    words, index = pieces_to_words(pieces)
    assert len(index) == len(pieces)
    if not pieces:
        assert words == []
        return
    assert index[0] == 0 and index[-1] == len(words) - 1
    assert all(b - a in (0, 1) for a, b in zip(index, index[1:]))  # contiguous, in order
    assert all(words)  # never an empty word
    special = [p.startswith("<") and p.endswith(">") for p in pieces]
    for i, p in enumerate(pieces):
        if special[i]:
            assert words[index[i]] == p
        if i and (p.startswith(WORD_START) and pieces[i - 1] != WORD_START or special[i - 1]):
            assert index[i] == index[i - 1] + 1  # starts a new word
        if i and special[i] and pieces[i - 1] != WORD_START:
            assert index[i] == index[i - 1] + 1
        if i and not p.startswith(WORD_START) and not special[i] and not special[i - 1]:
            assert index[i] == index[i - 1]  # continues the word
    for w, word in enumerate(words):
        members = [p for p, j in zip(pieces, index) if j == w]
        text = "".join(m for m in members if not (m.startswith("<") and m.endswith(">"))).replace(WORD_START, "")
        assert word == (text or next((m for m in members if m.startswith("<")), WORD_START))
