"""s2s.embeddings: neighbours (sorted, the word itself and the specials left out, cosine in [-1, 1]),
the multi-piece mean, the language restriction, translation ranks, one-hot facts, the CLI; on a
tiny seeded model over the real tokenizer and on the shipped Bahdanau checkpoint."""

import json

import numpy as np
import pytest

from app_fixtures import shipped_root
from s2s import checkpoint
from s2s import embeddings as em
from s2s.__main__ import main
from s2s.errors import InputError
from s2s.piece_languages import piece_languages
from s2s.tokenizer import SPECIAL_PIECES
from tiny import make_checkpoint

BAHDANAU = checkpoint.CHECKPOINTS_DIR / "eng-spa" / "bahdanau"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    ckpt = checkpoint.load(make_checkpoint(tmp_path_factory.mktemp("emb") / "b", seed=3))
    return ckpt, em.embedding(ckpt), piece_languages(ckpt.tokenizer)


def manual_cosines(emb, vector):
    m = emb.matrix.astype(float)
    return m @ vector / (np.linalg.norm(m, axis=1) * np.linalg.norm(vector) + 1e-30)


@pytest.mark.parametrize("word", ["dog", "mother", "unbelievably", "perro"])
def test_neighbours_sorted_exclude_the_word_and_match_the_formula(tiny, word):
    _, emb, langs = tiny
    result = em.neighbours(emb, word, k=15, langs=langs)
    rows = result["neighbours"]
    cos = [r["cosine"] for r in rows]
    assert len(rows) == 15 and cos == sorted(cos, reverse=True)
    assert all(-1.0 <= c <= 1.0 for c in cos)
    ids = emb.tokenizer.encode(word)
    assert result["pieces"] == emb.tokenizer.pieces(ids)
    own = set(result["pieces"]) | set(SPECIAL_PIECES.values())
    assert not own & {r["piece"] for r in rows}
    expected = manual_cosines(emb, emb.matrix[ids].astype(float).mean(axis=0))
    ok = np.ones(emb.vocab_size, bool)
    ok[list(SPECIAL_PIECES) + ids] = False
    best = np.flatnonzero(ok)[np.argsort(-expected[ok])[:15]]
    assert [emb.tokenizer.id_to_piece(int(i)) for i in best] == [r["piece"] for r in rows]
    assert np.allclose(cos, expected[best], atol=1e-4)


def test_a_word_of_several_pieces_is_the_mean_of_its_pieces(tiny):
    _, emb, _ = tiny
    wv = em.word_vector(emb, "unbelievably")
    assert len(wv.pieces) > 1 and wv.unk == 0
    assert np.allclose(wv.vector, emb.matrix[emb.tokenizer.encode("unbelievably")].mean(axis=0))
    one = em.word_vector(emb, "dog")
    assert len(one.ids) == 1 and np.allclose(one.vector, emb.matrix[one.ids[0]])


def test_unknown_pieces_are_left_out_and_a_word_of_only_unknown_pieces_is_refused(tiny):
    _, emb, _ = tiny
    mixed = em.word_vector(emb, "ꙮdog")
    assert "<unk>" in mixed.pieces and mixed.unk == 1
    assert emb.tokenizer.unk_id not in mixed.ids and "▁" not in emb.tokenizer.pieces(mixed.ids)
    for bad, why in (("ꙮꙮ", "only unknown pieces"), ("", "empty"), ("   ", "empty"), ("x" * 61, "too long"),
                     ("a\x07b", "control character")):
        with pytest.raises(InputError, match=why):
            em.neighbours(emb, bad)
    for k in (0, em.MAX_K + 1, 2.5, True):
        with pytest.raises(InputError, match="k must be"):
            em.neighbours(emb, "dog", k=k)


def test_language_restriction_returns_only_that_languages_pieces(tiny):
    _, emb, langs = tiny
    for lang in ("eng", "spa"):
        rows = em.neighbours(emb, "house", k=30, langs=langs, lang=lang)["neighbours"]
        assert len(rows) == 30 and {r["lang"] for r in rows} == {lang}
        allowed = {emb.tokenizer.id_to_piece(int(i)) for i in np.flatnonzero(langs.mask(lang))}
        assert {r["piece"] for r in rows} <= allowed
    with pytest.raises(ValueError):
        em.neighbours(emb, "house", langs=None, lang="eng")


def test_pair_rank_counts_the_pieces_closer_than_the_translation(tiny):
    _, emb, _ = tiny
    r = em.pair_rank(emb, "dog", "perro")
    a, b = em.word_vector(emb, "dog"), em.word_vector(emb, "perro")
    cos_ab = float(a.vector @ b.vector / np.linalg.norm(a.vector) / np.linalg.norm(b.vector))
    assert r["cosine"] == pytest.approx(cos_ab, abs=1e-4)
    cos = manual_cosines(emb, a.vector.astype(float))
    ok = np.ones(emb.vocab_size, bool)
    ok[list(SPECIAL_PIECES) + a.ids + b.ids] = False
    assert r["rank"] == 1 + int((cos[ok] > cos_ab).sum())
    assert 1 <= r["rank_back"] <= r["of"] == emb.vocab_size - len(SPECIAL_PIECES)
    with pytest.raises(InputError):
        em.pair_rank(emb, "dog", "ꙮ")


