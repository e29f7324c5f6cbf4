"""s2s.piece_languages: the labelling rule on hand-made counts, the committed table (counted with the
committed tokenizer, labels recomputed from its counts), the dev+test fallback for another tokenizer."""

import numpy as np

from s2s import piece_languages as pl
from s2s.tokenizer import SPECIAL_PIECES, Tokenizer
from tiny import TOKENIZER


def test_label_rule_share_and_minimum_count():
    eng = np.array([8, 2, 5, 3, 4, 0, 40, 1])
    spa = np.array([2, 8, 5, 0, 0, 5, 10, 3])
    assert pl.label(eng, spa).tolist() == ["eng", "spa", "both", "unknown", "unknown", "spa", "eng", "unknown"]


def test_committed_table_is_for_the_committed_tokenizer_and_labels_known_pieces():
    tok = Tokenizer.load(TOKENIZER)
    langs = pl.read_table(pl.TABLE, tok)
    assert langs is not None and langs.source.startswith("train split")
    expected = pl.label(langs.eng, langs.spa)
    expected[list(SPECIAL_PIECES)] = "special"
    assert np.array_equal(langs.labels, expected)  # the file's counts and the rule agree
    lab = {p: langs.labels[tok.piece_to_id(p)] for p in ("▁dog", "▁mother", "▁perro", "▁madre", "▁Tom", ".")}
    assert lab == {"▁dog": "eng", "▁mother": "eng", "▁perro": "spa", "▁madre": "spa", "▁Tom": "both", ".": "both"}
    assert set(langs.labels[list(SPECIAL_PIECES)]) == {"special"}
    assert pl.piece_languages(tok).source == langs.source


def test_another_tokenizer_counts_the_committed_splits(tokenizer, tmp_path):
    assert pl.read_table(pl.TABLE, tokenizer) is None  # recorded SHA-256 differs
    langs = pl.piece_languages(tokenizer)
    assert langs.source.startswith("dev+test splits") and langs.labels.shape == (tokenizer.vocab_size,)
    assert int(langs.eng.sum()) > 0 and int(langs.spa.sum()) > 0
    path = pl.write_table(langs, tokenizer, tmp_path / "table.tsv")
    again = pl.read_table(path, tokenizer)
    assert np.array_equal(again.eng, langs.eng) and np.array_equal(again.labels, langs.labels)


def test_build_counts_the_train_split_of_a_cache(tmp_path):
    tok = Tokenizer.load(TOKENIZER)
    (tmp_path / "eng-spa").mkdir()
    rows = ["eng\tspa\tattribution"] + ["The dog runs.\tEl perro corre.\tx"] * 5
    (tmp_path / "eng-spa" / "train.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    langs = pl.build(TOKENIZER, out=tmp_path / "table.tsv", cache=tmp_path)
    assert langs.source == "train split (5 pairs)"
    assert langs.labels[tok.piece_to_id("▁dog")] == "eng" and langs.labels[tok.piece_to_id("▁perro")] == "spa"
    assert langs.labels[tok.piece_to_id(".")] == "both" and langs.labels[tok.piece_to_id("▁madre")] == "unknown"
    assert pl.read_table(tmp_path / "table.tsv", tok).source == langs.source
