"""Context vectors: the encoder's final state per sentence, batched = one at a time; per-step
attention contexts; sentence sets typed one per line."""

import numpy as np
import pytest
import torch

from s2s.errors import InputError
from s2s.text import MAX_CHARS
from s2s.translate import encode_source, translate
from s2s.vectors import MAX_SENTENCES, attention_contexts, context_vectors, sentence_set

TEXTS = ["the cat is big", "we see the red house today", "a dog", "you have bread and water tomorrow"]


@pytest.mark.parametrize("variant", ["vanilla-gru", "bahdanau-reversed", "concat"])
def test_context_vectors_are_each_sentences_encoding(make_checkpoint, variant):
    ckpt, _ = make_checkpoint(variant)
    vecs = context_vectors(ckpt, TEXTS)
    assert vecs.shape == (len(TEXTS), ckpt.model.cfg.memory_dim) and vecs.dtype == np.float32
    for text, vec in zip(TEXTS, vecs):
        ids = encode_source(ckpt, text)[1]
        with torch.inference_mode():
            final = ckpt.model.encode(torch.tensor([ids]), torch.tensor([len(ids)])).final[0]
        assert np.allclose(vec, final.numpy(), atol=1e-5)
    assert not np.allclose(vecs[0], vecs[1])


def test_context_vectors_refuse_bad_text_by_position(make_checkpoint):
    ckpt, _ = make_checkpoint("vanilla-gru")
    with pytest.raises(InputError, match="sentence 2"):
        context_vectors(ckpt, ["the cat", "x" * (MAX_CHARS + 1)])
    assert context_vectors(ckpt, []).shape == (0, ckpt.model.cfg.memory_dim)


def test_attention_contexts_are_the_best_hypothesis_steps(make_checkpoint):
    ckpt, _ = make_checkpoint("bahdanau-gru")
    tr = translate(ckpt, "the cat is big", beam=2)
    ctx = attention_contexts(tr)
    assert ctx.shape == (len(tr.best.ids), ckpt.model.cfg.memory_dim)
    vanilla, _ = make_checkpoint("vanilla-gru", name="v")
    fixed = attention_contexts(translate(vanilla, "the cat is big"))
    assert np.allclose(fixed, fixed[0])  # vanilla: one context vector at every step
    assert np.allclose(fixed[0], context_vectors(vanilla, ["the cat is big"])[0], atol=1e-5)


def test_sentence_set_lines_duplicates_errors():
    s = sentence_set("John admires Mary.\n\n  Mary admires John.\nJohn   admires Mary.\n" + "x" * (MAX_CHARS + 1))
    assert s.texts == ["John admires Mary.", "Mary admires John."]
    assert s.duplicates == {"John admires Mary.": 2}
    assert [line for line, _ in s.errors] == [5] and "too long" in s.errors[0][1]
    assert not s.truncated
    many = sentence_set("\n".join(f"sentence {i}" for i in range(MAX_SENTENCES + 5)))
    assert len(many.texts) == MAX_SENTENCES and many.truncated
    assert sentence_set("   \n").texts == []


def test_sentence_set_groups_from_blank_lines():
    sset = sentence_set("\n\nA one.\nA two.\n\n\n  \nB one.\nA one.\n\nbad \x07\n\nC one.")
    assert sset.texts == ["A one.", "A two.", "B one.", "C one."]
    assert sset.groups == [0, 0, 1, 2]  # the duplicate keeps its first group; the refused line's group is gone
    assert sentence_set("x.\ny.").groups == [0, 0]
    assert sentence_set("").groups == []
