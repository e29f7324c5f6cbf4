"""The shipped checkpoints: each loads, translates everyday sentences sensibly, and its card's
test metrics match a fresh evaluation of a small slice. Skipped while none are shipped."""

import pytest

from s2s.checkpoint import CHECKPOINTS_DIR, list_checkpoints, load
from s2s.evaluate import SLICE, corpus_scores, evaluate
from s2s.translate import translate

SHIPPED = list_checkpoints(CHECKPOINTS_DIR)
EVERYDAY = {
    ("eng", "spa"): [
        ("Thank you very much.", ("Muchas gracias.", "Muchísimas gracias.")),
        ("Where is the station?", ("¿Dónde está la estación?",)),
        ("I am very tired.", ("Estoy muy cansado.", "Estoy muy cansada.")),
        ("My brother lives in Madrid.", ("Mi hermano vive en Madrid.",)),
        ("We are going to eat now.", ("Vamos a comer ahora.",)),
    ],
    ("spa", "eng"): [
        ("Muchas gracias.", ("Thank you very much.", "Thanks a lot.")),
        ("¿Dónde está la estación?", ("Where is the station?",)),
        ("Estoy muy cansado.", ("I am very tired.", "I'm very tired.")),
        ("Mi hermano vive en Madrid.", ("My brother lives in Madrid.",)),
        ("Vamos a comer ahora.", ("We are going to eat now.", "We're going to eat now.", "Let's eat now.")),
    ],
}

pytestmark = pytest.mark.skipif(not SHIPPED, reason="no shipped checkpoints yet")


@pytest.fixture(scope="module", params=SHIPPED or ["none"])
def shipped(request):
    return load(CHECKPOINTS_DIR / request.param)


def test_everyday_sentences_are_sensible(shipped):
    cases = EVERYDAY[shipped.pair]
    hyps = [translate(shipped, src).best.text for src, _ in cases]
    scores = corpus_scores(hyps, [refs for _, refs in cases])
    assert scores["chrf"] >= 45, list(zip([src for src, _ in cases], hyps))


def test_card_metrics_match_a_fresh_slice(shipped):
    test = shipped.card.get("metrics", {}).get("test")
    assert test, "shipped checkpoints carry test metrics (python -m s2s evaluate)"
    fresh, _ = evaluate(shipped, beam=test["beam"], length_penalty=test["length_penalty"], limit=SLICE, concat_limit=0)
    assert fresh["n"] == test["slice"]["n"] == SLICE
    assert fresh["bleu"] == pytest.approx(test["slice"]["bleu"], abs=0.01)
    assert fresh["chrf"] == pytest.approx(test["slice"]["chrf"], abs=0.01)


def test_card_describes_training(shipped):
    training = shipped.card["training"]
    assert training["curve"] and training["wall_time_s"] > 0 and training["tokens_per_s"] > 0
    assert training["hardware"]
    assert (shipped.path / "model.safetensors").stat().st_size <= 16 * 2**20  # 16 MB per checkpoint


def test_all_checkpoints_fit_the_budget():
    total = sum(p.stat().st_size for p in CHECKPOINTS_DIR.rglob("*") if p.is_file())
    assert total <= 120 * 2**20  # checkpoints/ at most 120 MB in all