def test_word_list_map_matrix_and_refusals(tiny):
    _, emb, _ = tiny
    vecs, refused = em.word_list(emb, ["dog", "cat", "dog", "ꙮ", "perro"])
    assert [v.word for v in vecs] == ["dog", "cat", "perro"] and [w for w, _ in refused] == ["ꙮ"]
    coords, explained, cos = em.map_and_matrix(vecs)
    assert coords.shape == (3, 2) and cos.shape == (3, 3) and np.allclose(np.diag(cos), 1.0)
    assert 0 <= explained.sum() <= 1 + 1e-9
    with pytest.raises(ValueError, match="at least 2 distinct"):
        em.map_and_matrix(vecs[:1])
    words, truncated = em.split_words("dog, cat\n\nperro ,")
    assert words == ["dog", "cat", "perro"] and not truncated
    assert em.split_words(",".join(["w"] * 50)) == (["w"] * em.MAX_WORDS, True)
    assert em.parse_pairs("dog = perro\nbad line\n= x\n\ncat=gato") == ([("dog", "perro"), ("cat", "gato")],
                                                                        [(2, "bad line"), (3, "= x")])


def test_one_hot_facts_are_the_models_numbers(tiny):
    ckpt, emb, _ = tiny
    facts = em.one_hot_facts(emb, ckpt.model.num_parameters())
    assert (facts["vocab_size"], facts["dim"]) == (8000, ckpt.model.cfg.emb_dim)
    assert facts["dense_parameters"] == ckpt.model.embed.weight.numel()
    assert facts["one_hot_matrix_entries"] == 8000 ** 2 and facts["one_hot_zero_share"] == 1 - 1 / 8000
    assert facts["one_hot_cosine"] == 0.0 and -1 <= facts["dense_cosine"] <= 1 and facts["dense_cosine"] != 0
    same = em.one_hot_facts(emb, ckpt.model.num_parameters(), pair=("dog", "dog"))
    assert same["one_hot_cosine"] == pytest.approx(1.0)


def test_cli_neighbours_json_and_errors(tiny, capsys):
    ckpt, _, _ = tiny
    assert main(["neighbours", str(ckpt.path), "dog", "Monday", "--k", "4", "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.strip().splitlines()]
    assert [x["word"] for x in lines] == ["dog", "Monday"]
    for x in lines:
        assert set(x) >= {"word", "pieces", "neighbours"} and len(x["neighbours"]) == 4
        assert [n["cosine"] for n in x["neighbours"]] == sorted((n["cosine"] for n in x["neighbours"]), reverse=True)
    assert main(["neighbours", str(ckpt.path), "house", "--lang", "es", "--json", "--pair", "dog=perro"]) == 0
    word, pair = [json.loads(x) for x in capsys.readouterr().out.strip().splitlines()]
    assert {n["lang"] for n in word["neighbours"]} == {"spa"} and pair["translation"] == "perro"
    assert main(["neighbours", str(ckpt.path), "ꙮ", "dog"]) == 2
    out = capsys.readouterr()
    assert out.out.startswith("dog [▁dog]: ") and "only unknown pieces" in out.err
    assert main(["neighbours", str(ckpt.path), "--pair", "dog=perro", "--pair", "dog=ꙮ"]) == 2
    out = capsys.readouterr()
    assert out.out.startswith("dog ~ perro: cosine ") and out.err.startswith("error: 'dog=ꙮ': ")
    assert main(["neighbours", str(ckpt.path)]) == 2 and "at least one WORD" in capsys.readouterr().err
    for bad in ("dog", "=perro", "dog="):
        with pytest.raises(SystemExit) as exit_:
            main(["neighbours", str(ckpt.path), "dog", "--pair", bad])
        assert exit_.value.code == 2 and "is not WORD=TRANSLATION" in capsys.readouterr().err


@pytest.mark.skipif(shipped_root() is None or not BAHDANAU.is_dir(), reason="no shipped Bahdanau checkpoint")
def test_shipped_bahdanau_neighbours_are_monolingual_and_translations_far():
    ckpt = checkpoint.load(BAHDANAU)
    emb, langs = em.embedding(ckpt), piece_languages(ckpt.tokenizer)
    top = {w: [r["piece"] for r in em.neighbours(emb, w, k=5, langs=langs)["neighbours"]] for w in ("dog", "Monday")}
    assert {"▁Friday", "▁Sunday"} <= set(top["Monday"]) and "▁dogs" in top["dog"]
    assert all(r["lang"] == "eng" for r in em.neighbours(emb, "mother", k=10, langs=langs)["neighbours"])
    ranks = {a: em.pair_rank(emb, a, b)["rank"] for a, b in (("dog", "perro"), ("mother", "madre"))}
    assert ranks["dog"] > 100 and ranks["mother"] > 10  # the translation is far from the word
