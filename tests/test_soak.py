"""Fuzzing: any text either translates or raises the one documented InputError, quickly."""

import time
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from s2s.checkpoint import load
from s2s.errors import InputError
from s2s.tools.soak import SAMPLES, soak
from s2s.text import MAX_CHARS, MAX_PIECES
from s2s.translate import translate
from tiny import make_checkpoint


@pytest.fixture(scope="module")
def ckpt(tmp_path_factory):
    return load(make_checkpoint(tmp_path_factory.mktemp("soak") / "b"))


any_text = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=80),  # every code point, surrogates too
    st.sampled_from(SAMPLES),
    st.builds(lambda s, k: s * k, st.sampled_from(SAMPLES[:6]), st.integers(1, 12_000 // 10)),
)


def expected_refusal(ckpt, text: str) -> str | None:
    """The refusal `text` must get, from the documented rules (s2s.text's docstring and
    README limits), worked out here without s2s.text; None when it must translate."""
    if len(text) > 20 * MAX_CHARS:
        return f"text is too long: {len(text)} characters (limit {MAX_CHARS})"
    for ch in text:
        if unicodedata.category(ch) == "Cs":
            return f"text contains an unpaired surrogate U+{ord(ch):04X}"
        if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85":
            return f"text contains a control character U+{ord(ch):04X}"
    clean = " ".join(unicodedata.normalize("NFC", text).split())
    if not clean:
        return "text is empty"
    if len(clean) > MAX_CHARS:
        return f"text is too long: {len(clean)} characters (limit {MAX_CHARS})"
    ids = ckpt.tokenizer.encode(clean)
    if not ids:
        return "text has nothing to translate"
    if len(ids) > MAX_PIECES:
        return f"text is too long: {len(ids)} pieces (limit {MAX_PIECES})"
    return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=any_text, beam=st.sampled_from([1, 3]))
def test_any_text_translates_or_is_refused(ckpt, text, beam):
    """Each refusal is the right one for its input, and every input the rules accept translates."""
    start = time.perf_counter()
    expected = expected_refusal(ckpt, text)
    try:
        result = translate(ckpt, text, beam=beam)
    except InputError as exc:
        assert str(exc) == expected, (text[:60], expected)
    else:
        assert expected is None, (text[:60], expected)
        clean = " ".join(unicodedata.normalize("NFC", text).split())
        ids = ckpt.tokenizer.encode(clean)
        assert result.source == clean and result.unk_count == ids.count(ckpt.tokenizer.unk_id)
        assert result.hypotheses and all(len(h.ids) <= result.max_len for h in result.hypotheses)
    assert time.perf_counter() - start < 10  # bounded by the length limits: no hang


@pytest.mark.parametrize("text, refusal", [
    ("", "text is empty"), (" \t\n\u00a0", "text is empty"),
    ("x" * (MAX_CHARS + 1), f"text is too long: {MAX_CHARS + 1} characters (limit {MAX_CHARS})"),
    ("a\x07", "text contains a control character U+0007"), ("\udfff lone", "text contains an unpaired surrogate U+DFFF"),
    ("\u200b\u200e", "text has nothing to translate"), ("a " * 300, "text is too long: 300 pieces (limit 200)"),
    ("I love you.", None), ("<script>alert('x')</script>", None), ("😀🎉", None), ("안녕하세요", None),
])
def test_the_oracle_itself(ckpt, text, refusal):
    """The rules above on known inputs (so the fuzz test cannot pass by an oracle that always agrees)."""
    assert expected_refusal(ckpt, text) == refusal


def test_only_unknown_characters_translate_as_unknown_pieces(ckpt):
    """Characters the tokenizer has never seen are not refused: they become <unk> pieces, counted."""
    result = translate(ckpt, "😀🎉 👍🏽")
    assert result.unk_count >= 1 and result.unk_count == result.source_pieces.count("<unk>")
    assert result.hypotheses


def test_soak_counts_add_up(ckpt):
    report = soak(ckpt, 150, seed=1)
    assert report.crashed == 0, report.crashes[:3]
    assert report.tried == 150 == report.translated + report.refused
    assert report.translated > 0 and report.refused > 0
    assert "crashed 0" in report.line()
