"""Metrics: sacrebleu scores pinned to known values, concatenation probe, the result layout."""

import pytest

from s2s.checkpoint import load
from s2s.data import LENGTH_BUCKETS, Example
from s2s.evaluate import CONCAT_SIZES, baseline_record, concat_examples, corpus_scores, evaluate
from tiny import make_checkpoint


def test_perfect_and_empty_scores():
    assert corpus_scores(["the cat sat on the mat"], [("the cat sat on the mat",)]) == {"bleu": 100.0, "chrf": 100.0, "n": 1}
    assert corpus_scores([], []) == {"bleu": 0.0, "chrf": 0.0, "n": 0}


def test_scores_pinned_to_known_values():
    # BLEU: 4-gram precisions 5/6, 3/5, 2/4, 1/3, brevity penalty 1 -> exp(mean log p) = 0.5373
    got = corpus_scores(["the cat sat on a mat"], [("the cat sat on the mat",)])
    assert got["bleu"] == pytest.approx(53.73, abs=0.01)
    # chrF (char 6-grams, beta 2): a regression pin of sacrebleu 2.6.0's value for this pair
    assert got["chrf"] == pytest.approx(65.98, abs=0.01)


def test_any_reference_counts():
    refs = [("Tengo un perro.", "Tengo una perra.")]
    assert corpus_scores(["Tengo una perra."], refs)["bleu"] == 100.0
    mixed = corpus_scores(["Tengo una perra.", "Hola."], [refs[0], ("Hola.",)])  # 2 refs, then 1
    assert mixed["bleu"] == 100.0 and mixed["n"] == 2


def test_concat_examples_joins_sources_and_references():
    exs = [Example("A.", ("a1", "a2"), "random"), Example("B.", ("b1",), "random"), Example("C.", ("c1",), "random")]
    (joined,) = concat_examples(exs, 2)
    assert joined.source == "A. B."
    assert joined.references == ("a1 b1", "a2 b1")  # reference j uses j mod n of each sentence
    assert concat_examples(exs, 3, limit=0) == []
    assert len(concat_examples(exs * 4, 3, limit=2)) == 2


def test_signature_describes_the_actual_scoring():
    refs = [("Tengo un perro.", "Tengo una perra."), ("Hola.",)]
    sig = corpus_scores(["Tengo una perra.", "Hola."], refs, signature=True)["signature"]
    assert sig["bleu"].startswith("nrefs:var") and "tok:13a" in sig["bleu"]  # a variable number of references
    assert sig["chrf"].startswith("nrefs:var") and "nc:6" in sig["chrf"]
    assert "signature" not in corpus_scores(["Hola."], [("Hola.",)])


def test_evaluate_layout_on_a_tiny_checkpoint(tmp_path):
    ckpt = load(make_checkpoint(tmp_path / "tiny"))
    seen = []
    metrics, outputs = evaluate(ckpt, limit=3, concat_limit=2, progress=lambda done, total: seen.append((done, total)))
    assert set(metrics["by_length"]) == set(LENGTH_BUCKETS)
    assert sum(m["n"] for m in metrics["by_length"].values()) == 6  # 3 random + 3 long
    assert metrics["n"] == 3
    assert set(metrics["concat"]) == {str(k) for k in CONCAT_SIZES}
    assert all(m["n"] <= 2 for m in metrics["concat"].values())
    assert len(outputs) == 6 and {part for _, part, _ in outputs} == {"random", "long"}
    assert seen[-1][0] == seen[-1][1] and metrics["signature"]["bleu"]


def test_baseline_record_differences_and_refusal():
    def metrics(bleu, beam=5):
        return {"bleu": bleu, "chrf": bleu + 10, "beam": beam, "length_penalty": 1.0, "weights": "int8",
                "by_length": {"1-5": {"bleu": bleu + 1}, "21+": {"bleu": bleu - 5}},
                "concat": {"2": {"bleu": bleu - 1}, "4": {"bleu": bleu - 9}}}

    record = baseline_record(metrics(35.81), metrics(33.0), "runs/eng-spa/vanilla-lstm/checkpoint")
    assert record["checkpoint"] == "runs/eng-spa/vanilla-lstm/checkpoint"
    assert (record["bleu"], record["chrf"]) == (33.0, 43.0)
    assert record["delta_bleu"] == 2.81 and record["delta_chrf"] == 2.81
    assert record["delta_bleu_by_length"] == {"1-5": 2.81, "21+": 2.81}
    assert record["delta_bleu_concat"] == {"2": 2.81, "4": 2.81}
    with pytest.raises(ValueError, match="decoded differently"):
        baseline_record(metrics(35.81), metrics(33.0, beam=1), "x")
